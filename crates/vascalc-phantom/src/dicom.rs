//! Writing a rendered phantom as a DICOM CT series (one file per slice, Explicit VR Little Endian,
//! CT Image Storage) plus its truth file. The only part of the crate that touches files.

use std::path::{Path, PathBuf};

use dicom_core::{DataElement, PrimitiveValue, VR, dicom_value};
use dicom_dictionary_std::{tags, uids};
use dicom_object::{FileMetaTableBuilder, InMemDicomObject};
use rayon::prelude::*;

use crate::chest::ChestTruth;
use crate::model::Volume;
use crate::rng::splitmix64;
use crate::truth::Truth;

/// Stored value = HU − intercept.
pub const RESCALE_INTERCEPT: i32 = -1024;

/// Name of the truth file written beside the slices.
pub const TRUTH_FILE: &str = "truth.json";

/// Choices that do not change the voxels.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Entropy for the UIDs (study, series, frame of reference, one per slice). Equal seeds give
    /// equal UIDs; use [`fresh_uid_seed`] for new ones.
    pub uid_seed: u128,
    /// StudyDate / SeriesDate / ContentDate, `YYYYMMDD`.
    pub study_date: String,
    /// StudyTime etc., `HHMMSS`.
    pub study_time: String,
    /// File name of each slice, in slice order; `None` gives `CT0001.dcm`, `CT0002.dcm`, …
    pub file_names: Option<Vec<String>>,
    /// The (0018,0060) KVP written in the header. The forward model's HU relation is the one at
    /// 120 kV; this value only labels the series.
    pub kvp: f64,
    /// Where the header places the slices; `None` writes the model's axial geometry. For tests
    /// of geometry handling (gantry tilt, uneven spacing): the voxels stay those of the model.
    pub placement: Option<Placement>,
}

/// Slice placement written instead of the model's: ImageOrientationPatient, one
/// ImagePositionPatient per slice (in slice order) and, if given, GantryDetectorTilt.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Row direction then column direction (direction cosines).
    pub orientation: [f64; 6],
    /// Position of the first voxel of each slice, patient mm.
    pub positions: Vec<[f64; 3]>,
    /// (0018,1120) GantryDetectorTilt in degrees.
    pub gantry_tilt_deg: Option<f64>,
}

impl Placement {
    /// The model's own placement of `slices` slices of `geometry`, to be altered.
    pub fn of(geometry: &crate::Geometry) -> Self {
        Self {
            orientation: [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
            positions: (0..geometry.slices as usize)
                .map(|k| geometry.position(k))
                .collect(),
            gantry_tilt_deg: None,
        }
    }
}

impl WriteOptions {
    /// Fresh UIDs, today's date (UTC), `CT0001.dcm`… names, 120 kV.
    pub fn new() -> Self {
        let (date, time) = utc_now();
        Self {
            uid_seed: fresh_uid_seed(),
            study_date: date,
            study_time: time,
            file_names: None,
            kvp: 120.0,
            placement: None,
        }
    }
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// What was written.
#[derive(Debug, Clone)]
pub struct WrittenSeries {
    pub study_instance_uid: String,
    pub series_instance_uid: String,
    /// Slice files, in slice order.
    pub files: Vec<PathBuf>,
    pub truth_file: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write DICOM file {path}: {message}")]
    Dicom { path: PathBuf, message: String },
    #[error("{given} file names were given for {slices} slices; give one name per slice")]
    FileNames { given: usize, slices: usize },
    #[error("file name {0:?} is not a plain file name (no folders, not empty, not {TRUTH_FILE})")]
    BadFileName(String),
    #[error("{given} slice positions were given for {slices} slices; give one per slice")]
    Positions { given: usize, slices: usize },
}

/// A new 128-bit UID seed from the clock, the process id and the standard library's per-process
/// random hasher keys. Not cryptographic: it only needs to make UIDs unique.
pub fn fresh_uid_seed() -> u128 {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(nanos);
    h.write_u32(std::process::id());
    let a = h.finish();
    h.write_u64(a);
    let b = h.finish();
    (u128::from(a) << 64) | u128::from(b)
}

/// A `2.25.` UID (ITU-T X.667 / DICOM PS3.5 B.2): a version-4-style UUID built from `seed` and
/// `what`, written as one decimal integer.
fn uid(seed: u128, what: u64) -> String {
    let mut s1 = (seed as u64) ^ what.wrapping_mul(0xA076_1D64_78BD_642F);
    let mut s2 = ((seed >> 64) as u64) ^ what.wrapping_mul(0xE703_7ED1_A0B4_28DB);
    let hi = splitmix64(&mut s1) ^ splitmix64(&mut s2).rotate_left(17);
    let lo = splitmix64(&mut s2) ^ splitmix64(&mut s1).rotate_left(29);
    let mut v = (u128::from(hi) << 64) | u128::from(lo);
    // UUID version 4 and RFC 4122 variant bits.
    v &= !(0xF_u128 << 76);
    v |= 0x4_u128 << 76;
    v &= !(0x3_u128 << 62);
    v |= 0x2_u128 << 62;
    format!("2.25.{v}")
}

/// A DS value of at most 16 characters.
fn ds(v: f64) -> String {
    for precision in (0..=6).rev() {
        let s = format!("{v:.precision$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        let s = if s == "-0" { "0".to_string() } else { s };
        if s.len() <= 16 {
            return s;
        }
    }
    format!("{v:.0}")
}

/// Today's date and time (UTC) as DICOM DA and TM strings.
fn utc_now() -> (String, String) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    // The calendar is vascalc's one date (jiff's); a clock outside 1800–2300 writes 1970-01-01.
    let date = vascalc_domain::date::from_days_since_epoch(secs.div_euclid(86_400))
        .unwrap_or(vascalc_domain::Date::constant(1970, 1, 1));
    let s = secs.rem_euclid(86_400);
    (
        format!("{:04}{:02}{:02}", date.year(), date.month(), date.day()),
        format!("{:02}{:02}{:02}", s / 3600, s % 3600 / 60, s % 60),
    )
}

fn str_el(tag: dicom_core::Tag, vr: VR, value: &str) -> DataElement<InMemDicomObject> {
    DataElement::new(tag, vr, PrimitiveValue::from(value))
}

fn ds_el(tag: dicom_core::Tag, values: &[f64]) -> DataElement<InMemDicomObject> {
    let strs: Vec<String> = values.iter().map(|v| ds(*v)).collect();
    DataElement::new(tag, VR::DS, PrimitiveValue::Strs(strs.into()))
}

fn us_el(tag: dicom_core::Tag, value: u16) -> DataElement<InMemDicomObject> {
    DataElement::new(tag, VR::US, dicom_value!(U16, [value]))
}

/// What the header says about the series, beside the geometry.
struct SeriesText {
    kernel: String,
    description: String,
    software: String,
    study_description: &'static str,
    /// (0018,0015) BodyPartExamined, written when given.
    body_part: Option<&'static str>,
}

/// Writes `volume` as a CT series into `dir` (which must exist) and `truth` as
/// `dir/truth.json`. Slices are written in parallel.
pub fn write_series(
    dir: &Path,
    volume: &Volume,
    truth: &Truth,
    options: &WriteOptions,
) -> Result<WrittenSeries, WriteError> {
    let text = SeriesText {
        kernel: format!("GAUSS{:.2}MM", truth.model.blur_fwhm_mm),
        description: format!(
            "vascalc phantom seed {} {} mm",
            truth.seed,
            ds(volume.geometry.slice_thickness_mm)
        ),
        software: truth.generator.clone(),
        study_description: "Synthetic calcium phantom",
        body_part: None,
    };
    write_volume(dir, volume, truth, &text, options)
}

/// Writes the anatomical chest phantom (`crate::chest::render_chest`) as a CT series into `dir`
/// (which must exist), BodyPartExamined `CHEST`, and `truth` as `dir/truth.json`.
pub fn write_chest_series(
    dir: &Path,
    volume: &Volume,
    truth: &ChestTruth,
    options: &WriteOptions,
) -> Result<WrittenSeries, WriteError> {
    let text = SeriesText {
        // The chest phantom has no blur: its voxels are sampled shapes.
        kernel: "NONE".to_string(),
        description: format!(
            "vascalc chest phantom seed {} {} mm",
            truth.spec.seed,
            ds(volume.geometry.slice_thickness_mm)
        ),
        software: format!("vascalc-phantom {}", env!("CARGO_PKG_VERSION")),
        study_description: "Synthetic chest phantom",
        body_part: Some("CHEST"),
    };
    write_volume(dir, volume, truth, &text, options)
}

fn write_volume(
    dir: &Path,
    volume: &Volume,
    truth: &impl serde::Serialize,
    text: &SeriesText,
    options: &WriteOptions,
) -> Result<WrittenSeries, WriteError> {
    let g = &volume.geometry;
    let slices = g.slices as usize;
    let names: Vec<String> = match &options.file_names {
        Some(names) => {
            if names.len() != slices {
                return Err(WriteError::FileNames {
                    given: names.len(),
                    slices,
                });
            }
            for n in names {
                if n.is_empty()
                    || n.contains(['/', '\\'])
                    || n == TRUTH_FILE
                    || n == "."
                    || n == ".."
                {
                    return Err(WriteError::BadFileName(n.clone()));
                }
            }
            names.clone()
        }
        None => (1..=slices).map(|k| format!("CT{k:04}.dcm")).collect(),
    };
    let placement = options
        .placement
        .clone()
        .unwrap_or_else(|| Placement::of(g));
    if placement.positions.len() != slices {
        return Err(WriteError::Positions {
            given: placement.positions.len(),
            slices,
        });
    }
    let seed = options.uid_seed;
    let study_uid = uid(seed, 1);
    let series_uid = uid(seed, 2);
    let frame_uid = uid(seed, 3);
    let fov = f64::from(g.columns) * g.pixel_spacing_mm;
    let (kernel, description, software) = (&text.kernel, &text.description, &text.software);

    let files: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    files
        .par_iter()
        .enumerate()
        .try_for_each(|(k, path)| -> Result<(), WriteError> {
            let hu = volume.slice(k).unwrap_or(&[]);
            let mut bytes = Vec::with_capacity(hu.len() * 2);
            for v in hu {
                let stored = (i32::from(*v) - RESCALE_INTERCEPT).clamp(-32768, 32767) as i16;
                bytes.extend_from_slice(&stored.to_le_bytes());
            }
            let sop_uid = uid(seed, 1000 + k as u64);
            let pos = placement.positions[k];
            let mut obj = InMemDicomObject::from_element_iter([
                DataElement::new(
                    tags::IMAGE_TYPE,
                    VR::CS,
                    dicom_value!(Strs, ["DERIVED", "PRIMARY", "AXIAL"]),
                ),
                str_el(tags::SOP_CLASS_UID, VR::UI, uids::CT_IMAGE_STORAGE),
                str_el(tags::SOP_INSTANCE_UID, VR::UI, &sop_uid),
                str_el(tags::STUDY_DATE, VR::DA, &options.study_date),
                str_el(tags::SERIES_DATE, VR::DA, &options.study_date),
                str_el(tags::CONTENT_DATE, VR::DA, &options.study_date),
                str_el(tags::STUDY_TIME, VR::TM, &options.study_time),
                str_el(tags::SERIES_TIME, VR::TM, &options.study_time),
                str_el(tags::CONTENT_TIME, VR::TM, &options.study_time),
                str_el(tags::ACCESSION_NUMBER, VR::SH, ""),
                str_el(tags::MODALITY, VR::CS, "CT"),
                str_el(tags::MANUFACTURER, VR::LO, "vascalc"),
                str_el(tags::REFERRING_PHYSICIAN_NAME, VR::PN, ""),
                str_el(tags::STUDY_DESCRIPTION, VR::LO, text.study_description),
                str_el(tags::SERIES_DESCRIPTION, VR::LO, description),
                str_el(tags::MANUFACTURER_MODEL_NAME, VR::LO, "vascalc-phantom"),
                str_el(tags::PATIENT_NAME, VR::PN, "PHANTOM^VASCALC"),
                str_el(tags::PATIENT_ID, VR::LO, "VASCALC-PHANTOM"),
                str_el(tags::PATIENT_BIRTH_DATE, VR::DA, ""),
                str_el(tags::PATIENT_SEX, VR::CS, "O"),
                ds_el(tags::SLICE_THICKNESS, &[g.slice_thickness_mm]),
                ds_el(tags::KVP, &[options.kvp]),
                str_el(tags::SOFTWARE_VERSIONS, VR::LO, software),
                ds_el(tags::RECONSTRUCTION_DIAMETER, &[fov]),
                str_el(tags::CONVOLUTION_KERNEL, VR::SH, kernel),
                str_el(tags::PATIENT_POSITION, VR::CS, "HFS"),
                str_el(tags::STUDY_INSTANCE_UID, VR::UI, &study_uid),
                str_el(tags::SERIES_INSTANCE_UID, VR::UI, &series_uid),
                str_el(tags::STUDY_ID, VR::SH, "1"),
                str_el(tags::SERIES_NUMBER, VR::IS, "1"),
                str_el(tags::ACQUISITION_NUMBER, VR::IS, "1"),
                str_el(tags::INSTANCE_NUMBER, VR::IS, &(k + 1).to_string()),
                ds_el(tags::IMAGE_POSITION_PATIENT, &pos),
                ds_el(tags::IMAGE_ORIENTATION_PATIENT, &placement.orientation),
                str_el(tags::FRAME_OF_REFERENCE_UID, VR::UI, &frame_uid),
                str_el(tags::POSITION_REFERENCE_INDICATOR, VR::LO, ""),
                ds_el(tags::SLICE_LOCATION, &[pos[2]]),
                us_el(tags::SAMPLES_PER_PIXEL, 1),
                str_el(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME2"),
                us_el(tags::ROWS, g.rows as u16),
                us_el(tags::COLUMNS, g.columns as u16),
                ds_el(
                    tags::PIXEL_SPACING,
                    &[g.pixel_spacing_mm, g.pixel_spacing_mm],
                ),
                us_el(tags::BITS_ALLOCATED, 16),
                us_el(tags::BITS_STORED, 16),
                us_el(tags::HIGH_BIT, 15),
                us_el(tags::PIXEL_REPRESENTATION, 1),
                ds_el(tags::WINDOW_CENTER, &[40.0]),
                ds_el(tags::WINDOW_WIDTH, &[400.0]),
                ds_el(tags::RESCALE_INTERCEPT, &[f64::from(RESCALE_INTERCEPT)]),
                ds_el(tags::RESCALE_SLOPE, &[1.0]),
                str_el(tags::RESCALE_TYPE, VR::LO, "HU"),
                str_el(tags::LOSSY_IMAGE_COMPRESSION, VR::CS, "00"),
                DataElement::new(tags::PIXEL_DATA, VR::OW, PrimitiveValue::from(bytes)),
            ]);
            if let Some(part) = text.body_part {
                obj.put(str_el(tags::BODY_PART_EXAMINED, VR::CS, part));
            }
            if let Some(tilt) = placement.gantry_tilt_deg {
                obj.put(ds_el(tags::GANTRY_DETECTOR_TILT, &[tilt]));
            }
            let file = obj
                .with_meta(
                    FileMetaTableBuilder::new().transfer_syntax(uids::EXPLICIT_VR_LITTLE_ENDIAN),
                )
                .map_err(|e| WriteError::Dicom {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            file.write_to_file(path).map_err(|e| WriteError::Dicom {
                path: path.clone(),
                message: e.to_string(),
            })
        })?;

    let truth_file = dir.join(TRUTH_FILE);
    let text = serde_json::to_string_pretty(truth).map_err(|e| WriteError::Io {
        path: truth_file.clone(),
        source: e.into(),
    })?;
    std::fs::write(&truth_file, text + "\n").map_err(|source| WriteError::Io {
        path: truth_file.clone(),
        source,
    })?;
    Ok(WrittenSeries {
        study_instance_uid: study_uid,
        series_instance_uid: series_uid,
        files,
        truth_file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ds_values_fit_sixteen_characters() {
        assert_eq!(ds(0.488), "0.488");
        assert_eq!(ds(-0.0), "0");
        assert_eq!(ds(3.0), "3");
        assert_eq!(ds(-31.0039999999), "-31.004");
        assert!(ds(-12_345.678_912_345).len() <= 16);
        assert!(ds(1.0e12 / 3.0).len() <= 16);
    }

    #[test]
    fn uids_are_valid_and_distinct() {
        let a = uid(42, 1);
        let b = uid(42, 2);
        let c = uid(43, 1);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, uid(42, 1));
        for u in [&a, &b, &c] {
            assert!(u.len() <= 64, "{u}");
            assert!(u.starts_with("2.25."));
            let digits = &u[5..];
            assert!(digits.chars().all(|c| c.is_ascii_digit()));
            assert!(!digits.starts_with('0'));
        }
    }

    #[test]
    fn today_is_a_dicom_date_and_time() {
        let (da, tm) = utc_now();
        assert_eq!((da.len(), tm.len()), (8, 6));
        assert!(da.chars().chain(tm.chars()).all(|c| c.is_ascii_digit()));
    }
}
