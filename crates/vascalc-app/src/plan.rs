//! The record as a vascalc-program `PlanInput` (daily nutrient intakes from the food log
//! through vascalc-nutrition totals), with what vascalc-clinical says about it
//! ([`ClinicalFacts`]): the inputs of `vascalc plan` and of the adherence between scans.

use std::collections::BTreeMap;

use vascalc_program::{
    ClinicalFacts, DailyIntake, Dose, DoseUnit, LabResult, MedDose, MedKind, Medication,
    NutrientTotal, Person, PlanInput, Scan,
};
use vascalc_record::{PersonId, PersonRecord, RecordStore};

use crate::context;
use crate::error::{AppError, AppResult};
use crate::foods::{Foods, daily_totals};

/// How far back `plan` reads activity and doses (days before `--as-of`).
pub const PLAN_LOOKBACK_DAYS: i64 = 89;

/// The record's date for vascalc-program: the same date (both are jiff's, see vascalc-domain),
/// `None` outside the years vascalc reads (`vascalc_domain::date::YEARS`; the record holds
/// 1900-01-01 to today).
pub fn program_date(d: jiff::civil::Date) -> Option<vascalc_program::Date> {
    vascalc_program::date::YEARS
        .contains(&d.year())
        .then_some(d)
}

/// Everything `plan` and `adherence` read, from the record, with the food log from `since` on
/// turned into daily nutrient totals.
pub fn plan_input<S: RecordStore + ?Sized>(
    store: &S,
    id: PersonId,
    r: &PersonRecord,
    since: Option<jiff::civil::Date>,
    as_of: jiff::civil::Date,
) -> AppResult<PlanInput> {
    let d = program_date;
    let today = d(as_of).ok_or_else(|| {
        AppError::invalid("as_of", as_of, format!("{as_of} is outside years 1–9999"))
    })?;
    let mut input = PlanInput::new(today);
    input.person = Person {
        birth_date: r.person.birth_date.and_then(d),
        age: None,
        sex: r.person.sex,
        race: r.person.race,
        height_cm: r.person.height_cm,
        units: r.person.units,
    };
    input.clinical = ClinicalFacts {
        diabetes: r.person.diabetes,
        bp_treated: Some(
            r.medications
                .iter()
                .any(|m| context::treats_blood_pressure(m) && m.active_on(as_of)),
        ),
        ascvd: r.person.ascvd,
        family_history_mi: r.person.family_history_mi,
        dialysis: r.person.dialysis.unwrap_or(false),
        calciphylaxis: r.person.calciphylaxis.unwrap_or(false),
        specialist_care_calciphylaxis: r.person.calciphylaxis_specialist_care.unwrap_or(false),
        ascvd_risk_10y: None,
        cac_percentile: None,
        next_scan: None,
    };
    assessed_facts(r, as_of, &mut input.clinical);
    input.scans = r
        .scans
        .iter()
        .filter(|s| s.date <= as_of && context::is_final(s))
        .filter_map(|s| {
            Some(Scan {
                date: d(s.date)?,
                agatston: s.agatston,
                volume_mm3: s.volume_mm3,
                per_artery: s.per_artery,
            })
        })
        .collect();
    input.labs = r
        .labs
        .iter()
        .filter(|l| l.date <= as_of)
        .filter_map(|l| {
            Some(LabResult {
                loinc: l.loinc.clone()?,
                value: l.value,
                unit: l.unit.clone(),
                date: d(l.date)?,
                entered_unit: l.entered_unit.clone(),
            })
        })
        .collect();
    // vascalc-program judges kidney function by eGFR results; a creatinine without an eGFR on
    // the same day gets one by CKD-EPI 2021 (vascalc-clinical), as laboratories report it.
    if let (Some(birth), Some(sex)) = (r.person.birth_date, r.person.sex) {
        for l in r
            .labs
            .iter()
            .filter(|l| l.analyte == "creatinine" && l.date <= as_of)
        {
            let reported = r
                .labs
                .iter()
                .any(|e| e.analyte == "egfr" && e.date == l.date);
            let age = f64::from(crate::people::age_on(birth, l.date));
            if reported || age < 18.0 {
                continue;
            }
            if let Some(date) = d(l.date) {
                input.labs.push(LabResult {
                    loinc: "98979-8".into(),
                    value: vascalc_clinical::kidney::egfr_ckd_epi_2021_cr(l.value, age, sex),
                    unit: "mL/min/1.73m2".into(),
                    date,
                    entered_unit: None,
                });
            }
        }
    }
    // Vitals, activity, smoking and alcohol are the record's own types: read as stored, up to
    // the day of the plan.
    let upto = |date: jiff::civil::Date| date <= as_of && d(date).is_some();
    input.vitals = r.vitals.iter().filter(|v| upto(v.date)).cloned().collect();
    input.activity = r
        .activity
        .iter()
        .filter(|a| upto(a.date))
        .cloned()
        .collect();
    input.smoking = r.smoking.iter().filter(|s| upto(s.date)).cloned().collect();
    input.alcohol = r.alcohol.iter().filter(|a| upto(a.date)).cloned().collect();
    input.medications = r
        .medications
        .iter()
        .filter(|m| m.start <= as_of)
        .map(|m| Medication {
            kind: med_kind(&m.kind),
            name: m.name.clone(),
            dose: match (m.dose, m.unit.as_deref().and_then(DoseUnit::parse)) {
                (Some(amount), Some(unit)) => Some(Dose { amount, unit }),
                _ => None,
            },
            start: d(m.start),
            end: m.end.and_then(d),
        })
        .collect();
    input.med_log = r
        .doses
        .iter()
        .filter(|x| x.date <= as_of)
        .filter_map(|x| {
            Some(MedDose {
                date: d(x.date)?,
                kind: med_kind(&x.kind),
                name: x.name.clone(),
                dose: DoseUnit::parse(&x.unit).map(|unit| Dose {
                    amount: x.dose,
                    unit,
                }),
            })
        })
        .collect();
    let foods = Foods::new(&r.own_foods)?;
    let rows = store
        .food_grams_by_day(id, since)?
        .into_iter()
        .filter(|row| row.0 <= as_of)
        .collect::<Vec<_>>();
    input.intakes = daily_totals(&foods, &rows)?
        .into_iter()
        .filter_map(|day| {
            Some(DailyIntake {
                date: d(day.date)?,
                foods: day.entries,
                phosphate_additive_foods: day.phosphate_additive_entries,
                // Only the keys the plan reads (ten years of days carry no unread totals).
                nutrients: day
                    .nutrients
                    .into_iter()
                    .filter(|(k, _)| vascalc_program::nutrient::ALL.contains(k))
                    .map(|(k, (at_least, missing))| {
                        (k.to_owned(), NutrientTotal { at_least, missing })
                    })
                    .collect::<BTreeMap<_, _>>(),
            })
        })
        .collect();
    Ok(input)
}

/// What vascalc-clinical says about the record as of `as_of`, for the plan: the 10-year risk by
/// the 2013 Pooled Cohort Equations (the one the 2018 cholesterol guideline uses), the latest
/// CAC's percentile, and the next-scan window of the progression analysis (the one `vascalc
/// progress` shows). What cannot be computed stays `None`; the plan says why.
pub fn assessed_facts(r: &PersonRecord, as_of: jiff::civil::Date, facts: &mut ClinicalFacts) {
    if let Ok(mut profile) = context::clinical_profile(r, as_of) {
        // Progression is computed below, as `vascalc progress` does.
        profile.scans.clear();
        let a = vascalc_clinical::assess(&profile, &vascalc_clinical::Options::default());
        facts.ascvd_risk_10y = a
            .risks
            .iter()
            .find(|x| x.model == "pce_2013" && x.outcome == "ascvd_10y")
            .map(|x| vascalc_program::RiskEstimate {
                model: x.model.to_owned(),
                percent: x.percent,
                source: x.source.to_owned(),
            });
        facts.cac_percentile = a.cac.as_ref().and_then(|c| {
            let p = c.percentile.as_ref()?;
            let text = match (p.percentile, &p.band) {
                (Some(n), _) => format!("percentile {n} for age, sex and race ({})", p.reference),
                (None, Some(band)) => format!("{band} for age and sex ({})", p.reference),
                (None, None) => p.reference.to_owned(),
            };
            Some(vascalc_program::CacPercentile {
                agatston: c.agatston,
                at_or_above_75th: p.at_or_above_75th,
                text,
                source: p.source.to_owned(),
            })
        });
    }
    if let Ok(Some(p)) = context::progression(r, as_of) {
        let ns = &p.next_scan;
        facts.next_scan = p.scans.last().map(|last| vascalc_program::NextScanAdvice {
            after: last.date,
            earliest: ns.earliest,
            latest: ns.latest,
            basis: ns.basis.iter().map(|b| b.to_string()).collect(),
            sources: ns.sources.iter().map(|s| s.to_string()).collect(),
        });
    }
}

/// The record's medication kind in vascalc-program's closed list; a kind it does not name is
/// `unknown` (never `other`: the plan then says its safety rules could not be checked). The
/// program itself lets a name its vocabulary knows decide the class.
fn med_kind(kind: &str) -> MedKind {
    MedKind::parse(kind).unwrap_or(MedKind::Unknown)
}

/// A plan and what it was computed from.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub person: vascalc_record::Person,
    pub as_of: jiff::civil::Date,
    /// Everything the plan read, with the clinical facts (10-year risk, CAC percentile,
    /// next-scan window) vascalc-clinical gave it.
    pub input: PlanInput,
    pub plan: vascalc_program::Plan,
}

impl<S: RecordStore> crate::App<S> {
    /// The plan of `who` as of `as_of` (today when None).
    pub fn plan(&self, who: Option<&str>, as_of: Option<jiff::civil::Date>) -> AppResult<PlanView> {
        use jiff::ToSpan;
        let as_of = as_of.unwrap_or(self.today());
        let (id, person) = self.person(who)?;
        crate::dates::not_before_birth("as_of", as_of, &person)?;
        // The plan looks back 90 days at most (exercise in the last 90 days; doses in the 30
        // days before a 30-day window tell whether doses were being logged); older activity and
        // doses are not read.
        let recent = as_of.checked_sub(PLAN_LOOKBACK_DAYS.days()).ok();
        let record = context::load(self.store(), id, person, recent)?;
        // The plan's windows are 7 and 30 days; the food log before that is not read.
        let since = as_of.checked_sub(29.days()).unwrap_or(as_of);
        let input = plan_input(self.store(), id, &record, Some(since), as_of)?;
        let plan = vascalc_program::plan(&input);
        Ok(PlanView {
            person: record.person,
            as_of,
            input,
            plan,
        })
    }
}
