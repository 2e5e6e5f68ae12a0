//! End-to-end: what the record commands read through vascalc-app agree with the file-based
//! commands (`assess --person` gives what `assess --profile` gives for `profile show`'s profile).

use std::io::Write;
use std::process::Stdio;

use crate::common::{TempDir, add_labs, cmd, create_ann, fails, ok};

fn ann(db: &std::path::Path) {
    create_ann(
        db,
        &[
            "--race",
            "white",
            "--height-cm",
            "164",
            "--smoking",
            "never",
        ],
    );
    add_labs(
        db,
        &[
            ("tc", "210", "mg/dL", "2026-01-10"),
            ("hdl", "55", "mg/dL", "2026-01-10"),
            ("ldl", "130", "mg/dL", "2026-01-10"),
        ],
    );
    ok(
        db,
        &["log", "vitals", "--bp", "128/82", "--date", "2026-01-10"],
    );
    ok(
        db,
        &[
            "scan",
            "add",
            "--date",
            "2025-06-01",
            "--agatston",
            "85",
            "--lad",
            "60",
        ],
    );
}

#[test]
fn assess_person_is_assess_of_the_profile_the_record_shows() {
    let dir = TempDir::new("assess-person");
    let db = dir.db();
    ann(&db);
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&db, &["profile", "show", "--format", "json"])).unwrap();
    let profile = shown["profile"].to_string();
    let mut child = cmd(&db, &["assess", "--profile", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(profile.as_bytes())
        .unwrap();
    let from_file = child.wait_with_output().unwrap();
    assert!(from_file.status.success());
    let from_record = ok(&db, &["assess", "--person", "Ann", "--format", "json"]);
    assert_eq!(String::from_utf8(from_file.stdout).unwrap(), from_record);
    let human = ok(&db, &["assess", "--person", "Ann"]);
    assert!(human.contains("68-year-old female, white"), "{human}");
    // Unknown person: 4; a record without birth date and sex: 3, saying what to add.
    fails(&db, &["assess", "--person", "Bob"], 4);
    ok(&db, &["profile", "create", "--name", "Bob"]);
    let e = fails(&db, &["assess", "--person", "Bob"], 3);
    assert!(e.contains("needs a birth date and sex"), "{e}");
}

#[test]
fn an_entry_before_birth_is_refused_for_every_kind() {
    let dir = TempDir::new("before-birth");
    let db = dir.db();
    ann(&db);
    let e = fails(
        &db,
        &["log", "activity", "endurance", "30", "--date", "1950-01-01"],
        3,
    );
    assert!(
        e.contains("--date: 1950-01-01 is before Ann's birth date (1958-07-01)"),
        "{e}"
    );
    fails(
        &db,
        &["log", "vitals", "--weight-kg", "70", "--date", "1950-01-01"],
        3,
    );
    let listed = ok(&db, &["entry", "list", "--kind", "activity"]);
    assert!(listed.is_empty(), "{listed}");
}

/// Issue 15: the person's unit preference is stored and used; labs entered in mmol/L are shown
/// in mmol/L. 3.1 mmol/L LDL is stored as 119.877 mg/dL (× 38.67, vascalc-domain's factor).
/// The rule (docs/record.md, Units): a preference decides for every result; without one, a
/// result is shown in the unit it was given in.
#[test]
fn a_person_who_reads_si_units_sees_labs_in_si_units() {
    let dir = TempDir::new("units");
    let db = dir.db();
    ok(
        &db,
        &[
            "profile",
            "create",
            "--name",
            "Ann",
            "--birth-date",
            "1958-07-01",
        ],
    );
    ok(
        &db,
        &["lab", "add", "ldl", "3.1", "mmol/L", "--date", "2026-01-10"],
    );
    // No preference: shown in the unit it was given in; a result given in the stored unit
    // stays in it.
    let unset = ok(&db, &["lab", "list"]);
    assert!(unset.contains("3.1 mmol/L"), "{unset}");
    ok(
        &db,
        &["lab", "add", "hdl", "50", "mg/dL", "--date", "2026-01-10"],
    );
    let unset = ok(&db, &["lab", "list"]);
    assert!(unset.contains("50 mg/dL"), "{unset}");
    let export = ok(&db, &["export"]);
    assert!(
        export.contains("\"unit\": \"mg/dL\",\n          \"entered_unit\": \"mmol/L\""),
        "{export}"
    );
    assert_eq!(export.matches("entered_unit").count(), 1, "{export}");
    ok(&db, &["profile", "update", "--units", "us"]);
    let us = ok(&db, &["lab", "list"]);
    assert!(us.contains("119.88 mg/dL"), "{us}");
    let e = fails(&db, &["profile", "update", "--units", "metric"], 3);
    assert!(e.contains("units \"metric\" is not one of si, us"), "{e}");
    let shown = ok(&db, &["profile", "update", "--units", "SI"]);
    assert!(shown.contains("values shown in SI units"), "{shown}");
    assert!(shown.contains("3.1 mmol/L"), "{shown}");
    let si = ok(&db, &["lab", "list"]);
    assert!(si.contains("3.1 mmol/L"), "{si}");
    assert!(ok(&db, &["entry", "list"]).contains("lab: ldl 3.1 mmol/L"));
    let added = ok(
        &db,
        &[
            "lab",
            "add",
            "creatinine",
            "1",
            "mg/dL",
            "--date",
            "2026-01-10",
        ],
    );
    assert!(added.contains("88.4 µmol/L"), "{added}");
    // JSON keeps the stored unit, which it names; the export carries the preference.
    let json = ok(&db, &["lab", "list", "--format", "json"]);
    assert!(json.contains("\"unit\": \"mg/dL\""), "{json}");
    let export = ok(&db, &["export"]);
    assert!(export.contains("\"units\": \"si\""), "{export}");
    let other = dir.0.join("other.db");
    let file = dir.0.join("export.json");
    std::fs::write(&file, &export).unwrap();
    ok(&other, &["import", file.to_str().unwrap()]);
    assert!(ok(&other, &["lab", "list"]).contains("3.1 mmol/L"));
    ok(&db, &["profile", "update", "--units", "us"]);
    assert!(ok(&db, &["lab", "list"]).contains("119.88 mg/dL"));

    // Body measures in the person's units: 154 lb is stored as 69.853 kg (1 lb = 0.45359237 kg
    // exactly) and said, listed and shown as 154 lb again; 70 in of height is 177.8 cm.
    let logged = ok(
        &db,
        &[
            "log",
            "vitals",
            "--weight-lb",
            "154",
            "--waist-in",
            "35",
            "--date",
            "2026-01-10",
        ],
    );
    assert!(logged.contains("weight 154 lb, waist 35 in"), "{logged}");
    ok(&db, &["profile", "update", "--height-in", "70"]);
    let shown = ok(&db, &["profile", "show"]);
    assert!(shown.contains("height 70 in"), "{shown}");
    assert!(shown.contains("weight 154 lb"), "{shown}");
    assert!(ok(&db, &["entry", "list"]).contains("weight 154 lb, waist 35 in"));
    let export = ok(&db, &["export"]);
    assert!(export.contains("\"height_cm\": 177.8"), "{export}");
    ok(&db, &["profile", "update", "--units", "si"]);
    let shown = ok(&db, &["profile", "show"]);
    assert!(
        shown.contains("height 177.8 cm") && shown.contains("weight 69.85 kg"),
        "{shown}"
    );
}

/// Issue 15: a body measure given in lb or in is refused in lb or in, with the range converted
/// by vascalc-domain's table (20–350 kg = 44.1–771.6 lb; 50–250 cm = 19.7–98.4 in), and in kg
/// when given in kg; nothing is stored.
#[test]
fn body_measures_are_refused_in_the_unit_given() {
    let dir = TempDir::new("body-units");
    let db = dir.0.join("v.db");
    create_ann(&db, &["--units", "us"]);
    let err = fails(&db, &["log", "vitals", "--weight-lb", "900"], 3);
    assert!(
        err.contains("weight 900 lb is outside 44.1–771.6 lb"),
        "{err}"
    );
    let err = fails(&db, &["log", "vitals", "--waist-in", "2"], 3);
    assert!(err.contains("waist 2 in is outside 15.8–98.4 in"), "{err}");
    let err = fails(&db, &["log", "vitals", "--weight-kg", "900"], 3);
    assert!(err.contains("weight 900 kg is outside 20–350 kg"), "{err}");
    let err = fails(&db, &["profile", "update", "--height-in", "110"], 3);
    assert!(
        err.contains("height 110 in is outside 19.7–98.4 in"),
        "{err}"
    );
    let list = ok(&db, &["entry", "list"]);
    assert!(!list.contains("vitals:"), "{list}");
    let shown = ok(&db, &["profile", "show"]);
    assert!(
        !shown.contains("110 in") && !shown.contains("279.4"),
        "{shown}"
    );
}
