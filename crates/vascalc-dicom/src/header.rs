//! The header fields scoring needs, read without pixel data.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use dicom_core::dictionary::{DataDictionary, DataDictionaryEntry};
use dicom_core::header::HasLength;
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::{StandardDataDictionary, tags};
use dicom_object::file::ReadPreamble;
use dicom_object::mem::InMemElement;
use dicom_object::{DefaultDicomObject, InMemDicomObject, OpenFileOptions};

use crate::Error;
use crate::budget::{MemoryBudget, mb};
use crate::walk::{DEFLATED_EXPLICIT_VR_LE, Damaged, FileSource, PixelValue, Source, Walked, walk};

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
    /// The first tag found present but invalid (value out of range, not a number), naming the
    /// tag and the value.
    pub invalid: Option<String>,
    /// The file's size in bytes.
    pub file_len: u64,
    /// Pixel data that cannot hold the image (a length other than Rows × Columns × frames ×
    /// BitsAllocated/8, or past the end of the file): the series of this file fails with it.
    pub pixel_problem: Option<String>,
    pub padding: Option<(i64, i64)>,
    pub kvp: Option<f64>,
    pub kernel: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub study_date: Option<String>,
    pub series_description: Option<String>,
    pub lossy: bool,
    pub contrast_agent: Option<String>,
    /// BodyPartExamined (0018,0015), when present.
    pub body_part: Option<String>,
    pub rescale_type: Option<String>,
    pub gantry_tilt: Option<f64>,
}

/// An element, with a value of VR UN re-read by the VR the standard dictionary gives its tag
/// (GDCM and anonymisers write standard elements as UN; PS3.5 §6.2.2 asks readers to use the
/// dictionary). UN values of sequences are not re-read: the tag is then taken as absent.
fn element(obj: &InMemDicomObject, tag: Tag) -> Option<Cow<'_, InMemElement>> {
    let e = obj.get(tag)?;
    if e.vr() != VR::UN {
        return Some(Cow::Borrowed(e));
    }
    let vr = StandardDataDictionary.by_tag(tag)?.vr().relaxed();
    let bytes = e.to_bytes().ok()?;
    let value = match vr {
        VR::US => PrimitiveValue::U16(
            bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect(),
        ),
        VR::SS => PrimitiveValue::I16(
            bytes
                .chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect(),
        ),
        VR::UL => PrimitiveValue::U32(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        VR::SL => PrimitiveValue::I32(
            bytes
                .chunks_exact(4)
                .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        VR::FL => PrimitiveValue::F32(
            bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        VR::FD => PrimitiveValue::F64(
            bytes
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                .collect(),
        ),
        VR::AE
        | VR::AS
        | VR::CS
        | VR::DA
        | VR::DS
        | VR::DT
        | VR::IS
        | VR::LO
        | VR::LT
        | VR::PN
        | VR::SH
        | VR::ST
        | VR::TM
        | VR::UC
        | VR::UI
        | VR::UR
        | VR::UT => {
            let text = String::from_utf8_lossy(&bytes);
            PrimitiveValue::Strs(
                text.split('\\')
                    .map(|s| s.trim_matches(|c: char| c == ' ' || c == '\0').to_string())
                    .collect(),
            )
        }
        _ => return None,
    };
    Some(Cow::Owned(DataElement::new(tag, vr, value)))
}

fn text(obj: &InMemDicomObject, tag: Tag) -> Option<String> {
    let e = element(obj, tag)?;
    let s = e.to_str().ok()?;
    let s = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    (!s.is_empty()).then(|| s.to_string())
}

/// A numeric field: absent, present but not usable (with its text for the message), or read.
#[derive(Debug, Clone, PartialEq)]
enum Field<T> {
    Absent,
    Bad(String),
    Read(T),
}

impl<T> Field<T> {
    fn ok(self) -> Option<T> {
        match self {
            Field::Read(v) => Some(v),
            _ => None,
        }
    }
}

/// The value as written, for messages (at most 80 characters).
fn shown(obj: &InMemDicomObject, tag: Tag) -> String {
    let s = element(obj, tag)
        .and_then(|e| e.to_str().ok().map(|s| s.trim().to_string()))
        .unwrap_or_else(|| "unreadable".into());
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else if s.is_empty() {
        "empty".into()
    } else {
        s
    }
}

/// N numbers (more are ignored, as before), any of them possibly NaN or infinite: the caller
/// validates.
fn numbers<const N: usize>(obj: &InMemDicomObject, tag: Tag) -> Field<[f64; N]> {
    let Some(e) = element(obj, tag) else {
        return Field::Absent;
    };
    let arr = e
        .to_multi_float64()
        .ok()
        .and_then(|v| <[f64; N]>::try_from(v.get(..N)?).ok());
    match arr {
        Some(a) => Field::Read(a),
        None if e.is_empty() => Field::Absent,
        None => Field::Bad(shown(obj, tag)),
    }
}

fn number(obj: &InMemDicomObject, tag: Tag) -> Field<f64> {
    match numbers::<1>(obj, tag) {
        Field::Read([v]) => Field::Read(v),
        Field::Bad(s) => Field::Bad(s),
        Field::Absent => Field::Absent,
    }
}

/// A finite number or nothing (for fields shown, never computed with).
fn float(obj: &InMemDicomObject, tag: Tag) -> Option<f64> {
    number(obj, tag).ok().filter(|v| v.is_finite())
}

fn int<T: TryFrom<i64>>(obj: &InMemDicomObject, tag: Tag) -> Option<T> {
    let v: i64 = element(obj, tag)?.to_int::<i64>().ok()?;
    T::try_from(v).ok()
}

/// The first item of a sequence element.
fn first_item(obj: &InMemDicomObject, tag: Tag) -> Option<&InMemDicomObject> {
    obj.get(tag)?.items()?.first()
}

/// Reads the header of `path` (everything before the pixel data), within the default memory
/// budget.
pub fn read_header(path: &Path) -> Result<Header, Error> {
    read_header_within(path, &MemoryBudget::default())
}

/// Reads the header of `path`: element lengths are first checked against the file's size by a
/// walk over the element headers (nothing of the file but those is read), then the bytes before
/// PixelData are read within `budget` and parsed.
pub(crate) fn read_header_within(path: &Path, budget: &MemoryBudget) -> Result<Header, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut src = FileSource::new(std::fs::File::open(path).map_err(io)?).map_err(io)?;
    let walked = walk(&mut src, true, budget.limit() / 4).map_err(|d| damaged(path, d))?;
    let total = src.len();
    let prefix = match &walked.pixel_data {
        Some((at, _)) if walked.transfer_syntax != DEFLATED_EXPLICIT_VR_LE => *at,
        _ => total,
    };
    // The bytes and the object parsed from them.
    let _reserved = budget
        .reserve(prefix.saturating_mul(3))
        .map_err(|limit| Error::Budget {
            path: path.to_path_buf(),
            what: "the header".into(),
            needed_mb: mb(prefix.saturating_mul(3)),
            limit_mb: mb(limit),
        })?;
    let bytes = src.bytes(0, prefix).map_err(|d| damaged(path, d))?;
    header_from_bytes(path, bytes, &walked, total)
}

/// The error for a file refused by the walk.
pub(crate) fn damaged(path: &Path, d: Damaged) -> Error {
    if d.0.starts_with("no \"DICM\"") {
        return Error::NotDicom {
            path: path.to_path_buf(),
        };
    }
    Error::Parse {
        path: path.to_path_buf(),
        message: d.0,
    }
}

/// Reads the header of an in-memory file (`bytes` is the whole file or its start up to the
/// pixel data; `walked` its walk; `total` the file's size). `path` names it in messages.
pub(crate) fn header_from_bytes(
    path: &Path,
    bytes: &[u8],
    walked: &Walked,
    total: usize,
) -> Result<Header, Error> {
    // dicom-rs reads no further than the walk checked: up to PixelData when the walk stopped
    // there.
    let bytes = match &walked.pixel_data {
        Some((at, PixelValue::NotRead { .. }))
            if walked.transfer_syntax != DEFLATED_EXPLICIT_VR_LE =>
        {
            &bytes[..(*at).min(bytes.len())]
        }
        _ => bytes,
    };
    let obj = contained(path, "parsing the header", || {
        OpenFileOptions::new()
            .read_preamble(ReadPreamble::Always)
            .read_until(tags::PIXEL_DATA)
            .from_reader(bytes)
    })?
    .map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut header = header_of(path, &obj, Some(walked.pixel_data.is_some()));
    header.file_len = total as u64;
    if header.skip_reason().is_none()
        && header.missing.is_none()
        && header.invalid.is_none()
        && let Some((
            _,
            PixelValue::NotRead {
                len: Some(len),
                value,
            },
        )) = &walked.pixel_data
    {
        let len = *len as usize;
        let left = total.saturating_sub(*value);
        header.pixel_problem = match expected_len(&header) {
            Err(e) => Some(e.to_string()),
            Ok(expected) if len < expected || len > expected + 1 => Some(
                header
                    .pixel_length_error(len, expected)
                    .to_string()
                    .split_once(": ")
                    .map_or_else(String::new, |(_, p)| p.to_string()),
            ),
            Ok(_) if len > left => Some(format!(
                "PixelData (7FE0,0010) declares {len} bytes but the file has only {left} left: the file is truncated"
            )),
            Ok(_) => None,
        };
    }
    Ok(header)
}

/// Reads the header of a whole file held in memory (for the fuzzer and tests: no file is read).
pub fn read_header_bytes(bytes: &[u8]) -> Result<Header, Error> {
    let path = Path::new("<memory>");
    let walked = walk(&mut &bytes[..], true, MemoryBudget::DEFAULT_BYTES / 4)
        .map_err(|d| damaged(path, d))?;
    header_from_bytes(path, bytes, &walked, bytes.len())
}

/// Runs `f`, turning a panic inside it (a third-party parser or decoder) into an error that names
/// the file and the step. The panic message is not printed twice: the default hook has printed
/// it already.
pub(crate) fn contained<T>(path: &Path, step: &str, f: impl FnOnce() -> T) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Error::Contained {
            path: path.to_path_buf(),
            step: step.to_string(),
            message,
        }
    })
}

/// Rows × Columns × frames × BitsAllocated/8: the length the pixel data must have.
pub(crate) fn expected_len(header: &Header) -> Result<usize, Error> {
    let path = header.path.as_path();
    let (rows, cols) = match (header.rows, header.columns) {
        (Some(r), Some(c)) if r > 0 && c > 0 => (r as usize, c as usize),
        _ => {
            return Err(Error::MissingTag {
                path: path.to_path_buf(),
                tag: "Rows (0028,0010) / Columns (0028,0011)",
            });
        }
    };
    let bits = header.bits_allocated.unwrap_or(16);
    if !matches!(bits, 8 | 16 | 32) {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            problem: format!(
                "BitsAllocated (0028,0100) is {bits}: 8, 16 or 32 are supported for CT"
            ),
        });
    }
    rows.checked_mul(cols)
        .and_then(|n| n.checked_mul(header.frames as usize))
        .and_then(|n| n.checked_mul(usize::from(bits / 8)))
        .ok_or_else(|| Error::Invalid {
            path: path.to_path_buf(),
            problem: "Rows × Columns × NumberOfFrames overflows".into(),
        })
}

/// The largest Rows or Columns accepted (CT images are 512 to 2048 pixels wide).
pub const MAX_DIMENSION: u32 = 8192;
/// The largest NumberOfFrames accepted.
pub const MAX_FRAMES: u32 = 65_536;
/// The largest pixel spacing or slice thickness accepted, in mm.
pub const MAX_SPACING_MM: f64 = 100.0;

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
    let image_type = element(obj, tags::IMAGE_TYPE)
        .and_then(|e| e.to_multi_str().ok().map(|v| v.to_vec()))
        .map(|v| v.iter().map(|s| s.trim().to_ascii_uppercase()).collect())
        .unwrap_or_default();
    let rows = int::<u32>(obj, tags::ROWS);
    let columns = int::<u32>(obj, tags::COLUMNS);
    let mut problems = Problems::default();
    let frames = match text(obj, tags::NUMBER_OF_FRAMES) {
        None => 1,
        Some(t) => match t.parse::<u64>() {
            Ok(n) if (1..=u64::from(MAX_FRAMES)).contains(&n) => n as u32,
            _ => {
                problems.add(format!(
                    "NumberOfFrames (0028,0008) is {t}: a whole number from 1 to {MAX_FRAMES} is expected"
                ));
                1
            }
        },
    };
    let enhanced = sop_class_uid == ENHANCED_CT_IMAGE_STORAGE;
    let shared = first_item(obj, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE);
    let measures = shared.and_then(|s| first_item(s, tags::PIXEL_MEASURES_SEQUENCE));
    let orientation = match numbers::<6>(obj, tags::IMAGE_ORIENTATION_PATIENT) {
        Field::Absent => shared
            .and_then(|s| first_item(s, tags::PLANE_ORIENTATION_SEQUENCE))
            .map_or(Field::Absent, |o| {
                numbers::<6>(o, tags::IMAGE_ORIENTATION_PATIENT)
            }),
        f => f,
    };
    let orientation = problems.check(orientation, "ImageOrientationPatient (0020,0037)", |v| {
        check_orientation(v)
    });
    let pixel_spacing = match numbers::<2>(obj, tags::PIXEL_SPACING) {
        Field::Absent => measures.map_or(Field::Absent, |m| numbers::<2>(m, tags::PIXEL_SPACING)),
        f => f,
    };
    let pixel_spacing = problems.check(pixel_spacing, "PixelSpacing (0028,0030)", |v| {
        v.iter().try_for_each(|&x| check_spacing(x))
    });
    let slice_thickness = match number(obj, tags::SLICE_THICKNESS) {
        Field::Absent => measures.map_or(Field::Absent, |m| number(m, tags::SLICE_THICKNESS)),
        f => f,
    };
    let slice_thickness = problems.check(slice_thickness, "SliceThickness (0018,0050)", |&v| {
        check_spacing(v)
    });
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
                        .map_or(Field::Absent, |p| numbers::<3>(p, tags::IMAGE_POSITION_PATIENT));
                    let rescale = first_item(item, tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE)
                        .or(shared_rescale);
                    if rescale_type.is_none() {
                        rescale_type = rescale.and_then(|r| text(r, tags::RESCALE_TYPE));
                    }
                    let slope = rescale.map_or(Field::Absent, |r| number(r, tags::RESCALE_SLOPE));
                    let intercept =
                        rescale.map_or(Field::Absent, |r| number(r, tags::RESCALE_INTERCEPT));
                    let info = frame_fields(&mut problems, pos, slope, intercept);
                    match info {
                        Ok(Some(info)) => frame_info.push(info),
                        Ok(None) => break, // a problem was recorded
                        Err(Which::Position) => {
                            missing =
                                Some("PlanePositionSequence > ImagePositionPatient (0020,0032)");
                            break;
                        }
                        Err(_) => {
                            missing = Some(
                                "PixelValueTransformationSequence > RescaleSlope/RescaleIntercept (0028,1053/1052)",
                            );
                            break;
                        }
                    }
                }
            }
            Some(items) => problems.add(format!(
                "PerFrameFunctionalGroupsSequence (5200,9230) has {} item(s) but NumberOfFrames (0028,0008) is {frames}",
                items.len()
            )),
            None => {
                missing =
                    Some("PerFrameFunctionalGroupsSequence (5200,9230) with one item per frame")
            }
        }
        if missing.is_some() || problems.first.is_some() {
            frame_info.clear();
        }
    } else {
        if frames > 1 {
            problems.add(format!(
                "NumberOfFrames (0028,0008) is {frames} but a CT Image Storage file holds one image with one ImagePositionPatient"
            ));
        }
        let pos = numbers::<3>(obj, tags::IMAGE_POSITION_PATIENT);
        let slope = number(obj, tags::RESCALE_SLOPE);
        let intercept = number(obj, tags::RESCALE_INTERCEPT);
        match frame_fields(&mut problems, pos, slope, intercept) {
            Ok(Some(info)) if frames == 1 => frame_info.push(info),
            Ok(_) => {}
            Err(Which::Position) => missing = Some("ImagePositionPatient (0020,0032)"),
            Err(Which::Slope) => missing = Some("RescaleSlope (0028,1053)"),
            Err(Which::Intercept) => missing = Some("RescaleIntercept (0028,1052)"),
        }
    }
    if missing.is_none() {
        if orientation.is_none() && problems.first.is_none() {
            missing = Some("ImageOrientationPatient (0020,0037)");
        } else if pixel_spacing.is_none() && problems.first.is_none() {
            missing = Some("PixelSpacing (0028,0030)");
        } else if rows.is_none() {
            missing = Some("Rows (0028,0010)");
        } else if columns.is_none() {
            missing = Some("Columns (0028,0011)");
        }
    }
    for (name, v) in [("Rows (0028,0010)", rows), ("Columns (0028,0011)", columns)] {
        if let Some(v) = v.filter(|v| !(1..=MAX_DIMENSION).contains(v)) {
            problems.add(format!(
                "{name} is {v}: from 1 to {MAX_DIMENSION} is supported"
            ));
        }
    }
    let bits_allocated = int::<u16>(obj, tags::BITS_ALLOCATED);
    let bits_stored = int::<u16>(obj, tags::BITS_STORED);
    if let Some(a) = bits_allocated.filter(|a| !matches!(a, 8 | 16 | 32)) {
        problems.add(format!(
            "BitsAllocated (0028,0100) is {a}: 8, 16 or 32 are supported for CT"
        ));
    }
    if let Some(s) = bits_stored {
        let a = bits_allocated.unwrap_or(16);
        if s == 0 || s > a {
            problems.add(format!(
                "BitsStored (0028,0101) is {s}: it must be from 1 to BitsAllocated ({a})"
            ));
        }
    }

    // Padding is US or SS as PixelRepresentation says; a value read as US (a UN element, whose
    // dictionary VR is "US or SS") is taken as signed when the pixels are.
    let pixel_representation = int::<u16>(obj, tags::PIXEL_REPRESENTATION).unwrap_or(0);
    let signed = |v: i64| {
        if pixel_representation == 1 && (32768..=65535).contains(&v) {
            v - 65536
        } else {
            v
        }
    };
    let padding_value = int::<i64>(obj, tags::PIXEL_PADDING_VALUE).map(signed);
    let padding_limit = int::<i64>(obj, tags::PIXEL_PADDING_RANGE_LIMIT).map(signed);
    let padding = padding_value.map(|v| {
        let l = padding_limit.unwrap_or(v);
        (v.min(l), v.max(l))
    });
    let lossy = text(obj, tags::LOSSY_IMAGE_COMPRESSION).is_some_and(|s| s == "01")
        || LOSSY_TS.contains(&transfer_syntax.as_str());
    let kernel = element(obj, tags::CONVOLUTION_KERNEL)
        .and_then(|e| e.to_multi_str().ok().map(|v| v.to_vec()))
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
        bits_allocated,
        bits_stored,
        pixel_representation,
        frames,
        orientation,
        pixel_spacing,
        slice_thickness,
        frame_info,
        missing,
        invalid: problems.first,
        file_len: 0,
        pixel_problem: None,
        padding,
        kvp: float(obj, tags::KVP),
        kernel,
        manufacturer: text(obj, tags::MANUFACTURER),
        model: text(obj, tags::MANUFACTURER_MODEL_NAME),
        study_date: text(obj, tags::STUDY_DATE),
        series_description: text(obj, tags::SERIES_DESCRIPTION),
        lossy,
        contrast_agent: text(obj, tags::CONTRAST_BOLUS_AGENT),
        body_part: text(obj, tags::BODY_PART_EXAMINED),
        rescale_type,
        gantry_tilt: float(obj, tags::GANTRY_DETECTOR_TILT),
        sop_class_uid,
    }
}

/// The first problem found in a header, kept for the error message.
#[derive(Default)]
struct Problems {
    first: Option<String>,
}

impl Problems {
    fn add(&mut self, problem: String) {
        self.first.get_or_insert(problem);
    }

    /// The value of a field that passes `rule`; a field that cannot be read or breaks the rule
    /// is recorded as a problem naming the tag and the value.
    fn check<T: std::fmt::Debug>(
        &mut self,
        field: Field<T>,
        name: &str,
        rule: impl Fn(&T) -> Result<(), String>,
    ) -> Option<T> {
        match field {
            Field::Absent => None,
            Field::Bad(text) => {
                self.add(format!("{name} is {text:?}: not a number"));
                None
            }
            Field::Read(v) => match rule(&v) {
                Ok(()) => Some(v),
                Err(why) => {
                    self.add(format!("{name} is {}: {why}", show(&v)));
                    None
                }
            },
        }
    }
}

/// Numbers as DICOM writes them (backslash between values).
fn show<T: std::fmt::Debug>(v: &T) -> String {
    let s = format!("{v:?}");
    s.trim_start_matches('[')
        .trim_end_matches(']')
        .replace(", ", "\\")
}

fn check_orientation(v: &[f64; 6]) -> Result<(), String> {
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let (r, c) = (&v[..3], &v[3..]);
    let unit = |a: &[f64]| (dot(a, a).sqrt() - 1.0).abs() <= 0.01;
    if v.iter().all(|x| x.is_finite()) && unit(r) && unit(c) && dot(r, c).abs() <= 0.01 {
        Ok(())
    } else {
        Err("the row and column direction cosines must be unit vectors at right angles".into())
    }
}

fn check_spacing(x: f64) -> Result<(), String> {
    if x.is_finite() && x > 0.0 && x <= MAX_SPACING_MM {
        Ok(())
    } else {
        Err(format!(
            "each value must be a finite number above 0 and at most {MAX_SPACING_MM} mm"
        ))
    }
}

/// Which per-frame field is absent.
enum Which {
    Position,
    Slope,
    Intercept,
}

/// The position and rescale of one frame: `Err` names an absent field; `Ok(None)` when a
/// present field is invalid (recorded in `problems`).
fn frame_fields(
    problems: &mut Problems,
    pos: Field<[f64; 3]>,
    slope: Field<f64>,
    intercept: Field<f64>,
) -> Result<Option<FrameInfo>, Which> {
    match (&pos, &slope, &intercept) {
        (Field::Absent, _, _) => return Err(Which::Position),
        (_, Field::Absent, _) => return Err(Which::Slope),
        (_, _, Field::Absent) => return Err(Which::Intercept),
        _ => {}
    }
    let position = problems.check(pos, "ImagePositionPatient (0020,0032)", |p| {
        if p.iter().all(|x| x.is_finite() && x.abs() <= 1e6) {
            Ok(())
        } else {
            Err("each coordinate must be a finite number of mm".into())
        }
    });
    let slope = problems.check(slope, "RescaleSlope (0028,1053)", |&s| {
        if !s.is_finite() || s == 0.0 {
            Err("it must be a finite number other than 0".into())
        } else if s < 0.0 {
            Err("a negative slope inverts CT densities; this file cannot be scored".into())
        } else {
            Ok(())
        }
    });
    let intercept = problems.check(intercept, "RescaleIntercept (0028,1052)", |&b| {
        if b.is_finite() && b.abs() <= 1e5 {
            Ok(())
        } else {
            Err("it must be a finite number of HU".into())
        }
    });
    Ok(match (position, slope, intercept) {
        (Some(position), Some(slope), Some(intercept)) => Some(FrameInfo {
            position,
            slope,
            intercept,
        }),
        _ => None,
    })
}

impl Header {
    /// The error for pixel data of `found` bytes where `expected` are needed.
    pub(crate) fn pixel_length_error(&self, found: usize, expected: usize) -> Error {
        Error::PixelLength {
            path: self.path.clone(),
            found,
            expected,
            rows: self.rows.unwrap_or(0) as usize,
            columns: self.columns.unwrap_or(0) as usize,
            frames: self.frames as usize,
            bits: self.bits_allocated.unwrap_or(16),
        }
    }

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
