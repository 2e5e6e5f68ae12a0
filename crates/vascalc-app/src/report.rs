//! What the clinician report (vascalc-report) shows of a person, as of a date: the record's
//! entries with the assessment, progression and plan computed exactly as `assess --person`,
//! `progress` and `plan` compute them.

use jiff::civil::Date;
use vascalc_clinical::{Assessment, Progression};
use vascalc_record::{PersonRecord, RecordStore};

use crate::{App, AppError, AppResult, context};

/// The report's data.
#[derive(Debug)]
pub struct ReportData {
    /// Everything recorded but the food log, activity and doses.
    pub record: PersonRecord,
    pub as_of: Date,
    /// The assessment as of `as_of`, or why there is none (no birth date or sex, …: an
    /// [`AppError`] of kind invalid naming the missing field).
    pub assessment: Result<Assessment, AppError>,
    /// The progression of the scans up to `as_of`; `None` without a scan or when the profile
    /// lacks what it needs (the assessment's error says what).
    pub progression: Option<Progression>,
    pub plan: vascalc_program::Plan,
}

impl<S: RecordStore> App<S> {
    /// The report's data for `who` as of `as_of` (today when None).
    pub fn report_data(&self, who: Option<&str>, as_of: Option<Date>) -> AppResult<ReportData> {
        let view = self.plan(who, as_of)?;
        let (id, _) = self.person(who)?;
        // Activity and doses are not shown (only read from `as_of` on), nor is the food log.
        let mut record = context::load(self.store(), id, view.person.clone(), Some(view.as_of))?;
        record.activity.clear();
        record.doses.clear();
        let as_of = view.as_of;
        let assessment = context::clinical_profile(&record, as_of).map(|mut profile| {
            // The progression is computed once, below.
            profile.scans.clear();
            vascalc_clinical::assess(&profile, &vascalc_clinical::Options::default())
        });
        let progression = context::progression(&record, as_of).ok().flatten();
        Ok(ReportData {
            record,
            as_of,
            assessment,
            progression,
            plan: view.plan,
        })
    }
}

impl ReportData {
    /// The clinician report as one HTML document (vascalc-report), made on `generated` by
    /// vascalc `version`: what `vascalc report --out` writes and `vascalc serve` shows at
    /// `/report`.
    pub fn render(&self, generated: Date, version: &str) -> String {
        let unavailable = self.assessment.as_ref().err().map(ToString::to_string);
        // Labs in the person's units (crate::labs::shown, as `lab list` shows them), with the
        // stored value beside those it changes.
        let units = self.record.person.units;
        let shown: Vec<vascalc_record::Lab> = self
            .record
            .labs
            .iter()
            .map(|l| {
                let (value, unit) = crate::labs::shown(l, units);
                vascalc_record::Lab {
                    value,
                    unit: unit.to_owned(),
                    ..l.clone()
                }
            })
            .collect();
        vascalc_report::render(&vascalc_report::ReportInput {
            person: &self.record.person,
            scans: &self.record.scans,
            labs: &shown,
            stored_labs: Some(&self.record.labs),
            medications: &self.record.medications,
            assessment: self
                .assessment
                .as_ref()
                .map_err(|_| unavailable.as_deref().unwrap_or_default()),
            progression: self.progression.as_ref(),
            plan: Ok(&self.plan),
            as_of: self.as_of,
            generated,
            version,
        })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use vascalc_record::{ArteryScores, Entry, Person, Scan, ScanSource};
    use vascalc_store::Store;

    use crate::App;

    fn scan(on: jiff::civil::Date, agatston: f64) -> Entry {
        Entry::Scan(Scan {
            date: on,
            agatston,
            per_artery: ArteryScores::default(),
            volume_mm3: None,
            mass_mg: None,
            source: ScanSource::Report,
            score: None,
        })
    }

    #[test]
    fn report_data_is_as_of_the_date_and_says_why_an_assessment_is_missing() {
        let mut app = App::at(Store::open_in_memory().unwrap(), date(2026, 12, 7));
        let mut p = Person::named("Bo");
        p.birth_date = Some(date(1960, 3, 1));
        p.sex = Some(vascalc_domain::Sex::Male);
        let id = app.store_mut().add_person(&p).unwrap();
        for (on, v) in [(date(2020, 1, 10), 40.0), (date(2024, 1, 10), 90.0)] {
            app.store_mut().add_entry(id, &scan(on, v)).unwrap();
        }
        let d = app.report_data(None, Some(date(2023, 6, 1))).unwrap();
        assert_eq!(d.as_of, date(2023, 6, 1));
        // The progression and the assessment see only the scan before the date.
        assert_eq!(d.progression.as_ref().unwrap().scans.len(), 1);
        let a = d.assessment.as_ref().unwrap();
        assert_eq!(a.cac.as_ref().unwrap().agatston, 40.0);
        assert_eq!(d.plan.today, date(2023, 6, 1));

        // Labs in the person's units, the stored value beside (LDL 130 mg/dL = 3.36 mmol/L,
        // 38.67 mg/dL per mmol/L).
        let ldl = Entry::Lab(vascalc_record::Lab {
            date: date(2023, 1, 5),
            analyte: "ldl".into(),
            loinc: None,
            value: 130.0,
            unit: "mg/dL".into(),
            entered_unit: None,
        });
        app.store_mut().add_entry(id, &ldl).unwrap();
        let html = app
            .report_data(None, None)
            .unwrap()
            .render(date(2026, 12, 7), "t");
        assert!(
            html.contains("130</td><td>mg/dL</td>"),
            "as stored without units"
        );
        let (_, mut si) = app.person(None).unwrap();
        si.units = Some(vascalc_record::Units::Si);
        app.store_mut().update_person(id, &si).unwrap();
        let html = app
            .report_data(None, None)
            .unwrap()
            .render(date(2026, 12, 7), "t");
        assert!(
            html.contains("3.36</td><td>mmol/L <span class=\"src\">(stored as 130 mg/dL)</span>"),
            "{html}"
        );

        let mut q = Person::named("Cy");
        q.sex = Some(vascalc_domain::Sex::Female);
        app.store_mut().add_person(&q).unwrap();
        let d = app.report_data(Some("Cy"), None).unwrap();
        let why = d.assessment.unwrap_err();
        assert_eq!(why.kind(), crate::ErrorKind::Invalid);
        assert!(why.to_string().contains("birth date"), "{why}");
        assert!(d.progression.is_none());
        assert!(app.report_data(Some("Nobody"), None).is_err());
    }
}
