//! Clinical calculators: risk equations, CAC interpretation, progression, kidney function.
//!
//! No I/O. Every number carries the source it comes from; a model whose inputs are missing or
//! outside its validated ranges lists itself in [`Assessment::not_applicable`] with the reason
//! and the range, and never extrapolates.
//!
//! # Entry points
//!
//! - [`Profile`]: the shared profile vocabulary (serde; canonical US units, SI alternatives
//!   converted on input, implausible values rejected with a unit hint). Build one in code with
//!   [`Profile::new`] and check it with [`Profile::validate`]; deserialising validates.
//! - [`Scan`]: one dated scan, `{"date":"YYYY-MM-DD","agatston":…,"volume_mm3":…}`.
//! - [`assess`]`(&Profile, &Options) -> Assessment`: everything at once; serialises to
//!   `{"risks":[…],"cac":{…},"kidney":{…},"progression":{…},"not_applicable":[…]}`.
//! - [`progression::progression`]`(&[Scan], &Subject)`: progression on its own, from dated
//!   scans plus age, sex and race.
//! - [`kidney::egfr_ckd_epi_2021_cr`] / [`kidney::egfr_ckd_epi_2021_cr_cys`] (also
//!   [`Profile::egfr`]): eGFR by CKD-EPI 2021.
//! - The equations one by one: [`pce::pce_2013`], [`pce::pce_2018`], [`prevent::prevent_all`]
//!   (and the optional models, [`prevent::prevent_all_with`]),
//!   [`mesa::mesa_chd`], [`mesa::mesa_chd_with_cac`], [`percentile::percentile`],
//!   [`arterial_age::arterial_age`], [`cac::interpret`].
//! - [`BatchLine`] (one line of `assess --batch`, with its optional `id`) and [`table`] (the
//!   research-cohort table: CSV or compact JSON Lines rows and their codebook).

pub mod arterial_age;
pub mod cac;
pub mod date;
pub mod kidney;
pub mod mesa;
pub mod pce;
pub mod percentile;
pub mod prevent;
pub mod profile;
pub mod progression;
mod ranges;
pub mod table;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

pub use crate::cac::CacInterpretation;
pub use crate::date::Date;
pub use crate::kidney::Kidney;
pub use crate::pce::PceCoefficients;
pub use crate::profile::{
    ArteryScores, BatchId, BatchLine, Profile, ProfileError, Race, Scan, Sex,
};
pub use crate::progression::{Progression, Subject};
pub use crate::ranges::OutOfRange;

/// Choices that change results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Options {
    /// Which precision of the 2013 PCE coefficients to use (default: the guideline's Table A).
    #[serde(default)]
    pub pce_coefficients: PceCoefficients,
}

/// One risk estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    /// `pce_2013`, `pce_2018`, `prevent_2023`, `mesa_chd_2015`.
    pub model: &'static str,
    /// e.g. `ascvd_10y`, `cvd_30y`, `chd_10y_with_cac`.
    pub outcome: &'static str,
    /// Risk in percent (0–100), unrounded.
    pub percent: f64,
    /// The coefficient set used, e.g. `guideline`, `calculator`; for `prevent_2023` the model:
    /// `base`, `uacr` (base + ln UACR) or `hba1c` (base + HbA1c).
    pub coefficients: &'static str,
    pub source: &'static str,
    /// The same identity as numbers, for the batch table (placing every risk of every row by
    /// comparing the string ids was a measurable part of its cost).
    #[serde(skip)]
    pub(crate) slot: Slot,
}

/// Which output a [`Risk`] is, as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Pce2013,
    Pce2018,
    /// PREVENT: the coefficient set (0 `base`, 1 `uacr`, 2 `hba1c`) and the outcome (0–5:
    /// `cvd_10y`, `ascvd_10y`, `hf_10y`, `cvd_30y`, `ascvd_30y`, `hf_30y`).
    Prevent(u8, u8),
    MesaChd,
    MesaChdWithCac,
}

/// A model that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotApplicable {
    pub model: &'static str,
    pub reason: Reason,
}

/// Why a model was not applied: words, or values outside the model's ranges (kept as values,
/// written as text when shown; serialised as a string either way).
// The range variant is a few hundred bytes, kept inline: a box would cost an allocation per
// refused model, which is what this type exists to avoid in `assess --batch`.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    Text(Cow<'static, str>),
    OutOfRange(OutOfRange),
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Text(t) => f.write_str(t),
            Reason::OutOfRange(o) => o.fmt(f),
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Reason::Text(t) => serializer.serialize_str(t),
            Reason::OutOfRange(o) => serializer.collect_str(o),
        }
    }
}

impl From<&'static str> for Reason {
    fn from(t: &'static str) -> Self {
        Reason::Text(t.into())
    }
}

impl From<String> for Reason {
    fn from(t: String) -> Self {
        Reason::Text(t.into())
    }
}

impl From<Cow<'static, str>> for Reason {
    fn from(t: Cow<'static, str>) -> Self {
        Reason::Text(t)
    }
}

impl From<OutOfRange> for Reason {
    fn from(o: OutOfRange) -> Self {
        Reason::OutOfRange(o)
    }
}

/// The result of [`assess`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Assessment {
    pub risks: Vec<Risk>,
    /// CAC interpretation of the current score (`cac_agatston`, or the most recent scan).
    pub cac: Option<CacInterpretation>,
    pub kidney: Option<Kidney>,
    /// Progression across `scans` (when at least one is given).
    pub progression: Option<Progression>,
    pub not_applicable: Vec<NotApplicable>,
}

/// Missing-field collector.
struct Need<'a> {
    missing: Vec<&'a str>,
}

impl<'a> Need<'a> {
    fn new() -> Self {
        Self {
            missing: Vec::new(),
        }
    }
    fn get<T: Copy>(&mut self, v: Option<T>, name: &'a str) -> Option<T> {
        if v.is_none() {
            self.missing.push(name);
        }
        v
    }
    fn reason(&self) -> Reason {
        format!("missing input: {}", self.missing.join(", ")).into()
    }
}

/// The PREVENT outcome ids, in the order of [`Slot::Prevent`].
const PREVENT_OUTCOMES: [&str; 6] = [
    "cvd_10y",
    "ascvd_10y",
    "hf_10y",
    "cvd_30y",
    "ascvd_30y",
    "hf_30y",
];

/// Appends the risks of one PREVENT model (heart failure only when `hf`; 30-year risks when
/// computed). `set`: 0 base, 1 uacr, 2 hba1c (see [`Slot::Prevent`]).
fn push_prevent(
    risks: &mut Vec<Risk>,
    r: &prevent::PreventRisks,
    hf: bool,
    (set, coefficients, source): (u8, &'static str, &'static str),
) {
    let mut push = |k: u8, v: f64| {
        risks.push(Risk {
            model: "prevent_2023",
            outcome: PREVENT_OUTCOMES[usize::from(k)],
            percent: v * 100.0,
            coefficients,
            source,
            slot: Slot::Prevent(set, k),
        })
    };
    push(0, r.cvd_10y);
    push(1, r.ascvd_10y);
    if hf {
        push(2, r.hf_10y);
    }
    if let Some([c, a, h]) = r.thirty {
        push(3, c);
        push(4, a);
        if hf {
            push(5, h);
        }
    }
}

/// Assesses a profile: every model that applies, the CAC interpretation, kidney function and
/// progression. The profile is assumed valid ([`Profile::validate`]; deserialising checks it).
pub fn assess(p: &Profile, options: &Options) -> Assessment {
    let mut a = Assessment::default();
    assess_into(p, options, &mut a);
    a
}

/// [`assess`] into `out`, replacing what it held but keeping the memory of its lists: a batch
/// reuses one assessment for every profile.
pub fn assess_into(p: &Profile, options: &Options, out: &mut Assessment) {
    let mut risks = std::mem::take(&mut out.risks);
    risks.clear();
    risks.reserve(24);
    let mut na = std::mem::take(&mut out.not_applicable);
    na.clear();
    // The kidney block holds the eGFR as given or computed (the same value as `Profile::egfr`),
    // so the CKD-EPI equations run once.
    let kidney = kidney::kidney(
        p.egfr_ml_min_1_73m2,
        p.creatinine_mg_dl,
        p.cystatin_c_mg_l,
        p.uacr_mg_g,
        p.age,
        p.sex,
        p.diabetes,
    );
    let egfr = kidney.as_ref().map(|k| k.egfr_ml_min_1_73m2);

    // Pooled Cohort Equations (2013 and 2018 revision).
    let mut need = Need::new();
    let race = need.get(p.race, "race");
    let tc = need.get(p.total_cholesterol_mg_dl, "total_cholesterol_mg_dl");
    let hdl = need.get(p.hdl_mg_dl, "hdl_mg_dl");
    let sbp = need.get(p.systolic_bp_mm_hg, "systolic_bp_mm_hg");
    let bp_treated = need.get(p.bp_treated, "bp_treated");
    let smoker = need.get(p.smoker, "smoker");
    let diabetes = need.get(p.diabetes, "diabetes");
    let mut pce_percent = None;
    match (race, tc, hdl, sbp, bp_treated, smoker, diabetes) {
        (Some(race), Some(tc), Some(hdl), Some(sbp), Some(bp_treated), Some(smoker), Some(dm)) => {
            let x = pce::PceInput {
                age: p.age,
                sex: p.sex,
                black: pce::pce_black(Some(race)),
                total_cholesterol: tc,
                hdl,
                systolic_bp: sbp,
                bp_treated,
                smoker,
                diabetes: dm,
            };
            if let Some(why) = pce::pce_out_of_range(&x) {
                na.push(NotApplicable {
                    model: "pce_2013",
                    reason: why.into(),
                });
                na.push(NotApplicable {
                    model: "pce_2018",
                    reason: "outside the ranges of the Pooled Cohort Equations (the reason is \
                             given for pce_2013)"
                        .into(),
                });
            } else {
                let c = options.pce_coefficients;
                let r = pce::pce_2013(&x, c) * 100.0;
                pce_percent = Some(r);
                risks.push(Risk {
                    model: "pce_2013",
                    outcome: "ascvd_10y",
                    percent: r,
                    coefficients: c.as_str(),
                    source: pce::PCE_2013_SOURCE,
                    slot: Slot::Pce2013,
                });
                risks.push(Risk {
                    model: "pce_2018",
                    outcome: "ascvd_10y",
                    percent: pce::pce_2018(&x) * 100.0,
                    coefficients: "yadlowsky_2018",
                    source: pce::PCE_2018_SOURCE,
                    slot: Slot::Pce2018,
                });
            }
        }
        _ => {
            for model in ["pce_2013", "pce_2018"] {
                na.push(NotApplicable {
                    model,
                    reason: need.reason(),
                });
            }
        }
    }

    // PREVENT base model.
    let mut need = Need::new();
    let tc = need.get(p.total_cholesterol_mg_dl, "total_cholesterol_mg_dl");
    let hdl = need.get(p.hdl_mg_dl, "hdl_mg_dl");
    let sbp = need.get(p.systolic_bp_mm_hg, "systolic_bp_mm_hg");
    let bp_treated = need.get(p.bp_treated, "bp_treated");
    let statin = need.get(p.statin, "statin");
    let smoker = need.get(p.smoker, "smoker");
    let diabetes = need.get(p.diabetes, "diabetes");
    let e = need.get(egfr, "egfr_ml_min_1_73m2 (or creatinine_mg_dl)");
    match (tc, hdl, sbp, bp_treated, statin, smoker, diabetes, e) {
        (
            Some(tc),
            Some(hdl),
            Some(sbp),
            Some(bp_treated),
            Some(statin),
            Some(smoker),
            Some(diabetes),
            Some(egfr),
        ) => {
            // BMI enters only the heart-failure equations (its weight is exactly 0 in the CVD
            // and ASCVD ones), so without a usable BMI the CVD/ASCVD risks are still exact and
            // only HF is refused.
            let hf_refusal: Option<Cow<'static, str>> = match p.bmi {
                None => Some("heart failure: missing input: bmi".into()),
                Some(b) if !(prevent::PREVENT_BMI.0..=prevent::PREVENT_BMI.1).contains(&b) => Some(
                    format!(
                        "heart failure: BMI {b} kg/m² is outside 18.5–39.9, the range the \
                             HF equations are valid for"
                    )
                    .into(),
                ),
                Some(_) => None,
            };
            let bmi = p.bmi.filter(|_| hf_refusal.is_none()).unwrap_or(25.0);
            let x = prevent::PreventInput {
                age: p.age,
                sex: p.sex,
                total_cholesterol: tc,
                hdl,
                systolic_bp: sbp,
                bp_treated,
                statin,
                smoker,
                diabetes,
                bmi,
                egfr,
            };
            if let Some(why) = prevent::prevent_out_of_range(&x) {
                na.push(NotApplicable {
                    model: "prevent_2023",
                    reason: why.into(),
                });
            } else {
                let hf = hf_refusal.is_none();
                let r = prevent::prevent_all(&x);
                push_prevent(&mut risks, &r, hf, (0, "base", prevent::PREVENT_SOURCE));
                if r.thirty.is_none() {
                    na.push(NotApplicable {
                        model: "prevent_2023",
                        reason: "30-year risks: only for ages 30–59, the ages the 30-year \
                                 equations are valid for"
                            .into(),
                    });
                }
                if let Some(reason) = hf_refusal {
                    na.push(NotApplicable {
                        model: "prevent_2023",
                        reason: reason.into(),
                    });
                }
                // The optional models, each when its predictor is given (a profile without
                // UACR or HbA1c gets the base model only, and no line about it); the same
                // outcomes, ages and heart-failure rule as the base model.
                let added = [
                    p.uacr_mg_g.map(prevent::Added::Uacr),
                    p.hba1c_pct.map(prevent::Added::Hba1c),
                ];
                for added in added.into_iter().flatten() {
                    match added.out_of_range() {
                        Some(why) => na.push(NotApplicable {
                            model: "prevent_2023",
                            reason: why.into(),
                        }),
                        None => {
                            let set = match added {
                                prevent::Added::Uacr(_) => 1,
                                prevent::Added::Hba1c(_) => 2,
                            };
                            let r = prevent::prevent_all_with(&x, added);
                            let id = (set, added.coefficients(), added.source());
                            push_prevent(&mut risks, &r, hf, id);
                        }
                    }
                }
            }
        }
        _ => na.push(NotApplicable {
            model: "prevent_2023",
            reason: need.reason(),
        }),
    }

    // The current CAC score: `cac_agatston`, else the most recent scan.
    let latest = p.scans.iter().max_by_key(|s| s.date);
    let (cac_score, cac_volume) = match p.cac_agatston {
        Some(a) => (Some(a), p.cac_volume_mm3),
        None => (
            latest.map(|s| s.agatston),
            latest.and_then(|s| s.volume_mm3),
        ),
    };

    // MESA CHD.
    let mut need = Need::new();
    let tc = need.get(p.total_cholesterol_mg_dl, "total_cholesterol_mg_dl");
    let hdl = need.get(p.hdl_mg_dl, "hdl_mg_dl");
    let sbp = need.get(p.systolic_bp_mm_hg, "systolic_bp_mm_hg");
    let bp_treated = need.get(p.bp_treated, "bp_treated");
    let statin = need.get(p.statin, "statin");
    let smoker = need.get(p.smoker, "smoker");
    let diabetes = need.get(p.diabetes, "diabetes");
    let fh = need.get(p.family_history_mi, "family_history_mi");
    let range = mesa::mesa_out_of_range(p.age, p.race);
    match (
        range, tc, hdl, sbp, bp_treated, statin, smoker, diabetes, fh, p.race,
    ) {
        (Some(why), ..) => na.push(NotApplicable {
            model: "mesa_chd_2015",
            reason: why.into(),
        }),
        (
            None,
            Some(tc),
            Some(hdl),
            Some(sbp),
            Some(bp_treated),
            Some(statin),
            Some(smoker),
            Some(diabetes),
            Some(fh),
            Some(race),
        ) => {
            let x = mesa::MesaInput {
                age: p.age,
                sex: p.sex,
                race,
                diabetes,
                smoker,
                total_cholesterol: tc,
                hdl,
                statin,
                systolic_bp: sbp,
                bp_treated,
                family_history_mi: fh,
            };
            risks.push(Risk {
                model: "mesa_chd_2015",
                outcome: "chd_10y",
                percent: mesa::mesa_chd(&x) * 100.0,
                coefficients: "without_cac",
                source: mesa::MESA_CHD_SOURCE,
                slot: Slot::MesaChd,
            });
            match cac_score {
                Some(cac) => risks.push(Risk {
                    model: "mesa_chd_2015",
                    outcome: "chd_10y_with_cac",
                    percent: mesa::mesa_chd_with_cac(&x, cac) * 100.0,
                    coefficients: "with_cac",
                    source: mesa::MESA_CHD_SOURCE,
                    slot: Slot::MesaChdWithCac,
                }),
                None => na.push(NotApplicable {
                    model: "mesa_chd_2015",
                    reason: "chd_10y_with_cac: missing input: cac_agatston (or scans)".into(),
                }),
            }
        }
        (None, ..) => na.push(NotApplicable {
            model: "mesa_chd_2015",
            reason: need.reason(),
        }),
    }

    let caveats = out
        .cac
        .take()
        .map(|c| c.statin_context.caveats)
        .unwrap_or_default();
    let cac = cac_score.map(|a| {
        let arteries = if p.cac_agatston.is_some() {
            p.cac_arteries.as_ref()
        } else {
            None
        };
        cac::interpret_reusing(
            a,
            cac_volume,
            arteries,
            p.age,
            p.sex,
            p.race,
            &cac::StatinInputs {
                age: p.age,
                ldl_mg_dl: p.ldl_mg_dl,
                diabetes: p.diabetes,
                smoker: p.smoker,
                family_history: p.family_history_mi,
                pce_percent,
                on_statin: p.statin,
            },
            caveats,
        )
    });
    // The refusal behind `cac.arterial_age` being absent (see `cac::interpret`).
    if cac.is_some()
        && let Some(why) = arterial_age::refusal(p.diabetes)
    {
        na.push(NotApplicable {
            model: arterial_age::MODEL,
            reason: why.into(),
        });
    }

    let progression = if p.scans.is_empty() {
        None
    } else {
        let subject = Subject {
            age_at_last_scan: p.age,
            sex: p.sex,
            race: p.race,
            diabetes: p.diabetes,
        };
        match progression::progression_reusing(&p.scans, &subject, out.progression.take()) {
            Ok(prog) => Some(prog),
            Err(e) => {
                na.push(NotApplicable {
                    model: "progression",
                    reason: e.to_string().into(),
                });
                None
            }
        }
    };

    // Field by field: building the whole struct first costs a copy of it.
    out.risks = risks;
    out.cac = cac;
    out.kidney = kidney;
    out.progression = progression;
    out.not_applicable = na;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Profile {
        serde_json::from_str(
            r#"{"age":55,"sex":"male","race":"white","total_cholesterol_mg_dl":213,
                "hdl_mg_dl":50,"systolic_bp_mm_hg":120,"bp_treated":false,"smoker":false,
                "diabetes":false,"statin":false,"family_history_mi":false,"bmi":27,
                "creatinine_mg_dl":0.9,"cac_agatston":40,"cac_volume_mm3":20,
                "scans":[{"date":"2019-03-01","agatston":20},{"date":"2023-03-01","agatston":40}]}"#,
        )
        .unwrap()
    }

    /// Reusing one assessment leaves nothing of the previous profile behind.
    #[test]
    fn assess_into_replaces_everything() {
        let sparse: Profile = serde_json::from_str(r#"{"age":35,"sex":"female"}"#).unwrap();
        let mut scratch = assess(&full(), &Options::default());
        assess_into(&sparse, &Options::default(), &mut scratch);
        assert_eq!(scratch, assess(&sparse, &Options::default()));
        assess_into(&full(), &Options::default(), &mut scratch);
        assert_eq!(scratch, assess(&full(), &Options::default()));
        // Longer lists first (diabetes: one more rescan basis and caveat), then shorter ones.
        let mut zero = full();
        zero.diabetes = Some(true);
        zero.ldl_mg_dl = None;
        zero.cac_agatston = Some(0.0);
        zero.scans[1].agatston = 0.0;
        zero.scans[0].agatston = 0.0;
        assess_into(&zero, &Options::default(), &mut scratch);
        assert_eq!(scratch, assess(&zero, &Options::default()));
        assess_into(&full(), &Options::default(), &mut scratch);
        assert_eq!(scratch, assess(&full(), &Options::default()));
    }

    #[test]
    fn full_profile_gets_every_model() {
        let a = assess(&full(), &Options::default());
        let ids: Vec<(&str, &str)> = a.risks.iter().map(|r| (r.model, r.outcome)).collect();
        for want in [
            ("pce_2013", "ascvd_10y"),
            ("pce_2018", "ascvd_10y"),
            ("prevent_2023", "cvd_10y"),
            ("prevent_2023", "hf_30y"),
            ("mesa_chd_2015", "chd_10y"),
            ("mesa_chd_2015", "chd_10y_with_cac"),
        ] {
            assert!(ids.contains(&want), "{want:?} missing from {ids:?}");
        }
        // Goff 2013 Table A example: White man → 5.3 % (5.38 at full precision).
        let pce = &a.risks[0];
        assert_eq!(pce.coefficients, "guideline");
        assert!((pce.percent - 5.38).abs() < 0.005);
        assert!(a.cac.is_some() && a.kidney.is_some() && a.progression.is_some());
        let json = serde_json::to_value(&a).unwrap();
        for key in ["risks", "cac", "kidney", "progression", "not_applicable"] {
            assert!(json.get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn missing_inputs_are_named() {
        let p = Profile::new(50.0, Sex::Female);
        let a = assess(&p, &Options::default());
        assert!(a.risks.is_empty());
        let prevent = a
            .not_applicable
            .iter()
            .find(|n| n.model == "prevent_2023")
            .unwrap();
        assert!(
            prevent.reason.to_string().contains("statin"),
            "{}",
            prevent.reason
        );
        assert!(a.cac.is_none() && a.kidney.is_none() && a.progression.is_none());
    }

    #[test]
    fn out_of_range_is_refused_with_the_range() {
        let mut p = full();
        p.age = 82.0;
        let a = assess(&p, &Options::default());
        assert!(a.risks.iter().all(|r| r.model == "mesa_chd_2015"));
        let pce = a
            .not_applicable
            .iter()
            .find(|n| n.model == "pce_2013")
            .unwrap();
        assert!(pce.reason.to_string().contains("40–79"), "{}", pce.reason);
        let prevent = a
            .not_applicable
            .iter()
            .find(|n| n.model == "prevent_2023")
            .unwrap();
        assert!(prevent.reason.to_string().contains("30–79"));
    }

    /// The optional PREVENT models run when their predictor is given and in range: the same
    /// outcomes as the base model, tagged `uacr` / `hba1c`, each with its own source; outside
    /// the range one line says why; absent, nothing is added.
    #[test]
    fn prevent_optional_models() {
        let prevent_sets = |a: &Assessment| -> Vec<(&str, &str)> {
            a.risks
                .iter()
                .filter(|r| r.model == "prevent_2023")
                .map(|r| (r.coefficients, r.outcome))
                .collect()
        };
        let base = assess(&full(), &Options::default());
        assert_eq!(prevent_sets(&base).len(), 6);
        assert!(prevent_sets(&base).iter().all(|(c, _)| *c == "base"));
        assert!(
            base.not_applicable
                .iter()
                .all(|n| n.model != "prevent_2023")
        );

        let mut p = full();
        p.uacr_mg_g = Some(45.0);
        p.hba1c_pct = Some(6.1);
        let a = assess(&p, &Options::default());
        let sets = prevent_sets(&a);
        assert_eq!(sets.len(), 18);
        for c in ["base", "uacr", "hba1c"] {
            let outcomes: Vec<&str> = sets.iter().filter(|s| s.0 == c).map(|s| s.1).collect();
            assert_eq!(
                outcomes,
                [
                    "cvd_10y",
                    "ascvd_10y",
                    "hf_10y",
                    "cvd_30y",
                    "ascvd_30y",
                    "hf_30y"
                ]
            );
        }
        let src = |c: &str| {
            a.risks
                .iter()
                .find(|r| r.coefficients == c)
                .map(|r| r.source)
                .unwrap()
        };
        assert!(src("uacr").contains("S12B") && src("hba1c").contains("S12C"));
        // Albuminuria raises the estimate above the base model's for the same person.
        let pick = |c: &str| {
            a.risks
                .iter()
                .find(|r| r.coefficients == c && r.outcome == "cvd_10y")
                .unwrap()
                .percent
        };
        assert!(
            pick("uacr") > pick("base"),
            "{} vs {}",
            pick("uacr"),
            pick("base")
        );

        p.hba1c_pct = Some(4.2);
        p.uacr_mg_g = Some(0.0);
        let a = assess(&p, &Options::default());
        assert_eq!(prevent_sets(&a).len(), 6);
        let why: Vec<String> = a
            .not_applicable
            .iter()
            .filter(|n| n.model == "prevent_2023")
            .map(|n| n.reason.to_string())
            .collect();
        assert_eq!(why.len(), 2, "{why:?}");
        assert!(
            why[0].contains("UACR 0 mg/g is outside 0.1–25000"),
            "{why:?}"
        );
        assert!(why[1].contains("HbA1c 4.2 % is outside 4.5–15"), "{why:?}");

        // Over 59 and without BMI: the optional models give 10-year CVD and ASCVD only, and the
        // base model's lines (30-year ages, HF input) are not repeated.
        let mut old = full();
        old.age = 65.0;
        old.bmi = None;
        old.hba1c_pct = Some(7.0);
        let a = assess(&old, &Options::default());
        assert_eq!(
            prevent_sets(&a),
            [
                ("base", "cvd_10y"),
                ("base", "ascvd_10y"),
                ("hba1c", "cvd_10y"),
                ("hba1c", "ascvd_10y")
            ]
        );
        assert_eq!(
            a.not_applicable
                .iter()
                .filter(|n| n.model == "prevent_2023")
                .count(),
            2
        );
        let mut scratch = assess(&p, &Options::default());
        assess_into(&old, &Options::default(), &mut scratch);
        assert_eq!(scratch, a);
    }

    /// BMI weighs 0 in PREVENT's CVD and ASCVD equations: without it they are still given, and
    /// only heart failure is refused.
    #[test]
    fn prevent_without_bmi_refuses_only_heart_failure() {
        let mut p = full();
        let with = assess(&p, &Options::default());
        p.bmi = None;
        let without = assess(&p, &Options::default());
        let get = |a: &Assessment, o: &str| {
            a.risks
                .iter()
                .find(|r| r.model == "prevent_2023" && r.outcome == o)
                .map(|r| r.percent)
        };
        assert_eq!(get(&with, "cvd_10y"), get(&without, "cvd_10y"));
        assert_eq!(get(&with, "ascvd_30y"), get(&without, "ascvd_30y"));
        assert!(get(&without, "hf_10y").is_none() && get(&without, "hf_30y").is_none());
        assert!(
            without
                .not_applicable
                .iter()
                .any(|n| n.reason.to_string().contains("heart failure"))
        );
        p.bmi = Some(45.0);
        let out = assess(&p, &Options::default());
        assert_eq!(out.kidney.as_ref().map(|k| k.egfr_ml_min_1_73m2), p.egfr());
        assert!(get(&out, "hf_10y").is_none() && get(&out, "cvd_10y").is_some());
    }

    #[test]
    fn calculator_coefficients_are_named() {
        let a = assess(
            &full(),
            &Options {
                pce_coefficients: PceCoefficients::Calculator,
            },
        );
        assert_eq!(a.risks[0].coefficients, "calculator");
    }
}
