//! Laboratory analytes the plan reads, their LOINC codes and unit conversions.
//!
//! Results arrive as [`LabResult`](crate::LabResult) with a LOINC code and a unit as written on
//! the report; [`normalise`] maps them to an [`Analyte`] in its canonical (US conventional)
//! unit. Conversion factors are the standard molar-mass factors (e.g. creatinine 88.4 µmol/L per
//! mg/dL, phosphate 0.3229 mmol/L per mg/dL); HbA1c uses the IFCC–NGSP master equation
//! (NGSP % = 0.09148 × IFCC mmol/mol + 2.152; Hoelzel et al., Clin Chem 2004,
//! DOI 10.1373/clinchem.2003.024802). dp-ucMGP and T50 have no LOINC code; vascalc uses the local
//! codes `vascalc:dp-ucmgp` and `vascalc:t50`.

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

    /// Factor from `unit` to the canonical unit (value × factor), or `None` if not understood.
    /// HbA1c in mmol/mol is not a factor and is handled in [`normalise`].
    fn factor(self, unit: &str) -> Option<f64> {
        let u: String = unit
            .trim()
            .to_lowercase()
            .replace('μ', "µ")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let u = u.as_str();
        let canonical = self.canonical_unit().to_lowercase();
        if u == canonical {
            return Some(1.0);
        }
        use Analyte::*;
        Some(match (self, u) {
            (TotalCholesterol | Hdl | Ldl, "mmol/l") => 38.67,
            (Triglycerides, "mmol/l") => 88.57,
            (Creatinine, "µmol/l" | "umol/l") => 1.0 / 88.4,
            (Egfr, "ml/min/1.73m²" | "ml/min/{1.73_m2}" | "ml/min") => 1.0,
            (Calcium, "mmol/l") => 4.008,
            (Phosphate, "mmol/l") => 3.097,
            (Magnesium, "mmol/l") => 2.431,
            (Magnesium, "meq/l") => 2.431 / 2.0,
            (Pth, "pmol/l") => 9.43,
            (Pth, "ng/l") => 1.0,
            (Vitamin25OhD, "nmol/l") => 1.0 / 2.496,
            (Vitamin25OhD, "µg/l" | "ug/l") => 1.0,
            (Glucose, "mmol/l") => 18.016,
            (Uacr, "mg/mmol") => 8.84,
            (Uacr, "µg/mg" | "ug/mg") => 1.0,
            (T50, "minutes" | "minute") => 1.0,
            _ => return None,
        })
    }
}

/// The analyte and the value in its canonical unit.
pub fn normalise(lab: &LabResult) -> Result<(Analyte, f64), LabError> {
    let analyte =
        Analyte::from_loinc(&lab.loinc).ok_or_else(|| LabError::UnknownCode(lab.loinc.clone()))?;
    if !lab.value.is_finite() || lab.value < 0.0 {
        return Err(LabError::BadValue(lab.value.to_string()));
    }
    let unit = lab.unit.trim().to_lowercase();
    if analyte == Analyte::Hba1c && unit == "mmol/mol" {
        return Ok((analyte, 0.09148 * lab.value + 2.152));
    }
    let factor = analyte
        .factor(&lab.unit)
        .ok_or_else(|| LabError::UnknownUnit {
            analyte: analyte.name(),
            unit: lab.unit.clone(),
            canonical: analyte.canonical_unit(),
        })?;
    Ok((analyte, lab.value * factor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Date;

    fn lab(code: &str, value: f64, unit: &str) -> LabResult {
        LabResult {
            loinc: code.into(),
            value,
            unit: unit.into(),
            date: Date::from_ymd(2024, 1, 1).unwrap(),
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for a in Analyte::ALL {
            for c in a.loinc_codes() {
                assert!(seen.insert(*c), "{c} listed twice");
            }
        }
    }

    #[test]
    fn si_units_convert() {
        // Creatinine 88.4 µmol/L = 1 mg/dL; 25-OH D 50 nmol/L ≈ 20 ng/mL; IFCC 53 mmol/mol ≈ 7.0 %.
        let (a, v) = normalise(&lab("14682-9", 88.4, "µmol/L")).unwrap();
        assert_eq!(a, Analyte::Creatinine);
        assert!((v - 1.0).abs() < 1e-9);
        let (_, v) = normalise(&lab("62292-8", 50.0, "nmol/L")).unwrap();
        assert!((v - 20.03).abs() < 0.01);
        let (_, v) = normalise(&lab("59261-8", 53.0, "mmol/mol")).unwrap();
        assert!((v - 7.0).abs() < 0.05, "{v}");
        let (_, v) = normalise(&lab("2777-1", 1.5, "mmol/L")).unwrap();
        assert!((v - 4.65).abs() < 0.01);
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
