//! Entries by id: list, delete, move to another day; lab results added and corrected.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use vascalc_record::{Entry, EntryId, EntryKind, Lab, Person, RecordStore, Units};

use crate::error::{AppError, AppResult};
use crate::foods::Foods;
use crate::validate::BodyUnits;
use crate::{App, dates, labs, validate};
use vascalc_domain::BodyMeasure;

/// One lab result as a person gives it: the analyte by id, alias or LOINC code, the value in
/// any unit vascalc accepts for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabInput {
    pub analyte: String,
    pub value: f64,
    pub unit: String,
    /// The day of the sample [default: today].
    #[serde(default)]
    pub date: Option<Date>,
    /// Replace the result(s) of the same analyte on the same day instead of keeping this one
    /// as a second result.
    #[serde(default)]
    pub replace: bool,
}

/// The units a front end sent an entry's body measures in, by field: `{"weight_kg": "lb",
/// "waist_cm": "in"}` (kg or lb, cm or in, any spelling vascalc-domain's table accepts; absent:
/// the field's own unit). The numbers of the entry's fields are in these units;
/// [`EntryUnits::apply`] gives the entry in the stored units.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryUnits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_kg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waist_cm: Option<String>,
}

impl EntryUnits {
    /// `entry` with its body measures converted to the stored units (vascalc-domain's one
    /// factor table), and the unit system each was given in, for the checks' messages. Units
    /// for an entry that is not vitals, or a unit that is not the measure's, are refused with
    /// the field.
    pub fn apply(&self, entry: &Entry) -> AppResult<(Entry, BodyUnits)> {
        if self.weight_kg.is_none() && self.waist_cm.is_none() {
            return Ok((entry.clone(), BodyUnits::default()));
        }
        let Entry::Vitals(v) = entry else {
            return Err(AppError::invalid(
                "units",
                entry.kind().name(),
                format!(
                    "units apply to a vitals entry's weight_kg and waist_cm, not to {} entries",
                    entry.kind().name()
                ),
            ));
        };
        let mut v = v.clone();
        let mut given = BodyUnits::default();
        for (m, field, unit, value, system) in [
            (
                BodyMeasure::Weight,
                "weight_kg",
                &self.weight_kg,
                &mut v.weight_kg,
                &mut given.weight,
            ),
            (
                BodyMeasure::Waist,
                "waist_cm",
                &self.waist_cm,
                &mut v.waist_cm,
                &mut given.waist,
            ),
        ] {
            let Some(unit) = unit else { continue };
            let units = m.units_of(unit).ok_or_else(|| {
                AppError::invalid(
                    field,
                    unit,
                    format!(
                        "{} unit {unit:?} is not one of {}",
                        m.name(),
                        m.units().join(", ")
                    ),
                )
            })?;
            *system = Some(units);
            *value = value.and_then(|x| m.to_stored(x, unit).or(Some(x)));
        }
        Ok((Entry::Vitals(v), given))
    }
}

/// What adding a lab result did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabAdded {
    pub person: String,
    /// The units the person reads values in.
    pub units: Option<Units>,
    pub id: EntryId,
    /// As stored: the value in the analyte's stored unit.
    pub lab: Lab,
    /// The analyte's name for people.
    pub analyte_name: &'static str,
    /// Other results of the analyte on the same day: kept beside it, or replaced when
    /// `replaced`.
    pub same_day: Vec<EntryId>,
    pub replaced: bool,
}

/// A correction of a lab result: a new value (with its unit), a new date, or both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabEdit {
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
}

/// An entry before and after a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryChange {
    pub person: String,
    /// The units the person reads values in.
    pub units: Option<Units>,
    pub id: EntryId,
    pub before: Entry,
    pub after: Entry,
}

fn unknown_analyte(name: &str) -> AppError {
    AppError::invalid(
        "analyte",
        name,
        format!("unknown analyte {name:?}; `vascalc lab analytes` lists the ones vascalc knows"),
    )
}

/// Checks every date of `entry` against `person`'s birth, each under its own field: the
/// entry's day (`date`; a course's `start`) and a former smoker's `quit_date`.
pub fn check_birth(entry: &Entry, person: &Person) -> AppResult<()> {
    let field = match entry {
        Entry::Medication(_) => "start",
        _ => "date",
    };
    dates::not_before_birth(field, entry.date(), person)?;
    if let Entry::Smoking(s) = entry
        && let Some(quit) = s.quit_date
    {
        dates::not_before_birth("quit_date", quit, person)?;
    }
    Ok(())
}

/// Checks a date given for an entry of `person`: 1900 to today, not before birth.
pub fn check_entry_date(field: &str, d: Date, person: &Person, today: Date) -> AppResult<()> {
    dates::check(field, d, today).map_err(|e| e.prefixed(field))?;
    dates::not_before_birth(field, d, person)
}

impl<S: RecordStore> App<S> {
    /// The entries of `who` with their ids, by date (only those of `kind` when given).
    pub fn entries(
        &self,
        who: Option<&str>,
        kind: Option<EntryKind>,
    ) -> AppResult<(Person, Vec<(EntryId, Entry)>)> {
        let (id, person) = self.person(who)?;
        let entries = match kind {
            Some(kind) => self.store().entries_of(id, kind)?,
            None => self.store().entries(id)?,
        };
        Ok((person, entries))
    }

    /// Deletes entries of `who` by id: all of them, or none when one is not theirs.
    pub fn delete_entries(
        &mut self,
        who: Option<&str>,
        ids: &[EntryId],
    ) -> AppResult<(Person, Vec<(EntryId, Entry)>)> {
        let (person_id, person) = self.person(who)?;
        let deleted = self.store_mut().delete_entries(person_id, ids)?;
        Ok((person, ids.iter().copied().zip(deleted).collect()))
    }

    /// Moves the entry `id` of `who` to `date` (a course's start, which may not then be after
    /// its end).
    pub fn move_entry(
        &mut self,
        who: Option<&str>,
        id: EntryId,
        date: Date,
    ) -> AppResult<EntryChange> {
        let (person_id, person) = self.person(who)?;
        dates::check("date", date, self.today()).map_err(|e| e.prefixed("date"))?;
        let before = self.store().entry(person_id, id)?;
        if let Entry::Medication(m) = &before
            && let Some(end) = m.end.filter(|end| *end < date)
        {
            return Err(AppError::invalid(
                "date",
                date,
                format!(
                    "{id}: the course of {} ends on {end}, before {date}; a course cannot \
                         start after it ends",
                    m.name
                ),
            ));
        }
        dates::not_before_birth("date", date, &person)?;
        self.store_mut().set_entry_date(person_id, id, date)?;
        let after = self.store().entry(person_id, id)?;
        Ok(EntryChange {
            units: person.units,
            person: person.name,
            id,
            before,
            after,
        })
    }

    /// Adds a lab result for `who`, converted to the analyte's stored unit. Another result of
    /// the analyte on the same day is kept beside it, or replaced when `input.replace`.
    pub fn add_lab(&mut self, who: Option<&str>, input: &LabInput) -> AppResult<LabAdded> {
        let analyte = labs::find(&input.analyte).ok_or_else(|| unknown_analyte(&input.analyte))?;
        let value = analyte.to_stored(input.value, &input.unit)?;
        let date = input.date.unwrap_or(self.today());
        dates::check("date", date, self.today()).map_err(|e| e.prefixed("date"))?;
        let lab = Lab {
            date,
            analyte: analyte.id.to_owned(),
            loinc: Some(analyte.loinc().to_owned()),
            value,
            unit: analyte.unit().to_owned(),
            entered_unit: analyte.entered_unit(&input.unit),
        };
        let (person_id, person) = self.person(who)?;
        dates::not_before_birth("date", date, &person)?;
        let same_day: Vec<EntryId> = self
            .store()
            .entries_of(person_id, EntryKind::Lab)?
            .into_iter()
            .filter(
                |(_, e)| matches!(e, Entry::Lab(l) if l.date == date && l.analyte == lab.analyte),
            )
            .map(|(eid, _)| eid)
            .collect();
        let id = self
            .store_mut()
            .add_entry(person_id, &Entry::Lab(lab.clone()))?;
        if input.replace && !same_day.is_empty() {
            self.store_mut().delete_entries(person_id, &same_day)?;
        }
        Ok(LabAdded {
            units: person.units,
            person: person.name,
            id,
            lab,
            analyte_name: analyte.name,
            same_day,
            replaced: input.replace,
        })
    }

    /// Corrects the lab result `id` of `who`: its value (in any accepted unit), its date, or
    /// both. The id stays.
    pub fn edit_lab(
        &mut self,
        who: Option<&str>,
        id: EntryId,
        edit: &LabEdit,
    ) -> AppResult<EntryChange> {
        check_lab_edit(id, edit)?;
        let (person_id, person) = self.person(who)?;
        let before = self.store().entry(person_id, id)?;
        let Entry::Lab(old) = &before else {
            return Err(AppError::invalid(
                "id",
                id,
                format!("{id} is not a lab result"),
            ));
        };
        let analyte = labs::find(&old.analyte).ok_or_else(|| {
            AppError::Internal(format!(
                "{id} holds {:?}, an analyte this vascalc does not know",
                old.analyte
            ))
        })?;
        let mut lab = old.clone();
        match (edit.value, edit.unit.as_deref()) {
            (Some(value), Some(unit)) => {
                lab.value = analyte.to_stored(value, unit)?;
                lab.entered_unit = analyte.entered_unit(unit);
            }
            (Some(value), None) => {
                return Err(AppError::invalid(
                    "unit",
                    "",
                    format!("the value {value} needs its unit"),
                ));
            }
            (None, _) => {}
        }
        if let Some(date) = edit.date {
            dates::check("date", date, self.today()).map_err(|e| e.prefixed("date"))?;
            dates::not_before_birth("date", date, &person)?;
            lab.date = date;
        }
        let after = Entry::Lab(lab);
        self.store_mut().replace_entry(person_id, id, &after)?;
        Ok(EntryChange {
            units: person.units,
            person: person.name,
            id,
            before,
            after,
        })
    }
}

/// Checks a lab correction before any record is read: `id` must be a lab result's and the
/// edit must change something.
pub fn check_lab_edit(id: EntryId, edit: &LabEdit) -> AppResult<()> {
    if id.kind != EntryKind::Lab {
        return Err(AppError::invalid(
            "id",
            id,
            format!(
                "{id} is not a lab result; `vascalc entry edit` moves other entries, \
                 `vascalc entry delete` removes them"
            ),
        ));
    }
    if edit.value.is_none() && edit.date.is_none() {
        return Err(AppError::invalid(
            "value",
            "",
            "nothing to change: give VALUE UNIT, --date D, or both".to_owned(),
        ));
    }
    Ok(())
}

/// Checks one entry as the record would keep it (values in the stored units); `known_food`
/// says whether a food id exists.
pub fn check_entry(entry: &Entry, today: Date, known_food: &dyn Fn(&str) -> bool) -> AppResult<()> {
    check_entry_in(entry, today, known_food, BodyUnits::default())
}

/// [`check_entry`], a vitals entry's weight and waist given in `given`'s units: a message
/// about either says the value and the range in the unit given.
pub fn check_entry_in(
    entry: &Entry,
    today: Date,
    known_food: &dyn Fn(&str) -> bool,
    given: BodyUnits,
) -> AppResult<()> {
    match entry {
        Entry::Scan(e) => validate::scan(e, today),
        Entry::Lab(e) => validate::lab(e, today),
        Entry::Vitals(e) => validate::vitals_in(e, today, given),
        Entry::Activity(e) => validate::activity(e, today),
        Entry::Smoking(e) => validate::smoking(e, today),
        Entry::Alcohol(e) => validate::alcohol(e, today),
        Entry::Medication(e) => validate::medication(e, today),
        Entry::Dose(e) => validate::dose(e, today),
        Entry::Food(e) => validate::food(e, today, known_food),
    }
}

impl<S: RecordStore> App<S> {
    /// Adds one entry of any kind for `who`, as the record keeps it (values in the stored
    /// units: `add_lab` converts a lab value first). Checked whole first: the values, the date
    /// (not in the future, not before the person's birth), a known food, one scan a day.
    /// A course or a dose follows the rules of `log med` too
    /// ([`checked_med_entry`](crate::meds::checked_med_entry)): no front end adds one that
    /// `log med` would refuse.
    pub fn add_entry(&mut self, who: Option<&str>, entry: &Entry) -> AppResult<(Person, EntryId)> {
        self.add_entry_in(who, entry, BodyUnits::default())
    }

    /// [`add_entry`](Self::add_entry) of an entry whose body measures (stored values) were
    /// given in `given`'s units (`log vitals --weight-lb`, a form in lb): a refusal names the
    /// value and the range in the unit given.
    pub fn add_entry_in(
        &mut self,
        who: Option<&str>,
        entry: &Entry,
        given: BodyUnits,
    ) -> AppResult<(Person, EntryId)> {
        let entry = crate::meds::checked_med_entry(entry)?;
        self.insert_entry_in(who, &entry, given)
    }

    /// [`add_entry_in`](Self::add_entry_in) with `log med`'s `--confirm`: a course's or dose's amount
    /// outside the range the medicine is sold in is kept when `confirm` (the third value says
    /// why it is implausible); every other rule holds.
    pub fn add_entry_confirmed(
        &mut self,
        who: Option<&str>,
        entry: &Entry,
        given: BodyUnits,
        confirm: bool,
    ) -> AppResult<(Person, EntryId, Option<String>)> {
        let (entry, implausible) = crate::meds::checked_med_entry_confirmed(entry, confirm)?;
        let (person, id) = self.insert_entry_in(who, &entry, given)?;
        Ok((person, id, implausible))
    }

    /// [`add_entry`](Self::add_entry) without the medication rules, for the use cases that
    /// applied them already (a confirmed implausible dose).
    pub(crate) fn insert_entry(
        &mut self,
        who: Option<&str>,
        entry: &Entry,
    ) -> AppResult<(Person, EntryId)> {
        self.insert_entry_in(who, entry, BodyUnits::default())
    }

    fn insert_entry_in(
        &mut self,
        who: Option<&str>,
        entry: &Entry,
        given: BodyUnits,
    ) -> AppResult<(Person, EntryId)> {
        let (person_id, person) = self.person(who)?;
        let today = self.today();
        match entry {
            Entry::Food(_) => {
                let foods = Foods::new(&self.store().own_foods(person_id)?)?;
                check_entry(entry, today, &|id| foods.known(id))?;
            }
            _ => check_entry_in(entry, today, &|_| false, given)?,
        }
        check_birth(entry, &person)?;
        if let Entry::Scan(scan) = entry
            && self
                .store()
                .scans(person_id)?
                .iter()
                .any(|s| s.date == scan.date)
        {
            return Err(AppError::Conflict(format!(
                "{} already has a scan on {}; one scan per day",
                person.name, scan.date
            )));
        }
        let id = self.store_mut().add_entry(person_id, entry)?;
        Ok((person, id))
    }
}

impl<S: RecordStore> App<S> {
    /// Replaces the entry `id` of `who` by `entry`, of the same kind, checked as
    /// [`add_entry`](Self::add_entry) checks a new one (values, date, a known food); the id
    /// stays. A lab result is better corrected with [`edit_lab`](Self::edit_lab), which
    /// converts units.
    pub fn edit_entry(
        &mut self,
        who: Option<&str>,
        id: EntryId,
        entry: &Entry,
    ) -> AppResult<EntryChange> {
        self.edit_entry_in(who, id, entry, BodyUnits::default())
    }

    /// [`edit_entry`](Self::edit_entry), the body measures (stored values) given in `given`'s
    /// units, as [`add_entry_in`](Self::add_entry_in).
    pub fn edit_entry_in(
        &mut self,
        who: Option<&str>,
        id: EntryId,
        entry: &Entry,
        given: BodyUnits,
    ) -> AppResult<EntryChange> {
        self.edit_entry_with(who, id, entry, given, false)
    }

    /// [`edit_entry_in`](Self::edit_entry_in) with `log med`'s `--confirm`: a course's or
    /// dose's amount outside the range the medicine is sold in is kept when `confirm`.
    pub fn edit_entry_confirmed(
        &mut self,
        who: Option<&str>,
        id: EntryId,
        entry: &Entry,
        given: BodyUnits,
        confirm: bool,
    ) -> AppResult<EntryChange> {
        self.edit_entry_with(who, id, entry, given, confirm)
    }

    fn edit_entry_with(
        &mut self,
        who: Option<&str>,
        id: EntryId,
        entry: &Entry,
        given: BodyUnits,
        confirm: bool,
    ) -> AppResult<EntryChange> {
        let (person_id, person) = self.person(who)?;
        if entry.kind() != id.kind {
            return Err(AppError::invalid(
                "kind",
                entry.kind().name(),
                format!(
                    "{id} is a {} entry; it cannot become a {} entry (delete it and add the new one)",
                    id.kind.name(),
                    entry.kind().name()
                ),
            ));
        }
        // A course or a dose follows the rules of `log med`, as in `add_entry`.
        let (checked, _) = crate::meds::checked_med_entry_confirmed(entry, confirm)?;
        let entry = &checked;
        let before = self.store().entry(person_id, id)?;
        let today = self.today();
        match entry {
            Entry::Food(_) => {
                let foods = Foods::new(&self.store().own_foods(person_id)?)?;
                check_entry(entry, today, &|f| foods.known(f))?;
            }
            _ => check_entry_in(entry, today, &|_| false, given)?,
        }
        if let Entry::Scan(scan) = entry
            && self
                .store()
                .entries_of(person_id, EntryKind::Scan)?
                .iter()
                .any(|(other, e)| *other != id && e.date() == scan.date)
        {
            return Err(AppError::Conflict(format!(
                "{} already has a scan on {}; one scan per day",
                person.name, scan.date
            )));
        }
        check_birth(entry, &person)?;
        self.store_mut().replace_entry(person_id, id, entry)?;
        let after = self.store().entry(person_id, id)?;
        Ok(EntryChange {
            units: person.units,
            person: person.name,
            id,
            before,
            after,
        })
    }
}
