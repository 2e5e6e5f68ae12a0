//! MESA arterial age (McClelland 2009): the age at which the CHD risk predicted from age alone
//! equals the risk predicted from the observed CAC score, so a CAC score can be read in years.
//!
//! The article fitted it as a linear function of ln(CAC + 1):
//! `arterial age = 39.1 + 7.25 × ln(CAC + 1)` years, with standard error
//! `√(13.7 − 6.5·L + 0.8·L²)` where `L = ln(CAC + 1)`, and a 95 % interval of ±1.96 standard
//! errors. [`PROVENANCE`] says how far those numbers could be checked here.

use serde::Serialize;

pub const MODEL: &str = "mesa_arterial_age_2009";

pub const SOURCE: &str = "McClelland RL, Nasir K, Budoff M, Blumenthal RS, Kronmal RA. Arterial \
age as a function of coronary artery calcium (from the Multi-Ethnic Study of Atherosclerosis \
[MESA]), Am J Cardiol 2009;103(1):59-63, doi:10.1016/j.amjcard.2008.08.031; the MESA arterial-age \
calculator (mesa-nhlbi.org)";

pub const PROVENANCE: &str = "The coefficients are the MESA calculator's as reproduced by \
independent public implementations (39.1 + 7.25 x ln(CAC+1); standard error \
sqrt(13.7 - 6.5 L + 0.8 L^2)); the article's own text was not available to check them. The \
natural logarithm agrees with the calculator's output published for another cohort (AHA \
Scientific Sessions abstract 3262, Prospective Army Coronary Calcium Project); some web \
calculators use log10, which that output rules out.";

/// Ages of the MESA participants whose age–risk relation defines arterial age.
pub const MESA_AGES: (f64, f64) = (45.0, 84.0);

const INTERCEPT: f64 = 39.1;
const SLOPE_PER_LN: f64 = 7.25;
/// Variance of the estimate as a quadratic in L = ln(CAC + 1): var = V0 + V1·L + V2·L².
/// (A valid covariance of intercept and slope: V0·V2 = 10.96 > (V1/2)² = 10.56, so the variance
/// is positive for every L.)
const V0: f64 = 13.7;
const V1: f64 = -6.5;
const V2: f64 = 0.8;
const Z95: f64 = 1.959_963_984_540_054;

const BELOW_COHORT: &str = "Below 45, the youngest age in MESA: this is the model's floor (39.1 \
years at a score of 0), read it as \"the risk of a younger adult\", not as an exact age.";
const ABOVE_COHORT: &str = "Above 84, the oldest age in MESA: the age-risk relation was not \
observed at this age, so the figure is an extrapolation of the formula.";
const DIABETES_UNKNOWN: &str = "The MESA tool does not apply it to people with diabetes; the \
profile does not say whether this person has diabetes.";

/// Why arterial age is refused for a person with diabetes.
pub const DIABETES_REFUSAL: &str = "not for people with diabetes: the MESA arterial-age \
calculator states that it does not apply to diabetics";

/// Arterial age for one CAC score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArterialAge {
    pub model: &'static str,
    /// Arterial age in years (unrounded).
    pub years: f64,
    /// Standard error of the estimate, years.
    pub standard_error_years: f64,
    /// 95 % confidence interval, years.
    pub ci95_years: [f64; 2],
    /// Arterial age minus the person's age, years.
    pub difference_years: f64,
    /// What to keep in mind for this value (outside the cohort's ages; diabetes unknown).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<&'static str>,
    pub provenance: &'static str,
    pub source: &'static str,
}

/// The point estimate and its standard error for an Agatston score (≥ 0).
pub fn estimate(agatston: f64) -> (f64, f64) {
    let l = agatston.max(0.0).ln_1p();
    let var = V0 + V1 * l + V2 * l * l;
    (INTERCEPT + SLOPE_PER_LN * l, var.sqrt())
}

/// Why arterial age is refused for a person whose diabetes status is `diabetes`, or `None`.
pub fn refusal(diabetes: Option<bool>) -> Option<&'static str> {
    (diabetes == Some(true)).then_some(DIABETES_REFUSAL)
}

/// Arterial age for a person of `age` with this Agatston score, or the reason it is refused.
/// `diabetes` is the profile's answer (`None` when not given).
pub fn arterial_age(
    agatston: f64,
    age: f64,
    diabetes: Option<bool>,
) -> Result<ArterialAge, &'static str> {
    if let Some(why) = refusal(diabetes) {
        return Err(why);
    }
    let (years, se) = estimate(agatston);
    let mut notes = Vec::new();
    if years < MESA_AGES.0 {
        notes.push(BELOW_COHORT);
    } else if years > MESA_AGES.1 {
        notes.push(ABOVE_COHORT);
    }
    if diabetes.is_none() {
        notes.push(DIABETES_UNKNOWN);
    }
    Ok(ArterialAge {
        model: MODEL,
        years,
        standard_error_years: se,
        ci95_years: [years - Z95 * se, years + Z95 * se],
        difference_years: years - age,
        notes,
        provenance: PROVENANCE,
        source: SOURCE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The worked table in `../shared/research/risk-equations.md` §7 (39.1 + 7.25 ln(CAC + 1),
    /// computed from the formula as the public reproductions of the MESA calculator give it).
    #[test]
    fn research_note_table() {
        for (cac, want) in [
            (0.0, 39.10),
            (1.0, 44.13),
            (10.0, 56.48),
            (100.0, 72.56),
            (150.0, 75.48),
            (400.0, 82.56),
            (1000.0, 89.19),
        ] {
            let (years, _) = estimate(cac);
            assert!((years - want).abs() < 0.005, "CAC {cac}: {years} vs {want}");
        }
    }

    /// A public calculator that prints the MESA standard error (best-calculators.com,
    /// "Arterial Age Calculator", CAC 100): 73 years, standard error 0.86, 95 % CI 71-74.
    #[test]
    fn calculator_standard_error_at_100() {
        let a = arterial_age(100.0, 55.0, Some(false)).unwrap();
        assert_eq!(a.years.round(), 73.0);
        assert!((a.standard_error_years - 0.86).abs() < 0.005);
        assert_eq!(a.ci95_years.map(f64::round), [71.0, 74.0]);
        assert!((a.difference_years - 17.56).abs() < 0.01);
        assert!(a.notes.is_empty());
    }

    /// The natural log, not log10: with log10 a score of 150 would give 54.9 years (the reading
    /// of a calculator that uses log10), with ln 75.5.
    #[test]
    fn natural_log_not_log10() {
        let (years, _) = estimate(150.0);
        assert!((years - 75.48).abs() < 0.01);
        assert!((years - (39.1 + 7.25 * 151f64.log10())).abs() > 20.0);
    }

    #[test]
    fn diabetes_refused_and_unknown_noted() {
        assert_eq!(arterial_age(50.0, 60.0, Some(true)), Err(DIABETES_REFUSAL));
        let a = arterial_age(50.0, 60.0, None).unwrap();
        assert_eq!(a.notes, vec![DIABETES_UNKNOWN]);
    }

    #[test]
    fn notes_outside_cohort_ages() {
        // CAC 0 → 39.1 (below 45); CAC 1000 → 89.2 (above 84); CAC 100 → 72.6 (inside).
        assert_eq!(
            arterial_age(0.0, 50.0, Some(false)).unwrap().notes,
            vec![BELOW_COHORT]
        );
        assert_eq!(
            arterial_age(1000.0, 70.0, Some(false)).unwrap().notes,
            vec![ABOVE_COHORT]
        );
        // The boundary scores: 45 years at CAC e^(5.9/7.25) - 1 ≈ 1.26; 84 at ≈ 488.
        assert!(
            arterial_age(1.3, 50.0, Some(false))
                .unwrap()
                .notes
                .is_empty()
        );
        assert!(
            arterial_age(487.0, 50.0, Some(false))
                .unwrap()
                .notes
                .is_empty()
        );
        assert_eq!(
            arterial_age(490.0, 50.0, Some(false)).unwrap().notes,
            vec![ABOVE_COHORT]
        );
    }

    proptest! {
        /// Arterial age rises with CAC, the interval contains the estimate and is finite and
        /// positive for every score the profile accepts.
        #[test]
        fn monotone_with_a_proper_interval(a in 0.0f64..20_000.0, b in 0.0f64..20_000.0) {
            let (ya, sa) = estimate(a);
            let (yb, _) = estimate(b);
            if a < b {
                prop_assert!(ya < yb);
            }
            prop_assert!(sa.is_finite() && sa > 0.0);
            let x = arterial_age(a, 60.0, Some(false)).unwrap();
            prop_assert!(x.ci95_years[0] < x.years && x.years < x.ci95_years[1]);
        }
    }
}
