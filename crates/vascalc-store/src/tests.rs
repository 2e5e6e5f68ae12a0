use super::*;
use jiff::civil::date;
use proptest::prelude::*;
use vascalc_record::{ActivityKind, SmokingStatus};

fn sample_record(name: &str) -> PersonRecord {
    let mut person = Person::named(name);
    person.birth_date = Some(date(1961, 3, 14));
    person.sex = Some(Sex::Male);
    person.race = Some(Race::White);
    person.height_cm = Some(178.5);
    person.diabetes = Some(false);
    person.dialysis = Some(false);
    PersonRecord {
        person,
        scans: vec![
            Scan {
                date: date(2019, 5, 2),
                agatston: 112.4,
                per_artery: ArteryScores {
                    lm: Some(0.0),
                    lad: Some(80.1),
                    lcx: None,
                    rca: Some(32.3),
                },
                volume_mm3: Some(95.0),
                mass_mg: None,
                source: ScanSource::Report,
                score: None,
            },
            Scan {
                date: date(2022, 6, 1),
                agatston: 150.25,
                per_artery: ArteryScores::default(),
                volume_mm3: None,
                mass_mg: Some(30.5),
                source: ScanSource::Score,
                score: Some(
                    serde_json::json!({"series":[{"totals":{"agatston":150.25}}],"flags":["x"]}),
                ),
            },
        ],
        labs: vec![Lab {
            date: date(2024, 1, 9),
            analyte: "ldl".into(),
            loinc: Some("2089-1".into()),
            value: 131.5,
            unit: "mg/dL".into(),
            entered_unit: None,
        }],
        vitals: vec![Vitals {
            date: date(2024, 1, 9),
            systolic_mm_hg: Some(132.0),
            diastolic_mm_hg: Some(84.0),
            weight_kg: None,
            waist_cm: Some(97.2),
        }],
        activity: vec![Activity {
            date: date(2024, 1, 10),
            kind: ActivityKind::Endurance,
            minutes: 45.0,
        }],
        smoking: vec![Smoking {
            date: date(2020, 1, 1),
            status: SmokingStatus::Former,
            pack_years: Some(12.5),
            quit_date: Some(date(2010, 6, 30)),
        }],
        alcohol: vec![Alcohol {
            date: date(2020, 1, 1),
            drinks_per_week: 3.0,
        }],
        medications: vec![Medication {
            name: "MK-7".into(),
            kind: "vitamin_k2".into(),
            dose: Some(180.0),
            unit: Some("ug".into()),
            start: date(2023, 2, 1),
            end: None,
        }],
        doses: vec![
            MedDose {
                date: date(2024, 1, 9),
                name: "MK-7".into(),
                kind: "mk7".into(),
                dose: 180.0,
                unit: "ug".into(),
            },
            MedDose {
                date: date(2024, 1, 10),
                name: "magnesium citrate".into(),
                kind: "magnesium".into(),
                dose: 0.1 + 0.2,
                unit: "mg".into(),
            },
        ],
        own_foods: vec![OwnFood {
            food_id: "user:natto".into(),
            definition: serde_json::json!({"id":"natto","name":"Natto","per_100g":{"menaquinone7_ug":939.0}}),
        }],
        foods: vec![
            FoodEntry {
                date: date(2024, 1, 10),
                food_id: "sr28:11457".into(),
                grams: 85.0,
                portion: Some("1 cup".into()),
            },
            FoodEntry {
                date: date(2024, 1, 10),
                food_id: "sr28:11457".into(),
                grams: 0.1 + 0.2,
                portion: None,
            },
        ],
    }
}

#[test]
fn a_record_reads_back_exactly_as_imported() {
    let mut store = Store::open_in_memory().unwrap();
    let record = sample_record("Ann");
    store.import(std::slice::from_ref(&record), false).unwrap();
    let (id, person) = store.select_person(None).unwrap();
    assert_eq!(store.record(id, person).unwrap(), record);
    let export = store.export(&[]).unwrap();
    let text = serde_json::to_string(&export).unwrap();
    let back: Export = serde_json::from_str(&text).unwrap();
    assert_eq!(back, export);
}

#[test]
fn a_failed_import_changes_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    store.import(&[sample_record("Ann")], false).unwrap();
    let before = store.export(&[]).unwrap();
    // Bob would be new, but Ann is already there: the whole import is refused.
    let err = store
        .import(&[sample_record("Bob"), sample_record("Ann")], false)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Record(RecordError::PersonExists(ref n)) if n == "Ann"),
        "{err}"
    );
    assert_eq!(store.export(&[]).unwrap(), before);
    // With replace, Ann's record is swapped whole, not doubled.
    store.import(&[sample_record("Ann")], true).unwrap();
    assert_eq!(store.export(&[]).unwrap(), before);
}

#[test]
fn choosing_a_person() {
    let mut store = Store::open_in_memory().unwrap();
    assert!(matches!(
        store.select_person(None),
        Err(StoreError::Record(RecordError::NoPerson))
    ));
    let ann = store.add_person(&Person::named("Ann")).unwrap();
    assert_eq!(store.select_person(None).unwrap().0, ann);
    let bob = store.add_person(&Person::named("Bob")).unwrap();
    assert!(
        matches!(store.select_person(None), Err(StoreError::Record(RecordError::SeveralPeople(ref s))) if s == "Ann, Bob")
    );
    assert_eq!(store.select_person(Some("Bob")).unwrap().0, bob);
    assert!(matches!(
        store.select_person(Some("Cy")),
        Err(StoreError::Record(RecordError::UnknownPerson { .. }))
    ));
    assert!(matches!(
        store.add_person(&Person::named("Ann")),
        Err(StoreError::Record(RecordError::PersonExists(_)))
    ));
    assert!(matches!(
        store.update_person(bob, &Person::named("Ann")),
        Err(StoreError::Record(RecordError::PersonExists(_)))
    ));
}

#[test]
fn entries_belong_to_their_person() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .import(&[sample_record("Ann"), sample_record("Bob")], false)
        .unwrap();
    let (bob, _) = store.select_person(Some("Bob")).unwrap();
    store
        .add_activity(
            bob,
            &Activity {
                date: date(2024, 2, 1),
                kind: ActivityKind::Strength,
                minutes: 30.0,
            },
        )
        .unwrap();
    let (ann, _) = store.select_person(Some("Ann")).unwrap();
    assert_eq!(store.activity(ann, None).unwrap().len(), 1);
    assert_eq!(store.activity(bob, None).unwrap().len(), 2);
    assert_eq!(
        store.activity(bob, Some(date(2024, 1, 11))).unwrap().len(),
        1
    );
}

#[test]
fn food_grams_are_summed_per_day_and_food() {
    let mut store = Store::open_in_memory().unwrap();
    store.import(&[sample_record("Ann")], false).unwrap();
    let (ann, _) = store.select_person(None).unwrap();
    let days = store
        .food_grams_by_day(ann, Some(date(2024, 1, 1)))
        .unwrap();
    assert_eq!(
        days,
        vec![(
            date(2024, 1, 10),
            "sr28:11457".to_owned(),
            85.0 + (0.1 + 0.2),
            2
        )]
    );
    assert!(
        store
            .food_grams_by_day(ann, Some(date(2024, 1, 11)))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.food_logged_days(ann, None).unwrap(),
        vec![date(2024, 1, 10)]
    );
}

#[test]
fn ending_a_medication_closes_the_open_course() {
    let mut store = Store::open_in_memory().unwrap();
    store.import(&[sample_record("Ann")], false).unwrap();
    let (ann, _) = store.select_person(None).unwrap();
    assert_eq!(
        store.end_medication(ann, "MK-7", date(2024, 3, 1)).unwrap(),
        1
    );
    assert_eq!(
        store.end_medication(ann, "MK-7", date(2024, 3, 2)).unwrap(),
        0
    );
    let meds = store.medications(ann).unwrap();
    assert_eq!(meds[0].end, Some(date(2024, 3, 1)));
    assert!(meds[0].active_on(date(2024, 3, 1)));
    assert!(!meds[0].active_on(date(2024, 3, 2)));
}

#[test]
fn reclassifying_changes_only_the_named_rows_of_the_old_kind() {
    let mut store = Store::open_in_memory().unwrap();
    store.import(&[sample_record("Ann")], false).unwrap();
    let (ann, _) = store.select_person(None).unwrap();
    let course = |name: &str, kind: &str| Medication {
        name: name.into(),
        kind: kind.into(),
        dose: None,
        unit: None,
        start: date(2024, 1, 1),
        end: None,
    };
    store
        .add_medication(ann, &course("Fancypill", "unknown"))
        .unwrap();
    store
        .add_medication(ann, &course("Other pill", "unknown"))
        .unwrap();
    let dose = MedDose {
        date: date(2024, 1, 2),
        name: "fancypill".into(),
        kind: "unknown".into(),
        dose: 1.0,
        unit: "unit".into(),
    };
    store.add_doses(ann, &[dose]).unwrap();
    assert_eq!(
        store
            .reclassify_medication(ann, "FANCYPILL", "unknown", "statin")
            .unwrap(),
        (1, 1)
    );
    let meds = store.medications(ann).unwrap();
    let kind = |n: &str| meds.iter().find(|m| m.name == n).map(|m| m.kind.clone());
    assert_eq!(kind("Fancypill").as_deref(), Some("statin"));
    assert_eq!(kind("Other pill").as_deref(), Some("unknown"));
    assert_eq!(store.doses(ann, None).unwrap()[0].kind, "statin");
    assert_eq!(
        store
            .reclassify_medication(ann, "Fancypill", "unknown", "doac")
            .unwrap(),
        (0, 0)
    );
}

/// Rows as the v1 schema holds them, written with v1's own SQL, so that the test keeps checking
/// the upgrade path after later migrations change the tables.
const V1_ROWS: &str = r#"
INSERT INTO person (id, name, birth_date, sex, race, height_cm, diabetes, family_history_mi)
    VALUES (1, 'Ann', '1961-03-14', 'female', 'black', 165.0, 1, 0);
INSERT INTO scan (person_id, date, agatston, lm, lad, lcx, rca, volume_mm3, mass_mg, source, score_json)
    VALUES (1, '2019-05-02', 112.4, 0.0, 80.1, NULL, 32.3, 95.0, NULL, 'report', NULL);
INSERT INTO lab (person_id, date, analyte, loinc, value, unit)
    VALUES (1, '2024-01-09', 'ldl', '2089-1', 131.5, 'mg/dL');
INSERT INTO vitals (person_id, date, systolic_mm_hg, diastolic_mm_hg, weight_kg, waist_cm)
    VALUES (1, '2024-01-09', 132, 84, 70.5, NULL);
INSERT INTO activity (person_id, date, kind, minutes) VALUES (1, '2024-01-10', 'endurance', 45);
INSERT INTO smoking (person_id, date, status, pack_years, quit_date)
    VALUES (1, '2020-01-01', 'former', 12.5, '2010-06-30');
INSERT INTO alcohol (person_id, date, drinks_per_week) VALUES (1, '2020-01-01', 3);
INSERT INTO medication (person_id, name, kind, dose, unit, start_date, end_date)
    VALUES (1, 'MK-7', 'vitamin_k2', 180, 'ug', '2023-02-01', NULL);
INSERT INTO food_log (person_id, date, food_id, grams, portion)
    VALUES (1, '2024-01-10', 'sr28:11457', 85, '1 cup');
"#;

/// Rows as the v2 schema holds them.
const V2_ROWS: &str = r#"
INSERT INTO own_food (person_id, food_id, definition)
    VALUES (1, 'user:natto', '{"id":"natto","name":"Natto","per_100g":{"menaquinone7_ug":939.0}}');
"#;

/// Rows as the v3 schema holds them.
const V3_ROWS: &str = "UPDATE person SET dialysis = 1 WHERE id = 1;";

/// Rows as the v4 schema holds them.
const V4_ROWS: &str = r#"
INSERT INTO med_dose (person_id, date, name, kind, dose, unit)
    VALUES (1, '2024-01-11', 'MK-7', 'mk7', 180, 'ug');
"#;

/// Data written at each earlier schema version (index = version) and survives every upgrade.
fn fill(conn: &Connection, version: u32) {
    if version >= 1 {
        conn.execute_batch(V1_ROWS).unwrap();
    }
    if version >= 2 {
        conn.execute_batch(V2_ROWS).unwrap();
    }
    if version >= 3 {
        conn.execute_batch(V3_ROWS).unwrap();
    }
    if version >= 4 {
        conn.execute_batch(V4_ROWS).unwrap();
    }
}

#[test]
fn migrations_from_every_earlier_version_keep_the_data() {
    for version in 0..schema::CURRENT_VERSION {
        let dir = tempdir();
        let path = dir.join("old.db");
        {
            let conn = Connection::open(&path).unwrap();
            let mut old = Store { conn };
            old.migrate_to(version).unwrap();
            assert_eq!(old.schema_version().unwrap(), version);
            fill(&old.conn, version);
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), schema::CURRENT_VERSION);
        assert_eq!(store.integrity_check().unwrap(), "ok");
        // v9: the revision starts at 0 whatever the file held before.
        assert_eq!(store.revision().unwrap(), 0);
        if version >= 1 {
            let (id, person) = store.select_person(None).unwrap();
            assert_eq!(person.birth_date, Some(date(1961, 3, 14)));
            assert_eq!(person.diabetes, Some(true));
            let record = store.record(id, person).unwrap();
            assert_eq!(record.scans[0].per_artery.lad, Some(80.1));
            assert_eq!(record.labs[0].value, 131.5);
            // v8 keeps the unit a value was given in; a result recorded before has none.
            assert_eq!(record.labs[0].entered_unit, None);
            assert_eq!(record.vitals[0].weight_kg, Some(70.5));
            assert_eq!(record.activity.len(), 1);
            assert_eq!(record.smoking[0].quit_date, Some(date(2010, 6, 30)));
            assert_eq!(record.alcohol[0].drinks_per_week, 3.0);
            assert_eq!(record.medications[0].dose, Some(180.0));
            assert_eq!(record.foods[0].portion.as_deref(), Some("1 cup"));
            if version >= 2 {
                assert_eq!(
                    record.own_foods[0].definition["per_100g"]["menaquinone7_ug"],
                    939.0
                );
            } else {
                assert!(record.own_foods.is_empty());
            }
            assert_eq!(record.person.dialysis == Some(true), version >= 3);
            if version >= 4 {
                assert_eq!(record.doses[0].dose, 180.0);
            } else {
                assert!(record.doses.is_empty());
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// v8: a lab value given in mmol/L is stored in mg/dL and remembers mmol/L, through an add, a
/// replacement and the whole-record write of an import.
#[test]
fn a_lab_remembers_the_unit_it_was_given_in() {
    let dir = tempdir();
    let mut store = Store::open(&dir.join("r.db")).unwrap();
    let ann = store.add_person(&Person::named("Ann")).unwrap();
    let lab = Lab {
        date: date(2024, 1, 9),
        analyte: "ldl".into(),
        loinc: Some("13457-7".into()),
        value: 119.877,
        unit: "mg/dL".into(),
        entered_unit: Some("mmol/L".into()),
    };
    let id = store.add_lab(ann, &lab).unwrap();
    assert_eq!(store.labs(ann).unwrap(), vec![lab.clone()]);
    let given_in_stored_unit = Lab {
        entered_unit: None,
        ..lab.clone()
    };
    store
        .replace_entry(ann, id, &Entry::Lab(given_in_stored_unit.clone()))
        .unwrap();
    assert_eq!(store.labs(ann).unwrap(), vec![given_in_stored_unit]);
    let mut record = PersonRecord::new(Person::named("Bob"));
    record.labs.push(lab.clone());
    store.import(&[record], false).unwrap();
    let (bob, _) = store.select_person(Some("Bob")).unwrap();
    assert_eq!(store.labs(bob).unwrap(), vec![lab]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_database_from_a_newer_vascalc_is_refused() {
    let dir = tempdir();
    let path = dir.join("new.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", schema::CURRENT_VERSION + 1)
            .unwrap();
    }
    assert!(matches!(Store::open(&path), Err(StoreError::TooNew { .. })));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn open_creates_the_directory_and_uses_wal() {
    let dir = tempdir();
    let path = dir.join("a").join("b").join("record.db");
    let store = Store::open(&path).unwrap();
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert!(path.exists());
    std::fs::remove_dir_all(dir).unwrap();
}

fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "vascalc-store-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn arb_date() -> impl Strategy<Value = Date> {
    (1900i16..2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Any food log, numbers included, reads back bit for bit and in date order.
    #[test]
    fn food_logs_round_trip(entries in proptest::collection::vec(
        (arb_date(), "[a-z0-9:]{1,12}", 0.0f64..1e6, proptest::option::of("[ -~]{0,10}")),
        0..40,
    )) {
        let mut store = Store::open_in_memory().unwrap();
        let ann = store.add_person(&Person::named("Ann")).unwrap();
        let foods: Vec<FoodEntry> = entries
            .into_iter()
            .map(|(date, food_id, grams, portion)| FoodEntry { date, food_id, grams, portion })
            .collect();
        store.add_foods(ann, &foods).unwrap();
        let mut expected = foods.clone();
        expected.sort_by_key(|f| f.date); // stable: same-day entries keep their order
        prop_assert_eq!(store.foods(ann, None).unwrap(), expected);
    }
}

#[test]
fn a_days_food_entries_come_with_their_ids_in_logged_order() {
    let mut store = Store::open_in_memory().unwrap();
    let ann = store.add_person(&Person::named("Ann")).unwrap();
    let bob = store.add_person(&Person::named("Bob")).unwrap();
    let entry = |d: Date, id: &str, grams: f64| FoodEntry {
        date: d,
        food_id: id.into(),
        grams,
        portion: None,
    };
    let day = date(2026, 5, 1);
    store
        .add_foods(
            ann,
            &[
                entry(day, "fndds:31103010", 100.0),
                entry(date(2026, 5, 2), "ndb:16113", 50.0),
                entry(day, "ndb:16113", 20.0),
            ],
        )
        .unwrap();
    store
        .add_foods(bob, &[entry(day, "ndb:01009", 30.0)])
        .unwrap();
    let got = store.food_entries_on(ann, day).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].1.food_id, "fndds:31103010");
    assert_eq!(got[1].1, entry(day, "ndb:16113", 20.0));
    assert!(got[0].0 < got[1].0);
    assert!(
        store
            .food_entries_on(ann, date(2026, 5, 3))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn opening_a_missing_database_for_reading_or_writing_creates_nothing() {
    let dir = tempdir();
    let path = dir.join("typo").join("record.db");
    for result in [Store::open_existing(&path), Store::open_read_only(&path)] {
        match result {
            Err(StoreError::Missing { path: p }) => assert_eq!(p, path),
            Err(other) => panic!("expected Missing, got {other}"),
            Ok(_) => panic!("a missing database opened"),
        }
    }
    assert!(!dir.join("typo").exists(), "a folder was created");
    // Only `open` (what creates a person uses) creates it.
    Store::open(&path).unwrap();
    assert!(path.is_file());
    std::fs::remove_dir_all(dir).unwrap();
}

/// Whether this process can write `path` in spite of its mode (root can).
fn modes_bypassed(path: &Path) -> bool {
    std::fs::OpenOptions::new().append(true).open(path).is_ok()
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a test says on stderr why it is skipped"
)]
fn a_read_only_open_reads_everything_and_writes_nothing() {
    let dir = tempdir();
    let path = dir.join("record.db");
    let record = sample_record("Ann");
    Store::open(&path)
        .unwrap()
        .import(std::slice::from_ref(&record), false)
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut store = Store::open_read_only(&path).unwrap();
    let (id, person) = store.select_person(None).unwrap();
    assert_eq!(store.record(id, person).unwrap(), record);
    assert!(store.add_person(&Person::named("Bob")).is_err());
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file changed");

    // SQLite's own read-only open (`mode=ro`) and the immutable open used in a folder that
    // cannot be written both read the whole record. (Tests run as root here, which bypasses
    // file modes; the mode 0444 part below only runs as another user.)
    for mode in [ReadMode::ReadOnly, ReadMode::Immutable] {
        let conn = Store::reading_conn(&path, mode).unwrap();
        let mut store = Store { conn };
        let (id, person) = store.select_person(None).unwrap();
        assert_eq!(store.record(id, person).unwrap(), record, "{mode:?}");
        assert!(store.add_person(&Person::named("Bob")).is_err(), "{mode:?}");
    }

    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    if modes_bypassed(&path) {
        eprintln!("running as root: file modes are bypassed, the mode 0444 case is not tested");
    } else {
        let store = Store::open_read_only(&path).unwrap();
        let (id, person) = store.select_person(None).unwrap();
        assert_eq!(store.record(id, person).unwrap(), record);
        drop(store);
        assert!(matches!(
            Store::open_existing(&path),
            Err(StoreError::ReadOnly { .. })
        ));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        let store = Store::open_read_only(&path).unwrap();
        let (id, person) = store.select_person(None).unwrap();
        assert_eq!(store.record(id, person).unwrap(), record);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a test says on stderr why it is skipped"
)]
fn a_read_only_open_of_an_older_schema_reads_a_migrated_copy_and_leaves_the_file() {
    // A database at schema v6 (before v7's food-log index), as a vascalc of that time left it.
    let dir = tempdir();
    let path = dir.join("v6.db");
    {
        let mut old = Store {
            conn: Connection::open(&path).unwrap(),
        };
        old.migrate_to(6).unwrap();
        fill(&old.conn, 6);
    }
    let before = std::fs::read(&path).unwrap();
    // What a writable open (migrating the file) reads, from a copy of the file.
    let copy = dir.join("copy.db");
    std::fs::copy(&path, &copy).unwrap();
    let expected = {
        let store = Store::open(&copy).unwrap();
        let (id, person) = store.select_person(None).unwrap();
        store.record(id, person).unwrap()
    };
    assert_eq!(expected.doses[0].dose, 180.0);

    // A file that cannot be written is opened by SQLite read-only, or as immutable in a folder
    // that cannot be written (tests run as root, which bypasses modes: the two opens are made
    // here as open_read_only makes them when the file cannot be written).
    for mode in [ReadMode::ReadOnly, ReadMode::Immutable] {
        let conn = Store::reading_conn(&path, mode).unwrap();
        let mut store = Store::read_migrated_copy(&conn, &path).unwrap();
        assert_eq!(store.schema_version().unwrap(), schema::CURRENT_VERSION);
        let (id, person) = store.select_person(None).unwrap();
        assert_eq!(store.record(id, person).unwrap(), expected, "{mode:?}");
        assert!(store.add_person(&Person::named("Bob")).is_err(), "{mode:?}");
        drop(store);
        drop(conn);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "{mode:?}: the file changed"
        );
    }

    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    if modes_bypassed(&path) {
        eprintln!("running as root: file modes are bypassed, the mode 0444 case is not tested");
    } else {
        let store = Store::open_read_only(&path).unwrap();
        let (id, person) = store.select_person(None).unwrap();
        assert_eq!(store.record(id, person).unwrap(), expected);
        drop(store);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "0444: the file changed"
        );
    }
    // A file that can be written is migrated in place by a read-only open, as by any open.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::open_read_only(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::CURRENT_VERSION);
    drop(store);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn entries_keep_their_ids_and_are_edited_and_deleted_only_for_their_person() {
    let mut store = Store::open_in_memory().unwrap();
    let ann = store.add_person(&Person::named("Ann")).unwrap();
    let bob = store.add_person(&Person::named("Bob")).unwrap();
    let record = sample_record("x");
    for lab in [&record.labs[0], &record.labs[0]] {
        store.add_lab(ann, lab).unwrap();
    }
    store.add_lab(bob, &record.labs[0]).unwrap();
    store.add_scan(ann, &record.scans[0]).unwrap();
    let labs = store.entries_of(ann, EntryKind::Lab).unwrap();
    let ids: Vec<String> = labs.iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(ids, ["lab:1", "lab:2"]);
    let all = store.entries(ann).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].0.to_string(), "scan:1"); // 2019, before the 2024 labs

    // Bob's lab:3 is not Ann's to delete or edit.
    let bobs: EntryId = "lab:3".parse().unwrap();
    assert!(matches!(
        store.delete_entry(ann, bobs),
        Err(StoreError::Record(RecordError::NoEntry(_)))
    ));
    assert!(matches!(
        store.set_entry_date(ann, bobs, date(2020, 1, 1)),
        Err(StoreError::Record(RecordError::NoEntry(_)))
    ));
    assert_eq!(store.labs(bob).unwrap().len(), 1);

    // Deleting lab:1 leaves lab:2 its id; editing changes the row in place.
    let first: EntryId = "lab:1".parse().unwrap();
    let second: EntryId = "lab:2".parse().unwrap();
    assert_eq!(
        store.delete_entry(ann, first).unwrap(),
        Entry::Lab(record.labs[0].clone())
    );
    let mut changed = record.labs[0].clone();
    changed.value = 99.5;
    changed.date = date(2024, 2, 1);
    store.replace_lab(ann, second, &changed).unwrap();
    assert_eq!(
        store.entry(ann, second).unwrap(),
        Entry::Lab(changed.clone())
    );
    assert_eq!(store.labs(ann).unwrap(), vec![changed]);
    store
        .set_entry_date(ann, "scan:1".parse().unwrap(), date(2019, 6, 1))
        .unwrap();
    assert_eq!(store.scans(ann).unwrap()[0].date, date(2019, 6, 1));
}

#[test]
fn entry_ids_parse_and_print_alike() {
    for kind in EntryKind::ALL {
        let text = format!("{}:17", kind.name());
        let id: EntryId = text.parse().unwrap();
        assert_eq!(id.to_string(), text);
    }
    for bad in [
        "", "lab", "lab:", "lab:0", "lab:-1", "lab:x", "labs:1", ":1",
    ] {
        assert!(bad.parse::<EntryId>().is_err(), "{bad:?}");
    }
}

#[test]
fn a_deleted_entrys_id_is_never_given_again_and_an_edit_keeps_it() {
    let mut store = Store::open_in_memory().unwrap();
    let ann = store.add_person(&Person::named("Ann")).unwrap();
    let record = sample_record("x");
    let first = store.add_lab(ann, &record.labs[0]).unwrap();
    let newest = store.add_lab(ann, &record.labs[0]).unwrap();
    assert_eq!((first.row, newest.row), (1, 2));
    // The newest row deleted: a plain rowid would give 2 again.
    store.delete_entry(ann, newest).unwrap();
    let next = store.add_lab(ann, &record.labs[0]).unwrap();
    assert_eq!(next.row, 3);
    let mut changed = record.labs[0].clone();
    changed.value = 120.0;
    store
        .replace_entry(ann, first, &Entry::Lab(changed.clone()))
        .unwrap();
    let ids: Vec<EntryId> = store
        .entries_of(ann, EntryKind::Lab)
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, [first, next]);
    assert_eq!(store.entry(ann, first).unwrap(), Entry::Lab(changed));
    // An entry of another kind cannot replace it.
    assert!(
        store
            .replace_entry(ann, first, &Entry::Scan(record.scans[0].clone()))
            .is_err()
    );
}

#[test]
fn a_version_4_database_keeps_its_entry_ids_and_never_reuses_them() {
    let dir = tempdir();
    let path = dir.join("v4.db");
    {
        // The schema of version 4 as it was released, written by its own DDL.
        let conn = Connection::open(&path).unwrap();
        for step in &schema::MIGRATIONS[..4] {
            conn.execute_batch(step).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.execute_batch(
            "INSERT INTO person (id, name) VALUES (1, 'Ann');
             INSERT INTO lab (id, person_id, date, analyte, loinc, value, unit)
                 VALUES (3, 1, '2024-01-10', 'ldl', '13457-7', 131.5, 'mg/dL'),
                        (7, 1, '2024-02-10', 'ldl', '13457-7', 120.0, 'mg/dL');
             INSERT INTO food_log (id, person_id, date, food_id, grams, portion)
                 VALUES (5, 1, '2024-01-10', 'ndb:01001', 10, NULL);",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::CURRENT_VERSION);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let (ann, _) = store.select_person(Some("Ann")).unwrap();
    let labs: Vec<String> = store
        .entries_of(ann, EntryKind::Lab)
        .unwrap()
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    assert_eq!(labs, ["lab:3", "lab:7"]);
    let foods = store.entries_of(ann, EntryKind::Food).unwrap();
    assert_eq!(foods[0].0.to_string(), "food:5");
    // The newest lab deleted, the next one gets 8, not 7 again.
    store.delete_entry(ann, "lab:7".parse().unwrap()).unwrap();
    let lab = store.labs(ann).unwrap().remove(0);
    assert_eq!(store.add_lab(ann, &lab).unwrap().to_string(), "lab:8");
    drop(store);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_unit_preference_reads_back() {
    let mut store = Store::open_in_memory().unwrap();
    let mut ann = Person::named("Ann");
    ann.units = Some(Units::Si);
    let id = store.add_person(&ann).unwrap();
    assert_eq!(store.select_person(None).unwrap().1.units, Some(Units::Si));
    ann.units = Some(Units::Us);
    store.update_person(id, &ann).unwrap();
    assert_eq!(store.select_person(None).unwrap().1, ann);
    ann.units = None;
    store.update_person(id, &ann).unwrap();
    assert_eq!(store.select_person(None).unwrap().1.units, None);
}

#[test]
fn an_unknown_stored_sex_or_race_is_reported_as_corrupt() {
    let mut store = Store::open_in_memory().unwrap();
    store.import(&[sample_record("Ann")], false).unwrap();
    store
        .conn
        .execute("UPDATE person SET race = 'martian' WHERE name = 'Ann'", [])
        .unwrap();
    let err = store.people().unwrap_err().to_string();
    assert!(
        err.contains(r#"stored race "martian" is not one of white, black"#),
        "{err}"
    );
    store
        .conn
        .execute(
            "UPDATE person SET race = 'white', sex = 'Male' WHERE name = 'Ann'",
            [],
        )
        .unwrap();
    let err = store.people().unwrap_err().to_string();
    assert!(
        err.contains(r#"stored sex "Male" is not one of female, male"#),
        "{err}"
    );
}

#[test]
fn every_write_raises_the_revision_and_a_read_or_a_refused_write_does_not() {
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(store.revision().unwrap(), 0);
    let mut last = 0;
    let ann = store.add_person(&Person::named("Ann")).unwrap();
    let mut raised = |store: &Store, what: &str| {
        let now = store.revision().unwrap();
        assert!(now > last, "{what} did not raise the revision");
        last = now;
    };
    raised(&store, "add_person");
    let food = FoodEntry {
        date: date(2024, 1, 10),
        food_id: "ndb:16113".into(),
        grams: 50.0,
        portion: None,
    };
    store.add_foods(ann, std::slice::from_ref(&food)).unwrap();
    raised(&store, "add_foods");
    let id = store.add_entry(ann, &Entry::Food(food.clone())).unwrap();
    raised(&store, "add_entry");
    store.set_entry_date(ann, id, date(2024, 1, 11)).unwrap();
    raised(&store, "set_entry_date");
    let edited = FoodEntry {
        grams: 80.0,
        ..food
    };
    store.replace_entry(ann, id, &Entry::Food(edited)).unwrap();
    raised(&store, "replace_entry");
    store.delete_entry(ann, id).unwrap();
    raised(&store, "delete_entry");
    let own = OwnFood {
        food_id: "user:natto".into(),
        definition: serde_json::json!({"id": "natto", "name": "Natto", "per_100g": {}}),
    };
    store.put_own_food(ann, &own).unwrap();
    raised(&store, "put_own_food");
    store.import(&[sample_record("Bo")], false).unwrap();
    raised(&store, "import");
    let before = store.revision().unwrap();
    let _ = store.record(ann, Person::named("Ann")).unwrap();
    let _ = store.food_grams_by_day(ann, None).unwrap();
    // A refused write (Bo already exists) rolls back with the revision.
    assert!(store.import(&[sample_record("Bo")], false).is_err());
    assert!(store.delete_entry(ann, id).is_err());
    assert_eq!(store.revision().unwrap(), before);
    store.delete_person(ann).unwrap();
    raised(&store, "delete_person");
}
