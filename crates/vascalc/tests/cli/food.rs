//! End-to-end tests of `vascalc food`.

use std::process::{Command, Output};

/// `vascalc ARGS` with its data folder in the test's own scratch space: `food search` and `food
/// show` also read the person's own foods from the record, which must not be the user's database
/// (a database left there by a newer vascalc fails these tests with exit 5).
fn vascalc(args: &[&str]) -> Output {
    let data = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("food-xdg-data");
    Command::new(env!("CARGO_BIN_EXE_vascalc"))
        .args(args)
        .env_remove("VASCALC_DB")
        .env("XDG_DATA_HOME", data)
        .output()
        .expect("run vascalc")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = vascalc(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

#[test]
fn search_finds_natto_and_forgives_typos() {
    let v = json(&["food", "search", "natto", "--format", "json"]);
    assert_eq!(v["hits"][0]["id"], "ndb:16113");
    assert_eq!(v["hits"][0]["source"], "usda-sr28");
    let v = json(&[
        "food", "search", "chedar", "--limit", "3", "--format", "json",
    ]);
    let hits = v["hits"].as_array().unwrap();
    assert!(hits.len() <= 3);
    assert!(
        hits.iter()
            .any(|h| h["name"].as_str().unwrap().starts_with("Cheese, cheddar"))
    );
    let out = vascalc(&["food", "search", "spinach raw"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap()
            .contains("Spinach, raw")
    );
}

#[test]
fn show_natto_json_has_values_provenance_and_missing() {
    let v = json(&["food", "show", "ndb:16113", "--format", "json"]);
    assert_eq!(v["id"], "ndb:16113");
    assert_eq!(v["name"], "Natto");
    assert_eq!(v["source"], "usda-sr28");
    let p = &v["per_100g"];
    // SR28 natto: magnesium 115 mg/100 g, measured.
    assert_eq!(p["magnesium_mg"]["value"], 115.0);
    assert_eq!(p["magnesium_mg"]["provenance"], "measured");
    assert_eq!(p["magnesium_mg"]["source"], "usda-sr28");
    // MK-7 998 µg/100 g from Schurgers & Vermeer 2000.
    assert_eq!(p["menaquinone7_ug"]["value"], 998.0);
    assert_eq!(p["menaquinone7_ug"]["provenance"], "literature");
    assert!(
        p["menaquinone7_ug"]["citation"]
            .as_str()
            .unwrap()
            .contains("Schurgers")
    );
    // No MK-4 value: missing, not 0.
    assert!(p["menaquinone4_ug"]["value"].is_null());
    assert_eq!(p["menaquinone4_ug"]["provenance"], "missing");
    // Every canonical key is present.
    for key in [
        "phylloquinone_ug",
        "menaquinone4_ug",
        "menaquinone7_ug",
        "vitamin_k2_total_ug",
        "magnesium_mg",
        "phosphorus_mg",
        "calcium_mg",
        "vitamin_d_ug",
        "epa_g",
        "dha_g",
        "ala_g",
        "energy_kcal",
        "protein_g",
        "fat_g",
        "carbohydrate_g",
        "fiber_g",
        "sodium_mg",
        "potassium_mg",
    ] {
        assert!(p.get(key).is_some(), "{key}");
    }
    assert_eq!(v["portions"][0]["unit"], "cup");
    assert_eq!(v["portions"][0]["grams"], 175.0);
    assert!(v["phosphate_additives"].as_array().unwrap().is_empty());
}

#[test]
fn show_with_portion_and_grams_scales() {
    let v = json(&[
        "food",
        "show",
        "ndb:16113",
        "--portion",
        "1 cup",
        "--format",
        "json",
    ]);
    assert_eq!(v["serving"]["grams"], 175.0);
    assert_eq!(v["serving"]["portion"]["matched"], "1 cup");
    // 998 µg/100 g × 1.75.
    let mk7 = v["serving"]["nutrients"]["menaquinone7_ug"]["value"]
        .as_f64()
        .unwrap();
    assert!((mk7 - 1746.5).abs() < 1e-9);
    assert_eq!(
        v["serving"]["nutrients"]["menaquinone4_ug"]["provenance"],
        "missing"
    );
    let v = json(&["food", "show", "16113", "--grams", "50", "--format", "json"]);
    let mg = v["serving"]["nutrients"]["magnesium_mg"]["value"]
        .as_f64()
        .unwrap();
    assert!((mg - 57.5).abs() < 1e-9);
}

#[test]
fn show_human_marks_missing_and_names_sources() {
    let out = vascalc(&["food", "show", "ndb:16113"]);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("Standard Reference, Release 28"), "{s}");
    assert!(
        s.lines()
            .any(|l| l.contains("Vitamin K2, MK-4") && l.contains("missing")),
        "{s}"
    );
    assert!(s.lines().any(|l| l.contains("Vitamin K2, MK-7")
        && l.contains("998 µg")
        && l.contains("literature")));
    assert!(s.contains("Schurgers LJ, Vermeer C"));
}

#[test]
fn errors_have_documented_exit_codes() {
    let out = vascalc(&["food", "show", "ndb:99999"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("vascalc food search"));
    let out = vascalc(&["food", "show", "ndb:16113", "--portion", "1 slice"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 cup"));
    let out = vascalc(&["food", "show", "ndb:16113", "--grams=-5"]);
    assert_eq!(out.status.code(), Some(3));
    let out = vascalc(&[
        "food",
        "show",
        "ndb:16113",
        "--grams",
        "5",
        "--portion",
        "1 cup",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = vascalc(&["food", "search", "   "]);
    assert_eq!(out.status.code(), Some(3));
    let out = vascalc(&["food", "search", "qqqqqqqqqqxz"]);
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn additives_on_a_real_label() {
    // Kraft Singles (KCRW Good Food, "American Cheese").
    let text = "Milk, Whey, Milkfat, Milk Protein Concentrate, Salt, Calcium Phosphate, Sodium Citrate, \
                Whey Protein Concentrate, Sodium Phosphate, Sorbic Acid as a preservative";
    let v = json(&[
        "food",
        "additives",
        "--ingredients",
        text,
        "--format",
        "json",
    ]);
    assert_eq!(v["inorganic_phosphate"], true);
    let found = v["phosphate_additives"].as_array().unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0]["e_number"], "E341");
    assert_eq!(found[1]["e_number"], "E339");
    assert_eq!(found[1]["kind"], "inorganic");
    let out = vascalc(&[
        "food",
        "additives",
        "--ingredients",
        "cocoa butter, sugar, soy lecithin",
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("No phosphate additive"));
}
