//! Search quality: everyday queries, each with the food a person means in the top 3.
//!
//! A hit counts when its name starts with one of the accepted prefixes (the SR28 and FDC
//! Foundation records of the same food share a name). The intended foods were written down
//! from the query alone, before looking at the ranking; when FNDDS (foods as eaten) joined the
//! table, its record of the same food ("Almonds, NFS", "Shrimp, NFS") was added to the
//! accepted names. The larger everyday set is `tests/phrases.rs`.

use vascalc_nutrition::FoodTable;

const CASES: &[(&str, &[&str])] = &[
    ("natto", &["Natto"]),
    ("salmon", &["Fish, salmon,", "Salmon, raw"]),
    ("chedar", &["Cheese, cheddar"]),
    ("cheddar cheese", &["Cheese, cheddar"]),
    ("spinach raw", &["Spinach, raw"]),
    ("spinach", &["Spinach, raw", "Spinach, cooked"]),
    (
        "milk",
        &[
            "Milk, whole",
            "Milk, reduced fat",
            "Milk, lowfat",
            "Milk, nonfat",
        ],
    ),
    (
        "egg",
        &[
            "Egg, whole, boiled or poached",
            "Egg, whole, cooked",
            "Egg, whole, raw",
            "Egg, whole, cooked",
        ],
    ),
    (
        "egg yolk",
        &[
            "Egg, yolk, raw, fresh",
            "Egg yolk, raw",
            "Egg, yolk only, cooked",
        ],
    ),
    (
        "butter",
        &[
            "Butter, NFS",
            "Butter, stick",
            "Butter, salted",
            "Butter, without salt",
        ],
    ),
    ("broccoli", &["Broccoli, raw", "Broccoli, cooked"]),
    ("almonds", &["Almonds, NFS", "Nuts, almonds"]),
    ("kale", &["Kale, raw", "Kale, cooked"]),
    ("sardines", &["Fish, sardines", "Fish, sardine,"]),
    ("greek yogurt", &["Yogurt, Greek, plain"]),
    ("plain yogurt", &["Yogurt, plain"]),
    ("olive oil", &["Oil, olive"]),
    ("banana", &["Bananas, raw"]),
    ("apple", &["Apples, raw, with skin", "Apples, raw"]),
    ("oats", &["Oats"]),
    (
        "brown rice",
        &[
            "Rice, brown, long-grain",
            "Rice, brown, medium-grain",
            "Rice, brown, cooked",
        ],
    ),
    (
        "white rice cooked",
        &[
            "Rice, white, long-grain, regular, cooked",
            "Rice, white, medium-grain, cooked",
            "Rice, white, short-grain, cooked",
            "Rice, white, cooked",
        ],
    ),
    (
        "whole wheat bread",
        &["Bread, whole-wheat", "Bread, whole wheat"],
    ),
    ("black beans", &["Beans, black, mature seeds"]),
    ("lentils", &["Lentils, raw", "Lentils, mature seeds"]),
    (
        "chickpeas",
        &[
            "Chickpeas (garbanzo beans, bengal gram), mature seeds",
            "Chickpeas, NFS",
        ],
    ),
    ("avocado", &["Avocados, raw"]),
    (
        "potato",
        &[
            "Potatoes, flesh and skin, raw",
            "Potatoes, baked",
            "Potatoes, boiled",
            "Potato, boiled",
            "Potato, baked",
        ],
    ),
    ("tomato", &["Tomatoes, red, ripe, raw"]),
    (
        "walnuts",
        &["Nuts, walnuts, english", "Nuts, walnuts, English"],
    ),
    ("chia seeds", &["Seeds, chia seeds"]),
    ("flaxseed", &["Seeds, flaxseed"]),
    (
        "pumpkin seeds",
        &[
            "Seeds, pumpkin and squash seed kernels",
            "Seeds, pumpkin seeds",
            "Pumpkin seeds, NFS",
        ],
    ),
    (
        "chicken breast",
        &[
            "Chicken, broilers or fryers, breast, meat only",
            "Chicken, breast, boneless, skinless, raw",
            "Chicken, breast, without skin, raw",
            "Chicken breast,",
        ],
    ),
    ("ground beef", &["Beef, ground,"]),
    (
        "beef liver",
        &["Beef, variety meats and by-products, liver"],
    ),
    ("chicken liver", &["Chicken, liver"]),
    ("tuna", &["Fish, tuna,"]),
    (
        "canned tuna",
        &["Fish, tuna, light, canned", "Fish, tuna, white, canned"],
    ),
    ("mackerel", &["Fish, mackerel,"]),
    (
        "herring",
        &["Fish, herring, Atlantic", "Fish, herring, Pacific"],
    ),
    ("cod", &["Fish, cod,"]),
    ("shrimp", &["Shrimp, NFS", "Crustaceans, shrimp"]),
    ("tofu", &["Tofu, raw", "Tofu, firm"]),
    ("swiss chard", &["Chard, swiss"]),
    ("sauerkraut", &["Sauerkraut"]),
    ("gouda", &["Cheese, gouda", "Cheese, hard, Dutch type"]),
    ("parmesan", &["Cheese, parmesan"]),
    ("brie", &["Cheese, brie"]),
    ("edam", &["Cheese, edam", "Edam cheese"]),
    ("cottage cheese", &["Cheese, cottage"]),
    ("cream cheese", &["Cheese, cream"]),
    (
        "dark chocolate",
        &["Chocolate, dark", "Dark chocolate candy"],
    ),
    ("coffee", &["Coffee, brewed", "Beverages, coffee, brewed"]),
    ("cola", &["Soft drink, cola", "Beverages, carbonated, cola"]),
    ("orange", &["Oranges, raw"]),
    ("blueberries", &["Blueberries, raw"]),
    ("strawberries", &["Strawberries, raw"]),
    ("carrot", &["Carrots, raw"]),
    (
        "peanut butter",
        &[
            "Peanut butter, smooth style",
            "Peanut butter, chunk style",
            "Peanut butter, creamy",
            "Peanut butter",
        ],
    ),
    (
        "sweet potato",
        &[
            "Sweet potato, raw",
            "Sweet potato, cooked",
            "Sweet potato, NFS",
        ],
    ),
    ("quinoa", &["Quinoa"]),
    ("cashews", &["Cashews, NFS", "Nuts, cashew nuts"]),
    ("goose liver", &["Liver, goose, raw", "Goose, liver, raw"]),
    // Typos.
    ("brocoli", &["Broccoli, raw", "Broccoli, cooked"]),
    ("spinnach", &["Spinach, raw", "Spinach, cooked"]),
    ("samon", &["Fish, salmon,", "Salmon, raw"]),
    ("avocdo", &["Avocados, raw"]),
    ("parmesean", &["Cheese, parmesan"]),
    (
        "yoghurt",
        &["Yogurt, plain", "Yogurt, Greek, plain", "Yoghurt, plain"],
    ),
];

#[test]
fn everyday_queries_find_the_intended_food_in_the_top_3() {
    let t = FoodTable::shipped().unwrap();
    let mut failures = Vec::new();
    for (query, accepted) in CASES {
        let hits = t.search(query, 3);
        let ok = hits
            .iter()
            .any(|h| accepted.iter().any(|a| h.food.name.starts_with(a)));
        if !ok {
            let got: Vec<&str> = hits.iter().map(|h| h.food.name).collect();
            failures.push(format!("{query:?}: got {got:?}"));
        }
    }
    assert!(CASES.len() >= 40);
    assert!(
        failures.is_empty(),
        "{} of {} queries failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn natto_comes_first_with_its_mk7() {
    let t = FoodTable::shipped().unwrap();
    let hits = t.search("natto", 3);
    assert_eq!(hits[0].food.id, "ndb:16113");
}

#[test]
fn empty_and_odd_queries_do_not_panic() {
    let t = FoodTable::shipped().unwrap();
    for q in [
        "",
        " ",
        ",,,",
        "ééé",
        "a",
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        "1 2 3 4 5 6 7 8 9 10 11 12",
    ] {
        let _ = t.search(q, 5);
    }
    assert!(t.search("", 5).is_empty());
    assert!(t.search("spinach", 0).is_empty());
    // More distinct words than a byte counts.
    let long: String = (0..400).map(|i| format!("w{i} milk ")).collect();
    let _ = t.search(&long, 5);
}
