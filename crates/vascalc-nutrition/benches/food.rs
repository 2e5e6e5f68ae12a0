//! Benchmarks of the shipped food table: load at start-up and search.
//!
//! Run with `scripts/bench-food.sh`. Before divan's own report, `main` prints the search
//! latency percentiles over a fixed list of everyday, misspelled and spoken-style queries
//! (one thread), and the cold load + first-search time of the shipped table (text and
//! pre-built index, as `FoodTable::shipped` loads it): together the start-up cost of a
//! `food search` or `log food`; and, for comparison, a complete parse of the text with the
//! search index built (what start-up cost before the pre-built index).

use std::time::{Duration, Instant};

use vascalc_nutrition::{FoodTable, SHIPPED_INDEX, SHIPPED_TABLE};

const QUERIES: &[&str] = &[
    "natto",
    "salmon",
    "chedar",
    "spinach raw",
    "milk",
    "egg",
    "egg yolk",
    "butter",
    "broccoli",
    "almonds",
    "kale",
    "sardines",
    "greek yogurt",
    "olive oil",
    "banana",
    "apple",
    "oats",
    "brown rice",
    "whole wheat bread",
    "black beans",
    "lentils",
    "chickpeas",
    "avocado",
    "potato",
    "tomato",
    "walnuts",
    "chia seeds",
    "flaxseed",
    "pumpkin seeds",
    "chicken breast",
    "ground beef",
    "beef liver",
    "tuna",
    "mackerel",
    "herring",
    "cod",
    "shrimp",
    "tofu",
    "swiss chard",
    "sauerkraut",
    "gouda",
    "parmesan",
    "brie",
    "cottage cheese",
    "dark chocolate",
    "coffee",
    "cola",
    "blueberries",
    "peanut butter",
    "sweet potato",
    "brocoli",
    "spinnach",
    "samon",
    "avocdo",
    "parmesean",
    "yoghurt",
    "chicken breast roasted skinless",
    "fish salmon atlantic farmed raw",
    "latte",
    "coffee with milk",
    "sushi",
    "porridge",
    "hamburger",
    "white rice",
    "courgette",
    "king prawns",
    "spaghetti bolognese",
    "chicken curry",
    "salad with dressing",
    "toast",
    "semi-skimmed milk",
    "pepperoni pizza",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn report() {
    let t0 = Instant::now();
    let table = FoodTable::from_index(SHIPPED_TABLE, SHIPPED_INDEX).expect("shipped table loads");
    let load = t0.elapsed();
    let t1 = Instant::now();
    let first_hits = table.search("warm", 10);
    let _ = first_hits.first().and_then(|h| table.get(h.food.id));
    let first = t1.elapsed();
    let t2 = Instant::now();
    let parsed = FoodTable::parse(SHIPPED_TABLE).expect("shipped table parses");
    let parse = t2.elapsed();
    drop(parsed);
    let mut times = Vec::new();
    for _ in 0..20 {
        for q in QUERIES {
            let t = Instant::now();
            let hits = table.search(q, 10);
            times.push(t.elapsed());
            std::hint::black_box(hits);
        }
    }
    times.sort();
    println!(
        "food table: {} foods, {} bytes of text, {} bytes of index; cold load {:.2} ms; \
         first search and food {:.2} ms; complete parse with index build {:.1} ms",
        table.len(),
        SHIPPED_TABLE.len(),
        SHIPPED_INDEX.len(),
        load.as_secs_f64() * 1e3,
        first.as_secs_f64() * 1e3,
        parse.as_secs_f64() * 1e3
    );
    println!(
        "search over {} queries x 20: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        QUERIES.len(),
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3)
    );
}

fn main() {
    report();
    divan::main();
}

#[divan::bench(sample_count = 20)]
fn load_table() -> FoodTable {
    FoodTable::from_index(SHIPPED_TABLE, SHIPPED_INDEX).expect("shipped table loads")
}

#[divan::bench(sample_count = 5)]
fn parse_table_completely() -> FoodTable {
    FoodTable::parse(SHIPPED_TABLE).expect("shipped table parses")
}

#[divan::bench(args = ["natto", "chedar", "spinach raw", "fish salmon atlantic farmed raw", "parmesean"])]
fn search(bencher: divan::Bencher, query: &str) {
    let table = FoodTable::from_index(SHIPPED_TABLE, SHIPPED_INDEX).expect("shipped table loads");
    bencher.bench_local(|| table.search(divan::black_box(query), 10));
}
