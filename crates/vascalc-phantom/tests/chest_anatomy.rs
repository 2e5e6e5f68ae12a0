//! The anatomy step of `vascalc-ct` on the anatomical chest phantom, against its truth:
//! every coronary lesion is a candidate (sensitivity 100 % on the phantom), no bone, aortic-wall,
//! costal-cartilage or noise lesion is, and nothing else in the image is either.

mod common;
use common::ct_volume;
use vascalc_ct::{
    Acquisition, ExclusionReason, FlagCode, Lesion, LesionStatus, Regions, ScoreOptions,
    SeriesScore,
};
use vascalc_phantom::chest::{ChestLesionKind, ChestSpec, chest_truth, render_chest};

fn scored(spec: &ChestSpec, regions: Regions) -> (SeriesScore, vascalc_ct::Volume) {
    let v = ct_volume(&render_chest(spec).expect("renders"));
    let acquisition = Acquisition {
        modality: Some("CT".into()),
        kvp: Some(120.0),
        body_part: Some("CHEST".into()),
        ..Acquisition::default()
    };
    let options = ScoreOptions {
        regions,
        ..ScoreOptions::default()
    };
    (
        vascalc_ct::score(&v, &acquisition, &options).expect("scores"),
        v,
    )
}

fn dist(a: [f64; 3], b: [f64; 3]) -> f64 {
    (0..3).map(|d| (a[d] - b[d]).powi(2)).sum::<f64>().sqrt()
}

/// The scored lesions that belong to a truth lesion: centroid within its radius plus one voxel
/// diagonal (classic lesions are per slice, so a sphere gives one lesion per slice it crosses).
fn matches<'a>(
    s: &'a SeriesScore,
    centre: [f64; 3],
    radius: f64,
    spec: &ChestSpec,
) -> Vec<&'a Lesion> {
    let slack = radius + spec.pixel_mm * 1.5 + spec.increment_mm / 2.0;
    s.lesions
        .iter()
        .filter(|l| dist(l.centroid_mm, centre) <= slack)
        .collect()
}

#[test]
fn coronary_lesions_are_candidates_and_nothing_else_is() {
    for seed in [1, 2, 3, 4] {
        let spec = ChestSpec::small(seed);
        let truth = chest_truth(&spec);
        let (s, _) = scored(&spec, Regions::Auto);
        let review = s.review.as_ref().expect("chest found: review present");
        assert!(review.anatomy.chest_found);
        // The carina: the truth puts it at z = 62 mm; the trachea splits within a few slices.
        let carina = review.anatomy.carina_slice.expect("carina found");
        let z = spec.geometry().z(carina);
        assert!(
            (z - truth.carina_z_mm).abs() <= 10.0,
            "carina at z {z}, truth {}",
            truth.carina_z_mm
        );
        assert!(review.anatomy.aorta_slices > 20, "{:?}", review.anatomy);
        // The ascending aorta runs 30 mm from below the carina (z 62) into the heart's fat
        // (z 32): followed over at least 20 mm, then the root below it.
        assert!(
            review.anatomy.ascending_aorta_slices as f64 * spec.increment_mm >= 20.0,
            "{:?}",
            review.anatomy
        );
        assert!(
            review.anatomy.aortic_root_slices > 0,
            "{:?}",
            review.anatomy
        );
        // The arch: its limbs followed up from the heart's top slice (z about 55 mm) and its
        // roof (up to z 105 mm): at least 20 mm of slices above the heart.
        assert!(
            review.anatomy.arch_slices as f64 * spec.increment_mm >= 20.0,
            "{:?}",
            review.anatomy
        );

        let mut claimed = std::collections::BTreeSet::new();
        let mut coronary = 0;
        for t in &truth.lesions {
            let found = matches(&s, t.centre_mm, t.radius_mm, &spec);
            assert!(!found.is_empty(), "seed {seed}: {t:?} not detected");
            claimed.extend(found.iter().map(|l| l.id));
            match &t.kind {
                ChestLesionKind::Coronary { artery } => {
                    coronary += 1;
                    for l in &found {
                        assert_eq!(
                            l.status,
                            LesionStatus::Candidate,
                            "seed {seed}: {artery} lesion {t:?} → {l:?}"
                        );
                    }
                }
                // The descending and ascending aorta's wall, and the top of the arch (above the
                // carina): `aorta` first, whatever the carina's estimate.
                ChestLesionKind::AorticWall => {
                    for l in &found {
                        assert_eq!(l.status, LesionStatus::Excluded, "{t:?} → {l:?}");
                        assert_eq!(
                            l.reasons.first(),
                            Some(&ExclusionReason::Aorta),
                            "seed {seed}: {t:?} → {l:?}, {:?}",
                            review.anatomy
                        );
                    }
                }
                ChestLesionKind::Noise => {
                    for l in &found {
                        assert_eq!(l.reasons.first(), Some(&ExclusionReason::Noise), "{l:?}");
                    }
                }
                // At the sternum's depth beside it: the chest wall (the first reason, unless a
                // noise voxel of the cartilage is matched too), whatever else applies (the
                // phantom's lungs do not reach in front of the heart, so these specks also lie
                // outside the region; on the real scan P001 such specks were candidates).
                ChestLesionKind::CostalCartilage => {
                    for l in &found {
                        assert_eq!(l.status, LesionStatus::Excluded, "{t:?} → {l:?}");
                        assert!(
                            l.reasons.contains(&ExclusionReason::ChestWall),
                            "seed {seed}: {t:?} → {l:?}"
                        );
                    }
                }
                // Below where the ascending aorta enters the heart: the aortic root.
                ChestLesionKind::AorticValve => {
                    for l in &found {
                        assert_eq!(
                            l.status,
                            LesionStatus::Excluded,
                            "{t:?} → {l:?}, {:?}",
                            review.anatomy
                        );
                        assert!(
                            l.reasons.contains(&ExclusionReason::AorticRoot)
                                || l.reasons.contains(&ExclusionReason::Aorta),
                            "seed {seed}: {t:?} → {l:?}"
                        );
                    }
                }
            }
        }
        assert_eq!(coronary, 9);
        // Everything else (spine, ribs, sternum) is excluded, and bone is the reason.
        let others: Vec<&Lesion> = s
            .lesions
            .iter()
            .filter(|l| !claimed.contains(&l.id))
            .collect();
        assert!(others.len() > 50, "bone lesions expected: {}", others.len());
        for l in &others {
            assert_eq!(l.status, LesionStatus::Excluded, "seed {seed}: {l:?}");
        }
        let bone = review
            .excluded_by_reason
            .get("bone")
            .map_or(0.0, |t| t.agatston);
        assert!(
            bone > 0.9 * review.excluded.agatston,
            "bone {bone} of {}",
            review.excluded.agatston
        );
        // Unreviewed: no score counted, no CAC-DRS, and a flag that says so.
        assert_eq!(s.totals.lesions, 0);
        assert_eq!(s.cac_drs, None);
        assert!(s.flags.iter().any(|f| f.code == FlagCode::Unreviewed));
        assert!(review.candidates_unreviewed.lesions >= 9);
    }
}

#[test]
fn whole_image_counts_every_lesion() {
    let spec = ChestSpec::small(1);
    let (s, _) = scored(&spec, Regions::WholeImage);
    assert!(s.review.is_none());
    assert!(s.lesions.iter().all(|l| l.status == LesionStatus::Scored));
    assert_eq!(s.totals.lesions, s.lesions.len());
    let (auto, _) = scored(&spec, Regions::Auto);
    // The same lesions, with the same ids and scores, only sorted.
    assert_eq!(auto.lesions.len(), s.lesions.len());
    let r = auto.review.expect("review");
    let sum = r.candidates_unreviewed.agatston + r.excluded.agatston;
    assert!((sum - s.totals.agatston).abs() < 1e-6 * s.totals.agatston.max(1.0));
}

/// A viewer re-scores after each assignment with the anatomy it kept: the result is the one
/// `score` gives (same lesions, statuses, totals, CAC-DRS), for an empty and a full review.
#[test]
fn rescoring_with_the_kept_anatomy_equals_scoring_afresh() {
    let spec = ChestSpec::small(2);
    let v = ct_volume(&render_chest(&spec).expect("renders"));
    let acquisition = Acquisition {
        modality: Some("CT".into()),
        kvp: Some(120.0),
        body_part: Some("CHEST".into()),
        ..Acquisition::default()
    };
    let mut options = ScoreOptions {
        regions: Regions::Auto,
        keep_runs: true,
        ..ScoreOptions::default()
    };
    let (first, anatomy) =
        vascalc_ct::score_with_anatomy(&v, &acquisition, &options).expect("scores");
    let anatomy = anatomy.expect("anatomy under Regions::Auto");
    let again = vascalc_ct::score_with_known_anatomy(&v, &acquisition, &options, &anatomy)
        .expect("rescores");
    assert_eq!(first, again);
    for (n, l) in first
        .lesions
        .iter()
        .filter(|l| l.status == LesionStatus::Candidate)
        .enumerate()
    {
        let artery = ["LAD", "RCA", "non_coronary"][n % 3];
        options.assignments.insert(l.id, artery.to_string());
    }
    assert!(!options.assignments.is_empty());
    let afresh = vascalc_ct::score(&v, &acquisition, &options).expect("scores");
    let kept = vascalc_ct::score_with_known_anatomy(&v, &acquisition, &options, &anatomy)
        .expect("rescores");
    assert_eq!(afresh, kept);
    assert!(afresh.cac_drs.is_some(), "{:?}", afresh.flags);
    // An anatomy of another volume is not used: found again, same answer.
    let mut other = anatomy.clone();
    other.slices += 1;
    let refound =
        vascalc_ct::score_with_known_anatomy(&v, &acquisition, &options, &other).expect("rescores");
    assert_eq!(afresh, refound);
}
