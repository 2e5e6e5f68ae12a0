//! The lab analytes the record knows: vascalc-domain's one analyte table (LOINC code, the unit
//! each is stored in, the other units accepted with their conversions, the plausible range and
//! the names people type), which the plan and the clinical profile read too, so that a value
//! the record keeps is one they use (vascalc-program re-exports it). This module adds the
//! record's messages.

use vascalc_program::labs::Analyte as Domain;

use vascalc_record::{Lab, Units};

use crate::error::{AppError, AppResult};

/// A stored lab result as a person sees it: the value and its unit. The rule (docs/record.md,
/// "Units"): a person who chose units reads every result in them (`Units::Si`: the analyte's
/// SI unit, [`vascalc_domain::Analyte::si_unit`]; `Units::Us`: the stored unit); a person who
/// did not choose reads each result in the unit it was given in (`Lab::entered_unit`), else
/// as stored (the rule is vascalc-domain's `Analyte::shown_unit`). An analyte this vascalc
/// does not know stays as stored.
pub fn shown(lab: &Lab, units: Option<Units>) -> (f64, &str) {
    match find(&lab.analyte) {
        Some(a) => a
            .program
            .shown(lab.value, units, lab.entered_unit.as_deref()),
        None => (lab.value, lab.unit.as_str()),
    }
}

/// One analyte the record can hold: the analyte table's entry, with its fields at hand.
#[derive(Debug, Clone, Copy)]
pub struct Analyte {
    /// The id used on the command line and in the record.
    pub id: &'static str,
    pub name: &'static str,
    /// The analyte in the table: the stored unit, the LOINC code and the conversions are its.
    program: Domain,
    /// Plausible range in the stored unit (inclusive).
    pub plausible: (f64, f64),
}

const fn entry(a: Domain) -> Analyte {
    Analyte {
        id: a.id(),
        name: a.description(),
        program: a,
        plausible: a.plausible(),
    }
}

/// Every analyte, in the table's order.
pub static ANALYTES: [Analyte; Domain::ALL.len()] = {
    let mut out = [entry(Domain::ALL[0]); Domain::ALL.len()];
    let mut i = 1;
    while i < out.len() {
        out[i] = entry(Domain::ALL[i]);
        i += 1;
    }
    out
};

/// Finds an analyte by id, alias or LOINC code (case-insensitive).
pub fn find(name: &str) -> Option<&'static Analyte> {
    let found = Domain::find(name)?;
    ANALYTES.iter().find(|a| a.program == found)
}

impl Analyte {
    /// The unit values are stored in (the table's canonical unit).
    pub fn unit(&self) -> &'static str {
        self.program.canonical_unit()
    }

    /// The LOINC (or local) code the record writes: the table's first, the one vascalc-program
    /// writes too.
    pub fn loinc(&self) -> &'static str {
        self.program.loinc()
    }

    /// The unit a result is shown in to a person who reads `units`, when it was given in
    /// `entered` (vascalc-domain's `Analyte::shown_unit`).
    pub fn shown_unit(&self, units: Option<Units>, entered: Option<&str>) -> &'static str {
        self.program.shown_unit(units, entered)
    }

    /// The table's spelling of an accepted `unit` (`mmol/l` → `mmol/L`); `None` for a unit
    /// not accepted.
    pub fn unit_spelling(&self, unit: &str) -> Option<&'static str> {
        self.program.unit_spelling(unit)
    }

    /// What a lab result keeps as the unit its value was given in: the table's spelling of
    /// `unit`, or `None` when it is the stored unit (or not accepted).
    pub fn entered_unit(&self, unit: &str) -> Option<String> {
        self.unit_spelling(unit)
            .filter(|u| *u != self.unit())
            .map(str::to_owned)
    }

    /// The units accepted on input, stored unit first.
    pub fn units(&self) -> Vec<&'static str> {
        std::iter::once(self.unit())
            .chain(self.program.other_units().iter().map(|(u, _)| *u))
            .collect()
    }

    /// Converts `value` in `unit` to the stored unit and checks it is plausible.
    pub fn to_stored(self, value: f64, unit: &str) -> AppResult<f64> {
        if !value.is_finite() {
            return Err(AppError::invalid(
                "value",
                value,
                format!("{}: {value} is not a number", self.id),
            ));
        }
        let Some(stored) = self.program.to_canonical(value, unit) else {
            return Err(AppError::invalid(
                "unit",
                unit,
                format!(
                    "{}: unit {unit:?} is not one vascalc knows for {}; use one of {}",
                    self.id,
                    self.name,
                    self.units().join(", ")
                ),
            ));
        };
        match self.implausible(stored) {
            None => Ok(stored),
            Some(msg) => Err(AppError::invalid(
                "value",
                format!("{value} {unit}"),
                self.hint(value, unit, msg),
            )),
        }
    }

    /// Adds to `msg` the unit in which `value` would have been plausible.
    fn hint(&self, value: f64, unit: &str, mut msg: String) -> String {
        // A value typed in the other unit is the usual mistake: say which unit fits.
        if let Some(fits) = self.units().into_iter().find(|u| {
            self.program.to_canonical(1.0, u) != self.program.to_canonical(1.0, unit)
                && self
                    .program
                    .to_canonical(value, u)
                    .is_some_and(|v| self.implausible(v).is_none())
        }) {
            msg.push_str(&format!("; did you mean {value} {fits}?"));
        }
        msg
    }

    /// Checks a value in the stored unit.
    pub fn check(&self, stored: f64) -> AppResult<()> {
        match self.implausible(stored) {
            None => Ok(()),
            Some(reason) => Err(AppError::invalid("value", stored, reason)),
        }
    }

    /// Why a value in the stored unit is not plausible (None when it is).
    fn implausible(&self, stored: f64) -> Option<String> {
        let (lo, hi) = self.plausible;
        if self.program.is_plausible(stored) {
            None
        } else {
            Some(format!(
                "{} {} {} is outside the plausible range {lo}–{hi} {}",
                self.name,
                round(stored),
                self.unit(),
                self.unit()
            ))
        }
    }
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_shown_in_the_units_a_person_reads() {
        let lab = |analyte: &str, value: f64, unit: &str| Lab {
            date: jiff::civil::date(2026, 1, 1),
            analyte: analyte.into(),
            loinc: None,
            value,
            unit: unit.into(),
            entered_unit: None,
        };
        // 3.1 mmol/L LDL is stored as 119.877 mg/dL and shown as 3.1 mmol/L again.
        let ldl = lab(
            "ldl",
            find("ldl").unwrap().to_stored(3.1, "mmol/L").unwrap(),
            "mg/dL",
        );
        let (v, u) = shown(&ldl, Some(Units::Si));
        assert!((v - 3.1).abs() < 1e-12 && u == "mmol/L", "{v} {u}");
        assert_eq!(shown(&ldl, Some(Units::Us)), (ldl.value, "mg/dL"));
        assert_eq!(shown(&ldl, None), (ldl.value, "mg/dL"));
        // Creatinine 1.0 mg/dL is 88.4 µmol/L; eGFR has one unit.
        let creatinine = lab("creatinine", 1.0, "mg/dL");
        let (v, u) = shown(&creatinine, Some(Units::Si));
        assert!((v - 88.4).abs() < 1e-9 && u == "µmol/L", "{v} {u}");
        let egfr = lab("egfr", 75.0, "mL/min/1.73m2");
        assert_eq!(shown(&egfr, Some(Units::Si)), (75.0, "mL/min/1.73m2"));
    }

    /// Issue 15: "labs entered in mmol/L are shown in mmol/L". Without a preference a result
    /// is shown in the unit it was given in; a preference, when set, decides for every result.
    #[test]
    fn a_result_is_shown_in_the_unit_it_was_given_in_unless_the_person_chose_units() {
        let ldl = find("ldl").unwrap();
        let entered = Lab {
            date: jiff::civil::date(2026, 1, 1),
            analyte: "ldl".into(),
            loinc: Some(ldl.loinc().into()),
            value: ldl.to_stored(3.1, "mmol/l").unwrap(),
            unit: "mg/dL".into(),
            entered_unit: ldl.entered_unit("mmol/l"),
        };
        assert_eq!(entered.entered_unit.as_deref(), Some("mmol/L"));
        let (v, u) = shown(&entered, None);
        assert!((v - 3.1).abs() < 1e-12 && u == "mmol/L", "{v} {u}");
        let (v, u) = shown(&entered, Some(Units::Si));
        assert!((v - 3.1).abs() < 1e-12 && u == "mmol/L", "{v} {u}");
        assert_eq!(shown(&entered, Some(Units::Us)), (entered.value, "mg/dL"));
        // Magnesium given in mEq/L: shown in mEq/L without a preference, in mmol/L (its SI
        // unit) with SI.
        let mg = find("magnesium").unwrap();
        let lab = Lab {
            analyte: "magnesium".into(),
            value: mg.to_stored(1.6, "mEq/L").unwrap(),
            entered_unit: mg.entered_unit("meq/l"),
            ..entered.clone()
        };
        let (v, u) = shown(&lab, None);
        assert!((v - 1.6).abs() < 1e-12 && u == "mEq/L", "{v} {u}");
        let (v, u) = shown(&lab, Some(Units::Si));
        assert!((v - 0.8).abs() < 1e-12 && u == "mmol/L", "{v} {u}");
        // A value given in the stored unit keeps no entered unit.
        assert_eq!(ldl.entered_unit("MG/DL"), None);
        assert_eq!(ldl.entered_unit("furlongs"), None);
    }

    #[test]
    fn finds_by_id_alias_and_loinc() {
        assert_eq!(find("LDL").unwrap().id, "ldl");
        assert_eq!(find("a1c").unwrap().id, "hba1c");
        assert_eq!(find("98979-8").unwrap().id, "egfr");
        assert!(find("sodium").is_none());
    }

    /// Issue 15: the record took LDL 8 mg/dL (5–800) and the clinical profile refused it
    /// (10–900). Both now read the analyte table's range (vascalc-domain, LDL_RANGE_SOURCE).
    #[test]
    fn the_record_and_the_profile_share_the_range() {
        for a in &ANALYTES {
            assert_eq!(a.plausible, a.program.plausible(), "{}", a.id);
        }
        assert!(find("ldl").unwrap().to_stored(8.0, "mg/dL").is_ok());
    }

    #[test]
    fn conversions_match_published_equivalents() {
        // 5.0 mmol/L total cholesterol ≈ 193 mg/dL; 1.0 mmol/L triglycerides ≈ 88.6 mg/dL;
        // 88.4 µmol/L creatinine = 1.00 mg/dL (vascalc-program's factor, 113.12 g/mol); 75 nmol/L 25-OH D ≈ 30 ng/mL;
        // IFCC 48 mmol/mol = NGSP 6.5 % (the diabetes threshold in both units).
        let close = |a: f64, b: f64, tol: f64| assert!((a - b).abs() < tol, "{a} vs {b}");
        close(
            find("tc").unwrap().to_stored(5.0, "mmol/L").unwrap(),
            193.35,
            0.01,
        );
        close(
            find("tg").unwrap().to_stored(1.0, "mmol/l").unwrap(),
            88.57,
            0.01,
        );
        close(
            find("creatinine")
                .unwrap()
                .to_stored(88.4, "µmol/L")
                .unwrap(),
            1.0,
            1e-9,
        );
        close(
            find("vitamin_d")
                .unwrap()
                .to_stored(75.0, "nmol/L")
                .unwrap(),
            30.05,
            0.01,
        );
        close(
            find("hba1c").unwrap().to_stored(48.0, "mmol/mol").unwrap(),
            6.54,
            0.01,
        );
        close(
            find("uacr").unwrap().to_stored(3.0, "mg/mmol").unwrap(),
            26.5,
            0.1,
        );
    }

    /// The record stores each analyte in vascalc-program's canonical unit under the code it
    /// writes first, so the plan reads the stored values without converting them again.
    #[test]
    fn stored_units_and_codes_are_the_programs() {
        for a in ANALYTES {
            assert_eq!(a.program.to_canonical(1.0, a.unit()), Some(1.0), "{}", a.id);
            assert_eq!(
                Some(&a.loinc()),
                a.program.loinc_codes().first(),
                "{}",
                a.id
            );
        }
        // PTH in pmol/L converts with the library's factor (intact PTH 9425 g/mol).
        let pth = find("pth").unwrap().to_stored(10.0, "pmol/L").unwrap();
        assert!((pth - 10.0 * vascalc_program::labs::factor::PTH).abs() < 1e-12);
    }

    #[test]
    fn a_value_in_the_wrong_unit_is_refused_with_a_hint() {
        let err = find("ldl").unwrap().to_stored(3.1, "mg/dL").unwrap_err();
        assert_eq!(err.field(), Some("value"));
        let err = err.to_string();
        assert!(err.contains("did you mean 3.1 mmol/L"), "{err}");
        let err = find("ldl").unwrap().to_stored(3.1, "furlongs").unwrap_err();
        assert_eq!(err.field(), Some("unit"));
        let err = err.to_string();
        assert!(err.contains("mg/dL, mmol/L"), "{err}");
        assert!(find("ldl").unwrap().to_stored(f64::NAN, "mg/dL").is_err());
    }
}
