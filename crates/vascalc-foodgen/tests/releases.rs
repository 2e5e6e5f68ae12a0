//! The shipped table against the releases it was generated from (skipped without
//! `../shared/data/food`).

use std::collections::HashMap;

use vascalc_foodgen::{curated, fdc, fndds, sr28};
use vascalc_nutrition::{FoodTable, Nutrient, Provenance, SHIPPED_TABLE};

fn measured_in(p: &Provenance, release: &str) -> bool {
    matches!(p, Provenance::Measured { source, detail: None } if source == release)
}

#[test]
fn regenerating_gives_the_committed_table_byte_for_byte() {
    let Some(data) = vascalc_testdata::require("food") else {
        return;
    };
    let text = vascalc_foodgen::generate(&data, &vascalc_foodgen::default_curated_path()).unwrap();
    if text != SHIPPED_TABLE {
        let first = text
            .lines()
            .zip(SHIPPED_TABLE.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "the committed data/foods.tsv differs from a fresh generation (first at line {}); rerun vascalc-foodgen",
            first + 1
        );
    }
}

#[test]
fn every_sr28_value_equals_nut_data() {
    let Some(dir) = vascalc_testdata::require("food/sr28") else {
        return;
    };
    let table = FoodTable::shipped().unwrap();
    let gz = std::fs::read(dir.join("NUT_DATA.txt.gz")).unwrap();
    let text = sr28::nut_data_text(&gz).unwrap();
    // Independent reading of the caret file: NDB^Nutr_No^Nutr_Val^…
    let mut release: HashMap<(String, Nutrient), f64> = HashMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line
            .trim_end_matches('\r')
            .split('^')
            .map(|x| x.trim_matches('~'))
            .collect();
        if let Some((_, n)) = sr28::DIRECT.iter().find(|(nr, _)| *nr == f[1]) {
            release.insert((format!("ndb:{}", f[0]), *n), f[2].parse().unwrap());
        }
    }
    assert!(release.len() > 100_000, "{}", release.len());
    let mut compared = 0;
    for ((id, n), v) in &release {
        let food = table
            .get(id)
            .unwrap_or_else(|| panic!("{id} is missing from the table"));
        let got = food
            .value(*n)
            .unwrap_or_else(|| panic!("{id} {n}: missing, release has {v}"));
        assert!(
            measured_in(&got.provenance, "usda-sr28"),
            "{id} {n}: {:?}",
            got.provenance
        );
        assert_eq!(got.value, *v, "{id} {n}");
        compared += 1;
    }
    // And nothing measured in SR28 that the release does not hold.
    for food in table.foods().filter(|f| f.source == "usda-sr28") {
        for (n, v) in food.per_100g.iter() {
            if measured_in(&v.provenance, "usda-sr28") {
                assert!(
                    release.contains_key(&(food.id.to_string(), n)),
                    "{} {n} not in NUT_DATA",
                    food.id
                );
            }
        }
    }
    assert!(compared > 100_000);
}

#[test]
fn every_foundation_value_equals_food_nutrient_csv() {
    let Some(_) = vascalc_testdata::require("food/fdc-foundation-2024-10-31") else {
        return;
    };
    let data = vascalc_testdata::require("food").unwrap();
    let table = FoodTable::shipped().unwrap();
    let mut rel = fdc::release();
    let mut zip = fdc::open(&data, &mut rel).unwrap();
    let parsed = fdc::parse(&mut zip).unwrap();
    assert!(parsed.foods.len() > 300);
    let mut compared = 0;
    for ((fdc_id, nid), v) in &parsed.amounts {
        let Some((_, n)) = fdc::DIRECT.iter().find(|(k, _)| k == nid) else {
            continue;
        };
        let food = table.get(&format!("fdc:{fdc_id}")).unwrap();
        let got = food.value(*n).unwrap();
        assert!(
            measured_in(&got.provenance, fdc::RELEASE_ID),
            "{fdc_id} {n}"
        );
        assert_eq!(got.value, *v, "fdc:{fdc_id} {n}");
        compared += 1;
    }
    assert!(compared > 3000, "{compared}");
}

#[test]
fn ciqual_k2_foods_equal_the_sheet() {
    let Some(path) =
        vascalc_testdata::require("food/ciqual-2020/Table Ciqual 2020_ENG_2020 07 07.xls")
    else {
        return;
    };
    let table = FoodTable::shipped().unwrap();
    let rows = vascalc_foodgen::ciqual::rows(std::fs::read(path).unwrap()).unwrap();
    assert!(rows.len() > 3000);
    let with_k2: Vec<_> = rows
        .iter()
        .filter(|r| {
            r.values
                .iter()
                .any(|(n, _)| *n == Nutrient::VitaminK2TotalUg)
        })
        .collect();
    assert_eq!(
        with_k2.len(),
        32,
        "research note: vitamin K2 is filled for 32 Ciqual foods"
    );
    for r in with_k2 {
        let food = table.get(&format!("ciqual:{}", r.code)).unwrap();
        assert_eq!(food.name, r.name);
        for (n, v) in &r.values {
            assert_eq!(
                food.value(*n).map(|x| x.value),
                Some(*v),
                "ciqual:{} {n}",
                r.code
            );
        }
    }
    // Spot values the research note verified in the file.
    let f = table.get("ciqual:40120").unwrap();
    assert_eq!(f.name, "Liver, goose, raw");
    assert_eq!(f.value(Nutrient::VitaminK2TotalUg).unwrap().value, 369.0);
    let yolk = table.get("ciqual:22002").unwrap();
    assert_eq!(yolk.value(Nutrient::VitaminK2TotalUg).unwrap().value, 32.1);
}

#[test]
fn curated_file_parses_and_every_value_has_a_citation() {
    let (_, c) = curated::read(&vascalc_foodgen::default_curated_path()).unwrap();
    assert!(!c.values.is_empty());
    for v in &c.values {
        let cit = c.citations.get(&v.citation).expect("citation key");
        assert!(!cit.text.is_empty() && !cit.checked.is_empty());
    }
}

#[test]
fn every_fndds_value_equals_the_workbook_and_menaquinones_stay_missing() {
    let Some(dir) = vascalc_testdata::require("food/fndds/2021-2023") else {
        return;
    };
    let table = FoodTable::shipped().unwrap();
    let bytes = std::fs::read(dir.join(fndds::NUTRIENTS_FILE)).unwrap();
    let (header, rows) = fndds::sheet(bytes, "nutrients").unwrap();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let c_code = col("Food code");
    let c_name = col("Main food description");
    let mut compared = 0;
    let mut foods = 0;
    for r in &rows {
        let Some(code) = r.get(c_code).and_then(fndds::number) else {
            continue;
        };
        let id = format!("fndds:{}", code as i64);
        let food = table
            .get(&id)
            .unwrap_or_else(|| panic!("{id} is missing from the table"));
        // The generator collapses runs of spaces ("fat free  (skim)").
        let name = r[c_name].to_string();
        assert_eq!(
            food.name,
            name.split_whitespace().collect::<Vec<_>>().join(" "),
            "{id}"
        );
        foods += 1;
        for (h, n) in fndds::DIRECT {
            let v = fndds::number(&r[col(h)]).unwrap();
            let got = food.value(*n).unwrap();
            assert!(measured_in(&got.provenance, fndds::RELEASE_ID), "{id} {n}");
            assert_eq!(got.value, v, "{id} {n}");
            compared += 1;
        }
        let ala = food.value(Nutrient::AlaG).unwrap();
        assert_eq!(
            ala.value,
            fndds::number(&r[col(fndds::ALA_COLUMN)]).unwrap()
        );
        // FNDDS has no menaquinones: missing, never 0.
        for n in [
            Nutrient::Menaquinone4Ug,
            Nutrient::Menaquinone7Ug,
            Nutrient::VitaminK2TotalUg,
        ] {
            assert!(food.value(n).is_none(), "{id} {n}");
        }
    }
    assert_eq!(
        foods, 5431,
        "FNDDS 2021-2023 has 5,431 foods with nutrient values"
    );
    assert!(compared > 70_000);
    // Natto keeps its literature MK-7 (SR28 record), and search shows it first.
    let natto = table.get("ndb:16113").unwrap();
    assert!(natto.value(Nutrient::Menaquinone7Ug).is_some());
    assert_eq!(table.search("natto", 1)[0].food.id, "ndb:16113");
}
