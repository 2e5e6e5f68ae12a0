//! End-to-end tests of `vascalc assess`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn vascalc(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vascalc"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run vascalc");
    if let Some(s) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(s.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("wait")
}

/// Goff 2013 Table A worked example (55-year-old White man, TC 213, HDL 50, untreated SBP 120,
/// non-smoker, no diabetes: 5.3 %), plus what PREVENT needs.
const GOFF: &str = r#"{"age":55,"sex":"male","race":"white","total_cholesterol_mg_dl":213,
"hdl_mg_dl":50,"systolic_bp_mm_hg":120,"bp_treated":false,"smoker":false,"diabetes":false,
"statin":false,"family_history_mi":false,"bmi":27,"egfr_ml_min_1_73m2":90,"cac_agatston":0}"#;

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn json_output_has_the_shared_shape_and_the_guideline_example() {
    let out = vascalc(
        &["assess", "--profile", "-", "--format", "json"],
        Some(GOFF),
    );
    let v = json(&out);
    for key in ["risks", "cac", "kidney", "progression", "not_applicable"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let risks = v["risks"].as_array().unwrap();
    let pce = risks
        .iter()
        .find(|r| r["model"] == "pce_2013" && r["outcome"] == "ascvd_10y")
        .unwrap();
    assert_eq!(pce["coefficients"], "guideline");
    let pct = pce["percent"].as_f64().unwrap();
    assert!((pct - 5.3).abs() < 0.1, "{pct}");
    assert!(pce["source"].as_str().unwrap().contains("Goff"));
    // Every risk names its source.
    assert!(
        risks
            .iter()
            .all(|r| r["source"].as_str().is_some_and(|s| !s.is_empty()))
    );
    // research/risk-equations.md §2, profile D (man): PREVENT 10-y CVD 4.13 %.
    let cvd = risks
        .iter()
        .find(|r| r["model"] == "prevent_2023" && r["outcome"] == "cvd_10y")
        .unwrap();
    assert!((cvd["percent"].as_f64().unwrap() - 4.13).abs() < 0.005);
    assert_eq!(v["cac"]["category"]["scheme"], "cac_drs_agatston");
}

#[test]
fn calculator_coefficients_are_named_in_the_output() {
    let out = vascalc(
        &[
            "assess",
            "--profile",
            "-",
            "--format",
            "json",
            "--pce-coefficients",
            "calculator",
        ],
        Some(GOFF),
    );
    let v = json(&out);
    assert_eq!(v["risks"][0]["coefficients"], "calculator");
}

#[test]
fn human_summary_by_default() {
    let out = vascalc(&["assess", "--profile", "-"], Some(GOFF));
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("pce_2013") && s.contains("does not prescribe"),
        "{s}"
    );
}

#[test]
fn implausible_unit_is_rejected_with_a_hint_and_exit_3() {
    let bad = r#"{"age":55,"sex":"male","total_cholesterol_mg_dl":5.2}"#;
    let out = vascalc(&["assess", "--profile", "-"], Some(bad));
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("total_cholesterol_mmol_l"), "{err}");
}

#[test]
fn missing_file_is_invalid_input() {
    let out = vascalc(&["assess", "--profile", "/nonexistent/profile.json"], None);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/profile.json"));
}

#[test]
fn batch_reports_bad_lines_by_number_and_keeps_going() {
    let input = format!(
        "{}\nnot json\n{}\n",
        GOFF.replace('\n', " "),
        r#"{"age":40,"sex":"female"}"#
    );
    let out = vascalc(&["assess", "--batch", "-"], Some(&input));
    assert_eq!(
        out.status.code(),
        Some(3),
        "bad line → exit 3 after the whole file"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["line"], 1);
    assert!(lines[0]["risks"].as_array().is_some_and(|r| !r.is_empty()));
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].is_string());
    assert_eq!(lines[2]["line"], 3);
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}
