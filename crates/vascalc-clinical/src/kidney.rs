//! Kidney function: eGFR by the race-free CKD-EPI 2021 equations, KDIGO G and A stages, and the
//! pointer to medial calcification.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;

use crate::profile::Sex;

pub const CKD_EPI_2021_SOURCE: &str = "Inker LA et al. New Creatinine- and Cystatin C-Based Equations \
to Estimate GFR without Race, N Engl J Med 2021;385:1737-1749, doi:10.1056/NEJMoa2102953";
pub const CKD_EPI_2012_CYS_SOURCE: &str = "Inker LA et al. Estimating Glomerular Filtration Rate \
from Serum Creatinine and Cystatin C, N Engl J Med 2012;367:20-29, doi:10.1056/NEJMoa1114248 \
(CKD-EPI 2012 cystatin C equation, race-free; kept unchanged by the 2021 NKF-ASN \
recommendations)";
pub const KDIGO_SOURCE: &str = "KDIGO 2024 Clinical Practice Guideline for the Evaluation and \
Management of Chronic Kidney Disease, Kidney Int 2024;105(4S):S117-S314, \
doi:10.1016/j.kint.2023.10.018 (GFR categories G1-G5, albuminuria categories A1-A3)";

/// `min(r,1)^below × max(r,1)^above`: one power at most (the other factor is 1).
fn spline(r: f64, below: f64, above: f64) -> f64 {
    if r < 1.0 {
        r.powf(below)
    } else if r > 1.0 {
        r.powf(above)
    } else {
        1.0
    }
}

/// eGFR (mL/min/1.73 m²) from serum creatinine (mg/dL), CKD-EPI 2021:
/// `142 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.200 × 0.9938^age × 1.012 [female]`.
pub fn egfr_ckd_epi_2021_cr(scr_mg_dl: f64, age: f64, sex: Sex) -> f64 {
    let (kappa, alpha, sex_factor) = match sex {
        Sex::Female => (0.7, -0.241, 1.012),
        Sex::Male => (0.9, -0.302, 1.0),
    };
    142.0 * spline(scr_mg_dl / kappa, alpha, -1.200) * 0.9938_f64.powf(age) * sex_factor
}

/// eGFR (mL/min/1.73 m²) from creatinine (mg/dL) and cystatin C (mg/L), CKD-EPI 2021:
/// `135 × min(Scr/κ,1)^α × max(Scr/κ,1)^−0.544 × min(Scys/0.8,1)^−0.323 ×
/// max(Scys/0.8,1)^−0.778 × 0.9961^age × 0.963 [female]`.
pub fn egfr_ckd_epi_2021_cr_cys(scr_mg_dl: f64, scys_mg_l: f64, age: f64, sex: Sex) -> f64 {
    let (kappa, alpha, sex_factor) = match sex {
        Sex::Female => (0.7, -0.219, 0.963),
        Sex::Male => (0.9, -0.144, 1.0),
    };
    135.0
        * spline(scr_mg_dl / kappa, alpha, -0.544)
        * spline(scys_mg_l / 0.8, -0.323, -0.778)
        * 0.9961_f64.powf(age)
        * sex_factor
}

/// eGFR (mL/min/1.73 m²) from cystatin C alone (mg/L), CKD-EPI 2012:
/// `133 × min(Scys/0.8,1)^−0.499 × max(Scys/0.8,1)^−1.328 × 0.996^age × 0.932 [female]`.
///
/// Coefficients as stated by the National Kidney Foundation's page for the equation
/// (kidney.org, "CKD-EPI Cystatin C Equation (2012)") and Table 2 of a review (Hindawi BioMed
/// Res Int 2014;916542), which agree; one online calculator (egfr.app) shows 0.9962^age instead,
/// which neither source has. The NEJM article's own text was not available to check.
pub fn egfr_ckd_epi_2012_cys(scys_mg_l: f64, age: f64, sex: Sex) -> f64 {
    let sex_factor = match sex {
        Sex::Female => 0.932,
        Sex::Male => 1.0,
    };
    133.0 * spline(scys_mg_l / 0.8, -0.499, -1.328) * 0.996_f64.powf(age) * sex_factor
}

pub const COCKCROFT_GAULT_SOURCE: &str = "Cockcroft DW, Gault MH. Prediction of creatinine \
clearance from serum creatinine. Nephron 1976;16(1):31-41, doi:10.1159/000180580";

/// Creatinine clearance (mL/min, not normalised to body surface) by Cockcroft–Gault 1976:
/// `(140 − age) × weight kg / (72 × Scr mg/dL)`, × 0.85 for women. Drug labels (e.g. the
/// bisphosphonates' "creatinine clearance < 35 mL/min") use this, not eGFR. `None` when an
/// input is not a finite positive number or age is outside 18–120 years (the formula was
/// derived in adults).
pub fn creatinine_clearance_cockcroft_gault(
    age: f64,
    weight_kg: f64,
    scr_mg_dl: f64,
    sex: Sex,
) -> Option<f64> {
    let ok = |v: f64| v.is_finite() && v > 0.0;
    if !(ok(age) && ok(weight_kg) && ok(scr_mg_dl) && (18.0..=120.0).contains(&age)) {
        return None;
    }
    let sex_factor = match sex {
        Sex::Female => 0.85,
        Sex::Male => 1.0,
    };
    Some((140.0 - age) * weight_kg / (72.0 * scr_mg_dl) * sex_factor)
}

/// KDIGO GFR category.
pub fn g_stage(egfr: f64) -> &'static str {
    match egfr {
        e if e >= 90.0 => "G1",
        e if e >= 60.0 => "G2",
        e if e >= 45.0 => "G3a",
        e if e >= 30.0 => "G3b",
        e if e >= 15.0 => "G4",
        _ => "G5",
    }
}

/// KDIGO albuminuria category from the urine albumin-to-creatinine ratio in mg/g.
pub fn a_stage(uacr_mg_g: f64) -> &'static str {
    match uacr_mg_g {
        u if u < 30.0 => "A1",
        u if u <= 300.0 => "A2",
        _ => "A3",
    }
}

/// Appends `x` as `{x:.0}` writes it (nearest whole number, ties to even), without the float
/// formatter for the usual values.
fn push_whole(s: &mut String, x: f64) {
    if x.is_sign_positive() && x < 1e15 {
        crate::ranges::push_int(s, x.round_ties_even() as i64);
    } else {
        let _ = write!(s, "{x:.0}");
    }
}

fn g_label(g: &str) -> &'static str {
    match g {
        "G1" => "normal or high",
        "G2" => "mildly decreased",
        "G3a" => "mildly to moderately decreased",
        "G3b" => "moderately to severely decreased",
        "G4" => "severely decreased",
        _ => "kidney failure",
    }
}

fn a_label(a: &str) -> &'static str {
    match a {
        "A1" => "normal to mildly increased",
        "A2" => "moderately increased",
        _ => "severely increased",
    }
}

/// The `kidney` block of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kidney {
    /// eGFR in mL/min/1.73 m² (as given, or computed).
    pub egfr_ml_min_1_73m2: f64,
    /// `given`, `ckd_epi_2021_creatinine`, `ckd_epi_2021_creatinine_cystatin` or
    /// `ckd_epi_2012_cystatin`.
    pub egfr_method: &'static str,
    /// The creatinine-only eGFR when the combined one is the headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egfr_creatinine_only: Option<f64>,
    /// The cystatin-C-only eGFR (CKD-EPI 2012) when the combined one is the headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egfr_cystatin_only: Option<f64>,
    pub g_stage: &'static str,
    pub g_description: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_stage: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_description: Option<&'static str>,
    /// Whether the profile points to medial (Mönckeberg-type) calcification risk.
    pub medial_calcification_risk: bool,
    pub medial_calcification_note: Cow<'static, str>,
    pub sources: &'static [&'static str],
}

pub const MEDIAL_SOURCE: &str = "Lanzer P et al. Medial vascular calcification revisited: review \
and perspectives, Eur Heart J 2014;35(23):1515-1525, doi:10.1093/eurheartj/ehu163";

/// The kidney block from whatever the profile holds; `None` with no eGFR, creatinine or UACR.
pub fn kidney(
    egfr_given: Option<f64>,
    creatinine_mg_dl: Option<f64>,
    cystatin_c_mg_l: Option<f64>,
    uacr_mg_g: Option<f64>,
    age: f64,
    sex: Sex,
    diabetes: Option<bool>,
) -> Option<Kidney> {
    let cr = |s| egfr_ckd_epi_2021_cr(s, age, sex);
    let cys = |c| egfr_ckd_epi_2012_cys(c, age, sex);
    let (egfr, method, cr_only, cys_only) = match (egfr_given, creatinine_mg_dl, cystatin_c_mg_l) {
        (Some(e), _, _) => (e, "given", None, None),
        (None, Some(s), Some(c)) => (
            egfr_ckd_epi_2021_cr_cys(s, c, age, sex),
            "ckd_epi_2021_creatinine_cystatin",
            Some(cr(s)),
            Some(cys(c)),
        ),
        (None, Some(s), None) => (cr(s), "ckd_epi_2021_creatinine", None, None),
        (None, None, Some(c)) => (cys(c), "ckd_epi_2012_cystatin", None, None),
        (None, None, None) => return None,
    };
    let g = g_stage(egfr);
    let a = uacr_mg_g.map(a_stage);
    let low = egfr < 60.0;
    let albuminuria = a.filter(|a| matches!(*a, "A2" | "A3"));
    let diabetic = diabetes == Some(true);
    let medial = low || albuminuria.is_some() || diabetic;
    const TAIL: &str = " point to medial (Mönckeberg-type) arterial calcification, typical of \
                        chronic kidney disease and diabetes; it stiffens arteries and is not what \
                        the coronary calcium score measures. CKD needs two results ≥3 months \
                        apart to be diagnosed.";
    // Without a low eGFR (whose value the note names) the note is one of a few fixed texts.
    macro_rules! fixed {
        ($head:literal) => {
            Cow::Borrowed(concat!(
                $head,
                " point to medial (Mönckeberg-type) arterial calcification, typical of \
                 chronic kidney disease and diabetes; it stiffens arteries and is not what \
                 the coronary calcium score measures. CKD needs two results ≥3 months \
                 apart to be diagnosed."
            ))
        };
    }
    let note: Cow<'static, str> = if medial && !low {
        match (albuminuria, diabetic) {
            (Some("A2"), false) => fixed!("albuminuria A2"),
            (Some(_), false) => fixed!("albuminuria A3"),
            (Some("A2"), true) => fixed!("albuminuria A2, diabetes"),
            (Some(_), true) => fixed!("albuminuria A3, diabetes"),
            (None, _) => fixed!("diabetes"),
        }
    } else if medial {
        // One string, written in place.
        let mut s = String::with_capacity(320);
        let mut sep = "";
        if low {
            s.push_str("eGFR ");
            push_whole(&mut s, egfr);
            s.push_str(" (<60, ");
            s.push_str(g);
            s.push(')');
            sep = ", ";
        }
        if let Some(a) = albuminuria {
            s.push_str(sep);
            s.push_str("albuminuria ");
            s.push_str(a);
            sep = ", ";
        }
        if diabetic {
            s.push_str(sep);
            s.push_str("diabetes");
        }
        s.push_str(TAIL);
        s.into()
    } else {
        "Nothing in the profile points to medial (CKD/diabetes-type) calcification.".into()
    };
    let sources: &'static [&'static str] = match method {
        "given" => &[KDIGO_SOURCE, MEDIAL_SOURCE],
        "ckd_epi_2012_cystatin" => &[CKD_EPI_2012_CYS_SOURCE, KDIGO_SOURCE, MEDIAL_SOURCE],
        "ckd_epi_2021_creatinine_cystatin" => &[
            CKD_EPI_2021_SOURCE,
            CKD_EPI_2012_CYS_SOURCE,
            KDIGO_SOURCE,
            MEDIAL_SOURCE,
        ],
        _ => &[CKD_EPI_2021_SOURCE, KDIGO_SOURCE, MEDIAL_SOURCE],
    };
    Some(Kidney {
        egfr_ml_min_1_73m2: egfr,
        egfr_method: method,
        egfr_creatinine_only: cr_only,
        egfr_cystatin_only: cys_only,
        g_stage: g,
        g_description: g_label(g),
        a_stage: a,
        a_description: a.map(a_label),
        medial_calcification_risk: medial,
        medial_calcification_note: note,
        sources,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn cockcroft_gault_golden_values_worked_by_hand() {
        // Cockcroft & Gault 1976 (Nephron 16:31): (140 − age) × kg / (72 × Scr), women × 0.85.
        // 80 y, 60 kg, 1.2 mg/dL: 60 × 60 / 86.4 = 41.667; a woman: × 0.85 = 35.417.
        // 40 y, 72 kg, 1.0 mg/dL: 100 × 72 / 72 = 100.
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 0.001);
        assert!(close(
            creatinine_clearance_cockcroft_gault(80.0, 60.0, 1.2, Sex::Male),
            41.667
        ));
        assert!(close(
            creatinine_clearance_cockcroft_gault(80.0, 60.0, 1.2, Sex::Female),
            35.417
        ));
        assert!(close(
            creatinine_clearance_cockcroft_gault(40.0, 72.0, 1.0, Sex::Male),
            100.0
        ));
        for (age, kg, scr) in [
            (10.0, 30.0, 0.5),
            (130.0, 60.0, 1.0),
            (60.0, 0.0, 1.0),
            (60.0, 70.0, 0.0),
            (60.0, f64::NAN, 1.0),
        ] {
            assert_eq!(
                creatinine_clearance_cockcroft_gault(age, kg, scr, Sex::Male),
                None
            );
        }
    }

    use super::*;

    proptest::proptest! {
        #[test]
        fn whole_numbers_read_as_the_formatter_writes_them(x in -10.0f64..200.0, k in 0u32..400) {
            for v in [x, f64::from(k) / 2.0, -0.0, 1e300] {
                let mut s = String::new();
                push_whole(&mut s, v);
                proptest::prop_assert_eq!(s, format!("{v:.0}"));
            }
        }
    }

    /// At Scr = κ both spline terms are 1, leaving 142 × 0.9938^age (× 1.012 for women), as the
    /// NKF statement of the equation reads.
    #[test]
    fn creatinine_equation_at_the_knot() {
        let m = egfr_ckd_epi_2021_cr(0.9, 50.0, Sex::Male);
        assert!((m - 142.0 * 0.9938_f64.powi(50)).abs() < 1e-9);
        let f = egfr_ckd_epi_2021_cr(0.7, 50.0, Sex::Female);
        assert!((f - 142.0 * 0.9938_f64.powi(50) * 1.012).abs() < 1e-9);
        // Above the knot, by hand: 142 × (1.2/0.9)^-1.2 × 0.9938^50 = 142 × 0.7081 × 0.7327
        // = 73.7 for a man of 50 with Scr 1.2.
        let e = egfr_ckd_epi_2021_cr(1.2, 50.0, Sex::Male);
        assert!((e - 73.7).abs() < 0.05, "{e}");
    }

    /// martingmayer/preventr tests/testthat/test-helpers.R ("CKD-EPI function works"), an
    /// independent implementation of CKD-EPI 2021 rounding to whole numbers: creatinine 1.5 mg/dL
    /// at 55 F → 41, 55 M → 55, 43 M → 59, 43 F → 44; 102 µmol/L at 43 F → 60; 111 µmol/L at
    /// 77 M → 59; 155 µmol/L at 43 F → 37.
    #[test]
    fn preventr_calc_egfr_vectors() {
        let umol = |u: f64| u / crate::profile::CREATININE_UMOL_L_PER_MG_DL;
        for (scr, age, sex, want) in [
            (1.5, 55.0, Sex::Female, 41.0),
            (1.5, 55.0, Sex::Male, 55.0),
            (1.5, 43.0, Sex::Male, 59.0),
            (1.5, 43.0, Sex::Female, 44.0),
            (umol(102.0), 43.0, Sex::Female, 60.0),
            (umol(111.0), 77.0, Sex::Male, 59.0),
            (umol(155.0), 43.0, Sex::Female, 37.0),
        ] {
            let got = egfr_ckd_epi_2021_cr(scr, age, sex);
            assert_eq!(got.round(), want, "{scr} {age} {sex:?}: {got}");
        }
    }

    #[test]
    fn combined_equation_at_the_knots() {
        let m = egfr_ckd_epi_2021_cr_cys(0.9, 0.8, 60.0, Sex::Male);
        assert!((m - 135.0 * 0.9961_f64.powi(60)).abs() < 1e-9);
        let f = egfr_ckd_epi_2021_cr_cys(0.7, 0.8, 60.0, Sex::Female);
        assert!((f - 135.0 * 0.9961_f64.powi(60) * 0.963).abs() < 1e-9);
    }

    /// CKD-EPI 2012 cystatin C (NKF statement): at Scys = 0.8 mg/L both spline terms are 1,
    /// leaving 133 × 0.996^age (× 0.932 for women); by hand, a man of 60 with Scys 1.2 mg/L:
    /// 133 × 1.5^−1.328 × 0.996^60 = 133 × 0.58365 × 0.78625 = 61.03; a woman of 40 with
    /// Scys 0.6: 133 × 0.75^−0.499 × 0.996^40 × 0.932 = 133 × 1.15437 × 0.85187 × 0.932 = 121.89.
    #[test]
    fn cystatin_equation() {
        let m = egfr_ckd_epi_2012_cys(0.8, 50.0, Sex::Male);
        assert!((m - 133.0 * 0.996_f64.powi(50)).abs() < 1e-9);
        let f = egfr_ckd_epi_2012_cys(0.8, 50.0, Sex::Female);
        assert!((f - 133.0 * 0.996_f64.powi(50) * 0.932).abs() < 1e-9);
        let e = egfr_ckd_epi_2012_cys(1.2, 60.0, Sex::Male);
        assert!((e - 61.03).abs() < 0.01, "{e}");
        let e = egfr_ckd_epi_2012_cys(0.6, 40.0, Sex::Female);
        assert!((e - 121.89).abs() < 0.01, "{e}");
        // Falls as cystatin C rises, and with age.
        assert!(egfr_ckd_epi_2012_cys(1.5, 60.0, Sex::Male) < e);
        assert!(
            egfr_ckd_epi_2012_cys(1.0, 70.0, Sex::Male)
                < egfr_ckd_epi_2012_cys(1.0, 50.0, Sex::Male)
        );
    }

    #[test]
    fn kidney_block_picks_the_equation_by_what_is_given() {
        let k = kidney(None, None, Some(1.2), None, 60.0, Sex::Male, None).unwrap();
        assert_eq!(k.egfr_method, "ckd_epi_2012_cystatin");
        assert!((k.egfr_ml_min_1_73m2 - 61.03).abs() < 0.01);
        assert!(k.sources.contains(&CKD_EPI_2012_CYS_SOURCE));
        let k = kidney(None, Some(1.0), Some(1.2), None, 60.0, Sex::Male, None).unwrap();
        assert_eq!(k.egfr_method, "ckd_epi_2021_creatinine_cystatin");
        assert!((k.egfr_cystatin_only.unwrap() - 61.03).abs() < 0.01);
        assert!(k.egfr_creatinine_only.is_some());
    }

    #[test]
    fn stages() {
        assert_eq!(g_stage(90.0), "G1");
        assert_eq!(g_stage(89.9), "G2");
        assert_eq!(g_stage(59.9), "G3a");
        assert_eq!(g_stage(44.0), "G3b");
        assert_eq!(g_stage(15.0), "G4");
        assert_eq!(g_stage(14.9), "G5");
        assert_eq!(a_stage(29.9), "A1");
        assert_eq!(a_stage(300.0), "A2");
        assert_eq!(a_stage(301.0), "A3");
    }

    #[test]
    fn medial_pointer() {
        let k = kidney(Some(50.0), None, None, None, 60.0, Sex::Male, Some(false)).unwrap();
        assert!(k.medial_calcification_risk);
        assert!(
            k.medial_calcification_note
                .starts_with("eGFR 50 (<60, G3a) point to medial"),
            "{}",
            k.medial_calcification_note
        );
        let k = kidney(
            Some(70.0),
            None,
            None,
            Some(40.0),
            60.0,
            Sex::Male,
            Some(true),
        )
        .unwrap();
        assert!(
            k.medial_calcification_note
                .starts_with("albuminuria A2, diabetes point"),
            "{}",
            k.medial_calcification_note
        );
        // The fixed texts and the written one end alike.
        let low = kidney(Some(50.0), None, None, None, 60.0, Sex::Male, Some(false)).unwrap();
        assert_eq!(
            k.medial_calcification_note
                .split_once(" point")
                .map(|x| x.1),
            low.medial_calcification_note
                .split_once(" point")
                .map(|x| x.1)
        );
        let k = kidney(
            None,
            Some(0.9),
            None,
            Some(10.0),
            40.0,
            Sex::Male,
            Some(false),
        )
        .unwrap();
        assert!(!k.medial_calcification_risk);
        assert_eq!(k.egfr_method, "ckd_epi_2021_creatinine");
        assert!(kidney(None, None, None, None, 40.0, Sex::Male, None).is_none());
    }
}
