//! Synthetic DICOM written here: Enhanced CT (multi-frame), geometry flags from real positions.

use std::path::{Path, PathBuf};

use dicom_core::value::DataSetSequence;
use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_object::{FileMetaTableBuilder, InMemDicomObject};
use vascalc_ct::{FlagCode, ScoreOptions, score};
use vascalc_dicom::{ENHANCED_CT_IMAGE_STORAGE, SeriesFilter, load_series};

fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("vascalc-dicom")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn strs(v: &[f64]) -> PrimitiveValue {
    PrimitiveValue::Strs(v.iter().map(|x| x.to_string()).collect())
}

fn item(elements: Vec<DataElement<InMemDicomObject>>) -> InMemDicomObject {
    InMemDicomObject::from_element_iter(elements)
}

fn seq(tag: dicom_core::Tag, items: Vec<InMemDicomObject>) -> DataElement<InMemDicomObject> {
    DataElement::new(tag, VR::SQ, DataSetSequence::from(items))
}

const N: usize = 16;

/// An Enhanced CT file with frames at the given z (stored order as given), unsigned 12-bit
/// stored values with intercept −1024 (the Philips layout), a 4×4 lesion of 1024+500 in every
/// frame whose index is odd.
fn write_enhanced(path: &Path, zs: &[f64]) {
    let mut bytes = Vec::new();
    for f in 0..zs.len() {
        for j in 0..N {
            for i in 0..N {
                let lesion = f % 2 == 1 && (4..8).contains(&i) && (4..8).contains(&j);
                let v: u16 = if lesion { 1024 + 500 } else { 1024 + 30 };
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
    let per_frame: Vec<InMemDicomObject> = zs
        .iter()
        .map(|z| {
            item(vec![seq(
                tags::PLANE_POSITION_SEQUENCE,
                vec![item(vec![DataElement::new(
                    tags::IMAGE_POSITION_PATIENT,
                    VR::DS,
                    strs(&[0.0, 0.0, *z]),
                )])],
            )])
        })
        .collect();
    let shared = item(vec![
        seq(
            tags::PIXEL_MEASURES_SEQUENCE,
            vec![item(vec![
                DataElement::new(tags::PIXEL_SPACING, VR::DS, strs(&[0.5, 0.5])),
                DataElement::new(tags::SLICE_THICKNESS, VR::DS, strs(&[2.0])),
            ])],
        ),
        seq(
            tags::PLANE_ORIENTATION_SEQUENCE,
            vec![item(vec![DataElement::new(
                tags::IMAGE_ORIENTATION_PATIENT,
                VR::DS,
                strs(&[1.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
            )])],
        ),
        seq(
            tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE,
            vec![item(vec![
                DataElement::new(tags::RESCALE_INTERCEPT, VR::DS, strs(&[-1024.0])),
                DataElement::new(tags::RESCALE_SLOPE, VR::DS, strs(&[1.0])),
                DataElement::new(tags::RESCALE_TYPE, VR::LO, PrimitiveValue::from("HU")),
            ])],
        ),
    ]);
    let sop = "1.2.826.0.1.3680043.9.7.99.1";
    let obj = InMemDicomObject::from_element_iter([
        DataElement::new(
            tags::SOP_CLASS_UID,
            VR::UI,
            PrimitiveValue::from(ENHANCED_CT_IMAGE_STORAGE),
        ),
        DataElement::new(tags::SOP_INSTANCE_UID, VR::UI, PrimitiveValue::from(sop)),
        DataElement::new(tags::MODALITY, VR::CS, PrimitiveValue::from("CT")),
        DataElement::new(tags::KVP, VR::DS, PrimitiveValue::from("120")),
        DataElement::new(
            tags::SERIES_INSTANCE_UID,
            VR::UI,
            PrimitiveValue::from("1.2.826.0.1.3680043.9.7.99"),
        ),
        DataElement::new(tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1u16)),
        DataElement::new(
            tags::PHOTOMETRIC_INTERPRETATION,
            VR::CS,
            PrimitiveValue::from("MONOCHROME2"),
        ),
        DataElement::new(
            tags::NUMBER_OF_FRAMES,
            VR::IS,
            PrimitiveValue::from(zs.len().to_string()),
        ),
        DataElement::new(tags::ROWS, VR::US, PrimitiveValue::from(N as u16)),
        DataElement::new(tags::COLUMNS, VR::US, PrimitiveValue::from(N as u16)),
        DataElement::new(tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(16u16)),
        DataElement::new(tags::BITS_STORED, VR::US, PrimitiveValue::from(12u16)),
        DataElement::new(tags::HIGH_BIT, VR::US, PrimitiveValue::from(11u16)),
        DataElement::new(
            tags::PIXEL_REPRESENTATION,
            VR::US,
            PrimitiveValue::from(0u16),
        ),
        seq(tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE, vec![shared]),
        seq(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, per_frame),
        DataElement::new(tags::PIXEL_DATA, VR::OW, PrimitiveValue::from(bytes)),
    ]);
    obj.with_meta(
        FileMetaTableBuilder::new()
            .transfer_syntax(uids::EXPLICIT_VR_LITTLE_ENDIAN)
            .media_storage_sop_class_uid(ENHANCED_CT_IMAGE_STORAGE)
            .media_storage_sop_instance_uid(sop),
    )
    .expect("meta")
    .write_to_file(path)
    .expect("write");
}

#[test]
fn enhanced_ct_frames_are_sorted_and_rescaled() {
    let dir = fresh_dir("enhanced");
    // Frames stored in descending z: frame 1 (z = 4) and frame 3 (z = 0) carry the lesion.
    write_enhanced(&dir.join("enhanced.dcm"), &[6.0, 4.0, 2.0, 0.0]);
    let series = load_series(&[dir], &SeriesFilter::default()).expect("loads");
    assert_eq!(series.len(), 1);
    let s = &series[0];
    assert_eq!(s.volume.slices, 4);
    assert_eq!(s.acquisition.increment_mm, Some(2.0));
    assert_eq!(s.acquisition.slice_thickness_mm, Some(2.0));
    assert_eq!(s.acquisition.rescale_type.as_deref(), Some("HU"));
    let zs: Vec<f64> = s.volume.geometry.positions.iter().map(|p| p[2]).collect();
    assert_eq!(zs, vec![0.0, 2.0, 4.0, 6.0]);
    let r = score(&s.volume, &s.acquisition, &ScoreOptions::default()).expect("scores");
    // Two lesions of 16 px × 0.25 mm² = 4 mm², weight 4 (500 HU), × 2/3.
    assert_eq!(r.lesions.len(), 2);
    assert_eq!(r.lesions[0].slices, [0, 0]);
    assert_eq!(r.lesions[1].slices, [2, 2]);
    assert_eq!(r.lesions[0].peak_hu, 500.0);
    assert!((r.totals.agatston - 2.0 * 4.0 * 4.0 * 2.0 / 3.0).abs() < 1e-9);
}

#[test]
fn missing_frame_position_is_flagged_as_missing_slice() {
    let dir = fresh_dir("gap");
    write_enhanced(&dir.join("gap.dcm"), &[0.0, 2.0, 4.0, 8.0, 10.0]);
    let series = load_series(&[dir], &SeriesFilter::default()).expect("loads");
    let r = score(
        &series[0].volume,
        &series[0].acquisition,
        &ScoreOptions::default(),
    )
    .expect("scores");
    let codes: Vec<FlagCode> = r.flags.iter().map(|f| f.code).collect();
    assert!(codes.contains(&FlagCode::MissingSlices), "{codes:?}");
    assert!(!codes.contains(&FlagCode::UnevenSpacing), "{codes:?}");
}
