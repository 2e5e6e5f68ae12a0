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

/// The optional PREVENT models end to end: preventr's woman-50 example (TC 200, HDL 45, SBP 160
/// treated, diabetes, BMI 35, eGFR 90) with UACR 92 mg/g and HbA1c given in IFCC units
/// (77 mmol/mol = 9.2 % by the NGSP master equation, 0.09148 × 77 + 2.152 = 9.196).
/// martingmayer/preventr tests/testthat/test-estimate_risk.R: 10-year CVD 0.181 (UACR model) and
/// 0.165 (HbA1c model, at 9.2 %).
#[test]
fn prevent_optional_models_end_to_end() {
    let profile = r#"{"age":50,"sex":"female","total_cholesterol_mg_dl":200,"hdl_mg_dl":45,
        "systolic_bp_mm_hg":160,"bp_treated":true,"statin":false,"diabetes":true,"smoker":false,
        "egfr_ml_min_1_73m2":90,"bmi":35,"uacr_mg_g":92,"hba1c_mmol_mol":77}"#;
    let v = json(&vascalc(
        &["assess", "--profile", "-", "--format", "json"],
        Some(profile),
    ));
    let risks = v["risks"].as_array().unwrap();
    let find = |c: &str, o: &str| {
        risks
            .iter()
            .find(|r| r["model"] == "prevent_2023" && r["coefficients"] == c && r["outcome"] == o)
            .unwrap_or_else(|| panic!("no prevent_2023 {c} {o}"))
    };
    assert!((find("uacr", "cvd_10y")["percent"].as_f64().unwrap() - 18.1).abs() < 0.05);
    assert!((find("hba1c", "cvd_10y")["percent"].as_f64().unwrap() - 16.5).abs() < 0.05);
    assert!(
        find("uacr", "hf_30y")["source"]
            .as_str()
            .unwrap()
            .contains("S12B")
    );
    assert!(
        find("hba1c", "hf_30y")["source"]
            .as_str()
            .unwrap()
            .contains("S12C")
    );
    assert!((find("base", "cvd_10y")["percent"].as_f64().unwrap() - 14.7).abs() < 0.05);

    let human = vascalc(&["assess", "--profile", "-"], Some(profile));
    assert!(human.status.success());
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("(hba1c coefficients)"), "{text}");
    assert!(text.contains("[prevent_2023, uacr]"), "{text}");

    // Out of range (HbA1c 3.9 %): the model says so and adds no risks.
    let low = profile.replace(r#""hba1c_mmol_mol":77"#, r#""hba1c_pct":3.9"#);
    let v = json(&vascalc(
        &["assess", "--profile", "-", "--format", "json"],
        Some(&low),
    ));
    assert!(
        !v["risks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["coefficients"] == "hba1c")
    );
    assert!(v["not_applicable"].as_array().unwrap().iter().any(|n| {
        n["model"] == "prevent_2023"
            && n["reason"]
                .as_str()
                .unwrap()
                .contains("HbA1c 3.9 % is outside 4.5–15")
    }));

    // The batch table carries the new columns (CSV header and the row's cells).
    let line = profile.replace('\n', " ");
    let out = vascalc(&["assess", "--batch", "-", "--format", "csv"], Some(&line));
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let cells: Vec<&str> = rows.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let cell = |name: &str| cells[at(name)].parse::<f64>().unwrap();
    assert!((cell("prevent_2023_uacr_cvd_10y") - 18.1).abs() < 0.05);
    assert!((cell("prevent_2023_hba1c_ascvd_10y") - 10.3).abs() < 0.06);
    // A hba1c_pct of 48 is almost certainly mmol/mol: rejected with the hint.
    let wrong = profile.replace(r#""hba1c_mmol_mol":77"#, r#""hba1c_pct":48"#);
    let out = vascalc(&["assess", "--profile", "-"], Some(&wrong));
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hba1c_mmol_mol"));
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

fn batch_input() -> String {
    format!(
        "{}\n\nnot json\n{}\n{}\n",
        GOFF.replace('\n', " ").replacen('{', r#"{"id":"p,1","#, 1),
        r#"{"id":42,"age":40,"sex":"female","hdl_mg_dl":1.2}"#,
        r#"{"id":"p3","age":62,"sex":"female","creatinine_mg_dl":0.7,"scans":[{"date":"2016-01-01","agatston":0},{"date":"2020-01-01","agatston":12}]}"#,
    )
}

/// `--format csv`: a header and one row per non-blank line, bad lines as error rows with their
/// line number and id, exit 3 at the end.
#[test]
fn batch_csv_is_one_wide_row_per_line() {
    let out = vascalc(
        &["assess", "--batch", "-", "--format", "csv"],
        Some(&batch_input()),
    );
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), 5, "{stdout}");
    let header: Vec<&str> = rows[0].split(',').collect();
    assert_eq!(header[..3], ["line", "id", "pce_coefficients"]);
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    // Row 1: the Goff example; its id holds a comma, so it is quoted.
    assert!(rows[1].starts_with("1,\"p,1\",guideline,"), "{}", rows[1]);
    let unquoted = rows[1].replacen("\"p,1\"", "p1", 1);
    let cells: Vec<&str> = unquoted.split(',').collect();
    assert_eq!(cells.len(), header.len());
    let pce: f64 = cells[col("pce_2013_ascvd_10y")].parse().unwrap();
    assert!((pce - 5.38).abs() < 0.005, "Goff 2013 Table A: {pce}");
    assert_eq!(
        cells[col("pce_2013_ascvd_10y")]
            .split('.')
            .nth(1)
            .unwrap()
            .len(),
        4
    );
    // Line 3 (after a blank line) is not JSON; line 4 has an implausible HDL but keeps its id.
    assert!(
        rows[2].starts_with("3,,") && rows[2].contains("expected"),
        "{}",
        rows[2]
    );
    assert!(
        rows[3].starts_with("4,42,") && rows[3].contains("hdl_mmol_l"),
        "{}",
        rows[3]
    );
    let cells: Vec<&str> = rows[4].split(',').collect();
    assert_eq!(cells.len(), header.len(), "{}", rows[4]);
    assert_eq!(cells[col("id")], "p3");
    assert_eq!(cells[col("incident")], "true");
    assert_eq!(cells[col("scans")], "2");
    assert_eq!(cells[col("kdigo_g")], "G1");
    assert_eq!(cells[col("error")], "");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("line 4"), "{err}");
}

#[test]
fn batch_compact_and_full_json_carry_line_and_id() {
    let out = vascalc(
        &["assess", "--batch", "-", "--format", "json", "--compact"],
        Some(&batch_input()),
    );
    assert_eq!(out.status.code(), Some(3));
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["id"], "p,1");
    assert!(
        rows[0]["source"].is_null() && rows[0]["risks"].is_null(),
        "flat"
    );
    assert!((rows[0]["pce_2013_ascvd_10y"].as_f64().unwrap() - 5.38).abs() < 0.005);
    assert_eq!(rows[2]["id"], 42);
    assert!(rows[2]["error"].is_string());

    let out = vascalc(&["assess", "--batch", "-"], Some(&batch_input()));
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows[0]["id"], "p,1");
    assert!(rows[0]["risks"][0]["source"].is_string(), "full JSON");
    assert_eq!(
        (rows[2]["line"].as_u64(), &rows[2]["id"]),
        (Some(4), &42.into())
    );
}

#[test]
fn codebook_names_every_column_and_its_source() {
    let out = vascalc(&["assess", "--codebook", "--format", "json"], None);
    let v = json(&out);
    let cols = v.as_array().unwrap();
    let names: Vec<&str> = cols.iter().map(|c| c["name"].as_str().unwrap()).collect();
    let csv = vascalc(&["assess", "--batch", "-", "--format", "csv"], Some(""));
    assert!(csv.status.success());
    let header = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(header.trim_end().split(',').collect::<Vec<_>>(), names);
    let pce = cols
        .iter()
        .find(|c| c["name"] == "pce_2013_ascvd_10y")
        .unwrap();
    assert!(pce["source"].as_str().unwrap().contains("Goff"));
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vascalc-assess-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The Goff example with two scans, as TOML (native and quoted dates, SI cholesterol) and as
/// JSON: the same assessment either way.
#[test]
fn toml_profile_gives_the_same_assessment_as_json() {
    let toml = r#"
age = 55
sex = "male"
race = "white"
total_cholesterol_mmol_l = 5.5
hdl_mg_dl = 50
systolic_bp_mm_hg = 120
bp_treated = false
smoker = false
diabetes = false
statin = false
family_history_mi = false
bmi = 27.5
creatinine_umol_l = 80

[cac_arteries]
lad = 30
lcx = 10
rca = 0
lm = 0

[[scans]]
date = 2019-03-01
agatston = 20

[[scans]]
date = "2023-03-01"
agatston = 40
volume_mm3 = 25.5
"#;
    let json_text = r#"{"age":55,"sex":"male","race":"white","total_cholesterol_mmol_l":5.5,
"hdl_mg_dl":50,"systolic_bp_mm_hg":120,"bp_treated":false,"smoker":false,"diabetes":false,
"statin":false,"family_history_mi":false,"bmi":27.5,"creatinine_umol_l":80,
"cac_arteries":{"lad":30,"lcx":10,"rca":0,"lm":0},
"scans":[{"date":"2019-03-01","agatston":20},{"date":"2023-03-01","agatston":40,"volume_mm3":25.5}]}"#;
    let path = temp_file("goff.toml", toml);
    let from_toml = json(&vascalc(
        &[
            "assess",
            "--profile",
            path.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    ));
    let from_json = json(&vascalc(
        &["assess", "--profile", "-", "--format", "json"],
        Some(json_text),
    ));
    assert_eq!(from_toml, from_json);
    assert_eq!(from_toml["progression"]["scans"][0]["date"], "2019-03-01");
    assert_eq!(from_toml["cac"]["cac_drs"]["code"], "A1");
    // Standard input needs the format named.
    let stdin = json(&vascalc(
        &[
            "assess",
            "--profile",
            "-",
            "--input-format",
            "toml",
            "--format",
            "json",
        ],
        Some(toml),
    ));
    assert_eq!(stdin, from_json);
}

/// TOML gets the same validation as JSON: unit hints, unknown fields, bad dates, exit 3 with
/// the file named.
#[test]
fn toml_profile_is_validated_like_json() {
    for (name, text, want) in [
        (
            "unit.toml",
            "age = 60\nsex = \"female\"\ntotal_cholesterol_mg_dl = 5.2\n",
            "total_cholesterol_mmol_l",
        ),
        (
            "typo.toml",
            "age = 60\nsex = \"female\"\nhdl = 50\n",
            "unknown field",
        ),
        (
            "date.toml",
            "age = 60\nsex = \"female\"\n[[scans]]\ndate = 2023-02-30\nagatston = 1\n",
            "date",
        ),
        ("syntax.toml", "age = \n", "syntax.toml"),
    ] {
        let path = temp_file(name, text);
        let out = vascalc(&["assess", "--profile", path.to_str().unwrap()], None);
        assert_eq!(out.status.code(), Some(3), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want) && err.contains(name), "{name}: {err}");
    }
}

/// Cystatin C alone gives eGFR by CKD-EPI 2012 (NKF statement of the equation; by hand, a man
/// of 60 with 1.2 mg/L: 133 × 1.5^−1.328 × 0.996^60 = 61.03), which PREVENT then uses; with
/// creatinine too, CKD-EPI 2021 creatinine–cystatin C is the headline and both single-marker
/// values are shown.
#[test]
fn cystatin_c_alone_and_with_creatinine() {
    let base = r#""age":60,"sex":"male","race":"white","total_cholesterol_mg_dl":200,"hdl_mg_dl":50,
"systolic_bp_mm_hg":130,"bp_treated":false,"smoker":false,"diabetes":false,"statin":false,"bmi":27"#;
    let v = json(&vascalc(
        &["assess", "--profile", "-", "--format", "json"],
        Some(&format!("{{{base},\"cystatin_c_mg_l\":1.2}}")),
    ));
    assert_eq!(v["kidney"]["egfr_method"], "ckd_epi_2012_cystatin");
    let e = v["kidney"]["egfr_ml_min_1_73m2"].as_f64().unwrap();
    assert!((e - 61.03).abs() < 0.01, "{e}");
    assert!(
        v["risks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["model"] == "prevent_2023")
    );
    let v = json(&vascalc(
        &["assess", "--profile", "-", "--format", "json"],
        Some(&format!(
            "{{{base},\"cystatin_c_mg_l\":1.2,\"creatinine_mg_dl\":1.0}}"
        )),
    ));
    assert_eq!(
        v["kidney"]["egfr_method"],
        "ckd_epi_2021_creatinine_cystatin"
    );
    assert!((v["kidney"]["egfr_cystatin_only"].as_f64().unwrap() - 61.03).abs() < 0.01);
    assert!(v["kidney"]["egfr_creatinine_only"].is_number());
}

/// MESA arterial age (McClelland 2009) in every output: JSON, the human summary and the batch
/// table; refused with diabetes. CAC 100 gives 73 years (95 % CI 71-74), as a public calculator
/// that prints the MESA standard error shows (best-calculators.com, "Arterial Age Calculator").
#[test]
fn arterial_age_in_json_summary_and_table_and_refused_with_diabetes() {
    let profile = GOFF.replace(r#""cac_agatston":0"#, r#""cac_agatston":100"#);
    let v = json(&vascalc(
        &["assess", "--profile", "-", "--format", "json"],
        Some(&profile),
    ));
    let g = &v["cac"]["arterial_age"];
    assert_eq!(g["model"], "mesa_arterial_age_2009");
    assert!((g["years"].as_f64().unwrap() - 72.56).abs() < 0.01, "{g}");
    assert!((g["difference_years"].as_f64().unwrap() - 17.56).abs() < 0.01);
    let ci: Vec<f64> = g["ci95_years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap().round())
        .collect();
    assert_eq!(ci, [71.0, 74.0]);
    assert!(g["source"].as_str().unwrap().contains("McClelland"));
    assert!(g["provenance"].as_str().unwrap().contains("not available"));
    assert!(
        !v["not_applicable"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["model"] == "mesa_arterial_age_2009"),
        "{v}"
    );

    let out = vascalc(&["assess", "--profile", "-"], Some(&profile));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("Arterial age (MESA): 73 years (95% CI 71–74), 18 years above your age"),
        "{s}"
    );

    let csv = vascalc(
        &["assess", "--batch", "-", "--format", "csv"],
        Some(&format!("{}\n", profile.replace('\n', " "))),
    );
    assert!(csv.status.success());
    let stdout = String::from_utf8(csv.stdout).unwrap();
    let rows: Vec<Vec<&str>> = stdout.lines().map(|l| l.split(',').collect()).collect();
    let col = |name: &str| rows[0].iter().position(|h| *h == name).unwrap();
    let years: f64 = rows[1][col("arterial_age_years")].parse().unwrap();
    assert!((years - 72.56).abs() < 0.01);
    let low: f64 = rows[1][col("arterial_age_ci95_low")].parse().unwrap();
    assert_eq!(low.round(), 71.0);

    let diabetic = profile.replace(r#""diabetes":false"#, r#""diabetes":true"#);
    let v = json(&vascalc(
        &["assess", "--profile", "-", "--format", "json"],
        Some(&diabetic),
    ));
    assert!(v["cac"].get("arterial_age").is_none(), "{v}");
    let na = v["not_applicable"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["model"] == "mesa_arterial_age_2009")
        .expect("refusal listed");
    assert!(na["reason"].as_str().unwrap().contains("diabet"));
}
