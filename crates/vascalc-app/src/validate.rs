//! Checks on what goes into the record, shared by the commands that add one entry and by
//! `import`, which checks every entry before writing any. Each check returns a message that
//! names the field and the value.

use jiff::civil::Date;
use vascalc_record::{
    Activity, Alcohol, FoodEntry, Lab, MedDose, Medication, Person, PersonRecord, Scan, ScanSource,
    Smoking, Vitals,
};

use vascalc_domain::{BodyMeasure, SmokingStatus, Units};

use crate::error::{AppError, AppResult};
use crate::{dates, labs};

pub type Check = AppResult<()>;

/// The field of the JSON vocabulary a message's name stands for.
fn field(what: &str) -> &str {
    match what {
        "activity kind" | "medication kind" => "kind",
        "smoking status" => "status",
        "systolic" => "systolic_mm_hg",
        "diastolic" => "diastolic_mm_hg",
        "weight" => "weight_kg",
        "waist" => "waist_cm",
        "height" => "height_cm",
        "dose unit" => "unit",
        "medication name" => "name",
        other => other,
    }
}

fn invalid(what: &str, value: impl ToString, reason: String) -> AppError {
    AppError::invalid(field(what), value, reason)
}
/// Dose units, as vascalc-program's `DoseUnit` spells them.
pub const DOSE_UNITS: &[&str] = &["ug", "mg", "g", "iu", "mmol", "unit"];

/// The largest dose per unit that vascalc accepts for one dose or one day of a course: above any
/// dose the therapy classes it knows are given in (the largest are sodium thiosulfate, 25 g
/// intravenously per session, and vitamin D "stoss" doses of up to 600,000 IU), so that a slip
/// of the unit (mg typed as µg) or of the keyboard is refused rather than stored.
pub const MAX_DOSE: &[(&str, f64)] = &[
    ("ug", 100_000.0),
    ("mg", 100_000.0),
    ("g", 100.0),
    ("iu", 600_000.0),
    ("mmol", 1_000.0),
    ("unit", 50.0),
];

/// Therapy classes a medication or supplement is recorded under: vascalc-program's `MedKind`
/// names, vitamin K antagonists first (`antihypertensive` tells the risk equations that blood
/// pressure is treated; `unknown` is a name vascalc does not know and the person has not
/// classified yet).
pub fn med_kinds() -> impl Iterator<Item = &'static str> {
    vascalc_program::MedKind::ALL.iter().map(|k| k.as_str())
}

fn one_of(what: &str, value: &str, allowed: &[&str]) -> Check {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(invalid(
            what,
            value,
            format!("{what} {value:?} is not one of {}", allowed.join(", ")),
        ))
    }
}

fn in_range(what: &str, value: f64, lo: f64, hi: f64, unit: &str) -> Check {
    if !value.is_finite() {
        Err(invalid(
            what,
            value,
            format!("{what} {value} is not a number"),
        ))
    } else if value < 0.0 {
        Err(invalid(
            what,
            value,
            format!("{what} {value} {unit} is negative"),
        ))
    } else if !(lo..=hi).contains(&value) {
        Err(invalid(
            what,
            value,
            format!("{what} {value} {unit} is outside {lo}–{hi} {unit}"),
        ))
    } else {
        Ok(())
    }
}

fn opt_range(what: &str, value: Option<f64>, lo: f64, hi: f64, unit: &str) -> Check {
    value.map_or(Ok(()), |v| in_range(what, v, lo, hi, unit))
}

/// The unit system each body measure was given in (`None`: the stored unit, kg or cm). The
/// checks compare the stored value with the stored range; a message names the value and the
/// range in the unit given (`weight 900 lb is outside 44.1–771.6 lb`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BodyUnits {
    pub weight: Option<Units>,
    pub height: Option<Units>,
    pub waist: Option<Units>,
}

impl BodyUnits {
    /// Every measure given in `units`.
    pub const fn all(units: Units) -> Self {
        Self {
            weight: Some(units),
            height: Some(units),
            waist: Some(units),
        }
    }

    /// The unit `m` was given in.
    pub const fn unit(&self, m: BodyMeasure) -> &'static str {
        let units = match m {
            BodyMeasure::Weight => self.weight,
            BodyMeasure::Height => self.height,
            BodyMeasure::Waist => self.waist,
        };
        match units {
            Some(u) => m.unit(u),
            None => m.stored_unit(),
        }
    }
}

/// A number as a message says it: as given in the stored unit; converted back to a US unit,
/// to 4 decimals without trailing zeros (900 lb, not 900.0000000000001 lb).
fn said(v: f64, converted: bool) -> String {
    if !converted {
        return v.to_string();
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// A body measure (stored value) within vascalc-domain's plausible range; the message is in
/// `unit`, the unit the value was given in (vascalc-domain's one factor table).
fn body(m: BodyMeasure, stored: Option<f64>, unit: &str) -> Check {
    let Some(v) = stored else { return Ok(()) };
    let what = m.name();
    let (unit, given, (lo, hi)) = match (m.from_stored(v, unit), m.plausible_in(unit)) {
        (Some(g), Some(range)) => (unit, g, range),
        _ => (m.stored_unit(), v, m.plausible()),
    };
    let converted = unit != m.stored_unit();
    let shown = said(given, converted);
    let (slo, shi) = m.plausible();
    if !v.is_finite() {
        Err(invalid(
            what,
            shown.clone(),
            format!("{what} {shown} is not a number"),
        ))
    } else if v < 0.0 {
        Err(invalid(
            what,
            shown.clone(),
            format!("{what} {shown} {unit} is negative"),
        ))
    } else if !(slo..=shi).contains(&v) {
        Err(invalid(
            what,
            shown.clone(),
            format!("{what} {shown} {unit} is outside {lo}–{hi} {unit}"),
        ))
    } else {
        Ok(())
    }
}

fn date(what: &str, d: Date, today: Date) -> Check {
    dates::check(what, d, today).map_err(|e| e.prefixed(what))
}

pub fn person(p: &Person, today: Date) -> Check {
    person_in(p, today, BodyUnits::default())
}

/// [`person`], the height given in `given`'s unit (its message is in that unit).
pub fn person_in(p: &Person, today: Date, given: BodyUnits) -> Check {
    let name = p.name.trim();
    if name.is_empty() || name != p.name || name.len() > 100 || name.chars().any(char::is_control) {
        return Err(invalid(
            "name",
            &p.name,
            format!(
                "name {:?}: give 1–100 characters without leading or trailing spaces",
                p.name
            ),
        ));
    }
    if let Some(b) = p.birth_date {
        date("birth_date", b, today)?;
    }
    body(
        BodyMeasure::Height,
        p.height_cm,
        given.unit(BodyMeasure::Height),
    )
}

pub fn scan(s: &Scan, today: Date) -> Check {
    date("date", s.date, today)?;
    in_range("agatston", s.agatston, 0.0, 50_000.0, "")?;
    let a = &s.per_artery;
    for (name, v) in [("lm", a.lm), ("lad", a.lad), ("lcx", a.lcx), ("rca", a.rca)] {
        opt_range(name, v, 0.0, 50_000.0, "")?;
    }
    let sum: f64 = [a.lm, a.lad, a.lcx, a.rca].iter().flatten().sum();
    // Reports round each artery; allow half a point of rounding per artery.
    if sum > s.agatston + 2.0 {
        return Err(invalid(
            "per_artery",
            sum,
            format!(
                "per-artery scores add up to {sum}, more than the total {}",
                s.agatston
            ),
        ));
    }
    opt_range("volume_mm3", s.volume_mm3, 0.0, 100_000.0, "mm³")?;
    opt_range("mass_mg", s.mass_mg, 0.0, 100_000.0, "mg")?;
    match (s.source, &s.score) {
        (ScanSource::Score, None) => Err(invalid(
            "score",
            "",
            "a scan with source \"score\" needs its score".into(),
        )),
        (ScanSource::Report, Some(_)) => Err(invalid(
            "score",
            "",
            "a scan with source \"report\" carries no score result".into(),
        )),
        // What a kept score may be: the rule `scan add --from-json` and the review follow.
        _ => crate::scans::check_kept_score(s),
    }
}

pub fn lab(l: &Lab, today: Date) -> Check {
    date("date", l.date, today)?;
    let a = labs::find(&l.analyte)
        .filter(|a| a.id == l.analyte)
        .ok_or_else(|| {
            invalid(
                "analyte",
                &l.analyte,
                format!("unknown analyte {:?}", l.analyte),
            )
        })?;
    if l.unit != a.unit() {
        return Err(invalid(
            "unit",
            &l.unit,
            format!("{} is stored in {}, not {:?}", a.id, a.unit(), l.unit),
        ));
    }
    if let Some(u) = l
        .entered_unit
        .as_deref()
        .filter(|u| a.unit_spelling(u) != Some(*u))
    {
        return Err(invalid(
            "entered_unit",
            u,
            format!(
                "{}: entered_unit {u:?} is not a unit vascalc accepts for it; one of {}",
                a.id,
                a.units().join(", ")
            ),
        ));
    }
    if l.loinc.as_deref() != Some(a.loinc()) {
        return Err(invalid(
            "loinc",
            l.loinc.as_deref().unwrap_or(""),
            format!(
                "{}: LOINC {:?} does not match {:?}",
                a.id,
                l.loinc,
                a.loinc()
            ),
        ));
    }
    a.check(l.value)
}

pub fn vitals(v: &Vitals, today: Date) -> Check {
    vitals_in(v, today, BodyUnits::default())
}

/// [`vitals`] (values as stored), the weight and waist given in `given`'s units: a message
/// about either names the value and the range in the unit given.
pub fn vitals_in(v: &Vitals, today: Date, given: BodyUnits) -> Check {
    date("date", v.date, today)?;
    if v.systolic_mm_hg.is_none()
        && v.diastolic_mm_hg.is_none()
        && v.weight_kg.is_none()
        && v.waist_cm.is_none()
    {
        return Err(invalid(
            "systolic_mm_hg",
            "",
            "give at least one of blood pressure, weight or waist".into(),
        ));
    }
    if v.systolic_mm_hg.is_some() != v.diastolic_mm_hg.is_some() {
        return Err(invalid(
            "diastolic_mm_hg",
            "",
            "blood pressure needs both systolic and diastolic".into(),
        ));
    }
    opt_range("systolic", v.systolic_mm_hg, 60.0, 280.0, "mmHg")?;
    opt_range("diastolic", v.diastolic_mm_hg, 30.0, 180.0, "mmHg")?;
    if let (Some(s), Some(d)) = (v.systolic_mm_hg, v.diastolic_mm_hg)
        && d >= s
    {
        return Err(invalid(
            "diastolic",
            d,
            format!("diastolic {d} is not below systolic {s}"),
        ));
    }
    body(
        BodyMeasure::Weight,
        v.weight_kg,
        given.unit(BodyMeasure::Weight),
    )?;
    body(
        BodyMeasure::Waist,
        v.waist_cm,
        given.unit(BodyMeasure::Waist),
    )
}

pub fn activity(a: &Activity, today: Date) -> Check {
    date("date", a.date, today)?;
    in_range("minutes", a.minutes, 0.0, 1440.0, "min")?;
    if a.minutes == 0.0 {
        return Err(invalid(
            "minutes",
            a.minutes,
            "minutes must be more than 0".into(),
        ));
    }
    Ok(())
}

pub fn smoking(s: &Smoking, today: Date) -> Check {
    date("date", s.date, today)?;
    opt_range("pack_years", s.pack_years, 0.0, 300.0, "pack-years")?;
    if let Some(q) = s.quit_date {
        date("quit_date", q, today)?;
        if s.status != SmokingStatus::Former {
            return Err(invalid(
                "quit_date",
                q,
                format!(
                    "a quit date goes with status \"former\", not {:?}",
                    s.status.as_str()
                ),
            ));
        }
    }
    if s.status == SmokingStatus::Never && s.pack_years.is_some_and(|p| p > 0.0) {
        return Err(invalid(
            "pack_years",
            s.pack_years.unwrap_or_default(),
            "a never-smoker has no pack-years".into(),
        ));
    }
    Ok(())
}

pub fn alcohol(a: &Alcohol, today: Date) -> Check {
    date("date", a.date, today)?;
    in_range("drinks_per_week", a.drinks_per_week, 0.0, 200.0, "drinks")
}

fn med_name_and_kind(name: &str, kind: &str) -> Check {
    if name.trim().is_empty() || name.len() > 100 {
        return Err(invalid(
            "medication name",
            name,
            format!("medication name {name:?}: give 1–100 characters"),
        ));
    }
    if !med_kinds().any(|k| k == kind) {
        return Err(invalid(
            "medication kind",
            kind,
            format!(
                "medication kind {kind:?} is not one of {}",
                med_kinds().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    Ok(())
}

/// A dose amount: positive, in a known unit, and not absurd ([`MAX_DOSE`]).
fn dose_amount(dose: f64, unit: &str, name: &str) -> Check {
    if !dose.is_finite() || dose <= 0.0 {
        return Err(invalid(
            "dose",
            dose,
            format!("dose {dose} of {name} must be a positive number"),
        ));
    }
    one_of("dose unit", unit, DOSE_UNITS)?;
    match MAX_DOSE.iter().find(|(u, _)| *u == unit) {
        Some((_, max)) if dose > *max => Err(invalid(
            "dose",
            dose,
            format!(
                "dose {dose} {unit} of {name} is implausible (more than {max} {unit}); check \
                 the amount and the unit"
            ),
        )),
        _ => Ok(()),
    }
}

pub fn medication(m: &Medication, today: Date) -> Check {
    med_name_and_kind(&m.name, &m.kind)?;
    if let Some(dose) = m.dose {
        match &m.unit {
            Some(u) => dose_amount(dose, u, &m.name)?,
            None => {
                return Err(invalid(
                    "unit",
                    "",
                    format!("dose {dose} of {} needs a unit", m.name),
                ));
            }
        }
    } else if let Some(unit) = &m.unit {
        return Err(invalid(
            "unit",
            unit,
            format!("a unit without a dose for {}", m.name),
        ));
    }
    date("start", m.start, today)?;
    if let Some(end) = m.end {
        date("end", end, today)?;
        if end < m.start {
            return Err(invalid(
                "end",
                end,
                format!("end {end} is before start {}", m.start),
            ));
        }
    }
    Ok(())
}

/// One dose taken.
pub fn dose(d: &MedDose, today: Date) -> Check {
    med_name_and_kind(&d.name, &d.kind)?;
    dose_amount(d.dose, &d.unit, &d.name)?;
    date("date", d.date, today)
}

/// A food-log entry; `known_food` says whether a food id exists.
pub fn food(f: &FoodEntry, today: Date, known_food: &dyn Fn(&str) -> bool) -> Check {
    date("date", f.date, today)?;
    in_range("grams", f.grams, 0.0, 5000.0, "g")?;
    if f.grams == 0.0 {
        return Err(invalid(
            "grams",
            f.grams,
            "grams must be more than 0".into(),
        ));
    }
    if !known_food(&f.food_id) {
        return Err(invalid(
            "food_id",
            &f.food_id,
            format!(
                "unknown food {:?}; `vascalc food search WORDS` finds food ids",
                f.food_id
            ),
        ));
    }
    Ok(())
}

/// Checks a whole imported record; the message names the entry (`labs[3]: …`).
pub fn record(r: &PersonRecord, today: Date, known_food: &dyn Fn(&str) -> bool) -> Check {
    fn each<T>(list: &[T], name: &str, f: impl Fn(&T) -> Check) -> Check {
        list.iter()
            .enumerate()
            .try_for_each(|(i, x)| f(x).map_err(|e| e.within(&format!("{name}[{i}]"))))
    }
    person(&r.person, today).map_err(|e| e.within("person"))?;
    each(&r.scans, "scans", |x| scan(x, today))?;
    for (i, s) in r.scans.iter().enumerate() {
        if r.scans[..i].iter().any(|earlier| earlier.date == s.date) {
            return Err(AppError::invalid(
                format!("scans[{i}].date"),
                s.date,
                format!("scans[{i}]: a second scan on {}", s.date),
            ));
        }
    }
    each(&r.labs, "labs", |x| lab(x, today))?;
    each(&r.vitals, "vitals", |x| vitals(x, today))?;
    each(&r.activity, "activity", |x| activity(x, today))?;
    each(&r.smoking, "smoking", |x| smoking(x, today))?;
    each(&r.alcohol, "alcohol", |x| alcohol(x, today))?;
    each(&r.medications, "medications", |x| medication(x, today))?;
    each(&r.doses, "doses", |x| dose(x, today))?;
    each(&r.foods, "foods", |x| food(x, today, known_food))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 1, 1);

    fn med(dose: Option<f64>, unit: Option<&str>) -> Medication {
        Medication {
            name: "MK-7".into(),
            kind: "mk7".into(),
            dose,
            unit: unit.map(str::to_owned),
            start: date(2025, 1, 1),
            end: None,
        }
    }

    #[test]
    fn doses_must_be_positive_with_a_unit() {
        assert!(medication(&med(Some(180.0), Some("ug")), TODAY).is_ok());
        assert!(medication(&med(None, None), TODAY).is_ok());
        assert!(
            medication(&med(Some(-5.0), Some("mg")), TODAY)
                .unwrap_err()
                .to_string()
                .contains("positive")
        );
        assert!(medication(&med(Some(5.0), None), TODAY).is_err());
        assert!(medication(&med(Some(5.0), Some("spoons")), TODAY).is_err());
        // 180 mg of MK-7 typed as 180,000 µg is possible; 180 g as µg is not.
        assert!(medication(&med(Some(180_000.0), Some("ug")), TODAY).is_err());
    }

    #[test]
    fn single_doses_are_checked_like_courses() {
        let d = |dose: f64, unit: &str, on: Date| MedDose {
            date: on,
            name: "magnesium citrate".into(),
            kind: "magnesium".into(),
            dose,
            unit: unit.into(),
        };
        assert!(dose(&d(300.0, "mg", TODAY), TODAY).is_ok());
        assert!(
            dose(&d(-300.0, "mg", TODAY), TODAY)
                .unwrap_err()
                .to_string()
                .contains("positive")
        );
        assert!(
            dose(&d(300_000.0, "mg", TODAY), TODAY)
                .unwrap_err()
                .to_string()
                .contains("implausible")
        );
        assert!(
            dose(&d(300.0, "mg", date(2026, 1, 2)), TODAY)
                .unwrap_err()
                .to_string()
                .contains("future")
        );
        let mut unknown = d(300.0, "mg", TODAY);
        unknown.kind = "elixir".into();
        assert!(dose(&unknown, TODAY).is_err());
    }

    #[test]
    fn medication_names_map_to_kinds() {
        let med_kind_for =
            |name: &str| vascalc_program::medicines::lookup(name).map(|m| m.class.as_str());
        assert_eq!(med_kind_for("Atorvastatin"), Some("statin"));
        assert_eq!(med_kind_for("warfarin"), Some("vitamin_k_antagonist"));
        assert_eq!(med_kind_for("MK-7"), Some("mk7"));
        assert_eq!(med_kind_for("Coumadin 5 mg"), Some("vitamin_k_antagonist"));
        assert_eq!(med_kind_for("Lipitor"), Some("statin"));
        assert_eq!(med_kind_for("unobtainium"), None);
        // Old rows keep loading: `other` and `antihypertensive` are kinds, and so is `unknown`.
        for k in [
            "other",
            "antihypertensive",
            "unknown",
            "vitamin_k_antagonist",
        ] {
            assert!(med_kinds().any(|x| x == k), "{k}");
        }
        assert_eq!(med_kinds().next(), Some("vitamin_k_antagonist"));
    }

    #[test]
    fn blood_pressure_must_make_sense() {
        let v = |s, d| Vitals {
            date: TODAY,
            systolic_mm_hg: s,
            diastolic_mm_hg: d,
            weight_kg: None,
            waist_cm: None,
        };
        assert!(vitals(&v(Some(128.0), Some(82.0)), TODAY).is_ok());
        assert!(vitals(&v(Some(82.0), Some(128.0)), TODAY).is_err());
        assert!(vitals(&v(Some(128.0), None), TODAY).is_err());
        assert!(vitals(&v(None, None), TODAY).is_err());
    }

    /// Issue 15: a body measure given in lb or in is refused in lb or in, the range converted
    /// with vascalc-domain's table (20–350 kg = 44.1–771.6 lb, 40–250 cm = 15.8–98.4 in), and
    /// in kg or cm when given so.
    #[test]
    fn body_measures_are_refused_in_the_unit_given() {
        let lb = |x: f64| BodyMeasure::Weight.to_stored(x, "lb");
        let v = |weight_kg, waist_cm| Vitals {
            date: TODAY,
            systolic_mm_hg: None,
            diastolic_mm_hg: None,
            weight_kg,
            waist_cm,
        };
        let us = BodyUnits::all(Units::Us);
        let e = vitals_in(&v(lb(900.0), None), TODAY, us).unwrap_err();
        assert_eq!(e.to_string(), "weight 900 lb is outside 44.1–771.6 lb");
        assert_eq!(e.field(), Some("weight_kg"));
        let e = vitals(&v(lb(900.0), None), TODAY).unwrap_err();
        assert!(e.to_string().starts_with("weight 408.23"), "{e}");
        assert!(e.to_string().ends_with(" kg is outside 20–350 kg"), "{e}");
        assert!(vitals_in(&v(lb(180.0), None), TODAY, us).is_ok());
        let e = vitals_in(&v(None, Some(300.0 * 2.54)), TODAY, us).unwrap_err();
        assert_eq!(e.to_string(), "waist 300 in is outside 15.8–98.4 in");
        assert_eq!(e.field(), Some("waist_cm"));
        let e = vitals_in(&v(lb(-5.0), None), TODAY, us).unwrap_err();
        assert_eq!(e.to_string(), "weight -5 lb is negative");
        // Only the weight given in lb: the waist speaks cm.
        let weight_lb = BodyUnits {
            weight: Some(Units::Us),
            ..BodyUnits::default()
        };
        let e = vitals_in(&v(lb(180.0), Some(300.0)), TODAY, weight_lb).unwrap_err();
        assert_eq!(e.to_string(), "waist 300 cm is outside 40–250 cm");
        let mut p = Person::named("a");
        p.height_cm = Some(110.0 * 2.54);
        let e = person_in(&p, TODAY, us).unwrap_err();
        assert_eq!(e.to_string(), "height 110 in is outside 19.7–98.4 in");
        assert_eq!(e.field(), Some("height_cm"));
    }

    #[test]
    fn food_entries_need_a_known_food_and_positive_grams() {
        let f = |id: &str, grams| FoodEntry {
            date: TODAY,
            food_id: id.into(),
            grams,
            portion: None,
        };
        let known = |id: &str| id == "sr28:1";
        assert!(food(&f("sr28:1", 100.0), TODAY, &known).is_ok());
        assert!(
            food(&f("sr28:2", 100.0), TODAY, &known)
                .unwrap_err()
                .to_string()
                .contains("unknown food")
        );
        assert!(
            food(&f("sr28:1", -1.0), TODAY, &known)
                .unwrap_err()
                .to_string()
                .contains("negative")
        );
        assert!(food(&f("sr28:1", 0.0), TODAY, &known).is_err());
    }
}
