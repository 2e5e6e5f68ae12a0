//! `render()` of the clinician report on ten years of synthetic data (vascalc-program's
//! synthetic record: 3,650 days, quarterly labs, three scans, three courses; its plan and the
//! assessment and progression vascalc-clinical makes of it).

use vascalc_report::render;
use vascalc_report::synthetic::Synthetic;

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 30)]
fn render_ten_years(b: divan::Bencher) {
    let today = vascalc_domain::date::from_ymd(2026, 12, 7)
        .unwrap_or(vascalc_domain::date::from_ymd(2000, 1, 1).unwrap());
    let data = Synthetic::new(today, 3650);
    let input = data.input();
    b.bench(|| render(divan::black_box(&input)));
}
