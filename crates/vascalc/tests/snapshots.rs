//! Snapshots of what a person sees: the human and `--format json` output of `assess` (a profile
//! file, and `--person` from the record), `plan`, `progress`, `scan score`, `profile show` and
//! `lab list`, run through the binary and pinned in `tests/snapshots/*.snap` (insta). A change of
//! wording, layout or JSON shape fails here until the snapshot is updated on purpose
//! (docs/testing.md says how).
//!
//! Every input is fixed: a record filled with dated entries, `--as-of` where the command has it,
//! a phantom written with a fixed seed. What still depends on the day or the machine is replaced
//! by [`scrub`]: today's date (the phantom's study date, the age `profile show` computes), the
//! temporary folder, DICOM UIDs (fresh in every phantom) and the version string.

mod common;

use std::path::Path;

use common::{TempDir, ok};

/// The version the binary reports (`vascalc 0.1.0`, the phantom's `vascalc-phantom 0.1.0`).
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Replaces what depends on today, on the machine or on chance by a bracketed name, so that the
/// snapshot holds only what the inputs decide. `age` is the age in whole years a command that has
/// no `--as-of` computes from the birth date and today (see [`age_today`]).
fn scrub(text: &str, tmp: &Path, age: Option<i16>) -> String {
    let mut s = text.replace(&tmp.display().to_string(), "[tmp]");
    for d in todays() {
        s = s.replace(&d.to_string(), "[today]");
        s = s.replace(&d.strftime("%Y%m%d").to_string(), "[today]");
    }
    for name in ["vascalc", "vascalc-phantom"] {
        s = s.replace(&format!("{name} {VERSION}"), &format!("{name} [version]"));
    }
    if let Some(a) = age {
        for (from, to) in [
            (format!("(age {a})"), "(age [age])"),
            (format!("\"age\": {a}.0"), "\"age\": [age]"),
            (format!("\"age_years\": {a}"), "\"age_years\": [age]"),
        ] {
            s = s.replace(&from, to);
        }
    }
    scrub_uids(&s)
}

/// Today in the system time zone (what the record uses) and in UTC (what the phantom writes as
/// its study date); usually the same day.
fn todays() -> Vec<jiff::civil::Date> {
    let local = jiff::ZonedDateTime::now().date();
    let utc = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    if local == utc {
        vec![local]
    } else {
        vec![local, utc]
    }
}

/// Whole years from `birth` to today (system time zone), as `profile show` prints them.
fn age_today(birth: jiff::civil::Date) -> i16 {
    let today = jiff::ZonedDateTime::now().date();
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// DICOM UIDs under the `2.25.` root (UUID-derived, new in every phantom) become `2.25.[uid]`.
fn scrub_uids(text: &str) -> String {
    const ROOT: &str = "2.25.";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(ROOT) {
        let after = &rest[i + ROOT.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..i + ROOT.len()]);
        if digits > 0 {
            out.push_str("[uid]");
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// The record every record snapshot reads: one person with two scans (a report's values in 2021,
/// a phantom scored with three coronary regions in 2024), lipids and kidney labs in mmol/L and
/// µmol/L, vital signs, a statin and MK-7, food and activity in the month before `AS_OF`.
const BIRTH: &str = "1961-11-20";
const AS_OF: &str = "2024-07-01";

/// The three coronary regions of the README's first session: spheres around the 800, 400 and
/// 200 mg HA/cm³ 5 mm inserts of the standard phantom (truth.json), named as arteries.
const ROIS: [&str; 7] = [
    "--roi",
    "LAD=sphere:-12,-20,0,6",
    "--roi",
    "LCX=sphere:-12,-8,0,6",
    "--roi",
    "RCA=sphere:-12,4,0,6",
    "--only-rois",
];

/// Writes the standard phantom (seed 1) with `slices` slices into `dir`.
fn phantom(db: &Path, dir: &Path, slices: &str) {
    ok(
        db,
        &["scan", "phantom", "--out", path(dir), "--slices", slices],
    );
}

fn record(t: &TempDir) {
    let db = t.db();
    let db = db.as_path();
    let ph = t.0.join("phantom24");
    phantom(db, &ph, "24");
    let mut score = vec!["scan", "score", path(&ph)];
    score.extend(ROIS);
    score.extend(["--format", "json"]);
    let json = ok(db, &score);
    let score_file = t.0.join("score.json");
    std::fs::write(&score_file, json).expect("write score.json");

    let steps: &[&[&str]] = &[
        &[
            "profile",
            "create",
            "--name",
            "ana",
            "--birth-date",
            BIRTH,
            "--sex",
            "female",
            "--race",
            "white",
            "--height-cm",
            "165",
            "--diabetes",
            "false",
            "--family-history-mi",
            "true",
            "--smoking",
            "former",
            "--pack-years",
            "10",
            "--quit-date",
            "2010-01-01",
            "--drinks-per-week",
            "3",
            "--date",
            "2021-01-10",
        ],
        &[
            "scan",
            "add",
            "--date",
            "2021-05-01",
            "--agatston",
            "310",
            "--lad",
            "160",
            "--lcx",
            "80",
            "--rca",
            "70",
        ],
        &[
            "lab",
            "add",
            "total_cholesterol",
            "5.6",
            "mmol/L",
            "--date",
            "2024-05-20",
        ],
        &["lab", "add", "hdl", "1.4", "mmol/L", "--date", "2024-05-20"],
        &["lab", "add", "ldl", "3.4", "mmol/L", "--date", "2024-05-20"],
        &[
            "lab",
            "add",
            "creatinine",
            "80",
            "umol/L",
            "--date",
            "2024-05-20",
        ],
        &[
            "log",
            "vitals",
            "--bp",
            "134/82",
            "--weight-kg",
            "70",
            "--date",
            "2024-05-01",
        ],
        &[
            "log",
            "vitals",
            "--bp",
            "128/78",
            "--weight-kg",
            "68.5",
            "--date",
            "2024-06-20",
        ],
        &[
            "log",
            "med",
            "atorvastatin",
            "--dose",
            "20",
            "--unit",
            "mg",
            "--start",
            "2021-06-01",
        ],
        &[
            "log",
            "med",
            "MK-7",
            "--dose",
            "180",
            "--unit",
            "ug",
            "--start",
            "2024-06-01",
        ],
        &[
            "log",
            "food",
            "natto",
            "--grams",
            "50",
            "--date",
            "2024-06-15",
        ],
        &["log", "food", "2 eggs", "--date", "2024-06-15"],
        &["log", "activity", "endurance", "40", "--date", "2024-06-16"],
        &["log", "activity", "strength", "30", "--date", "2024-06-18"],
    ];
    for args in steps {
        ok(db, args);
    }
    ok(
        db,
        &[
            "scan",
            "add",
            "--from-json",
            path(&score_file),
            "--date",
            "2024-06-10",
        ],
    );
}

/// Runs `args` on the database of `t` in both formats and pins each scrubbed output.
fn pin(t: &TempDir, name: &str, args: &[&str], age: Option<i16>) {
    let db = t.db();
    let human = ok(&db, args);
    insta::assert_snapshot!(format!("{name}_human"), scrub(&human, &t.0, age));
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json = ok(&db, &json_args);
    serde_json::from_str::<serde_json::Value>(&json).expect("--format json is one JSON document");
    insta::assert_snapshot!(format!("{name}_json"), scrub(&json, &t.0, age));
}

#[test]
fn record_views() {
    let t = TempDir::new("snap-record");
    record(&t);
    pin(&t, "plan", &["plan", "--as-of", AS_OF], None);
    pin(&t, "progress", &["progress", "--as-of", AS_OF], None);
    pin(&t, "lab_list", &["lab", "list"], None);
    pin(
        &t,
        "assess_person",
        &["assess", "--person", "ana", "--as-of", AS_OF],
        None,
    );
    let birth: jiff::civil::Date = BIRTH.parse().expect("birth date");
    pin(
        &t,
        "profile_show",
        &["profile", "show"],
        Some(age_today(birth)),
    );
}

/// A profile file of the assess docs' vocabulary (TOML, SI units, two scans, kidney values):
/// every section of the assessment has something to say.
const PROFILE_TOML: &str = r#"age = 62
sex = "female"
race = "white"
total_cholesterol_mmol_l = 5.6
hdl_mmol_l = 1.4
ldl_mmol_l = 3.4
systolic_bp_mm_hg = 128
bp_treated = false
smoker = false
diabetes = false
statin = true
family_history_mi = true
bmi = 25.2
creatinine_umol_l = 80
uacr_mg_g = 12
cac_agatston = 310
cac_volume_mm3 = 260
cac_arteries = { lad = 160, lcx = 80, rca = 70 }
scans = [
  { date = 2021-05-01, agatston = 212 },
  { date = 2024-06-10, agatston = 310, volume_mm3 = 260 },
]
"#;

#[test]
fn assess_profile_file() {
    let t = TempDir::new("snap-assess");
    let file = t.0.join("profile.toml");
    std::fs::write(&file, PROFILE_TOML).expect("write profile");
    pin(
        &t,
        "assess_profile",
        &["assess", "--profile", path(&file)],
        None,
    );
}

/// The standard phantom as `scan phantom` writes it (16 slices), scored as it comes: no chest is
/// found, the whole image is scored and flagged, too short for a heart, not interpreted.
#[test]
fn scan_score_phantom_whole_image() {
    let t = TempDir::new("snap-scan-whole");
    let ph = t.0.join("phantom");
    phantom(&t.db(), &ph, "16");
    pin(&t, "scan_score_whole", &["scan", "score", path(&ph)], None);
}

/// The 24-slice phantom with the README's three artery regions: a coronary score with CAC-DRS.
#[test]
fn scan_score_phantom_with_artery_regions() {
    let t = TempDir::new("snap-scan-rois");
    let ph = t.0.join("phantom");
    phantom(&t.db(), &ph, "24");
    let mut args = vec!["scan", "score", path(&ph)];
    args.extend(ROIS);
    pin(&t, "scan_score_rois", &args, None);
}

#[test]
fn scrub_replaces_only_what_it_names() {
    let tmp = Path::new("/tmp/x");
    let text = "uid 2.25.1234 and 2.25. and 1.2.840.10008.1.2.1 in /tmp/x/a (age 58) vascalc 9";
    assert_eq!(
        scrub(text, tmp, Some(58)),
        "uid 2.25.[uid] and 2.25. and 1.2.840.10008.1.2.1 in [tmp]/a (age [age]) vascalc 9"
    );
    let v = format!("generator vascalc-phantom {VERSION}.");
    assert_eq!(scrub(&v, tmp, None), "generator vascalc-phantom [version].");
}
