//! The header fields scoring needs, read without pixel data.

use std::path::{Path, PathBuf};

use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::{DefaultDicomObject, InMemDicomObject, OpenFileOptions};

use crate::Error;

/// SOP classes of CT images (classic and enhanced).
pub const CT_IMAGE_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.2";
pub const ENHANCED_CT_IMAGE_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.2.1";

/// Transfer syntaxes whose compression loses information.
const LOSSY_TS: [&str; 6] = [
    "1.2.840.10008.1.2.4.50",  // JPEG baseline
    "1.2.840.10008.1.2.4.51",  // JPEG extended
    "1.2.840.10008.1.2.4.81",  // JPEG-LS near-lossless
    "1.2.840.10008.1.2.4.91",  // JPEG 2000 (lossy allowed)
    "1.2.840.10008.1.2.4.203", // HTJ2K (lossy allowed)
    "1.2.840.10008.1.2.4.101", // MPEG etc. (not CT in practice)
];

/// Per-frame geometry and rescale (one entry per frame; one for classic single-frame images).
#[derive(Debug, Clone, PartialEq)]
pub struct FrameInfo {
    pub position: [f64; 3],
    pub slope: f64,
    pub intercept: f64,
}

/// Header of one DICOM file.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub path: PathBuf,
    pub sop_class_uid: String,
    pub sop_instance_uid: Option<String>,
    pub transfer_syntax: String,
    pub modality: Option<String>,
    pub series_uid: Option<String>,
    pub study_uid: Option<String>,
    pub image_type: Vec<String>,
    pub has_pixel_data: bool,
    pub rows: Option<u32>,
    pub columns: Option<u32>,
    pub samples_per_pixel: u16,
    pub photometric: Option<String>,
    pub bits_allocated: Option<u16>,
    pub bits_stored: Option<u16>,
    pub pixel_representation: u16,
    pub frames: u32,
    pub orientation: Option<[f64; 6]>,
    pub pixel_spacing: Option<[f64; 2]>,
    pub slice_thickness: Option<f64>,
    /// One per frame; empty when a position or rescale is missing (see `missing`).
    pub frame_info: Vec<FrameInfo>,
    /// The first required tag found missing, for the error message.
    pub missing: Option<&'static str>,
    pub padding: Option<(i64, i64)>,
    pub kvp: Option<f64>,
    pub kernel: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub study_date: Option<String>,
    pub series_description: Option<String>,
    pub lossy: bool,
    pub contrast_agent: Option<String>,
    pub rescale_type: Option<String>,
    pub gantry_tilt: Option<f64>,
}

fn text(obj: &InMemDicomObject, tag: Tag) -> Option<String> {
    let s = obj.get(tag)?.to_str().ok()?;
    let s = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    (!s.is_empty()).then(|| s.to_string())
}

fn float(obj: &InMemDicomObject, tag: Tag) -> Option<f64> {
    obj.get(tag)?.to_float64().ok().filter(|v| v.is_finite())
}

fn floats<const N: usize>(obj: &InMemDicomObject, tag: Tag) -> Option<[f64; N]> {
    let v = obj.get(tag)?.to_multi_float64().ok()?;
    let arr: [f64; N] = v.get(..N)?.try_into().ok()?;
    arr.iter().all(|x| x.is_finite()).then_some(arr)
}

fn int<T: TryFrom<i64>>(obj: &InMemDicomObject, tag: Tag) -> Option<T> {
    let v: i64 = obj.get(tag)?.to_int::<i64>().ok()?;
    T::try_from(v).ok()
}

/// The first item of a sequence element.
fn first_item(obj: &InMemDicomObject, tag: Tag) -> Option<&InMemDicomObject> {
    obj.get(tag)?.items()?.first()
}

/// Reads the header of `path` (everything before the pixel data).
pub fn read_header(path: &Path) -> Result<Header, Error> {
    let obj = OpenFileOptions::new()
        .read_until(tags::PIXEL_DATA)
        .open_file(path)
        .map_err(|e| Error::read(path, e))?;
    // read_until stops before PixelData: check its presence with a cheap second look only when
    // the header says this is an image (Rows present).
    Ok(header_of(path, &obj, None))
}

/// Builds a [`Header`] from an opened object (`has_pixel_data` if known).
pub(crate) fn header_of(
    path: &Path,
    obj: &DefaultDicomObject,
    has_pixel_data: Option<bool>,
) -> Header {
    let meta = obj.meta();
    let trim = |s: &str| s.trim_end_matches(['\0', ' ']).to_string();
    let transfer_syntax = trim(meta.transfer_syntax());
    let sop_class_uid =
        text(obj, tags::SOP_CLASS_UID).unwrap_or_else(|| trim(&meta.media_storage_sop_class_uid));
    let image_type = obj
        .get(tags::IMAGE_TYPE)
        .and_then(|e| e.to_multi_str().ok())
        .map(|v| v.iter().map(|s| s.trim().to_ascii_uppercase()).collect())
        .unwrap_or_default();
    let rows = int::<u32>(obj, tags::ROWS);
    let columns = int::<u32>(obj, tags::COLUMNS);
    let frames = text(obj, tags::NUMBER_OF_FRAMES)
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1);
    let enhanced = sop_class_uid == ENHANCED_CT_IMAGE_STORAGE;
    let shared = first_item(obj, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE);
    let measures = shared.and_then(|s| first_item(s, tags::PIXEL_MEASURES_SEQUENCE));
    let orientation = floats::<6>(obj, tags::IMAGE_ORIENTATION_PATIENT).or_else(|| {
        shared
            .and_then(|s| first_item(s, tags::PLANE_ORIENTATION_SEQUENCE))
            .and_then(|o| floats::<6>(o, tags::IMAGE_ORIENTATION_PATIENT))
    });
    let pixel_spacing = floats::<2>(obj, tags::PIXEL_SPACING)
        .or_else(|| measures.and_then(|m| floats::<2>(m, tags::PIXEL_SPACING)));
    let slice_thickness = float(obj, tags::SLICE_THICKNESS)
        .or_else(|| measures.and_then(|m| float(m, tags::SLICE_THICKNESS)));
    let shared_rescale =
        shared.and_then(|s| first_item(s, tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE));
    let mut rescale_type = text(obj, tags::RESCALE_TYPE)
        .or_else(|| shared_rescale.and_then(|r| text(r, tags::RESCALE_TYPE)));

    let mut missing = None;
    let mut frame_info = Vec::new();
    if enhanced {
        let per_frame = obj
            .get(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE)
            .and_then(|e| e.items());
        match per_frame {
            Some(items) if items.len() == frames as usize => {
                for item in items {
                    let pos = first_item(item, tags::PLANE_POSITION_SEQUENCE)
                        .and_then(|p| floats::<3>(p, tags::IMAGE_POSITION_PATIENT));
                    let rescale = first_item(item, tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE)
                        .or(shared_rescale);
                    if rescale_type.is_none() {
                        rescale_type = rescale.and_then(|r| text(r, tags::RESCALE_TYPE));
                    }
                    let slope = rescale.and_then(|r| float(r, tags::RESCALE_SLOPE));
                    let intercept = rescale.and_then(|r| float(r, tags::RESCALE_INTERCEPT));
                    match (pos, slope, intercept) {
                        (Some(position), Some(slope), Some(intercept)) => {
                            frame_info.push(FrameInfo {
                                position,
                                slope,
                                intercept,
                            })
                        }
                        (None, _, _) => {
                            missing =
                                Some("PlanePositionSequence > ImagePositionPatient (0020,0032)");
                            break;
                        }
                        _ => {
                            missing = Some(
                                "PixelValueTransformationSequence > RescaleSlope/RescaleIntercept (0028,1053/1052)",
                            );
                            break;
                        }
                    }
                }
            }
            _ => {
                missing =
                    Some("PerFrameFunctionalGroupsSequence (5200,9230) with one item per frame")
            }
        }
        if missing.is_some() {
            frame_info.clear();
        }
    } else {
        let pos = floats::<3>(obj, tags::IMAGE_POSITION_PATIENT);
        let slope = float(obj, tags::RESCALE_SLOPE);
        let intercept = float(obj, tags::RESCALE_INTERCEPT);
        match (pos, slope, intercept) {
            (None, _, _) => missing = Some("ImagePositionPatient (0020,0032)"),
            (_, None, _) => missing = Some("RescaleSlope (0028,1053)"),
            (_, _, None) => missing = Some("RescaleIntercept (0028,1052)"),
            (Some(position), Some(slope), Some(intercept)) => frame_info.push(FrameInfo {
                position,
                slope,
                intercept,
            }),
        }
    }
    if missing.is_none() {
        if orientation.is_none() {
            missing = Some("ImageOrientationPatient (0020,0037)");
        } else if pixel_spacing.is_none() {
            missing = Some("PixelSpacing (0028,0030)");
        } else if rows.is_none() {
            missing = Some("Rows (0028,0010)");
        } else if columns.is_none() {
            missing = Some("Columns (0028,0011)");
        }
    }

    let padding_value = int::<i64>(obj, tags::PIXEL_PADDING_VALUE);
    let padding_limit = int::<i64>(obj, tags::PIXEL_PADDING_RANGE_LIMIT);
    let padding = padding_value.map(|v| {
        let l = padding_limit.unwrap_or(v);
        (v.min(l), v.max(l))
    });
    let lossy = text(obj, tags::LOSSY_IMAGE_COMPRESSION).is_some_and(|s| s == "01")
        || LOSSY_TS.contains(&transfer_syntax.as_str());
    let kernel = obj
        .get(tags::CONVOLUTION_KERNEL)
        .and_then(|e| e.to_multi_str().ok())
        .map(|v| v.iter().map(|s| s.trim()).collect::<Vec<_>>().join("\\"))
        .filter(|s| !s.is_empty());
    Header {
        path: path.to_path_buf(),
        sop_instance_uid: text(obj, tags::SOP_INSTANCE_UID),
        transfer_syntax,
        modality: text(obj, tags::MODALITY),
        series_uid: text(obj, tags::SERIES_INSTANCE_UID),
        study_uid: text(obj, tags::STUDY_INSTANCE_UID),
        image_type,
        has_pixel_data: has_pixel_data.unwrap_or(rows.is_some()),
        rows,
        columns,
        samples_per_pixel: int::<u16>(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1),
        photometric: text(obj, tags::PHOTOMETRIC_INTERPRETATION),
        bits_allocated: int::<u16>(obj, tags::BITS_ALLOCATED),
        bits_stored: int::<u16>(obj, tags::BITS_STORED),
        pixel_representation: int::<u16>(obj, tags::PIXEL_REPRESENTATION).unwrap_or(0),
        frames,
        orientation,
        pixel_spacing,
        slice_thickness,
        frame_info,
        missing,
        padding,
        kvp: float(obj, tags::KVP),
        kernel,
        manufacturer: text(obj, tags::MANUFACTURER),
        model: text(obj, tags::MANUFACTURER_MODEL_NAME),
        study_date: text(obj, tags::STUDY_DATE),
        series_description: text(obj, tags::SERIES_DESCRIPTION),
        lossy,
        contrast_agent: text(obj, tags::CONTRAST_BOLUS_AGENT),
        rescale_type,
        gantry_tilt: float(obj, tags::GANTRY_DETECTOR_TILT),
        sop_class_uid,
    }
}

impl Header {
    /// Why this object is not an axial CT image to score, if it is not.
    pub fn skip_reason(&self) -> Option<String> {
        let sop = self.sop_class_uid.as_str();
        if sop == "1.2.840.10008.1.3.10" {
            return Some("a DICOMDIR (media directory), not an image".into());
        }
        if sop.starts_with("1.2.840.10008.5.1.4.1.1.88.") {
            return Some(format!(
                "a structured report such as a dose report (SOP class {sop})"
            ));
        }
        if sop.starts_with("1.2.840.10008.5.1.4.1.1.7") {
            return Some(format!("a secondary capture (SOP class {sop})"));
        }
        if !self.has_pixel_data || self.rows.is_none() {
            return Some(format!("not an image: no pixel data (SOP class {sop})"));
        }
        if let Some(m) = &self.modality {
            if m != "CT" {
                return Some(format!("modality {m}, not CT"));
            }
        } else if sop != CT_IMAGE_STORAGE && sop != ENHANCED_CT_IMAGE_STORAGE {
            return Some(format!("no Modality and SOP class {sop} is not a CT image"));
        }
        if self.image_type.iter().any(|t| t == "LOCALIZER") {
            return Some("a localizer (scout) image".into());
        }
        if self.samples_per_pixel != 1
            || self
                .photometric
                .as_deref()
                .is_some_and(|p| !p.starts_with("MONOCHROME"))
        {
            return Some("a colour image, not CT densities".into());
        }
        None
    }
}
