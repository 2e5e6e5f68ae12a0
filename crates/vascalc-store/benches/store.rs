//! Bulk writes and the reads the plan needs. Run: `cargo bench -p vascalc-store`.

use jiff::ToSpan;
use jiff::civil::{Date, date};
use vascalc_store::{FoodEntry, Person, PersonRecord, Store};

fn main() {
    divan::main();
}

/// `n` food-log entries, five a day, ending on 2026-01-01.
fn food_log(n: usize) -> Vec<FoodEntry> {
    let end = date(2026, 1, 1);
    let ids = [
        "sr28:11457",
        "sr28:01009",
        "sr28:15076",
        "sr28:16063",
        "user:natto",
    ];
    (0..n)
        .map(|i| FoodEntry {
            date: end
                .checked_sub(((i / 5) as i64).days())
                .unwrap_or(Date::MIN),
            food_id: ids[i % ids.len()].to_owned(),
            grams: 50.0 + (i % 7) as f64 * 10.0,
            portion: None,
        })
        .collect()
}

/// Importing 100,000 food-log entries into a fresh database file (one transaction).
#[divan::bench(sample_count = 5)]
fn import_100k_food_entries(bencher: divan::Bencher) {
    let mut record = PersonRecord::new(Person::named("Ann"));
    record.foods = food_log(100_000);
    bencher
        .with_inputs(|| {
            let dir = std::env::temp_dir().join(format!("vascalc-bench-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Store::open(&dir.join("bench.db")).unwrap()
        })
        .bench_local_refs(|store| store.import(std::slice::from_ref(&record), false).unwrap());
}

/// The last 30 days of food grams out of ten years of daily logs (18,250 entries).
#[divan::bench(sample_count = 20)]
fn food_grams_last_30_days_of_ten_years(bencher: divan::Bencher) {
    let mut store = Store::open_in_memory().unwrap();
    let mut record = PersonRecord::new(Person::named("Ann"));
    record.foods = food_log(3650 * 5);
    store.import(&[record], false).unwrap();
    let (id, _) = store.select_person(None).unwrap();
    bencher.bench_local(|| {
        store
            .food_grams_by_day(id, Some(date(2025, 12, 2)))
            .unwrap()
    });
}
