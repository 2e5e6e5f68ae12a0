//! A deterministic synthetic report input for benchmarks and tests (not shown to users): the
//! record of `vascalc_program::synthetic::record` (daily logs, quarterly labs, three scans,
//! three courses over `days` days) in the record's vocabulary, with the assessment, progression
//! and plan the computing crates make of it.

use vascalc_clinical::{Assessment, Options, Profile, Progression, Sex, Subject};
use vascalc_domain::date::DateExt;
use vascalc_domain::{Analyte, Date};
use vascalc_program::Plan;
use vascalc_record::{ArteryScores, Lab, Medication, Person, Scan, ScanSource};

use crate::ReportInput;

/// Everything a [`ReportInput`] borrows.
#[derive(Debug, Clone)]
pub struct Synthetic {
    pub person: Person,
    pub scans: Vec<Scan>,
    pub labs: Vec<Lab>,
    pub medications: Vec<Medication>,
    pub assessment: Assessment,
    pub progression: Option<Progression>,
    pub plan: Plan,
    pub today: Date,
}

impl Synthetic {
    /// `days` days of data ending on `today`.
    pub fn new(today: Date, days: i32) -> Synthetic {
        let input = vascalc_program::synthetic::record(today, days);
        let mut person = Person::named("Synthetic Person");
        person.birth_date = input.person.birth_date;
        person.sex = Some(vascalc_domain::Sex::Female);
        person.race = Some(vascalc_domain::Race::White);
        person.height_cm = input.person.height_cm;
        person.diabetes = input.clinical.diabetes;
        let scans: Vec<Scan> = input
            .scans
            .iter()
            .map(|s| Scan {
                date: s.date,
                agatston: s.agatston,
                per_artery: ArteryScores::default(),
                volume_mm3: s.volume_mm3,
                mass_mg: None,
                source: ScanSource::Report,
                score: None,
            })
            .collect();
        let mut labs: Vec<Lab> = input
            .labs
            .iter()
            .filter_map(|l| {
                let a = Analyte::from_loinc(&l.loinc)?;
                Some(Lab {
                    date: l.date,
                    analyte: a.id().to_owned(),
                    loinc: Some(l.loinc.clone()),
                    value: l.value,
                    unit: l.unit.clone(),
                    entered_unit: None,
                })
            })
            .collect();
        // The program's synthetic record has LDL but not the total and HDL cholesterol the risk
        // equations need: add them beside each LDL (synthetic, as everything here).
        let lipids: Vec<Lab> = labs
            .iter()
            .filter(|l| l.analyte == "ldl")
            .flat_map(|l| {
                [
                    (Analyte::TotalCholesterol, l.value + 75.0),
                    (Analyte::Hdl, 52.0),
                ]
                .map(|(a, value)| Lab {
                    date: l.date,
                    analyte: a.id().to_owned(),
                    loinc: Some(a.loinc().to_owned()),
                    value,
                    unit: a.canonical_unit().to_owned(),
                    entered_unit: None,
                })
            })
            .collect();
        labs.extend(lipids);
        let medications = input
            .medications
            .iter()
            .map(|m| Medication {
                name: m.name.clone(),
                kind: m.kind.as_str().to_owned(),
                dose: m.dose.as_ref().map(|d| d.amount),
                unit: m.dose.as_ref().and_then(|d| {
                    serde_json::to_value(d.unit)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                }),
                start: m.start.unwrap_or(today),
                end: m.end,
            })
            .collect();
        let age = person
            .birth_date
            .map(|b| f64::from(today.years_since(b)))
            .unwrap_or(60.0);
        let mut profile = Profile::new(age, Sex::Female);
        profile.race = Some(vascalc_clinical::Race::White);
        let latest = |id: &str| {
            labs.iter()
                .filter(|l| l.analyte == id)
                .max_by_key(|l| l.date)
                .map(|l| l.value)
        };
        profile.ldl_mg_dl = latest("ldl");
        profile.total_cholesterol_mg_dl = latest("total_cholesterol");
        profile.hdl_mg_dl = latest("hdl");
        profile.systolic_bp_mm_hg = input
            .vitals
            .iter()
            .max_by_key(|v| v.date)
            .and_then(|v| v.systolic_mm_hg);
        profile.bp_treated = Some(false);
        profile.smoker = Some(false);
        profile.statin = Some(true);
        profile.egfr_ml_min_1_73m2 = latest("egfr");
        profile.hba1c_pct = latest("hba1c");
        profile.diabetes = Some(false);
        let clinical_scans: Vec<vascalc_clinical::Scan> = scans
            .iter()
            .map(|s| vascalc_clinical::Scan {
                date: s.date,
                agatston: s.agatston,
                volume_mm3: s.volume_mm3,
            })
            .collect();
        if let Some(last) = scans.iter().max_by_key(|s| s.date) {
            profile.cac_agatston = Some(last.agatston);
        }
        let assessment = vascalc_clinical::assess(&profile, &Options::default());
        let last_scan = scans.iter().map(|s| s.date).max().unwrap_or(today);
        let progression = vascalc_clinical::progression::progression(
            &clinical_scans,
            &Subject {
                age_at_last_scan: person
                    .birth_date
                    .map(|b| f64::from(last_scan.years_since(b)))
                    .unwrap_or(age),
                sex: Sex::Female,
                race: profile.race,
                diabetes: Some(false),
            },
        )
        .ok();
        let plan = vascalc_program::plan(&input);
        Synthetic {
            person,
            scans,
            labs,
            medications,
            assessment,
            progression,
            plan,
            today,
        }
    }

    /// The report input borrowing this data, as of and generated on `today`.
    pub fn input(&self) -> ReportInput<'_> {
        ReportInput {
            person: &self.person,
            scans: &self.scans,
            labs: &self.labs,
            stored_labs: None,
            medications: &self.medications,
            assessment: Ok(&self.assessment),
            progression: self.progression.as_ref(),
            plan: Ok(&self.plan),
            as_of: self.today,
            generated: self.today,
            version: "test",
        }
    }
}
