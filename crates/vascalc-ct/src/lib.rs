//! CT calcium scoring core: a HU volume with geometry in; lesions, Agatston, volume and mass,
//! arteries, CAC-DRS and quality flags out. No I/O: reading DICOM is `vascalc-dicom`'s job.
//!
//! # Use
//!
//! ```
//! use vascalc_ct::{Acquisition, Geometry, ScoreOptions, Volume, score};
//!
//! // Two 3 mm slices of 8×8 pixels of 0.5 mm, with a 2×2-pixel (1 mm²) lesion at 450 HU.
//! let mut hu = vec![0.0f32; 2 * 8 * 8];
//! for (j, i) in [(3, 3), (3, 4), (4, 3), (4, 4)] {
//!     hu[j * 8 + i] = 450.0;
//! }
//! let volume = Volume {
//!     columns: 8,
//!     rows: 8,
//!     slices: 2,
//!     hu,
//!     geometry: Geometry::axial(0.5, 3.0, 2, [0.0; 3], Some(3.0)),
//! };
//! let result = score(&volume, &Acquisition::default(), &ScoreOptions::default()).unwrap();
//! assert_eq!(result.totals.agatston, 4.0); // 1 mm² × weight 4 × 3 mm / 3 mm
//! assert_eq!(result.totals.mass_mg, None); // no calibration: mass is absent, not zero
//! // Two slices (6 mm) cannot hold a heart: flagged `short_coverage` and not interpreted.
//! assert_eq!(result.cac_drs, None);
//! assert!(result.flags.iter().any(|f| f.code == vascalc_ct::FlagCode::ShortCoverage));
//! ```
//!
//! * [`Volume`] holds HU (`f32`, `NaN` for padding) slice by slice with a [`Geometry`]
//!   (pixel spacing, orientation, ImagePositionPatient per slice in ascending order along the
//!   normal). The increment is measured from the positions, never from SliceThickness.
//! * [`ScoreOptions`] picks a [`Convention`] (`classic` by default, or peer-reproducing modes from
//!   [`ConventionName`]), a [`Calibration`] (given, or [`Calibration::from_rods`]), ROIs
//!   ([`Roi`]), a [`LabelVolume`], `only_rois` and an assignment map.
//! * [`score`] returns a [`SeriesScore`] (serde: the `scan score --format json` shape); wrap
//!   several in a [`ScanResult`].

pub mod anatomy;
mod calibration;
mod convention;
mod flags;
mod label;
mod regions;
mod result;
mod score;
mod volume;

pub use anatomy::{Anatomy, find_anatomy};
pub use calibration::{Calibration, CalibrationError, CalibrationSource};
pub use convention::{
    Connectivity, Convention, ConventionName, Depth, KV_TABLE, KvAdjustment, MinSize, WeightFrom,
};
pub use flags::{Flag, FlagCode, MIN_COVERAGE_MM, MIN_SLICES, acquisition_flags, spacing_flags};
pub use regions::{LabelVolume, Region, Roi, canonical_artery};
pub use result::{
    Acquisition, AnatomySummary, Conventions, ExclusionReason, Lesion, LesionStatus, Review,
    ScanResult, SeriesScore, Totals,
};
pub use score::{
    CORONARY_ARTERIES, CORONARY_UNNAMED, Measured, NOISE_AREA_MM2, NOT_CORONARY, Regions,
    ScoreError, ScoreOptions, cac_drs, is_not_coronary, is_unnamed_coronary, measure_series, score,
    score_with_anatomy, score_with_known_anatomy,
};
pub use volume::{Geometry, Volume, VolumeError};
