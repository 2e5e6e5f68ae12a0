//! The anatomy step of `vascalc-ct` (`find_anatomy`: body, lungs, carina, bone, descending aorta,
//! heart region) on one core: on the anatomical chest phantom at 512 × 512 × 150 (0.7 mm, 2 mm),
//! and on the real chest CT `cap002` (COVID-CT-MD sample in ../shared/data, 512 × 512 × 131) when
//! present, with the whole `score` under `Regions::Auto` beside it. Target (issue 14): < 1 s.
//!
//! `cargo bench -p vascalc-phantom --bench anatomy`

use vascalc_ct::{Regions, ScoreOptions, find_anatomy, score};
use vascalc_phantom::chest::{ChestSpec, render_chest};

fn main() {
    divan::main();
}

fn one_core() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool")
}

#[path = "../tests/common/mod.rs"]
mod common;

fn phantom() -> vascalc_ct::Volume {
    common::ct_volume(&render_chest(&ChestSpec::standard(1)).expect("renders"))
}

fn cap002() -> Option<vascalc_dicom::LoadedSeries> {
    let dir = vascalc_testdata::require("ct/chest-ct-covid-ct-md/cap002")?;
    vascalc_dicom::load_series(&[dir], &vascalc_dicom::SeriesFilter::default())
        .ok()?
        .into_iter()
        .next()
}

#[divan::bench(sample_count = 5)]
fn anatomy_chest_phantom_512x512x150(bencher: divan::Bencher) {
    let v = phantom();
    let pool = one_core();
    bencher.bench_local(|| pool.install(|| find_anatomy(&v)));
}

#[divan::bench(sample_count = 5)]
fn anatomy_cap002_512x512x131(bencher: divan::Bencher) {
    let Some(s) = cap002() else {
        return;
    };
    let pool = one_core();
    bencher.bench_local(|| pool.install(|| find_anatomy(&s.volume)));
}

#[divan::bench(sample_count = 5)]
fn score_auto_cap002_512x512x131(bencher: divan::Bencher) {
    let Some(s) = cap002() else {
        return;
    };
    let pool = one_core();
    let options = ScoreOptions {
        regions: Regions::Auto,
        ..ScoreOptions::default()
    };
    bencher.bench_local(|| pool.install(|| score(&s.volume, &s.acquisition, &options)));
}
