//! Property tests: risk rises with age, SBP, total cholesterol, smoking and diabetes and falls with
//! HDL, within the valid ranges, wherever the published equations make that true.
//!
//! The published equations are not monotone everywhere, and vascalc reproduces them faithfully
//! rather than "fixing" them. Where a property fails by construction of the published
//! coefficients, the range below is narrowed and the exception is pinned by an explicit test at
//! the end of this file (found by a grid scan over the full valid ranges):
//! - PCE, White women: the ln age × ln TC and ln age × ln HDL interactions make TC lower risk
//!   above age ~77 and HDL raise it above ~75; age itself can lower risk at high TC / low HDL.
//! - PCE, African-American women: HDL raises risk above age ~68 (ln age × ln HDL); the age
//!   effect can reverse with high SBP (ln age × ln SBP).
//! - PCE, White men: smoking lowers risk at age 79 (ln age × smoking).
//! - PREVENT: SBP below 110 mm Hg has a J-shaped term (risk falls as SBP rises to 110); the
//!   age × non-HDL-C interaction makes TC lower 10-year CVD risk above ~59 (women) / ~69 (men);
//!   the age effect can reverse with diabetes, smoking, low HDL and high TC, or low eGFR.

use proptest::prelude::*;
use vascalc_clinical::mesa::{MesaInput, mesa_chd, mesa_chd_with_cac};
use vascalc_clinical::pce::{PceCoefficients, PceInput, pce_2013, pce_2018};
use vascalc_clinical::prevent::{
    Added, Horizon, PreventInput, PreventOutcome, prevent, prevent_with,
};
use vascalc_clinical::profile::{Race, Sex};

const EPS: f64 = 1e-12;

fn sets() -> impl Strategy<Value = PceCoefficients> {
    prop_oneof![
        Just(PceCoefficients::Guideline),
        Just(PceCoefficients::Calculator)
    ]
}

fn pce_input(max_age: f64) -> impl Strategy<Value = PceInput> {
    (
        40.0..=max_age,
        any::<bool>(),
        any::<bool>(),
        130.0..=320.0f64,
        20.0..=100.0f64,
        90.0..=200.0f64,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(age, male, black, tc, hdl, sbp, tx, smoker, dm)| PceInput {
                age,
                sex: if male { Sex::Male } else { Sex::Female },
                black,
                total_cholesterol: tc,
                hdl,
                systolic_bp: sbp,
                bp_treated: tx,
                smoker,
                diabetes: dm,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn pce_rises_with_sbp_and_diabetes(x in pce_input(79.0), set in sets(), d in 0.1..10.0f64) {
        let r = pce_2013(&x, set);
        let higher = PceInput { systolic_bp: (x.systolic_bp + d).min(200.0), ..x };
        prop_assert!(pce_2013(&higher, set) >= r - EPS);
        let dm = PceInput { diabetes: true, ..x };
        let no = PceInput { diabetes: false, ..x };
        prop_assert!(pce_2013(&dm, set) > pce_2013(&no, set));
    }

    #[test]
    fn pce_rises_with_smoking(x in pce_input(78.0), set in sets()) {
        let yes = PceInput { smoker: true, ..x };
        let no = PceInput { smoker: false, ..x };
        prop_assert!(pce_2013(&yes, set) > pce_2013(&no, set));
    }

    #[test]
    fn pce_rises_with_tc(x in pce_input(77.0), set in sets(), d in 0.1..20.0f64) {
        let higher = PceInput { total_cholesterol: (x.total_cholesterol + d).min(320.0), ..x };
        prop_assert!(pce_2013(&higher, set) >= pce_2013(&x, set) - EPS);
    }

    #[test]
    fn pce_falls_with_hdl(x in pce_input(79.0), set in sets(), d in 0.1..20.0f64) {
        // White women above ~74 and African-American women above ~68: see the module docs.
        let limit = match (x.sex, x.black) {
            (Sex::Female, false) => 74.0,
            (Sex::Female, true) => 68.0,
            _ => 79.0,
        };
        prop_assume!(x.age <= limit);
        let higher = PceInput { hdl: (x.hdl + d).min(100.0), ..x };
        prop_assert!(pce_2013(&higher, set) <= pce_2013(&x, set) + EPS);
    }

    #[test]
    fn pce_rises_with_age_in_men(x in pce_input(79.0), set in sets(), d in 0.1..5.0f64) {
        let x = PceInput { sex: Sex::Male, ..x };
        let older = PceInput { age: (x.age + d).min(79.0), ..x };
        prop_assert!(pce_2013(&older, set) >= pce_2013(&x, set) - EPS);
    }

    #[test]
    fn pce_2018_rises_with_risk_factors(x in pce_input(79.0), d in 0.1..10.0f64) {
        let r = pce_2018(&x);
        let ok = pce_2018(&PceInput { diabetes: true, ..x }) >= pce_2018(&PceInput { diabetes: false, ..x });
        prop_assert!(ok);
        let ok = pce_2018(&PceInput { smoker: true, ..x }) >= pce_2018(&PceInput { smoker: false, ..x });
        prop_assert!(ok);
        let ok = pce_2018(&PceInput { age: (x.age + d).min(79.0), ..x }) >= r - EPS;
        prop_assert!(ok);
        let ok = pce_2018(&PceInput { total_cholesterol: (x.total_cholesterol + d).min(320.0), ..x }) >= r - EPS;
        prop_assert!(ok);
        let ok = pce_2018(&PceInput { hdl: (x.hdl + d).min(100.0), ..x }) <= r + EPS;
        prop_assert!(ok);
    }
}

fn prevent_input(max_age: f64) -> impl Strategy<Value = PreventInput> {
    (
        (
            30.0..=max_age,
            any::<bool>(),
            130.0..=320.0f64,
            20.0..=100.0f64,
            90.0..=180.0f64,
        ),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (18.5..=39.9f64, 15.0..=140.0f64),
    )
        .prop_map(
            |((age, male, tc, hdl, sbp), (tx, statin, smoker, dm), (bmi, egfr))| PreventInput {
                age,
                sex: if male { Sex::Male } else { Sex::Female },
                total_cholesterol: tc,
                hdl,
                systolic_bp: sbp,
                bp_treated: tx,
                statin,
                smoker,
                diabetes: dm,
                bmi,
                egfr,
            },
        )
}

const ATHERO: [PreventOutcome; 2] = [PreventOutcome::Cvd, PreventOutcome::Ascvd];
const ALL: [PreventOutcome; 3] = [
    PreventOutcome::Cvd,
    PreventOutcome::Ascvd,
    PreventOutcome::HeartFailure,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// The optional models: risk rises with HbA1c (with and without diabetes) and with UACR
    /// across their whole ranges, for every outcome and both horizons (30-year up to 59).
    #[test]
    fn prevent_optional_models_rise_with_hba1c_and_uacr(
        x in prevent_input(79.0),
        a1c in 4.5..=14.9f64,
        d_a1c in 0.01..=5.0f64,
        ln_uacr in 0.1f64.ln()..=24_000.0f64.ln(),
        ratio in 1.01..=10.0f64,
    ) {
        let horizons: &[Horizon] = if x.age <= 59.0 {
            &[Horizon::TenYears, Horizon::ThirtyYears]
        } else {
            &[Horizon::TenYears]
        };
        let (u, a2) = (ln_uacr.exp(), (a1c + d_a1c).min(15.0));
        let u2 = (u * ratio).min(25_000.0);
        for &h in horizons {
            for o in ALL {
                let ok = prevent_with(&x, Added::Hba1c(a2), h, o) > prevent_with(&x, Added::Hba1c(a1c), h, o);
                prop_assert!(ok, "{x:?} {h:?} {o:?} HbA1c {a1c} -> {a2}");
                let ok = prevent_with(&x, Added::Uacr(u2), h, o) > prevent_with(&x, Added::Uacr(u), h, o);
                prop_assert!(ok, "{x:?} {h:?} {o:?} UACR {u} -> {u2}");
            }
        }
    }

    #[test]
    fn prevent_rises_with_smoking_and_diabetes(x in prevent_input(79.0)) {
        for o in ALL {
            let h = Horizon::TenYears;
            let ok = prevent(&PreventInput { smoker: true, ..x }, h, o) > prevent(&PreventInput { smoker: false, ..x }, h, o);
            prop_assert!(ok);
            let ok = prevent(&PreventInput { diabetes: true, ..x }, h, o) > prevent(&PreventInput { diabetes: false, ..x }, h, o);
            prop_assert!(ok);
        }
    }

    #[test]
    fn prevent_rises_with_sbp_from_110(x in prevent_input(79.0), d in 0.1..10.0f64) {
        prop_assume!(x.systolic_bp >= 110.0);
        let higher = PreventInput { systolic_bp: (x.systolic_bp + d).min(180.0), ..x };
        for o in ALL {
            prop_assert!(prevent(&higher, Horizon::TenYears, o) >= prevent(&x, Horizon::TenYears, o) - EPS);
        }
    }

    #[test]
    fn prevent_falls_with_hdl(x in prevent_input(79.0), d in 0.1..10.0f64) {
        let higher = PreventInput { hdl: (x.hdl + d).min(100.0), ..x };
        for o in ATHERO {
            prop_assert!(prevent(&higher, Horizon::TenYears, o) <= prevent(&x, Horizon::TenYears, o) + EPS);
        }
    }

    #[test]
    fn prevent_rises_with_tc_below_the_interaction_crossover(x in prevent_input(79.0), d in 0.1..10.0f64) {
        // Non-HDL-C coefficient + age × non-HDL-C crosses zero at age 58.7 (CVD, women), 69.2
        // (CVD, men) and 75.7 (ASCVD, women); never for ASCVD in men within 30–79.
        let higher = PreventInput { total_cholesterol: (x.total_cholesterol + d).min(320.0), ..x };
        let h = Horizon::TenYears;
        let (cvd_limit, ascvd_limit) = match x.sex {
            Sex::Female => (58.5, 75.5),
            Sex::Male => (69.0, 79.0),
        };
        if x.age <= cvd_limit {
            let ok = prevent(&higher, h, PreventOutcome::Cvd) >= prevent(&x, h, PreventOutcome::Cvd) - EPS;
            prop_assert!(ok);
        }
        if x.age <= ascvd_limit {
            let ok = prevent(&higher, h, PreventOutcome::Ascvd) >= prevent(&x, h, PreventOutcome::Ascvd) - EPS;
            prop_assert!(ok);
        }
    }

    #[test]
    fn prevent_rises_with_age_with_preserved_kidney_function(x in prevent_input(79.0), d in 0.1..5.0f64) {
        // Without diabetes, with eGFR ≥ 60 and SBP ≤ 160 the negative age interactions cannot
        // outweigh the age term (worst case computed from the coefficients); with diabetes,
        // smoking, HDL 20 and TC near 320 the 10-year age effect reverses in young women.
        let x = PreventInput {
            diabetes: false,
            egfr: 60.0 + (x.egfr - 15.0) * 80.0 / 125.0,
            systolic_bp: x.systolic_bp.min(160.0),
            ..x
        };
        let older = PreventInput { age: (x.age + d).min(79.0), ..x };
        for o in ALL {
            prop_assert!(prevent(&older, Horizon::TenYears, o) >= prevent(&x, Horizon::TenYears, o) - EPS);
        }
    }

    #[test]
    fn mesa_is_monotone_everywhere(
        age in 45.0..=84.0f64, male: bool, race in 0usize..4, tc in 130.0..=320.0f64,
        hdl in 20.0..=100.0f64, sbp in 90.0..=200.0f64, flags in any::<[bool; 5]>(),
        cac in 0.0..=3000.0f64, d in 0.1..10.0f64,
    ) {
        let x = MesaInput {
            age, sex: if male { Sex::Male } else { Sex::Female },
            race: [Race::White, Race::Chinese, Race::Black, Race::Hispanic][race],
            diabetes: flags[0], smoker: flags[1], statin: flags[2], bp_treated: flags[3],
            family_history_mi: flags[4], total_cholesterol: tc, hdl, systolic_bp: sbp,
        };
        for f in [mesa_chd as fn(&MesaInput) -> f64, |x: &MesaInput| mesa_chd_with_cac(x, 0.0)] {
            let r = f(&x);
            let ok = f(&MesaInput { age: age + d, ..x }) > r;
            prop_assert!(ok);
            let ok = f(&MesaInput { systolic_bp: sbp + d, ..x }) > r;
            prop_assert!(ok);
            let ok = f(&MesaInput { total_cholesterol: tc + d, ..x }) > r;
            prop_assert!(ok);
            let ok = f(&MesaInput { hdl: hdl + d, ..x }) < r;
            prop_assert!(ok);
            let ok = f(&MesaInput { smoker: true, ..x }) >= r;
            prop_assert!(ok);
            let ok = f(&MesaInput { diabetes: true, ..x }) >= r;
            prop_assert!(ok);
        }
        prop_assert!(mesa_chd_with_cac(&x, cac + d) > mesa_chd_with_cac(&x, cac));
    }
}

// The exceptions, pinned: these hold for the published coefficients and would change if a
// coefficient were mistyped.

fn woman(age: f64, black: bool) -> PceInput {
    PceInput {
        age,
        sex: Sex::Female,
        black,
        total_cholesterol: 200.0,
        hdl: 50.0,
        systolic_bp: 130.0,
        bp_treated: false,
        smoker: false,
        diabetes: false,
    }
}

/// Goff 2013 Table A, White women: ln TC coefficient 13.540 − 3.114 ln age < 0 above age 77.3.
#[test]
fn pce_white_women_tc_effect_reverses_at_79() {
    let g = PceCoefficients::Guideline;
    let x = woman(79.0, false);
    let more = PceInput {
        total_cholesterol: 280.0,
        ..x
    };
    assert!(pce_2013(&more, g) < pce_2013(&x, g));
    let young = woman(50.0, false);
    assert!(
        pce_2013(
            &PceInput {
                total_cholesterol: 280.0,
                ..young
            },
            g
        ) > pce_2013(&young, g)
    );
}

/// Goff 2013 Table A, African-American women: ln HDL coefficient −18.920 + 4.475 ln age > 0
/// above age 68.6.
#[test]
fn pce_aa_women_hdl_effect_reverses_above_69() {
    let g = PceCoefficients::Guideline;
    let x = woman(75.0, true);
    assert!(pce_2013(&PceInput { hdl: 80.0, ..x }, g) > pce_2013(&x, g));
}

/// Goff 2013 Table A, White men: smoking coefficient 7.837 − 1.795 ln age < 0 above age 78.5.
#[test]
fn pce_white_men_smoking_effect_reverses_at_79() {
    let g = PceCoefficients::Guideline;
    let x = PceInput {
        sex: Sex::Male,
        ..woman(79.0, false)
    };
    assert!(pce_2013(&PceInput { smoker: true, ..x }, g) < pce_2013(&x, g));
}

/// Khan 2024 PREVENT, 10-year CVD in women: non-HDL-C 0.0305239 + age × non-HDL-C −0.0819715
/// per 10 years from 55 is negative above age 58.7, so higher TC lowers the estimate at 70.
#[test]
fn prevent_women_cvd_tc_effect_reverses_above_59() {
    let x = PreventInput {
        age: 70.0,
        sex: Sex::Female,
        total_cholesterol: 180.0,
        hdl: 50.0,
        systolic_bp: 130.0,
        bp_treated: false,
        statin: false,
        smoker: false,
        diabetes: false,
        bmi: 25.0,
        egfr: 90.0,
    };
    let more = PreventInput {
        total_cholesterol: 280.0,
        ..x
    };
    let h = Horizon::TenYears;
    assert!(prevent(&more, h, PreventOutcome::Cvd) < prevent(&x, h, PreventOutcome::Cvd));
    assert!(prevent(&more, h, PreventOutcome::Ascvd) > prevent(&x, h, PreventOutcome::Ascvd));
}

/// Khan 2024 PREVENT: the SBP < 110 term has a negative coefficient (J-shaped SBP).
#[test]
fn prevent_sbp_below_110_is_j_shaped() {
    let x = PreventInput {
        age: 50.0,
        sex: Sex::Female,
        total_cholesterol: 200.0,
        hdl: 50.0,
        systolic_bp: 90.0,
        bp_treated: false,
        statin: false,
        smoker: false,
        diabetes: false,
        bmi: 25.0,
        egfr: 90.0,
    };
    let at110 = PreventInput {
        systolic_bp: 110.0,
        ..x
    };
    let h = Horizon::TenYears;
    assert!(prevent(&x, h, PreventOutcome::Cvd) > prevent(&at110, h, PreventOutcome::Cvd));
}
