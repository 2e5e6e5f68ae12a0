//! Scoring-kernel throughput on a 47 × 512 × 512 volume (the size of the real phantom series):
//! soft tissue with noise and a few hundred calcium blobs, scored on ONE core (a one-thread
//! rayon pool) so the figure is per core. Throughput is reported in bytes of f32 voxels.
//!
//! `cargo bench -p vascalc-ct --bench kernel`

use divan::counter::BytesCount;
use vascalc_ct::{Acquisition, ConventionName, Geometry, ScoreOptions, Volume, score};

fn main() {
    divan::main();
}

const COLS: usize = 512;
const ROWS: usize = 512;
const SLICES: usize = 47;

fn phantom() -> Volume {
    let mut hu = vec![0.0f32; SLICES * ROWS * COLS];
    // Deterministic pseudo-noise (xorshift) around 40 HU, σ ≈ 30 HU: a few noise voxels cross
    // 130 HU as in real scans.
    let mut s: u32 = 0x9E37_79B9;
    for v in hu.iter_mut() {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        *v = 40.0 + (s % 200) as f32 * 0.5 - 50.0 + ((s >> 8) % 41) as f32;
    }
    // 300 blobs of 3–12 pixels across and 1–4 slices.
    for b in 0..300usize {
        let (k0, j0, i0) = (b * 7 % (SLICES - 4), 40 + b * 37 % 420, 40 + b * 91 % 420);
        let r = 2 + b % 5;
        for k in k0..k0 + 1 + b % 4 {
            for j in j0..j0 + 2 * r {
                for i in i0..i0 + 2 * r {
                    hu[(k * ROWS + j) * COLS + i] = 200.0 + (b % 7) as f32 * 100.0;
                }
            }
        }
    }
    Volume {
        columns: COLS,
        rows: ROWS,
        slices: SLICES,
        hu,
        geometry: Geometry::axial(0.488, 3.0, SLICES, [-125.0, -125.0, 500.0], Some(3.0)),
    }
}

#[divan::bench(args = ["classic", "qurai", "ai-cac"], sample_count = 20)]
fn score_one_core(bencher: divan::Bencher, convention: &str) {
    let volume = phantom();
    let options = ScoreOptions {
        convention: ConventionName::parse(convention)
            .map(|c| c.convention())
            .unwrap_or_default(),
        ..ScoreOptions::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    bencher
        .counter(BytesCount::new(
            volume.hu.len() * std::mem::size_of::<f32>(),
        ))
        .bench_local(|| pool.install(|| score(&volume, &Acquisition::default(), &options)));
}
