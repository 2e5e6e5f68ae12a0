//! The anatomical chest phantom (vascalc-phantom `chest.rs`) written as DICOM and scored through
//! the `vascalc` binary, end to end (issue 14, Evidence): every coronary lesion is a candidate,
//! no bone, aortic-wall or noise lesion is, and the per-artery totals of an accepted review (each
//! candidate assigned by the truth's artery, as a reviewer would, through `--assign`) equal the
//! truth: on the noise-free phantom, the classic measurement of each lesion that the phantom
//! predicts (`predict_chest`: ≥ 130 HU, 2D sections ≥ 1 mm², weight from each section's peak).

use std::collections::BTreeMap;

use crate::common::{TempDir, ok};
use serde_json::Value;
use vascalc_phantom::chest::{
    ChestLesionKind, ChestSpec, chest_truth, predict_chest, render_chest,
};
use vascalc_phantom::dicom::{WriteOptions, write_chest_series};
use vascalc_phantom::{Geometry, Volume};

/// Renders the chest phantom of `spec`, writes it as DICOM in `dir`, and returns the folder.
fn write(spec: &ChestSpec, dir: &TempDir) -> String {
    let series = dir.0.join("series");
    std::fs::create_dir_all(&series).expect("folder");
    let volume = render_chest(spec).expect("renders");
    let options = WriteOptions {
        uid_seed: 0x5eed_0000 + u128::from(spec.seed),
        ..WriteOptions::new()
    };
    write_chest_series(&series, &volume, &chest_truth(spec), &options).expect("written");
    series.to_str().expect("utf8").to_string()
}

fn score(dir: &TempDir, args: &[&str]) -> Value {
    let out = ok(
        &dir.db(),
        &[&["scan", "score"], args, &["--format", "json"]].concat(),
    );
    let v: Value = serde_json::from_str(&out).expect("one JSON document");
    v["series"][0].clone()
}

fn dist(a: &Value, b: [f64; 3]) -> f64 {
    (0..3)
        .map(|d| (a[d].as_f64().expect("coordinate") - b[d]).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The truth lesion each scored lesion belongs to (centroid within its radius, one and a half
/// pixels and half an increment): lesion id → index into the truth's lesions.
fn claims(s: &Value, spec: &ChestSpec) -> BTreeMap<u64, usize> {
    let truth = chest_truth(spec);
    let mut out = BTreeMap::new();
    for l in s["lesions"].as_array().expect("lesions") {
        let near = truth.lesions.iter().position(|t| {
            dist(&l["centroid_mm"], t.centre_mm)
                <= t.radius_mm + 1.5 * spec.pixel_mm + spec.increment_mm / 2.0
        });
        if let Some(t) = near {
            out.insert(l["id"].as_u64().expect("id"), t);
        }
    }
    out
}

/// The noisy phantom through the binary: coronary lesions are candidates, nothing else is.
#[test]
fn chest_phantom_dicom_candidates_end_to_end() {
    let dir = TempDir::new("chest-phantom-dicom");
    let spec = ChestSpec::small(5);
    let series = write(&spec, &dir);
    let s = score(&dir, &[&series]);
    assert_eq!(s["acquisition"]["body_part"], "CHEST");
    assert_eq!(
        s["review"]["anatomy"]["chest_found"], true,
        "{}",
        s["review"]
    );
    let truth = chest_truth(&spec);
    let claimed = claims(&s, &spec);
    for (i, t) in truth.lesions.iter().enumerate() {
        assert!(
            claimed.values().any(|&c| c == i),
            "{t:?} not detected through the binary"
        );
    }
    for l in s["lesions"].as_array().expect("lesions") {
        let id = l["id"].as_u64().expect("id");
        let status = l["status"].as_str().expect("status");
        let reasons: Vec<&str> = l["reasons"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        match claimed.get(&id).map(|&t| &truth.lesions[t].kind) {
            Some(ChestLesionKind::Coronary { artery }) => {
                assert_eq!(status, "candidate", "{artery} lesion {l}");
            }
            Some(ChestLesionKind::AorticWall) => {
                assert_eq!(status, "excluded", "aortic wall {l}");
                assert!(
                    reasons.contains(&"aorta") || reasons.contains(&"above_carina"),
                    "aortic wall {l}"
                );
            }
            Some(ChestLesionKind::Noise) => assert_eq!(reasons.first(), Some(&"noise"), "{l}"),
            Some(ChestLesionKind::CostalCartilage) => {
                assert_eq!(status, "excluded", "costal cartilage {l}");
                assert!(reasons.contains(&"chest_wall"), "costal cartilage {l}");
            }
            // Below where the ascending aorta enters the heart: the aortic root.
            Some(ChestLesionKind::AorticValve) => {
                assert_eq!(status, "excluded", "aortic valve {l}");
                assert!(
                    reasons.contains(&"aortic_root") || reasons.contains(&"aorta"),
                    "aortic valve {l}"
                );
            }
            // Spine, ribs, sternum: never a candidate.
            None => assert_eq!(status, "excluded", "{l}"),
        }
        if reasons.contains(&"bone") {
            assert_ne!(status, "candidate");
        }
    }
    assert!(s["cac_drs"].is_null());
    assert_eq!(s["totals"]["lesions"], 0);
}

/// An accepted review of the noise-free phantom: its per-artery totals are the truth's.
#[test]
fn accepted_review_per_artery_totals_equal_the_truth() {
    let dir = TempDir::new("chest-phantom-review");
    let spec = ChestSpec {
        noise_sd_hu: 0.0,
        ..ChestSpec::small(1)
    };
    let series = write(&spec, &dir);
    let s = score(&dir, &[&series]);
    let truth = chest_truth(&spec);
    let claimed = claims(&s, &spec);
    // The reviewer names each candidate: its artery when it is a coronary lesion, otherwise
    // `non_coronary` (the phantom's aortic valve nodules lie inside the heart region).
    let mut lines = Vec::new();
    for l in s["lesions"].as_array().expect("lesions") {
        if l["status"] != "candidate" {
            continue;
        }
        let id = l["id"].as_u64().expect("id");
        let name = match claimed.get(&id).map(|&t| &truth.lesions[t].kind) {
            Some(ChestLesionKind::Coronary { artery }) => artery.clone(),
            _ => "non_coronary".to_string(),
        };
        lines.push(format!("{id},{name}"));
    }
    assert!(lines.len() >= 9, "{lines:?}");
    let assign = dir.0.join("assign.csv");
    std::fs::write(&assign, lines.join("\n") + "\n").expect("assign file");
    let reviewed = score(&dir, &[&series, "--assign", assign.to_str().expect("utf8")]);
    assert_eq!(reviewed["review"]["candidates_unreviewed"]["lesions"], 0);

    // The truth: the classic measurement of each coronary lesion, summed per artery.
    let mut expected: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for p in predict_chest(&spec, 130.0, 1.0).expect("prediction") {
        if let ChestLesionKind::Coronary { artery } = &p.lesion.kind {
            assert!(p.agatston > 0.0, "{p:?}");
            let e = expected.entry(artery.clone()).or_default();
            e.0 += p.agatston;
            e.1 += p.volume_mm3;
        }
    }
    assert_eq!(expected.len(), 4);
    // The valve nodules named `non_coronary` are excluded by the reviewer, not counted: the
    // total is the four arteries' sum.
    let total: f64 = expected.values().map(|e| e.0).sum();
    let got = reviewed["totals"]["agatston"].as_f64().expect("total");
    assert!(
        (got - total).abs() <= 1e-9 * total,
        "total {got} vs {total}"
    );
    for l in reviewed["lesions"].as_array().expect("lesions") {
        if l["label"] == "non_coronary" {
            assert_eq!(l["status"], "excluded", "{l}");
            assert_eq!(l["reasons"][0], "reviewer_not_coronary", "{l}");
        }
    }
    for (artery, (agatston, volume)) in &expected {
        let t = &reviewed["per_artery"][artery];
        let got_a = t["agatston"].as_f64().expect("agatston");
        let got_v = t["volume_mm3"].as_f64().expect("volume");
        assert!(
            (got_a - agatston).abs() <= 1e-9 * agatston,
            "{artery}: Agatston {got_a} vs truth {agatston}"
        );
        assert!(
            (got_v - volume).abs() <= 1e-9 * volume,
            "{artery}: volume {got_v} vs truth {volume}"
        );
    }
}

/// `n` × `n` pixels of `v` around the patient point (`x`, `y`) mm: a zoomed field of view.
fn crop(v: &Volume, x: f64, y: f64, n: u32) -> Volume {
    let g = &v.geometry;
    let p = g.pixel_spacing_mm;
    let at = |c: f64, centre: f64, len: u32| {
        let i = ((c - centre) / p + (f64::from(len) - 1.0) / 2.0).round() as i64 - i64::from(n / 2);
        i.clamp(0, i64::from(len - n)) as usize
    };
    let (i0, j0) = (
        at(x, g.centre_mm[0], g.columns),
        at(y, g.centre_mm[1], g.rows),
    );
    let half = (f64::from(n) - 1.0) / 2.0 * p;
    let geometry = Geometry {
        columns: n,
        rows: n,
        centre_mm: [g.x(i0) + half, g.y(j0) + half, g.centre_mm[2]],
        ..g.clone()
    };
    let (cols, rows, n) = (g.columns as usize, g.rows as usize, n as usize);
    let mut hu = Vec::with_capacity(n * n * g.slices as usize);
    for k in 0..g.slices as usize {
        for j in j0..j0 + n {
            let row = (k * rows + j) * cols;
            hu.extend_from_slice(&v.hu[row + i0..row + i0 + n]);
        }
    }
    Volume { geometry, hu }
}

/// A zoomed cardiac field of view (the chest phantom cropped to 200 mm around the heart, the
/// lungs' outer parts, the ribs' sides and the body's outline cut off): the heart region is still
/// found and every coronary lesion is a candidate, or the series is flagged and not interpreted;
/// never a score of the wrong lesions.
#[test]
fn zoomed_cardiac_field_of_view_finds_the_heart_or_is_flagged() {
    let dir = TempDir::new("chest-phantom-zoom");
    let spec = ChestSpec::small(2);
    let truth = chest_truth(&spec);
    let full = render_chest(&spec).expect("renders");
    let n = (200.0 / spec.pixel_mm).round() as u32;
    let zoomed = crop(&full, truth.heart_centre_mm[0], truth.heart_centre_mm[1], n);
    let series = dir.0.join("series");
    std::fs::create_dir_all(&series).expect("folder");
    let options = WriteOptions {
        uid_seed: 0x200_0000,
        ..WriteOptions::new()
    };
    write_chest_series(&series, &zoomed, &truth, &options).expect("written");
    let s = score(&dir, &[series.to_str().expect("utf8")]);
    let fov = s["acquisition"]["columns"].as_f64().expect("columns") * spec.pixel_mm;
    assert!((fov - 200.0).abs() < 2.0, "field of view {fov} mm");
    let flags: Vec<&str> = s["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(s["cac_drs"].is_null(), "not interpreted before review");
    if s["review"]["anatomy"]["chest_found"] == true {
        let claimed = claims(&s, &spec);
        for (i, t) in truth.lesions.iter().enumerate() {
            if let ChestLesionKind::Coronary { artery } = &t.kind {
                let found: Vec<&Value> = s["lesions"]
                    .as_array()
                    .expect("lesions")
                    .iter()
                    .filter(|l| claimed.get(&l["id"].as_u64().expect("id")) == Some(&i))
                    .collect();
                assert!(!found.is_empty(), "{artery} {t:?} not detected");
                for l in found {
                    assert_eq!(l["status"], "candidate", "zoomed: {artery} lesion {l}");
                }
            }
        }
        for l in s["lesions"].as_array().expect("lesions") {
            let id = l["id"].as_u64().expect("id");
            if !claimed.contains_key(&id) {
                assert_eq!(l["status"], "excluded", "zoomed: bone or other {l}");
            }
        }
        assert!(flags.contains(&"unreviewed"), "{flags:?}");
    } else {
        // Today's behaviour: the body is cut at the image's sides, so no chest is reported.
        let flag = s["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .find(|f| f["code"] == "no_chest_anatomy")
            .unwrap_or_else(|| panic!("neither a heart region nor a flag: {flags:?}"));
        assert!(
            flag["message"]
                .as_str()
                .is_some_and(|m| m.contains("zoomed cardiac field of view")),
            "{flag}"
        );
    }
}

/// `scan batch` applies `--regions auto` (the default) to every series, and says what it did:
/// a calibration phantom (no chest) is scored on the whole image with `no_chest_anatomy` and no
/// CAC-DRS; a chest series awaits review (`unreviewed`), and its score columns stay empty instead
/// of reading 0; `--regions none` scores both on the whole image.
#[test]
fn batch_flags_phantoms_and_unreviewed_chests() {
    let dir = TempDir::new("chest-phantom-batch");
    let cohort = dir.0.join("cohort");
    // A calibration phantom with 30 slices of 3 mm (90 mm: enough coverage to be interpreted).
    let phantom = cohort.join("calibration");
    ok(
        &dir.db(),
        &[
            "scan",
            "phantom",
            "--out",
            phantom.to_str().expect("utf8"),
            "--size",
            "small",
            "--slices",
            "30",
        ],
    );
    let chest = cohort.join("chest");
    std::fs::create_dir_all(&chest).expect("folder");
    let spec = ChestSpec::small(3);
    let options = WriteOptions {
        uid_seed: 0x300_0000,
        ..WriteOptions::new()
    };
    write_chest_series(
        &chest,
        &render_chest(&spec).expect("renders"),
        &chest_truth(&spec),
        &options,
    )
    .expect("written");
    let rows = |extra: &[&str], name: &str| -> BTreeMap<String, Value> {
        let out = dir.0.join(name);
        let mut args = vec![
            "scan",
            "batch",
            cohort.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
            "--format",
            "json",
        ];
        args.extend(extra);
        ok(&dir.db(), &args);
        std::fs::read_to_string(&out)
            .expect("rows")
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("row");
                (v["source"].as_str().expect("source").to_string(), v)
            })
            .collect()
    };
    let flags = |row: &Value| -> Vec<String> {
        row["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .filter_map(|f| f.as_str().map(String::from))
            .collect()
    };
    let auto = rows(&[], "auto.jsonl");
    let p = &auto["calibration"];
    assert_eq!(p["status"], "ok");
    assert!(flags(p).contains(&"no_chest_anatomy".to_string()), "{p}");
    assert!(p["cac_drs"].is_null());
    assert!(p["agatston"].as_f64().expect("whole-image score") > 0.0);
    let c = &auto["chest"];
    assert!(flags(c).contains(&"unreviewed".to_string()), "{c}");
    assert!(c["cac_drs"].is_null());
    assert!(
        c["agatston"].is_null(),
        "an unreviewed chest has no score yet: {c}"
    );
    assert!(c["lesions"].is_null());
    assert!(
        c["series"]["review"]["candidates_unreviewed"]["lesions"]
            .as_u64()
            .expect("candidates")
            >= 9
    );
    // The CSV says the same: empty score columns, the flag.
    let csv = dir.0.join("auto.csv");
    ok(
        &dir.db(),
        &[
            "scan",
            "batch",
            cohort.to_str().expect("utf8"),
            "--out",
            csv.to_str().expect("utf8"),
        ],
    );
    let text = std::fs::read_to_string(&csv).expect("csv");
    let line = text
        .lines()
        .find(|l| l.starts_with("chest,"))
        .expect("chest row");
    let fields: Vec<&str> = line.split(',').collect();
    assert_eq!(&fields[4..8], ["", "", "", ""], "{line}");
    assert!(line.contains("unreviewed"), "{line}");

    let none = rows(&["--regions", "none"], "none.jsonl");
    for (source, row) in &none {
        assert!(
            !flags(row).contains(&"no_chest_anatomy".to_string()),
            "{source}: {row}"
        );
        assert!(
            !flags(row).contains(&"unreviewed".to_string()),
            "{source}: {row}"
        );
        assert!(row["agatston"].as_f64().expect("score") > 0.0, "{source}");
    }
    assert_eq!(
        none["calibration"]["agatston"], auto["calibration"]["agatston"],
        "the phantom's whole-image score does not depend on --regions"
    );
}

/// `vascalc scan phantom --chest` writes the same phantom the library renders: a chest series
/// whose anatomy is found and whose candidates wait for review.
#[test]
fn scan_phantom_chest_writes_a_chest_series() {
    let dir = TempDir::new("chest-phantom-cli");
    let out = dir.0.join("chest");
    let out_s = out.to_str().expect("utf8");
    let written: Value = serde_json::from_str(&ok(
        &dir.db(),
        &[
            "scan", "phantom", "--chest", "--size", "small", "--noise", "0", "--out", out_s,
            "--format", "json",
        ],
    ))
    .expect("JSON");
    let spec = ChestSpec {
        noise_sd_hu: 0.0,
        ..ChestSpec::small(1)
    };
    assert_eq!(written["slices"], spec.slices);
    assert_eq!(written["spec"]["noise_sd_hu"], 0.0);
    let coronary = chest_truth(&spec)
        .lesions
        .iter()
        .filter(|l| matches!(l.kind, ChestLesionKind::Coronary { .. }))
        .count();
    assert_eq!(written["coronary_lesions"], coronary);
    let s = score(&dir, &[out_s]);
    assert_eq!(s["acquisition"]["body_part"], "CHEST");
    assert_eq!(s["review"]["anatomy"]["chest_found"], true);
    assert!(
        s["review"]["candidates_unreviewed"]["lesions"]
            .as_u64()
            .expect("n")
            >= coronary as u64
    );
    // Geometry options belong to the insert phantom.
    let err = crate::common::fails(
        &dir.db(),
        &[
            "scan", "phantom", "--chest", "--slices", "20", "--out", out_s,
        ],
        2,
    );
    assert!(err.contains("--slices"), "{err}");
}
