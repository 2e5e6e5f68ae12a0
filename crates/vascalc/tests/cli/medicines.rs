//! End-to-end tests of medication safety through the `vascalc` binary: brand names, unknown
//! names, kinds and units that must not switch a safety rule off. Each test on its own temporary
//! database.

use std::path::{Path, PathBuf};

use crate::common::{TempDir, run};

/// A fresh database in `dir` with one person.
fn person(dir: &TempDir, n: usize) -> PathBuf {
    let db = dir.0.join(format!("record-{n}.db"));
    let _ = std::fs::remove_file(&db);
    ok(
        &db,
        &[
            "profile",
            "create",
            "--name",
            "Bo",
            "--birth-date",
            "1950-01-01",
            "--sex",
            "male",
        ],
    );
    db
}

/// Runs and expects success; returns (stdout, stderr).
fn ok2(db: &Path, args: &[&str]) -> (String, String) {
    let out = run(db, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "vascalc {args:?} failed: {stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

fn ok(db: &Path, args: &[&str]) -> String {
    ok2(db, args).0
}

fn plan(db: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(db, &["plan", "--format", "json"])).unwrap()
}

fn alert<'a>(p: &'a serde_json::Value, rule: &str) -> Option<&'a serde_json::Value> {
    p["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule"] == rule)
}

/// The kinds `log med --kind` accepts, from the hint of an unknown name.
fn kinds(db: &Path) -> Vec<String> {
    let (_, hint) = ok2(
        db,
        &["log", "med", "Zzyzxqium", "--dose", "1", "--unit", "unit"],
    );
    let list = hint
        .split("(KIND: ")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .unwrap_or_else(|| panic!("no kind list in {hint:?}"));
    list.split(", ").map(str::to_owned).collect()
}

const UNITS: [(&str, &str); 6] = [
    ("5", "mg"),
    ("5000", "ug"),
    ("0.005", "g"),
    ("5", "iu"),
    ("5", "mmol"),
    ("1", "unit"),
];

/// No `--kind` and no unit lets warfarin under a brand name and vitamin K coexist without the
/// danger alert: either the command is refused (the VKA is not recorded) or the plan warns.
#[test]
fn no_kind_or_unit_silences_the_vka_vitamin_k_danger() {
    let dir = TempDir::new("vka");
    let probe = person(&dir, 0);
    let kinds = kinds(&probe);
    assert_eq!(kinds[0], "vitamin_k_antagonist", "{kinds:?}");
    assert!(kinds.len() >= 30, "{kinds:?}");
    let mut warned = 0;
    for (i, kind) in kinds.iter().enumerate() {
        let db = person(&dir, i + 1);
        let (dose, unit) = UNITS[i % UNITS.len()];
        let vka = ["Coumadin", "Jantoven", "Marevan", "warfarin"][i % 4];
        let taken = i % 3 == 0;
        let mut args = vec![
            "log", "med", vka, "--kind", kind, "--dose", dose, "--unit", unit,
        ];
        args.push("--confirm");
        if taken {
            args.push("--taken");
        }
        let out = run(&db, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if kind != "vitamin_k_antagonist" {
            assert!(!out.status.success(), "{args:?} was accepted");
            assert!(
                stderr.contains("vitamin_k_antagonist") && stderr.contains("--kind"),
                "{stderr}"
            );
            // What the person does next: leave out --kind.
            args.retain(|a| *a != "--kind" && a != kind);
            ok(&db, &args);
        } else {
            assert!(out.status.success(), "{args:?}: {stderr}");
        }
        let (kdose, kunit) = UNITS[(i + 2) % UNITS.len()];
        let k = ["MK-7", "Konakion", "vitamin K2", "MenaQ7"][i % 4];
        ok(
            &db,
            &[
                "log",
                "med",
                k,
                "--dose",
                kdose,
                "--unit",
                kunit,
                "--confirm",
            ],
        );
        let p = plan(&db);
        let a = alert(&p, "vka_vitamin_k").unwrap_or_else(|| panic!("{vka} {kind} {unit}: {p}"));
        assert_eq!(a["severity"], "danger");
        warned += 1;
    }
    assert_eq!(warned, kinds.len());
}

/// A name vascalc does not know is recorded as unknown, named first in the plan, and leaves it
/// once the person says what it is (without a second course).
#[test]
fn an_unknown_medicine_is_recorded_and_named_first_in_the_plan() {
    let dir = TempDir::new("unknown");
    let db = person(&dir, 0);
    let (out, hint) = ok2(
        &db,
        &[
            "log",
            "med",
            "Fancypill",
            "--dose",
            "2",
            "--unit",
            "tablets",
        ],
    );
    assert!(out.contains("(unknown)"), "{out}");
    assert!(
        hint.contains("does not know \"Fancypill\"")
            && hint.contains("--kind KIND` (KIND: vitamin_k_antagonist, doac,"),
        "{hint}"
    );
    let readable = ok(&db, &["plan"]);
    let first = readable
        .lines()
        .find(|l| l.trim_start().starts_with('['))
        .unwrap_or("");
    assert!(
        first.contains("Safety rules could not be checked for Fancypill"),
        "{readable}"
    );
    assert!(alert(&plan(&db), "unknown_medicine").is_some());
    let (said, _) = ok2(&db, &["log", "med", "fancypill", "--kind", "statin"]);
    assert!(
        said.contains("now recorded as statin (1 course(s)"),
        "{said}"
    );
    let p = plan(&db);
    assert!(alert(&p, "unknown_medicine").is_none(), "{p}");
    let export = ok(&db, &["export"]);
    assert_eq!(export.matches("Fancypill").count(), 1, "{export}");
    assert!(export.contains("\"statin\""), "{export}");
}

/// A dose 1,000 times what products are sold in is refused with the range, unless confirmed.
#[test]
fn an_implausible_dose_is_refused_with_the_range_unless_confirmed() {
    let dir = TempDir::new("dose");
    let db = person(&dir, 0);
    let out = run(
        &db,
        &["log", "med", "MK-7", "--dose", "180", "--unit", "mg"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("180 mg") && stderr.contains("10–2000 µg") && stderr.contains("--confirm"),
        "{stderr}"
    );
    assert!(!ok(&db, &["export"]).contains("MK-7"));
    ok(
        &db,
        &["log", "med", "MK-7", "--dose", "180", "--unit", "ug"],
    );
    ok(
        &db,
        &[
            "log",
            "med",
            "MK-7 extra",
            "--dose",
            "180",
            "--unit",
            "mg",
            "--confirm",
        ],
    );
    assert!(ok(&db, &["export"]).contains("MK-7 extra"));
}

/// Each class logged by a brand name through the binary raises the alert it must raise; classes
/// without a rule of their own resolve to their class (no "could not be checked").
#[test]
fn each_class_by_a_brand_name_raises_its_alert() {
    let dir = TempDir::new("brands");
    // (what to log: name, dose, unit; labs: analyte, value, unit; the alert that must fire)
    type Case<'a> = (
        &'a [(&'a str, &'a str, &'a str)],
        &'a [(&'a str, &'a str, &'a str)],
        &'a str,
    );
    let cases: &[Case] = &[
        (
            &[("Coumadin", "5", "mg"), ("Konakion", "1", "mg")],
            &[],
            "vka_vitamin_k",
        ),
        (
            &[("Jantoven", "5", "mg"), ("Eliquis", "5", "mg")],
            &[],
            "duplicate_therapy",
        ),
        (
            &[("Lipitor", "20", "mg"), ("Crestor", "10", "mg")],
            &[],
            "duplicate_therapy",
        ),
        (
            &[
                ("MK-7", "180", "ug"),
                ("MenaQ7", "90", "ug"),
                ("vitamin K2", "45", "ug"),
            ],
            &[],
            "duplicate_therapy",
        ),
        (
            &[("Omacor", "4", "g"), ("Plavix", "75", "mg")],
            &[],
            "omega3_antithrombotic",
        ),
        (
            &[("Lovaza", "2", "g"), ("Xarelto", "20", "mg")],
            &[],
            "omega3_antithrombotic",
        ),
        (
            &[("Renvela", "2400", "mg"), ("Cipro", "500", "mg")],
            &[],
            "binder_spacing",
        ),
        (
            &[("Fosrenol", "750", "mg"), ("Synthroid", "100", "ug")],
            &[],
            "binder_spacing",
        ),
        (
            &[("Velphoro", "500", "mg"), ("CellCept", "1000", "mg")],
            &[],
            "binder_spacing",
        ),
        (
            &[("Auryxia", "2", "g"), ("Advagraf", "5", "mg")],
            &[],
            "binder_spacing",
        ),
        (
            &[("PhosLo", "667", "mg"), ("Neoral", "100", "mg")],
            &[],
            "binder_spacing",
        ),
        (
            &[("Fosamax", "70", "mg"), ("Caltrate", "600", "mg")],
            &[],
            "bisphosphonate_spacing",
        ),
        (
            &[("Actonel", "35", "mg"), ("Feosol", "65", "mg")],
            &[],
            "bisphosphonate_spacing",
        ),
        (
            &[("Vibramycin", "100", "mg"), ("Slow-Mag", "64", "mg")],
            &[],
            "antibiotic_chelation",
        ),
        (
            &[("Levaquin", "500", "mg"), ("Maalox", "1", "tablet")],
            &[],
            "antibiotic_chelation",
        ),
        (&[("vitamin D3", "5000", "iu")], &[], "vitamin_d_above_ul"),
        (
            &[("Rocaltrol", "0.25", "ug")],
            &[("calcium", "11", "mg/dL")],
            "active_vitamin_d_high_calcium",
        ),
        (
            &[("Zemplar", "2", "ug")],
            &[("calcium", "2.8", "mmol/L")],
            "active_vitamin_d_high_calcium",
        ),
        (&[("Os-Cal", "2500", "mg")], &[], "calcium_above_ul"),
        (
            &[("Microzide", "25", "mg"), ("Citracal", "500", "mg")],
            &[],
            "calcium_thiazide",
        ),
        (
            &[("Alu-Cap", "475", "mg")],
            &[("egfr", "40", "mL/min/1.73m2")],
            "aluminium_in_ckd",
        ),
        (
            &[("Milk of Magnesia", "2400", "mg")],
            &[("egfr", "25", "mL/min/1.73m2")],
            "magnesium_antacid_in_ckd",
        ),
        (
            &[("Nexium", "40", "mg")],
            &[("magnesium", "1.4", "mg/dL")],
            "ppi_low_magnesium",
        ),
        (
            &[("Protonix", "40", "mg")],
            &[("magnesium", "0.55", "mmol/L")],
            "ppi_low_magnesium",
        ),
        (
            &[("magnesium glycinate", "200", "mg")],
            &[("egfr", "25", "mL/min/1.73m2")],
            "magnesium_egfr_below_30",
        ),
        (
            &[("Aclasta", "5", "mg")],
            &[("egfr", "25", "mL/min/1.73m2")],
            "bisphosphonate_low_egfr",
        ),
        (
            &[("Boniva", "150", "mg")],
            &[("egfr", "30", "mL/min/1.73m2")],
            "bisphosphonate_low_egfr",
        ),
        (&[("Tums", "1000", "mg")], &[], "calcium_supplement"),
        (
            &[("Pedmark", "25", "g")],
            &[],
            "sodium_thiosulfate_outside_specialist",
        ),
        (
            &[("Marcoumar", "3", "mg"), ("MK-4", "1", "mg")],
            &[],
            "vka_vitamin_k",
        ),
        (
            &[
                ("Warfarin Teva", "3", "mg"),
                ("Vitamin D3 + K2", "100", "ug"),
            ],
            &[],
            "vka_vitamin_k",
        ),
        (
            &[("Sintrom", "2", "mg"), ("Savaysa", "60", "mg")],
            &[],
            "duplicate_therapy",
        ),
        (&[("Fancy Pill", "1", "tablet")], &[], "unknown_medicine"),
    ];
    for (n, (meds, labs, rule)) in cases.iter().enumerate() {
        let db = person(&dir, n);
        for (name, dose, unit) in *meds {
            ok(&db, &["log", "med", name, "--dose", dose, "--unit", unit]);
        }
        for (analyte, value, unit) in *labs {
            ok(&db, &["lab", "add", analyte, value, unit]);
        }
        let p = plan(&db);
        assert!(
            alert(&p, rule).is_some(),
            "{meds:?} {labs:?}: no {rule} in {p}"
        );
        if *rule != "unknown_medicine" {
            assert!(alert(&p, "unknown_medicine").is_none(), "{meds:?}: {p}");
        }
    }
    // Classes without a rule of their own: the brand name decides the class.
    let db = person(&dir, cases.len());
    for (name, dose, unit, kind) in [
        ("Zetia", "10", "mg", "ezetimibe"),
        ("Repatha", "140", "mg", "pcsk9_inhibitor"),
        ("Leqvio", "284", "mg", "pcsk9_inhibitor"),
        ("Prolia", "60", "mg", "denosumab"),
        ("Sensipar", "30", "mg", "calcimimetic"),
        ("Parsabiv", "5", "mg", "calcimimetic"),
        ("One-Alpha", "0.5", "ug", "active_vitamin_d"),
        ("Lasix", "40", "mg", "loop_diuretic"),
        ("Brilinta", "90", "mg", "antiplatelet"),
        ("Pradaxa", "150", "mg", "doac"),
        ("SNF472", "300", "mg", "calcification_inhibitor"),
        ("Vascepa", "4", "g", "omega3"),
        ("Norvasc", "5", "mg", "antihypertensive"),
    ] {
        let out = ok(&db, &["log", "med", name, "--dose", dose, "--unit", unit]);
        assert!(out.contains(&format!("({kind})")), "{name}: {out}");
    }
    assert!(alert(&plan(&db), "unknown_medicine").is_none());
    // A salt: the dose counts as the element, and the note says what the salt weight gives.
    let (_, note) = ok2(
        &db,
        &[
            "log",
            "med",
            "magnesium citrate",
            "--dose",
            "1000",
            "--unit",
            "mg",
        ],
    );
    assert!(
        note.contains("elemental magnesium") && note.contains("about 162 mg"),
        "{note}"
    );
}
