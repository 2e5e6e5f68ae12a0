//! [`RecordStore`] for the SQLite [`Store`]: each operation is the store's own method, with its
//! error in the terms every store shares.

use jiff::civil::Date;

use crate::{
    Activity, Alcohol, Entry, EntryId, EntryKind, FoodEntry, Lab, MedDose, Medication, OwnFood,
    Person, PersonId, PersonRecord, RecordError, RecordStore, Scan, Smoking, Store, StoreError,
    Vitals,
};

impl From<StoreError> for RecordError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Record(e) => e,
            other => RecordError::Storage(Box::new(other)),
        }
    }
}

type R<T> = Result<T, RecordError>;

impl RecordStore for Store {
    fn people(&self) -> R<Vec<(PersonId, Person)>> {
        Ok(Store::people(self)?)
    }
    fn add_person(&mut self, person: &Person) -> R<PersonId> {
        Ok(Store::add_person(self, person)?)
    }
    fn update_person(&mut self, id: PersonId, person: &Person) -> R<()> {
        Ok(Store::update_person(self, id, person)?)
    }
    fn delete_person(&mut self, id: PersonId) -> R<()> {
        Ok(Store::delete_person(self, id)?)
    }
    fn add_entry(&mut self, person: PersonId, entry: &Entry) -> R<EntryId> {
        Ok(Store::add_entry(self, person, entry)?)
    }
    fn add_entries(&mut self, person: PersonId, entries: &[Entry]) -> R<Vec<EntryId>> {
        Ok(Store::add_entries(self, person, entries)?)
    }
    fn replace_entry(&mut self, person: PersonId, id: EntryId, entry: &Entry) -> R<()> {
        Ok(Store::replace_entry(self, person, id, entry)?)
    }
    fn set_entry_date(&mut self, person: PersonId, id: EntryId, date: Date) -> R<()> {
        Ok(Store::set_entry_date(self, person, id, date)?)
    }
    fn delete_entry(&mut self, person: PersonId, id: EntryId) -> R<Entry> {
        Ok(Store::delete_entry(self, person, id)?)
    }
    fn delete_entries(&mut self, person: PersonId, ids: &[EntryId]) -> R<Vec<Entry>> {
        Ok(Store::delete_entries(self, person, ids)?)
    }
    fn entries_of(&self, person: PersonId, kind: EntryKind) -> R<Vec<(EntryId, Entry)>> {
        Ok(Store::entries_of(self, person, kind)?)
    }
    fn entries(&self, person: PersonId) -> R<Vec<(EntryId, Entry)>> {
        Ok(Store::entries(self, person)?)
    }
    fn entry(&self, person: PersonId, id: EntryId) -> R<Entry> {
        Ok(Store::entry(self, person, id)?)
    }
    fn end_medication(&mut self, person: PersonId, name: &str, end: Date) -> R<usize> {
        Ok(Store::end_medication(self, person, name, end)?)
    }
    fn reclassify_medication(
        &mut self,
        person: PersonId,
        name: &str,
        from: &str,
        to: &str,
    ) -> R<(usize, usize)> {
        Ok(Store::reclassify_medication(self, person, name, from, to)?)
    }
    fn put_own_food(&mut self, person: PersonId, food: &OwnFood) -> R<()> {
        Ok(Store::put_own_food(self, person, food)?)
    }
    fn scans(&self, person: PersonId) -> R<Vec<Scan>> {
        Ok(Store::scans(self, person)?)
    }
    fn labs(&self, person: PersonId) -> R<Vec<Lab>> {
        Ok(Store::labs(self, person)?)
    }
    fn vitals(&self, person: PersonId) -> R<Vec<Vitals>> {
        Ok(Store::vitals(self, person)?)
    }
    fn activity(&self, person: PersonId, since: Option<Date>) -> R<Vec<Activity>> {
        Ok(Store::activity(self, person, since)?)
    }
    fn smoking(&self, person: PersonId) -> R<Vec<Smoking>> {
        Ok(Store::smoking(self, person)?)
    }
    fn alcohol(&self, person: PersonId) -> R<Vec<Alcohol>> {
        Ok(Store::alcohol(self, person)?)
    }
    fn medications(&self, person: PersonId) -> R<Vec<Medication>> {
        Ok(Store::medications(self, person)?)
    }
    fn doses(&self, person: PersonId, since: Option<Date>) -> R<Vec<MedDose>> {
        Ok(Store::doses(self, person, since)?)
    }
    fn revision(&self) -> R<i64> {
        Ok(Store::revision(self)?)
    }
    fn own_foods(&self, person: PersonId) -> R<Vec<OwnFood>> {
        Ok(Store::own_foods(self, person)?)
    }
    fn foods(&self, person: PersonId, since: Option<Date>) -> R<Vec<FoodEntry>> {
        Ok(Store::foods(self, person, since)?)
    }
    fn food_grams_by_day(
        &self,
        person: PersonId,
        since: Option<Date>,
    ) -> R<Vec<(Date, String, f64, u32)>> {
        Ok(Store::food_grams_by_day(self, person, since)?)
    }
    fn food_logged_days(&self, person: PersonId, since: Option<Date>) -> R<Vec<Date>> {
        Ok(Store::food_logged_days(self, person, since)?)
    }
    fn food_entries_on(&self, person: PersonId, date: Date) -> R<Vec<(EntryId, FoodEntry)>> {
        Ok(Store::food_entries_on(self, person, date)?
            .into_iter()
            .map(|(row, f)| {
                (
                    EntryId {
                        kind: EntryKind::Food,
                        row,
                    },
                    f,
                )
            })
            .collect())
    }
    fn record(&self, id: PersonId, person: Person) -> R<PersonRecord> {
        Ok(Store::record(self, id, person)?)
    }
    fn import(&mut self, records: &[PersonRecord], replace: bool) -> R<()> {
        Ok(Store::import(self, records, replace)?)
    }
}
