//! Invariants of the scoring core on synthetic volumes built in memory.

use std::collections::BTreeMap;

use proptest::prelude::*;
use vascalc_ct::{
    Acquisition, ConventionName, Geometry, Regions, ScoreOptions, SeriesScore, Volume,
    measure_series, score,
};

const COLS: usize = 48;
const ROWS: usize = 40;
const SLICES: usize = 6;

/// A random sparse "calcium" pattern: (slice, row, column, HU) blobs of random size.
fn blobs() -> impl Strategy<Value = Vec<(usize, usize, usize, usize, usize, f32)>> {
    prop::collection::vec(
        (
            0..SLICES,
            0..ROWS - 6,
            0..COLS / 2 - 6,
            1usize..6,
            1usize..6,
            100.0f32..900.0,
        ),
        0..8,
    )
}

fn volume(
    blobs: &[(usize, usize, usize, usize, usize, f32)],
    increment: f64,
    origin: [f64; 3],
) -> Volume {
    let mut hu = vec![20.0f32; SLICES * ROWS * COLS];
    for &(k, j, i, h, w, v) in blobs {
        for jj in j..j + h {
            for ii in i..i + w {
                // A little texture so that peaks differ from means.
                hu[(k * ROWS + jj) * COLS + ii] = v - (ii + jj) as f32;
            }
        }
    }
    Volume {
        columns: COLS,
        rows: ROWS,
        slices: SLICES,
        hu,
        geometry: Geometry::axial(0.45, increment, SLICES, origin, Some(increment)),
    }
}

fn run(v: &Volume, name: ConventionName) -> SeriesScore {
    let options = ScoreOptions {
        convention: name.convention(),
        ..ScoreOptions::default()
    };
    score(v, &Acquisition::default(), &options).expect("valid volume")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Moving the whole volume in patient space changes centroids by the shift and nothing else.
    #[test]
    fn translation_invariance(b in blobs(), dx in -500.0f64..500.0, dy in -500.0f64..500.0, dz in -500.0f64..500.0) {
        for name in ConventionName::ALL {
            let a = run(&volume(&b, 3.0, [0.0; 3]), name);
            let t = run(&volume(&b, 3.0, [dx, dy, dz]), name);
            prop_assert!(close(a.totals.agatston, t.totals.agatston));
            prop_assert!(close(a.totals.volume_mm3, t.totals.volume_mm3));
            prop_assert_eq!(a.lesions.len(), t.lesions.len());
            for (la, lt) in a.lesions.iter().zip(&t.lesions) {
                prop_assert_eq!(la.id, lt.id);
                prop_assert!(close(la.agatston, lt.agatston));
                for (ca, (ct, d)) in la.centroid_mm.iter().zip(lt.centroid_mm.iter().zip([dx, dy, dz])) {
                    prop_assert!((ct - ca - d).abs() < 1e-6);
                }
            }
        }
    }

    /// Agatston and volume scale linearly with the increment (× increment / 3 mm and voxel
    /// depth), for every convention whose depth is the measured increment.
    #[test]
    fn increment_scaling(b in blobs(), inc in 0.5f64..5.0) {
        for name in [ConventionName::Classic, ConventionName::Qurai] {
            let base = run(&volume(&b, 3.0, [0.0; 3]), name);
            let scaled = run(&volume(&b, inc, [0.0; 3]), name);
            let f = inc / 3.0;
            // Same lesions as long as a minimum size in mm³ does not cut differently (classic
            // uses mm², which does not depend on the increment).
            if name == ConventionName::Classic {
                prop_assert!(close(scaled.totals.agatston, base.totals.agatston * f));
                prop_assert!(close(scaled.totals.volume_mm3, base.totals.volume_mm3 * f));
            } else if base.lesions.len() == scaled.lesions.len() {
                prop_assert!(close(scaled.totals.agatston, base.totals.agatston * f));
            }
        }
    }

    /// A copy of the whole pattern beside the original doubles every total and the lesion count.
    #[test]
    fn duplicated_lesion_doubles(b in blobs()) {
        let single = volume(&b, 3.0, [0.0; 3]);
        let mut double = single.clone();
        for k in 0..SLICES {
            for j in 0..ROWS {
                let row = (k * ROWS + j) * COLS;
                for i in 0..COLS / 2 {
                    // Right half = left half, with one background column between them (column
                    // COLS/2 − 1 is always background because blobs end before it).
                    double.hu[row + COLS / 2 + i] = single.hu[row + i];
                }
            }
        }
        for name in ConventionName::ALL {
            let s = run(&single, name);
            let d = run(&double, name);
            prop_assert!(close(d.totals.agatston, 2.0 * s.totals.agatston));
            prop_assert!(close(d.totals.volume_mm3, 2.0 * s.totals.volume_mm3));
            prop_assert!(close(d.totals.relative_mass_hu_mm3, 2.0 * s.totals.relative_mass_hu_mm3));
            prop_assert_eq!(d.lesions.len(), 2 * s.lesions.len());
        }
    }

    /// Scores never go negative and the total is the sum of the lesions.
    #[test]
    fn totals_are_sums(b in blobs()) {
        let r = run(&volume(&b, 2.5, [0.0; 3]), ConventionName::Classic);
        let sum: f64 = r.lesions.iter().map(|l| l.agatston).sum();
        prop_assert!(close(r.totals.agatston, sum));
        prop_assert!(r.lesions.iter().all(|l| l.agatston >= 0.0 && l.peak_hu >= 130.0 && l.area_mm2 >= 1.0));
    }
}

/// Hand-computed classic scores hitting every weight bin, the 1 mm² minimum and 8-connectivity.
#[test]
fn classic_known_values() {
    // Pixel 0.5 mm → 4 pixels = 1 mm². Increment 1.5 mm → factor 0.5.
    let mut hu = vec![0.0f32; 2 * 20 * 40];
    let mut put = |k: usize, j: usize, i: usize, v: f32| hu[(k * 20 + j) * 40 + i] = v;
    // Lesion A: 2×2 at 130..199 → weight 1 (peak 199.9), area 1 mm².
    for (j, i) in [(1, 1), (1, 2), (2, 1), (2, 2)] {
        put(0, j, i, if (j, i) == (1, 1) { 199.9 } else { 131.0 });
    }
    // Lesion B: 3 pixels (0.75 mm²) at 500: below the minimum, not a lesion.
    for i in 10..13 {
        put(0, 5, i, 500.0);
    }
    // Lesion C: a diagonal chain of 4 pixels (8-connected) with peak exactly 300 → weight 3.
    for d in 0..4 {
        put(1, 10 + d, 20 + d, if d == 0 { 300.0 } else { 250.0 });
    }
    // Lesion D: 2×4 with peak 400 → weight 4, area 2 mm².
    for j in 15..17 {
        for i in 30..34 {
            put(1, j, i, 400.0);
        }
    }
    let v = Volume {
        columns: 40,
        rows: 20,
        slices: 2,
        hu,
        geometry: Geometry::axial(0.5, 1.5, 2, [0.0; 3], Some(3.0)),
    };
    let r = run(&v, ConventionName::Classic);
    let ag: Vec<f64> = r.lesions.iter().map(|l| l.agatston).collect();
    assert_eq!(ag, vec![1.0 * 1.0 * 0.5, 1.0 * 3.0 * 0.5, 2.0 * 4.0 * 0.5]);
    assert_eq!(r.totals.agatston, 0.5 + 1.5 + 4.0);
    assert_eq!(r.totals.volume_mm3, (4.0 + 4.0 + 8.0) * 0.25 * 1.5);
    // DeepCAC keeps ≥ 4 pixels too; AI-CAC (min 2 voxels, 6-connected) splits the diagonal
    // chain into single voxels and drops them, keeps B (3 voxels), uses SliceThickness 3 mm.
    let deep = run(&v, ConventionName::Deepcac);
    assert_eq!(deep.totals.agatston, 6.0);
    let aicac = run(&v, ConventionName::AiCac);
    let ag: Vec<f64> = aicac.lesions.iter().map(|l| l.agatston).collect();
    assert_eq!(ag, vec![1.0, 0.75 * 4.0, 2.0 * 4.0]);
}

proptest! {
    /// A reviewer's assignment applied to the lesions measured once (what the viewer does after
    /// each change) gives exactly the score of scoring the volume with that assignment.
    #[test]
    fn assigning_measured_lesions_is_scoring_with_the_assignment(
        b in blobs(),
        names in prop::collection::vec(
            (1u32..12, prop::sample::select(vec!["LAD", "rca", "coronary", "non_coronary", "Aorta"])),
            0..10,
        ),
        auto in any::<bool>(),
    ) {
        let v = volume(&b, 2.5, [0.0; 3]);
        let options = ScoreOptions {
            regions: if auto { Regions::Auto } else { Regions::WholeImage },
            ..ScoreOptions::default()
        };
        let measured = measure_series(&v, &Acquisition::default(), &options, None)
            .expect("valid volume");
        let assignments: BTreeMap<u32, String> =
            names.into_iter().map(|(id, n)| (id, n.to_string())).collect();
        let direct = score(
            &v,
            &Acquisition::default(),
            &ScoreOptions { assignments: assignments.clone(), ..options },
        )
        .expect("valid volume");
        prop_assert_eq!(measured.assign(&assignments), direct);
    }
}
