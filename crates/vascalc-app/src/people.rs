//! People: create, update, delete, and the summary `profile show` gives (the profile with the
//! latest value of everything that changes).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use vascalc_record::{
    Alcohol, Entry, Lab, Medication, Person, PersonId, PersonRecord, RecordStore, Scan, Smoking,
    Units, Vitals,
};

use crate::error::{AppError, AppResult};
use crate::{App, context, dates, labs, validate};
use vascalc_domain::BodyMeasure;

/// Who vascalc's targets are for: adults.
pub const ADULT_AGE: i16 = 18;

/// What the record says about a person under 18 (None for an adult).
pub fn minor_note(age: i16) -> Option<String> {
    (age < ADULT_AGE).then(|| {
        format!(
            "under {ADULT_AGE} (age {age}): vascalc's targets, risk equations and plan are for \
             adults and do not apply"
        )
    })
}

/// Whole years between `birth` and `on`.
pub fn age_on(birth: Date, on: Date) -> i16 {
    let years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years - 1
    } else {
        years
    }
}

/// The profile with the latest value of everything that changes.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub person: Person,
    /// The clinical profile vocabulary (`vascalc assess --profile` reads it), when the record
    /// has a birth date and sex.
    pub profile: Option<vascalc_clinical::Profile>,
    /// Why `profile` is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_unavailable: Option<String>,
    pub age_years: Option<i16>,
    pub smoking: Option<Smoking>,
    pub alcohol: Option<Alcohol>,
    pub latest_vitals: Option<Vitals>,
    pub latest_labs: Vec<Lab>,
    pub current_medications: Vec<Medication>,
    pub scans: Vec<Scan>,
}

/// The summary of `person` as of `today`.
pub fn summary<S: RecordStore + ?Sized>(
    store: &S,
    id: PersonId,
    person: Person,
    today: Date,
) -> AppResult<Summary> {
    let record = context::load_without_logs(store, id, person)?;
    let (profile, profile_unavailable) = match context::clinical_profile(&record, today) {
        Ok(p) => (Some(p), None),
        Err(why) => (None, Some(why.to_string())),
    };
    // The latest result of each analyte, in catalogue order.
    let mut latest_labs: Vec<Lab> = Vec::new();
    for lab in record.labs.iter().rev() {
        if !latest_labs.iter().any(|l| l.analyte == lab.analyte) {
            latest_labs.push(lab.clone());
        }
    }
    latest_labs.sort_by_key(|l| {
        labs::ANALYTES
            .iter()
            .position(|a| a.id == l.analyte)
            .unwrap_or(usize::MAX)
    });
    Ok(Summary {
        profile,
        profile_unavailable,
        age_years: record.person.birth_date.map(|b| age_on(b, today)),
        smoking: record.smoking.last().cloned(),
        alcohol: record.alcohol.last().cloned(),
        latest_vitals: latest_vitals(&record.vitals),
        latest_labs,
        current_medications: record
            .medications
            .iter()
            .filter(|m| m.active_on(today))
            .cloned()
            .collect(),
        scans: record.scans,
        person: record.person,
    })
}

/// The latest value of each vital sign, dated by the latest entry that has any.
fn latest_vitals(all: &[Vitals]) -> Option<Vitals> {
    let last = all.last()?;
    let latest = |f: fn(&Vitals) -> Option<f64>| all.iter().rev().find_map(f);
    Some(Vitals {
        date: last.date,
        systolic_mm_hg: latest(|v| v.systolic_mm_hg),
        diastolic_mm_hg: latest(|v| v.diastolic_mm_hg),
        weight_kg: latest(|v| v.weight_kg),
        waist_cm: latest(|v| v.waist_cm),
    })
}

/// Smoking status as of a date, as a profile change gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmokingInput {
    /// `never`, `former` or `current` (any case).
    pub status: String,
    #[serde(default)]
    pub pack_years: Option<f64>,
    #[serde(default)]
    pub quit_date: Option<Date>,
}

/// The fields of a profile to set; absent ones are left as they are. Smoking and alcohol are
/// recorded as entries dated `as_of` (today when absent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// A new name (update) or the name (create).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub birth_date: Option<Date>,
    /// `female` or `male` (any case).
    #[serde(default)]
    pub sex: Option<String>,
    /// `white`, `black`, `chinese`, `hispanic` or `other` (any case).
    #[serde(default)]
    pub race: Option<String>,
    #[serde(default)]
    pub height_cm: Option<f64>,
    /// The height in inches instead (stored in cm; a message about it is in inches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_in: Option<f64>,
    #[serde(default)]
    pub diabetes: Option<bool>,
    #[serde(default)]
    pub family_history_mi: Option<bool>,
    #[serde(default)]
    pub ascvd: Option<bool>,
    #[serde(default)]
    pub dialysis: Option<bool>,
    #[serde(default)]
    pub calciphylaxis: Option<bool>,
    #[serde(default)]
    pub calciphylaxis_specialist_care: Option<bool>,
    #[serde(default)]
    pub smoking: Option<SmokingInput>,
    #[serde(default)]
    pub drinks_per_week: Option<f64>,
    /// The units values are shown in: `si` or `us` (any case).
    #[serde(default)]
    pub units: Option<String>,
    /// The date smoking and alcohol are recorded as of [default: today].
    #[serde(default)]
    pub as_of: Option<Date>,
}

/// A profile with the flags applied, and the dated entries they add.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonChanges {
    pub person: Person,
    pub smoking: Option<Smoking>,
    pub alcohol: Option<Alcohol>,
}

/// A name of one of the domain's closed lists as a person typed it (any case).
fn closed_name<T>(field: &str, text: &str) -> AppResult<T>
where
    T: std::str::FromStr<Err = vascalc_domain::UnknownName>,
{
    text.to_lowercase()
        .parse()
        .map_err(|e: vascalc_domain::UnknownName| AppError::invalid(field, text, e.to_string()))
}

/// `input` applied to `person`, checked (nothing is written): what `create_person` and
/// `update_person` would store. A front end may call it before it opens a database, so that a
/// refused input creates nothing.
pub fn apply(input: &PersonInput, mut person: Person, today: Date) -> AppResult<PersonChanges> {
    if let Some(name) = &input.name {
        person.name.clone_from(name);
    }
    if let Some(b) = input.birth_date {
        dates::check("birth_date", b, today).map_err(|e| e.prefixed("birth_date"))?;
        person.birth_date = Some(b);
    }
    if let Some(s) = &input.sex {
        person.sex = Some(closed_name("sex", s)?);
    }
    if let Some(r) = &input.race {
        person.race = Some(closed_name("race", r)?);
    }
    let mut given = validate::BodyUnits::default();
    match (input.height_cm, input.height_in) {
        (Some(_), Some(_)) => {
            return Err(AppError::invalid(
                "height_in",
                "",
                "give the height in cm or in inches, not both".to_owned(),
            ));
        }
        (Some(h), None) => person.height_cm = Some(h),
        (None, Some(inches)) => {
            given.height = Some(Units::Us);
            person.height_cm = BodyMeasure::Height.to_stored(inches, BodyMeasure::Height.us_unit());
        }
        (None, None) => {}
    }
    for (value, field) in [
        (input.diabetes, &mut person.diabetes),
        (input.family_history_mi, &mut person.family_history_mi),
        (input.ascvd, &mut person.ascvd),
        (input.dialysis, &mut person.dialysis),
        (input.calciphylaxis, &mut person.calciphylaxis),
        (
            input.calciphylaxis_specialist_care,
            &mut person.calciphylaxis_specialist_care,
        ),
    ] {
        if value.is_some() {
            *field = value;
        }
    }
    if let Some(u) = &input.units {
        person.units = Some(Units::parse(u).ok_or_else(|| {
            AppError::invalid("units", u, format!("units {u:?} is not one of si, us"))
        })?);
    }
    validate::person_in(&person, today, given).map_err(|e| match (&e, given.height) {
        // Given in inches: the message is beside the field that was sent.
        (AppError::Invalid { field, .. }, Some(_)) if field == "height_cm" => {
            e.with_field("height_in")
        }
        _ => e,
    })?;
    let as_of = match input.as_of {
        Some(d) => {
            dates::check("as_of", d, today).map_err(|e| e.prefixed("as_of"))?;
            d
        }
        None => today,
    };
    // Smoking and alcohol are entries dated `as_of`: not before the person's birth.
    if input.smoking.is_some() || input.drinks_per_week.is_some() {
        dates::not_before_birth("as_of", as_of, &person)?;
    }
    let smoking = match &input.smoking {
        None => None,
        Some(s) => {
            let s = Smoking {
                date: as_of,
                status: s.status.to_lowercase().parse().map_err(
                    |e: vascalc_domain::UnknownName| {
                        AppError::invalid("smoking status", &s.status, e.to_string())
                    },
                )?,
                pack_years: s.pack_years,
                quit_date: s.quit_date,
            };
            validate::smoking(&s, today)?;
            if let Some(quit) = s.quit_date {
                dates::not_before_birth("quit_date", quit, &person)?;
            }
            Some(s)
        }
    };
    let alcohol = match input.drinks_per_week {
        None => None,
        Some(d) => {
            let a = Alcohol {
                date: as_of,
                drinks_per_week: d,
            };
            validate::alcohol(&a, today)?;
            Some(a)
        }
    };
    Ok(PersonChanges {
        person,
        smoking,
        alcohol,
    })
}

impl<S: RecordStore> App<S> {
    /// Everyone in the record, by name.
    pub fn people(&self) -> AppResult<Vec<Person>> {
        Ok(self.store().people()?.into_iter().map(|(_, p)| p).collect())
    }

    /// Adds a person named `input.name` with the profile `input` gives; returns their summary.
    pub fn create_person(&mut self, input: &PersonInput) -> AppResult<Summary> {
        let name = input
            .name
            .clone()
            .ok_or_else(|| AppError::invalid("name", "", "a new person needs a name".to_owned()))?;
        let changes = apply(input, Person::named(name), self.today())?;
        let id = self.store_mut().add_person(&changes.person)?;
        self.save_changes(id, &changes)?;
        summary(self.store(), id, changes.person, self.today())
    }

    /// Changes the profile of `who` as `input` says; returns the summary after the change.
    pub fn update_person(&mut self, who: Option<&str>, input: &PersonInput) -> AppResult<Summary> {
        let (id, person) = self.person(who)?;
        let changes = apply(input, person, self.today())?;
        self.store_mut().update_person(id, &changes.person)?;
        self.save_changes(id, &changes)?;
        summary(self.store(), id, changes.person, self.today())
    }

    fn save_changes(&mut self, id: PersonId, changes: &PersonChanges) -> AppResult<()> {
        let entries: Vec<Entry> = changes
            .smoking
            .iter()
            .cloned()
            .map(Entry::Smoking)
            .chain(changes.alcohol.iter().cloned().map(Entry::Alcohol))
            .collect();
        if !entries.is_empty() {
            self.store_mut().add_entries(id, &entries)?;
        }
        Ok(())
    }

    /// Deletes `name` and everything recorded about them; returns what was deleted.
    pub fn delete_person(&mut self, name: &str) -> AppResult<PersonRecord> {
        let (id, person) = self.person(Some(name))?;
        let record = self.store().record(id, person)?;
        self.store_mut().delete_person(id)?;
        Ok(record)
    }

    /// The summary of `who` as of today.
    pub fn summary(&self, who: Option<&str>) -> AppResult<Summary> {
        let (id, person) = self.person(who)?;
        summary(self.store(), id, person, self.today())
    }
}
