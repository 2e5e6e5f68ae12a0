//! End-to-end tests of `vascalc scan phantom`: the binary writes a series and its truth file,
//! refuses unusable output folders with exit code 3.

use std::path::PathBuf;
use std::process::{Command, Output};

fn vascalc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vascalc"))
        .args(args)
        .output()
        .expect("vascalc runs")
}

fn fresh(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("scan-phantom-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&dir);
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn writes_series_and_truth_json() {
    let dir = fresh("ok");
    let out = vascalc(&[
        "scan",
        "phantom",
        "--out",
        dir.to_str().expect("utf-8 path"),
        "--size",
        "small",
        "--seed",
        "3",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    assert_eq!(summary["slices"], 12);
    assert_eq!(summary["truth"]["seed"], 3);
    let dcm = std::fs::read_dir(&dir)
        .expect("out dir")
        .filter(|e| {
            e.as_ref()
                .map(|e| e.path().extension().is_some_and(|x| x == "dcm"))
                .unwrap_or(false)
        })
        .count();
    assert_eq!(dcm, 12);
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).expect("truth"))
            .expect("truth JSON");
    let inserts = truth["inserts"].as_array().expect("inserts");
    assert_eq!(inserts.len(), 9);
    // The 5 mm / 800 mg HA/cm³ cylinder of the QRM table holds 78.5 mg.
    let big = inserts
        .iter()
        .find(|i| i["id"] == "HA800-5mm")
        .expect("HA800-5mm");
    let mass = big["mass_mg"].as_f64().expect("mass");
    assert!((mass - 78.54).abs() < 0.01, "{mass}");
}

#[test]
fn same_seed_gives_identical_pixels() {
    let a = fresh("seed-a");
    let b = fresh("seed-b");
    for d in [&a, &b] {
        let out = vascalc(&[
            "scan",
            "phantom",
            "--out",
            d.to_str().expect("utf-8"),
            "--size",
            "small",
            "--slices",
            "2",
        ]);
        assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    }
    let fa = std::fs::read(a.join("CT0001.dcm")).expect("file a");
    let fb = std::fs::read(b.join("CT0001.dcm")).expect("file b");
    // The last 128×128×2 bytes are the pixel data; UIDs and dates differ between runs.
    let n = 128 * 128 * 2;
    assert_eq!(fa[fa.len() - n..], fb[fb.len() - n..]);
}

#[test]
fn refuses_a_non_empty_folder() {
    let dir = fresh("non-empty");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("keep.txt"), "precious").expect("file");
    let out = vascalc(&["scan", "phantom", "--out", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert!(err.contains("is not empty"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.txt")).expect("kept"),
        "precious"
    );
}

#[test]
fn refuses_a_file_or_unwritable_path() {
    let file = fresh("a-file");
    std::fs::write(&file, "x").expect("file");
    let out = vascalc(&["scan", "phantom", "--out", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("not a folder"),
        "{}",
        text(&out.stderr)
    );

    let below_file = file.join("sub");
    let out = vascalc(&[
        "scan",
        "phantom",
        "--out",
        below_file.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--out"), "{}", text(&out.stderr));
}

#[test]
fn refuses_bad_geometry_naming_the_field() {
    let dir = fresh("bad-geometry");
    let out = vascalc(&[
        "scan",
        "phantom",
        "--out",
        dir.to_str().expect("utf-8"),
        "--thickness=-1",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("slice_thickness_mm"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.exists(), "nothing is created for a refused spec");
}

/// The README demo path: write a phantom, score it with the binary using the truth file's ROIs
/// and rods, and compare each insert's calibrated mass with its physical mass within the
/// tolerance the forward model implies (`vascalc_phantom::expected`).
#[test]
fn written_phantom_scored_by_the_binary_matches_physical_truth() {
    let dir = fresh("scored");
    let out = vascalc(&[
        "scan",
        "phantom",
        "--out",
        dir.to_str().expect("utf-8"),
        "--size",
        "small",
        "--seed",
        "5",
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("vascalc scan score"),
        "{}",
        text(&out.stdout)
    );
    let truth: vascalc_phantom::Truth =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).expect("truth"))
            .expect("truth JSON");

    let mut args = vec![
        "scan".to_string(),
        "score".into(),
        dir.to_str().expect("utf-8").into(),
        "--format".into(),
        "json".into(),
    ];
    args.extend(truth.score_args());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let scored = vascalc(&args);
    assert!(scored.status.success(), "stderr: {}", text(&scored.stderr));
    let json: serde_json::Value = serde_json::from_slice(&scored.stdout).expect("score JSON");
    let series = &json["series"][0];
    let cal = &series["conventions"]["calibration"];
    let factor = cal["mg_per_mm3_hu"].as_f64().expect("rod calibration");
    let source = &cal["source"];
    let n = |k: &str| source[k].as_f64().expect(k);
    let sigma = truth.model.noise_sd_hu;
    let cal_rel = 4.0 * sigma * (1.0 / n("ha_voxels") + 1.0 / n("water_voxels")).sqrt()
        / (n("ha_mean_hu") - n("water_mean_hu"));

    let mut spec = vascalc_phantom::PhantomSpec::small(truth.seed);
    spec.geometry = truth.geometry.clone();
    spec.model = truth.model.clone();
    let predictions = vascalc_phantom::expected::predict(&spec, 130.0, 1.0).expect("prediction");
    for id in [
        "HA800-5mm",
        "HA400-5mm",
        "HA200-5mm",
        "HA800-3mm",
        "HA400-3mm",
    ] {
        let physical = truth.insert(id).expect("insert").mass_mg;
        let measured = series["per_artery"][id]["mass_mg"]
            .as_f64()
            .unwrap_or_else(|| panic!("{id} scored: {}", series["per_artery"]));
        let p = predictions
            .iter()
            .find(|p| p.insert == id)
            .expect("prediction");
        let tol = p.mass_tolerance_mg(factor, sigma, 130.0) + cal_rel * measured;
        assert!(
            (measured - physical).abs() <= tol,
            "{id}: {measured:.2} mg vs physical {physical:.2} mg (tolerance {tol:.2})"
        );
    }
    // Only the inserts were kept: the HA rod (a 10 mm cylinder of 277 HU) is not in the totals.
    let lesions = series["lesions"].as_array().expect("lesions");
    assert!(
        lesions
            .iter()
            .all(|l| l["label"].as_str().is_some_and(|s| s.starts_with("HA")))
    );
}
