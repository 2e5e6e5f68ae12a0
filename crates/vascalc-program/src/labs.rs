//! Laboratory analytes the plan reads, their LOINC codes and unit conversions.
//!
//! Results arrive as [`LabResult`](crate::LabResult) with a LOINC code and a unit as written on
//! the report; [`normalise`] maps them to an [`Analyte`] in its canonical (US conventional)
//! unit. The conversions are defined here once ([`factor`], [`Analyte::other_units`]) and the
//! `vascalc` binary converts `vascalc lab add` input with them too. Factors follow from molar
//! masses (see each constant); HbA1c uses the IFCC–NGSP master equation (NGSP % = 0.09148 × IFCC
//! mmol/mol + 2.152; Hoelzel et al., Clin Chem 2004, DOI 10.1373/clinchem.2003.024802). dp-ucMGP
//! and T50 have no LOINC code; vascalc uses the local codes `vascalc:dp-ucmgp` and `vascalc:t50`.

use crate::LabResult;
use serde::{Deserialize, Serialize};

/// What a lab result measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Analyte {
    TotalCholesterol,
    Hdl,
    Ldl,
    Triglycerides,
    Creatinine,
    Egfr,
    Calcium,
    Phosphate,
    Magnesium,
    Pth,
    Vitamin25OhD,
    Hba1c,
    Glucose,
    Uacr,
    DpUcMgp,
    T50,
}

/// A lab result that the plan could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabError {
    #[error("LOINC code {0:?} is not one vascalc reads (see `Analyte::loinc_codes`)")]
    UnknownCode(String),
    #[error("unit {unit:?} is not understood for {analyte} (use {canonical})")]
    UnknownUnit {
        analyte: &'static str,
        unit: String,
        canonical: &'static str,
    },
    #[error("value {0} is not a finite, non-negative number")]
    BadValue(String),
}

impl Analyte {
    /// Every analyte.
    pub const ALL: [Analyte; 16] = [
        Analyte::TotalCholesterol,
        Analyte::Hdl,
        Analyte::Ldl,
        Analyte::Triglycerides,
        Analyte::Creatinine,
        Analyte::Egfr,
        Analyte::Calcium,
        Analyte::Phosphate,
        Analyte::Magnesium,
        Analyte::Pth,
        Analyte::Vitamin25OhD,
        Analyte::Hba1c,
        Analyte::Glucose,
        Analyte::Uacr,
        Analyte::DpUcMgp,
        Analyte::T50,
    ];

    /// A short human name.
    pub fn name(self) -> &'static str {
        match self {
            Analyte::TotalCholesterol => "total cholesterol",
            Analyte::Hdl => "HDL cholesterol",
            Analyte::Ldl => "LDL cholesterol",
            Analyte::Triglycerides => "triglycerides",
            Analyte::Creatinine => "creatinine",
            Analyte::Egfr => "eGFR",
            Analyte::Calcium => "calcium",
            Analyte::Phosphate => "phosphate",
            Analyte::Magnesium => "magnesium",
            Analyte::Pth => "PTH",
            Analyte::Vitamin25OhD => "25-OH vitamin D",
            Analyte::Hba1c => "HbA1c",
            Analyte::Glucose => "glucose",
            Analyte::Uacr => "urine albumin/creatinine",
            Analyte::DpUcMgp => "dp-ucMGP",
            Analyte::T50 => "calcification propensity T50",
        }
    }

    /// The unit every value is converted to.
    pub fn canonical_unit(self) -> &'static str {
        match self {
            Analyte::TotalCholesterol
            | Analyte::Hdl
            | Analyte::Ldl
            | Analyte::Triglycerides
            | Analyte::Creatinine
            | Analyte::Calcium
            | Analyte::Phosphate
            | Analyte::Magnesium
            | Analyte::Glucose => "mg/dL",
            Analyte::Egfr => "mL/min/1.73m2",
            Analyte::Pth => "pg/mL",
            Analyte::Vitamin25OhD => "ng/mL",
            Analyte::Hba1c => "%",
            Analyte::Uacr => "mg/g",
            Analyte::DpUcMgp => "pmol/L",
            Analyte::T50 => "min",
        }
    }

    /// The code vascalc writes for this analyte: the first of [`Analyte::loinc_codes`].
    pub fn loinc(self) -> &'static str {
        match self.loinc_codes() {
            [first, ..] => first,
            [] => unreachable!("every analyte lists at least one code (tested)"),
        }
    }

    /// The codes read for this analyte; the first is the one vascalc writes.
    pub fn loinc_codes(self) -> &'static [&'static str] {
        match self {
            Analyte::TotalCholesterol => &["2093-3", "14647-2"],
            Analyte::Hdl => &["2085-9", "14646-4"],
            Analyte::Ldl => &["13457-7", "18262-6", "2089-1", "22748-8", "39469-2"],
            Analyte::Triglycerides => &["2571-8", "14927-8"],
            Analyte::Creatinine => &["2160-0", "14682-9", "38483-4"],
            Analyte::Egfr => &["98979-8", "98980-6", "62238-1", "33914-3"],
            Analyte::Calcium => &["17861-6", "2000-8"],
            Analyte::Phosphate => &["2777-1", "14879-1"],
            Analyte::Magnesium => &["19123-9", "2601-3"],
            Analyte::Pth => &["2731-8", "14866-8"],
            Analyte::Vitamin25OhD => &["62292-8", "1989-3", "14635-7"],
            Analyte::Hba1c => &["4548-4", "17856-6", "59261-8"],
            Analyte::Glucose => &["2345-7", "1558-6", "2339-0", "14749-6", "14771-0"],
            Analyte::Uacr => &["9318-7", "14959-1", "32294-1"],
            Analyte::DpUcMgp => &["vascalc:dp-ucmgp"],
            Analyte::T50 => &["vascalc:t50"],
        }
    }

    /// The analyte a code stands for.
    pub fn from_loinc(code: &str) -> Option<Analyte> {
        let code = code.trim();
        Analyte::ALL
            .into_iter()
            .find(|a| a.loinc_codes().iter().any(|c| c.eq_ignore_ascii_case(code)))
    }

    /// Units accepted besides the canonical one, as written for people, with the conversion to
    /// the canonical unit.
    pub fn other_units(self) -> &'static [(&'static str, Conversion)] {
        use Analyte::*;
        use Conversion::{Factor, IfccToNgsp};
        use factor::*;
        match self {
            TotalCholesterol | Hdl | Ldl => &[("mmol/L", Factor(CHOLESTEROL))],
            Triglycerides => &[("mmol/L", Factor(TRIGLYCERIDES))],
            Creatinine => &[("µmol/L", Factor(1.0 / CREATININE_UMOL))],
            Egfr => &[("mL/min/{1.73_m2}", Factor(1.0))],
            Calcium => &[("mmol/L", Factor(CALCIUM))],
            Phosphate => &[("mmol/L", Factor(PHOSPHORUS))],
            Magnesium => &[
                ("mmol/L", Factor(MAGNESIUM)),
                ("mEq/L", Factor(MAGNESIUM / 2.0)),
            ],
            Pth => &[("pmol/L", Factor(PTH)), ("ng/L", Factor(1.0))],
            Vitamin25OhD => &[
                ("nmol/L", Factor(1.0 / VITAMIN_D_25OH_NMOL)),
                ("µg/L", Factor(1.0)),
            ],
            Hba1c => &[("mmol/mol", IfccToNgsp)],
            Glucose => &[("mmol/L", Factor(GLUCOSE))],
            Uacr => &[("mg/mmol", Factor(UACR)), ("µg/mg", Factor(1.0))],
            DpUcMgp => &[],
            T50 => &[("minutes", Factor(1.0))],
        }
    }

    /// `value` in `unit` converted to the canonical unit; `None` when the unit is not one of
    /// the canonical unit and [`Analyte::other_units`] (compared without case, spaces, or the
    /// µ/u difference).
    pub fn to_canonical(self, value: f64, unit: &str) -> Option<f64> {
        let key = unit_key(unit);
        if key == unit_key(self.canonical_unit()) {
            return Some(value);
        }
        self.other_units()
            .iter()
            .find(|(u, _)| unit_key(u) == key)
            .map(|(_, c)| c.apply(value))
    }
}

/// Conversion factors to the canonical (US conventional) unit: canonical = SI value × factor.
/// Each follows from the molar mass named.
pub mod factor {
    /// mg/dL per mmol/L of cholesterol (386.65 g/mol).
    pub const CHOLESTEROL: f64 = 38.67;
    /// mg/dL per mmol/L of triglycerides, as triolein (885.7 g/mol).
    pub const TRIGLYCERIDES: f64 = 88.57;
    /// µmol/L per mg/dL of creatinine (113.12 g/mol: 10 000 / 113.12 = 88.40).
    pub const CREATININE_UMOL: f64 = 88.4;
    /// mg/dL per mmol/L of calcium (40.08 g/mol).
    pub const CALCIUM: f64 = 4.008;
    /// mg/dL per mmol/L of phosphate, as phosphorus (30.97 g/mol).
    pub const PHOSPHORUS: f64 = 3.097;
    /// mg/dL per mmol/L of magnesium (24.305 g/mol); one mmol is two mEq.
    pub const MAGNESIUM: f64 = 2.4305;
    /// pg/mL per pmol/L of intact PTH (PTH 1-84, 9425 g/mol).
    pub const PTH: f64 = 9.425;
    /// nmol/L per ng/mL of 25-hydroxyvitamin D3 (400.64 g/mol: 1000 / 400.64 = 2.496).
    pub const VITAMIN_D_25OH_NMOL: f64 = 2.496;
    /// mg/dL per mmol/L of glucose (180.16 g/mol).
    pub const GLUCOSE: f64 = 18.016;
    /// mg/g per mg/mmol of urine albumin/creatinine (creatinine 113.12 g/mol: 1000 / 113.12).
    pub const UACR: f64 = 8.84;
}

/// How a value in an accepted unit becomes the canonical unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Conversion {
    /// canonical = value × factor.
    Factor(f64),
    /// IFCC mmol/mol → NGSP % by the NGSP master equation (vascalc-clinical's
    /// `hba1c_pct_from_mmol_mol`, the one conversion the profile uses too).
    IfccToNgsp,
}

impl Conversion {
    pub fn apply(self, value: f64) -> f64 {
        match self {
            Conversion::Factor(f) => value * f,
            Conversion::IfccToNgsp => vascalc_clinical::profile::hba1c_pct_from_mmol_mol(value),
        }
    }
}

/// Units compare without case, spaces, or the µ/μ/u difference; `1.73m²` is `1.73m2`.
fn unit_key(unit: &str) -> String {
    unit.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == 'µ' || c == 'μ' { 'u' } else { c })
        .collect::<String>()
        .to_lowercase()
        .replace("1.73m²", "1.73m2")
}

/// The analyte and the value in its canonical unit.
pub fn normalise(lab: &LabResult) -> Result<(Analyte, f64), LabError> {
    let analyte =
        Analyte::from_loinc(&lab.loinc).ok_or_else(|| LabError::UnknownCode(lab.loinc.clone()))?;
    if !lab.value.is_finite() || lab.value < 0.0 {
        return Err(LabError::BadValue(lab.value.to_string()));
    }
    let value =
        analyte
            .to_canonical(lab.value, &lab.unit)
            .ok_or_else(|| LabError::UnknownUnit {
                analyte: analyte.name(),
                unit: lab.unit.clone(),
                canonical: analyte.canonical_unit(),
            })?;
    Ok((analyte, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(code: &str, value: f64, unit: &str) -> LabResult {
        LabResult {
            loinc: code.into(),
            value,
            unit: unit.into(),
            date: crate::date::from_ymd(2024, 1, 1).unwrap(),
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for a in Analyte::ALL {
            assert!(!a.loinc_codes().is_empty(), "{a:?} has no code");
            for c in a.loinc_codes() {
                assert!(seen.insert(*c), "{c} listed twice");
            }
        }
    }

    #[test]
    fn si_units_convert() {
        // Creatinine 88.4 µmol/L = 1 mg/dL; 25-OH D 50 nmol/L ≈ 20 ng/mL; IFCC 53 mmol/mol ≈ 7.0 %;
        // PTH 10 pmol/L = 94.25 pg/mL (9425 g/mol); 1 mmol/L Mg = 2 mEq/L = 2.43 mg/dL.
        let (a, v) = normalise(&lab("14682-9", 88.4, "µmol/L")).unwrap();
        assert_eq!(a, Analyte::Creatinine);
        assert!((v - 1.0).abs() < 1e-9);
        let (_, v) = normalise(&lab("62292-8", 50.0, "nmol/L")).unwrap();
        assert!((v - 20.03).abs() < 0.01);
        let (_, v) = normalise(&lab("59261-8", 53.0, "mmol/mol")).unwrap();
        assert!((v - 7.0).abs() < 0.05, "{v}");
        let (_, v) = normalise(&lab("2777-1", 1.5, "mmol/L")).unwrap();
        assert!((v - 4.65).abs() < 0.01);
        let (_, v) = normalise(&lab("2731-8", 10.0, "pmol/L")).unwrap();
        assert!((v - 94.25).abs() < 1e-9);
        let (_, v) = normalise(&lab("19123-9", 2.0, "mEq/L")).unwrap();
        assert!((v - 2.4305).abs() < 1e-9);
        let (_, v) = normalise(&lab("2160-0", 88.4, "umol/l")).unwrap();
        assert!((v - 1.0).abs() < 1e-12);
    }

    /// The factors agree with the molar masses they are derived from (IUPAC atomic weights;
    /// cholesterol C27H46O, creatinine C4H7N3O, intact PTH 9425 Da, 25-OH D3 C27H44O2).
    #[test]
    fn factors_follow_from_molar_masses() {
        let close = |a: f64, b: f64, rel: f64| assert!(((a - b) / b).abs() < rel, "{a} vs {b}");
        close(factor::CHOLESTEROL, 386.65 / 10.0, 1e-3);
        close(factor::CREATININE_UMOL, 10_000.0 / 113.12, 1e-3);
        close(factor::CALCIUM, 40.078 / 10.0, 1e-3);
        close(factor::PHOSPHORUS, 30.974 / 10.0, 1e-3);
        close(factor::MAGNESIUM, 24.305 / 10.0, 1e-3);
        close(factor::GLUCOSE, 180.156 / 10.0, 1e-3);
        close(factor::PTH, 9425.0 / 1000.0, 1e-9);
        close(factor::VITAMIN_D_25OH_NMOL, 1000.0 / 400.64, 1e-3);
        close(factor::UACR, 1000.0 / 113.12, 1e-3);
    }

    #[test]
    fn unknown_code_unit_and_value_are_errors() {
        assert!(matches!(
            normalise(&lab("0000-0", 1.0, "mg/dL")),
            Err(LabError::UnknownCode(_))
        ));
        assert!(matches!(
            normalise(&lab("2160-0", 1.0, "furlongs")),
            Err(LabError::UnknownUnit { .. })
        ));
        assert!(matches!(
            normalise(&lab("2160-0", f64::NAN, "mg/dL")),
            Err(LabError::BadValue(_))
        ));
        assert!(matches!(
            normalise(&lab("2160-0", -1.0, "mg/dL")),
            Err(LabError::BadValue(_))
        ));
    }
}
