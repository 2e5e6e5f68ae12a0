//! End-to-end tests of `vascalc scan score`: the binary on real and synthetic DICOM, output
//! formats, regions and assignments, and every kind of bad input with its exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dicom_core::{DataElement, PrimitiveValue, VR, dicom_value};
use dicom_dictionary_std::{tags, uids};
use dicom_object::{FileMetaTableBuilder, InMemDicomObject};

fn vascalc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vascalc"))
        .args(args)
        .output()
        .expect("vascalc runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("scan_score")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// How to spoil a synthetic slice.
#[derive(Clone, Copy, PartialEq)]
enum Spoil {
    None,
    NoPosition,
    ShortPixels,
    Modality,
    /// BodyPartExamined = HEAD.
    Head,
    /// BodyPartExamined = ABDOMEN.
    Abdomen,
    /// ContrastBolusAgent = IOPAMIDOL (a contrast-enhanced series).
    Contrast,
}

const N: usize = 32;
const PIXEL_MM: f64 = 0.5;

/// One 32×32 CT slice at z, explicit VR LE, intercept −1024; `lesion` pixels at 450 HU.
fn write_slice(path: &Path, series: &str, z: f64, index: usize, lesion: bool, spoil: Spoil) {
    let mut stored = vec![1024i16 + 40; N * N]; // 40 HU background
    if lesion {
        for j in 10..14 {
            for i in 10..14 {
                stored[j * N + i] = 1024 + 450;
            }
        }
    }
    let mut bytes: Vec<u8> = stored.iter().flat_map(|v| v.to_le_bytes()).collect();
    if spoil == Spoil::ShortPixels {
        bytes.truncate(bytes.len() / 2);
    }
    let sop = format!("{series}.{index}");
    let s = |v: &str| PrimitiveValue::from(v);
    let mut obj = InMemDicomObject::from_element_iter([
        DataElement::new(tags::SOP_CLASS_UID, VR::UI, s(uids::CT_IMAGE_STORAGE)),
        DataElement::new(tags::SOP_INSTANCE_UID, VR::UI, s(&sop)),
        DataElement::new(tags::STUDY_DATE, VR::DA, s("20250101")),
        DataElement::new(
            tags::MODALITY,
            VR::CS,
            s(if spoil == Spoil::Modality { "MR" } else { "CT" }),
        ),
        DataElement::new(tags::MANUFACTURER, VR::LO, s("vascalc-test")),
        DataElement::new(tags::KVP, VR::DS, s("120")),
        DataElement::new(tags::SLICE_THICKNESS, VR::DS, s("3")),
        DataElement::new(
            tags::STUDY_INSTANCE_UID,
            VR::UI,
            s("1.2.826.0.1.3680043.9.7.1"),
        ),
        DataElement::new(tags::SERIES_INSTANCE_UID, VR::UI, s(series)),
        DataElement::new(
            tags::IMAGE_ORIENTATION_PATIENT,
            VR::DS,
            dicom_value!(
                Strs,
                [
                    "1".to_string(),
                    "0".to_string(),
                    "0".to_string(),
                    "0".to_string(),
                    "1".to_string(),
                    "0".to_string()
                ]
            ),
        ),
        DataElement::new(tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1u16)),
        DataElement::new(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, s("MONOCHROME2")),
        DataElement::new(tags::ROWS, VR::US, PrimitiveValue::from(N as u16)),
        DataElement::new(tags::COLUMNS, VR::US, PrimitiveValue::from(N as u16)),
        DataElement::new(
            tags::PIXEL_SPACING,
            VR::DS,
            dicom_value!(Strs, [PIXEL_MM.to_string(), PIXEL_MM.to_string()]),
        ),
        DataElement::new(tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(16u16)),
        DataElement::new(tags::BITS_STORED, VR::US, PrimitiveValue::from(16u16)),
        DataElement::new(tags::HIGH_BIT, VR::US, PrimitiveValue::from(15u16)),
        DataElement::new(
            tags::PIXEL_REPRESENTATION,
            VR::US,
            PrimitiveValue::from(1u16),
        ),
        DataElement::new(tags::RESCALE_INTERCEPT, VR::DS, s("-1024")),
        DataElement::new(tags::RESCALE_SLOPE, VR::DS, s("1")),
        DataElement::new(tags::PIXEL_DATA, VR::OW, PrimitiveValue::from(bytes)),
    ]);
    if let Some(part) = match spoil {
        Spoil::Head => Some("HEAD"),
        Spoil::Abdomen => Some("ABDOMEN"),
        _ => None,
    } {
        obj.put(DataElement::new(tags::BODY_PART_EXAMINED, VR::CS, s(part)));
    }
    if spoil == Spoil::Contrast {
        obj.put(DataElement::new(
            tags::CONTRAST_BOLUS_AGENT,
            VR::LO,
            s("IOPAMIDOL"),
        ));
    }
    if spoil != Spoil::NoPosition {
        obj.put(DataElement::new(
            tags::IMAGE_POSITION_PATIENT,
            VR::DS,
            dicom_value!(Strs, ["-8".to_string(), "-8".to_string(), format!("{z}")]),
        ));
    }
    obj.with_meta(
        FileMetaTableBuilder::new()
            .transfer_syntax(uids::EXPLICIT_VR_LITTLE_ENDIAN)
            .media_storage_sop_class_uid(uids::CT_IMAGE_STORAGE)
            .media_storage_sop_instance_uid(&sop),
    )
    .expect("meta")
    .write_to_file(path)
    .expect("write slice");
}

const SERIES: &str = "1.2.826.0.1.3680043.9.7.2";
const SYNTHETIC_SLICES: usize = 20;

/// Twenty 3 mm slices (60 mm: the least coverage that is interpreted); a 2 × 2 mm (16-pixel,
/// 4 mm²) lesion at 450 HU on slices 1 and 2. Classic Agatston: 2 slices × 4 mm² × weight 4 ×
/// 3/3 = 32. File names run against z.
fn synthetic_series(name: &str, spoil_first: Spoil) -> PathBuf {
    let dir = fresh_dir(name);
    for k in 0..SYNTHETIC_SLICES {
        let spoil = if k == 0 { spoil_first } else { Spoil::None };
        let file = dir.join(format!("img{:02}", 29 - k));
        write_slice(
            &file,
            SERIES,
            100.0 + 3.0 * k as f64,
            k,
            (1..=2).contains(&k),
            spoil,
        );
    }
    dir
}

fn json(o: &Output) -> serde_json::Value {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        stderr(o)
    );
    serde_json::from_str(&stdout(o)).expect("one JSON document")
}

#[test]
fn synthetic_series_scores_known_agatston_in_every_format() {
    let dir = synthetic_series("known", Spoil::None);
    let d = dir.to_str().expect("utf8");
    // A calibration-phantom-like series: whole-image scoring, no anatomy.
    let v = json(&vascalc(&[
        "scan",
        "score",
        d,
        "--regions",
        "none",
        "--format",
        "json",
    ]));
    let s = &v["series"][0];
    assert_eq!(s["totals"]["agatston"], 32.0);
    assert_eq!(s["totals"]["volume_mm3"], 2.0 * 16.0 * 0.25 * 3.0);
    assert!(
        s["totals"]["mass_mg"].is_null(),
        "no calibration: mass absent"
    );
    assert_eq!(s["totals"]["lesions"], 2);
    assert_eq!(s["cac_drs"], "A1");
    assert_eq!(s["acquisition"]["increment_mm"], 3.0);
    assert_eq!(s["conventions"]["convention"]["name"], "classic");
    assert_eq!(s["lesions"][0]["peak_hu"], 450.0);
    assert_eq!(s["lesions"][0]["slices"], serde_json::json!([1, 1]));
    assert_eq!(s["flags"], serde_json::json!([]));

    // The default (--regions auto) finds no chest here: the whole image is scored all the
    // same, flagged and not interpreted.
    let auto = json(&vascalc(&["scan", "score", d, "--format", "json"]));
    let a = &auto["series"][0];
    assert_eq!(a["totals"]["agatston"], 32.0);
    assert!(a["cac_drs"].is_null());
    assert_eq!(flag_codes(a), ["no_chest_anatomy"]);
    assert!(a["review"].is_null());

    let human = vascalc(&["scan", "score", d]);
    assert!(human.status.success());
    assert!(
        stdout(&human).contains("Agatston 32.0"),
        "{}",
        stdout(&human)
    );

    let csv = stdout(&vascalc(&["scan", "score", d, "--format", "csv"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("series_instance_uid,lesion_id,label"));
    assert!(lines[1].starts_with(&format!("{SERIES},1,,1,1,")));

    // Mass: 0.001 mg/(mm³·HU) × 450 HU × 24 mm³ (32 voxels of 0.25 mm² × 3 mm) = 10.8 mg.
    let v = json(&vascalc(&[
        "scan",
        "score",
        d,
        "--calibration",
        "0.001",
        "--format",
        "json",
    ]));
    let mass = v["series"][0]["totals"]["mass_mg"].as_f64().expect("mass");
    assert!((mass - 10.8).abs() < 1e-9, "{mass}");
}

#[test]
fn regions_assignments_and_conventions() {
    let dir = synthetic_series("regions", Spoil::None);
    let d = dir.to_str().expect("utf8");
    // The lesion's centre: columns/rows 10..14 → x = y = −8 + 11.5 × 0.5 = −2.25; z = 104.5.
    let v = json(&vascalc(&[
        "scan",
        "score",
        d,
        "--roi",
        "lad=sphere:-2.25,-2.25,104.5,5",
        "--format",
        "json",
    ]));
    let s = &v["series"][0];
    assert_eq!(s["per_artery"]["LAD"]["agatston"], 32.0);
    assert_eq!(s["cac_drs"], "A1/N1");
    assert_eq!(s["lesions"][0]["label"], "LAD");

    // A region elsewhere and --only-rois: nothing left.
    let v = json(&vascalc(&[
        "scan",
        "score",
        d,
        "--roi",
        "RCA=sphere:50,50,50,3",
        "--only-rois",
        "--format",
        "json",
    ]));
    assert_eq!(v["series"][0]["totals"]["agatston"], 0.0);
    assert_eq!(v["series"][0]["cac_drs"], "A0");

    // A reviewer moves lesion 2 to the RCA.
    let assign = dir.join("assign.csv");
    std::fs::write(&assign, "id,artery\n2,rca\n").expect("write");
    let v = json(&vascalc(&[
        "scan",
        "score",
        d,
        "--roi",
        "LAD=sphere:-2.25,-2.25,104.5,5",
        "--assign",
        assign.to_str().expect("utf8"),
        "--format",
        "json",
    ]));
    let s = &v["series"][0];
    assert_eq!(s["per_artery"]["LAD"]["agatston"], 16.0);
    assert_eq!(s["per_artery"]["RCA"]["agatston"], 16.0);
    assert_eq!(s["cac_drs"], "A1/N2");

    // A NIfTI label volume (RAS, 1 mm voxels from RAS (0, 0, 100)) with value 3 around the
    // lesion (LPS x, y ∈ [−3, −1.5] → RAS [1.5, 3]; z 103 and 106).
    let mut labels = vec![0u8; 5 * 5 * 9];
    for z in 2..=7 {
        for y in 1..=3 {
            for x in 1..=3 {
                labels[(z * 5 + y) * 5 + x] = 3;
            }
        }
    }
    let nii = dir.join("labels.nii");
    let affine = [
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 100.0],
    ];
    vascalc_dicom::write_labels_nii(&nii, [5, 5, 9], &labels, affine).expect("nii");
    let v = json(&vascalc(&[
        "scan",
        "score",
        d,
        "--labels",
        nii.to_str().expect("utf8"),
        "--label-name",
        "3=lcx",
        "--format",
        "json",
    ]));
    let s = &v["series"][0];
    assert_eq!(s["per_artery"]["LCX"]["agatston"], 32.0);
    assert_eq!(s["cac_drs"], "A1/N1");

    // AI-CAC conventions: one 3D lesion, weight from its peak, × SliceThickness/3.
    let v = json(&vascalc(&[
        "scan",
        "score",
        d,
        "--convention",
        "ai-cac",
        "--format",
        "json",
    ]));
    let s = &v["series"][0];
    assert_eq!(s["totals"]["lesions"], 1);
    assert_eq!(s["totals"]["agatston"], 32.0);
}

#[test]
fn real_phantom_json_and_csv() {
    let Some(dir) = vascalc_testdata::require("ct/qrm-canon-large-rep1") else {
        return;
    };
    let d = dir.to_str().expect("utf8");
    let v = json(&vascalc(&["scan", "score", d, "--format", "json"]));
    let s = &v["series"][0];
    assert_eq!(v["series"].as_array().map(Vec::len), Some(1));
    assert_eq!(s["acquisition"]["kvp"], 120.0);
    assert_eq!(s["acquisition"]["kernel"], "FC12");
    assert_eq!(s["acquisition"]["slices"], 47);
    assert_eq!(s["acquisition"]["increment_mm"], 3.0);
    assert!(s["totals"]["mass_mg"].is_null());
    let lesions = s["lesions"].as_array().expect("lesions").len();
    assert!(lesions > 100, "phantom bone, rods and inserts: {lesions}");
    let csv = stdout(&vascalc(&["scan", "score", d, "--format", "csv"]));
    assert_eq!(csv.lines().count(), lesions + 1);
    // The 800 mg/cm³ 5 mm insert (found by vascalc-dicom's real_data test) as a region:
    // Agatston 402.9 vs the owners' 396.3 (MolloiLab/CAC-stanford-data agatston.csv).
    let v = json(&vascalc(&[
        "scan",
        "score",
        d,
        "--roi",
        "HA800=sphere:-40.6,1.5,600.8,7",
        "--only-rois",
        "--calibration",
        "0.0007222519504066924",
        "--format",
        "json",
    ]));
    let t = &v["series"][0]["per_artery"]["HA800"];
    let ag = t["agatston"].as_f64().expect("agatston");
    assert!((ag - 396.271616).abs() / 396.271616 < 0.05, "{ag}");
    let mass = t["mass_mg"].as_f64().expect("mass");
    assert!(
        (mass - 94.32684671276573).abs() / 94.32684671276573 < 0.05,
        "{mass}"
    );
}

fn assert_fails(o: &Output, code: i32, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} missing from: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_inputs_name_the_file_and_exit_with_documented_codes() {
    // Not DICOM, named explicitly: invalid input (3).
    let dir = fresh_dir("bad");
    let text = dir.join("notes.txt");
    std::fs::write(&text, "this is not DICOM").expect("write");
    assert_fails(
        &vascalc(&["scan", "score", text.to_str().expect("p")]),
        3,
        &["notes.txt", "not a DICOM file"],
    );

    // A folder with only non-DICOM files: nothing to work on (4), with the reason.
    assert_fails(
        &vascalc(&["scan", "score", dir.to_str().expect("p")]),
        4,
        &["no CT image series", "not DICOM"],
    );

    // Empty folder: 4.
    let empty = fresh_dir("empty");
    assert_fails(
        &vascalc(&["scan", "score", empty.to_str().expect("p")]),
        4,
        &["no files found"],
    );

    // Missing path: 3.
    assert_fails(
        &vascalc(&["scan", "score", "/no/such/path"]),
        3,
        &["/no/such/path"],
    );

    // Truncated file: 3, naming it.
    let good = synthetic_series("truncated", Spoil::None);
    let victim = good.join("img29");
    let bytes = std::fs::read(&victim).expect("read");
    std::fs::write(&victim, &bytes[..bytes.len() / 3]).expect("truncate");
    assert_fails(
        &vascalc(&["scan", "score", good.to_str().expect("p")]),
        3,
        &["img29"],
    );

    // Pixel data shorter than Rows × Columns × 2: 3.
    let short = synthetic_series("short", Spoil::ShortPixels);
    assert_fails(
        &vascalc(&["scan", "score", short.to_str().expect("p")]),
        3,
        &["img29", "pixel data holds"],
    );

    // Missing ImagePositionPatient: 3.
    let nopos = synthetic_series("nopos", Spoil::NoPosition);
    assert_fails(
        &vascalc(&["scan", "score", nopos.to_str().expect("p")]),
        3,
        &["img29", "ImagePositionPatient"],
    );

    // Non-CT data only: 4, saying why it was skipped.
    let mr = fresh_dir("mr");
    write_slice(&mr.join("mr1"), SERIES, 0.0, 0, false, Spoil::Modality);
    assert_fails(
        &vascalc(&["scan", "score", mr.to_str().expect("p")]),
        4,
        &["mr1", "modality MR"],
    );

    // A single slice: 3.
    let one = fresh_dir("one");
    write_slice(&one.join("only"), SERIES, 0.0, 0, true, Spoil::None);
    assert_fails(
        &vascalc(&["scan", "score", one.to_str().expect("p")]),
        3,
        &["only one slice"],
    );

    // Unknown series: 4, listing what is there.
    let ok = synthetic_series("series", Spoil::None);
    assert_fails(
        &vascalc(&[
            "scan",
            "score",
            ok.to_str().expect("p"),
            "--series",
            "9.9.9",
        ]),
        4,
        &["9.9.9", SERIES],
    );

    // Usage errors: 2.
    let o = vascalc(&[
        "scan",
        "score",
        ok.to_str().expect("p"),
        "--convention",
        "magic",
    ]);
    assert_fails(&o, 2, &["unknown convention"]);
    let o = vascalc(&[
        "scan",
        "score",
        ok.to_str().expect("p"),
        "--roi",
        "LAD=cube:1,2,3",
    ]);
    assert_fails(&o, 2, &["sphere"]);
    // A bad assignment file: 3.
    let bad_assign = ok.join("assign.json");
    std::fs::write(&bad_assign, "{\"x\": \"LAD\"}").expect("write");
    let o = vascalc(&[
        "scan",
        "score",
        ok.to_str().expect("p"),
        "--assign",
        bad_assign.to_str().expect("p"),
    ]);
    assert_fails(&o, 3, &["assign.json", "lesion id"]);
}

/// A small synthetic phantom (vascalc-phantom's forward model and DICOM writer) written with
/// the given slice placement, file names reversed if asked, then scored through the binary.
fn phantom_with(
    name: &str,
    alter: impl FnOnce(&mut vascalc_phantom::dicom::Placement),
    reverse_names: bool,
) -> PathBuf {
    use vascalc_phantom::{PhantomSpec, Truth, dicom, render};
    let dir = fresh_dir(name);
    let mut spec = PhantomSpec::small(11);
    spec.geometry.slices = 8;
    let volume = render(&spec).expect("renders");
    let mut placement = dicom::Placement::of(&spec.geometry);
    alter(&mut placement);
    let mut names: Vec<String> = (1..=8).map(|k| format!("CT{k:04}.dcm")).collect();
    if reverse_names {
        names.reverse();
    }
    let options = dicom::WriteOptions {
        uid_seed: 42,
        file_names: Some(names),
        placement: Some(placement),
        ..dicom::WriteOptions::new()
    };
    dicom::write_series(&dir, &volume, &Truth::new(&spec), &options).expect("writes");
    dir
}

fn score_json(dir: &Path) -> serde_json::Value {
    let v = json(&vascalc(&[
        "scan",
        "score",
        dir.to_str().expect("utf8"),
        "--format",
        "json",
    ]));
    v["series"][0].clone()
}

fn flag_codes(series: &serde_json::Value) -> Vec<String> {
    series["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_string())
        .collect()
}

/// Lesions numbered in slice order must lie in position order along the normal: a lesion
/// starting on an earlier slice never has its centroid further along `normal`.
fn assert_slices_follow_positions(series: &serde_json::Value, normal: [f64; 3]) {
    let mut by_slice: Vec<(u64, f64)> = series["lesions"]
        .as_array()
        .expect("lesions")
        .iter()
        .map(|l| {
            let c: Vec<f64> = (0..3)
                .map(|i| l["centroid_mm"][i].as_f64().expect("centroid"))
                .collect();
            let along = c[0] * normal[0] + c[1] * normal[1] + c[2] * normal[2];
            (l["slices"][0].as_u64().expect("slice"), along)
        })
        .collect();
    assert!(
        by_slice.len() > 3,
        "the phantom has lesions on several slices"
    );
    by_slice.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    for w in by_slice.windows(2) {
        if w[0].0 < w[1].0 {
            assert!(
                w[0].1 < w[1].1,
                "slice {} at {} mm, slice {} at {} mm",
                w[0].0,
                w[0].1,
                w[1].0,
                w[1].1
            );
        }
    }
}

/// Geometry read from real DICOM files (not synthetic volumes): a missing slice, an uneven
/// increment and gantry tilt (by the tag, or by the stacking direction alone) are flagged, the
/// increment comes from the positions along the normal, and slices are ordered by position
/// even when the file names run the other way.
#[test]
fn geometry_from_dicom_files_is_flagged_and_sorted_by_position() {
    const GEOMETRY_FLAGS: [&str; 3] = ["missing_slices", "uneven_spacing", "gantry_tilt"];
    let geometry_flags = |s: &serde_json::Value| -> Vec<String> {
        flag_codes(s)
            .into_iter()
            .filter(|c| GEOMETRY_FLAGS.contains(&c.as_str()))
            .collect()
    };
    let axial = [0.0, 0.0, 1.0];

    // Control: the writer's own contiguous 3 mm axial slices, file names reversed.
    let base = score_json(&phantom_with("geometry-base", |_| {}, true));
    assert!(geometry_flags(&base).is_empty(), "{:?}", flag_codes(&base));
    assert_eq!(base["acquisition"]["increment_mm"], 3.0);
    assert_eq!(base["acquisition"]["slices"], 8);
    assert_slices_follow_positions(&base, axial);

    // A slice file removed from the middle: flagged, the increment stays 3 mm.
    let dir = phantom_with("geometry-missing", |_| {}, false);
    std::fs::remove_file(dir.join("CT0005.dcm")).expect("remove a slice");
    let missing = score_json(&dir);
    assert_eq!(geometry_flags(&missing), ["missing_slices"]);
    assert_eq!(missing["acquisition"]["slices"], 7);
    assert_eq!(missing["acquisition"]["increment_mm"], 3.0);
    assert_slices_follow_positions(&missing, axial);

    // One gap of 3.6 mm among 3 mm gaps (the upper half moved 0.6 mm): uneven, not missing;
    // the increment is the median gap. Same voxels per slice as the control, so the same
    // lesions and Agatston.
    let uneven = score_json(&phantom_with(
        "geometry-uneven",
        |p| p.positions.iter_mut().skip(4).for_each(|pos| pos[2] += 0.6),
        true,
    ));
    assert_eq!(geometry_flags(&uneven), ["uneven_spacing"]);
    assert_eq!(uneven["acquisition"]["increment_mm"], 3.0);
    assert_eq!(uneven["totals"]["agatston"], base["totals"]["agatston"]);
    assert_eq!(uneven["totals"]["lesions"], base["totals"]["lesions"]);
    assert_slices_follow_positions(&uneven, axial);

    // Gantry tilt of 20°: the slice plane turns about the x axis while the table still moves
    // along z, with GantryDetectorTilt recorded, then the same geometry without the tag.
    let theta = 20f64.to_radians();
    let (c, s) = (theta.cos(), theta.sin());
    let normal = [0.0, -s, c];
    for tag in [Some(20.0), None] {
        let tilted = score_json(&phantom_with(
            "geometry-tilt",
            |p| {
                p.orientation = [1.0, 0.0, 0.0, 0.0, c, s];
                p.gantry_tilt_deg = tag;
            },
            true,
        ));
        assert_eq!(geometry_flags(&tilted), ["gantry_tilt"], "tag {tag:?}");
        assert_eq!(
            tilted["acquisition"]["gantry_tilt_deg"].as_f64(),
            tag,
            "tag {tag:?}"
        );
        let inc = tilted["acquisition"]["increment_mm"]
            .as_f64()
            .expect("increment");
        assert!(
            (inc - 3.0 * c).abs() < 1e-6,
            "increment {inc} along the normal"
        );
        let message = tilted["flags"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["code"] == "gantry_tilt"))
            .and_then(|f| f["message"].as_str())
            .expect("message")
            .to_string();
        assert!(message.contains("20.0° off the slice normal"), "{message}");
        assert_slices_follow_positions(&tilted, normal);
    }
}

/// One bad series among good ones (issue 13, defect 8): the good series is scored and printed,
/// the bad one is named on stderr, and the exit code is 3.
#[test]
fn one_bad_series_is_reported_and_the_others_scored() {
    let dir = synthetic_series("mixed-series", Spoil::None);
    let bad = "1.2.826.0.1.3680043.9.7.3";
    for k in 0..3 {
        let spoil = if k == 1 {
            Spoil::ShortPixels
        } else {
            Spoil::None
        };
        write_slice(
            &dir.join(format!("bad{k}")),
            bad,
            3.0 * k as f64,
            k,
            false,
            spoil,
        );
    }
    let o = vascalc(&[
        "scan",
        "score",
        dir.to_str().expect("p"),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON of the good series");
    let series = v["series"].as_array().expect("series");
    assert_eq!(series.len(), 1);
    assert_eq!(series[0]["totals"]["agatston"], 32.0);
    let err = stderr(&o);
    assert!(
        err.contains("bad1") && err.contains("pixel data holds"),
        "{err}"
    );
    assert!(
        err.contains("1 file(s) or series could not be scored"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// Issue 14: a series that is not a chest or heart, or too short to hold a heart, is scored but
/// flagged and not interpreted; `--only-rois` without a region is refused before reading.
#[test]
fn head_short_and_regionless_series_are_not_interpreted() {
    // Every slice says HEAD.
    let head = fresh_dir("head");
    for k in 0..SYNTHETIC_SLICES {
        let z = 100.0 + 3.0 * k as f64;
        write_slice(
            &head.join(format!("h{k:02}")),
            SERIES,
            z,
            k,
            k == 1,
            Spoil::Head,
        );
    }
    let h = head.to_str().expect("utf8");
    let v = json(&vascalc(&["scan", "score", h, "--format", "json"]));
    let s = &v["series"][0];
    assert_eq!(s["acquisition"]["body_part"], "HEAD");
    assert_eq!(s["totals"]["agatston"], 16.0, "lesions are still listed");
    assert!(s["cac_drs"].is_null());
    assert!(flag_codes(s).contains(&"not_chest".to_string()));
    let human = stdout(&vascalc(&["scan", "score", h]));
    assert!(human.contains("CAC-DRS not interpreted"), "{human}");
    assert!(human.contains("BodyPartExamined is HEAD"), "{human}");

    // An abdominal series and a contrast-enhanced one: listed, flagged with a message that
    // says why, not interpreted (human output says so too).
    for (name, spoil, code, says) in [
        (
            "abdomen",
            Spoil::Abdomen,
            "not_chest",
            "BodyPartExamined is ABDOMEN",
        ),
        (
            "contrast",
            Spoil::Contrast,
            "contrast_agent",
            "contrast agent recorded (IOPAMIDOL)",
        ),
    ] {
        let dir = fresh_dir(name);
        for k in 0..SYNTHETIC_SLICES {
            let z = 100.0 + 3.0 * k as f64;
            write_slice(&dir.join(format!("s{k:02}")), SERIES, z, k, k == 1, spoil);
        }
        let d = dir.to_str().expect("utf8");
        let v = json(&vascalc(&["scan", "score", d, "--format", "json"]));
        let s = &v["series"][0];
        assert_eq!(
            s["totals"]["agatston"], 16.0,
            "{name}: lesions are still listed"
        );
        assert!(s["cac_drs"].is_null(), "{name}");
        assert!(flag_codes(s).contains(&code.to_string()), "{name}: {s}");
        let human = stdout(&vascalc(&["scan", "score", d]));
        assert!(human.contains("CAC-DRS not interpreted"), "{name}: {human}");
        assert!(human.contains(says), "{name}: {human}");
    }

    // Three slices (9 mm).
    let short = fresh_dir("three");
    for k in 0..3 {
        let z = 100.0 + 3.0 * k as f64;
        write_slice(
            &short.join(format!("t{k}")),
            SERIES,
            z,
            k,
            k == 1,
            Spoil::None,
        );
    }
    let v = json(&vascalc(&[
        "scan",
        "score",
        short.to_str().expect("utf8"),
        "--format",
        "json",
    ]));
    let s = &v["series"][0];
    assert!(s["cac_drs"].is_null());
    assert!(flag_codes(s).contains(&"short_coverage".to_string()));

    // --only-rois with nothing to keep: invalid input (3), before any file is read.
    assert_fails(
        &vascalc(&["scan", "score", "/no/such/path", "--only-rois"]),
        3,
        &["--only-rois", "--roi"],
    );
}

/// Issue 14: AI-CAC's `compute_agatston_for_vol` rounds each 3D object's score half to even
/// before summing. On the real QRM phantom with every voxel ≥ 130 HU as the mask, its functions
/// give 191,953 (the figure reported in issue 14, from running AI-CAC's code on this scan);
/// without the rounding the sum is 192,475.363 over 3,526 objects.
#[test]
fn ai_cac_rounds_each_object_like_its_peer_on_the_real_phantom() {
    let Some(dir) = vascalc_testdata::require("ct/qrm-canon-large-rep1") else {
        return;
    };
    let d = dir.to_str().expect("utf8");
    let v = json(&vascalc(&[
        "scan",
        "score",
        d,
        "--convention",
        "ai-cac",
        "--regions",
        "none",
        "--format",
        "json",
    ]));
    let s = &v["series"][0];
    assert_eq!(s["totals"]["agatston"], 191_953.0);
    assert_eq!(s["totals"]["lesions"], 3526);
    let lesions = s["lesions"].as_array().expect("lesions");
    assert!(
        lesions
            .iter()
            .all(|l| l["agatston"].as_f64().is_some_and(|a| a.fract() == 0.0))
    );
}
