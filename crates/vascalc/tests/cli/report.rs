//! End to end: `vascalc report --out FILE.html` on the demo person's record.

use crate::common::{TempDir, fails, ok};

/// The demo record (`vascalc demo`), then its report as of today.
fn demo_report(dir: &TempDir) -> String {
    let db = dir.db();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vascalc"))
        .args(["demo", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = dir.0.join("report.html");
    let said = ok(&db, &["report", "--out", file.to_str().unwrap()]);
    assert!(said.contains("Wrote the report of Demo Person"), "{said}");
    std::fs::read_to_string(&file).unwrap()
}

fn rows_of<'a>(html: &'a str, table_class: &str) -> Vec<&'a str> {
    let start = html
        .find(&format!("<table class=\"{table_class}\">"))
        .unwrap_or_else(|| panic!("no {table_class} table"));
    let table = &html[start..];
    let table = &table[..table.find("</table>").unwrap()];
    let body = &table[table.find("<tbody>").unwrap()..];
    body.split("<tr").skip(1).collect()
}

#[test]
fn the_demo_persons_report_has_every_part() {
    let dir = TempDir::new("report-demo");
    let html = demo_report(&dir);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<h1>Demo Person</h1>"));
    assert_eq!(
        html.matches("vascalc informs; it does not prescribe.")
            .count(),
        2
    );
    let version = format!("by vascalc {}", env!("CARGO_PKG_VERSION"));
    assert!(html.contains(&version));

    // The demo's three scans (demo.rs: 48, 96 and 131 AU with LM/LAD/LCX/RCA), each with its
    // CAC-DRS (Hecht 2018: 131 AU in four arteries is A2/N4), percentile and arterial age.
    let scans = rows_of(&html, "scans");
    assert_eq!(scans.len(), 3);
    for (row, total) in scans.iter().zip(["48", "96", "131"]) {
        assert!(row.contains(&format!("<strong>{total}</strong>")), "{row}");
        assert!(row.contains("(age ") && row.contains("; MESA)"), "{row}");
        assert!(row.contains("radiology report"));
    }
    assert!(scans[2].contains("A2/N4"), "{}", scans[2]);
    assert!(scans[0].contains("A1/N3"), "{}", scans[0]);

    // The trajectory chart: three points, the band, the five courses on the same axis.
    let chart = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert_eq!(chart.matches("class=\"point\"").count(), 3);
    assert!(chart.contains("<polygon class=\"band\""));
    assert_eq!(chart.matches("<g class=\"span\">").count(), 5);
    assert!(chart.contains("aria-labelledby=\"cac-chart-title cac-chart-desc\""));

    // Risks with their equations and sources; kidney function with its equation.
    assert!(rows_of(&html, "risks").len() >= 4);
    assert!(html.contains("Pooled Cohort Equations (Goff 2013)"));
    assert!(html.contains("AHA PREVENT equations (Khan 2024)"));
    assert!(html.contains("CKD-EPI 2021, creatinine"));
    // Labs: the demo's 4 panels (7 + 7 + 1 + 14 results) with dates; a chart per measure
    // with two or more results.
    assert_eq!(rows_of(&html, "labs").len(), 29);
    assert!(html.matches("<figure class=\"chart small\">").count() >= 6);
    // Five courses, the fish oil stopped.
    let meds = rows_of(&html, "meds");
    assert_eq!(meds.len(), 5);
    assert!(
        meds.iter()
            .any(|r| r.contains("fish oil") && !r.contains("ongoing"))
    );
    // The plan with its sources linked by DOI; the scoring convention of typed-in reports.
    assert!(html.contains("<h2 id=\"plan-h\">The plan and its sources</h2>"));
    assert!(html.matches("href=\"https://doi.org/10.").count() > 10);
    assert!(html.contains("typed in from a radiology report"));
    assert!(!html.contains("<script") && !html.contains("<link"));
}

#[test]
fn report_refusals_name_the_problem() {
    let dir = TempDir::new("report-refusals");
    let db = dir.db();
    let out = dir.0.join("r.html");
    let out = out.to_str().unwrap();
    // No database: nothing to work on.
    let err = fails(&db, &["report", "--out", out], 4);
    assert!(err.contains("no database"), "{err}");
    ok(
        &db,
        &[
            "profile",
            "create",
            "--name",
            "A",
            "--birth-date",
            "1960-01-01",
            "--sex",
            "female",
        ],
    );
    let err = fails(&db, &["report", "--out", out, "--person", "B"], 4);
    assert!(err.contains('B'), "{err}");
    let err = fails(&db, &["report", "--out", out, "--as-of", "2999-01-01"], 3);
    assert!(err.contains("--as-of") && err.contains("future"), "{err}");
    // A folder that does not exist: the write fails, saying where.
    let bad = dir.0.join("missing/r.html");
    let err = fails(&db, &["report", "--out", bad.to_str().unwrap()], 1);
    assert!(err.contains("cannot write the report to"), "{err}");
    // A person with no scan, labs or plan data still gets a report that says so.
    ok(&db, &["report", "--out", out]);
    let html = std::fs::read_to_string(out).unwrap();
    assert!(html.contains("No scan recorded on or before"));
    assert!(html.contains("No laboratory result recorded"));
}
