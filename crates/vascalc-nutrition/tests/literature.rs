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

/// The foods people eat for their menaquinones keep them in the shipped table, each value with
/// the provenance its source gives (issue 12, "Evidence").
#[test]
fn natto_cheeses_and_egg_yolk_keep_their_menaquinones() {
    let t = FoodTable::shipped().unwrap();
    let value = |id: &str, n: Nutrient| {
        let f = t.get(id).unwrap_or_else(|| panic!("{id} is in the table"));
        f.value(n)
            .unwrap_or_else(|| panic!("{id} ({}) has a {} value", f.name, n.key()))
            .clone()
    };
    // Literature values (data/menaquinones.toml), quoted from Schurgers & Vermeer 2000,
    // Haemostasis 30:298-307: natto MK-7 998, MK-8 about 84, all menaquinones about 1,100 µg;
    // US egg yolk MK-4 about 15.5 µg; Dutch hard cheese (Gouda, Edam) all menaquinones about
    // 76 µg per 100 g.
    for (id, n, v) in [
        ("ndb:16113", Nutrient::Menaquinone7Ug, 998.0),
        ("ndb:16113", Nutrient::Menaquinone8Ug, 84.0),
        ("ndb:16113", Nutrient::VitaminK2TotalUg, 1100.0),
        ("ndb:01125", Nutrient::Menaquinone4Ug, 15.5),
        ("lit:cheese-hard-nl", Nutrient::VitaminK2TotalUg, 76.0),
    ] {
        let got = value(id, n);
        assert_eq!(got.value, v, "{id} {}", n.key());
        assert!(
            citation(&got.provenance).contains("Schurgers LJ, Vermeer C"),
            "{id} {}",
            n.key()
        );
    }
    // Measured in a release: SR28 MK-4 of cheddar (8.6) and Swiss/Emmental (6.3) per 100 g;
    // Ciqual 2020's vitamin K2 column for Emmental (5.23) and Edam (47.5). These equal the
    // releases (vascalc-foodgen's tests compare every value); here: they are still there.
    for (id, n, v, source) in [
        ("ndb:01009", Nutrient::Menaquinone4Ug, 8.6, "usda-sr28"),
        ("ndb:01040", Nutrient::Menaquinone4Ug, 6.3, "usda-sr28"),
        (
            "ciqual:12115",
            Nutrient::VitaminK2TotalUg,
            5.23,
            "anses-ciqual-2020",
        ),
        (
            "ciqual:12729",
            Nutrient::VitaminK2TotalUg,
            47.5,
            "anses-ciqual-2020",
        ),
    ] {
        let got = value(id, n);
        assert_eq!(got.value, v, "{id} {}", n.key());
        assert!(
            matches!(&got.provenance, Provenance::Measured { source: s, .. } if s == source),
            "{id}: {:?}",
            got.provenance
        );
    }
    // A person typing the food's name finds the record that carries the value.
    assert_eq!(t.search("natto", 1)[0].food.id, "ndb:16113");
    let hard = t.search("hard cheese gouda", 5);
    assert!(
        hard.iter().any(|h| h.food.id == "lit:cheese-hard-nl"),
        "{hard:?}"
    );
}

/// FNDDS reports no menaquinone: in every FNDDS food (mixed dishes, drinks) MK-4, MK-7, MK-8,
/// MK-9 and the K2 total are missing, never 0. And across the whole table, an MK-7 value exists
/// only where a paper gives one (no release measures MK-7).
#[test]
fn fndds_dishes_leave_menaquinones_missing() {
    let t = FoodTable::shipped().unwrap();
    let menaquinones = [
        Nutrient::Menaquinone4Ug,
        Nutrient::Menaquinone7Ug,
        Nutrient::Menaquinone8Ug,
        Nutrient::Menaquinone9Ug,
        Nutrient::VitaminK2TotalUg,
    ];
    let mut fndds = 0;
    for f in t.foods() {
        if f.source == "usda-fndds-2021-2023" {
            fndds += 1;
            assert!(f.id.starts_with("fndds:"), "{}", f.id);
            for n in menaquinones {
                assert!(
                    f.value(n).is_none(),
                    "{} {} has {} = {:?}; FNDDS reports no menaquinone",
                    f.id,
                    f.name,
                    n.key(),
                    f.value(n)
                );
            }
            // Its other values are there: a dish is not an empty record.
            assert!(f.value(Nutrient::EnergyKcal).is_some(), "{}", f.id);
        }
        if let Some(mk7) = f.value(Nutrient::Menaquinone7Ug) {
            assert!(
                matches!(mk7.provenance, Provenance::Literature { .. }),
                "{} {}: MK-7 {:?}",
                f.id,
                f.name,
                mk7
            );
        }
    }
    // FNDDS 2021-2023 holds 5,431 foods (docs/food.md).
    assert_eq!(fndds, 5431);
    // Mixed dishes that contain natto, cheese or egg: their MK-7 is unknown, and the day's
    // total says so rather than counting it as 0.
    let pizza = t
        .search("pizza cheese", 1)
        .first()
        .map(|h| h.food.id.to_string())
        .expect("a cheese pizza");
    let pizza = t.get(&pizza).unwrap();
    let day = totals([(pizza, 150.0)]).unwrap();
    let mk7 = day.get(Nutrient::Menaquinone7Ug);
    assert_eq!(mk7.at_least, 0.0);
    assert_eq!(mk7.missing_foods, [pizza.id.to_string()]);
}
