//! The schema as a list of migrations. `PRAGMA user_version` holds how many have been applied;
//! opening a database applies the missing ones, each in its own transaction. Entries are never
//! edited once released: a change is a new entry at the end.

/// Migration `i` (0-based) takes a database from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // v1: people and everything recorded about them. Dates are ISO `YYYY-MM-DD` text, so they
    // sort and compare as dates.
    r#"
CREATE TABLE person (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    birth_date        TEXT,
    sex               TEXT,
    race              TEXT,
    height_cm         REAL,
    diabetes          INTEGER,
    family_history_mi INTEGER
);
CREATE TABLE scan (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    agatston   REAL NOT NULL,
    lm         REAL,
    lad        REAL,
    lcx        REAL,
    rca        REAL,
    volume_mm3 REAL,
    mass_mg    REAL,
    source     TEXT NOT NULL,
    score_json TEXT
);
CREATE INDEX scan_person_date ON scan(person_id, date);
CREATE TABLE lab (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date      TEXT NOT NULL,
    analyte   TEXT NOT NULL,
    loinc     TEXT,
    value     REAL NOT NULL,
    unit      TEXT NOT NULL
);
CREATE INDEX lab_person_date ON lab(person_id, date);
CREATE TABLE vitals (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date            TEXT NOT NULL,
    systolic_mm_hg  REAL,
    diastolic_mm_hg REAL,
    weight_kg       REAL,
    waist_cm        REAL
);
CREATE INDEX vitals_person_date ON vitals(person_id, date);
CREATE TABLE activity (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    minutes   REAL NOT NULL
);
CREATE INDEX activity_person_date ON activity(person_id, date);
CREATE TABLE smoking (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    status     TEXT NOT NULL,
    pack_years REAL,
    quit_date  TEXT
);
CREATE TABLE alcohol (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date            TEXT NOT NULL,
    drinks_per_week REAL NOT NULL
);
CREATE TABLE medication (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    dose       REAL,
    unit       TEXT,
    start_date TEXT NOT NULL,
    end_date   TEXT
);
CREATE TABLE food_log (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date      TEXT NOT NULL,
    food_id   TEXT NOT NULL,
    grams     REAL NOT NULL,
    portion   TEXT
);
CREATE INDEX food_log_person_date ON food_log(person_id, date);
"#,
    // v2: the person's own foods and recipes (vascalc-nutrition's `UserFood` / `Recipe` as JSON),
    // which the food log may name as `user:<id>` / `recipe:<id>`.
    r#"
CREATE TABLE own_food (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    food_id    TEXT NOT NULL,
    definition TEXT NOT NULL,
    UNIQUE (person_id, food_id)
);
"#,
    // v3: clinical facts the plan's relevance and safety rules need.
    r#"
ALTER TABLE person ADD COLUMN ascvd INTEGER;
ALTER TABLE person ADD COLUMN dialysis INTEGER;
ALTER TABLE person ADD COLUMN calciphylaxis INTEGER;
ALTER TABLE person ADD COLUMN calciphylaxis_specialist_care INTEGER;
"#,
    // v4: single doses taken (a medication or supplement on a day), beside the courses.
    r#"
CREATE TABLE med_dose (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date      TEXT NOT NULL,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    dose      REAL NOT NULL,
    unit      TEXT NOT NULL
);
CREATE INDEX med_dose_person_date ON med_dose(person_id, date);
"#,
    // v5: stable entry ids. Each entry table is rebuilt with `AUTOINCREMENT`, so that the id of
    // a deleted entry is never given again (a plain INTEGER PRIMARY KEY reuses the largest id
    // after the newest row is deleted); rows keep their ids. The sequence starts after the
    // largest id present: an id deleted before this migration, above every id kept, can still be
    // given once more.
    r#"
CREATE TABLE scan_v5 (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    agatston   REAL NOT NULL,
    lm         REAL,
    lad        REAL,
    lcx        REAL,
    rca        REAL,
    volume_mm3 REAL,
    mass_mg    REAL,
    source     TEXT NOT NULL,
    score_json TEXT
);
INSERT INTO scan_v5 SELECT * FROM scan;
DROP TABLE scan;
ALTER TABLE scan_v5 RENAME TO scan;
CREATE INDEX scan_person_date ON scan(person_id, date);
CREATE TABLE lab_v5 (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date      TEXT NOT NULL,
    analyte   TEXT NOT NULL,
    loinc     TEXT,
    value     REAL NOT NULL,
    unit      TEXT NOT NULL
);
INSERT INTO lab_v5 SELECT * FROM lab;
DROP TABLE lab;
ALTER TABLE lab_v5 RENAME TO lab;
CREATE INDEX lab_person_date ON lab(person_id, date);
CREATE TABLE vitals_v5 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date            TEXT NOT NULL,
    systolic_mm_hg  REAL,
    diastolic_mm_hg REAL,
    weight_kg       REAL,
    waist_cm        REAL
);
INSERT INTO vitals_v5 SELECT * FROM vitals;
DROP TABLE vitals;
ALTER TABLE vitals_v5 RENAME TO vitals;
CREATE INDEX vitals_person_date ON vitals(person_id, date);
CREATE TABLE activity_v5 (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    minutes   REAL NOT NULL
);
INSERT INTO activity_v5 SELECT * FROM activity;
DROP TABLE activity;
ALTER TABLE activity_v5 RENAME TO activity;
CREATE INDEX activity_person_date ON activity(person_id, date);
CREATE TABLE smoking_v5 (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    status     TEXT NOT NULL,
    pack_years REAL,
    quit_date  TEXT
);
INSERT INTO smoking_v5 SELECT * FROM smoking;
DROP TABLE smoking;
ALTER TABLE smoking_v5 RENAME TO smoking;
CREATE TABLE alcohol_v5 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date            TEXT NOT NULL,
    drinks_per_week REAL NOT NULL
);
INSERT INTO alcohol_v5 SELECT * FROM alcohol;
DROP TABLE alcohol;
ALTER TABLE alcohol_v5 RENAME TO alcohol;
CREATE TABLE medication_v5 (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    dose       REAL,
    unit       TEXT,
    start_date TEXT NOT NULL,
    end_date   TEXT
);
INSERT INTO medication_v5 SELECT * FROM medication;
DROP TABLE medication;
ALTER TABLE medication_v5 RENAME TO medication;
CREATE TABLE med_dose_v5 (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date      TEXT NOT NULL,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    dose      REAL NOT NULL,
    unit      TEXT NOT NULL
);
INSERT INTO med_dose_v5 SELECT * FROM med_dose;
DROP TABLE med_dose;
ALTER TABLE med_dose_v5 RENAME TO med_dose;
CREATE INDEX med_dose_person_date ON med_dose(person_id, date);
CREATE TABLE food_log_v5 (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    date      TEXT NOT NULL,
    food_id   TEXT NOT NULL,
    grams     REAL NOT NULL,
    portion   TEXT
);
INSERT INTO food_log_v5 SELECT * FROM food_log;
DROP TABLE food_log;
ALTER TABLE food_log_v5 RENAME TO food_log;
CREATE INDEX food_log_person_date ON food_log(person_id, date);
"#,
    // v6: the units a person reads values in (`si` or `us`; NULL: as stored).
    r#"
ALTER TABLE person ADD COLUMN units TEXT;
"#,
    // v7: the food log's daily totals (`food_grams_by_day`: date, food, grams) read from one
    // covering index, in order, without visiting the table (ten years of logs: 18,250 rows).
    r#"
CREATE INDEX food_log_person_date_food ON food_log(person_id, date, food_id, grams);
DROP INDEX food_log_person_date;
"#,
    // v8: the unit a lab value was given in when it was not the stored one (`mmol/L`; NULL: the
    // stored unit, or a result recorded before v8). `value` stays in the stored unit.
    r#"
ALTER TABLE lab ADD COLUMN entered_unit TEXT;
"#,
    // v9: the record's revision (`Store::revision`): every write transaction adds one
    // (`Store::write`), so that a result computed from the record can be kept until the record
    // changes, whichever process changes it (vascalc-app's `ProgressMemo`).
    r#"
CREATE TABLE revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO revision (id, n) VALUES (1, 0);
"#,
];

/// The schema version this build writes.
pub const CURRENT_VERSION: u32 = MIGRATIONS.len() as u32;
