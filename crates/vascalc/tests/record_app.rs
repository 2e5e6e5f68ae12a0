//! End-to-end: what the record commands read through vascalc-app agree with the file-based
//! commands (`assess --person` gives what `assess --profile` gives for `profile show`'s profile).

mod common;
use std::io::Write;
use std::process::Stdio;

use common::{TempDir, cmd, fails, ok};

fn ann(db: &std::path::Path) {
    ok(
        db,
        &[
            "profile",
            "create",
            "--name",
            "Ann",
            "--birth-date",
            "1958-07-01",
            "--sex",
            "female",
            "--race",
            "white",
            "--height-cm",
            "164",
            "--smoking",
            "never",
        ],
    );
    for (analyte, value) in [("tc", "210"), ("hdl", "55"), ("ldl", "130")] {
        ok(
            db,
            &[
                "lab",
                "add",
                analyte,
                value,
                "mg/dL",
                "--date",
                "2026-01-10",
            ],
        );
    }
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
