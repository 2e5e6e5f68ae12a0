//! The embedded SQLite record with versioned migrations.
//!
//! One file holds several people and everything recorded about them (see [`model`]). The store
//! does I/O only: it writes and reads the values it is given; checking them is the caller's job.
//!
//! - The database runs in WAL mode with `synchronous = FULL`: a committed write survives a killed
//!   process (and a power cut).
//! - Every write is one `BEGIN IMMEDIATE` transaction, so a write either lands whole or not at
//!   all, and a second process writing at the same time waits (busy timeout) instead of failing.
//! - Opening a database applies the migrations it lacks ([`schema::MIGRATIONS`]).

pub mod entries;
pub mod schema;
mod trait_impl;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::civil::Date;
use rusqlite::types::Type;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};

pub use vascalc_record::model::{self, *};
pub use vascalc_record::{
    BadEntryId, Entry, EntryId, EntryKind, PersonId, RecordError, RecordStore,
};

/// How long a write waits for another process's write to finish before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the directory {path} for the database: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "there is no database at {path}; check --db or VASCALC_DB, or create one with \
         `vascalc profile create --name NAME`"
    )]
    Missing { path: PathBuf },
    #[error(
        "the database {path} can only be read (file or folder permissions); this command writes \
         to it: give a writable copy with --db, or change the permissions"
    )]
    ReadOnly { path: PathBuf },
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the database has schema version {found}, newer than this vascalc knows ({known}); use a newer vascalc"
    )]
    TooNew { found: u32, known: u32 },
    #[error("cannot migrate the database from schema version {from}: {source}")]
    Migrate { from: u32, source: rusqlite::Error },
    /// What every store can say (no such person or entry, a name taken, …).
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The default database file: `$XDG_DATA_HOME/vascalc/vascalc.db`, else
/// `$HOME/.local/share/vascalc/vascalc.db`.
pub fn default_path() -> Option<PathBuf> {
    data_dir().map(|dir| dir.join("vascalc.db"))
}

/// `$XDG_DATA_HOME/vascalc`, else `$HOME/.local/share/vascalc` (None without either variable).
pub fn data_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_DATA_HOME").filter(|v| Path::new(v).is_absolute());
    let base = match xdg {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").filter(|v| !v.is_empty())?)
            .join(".local")
            .join("share"),
    };
    Some(base.join("vascalc"))
}

/// How [`Store::open_read_only`] tries to open a file, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadMode {
    /// Read-write without creating (SQLite itself falls back to reading a write-protected file).
    Normal,
    /// SQLite's read-only open (`SQLITE_OPEN_READONLY`, what `mode=ro` gives).
    ReadOnly,
    /// `mode=ro&immutable=1`: no locks and no WAL index, for a folder that cannot be written.
    Immutable,
}

/// An open record database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating it and its directory if needed) and migrates the database at `path`.
    /// Only what creates a person (`profile create`, `import`) should create a database: the
    /// other commands use [`Store::open_existing`] or [`Store::open_read_only`], so that a
    /// mistyped path is reported instead of becoming a new empty database.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_owned(),
                source,
            })?;
        }
        let conn = Connection::open(plain_path(path)).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        Self::open_conn(conn, path)
    }

    /// Opens and migrates the existing database at `path` for writing; creates nothing
    /// ([`StoreError::Missing`] when there is no such file, [`StoreError::ReadOnly`] when the
    /// file or its folder cannot be written).
    pub fn open_existing(path: &Path) -> Result<Self> {
        if !path.is_file() {
            return Err(StoreError::Missing {
                path: path.to_owned(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(plain_path(path), flags).map_err(|source| {
            StoreError::Open {
                path: path.to_owned(),
                source,
            }
        })?;
        // SQLite falls back to reading only when the file is write-protected.
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(StoreError::ReadOnly {
                path: path.to_owned(),
            });
        }
        Self::open_conn(conn, path).map_err(|e| match e {
            StoreError::Open { source, .. } if is_read_only_error(&source) => {
                StoreError::ReadOnly {
                    path: path.to_owned(),
                }
            }
            other => other,
        })
    }

    /// Opens the existing database at `path` for reading only: it works on a write-protected
    /// file (mode 0444) and in a folder that cannot be written, writes nothing, and refuses
    /// every write. A database whose schema is older than this vascalc is migrated in place when
    /// the file can be written (as any open does); when it cannot, it is copied into memory and
    /// the copy is migrated and read (SQLite's online backup): the file is left as it is
    /// until a command that writes opens it. In a read-only folder SQLite cannot make the WAL
    /// index file beside the database, so the file is then read as immutable (no other process
    /// can be writing it there either). Note that root bypasses file modes: as root, the first
    /// open succeeds and the fallbacks are not used.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        if !path.is_file() {
            return Err(StoreError::Missing {
                path: path.to_owned(),
            });
        }
        let open_err = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        // Read-write when the file allows it (so that closing tidies the WAL files as usual),
        // else read-only, else immutable (a read-only folder without the WAL index file).
        let conn = Self::reading_conn(path, ReadMode::Normal)
            .or_else(|_| Self::reading_conn(path, ReadMode::ReadOnly))
            .or_else(|_| Self::reading_conn(path, ReadMode::Immutable))
            .map_err(open_err)?;
        let version: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(open_err)?;
        match version.cmp(&schema::CURRENT_VERSION) {
            std::cmp::Ordering::Greater => Err(StoreError::TooNew {
                found: version,
                known: schema::CURRENT_VERSION,
            }),
            std::cmp::Ordering::Less => {
                drop(conn);
                match Self::open_existing(path) {
                    Ok(store) => Ok(store),
                    // Cannot be written (file, folder or WAL index): read a migrated copy.
                    Err(StoreError::ReadOnly { .. } | StoreError::Open { .. }) => {
                        let conn = Self::reading_conn(path, ReadMode::ReadOnly)
                            .or_else(|_| Self::reading_conn(path, ReadMode::Immutable))
                            .map_err(open_err)?;
                        Self::read_migrated_copy(&conn, path)
                    }
                    Err(other) => Err(other),
                }
            }
            std::cmp::Ordering::Equal => {
                conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA query_only = ON;")
                    .map_err(open_err)?;
                Ok(Self { conn })
            }
        }
    }

    /// The database `from` reads (at an older schema version), copied into memory with
    /// SQLite's online backup, migrated there and opened for reading only: what a read-only
    /// open of an older file reads, the file itself untouched. `path` names the file in errors.
    pub(crate) fn read_migrated_copy(from: &Connection, path: &Path) -> Result<Self> {
        let open_err = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let mut copy = Connection::open_in_memory().map_err(open_err)?;
        rusqlite::backup::Backup::new(from, &mut copy)
            .and_then(|b| b.run_to_completion(256, Duration::ZERO, None))
            .map_err(open_err)?;
        let store = Self::setup(copy)?;
        store
            .conn
            .execute_batch("PRAGMA query_only = ON;")
            .map_err(open_err)?;
        Ok(store)
    }

    /// A connection that has read the schema version (which is when SQLite finds out whether
    /// it can use the WAL index), opened as `mode` says.
    pub(crate) fn reading_conn(path: &Path, mode: ReadMode) -> rusqlite::Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match mode {
            ReadMode::Normal => Connection::open_with_flags(
                plain_path(path),
                flags | OpenFlags::SQLITE_OPEN_READ_WRITE,
            )?,
            ReadMode::ReadOnly => Connection::open_with_flags(
                plain_path(path),
                flags | OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?,
            ReadMode::Immutable => Connection::open_with_flags(
                file_uri(path, "mode=ro&immutable=1"),
                flags | OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?,
        };
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?;
        Ok(conn)
    }

    fn open_conn(conn: Connection, path: &Path) -> Result<Self> {
        let open_err = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // Switching to WAL needs a moment of exclusive access; another process may hold the
        // file, which the busy timeout covers.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(open_err)?;
        debug_assert!(mode.eq_ignore_ascii_case("wal") || mode == "memory");
        Self::setup(conn).map_err(|e| match e {
            StoreError::Sqlite(source) => open_err(source),
            other => other,
        })
    }

    /// A database in memory (tests, benchmarks).
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Self> {
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        let mut store = Self { conn };
        store.migrate_to(schema::CURRENT_VERSION)?;
        Ok(store)
    }

    /// Applies migrations up to `target`, one transaction each.
    fn migrate_to(&mut self, target: u32) -> Result<()> {
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let version: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version as usize > schema::MIGRATIONS.len() {
                return Err(StoreError::TooNew {
                    found: version,
                    known: schema::CURRENT_VERSION,
                });
            }
            if version >= target {
                return Ok(());
            }
            let step = schema::MIGRATIONS[version as usize];
            tx.execute_batch(step)
                .and_then(|()| tx.pragma_update(None, "user_version", version + 1))
                .and_then(|()| tx.commit())
                .map_err(|source| StoreError::Migrate {
                    from: version,
                    source,
                })?;
        }
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check`: `"ok"` for a sound file.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: all of it is committed, or none. Every
    /// write goes through here, and each raises the record's [`revision`](Self::revision) in
    /// the same transaction.
    fn write<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.execute("UPDATE revision SET n = n + 1 WHERE id = 1", [])?;
        tx.commit()?;
        Ok(value)
    }

    /// The record's revision: how many write transactions it has taken (since schema v9). A
    /// result computed from the record stays true while the revision is unchanged, whichever
    /// process wrote.
    pub fn revision(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT n FROM revision WHERE id = 1", [], |r| r.get(0))?)
    }

    // ----- people -------------------------------------------------------------------------

    /// Everyone in the database, by name.
    pub fn people(&self) -> Result<Vec<(PersonId, Person)>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, name, birth_date, sex, race, height_cm, diabetes, family_history_mi,
             ascvd, dialysis, calciphylaxis, calciphylaxis_specialist_care, units
             FROM person ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| Ok((PersonId(r.get(0)?), person_from_row(r)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The person named `name`, or the only person when `name` is None.
    pub fn select_person(&self, name: Option<&str>) -> Result<(PersonId, Person)> {
        Ok(RecordStore::select_person(self, name)?)
    }

    /// Adds a person; fails if the name is taken.
    pub fn add_person(&mut self, person: &Person) -> Result<PersonId> {
        self.write(|tx| insert_person(tx, person))
    }

    /// Replaces the profile of `id` (the name may change, but not to one that is taken).
    pub fn update_person(&mut self, id: PersonId, person: &Person) -> Result<()> {
        self.write(|tx| {
            let taken: Option<i64> = tx
                .query_row(
                    "SELECT id FROM person WHERE name = ?1 AND id <> ?2",
                    params![person.name, id.0],
                    |r| r.get(0),
                )
                .optional()?;
            if taken.is_some() {
                return Err(RecordError::PersonExists(person.name.clone()).into());
            }
            tx.execute(
                "UPDATE person SET name = ?2, birth_date = ?3, sex = ?4, race = ?5, height_cm = ?6,
                 diabetes = ?7, family_history_mi = ?8, ascvd = ?9, dialysis = ?10,
                 calciphylaxis = ?11, calciphylaxis_specialist_care = ?12, units = ?13
                 WHERE id = ?1",
                params![
                    id.0,
                    person.name,
                    person.birth_date.map(|d| d.to_string()),
                    person.sex.map(Sex::as_str),
                    person.race.map(Race::as_str),
                    person.height_cm,
                    person.diabetes,
                    person.family_history_mi,
                    person.ascvd,
                    person.dialysis,
                    person.calciphylaxis,
                    person.calciphylaxis_specialist_care,
                    person.units.map(Units::as_str)
                ],
            )?;
            Ok(())
        })
    }

    // ----- adding entries ------------------------------------------------------------------

    /// Deletes a person and everything recorded about them.
    pub fn delete_person(&mut self, id: PersonId) -> Result<()> {
        self.write(|tx| {
            if tx.execute("DELETE FROM person WHERE id = ?1", [id.0])? == 0 {
                return Err(RecordError::NoPerson.into());
            }
            Ok(())
        })
    }

    /// Adds one entry; returns its id.
    pub fn add_entry(&mut self, id: PersonId, entry: &Entry) -> Result<EntryId> {
        self.write(|tx| insert_entry(tx, id, entry, None))
    }

    /// Adds entries in one transaction; returns their ids in order.
    pub fn add_entries(&mut self, id: PersonId, entries: &[Entry]) -> Result<Vec<EntryId>> {
        self.write(|tx| {
            entries
                .iter()
                .map(|e| insert_entry(tx, id, e, None))
                .collect()
        })
    }

    pub fn add_scan(&mut self, id: PersonId, scan: &Scan) -> Result<EntryId> {
        self.add_entry(id, &Entry::Scan(scan.clone()))
    }

    pub fn add_lab(&mut self, id: PersonId, lab: &Lab) -> Result<EntryId> {
        self.add_entry(id, &Entry::Lab(lab.clone()))
    }

    pub fn add_vitals(&mut self, id: PersonId, vitals: &Vitals) -> Result<EntryId> {
        self.add_entry(id, &Entry::Vitals(vitals.clone()))
    }

    pub fn add_activity(&mut self, id: PersonId, activity: &Activity) -> Result<EntryId> {
        self.add_entry(id, &Entry::Activity(activity.clone()))
    }

    pub fn add_smoking(&mut self, id: PersonId, smoking: &Smoking) -> Result<EntryId> {
        self.add_entry(id, &Entry::Smoking(smoking.clone()))
    }

    pub fn add_alcohol(&mut self, id: PersonId, alcohol: &Alcohol) -> Result<EntryId> {
        self.add_entry(id, &Entry::Alcohol(alcohol.clone()))
    }

    pub fn add_medication(&mut self, id: PersonId, medication: &Medication) -> Result<EntryId> {
        self.add_entry(id, &Entry::Medication(medication.clone()))
    }

    /// Adds doses taken, all in one transaction.
    pub fn add_doses(&mut self, id: PersonId, doses: &[MedDose]) -> Result<()> {
        self.write(|tx| insert_doses(tx, id, doses))
    }

    /// Adds or replaces one of the person's own foods or recipes.
    pub fn put_own_food(&mut self, id: PersonId, food: &OwnFood) -> Result<()> {
        self.write(|tx| insert_own_food(tx, id, food))
    }

    /// The person's own foods and recipes, by food id.
    pub fn own_foods(&self, id: PersonId) -> Result<Vec<OwnFood>> {
        self.query(
            "SELECT food_id, definition FROM own_food WHERE person_id = ?1 ORDER BY food_id",
            id,
            |r| {
                let text: String = r.get(1)?;
                Ok(OwnFood {
                    food_id: r.get(0)?,
                    definition: serde_json::from_str(&text)
                        .map_err(|e| corrupt(1, e.to_string()))?,
                })
            },
        )
    }

    /// Adds food-log entries, all in one transaction.
    pub fn add_foods(&mut self, id: PersonId, foods: &[FoodEntry]) -> Result<()> {
        self.write(|tx| insert_foods(tx, id, foods))
    }

    /// Ends the open course(s) of medication `name` on `end`; returns how many were ended.
    pub fn end_medication(&mut self, id: PersonId, name: &str, end: Date) -> Result<usize> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE medication SET end_date = ?3
                 WHERE person_id = ?1 AND name = ?2 AND end_date IS NULL AND start_date <= ?3",
                params![id.0, name, end.to_string()],
            )?)
        })
    }

    /// Sets the kind of the courses and doses of medication `name` (any case) recorded with kind
    /// `from` (e.g. `"unknown"`) to `to`; returns (courses, doses) changed.
    pub fn reclassify_medication(
        &mut self,
        id: PersonId,
        name: &str,
        from: &str,
        to: &str,
    ) -> Result<(usize, usize)> {
        self.write(|tx| {
            let courses = tx.execute(
                "UPDATE medication SET kind = ?4
                 WHERE person_id = ?1 AND name = ?2 COLLATE NOCASE AND kind = ?3",
                params![id.0, name, from, to],
            )?;
            let doses = tx.execute(
                "UPDATE med_dose SET kind = ?4
                 WHERE person_id = ?1 AND name = ?2 COLLATE NOCASE AND kind = ?3",
                params![id.0, name, from, to],
            )?;
            Ok((courses, doses))
        })
    }

    // ----- reading -------------------------------------------------------------------------

    /// Scans by date.
    pub fn scans(&self, id: PersonId) -> Result<Vec<Scan>> {
        self.query(
            "SELECT date, agatston, lm, lad, lcx, rca, volume_mm3, mass_mg, source, score_json
             FROM scan WHERE person_id = ?1 ORDER BY date, id",
            id,
            |r| {
                let source: String = r.get(8)?;
                let score: Option<String> = r.get(9)?;
                Ok(Scan {
                    date: date_at(r, 0)?,
                    agatston: r.get(1)?,
                    per_artery: ArteryScores {
                        lm: r.get(2)?,
                        lad: r.get(3)?,
                        lcx: r.get(4)?,
                        rca: r.get(5)?,
                    },
                    volume_mm3: r.get(6)?,
                    mass_mg: r.get(7)?,
                    source: ScanSource::parse(&source)
                        .ok_or_else(|| corrupt(8, format!("unknown scan source {source:?}")))?,
                    score: score
                        .map(|s| serde_json::from_str(&s).map_err(|e| corrupt(9, e.to_string())))
                        .transpose()?,
                })
            },
        )
    }

    /// Lab results by date.
    pub fn labs(&self, id: PersonId) -> Result<Vec<Lab>> {
        self.query(
            "SELECT date, analyte, loinc, value, unit, entered_unit FROM lab
             WHERE person_id = ?1 ORDER BY date, id",
            id,
            |r| {
                Ok(Lab {
                    date: date_at(r, 0)?,
                    analyte: r.get(1)?,
                    loinc: r.get(2)?,
                    value: r.get(3)?,
                    unit: r.get(4)?,
                    entered_unit: r.get(5)?,
                })
            },
        )
    }

    /// Vital signs by date.
    pub fn vitals(&self, id: PersonId) -> Result<Vec<Vitals>> {
        self.query(
            "SELECT date, systolic_mm_hg, diastolic_mm_hg, weight_kg, waist_cm FROM vitals
             WHERE person_id = ?1 ORDER BY date, id",
            id,
            |r| {
                Ok(Vitals {
                    date: date_at(r, 0)?,
                    systolic_mm_hg: r.get(1)?,
                    diastolic_mm_hg: r.get(2)?,
                    weight_kg: r.get(3)?,
                    waist_cm: r.get(4)?,
                })
            },
        )
    }

    /// Activity by date, from `since` on (all when None).
    pub fn activity(&self, id: PersonId, since: Option<Date>) -> Result<Vec<Activity>> {
        let mut stmt = self.conn.prepare(
            "SELECT date, kind, minutes FROM activity
             WHERE person_id = ?1 AND date >= ?2 ORDER BY date, id",
        )?;
        let rows = stmt.query_map(params![id.0, since_text(since)], |r| {
            Ok(Activity {
                date: date_at(r, 0)?,
                kind: name_at(r, 1)?,
                minutes: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Smoking history by date.
    pub fn smoking(&self, id: PersonId) -> Result<Vec<Smoking>> {
        self.query(
            "SELECT date, status, pack_years, quit_date FROM smoking
             WHERE person_id = ?1 ORDER BY date, id",
            id,
            |r| {
                Ok(Smoking {
                    date: date_at(r, 0)?,
                    status: name_at(r, 1)?,
                    pack_years: r.get(2)?,
                    quit_date: opt_date_at(r, 3)?,
                })
            },
        )
    }

    /// Alcohol history by date.
    pub fn alcohol(&self, id: PersonId) -> Result<Vec<Alcohol>> {
        self.query(
            "SELECT date, drinks_per_week FROM alcohol WHERE person_id = ?1 ORDER BY date, id",
            id,
            |r| {
                Ok(Alcohol {
                    date: date_at(r, 0)?,
                    drinks_per_week: r.get(1)?,
                })
            },
        )
    }

    /// Medications and supplements by start date.
    pub fn medications(&self, id: PersonId) -> Result<Vec<Medication>> {
        self.query(
            "SELECT name, kind, dose, unit, start_date, end_date FROM medication
             WHERE person_id = ?1 ORDER BY start_date, id",
            id,
            |r| {
                Ok(Medication {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    dose: r.get(2)?,
                    unit: r.get(3)?,
                    start: date_at(r, 4)?,
                    end: opt_date_at(r, 5)?,
                })
            },
        )
    }

    /// Doses taken by date, from `since` on (all when None).
    pub fn doses(&self, id: PersonId, since: Option<Date>) -> Result<Vec<MedDose>> {
        let mut stmt = self.conn.prepare(
            "SELECT date, name, kind, dose, unit FROM med_dose
             WHERE person_id = ?1 AND date >= ?2 ORDER BY date, id",
        )?;
        let rows = stmt.query_map(params![id.0, since_text(since)], |r| {
            Ok(MedDose {
                date: date_at(r, 0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                dose: r.get(3)?,
                unit: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Food-log entries by date, from `since` on (all when None).
    pub fn foods(&self, id: PersonId, since: Option<Date>) -> Result<Vec<FoodEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT date, food_id, grams, portion FROM food_log
             WHERE person_id = ?1 AND date >= ?2 ORDER BY date, id",
        )?;
        let rows = stmt.query_map(params![id.0, since_text(since)], food_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The food-log entries of one day with their ids, in the order they were logged.
    pub fn food_entries_on(&self, id: PersonId, date: Date) -> Result<Vec<(i64, FoodEntry)>> {
        let mut stmt = self.conn.prepare(
            "SELECT date, food_id, grams, portion, id FROM food_log
             WHERE person_id = ?1 AND date = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![id.0, date.to_string()], |r| {
            Ok((r.get(4)?, food_from_row(r)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Grams of each food eaten on each day from `since` on, with the number of entries:
    /// `(date, food_id, grams, entries)` sorted by date then food id. What nutrient totals need,
    /// without one row per log entry.
    pub fn food_grams_by_day(
        &self,
        id: PersonId,
        since: Option<Date>,
    ) -> Result<Vec<(Date, String, f64, u32)>> {
        let mut stmt = self.conn.prepare(
            "SELECT date, food_id, SUM(grams), COUNT(*) FROM food_log
             WHERE person_id = ?1 AND date >= ?2 GROUP BY date, food_id ORDER BY date, food_id",
        )?;
        let rows = stmt.query_map(params![id.0, since_text(since)], |r| {
            Ok((date_at(r, 0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Days with at least one food-log entry from `since` on.
    pub fn food_logged_days(&self, id: PersonId, since: Option<Date>) -> Result<Vec<Date>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT date FROM food_log WHERE person_id = ?1 AND date >= ?2 ORDER BY date",
        )?;
        let rows = stmt.query_map(params![id.0, since_text(since)], |r| date_at(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn query<T>(
        &self,
        sql: &str,
        id: PersonId,
        f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([id.0], f)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ----- whole records -------------------------------------------------------------------

    /// Everything recorded about one person.
    pub fn record(&self, id: PersonId, person: Person) -> Result<PersonRecord> {
        Ok(PersonRecord {
            person,
            scans: self.scans(id)?,
            labs: self.labs(id)?,
            vitals: self.vitals(id)?,
            activity: self.activity(id, None)?,
            smoking: self.smoking(id)?,
            alcohol: self.alcohol(id)?,
            medications: self.medications(id)?,
            doses: self.doses(id, None)?,
            own_foods: self.own_foods(id)?,
            foods: self.foods(id, None)?,
        })
    }

    /// The export document for the people named (everyone when `names` is empty).
    pub fn export(&self, names: &[String]) -> Result<Export> {
        let mut people = Vec::new();
        if names.is_empty() {
            for (id, person) in self.people()? {
                people.push(self.record(id, person)?);
            }
        } else {
            for name in names {
                let (id, person) = self.select_person(Some(name))?;
                people.push(self.record(id, person)?);
            }
        }
        Ok(Export::new(people))
    }

    /// Imports whole records in one transaction: all of them, or nothing. A person whose name is
    /// already in the database is an error unless `replace`, which first deletes that person's
    /// record.
    pub fn import(&mut self, records: &[PersonRecord], replace: bool) -> Result<()> {
        self.write(|tx| {
            for record in records {
                let existing: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM person WHERE name = ?1",
                        [&record.person.name],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(existing) = existing {
                    if !replace {
                        return Err(RecordError::PersonExists(record.person.name.clone()).into());
                    }
                    tx.execute("DELETE FROM person WHERE id = ?1", [existing])?;
                }
                insert_record(tx, record)?;
            }
            Ok(())
        })
    }
}

/// Inserts `entry` for `person`, as row `row` when given (an edit keeps the id), else under a
/// new id; returns the id.
pub(crate) fn insert_entry(
    tx: &Connection,
    person: PersonId,
    entry: &Entry,
    row: Option<i64>,
) -> Result<EntryId> {
    let row = match entry {
        Entry::Scan(e) => insert_scan(tx, person, e, row)?,
        Entry::Lab(e) => insert_lab(tx, person, e, row)?,
        Entry::Vitals(e) => insert_vitals(tx, person, e, row)?,
        Entry::Activity(e) => insert_activity(tx, person, e, row)?,
        Entry::Smoking(e) => insert_smoking(tx, person, e, row)?,
        Entry::Alcohol(e) => insert_alcohol(tx, person, e, row)?,
        Entry::Medication(e) => insert_medication(tx, person, e, row)?,
        Entry::Dose(e) => insert_dose(tx, person, e, row)?,
        Entry::Food(e) => insert_food(tx, person, e, row)?,
    };
    Ok(EntryId {
        kind: entry.kind(),
        row,
    })
}

fn insert_dose(tx: &Connection, id: PersonId, d: &MedDose, row: Option<i64>) -> Result<i64> {
    tx.execute(
        "INSERT INTO med_dose (id, person_id, date, name, kind, dose, unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            row,
            id.0,
            d.date.to_string(),
            d.name,
            d.kind,
            d.dose,
            d.unit
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_food(tx: &Connection, id: PersonId, f: &FoodEntry, row: Option<i64>) -> Result<i64> {
    tx.execute(
        "INSERT INTO food_log (id, person_id, date, food_id, grams, portion)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![row, id.0, f.date.to_string(), f.food_id, f.grams, f.portion],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_record(tx: &Connection, record: &PersonRecord) -> Result<()> {
    let id = insert_person(tx, &record.person)?;
    for scan in &record.scans {
        insert_scan(tx, id, scan, None)?;
    }
    for lab in &record.labs {
        insert_lab(tx, id, lab, None)?;
    }
    for vitals in &record.vitals {
        insert_vitals(tx, id, vitals, None)?;
    }
    for activity in &record.activity {
        insert_activity(tx, id, activity, None)?;
    }
    for smoking in &record.smoking {
        insert_smoking(tx, id, smoking, None)?;
    }
    for alcohol in &record.alcohol {
        insert_alcohol(tx, id, alcohol, None)?;
    }
    for medication in &record.medications {
        insert_medication(tx, id, medication, None)?;
    }
    insert_doses(tx, id, &record.doses)?;
    for food in &record.own_foods {
        insert_own_food(tx, id, food)?;
    }
    insert_foods(tx, id, &record.foods)
}

fn insert_person(tx: &Connection, person: &Person) -> Result<PersonId> {
    let taken: Option<i64> = tx
        .query_row(
            "SELECT id FROM person WHERE name = ?1",
            [&person.name],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(RecordError::PersonExists(person.name.clone()).into());
    }
    tx.execute(
        "INSERT INTO person (name, birth_date, sex, race, height_cm, diabetes, family_history_mi,
         ascvd, dialysis, calciphylaxis, calciphylaxis_specialist_care, units)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            person.name,
            person.birth_date.map(|d| d.to_string()),
            person.sex.map(Sex::as_str),
            person.race.map(Race::as_str),
            person.height_cm,
            person.diabetes,
            person.family_history_mi,
            person.ascvd,
            person.dialysis,
            person.calciphylaxis,
            person.calciphylaxis_specialist_care,
            person.units.map(Units::as_str)
        ],
    )?;
    Ok(PersonId(tx.last_insert_rowid()))
}

fn insert_scan(tx: &Connection, id: PersonId, scan: &Scan, row: Option<i64>) -> Result<i64> {
    let score = scan.score.as_ref().map(|v| v.to_string());
    tx.execute(
        "INSERT INTO scan (id, person_id, date, agatston, lm, lad, lcx, rca, volume_mm3, mass_mg,
         source, score_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            row,
            id.0,
            scan.date.to_string(),
            scan.agatston,
            scan.per_artery.lm,
            scan.per_artery.lad,
            scan.per_artery.lcx,
            scan.per_artery.rca,
            scan.volume_mm3,
            scan.mass_mg,
            scan.source.as_str(),
            score
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_lab(tx: &Connection, id: PersonId, lab: &Lab, row: Option<i64>) -> Result<i64> {
    tx.execute(
        "INSERT INTO lab (id, person_id, date, analyte, loinc, value, unit, entered_unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            row,
            id.0,
            lab.date.to_string(),
            lab.analyte,
            lab.loinc,
            lab.value,
            lab.unit,
            lab.entered_unit
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_vitals(tx: &Connection, id: PersonId, v: &Vitals, row: Option<i64>) -> Result<i64> {
    tx.execute(
        "INSERT INTO vitals (id, person_id, date, systolic_mm_hg, diastolic_mm_hg, weight_kg, waist_cm)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            row,
            id.0,
            v.date.to_string(),
            v.systolic_mm_hg,
            v.diastolic_mm_hg,
            v.weight_kg,
            v.waist_cm
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_activity(tx: &Connection, id: PersonId, a: &Activity, row: Option<i64>) -> Result<i64> {
    tx.execute(
        "INSERT INTO activity (id, person_id, date, kind, minutes) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![row, id.0, a.date.to_string(), a.kind.as_str(), a.minutes],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_smoking(tx: &Connection, id: PersonId, s: &Smoking, row: Option<i64>) -> Result<i64> {
    tx.execute(
        "INSERT INTO smoking (id, person_id, date, status, pack_years, quit_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            row,
            id.0,
            s.date.to_string(),
            s.status.as_str(),
            s.pack_years,
            s.quit_date.map(|d| d.to_string())
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_alcohol(tx: &Connection, id: PersonId, a: &Alcohol, row: Option<i64>) -> Result<i64> {
    tx.execute(
        "INSERT INTO alcohol (id, person_id, date, drinks_per_week) VALUES (?1, ?2, ?3, ?4)",
        params![row, id.0, a.date.to_string(), a.drinks_per_week],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_medication(
    tx: &Connection,
    id: PersonId,
    m: &Medication,
    row: Option<i64>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO medication (id, person_id, name, kind, dose, unit, start_date, end_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            row,
            id.0,
            m.name,
            m.kind,
            m.dose,
            m.unit,
            m.start.to_string(),
            m.end.map(|d| d.to_string())
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_doses(tx: &Connection, id: PersonId, doses: &[MedDose]) -> Result<()> {
    let mut stmt = tx.prepare(
        "INSERT INTO med_dose (person_id, date, name, kind, dose, unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for d in doses {
        stmt.execute(params![
            id.0,
            d.date.to_string(),
            d.name,
            d.kind,
            d.dose,
            d.unit
        ])?;
    }
    Ok(())
}

fn insert_own_food(tx: &Connection, id: PersonId, food: &OwnFood) -> Result<()> {
    tx.execute(
        "INSERT INTO own_food (person_id, food_id, definition) VALUES (?1, ?2, ?3)
         ON CONFLICT (person_id, food_id) DO UPDATE SET definition = excluded.definition",
        params![id.0, food.food_id, food.definition.to_string()],
    )?;
    Ok(())
}

fn insert_foods(tx: &Connection, id: PersonId, foods: &[FoodEntry]) -> Result<()> {
    let mut stmt = tx.prepare(
        "INSERT INTO food_log (person_id, date, food_id, grams, portion)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for f in foods {
        stmt.execute(params![
            id.0,
            f.date.to_string(),
            f.food_id,
            f.grams,
            f.portion
        ])?;
    }
    Ok(())
}

fn person_from_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        name: r.get(1)?,
        birth_date: opt_date_at(r, 2)?,
        sex: opt_name_at(r, 3)?,
        race: opt_name_at(r, 4)?,
        height_cm: r.get(5)?,
        diabetes: r.get(6)?,
        family_history_mi: r.get(7)?,
        ascvd: r.get(8)?,
        dialysis: r.get(9)?,
        calciphylaxis: r.get(10)?,
        calciphylaxis_specialist_care: r.get(11)?,
        units: {
            let text: Option<String> = r.get(12)?;
            text.map(|t| {
                Units::parse(&t).ok_or_else(|| corrupt(12, format!("unknown units {t:?}")))
            })
            .transpose()?
        },
    })
}

fn food_from_row(r: &Row<'_>) -> rusqlite::Result<FoodEntry> {
    Ok(FoodEntry {
        date: date_at(r, 0)?,
        food_id: r.get(1)?,
        grams: r.get(2)?,
        portion: r.get(3)?,
    })
}

/// `path` as SQLite should take it when URIs are enabled: a relative path starting with
/// `file:` would be read as a URI, so it is prefixed with `./`.
fn plain_path(path: &Path) -> PathBuf {
    if path.is_relative() && path.as_os_str().as_encoded_bytes().starts_with(b"file:") {
        Path::new(".").join(path)
    } else {
        path.to_owned()
    }
}

/// A `file:` URI for `path` with `query`, escaping what a URI path cannot hold as is.
fn file_uri(path: &Path, query: &str) -> String {
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        match b {
            b'?' | b'#' | b'%' => uri.push_str(&format!("%{b:02X}")),
            _ if b.is_ascii() => uri.push(char::from(b)),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push('?');
    uri.push_str(query);
    uri
}

fn is_read_only_error(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly)
}

/// The lower bound for `date >= ?`: every ISO date sorts after the empty string.
fn since_text(since: Option<Date>) -> String {
    since.map(|d| d.to_string()).unwrap_or_default()
}

fn corrupt(column: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, Type::Text, message.into())
}

/// A name of one of the domain's closed lists (`endurance`, `former`), as stored.
fn name_at<T>(r: &Row<'_>, column: usize) -> rusqlite::Result<T>
where
    T: std::str::FromStr<Err = vascalc_domain::UnknownName>,
{
    let text: String = r.get(column)?;
    text.parse()
        .map_err(|e: vascalc_domain::UnknownName| corrupt(column, format!("stored {e}")))
}

/// A name of one of the domain's closed lists, or NULL.
fn opt_name_at<T>(r: &Row<'_>, column: usize) -> rusqlite::Result<Option<T>>
where
    T: std::str::FromStr<Err = vascalc_domain::UnknownName>,
{
    let text: Option<String> = r.get(column)?;
    text.map(|text| {
        text.parse()
            .map_err(|e: vascalc_domain::UnknownName| corrupt(column, format!("stored {e}")))
    })
    .transpose()
}

fn date_at(r: &Row<'_>, column: usize) -> rusqlite::Result<Date> {
    let text: String = r.get(column)?;
    text.parse()
        .map_err(|e: jiff::Error| corrupt(column, format!("stored date {text:?}: {e}")))
}

fn opt_date_at(r: &Row<'_>, column: usize) -> rusqlite::Result<Option<Date>> {
    let text: Option<String> = r.get(column)?;
    text.map(|text| {
        text.parse()
            .map_err(|e: jiff::Error| corrupt(column, format!("stored date {text:?}: {e}")))
    })
    .transpose()
}

#[cfg(test)]
mod tests;
