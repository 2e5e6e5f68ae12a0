//! The written series reads back with dicom-object (an independent DICOM parser) with every tag
//! a scorer needs and the exact voxels of the model.

use std::path::PathBuf;

use dicom_dictionary_std::{tags, uids};
use vascalc_phantom::{PhantomSpec, Truth, dicom, render};

fn fresh_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("phantom-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn series_reads_back_with_tags_and_voxels() {
    let dir = fresh_dir("roundtrip");
    let mut spec = PhantomSpec::small(11);
    spec.geometry.slices = 4;
    spec.geometry.slice_increment_mm = 1.5;
    let volume = render(&spec).expect("valid spec");
    let truth = Truth::new(&spec);
    let written =
        dicom::write_series(&dir, &volume, &truth, &dicom::WriteOptions::new()).expect("written");
    assert_eq!(written.files.len(), 4);

    let mut sop_uids = std::collections::BTreeSet::new();
    for (k, path) in written.files.iter().enumerate() {
        let obj = dicom_object::open_file(path).expect("readable DICOM");
        assert_eq!(
            obj.meta().transfer_syntax(),
            uids::EXPLICIT_VR_LITTLE_ENDIAN
        );
        let s = |tag| {
            obj.element(tag)
                .unwrap_or_else(|_| panic!("missing {tag}"))
                .value()
                .to_str()
                .expect("string")
                .trim_end_matches(['\0', ' '])
                .to_string()
        };
        let f = |tag| {
            obj.element(tag)
                .unwrap_or_else(|_| panic!("missing {tag}"))
                .value()
                .to_multi_float64()
                .expect("numbers")
        };
        assert_eq!(s(tags::MODALITY), "CT");
        assert_eq!(s(tags::SOP_CLASS_UID), uids::CT_IMAGE_STORAGE);
        assert_eq!(s(tags::SERIES_INSTANCE_UID), written.series_instance_uid);
        assert_eq!(s(tags::STUDY_INSTANCE_UID), written.study_instance_uid);
        assert!(
            sop_uids.insert(s(tags::SOP_INSTANCE_UID)),
            "SOP instance UIDs are unique"
        );
        assert_eq!(f(tags::KVP), vec![120.0]);
        assert_eq!(f(tags::SLICE_THICKNESS), vec![3.0]);
        assert_eq!(f(tags::PIXEL_SPACING), vec![0.488, 0.488]);
        assert_eq!(
            f(tags::IMAGE_ORIENTATION_PATIENT),
            vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
        );
        let ipp = f(tags::IMAGE_POSITION_PATIENT);
        let expected = spec.geometry.position(k);
        for (a, b) in ipp.iter().zip(expected) {
            assert!((a - b).abs() < 1e-5, "IPP {ipp:?} vs {expected:?}");
        }
        assert_eq!(f(tags::RESCALE_INTERCEPT), vec![-1024.0]);
        assert_eq!(f(tags::RESCALE_SLOPE), vec![1.0]);
        assert_eq!(s(tags::RESCALE_TYPE), "HU");
        assert_eq!(s(tags::PHOTOMETRIC_INTERPRETATION), "MONOCHROME2");
        let rows: u16 = obj
            .element(tags::ROWS)
            .expect("rows")
            .value()
            .to_int()
            .expect("int");
        assert_eq!(rows, 128);
        let bytes = obj
            .element(tags::PIXEL_DATA)
            .expect("pixels")
            .value()
            .to_bytes()
            .expect("bytes")
            .into_owned();
        let hu: Vec<i16> = bytes
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]) - 1024)
            .collect();
        assert_eq!(Some(hu.as_slice()), volume.slice(k), "slice {k} voxels");
    }
    let truth_text = std::fs::read_to_string(&written.truth_file).expect("truth file");
    let back: Truth = serde_json::from_str(&truth_text).expect("truth JSON");
    assert_eq!(back.inserts.len(), 9);
    assert_eq!(back.geometry, spec.geometry);
}

#[test]
fn custom_file_names_are_used_and_checked() {
    let dir = fresh_dir("names");
    let mut spec = PhantomSpec::small(2);
    spec.geometry.slices = 2;
    let volume = render(&spec).expect("valid");
    let truth = Truth::new(&spec);
    let mut opts = dicom::WriteOptions::new();
    opts.file_names = Some(vec!["zz".into(), "aa".into()]);
    let written = dicom::write_series(&dir, &volume, &truth, &opts).expect("written");
    assert!(written.files[0].ends_with("zz"));
    opts.file_names = Some(vec!["../escape".into(), "b".into()]);
    let err = dicom::write_series(&dir, &volume, &truth, &opts).expect_err("refused");
    assert!(err.to_string().contains("../escape"), "{err}");
    opts.file_names = Some(vec!["one".into()]);
    let err = dicom::write_series(&dir, &volume, &truth, &opts).expect_err("refused");
    assert!(err.to_string().contains("1 file names"), "{err}");
}
