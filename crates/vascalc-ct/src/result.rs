//! The serialised result vocabulary of a scan (`vascalc scan score --format json`).
//!
//! ```json
//! {"series":[{"totals":{"agatston":…,"volume_mm3":…,"mass_mg":…|null,…},
//!   "per_artery":{"LAD":{…}}, "cac_drs":"A2/N3", "lesions":[…], "flags":[…],
//!   "acquisition":{…}, "conventions":{…}}]}
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calibration::Calibration;
use crate::convention::Convention;
use crate::flags::Flag;

/// Everything `scan score` found, one entry per scored series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ScanResult {
    pub series: Vec<SeriesScore>,
}

/// The scores of one CT series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesScore {
    /// The score: lesions counted whole-image or assigned to an artery or region; never the
    /// unreviewed candidates (those are in `review`).
    pub totals: Totals,
    /// Totals per artery (LM, LAD, LCX, RCA or any region name); empty without regions, labels
    /// or assignments.
    pub per_artery: BTreeMap<String, Totals>,
    /// CAC-DRS category: "A0"…"A3", with "/N1"…"/N4" when lesions are assigned to arteries;
    /// `null` when the series is not interpreted (a flag says why: not a chest or heart series,
    /// too short a coverage, or unreviewed automatic candidates).
    pub cac_drs: Option<String>,
    pub lesions: Vec<Lesion>,
    /// Candidates and exclusions of the automatic anatomy (`--regions auto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
    pub flags: Vec<Flag>,
    pub acquisition: Acquisition,
    pub conventions: Conventions,
}

/// Summed scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Totals {
    pub agatston: f64,
    pub volume_mm3: f64,
    /// Calibrated calcium (hydroxyapatite) mass; `null` without a calibration factor.
    pub mass_mg: Option<f64>,
    /// Uncalibrated "relative mass": mean HU × volume, in HU·mm³ (comparable only within a
    /// scanner and protocol).
    pub relative_mass_hu_mm3: f64,
    pub lesions: usize,
}

/// Where a lesion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LesionStatus {
    /// Counted in the totals: whole-image scoring (`--regions none`), or no chest was found.
    #[default]
    Scored,
    /// Named by a reviewer's assignment, a region or a label volume: counted in the totals.
    Assigned,
    /// A coronary candidate proposed by the automatic anatomy: not counted until reviewed.
    Candidate,
    /// Excluded (see `reasons`) by the automatic anatomy or by a reviewer's `non_coronary`:
    /// not counted.
    Excluded,
}

/// Why the automatic anatomy excluded a lesion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// One voxel or under 1 mm², with no calcium in the slice above or below: image noise.
    Noise,
    /// Touches bone (spine, ribs, sternum, scapulae).
    Bone,
    /// Most of its voxels lie in the descending or the ascending aorta or its wall.
    Aorta,
    /// Most of its voxels lie in the aortic root or valve (below where the ascending aorta
    /// enters the heart).
    AorticRoot,
    /// Most of its voxels lie in the anterior chest wall, no deeper than 3 mm behind the back of
    /// the sternum: the costal cartilages beside the sternum and their calcified specks.
    ChestWall,
    /// Most of its voxels lie in the liver found under the heart's lowest slices (its left lobe
    /// continuous with the dome under the right lung).
    Liver,
    /// Most of its voxels lie on the CT table (the couch behind the body).
    Table,
    /// Above the carina: the aortic arch, great vessels and neck, not the heart.
    AboveCarina,
    /// No voxel in the heart region (with its margin).
    OutsideHeartRegion,
    /// A reviewer's assignment said "not coronary" (`non_coronary`): a lesion looked at and
    /// rejected, as opposed to a named non-artery region (a phantom's rod), which is counted.
    ReviewerNotCoronary,
}

impl ExclusionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Noise => "noise",
            Self::Bone => "bone",
            Self::Aorta => "aorta",
            Self::AorticRoot => "aortic_root",
            Self::ChestWall => "chest_wall",
            Self::Liver => "liver",
            Self::Table => "table",
            Self::AboveCarina => "above_carina",
            Self::OutsideHeartRegion => "outside_heart_region",
            Self::ReviewerNotCoronary => "reviewer_not_coronary",
        }
    }
}

/// The automatic anatomy's sorting of the lesions (present with `--regions auto`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// Coronary candidates, **unreviewed**: not an Agatston score until a reviewer confirms them.
    pub candidates_unreviewed: Totals,
    /// Lesions excluded automatically, in total and by their first reason.
    pub excluded: Totals,
    pub excluded_by_reason: BTreeMap<String, Totals>,
    pub anatomy: AnatomySummary,
    pub note: String,
}

/// What the anatomy step found (slice indices are 0-based in volume order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnatomySummary {
    pub chest_found: bool,
    pub carina_slice: Option<usize>,
    pub heart_slices: Option<[usize; 2]>,
    pub lung_ml: f64,
    pub bone_ml: f64,
    pub heart_region_ml: f64,
    /// Slices where the descending aorta was found.
    pub aorta_slices: usize,
    /// Slices where the ascending aorta was followed below the carina, and slices of the aortic
    /// root below them.
    pub ascending_aorta_slices: usize,
    pub aortic_root_slices: usize,
    /// Slices above the heart's where the aorta was followed up into the arch (absent in
    /// results written before it was found: 0).
    #[serde(default)]
    pub arch_slices: usize,
}

/// One calcified lesion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesion {
    /// Stable id: lesions are numbered from 1 in the raster order of their first voxel
    /// (slice, row, column), before any region filter, so an assignment file keeps its meaning.
    pub id: u32,
    /// Artery or region name, if assigned.
    pub label: Option<String>,
    /// First and last slice index (0-based, in ascending position along the slice normal).
    pub slices: [u32; 2],
    /// Centroid in patient coordinates (DICOM LPS), mm.
    pub centroid_mm: [f64; 3],
    /// Summed in-plane area over the lesion's slices, mm².
    pub area_mm2: f64,
    pub voxels: u64,
    pub peak_hu: f64,
    pub mean_hu: f64,
    pub agatston: f64,
    pub volume_mm3: f64,
    pub mass_mg: Option<f64>,
    pub relative_mass_hu_mm3: f64,
    /// Counted, assigned, candidate or excluded.
    #[serde(default)]
    pub status: LesionStatus,
    /// Why an excluded lesion was excluded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<ExclusionReason>,
    /// The lesion's voxels as runs along rows: `[slice, row, first column, end column)`; only
    /// when asked for (`ScoreOptions::keep_runs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<[u32; 4]>,
}

/// Acquisition facts recorded with every result (from DICOM; all optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Acquisition {
    pub modality: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub kvp: Option<f64>,
    pub kernel: Option<String>,
    pub slice_thickness_mm: Option<f64>,
    /// Measured from ImagePositionPatient along the slice normal (median gap).
    pub increment_mm: Option<f64>,
    /// (row spacing, column spacing) = DICOM PixelSpacing.
    pub pixel_spacing_mm: Option<[f64; 2]>,
    pub rows: Option<u32>,
    pub columns: Option<u32>,
    pub slices: Option<u32>,
    pub study_instance_uid: Option<String>,
    pub series_instance_uid: Option<String>,
    pub study_date: Option<String>,
    pub series_description: Option<String>,
    pub transfer_syntax: Option<String>,
    /// LossyImageCompression (0028,2110) = "01" or a lossy transfer syntax.
    pub lossy_compression: bool,
    /// ContrastBolusAgent (0018,0010), when present and not empty.
    pub contrast_agent: Option<String>,
    /// BodyPartExamined (0018,0015), when present (e.g. CHEST, HEART, HEAD, ABDOMEN).
    #[serde(default)]
    pub body_part: Option<String>,
    /// RescaleType (0028,1054), when present.
    pub rescale_type: Option<String>,
    /// GantryDetectorTilt (0018,1120), degrees.
    pub gantry_tilt_deg: Option<f64>,
    /// Files read for this series.
    pub files: Option<u32>,
}

/// The rules and constants behind the numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conventions {
    pub convention: Convention,
    /// The increment used as voxel depth and for the ×depth/3 mm normalisation.
    pub depth_mm: f64,
    pub pixel_area_mm2: f64,
    pub calibration: Option<Calibration>,
    pub mass: String,
    pub artery_assignment: String,
    pub cac_drs: String,
}
