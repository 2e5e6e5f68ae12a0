//! `plan()` and `adherence()` on ten years of daily logs (3,650 days of food totals, activity,
//! vitals and three dose logs; quarterly labs; three scans).

use vascalc_program::date::DateExt;
use vascalc_program::{adherence, plan, synthetic};

fn main() {
    divan::main();
}

fn ten_years() -> vascalc_program::PlanInput {
    let today = vascalc_program::date::from_ymd(2025, 6, 30)
        .unwrap_or(vascalc_program::date::from_ymd(2000, 1, 1).unwrap());
    synthetic::record(today, 3650)
}

#[divan::bench(sample_count = 30)]
fn plan_ten_years(b: divan::Bencher) {
    let input = ten_years();
    b.bench(|| plan(divan::black_box(&input)));
}

#[divan::bench(sample_count = 30)]
fn adherence_ten_years(b: divan::Bencher) {
    let input = ten_years();
    let (from, to) = (input.today.add_days(-3649), input.today);
    b.bench(|| adherence(divan::black_box(&input), from, to));
}
