//! End-to-end: issue 15's record rules that the other record tests leave open. Every kind of entry
//! dated before the person's birth or in the future is refused (exit 3, the record unchanged); the
//! person's own food is shown by `food show`; an error's cause is said once.

use crate::common::{TempDir, create_ann, fails, ok, run};

/// Every command that adds a dated entry, with `DATE` where the date goes.
const DATED: &[&[&str]] = &[
    &["scan", "add", "--date", "DATE", "--agatston", "10"],
    &["lab", "add", "ldl", "3", "mmol/L", "--date", "DATE"],
    &[
        "log",
        "food",
        "ndb:16113",
        "--grams",
        "50",
        "--date",
        "DATE",
    ],
    &["log", "activity", "endurance", "30", "--date", "DATE"],
    &["log", "vitals", "--weight-kg", "70", "--date", "DATE"],
    &[
        "log", "med", "MK-7", "--dose", "180", "--unit", "ug", "--start", "DATE",
    ],
    &[
        "log", "med", "MK-7", "--taken", "--dose", "180", "--unit", "ug", "--date", "DATE",
    ],
    &["profile", "update", "--smoking", "never", "--date", "DATE"],
    &[
        "profile",
        "update",
        "--drinks-per-week",
        "3",
        "--date",
        "DATE",
    ],
];

/// Commands that read as of a date or take a second date, with `DATE` where the date goes
/// (before-birth cases besides [`DATED`]; `lab:1` and `med:1` exist in [`with_entries`]).
const ALSO_BEFORE_BIRTH: &[&[&str]] = &[
    // A course's first day is --date when --start is not given.
    &[
        "log", "med", "MK-7", "--dose", "180", "--unit", "ug", "--date", "DATE",
    ],
    &["lab", "edit", "lab:1", "--date", "DATE"],
    &["entry", "edit", "med:1", "--date", "DATE"],
    &[
        "profile",
        "update",
        "--smoking",
        "former",
        "--quit-date",
        "DATE",
    ],
    &["plan", "--as-of", "DATE"],
    &["progress", "--as-of", "DATE"],
    &["report", "--as-of", "DATE", "--out", "REPORT"],
];

fn with_date<'a>(args: &[&'a str], date: &'a str) -> Vec<&'a str> {
    args.iter()
        .map(|a| if *a == "DATE" { date } else { a })
        .collect()
}

/// The option the date is given with: the argument before `DATE`.
fn date_flag<'a>(args: &[&'a str]) -> &'a str {
    let at = args.iter().position(|a| *a == "DATE").unwrap();
    args[at - 1]
}

/// Ann with a lab result (`lab:1`) and a course (`med:1`) to move.
fn with_entries(db: &std::path::Path) {
    create_ann(db, &[]);
    ok(
        db,
        &["lab", "add", "ldl", "3", "mmol/L", "--date", "2020-01-01"],
    );
    ok(
        db,
        &[
            "log",
            "med",
            "MK-7",
            "--dose",
            "180",
            "--unit",
            "ug",
            "--start",
            "2020-01-01",
        ],
    );
}

#[test]
fn every_kind_of_entry_in_the_future_is_refused() {
    let dir = TempDir::new("rules-future");
    let db = dir.db();
    create_ann(&db, &[]);
    let before = ok(&db, &["export"]);
    for template in DATED {
        let args = with_date(template, "2999-01-01");
        let e = fails(&db, &args, 3);
        let flag = date_flag(template);
        assert!(
            e.contains(&format!("{flag}: 2999-01-01 is in the future")),
            "vascalc {args:?}: {e}"
        );
    }
    assert_eq!(ok(&db, &["export"]), before);
}

#[test]
fn every_kind_of_entry_before_birth_is_refused() {
    let dir = TempDir::new("rules-birth");
    let db = dir.db();
    with_entries(&db);
    let before = ok(&db, &["export"]);
    let report = dir.0.join("report.html");
    let mut accepted = Vec::new();
    for template in DATED.iter().chain(ALSO_BEFORE_BIRTH) {
        let args: Vec<&str> = with_date(template, "1950-01-01")
            .into_iter()
            .map(|a| {
                if a == "REPORT" {
                    report.to_str().unwrap()
                } else {
                    a
                }
            })
            .collect();
        let out = run(&db, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The message names the option the date was typed with.
        let said = format!(
            "{}: 1950-01-01 is before Ann's birth date (1958-07-01)",
            date_flag(template)
        );
        if out.status.code() != Some(3) || !stderr.contains(&said) {
            accepted.push(format!(
                "vascalc {args:?}: {:?} {stderr}",
                out.status.code()
            ));
        }
    }
    assert!(accepted.is_empty(), "{}", accepted.join("\n"));
    assert_eq!(ok(&db, &["export"]), before);
    assert!(!report.exists(), "a report was written");
}

#[test]
fn a_course_is_stopped_by_its_name_in_any_case() {
    // `log med MK-7` then `log med mk-7 --stop`: the plan's safety rules take the two for one
    // medicine (vascalc_program::medicines::same_name), and so does --stop.
    let dir = TempDir::new("rules-stop");
    let db = dir.db();
    with_entries(&db);
    let out = ok(
        &db,
        &[
            "log",
            "med",
            " mk-7",
            "--stop",
            "--date",
            "2021-03-01",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["courses_ended"], 1, "{out}");
    let export: serde_json::Value = serde_json::from_str(&ok(&db, &["export"])).unwrap();
    let course = &export["people"][0]["medications"][0];
    assert_eq!(course["name"], "MK-7");
    assert_eq!(course["end"], "2021-03-01", "{course}");
    // Nothing open is left: a second stop is "nothing to work on" (exit 4).
    let e = fails(&db, &["log", "med", "MK-7", "--stop"], 4);
    assert!(e.contains("no open course of \"MK-7\""), "{e}");
}

#[test]
fn the_persons_own_food_is_shown_by_food_show() {
    let dir = TempDir::new("rules-own-food");
    let db = dir.db();
    create_ann(&db, &[]);
    let bread = dir.0.join("bread.json");
    std::fs::write(
        &bread,
        r#"{"id":"rye","name":"Grandma's rye loaf","per_100g":{"magnesium_mg":70}}"#,
    )
    .unwrap();
    ok(&db, &["log", "define-food", bread.to_str().unwrap()]);
    let shown = ok(&db, &["food", "show", "user:rye", "--grams", "50"]);
    assert!(shown.contains("Grandma's rye loaf"), "{shown}");
    // 70 mg per 100 g, 50 g: 35 mg.
    assert!(shown.contains("35 mg"), "{shown}");
    let found = ok(&db, &["food", "search", "rye loaf"]);
    assert!(found.contains("user:rye"), "{found}");
}

#[test]
fn a_cause_is_said_once() {
    let dir = TempDir::new("rules-once");
    let db = dir.db();
    // Not a database: SQLite's reason, once, on one line (exit 5).
    std::fs::write(
        &db,
        "this is not a database, it is a text file\n".repeat(200),
    )
    .unwrap();
    let e = fails(&db, &["lab", "list"], 5);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert_eq!(e.matches("not a database").count(), 1, "{e}");
    // A file that does not exist: the system's reason, once.
    let missing = dir.0.join("no-such-export.json");
    create_ann(&dir.0.join("other.db"), &[]);
    let e = fails(
        &dir.0.join("other.db"),
        &["import", missing.to_str().unwrap()],
        3,
    );
    assert_eq!(e.matches("No such file").count(), 1, "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
}
