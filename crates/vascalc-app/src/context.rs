//! From the record to the inputs of the computing crates: the clinical [`Profile`] (the shared
//! profile vocabulary) as of a date.
//!
//! Conventions (also in docs/record.md):
//! - Each value is the latest one on or before the date; blood pressure is the mean of the
//!   readings in the 30 days up to the latest reading.
//! - Medication-derived facts (`statin`, `bp_treated`) come from the courses in the record that
//!   cover the date: a course not recorded counts as not taken.
//! - `smoker` is the latest smoking status (`current` → true); absent without one.

use jiff::ToSpan;
use jiff::civil::Date;
use vascalc_clinical::Profile;
use vascalc_clinical::progression::{Progression, Subject};
use vascalc_domain::SmokingStatus;
use vascalc_record::{Person, PersonId, PersonRecord, RecordStore, Scan};

use crate::error::{AppError, AppResult};
use crate::people::age_on;

/// The latest value of lab `analyte` on or before `on`.
pub fn latest_lab(r: &PersonRecord, analyte: &str, on: Date) -> Option<f64> {
    r.labs
        .iter()
        .filter(|l| l.analyte == analyte && l.date <= on)
        .max_by_key(|l| l.date)
        .map(|l| l.value)
}

/// Final scans on or before `on`, by date: a scan whose stored `scan score` series was not
/// interpreted (unreviewed candidates, not a chest, …: [`vascalc_report::not_final`], the rule
/// the clinician report keeps) is no score, so no clinical figure (profile, progression,
/// expected band, plan) counts it. The report and `entry list` still list it, marked.
pub fn scans_until(r: &PersonRecord, on: Date) -> Vec<&Scan> {
    let mut scans: Vec<&Scan> = r
        .scans
        .iter()
        .filter(|s| s.date <= on && is_final(s))
        .collect();
    scans.sort_by_key(|s| s.date);
    scans
}

/// Whether `scan` is a final score ([`vascalc_report::not_final`] finds no reason it is not).
pub fn is_final(scan: &Scan) -> bool {
    vascalc_report::not_final(scan).is_empty()
}

/// Mean systolic pressure over the 30 days up to the latest reading on or before `on`.
pub fn systolic(r: &PersonRecord, on: Date) -> Option<f64> {
    let readings: Vec<(Date, f64)> = r
        .vitals
        .iter()
        .filter(|v| v.date <= on)
        .filter_map(|v| Some((v.date, v.systolic_mm_hg?)))
        .collect();
    let last = readings.iter().map(|(d, _)| *d).max()?;
    let from = last.checked_sub(29.days()).ok()?;
    let window: Vec<f64> = readings
        .iter()
        .filter(|(d, _)| *d >= from)
        .map(|(_, v)| *v)
        .collect();
    Some(window.iter().sum::<f64>() / window.len() as f64)
}

/// Whether a course treats blood pressure (an antihypertensive or a thiazide), by the class the
/// medicine vocabulary gives its name, else by its recorded kind.
pub fn treats_blood_pressure(m: &vascalc_record::Medication) -> bool {
    vascalc_program::medicines::lookup(&m.name)
        .map(|v| v.class)
        .or_else(|| vascalc_program::MedKind::parse(&m.kind))
        .is_some_and(|k| k.treats_blood_pressure())
}

fn taking(r: &PersonRecord, kind: &str, on: Date) -> bool {
    r.medications
        .iter()
        .any(|m| m.kind == kind && m.active_on(on))
}

/// The clinical profile as of `on`, or why there is none (birth date and sex are needed).
pub fn clinical_profile(r: &PersonRecord, on: Date) -> AppResult<Profile> {
    let (Some(birth), Some(sex)) = (r.person.birth_date, r.person.sex) else {
        return Err(AppError::invalid(
            missing_field(r),
            "",
            format!(
                "the profile of {} needs a birth date and sex (`vascalc profile update \
                 --birth-date YYYY-MM-DD --sex female|male`)",
                r.person.name
            ),
        ));
    };
    let mut p = Profile::new(f64::from(age_on(birth, on)), sex);
    p.race = r.person.race;
    p.total_cholesterol_mg_dl = latest_lab(r, "total_cholesterol", on);
    p.hdl_mg_dl = latest_lab(r, "hdl", on);
    p.ldl_mg_dl = latest_lab(r, "ldl", on);
    p.systolic_bp_mm_hg = systolic(r, on);
    p.bp_treated = Some(
        r.medications
            .iter()
            .any(|m| treats_blood_pressure(m) && m.active_on(on)),
    );
    p.statin = Some(taking(r, "statin", on));
    p.smoker = r
        .smoking
        .iter()
        .filter(|s| s.date <= on)
        .max_by_key(|s| s.date)
        .map(|s| s.status == SmokingStatus::Current);
    p.diabetes = r.person.diabetes;
    p.family_history_mi = r.person.family_history_mi;
    let weight = r
        .vitals
        .iter()
        .filter(|v| v.date <= on && v.weight_kg.is_some())
        .max_by_key(|v| v.date)
        .and_then(|v| v.weight_kg);
    p.bmi = match (weight, r.person.height_cm) {
        (Some(w), Some(h)) => Some(vascalc_domain::units::bmi(w, h)),
        _ => None,
    };
    p.creatinine_mg_dl = latest_lab(r, "creatinine", on);
    if p.creatinine_mg_dl.is_none() {
        p.egfr_ml_min_1_73m2 = latest_lab(r, "egfr", on);
    }
    p.uacr_mg_g = latest_lab(r, "uacr", on);
    p.hba1c_pct = latest_lab(r, "hba1c", on);
    let scans = scans_until(r, on);
    if let Some(last) = scans.last() {
        p.cac_agatston = Some(last.agatston);
        p.cac_volume_mm3 = last.volume_mm3;
        p.cac_arteries = (!last.per_artery.is_empty()).then_some(last.per_artery);
    }
    p.scans = clinical_scans(&scans);
    p.validate().map_err(|e| {
        AppError::invalid("", "", format!("the record of {} gives {e}", r.person.name))
    })?;
    Ok(p)
}

/// The record's scans in the clinical crate's vocabulary.
fn clinical_scans(scans: &[&Scan]) -> Vec<vascalc_clinical::Scan> {
    scans
        .iter()
        .map(|s| vascalc_clinical::Scan {
            date: s.date,
            agatston: s.agatston,
            volume_mm3: s.volume_mm3,
        })
        .collect()
}

/// vascalc-clinical's progression analysis of the scans on or before `as_of` (age at the last
/// scan, sex, race, diabetes from the record): `None` without a scan, an error naming what is
/// missing without a birth date or sex. `vascalc progress` and the plan's next-scan item both
/// use it, so they agree.
pub fn progression(r: &PersonRecord, as_of: Date) -> AppResult<Option<Progression>> {
    let scans = scans_until(r, as_of);
    let Some(last) = scans.last() else {
        return Ok(None);
    };
    let name = &r.person.name;
    let (Some(birth), Some(sex)) = (r.person.birth_date, r.person.sex) else {
        return Err(AppError::invalid(
            missing_field(r),
            "",
            format!(
                "progression needs {name}'s birth date and sex (`vascalc profile update \
                 --birth-date YYYY-MM-DD --sex female|male`)"
            ),
        ));
    };
    let subject = Subject {
        age_at_last_scan: f64::from(age_on(birth, last.date)),
        sex,
        race: r.person.race,
        diabetes: r.person.diabetes,
    };
    let clinical = clinical_scans(&scans);
    vascalc_clinical::progression::progression(&clinical, &subject)
        .map(Some)
        .map_err(|e| AppError::invalid("scans", "", format!("{name}: {e}")))
}

/// The expected-trajectory band (vascalc-clinical's `expected_band`) from the first scan on or
/// before `as_of` scored above 0 to `as_of` (or the last scan, if later): the band the CAC page
/// draws, as the clinician report does. `None` without such a scan; an error without the sex.
pub fn expected_band(
    r: &PersonRecord,
    as_of: Date,
) -> AppResult<Option<vascalc_clinical::progression::ExpectedBand>> {
    let scans = scans_until(r, as_of);
    let Some(last) = scans.last() else {
        return Ok(None);
    };
    let Some(sex) = r.person.sex else {
        return Err(AppError::invalid(
            "sex",
            "",
            format!(
                "the expected trajectory needs {}'s sex (`vascalc profile update --sex \
                 female|male`)",
                r.person.name
            ),
        ));
    };
    let end = as_of.max(last.date);
    Ok(vascalc_clinical::progression::expected_band(
        &clinical_scans(&scans),
        sex,
        end,
    ))
}

/// The field a profile lacks first: `birth_date`, else `sex`.
fn missing_field(r: &PersonRecord) -> &'static str {
    if r.person.birth_date.is_none() {
        "birth_date"
    } else {
        "sex"
    }
}

/// What the clinical profile and the summary read: everything recorded about a person but the
/// food log, the activity log and the dose log (ten years of daily logs are most of a record,
/// and neither reads them).
pub fn load_without_logs<S: RecordStore + ?Sized>(
    store: &S,
    id: PersonId,
    person: Person,
) -> AppResult<PersonRecord> {
    Ok(PersonRecord {
        scans: store.scans(id)?,
        labs: store.labs(id)?,
        vitals: store.vitals(id)?,
        activity: Vec::new(),
        smoking: store.smoking(id)?,
        alcohol: store.alcohol(id)?,
        medications: store.medications(id)?,
        doses: Vec::new(),
        own_foods: store.own_foods(id)?,
        foods: Vec::new(),
        person,
    })
}

/// Everything recorded about a person but the food log (which plan and progress read by day);
/// activity and doses only from `recent` on when given (the plan looks back 90 days at most).
pub fn load<S: RecordStore + ?Sized>(
    store: &S,
    id: PersonId,
    person: Person,
    recent: Option<Date>,
) -> AppResult<PersonRecord> {
    Ok(PersonRecord {
        scans: store.scans(id)?,
        labs: store.labs(id)?,
        vitals: store.vitals(id)?,
        activity: store.activity(id, recent)?,
        smoking: store.smoking(id)?,
        alcohol: store.alcohol(id)?,
        medications: store.medications(id)?,
        doses: store.doses(id, recent)?,
        own_foods: store.own_foods(id)?,
        foods: Vec::new(),
        person,
    })
}
