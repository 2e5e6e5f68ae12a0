//! From a HU volume to lesions, totals, arteries, CAC-DRS and flags.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::anatomy::{Anatomy, find_anatomy, flag};
use crate::calibration::Calibration;
use crate::convention::{Convention, Depth, MinSize, WeightFrom};
use crate::flags::{Flag, FlagCode, acquisition_flags};
use crate::label::{self, Component, Run};
use crate::regions::{LabelVolume, Roi, canonical_artery};
use crate::result::{
    Acquisition, AnatomySummary, Conventions, ExclusionReason, Lesion, LesionStatus, Review,
    SeriesScore, Totals,
};
use crate::volume::{Volume, VolumeError};
use vascalc_domain::{Artery, ArteryScores};

/// Which lesions count when no region, label or assignment names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Regions {
    /// Every lesion in the image counts (calibration phantoms; the library default).
    #[default]
    WholeImage,
    /// Find the anatomy; lesions become coronary candidates (unreviewed) or exclusions.
    Auto,
}

/// The label of a lesion a reviewer named "not coronary" (the spelling of
/// [`vascalc_domain::Artery::NonCoronary`]).
pub const NOT_CORONARY: &str = "non_coronary";

/// The label of a lesion a reviewer confirmed as coronary calcium without naming its artery
/// ("accept all candidates" in the viewer, `ID,coronary` in an `--assign` file): counted in the
/// total, in no artery. While one such lesion counts, CAC-DRS gives the Agatston category A but
/// no vessel number N (the arteries of those lesions are not known), and the record keeps the
/// total without per-artery scores.
pub const CORONARY_UNNAMED: &str = "coronary";

/// Whether a region or assignment name is [`CORONARY_UNNAMED`] (any case, spaces around).
pub fn is_unnamed_coronary(name: &str) -> bool {
    name.trim().eq_ignore_ascii_case(CORONARY_UNNAMED)
}

/// Whether an assignment's name is a reviewer's "not coronary" (`non_coronary`, `not coronary`,
/// `non-coronary`, any case): such a lesion is excluded (`reviewer_not_coronary`) and not counted.
/// Any other name that is not an artery (a phantom's `rod800`, `Aorta`) names a region whose
/// lesions are counted, as `--roi` regions are.
pub fn is_not_coronary(name: &str) -> bool {
    let n: String = name
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    matches!(n.as_str(), "non_coronary" | "not_coronary" | "noncoronary")
}

/// Under `Regions::Auto`, a lesion with no calcium in the slice above or below is noise when it
/// is one voxel, or under this area, or two voxels under twice this area (research note
/// `ct-anatomy.md`: "lesions under about 1 mm² (or 3 voxels) at 2–3 mm slices").
pub const NOISE_AREA_MM2: f64 = 1.0;

/// What to score and how.
#[derive(Debug, Clone, Default)]
pub struct ScoreOptions {
    /// The rules (default: classic Agatston).
    pub convention: Convention,
    /// Adjust threshold and weight bins to the scan's kVp with the Gräni table (opt-in).
    pub kv_adjusted_threshold: bool,
    /// Mass calibration; without it mass is `None` and only relative mass is given.
    pub calibration: Option<Calibration>,
    /// Named regions; a lesion takes the name of the region holding most of its voxels
    /// (regions are tried in order; the first containing a voxel wins for that voxel).
    pub rois: Vec<Roi>,
    /// A label volume, consulted for voxels outside every ROI (shared: options are cloned per
    /// series when each series has its own calibration).
    pub labels: Option<Arc<LabelVolume>>,
    /// Drop lesions that end up without a label.
    pub only_rois: bool,
    /// Lesion id → artery, overriding regions and labels (a reviewer's corrections).
    pub assignments: BTreeMap<u32, String>,
    /// Lesions that nothing above names: counted (whole image) or sorted by the anatomy.
    pub regions: Regions,
    /// Keep each lesion's voxels as runs (`Lesion::runs`), for viewers and mask writers.
    pub keep_runs: bool,
}

/// Why a volume cannot be scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    #[error(transparent)]
    Volume(#[from] VolumeError),
    #[error(
        "only ROIs were asked for (--only-rois) but no region, label volume or assignment was given: every lesion would be dropped; give --roi NAME=sphere:X,Y,Z,R, --labels FILE.nii or --assign FILE, or leave out --only-rois"
    )]
    OnlyRoisWithoutRegions,
}

const MASS_NOTE: &str = "mass_mg = calibration factor (mg per mm3.HU) x mean HU of the lesion voxels x volume (McCollough CH et al. Radiology 2007;243(2):527-538, doi:10.1148/radiol.2432050808); relative_mass_hu_mm3 = mean HU x volume, uncalibrated";
const ASSIGNMENT_NOTE: &str = "a lesion takes the region or label holding most of its voxels (none if most voxels lie outside all); an assignment file overrides by lesion id";
const CAC_DRS_NOTE: &str = "CAC-DRS: A0 = 0, A1 = 1-99, A2 = 100-299, A3 >= 300 Agatston; N = number of LM, LAD, LCX, RCA with calcium (Hecht HS et al. J Cardiovasc Comput Tomogr 2018;12(3):185-191, doi:10.1016/j.jcct.2018.03.008); N only when lesions are assigned to arteries";

/// Scores one series. The one-call entry point of the crate.
pub fn score(
    volume: &Volume,
    acquisition: &Acquisition,
    options: &ScoreOptions,
) -> Result<SeriesScore, ScoreError> {
    score_with_anatomy(volume, acquisition, options).map(|(s, _)| s)
}

/// [`score`], also returning the anatomy found under [`Regions::Auto`] (for mask writers).
pub fn score_with_anatomy(
    volume: &Volume,
    acquisition: &Acquisition,
    options: &ScoreOptions,
) -> Result<(SeriesScore, Option<Anatomy>), ScoreError> {
    check(volume, options)?;
    let anatomy = wants_anatomy(options).then(|| find_anatomy(volume));
    let scored =
        measure_inner(volume, acquisition, options, anatomy.as_ref())?.assign(&options.assignments);
    Ok((scored, anatomy))
}

/// [`score`] with the anatomy of this volume found before ([`find_anatomy`], or the anatomy
/// [`score_with_anatomy`] returned): the same result, without finding the anatomy again. An
/// anatomy of other dimensions is not used: it is found again.
pub fn score_with_known_anatomy(
    volume: &Volume,
    acquisition: &Acquisition,
    options: &ScoreOptions,
    anatomy: &Anatomy,
) -> Result<SeriesScore, ScoreError> {
    Ok(measure_series(volume, acquisition, options, Some(anatomy))?.assign(&options.assignments))
}

/// Measures and sorts a series once ([`Measured`]), with the anatomy found before when it has
/// this volume's dimensions (else, when `options` want one, it is found here). `options`'
/// assignments are not applied: [`Measured::assign`] takes them.
pub fn measure_series(
    volume: &Volume,
    acquisition: &Acquisition,
    options: &ScoreOptions,
    anatomy: Option<&Anatomy>,
) -> Result<Measured, ScoreError> {
    check(volume, options)?;
    if !wants_anatomy(options) {
        return measure_inner(volume, acquisition, options, None);
    }
    match anatomy.filter(|a| {
        (a.columns, a.rows, a.slices) == (volume.columns, volume.rows, volume.slices)
            && a.flags.len() == volume.hu.len()
    }) {
        Some(a) => measure_inner(volume, acquisition, options, Some(a)),
        None => measure_inner(volume, acquisition, options, Some(&find_anatomy(volume))),
    }
}

/// A series measured and sorted, before any reviewer's assignment: each lesion's Agatston,
/// volume and mass, its region or label, and the automatic anatomy's reasons, none of which an
/// assignment changes. [`Measured::assign`] gives the score of an assignment from it by the code
/// [`score`] runs (`score` is [`measure_series`] then `assign`), so a viewer re-sums the
/// lesions by artery after each change instead of scoring the volume again.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Label from the regions or label volume; status not yet set.
    lesions: Vec<Lesion>,
    /// The anatomy's exclusion reasons per lesion (index id − 1; empty: a candidate); no entry
    /// without a chest.
    reasons: Vec<Vec<ExclusionReason>>,
    /// Acquisition and convention flags.
    flags: Vec<Flag>,
    /// Whether an anatomy was sought: (a chest was found, the body is cut by the field of view).
    anatomy: Option<(bool, bool)>,
    /// The anatomy's summary, when a chest was found.
    summary: Option<AnatomySummary>,
    labelling: bool,
    only_rois: bool,
    calibrated: bool,
    acquisition: Acquisition,
    conventions: Conventions,
}

fn check(volume: &Volume, options: &ScoreOptions) -> Result<(), ScoreError> {
    volume.validate()?;
    if options.only_rois
        && options.rois.is_empty()
        && options.labels.is_none()
        && options.assignments.is_empty()
    {
        return Err(ScoreError::OnlyRoisWithoutRegions);
    }
    Ok(())
}

/// `--only-rois` keeps named lesions only: the anatomy would sort nothing.
fn wants_anatomy(options: &ScoreOptions) -> bool {
    options.regions == Regions::Auto && !options.only_rois
}

/// The measuring after the checks; `anatomy` is `Some` exactly when [`wants_anatomy`].
fn measure_inner(
    volume: &Volume,
    acquisition: &Acquisition,
    options: &ScoreOptions,
    anatomy: Option<&Anatomy>,
) -> Result<Measured, ScoreError> {
    let geometry = &volume.geometry;
    let mut flags = acquisition_flags(acquisition, geometry);
    let mut convention = options.convention.clone();
    if options.kv_adjusted_threshold
        && let Some(kvp) = acquisition.kvp
        && convention.adjust_for_kv(kvp)
    {
        flags.push(Flag::new(
            FlagCode::KvAdjustedThreshold,
            format!(
                "threshold {} HU and weight bins {:?} adjusted for {kvp} kVp (Grani 2018)",
                convention.threshold_hu, convention.weight_bounds_hu
            ),
        ));
    }
    let increment = geometry.increment_mm().ok_or(VolumeError::SingleSlice)?;
    let depth = match convention.depth {
        Depth::Increment => increment,
        Depth::IncrementRounded3 => (increment * 1000.0).round() / 1000.0,
        Depth::SliceThickness => match geometry
            .slice_thickness_mm
            .or(acquisition.slice_thickness_mm)
            .filter(|t| t.is_finite() && *t > 0.0)
        {
            Some(t) => t,
            None => {
                flags.push(Flag::new(
                    FlagCode::NoSliceThickness,
                    "the convention scales by SliceThickness, which is absent; the measured increment was used",
                ));
                increment
            }
        },
    };
    let pixel_area = geometry.pixel_area_mm2();
    let voxel_volume = pixel_area * depth;
    let z_factor = depth / 3.0;

    let (runs, components) = label::components(
        volume,
        convention.threshold_hu as f32,
        convention.connectivity,
    );
    let factor = options.calibration.as_ref().map(|c| c.mg_per_mm3_hu);
    let labelling = !options.rois.is_empty() || options.labels.is_some();
    let chest = anatomy.filter(|a| a.found());
    let mut reasons: Vec<Vec<ExclusionReason>> = Vec::new();
    let mut lesions = Vec::new();
    for comp in &components {
        let voxels: u64 = comp.fragments.iter().map(|f| f.voxels).sum();
        let keep = match convention.min_size {
            MinSize::AreaMm2(a) => comp
                .fragments
                .iter()
                .any(|f| f.voxels as f64 * pixel_area >= a - 1e-9),
            MinSize::VolumeMm3(v) => voxels as f64 * voxel_volume >= v - 1e-9,
            MinSize::Voxels(n) => voxels >= u64::from(n),
            MinSize::None => true,
        };
        if !keep {
            continue;
        }
        let id = lesions.len() as u32 + 1;
        let mut lesion = measure(
            comp,
            volume,
            &convention,
            pixel_area,
            voxel_volume,
            z_factor,
            factor,
        );
        lesion.id = id;
        if let Some(a) = chest {
            reasons.push(classify(
                comp,
                &runs,
                a,
                volume,
                convention.threshold_hu as f32,
            ));
        }
        if options.keep_runs {
            lesion.runs = comp
                .runs
                .iter()
                .filter_map(|&r| runs.get(r as usize))
                .map(|r| [r.k, r.j, r.start, r.end])
                .collect();
        }
        if labelling {
            lesion.label = vote(
                comp,
                &runs,
                volume,
                &options.rois,
                options.labels.as_deref(),
            );
        }
        lesions.push(lesion);
    }
    Ok(Measured {
        lesions,
        reasons,
        flags,
        anatomy: anatomy.map(|a| (a.found(), a.body_cut_by_field_of_view)),
        summary: chest.map(|a| summary(a, pixel_area * increment)),
        labelling,
        only_rois: options.only_rois,
        calibrated: factor.is_some(),
        acquisition: acquisition.clone(),
        conventions: Conventions {
            convention,
            depth_mm: depth,
            pixel_area_mm2: pixel_area,
            calibration: options.calibration.clone(),
            mass: MASS_NOTE.into(),
            artery_assignment: ASSIGNMENT_NOTE.into(),
            cac_drs: CAC_DRS_NOTE.into(),
        },
    })
}

impl Measured {
    /// The lesions as measured (no status, no assignment).
    pub fn lesions(&self) -> &[Lesion] {
        &self.lesions
    }

    /// Takes each lesion's voxel runs out (kept when `ScoreOptions::keep_runs`), by lesion
    /// (index id − 1), so that [`Measured::assign`] does not copy them.
    pub fn take_runs(&mut self) -> Vec<Vec<[u32; 4]>> {
        self.lesions
            .iter_mut()
            .map(|l| std::mem::take(&mut l.runs))
            .collect()
    }

    /// The score of the series with `assignments` (lesion id → artery, `coronary`,
    /// `non_coronary` or a region name; precedence over regions, labels and the anatomy): the
    /// lesions' statuses, the totals, per-artery totals, the review's sums, the flags and
    /// CAC-DRS. Ids that name no lesion are ignored.
    pub fn assign(&self, assignments: &BTreeMap<u32, String>) -> SeriesScore {
        let mut lesions = self.lesions.clone();
        let mut flags = self.flags.clone();
        let calibrated = self.calibrated;
        let labelling = self.labelling;
        let mut rejected = std::collections::BTreeSet::new();
        for lesion in &mut lesions {
            if let Some(name) = assignments.get(&lesion.id) {
                if is_not_coronary(name) {
                    rejected.insert(lesion.id);
                    lesion.label = Some(NOT_CORONARY.to_string());
                } else {
                    lesion.label = Some(canonical_artery(name));
                }
            }
        }
        // Precedence: assignment > --roi > --labels (all in `label`) > the automatic anatomy.
        let mut unlabelled = 0usize;
        for (n, lesion) in lesions.iter_mut().enumerate() {
            if rejected.contains(&lesion.id) {
                lesion.status = LesionStatus::Excluded;
                lesion.reasons = vec![ExclusionReason::ReviewerNotCoronary];
                continue;
            }
            if lesion.label.is_some() {
                lesion.status = LesionStatus::Assigned;
                continue;
            }
            unlabelled += 1;
            match self.reasons.get(n) {
                Some(r) if r.is_empty() => lesion.status = LesionStatus::Candidate,
                Some(r) => {
                    lesion.status = LesionStatus::Excluded;
                    lesion.reasons = r.clone();
                }
                None => lesion.status = LesionStatus::Scored,
            }
        }
        if self.only_rois {
            lesions.retain(|l| l.label.is_some());
            unlabelled = 0;
        }
        let counted =
            |l: &&Lesion| matches!(l.status, LesionStatus::Scored | LesionStatus::Assigned);
        let totals = sum(lesions.iter().filter(counted), calibrated);
        let review = self.summary.as_ref().map(|anatomy| {
            let of = |status| sum(lesions.iter().filter(|l| l.status == status), calibrated);
            let mut by_reason: BTreeMap<String, Totals> = BTreeMap::new();
            for l in lesions
                .iter()
                .filter(|l| l.status == LesionStatus::Excluded)
            {
                if let Some(r) = l.reasons.first() {
                    by_reason
                        .entry(r.as_str().to_string())
                        .or_insert_with(|| sum(std::iter::empty(), calibrated))
                        .add(l);
                }
            }
            Review {
                candidates_unreviewed: of(LesionStatus::Candidate),
                excluded: of(LesionStatus::Excluded),
                excluded_by_reason: by_reason,
                anatomy: anatomy.clone(),
                note: REVIEW_NOTE.into(),
            }
        });
        if let Some((found, cut_by_field_of_view)) = self.anatomy
            && !found
            && unlabelled > 0
        {
            flags.push(Flag::new(
                FlagCode::NoChestAnatomy,
                if cut_by_field_of_view {
                    "the body is cut off at the image's edge (a zoomed cardiac field of view), so the heart region cannot be found reliably: the whole image was scored and is not interpreted; name the coronary lesions with --assign, --roi or --labels"
                } else {
                    "no chest was found (no lungs either side of a mediastinum): the whole image was scored, as for a calibration phantom, and is not interpreted; for a phantom pass --regions none"
                },
            ));
        }
        if let Some(r) = &review {
            let c = &r.candidates_unreviewed;
            if c.lesions > 0 || (!labelling && assignments.is_empty()) {
                flags.push(Flag::new(
                    FlagCode::Unreviewed,
                    format!(
                        "{} coronary candidate(s) found automatically, Agatston {:.1} UNREVIEWED (not a calcium score until a reviewer confirms each one); {} lesion(s) excluded automatically; not interpreted until reviewed (--assign ID,ARTERY names them)",
                        c.lesions, c.agatston, r.excluded.lesions
                    ),
                ));
            }
        }

        let mut per_artery: BTreeMap<String, Totals> = BTreeMap::new();
        for l in lesions.iter().filter(counted) {
            if let Some(name) = &l.label {
                per_artery
                    .entry(name.clone())
                    .or_insert_with(|| sum(std::iter::empty(), calibrated))
                    .add(l);
            }
        }
        let assigned = labelling || !assignments.is_empty();
        let interpreted = !flags.iter().any(|f| f.code.blocks_interpretation());
        let cac_drs =
            interpreted.then(|| cac_drs(totals.agatston, assigned.then_some(&per_artery)));

        SeriesScore {
            totals,
            per_artery,
            cac_drs,
            lesions,
            review,
            flags,
            acquisition: self.acquisition.clone(),
            conventions: self.conventions.clone(),
        }
    }
}

const REVIEW_NOTE: &str = "automatic anatomy without trained weights (body, lungs, carina, bone, descending and ascending aorta, aortic root, sternum, liver, CT table, heart region with a 4 mm margin; vascalc-ct anatomy.rs): candidates are proposals for a reviewer, not a calcium score; exclusions: noise = one voxel, < 1 mm2, or two voxels < 2 mm2, with no calcium in the neighbouring slices, bone = touches a 3D bone structure (small lesions: or lie next to one), aorta = most voxels in the descending or ascending aorta (followed down from the carina, and up from the heart into the arch) or its wall, aortic_root = most voxels in the 30 mm below where the ascending aorta enters the heart (root and valve), chest_wall = most voxels no deeper than 3 mm behind the back of the sternum (costal cartilage), liver = most voxels in the liver under the heart's lowest slices (denser than 35 HU averaged, joined to the dome under the right lung), table = most voxels on the CT table (outside the body, behind it, at one place in half the slices), above_carina, outside_heart_region = no voxel in the heart region";

/// The automatic exclusion reasons of one component (empty: a coronary candidate).
fn classify(
    comp: &Component,
    runs: &[Run],
    a: &Anatomy,
    volume: &Volume,
    threshold: f32,
) -> Vec<ExclusionReason> {
    let (mut voxels, mut bone, mut aorta, mut heart, mut sum_k) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let (mut root, mut wall, mut liver, mut table) = (0u64, 0u64, 0u64, 0u64);
    for &r in &comp.runs {
        let Some(run) = runs.get(r as usize) else {
            continue;
        };
        for i in run.start..run.end {
            let f = a.at(i as usize, run.j as usize, run.k as usize);
            voxels += 1;
            sum_k += u64::from(run.k);
            bone += u64::from(f & flag::BONE != 0);
            aorta += u64::from(f & flag::AORTA != 0);
            root += u64::from(f & flag::AORTIC_ROOT != 0);
            heart += u64::from(f & flag::HEART != 0);
            wall += u64::from(a.in_chest_wall(run.j as usize, run.k as usize));
            liver += u64::from(a.in_liver(i as usize, run.j as usize, run.k as usize));
            table += u64::from(a.in_table(i as usize, run.j as usize, run.k as usize));
        }
    }
    let mut reasons = Vec::new();
    let area = voxels as f64 * volume.geometry.pixel_area_mm2();
    if (voxels == 1 || area < NOISE_AREA_MM2 || (voxels < 3 && area < 2.0 * NOISE_AREA_MM2))
        && !touches_calcium_in_3d(comp, runs, volume, threshold)
    {
        reasons.push(ExclusionReason::Noise);
    }
    if bone > 0 || (voxels <= BONE_NEIGHBOUR_VOXELS && next_to_bone(comp, runs, a)) {
        reasons.push(ExclusionReason::Bone);
    }
    if aorta * 2 > voxels {
        reasons.push(ExclusionReason::Aorta);
    } else if root * 2 > voxels {
        reasons.push(ExclusionReason::AorticRoot);
    }
    if wall * 2 > voxels {
        reasons.push(ExclusionReason::ChestWall);
    }
    if liver * 2 > voxels {
        reasons.push(ExclusionReason::Liver);
    }
    if table * 2 > voxels {
        reasons.push(ExclusionReason::Table);
    }
    let k = (sum_k as f64 / voxels.max(1) as f64).round() as usize;
    if a.above_carina(k) {
        reasons.push(ExclusionReason::AboveCarina);
    }
    if heart == 0 {
        reasons.push(ExclusionReason::OutsideHeartRegion);
    }
    reasons
}

/// Small lesions are also `bone` when a voxel has bone among its 26 neighbours (a speck in an
/// intervertebral disc or at a rib's edge).
const BONE_NEIGHBOUR_VOXELS: u64 = 50;

fn next_to_bone(comp: &Component, runs: &[Run], a: &Anatomy) -> bool {
    comp.runs
        .iter()
        .filter_map(|&r| runs.get(r as usize))
        .any(|run| {
            (run.start..run.end).any(|i| {
                (-1i64..=1).any(|dk| {
                    (-1i64..=1).any(|dj| {
                        (-1i64..=1).any(|di| {
                            let (x, y, z) = (
                                i64::from(i) + di,
                                i64::from(run.j) + dj,
                                i64::from(run.k) + dk,
                            );
                            x >= 0
                                && y >= 0
                                && z >= 0
                                && a.at(x as usize, y as usize, z as usize) & flag::BONE != 0
                        })
                    })
                })
            })
        })
}

/// Whether a voxel of the component has a 26-neighbour at or above `threshold` in the slice above
/// or below: then the component is the edge of a larger 3D object (2D conventions split a
/// calcification spanning slices into one lesion per slice), not noise.
fn touches_calcium_in_3d(comp: &Component, runs: &[Run], volume: &Volume, threshold: f32) -> bool {
    let (cols, rows) = (volume.columns as i64, volume.rows as i64);
    let slices = volume.slices as i64;
    comp.runs
        .iter()
        .filter_map(|&r| runs.get(r as usize))
        .any(|run| {
            (run.start..run.end).any(|i| {
                [-1i64, 1].iter().any(|dk| {
                    let k = i64::from(run.k) + dk;
                    (0..slices).contains(&k)
                        && (-1i64..=1).any(|dj| {
                            (-1i64..=1).any(|di| {
                                let (x, y) = (i64::from(i) + di, i64::from(run.j) + dj);
                                (0..cols).contains(&x)
                                    && (0..rows).contains(&y)
                                    && volume.hu[((k * rows + y) * cols + x) as usize] >= threshold
                            })
                        })
                })
            })
        })
}

fn summary(a: &Anatomy, voxel_mm3: f64) -> AnatomySummary {
    let heart = a.flags.iter().filter(|f| **f & flag::HEART != 0).count() as f64;
    AnatomySummary {
        chest_found: a.found(),
        carina_slice: a.carina_slice,
        heart_slices: a.heart_slices,
        lung_ml: a.lung_voxels as f64 * voxel_mm3 / 1000.0,
        bone_ml: a.bone_voxels as f64 * voxel_mm3 / 1000.0,
        heart_region_ml: heart * voxel_mm3 / 1000.0,
        aorta_slices: a.aorta_slices,
        ascending_aorta_slices: a.ascending_aorta_slices,
        aortic_root_slices: a.aortic_root_slices,
        arch_slices: a.arch_slices,
    }
}

fn measure(
    comp: &Component,
    volume: &Volume,
    convention: &Convention,
    pixel_area: f64,
    voxel_volume: f64,
    z_factor: f64,
    factor: Option<f64>,
) -> Lesion {
    let g = &volume.geometry;
    let voxels: u64 = comp.fragments.iter().map(|f| f.voxels).sum();
    let sum_hu: f64 = comp.fragments.iter().map(|f| f.sum_hu).sum();
    let peak = comp
        .fragments
        .iter()
        .map(|f| f.peak)
        .fold(f32::MIN, f32::max);
    let agatston = match convention.weight_from {
        WeightFrom::SlicePeak => comp
            .fragments
            .iter()
            .map(|f| f.voxels as f64 * pixel_area * f64::from(convention.weight(f64::from(f.peak))))
            .sum::<f64>(),
        WeightFrom::LesionPeak => {
            voxels as f64 * pixel_area * f64::from(convention.weight(f64::from(peak)))
        }
    } * z_factor;
    let agatston = if convention.round_lesion_agatston {
        round_half_even(agatston)
    } else {
        agatston
    };
    let mut centroid = [0.0f64; 3];
    for f in &comp.fragments {
        let n = f.voxels as f64;
        if let Some(p) = g.patient_point(f.sum_i / n, f.sum_j / n, f.k as usize) {
            for (c, v) in centroid.iter_mut().zip(p) {
                *c += v * n;
            }
        }
    }
    centroid.iter_mut().for_each(|c| *c /= voxels as f64);
    let volume_mm3 = voxels as f64 * voxel_volume;
    let mean_hu = sum_hu / voxels as f64;
    let first = comp.fragments.first().map_or(0, |f| f.k);
    let last = comp.fragments.last().map_or(0, |f| f.k);
    Lesion {
        id: 0,
        label: None,
        slices: [first, last],
        centroid_mm: centroid,
        area_mm2: voxels as f64 * pixel_area,
        voxels,
        peak_hu: f64::from(peak),
        mean_hu,
        agatston,
        volume_mm3,
        mass_mg: factor.map(|c| c * mean_hu * volume_mm3),
        relative_mass_hu_mm3: mean_hu * volume_mm3,
        status: LesionStatus::Scored,
        reasons: Vec::new(),
        runs: Vec::new(),
    }
}

/// Rounds to the nearest whole number, ties to the even one (Python 3's `round`).
pub(crate) fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    }
}

/// The label held by most of the component's voxels (counting "no label" as a candidate).
fn vote(
    comp: &Component,
    runs: &[Run],
    volume: &Volume,
    rois: &[Roi],
    labels: Option<&LabelVolume>,
) -> Option<String> {
    let g = &volume.geometry;
    let mut counts: BTreeMap<Option<String>, u64> = BTreeMap::new();
    let normal_check = |p: [f64; 3]| -> Option<String> {
        if let Some(roi) = rois.iter().find(|r| r.region.contains_point(p, g)) {
            return Some(canonical_artery(&roi.name));
        }
        let lv = labels?;
        let value = lv.label_at(p);
        (value != 0).then(|| canonical_artery(&lv.name(value)))
    };
    for &r in &comp.runs {
        let Some(run) = runs.get(r as usize) else {
            continue;
        };
        for i in run.start..run.end {
            if let Some(p) = g.patient_point(f64::from(i), f64::from(run.j), run.k as usize) {
                *counts.entry(normal_check(p)).or_default() += 1;
            }
        }
    }
    // Most voxels wins; ties go to a named label over none, then alphabetical order.
    counts
        .into_iter()
        .max_by(|(a, x), (b, y)| x.cmp(y).then(a.is_some().cmp(&b.is_some())).then(b.cmp(a)))
        .and_then(|(label, _)| label)
}

fn sum<'a>(lesions: impl Iterator<Item = &'a Lesion>, calibrated: bool) -> Totals {
    let mut t = Totals {
        mass_mg: calibrated.then_some(0.0),
        ..Totals::default()
    };
    lesions.for_each(|l| t.add(l));
    t
}

impl Totals {
    fn add(&mut self, l: &Lesion) {
        self.agatston += l.agatston;
        self.volume_mm3 += l.volume_mm3;
        self.relative_mass_hu_mm3 += l.relative_mass_hu_mm3;
        if let (Some(m), Some(lm)) = (self.mass_mg.as_mut(), l.mass_mg) {
            *m += lm;
        }
        self.lesions += 1;
    }
}

/// The four coronary arteries counted by CAC-DRS's N, in their one spelling
/// ([`vascalc_domain::Artery`]).
pub const CORONARY_ARTERIES: [&str; 4] = ["LM", "LAD", "LCX", "RCA"];

/// CAC-DRS code from the total Agatston score and, when lesions were assigned to arteries,
/// the per-artery totals: [`vascalc_domain::cac_drs`], the one rule shared with the clinical
/// assessment (an artery with no lesion counts as 0; Hecht HS et al. 2018,
/// doi:10.1016/j.jcct.2018.03.008). When a counted lesion is coronary with its artery not named
/// ([`CORONARY_UNNAMED`]), N is not given: the code is the category A alone.
pub fn cac_drs(total_agatston: f64, per_artery: Option<&BTreeMap<String, Totals>>) -> String {
    let per_artery = per_artery.filter(|m| {
        !m.iter()
            .any(|(name, t)| t.lesions > 0 && is_unnamed_coronary(name))
    });
    let scores = per_artery.map(|m| {
        let mut s = ArteryScores::default();
        for (name, t) in m {
            s.add(Artery::from_name(name), t.agatston);
        }
        s
    });
    vascalc_domain::cac_drs(total_agatston, scores.as_ref())
        .code
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_even_rounding_matches_python() {
        // Python 3: round(0.5) = 0, round(1.5) = 2, round(2.5) = 2, round(2.6) = 3, round(-0.5) = 0.
        for (x, want) in [
            (0.5, 0.0),
            (1.5, 2.0),
            (2.5, 2.0),
            (2.6, 3.0),
            (2.4, 2.0),
            (3.5, 4.0),
            (-0.5, 0.0),
            (-1.5, -2.0),
            (7.0, 7.0),
        ] {
            assert_eq!(round_half_even(x), want, "{x}");
        }
    }

    /// Two 3 mm slices of 16×16 pixels of 0.5 mm with two 2×2 lesions at 450 HU (4 Agatston
    /// each: 1 mm² × weight 4 × 3/3), lesion 1 at (3, 3), lesion 2 at (10, 10).
    fn two_lesions() -> Volume {
        let mut hu = vec![0.0f32; 2 * 16 * 16];
        for (j, i) in [
            (3, 3),
            (3, 4),
            (4, 3),
            (4, 4),
            (10, 10),
            (10, 11),
            (11, 10),
            (11, 11),
        ] {
            hu[j * 16 + i] = 450.0;
        }
        Volume {
            columns: 16,
            rows: 16,
            slices: 2,
            hu,
            geometry: crate::volume::Geometry::axial(0.5, 3.0, 2, [0.0; 3], Some(3.0)),
        }
    }

    #[test]
    fn reviewer_not_coronary_is_excluded_and_not_counted() {
        for spelling in ["non_coronary", "Not coronary", "NON-CORONARY"] {
            let options = ScoreOptions {
                assignments: BTreeMap::from([(1, spelling.to_string()), (2, "lad".to_string())]),
                ..ScoreOptions::default()
            };
            let s = score(&two_lesions(), &Acquisition::default(), &options).unwrap();
            let l1 = &s.lesions[0];
            assert_eq!(l1.status, LesionStatus::Excluded, "{spelling}");
            assert_eq!(l1.reasons, vec![ExclusionReason::ReviewerNotCoronary]);
            assert_eq!(l1.label.as_deref(), Some(NOT_CORONARY));
            assert_eq!(s.lesions[1].status, LesionStatus::Assigned);
            // Only the LAD lesion counts.
            assert_eq!(s.totals.agatston, 4.0);
            assert_eq!(s.totals.lesions, 1);
            assert_eq!(s.per_artery.keys().collect::<Vec<_>>(), ["LAD"]);
        }
    }

    #[test]
    fn a_named_non_artery_region_is_counted() {
        // A phantom's rods named by --roi or by an assignment: counted, under their own name.
        let roi = Roi {
            name: "rod800".into(),
            region: crate::regions::Region::Sphere {
                center_mm: [1.75, 1.75, 0.0],
                radius_mm: 2.0,
            },
        };
        let options = ScoreOptions {
            rois: vec![roi],
            assignments: BTreeMap::from([(2, "Aorta".to_string())]),
            ..ScoreOptions::default()
        };
        let s = score(&two_lesions(), &Acquisition::default(), &options).unwrap();
        assert_eq!(s.lesions[0].label.as_deref(), Some("rod800"));
        assert_eq!(s.lesions[1].label.as_deref(), Some("Aorta"));
        for l in &s.lesions {
            assert_eq!(l.status, LesionStatus::Assigned);
            assert!(l.reasons.is_empty());
        }
        assert_eq!(s.totals.agatston, 8.0);
        assert_eq!(s.per_artery.len(), 2);
        assert!(!is_not_coronary("Aorta") && !is_not_coronary("rod800"));
    }

    #[test]
    fn cac_drs_categories() {
        assert_eq!(cac_drs(0.0, None), "A0");
        assert_eq!(cac_drs(0.5, None), "A1");
        assert_eq!(cac_drs(99.9, None), "A1");
        assert_eq!(cac_drs(100.0, None), "A2");
        assert_eq!(cac_drs(299.0, None), "A2");
        assert_eq!(cac_drs(300.0, None), "A3");
        let t = |a| Totals {
            agatston: a,
            ..Totals::default()
        };
        let m = BTreeMap::from([
            ("LAD".to_string(), t(50.0)),
            ("RCA".to_string(), t(10.0)),
            ("LCX".to_string(), t(0.0)),
            ("Aorta".to_string(), t(500.0)),
        ]);
        assert_eq!(cac_drs(560.0, Some(&m)), "A3/N2");
    }

    #[test]
    fn coronary_with_no_artery_named_counts_and_gives_a_without_n() {
        // Lesion 1 (4 AU) named LAD, lesion 2 (4 AU) accepted as coronary, artery not named.
        for spelling in ["coronary", " Coronary "] {
            let options = ScoreOptions {
                assignments: BTreeMap::from([(1, "LAD".to_string()), (2, spelling.to_string())]),
                ..ScoreOptions::default()
            };
            let s = score(&two_lesions(), &Acquisition::default(), &options).unwrap();
            assert_eq!(s.lesions[1].status, LesionStatus::Assigned, "{spelling:?}");
            assert_eq!(s.lesions[1].label.as_deref(), Some(CORONARY_UNNAMED));
            assert_eq!(s.totals.agatston, 8.0);
            assert_eq!(s.per_artery[CORONARY_UNNAMED].agatston, 4.0);
            // Two slices: not interpreted, so CAC-DRS through the function itself.
            assert_eq!(cac_drs(s.totals.agatston, Some(&s.per_artery)), "A1");
        }
        // Once every lesion names its artery, N is given.
        let options = ScoreOptions {
            assignments: BTreeMap::from([(1, "LAD".to_string()), (2, "RCA".to_string())]),
            ..ScoreOptions::default()
        };
        let s = score(&two_lesions(), &Acquisition::default(), &options).unwrap();
        assert_eq!(cac_drs(s.totals.agatston, Some(&s.per_artery)), "A1/N2");
        assert!(is_unnamed_coronary("CORONARY") && !is_unnamed_coronary("non_coronary"));
    }
}
