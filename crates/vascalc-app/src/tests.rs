//! The use cases over an in-memory SQLite store, with a fixed today.

use jiff::civil::{Date, date};
use vascalc_record::{ActivityKind, Entry, EntryKind};
use vascalc_store::Store;

use crate::people::{PersonInput, SmokingInput, age_on};
use crate::{App, AppError, ErrorKind, LabEdit, LabInput};

const TODAY: Date = date(2026, 12, 7);

fn app() -> App<Store> {
    App::at(Store::open_in_memory().unwrap(), TODAY)
}

fn ann(app: &mut App<Store>) {
    app.create_person(&PersonInput {
        name: Some("Ann".into()),
        birth_date: Some(date(1958, 7, 1)),
        sex: Some("Female".into()),
        race: Some("white".into()),
        height_cm: Some(165.0),
        ..PersonInput::default()
    })
    .unwrap();
}

fn ldl(value: f64, unit: &str, on: Date) -> LabInput {
    LabInput {
        analyte: "ldl".into(),
        value,
        unit: unit.into(),
        date: Some(on),
        replace: false,
    }
}

/// The kind and field of an invalid input.
fn invalid_field(e: &AppError) -> &str {
    assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
    e.field().unwrap()
}

fn entry_count(app: &App<Store>) -> usize {
    let (id, _) = app.person(None).unwrap();
    app.store().entries(id).unwrap().len()
}

#[test]
fn age_counts_whole_years() {
    assert_eq!(age_on(date(1960, 6, 15), date(2020, 6, 14)), 59);
    assert_eq!(age_on(date(1960, 6, 15), date(2020, 6, 15)), 60);
    assert_eq!(age_on(date(2000, 2, 29), date(2021, 2, 28)), 20);
}

#[test]
fn a_person_is_created_shown_updated_and_deleted() {
    let mut app = app();
    ann(&mut app);
    let s = app.summary(Some("Ann")).unwrap();
    assert_eq!(s.person.sex, Some(vascalc_domain::Sex::Female));
    // Born 1958-07-01: 68 on 2026-12-07.
    assert_eq!(s.age_years, Some(68));
    assert!(s.profile.is_some(), "{:?}", s.profile_unavailable);
    let s = app
        .update_person(
            None,
            &PersonInput {
                smoking: Some(SmokingInput {
                    status: "Former".into(),
                    pack_years: Some(10.0),
                    quit_date: Some(date(2010, 6, 30)),
                }),
                drinks_per_week: Some(3.0),
                ..PersonInput::default()
            },
        )
        .unwrap();
    assert_eq!(
        s.smoking.as_ref().map(|x| x.status.as_str()),
        Some("former")
    );
    assert_eq!(s.smoking.map(|x| x.date), Some(TODAY));
    assert_eq!(s.alcohol.map(|a| a.drinks_per_week), Some(3.0));
    let gone = app.delete_person("Ann").unwrap();
    assert_eq!(gone.smoking.len(), 1);
    assert!(app.people().unwrap().is_empty());
    let e = app.summary(None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[test]
fn a_refused_profile_names_its_field_and_writes_nothing() {
    let mut app = app();
    ann(&mut app);
    let before = app.summary(None).unwrap();
    for (input, field) in [
        (
            PersonInput {
                sex: Some("other".into()),
                ..PersonInput::default()
            },
            "sex",
        ),
        (
            PersonInput {
                race: Some("martian".into()),
                ..PersonInput::default()
            },
            "race",
        ),
        (
            PersonInput {
                height_cm: Some(20.0),
                ..PersonInput::default()
            },
            "height_cm",
        ),
        (
            PersonInput {
                birth_date: Some(date(2027, 1, 1)),
                ..PersonInput::default()
            },
            "birth_date",
        ),
        (
            PersonInput {
                // A valid profile change with a refused smoking entry: neither is written.
                height_cm: Some(170.0),
                smoking: Some(SmokingInput {
                    status: "never".into(),
                    pack_years: Some(5.0),
                    quit_date: None,
                }),
                ..PersonInput::default()
            },
            "pack_years",
        ),
    ] {
        let e = app.update_person(None, &input).unwrap_err();
        assert_eq!(invalid_field(&e), field, "{e}");
        let after = app.summary(None).unwrap();
        assert_eq!(after.person, before.person);
        assert!(after.smoking.is_none());
    }
    let e = app
        .create_person(&PersonInput {
            name: Some("Ann".into()),
            ..PersonInput::default()
        })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    assert_eq!(app.people().unwrap().len(), 1);
}

#[test]
fn several_people_need_a_choice() {
    let mut app = app();
    ann(&mut app);
    app.create_person(&PersonInput {
        name: Some("Bob".into()),
        ..PersonInput::default()
    })
    .unwrap();
    let e = app.summary(None).unwrap_err();
    assert_eq!(invalid_field(&e), "person");
    assert!(e.to_string().contains("Ann, Bob"), "{e}");
    let e = app.summary(Some("Cy")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[test]
fn a_lab_is_added_in_the_stored_unit_and_a_second_same_day_result_is_kept_or_replaced() {
    let mut app = app();
    ann(&mut app);
    let day = date(2026, 3, 2);
    // 3.1 mmol/L LDL is 119.88 mg/dL (× 38.67, vascalc-domain's factor).
    let first = app.add_lab(None, &ldl(3.1, "mmol/L", day)).unwrap();
    assert_eq!(first.lab.unit, "mg/dL");
    assert!(
        (first.lab.value - 3.1 * 38.67).abs() < 0.01,
        "{}",
        first.lab.value
    );
    assert!(first.same_day.is_empty());
    let second = app.add_lab(None, &ldl(120.0, "mg/dL", day)).unwrap();
    assert_eq!(second.same_day, [first.id]);
    assert!(!second.replaced);
    assert_eq!(entry_count(&app), 2);
    let mut third = ldl(121.0, "mg/dL", day);
    third.replace = true;
    let third = app.add_lab(None, &third).unwrap();
    assert_eq!(third.same_day, [first.id, second.id]);
    let (_, labs) = app.entries(None, Some(EntryKind::Lab)).unwrap();
    assert_eq!(labs.len(), 1);
    assert_eq!(labs[0].0, third.id);
}

#[test]
fn a_refused_lab_names_its_field_and_writes_nothing() {
    let mut app = app();
    ann(&mut app);
    let today = TODAY;
    let cases = [
        (ldl(3.1, "mg/dL", today), "value"),
        (ldl(3.1, "furlongs", today), "unit"),
        (ldl(f64::NAN, "mg/dL", today), "value"),
        (ldl(120.0, "mg/dL", date(2027, 1, 1)), "date"),
        // Before Ann's birth (1958-07-01).
        (ldl(120.0, "mg/dL", date(1950, 1, 1)), "date"),
        (
            LabInput {
                analyte: "sodium".into(),
                ..ldl(140.0, "mmol/L", today)
            },
            "analyte",
        ),
    ];
    for (input, field) in cases {
        let e = app.add_lab(None, &input).unwrap_err();
        assert_eq!(invalid_field(&e), field, "{e}");
    }
    let e = app
        .add_lab(None, &ldl(120.0, "mg/dL", date(1950, 1, 1)))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("before Ann's birth date (1958-07-01)"),
        "{e}"
    );
    assert_eq!(entry_count(&app), 0);
}

#[test]
fn a_lab_is_corrected_under_its_id() {
    let mut app = app();
    ann(&mut app);
    let added = app
        .add_lab(None, &ldl(120.0, "mg/dL", date(2026, 3, 2)))
        .unwrap();
    let change = app
        .edit_lab(
            None,
            added.id,
            &LabEdit {
                value: Some(3.0),
                unit: Some("mmol/L".into()),
                date: Some(date(2026, 3, 3)),
            },
        )
        .unwrap();
    let Entry::Lab(after) = &change.after else {
        panic!("{:?}", change.after)
    };
    assert!((after.value - 116.01).abs() < 0.01, "{}", after.value);
    assert_eq!(after.date, date(2026, 3, 3));
    let (_, labs) = app.entries(None, None).unwrap();
    assert_eq!(labs, [(added.id, change.after.clone())]);
    // Nothing to change, the wrong kind, an implausible value, an unknown id.
    let e = app
        .edit_lab(None, added.id, &LabEdit::default())
        .unwrap_err();
    assert_eq!(invalid_field(&e), "value");
    let scan_id = "scan:1".parse().unwrap();
    let e = app
        .edit_lab(
            None,
            scan_id,
            &LabEdit {
                date: Some(TODAY),
                ..LabEdit::default()
            },
        )
        .unwrap_err();
    assert_eq!(invalid_field(&e), "id");
    let e = app
        .edit_lab(
            None,
            added.id,
            &LabEdit {
                value: Some(5000.0),
                unit: Some("mg/dL".into()),
                date: None,
            },
        )
        .unwrap_err();
    assert_eq!(invalid_field(&e), "value");
    let e = app
        .edit_lab(
            None,
            "lab:99".parse().unwrap(),
            &LabEdit {
                date: Some(TODAY),
                ..LabEdit::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(app.entries(None, None).unwrap().1[0].1, change.after);
}

#[test]
fn entries_are_moved_and_deleted_by_id_all_or_none() {
    let mut app = app();
    ann(&mut app);
    let a = app
        .add_lab(None, &ldl(120.0, "mg/dL", date(2026, 3, 2)))
        .unwrap();
    let b = app
        .add_lab(None, &ldl(110.0, "mg/dL", date(2026, 4, 2)))
        .unwrap();
    let moved = app.move_entry(None, a.id, date(2026, 5, 1)).unwrap();
    assert_eq!(moved.after.date(), date(2026, 5, 1));
    let e = app.move_entry(None, a.id, date(1950, 1, 1)).unwrap_err();
    assert_eq!(invalid_field(&e), "date");
    // One unknown id: nothing is deleted.
    let e = app
        .delete_entries(None, &[b.id, "lab:99".parse().unwrap()])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(entry_count(&app), 2);
    let (_, deleted) = app.delete_entries(None, &[b.id, a.id]).unwrap();
    assert_eq!(deleted.len(), 2);
    assert_eq!(entry_count(&app), 0);
    // A deleted id is not given again.
    let c = app
        .add_lab(None, &ldl(100.0, "mg/dL", date(2026, 6, 2)))
        .unwrap();
    assert!(c.id.row > b.id.row, "{} after {}", c.id, b.id);
}

#[test]
fn the_plan_reads_the_record_and_says_which_facts_it_used() {
    let mut app = app();
    ann(&mut app);
    app.update_person(
        None,
        &PersonInput {
            smoking: Some(SmokingInput {
                status: "never".into(),
                ..SmokingInput::default()
            }),
            ..PersonInput::default()
        },
    )
    .unwrap();
    for (analyte, value, unit) in [
        ("total_cholesterol", 210.0, "mg/dL"),
        ("hdl", 55.0, "mg/dL"),
        ("ldl", 130.0, "mg/dL"),
    ] {
        app.add_lab(
            None,
            &LabInput {
                analyte: analyte.into(),
                ..ldl(value, unit, date(2026, 11, 1))
            },
        )
        .unwrap();
    }
    let view = app.plan(None, None).unwrap();
    assert_eq!(view.as_of, TODAY);
    assert_eq!(view.plan.today, TODAY);
    assert_eq!(view.input.labs.len(), 3);
    // No blood pressure in the record: no 10-year PCE risk, and the plan still comes.
    assert!(view.input.clinical.ascvd_risk_10y.is_none());
    assert!(!view.plan.items.is_empty());
    let e = app.plan(Some("Bob"), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[test]
fn entries_of_every_kind_are_checked_before_they_are_added() {
    use vascalc_record::{Activity, ArteryScores, FoodEntry, Scan, ScanSource, Vitals};
    let mut app = app();
    ann(&mut app);
    let vitals = Vitals {
        date: date(2026, 11, 1),
        systolic_mm_hg: Some(128.0),
        diastolic_mm_hg: Some(82.0),
        weight_kg: Some(70.0),
        waist_cm: None,
    };
    app.add_entry(None, &Entry::Vitals(vitals.clone())).unwrap();
    let bad = [
        (
            Entry::Vitals(Vitals {
                diastolic_mm_hg: Some(140.0),
                ..vitals.clone()
            }),
            "diastolic_mm_hg",
        ),
        (
            Entry::Activity(Activity {
                date: date(2026, 11, 1),
                kind: ActivityKind::Endurance,
                minutes: 0.0,
            }),
            "minutes",
        ),
        (
            Entry::Activity(Activity {
                date: date(1950, 1, 1),
                kind: ActivityKind::Endurance,
                minutes: 30.0,
            }),
            "date",
        ),
        (
            Entry::Food(FoodEntry {
                date: date(2026, 11, 1),
                food_id: "ndb:99999".into(),
                grams: 100.0,
                portion: None,
            }),
            "food_id",
        ),
    ];
    for (entry, field) in bad {
        let e = app.add_entry(None, &entry).unwrap_err();
        assert_eq!(invalid_field(&e), field, "{e}");
    }
    assert_eq!(entry_count(&app), 1);
    let scan = Scan {
        date: date(2025, 1, 10),
        agatston: 120.0,
        per_artery: ArteryScores::default(),
        volume_mm3: None,
        mass_mg: None,
        source: ScanSource::Report,
        score: None,
    };
    app.add_entry(None, &Entry::Scan(scan.clone())).unwrap();
    let e = app.add_entry(None, &Entry::Scan(scan)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    assert_eq!(entry_count(&app), 2);
}

#[test]
fn progress_needs_a_scan_and_then_reports_it() {
    use vascalc_record::{ArteryScores, Scan, ScanSource};
    let mut app = app();
    ann(&mut app);
    let e = app.progress(None, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    for (on, agatston) in [(date(2022, 1, 10), 100.0), (date(2025, 1, 10), 180.0)] {
        let scan = Scan {
            date: on,
            agatston,
            per_artery: ArteryScores::default(),
            volume_mm3: None,
            mass_mg: None,
            source: ScanSource::Report,
            score: None,
        };
        app.add_entry(None, &Entry::Scan(scan)).unwrap();
    }
    let report = app.progress(None, None).unwrap();
    assert_eq!(report.scans.len(), 2);
    // Between the scans, then from the last scan to today.
    assert_eq!(report.adherence.len(), 2);
    let (profile, assessment) = app
        .assess(None, None, &vascalc_clinical::Options::default())
        .unwrap();
    assert_eq!(profile.cac_agatston, Some(180.0));
    assert!(assessment.cac.is_some());
}

#[test]
fn export_and_import_round_trip_and_refuse_bad_records_whole() {
    let mut app = app();
    let demo = app.fill_demo().unwrap();
    let doc = app.export(&[]).unwrap();
    assert_eq!(doc.people.len(), 1);
    assert_eq!(doc.people[0].person, demo.person);
    assert_eq!(
        crate::exchange::entry_count(&doc.people[0]),
        crate::exchange::entry_count(&demo)
    );
    let text = serde_json::to_string(&doc).unwrap();
    let back = crate::exchange::parse_export(&text).unwrap();
    let mut other = App::at(Store::open_in_memory().unwrap(), TODAY);
    let imported = other.import(&back, false).unwrap();
    assert_eq!(imported[0].entries, crate::exchange::entry_count(&demo));
    assert!(
        other.export(&[]).unwrap() == doc,
        "the export reads back whole"
    );
    // The same person again: a conflict unless replacing, which says what it discards.
    let e = other.import(&back, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    assert_eq!(
        other.replaced_by(&back).unwrap()[0].person,
        demo.person.name
    );
    // One bad lab: nothing of the file is imported; the message names the record and field.
    let mut bad = back.clone();
    bad.people[0].person.name = "Someone Else".into();
    bad.people[0].labs[0].value = -1.0;
    let e = other.import(&bad, false).unwrap_err();
    assert_eq!(invalid_field(&e), "people[0] (Someone Else).labs[0].value");
    assert_eq!(other.people().unwrap().len(), 1);
    let e =
        crate::exchange::parse_export(r#"{"format":"other","version":1,"people":[]}"#).unwrap_err();
    assert_eq!(invalid_field(&e), "format");
    let empty =
        crate::exchange::parse_export(r#"{"format":"vascalc-record","version":1,"people":[]}"#)
            .unwrap();
    assert_eq!(
        other.import(&empty, false).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn the_unit_preference_is_stored_and_refused_when_unknown() {
    let mut app = app();
    ann(&mut app);
    let s = app
        .update_person(
            None,
            &PersonInput {
                units: Some("SI".into()),
                ..PersonInput::default()
            },
        )
        .unwrap();
    assert_eq!(s.person.units, Some(vascalc_record::Units::Si));
    let added = app
        .add_lab(None, &ldl(3.1, "mmol/L", date(2026, 3, 2)))
        .unwrap();
    assert_eq!(added.units, Some(vascalc_record::Units::Si));
    let (v, u) = crate::labs::shown(&added.lab, added.units);
    assert!((v - 3.1).abs() < 1e-12 && u == "mmol/L");
    let e = app
        .update_person(
            None,
            &PersonInput {
                units: Some("imperial".into()),
                ..PersonInput::default()
            },
        )
        .unwrap_err();
    assert_eq!(invalid_field(&e), "units");
    assert_eq!(
        app.summary(None).unwrap().person.units,
        Some(vascalc_record::Units::Si)
    );
}

/// Issue 15: smoking and alcohol are entries dated `as_of`; one before the person's birth is
/// refused like any other entry, and nothing is written.
#[test]
fn smoking_and_alcohol_before_birth_are_refused() {
    let mut app = app();
    ann(&mut app);
    let before = entry_count(&app);
    for input in [
        PersonInput {
            smoking: Some(SmokingInput {
                status: "never".into(),
                pack_years: None,
                quit_date: None,
            }),
            as_of: Some(date(1950, 1, 1)),
            ..PersonInput::default()
        },
        PersonInput {
            drinks_per_week: Some(3.0),
            as_of: Some(date(1950, 1, 1)),
            ..PersonInput::default()
        },
    ] {
        let e = app.update_person(Some("Ann"), &input).unwrap_err();
        // The field is the input's: `as_of`, the day the entry is dated.
        assert_eq!(invalid_field(&e), "as_of");
        assert!(
            e.to_string()
                .contains("1950-01-01 is before Ann's birth date (1958-07-01)"),
            "{e}"
        );
    }
    assert_eq!(entry_count(&app), before);
    // On the birth date itself it is accepted.
    let on_birth = PersonInput {
        drinks_per_week: Some(0.0),
        as_of: Some(date(1958, 7, 1)),
        ..PersonInput::default()
    };
    app.update_person(Some("Ann"), &on_birth).unwrap();
    assert_eq!(entry_count(&app), before + 1);
    // A quit date before birth is refused under its own field.
    let quit = PersonInput {
        smoking: Some(SmokingInput {
            status: "former".into(),
            pack_years: None,
            quit_date: Some(date(1950, 1, 1)),
        }),
        ..PersonInput::default()
    };
    let e = app.update_person(Some("Ann"), &quit).unwrap_err();
    assert_eq!(invalid_field(&e), "quit_date");
    assert_eq!(entry_count(&app), before + 1);
}

/// Issue 15: a course started before birth is refused under `start` (the field a front end
/// shows the error beside), a lab moved before birth under `date`; plan and progress as of a
/// day before birth under `as_of`.
#[test]
fn each_date_before_birth_is_refused_under_its_own_field() {
    let mut app = app();
    ann(&mut app);
    let course = Entry::Medication(vascalc_record::Medication {
        name: "MK-7".into(),
        kind: "mk7".into(),
        dose: Some(180.0),
        unit: Some("ug".into()),
        start: date(1950, 1, 1),
        end: None,
    });
    let e = app.add_entry(Some("Ann"), &course).unwrap_err();
    assert_eq!(invalid_field(&e), "start");
    let added = app
        .add_lab(
            Some("Ann"),
            &LabInput {
                analyte: "ldl".into(),
                value: 3.0,
                unit: "mmol/L".into(),
                date: Some(date(2020, 1, 1)),
                replace: false,
            },
        )
        .unwrap();
    let edit = LabEdit {
        value: None,
        unit: None,
        date: Some(date(1950, 1, 1)),
    };
    let e = app.edit_lab(Some("Ann"), added.id, &edit).unwrap_err();
    assert_eq!(invalid_field(&e), "date");
    let e = app.plan(Some("Ann"), Some(date(1950, 1, 1))).unwrap_err();
    assert_eq!(invalid_field(&e), "as_of");
    let e = app
        .progress(Some("Ann"), Some(date(1950, 1, 1)))
        .unwrap_err();
    assert_eq!(invalid_field(&e), "as_of");
}

/// A `scan score` series whose flags withhold interpretation (vascalc-testdata's shared fixture:
/// automatic regions that find no chest), as the record keeps it.
fn uninterpreted_series() -> serde_json::Value {
    serde_json::to_value(vascalc_testdata::scans::uninterpreted_series()).unwrap()
}

/// A scan from a score result, with `agatston` as its total.
fn scan_with_score(on: Date, agatston: f64, score: serde_json::Value) -> vascalc_record::Scan {
    vascalc_record::Scan {
        date: on,
        agatston,
        per_artery: vascalc_record::ArteryScores::default(),
        volume_mm3: None,
        mass_mg: None,
        source: vascalc_record::ScanSource::Score,
        score: Some(score),
    }
}

/// Issue 15, one rule for what scan may enter the record: a scan whose kept score was not
/// interpreted (unreviewed candidates, no chest found) or is not a coronary score (whole image)
/// is refused by `add_entry` (the web's `POST /api/entries`), by `edit_entry` and by `import`,
/// as `scan add --from-json` and the review refuse it; the refusal names the entry and the
/// reason, and nothing changes. An interpreted coronary score is taken, with its total.
#[test]
fn a_scan_that_was_not_interpreted_enters_the_record_by_no_way() {
    use crate::scans::tests::series;
    use vascalc_ct::{Flag, FlagCode, LesionStatus};
    let mut app = app();
    ann(&mut app);
    let on = date(2025, 1, 10);
    let not_interpreted = uninterpreted_series();
    let whole_image =
        serde_json::to_value(series(&[(None, LesionStatus::Scored, 40.0)], vec![])).unwrap();
    let unreviewed = serde_json::to_value(series(
        &[(Some("LAD"), LesionStatus::Scored, 40.0)],
        vec![Flag::new(
            FlagCode::Unreviewed,
            "automatic candidates not reviewed",
        )],
    ))
    .unwrap();
    for (score, words) in [
        (not_interpreted.clone(), "not interpreted"),
        (whole_image, "not a coronary score"),
        (unreviewed, "not interpreted"),
        (json_garbage(), "not one series"),
    ] {
        let total = score["totals"]["agatston"].as_f64().unwrap_or(10.0);
        let e = app
            .add_entry(None, &Entry::Scan(scan_with_score(on, total, score)))
            .unwrap_err();
        assert_eq!(invalid_field(&e), "score");
        assert!(e.to_string().contains(words), "{e}");
    }
    assert_eq!(entry_count(&app), 0, "nothing was added");

    // A coronary score is taken; its total must be the scan's.
    let lad =
        serde_json::to_value(series(&[(Some("LAD"), LesionStatus::Scored, 40.0)], vec![])).unwrap();
    let e = app
        .add_entry(None, &Entry::Scan(scan_with_score(on, 400.0, lad.clone())))
        .unwrap_err();
    assert_eq!(invalid_field(&e), "agatston");
    let (_, id) = app
        .add_entry(None, &Entry::Scan(scan_with_score(on, 40.0, lad)))
        .unwrap();

    // An edit cannot turn it into one that was not interpreted.
    let e = app
        .edit_entry(
            None,
            id,
            &Entry::Scan(scan_with_score(on, 777.0, not_interpreted.clone())),
        )
        .unwrap_err();
    assert_eq!(invalid_field(&e), "score");

    // An import holding one is refused whole, naming the person and the entry.
    let mut doc = app.export(&[]).unwrap();
    let before = serde_json::to_string(&doc).unwrap();
    doc.people[0].person.name = "Bea".into();
    doc.people[0]
        .scans
        .push(scan_with_score(date(2026, 1, 10), 777.0, not_interpreted));
    let e = app.import(&doc, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
    assert!(
        e.to_string().contains("people[0] (Bea)") && e.to_string().contains("scans[1]"),
        "{e}"
    );
    assert!(e.to_string().contains("not interpreted"), "{e}");
    assert_eq!(
        serde_json::to_string(&app.export(&[]).unwrap()).unwrap(),
        before
    );
}

fn json_garbage() -> serde_json::Value {
    serde_json::json!({"agatston": 10.0})
}

/// A reviewed scan's date is the use case's field `date`: the message does not name a command
/// line option (the CLI adds `--date` itself).
#[test]
fn a_reviewed_scan_s_date_error_names_no_option() {
    use crate::scans::tests::series;
    use vascalc_ct::LesionStatus;
    let one = series(&[(Some("LAD"), LesionStatus::Scored, 40.0)], vec![]);
    let e = crate::scans::scan_from_series(one, Some(date(2027, 1, 1)), TODAY).unwrap_err();
    assert_eq!(invalid_field(&e), "date");
    assert!(e.to_string().starts_with("date: "), "{e}");
    assert!(!e.to_string().contains("--date"), "{e}");
}

#[test]
fn a_scan_that_is_not_a_final_score_counts_in_no_clinical_figure() {
    use vascalc_record::{ArteryScores, Scan, ScanSource};
    let mut app = app();
    ann(&mut app);
    let scan = |on: Date, agatston: f64, score: Option<serde_json::Value>| Scan {
        date: on,
        agatston,
        per_artery: ArteryScores::default(),
        volume_mm3: None,
        mass_mg: None,
        source: if score.is_some() {
            ScanSource::Score
        } else {
            ScanSource::Report
        },
        score,
    };
    let (id, _) = app.person(None).unwrap();
    // Only an import or the store can hold such a scan (`scan add` refuses it): put it there.
    app.store_mut()
        .add_entry(
            id,
            &Entry::Scan(scan(date(2025, 1, 10), 777.0, Some(uninterpreted_series()))),
        )
        .unwrap();
    let e = app.progress(None, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("no final scan"), "{e}");
    assert_eq!(app.expected_band(None, None).unwrap(), None);
    app.add_entry(None, &Entry::Scan(scan(date(2022, 1, 10), 100.0, None)))
        .unwrap();
    let report = app.progress(None, None).unwrap();
    assert_eq!(report.scans.len(), 1);
    assert_eq!(report.scans[0].agatston, 100.0);
    assert_eq!(report.progression.scans.len(), 1);
    let band = app.expected_band(None, None).unwrap().unwrap();
    assert_eq!(band.baseline, date(2022, 1, 10));
    let (profile, _) = app
        .assess(None, None, &vascalc_clinical::Options::default())
        .unwrap();
    assert_eq!(profile.cac_agatston, Some(100.0), "the latest final score");
    let data = app.report_data(None, None).unwrap();
    assert_eq!(data.progression.unwrap().scans.len(), 1);
    // The record still lists it (the report marks it "Not a final score").
    assert_eq!(app.store().scans(id).unwrap().len(), 2);
}

/// One change to the record, for the memo's property test.
#[derive(Debug, Clone)]
enum Change {
    Food {
        day: i64,
        food: usize,
        grams: f64,
    },
    EditFood {
        nth: usize,
        grams: f64,
    },
    MoveFood {
        nth: usize,
        day: i64,
    },
    DeleteFood {
        nth: usize,
    },
    Activity {
        day: i64,
        minutes: f64,
    },
    Dose {
        day: i64,
    },
    /// Redefines the person's own food `user:natto` with this MK-7 content.
    OwnFood {
        mk7_ug: f64,
    },
    Scan {
        day: i64,
        agatston: f64,
    },
}

fn change() -> impl proptest::strategy::Strategy<Value = Change> {
    use proptest::prelude::*;
    prop_oneof![
        (0..400i64, 0..4usize, 1.0..300.0f64).prop_map(|(day, food, grams)| Change::Food {
            day,
            food,
            grams
        }),
        (0..50usize, 1.0..300.0f64).prop_map(|(nth, grams)| Change::EditFood { nth, grams }),
        (0..50usize, 0..400i64).prop_map(|(nth, day)| Change::MoveFood { nth, day }),
        (0..50usize).prop_map(|nth| Change::DeleteFood { nth }),
        (0..400i64, 5.0..120.0f64).prop_map(|(day, minutes)| Change::Activity { day, minutes }),
        (0..400i64).prop_map(|day| Change::Dose { day }),
        (1.0..2000.0f64).prop_map(|mk7_ug| Change::OwnFood { mk7_ug }),
        (0..400i64, 0.0..900.0f64).prop_map(|(day, agatston)| Change::Scan { day, agatston }),
    ]
}

fn apply(app: &mut App<Store>, change: &Change) {
    use jiff::ToSpan;
    use vascalc_record::{Activity, FoodEntry, MedDose, Scan, ScanSource};
    let day = |back: i64| TODAY.checked_sub(back.days()).unwrap();
    let foods = ["ndb:16113", "ndb:11457", "ndb:01009", "user:natto"];
    let nth_food = |app: &App<Store>, nth: usize| {
        let (_, list) = app.entries(None, Some(EntryKind::Food)).unwrap();
        (!list.is_empty()).then(|| list[nth % list.len()].clone())
    };
    // A refused change (a second scan on a day, a food before its definition) changes nothing,
    // which the property covers too.
    let _ = match change {
        Change::Food {
            day: d,
            food,
            grams,
        } => app
            .add_entry(
                None,
                &Entry::Food(FoodEntry {
                    date: day(*d),
                    food_id: foods[*food].into(),
                    grams: *grams,
                    portion: None,
                }),
            )
            .map(drop),
        Change::EditFood { nth, grams } => match nth_food(app, *nth) {
            Some((id, Entry::Food(mut f))) => {
                f.grams = *grams;
                app.edit_entry(None, id, &Entry::Food(f)).map(drop)
            }
            _ => Ok(()),
        },
        Change::MoveFood { nth, day: d } => match nth_food(app, *nth) {
            Some((id, _)) => app.move_entry(None, id, day(*d)).map(drop),
            None => Ok(()),
        },
        Change::DeleteFood { nth } => match nth_food(app, *nth) {
            Some((id, _)) => app.delete_entries(None, &[id]).map(drop),
            None => Ok(()),
        },
        Change::Activity { day: d, minutes } => app
            .add_entry(
                None,
                &Entry::Activity(Activity {
                    date: day(*d),
                    kind: ActivityKind::Endurance,
                    minutes: *minutes,
                }),
            )
            .map(drop),
        Change::Dose { day: d } => app
            .add_entry(
                None,
                &Entry::Dose(MedDose {
                    date: day(*d),
                    name: "magnesium citrate".into(),
                    kind: "magnesium".into(),
                    dose: 300.0,
                    unit: "mg".into(),
                }),
            )
            .map(drop),
        Change::OwnFood { mk7_ug } => app
            .define_food(
                None,
                serde_json::json!({"id": "natto", "name": "Natto",
                    "per_100g": {"menaquinone7_ug": mk7_ug, "magnesium_mg": 115.0}}),
            )
            .map(drop),
        Change::Scan { day: d, agatston } => app
            .add_entry(
                None,
                &Entry::Scan(Scan {
                    date: day(*d),
                    agatston: *agatston,
                    per_artery: Default::default(),
                    volume_mm3: None,
                    mass_mg: None,
                    source: ScanSource::Report,
                    score: None,
                }),
            )
            .map(drop),
    };
}

/// The whole report as JSON, to compare two of them.
fn progress_json(r: &crate::progress::Report) -> serde_json::Value {
    serde_json::to_value(r).unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// After any sequence of adds, edits, moves and deletes (food, activity, doses, own foods,
    /// scans), the kept progress report is the one computed from scratch.
    #[test]
    fn the_kept_progress_is_always_the_one_computed_from_scratch(
        changes in proptest::collection::vec(change(), 1..30),
    ) {
        let mut app = app();
        ann(&mut app);
        app.define_food(
            None,
            serde_json::json!({"id": "natto", "name": "Natto",
                "per_100g": {"menaquinone7_ug": 900.0, "magnesium_mg": 115.0}}),
        )
        .unwrap();
        apply(&mut app, &Change::Scan { day: 380, agatston: 50.0 });
        let memo = crate::progress::ProgressMemo::default();
        for c in &changes {
            apply(&mut app, c);
            let kept = app.progress_memo(&memo, None, None).map(|r| progress_json(&r));
            let fresh = app.progress(None, None).map(|r| progress_json(&r));
            match (kept, fresh) {
                (Ok(k), Ok(f)) => proptest::prop_assert_eq!(k, f, "after {:?}", c),
                (k, f) => proptest::prop_assert_eq!(
                    k.map_err(|e| e.to_string()),
                    f.map_err(|e| e.to_string())
                ),
            }
        }
    }
}

#[test]
fn a_kept_progress_report_is_reused_until_the_record_changes() {
    let mut app = app();
    ann(&mut app);
    apply(
        &mut app,
        &Change::Scan {
            day: 380,
            agatston: 50.0,
        },
    );
    let memo = crate::progress::ProgressMemo::default();
    let first = app.progress_memo(&memo, None, None).unwrap();
    let again = app.progress_memo(&memo, None, None).unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "nothing changed: the kept report"
    );
    let before = app.store().revision().unwrap();
    apply(
        &mut app,
        &Change::Food {
            day: 2,
            food: 0,
            grams: 50.0,
        },
    );
    assert!(app.store().revision().unwrap() > before);
    let after = app.progress_memo(&memo, None, None).unwrap();
    assert!(!std::sync::Arc::ptr_eq(&first, &after));
    assert_ne!(
        progress_json(&first),
        progress_json(&after),
        "the natto counts"
    );
    assert_eq!(
        progress_json(&after),
        progress_json(&app.progress(None, None).unwrap())
    );
    // Another date is another report.
    let earlier = app
        .progress_memo(
            &memo,
            None,
            Some(TODAY.checked_sub(jiff::ToSpan::days(10)).unwrap()),
        )
        .unwrap();
    assert_ne!(earlier.as_of, after.as_of);
}

/// Issue 15 and 11: an entry whose weight and waist were sent in lb and in is stored in kg and
/// cm (1 lb = 0.45359237 kg, 1 in = 2.54 cm), and refused in lb and in; units for another kind
/// or an unknown unit are refused with the field; nothing is stored when refused.
#[test]
fn body_measures_sent_in_lb_and_in_are_converted_and_refused_in_them() {
    use crate::EntryUnits;
    use vascalc_record::Vitals;
    let mut app = app();
    ann(&mut app);
    let vitals = |weight, waist| {
        Entry::Vitals(Vitals {
            date: date(2026, 11, 1),
            systolic_mm_hg: None,
            diastolic_mm_hg: None,
            weight_kg: weight,
            waist_cm: waist,
        })
    };
    let us = EntryUnits {
        weight_kg: Some("lb".into()),
        waist_cm: Some("in".into()),
    };
    let (entry, given) = us.apply(&vitals(Some(180.0), Some(37.0))).unwrap();
    let (_, id) = app.add_entry_in(None, &entry, given).unwrap();
    let Entry::Vitals(stored) = app.entries(None, Some(EntryKind::Vitals)).unwrap().1[0]
        .1
        .clone()
    else {
        panic!("not vitals")
    };
    assert!(
        (stored.weight_kg.unwrap() - 81.646_626_6).abs() < 1e-6,
        "{stored:?}"
    );
    assert!(
        (stored.waist_cm.unwrap() - 93.98).abs() < 1e-9,
        "{stored:?}"
    );
    let (entry, given) = us.apply(&vitals(Some(900.0), None)).unwrap();
    let e = app.add_entry_in(None, &entry, given).unwrap_err();
    assert_eq!(e.to_string(), "weight 900 lb is outside 44.1–771.6 lb");
    assert_eq!(invalid_field(&e), "weight_kg");
    let e = app.edit_entry_in(None, id, &entry, given).unwrap_err();
    assert_eq!(e.to_string(), "weight 900 lb is outside 44.1–771.6 lb");
    let stone = EntryUnits {
        weight_kg: Some("stone".into()),
        waist_cm: None,
    };
    let e = stone.apply(&vitals(Some(12.0), None)).unwrap_err();
    assert_eq!(invalid_field(&e), "weight_kg");
    assert!(e.to_string().contains("kg, lb"), "{e}");
    let activity = Entry::Activity(vascalc_record::Activity {
        date: date(2026, 11, 1),
        kind: ActivityKind::Endurance,
        minutes: 30.0,
    });
    assert_eq!(invalid_field(&us.apply(&activity).unwrap_err()), "units");
    assert_eq!(app.entries(None, None).unwrap().1.len(), 1);
}
