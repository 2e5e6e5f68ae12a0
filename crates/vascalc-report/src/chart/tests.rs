use jiff::civil::date;
use vascalc_clinical::progression::expected_trajectory;

use super::*;
use crate::testxml::{Element, parse};

fn points_of(e: &Element) -> Vec<(f64, f64)> {
    e.attr("points")
        .unwrap_or("")
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').expect("x,y");
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

fn f(e: &Element, a: &str) -> f64 {
    e.attr(a).unwrap().parse().unwrap()
}

/// The demo person's scans (48, 96, 131 AU), a man: the band is Kronmal 2007's 21 AU/year
/// from the first scan.
fn demo_chart_parts() -> (Vec<CacPoint>, Vec<(Date, ExpectedScore)>, Vec<Span>) {
    let scans = vec![
        CacPoint {
            date: date(2020, 11, 7),
            agatston: 48.0,
        },
        CacPoint {
            date: date(2023, 11, 27),
            agatston: 96.0,
        },
        CacPoint {
            date: date(2026, 11, 16),
            agatston: 131.0,
        },
    ];
    let base = vascalc_clinical::Scan {
        date: scans[0].date,
        agatston: 48.0,
        volume_mm3: None,
    };
    let dates = scans
        .iter()
        .map(|s| s.date)
        .chain([date(2022, 6, 1), date(2026, 12, 7)]);
    let mut band = expected_trajectory(&base, vascalc_clinical::Sex::Male, dates).unwrap();
    band.sort_by_key(|(d, _)| *d);
    let spans = vec![
        Span {
            label: "atorvastatin 20 mg".into(),
            start: date(2020, 12, 27),
            end: None,
        },
        Span {
            label: "fish oil <1 g> & \"more\"".into(),
            start: date(2023, 12, 8),
            end: Some(date(2024, 12, 7)),
        },
    ];
    (scans, band, spans)
}

#[test]
fn nice_ticks_cover_the_range_in_even_steps() {
    assert_eq!(nice_ticks(0.0, 141.48, 5), [0.0, 50.0, 100.0, 150.0]);
    assert_eq!(nice_ticks(0.0, 10.0, 5), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    let t = nice_ticks(0.85, 1.2, 4);
    assert!(t[0] <= 0.85 && *t.last().unwrap() >= 1.2, "{t:?}");
    let steps: Vec<f64> = t.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(steps.iter().all(|s| (s - steps[0]).abs() < 1e-9), "{t:?}");
    assert_eq!(tick_decimals(&t), 1, "{t:?}");
    assert!(nice_ticks(f64::NAN, 1.0, 4).is_empty());
    assert!(nice_ticks(5.0, 5.0, 4).len() >= 2);
}

#[test]
fn time_ticks_are_years_on_long_axes_and_months_on_short_ones() {
    let long = time_ticks(date(2020, 11, 7), date(2026, 12, 7));
    let labels: Vec<&str> = long.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["2021", "2022", "2023", "2024", "2025", "2026"]);
    assert_eq!(long[0].0, date(2021, 1, 1));
    let short = time_ticks(date(2026, 1, 15), date(2026, 7, 1));
    let labels: Vec<&str> = short.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"
        ]
    );
    let decades = time_ticks(date(1990, 1, 1), date(2026, 1, 1));
    assert!(decades.len() <= 10 && decades.iter().all(|(d, _)| d.year() % 5 == 0));
}

#[test]
fn cac_chart_draws_scans_band_and_spans() {
    let (scans, band, spans) = demo_chart_parts();
    let svg = cac_chart(&CacChart {
        id: "cac",
        scans: &scans,
        band: &band,
        band_baseline: Some(scans[0].date),
        interventions: &spans,
        from: scans[0].date,
        to: date(2026, 12, 7),
    });
    let els = parse(&svg);
    let root = &els[0];
    assert_eq!(root.name, "svg");
    assert_eq!(root.attr("role"), Some("img"));
    assert_eq!(root.attr("aria-labelledby"), Some("cac-title cac-desc"));
    let title = els
        .iter()
        .find(|e| e.attr("id") == Some("cac-title"))
        .unwrap();
    assert_eq!(title.name, "title");
    let desc = els
        .iter()
        .find(|e| e.attr("id") == Some("cac-desc"))
        .unwrap();
    assert!(desc.text.contains("2020-11-07: 48"), "{}", desc.text);
    assert!(
        desc.text
            .contains("atorvastatin 20 mg: 2020-12-27 to ongoing")
    );

    // Three points, higher scores higher on the page (smaller y), each value written beside it.
    let pts: Vec<&Element> = els.iter().filter(|e| e.class() == "point").collect();
    assert_eq!(pts.len(), 3);
    let ys: Vec<f64> = pts.iter().map(|e| f(e, "cy")).collect();
    assert!(ys[0] > ys[1] && ys[1] > ys[2], "{ys:?}");
    let xs: Vec<f64> = pts.iter().map(|e| f(e, "cx")).collect();
    assert!(xs[0] < xs[1] && xs[1] < xs[2], "{xs:?}");
    let values: Vec<&str> = els
        .iter()
        .filter(|e| e.class() == "value")
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(values, ["48", "96", "131"]);

    // Axis ticks: 0 to 300 AU (the band's top on 2026-12-07 is (√175.7 + 2.5)² ≈ 248) and the
    // years.
    let ticks: Vec<&str> = els
        .iter()
        .filter(|e| e.class() == "tick")
        .map(|e| e.text.as_str())
        .collect();
    for t in ["0", "100", "200", "300", "2021", "2026"] {
        assert!(ticks.contains(&t), "{t} missing from {ticks:?}");
    }

    // The band: one vertex per trajectory date on each edge; upper edge above the lower one.
    let polygon = els.iter().find(|e| e.class() == "band").unwrap();
    let p = points_of(polygon);
    assert_eq!(p.len(), 2 * band.len());
    let n = band.len();
    for i in 0..n {
        let (upper, lower) = (p[i], p[2 * n - 1 - i]);
        assert!((upper.0 - lower.0).abs() < 1e-9);
        assert!(upper.1 <= lower.1, "{upper:?} {lower:?}");
    }
    // The second scan (96 AU) is within the expected range (clinical: "within"), so its point
    // lies between the band's edges at its date.
    assert_eq!(band[2].1.compare(96.0), "within");
    let at = p.iter().position(|v| (v.0 - xs[1]).abs() < 0.05).unwrap();
    let lower = p[2 * n - 1 - at];
    assert!(
        p[at].1 < ys[1] && ys[1] < lower.1,
        "{:?} {} {:?}",
        p[at],
        ys[1],
        lower
    );
    assert!(els.iter().any(|e| e.class() == "expected-line"));

    // Interventions: one bar each, labels escaped and read back whole; the ongoing one ends in
    // an arrow at the axis end.
    let bars: Vec<&Element> = els
        .iter()
        .filter(|e| e.name == "rect" && e.within("span"))
        .collect();
    assert_eq!(bars.len(), 2);
    assert!(f(bars[0], "x") < f(bars[1], "x"));
    let labels: Vec<&str> = els
        .iter()
        .filter(|e| e.name == "text" && e.within("span"))
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        labels[1],
        "fish oil <1 g> & \"more\": 2023-12-08 – 2024-12-07"
    );
    assert_eq!(
        els.iter()
            .filter(|e| e.name == "path" && e.within("span"))
            .count(),
        1
    );
    // The legend says in words what each mark is.
    assert!(svg.contains("observed scan") && svg.contains("expected (MESA median change)"));
}

#[test]
fn cac_chart_leaves_out_values_that_are_not_numbers() {
    let scans = [
        CacPoint {
            date: date(2024, 1, 1),
            agatston: f64::NAN,
        },
        CacPoint {
            date: date(2025, 1, 1),
            agatston: 0.0,
        },
    ];
    let svg = cac_chart(&CacChart {
        id: "c",
        scans: &scans,
        band: &[],
        band_baseline: None,
        interventions: &[],
        from: date(2024, 1, 1),
        to: date(2025, 1, 1),
    });
    let els = parse(&svg);
    assert_eq!(els.iter().filter(|e| e.class() == "point").count(), 1);
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    assert!(!els.iter().any(|e| e.class() == "band"));
}

#[test]
fn line_chart_has_a_point_and_value_per_result() {
    let pts = [
        (date(2020, 10, 28), 158.0),
        (date(2026, 11, 7), 84.0),
        (date(2023, 11, 17), 96.0),
    ];
    let svg = line_chart(&LineChart {
        id: "lab-ldl",
        title: "LDL cholesterol",
        unit: "mg/dL",
        points: &pts,
    });
    let els = parse(&svg);
    let p: Vec<&Element> = els.iter().filter(|e| e.class() == "point").collect();
    assert_eq!(p.len(), 3);
    // Sorted by date: 158, 96, 84 — falling, so y grows.
    let ys: Vec<f64> = p.iter().map(|e| f(e, "cy")).collect();
    assert!(ys[0] < ys[1] && ys[1] < ys[2], "{ys:?}");
    let values: Vec<&str> = els
        .iter()
        .filter(|e| e.class() == "value")
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(values, ["158", "96", "84"]);
    assert!(els.iter().any(|e| e.class() == "unit" && e.text == "mg/dL"));
    let ticks: Vec<f64> = els
        .iter()
        .filter(|e| e.class() == "tick" && e.within("y-axis"))
        .map(|e| e.text.parse().unwrap())
        .collect();
    assert!(
        ticks[0] <= 84.0 && *ticks.last().unwrap() >= 158.0,
        "{ticks:?}"
    );
    assert!(
        els.iter()
            .any(|e| e.name == "desc" && e.text.contains("2026-11-07: 84"))
    );

    let one = line_chart(&LineChart {
        id: "one",
        title: "PTH",
        unit: "pg/mL",
        points: &[(date(2026, 1, 1), 41.0)],
    });
    assert_eq!(
        parse(&one).iter().filter(|e| e.class() == "point").count(),
        1
    );
    let none = line_chart(&LineChart {
        id: "none",
        title: "PTH",
        unit: "pg/mL",
        points: &[(date(2026, 1, 1), f64::INFINITY)],
    });
    assert!(none.contains("no values"));
    parse(&none);
}
