//! The record API through the whole app (middleware included) on a temporary SQLite record:
//! every route with good and bad input; a refused request changes nothing.

mod common;

use axum::http::StatusCode;
use common::{Answer, Server};
use serde_json::{Value, json};

fn today() -> String {
    vascalc_app::dates::today().to_string()
}

/// What the record tests add to the shared server.
trait RecordServer {
    fn with_ann(tag: &str) -> Self;
    fn snapshot(&self) -> Value;
    fn refused(&self, a: &Answer, status: StatusCode, field: Option<&str>, before: &Value);
}

impl RecordServer for Server {
    /// Creates Ann (born 1960, female, white).
    fn with_ann(tag: &str) -> Self {
        let s = Self::new(tag);
        let a = s.write(
            "POST",
            "/api/people",
            &json!({"name": "Ann", "birth_date": "1960-05-01", "sex": "female", "race": "white"}),
        );
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
        s
    }

    /// Everything the record holds for Ann, to compare before and after a refused request.
    fn snapshot(&self) -> Value {
        json!({
            "people": self.get("/api/people").json(),
            "entries": self.get("/api/entries").json(),
        })
    }

    fn refused(&self, a: &Answer, status: StatusCode, field: Option<&str>, before: &Value) {
        assert_eq!(a.status, status, "{}", String::from_utf8_lossy(&a.body));
        let v = a.json();
        assert!(v["reason"].as_str().is_some_and(|r| !r.is_empty()), "{v}");
        if let Some(f) = field {
            assert_eq!(v["field"], f, "{v}");
        }
        assert_eq!(&self.snapshot(), before, "the record changed after {v}");
    }
}

#[test]
fn without_a_record_the_routes_say_so() {
    let s = Server::new("none");
    for uri in ["/api/summary", "/api/entries", "/api/plan", "/api/people"] {
        let a = s.get(uri);
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            a.json()["reason"]
                .as_str()
                .unwrap()
                .contains("create a person")
        );
    }
    // Nothing was created by reading.
    assert!(!s.dir().join("record.db").exists());
}

#[test]
fn people_are_created_listed_and_conflicts_refused() {
    let s = Server::with_ann("people");
    let people = s.get("/api/people").json();
    assert_eq!(people[0]["name"], "Ann");
    let summary = s.get("/api/summary").json();
    assert_eq!(summary["person"]["name"], "Ann");
    assert_eq!(summary["profile"]["sex"], "female");

    let before = s.snapshot();
    let a = s.write("POST", "/api/people", &json!({"name": "Ann"}));
    s.refused(&a, StatusCode::CONFLICT, None, &before);
    let a = s.write(
        "POST",
        "/api/people",
        &json!({"name": "Bob", "birth_date": "2999-01-01"}),
    );
    s.refused(
        &a,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("birth_date"),
        &before,
    );
    let a = s.write(
        "POST",
        "/api/people",
        &json!({"name": "Bob", "sex": "robot"}),
    );
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("sex"), &before);
    let a = s.write("POST", "/api/people", &json!({"nme": "Bob"}));
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("nme"), &before);

    // Two people: a record route must say whose.
    let a = s.write("POST", "/api/people", &json!({"name": "Bob"}));
    assert_eq!(a.status, StatusCode::CREATED);
    let a = s.get("/api/summary");
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["field"], "person");
    assert_eq!(
        s.get("/api/summary?person=Bob").json()["person"]["name"],
        "Bob"
    );
    assert_eq!(
        s.get("/api/summary?person=Cy").status,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn labs_are_added_converted_edited_and_bad_ones_refused() {
    let s = Server::with_ann("labs");
    let before = s.snapshot();
    for (body, field) in [
        (
            json!({"analyte": "cholesterol_of_mars", "value": 5.0, "unit": "mmol/L"}),
            "analyte",
        ),
        (
            json!({"analyte": "total_cholesterol", "value": -5.0, "unit": "mmol/L"}),
            "value",
        ),
        (
            json!({"analyte": "total_cholesterol", "value": 5.0, "unit": "furlongs"}),
            "unit",
        ),
        (
            json!({"analyte": "total_cholesterol", "value": 5.0, "unit": "mmol/L", "date": "2999-01-01"}),
            "date",
        ),
        (
            json!({"analyte": "total_cholesterol", "value": "five", "unit": "mmol/L"}),
            "body",
        ),
    ] {
        let a = s.write("POST", "/api/labs", &body);
        s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some(field), &before);
    }
    let a = s.write(
        "POST",
        "/api/labs",
        &json!({"analyte": "total_cholesterol", "value": 5.4, "unit": "mmol/L", "date": "2026-11-01"}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let added = a.json();
    let id = added["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("lab:"), "{id}");
    // Stored in mg/dL: 5.4 mmol/L × 38.67 (the analyte table's factor for cholesterol).
    assert_eq!(added["lab"]["unit"], "mg/dL");
    let v = added["lab"]["value"].as_f64().unwrap();
    assert!((v - 5.4 * 38.67).abs() < 0.01, "{v}");

    let a = s.write(
        "PATCH",
        &format!("/api/labs/{id}"),
        &json!({"value": 200, "unit": "mg/dL"}),
    );
    assert_eq!(a.status, StatusCode::OK, "{}", a.json());
    assert_eq!(a.json()["entry"]["value"], 200.0);
    let before = s.snapshot();
    let a = s.write(
        "PATCH",
        &format!("/api/labs/{id}"),
        &json!({"value": -1, "unit": "mg/dL"}),
    );
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("value"), &before);
    let a = s.write(
        "PATCH",
        "/api/labs/lab:999",
        &json!({"value": 100, "unit": "mg/dL"}),
    );
    s.refused(&a, StatusCode::NOT_FOUND, None, &before);
    let labs = s.get("/api/entries?kind=lab").json();
    assert_eq!(labs.as_array().unwrap().len(), 1);
    assert_eq!(labs[0]["id"], id);
    assert_eq!(labs[0]["kind"], "lab");
    let a = s.get("/api/entries?kind=labz");
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["field"], "kind");
}

#[test]
fn food_is_logged_totalled_edited_moved_and_deleted() {
    let s = Server::with_ann("food");
    let day = today();
    let empty = s.get("/api/food-log/today").json();
    assert_eq!(empty["entries"].as_array().unwrap().len(), 0);
    assert_eq!(empty["date"], day);

    let before = s.snapshot();
    for (entry, field) in [
        (
            json!({"date": day, "food_id": "ndb:99999999", "grams": 30}),
            "food_id",
        ),
        (
            json!({"date": day, "food_id": "ndb:01009", "grams": 0}),
            "grams",
        ),
        (
            json!({"date": day, "food_id": "ndb:01009", "grams": 9000}),
            "grams",
        ),
        (
            json!({"date": "1950-01-01", "food_id": "ndb:01009", "grams": 30}),
            "date",
        ),
    ] {
        let a = s.write(
            "POST",
            "/api/entries",
            &json!({"kind": "food", "entry": entry}),
        );
        s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some(field), &before);
    }

    let a = s.write(
        "POST",
        "/api/entries",
        &json!({"kind": "food", "entry": {"date": day, "food_id": "ndb:01009", "grams": 30}}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let id = a.json()["id"].as_str().unwrap().to_string();
    let log = s.get("/api/food-log/today").json();
    assert_eq!(log["entries"].as_array().unwrap().len(), 1);
    assert_eq!(log["entries"][0]["name"], "Cheese, cheddar");
    // 30 g of cheddar: 710 mg/100 g calcium (USDA SR28 01009) → 213 mg.
    let ca = log["totals"]["calcium_mg"]["at_least"].as_f64().unwrap();
    assert!((ca - 213.0).abs() < 1e-9, "{ca}");
    assert_eq!(s.get(&format!("/api/food-log/{day}")).json(), log);

    let a = s.write(
        "PUT",
        &format!("/api/entries/{id}"),
        &json!({"kind": "food", "entry": {"date": day, "food_id": "ndb:01009", "grams": 60}}),
    );
    assert_eq!(a.status, StatusCode::OK, "{}", a.json());
    assert_eq!(a.json()["id"], id);
    let ca = s.get("/api/food-log/today").json()["totals"]["calcium_mg"]["at_least"]
        .as_f64()
        .unwrap();
    assert!((ca - 426.0).abs() < 1e-9, "{ca}");
    let before = s.snapshot();
    let a = s.write(
        "PUT",
        &format!("/api/entries/{id}"),
        &json!({"kind": "activity", "entry": {"date": day, "kind": "endurance", "minutes": 30}}),
    );
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("kind"), &before);
    let a = s.write(
        "PUT",
        &format!("/api/entries/{id}"),
        &json!({"kind": "food", "entry": {"date": day, "food_id": "ndb:01009", "grams": -1}}),
    );
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("grams"), &before);

    let days = s.get("/api/food-days?days=7").json();
    assert_eq!(days["days"].as_array().unwrap().len(), 1);
    assert_eq!(
        days["days"][0]["nutrients"]["calcium_mg"]["at_least"],
        426.0
    );
    for bad in ["0", "367", "week"] {
        let a = s.get(&format!("/api/food-days?days={bad}"));
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(a.json()["field"], "days");
    }
    let a = s.get("/api/food-log/2026-02-30");
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["field"], "date");

    let a = s.write(
        "PATCH",
        &format!("/api/entries/{id}"),
        &json!({"date": "2026-12-01"}),
    );
    assert_eq!(a.status, StatusCode::OK, "{}", a.json());
    assert_eq!(a.json()["entry"]["date"], "2026-12-01");
    let before = s.snapshot();
    let a = s.write(
        "PATCH",
        &format!("/api/entries/{id}"),
        &json!({"date": "yesterday"}),
    );
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("date"), &before);

    let a = s.write("DELETE", &format!("/api/entries/{id}"), &Value::Null);
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()[0]["id"], id);
    let before = s.snapshot();
    let a = s.write("DELETE", &format!("/api/entries/{id}"), &Value::Null);
    s.refused(&a, StatusCode::NOT_FOUND, None, &before);
    let a = s.write("DELETE", "/api/entries/banana", &Value::Null);
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("id"), &before);
}

#[test]
fn bodies_that_are_not_json_or_too_large_are_refused() {
    let s = Server::with_ann("bodies");
    let before = s.snapshot();
    let a = s.write_raw(
        "POST",
        "/api/entries",
        "application/json",
        b"{not json".to_vec(),
    );
    s.refused(&a, StatusCode::BAD_REQUEST, None, &before);
    let a = s.write_raw("POST", "/api/entries", "text/plain", b"{}".to_vec());
    s.refused(&a, StatusCode::UNSUPPORTED_MEDIA_TYPE, None, &before);
    let big = format!(
        "{{\"kind\":\"food\",\"entry\":{{\"date\":\"{}\",\"food_id\":\"{}\",\"grams\":30}}}}",
        today(),
        "x".repeat(2 << 20)
    );
    let a = s.write_raw("POST", "/api/entries", "application/json", big.into_bytes());
    s.refused(&a, StatusCode::PAYLOAD_TOO_LARGE, None, &before);
    assert_eq!(a.json()["error"], "too_large");
}

#[test]
fn summary_plan_assessment_and_progress_are_the_app_s() {
    let s = Server::with_ann("views");
    let plan = s.get("/api/plan").json();
    assert!(
        plan["items"].as_array().is_some_and(|i| !i.is_empty()),
        "{plan}"
    );
    assert_eq!(plan["today"], today());
    let a = s.get("/api/plan?as_of=someday");
    assert_eq!(a.json()["field"], "as_of");

    // No scan yet: progress says so.
    let a = s.get("/api/progress");
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = s.write(
        "POST",
        "/api/entries",
        &json!({"kind": "scan", "entry": {"date": "2024-03-01", "agatston": 131.0, "source": "report"}}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let before = s.snapshot();
    let a = s.write(
        "POST",
        "/api/entries",
        &json!({"kind": "scan", "entry": {"date": "2024-03-01", "agatston": 10.0, "source": "report"}}),
    );
    s.refused(&a, StatusCode::CONFLICT, None, &before);
    let progress = s.get("/api/progress").json();
    assert_eq!(progress["scans"][0]["agatston"], 131.0);

    // The band is vascalc-clinical's, from the 131 AU scan (Ann is female: MESA median change
    // 14 AU/year, Kronmal 2007) to the date asked for.
    let band = s.get("/api/expected-band?as_of=2025-03-01").json();
    assert_eq!(band["baseline"], "2024-03-01");
    let want = vascalc_clinical::progression::expected_band(
        &[vascalc_clinical::Scan {
            date: jiff::civil::date(2024, 3, 1),
            agatston: 131.0,
            volume_mm3: None,
        }],
        vascalc_clinical::Sex::Female,
        jiff::civil::date(2025, 3, 1),
    )
    .unwrap();
    assert_eq!(band, serde_json::to_value(&want).unwrap());
    let points = band["points"].as_array().unwrap();
    assert_eq!(points.last().unwrap()[0], "2025-03-01");
    assert_eq!(points.last().unwrap()[1]["median_annual_change"], 14.0);
    assert!(
        s.get("/api/expected-band?as_of=2024-01-01")
            .json()
            .is_null()
    );

    let a = s.get("/api/assessment");
    assert_eq!(a.status, StatusCode::OK, "{}", a.json());
    let v = a.json();
    assert_eq!(v["profile"]["sex"], "female");
    assert_eq!(v["profile"]["cac_agatston"], 131.0);
    assert!(v["assessment"].is_object());
}

#[test]
fn the_report_is_the_cli_s_document_and_says_why_when_there_is_none() {
    let s = Server::new("report-none");
    let a = s.get("/report");
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let page = String::from_utf8(a.body).unwrap();
    assert!(
        page.contains("No report:") && page.contains("create a person"),
        "{page}"
    );

    let s = Server::with_ann("report");
    let a = s.write(
        "POST",
        "/api/entries",
        &json!({"kind": "scan", "entry": {"date": "2024-03-01", "agatston": 131.0, "source": "report"}}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let a = s.get("/report?as_of=2025-01-01");
    assert_eq!(a.status, StatusCode::OK);
    let page = String::from_utf8(a.body).unwrap();
    // The same document as `vascalc report --out`, from the same record and date.
    let store = vascalc_store::Store::open_existing(&s.dir().join("record.db")).unwrap();
    let app = vascalc_app::App::new(store);
    let data = app
        .report_data(None, Some(jiff::civil::date(2025, 1, 1)))
        .unwrap();
    assert_eq!(page, data.render(app.today(), env!("CARGO_PKG_VERSION")));
    assert!(page.contains("131"), "{page}");
    assert!(!page.contains("<script"), "the report runs no script");

    for (uri, status) in [
        ("/report?as_of=someday", StatusCode::UNPROCESSABLE_ENTITY),
        ("/report?as_of=2999-01-01", StatusCode::UNPROCESSABLE_ENTITY),
        ("/report?person=Nobody", StatusCode::NOT_FOUND),
    ] {
        let a = s.get(uri);
        assert_eq!(a.status, status, "{uri}");
        assert!(
            String::from_utf8_lossy(&a.body).contains("No report:"),
            "{uri}"
        );
    }
}

/// The CAC page plots the assessment's progression scans and the expected band: a scan whose
/// stored `scan score` series was not interpreted (here: automatic regions that find no chest,
/// so its candidates are unreviewed) is in neither, as the clinician report leaves it out of its
/// chart ("Never show an unreviewed number as a final score").
#[test]
fn the_cac_page_s_data_leave_out_a_scan_that_is_not_a_final_score() {
    let s = Server::with_ann("notfinal");
    let a = s.write(
        "POST",
        "/api/entries",
        &json!({"kind": "scan", "entry": {"date": "2022-03-01", "agatston": 60.0, "source": "report"}}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let series = vascalc_testdata::scans::uninterpreted_series();
    // No way into the record takes such a series (`scan add`, the review, POST /api/entries,
    // import: see `a_scan_that_was_not_interpreted_is_refused_with_4xx`); a record written by
    // an older vascalc may hold one.
    let mut store = vascalc_store::Store::open(&s.dir().join("record.db")).unwrap();
    let (id, _) = store.select_person(Some("Ann")).unwrap();
    store
        .add_entry(
            id,
            &vascalc_store::Entry::Scan(vascalc_store::Scan {
                date: jiff::civil::date(2024, 3, 1),
                agatston: 777.77,
                per_artery: Default::default(),
                volume_mm3: None,
                mass_mg: None,
                source: vascalc_store::ScanSource::Score,
                score: Some(serde_json::to_value(&series).unwrap()),
            }),
        )
        .unwrap();
    drop(store);

    let v = s.get("/api/assessment").json();
    let scans = v["assessment"]["progression"]["scans"].as_array().unwrap();
    assert_eq!(scans.len(), 1, "{v}");
    assert_eq!(scans[0]["agatston"], 60.0);
    assert_eq!(v["profile"]["cac_agatston"], 60.0);
    let band = s.get("/api/expected-band").json();
    assert_eq!(band["baseline"], "2022-03-01");
    assert_eq!(band["baseline_agatston"], 60.0);
    let progress = s.get("/api/progress").json();
    assert_eq!(progress["scans"].as_array().unwrap().len(), 1, "{progress}");
    // The report lists it, marked, and never shows its total.
    let report = String::from_utf8(s.get("/report").body).unwrap();
    assert!(report.contains("Not a final score") && !report.contains("777.77"));
    // The record still holds it.
    let list = s.get("/api/entries?kind=scan").json();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

/// Issue 15, one rule for what scan may enter the record: `POST /api/entries` and an entry's
/// edit refuse a scan whose kept `scan score` series was not interpreted, as `scan add
/// --from-json`, the review and `import` do (vascalc-app `scans::check_kept_score`): 422 naming
/// the field, and the record unchanged.
#[test]
fn a_scan_that_was_not_interpreted_is_refused_with_4xx() {
    let s = Server::with_ann("uninterpreted");
    let series = serde_json::to_value(vascalc_testdata::scans::uninterpreted_series()).unwrap();
    let total = series["totals"]["agatston"].clone();
    let before = s.snapshot();
    let a = s.write(
        "POST",
        "/api/entries",
        &json!({"kind": "scan", "entry": {"date": "2024-03-01", "agatston": total,
            "source": "score", "score": series}}),
    );
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("score"), &before);
    assert!(
        a.json()["reason"]
            .as_str()
            .is_some_and(|r| r.contains("not interpreted")),
        "{}",
        a.json()
    );
    // A scan from a report's values is taken, and cannot be edited into such a scan.
    let a = s.write(
        "POST",
        "/api/entries",
        &json!({"kind": "scan", "entry": {"date": "2024-03-01", "agatston": 60.0, "source": "report"}}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let id = a.json()["id"].as_str().unwrap().to_string();
    let before = s.snapshot();
    let a = s.write(
        "PUT",
        &format!("/api/entries/{id}"),
        &json!({"kind": "scan", "entry": {"date": "2024-03-01", "agatston": total,
            "source": "score", "score": series}}),
    );
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("score"), &before);
}

/// Issue 15: the medication form's courses and doses follow the rules of `vascalc log med`
/// (vascalc-app `meds`): the vocabulary decides the class, a dose outside the range the medicine
/// is sold in is refused; a refused request names the field and changes nothing.
#[test]
fn courses_and_doses_follow_the_rules_of_log_med() {
    let s = Server::with_ann("meds");
    let before = s.snapshot();
    let course = |name: &str, kind: &str, dose: f64, unit: &str| {
        json!({"kind": "medication", "entry": {"name": name, "kind": kind, "dose": dose,
            "unit": unit, "start": "2026-01-01"}})
    };
    for (body, field) in [
        // Lipitor is atorvastatin, a statin (vascalc-program's vocabulary/medicines.toml).
        (course("Lipitor", "ppi", 20.0, "mg"), "kind"),
        // MK-7 is sold in micrograms: 180 mg is a slip of the unit.
        (course("MK-7", "mk7", 180.0, "mg"), "dose"),
        (
            json!({"kind": "dose", "entry": {"date": "2026-01-02", "name": "MK-7",
                "kind": "statin", "dose": 180, "unit": "ug"}}),
            "kind",
        ),
    ] {
        let a = s.write("POST", "/api/entries", &body);
        s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some(field), &before);
    }
    // "unknown" lets the name decide; mcg is recorded as ug.
    let a = s.write(
        "POST",
        "/api/entries",
        &course("MK-7", "unknown", 180.0, "mcg"),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let id = a.json()["id"].as_str().unwrap().to_string();
    let meds = s.get("/api/entries?kind=med").json();
    assert_eq!(meds[0]["kind"], "medication", "{meds}");
    assert_eq!(meds[0]["entry"]["kind"], "mk7", "{meds}");
    assert_eq!(meds[0]["entry"]["unit"], "ug", "{meds}");
    // An edit to an implausible dose is refused the same way.
    let before = s.snapshot();
    let a = s.write(
        "PUT",
        &format!("/api/entries/{id}"),
        &course("MK-7", "mk7", 180.0, "mg"),
    );
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("dose"), &before);
}

/// `GET /api/entries?limit=&offset=`: pages newest first that together hold every entry of
/// the range once (ties of a day broken by id), `total` the range's size; `since`/`until`
/// bound it; a bad parameter is a 400 naming it and its range, and changes nothing.
#[test]
fn the_entry_list_pages_newest_first_without_repeats_or_gaps() {
    let s = Server::with_ann("paging");
    // 23 activity entries over 12 days (two a day but the first), added out of date order.
    let mut added = Vec::new();
    for i in [5, 0, 11, 3, 8, 1, 10, 6, 2, 9, 4, 7] {
        for n in 0..(if i == 0 { 1 } else { 2 }) {
            let date = format!("2026-03-{:02}", 1 + i);
            let a = s.write(
                "POST",
                "/api/entries",
                &json!({"kind": "activity", "entry": {"date": date, "kind": "endurance",
                    "minutes": 10 + n}}),
            );
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
            added.push(a.json()["id"].as_str().unwrap().to_string());
        }
    }
    // A lab too: a page of one kind holds only that kind.
    let a = s.write(
        "POST",
        "/api/labs",
        &json!({"analyte": "creatinine", "value": 1.0, "unit": "mg/dL", "date": "2026-03-05"}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());

    let all = s.get("/api/entries?kind=activity").json();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 23);
    // The unpaged list, oldest first; the pages must hold it reversed.
    let mut newest_first: Vec<Value> = all.clone();
    newest_first.reverse();
    let row = |r: &Value| {
        (
            r["entry"]["date"].as_str().unwrap().to_string(),
            r["id"].clone(),
        )
    };
    for limit in [1, 4, 7, 23, 50] {
        let mut seen = Vec::new();
        let mut offset = 0;
        loop {
            let page = s
                .get(&format!(
                    "/api/entries?kind=activity&limit={limit}&offset={offset}"
                ))
                .json();
            assert_eq!(page["total"], 23, "{page}");
            assert_eq!(page["limit"], limit);
            assert_eq!(page["offset"], offset);
            let entries = page["entries"].as_array().unwrap();
            assert!(entries.len() <= limit);
            assert_eq!(page["more"], offset + entries.len() < 23, "{page}");
            if entries.is_empty() {
                break;
            }
            seen.extend(entries.iter().cloned());
            offset += entries.len();
        }
        assert_eq!(seen, newest_first, "limit {limit}");
    }
    // Newest first: by date, then the later id of the day first.
    let dates: Vec<_> = newest_first.iter().map(row).collect();
    assert!(dates.windows(2).all(|w| w[0].0 >= w[1].0), "{dates:?}");
    assert_eq!(newest_first[0]["entry"]["date"], "2026-03-12");

    // A range: 3 to 5 March hold two entries each.
    let page = s
        .get("/api/entries?kind=activity&since=2026-03-03&until=2026-03-05&limit=4")
        .json();
    assert_eq!(page["total"], 6, "{page}");
    assert_eq!(page["entries"].as_array().unwrap().len(), 4);
    assert_eq!(page["more"], true);
    let range = s
        .get("/api/entries?kind=activity&since=2026-03-03&until=2026-03-05")
        .json();
    assert_eq!(range.as_array().unwrap().len(), 6, "{range}");
    assert_eq!(range[0]["entry"]["date"], "2026-03-03");
    // Without a kind, every kind of the range.
    let page = s
        .get("/api/entries?since=2026-03-05&until=2026-03-05&limit=10")
        .json();
    assert_eq!(page["total"], 3, "{page}");

    let before = s.snapshot();
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("offset=10000001", "offset"),
        ("since=2026-02-30", "since"),
        ("until=soon", "until"),
        ("since=2026-03-05&until=2026-03-01", "since"),
    ] {
        let a = s.get(&format!("/api/entries?kind=activity&{query}"));
        s.refused(&a, StatusCode::BAD_REQUEST, Some(field), &before);
        let reason = a.json()["reason"].as_str().unwrap().to_string();
        assert!(
            reason.contains(field)
                && (reason.contains(" to ") || reason.contains("YYYY") || reason.contains("after")),
            "{query}: {reason}"
        );
    }
}

/// Issues 11 and 15: vital signs sent in lb and in are stored in kg and cm and shown back in
/// the person's units; a bad one is refused in the unit sent (422 naming the field, the value
/// and the range in that unit: 20–350 kg = 44.1–771.6 lb), and nothing changes.
#[test]
fn vitals_in_lb_and_in_are_stored_converted_and_refused_in_the_unit_sent() {
    let s = Server::new("vitals-units");
    let a = s.write(
        "POST",
        "/api/people",
        &json!({"name": "Ann", "birth_date": "1960-05-01", "sex": "female", "units": "us"}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let day = "2026-11-01";
    let before = s.snapshot();
    for (body, field, reason) in [
        (
            json!({"kind": "vitals", "entry": {"date": day, "weight_kg": 900},
                "units": {"weight_kg": "lb"}}),
            "weight_kg",
            "weight 900 lb is outside 44.1–771.6 lb",
        ),
        (
            json!({"kind": "vitals", "entry": {"date": day, "waist_cm": 2},
                "units": {"waist_cm": "in"}}),
            "waist_cm",
            "waist 2 in is outside 15.8–98.4 in",
        ),
        (
            json!({"kind": "vitals", "entry": {"date": day, "weight_kg": 900}}),
            "weight_kg",
            "weight 900 kg is outside 20–350 kg",
        ),
        (
            json!({"kind": "vitals", "entry": {"date": day, "weight_kg": 12},
                "units": {"weight_kg": "stone"}}),
            "weight_kg",
            "weight unit \"stone\" is not one of kg, lb",
        ),
        (
            json!({"kind": "activity", "entry": {"date": day, "kind": "endurance", "minutes": 30},
                "units": {"weight_kg": "lb"}}),
            "units",
            "units apply to a vitals entry's weight_kg and waist_cm, not to activity entries",
        ),
    ] {
        let a = s.write("POST", "/api/entries", &body);
        s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some(field), &before);
        assert_eq!(a.json()["reason"], reason);
    }
    let a = s.write(
        "POST",
        "/api/entries",
        &json!({"kind": "vitals", "entry": {"date": day, "weight_kg": 180, "waist_cm": 37},
            "units": {"weight_kg": "lb", "waist_cm": "in"}}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let row = a.json();
    // Stored in kg and cm: 180 × 0.45359237 = 81.6466 kg, 37 × 2.54 = 93.98 cm.
    let kg = row["entry"]["weight_kg"].as_f64().unwrap();
    assert!((kg - 81.646_626_6).abs() < 1e-6, "{row}");
    assert!((row["entry"]["waist_cm"].as_f64().unwrap() - 93.98).abs() < 1e-9);
    let id = row["id"].as_str().unwrap().to_owned();
    let list = s.get("/api/entries?kind=vitals").json();
    let shown = &list[0]["shown"];
    assert!(
        (shown["weight_kg"]["value"].as_f64().unwrap() - 180.0).abs() < 1e-9,
        "{list}"
    );
    assert_eq!(shown["weight_kg"]["unit"], "lb");
    assert!(
        (shown["waist_cm"]["value"].as_f64().unwrap() - 37.0).abs() < 1e-9,
        "{list}"
    );
    assert_eq!(shown["waist_cm"]["unit"], "in");
    // An edit in lb is refused in lb, and the entry stays as it was.
    let before = s.snapshot();
    let a = s.write(
        "PUT",
        &format!("/api/entries/{id}"),
        &json!({"kind": "vitals", "entry": {"date": day, "weight_kg": 2000},
            "units": {"weight_kg": "lbs"}}),
    );
    s.refused(
        &a,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("weight_kg"),
        &before,
    );
    assert_eq!(
        a.json()["reason"],
        "weight 2000 lb is outside 44.1–771.6 lb"
    );
    let a = s.write(
        "PUT",
        &format!("/api/entries/{id}"),
        &json!({"kind": "vitals", "entry": {"date": day, "weight_kg": 176},
            "units": {"weight_kg": "lb"}}),
    );
    assert_eq!(a.status, StatusCode::OK, "{}", a.json());
    assert_eq!(a.json()["shown"]["weight_kg"]["unit"], "lb");
    // The analyte list says which unit each system reads a result in.
    let analytes = s.get("/api/analytes").json();
    let ldl = analytes
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "ldl")
        .unwrap();
    assert_eq!(ldl["shown_unit"], json!({"si": "mmol/L", "us": "mg/dL"}));
    // The person's units are changed as `profile update --units` changes them: then the same
    // entry is shown in kg; a unit system vascalc does not know is refused, nothing changed.
    let before = s.snapshot();
    let a = s.write("PATCH", "/api/people", &json!({"units": "metric"}));
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("units"), &before);
    let a = s.write("PATCH", "/api/people?person=Ann", &json!({"units": "si"}));
    assert_eq!(a.status, StatusCode::OK, "{}", a.json());
    assert_eq!(s.get("/api/people").json()[0]["units"], "si");
    let list = s.get("/api/entries?kind=vitals").json();
    assert_eq!(list[0]["shown"]["weight_kg"]["unit"], "kg", "{list}");
    let a = s.write("PATCH", "/api/people?person=Bob", &json!({"units": "us"}));
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.json());
}

/// Whether the plan of the record's only person has the alert `rule`.
fn has_alert(s: &Server, rule: &str) -> bool {
    let plan = s.get("/api/plan").json();
    plan["alerts"]
        .as_array()
        .unwrap_or_else(|| panic!("no alerts in {plan}"))
        .iter()
        .any(|a| a["rule"] == rule)
}

/// The medicines API does what `vascalc log med` does, through the same use cases: a course
/// (`log_course`) whose implausible dose is refused unless confirmed, a single dose
/// (`log_dose`: without an amount, the course's), a course stopped by name (`stop_course`,
/// any spelling `same_name` accepts). A refusal names the field and changes nothing; a
/// confirmation never overrides the class a name has, so the safety alerts stay.
#[test]
fn medicines_are_started_confirmed_dosed_and_stopped_as_log_med_does() {
    let s = Server::with_ann("meds-web");
    let day = today();
    let before = s.snapshot();
    // MK-7 is sold in micrograms (vascalc-program's vocabulary): 180 mg is a slip of the unit.
    let mk7_mg = json!({"name": "MK-7", "dose": 180, "unit": "mg", "start": "2026-01-01"});
    let a = s.write("POST", "/api/medications", &mk7_mg);
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("dose"), &before);
    assert_eq!(a.json()["needs_confirmation"], true, "{}", a.json());
    assert!(
        a.json()["reason"].as_str().unwrap().contains("confirm"),
        "{}",
        a.json()
    );
    for (body, field) in [
        // Coumadin is warfarin, a vitamin K antagonist: a confirmation does not change that.
        (
            json!({"name": "Coumadin", "kind": "other", "dose": 5, "unit": "mg", "confirm": true}),
            "kind",
        ),
        // A negative dose is not implausible but impossible: no confirmation helps.
        (
            json!({"name": "MK-7", "dose": -1, "unit": "ug", "confirm": true}),
            "dose",
        ),
        (json!({"name": "MK-7", "dose": 180}), "unit"),
        (json!({"name": "MK-7", "unit": "ug"}), "dose"),
        (json!({"name": "MK-7", "start": "2026-02-30"}), "start"),
        (
            json!({"name": "MK-7", "start": "2026-01-05", "end": "2026-01-01"}),
            "end",
        ),
        (json!({"name": "MK-7", "colour": "red"}), "colour"),
    ] {
        let a = s.write("POST", "/api/medications", &body);
        s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some(field), &before);
        assert!(a.json().get("needs_confirmation").is_none(), "{}", a.json());
    }
    let mut confirmed = mk7_mg.clone();
    confirmed["confirm"] = json!(true);
    let a = s.write("POST", "/api/medications", &confirmed);
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let logged = a.json();
    assert_eq!(logged["course"]["kind"], "mk7", "{logged}");
    assert!(
        logged["notes"]["confirmed_implausible"]
            .as_str()
            .is_some_and(|w| !w.is_empty()),
        "{logged}"
    );
    let meds = s.get("/api/entries?kind=med").json();
    assert_eq!(meds.as_array().unwrap().len(), 1, "{meds}");
    assert_eq!(meds[0]["entry"]["dose"], 180.0);
    assert_eq!(meds[0]["entry"]["unit"], "mg");
    assert!(meds[0]["entry"]["end"].is_null(), "{meds}");

    // Warfarin with a vitamin K2 course: the danger alert, confirmed dose or not.
    let a = s.write(
        "POST",
        "/api/medications",
        &json!({"name": "Coumadin", "dose": 5, "unit": "mg", "start": "2026-01-01"}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    assert_eq!(a.json()["course"]["kind"], "vitamin_k_antagonist");
    assert!(has_alert(&s, "vka_vitamin_k"));

    // A dose taken today: without an amount, the course's (180 mg, implausible: confirm).
    let before = s.snapshot();
    let a = s.write("POST", "/api/medications/doses", &json!({"name": "mk-7"}));
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("dose"), &before);
    assert_eq!(a.json()["needs_confirmation"], true, "{}", a.json());
    for (body, field) in [
        (json!({"name": "zzq"}), "dose"),
        (json!({"name": "MK-7", "dose": 90}), "unit"),
        (
            json!({"name": "MK-7", "dose": 90, "unit": "ug", "date": "2999-01-01"}),
            "date",
        ),
        (
            json!({"name": "MK-7", "dose": 90, "unit": "ug", "kind": "statin"}),
            "kind",
        ),
    ] {
        let a = s.write("POST", "/api/medications/doses", &body);
        s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some(field), &before);
    }
    let a = s.write(
        "POST",
        "/api/medications/doses",
        &json!({"name": "mk-7", "confirm": true}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let dose = a.json();
    assert_eq!(
        (
            &dose["dose"]["dose"],
            &dose["dose"]["unit"],
            &dose["dose"]["kind"]
        ),
        (&json!(180.0), &json!("mg"), &json!("mk7")),
        "{dose}"
    );
    assert_eq!(dose["dose"]["date"], day);
    let a = s.write(
        "POST",
        "/api/medications/doses",
        &json!({"name": "MK-7", "dose": 90, "unit": "mcg", "date": "2026-01-02"}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    assert_eq!(a.json()["dose"]["unit"], "ug");
    let doses = s.get("/api/entries?kind=dose&limit=10").json();
    assert_eq!(doses["total"], 2, "{doses}");

    // Stop: any spelling of the name; then nothing is left to stop.
    let before = s.snapshot();
    for (body, status, field) in [
        (
            json!({"name": "MK-7", "date": "soon"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("date"),
        ),
        (
            json!({"name": "MK-7", "date": "2999-01-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("date"),
        ),
        (json!({"name": "aspirin"}), StatusCode::NOT_FOUND, None),
        (
            json!({"name": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("name"),
        ),
        (
            json!({"name": "MK-7", "date": "2025-12-31"}),
            StatusCode::NOT_FOUND,
            None,
        ),
        (
            json!({"date": day}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("name"),
        ),
    ] {
        let a = s.write("POST", "/api/medications/stop", &body);
        s.refused(&a, status, field, &before);
    }
    let a = s.write("POST", "/api/medications/stop", &json!({"name": " mk-7 "}));
    assert_eq!(a.status, StatusCode::OK, "{}", a.json());
    assert_eq!(a.json()["courses_ended"], 1);
    assert_eq!(a.json()["end"], day);
    let meds = s.get("/api/entries?kind=med").json();
    let mk7 = meds
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["entry"]["name"] == "MK-7")
        .unwrap();
    assert_eq!(mk7["entry"]["end"], day, "{meds}");
    let before = s.snapshot();
    let a = s.write("POST", "/api/medications/stop", &json!({"name": "MK-7"}));
    s.refused(&a, StatusCode::NOT_FOUND, None, &before);

    // An edit to an implausible dose is confirmed the same way (`?confirm=true`).
    let id = mk7["id"].as_str().unwrap();
    let mut entry = mk7["entry"].clone();
    entry["dose"] = json!(200);
    let body = json!({"kind": "medication", "entry": entry});
    let a = s.write("PUT", &format!("/api/entries/{id}"), &body);
    s.refused(&a, StatusCode::UNPROCESSABLE_ENTITY, Some("dose"), &before);
    assert_eq!(a.json()["needs_confirmation"], true, "{}", a.json());
    let a = s.write("PUT", &format!("/api/entries/{id}?confirm=maybe"), &body);
    s.refused(&a, StatusCode::BAD_REQUEST, Some("confirm"), &before);
    let a = s.write("PUT", &format!("/api/entries/{id}?confirm=true"), &body);
    assert_eq!(a.status, StatusCode::OK, "{}", a.json());
    assert_eq!(a.json()["entry"]["dose"], 200.0);
}

/// A single vitamin K2 dose (no course) beside a warfarin course raises the danger alert too.
#[test]
fn a_single_vitamin_k2_dose_with_warfarin_raises_the_alert() {
    let s = Server::with_ann("meds-dose-alert");
    let a = s.write(
        "POST",
        "/api/medications",
        &json!({"name": "warfarin", "dose": 5, "unit": "mg", "start": "2026-01-01"}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    assert!(!has_alert(&s, "vka_vitamin_k"));
    let a = s.write(
        "POST",
        "/api/medications/doses",
        &json!({"name": "MK-7", "dose": 90, "unit": "ug"}),
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    assert!(has_alert(&s, "vka_vitamin_k"));
}
