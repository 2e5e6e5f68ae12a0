//! End-to-end tests of the record's handling of its files and of stdout (issue 15, "a record
//! people can correct"): closed pipes, full disks, mistyped and read-only databases.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::{TempDir, add_labs, cmd, create_ann, fails, ok, run};

/// A person with a few labs, enough for every listing to have lines to write.
fn fill(db: &Path) {
    create_ann(db, &[]);
    add_labs(
        db,
        &[
            ("ldl", "3.1", "mmol/L", "2025-01-02"),
            ("ldl", "3.3", "mmol/L", "2025-02-02"),
            ("ldl", "2.9", "mmol/L", "2025-03-02"),
        ],
    );
}

/// Runs with stdout a pipe whose reading end is closed before the program writes anything (what
/// `vascalc lab list | head -0` gives): every write fails with EPIPE.
fn run_closed_pipe(db: &Path, args: &[&str]) -> Output {
    let mut child = cmd(db, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    let dir = TempDir::new("pipe");
    let db = dir.db();
    fill(&db);
    for args in [
        &["lab", "list"][..],
        &["lab", "list", "--format", "json"],
        &["profile", "show"],
        &["plan"],
        &["export"],
        &["lab", "analytes"],
        &["food", "show", "ndb:16113"],
        &["food", "search", "natto"],
    ] {
        let out = run_closed_pipe(&db, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "vascalc {args:?}: {stderr}");
        assert!(stderr.is_empty(), "vascalc {args:?} wrote {stderr:?}");
    }
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a test says on stderr why it is skipped"
)]
fn a_write_error_exits_1_with_one_line() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        eprintln!("skipped: no /dev/full on this system");
        return;
    }
    let dir = TempDir::new("full");
    let db = dir.db();
    fill(&db);
    for args in [
        &["lab", "list"][..],
        &["lab", "list", "--format", "json"],
        &["plan"],
        &["export"],
    ] {
        let out = cmd(&db, args)
            .stdout(std::fs::File::create(full).unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "vascalc {args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "vascalc {args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write the output: ")
                && stderr.matches("No space left on device").count() == 1,
            "vascalc {args:?}: {stderr}"
        );
    }
}

#[test]
fn a_mistyped_db_path_creates_nothing_and_names_the_file() {
    let dir = TempDir::new("typo");
    let typo = dir.0.join("recrod").join("record.db");
    for args in [
        &["lab", "list"][..],
        &["lab", "add", "ldl", "3.1", "mmol/L"],
        &["profile", "show"],
        &["profile", "list"],
        &["plan"],
        &["progress"],
        &["export"],
        &["log", "today"],
        &["log", "activity", "endurance", "30"],
    ] {
        let stderr = fails(&typo, args, 4);
        assert_eq!(
            stderr.trim(),
            format!(
                "error: there is no database at {}; check --db or VASCALC_DB, or create one with \
                 `vascalc profile create --name NAME`",
                typo.display()
            ),
            "vascalc {args:?}"
        );
        assert!(
            !dir.0.join("recrod").exists(),
            "vascalc {args:?} made a folder"
        );
    }
    // What creates a person creates the database.
    ok(&typo, &["profile", "create", "--name", "Ann"]);
    assert!(typo.is_file());
}

/// Runs `vascalc` as user `nobody` (65534) when this test runs as root (root bypasses file
/// modes), or as the current user otherwise; None when that cannot be arranged.
fn as_unprivileged(db: &Path, args: &[&str]) -> Option<Output> {
    let probe = db.with_extension("probe");
    std::fs::write(&probe, b"").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o444)).unwrap();
    let root = std::fs::OpenOptions::new()
        .append(true)
        .open(&probe)
        .is_ok();
    std::fs::remove_file(&probe).unwrap();
    if !root {
        return Some(run(db, args));
    }
    let setpriv = Path::new("/usr/bin/setpriv");
    if !setpriv.exists() {
        return None;
    }
    let out = Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_vascalc"))
        .args(args)
        .env("VASCALC_DB", db)
        .env_remove("XDG_DATA_HOME")
        .output()
        .ok()?;
    Some(out)
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a test says on stderr why it is skipped"
)]
fn a_read_only_database_is_read_by_every_command_that_only_reads() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    let dir = TempDir::new("readonly");
    // Two cases: a write-protected file in a folder anyone may write, and a write-protected
    // file in a folder only its owner (root here) may write.
    for folder_mode in [0o777, 0o755] {
        let folder = dir.0.join(format!("f{folder_mode:o}"));
        std::fs::create_dir_all(&folder).unwrap();
        let db = folder.join("record.db");
        fill(&db);
        let expected = ok(&db, &["export"]);
        mode(&dir.0, 0o755).unwrap();
        mode(&folder, folder_mode).unwrap();
        mode(&db, 0o444).unwrap();
        for args in [
            &["lab", "list"][..],
            &["profile", "show"],
            &["profile", "list"],
            &["plan"],
            &["log", "today"],
            &["food", "search", "natto", "--person", "Ann"],
            &["export"],
        ] {
            let Some(out) = as_unprivileged(&db, args) else {
                eprintln!("skipped: running as root without setpriv to drop privileges");
                return;
            };
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success(),
                "vascalc {args:?} on a 0444 file in a {folder_mode:o} folder: {stderr}"
            );
            if args == ["export"] {
                assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
            }
        }
        // A command that writes says why it cannot.
        let out = as_unprivileged(&db, &["lab", "add", "ldl", "3.0", "mmol/L"]).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{stderr}");
        assert!(stderr.contains("can only be read"), "{stderr}");
        mode(&db, 0o644).unwrap();
        mode(&folder, 0o755).unwrap();
    }
}

/// A database at schema version 6 (before v7's food-log index), as a vascalc of that time left
/// it: Ann with an LDL result and a food eaten.
fn schema_v6_database(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    for step in &vascalc_store::schema::MIGRATIONS[..6] {
        conn.execute_batch(step).unwrap();
    }
    conn.pragma_update(None, "user_version", 6).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         INSERT INTO person (name, birth_date, sex) VALUES ('Ann', '1958-07-01', 'female');
         INSERT INTO lab (person_id, date, analyte, loinc, value, unit)
             VALUES (1, '2025-03-02', 'ldl', '13457-7', 120, 'mg/dL');
         INSERT INTO food_log (person_id, date, food_id, grams)
             VALUES (1, '2025-03-02', 'ndb:16113', 50);",
    )
    .unwrap();
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a test says on stderr why it is skipped"
)]
fn a_read_only_database_at_an_older_schema_is_read_without_being_migrated() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    let dir = TempDir::new("readonly-v6");
    for folder_mode in [0o777, 0o755] {
        let folder = dir.0.join(format!("f{folder_mode:o}"));
        std::fs::create_dir_all(&folder).unwrap();
        let db = folder.join("record.db");
        schema_v6_database(&db);
        // What a writable vascalc reads from the same file (it migrates its copy).
        let copy = folder.join("copy.db");
        std::fs::copy(&db, &copy).unwrap();
        let expected = ok(&copy, &["export"]);
        assert!(expected.contains("ndb:16113"), "{expected}");
        let before = std::fs::read(&db).unwrap();
        mode(&dir.0, 0o755).unwrap();
        mode(&folder, folder_mode).unwrap();
        mode(&db, 0o444).unwrap();
        for args in [
            &["lab", "list"][..],
            &["profile", "show"],
            &["plan"],
            &["log", "today", "--date", "2025-03-02"],
            &["export"],
        ] {
            let Some(out) = as_unprivileged(&db, args) else {
                eprintln!("skipped: running as root without setpriv to drop privileges");
                return;
            };
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success(),
                "vascalc {args:?} on a 0444 schema-v6 file in a {folder_mode:o} folder: {stderr}"
            );
            if args == ["export"] {
                assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
            }
        }
        assert_eq!(std::fs::read(&db).unwrap(), before, "the file changed");
        // A command that writes says the file can only be read (exit 5), naming it.
        let out = as_unprivileged(&db, &["lab", "add", "ldl", "3.0", "mmol/L"]).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{stderr}");
        assert!(stderr.contains("can only be read"), "{stderr}");
        assert!(stderr.contains(&db.display().to_string()), "{stderr}");
        mode(&db, 0o644).unwrap();
        mode(&folder, 0o755).unwrap();
    }
}

#[test]
fn export_import_export_gives_the_same_bytes() {
    let dir = TempDir::new("roundtrip");
    let db = dir.db();
    fill(&db);
    // A value whose shortest text needs 17 digits: serde_json without `float_roundtrip` read it
    // back as 10.608 (issue 15).
    ok(
        &db,
        &[
            "lab",
            "add",
            "hba1c",
            "10.607999999999999",
            "%",
            "--date",
            "2025-03-03",
        ],
    );
    // A scan with per-artery scores (LM and LCX not given) and a typed race: the export writes
    // every artery key, `null` when not given, and reads them back the same.
    ok(
        &db,
        &[
            "scan",
            "add",
            "--date",
            "2025-03-04",
            "--agatston",
            "131",
            "--lad",
            "80.5",
            "--rca",
            "50",
            "--volume-mm3",
            "110",
        ],
    );
    // A value given in µmol/L keeps that unit beside the stored mg/dL (schema v8).
    ok(
        &db,
        &[
            "lab",
            "add",
            "creatinine",
            "97",
            "umol/l",
            "--date",
            "2025-03-03",
        ],
    );
    ok(&db, &["profile", "update", "--race", "Hispanic"]);
    let first = ok(&db, &["export"]);
    assert!(first.contains("10.607999999999999"), "{first}");
    assert!(first.contains("\"entered_unit\": \"µmol/L\""), "{first}");
    let doc: serde_json::Value = serde_json::from_str(&first).unwrap();
    let ann = &doc["people"][0];
    assert_eq!(ann["person"]["race"], "hispanic");
    assert_eq!(
        ann["scans"][0]["per_artery"],
        serde_json::json!({"lm": null, "lad": 80.5, "lcx": null, "rca": 50.0})
    );
    let file = dir.0.join("export.json");
    std::fs::write(&file, &first).unwrap();
    let other = dir.0.join("other.db");
    ok(&other, &["import", file.to_str().unwrap()]);
    assert_eq!(ok(&other, &["export"]), first);
    // An export written before vascalc kept the entered unit still imports: the result is
    // shown as stored.
    let old = first
        .replace(",\n          \"entered_unit\": \"µmol/L\"", "")
        .replace(",\n          \"entered_unit\": \"mmol/L\"", "");
    assert!(!old.contains("entered_unit"), "{old}");
    std::fs::write(&file, &old).unwrap();
    let third = dir.0.join("third.db");
    ok(&third, &["import", file.to_str().unwrap()]);
    assert_eq!(ok(&third, &["export"]), old);
    let listed = ok(&third, &["lab", "list"]);
    assert!(
        listed.contains("creatinine") && !listed.contains("µmol/L") && !listed.contains("mmol/L"),
        "{listed}"
    );
    // An entered unit that is not one of the analyte's is refused, naming the field.
    let bad = first.replace(
        "\"entered_unit\": \"µmol/L\"",
        "\"entered_unit\": \"furlongs\"",
    );
    std::fs::write(&file, &bad).unwrap();
    let e = fails(
        &dir.0.join("fourth.db"),
        &["import", file.to_str().unwrap()],
        3,
    );
    assert!(e.contains("entered_unit") && e.contains("furlongs"), "{e}");
}

#[test]
fn import_says_when_a_file_holds_no_one_and_replace_asks_first() {
    let dir = TempDir::new("import");
    let db = dir.db();
    let empty = dir.0.join("empty.json");
    std::fs::write(
        &empty,
        r#"{"format": "vascalc-record", "version": 1, "people": []}"#,
    )
    .unwrap();
    let e = fails(&db, &["import", empty.to_str().unwrap()], 4);
    assert!(
        e.contains("holds no people") && e.contains("nothing was imported"),
        "{e}"
    );
    assert!(!db.exists(), "an empty import created a database");

    fill(&db);
    let mine = ok(&db, &["export"]);
    let file = dir.0.join("export.json");
    std::fs::write(&file, &mine).unwrap();
    ok(
        &db,
        &["lab", "add", "hdl", "1.4", "mmol/L", "--date", "2025-04-01"],
    );
    let e = fails(&db, &["import", "--replace", file.to_str().unwrap()], 2);
    // Ann has 3 LDL results and the HDL: what would be lost is said.
    assert!(
        e.contains("would discard the record of Ann (4 entries)"),
        "{e}"
    );
    assert!(e.contains("--yes"), "{e}");
    assert_ne!(
        ok(&db, &["export"]),
        mine,
        "nothing may change without --yes"
    );
    ok(
        &db,
        &["import", "--replace", "--yes", file.to_str().unwrap()],
    );
    assert_eq!(ok(&db, &["export"]), mine);
}

/// Issue 15, one rule for what scan may enter the record: `import` refuses a file holding a scan
/// whose kept `scan score` series was not interpreted (vascalc-testdata's fixture: automatic
/// regions that find no chest), as `scan add --from-json` refuses the series; the message names
/// the person, the entry and why, and the record does not change (exit 3).
#[test]
fn import_refuses_a_scan_that_was_not_interpreted_and_changes_nothing() {
    let dir = TempDir::new("import-scan");
    let db = dir.db();
    fill(&db);
    let mine = ok(&db, &["export"]);
    let series = serde_json::to_value(vascalc_testdata::scans::uninterpreted_series()).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&mine).unwrap();
    doc["people"][0]["person"]["name"] = "Bea".into();
    doc["people"][0]["scans"] = serde_json::json!([{
        "date": "2025-01-10",
        "agatston": series["totals"]["agatston"],
        "source": "score",
        "score": series,
    }]);
    let file = dir.0.join("with-scan.json");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    let e = fails(&db, &["import", file.to_str().unwrap()], 3);
    assert!(
        e.contains("people[0] (Bea)") && e.contains("scans[0]") && e.contains("not interpreted"),
        "{e}"
    );
    assert_eq!(ok(&db, &["export"]), mine, "the record changed");
    // The same file with the scan from the report's values instead is imported.
    doc["people"][0]["scans"] = serde_json::json!([{
        "date": "2025-01-10", "agatston": 12.0, "source": "report"
    }]);
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    ok(&db, &["import", file.to_str().unwrap()]);
}

#[test]
fn a_decimal_comma_gets_a_hint_and_bad_stdin_is_invalid_input() {
    let dir = TempDir::new("input");
    let db = dir.db();
    fill(&db);
    let e = fails(&db, &["lab", "add", "ldl", "3,1", "mmol/L"], 2);
    assert!(e.contains("use a decimal point (3.1)"), "{e}");
    // Invalid UTF-8 on standard input is invalid input (exit 3), for import and assess alike.
    for args in [&["import", "-"][..], &["assess", "--profile", "-"]] {
        let mut child = cmd(&db, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(b"{\"people\": \"\xff\xfe\"}").unwrap();
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "vascalc {args:?}: {stderr}");
        assert!(stderr.contains("UTF-8"), "vascalc {args:?}: {stderr}");
    }
}

#[test]
fn an_unknown_food_id_is_exit_4_for_log_food_and_food_show() {
    let dir = TempDir::new("food");
    let db = dir.db();
    fill(&db);
    fails(&db, &["log", "food", "ndb:99999", "--grams", "50"], 4);
    fails(&db, &["food", "show", "ndb:99999"], 4);
}

#[test]
fn a_profile_of_the_wrong_shape_is_described_without_rust_type_names() {
    let dir = TempDir::new("shape");
    let db = dir.db();
    for text in ["[1, 2]", "\"x\"", "62"] {
        let mut child = cmd(&db, &["assess", "--profile", "-"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{text}: {stderr}");
        assert!(
            stderr.contains("a profile is one JSON object"),
            "{text}: {stderr}"
        );
        assert!(!stderr.contains("ProfileInput"), "{text}: {stderr}");
    }
}
