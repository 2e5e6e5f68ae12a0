//! AHA PREVENT equations (Khan 2024): sex-specific, race-free logistic equations for 10-year
//! (ages 30–79) and 30-year (ages 30–59) total CVD, ASCVD and heart failure. The base model, and
//! the two optional models that add one predictor each ([`Added`]): ln(UACR) (`uacr`) and HbA1c
//! (`hba1c`). The SDI model (ZIP-code deprivation) and the full model are not implemented.
//!
//! Coefficients: the base-model tables of the paper's supplement as carried by the `preventr` R
//! package 0.12.0 (`R/sysdata.rda`), cross-checked term by term against PyPI `pyprevent` 0.1.6
//! (281 of 282 identical; its women's 10-year HF diabetes term of 1.0 is wrong, 1.038346 is
//! confirmed by the Stata port `prevent10`). See `research/risk-equations.md` §2.

use crate::profile::Sex;

pub const PREVENT_SOURCE: &str = "Khan SS et al. Development and Validation of the American Heart \
Association's PREVENT Equations, Circulation 2024;149(6):430-449, \
doi:10.1161/CIRCULATIONAHA.123.067626 (base model)";

/// Input ranges of the PREVENT calculator. SBP: `preventr` accepts 90–180 mm Hg, PyPrevent and
/// the Stata port 90–200; we use the narrower range so that no input is extrapolated.
pub const PREVENT_AGE_10Y: (f64, f64) = (30.0, 79.0);
pub const PREVENT_AGE_30Y: (f64, f64) = (30.0, 59.0);
pub const PREVENT_TC: (f64, f64) = (130.0, 320.0);
pub const PREVENT_HDL: (f64, f64) = (20.0, 100.0);
pub const PREVENT_SBP: (f64, f64) = (90.0, 180.0);
pub const PREVENT_BMI: (f64, f64) = (18.5, 39.9);
pub const PREVENT_EGFR: (f64, f64) = (15.0, 140.0);

/// Limits of the optional predictors, as `preventr` 0.12.0 checks them (`R/prevent_equations.R`,
/// `valid`): HbA1c 4.5–15 % (the equations were fitted down to 3 %; `preventr` stops at 4.5 %
/// as lower values are not realistic), UACR 0.1–25 000 mg/g. Outside them the optional model is
/// refused, never extrapolated.
pub const PREVENT_HBA1C: (f64, f64) = (4.5, 15.0);
pub const PREVENT_UACR: (f64, f64) = (0.1, 25_000.0);

/// The coefficients of the optional models: the supplement's Excel tables S12B/S12G (UACR) and
/// S12C/S12H (HbA1c) as carried by `preventr` 0.12.0 (`R/sysdata.rda`, built from that Excel
/// file), identical term by term to the AHA's own R package AHAprevent (`pred_risk_uacr`,
/// `pred_risk_hba1c`); see docs/assess.md, "PREVENT optional models".
pub const PREVENT_UACR_SOURCE: &str = "Khan SS et al., Circulation 2024;149(6):430-449, \
doi:10.1161/CIRCULATIONAHA.123.067626, supplement Tables S12B/S12G (base model + ln UACR)";
pub const PREVENT_HBA1C_SOURCE: &str = "Khan SS et al., Circulation 2024;149(6):430-449, \
doi:10.1161/CIRCULATIONAHA.123.067626, supplement Tables S12C/S12H (base model + HbA1c)";

/// The predictor an optional PREVENT model adds to the base model, with its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Added {
    /// Urine albumin-to-creatinine ratio, mg/g: the `uacr` model adds ln(UACR).
    Uacr(f64),
    /// HbA1c, NGSP %: the `hba1c` model adds (HbA1c − 5.3) × diabetes and
    /// (HbA1c − 5.3) × (1 − diabetes).
    Hba1c(f64),
}

impl Added {
    /// The coefficient-set id shown with the risks: `uacr` or `hba1c`.
    pub fn coefficients(self) -> &'static str {
        match self {
            Added::Uacr(_) => "uacr",
            Added::Hba1c(_) => "hba1c",
        }
    }

    pub fn source(self) -> &'static str {
        match self {
            Added::Uacr(_) => PREVENT_UACR_SOURCE,
            Added::Hba1c(_) => PREVENT_HBA1C_SOURCE,
        }
    }

    /// Why the added value is outside the model's limits ([`PREVENT_UACR`], [`PREVENT_HBA1C`]),
    /// or `None`. The base model's own ranges are checked by [`prevent_out_of_range`].
    pub fn out_of_range(self) -> Option<crate::OutOfRange> {
        let mut r = crate::ranges::Ranges::default();
        match self {
            Added::Uacr(v) => {
                r.check("UACR", v, PREVENT_UACR, "mg/g");
                r.finish("the PREVENT UACR model is valid for UACR 0.1–25000 mg/g")
            }
            Added::Hba1c(v) => {
                r.check("HbA1c", v, PREVENT_HBA1C, "%");
                r.finish("the PREVENT HbA1c model is valid for HbA1c 4.5–15 %")
            }
        }
    }

    /// The two added terms, after the base model's in the optional models' coefficient arrays.
    fn terms(self, diabetes: bool) -> [f64; 2] {
        match self {
            Added::Uacr(u) => [u.ln(), 0.0],
            Added::Hba1c(a) if diabetes => [a - 5.3, 0.0],
            Added::Hba1c(a) => [0.0, a - 5.3],
        }
    }
}

/// Inputs of the PREVENT base model, in mg/dL, mm Hg, kg/m² and mL/min/1.73 m².
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PreventInput {
    pub age: f64,
    pub sex: Sex,
    pub total_cholesterol: f64,
    pub hdl: f64,
    pub systolic_bp: f64,
    pub bp_treated: bool,
    pub statin: bool,
    pub smoker: bool,
    pub diabetes: bool,
    pub bmi: f64,
    pub egfr: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreventOutcome {
    Cvd,
    Ascvd,
    HeartFailure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    TenYears,
    ThirtyYears,
}

/// Risks (fractions 0–1) of the six outcomes of one model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PreventRisks {
    pub cvd_10y: f64,
    pub ascvd_10y: f64,
    pub hf_10y: f64,
    /// `None` outside ages 30–59.
    pub thirty: Option<[f64; 3]>,
}

const N: usize = 24;

/// The predictor terms, in the order of the coefficient arrays.
fn terms(x: &PreventInput) -> [f64; N] {
    const MMOL: f64 = 0.02586;
    let age = (x.age - 55.0) / 10.0;
    let non_hdl = MMOL * (x.total_cholesterol - x.hdl) - 3.5;
    let hdl = (MMOL * x.hdl - 1.3) / 0.3;
    let sbp_lt = (x.systolic_bp.min(110.0) - 110.0) / 20.0;
    let sbp_ge = (x.systolic_bp.max(110.0) - 130.0) / 20.0;
    let dm = f64::from(u8::from(x.diabetes));
    let smoke = f64::from(u8::from(x.smoker));
    let bmi_lt = (x.bmi.min(30.0) - 25.0) / 5.0;
    let bmi_ge = (x.bmi.max(30.0) - 30.0) / 5.0;
    let egfr_lt = (x.egfr.min(60.0) - 60.0) / -15.0;
    let egfr_ge = (x.egfr.max(60.0) - 90.0) / -15.0;
    let bptx = f64::from(u8::from(x.bp_treated));
    let statin = f64::from(u8::from(x.statin));
    [
        age,
        age * age,
        non_hdl,
        hdl,
        sbp_lt,
        sbp_ge,
        dm,
        smoke,
        bmi_lt,
        bmi_ge,
        egfr_lt,
        egfr_ge,
        bptx,
        statin,
        bptx * sbp_ge,
        statin * non_hdl,
        age * non_hdl,
        age * hdl,
        age * sbp_ge,
        age * dm,
        age * smoke,
        age * bmi_ge,
        age * egfr_lt,
        1.0,
    ]
}

/// The base model's coefficients of one sex and horizon ([`ByTerm`]).
fn base_by_term(sex: Sex, horizon: Horizon) -> &'static ByTerm<N> {
    match (sex, horizon) {
        (Sex::Female, Horizon::TenYears) => &BASE_WOMEN_10Y,
        (Sex::Male, Horizon::TenYears) => &BASE_MEN_10Y,
        (Sex::Female, Horizon::ThirtyYears) => &BASE_WOMEN_30Y,
        (Sex::Male, Horizon::ThirtyYears) => &BASE_MEN_30Y,
    }
}

/// One outcome of the three [`logistic3`] gives.
fn pick([cvd, ascvd, hf]: [f64; 3], outcome: PreventOutcome) -> f64 {
    match outcome {
        PreventOutcome::Cvd => cvd,
        PreventOutcome::Ascvd => ascvd,
        PreventOutcome::HeartFailure => hf,
    }
}

/// One PREVENT risk (fraction 0–1). No range checks: callers check [`prevent_out_of_range`].
pub fn prevent(x: &PreventInput, horizon: Horizon, outcome: PreventOutcome) -> f64 {
    pick(logistic3(&terms(x), base_by_term(x.sex, horizon)), outcome)
}

/// All base-model risks at once (the terms are computed once); 30-year risks only for ages 30–59.
pub fn prevent_all(x: &PreventInput) -> PreventRisks {
    let t = terms(x);
    risks3(x, |h| logistic3(&t, base_by_term(x.sex, h)))
}

/// The three outcomes (CVD, ASCVD, HF) of one sex and horizon, term by term: `[term][outcome]`,
/// padded to four lanes. Summing the logits side by side lets the compiler use vector
/// instructions; each logit is still summed term by term in order.
type ByTerm<const K: usize> = [[f64; 4]; K];

const fn by_term<const K: usize>(cvd: &[f64; K], ascvd: &[f64; K], hf: &[f64; K]) -> ByTerm<K> {
    let mut out = [[0.0; 4]; K];
    let mut i = 0;
    while i < K {
        out[i] = [cvd[i], ascvd[i], hf[i], 0.0];
        i += 1;
    }
    out
}

fn logistic3<const K: usize>(t: &[f64; K], beta: &ByTerm<K>) -> [f64; 3] {
    let mut x = [0.0f64; 4];
    for (ti, bi) in t.iter().zip(beta) {
        for (xk, bk) in x.iter_mut().zip(bi) {
            *xk += ti * bk;
        }
    }
    [x[0], x[1], x[2]].map(|x| 1.0 / (1.0 + (-x).exp()))
}

/// The six risks from the three-outcome risks of each horizon; 30-year only for ages 30–59.
fn risks3(x: &PreventInput, risks: impl Fn(Horizon) -> [f64; 3]) -> PreventRisks {
    let [cvd_10y, ascvd_10y, hf_10y] = risks(Horizon::TenYears);
    PreventRisks {
        cvd_10y,
        ascvd_10y,
        hf_10y,
        thirty: (x.age <= PREVENT_AGE_30Y.1).then(|| risks(Horizon::ThirtyYears)),
    }
}

const BASE_WOMEN_10Y: ByTerm<N> = by_term(&CVD_WOMEN_10Y, &ASCVD_WOMEN_10Y, &HF_WOMEN_10Y);
const BASE_MEN_10Y: ByTerm<N> = by_term(&CVD_MEN_10Y, &ASCVD_MEN_10Y, &HF_MEN_10Y);
const BASE_WOMEN_30Y: ByTerm<N> = by_term(&CVD_WOMEN_30Y, &ASCVD_WOMEN_30Y, &HF_WOMEN_30Y);
const BASE_MEN_30Y: ByTerm<N> = by_term(&CVD_MEN_30Y, &ASCVD_MEN_30Y, &HF_MEN_30Y);

/// Terms of the optional models: the base model's, then the two added ones ([`Added::terms`]).
const M: usize = N + 2;

/// The optional models' coefficients (the base model's terms refitted, and the added ones).
fn optional_by_term(added: Added, sex: Sex, horizon: Horizon) -> &'static ByTerm<M> {
    use Horizon::*;
    match (added, sex, horizon) {
        (Added::Uacr(_), Sex::Female, TenYears) => &UACR_WOMEN_10Y,
        (Added::Uacr(_), Sex::Male, TenYears) => &UACR_MEN_10Y,
        (Added::Uacr(_), Sex::Female, ThirtyYears) => &UACR_WOMEN_30Y,
        (Added::Uacr(_), Sex::Male, ThirtyYears) => &UACR_MEN_30Y,
        (Added::Hba1c(_), Sex::Female, TenYears) => &HBA1C_WOMEN_10Y,
        (Added::Hba1c(_), Sex::Male, TenYears) => &HBA1C_MEN_10Y,
        (Added::Hba1c(_), Sex::Female, ThirtyYears) => &HBA1C_WOMEN_30Y,
        (Added::Hba1c(_), Sex::Male, ThirtyYears) => &HBA1C_MEN_30Y,
    }
}

/// The base model's terms followed by the added ones.
fn optional_terms(x: &PreventInput, added: Added) -> [f64; M] {
    let mut t = [0.0; M];
    let (base, extra) = t.split_at_mut(N);
    base.copy_from_slice(&terms(x));
    extra.copy_from_slice(&added.terms(x.diabetes));
    t
}

/// One risk of an optional model (fraction 0–1). No range checks: callers check
/// [`prevent_out_of_range`] and [`Added::out_of_range`].
pub fn prevent_with(
    x: &PreventInput,
    added: Added,
    horizon: Horizon,
    outcome: PreventOutcome,
) -> f64 {
    pick(
        logistic3(
            &optional_terms(x, added),
            optional_by_term(added, x.sex, horizon),
        ),
        outcome,
    )
}

/// All risks of an optional model at once; 30-year risks only for ages 30–59.
pub fn prevent_all_with(x: &PreventInput, added: Added) -> PreventRisks {
    let t = optional_terms(x, added);
    risks3(x, |h| logistic3(&t, optional_by_term(added, x.sex, h)))
}

/// Why PREVENT (10-year) does not apply to these inputs, or `None` when it does. BMI is not
/// checked here: it only enters the heart-failure equations (check [`PREVENT_BMI`] for those).
pub fn prevent_out_of_range(x: &PreventInput) -> Option<crate::OutOfRange> {
    let mut r = crate::ranges::Ranges::default();
    let mut check = |name: &'static str, v: f64, range: (f64, f64), unit: &'static str| {
        r.check(name, v, range, unit);
    };
    check("age", x.age, PREVENT_AGE_10Y, "years");
    check(
        "total cholesterol",
        x.total_cholesterol,
        PREVENT_TC,
        "mg/dL",
    );
    check("HDL cholesterol", x.hdl, PREVENT_HDL, "mg/dL");
    check("systolic BP", x.systolic_bp, PREVENT_SBP, "mm Hg");
    check("eGFR", x.egfr, PREVENT_EGFR, "mL/min/1.73 m²");
    r.finish(
        "PREVENT is valid for ages 30–79 (30-year risk 30–59), TC 130–320 mg/dL, \
             HDL 20–100 mg/dL, SBP 90–180 mm Hg, eGFR 15–140 (BMI 18.5–39.9 for heart failure)",
    )
}

// Order: age, age², non-HDL-C, HDL-C, SBP<110, SBP≥110, diabetes, smoking, BMI<30, BMI≥30,
// eGFR<60, eGFR≥60, antihypertensive, statin, treated SBP≥110, treated non-HDL-C, age×non-HDL-C,
// age×HDL-C, age×SBP≥110, age×diabetes, age×smoking, age×BMI≥30, age×eGFR<60, constant.
// Generated from the tables of research/risk-equations.md §2 (do not edit by hand).
#[rustfmt::skip]
const CVD_WOMEN_10Y: [f64; N] = [0.7939329, 0.0, 0.0305239, -0.1606857, -0.2394003, 0.3600781, 0.8667604, 0.5360739, 0.0, 0.0, 0.6045917, 0.0433769, 0.3151672, -0.1477655, -0.0663612, 0.1197879, -0.0819715, 0.0306769, -0.0946348, -0.27057, -0.078715, 0.0, -0.1637806, -3.307728];
#[rustfmt::skip]
const ASCVD_WOMEN_10Y: [f64; N] = [0.719883, 0.0, 0.1176967, -0.151185, -0.0835358, 0.3592852, 0.8348585, 0.4831078, 0.0, 0.0, 0.4864619, 0.0397779, 0.2265309, -0.0592374, -0.0395762, 0.0844423, -0.0567839, 0.0325692, -0.1035985, -0.2417542, -0.0791142, 0.0, -0.1671492, -3.819975];
#[rustfmt::skip]
const HF_WOMEN_10Y: [f64; N] = [0.8998235, 0.0, 0.0, 0.0, -0.4559771, 0.3576505, 1.038346, 0.583916, -0.0072294, 0.2997706, 0.7451638, 0.0557087, 0.3534442, 0.0, -0.0981511, 0.0, 0.0, 0.0, -0.0946663, -0.3581041, -0.1159453, -0.003878, -0.1884289, -4.310409];
#[rustfmt::skip]
const CVD_MEN_10Y: [f64; N] = [0.7688528, 0.0, 0.0736174, -0.0954431, -0.4347345, 0.3362658, 0.7692857, 0.4386871, 0.0, 0.0, 0.5378979, 0.0164827, 0.288879, -0.1337349, -0.0475924, 0.150273, -0.0517874, 0.0191169, -0.1049477, -0.2251948, -0.0895067, 0.0, -0.1543702, -3.031168];
#[rustfmt::skip]
const ASCVD_MEN_10Y: [f64; N] = [0.7099847, 0.0, 0.1658663, -0.1144285, -0.2837212, 0.3239977, 0.7189597, 0.3956973, 0.0, 0.0, 0.3690075, 0.0203619, 0.2036522, -0.0865581, -0.0322916, 0.114563, -0.0300005, 0.0232747, -0.0927024, -0.2018525, -0.0970527, 0.0, -0.1217081, -3.500655];
#[rustfmt::skip]
const HF_MEN_10Y: [f64; N] = [0.8972642, 0.0, 0.0, 0.0, -0.6811466, 0.3634461, 0.923776, 0.5023736, -0.0485841, 0.3726929, 0.6926917, 0.0251827, 0.2980922, 0.0, -0.0497731, 0.0, 0.0, 0.0, -0.1289201, -0.3040924, -0.1401688, 0.0068126, -0.1797778, -3.946391];
#[rustfmt::skip]
const CVD_WOMEN_30Y: [f64; N] = [0.5503079, -0.0928369, 0.0409794, -0.1663306, -0.1628654, 0.3299505, 0.6793894, 0.3196112, 0.0, 0.0, 0.1857101, 0.0553528, 0.2894, -0.075688, -0.056367, 0.1071019, -0.0751438, 0.0301786, -0.0998776, -0.3206166, -0.1607862, 0.0, -0.1450788, -1.318827];
#[rustfmt::skip]
const ASCVD_WOMEN_30Y: [f64; N] = [0.4669202, -0.0893118, 0.1256901, -0.1542255, -0.0018093, 0.322949, 0.6296707, 0.268292, 0.0, 0.0, 0.100106, 0.0499663, 0.1875292, 0.0152476, -0.0276123, 0.0736147, -0.0521962, 0.0316918, -0.1046101, -0.2727793, -0.1530907, 0.0, -0.1299149, -1.974074];
#[rustfmt::skip]
const HF_WOMEN_30Y: [f64; N] = [0.6254374, -0.0983038, 0.0, 0.0, -0.3919241, 0.3142295, 0.8330787, 0.3438651, 0.0594874, 0.2525536, 0.2981642, 0.0667159, 0.333921, 0.0, -0.0893177, 0.0, 0.0, 0.0, -0.0974299, -0.404855, -0.1982991, -0.0035619, -0.1564215, -2.205379];
#[rustfmt::skip]
const CVD_MEN_30Y: [f64; N] = [0.4627309, -0.0984281, 0.0836088, -0.1029824, -0.2140352, 0.2904325, 0.5331276, 0.2141914, 0.0, 0.0, 0.1155556, 0.0603775, 0.232714, -0.0272112, -0.0384488, 0.134192, -0.0511759, 0.0165865, -0.1101437, -0.2585943, -0.1566406, 0.0, -0.1166776, -1.148204];
#[rustfmt::skip]
const ASCVD_MEN_30Y: [f64; N] = [0.3994099, -0.0937484, 0.1744643, -0.120203, -0.0665117, 0.2753037, 0.4790257, 0.1782635, 0.0, 0.0, -0.0218789, 0.0602553, 0.1421182, 0.0135996, -0.0218265, 0.1013148, -0.0312619, 0.020673, -0.0920935, -0.2159947, -0.1548811, 0.0, -0.0712547, -1.736444];
#[rustfmt::skip]
const HF_MEN_30Y: [f64; N] = [0.5681541, -0.1048388, 0.0, 0.0, -0.4761564, 0.30324, 0.6840338, 0.2656273, 0.0833107, 0.26999, 0.2541805, 0.0638923, 0.2583631, 0.0, -0.0391938, 0.0, 0.0, 0.0, -0.1269124, -0.3273572, -0.2043019, -0.0182831, -0.1342618, -1.95751];

// The optional models, same term order, then the two added terms: [ln UACR, 0] or [HbA1c in
// diabetes, HbA1c without diabetes]. Written out by a script from the tables `uacr_10yr`,
// `uacr_30yr`, `hba1c_10yr`, `hba1c_30yr` of preventr 0.12.0 `R/sysdata.rda` (as parsed with
// pyreadr in the code index, file id 68528298926); every coefficient is checked against
// AHAprevent's `pred_risk_uacr` / `pred_risk_hba1c` by tests/differential.rs (docs/assess.md,
// "PREVENT optional models"). Do not edit by hand.
#[rustfmt::skip]
const UACR_CVD_WOMEN_10Y: [f64; M] = [0.7969249, 0.0, 0.0256635, -0.1588107, -0.2255701, 0.3396649, 0.8047515, 0.5285338, 0.0, 0.0, 0.4803511, 0.0434472, 0.2985207, -0.1497787, -0.0742889, 0.106756, -0.0778126, 0.0306768, -0.0907168, -0.2705122, -0.0830564, 0.0, -0.1389249, -3.738341, 0.1793037, 0.0];
#[rustfmt::skip]
const UACR_ASCVD_WOMEN_10Y: [f64; M] = [0.7201999, 0.0, 0.1135771, -0.1493506, -0.0726677, 0.3436259, 0.7773094, 0.4746662, 0.0, 0.0, 0.3824646, 0.0394178, 0.2125182, -0.0603046, -0.0466053, 0.0733118, -0.0534262, 0.0325689, -0.0999887, -0.2411762, -0.0826941, 0.0, -0.1444737, -4.174614, 0.1501217, 0.0];
#[rustfmt::skip]
const UACR_HF_WOMEN_10Y: [f64; M] = [0.9145975, 0.0, 0.0, 0.0, -0.4441346, 0.3260323, 0.9611365, 0.5755787, 0.0008831, 0.2988964, 0.5915291, 0.0556823, 0.3314097, 0.0, -0.1078596, 0.0, 0.0, 0.0, -0.0875231, -0.356859, -0.1220248, -0.0053637, -0.1610389, -4.841506, 0.2197281, 0.0];
#[rustfmt::skip]
const UACR_CVD_MEN_10Y: [f64; M] = [0.7768655, 0.0, 0.0659949, -0.0951111, -0.420667, 0.3120151, 0.698521, 0.4314669, 0.0, 0.0, 0.3841364, 0.009384, 0.2676494, -0.1390966, -0.0579315, 0.1383719, -0.0488332, 0.0200406, -0.102454, -0.2236355, -0.089485, 0.0, -0.1321848, -3.510705, 0.1887974, 0.0];
#[rustfmt::skip]
const UACR_ASCVD_MEN_10Y: [f64; M] = [0.7141718, 0.0, 0.1602194, -0.1139086, -0.2719456, 0.3058719, 0.6600631, 0.3884022, 0.0, 0.0, 0.2466316, 0.0151852, 0.186167, -0.0894395, -0.0411884, 0.1058212, -0.028089, 0.0240427, -0.0912325, -0.2004894, -0.096936, 0.0, -0.1022867, -3.85146, 0.1510073, 0.0];
#[rustfmt::skip]
const UACR_HF_MEN_10Y: [f64; M] = [0.9111795, 0.0, 0.0, 0.0, -0.6693649, 0.3290082, 0.8377655, 0.4978917, -0.042749, 0.3624165, 0.5075796, 0.0137716, 0.2739963, 0.0, -0.0645712, 0.0, 0.0, 0.0, -0.1230039, -0.3013297, -0.1410318, 0.0021531, -0.1548018, -4.556907, 0.2306299, 0.0];
#[rustfmt::skip]
const UACR_CVD_WOMEN_30Y: [f64; M] = [0.5491768, -0.0937311, 0.0359847, -0.1642965, -0.1483404, 0.313353, 0.6253766, 0.3147172, 0.0, 0.0, 0.1094663, 0.0550705, 0.2782433, -0.0786239, -0.0628947, 0.093204, -0.0710685, 0.0306363, -0.0951455, -0.3168231, -0.1636391, 0.0, -0.1265483, -1.583738, 0.1142251, 0.0];
#[rustfmt::skip]
const UACR_ASCVD_WOMEN_30Y: [f64; M] = [0.4629669, -0.0902777, 0.1215214, -0.1522069, 0.0092679, 0.3113609, 0.581256, 0.263167, 0.0, 0.0, 0.0391726, 0.0492959, 0.1786178, 0.0131058, -0.0325135, 0.0617093, -0.0489189, 0.0321079, -0.1003185, -0.2684574, -0.1547301, 0.0, -0.1130703, -2.178888, 0.0903471, 0.0];
#[rustfmt::skip]
const UACR_HF_WOMEN_30Y: [f64; M] = [0.6319513, -0.1009284, 0.0, 0.0, -0.3787175, 0.2863393, 0.7631221, 0.3355843, 0.0677084, 0.2517238, 0.1940067, 0.0664006, 0.3171436, 0.0, -0.0970661, 0.0, 0.0, 0.0, -0.0896239, -0.400743, -0.2042041, -0.0054699, -0.13602, -2.538952, 0.1486028, 0.0];
#[rustfmt::skip]
const UACR_CVD_MEN_30Y: [f64; M] = [0.464491, -0.0998895, 0.0757606, -0.1031778, -0.1990714, 0.2715816, 0.4754637, 0.2069672, 0.0, 0.0, 0.0331103, 0.0540474, 0.2189911, -0.0331044, -0.04534, 0.1214535, -0.0483995, 0.0178997, -0.1059324, -0.2492861, -0.1561543, 0.0, -0.1012429, -1.398727, 0.1007571, 0.0];
#[rustfmt::skip]
const UACR_ASCVD_MEN_30Y: [f64; M] = [0.3995607, -0.094557, 0.1686692, -0.1202145, -0.0555561, 0.2633566, 0.4362036, 0.1716233, 0.0, 0.0, -0.0775282, 0.0561236, 0.1319331, 0.0102428, -0.0269294, 0.0920557, -0.0297021, 0.0217935, -0.0893347, -0.2081467, -0.1542716, 0.0, -0.0597254, -1.873449, 0.0684872, 0.0];
#[rustfmt::skip]
const UACR_HF_MEN_30Y: [f64; M] = [0.5750236, -0.1062268, 0.0, 0.0, -0.4633994, 0.2742874, 0.612208, 0.2614987, 0.0895459, 0.2632424, 0.1430472, 0.0535184, 0.2417468, 0.0, -0.0498574, 0.0, 0.0, 0.0, -0.1193827, -0.316651, -0.2046122, -0.0216878, -0.1165637, -2.314872, 0.1366452, 0.0];
#[rustfmt::skip]
const HBA1C_CVD_WOMEN_10Y: [f64; M] = [0.7858178, 0.0, 0.0194438, -0.1521964, -0.2296681, 0.3465777, 0.5366241, 0.5411682, 0.0, 0.0, 0.5931898, 0.0472458, 0.3158567, -0.1535174, -0.0687752, 0.1054746, -0.0761119, 0.0307469, -0.0905966, -0.2241857, -0.080186, 0.0, -0.1667286, -3.306162, 0.1338348, 0.1622409];
#[rustfmt::skip]
const HBA1C_ASCVD_WOMEN_10Y: [f64; M] = [0.7111831, 0.0, 0.106797, -0.1425745, -0.0736824, 0.3480844, 0.5112951, 0.4880292, 0.0, 0.0, 0.4754997, 0.0438132, 0.2259093, -0.0648872, -0.0437645, 0.0697082, -0.0506382, 0.0327475, -0.0996442, -0.1924338, -0.0803539, 0.0, -0.1682586, -3.838746, 0.1339055, 0.1596461];
#[rustfmt::skip]
const HBA1C_HF_WOMEN_10Y: [f64; M] = [0.8997391, 0.0, 0.0, 0.0, -0.4422749, 0.3378691, 0.681284, 0.5886005, -0.0148657, 0.2958374, 0.73447, 0.05926, 0.3543475, 0.0, -0.1002139, 0.0, 0.0, 0.0, -0.0878765, -0.303684, -0.1178943, -0.008345, -0.1912183, -4.288225, 0.1856442, 0.1833083];
#[rustfmt::skip]
const HBA1C_CVD_MEN_10Y: [f64; M] = [0.7699177, 0.0, 0.0605093, -0.0888525, -0.417713, 0.3288657, 0.4759471, 0.4385663, 0.0, 0.0, 0.5334616, 0.0206431, 0.2917524, -0.1383313, -0.0482622, 0.1393796, -0.0463501, 0.0205926, -0.1037717, -0.1737697, -0.0915839, 0.0, -0.1637039, -3.040901, 0.13159, 0.1295185];
#[rustfmt::skip]
const HBA1C_ASCVD_MEN_10Y: [f64; M] = [0.7064146, 0.0, 0.1532267, -0.1082166, -0.2675288, 0.3173809, 0.432604, 0.3958842, 0.0, 0.0, 0.3665014, 0.0250243, 0.2061158, -0.0899988, -0.0334959, 0.1034168, -0.0255406, 0.0247538, -0.0917441, -0.1499195, -0.098089, 0.0, -0.1305231, -3.51835, 0.1157161, 0.1288303];
#[rustfmt::skip]
const HBA1C_HF_MEN_10Y: [f64; M] = [0.911787, 0.0, 0.0, 0.0, -0.6568071, 0.3524645, 0.5849752, 0.5014014, -0.0512352, 0.365294, 0.6892219, 0.0292377, 0.3038296, 0.0, -0.0515032, 0.0, 0.0, 0.0, -0.1262343, -0.2449514, -0.1392217, 0.0009592, -0.1917105, -3.961954, 0.1652857, 0.1505859];
#[rustfmt::skip]
const HBA1C_CVD_WOMEN_30Y: [f64; M] = [0.5343493, -0.0952314, 0.0298124, -0.1578451, -0.1504488, 0.3173368, 0.4314738, 0.3209399, 0.0, 0.0, 0.1771435, 0.0582828, 0.2888947, -0.0795886, -0.0600438, 0.0920598, -0.0696108, 0.0308807, -0.0954051, -0.2763408, -0.1623944, 0.0, -0.1430514, -1.341059, 0.0940543, 0.1116486];
#[rustfmt::skip]
const HBA1C_ASCVD_WOMEN_30Y: [f64; M] = [0.4555574, -0.0903501, 0.1148321, -0.1458754, 0.0089323, 0.3139029, 0.386281, 0.2714309, 0.0, 0.0, 0.0930987, 0.0532216, 0.1862181, 0.0106964, -0.0329713, 0.0583609, -0.0463273, 0.0324717, -0.1004777, -0.2266944, -0.1541859, 0.0, -0.1286005, -2.011533, 0.0875827, 0.1126417];
#[rustfmt::skip]
const HBA1C_HF_WOMEN_30Y: [f64; M] = [0.6210856, -0.1000972, 0.0, 0.0, -0.3773697, 0.295316, 0.5681692, 0.3449139, 0.0540094, 0.249767, 0.2875781, 0.0692013, 0.3334936, 0.0, -0.0922339, 0.0, 0.0, 0.0, -0.0907885, -0.3554646, -0.2008846, -0.0079611, -0.156803, -2.193553, 0.1448336, 0.1277838];
#[rustfmt::skip]
const HBA1C_CVD_MEN_30Y: [f64; M] = [0.4519873, -0.101624, 0.0700456, -0.0968005, -0.1923527, 0.2827043, 0.3417152, 0.2105272, 0.0, 0.0, 0.1113291, 0.0640135, 0.2334248, -0.0299421, -0.0393204, 0.1228854, -0.0463737, 0.0184599, -0.1085744, -0.2208049, -0.1577978, 0.0, -0.1179375, -1.180767, 0.0768169, 0.0777295];
#[rustfmt::skip]
const HBA1C_ASCVD_MEN_30Y: [f64; M] = [0.3883267, -0.0958114, 0.1613374, -0.1144418, -0.0474338, 0.2691281, 0.2859773, 0.1759553, 0.0, 0.0, -0.0242898, 0.0644523, 0.142874, 0.0115062, -0.02333, 0.0899664, -0.0275478, 0.022573, -0.090802, -0.1771894, -0.1548847, 0.0, -0.0732754, -1.777708, 0.0591089, 0.0821158];
#[rustfmt::skip]
const HBA1C_HF_MEN_30Y: [f64; M] = [0.5703729, -0.1084544, 0.0, 0.0, -0.4471767, 0.2910152, 0.4507242, 0.259585, 0.0850676, 0.2637222, 0.2454706, 0.0675649, 0.2611991, 0.0, -0.0408908, 0.0, 0.0, 0.0, -0.1241051, -0.2849461, -0.2032308, -0.0239714, -0.138301, -1.974999, 0.1101184, 0.0949198];

const UACR_WOMEN_10Y: ByTerm<M> = by_term(
    &UACR_CVD_WOMEN_10Y,
    &UACR_ASCVD_WOMEN_10Y,
    &UACR_HF_WOMEN_10Y,
);
const UACR_WOMEN_30Y: ByTerm<M> = by_term(
    &UACR_CVD_WOMEN_30Y,
    &UACR_ASCVD_WOMEN_30Y,
    &UACR_HF_WOMEN_30Y,
);
const UACR_MEN_10Y: ByTerm<M> = by_term(&UACR_CVD_MEN_10Y, &UACR_ASCVD_MEN_10Y, &UACR_HF_MEN_10Y);
const UACR_MEN_30Y: ByTerm<M> = by_term(&UACR_CVD_MEN_30Y, &UACR_ASCVD_MEN_30Y, &UACR_HF_MEN_30Y);
const HBA1C_WOMEN_10Y: ByTerm<M> = by_term(
    &HBA1C_CVD_WOMEN_10Y,
    &HBA1C_ASCVD_WOMEN_10Y,
    &HBA1C_HF_WOMEN_10Y,
);
const HBA1C_WOMEN_30Y: ByTerm<M> = by_term(
    &HBA1C_CVD_WOMEN_30Y,
    &HBA1C_ASCVD_WOMEN_30Y,
    &HBA1C_HF_WOMEN_30Y,
);
const HBA1C_MEN_10Y: ByTerm<M> =
    by_term(&HBA1C_CVD_MEN_10Y, &HBA1C_ASCVD_MEN_10Y, &HBA1C_HF_MEN_10Y);
const HBA1C_MEN_30Y: ByTerm<M> =
    by_term(&HBA1C_CVD_MEN_30Y, &HBA1C_ASCVD_MEN_30Y, &HBA1C_HF_MEN_30Y);

#[cfg(test)]
mod tests {
    use super::*;

    fn woman50() -> PreventInput {
        PreventInput {
            age: 50.0,
            sex: Sex::Female,
            total_cholesterol: 200.0,
            hdl: 45.0,
            systolic_bp: 160.0,
            bp_treated: true,
            statin: false,
            smoker: false,
            diabetes: true,
            bmi: 35.0,
            egfr: 90.0,
        }
    }

    fn close3(got: f64, want: f64) {
        assert!((got - want).abs() < 0.0005, "{got} vs {want}");
    }

    /// martingmayer/preventr README and tests/testthat/test-estimate_risk.R ("Base model works"):
    /// woman 50, SBP 160 treated, TC 200, HDL 45, no statin, diabetes, non-smoker, eGFR 90,
    /// BMI 35: 10-y CVD 0.147, ASCVD 0.092, HF 0.081; 30-y 0.53, 0.354, 0.39. Man: 0.163, 0.102,
    /// 0.106; 0.514, 0.349, 0.424.
    #[test]
    fn preventr_base_model_examples() {
        let w = prevent_all(&woman50());
        close3(w.cvd_10y, 0.147);
        close3(w.ascvd_10y, 0.092);
        close3(w.hf_10y, 0.081);
        let [c, a, h] = w.thirty.unwrap();
        close3(c, 0.530);
        close3(a, 0.354);
        close3(h, 0.390);
        let m = prevent_all(&PreventInput {
            sex: Sex::Male,
            ..woman50()
        });
        close3(m.cvd_10y, 0.163);
        close3(m.ascvd_10y, 0.102);
        close3(m.hf_10y, 0.106);
        let [c, a, h] = m.thirty.unwrap();
        close3(c, 0.514);
        close3(a, 0.349);
        close3(h, 0.424);
    }

    /// PyPI pyprevent tests/fixtures.py: a patient entered into the AHA PREVENT web calculator
    /// (woman 33.948 y, TC 130, HDL 20, SBP 200 untreated, statin, non-diabetic, smoker,
    /// eGFR 139, BMI 18.5): 10-y CVD 9.7 %, ASCVD 7.6 %, HF 2.7 %; 30-y 45.1 %, 34.6 %, 15.8 %.
    /// (SBP 200 is outside the range we accept; the equation itself is checked here.)
    #[test]
    fn aha_web_calculator_patient() {
        let x = PreventInput {
            age: 33.948,
            sex: Sex::Female,
            total_cholesterol: 130.0,
            hdl: 20.0,
            systolic_bp: 200.0,
            bp_treated: false,
            statin: true,
            smoker: true,
            diabetes: false,
            bmi: 18.5,
            egfr: 139.0,
        };
        let r = prevent_all(&x);
        let pct = |v: f64| (v * 1000.0).round() / 10.0;
        assert_eq!(pct(r.cvd_10y), 9.7);
        assert_eq!(pct(r.ascvd_10y), 7.6);
        assert_eq!(pct(r.hf_10y), 2.7);
        let [c, a, h] = r.thirty.unwrap();
        assert_eq!((pct(c), pct(a), pct(h)), (45.1, 34.6, 15.8));
    }

    /// PyPI pyprevent tests/test_cvd.py: 40 y, TC 200, HDL 50, SBP 120, DM, smoker, BMI 25,
    /// eGFR 70, BP meds, statin: 10-y CVD woman 7.9 %, man 8.1 % (±0.1); man 68 y, TC 300,
    /// HDL 85, SBP 150, no DM, smoker, BMI 35, eGFR 65, no BP meds, statin: 18.2 %.
    #[test]
    fn pyprevent_cvd_examples() {
        let x = PreventInput {
            age: 40.0,
            sex: Sex::Female,
            total_cholesterol: 200.0,
            hdl: 50.0,
            systolic_bp: 120.0,
            bp_treated: true,
            statin: true,
            smoker: true,
            diabetes: true,
            bmi: 25.0,
            egfr: 70.0,
        };
        assert!((prevent(&x, Horizon::TenYears, PreventOutcome::Cvd) * 100.0 - 7.9).abs() <= 0.1);
        let m = PreventInput {
            sex: Sex::Male,
            ..x
        };
        assert!((prevent(&m, Horizon::TenYears, PreventOutcome::Cvd) * 100.0 - 8.1).abs() <= 0.1);
        let old = PreventInput {
            age: 68.0,
            sex: Sex::Male,
            total_cholesterol: 300.0,
            hdl: 85.0,
            systolic_bp: 150.0,
            bp_treated: false,
            statin: true,
            smoker: true,
            diabetes: false,
            bmi: 35.0,
            egfr: 65.0,
        };
        let r = prevent(&old, Horizon::TenYears, PreventOutcome::Cvd) * 100.0;
        assert!((r - 18.2).abs() <= 0.1, "{r}");
    }

    /// preventr's printed estimate: `round_half_up(risk, 3)`.
    fn round3(v: f64) -> f64 {
        (v * 1000.0 + 0.5).floor() / 1000.0
    }

    fn all6(r: &PreventRisks) -> [f64; 6] {
        let [c, a, h] = r.thirty.unwrap();
        [r.cvd_10y, r.ascvd_10y, r.hf_10y, c, a, h].map(round3)
    }

    /// martingmayer/preventr tests/testthat/test-estimate_risk.R, "HbA1c model works, female" /
    /// "... male": the woman-50 profile above (diabetes) with HbA1c 9.2 %. Printed to 3 decimals
    /// (10-year CVD, ASCVD, HF; 30-year CVD, ASCVD, HF).
    #[test]
    fn preventr_hba1c_model_examples() {
        let w = prevent_all_with(&woman50(), Added::Hba1c(9.2));
        assert_eq!(all6(&w), [0.165, 0.103, 0.107, 0.541, 0.356, 0.449]);
        let man = PreventInput {
            sex: Sex::Male,
            ..woman50()
        };
        let m = prevent_all_with(&man, Added::Hba1c(9.2));
        assert_eq!(all6(&m), [0.187, 0.112, 0.13, 0.524, 0.34, 0.457]);
    }

    /// Same file, "UACR model works, female" / "... male": the woman-50 profile with UACR
    /// 92 mg/g.
    #[test]
    fn preventr_uacr_model_examples() {
        let w = prevent_all_with(&woman50(), Added::Uacr(92.0));
        assert_eq!(all6(&w), [0.181, 0.111, 0.105, 0.565, 0.381, 0.437]);
        let man = PreventInput {
            sex: Sex::Male,
            ..woman50()
        };
        let m = prevent_all_with(&man, Added::Uacr(92.0));
        assert_eq!(all6(&m), [0.195, 0.123, 0.13, 0.535, 0.368, 0.448]);
    }

    /// The single-outcome entry point agrees with the all-at-once one, and HbA1c enters through
    /// the term of the person's diabetes status only.
    #[test]
    fn optional_entry_points_agree_and_hba1c_follows_diabetes() {
        let x = woman50();
        for added in [Added::Uacr(30.0), Added::Hba1c(6.1)] {
            let all = prevent_all_with(&x, added);
            assert_eq!(
                prevent_with(&x, added, Horizon::TenYears, PreventOutcome::HeartFailure),
                all.hf_10y
            );
            assert_eq!(
                prevent_with(&x, added, Horizon::ThirtyYears, PreventOutcome::Ascvd),
                all.thirty.unwrap()[1]
            );
        }
        // The base model's all-at-once path sums the same terms in the same order.
        for x in [
            woman50(),
            PreventInput {
                sex: Sex::Male,
                age: 38.5,
                smoker: true,
                ..woman50()
            },
        ] {
            let all = prevent_all(&x);
            let [c, a, h] = all.thirty.unwrap();
            let one = |hz, o| prevent(&x, hz, o);
            assert_eq!(all.cvd_10y, one(Horizon::TenYears, PreventOutcome::Cvd));
            assert_eq!(all.ascvd_10y, one(Horizon::TenYears, PreventOutcome::Ascvd));
            assert_eq!(
                all.hf_10y,
                one(Horizon::TenYears, PreventOutcome::HeartFailure)
            );
            assert_eq!(c, one(Horizon::ThirtyYears, PreventOutcome::Cvd));
            assert_eq!(a, one(Horizon::ThirtyYears, PreventOutcome::Ascvd));
            assert_eq!(h, one(Horizon::ThirtyYears, PreventOutcome::HeartFailure));
        }
        // At the centring value 5.3 % both HbA1c terms are 0: the hba1c model's own constant
        // and refitted terms alone, whatever the diabetes status.
        assert_eq!(Added::Hba1c(5.3).terms(true), [0.0, 0.0]);
        assert_eq!(Added::Hba1c(7.3).terms(true), [7.3 - 5.3, 0.0]);
        assert_eq!(Added::Hba1c(7.3).terms(false), [0.0, 7.3 - 5.3]);
        assert_eq!(Added::Uacr(1.0).terms(false), [0.0, 0.0]);
    }

    #[test]
    fn optional_limits_are_named() {
        assert!(Added::Hba1c(4.5).out_of_range().is_none());
        assert!(Added::Hba1c(15.0).out_of_range().is_none());
        let why = Added::Hba1c(4.4).out_of_range().unwrap().to_string();
        assert!(why.contains("HbA1c 4.4 % is outside 4.5–15"), "{why}");
        let why = Added::Uacr(0.05).out_of_range().unwrap().to_string();
        assert!(why.contains("UACR 0.05 mg/g is outside 0.1–25000"), "{why}");
        assert!(Added::Uacr(25_000.0).out_of_range().is_none());
        assert_eq!(Added::Uacr(1.0).coefficients(), "uacr");
        assert_eq!(Added::Hba1c(6.0).coefficients(), "hba1c");
    }

    #[test]
    fn thirty_year_only_to_59_and_ranges_named() {
        let x = PreventInput {
            age: 60.0,
            ..woman50()
        };
        assert!(prevent_all(&x).thirty.is_none());
        let bad = PreventInput {
            systolic_bp: 190.0,
            ..woman50()
        };
        let why = prevent_out_of_range(&bad).unwrap().to_string();
        assert!(why.contains("systolic BP 190"), "{why}");
        assert!(prevent_out_of_range(&woman50()).is_none());
    }
}
