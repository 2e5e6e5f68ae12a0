//! The scoring engine (vascalc-dicom + vascalc-ct) on synthetic phantoms: exact agreement with
//! the forward model's prediction, mass against physical truth within the tolerance the model
//! implies (see `vascalc_phantom::expected`), and invariants: file names and order, translation,
//! increment scaling, duplicated lesions.

mod common;
use common::ct_volume;
use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;
use vascalc_ct::{Acquisition, Calibration, CalibrationSource, Region, ScoreOptions, SeriesScore};
use vascalc_phantom::{
    Insert, Layout, PhantomSpec, Truth, dicom, expected, model::slice_weight, render,
};

const THRESHOLD: f64 = 130.0;
const MIN_AREA: f64 = 1.0;

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("phantom-scoring-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn acquisition() -> Acquisition {
    Acquisition {
        modality: Some("CT".into()),
        kvp: Some(120.0),
        ..Acquisition::default()
    }
}

fn classic(calibration: Option<f64>) -> ScoreOptions {
    ScoreOptions {
        calibration: calibration.map(|c| Calibration::given(c).expect("positive factor")),
        ..ScoreOptions::default()
    }
}

fn score(v: &vascalc_ct::Volume, options: &ScoreOptions) -> SeriesScore {
    vascalc_ct::score(v, &acquisition(), options).expect("scorable volume")
}

#[derive(Debug, Default, Clone, Copy)]
struct Measured {
    agatston: f64,
    volume_mm3: f64,
    mass_mg: f64,
    lesions: usize,
}

/// Sums the lesions whose centroid lies in each insert's ROI sphere.
fn per_insert(s: &SeriesScore, truth: &Truth) -> BTreeMap<String, Measured> {
    let mut out = BTreeMap::new();
    for ins in &truth.inserts {
        let mut m = Measured::default();
        for l in &s.lesions {
            let d2: f64 = l
                .centroid_mm
                .iter()
                .zip(ins.roi.centre_mm)
                .map(|(a, b)| (a - b).powi(2))
                .sum();
            if d2.sqrt() <= ins.roi.radius_mm {
                m.agatston += l.agatston;
                m.volume_mm3 += l.volume_mm3;
                m.mass_mg += l.mass_mg.unwrap_or(f64::NAN);
                m.lesions += 1;
            }
        }
        out.insert(ins.id.clone(), m);
    }
    out
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-9)
}

/// Writes `spec` as DICOM, reads it back with vascalc-dicom and scores it.
fn score_through_dicom(
    spec: &PhantomSpec,
    dir: &std::path::Path,
    options: &ScoreOptions,
) -> SeriesScore {
    let volume = render(spec).expect("valid spec");
    let truth = Truth::new(spec);
    dicom::write_series(dir, &volume, &truth, &dicom::WriteOptions::new()).expect("written");
    let series = vascalc_dicom::load_series(&[dir.to_path_buf()], &Default::default())
        .expect("readable series");
    assert_eq!(series.len(), 1);
    vascalc_ct::score(&series[0].volume, &series[0].acquisition, options).expect("scored")
}

#[test]
fn noise_free_scores_equal_the_model_prediction() {
    let mut spec = PhantomSpec::small(1);
    spec.model.noise_sd_hu = 0.0;
    let c = spec.model.calibration_factor();
    let truth = Truth::new(&spec);
    let s = score_through_dicom(&spec, &tmp("noise-free"), &classic(Some(c)));
    let measured = per_insert(&s, &truth);
    let predictions = expected::predict(&spec, THRESHOLD, MIN_AREA).expect("prediction");
    for p in &predictions {
        let m = measured[&p.insert];
        assert!(
            close(m.agatston, p.agatston, 1e-6),
            "{}: Agatston {} vs predicted {}",
            p.insert,
            m.agatston,
            p.agatston
        );
        assert!(
            close(m.volume_mm3, p.volume_mm3, 1e-6),
            "{}: volume {} vs {}",
            p.insert,
            m.volume_mm3,
            p.volume_mm3
        );
        if p.voxels > 0 {
            assert!(
                close(m.mass_mg, p.mass_mg(c), 1e-6),
                "{}: mass {} vs {}",
                p.insert,
                m.mass_mg,
                p.mass_mg(c)
            );
        }
    }
    // The 5 mm and 3 mm inserts are all detected; the 3 mm / 200 mg one just so.
    for id in [
        "HA800-5mm",
        "HA400-5mm",
        "HA200-5mm",
        "HA800-3mm",
        "HA400-3mm",
        "HA200-3mm",
    ] {
        assert!(measured[id].lesions >= 1, "{id} not found");
    }
}

#[test]
fn calibrated_mass_matches_physical_mass_within_the_model_tolerance() {
    let inserts = [
        "HA800-5mm",
        "HA400-5mm",
        "HA200-5mm",
        "HA800-3mm",
        "HA400-3mm",
        "HA200-3mm",
    ];
    for seed in 1..=3 {
        let spec = PhantomSpec::small(seed);
        let truth = Truth::new(&spec);
        let predictions = expected::predict(&spec, THRESHOLD, MIN_AREA).expect("prediction");
        let volume = ct_volume(&render(&spec).expect("valid"));

        // (a) the factor the model implies; (b) the factor measured on the phantom's own rods.
        let known = spec.model.calibration_factor();
        let rod = |id: &str| {
            let r = truth.rods.iter().find(|r| r.id == id).expect("rod");
            Region::Cylinder {
                center_mm: r.region.centre_mm,
                radius_mm: r.region.radius_mm,
                half_length_mm: r.region.length_mm / 2.0,
            }
        };
        let measured_cal =
            Calibration::from_rods(&volume, &rod("rod-HA200"), &rod("rod-water"), 200.0)
                .expect("rods measurable");
        let CalibrationSource::Rods {
            ha_voxels,
            water_voxels,
            ha_mean_hu,
            water_mean_hu,
            ..
        } = measured_cal.source.clone()
        else {
            panic!("rod calibration");
        };
        let sigma = spec.model.noise_sd_hu;
        let cal_rel_tol = 4.0 * sigma * (1.0 / ha_voxels as f64 + 1.0 / water_voxels as f64).sqrt()
            / (ha_mean_hu - water_mean_hu);
        for (label, factor, extra_rel) in [
            ("model factor", known, 0.0),
            ("rod calibration", measured_cal.mg_per_mm3_hu, cal_rel_tol),
        ] {
            let s = score(&volume, &classic(Some(factor)));
            let measured = per_insert(&s, &truth);
            for id in inserts {
                let p = predictions
                    .iter()
                    .find(|p| p.insert == id)
                    .expect("prediction");
                let m = measured[id].mass_mg;
                let physical = truth.insert(id).expect("insert").mass_mg;
                let tol = p.mass_tolerance_mg(factor, sigma, THRESHOLD) + extra_rel * m;
                assert!(
                    (m - physical).abs() <= tol,
                    "seed {seed}, {label}, {id}: mass {m:.3} mg vs physical {physical:.3} mg, \
                     tolerance {tol:.3} mg (partial-volume bias {:.3} mg)",
                    p.bias_mg(factor)
                );
            }
        }
    }
}

#[test]
fn the_model_tolerance_is_not_vacuous() {
    // For the 5 mm inserts the tolerance is a small fraction of the mass, so a scorer that
    // were 20% off (a wrong unit, a missing calibration term, thickness instead of increment)
    // would fail the previous test.
    let spec = PhantomSpec::small(1);
    let c = spec.model.calibration_factor();
    for p in expected::predict(&spec, THRESHOLD, MIN_AREA).expect("prediction") {
        let rel = p.mass_tolerance_mg(c, spec.model.noise_sd_hu, THRESHOLD) / p.physical_mass_mg;
        let limit = match p.insert.as_str() {
            "HA800-5mm" | "HA400-5mm" => 0.12,
            "HA800-3mm" | "HA200-5mm" => 0.25,
            _ => continue,
        };
        assert!(
            rel < limit,
            "{}: tolerance {:.1}% of the mass",
            p.insert,
            100.0 * rel
        );
    }
}

/// A phantom with the given inserts only (no rods), in the small grid, noise-free.
fn inserts_only(inserts: Vec<Insert>) -> PhantomSpec {
    let mut spec = PhantomSpec::small(1);
    spec.model.noise_sd_hu = 0.0;
    spec.layout = Layout {
        rods: Vec::new(),
        inserts,
        ..spec.layout
    };
    spec
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn file_names_and_order_do_not_change_the_score(
        seed in 1u64..1000,
        names in proptest::collection::vec("[a-z0-9]{6,12}", 6),
        order in Just((0..6usize).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let mut spec = PhantomSpec::small(seed);
        spec.geometry.slices = 6;
        let volume = render(&spec).expect("valid");
        let truth = Truth::new(&spec);
        let uid_seed = 42;
        let plain_dir = tmp(&format!("names-plain-{seed}"));
        let shuffled_dir = tmp(&format!("names-shuffled-{seed}"));
        let opts = dicom::WriteOptions { uid_seed, ..dicom::WriteOptions::new() };
        dicom::write_series(&plain_dir, &volume, &truth, &opts).expect("written");
        // Slice k gets a random name, and names are handed out in a shuffled order.
        let mut unique: Vec<String> = names.iter().enumerate().map(|(i, n)| format!("{n}{i}")).collect();
        let shuffled: Vec<String> = order.iter().map(|k| std::mem::take(&mut unique[*k])).collect();
        let opts = dicom::WriteOptions { file_names: Some(shuffled), ..opts };
        dicom::write_series(&shuffled_dir, &volume, &truth, &opts).expect("written");

        let load = |dir: &PathBuf| {
            let series = vascalc_dicom::load_series(std::slice::from_ref(dir), &Default::default()).expect("series");
            vascalc_ct::score(&series[0].volume, &series[0].acquisition, &classic(Some(7.2e-4))).expect("scored")
        };
        let a = load(&plain_dir);
        let b = load(&shuffled_dir);
        prop_assert_eq!(&a.totals, &b.totals);
        prop_assert_eq!(&a.lesions, &b.lesions);
        prop_assert_eq!(&a.flags, &b.flags);
        prop_assert!(a.totals.agatston > 0.0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn translating_the_volume_changes_positions_only(
        dx in -500.0f64..500.0, dy in -500.0f64..500.0, dz in -800.0f64..800.0, seed in 1u64..100,
    ) {
        let spec = PhantomSpec::small(seed);
        let mut moved = spec.clone();
        for (c, d) in moved.geometry.centre_mm.iter_mut().zip([dx, dy, dz]) {
            *c += d;
        }
        moved.layout.translate([dx, dy, dz]);
        let a = render(&spec).expect("valid");
        let b = render(&moved).expect("valid");
        // The model is translation-invariant up to float rounding of positions; a rare voxel may
        // round to the neighbouring integer.
        let differ = a.hu.iter().zip(&b.hu).filter(|(p, q)| p != q).count();
        prop_assert!(differ <= 2, "{differ} voxels differ");
        let options = classic(Some(spec.model.calibration_factor()));
        let sa = score(&ct_volume(&a), &options);
        let sb = score(&ct_volume(&b), &options);
        if differ == 0 {
            prop_assert_eq!(sa.lesions.len(), sb.lesions.len());
            prop_assert!(close(sa.totals.agatston, sb.totals.agatston, 1e-9));
            prop_assert!(close(sa.totals.volume_mm3, sb.totals.volume_mm3, 1e-9));
            prop_assert!(close(sa.totals.mass_mg.unwrap_or(0.0), sb.totals.mass_mg.unwrap_or(0.0), 1e-9));
            for (la, lb) in sa.lesions.iter().zip(&sb.lesions) {
                for (p, (q, d)) in la.centroid_mm.iter().zip(lb.centroid_mm.iter().zip([dx, dy, dz])) {
                    prop_assert!((q - p - d).abs() < 1e-6, "centroid {:?} → {:?}", la.centroid_mm, lb.centroid_mm);
                }
            }
        }
    }

    #[test]
    fn scores_scale_with_the_increment(factor in 0.25f64..4.0, seed in 1u64..100) {
        // Same voxels, slices `factor` times further apart: per-slice Agatston × increment / 3 mm,
        // volume = voxels × pixel area × increment, mass = c × mean HU × volume.
        let v = render(&PhantomSpec::small(seed)).expect("valid");
        let base = ct_volume(&v);
        let mut stretched = base.clone();
        let z0 = base.geometry.positions[0][2];
        for p in &mut stretched.geometry.positions {
            p[2] = z0 + (p[2] - z0) * factor;
        }
        let options = classic(Some(7.2e-4));
        let a = score(&base, &options);
        let b = score(&stretched, &options);
        prop_assert!(close(b.totals.agatston, a.totals.agatston * factor, 1e-9), "{} vs {}", b.totals.agatston, a.totals.agatston);
        prop_assert!(close(b.totals.volume_mm3, a.totals.volume_mm3 * factor, 1e-9));
        prop_assert!(close(b.totals.mass_mg.unwrap_or(0.0), a.totals.mass_mg.unwrap_or(0.0) * factor, 1e-9));

        // Each slice twice at half the increment: the same totals (no double counting).
        let n = base.columns * base.rows;
        let mut doubled = base.clone();
        doubled.slices = base.slices * 2;
        doubled.hu = base.hu.chunks(n).flat_map(|s| s.iter().chain(s.iter()).copied()).collect();
        let inc = base.geometry.increment_mm().expect("uniform increment");
        doubled.geometry.positions = (0..doubled.slices)
            .map(|k| [base.geometry.positions[0][0], base.geometry.positions[0][1], z0 + k as f64 * inc / 2.0])
            .collect();
        let d = score(&doubled, &options);
        prop_assert!(close(d.totals.agatston, a.totals.agatston, 1e-9), "{} vs {}", d.totals.agatston, a.totals.agatston);
        prop_assert!(close(d.totals.volume_mm3, a.totals.volume_mm3, 1e-9));
    }

    #[test]
    fn a_duplicated_lesion_doubles_the_score(
        density in prop::sample::select(vec![200.0, 400.0, 800.0]),
        diameter in prop::sample::select(vec![3.0, 5.0]),
        x in -10.0f64..0.0, y in -20.0f64..10.0, z in -1.5f64..1.5,
        shift_px in 25usize..35,
    ) {
        let one = Insert { id: "a".into(), mg_ha_cm3: density, diameter_mm: diameter, length_mm: diameter, centre_mm: [x, y, z] };
        let single = inserts_only(vec![one.clone()]);
        let shift = shift_px as f64 * single.geometry.pixel_spacing_mm;
        let copy = Insert { id: "b".into(), centre_mm: [x + shift, y, z], ..one.clone() };
        let double = inserts_only(vec![one, copy]);
        let options = classic(Some(single.model.calibration_factor()));
        let s1 = score(&ct_volume(&render(&single).expect("valid")), &options);
        let s2 = score(&ct_volume(&render(&double).expect("valid")), &options);
        prop_assert!(s1.totals.agatston > 0.0);
        prop_assert!(close(s2.totals.agatston, 2.0 * s1.totals.agatston, 1e-9), "{} vs 2×{}", s2.totals.agatston, s1.totals.agatston);
        prop_assert!(close(s2.totals.volume_mm3, 2.0 * s1.totals.volume_mm3, 1e-9));
        prop_assert!(close(s2.totals.mass_mg.unwrap_or(0.0), 2.0 * s1.totals.mass_mg.unwrap_or(0.0), 1e-9));
        prop_assert_eq!(s2.lesions.len(), 2 * s1.lesions.len());
        // The slice profile decides which slices see the insert.
        let g = &single.geometry;
        let hit = (0..g.slices as usize).filter(|k| slice_weight(g.z(*k), g.slice_thickness_mm, z, diameter) > 0.0).count();
        prop_assert!(hit >= 1);
    }
}
