//! ACC/AHA Pooled Cohort Equations: the 2013 originals (Goff 2013) and the 2018 revision
//! (Yadlowsky 2018). 10-year risk of a first hard ASCVD event.

use serde::{Deserialize, Serialize};

use crate::profile::{Race, Sex};

pub const PCE_2013_SOURCE: &str = "Goff DC Jr et al. 2013 ACC/AHA Guideline on the Assessment of \
Cardiovascular Risk, Circulation 2014;129(25 Suppl 2):S49-S73, doi:10.1161/01.cir.0000437741.48606.98 \
(Pooled Cohort Equations)";
pub const PCE_2018_SOURCE: &str = "Yadlowsky S et al. Clinical implications of revised pooled cohort \
equations for estimating atherosclerotic cardiovascular disease risk, Ann Intern Med \
2018;169(1):20-29, doi:10.7326/M17-3011 (not endorsed by ACC/AHA)";

/// Which published precision of the 2013 coefficients to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PceCoefficients {
    /// The guideline's Table A (3-decimal coefficients, 2-decimal mean sums, 4-decimal S0). The
    /// default: it is the published, citable set.
    #[default]
    Guideline,
    /// The higher-precision set of the ACC "ASCVD Risk Estimator Plus" (as in the Cerner ASCVD
    /// calculator and PyPI `ascvd`): 4-decimal mean sums, 5-decimal S0, 4-decimal African-American
    /// women coefficients.
    Calculator,
}

impl PceCoefficients {
    pub fn as_str(self) -> &'static str {
        match self {
            PceCoefficients::Guideline => "guideline",
            PceCoefficients::Calculator => "calculator",
        }
    }
}

/// Inputs of the PCE, in mg/dL and mm Hg.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PceInput {
    pub age: f64,
    pub sex: Sex,
    /// Black → African-American equations; every other group → White equations (the guideline
    /// suggests the White equations for other groups).
    pub black: bool,
    pub total_cholesterol: f64,
    pub hdl: f64,
    pub systolic_bp: f64,
    pub bp_treated: bool,
    pub smoker: bool,
    pub diabetes: bool,
}

/// Valid input ranges (guideline: ages 40–79; ACC ASCVD Risk Estimator: TC 130–320 mg/dL,
/// HDL 20–100 mg/dL, SBP 90–200 mm Hg).
pub const PCE_AGE: (f64, f64) = (40.0, 79.0);
pub const PCE_TC: (f64, f64) = (130.0, 320.0);
pub const PCE_HDL: (f64, f64) = (20.0, 100.0);
pub const PCE_SBP: (f64, f64) = (90.0, 200.0);

struct Set {
    ln_age: f64,
    ln_age_sq: f64,
    ln_tc: f64,
    ln_age_ln_tc: f64,
    ln_hdl: f64,
    ln_age_ln_hdl: f64,
    ln_sbp_treated: f64,
    ln_age_ln_sbp_treated: f64,
    ln_sbp_untreated: f64,
    ln_age_ln_sbp_untreated: f64,
    smoker: f64,
    ln_age_smoker: f64,
    diabetes: f64,
    mean: f64,
    s0: f64,
}

const WHITE_WOMEN: Set = Set {
    ln_age: -29.799,
    ln_age_sq: 4.884,
    ln_tc: 13.540,
    ln_age_ln_tc: -3.114,
    ln_hdl: -13.578,
    ln_age_ln_hdl: 3.149,
    ln_sbp_treated: 2.019,
    ln_age_ln_sbp_treated: 0.0,
    ln_sbp_untreated: 1.957,
    ln_age_ln_sbp_untreated: 0.0,
    smoker: 7.574,
    ln_age_smoker: -1.665,
    diabetes: 0.661,
    mean: -29.18,
    s0: 0.9665,
};
const AA_WOMEN: Set = Set {
    ln_age: 17.114,
    ln_age_sq: 0.0,
    ln_tc: 0.940,
    ln_age_ln_tc: 0.0,
    ln_hdl: -18.920,
    ln_age_ln_hdl: 4.475,
    ln_sbp_treated: 29.291,
    ln_age_ln_sbp_treated: -6.432,
    ln_sbp_untreated: 27.820,
    ln_age_ln_sbp_untreated: -6.087,
    smoker: 0.691,
    ln_age_smoker: 0.0,
    diabetes: 0.874,
    mean: 86.61,
    s0: 0.9533,
};
const WHITE_MEN: Set = Set {
    ln_age: 12.344,
    ln_age_sq: 0.0,
    ln_tc: 11.853,
    ln_age_ln_tc: -2.664,
    ln_hdl: -7.990,
    ln_age_ln_hdl: 1.769,
    ln_sbp_treated: 1.797,
    ln_age_ln_sbp_treated: 0.0,
    ln_sbp_untreated: 1.764,
    ln_age_ln_sbp_untreated: 0.0,
    smoker: 7.837,
    ln_age_smoker: -1.795,
    diabetes: 0.658,
    mean: 61.18,
    s0: 0.9144,
};
const AA_MEN: Set = Set {
    ln_age: 2.469,
    ln_age_sq: 0.0,
    ln_tc: 0.302,
    ln_age_ln_tc: 0.0,
    ln_hdl: -0.307,
    ln_age_ln_hdl: 0.0,
    ln_sbp_treated: 1.916,
    ln_age_ln_sbp_treated: 0.0,
    ln_sbp_untreated: 1.809,
    ln_age_ln_sbp_untreated: 0.0,
    smoker: 0.549,
    ln_age_smoker: 0.0,
    diabetes: 0.645,
    mean: 19.54,
    s0: 0.8954,
};

// The calculator ("Estimator Plus") precision differs in the mean sums, S0 and the
// African-American women's coefficients.
const WHITE_WOMEN_CALC: Set = Set {
    mean: -29.1817,
    s0: 0.96652,
    ..WHITE_WOMEN
};
const AA_WOMEN_CALC: Set = Set {
    ln_age: 17.1141,
    ln_age_sq: 0.0,
    ln_tc: 0.9396,
    ln_age_ln_tc: 0.0,
    ln_hdl: -18.9196,
    ln_age_ln_hdl: 4.4748,
    ln_sbp_treated: 29.2907,
    ln_age_ln_sbp_treated: -6.4321,
    ln_sbp_untreated: 27.8197,
    ln_age_ln_sbp_untreated: -6.0873,
    smoker: 0.6908,
    ln_age_smoker: 0.0,
    diabetes: 0.8738,
    mean: 86.6081,
    s0: 0.95334,
};
const WHITE_MEN_CALC: Set = Set {
    mean: 61.1816,
    s0: 0.91436,
    ..WHITE_MEN
};
const AA_MEN_CALC: Set = Set {
    mean: 19.5425,
    s0: 0.89536,
    ..AA_MEN
};

/// 10-year hard ASCVD risk (fraction 0–1) by the 2013 PCE. No range checks: callers check
/// [`pce_out_of_range`] first.
pub fn pce_2013(x: &PceInput, coefficients: PceCoefficients) -> f64 {
    use PceCoefficients::*;
    let c = match (x.sex, x.black, coefficients) {
        (Sex::Female, false, Guideline) => &WHITE_WOMEN,
        (Sex::Female, true, Guideline) => &AA_WOMEN,
        (Sex::Male, false, Guideline) => &WHITE_MEN,
        (Sex::Male, true, Guideline) => &AA_MEN,
        (Sex::Female, false, Calculator) => &WHITE_WOMEN_CALC,
        (Sex::Female, true, Calculator) => &AA_WOMEN_CALC,
        (Sex::Male, false, Calculator) => &WHITE_MEN_CALC,
        (Sex::Male, true, Calculator) => &AA_MEN_CALC,
    };
    let la = x.age.ln();
    let ltc = x.total_cholesterol.ln();
    let lhdl = x.hdl.ln();
    let lsbp = x.systolic_bp.ln();
    let smoke = f64::from(u8::from(x.smoker));
    let sbp_terms = if x.bp_treated {
        c.ln_sbp_treated * lsbp + c.ln_age_ln_sbp_treated * la * lsbp
    } else {
        c.ln_sbp_untreated * lsbp + c.ln_age_ln_sbp_untreated * la * lsbp
    };
    let sum = c.ln_age * la
        + c.ln_age_sq * la * la
        + c.ln_tc * ltc
        + c.ln_age_ln_tc * la * ltc
        + c.ln_hdl * lhdl
        + c.ln_age_ln_hdl * la * lhdl
        + sbp_terms
        + c.smoker * smoke
        + c.ln_age_smoker * la * smoke
        + c.diabetes * f64::from(u8::from(x.diabetes));
    1.0 - c.s0.powf((sum - c.mean).exp())
}

/// 10-year ASCVD risk (fraction 0–1) by the revised PCE of Yadlowsky 2018 (logistic).
pub fn pce_2018(x: &PceInput) -> f64 {
    let b = f64::from(u8::from(x.black));
    let tx = f64::from(u8::from(x.bp_treated));
    let dm = f64::from(u8::from(x.diabetes));
    let sm = f64::from(u8::from(x.smoker));
    let r = x.total_cholesterol / x.hdl;
    let (age, sbp) = (x.age, x.systolic_bp);
    let l = match x.sex {
        Sex::Female => {
            -12.823110
                + 0.106501 * age
                + 0.432440 * b
                + 0.000056 * sbp * sbp
                + 0.017666 * sbp
                + 0.731678 * tx
                + 0.943970 * dm
                + 1.009790 * sm
                + 0.151318 * r
                - 0.008580 * age * b
                - 0.003647 * sbp * tx
                + 0.006208 * sbp * b
                + 0.152968 * b * tx
                - 0.000153 * age * sbp
                + 0.115232 * b * dm
                - 0.092231 * b * sm
                + 0.070498 * r * b
                - 0.000173 * sbp * b * tx
                - 0.000094 * age * sbp * b
        }
        Sex::Male => {
            -11.679980 + 0.064200 * age + 0.482835 * b - 0.000061 * sbp * sbp
                + 0.038950 * sbp
                + 2.055533 * tx
                + 0.842209 * dm
                + 0.895589 * sm
                + 0.193307 * r
                - 0.014207 * sbp * tx
                + 0.011609 * sbp * b
                - 0.119460 * b * tx
                + 0.000025 * age * sbp
                - 0.077214 * b * dm
                - 0.226771 * b * sm
                - 0.117749 * r * b
                + 0.004190 * sbp * b * tx
                - 0.000199 * age * sbp * b
        }
    };
    1.0 / (1.0 + (-l).exp())
}

/// Why the PCE (2013 or 2018) do not apply to these inputs, or `None` when they do.
pub fn pce_out_of_range(x: &PceInput) -> Option<crate::OutOfRange> {
    let mut r = crate::ranges::Ranges::default();
    let mut check = |name: &'static str, v: f64, range: (f64, f64), unit: &'static str| {
        r.check(name, v, range, unit);
    };
    check("age", x.age, PCE_AGE, "years");
    check("total cholesterol", x.total_cholesterol, PCE_TC, "mg/dL");
    check("HDL cholesterol", x.hdl, PCE_HDL, "mg/dL");
    check("systolic BP", x.systolic_bp, PCE_SBP, "mm Hg");
    r.finish(
        "the Pooled Cohort Equations are valid for ages 40–79, TC 130–320 mg/dL, \
             HDL 20–100 mg/dL, SBP 90–200 mm Hg",
    )
}

/// The race group the PCE use for a profile race (Black → African-American, others → White).
pub fn pce_black(race: Option<Race>) -> bool {
    race == Some(Race::Black)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(sex: Sex, black: bool) -> PceInput {
        PceInput {
            age: 55.0,
            sex,
            black,
            total_cholesterol: 213.0,
            hdl: 50.0,
            systolic_bp: 120.0,
            bp_treated: false,
            smoker: false,
            diabetes: false,
        }
    }

    /// Goff 2013, Table A worked example: 55-year-old, TC 213, HDL 50, untreated SBP 120,
    /// non-smoker, no diabetes; the guideline prints 5.3 % for White men (computed with rounded
    /// intermediates; full precision gives 5.38 %). Our recomputation for the other groups is in
    /// research/risk-equations.md §1.
    #[test]
    fn goff_2013_table_a_worked_example() {
        let g = PceCoefficients::Guideline;
        let wm = pce_2013(&base(Sex::Male, false), g) * 100.0;
        assert!((wm - 5.3).abs() < 0.1, "{wm}");
        assert!((wm - 5.38).abs() < 0.005, "{wm}");
        let ww = pce_2013(&base(Sex::Female, false), g) * 100.0;
        assert!((ww - 2.05).abs() < 0.005, "{ww}");
        let aw = pce_2013(&base(Sex::Female, true), g) * 100.0;
        assert!((aw - 3.03).abs() < 0.005, "{aw}");
        let am = pce_2013(&base(Sex::Male, true), g) * 100.0;
        assert!((am - 6.07).abs() < 0.005, "{am}");
    }

    /// vcastro/CVrisk tests/testthat/test-ascvd_10y_accaha.R (Table-A precision): 55 y, TC 213,
    /// HDL 50, SBP 140 untreated: AA man 7.95, AA woman 5.08, White woman 2.76, White man 7.01 %.
    #[test]
    fn cvrisk_vectors() {
        let g = PceCoefficients::Guideline;
        for (sex, black, want) in [
            (Sex::Male, true, 7.95),
            (Sex::Female, true, 5.08),
            (Sex::Female, false, 2.76),
            (Sex::Male, false, 7.01),
        ] {
            let x = PceInput {
                systolic_bp: 140.0,
                ..base(sex, black)
            };
            let got = pce_2013(&x, g) * 100.0;
            assert!(
                (got - want).abs() < 0.005,
                "{sex:?} {black}: {got} vs {want}"
            );
        }
    }

    /// cerner/ascvd-risk-calculator tests/app/load_fhir_data_test.js (calculator precision):
    /// man 46, TC 150, HDL 40, SBP 140 treated, smoker, diabetic: White 12.2, AA 24.9 %;
    /// woman 46, TC 141, HDL 34, same: White 10.3, AA 26.8 %.
    #[test]
    fn cerner_vectors_calculator_precision() {
        let c = PceCoefficients::Calculator;
        let man = |black| PceInput {
            age: 46.0,
            sex: Sex::Male,
            black,
            total_cholesterol: 150.0,
            hdl: 40.0,
            systolic_bp: 140.0,
            bp_treated: true,
            smoker: true,
            diabetes: true,
        };
        let woman = |black| PceInput {
            sex: Sex::Female,
            total_cholesterol: 141.0,
            hdl: 34.0,
            ..man(black)
        };
        for (x, want) in [
            (man(false), 12.2),
            (man(true), 24.9),
            (woman(false), 10.3),
            (woman(true), 26.8),
        ] {
            let got = pce_2013(&x, c) * 100.0;
            assert!((got - want).abs() <= 0.05, "{x:?}: {got} vs {want}");
        }
        // The AA woman differs by coefficient set (26.97 % with Table A).
        let ga = pce_2013(&woman(true), PceCoefficients::Guideline) * 100.0;
        assert!((ga - 26.97).abs() < 0.01, "{ga}");
    }

    /// martingmayer/preventr tests/testthat/test-other_models.R: woman 50, TC 200, HDL 45,
    /// SBP 160 treated, non-smoker, diabetic: PCE White 0.064, Black 0.245; age 67 White 0.27;
    /// revised PCE (Yadlowsky) White 0.063, Black 0.13, age 67 White 0.214.
    #[test]
    fn preventr_vectors() {
        let x = |age, black| PceInput {
            age,
            sex: Sex::Female,
            black,
            total_cholesterol: 200.0,
            hdl: 45.0,
            systolic_bp: 160.0,
            bp_treated: true,
            smoker: false,
            diabetes: true,
        };
        let g = PceCoefficients::Guideline;
        assert!((pce_2013(&x(50.0, false), g) - 0.064).abs() < 0.0005);
        // preventr mixes Table-A coefficients with 4-decimal mean sums (86.6081 for
        // African-American women), which gives 0.2448; Table A alone gives 0.2444.
        assert!((pce_2013(&x(50.0, true), g) - 0.2444).abs() < 0.00005);
        // preventr prints this one to 2 decimals (0.27).
        assert!((pce_2013(&x(67.0, false), g) - 0.27).abs() < 0.005);
        assert!((pce_2018(&x(50.0, false)) - 0.063).abs() < 0.0005);
        assert!((pce_2018(&x(50.0, true)) - 0.13).abs() < 0.005);
        assert!((pce_2018(&x(67.0, false)) - 0.214).abs() < 0.0005);
    }

    #[test]
    fn ranges_are_named() {
        let x = PceInput {
            age: 39.0,
            ..base(Sex::Male, false)
        };
        let why = pce_out_of_range(&x).unwrap().to_string();
        assert!(why.contains("age 39") && why.contains("40–79"), "{why}");
        assert!(pce_out_of_range(&base(Sex::Male, false)).is_none());
    }
}
