//! Facts derived once from a [`PlanInput`]: latest labs, scans in order, daily amounts of each
//! nutrient (food log plus supplements), activity per day. Shared by the plan, the safety rules
//! and adherence.

use crate::date::DateExt;
use crate::input::nutrient;
use crate::labs::{Analyte, normalise};
use crate::{Date, DoseUnit, MedKind, PlanInput, Scan, Sex};
use std::collections::{BTreeMap, HashMap};

/// A day's amount of something: a lower bound when `missing` foods had no value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DayAmount {
    pub amount: f64,
    pub missing: u32,
    /// The amount includes supplement doses assumed from a course (no dose log).
    pub assumed: bool,
}

/// How a nutrient's daily amount is assembled.
#[derive(Debug, Clone, Copy)]
pub struct NutrientSpec {
    /// Food-log keys summed (vascalc-nutrition keys).
    pub keys: &'static [&'static str],
    /// Factor from the keys' unit to the target unit (e.g. g → mg = 1000).
    pub scale: f64,
    /// Supplement kind added to the food amount, converted to the target unit.
    pub supplement: Option<(MedKind, SupplementUnit)>,
}

/// The unit supplements are converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupplementUnit {
    Ug,
    Mg,
}

pub const MK7: NutrientSpec = NutrientSpec {
    keys: &[nutrient::MENAQUINONE7_UG],
    scale: 1.0,
    supplement: Some((MedKind::Mk7, SupplementUnit::Ug)),
};
pub const MAGNESIUM: NutrientSpec = NutrientSpec {
    keys: &[nutrient::MAGNESIUM_MG],
    scale: 1.0,
    supplement: Some((MedKind::Magnesium, SupplementUnit::Mg)),
};
pub const OMEGA3: NutrientSpec = NutrientSpec {
    keys: &[nutrient::EPA_G, nutrient::DHA_G],
    scale: 1000.0,
    supplement: Some((MedKind::Omega3, SupplementUnit::Mg)),
};
pub const FOOD_CALCIUM: NutrientSpec = NutrientSpec {
    keys: &[nutrient::CALCIUM_MG],
    scale: 1.0,
    supplement: None,
};
pub const PHOSPHORUS: NutrientSpec = NutrientSpec {
    keys: &[nutrient::PHOSPHORUS_MG],
    scale: 1.0,
    supplement: None,
};

/// Derived facts.
pub struct Facts<'a> {
    pub input: &'a PlanInput,
    pub today: Date,
    pub age: Option<f64>,
    pub sex: Option<Sex>,
    /// Per analyte, (date, value in canonical unit), oldest first.
    pub labs: BTreeMap<Analyte, Vec<(Date, f64)>>,
    /// Lab rows that could not be used, with the reason.
    pub lab_problems: Vec<String>,
    /// Scans oldest first.
    pub scans: Vec<&'a Scan>,
    /// Latest eGFR: a reported eGFR, or CKD-EPI 2021 from a later creatinine (vascalc-clinical);
    /// the flag says it was computed.
    egfr: Option<(Date, f64, bool)>,
    /// Food-log days, merged by date.
    food_days: BTreeMap<Date, FoodDay<'a>>,
    /// Logged supplement amounts per kind and day (µg for Ug kinds, mg for Mg kinds).
    logged: BTreeMap<MedKind, BTreeMap<Date, f64>>,
    /// Each course's plausible daily amount, in `input.medications` order.
    course_amounts: Vec<Option<f64>>,
    /// Kinds with at least one dose-log entry.
    pub kinds_logged: Vec<MedKind>,
    /// Endurance and strength minutes per day.
    pub endurance: BTreeMap<Date, f64>,
    pub strength: BTreeMap<Date, f64>,
}

#[derive(Default)]
struct FoodDay<'a> {
    entries: Vec<&'a crate::DailyIntake>,
}

pub(crate) fn supplement_amount(kind: MedKind, dose: &crate::Dose) -> Option<f64> {
    if !dose.amount.is_finite() || dose.amount < 0.0 {
        return None;
    }
    match kind {
        MedKind::Mk7 | MedKind::VitaminKOther => dose.micrograms(),
        MedKind::VitaminD => match dose.unit {
            // 1 µg vitamin D = 40 IU.
            DoseUnit::Iu => Some(dose.amount / 40.0),
            _ => dose.micrograms(),
        },
        MedKind::Magnesium => match dose.unit {
            // Magnesium 24.305 mg/mmol.
            DoseUnit::Mmol => Some(dose.amount * 24.305),
            _ => dose.milligrams(),
        },
        _ => dose.milligrams(),
    }
}

/// How far back a logged dose makes the dose log count for a kind ([`Facts::logging_active`]).
pub const LOGGING_SPAN_DAYS: i32 = 30;

/// The unit [`supplement_amount`] gives for `kind`: µg for vitamin K and D, mg otherwise.
pub(crate) fn kind_unit(kind: MedKind) -> &'static str {
    match kind {
        MedKind::Mk7 | MedKind::VitaminKOther | MedKind::VitaminD => "µg",
        _ => "mg",
    }
}

/// The amount of a dose in the kind's unit ([`supplement_amount`]), or `None` when the dose lies
/// outside the range any product of the medicine is sold in ([`crate::medicines::check_dose`]):
/// an implausible dose (MK-7 180 mg) never counts towards a target; the `implausible_dose`
/// alert names it.
pub(crate) fn plausible_amount(kind: MedKind, name: &str, dose: &crate::Dose) -> Option<f64> {
    crate::medicines::check_dose(kind, name, dose).ok()?;
    // Capsules of an omega-3 product whose label states EPA and DHA per capsule.
    if kind == MedKind::Omega3 && dose.unit == DoseUnit::Unit {
        let m = crate::medicines::lookup(name)?;
        return Some(dose.amount * (m.epa_mg? + m.dha_mg.unwrap_or(0.0)));
    }
    supplement_amount(kind, dose)
}

/// The summed dose of the courses of `kind` active on `day`, in the kind's unit; `amounts` holds
/// each course's plausible daily amount ([`plausible_amount`], computed once per course).
fn course_amount(
    input: &PlanInput,
    amounts: &[Option<f64>],
    kind: MedKind,
    day: Date,
) -> Option<f64> {
    let mut total = None;
    for (m, a) in input.medications.iter().zip(amounts) {
        if m.kind == kind
            && m.active_on(day)
            && let Some(a) = a
        {
            *total.get_or_insert(0.0) += a;
        }
    }
    total
}

impl<'a> Facts<'a> {
    pub fn new(input: &'a PlanInput) -> Facts<'a> {
        let mut labs: BTreeMap<Analyte, Vec<(Date, f64)>> = BTreeMap::new();
        let mut lab_problems = Vec::new();
        for l in &input.labs {
            match normalise(l) {
                Ok((a, v)) => labs.entry(a).or_default().push((l.date, v)),
                Err(e) => lab_problems.push(format!("lab {} on {}: {e}", l.loinc, l.date)),
            }
        }
        for v in labs.values_mut() {
            v.sort_by_key(|x| x.0);
        }
        let mut scans: Vec<&Scan> = input
            .scans
            .iter()
            .filter(|s| s.agatston.is_finite() && s.agatston >= 0.0)
            .collect();
        scans.sort_by_key(|s| s.date);
        let mut food_days: BTreeMap<Date, FoodDay> = BTreeMap::new();
        for d in &input.intakes {
            food_days.entry(d.date).or_default().entries.push(d);
        }
        let course_amounts: Vec<Option<f64>> = input
            .medications
            .iter()
            .map(|m| {
                m.dose
                    .as_ref()
                    .and_then(|d| plausible_amount(m.kind, &m.name, d))
            })
            .collect();
        let mut logged: BTreeMap<MedKind, BTreeMap<Date, f64>> = BTreeMap::new();
        // A dose log repeats a few (kind, name, dose) triples thousands of times: each is
        // checked against the vocabulary once.
        let mut plausible: HashMap<(MedKind, &str, DoseUnit, u64), Option<f64>> = HashMap::new();
        for m in &input.med_log {
            // A dose logged without an amount counts as the course's dose that day.
            let amount = m
                .dose
                .as_ref()
                .and_then(|d| {
                    *plausible
                        .entry((m.kind, m.name.as_str(), d.unit, d.amount.to_bits()))
                        .or_insert_with(|| plausible_amount(m.kind, &m.name, d))
                })
                .or_else(|| {
                    // An implausible logged dose counts as nothing, not as the course's dose.
                    m.dose
                        .is_none()
                        .then(|| course_amount(input, &course_amounts, m.kind, m.date))
                        .flatten()
                })
                .unwrap_or(0.0);
            *logged
                .entry(m.kind)
                .or_default()
                .entry(m.date)
                .or_insert(0.0) += amount;
        }
        let kinds_logged = logged.keys().copied().collect();
        let mut endurance = BTreeMap::new();
        let mut strength = BTreeMap::new();
        for a in &input.activity {
            if !a.minutes.is_finite() || a.minutes < 0.0 {
                continue;
            }
            let map = match a.kind {
                crate::ActivityKind::Endurance => &mut endurance,
                crate::ActivityKind::Strength => &mut strength,
            };
            *map.entry(a.date).or_insert(0.0) += a.minutes;
        }
        let age = input.age_years();
        let latest = |a: Analyte| {
            labs.get(&a)
                .and_then(|v| v.iter().rev().find(|(d, _)| *d <= input.today).copied())
        };
        let reported = latest(Analyte::Egfr);
        let computed = match (latest(Analyte::Creatinine), age, input.person.sex) {
            (Some((d, scr)), Some(age), Some(sex)) if scr > 0.0 && age >= 18.0 => {
                let sex = match sex {
                    Sex::Female => vascalc_clinical::Sex::Female,
                    Sex::Male => vascalc_clinical::Sex::Male,
                };
                let e = vascalc_clinical::kidney::egfr_ckd_epi_2021_cr(scr, age, sex);
                e.is_finite().then_some((d, e))
            }
            _ => None,
        };
        let egfr = match (reported, computed) {
            (Some(r), Some(c)) if c.0 > r.0 => Some((c.0, c.1, true)),
            (Some(r), _) => Some((r.0, r.1, false)),
            (None, Some(c)) => Some((c.0, c.1, true)),
            (None, None) => None,
        };
        Facts {
            input,
            today: input.today,
            egfr,
            age,
            sex: input.person.sex,
            labs,
            lab_problems,
            scans,
            food_days,
            logged,
            course_amounts,
            kinds_logged,
            endurance,
            strength,
        }
    }

    /// The latest value of an analyte on or before today.
    pub fn latest(&self, a: Analyte) -> Option<(Date, f64)> {
        self.labs
            .get(&a)?
            .iter()
            .rev()
            .find(|(d, _)| *d <= self.today)
            .copied()
    }

    /// The unit the plan's texts show `a` in (vascalc-domain `Analyte::shown_unit`): the
    /// person's units, else the unit the latest result of `a` was given in, else the canonical
    /// unit.
    pub fn lab_unit(&self, a: Analyte) -> &'static str {
        let entered = self
            .input
            .labs
            .iter()
            .filter(|l| l.date <= self.today && Analyte::from_loinc(&l.loinc) == Some(a))
            .max_by_key(|l| l.date)
            .and_then(|l| l.entered_unit.as_deref());
        a.shown_unit(self.input.person.units, entered)
    }

    /// A measured value of `a` (in the canonical unit) as the plan's texts write it, in
    /// [`Facts::lab_unit`]: `3.40 mmol/L`.
    pub fn lab_text(&self, a: Analyte, canonical: f64) -> String {
        let (v, unit) = self.shown(a, canonical);
        format!("{} {unit}", crate::plan::fmt_num(v))
    }

    /// A limit or target of `a` (in the canonical unit) as the plan's texts write it, without
    /// trailing zeros: `4.5 mg/dL`, `1.45 mmol/L`.
    pub fn lab_limit(&self, a: Analyte, canonical: f64) -> String {
        let (v, unit) = self.shown(a, canonical);
        format!("{} {unit}", trimmed(v))
    }

    /// A range of `a` as the plan's targets write it: in [`Facts::lab_unit`], with the other
    /// of the canonical and SI units in parentheses when they differ (`20–50 ng/mL (49.9–125
    /// nmol/L)`).
    pub fn lab_range(&self, a: Analyte, lo: f64, hi: f64) -> String {
        let unit = self.lab_unit(a);
        let other = if unit == a.canonical_unit() {
            a.si_unit()
        } else {
            a.canonical_unit()
        };
        let range = |u: &str| {
            let v = |x: f64| a.from_canonical(x, u).unwrap_or(x);
            format!("{}–{} {u}", trimmed(v(lo)), trimmed(v(hi)))
        };
        if other == unit {
            range(unit)
        } else {
            format!("{} ({})", range(unit), range(other))
        }
    }

    fn shown(&self, a: Analyte, canonical: f64) -> (f64, &'static str) {
        let unit = self.lab_unit(a);
        match a.from_canonical(canonical, unit) {
            Some(v) => (v, unit),
            None => (canonical, a.canonical_unit()),
        }
    }

    /// The latest eGFR (mL/min/1.73 m²): a reported eGFR, or CKD-EPI 2021 (creatinine, via
    /// vascalc-clinical) from a more recent creatinine.
    pub fn egfr(&self) -> Option<(Date, f64)> {
        self.egfr.map(|(d, e, _)| (d, e))
    }

    /// Whether the eGFR was computed from creatinine rather than reported.
    pub fn egfr_computed(&self) -> bool {
        self.egfr.is_some_and(|e| e.2)
    }

    /// Creatinine clearance by Cockcroft–Gault (vascalc-clinical) from the latest creatinine,
    /// the latest weight on or before today, age and sex: (creatinine date, mL/min, weight kg).
    pub fn creatinine_clearance(&self) -> Option<(Date, f64, f64)> {
        let (d, scr) = self.latest(Analyte::Creatinine)?;
        let weight = self
            .input
            .vitals
            .iter()
            .filter(|v| v.date <= self.today)
            .filter_map(|v| v.weight_kg.map(|w| (v.date, w)))
            .max_by_key(|(d, _)| *d)?
            .1;
        let sex = match self.sex? {
            Sex::Female => vascalc_clinical::Sex::Female,
            Sex::Male => vascalc_clinical::Sex::Male,
        };
        let c = vascalc_clinical::kidney::creatinine_clearance_cockcroft_gault(
            self.age?, weight, scr, sex,
        )?;
        Some((d, c, weight))
    }

    /// A body measure (`stored` in kg or cm) as the plan's texts write it: in the person's units
    /// (vascalc-domain's [`BodyMeasure`](vascalc_domain::BodyMeasure) table: lb and in for US
    /// units, else as stored), with `decimals` decimals: `81.0 kg`, `178.6 lb`. The
    /// machine-readable fields (`value`, `unit`) stay in the stored unit.
    pub fn body_text(
        &self,
        m: vascalc_domain::BodyMeasure,
        stored: f64,
        decimals: usize,
    ) -> String {
        let (v, unit) = m.shown(stored, self.input.person.units);
        format!("{v:.decimals$} {unit}")
    }

    /// Whether a course of `kind` active today, or a dose of it logged in the last 30 days, has
    /// a dose outside the range the medicine is sold in (so it is not counted).
    pub fn implausible_in_use(&self, kind: MedKind) -> bool {
        let bad = |name: &str, dose: &Option<crate::Dose>| {
            dose.as_ref()
                .is_some_and(|d| crate::medicines::check_dose(kind, name, d).is_err())
        };
        let since = self.today.add_days(-29);
        self.courses(kind).any(|m| bad(&m.name, &m.dose))
            || self.input.med_log.iter().any(|d| {
                d.kind == kind && since <= d.date && d.date <= self.today && bad(&d.name, &d.dose)
            })
    }

    /// Advanced CKD: eGFR < 30 or on dialysis.
    pub fn advanced_ckd(&self) -> bool {
        self.input.clinical.dialysis || self.egfr().is_some_and(|(_, e)| e < 30.0)
    }

    /// CKD by eGFR < 60 or dialysis.
    pub fn ckd(&self) -> bool {
        self.input.clinical.dialysis || self.egfr().is_some_and(|(_, e)| e < 60.0)
    }

    pub fn latest_scan(&self) -> Option<&'a Scan> {
        self.scans
            .iter()
            .rev()
            .find(|s| s.date <= self.today)
            .copied()
    }

    pub fn taking(&self, kind: MedKind) -> bool {
        self.input.taking(kind)
    }

    /// Active courses of `kind` today.
    pub fn courses(&self, kind: MedKind) -> impl Iterator<Item = &'a crate::Medication> + '_ {
        let today = self.today;
        self.input
            .medications
            .iter()
            .filter(move |m| m.kind == kind && m.active_on(today))
    }

    /// Supplement amount of `kind` on `day`: while the person logs doses of this kind
    /// ([`Facts::logging_active`]), the logged doses (a day without one had none); otherwise the
    /// dose of an active course (flagged as assumed).
    pub fn supplement_on(&self, kind: MedKind, day: Date) -> Option<(f64, bool)> {
        if self.logging_active(kind, day) {
            return self
                .logged
                .get(&kind)
                .and_then(|m| m.get(&day))
                .map(|a| (*a, false));
        }
        course_amount(self.input, &self.course_amounts, kind, day).map(|t| (t, true))
    }

    /// Whether a dose of `kind` was logged on `day`.
    pub fn dose_logged_on(&self, kind: MedKind, day: Date) -> bool {
        self.logged.get(&kind).is_some_and(|m| m.contains_key(&day))
    }

    /// Whether the person was logging doses of `kind` on `day`: a dose of it is logged on one of
    /// the 30 days ending on `day`. Then a day without a dose is a day none was taken; outside
    /// such stretches the dose log says nothing and a course's dose is assumed.
    pub fn logging_active(&self, kind: MedKind, day: Date) -> bool {
        self.logged.get(&kind).is_some_and(|m| {
            m.range(day.add_days(-(LOGGING_SPAN_DAYS - 1))..=day)
                .next()
                .is_some()
        })
    }

    /// Logged doses of `kind` in `[from, to]`: (days with a dose, total amount in the kind's
    /// unit: µg for vitamin K and D, mg otherwise).
    pub fn logged_in(&self, kind: MedKind, from: Date, to: Date) -> (u32, f64) {
        self.logged.get(&kind).map_or((0, 0.0), |m| {
            m.range(from..=to)
                .fold((0, 0.0), |(n, sum), (_, a)| (n + 1, sum + a))
        })
    }

    /// Whether the person takes `kind` now: a course covers today, or a dose was logged in the
    /// 30 days ending today (a dose needs no course; the safety rules look at both).
    pub fn using(&self, kind: MedKind) -> bool {
        self.taking(kind) || self.logged_in(kind, self.today.add_days(-29), self.today).0 > 0
    }

    /// The day's amount of a nutrient (food + supplements); `None` when the day has neither a
    /// food log nor a supplement.
    pub fn day_amount(&self, spec: &NutrientSpec, day: Date) -> Option<DayAmount> {
        let food = self.food_days.get(&day).map(|fd| {
            let mut amount = 0.0;
            let mut missing = 0u32;
            for e in &fd.entries {
                let mut day_missing = 0u32;
                for key in spec.keys {
                    match e.nutrients.get(*key) {
                        Some(t) if t.at_least.is_finite() && t.at_least >= 0.0 => {
                            amount += t.at_least * spec.scale;
                            day_missing = day_missing.max(t.missing);
                        }
                        // The key is absent: none of the day's foods had a value.
                        _ => day_missing = day_missing.max(e.foods),
                    }
                }
                missing += day_missing;
            }
            DayAmount {
                amount,
                missing,
                assumed: false,
            }
        });
        let supp = spec
            .supplement
            .and_then(|(kind, _)| self.supplement_on(kind, day));
        match (food, supp) {
            (None, None) => None,
            (Some(f), None) => Some(f),
            (f, Some((s, assumed))) => {
                let mut d = f.unwrap_or_default();
                d.amount += s;
                d.assumed |= assumed;
                Some(d)
            }
        }
    }

    /// Whether the day has a food log.
    pub fn food_logged(&self, day: Date) -> bool {
        self.food_days.contains_key(&day)
    }

    /// Foods flagged with phosphate additives and foods logged on a day.
    pub fn additive_foods(&self, day: Date) -> Option<(u32, u32)> {
        self.food_days.get(&day).map(|fd| {
            fd.entries.iter().fold((0, 0), |(a, f), e| {
                (a + e.phosphate_additive_foods, f + e.foods)
            })
        })
    }

    /// Food-log days within `[from, to]`.
    pub fn food_days_in(&self, from: Date, to: Date) -> impl Iterator<Item = Date> + '_ {
        self.food_days.range(from..=to).map(|(d, _)| *d)
    }

    /// The latest smoking record on or before today.
    pub fn smoking(&self) -> Option<&'a crate::Smoking> {
        self.input
            .smoking
            .iter()
            .filter(|s| s.date <= self.today)
            .max_by_key(|s| s.date)
    }

    /// The latest alcohol record on or before today.
    pub fn alcohol(&self) -> Option<&'a crate::Alcohol> {
        self.input
            .alcohol
            .iter()
            .filter(|a| {
                a.date <= self.today && a.drinks_per_week.is_finite() && a.drinks_per_week >= 0.0
            })
            .max_by_key(|a| a.date)
    }
}

/// Mean of a daily series over the days in `[from, to]` that have data.
pub struct WindowMean {
    pub mean: Option<f64>,
    pub days_with_data: u32,
    pub missing: u32,
    pub assumed: bool,
    /// Days meeting a threshold (when one was given).
    pub days_meeting: u32,
}

/// Mean daily amount of a nutrient over `[from, to]`; `meets` counts days meeting a target.
pub fn nutrient_window(
    f: &Facts,
    spec: &NutrientSpec,
    from: Date,
    to: Date,
    meets: impl Fn(f64) -> bool,
) -> WindowMean {
    let mut sum = 0.0;
    let mut w = WindowMean {
        mean: None,
        days_with_data: 0,
        missing: 0,
        assumed: false,
        days_meeting: 0,
    };
    let mut day = from;
    while day <= to {
        if let Some(d) = f.day_amount(spec, day) {
            sum += d.amount;
            w.days_with_data += 1;
            w.missing += d.missing;
            w.assumed |= d.assumed;
            if meets(d.amount) {
                w.days_meeting += 1;
            }
        }
        day = day.add_days(1);
    }
    if w.days_with_data > 0 {
        w.mean = Some(sum / f64::from(w.days_with_data));
    }
    w
}

/// `fmt_num` without trailing zeros (`20.0` → `20`, `4.50` → `4.5`).
fn trimmed(v: f64) -> String {
    let s = crate::plan::fmt_num(v);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}
