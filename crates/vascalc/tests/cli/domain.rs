//! End-to-end tests of the answers that must agree across commands because they come from one
//! place (vascalc-domain): the CAC-DRS code of a scan, the range of a lab.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::{TempDir, create_ann};

fn run(db: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vascalc"));
    c.args(args)
        .env("VASCALC_DB", db)
        .env_remove("XDG_DATA_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// Runs and expects success; returns stdout.
fn ok(db: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = run(db, args, stdin);
    assert!(
        out.status.success(),
        "vascalc {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Issue 15: `scan score` with lesions in the LAD, LCX and RCA said A?/N3, and the same scan
/// through `scan add --from-json` and `assess` said A? (the record kept the LM as absent and the
/// clinical crate gave N only when all four arteries were present). One `cac_drs` with one rule
/// for N (Hecht 2018, J Cardiovasc Comput Tomogr 12:185: N counts vessels with calcium; an
/// artery with no lesion has none) now gives both the same code.
#[test]
fn a_scan_has_one_cac_drs_code_in_scan_score_and_in_assess() {
    let dir = TempDir::new("cacdrs");
    let db = dir.db();
    let phantom = dir.0.join("phantom");
    let phantom = phantom.to_str().unwrap();
    // 24 slices of 3 mm: a scan long enough for a heart, so that it is interpreted (a shorter
    // one is flagged short_coverage and gets no CAC-DRS code).
    ok(
        &db,
        &[
            "scan", "phantom", "--out", phantom, "--size", "small", "--slices", "24",
        ],
        None,
    );
    let plain = json(&ok(
        &db,
        &["scan", "score", phantom, "--format", "json"],
        None,
    ));
    let lesions = plain["series"][0]["lesions"].as_array().unwrap();
    assert!(
        lesions.len() >= 3,
        "the phantom has at least three lesions: {plain}"
    );
    // Three lesions to three arteries, none to the left main.
    let assign = dir.0.join("assign.csv");
    let lines: Vec<String> = ["LAD", "LCX", "RCA"]
        .iter()
        .zip(lesions)
        .map(|(artery, l)| format!("{},{artery}", l["id"]))
        .collect();
    std::fs::write(&assign, format!("id,artery\n{}\n", lines.join("\n"))).unwrap();
    let score = ok(
        &db,
        &[
            "scan",
            "score",
            phantom,
            "--assign",
            assign.to_str().unwrap(),
            // A calibration phantom, not a chest: no anatomy (issue 14), and only the assigned
            // lesions counted, so that the total is the arteries' (issue 15).
            "--only-rois",
            "--regions",
            "none",
            "--format",
            "json",
        ],
        None,
    );
    let scored = json(&score)["series"][0]["cac_drs"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(scored.ends_with("/N3"), "{scored}");

    create_ann(&db, &[]);
    let file = dir.0.join("score.json");
    std::fs::write(&file, &score).unwrap();
    let added = run(
        &db,
        &[
            "scan",
            "add",
            "--from-json",
            file.to_str().unwrap(),
            "--date",
            "2024-05-01",
        ],
        None,
    );
    assert!(
        added.status.success(),
        "scan add: {}",
        String::from_utf8_lossy(&added.stderr)
    );
    let show = json(&ok(&db, &["profile", "show", "--format", "json"], None));
    let profile = serde_json::to_string(&show["profile"]).unwrap();
    let assessed = json(&ok(
        &db,
        &["assess", "--profile", "-", "--format", "json"],
        Some(&profile),
    ));
    assert_eq!(
        assessed["cac"]["cac_drs"]["code"],
        scored.as_str(),
        "{profile}"
    );
}

/// Issue 15: `lab add ldl 8 mg/dL` was accepted by the record (range 5–800) and refused by the
/// clinical profile (10–900), so `profile show` said "profile unavailable" from then on. One
/// analyte table (vascalc-domain; LDL 5–900 mg/dL, LDL_RANGE_SOURCE: values below 19 mg/dL on
/// PCSK9 inhibitors, Giugliano 2017, Lancet 390:1962) now serves both: the value is kept and
/// read; 3.4 "mg/dL" (3.4 mmol/L in the wrong unit) is still refused with the range.
#[test]
fn an_ldl_the_record_keeps_is_one_the_profile_reads() {
    let dir = TempDir::new("ldl");
    let db = dir.db();
    create_ann(&db, &[]);
    ok(
        &db,
        &["lab", "add", "ldl", "8", "mg/dL", "--date", "2024-01-05"],
        None,
    );
    let show = json(&ok(&db, &["profile", "show", "--format", "json"], None));
    assert!(show.get("profile_unavailable").is_none(), "{show}");
    assert_eq!(show["profile"]["ldl_mg_dl"], 8.0, "{show}");

    let refused = run(&db, &["lab", "add", "ldl", "3.4", "mg/dL"], None);
    assert_eq!(refused.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("5–900 mg/dL"), "{stderr}");
}
