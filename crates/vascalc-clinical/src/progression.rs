//! CAC progression between dated scans: absolute and annualised change, annualised percent, the
//! square-root method (Hokanson), the >15 %/year rule (Raggi), incident CAC from zero, the change
//! expected from MESA cohort data, and when to rescan.
//!
//! Usable on its own: [`progression`] takes a list of scans and a [`Subject`] (age at the most
//! recent scan, sex, race, diabetes).

use serde::{Deserialize, Serialize};

use crate::date::{Date, DateExt};
use crate::profile::{ProfileError, Race, Scan, Sex, validate_scans};

pub const HOKANSON_SOURCE: &str = "Hokanson JE et al. AJR Am J Roentgenol 2004;182(5):1327-1332, \
doi:10.2214/ajr.182.5.1821327 (square-root method: sqrt(CAC2) - sqrt(CAC1) >= 2.5)";
pub const RAGGI_SOURCE: &str = "Raggi P, Callister TQ, Shaw LJ. Arterioscler Thromb Vasc Biol \
2004;24(7):1272-1277, PMID 15059806 (progression > 15 %/year)";
pub const KRONMAL_SOURCE: &str = "Kronmal RA et al. (MESA CAC progression) Circulation \
2007;115(21):2722-2730, doi:10.1161/CIRCULATIONAHA.106.674143";
pub const DZAYE_SOURCE: &str = "Dzaye O et al. Warranty Period of a Calcium Score of Zero: \
Comprehensive Analysis From MESA, JACC Cardiovasc Imaging 2021;14(5):990-1002, \
doi:10.1016/j.jcmg.2020.06.048";
pub const GRUNDY_SOURCE: &str = crate::cac::GRUNDY_2018_SOURCE;
pub const CALLISTER_SOURCE: &str = "Callister TQ et al. Radiology 1998;208(3):807-814, \
doi:10.1148/radiology.208.3.9722864 (repeat scans: median change 15 % for total Agatston scores, \
9 % for volume scores)";
pub const RECONSTRUCTION_SOURCE: &str = "Variation of the coronary calcium score depending on \
image reconstruction interval and scoring algorithm. Invest Radiol 2002;37(9):496-502, \
doi:10.1097/00004424-200209000-00004 (median Agatston 125.8-216.2 across reconstructions of the \
same scans)";
pub const MCCOLLOUGH_SOURCE: &str = "McCollough CH et al. Radiology 2007;243(2):527-538, \
doi:10.1148/radiol.2432050808 (standard for calcium scoring across scanners and protocols)";

/// Intervals shorter than this many years make an annualised change unreliable.
pub const SHORT_INTERVAL_YEARS: f64 = 1.0;

/// Who the scans belong to.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    /// Age in years at the most recent scan.
    pub age_at_last_scan: f64,
    pub sex: Sex,
    #[serde(default)]
    pub race: Option<Race>,
    #[serde(default)]
    pub diabetes: Option<bool>,
}

/// The `progression` block of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progression {
    /// The scans in date order.
    pub scans: Vec<Scan>,
    /// Change between each pair of consecutive scans.
    pub consecutive: Vec<Change>,
    /// Change from the first to the last scan (when there are at least two scans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_to_last: Option<Change>,
    pub next_scan: NextScan,
}

/// Change between two scans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub from: Date,
    pub to: Date,
    pub years: f64,
    pub baseline: f64,
    pub follow_up: f64,
    /// Follow-up − baseline, Agatston units.
    pub absolute_change: f64,
    /// Absolute change per year.
    pub annualised_change: f64,
    /// Linear annualised percent, (C2 − C1) / C1 / years × 100; absent when the baseline is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annualised_percent: Option<f64>,
    /// Compound annualised percent, ((C2 / C1)^(1/years) − 1) × 100; absent when a score is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annualised_percent_compound: Option<f64>,
    /// √C2 − √C1.
    pub sqrt_difference: f64,
    /// Hokanson: progression when √C2 − √C1 ≥ 2.5.
    pub sqrt_rule_progression: bool,
    /// Raggi: progression when the linear annualised change exceeds 15 %/year; absent when the
    /// baseline is 0 (use `incident`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raggi_rule_progression: Option<bool>,
    /// CAC 0 at baseline and > 0 at follow-up.
    pub incident: bool,
    /// Volume change (mm³) when both scans give a volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_change_mm3: Option<f64>,
    pub expected: Expected,
    /// Reasons to read this change with caution (a short interval, a falling score); empty when
    /// there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cautions: Vec<Caution>,
    pub sources: &'static [&'static str],
}

/// Why a change between two scans should not be taken at face value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Caution {
    /// `short_interval` (scans less than a year apart: annualised figures unreliable) or
    /// `score_fell` (the follow-up score is lower: likely a measurement or data-entry
    /// difference, not regression).
    pub kind: &'static str,
    pub message: String,
    pub sources: &'static [&'static str],
}

/// The change MESA data lead one to expect, and how the observed change compares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expected {
    /// What the cohort data say, in words.
    pub description: &'static str,
    /// Baseline > 0: the MESA median annual change used (AU/year; 14 women, 21 men).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_annual_change: Option<f64>,
    /// Expected follow-up score (baseline > 0: baseline + MESA median annual change × years).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_follow_up: Option<f64>,
    /// Baseline 0: probability of detectable CAC by the follow-up date at the MESA average
    /// incidence (6.6 %/year).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability_incident: Option<f64>,
    /// `above`, `within` or `below`; `unreliable` when the scans are less than a year apart
    /// (see the change's `cautions`).
    pub comparison: &'static str,
    pub method: &'static str,
    pub source: &'static str,
}

impl Expected {
    /// Whether the observed change was compared with the expected one (not when the scans are
    /// less than a year apart: see the change's cautions).
    pub fn is_compared(&self) -> bool {
        self.comparison != UNRELIABLE
    }
}

/// When to scan again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextScan {
    /// Earliest date the cited sources support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest: Option<Date>,
    /// Latest date of the cited window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<Date>,
    pub basis: Vec<&'static str>,
    pub sources: &'static [&'static str],
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProgressionError {
    #[error("no scans: give at least one dated scan")]
    NoScans,
    #[error(transparent)]
    Scan(#[from] ProfileError),
}

/// MESA (Kronmal 2007): median annual change among participants with CAC > 0 at baseline,
/// 14 AU (women) and 21 AU (men); incident CAC 6.6 %/year on average.
const MESA_MEDIAN_ANNUAL_CHANGE_WOMEN: f64 = 14.0;
const MESA_MEDIAN_ANNUAL_CHANGE_MEN: f64 = 21.0;
const MESA_INCIDENCE_PER_YEAR: f64 = 0.066;
/// Hokanson: √C2 − √C1 at or above this is progression (and an observed score this far from the
/// expected one on the square-root scale is above or below it).
pub const SQRT_THRESHOLD: f64 = 2.5;
/// Raggi: a linear annualised change above this many percent a year is progression.
pub const RAGGI_PERCENT_PER_YEAR: f64 = 15.0;
/// [`Expected::comparison`] when the scans are less than a year apart.
pub const UNRELIABLE: &str = "unreliable";

fn change(a: &Scan, b: &Scan, subject: &Subject) -> Change {
    let years = a.date.years_until(b.date);
    let (c1, c2) = (a.agatston, b.agatston);
    let absolute = c2 - c1;
    let annual = absolute / years;
    let pct = (c1 > 0.0).then(|| absolute / c1 / years * 100.0);
    let compound = (c1 > 0.0 && c2 > 0.0).then(|| ((c2 / c1).powf(1.0 / years) - 1.0) * 100.0);
    let sqrt_diff = c2.sqrt() - c1.sqrt();
    let incident = c1 <= 0.0 && c2 > 0.0;
    let expected = if c1 <= 0.0 {
        let p = 1.0 - (1.0 - MESA_INCIDENCE_PER_YEAR).powf(years);
        Expected {
            description: "From CAC 0, MESA participants developed detectable CAC at 6.6 % a \
                          year on average (under 5 %/year below age 50, over 12 %/year above \
                          80); most people stay at 0.",
            median_annual_change: None,
            expected_follow_up: None,
            probability_incident: Some(p),
            comparison: if incident { "above" } else { "within" },
            method: "baseline 0: incident CAC is above expectation (most stay at 0); staying at 0 \
                     is within it",
            source: KRONMAL_SOURCE,
        }
    } else {
        let band = expected_score(c1, subject.sex, years);
        Expected {
            description: "MESA participants with CAC > 0 changed by a median 14 AU a year \
                          (women) and 21 AU (men); expected follow-up = baseline + that median \
                          × years. The median is not adjusted for baseline score, age or risk \
                          factors.",
            median_annual_change: Some(band.median_annual_change),
            expected_follow_up: Some(band.expected),
            probability_incident: None,
            comparison: band.compare(c2),
            method: "observed vs expected follow-up score on the square-root scale: a \
                     difference of 2.5 or more either way (Hokanson's inter-scan variability \
                     threshold) is above or below, otherwise within",
            source: KRONMAL_SOURCE,
        }
    };
    let cautions = cautions(a, b, years, annual);
    let mut expected = expected;
    if years < SHORT_INTERVAL_YEARS {
        expected.comparison = UNRELIABLE;
    }
    Change {
        from: a.date,
        to: b.date,
        years,
        baseline: c1,
        follow_up: c2,
        absolute_change: absolute,
        annualised_change: annual,
        annualised_percent: pct,
        annualised_percent_compound: compound,
        sqrt_difference: sqrt_diff,
        sqrt_rule_progression: sqrt_diff >= SQRT_THRESHOLD,
        raggi_rule_progression: pct.map(|p| p > RAGGI_PERCENT_PER_YEAR),
        incident,
        volume_change_mm3: a.volume_mm3.zip(b.volume_mm3).map(|(v1, v2)| v2 - v1),
        expected,
        cautions,
        sources: &[HOKANSON_SOURCE, RAGGI_SOURCE, KRONMAL_SOURCE],
    }
}

/// The score MESA data lead one to expect `years` after a baseline score, with the range that
/// [`Expected::comparison`] calls `within`: the expected trajectory that `progression` compares
/// each follow-up scan with, for drawing it as a band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExpectedScore {
    /// Years after the baseline scan.
    pub years: f64,
    /// The MESA median annual change used (AU/year; 14 women, 21 men; Kronmal 2007).
    pub median_annual_change: f64,
    /// Baseline + median annual change × years.
    pub expected: f64,
    /// The lowest score within 2.5 of the expected score on the square-root scale (0 when the
    /// expected score's square root is under 2.5).
    pub low: f64,
    /// The highest score within 2.5 of the expected score on the square-root scale.
    pub high: f64,
    pub source: &'static str,
}

impl ExpectedScore {
    /// `above`, `within` or `below`: the observed score against the expected one on the
    /// square-root scale (Hokanson's 2.5).
    pub fn compare(&self, observed: f64) -> &'static str {
        let gap = observed.sqrt() - self.expected.sqrt();
        if gap >= SQRT_THRESHOLD {
            "above"
        } else if gap <= -SQRT_THRESHOLD {
            "below"
        } else {
            "within"
        }
    }
}

/// The expected score `years` (≥ 0) after a baseline score of `baseline` AU. Meaningful for a
/// baseline above 0; from a baseline of 0 MESA gives a probability of incident calcium instead
/// (see [`Expected::probability_incident`]), and [`expected_trajectory`] draws no band.
pub fn expected_score(baseline: f64, sex: Sex, years: f64) -> ExpectedScore {
    let rate = match sex {
        Sex::Female => MESA_MEDIAN_ANNUAL_CHANGE_WOMEN,
        Sex::Male => MESA_MEDIAN_ANNUAL_CHANGE_MEN,
    };
    let expected = baseline + rate * years;
    let root = expected.max(0.0).sqrt();
    ExpectedScore {
        years,
        median_annual_change: rate,
        expected,
        low: (root - SQRT_THRESHOLD).max(0.0).powi(2),
        high: (root + SQRT_THRESHOLD).powi(2),
        source: KRONMAL_SOURCE,
    }
}

/// The expected trajectory from `baseline` (a scan with a score above 0) at each of `dates` on
/// or after it: the band a chart draws around the expected score. `None` for a baseline of 0
/// (MESA gives a probability of incident calcium, not a score, from 0).
pub fn expected_trajectory(
    baseline: &Scan,
    sex: Sex,
    dates: impl IntoIterator<Item = Date>,
) -> Option<Vec<(Date, ExpectedScore)>> {
    (baseline.agatston > 0.0).then(|| {
        dates
            .into_iter()
            .filter(|d| *d >= baseline.date)
            .map(|d| {
                let years = baseline.date.years_until(d);
                (d, expected_score(baseline.agatston, sex, years))
            })
            .collect()
    })
}

/// The expected-trajectory band a chart draws: from the first scan scored above 0, one point
/// every 30 days to `end` (and at `end`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectedBand {
    /// The scan the band starts from.
    pub baseline: Date,
    pub baseline_agatston: f64,
    pub points: Vec<(Date, ExpectedScore)>,
}

/// The band of [`expected_trajectory`] from the first of `scans` (in date order) with a score
/// above 0 to `end`: what the clinician report and `vascalc serve`'s CAC page draw. `None`
/// without such a scan or when `end` is before it.
pub fn expected_band(scans: &[Scan], sex: Sex, end: Date) -> Option<ExpectedBand> {
    let baseline = scans
        .iter()
        .filter(|s| s.agatston.is_finite())
        .find(|s| s.agatston > 0.0)?;
    if end < baseline.date {
        return None;
    }
    let months = (end.days_since(baseline.date) / 30).max(1);
    let dates = (0..=months)
        .map(|m| baseline.date.add_days(m * 30).min(end))
        .chain(std::iter::once(end));
    let mut points = expected_trajectory(baseline, sex, dates)?;
    points.dedup_by_key(|(d, _)| *d);
    Some(ExpectedBand {
        baseline: baseline.date,
        baseline_agatston: baseline.agatston,
        points,
    })
}

/// The cautions for the change from `a` to `b`: scans under a year apart (an annualised change
/// over a short interval is mostly scan-to-scan variability), and a score that fell (calcium
/// scores of one person differ between scanners, protocols, slice thickness, reconstruction and
/// software, and a typed score can be wrong).
fn cautions(a: &Scan, b: &Scan, years: f64, annual: f64) -> Vec<Caution> {
    let mut out = Vec::new();
    if years < SHORT_INTERVAL_YEARS {
        let days = (years * 365.25).round();
        out.push(Caution {
            kind: "short_interval",
            message: format!(
                "The scans are {days:.0} days apart, less than a year: an annualised change \
                 ({annual:+.1} AU/year here) over so short an interval mostly reflects \
                 scan-to-scan variability (repeat scans of the same person differ by a median \
                 15 % in total Agatston score, Callister 1998), so it is not compared with the \
                 expected change. MESA measured progression over a mean 2.4 years (Kronmal 2007)."
            ),
            sources: &[CALLISTER_SOURCE, KRONMAL_SOURCE],
        });
    }
    let (c1, c2) = (a.agatston, b.agatston);
    if c2 < c1 {
        let beyond_variability = c1.sqrt() - c2.sqrt() >= SQRT_THRESHOLD;
        let how = if beyond_variability {
            "a fall larger than scan-to-scan variability (√ difference beyond 2.5, Hokanson \
             2004) is most likely a measurement or data-entry difference, not calcium going away"
        } else {
            "a fall this small is within scan-to-scan variability (√ difference under 2.5, \
             Hokanson 2004), not regression"
        };
        out.push(Caution {
            kind: "score_fell",
            message: format!(
                "The score fell from {c1} to {c2}: {how}. Known causes: a different scanner or \
                 protocol (tube voltage, reconstruction kernel), a different slice thickness or \
                 reconstruction increment (the Agatston score is defined on 3 mm slices; \
                 reconstructions of the same scans gave median scores from 125.8 to 216.2), \
                 different scoring software, or a typo in one of the scores. Check both reports \
                 (scanner, slice thickness, score) before reading anything into it."
            ),
            sources: &[
                HOKANSON_SOURCE,
                CALLISTER_SOURCE,
                RECONSTRUCTION_SOURCE,
                MCCOLLOUGH_SOURCE,
            ],
        });
    }
    out
}

fn next_scan(last: &Scan, subject: &Subject, mut basis: Vec<&'static str>) -> NextScan {
    basis.clear();
    let date = last.date;
    if last.agatston <= 0.0 {
        const ZERO: &str = "2018 ACC/AHA cholesterol guideline: after CAC = 0, reassess CAC in \
                            5-10 years.";
        const WARRANTY: &str = "Dzaye 2021 (MESA): the 'warranty period' of CAC = 0 (time until \
                                25 % have detectable CAC) is 3-7 years depending on sex and \
                                race/ethnicity.";
        const DIABETES: &str = "Diabetes shortens the warranty period markedly (Dzaye 2021); the \
                                guideline's CAC = 0 rule does not cover diabetes.";
        NextScan {
            earliest: date.add_years(3.0),
            latest: date.add_years(10.0),
            basis: {
                if subject.diabetes == Some(true) {
                    basis.extend_from_slice(&[ZERO, WARRANTY, DIABETES]);
                } else {
                    basis.extend_from_slice(&[ZERO, WARRANTY]);
                }
                basis
            },
            sources: &[GRUNDY_SOURCE, DZAYE_SOURCE],
        }
    } else {
        NextScan {
            earliest: None,
            latest: None,
            basis: {
                basis.push(
                    "No guideline gives a rescan interval when CAC > 0. MESA's progression \
                     analysis rescanned after a mean 2.4 years (Kronmal 2007); a rescan mainly \
                     helps if its result would change treatment.",
                );
                basis
            },
            sources: &[KRONMAL_SOURCE],
        }
    }
}

/// Progression across `scans` (any order; at least one). With one scan only the rescan guidance
/// is given.
pub fn progression(scans: &[Scan], subject: &Subject) -> Result<Progression, ProgressionError> {
    progression_reusing(scans, subject, None)
}

/// [`progression`], filling the lists of `reuse` (a previous result) instead of new ones: a
/// batch reuses their memory from profile to profile.
pub(crate) fn progression_reusing(
    scans: &[Scan],
    subject: &Subject,
    reuse: Option<Progression>,
) -> Result<Progression, ProgressionError> {
    validate_scans(scans)?;
    let (mut sorted, mut consecutive, basis) = reuse
        .map(|p| (p.scans, p.consecutive, p.next_scan.basis))
        .unwrap_or_default();
    sorted.clear();
    sorted.extend_from_slice(scans);
    sorted.sort_by_key(|s| s.date);
    let (Some(first), Some(last)) = (sorted.first(), sorted.last()) else {
        return Err(ProgressionError::NoScans);
    };
    consecutive.clear();
    consecutive.extend(sorted.windows(2).map(|w| change(&w[0], &w[1], subject)));
    // With two scans the first-to-last change is the one consecutive change: not computed twice.
    let first_to_last = match consecutive.as_slice() {
        [] => None,
        [only] => Some(only.clone()),
        _ => Some(change(first, last, subject)),
    };
    let next_scan = next_scan(last, subject, basis);
    Ok(Progression {
        consecutive,
        first_to_last,
        next_scan,
        scans: sorted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(date: &str, agatston: f64) -> Scan {
        Scan {
            date: date.parse().unwrap(),
            agatston,
            volume_mm3: None,
        }
    }

    #[test]
    fn the_band_starts_at_the_first_score_above_zero_and_ends_at_the_end() {
        let scans = [
            scan("2018-01-10", 0.0),
            scan("2020-01-10", 40.0),
            scan("2023-01-10", 90.0),
        ];
        let end: Date = "2024-06-30".parse().unwrap();
        let b = expected_band(&scans, Sex::Male, end).unwrap();
        assert_eq!(b.baseline, scans[1].date);
        assert_eq!(b.baseline_agatston, 40.0);
        let (first, last) = (b.points[0], b.points[b.points.len() - 1]);
        assert_eq!(first.0, scans[1].date);
        assert_eq!(first.1.expected, 40.0);
        assert_eq!(last.0, end);
        // Men: 21 AU/year (Kronmal 2007), as expected_trajectory gives it.
        assert_eq!(
            last.1,
            expected_trajectory(&scans[1], Sex::Male, [end]).unwrap()[0].1
        );
        assert!(b.points.windows(2).all(|w| {
            let gap = w[1].0.days_since(w[0].0);
            gap > 0 && gap <= 30
        }));
        // No score above 0, or an end before the baseline: no band.
        assert!(expected_band(&scans[..1], Sex::Male, end).is_none());
        assert!(expected_band(&scans, Sex::Male, "2019-01-01".parse().unwrap()).is_none());
    }

    fn man() -> Subject {
        Subject {
            age_at_last_scan: 60.0,
            sex: Sex::Male,
            race: Some(Race::White),
            diabetes: Some(false),
        }
    }

    /// The band is the range `change` calls within: Kronmal 2007's 21 AU/year for men, so
    /// 100 AU two years on is expected at 142 AU, within from (√142 − 2.5)² to (√142 + 2.5)².
    #[test]
    fn expected_band_is_what_change_calls_within() {
        let e = expected_score(100.0, Sex::Male, 2.0);
        assert!((e.expected - 142.0).abs() < 1e-12);
        assert!((e.low - (142f64.sqrt() - 2.5).powi(2)).abs() < 1e-9);
        assert!((e.high - (142f64.sqrt() + 2.5).powi(2)).abs() < 1e-9);
        assert_eq!(e.compare(e.high + 0.01), "above");
        assert_eq!(e.compare(e.low - 0.01), "below");
        assert_eq!(e.compare(142.0), "within");
        let base = scan("2020-01-01", 100.0);
        let follow = scan("2022-01-01", 200.0);
        let c = progression(&[base.clone(), follow.clone()], &man())
            .unwrap()
            .consecutive[0]
            .clone();
        let t = expected_trajectory(&base, Sex::Male, [follow.date]).unwrap();
        assert_eq!(c.expected.expected_follow_up, Some(t[0].1.expected));
        assert_eq!(c.expected.comparison, t[0].1.compare(200.0));
        // From 0 there is no band; dates before the baseline are left out.
        assert!(expected_trajectory(&scan("2020-01-01", 0.0), Sex::Male, [follow.date]).is_none());
        let before = scan("2019-01-01", 1.0).date;
        assert!(
            expected_trajectory(&base, Sex::Female, [before])
                .unwrap()
                .is_empty()
        );
    }

    /// research/risk-equations.md §6 worked computations: 100 → 144 over 2 years: √ difference
    /// 2.00 (no progression by Hokanson), +22 AU/year, 22 %/year (Raggi progression).
    #[test]
    fn hundred_to_144_over_two_years() {
        let p = progression(
            &[scan("2020-01-01", 100.0), scan("2022-01-01", 144.0)],
            &man(),
        )
        .unwrap();
        let c = p.first_to_last.unwrap();
        assert!((c.years - 731.0 / 365.25).abs() < 1e-12);
        assert!((c.sqrt_difference - 2.0).abs() < 1e-12);
        assert!(!c.sqrt_rule_progression);
        assert!((c.annualised_change - 44.0 / c.years).abs() < 1e-9);
        assert!((c.annualised_percent.unwrap() - 44.0 / c.years).abs() < 1e-9);
        assert_eq!(c.raggi_rule_progression, Some(true));
    }

    /// Same section: 0 → 9 over 3 years: √ difference 3.0 (progression), incident CAC;
    /// 400 → 500 over 2 years: √ 2.36, 50 AU/year, 12.5 %/year (no progression either way).
    #[test]
    fn incident_and_high_baseline() {
        let p = progression(&[scan("2021-01-01", 9.0), scan("2018-01-01", 0.0)], &man()).unwrap();
        assert_eq!(p.scans[0].agatston, 0.0, "sorted by date");
        let c = &p.consecutive[0];
        assert!(c.incident && c.sqrt_rule_progression);
        assert!(c.annualised_percent.is_none() && c.raggi_rule_progression.is_none());
        assert_eq!(c.expected.comparison, "above");

        let p = progression(
            &[scan("2020-01-01", 400.0), scan("2022-01-01", 500.0)],
            &man(),
        )
        .unwrap();
        let c = &p.consecutive[0];
        assert!((c.sqrt_difference - (500f64.sqrt() - 20.0)).abs() < 1e-12);
        assert!((c.sqrt_difference - 2.36).abs() < 0.005);
        assert_eq!(c.raggi_rule_progression, Some(false));
    }

    #[test]
    fn expected_comparison_on_the_sqrt_scale() {
        // Man, 100 AU, 2 years: expected 100 + 21 × 2 ≈ 142.
        let at = |c2: f64| {
            progression(&[scan("2020-01-01", 100.0), scan("2022-01-01", c2)], &man())
                .unwrap()
                .consecutive[0]
                .expected
                .comparison
        };
        assert_eq!(at(142.0), "within");
        assert_eq!(at(220.0), "above");
        assert_eq!(at(60.0), "below");
    }

    #[test]
    fn three_scans_give_two_intervals_and_first_to_last() {
        let p = progression(
            &[
                scan("2016-05-01", 10.0),
                scan("2019-05-01", 30.0),
                scan("2023-05-01", 80.0),
            ],
            &man(),
        )
        .unwrap();
        assert_eq!(p.consecutive.len(), 2);
        let f = p.first_to_last.unwrap();
        assert_eq!((f.baseline, f.follow_up), (10.0, 80.0));
        assert!(p.next_scan.earliest.is_none());
    }

    #[test]
    fn rescan_window_after_zero() {
        let p = progression(&[scan("2020-06-01", 0.0)], &man()).unwrap();
        assert!(p.consecutive.is_empty() && p.first_to_last.is_none());
        assert_eq!(p.next_scan.earliest.unwrap().to_string(), "2023-06-01");
        assert_eq!(p.next_scan.latest.unwrap().to_string(), "2030-06-01");
    }

    /// Issue 10: 44 days apart, 100 → 129 reads +240.7 AU/year; that must come with a warning
    /// and no "within expected".
    #[test]
    fn scans_under_a_year_apart_are_not_judged() {
        let p = progression(
            &[scan("2025-01-01", 100.0), scan("2025-02-14", 129.0)],
            &man(),
        )
        .unwrap();
        let c = &p.consecutive[0];
        assert!((c.annualised_change - 29.0 / (44.0 / 365.25)).abs() < 1e-9);
        assert_eq!(format!("{:+.1}", c.annualised_change), "+240.7");
        assert_eq!(c.expected.comparison, "unreliable");
        assert_eq!(c.cautions.len(), 1);
        let w = &c.cautions[0];
        assert_eq!(w.kind, "short_interval");
        assert!(
            w.message.contains("44 days apart") && w.message.contains("+240.7"),
            "{}",
            w.message
        );
        // 364 days: still short; 366 days: judged, no caution.
        let at = |to: &str| {
            progression(&[scan("2024-01-01", 100.0), scan(to, 120.0)], &man())
                .unwrap()
                .consecutive[0]
                .clone()
        };
        assert_eq!(at("2024-12-30").expected.comparison, "unreliable");
        let year = at("2025-01-02");
        assert!(year.cautions.is_empty(), "{:?}", year.cautions);
        assert_ne!(year.expected.comparison, "unreliable");
    }

    /// Issue 10: 780 → 131 is flagged as a likely measurement or data-entry difference with the
    /// known causes; a small fall is within variability; a rise gets no such caution.
    #[test]
    fn a_falling_score_is_flagged_never_shown_as_regression() {
        let c = progression(
            &[scan("2021-03-01", 780.0), scan("2023-03-01", 131.0)],
            &man(),
        )
        .unwrap()
        .consecutive[0]
            .clone();
        assert_eq!(c.cautions.len(), 1);
        let w = &c.cautions[0];
        assert_eq!(w.kind, "score_fell");
        for cause in [
            "780 to 131",
            "measurement or data-entry",
            "scanner",
            "protocol",
            "slice thickness",
            "typo",
        ] {
            assert!(w.message.contains(cause), "{cause}: {}", w.message);
        }
        assert!(w.sources.contains(&CALLISTER_SOURCE));
        let small = progression(
            &[scan("2021-03-01", 100.0), scan("2023-03-01", 95.0)],
            &man(),
        )
        .unwrap()
        .consecutive[0]
            .clone();
        assert_eq!(small.cautions[0].kind, "score_fell");
        assert!(
            small.cautions[0]
                .message
                .contains("within scan-to-scan variability")
        );
        let up = progression(
            &[scan("2021-03-01", 100.0), scan("2023-03-01", 150.0)],
            &man(),
        )
        .unwrap();
        assert!(up.consecutive[0].cautions.is_empty());
        // Both at once: a fall over 30 days.
        let both = progression(
            &[scan("2023-03-01", 780.0), scan("2023-03-31", 131.0)],
            &man(),
        )
        .unwrap();
        let kinds: Vec<_> = both.consecutive[0]
            .cautions
            .iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(kinds, ["short_interval", "score_fell"]);
    }

    #[test]
    fn errors() {
        assert_eq!(progression(&[], &man()), Err(ProgressionError::NoScans));
        assert!(progression(&[scan("2020-01-01", 1.0), scan("2020-01-01", 2.0)], &man()).is_err());
    }
}
