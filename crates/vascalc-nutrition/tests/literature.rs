//! Menaquinones from the curated literature table come out with their citations.

use vascalc_nutrition::{FoodTable, Nutrient, Provenance, totals};

fn citation(p: &Provenance) -> &str {
    match p {
        Provenance::Literature { citation } => citation,
        other => panic!("expected a literature value, got {other:?}"),
    }
}

#[test]
fn natto_mk7_is_schurgers_and_vermeer_2000() {
    let t = FoodTable::shipped().unwrap();
    let natto = t.get("ndb:16113").unwrap();
    let mk7 = natto.value(Nutrient::Menaquinone7Ug).unwrap();
    // Schurgers & Vermeer 2000, Haemostasis 30:298–307: natto 998 µg MK-7 per 100 g.
    assert_eq!(mk7.value, 998.0);
    assert!(citation(&mk7.provenance).contains("Schurgers LJ, Vermeer C"));
    assert!(citation(&mk7.provenance).contains("Haemostasis 2000;30"));
    // K1 stays the measured SR28 value (23.1 µg/100 g, research note §2) and apart from K2.
    let k1 = natto.value(Nutrient::PhylloquinoneUg).unwrap();
    assert_eq!(k1.value, 23.1);
    assert_eq!(k1.provenance, Provenance::measured("usda-sr28"));
    // USDA gives no MK-4 for natto: missing, not zero.
    assert!(natto.value(Nutrient::Menaquinone4Ug).is_none());
}

#[test]
fn cheese_menaquinones_are_literature_totals() {
    let t = FoodTable::shipped().unwrap();
    for (id, value) in [
        ("lit:cheese-hard-nl", 76.0),
        ("lit:cheese-soft-nl", 57.0),
        ("lit:cheese-curd-nl", 25.0),
    ] {
        let f = t.get(id).unwrap();
        let k2 = f.value(Nutrient::VitaminK2TotalUg).unwrap();
        assert_eq!(k2.value, value, "{id}");
        assert!(citation(&k2.provenance).contains("Schurgers"), "{id}");
        // Nothing else is known for these records.
        assert_eq!(f.per_100g.len(), 1, "{id}");
    }
    // USDA cheddar keeps its MK-4 only (8.6 µg/100 g in SR28, research note §1.3).
    let cheddar = t.get("ndb:01009").unwrap();
    assert_eq!(cheddar.value(Nutrient::Menaquinone4Ug).unwrap().value, 8.6);
    assert!(cheddar.value(Nutrient::VitaminK2TotalUg).is_none());
}

#[test]
fn a_day_with_natto_and_cheddar_reports_what_is_missing() {
    let t = FoodTable::shipped().unwrap();
    let natto = t.get("ndb:16113").unwrap();
    let cheddar = t.get("ndb:01009").unwrap();
    let day = totals([(natto, 50.0), (cheddar, 30.0)]).unwrap();
    let mk7 = day.get(Nutrient::Menaquinone7Ug);
    assert_eq!(mk7.at_least, 499.0);
    assert_eq!(mk7.missing_foods, ["ndb:01009"]);
    assert_eq!(mk7.describe(), "at least 499 µg; 1 food had no value");
    let mg = day.get(Nutrient::MagnesiumMg);
    assert!(mg.is_complete());
    assert!(
        (mg.at_least - (115.0 * 0.5 + cheddar.value(Nutrient::MagnesiumMg).unwrap().value * 0.3))
            .abs()
            < 1e-9
    );
}

#[test]
fn shipped_table_records_its_releases() {
    let t = FoodTable::shipped().unwrap();
    for id in [
        "usda-sr28",
        "usda-fdc-foundation-2024-10-31",
        "anses-ciqual-2020",
        "literature",
    ] {
        let r = t.release(id).unwrap_or_else(|| panic!("{id}"));
        assert!(!r.files.is_empty(), "{id}");
        assert!(
            r.files.iter().all(|f| f.sha256.len() == 64 && f.bytes > 0),
            "{id}"
        );
    }
    let bytes = vascalc_nutrition::SHIPPED_TABLE.len();
    assert!(
        bytes < 5 * 1024 * 1024,
        "the shipped table is {bytes} bytes"
    );
}
