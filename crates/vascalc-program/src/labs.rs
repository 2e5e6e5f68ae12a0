//! Laboratory analytes the plan reads, their LOINC codes and unit conversions.
//!
//! Results arrive as [`LabResult`] with a LOINC code and a unit as written on
//! the report; [`normalise`] maps them to an [`Analyte`] in its canonical (US conventional)
//! unit. The analytes, codes and conversions are vascalc-domain's one analyte table
//! ([`factor`], [`Analyte::other_units`]); the `vascalc` binary converts `vascalc lab add`
//! input with them too.

use crate::LabResult;

pub use vascalc_domain::analyte::{Analyte, Conversion, factor};

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
            entered_unit: None,
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
