use jiff::civil::date;
use vascalc_ct::Regions;

use super::*;
use crate::synthetic::Synthetic;
use crate::testxml::{Element, parse};
use vascalc_record::Medication;

fn texts(els: &[Element], pred: impl Fn(&Element) -> bool) -> Vec<&str> {
    els.iter()
        .filter(|e| pred(e))
        .map(|e| e.text.as_str())
        .collect()
}

/// vascalc-testdata's shared fixture, as the record keeps it: with `Regions::Auto` no chest
/// anatomy is found (flags withhold interpretation), with `WholeImage` it is an interpreted
/// score.
fn scored(regions: Regions) -> serde_json::Value {
    serde_json::to_value(vascalc_testdata::scans::blob_series(regions)).unwrap()
}

#[test]
fn ten_years_render_to_a_well_formed_document_with_every_section() {
    let data = Synthetic::new(date(2026, 12, 7), 3650);
    let html = render(&data.input());
    assert!(html.starts_with("<!DOCTYPE html>"));
    let els = parse(html.trim_start_matches("<!DOCTYPE html>\n"));
    let h2 = texts(&els, |e| e.name == "h2");
    assert!(!data.plan.alerts.is_empty());
    assert_eq!(
        h2,
        [
            "Safety alerts and notes",
            "Coronary artery calcium",
            "Risk estimates",
            "Kidney function",
            "Laboratory results",
            "Medications and supplements",
            "The plan and its sources",
            "Scoring convention and quality flags"
        ]
    );
    // "informs; does not prescribe" opens and closes; date and version in the footer.
    assert_eq!(html.matches(crate::INFORMS).count(), 2, "header and footer");
    let footer = els.iter().find(|e| e.name == "footer").unwrap();
    assert!(
        footer
            .text
            .contains("Generated on 2026-12-07 by vascalc test")
    );

    // One row per scan with its score; the CAC chart with three points and a band.
    let scan_rows: Vec<&Element> = els
        .iter()
        .filter(|e| e.name == "tr" && e.within("scans") && e.within("tbody"))
        .collect();
    assert_eq!(scan_rows.len(), data.scans.len());
    let svgs: Vec<&Element> = els.iter().filter(|e| e.name == "svg").collect();
    assert_eq!(
        svgs[0].attr("aria-labelledby"),
        Some("cac-chart-title cac-chart-desc")
    );
    let cac_points = els
        .iter()
        .filter(|e| {
            e.class() == "point" && e.within("figure") && e.ancestors.contains(&"svg".to_owned())
        })
        .count();
    assert!(cac_points >= 3);
    assert!(els.iter().any(|e| e.class() == "band"));

    // Risks: one row per estimate, each naming its source.
    let risk_rows = els
        .iter()
        .filter(|e| e.name == "tr" && e.within("risks") && e.within("tbody"))
        .count();
    assert_eq!(risk_rows, data.assessment.risks.len());
    assert!(risk_rows > 0);

    // Labs: each result a row; a chart per measure with two or more results (6 analytes,
    // quarterly for ten years).
    let lab_rows = els
        .iter()
        .filter(|e| e.name == "tr" && e.within("labs") && e.within("tbody"))
        .count();
    assert_eq!(lab_rows, data.labs.len());
    let lab_charts = els
        .iter()
        .filter(|e| e.name == "svg" && e.within("lab-charts"))
        .count();
    assert_eq!(lab_charts, 6);

    // Every table repeats its header: a thead with th cells.
    let tables = els.iter().filter(|e| e.name == "table").count();
    let theads = els.iter().filter(|e| e.name == "thead").count();
    assert_eq!(
        tables,
        theads + 1,
        "all but the person's facts table have a thead"
    );

    // Citations link their DOI.
    let dois = els
        .iter()
        .filter(|e| {
            e.name == "a"
                && e.attr("href")
                    .is_some_and(|h| h.starts_with("https://doi.org/10."))
        })
        .count();
    assert!(dois > 10, "{dois} DOI links");
    // Nothing from outside: no script, no external stylesheet or image.
    assert!(
        !els.iter()
            .any(|e| matches!(e.name.as_str(), "script" | "link" | "img" | "iframe"))
    );
}

#[test]
fn print_css_keeps_rows_and_charts_whole_and_repeats_headers() {
    let css = STYLE;
    assert!(css.contains("@page"));
    assert!(css.contains("thead { display: table-header-group; }"));
    let rule = css
        .lines()
        .find(|l| l.contains("break-inside: avoid") && l.contains("tr,"))
        .unwrap();
    for sel in ["tr", "figure", "svg", "tbody.item"] {
        assert!(rule.contains(sel), "{sel} not kept whole: {rule}");
    }
}

#[test]
fn a_score_that_was_not_interpreted_is_never_shown_as_a_score() {
    let mut data = Synthetic::new(date(2026, 12, 7), 800);
    let unreviewed = scored(Regions::Auto);
    let flags = unreviewed["flags"].as_array().unwrap();
    assert!(!flags.is_empty());
    let total = unreviewed["totals"]["agatston"].as_f64().unwrap();
    data.scans.push(Scan {
        date: date(2026, 12, 1),
        agatston: 777.77,
        per_artery: Default::default(),
        volume_mm3: None,
        mass_mg: None,
        source: ScanSource::Score,
        score: Some(unreviewed),
    });
    let html = render(&data.input());
    let els = parse(html.trim_start_matches("<!DOCTYPE html>\n"));
    let row = els
        .iter()
        .find(|e| e.name == "tr" && e.class() == "not-final")
        .expect("the scan's row says it is not final");
    assert!(row.text.contains("2026-12-01") && row.text.contains("Not a final score"));
    assert!(!html.contains("777.77"), "the stored total is not shown");
    let _ = total;
    // Not drawn: the chart's points are the other scans only.
    let desc = els
        .iter()
        .find(|e| e.attr("id") == Some("cac-chart-desc"))
        .unwrap();
    assert!(!desc.text.contains("2026-12-01"), "{}", desc.text);
    // The conventions section lists the flags, saying they withhold interpretation.
    assert!(html.contains("(withholds interpretation)"));

    // A stored score that does not read back is not a final score either.
    data.scans.last_mut().unwrap().score = Some(serde_json::json!({"totals": 3}));
    let html = render(&data.input());
    assert!(html.contains("cannot be read back") && !html.contains("777.77"));
}

#[test]
fn an_interpreted_score_shows_its_convention() {
    let mut data = Synthetic::new(date(2026, 12, 7), 800);
    let series = scored(Regions::WholeImage);
    let agatston = series["totals"]["agatston"].as_f64().unwrap();
    assert!(agatston > 0.0);
    data.scans.push(Scan {
        date: date(2026, 12, 1),
        agatston,
        per_artery: Default::default(),
        volume_mm3: series["totals"]["volume_mm3"].as_f64(),
        mass_mg: None,
        source: ScanSource::Score,
        score: Some(series),
    });
    let html = render(&data.input());
    assert!(html.contains("scored by vascalc, convention classic (threshold 130 HU"));
    assert!(html.contains(&crate::html::num(agatston)));
}

#[test]
fn entries_after_as_of_are_left_out_and_text_is_escaped() {
    let mut data = Synthetic::new(date(2026, 12, 7), 800);
    data.person.name = "<script>alert(1)</script> & Co".into();
    data.medications.push(Medication {
        name: "\"fish\" <oil>".into(),
        kind: "omega3".into(),
        dose: Some(1.0),
        unit: Some("g".into()),
        start: date(2025, 1, 1),
        end: None,
    });
    let mut input = data.input();
    input.as_of = date(2025, 6, 30);
    // The caller computes the progression as of `as_of` (the synthetic one is of all scans).
    input.progression = None;
    let html = render(&input);
    assert!(!html.contains("<script>"));
    let els = parse(html.trim_start_matches("<!DOCTYPE html>\n"));
    let h1 = els.iter().find(|e| e.name == "h1").unwrap();
    assert_eq!(h1.text, "<script>alert(1)</script> & Co");
    assert!(
        els.iter()
            .any(|e| e.name == "td" && e.text == "\"fish\" <oil>")
    );
    // The last two scans and quarterly labs after 2025-06-30 are not shown.
    for e in els.iter().filter(|e| e.name == "td" && !e.within("facts")) {
        assert!(
            !(e.text.starts_with("2025-07")
                || e.text.starts_with("2025-1")
                || e.text.starts_with("2026")),
            "{}",
            e.text
        );
    }
}

#[test]
fn without_assessment_or_plan_the_report_says_why() {
    let data = Synthetic::new(date(2026, 12, 7), 400);
    let mut input = data.input();
    input.assessment = Err("the profile needs a birth date and sex");
    input.plan = Err("no plan today");
    input.progression = None;
    input.scans = &[];
    input.labs = &[];
    input.medications = &[];
    let html = render(&input);
    parse(html.trim_start_matches("<!DOCTYPE html>\n"));
    assert!(html.contains("No assessment: the profile needs a birth date and sex"));
    assert!(html.contains("No plan: no plan today"));
    assert!(html.contains("No scan recorded on or before 2026-12-07"));
    assert!(html.contains("No laboratory result recorded"));
}

#[test]
fn dois_in_sources_become_links() {
    let s = link_dois("Hokanson JE et al. AJR 2004, doi:10.2214/ajr.182.5.1821327 (square-root).");
    assert_eq!(
        s,
        "Hokanson JE et al. AJR 2004, <a href=\"https://doi.org/10.2214/ajr.182.5.1821327\">\
         doi:10.2214/ajr.182.5.1821327</a> (square-root)."
    );
    assert_eq!(
        link_dois("(doi:10.1/x)."),
        "(<a href=\"https://doi.org/10.1/x\">doi:10.1/x</a>)."
    );
    assert_eq!(link_dois("a < b"), "a &lt; b");
}
