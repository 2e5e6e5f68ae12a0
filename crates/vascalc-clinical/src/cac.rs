//! Interpreting a CAC score: category, CAC-DRS, percentile, mean density, and the 2018 ACC/AHA
//! guideline context for statin decisions.

use serde::Serialize;

use crate::arterial_age::{ArterialAge, arterial_age};
use crate::percentile::{Percentile, percentile};
use crate::profile::{ArteryScores, Race, Sex};

pub use vascalc_domain::cac::{CAC_DRS_SOURCE, CacDrs, cac_drs};
pub const GRUNDY_2018_SOURCE: &str = "Grundy SM et al. 2018 AHA/ACC/Multisociety Guideline on the \
Management of Blood Cholesterol, Circulation 2019;139:e1082-e1143, \
doi:10.1161/CIR.0000000000000625";
pub const CRIQUI_SOURCE: &str = "Criqui MH et al. (MESA, CAC density and volume) JAMA \
2014;311(3):271-278, doi:10.1001/jama.2013.282535";

/// The `cac` block of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CacInterpretation {
    pub agatston: f64,
    /// Category in the named scheme.
    pub category: Category,
    pub cac_drs: CacDrs,
    /// The percentile for age, sex and race, when the data cover the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentile: Option<Percentile>,
    /// Why no percentile is given, when none is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentile_unavailable: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub density: Option<Density>,
    /// MESA arterial age; absent (and listed in `not_applicable` by [`crate::assess`]) for a
    /// person with diabetes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arterial_age: Option<ArterialAge>,
    pub statin_context: StatinContext,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    /// `cac_drs_agatston`: 0, 1–99, 100–299, ≥300.
    pub scheme: &'static str,
    /// `zero`, `1-99`, `100-299`, `300+`.
    pub label: &'static str,
    pub description: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Density {
    /// Agatston score / volume score (mm³): the mean Agatston density weight per mm³ of calcium
    /// (roughly 1–4 by construction of the Agatston weights).
    pub mean_density: f64,
    pub note: &'static str,
    pub source: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatinContext {
    /// What the guideline says for this CAC score and profile (informs; does not prescribe):
    /// `rule`'s statement.
    pub statement: &'static str,
    /// The rule that applies (not serialised: `statement` says it in words).
    #[serde(skip)]
    pub rule: StatinCacRule,
    /// Conditions the statement depends on that the profile does not settle.
    pub caveats: Vec<&'static str>,
    pub source: &'static str,
}

pub fn category(agatston: f64) -> Category {
    let (label, description) = match agatston {
        a if a <= 0.0 => ("zero", "no detectable coronary calcium"),
        a if a < 100.0 => ("1-99", "mild coronary calcium"),
        a if a < 300.0 => ("100-299", "moderate coronary calcium"),
        _ => ("300+", "moderate-to-severe coronary calcium"),
    };
    Category {
        scheme: "cac_drs_agatston",
        label,
        description,
    }
}

/// Mean density where the volume is known and non-zero.
pub fn density(agatston: f64, volume_mm3: Option<f64>) -> Option<Density> {
    let v = volume_mm3.filter(|v| *v > 0.0)?;
    (agatston > 0.0).then(|| Density {
        mean_density: agatston / v,
        note: "At a given calcium volume, denser calcium was associated with lower risk of CHD \
               and CVD events in MESA; the Agatston score up-weights density, so a rising score \
               (e.g. on statins or with exercise) can reflect denser, more stable plaque.",
        source: CRIQUI_SOURCE,
    })
}

/// Inputs to the guideline statement that are not the CAC score itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatinInputs {
    pub age: f64,
    pub ldl_mg_dl: Option<f64>,
    pub diabetes: Option<bool>,
    pub smoker: Option<bool>,
    pub family_history: Option<bool>,
    /// 10-year ASCVD risk by the 2013 PCE, percent.
    pub pce_percent: Option<f64>,
    pub on_statin: Option<bool>,
}

/// The 2018 ACC/AHA cholesterol guideline's CAC rules applied to this profile.
pub fn statin_context(
    agatston: f64,
    at_or_above_75th: Option<bool>,
    x: &StatinInputs,
) -> StatinContext {
    statin_context_reusing(agatston, at_or_above_75th, x, Vec::new())
}

/// What the 2018 AHA/ACC cholesterol guideline (Grundy 2019, [`GRUNDY_2018_SOURCE`]) decides for a
/// CAC score and profile, in its order of precedence: the age range of its CAC rules (40–75), the
/// groups that need no CAC (LDL-C ≥ 190 mg/dL, diabetes, 10-year risk ≥ 20 %), then CAC = 0 (with
/// its exceptions), CAC ≥ 100, CAC 1–99 at or above the 75th percentile, other CAC 1–99.
///
/// The one implementation of these rules: `assess`'s statement ([`statin_context`]) and
/// vascalc-program's statin item both come from [`statin_cac_rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum StatinCacRule {
    /// Age outside 40–75: the CAC rules do not cover it.
    OutsideAges,
    /// LDL-C ≥ 190 mg/dL: a high-intensity statin without risk assessment.
    Ldl190,
    /// Diabetes at 40–75: a moderate-intensity statin regardless of CAC.
    Diabetes,
    /// 10-year PCE risk ≥ 20 %: a statin; CAC is not needed to decide.
    HighRisk,
    /// CAC = 0: reasonable to withhold or defer a statin, unless current smoking or a family
    /// history of (premature) ASCVD, the guideline's exceptions.
    Zero { smoker: bool, family_history: bool },
    /// CAC ≥ 100: a statin is indicated.
    AtLeast100,
    /// CAC 1–99 at or above the 75th percentile for age, sex and race: a statin is indicated.
    Above75th,
    /// CAC 1–99 below the 75th percentile, or with no percentile: favours a statin, especially
    /// from age 55 (`age_55`).
    Mild { age_55: bool },
}

impl StatinCacRule {
    /// The guideline's statement for this rule, in words (informs; does not prescribe).
    pub fn statement(self) -> &'static str {
        match self {
            Self::OutsideAges => {
                "The guideline's CAC rules for statin decisions cover adults aged 40–75; this age \
                 is outside them."
            }
            Self::Ldl190 => {
                "LDL-C ≥ 190 mg/dL: the guideline recommends a high-intensity statin without risk \
                 assessment; CAC does not change that."
            }
            Self::Diabetes => {
                "Diabetes at age 40–75: the guideline recommends a moderate-intensity statin \
                 regardless of CAC; CAC is not used to withhold it."
            }
            Self::HighRisk => {
                "10-year ASCVD risk ≥ 20 % (high): the guideline recommends a statin; CAC is not \
                 needed to decide."
            }
            Self::Zero {
                smoker: false,
                family_history: false,
            } => {
                "CAC = 0: it is reasonable to withhold or defer a statin (unless diabetes, \
                 current smoking or a family history of premature ASCVD) and to reassess CAC in \
                 5–10 years."
            }
            Self::Zero {
                smoker: true,
                family_history: false,
            } => {
                "CAC = 0, but with current smoking: the guideline's exception applies, so CAC = 0 \
                 is not a reason to withhold a statin."
            }
            Self::Zero {
                smoker: false,
                family_history: true,
            } => {
                "CAC = 0, but with a family history of heart attack: the guideline's exception \
                 (premature ASCVD) may apply, so CAC = 0 is not by itself a reason to withhold a \
                 statin."
            }
            Self::Zero {
                smoker: true,
                family_history: true,
            } => {
                "CAC = 0, but with current smoking and a family history of heart attack: the \
                 guideline's exceptions apply, so CAC = 0 is not a reason to withhold a statin."
            }
            Self::AtLeast100 => {
                "CAC ≥ 100: a statin is indicated (unless deferred after a clinician–patient \
                 discussion)."
            }
            Self::Above75th => {
                "CAC 1–99 but ≥ 75th percentile for age, sex and race: a statin is indicated \
                 (unless deferred after a clinician–patient discussion)."
            }
            Self::Mild { age_55: true } => {
                "CAC 1–99: favours starting a statin, especially at age ≥ 55."
            }
            Self::Mild { age_55: false } => "CAC 1–99: favours starting a statin.",
        }
    }
}

/// The guideline's rule for a CAC score of `agatston` (a score ≤ 0 is CAC = 0) with the
/// percentile verdict `at_or_above_75th` (`None`: no percentile) and the rest of the profile;
/// see [`StatinCacRule`].
pub fn statin_cac_rule(
    agatston: f64,
    at_or_above_75th: Option<bool>,
    x: &StatinInputs,
) -> StatinCacRule {
    if !(40.0..=75.0).contains(&x.age) {
        StatinCacRule::OutsideAges
    } else if x.ldl_mg_dl.is_some_and(|l| l >= 190.0) {
        StatinCacRule::Ldl190
    } else if x.diabetes == Some(true) {
        StatinCacRule::Diabetes
    } else if x.pce_percent.is_some_and(|p| p >= 20.0) {
        StatinCacRule::HighRisk
    } else if agatston <= 0.0 {
        StatinCacRule::Zero {
            smoker: x.smoker == Some(true),
            family_history: x.family_history == Some(true),
        }
    } else if agatston >= 100.0 {
        StatinCacRule::AtLeast100
    } else if at_or_above_75th == Some(true) {
        StatinCacRule::Above75th
    } else {
        StatinCacRule::Mild {
            age_55: x.age >= 55.0,
        }
    }
}

/// [`statin_context`], with the caveats written into `caveats` (emptied first; a batch reuses
/// its memory).
fn statin_context_reusing(
    agatston: f64,
    at_or_above_75th: Option<bool>,
    x: &StatinInputs,
    mut caveats: Vec<&'static str>,
) -> StatinContext {
    caveats.clear();
    let rule = statin_cac_rule(agatston, at_or_above_75th, x);
    let in_ages = rule != StatinCacRule::OutsideAges;
    if in_ages {
        if x.ldl_mg_dl.is_none() {
            caveats.push("LDL-C not given: the CAC rules apply to LDL-C 70–189 mg/dL");
        } else if x.ldl_mg_dl.is_some_and(|l| l < 70.0) {
            caveats.push("LDL-C below 70 mg/dL: outside the 70–189 mg/dL the CAC rules cover");
        }
        match x.pce_percent {
            Some(p) if p < 5.0 => caveats.push(
                "10-year PCE risk < 5 % (low): the guideline uses CAC mainly at borderline \
                 (5–7.5 %) or intermediate (7.5–20 %) risk",
            ),
            None => caveats.push(
                "10-year PCE risk unknown: the guideline uses CAC when risk is borderline or \
                 intermediate",
            ),
            _ => {}
        }
        if agatston > 0.0 && agatston < 100.0 && at_or_above_75th.is_none() {
            caveats.push(
                "no percentile for this age/sex/race: the ≥ 75th percentile rule could not be \
                 checked",
            );
        }
        if x.family_history == Some(true) {
            caveats.push(
                "`family_history_mi` does not say whether the event was premature (the \
                 guideline's exception is premature ASCVD)",
            );
        }
        if x.on_statin == Some(true) {
            caveats.push("already on a statin");
        }
    }
    StatinContext {
        statement: rule.statement(),
        rule,
        caveats,
        source: GRUNDY_2018_SOURCE,
    }
}

/// Everything about one CAC score.
#[allow(clippy::too_many_arguments)]
pub fn interpret(
    agatston: f64,
    volume_mm3: Option<f64>,
    arteries: Option<&ArteryScores>,
    age: f64,
    sex: Sex,
    race: Option<Race>,
    statin_inputs: &StatinInputs,
) -> CacInterpretation {
    interpret_reusing(
        agatston,
        volume_mm3,
        arteries,
        age,
        sex,
        race,
        statin_inputs,
        Vec::new(),
    )
}

/// [`interpret`], with the statin caveats written into `caveats` (a batch reuses its memory).
#[allow(clippy::too_many_arguments)]
pub(crate) fn interpret_reusing(
    agatston: f64,
    volume_mm3: Option<f64>,
    arteries: Option<&ArteryScores>,
    age: f64,
    sex: Sex,
    race: Option<Race>,
    statin_inputs: &StatinInputs,
    caveats: Vec<&'static str>,
) -> CacInterpretation {
    let (pct, unavailable) = match percentile(agatston, age, sex, race) {
        Ok(p) => (Some(p), None),
        Err(why) => (None, Some(why)),
    };
    let above75 = pct.as_ref().map(|p| p.at_or_above_75th);
    CacInterpretation {
        agatston,
        category: category(agatston),
        cac_drs: cac_drs(agatston, arteries),
        percentile: pct,
        percentile_unavailable: unavailable,
        density: density(agatston, volume_mm3),
        arterial_age: arterial_age(agatston, age, statin_inputs.diabetes).ok(),
        statin_context: statin_context_reusing(agatston, above75, statin_inputs, caveats),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_drs() {
        assert_eq!(category(0.0).label, "zero");
        assert_eq!(category(99.9).label, "1-99");
        assert_eq!(category(100.0).label, "100-299");
        assert_eq!(category(300.0).label, "300+");
        let arteries = ArteryScores {
            lm: Some(0.0),
            lad: Some(80.0),
            lcx: Some(20.0),
            rca: Some(50.0),
        };
        assert_eq!(cac_drs(150.0, Some(&arteries)).code, "A2/N3");
        assert_eq!(cac_drs(150.0, None).code, "A2");
        assert_eq!(cac_drs(0.0, Some(&arteries)).code, "A0");
    }

    #[test]
    fn density_needs_volume() {
        assert!(density(100.0, None).is_none());
        assert!(density(100.0, Some(0.0)).is_none());
        let d = density(300.0, Some(100.0)).unwrap();
        assert!((d.mean_density - 3.0).abs() < 1e-12);
    }

    fn inputs() -> StatinInputs {
        StatinInputs {
            age: 60.0,
            ldl_mg_dl: Some(130.0),
            diabetes: Some(false),
            smoker: Some(false),
            family_history: Some(false),
            pce_percent: Some(9.0),
            on_statin: Some(false),
        }
    }

    /// Grundy 2018 (CAC = 0 / 1–99 / ≥ 100 or ≥ 75th percentile, exceptions for diabetes,
    /// smoking and family history of premature ASCVD).
    #[test]
    fn guideline_rules() {
        let x = inputs();
        assert!(
            statin_context(0.0, Some(false), &x)
                .statement
                .contains("withhold or defer")
        );
        let smoker = StatinInputs {
            smoker: Some(true),
            ..x
        };
        assert!(
            statin_context(0.0, Some(false), &smoker)
                .statement
                .contains("exception")
        );
        assert!(
            statin_context(50.0, Some(false), &x)
                .statement
                .starts_with("CAC 1–99")
        );
        assert!(
            statin_context(50.0, Some(true), &x)
                .statement
                .contains("indicated")
        );
        assert!(
            statin_context(150.0, Some(true), &x)
                .statement
                .contains("indicated")
        );
        let diabetic = StatinInputs {
            diabetes: Some(true),
            ..x
        };
        assert!(
            statin_context(0.0, None, &diabetic)
                .statement
                .contains("regardless")
        );
        let old = StatinInputs { age: 80.0, ..x };
        assert!(
            statin_context(0.0, None, &old)
                .statement
                .contains("outside")
        );
    }

    /// Grundy 2018's CAC boundaries: a score of 0 is CAC = 0, anything above it and below 100 is
    /// 1–99 (at or above the 75th percentile, or not), 100 is ≥ 100; the statement is the rule's.
    #[test]
    fn rule_boundaries() {
        let x = inputs();
        let rule = |a: f64, p: Option<bool>| statin_cac_rule(a, p, &x);
        assert_eq!(
            rule(0.0, Some(false)),
            StatinCacRule::Zero {
                smoker: false,
                family_history: false
            }
        );
        assert_eq!(rule(1.0, Some(false)), StatinCacRule::Mild { age_55: true });
        assert_eq!(rule(99.0, None), StatinCacRule::Mild { age_55: true });
        assert_eq!(rule(99.0, Some(true)), StatinCacRule::Above75th);
        assert_eq!(rule(100.0, Some(false)), StatinCacRule::AtLeast100);
        let young = StatinInputs { age: 54.0, ..x };
        assert_eq!(
            statin_cac_rule(50.0, Some(false), &young),
            StatinCacRule::Mild { age_55: false }
        );
        let ctx = statin_context(100.0, None, &x);
        assert_eq!(ctx.rule, StatinCacRule::AtLeast100);
        assert_eq!(ctx.statement, StatinCacRule::AtLeast100.statement());
    }
}
