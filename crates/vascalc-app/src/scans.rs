//! A scan from a scored series: a `vascalc scan score --format json` result (`scan add
//! --from-json`: which series, its date) or a series reviewed in `vascalc serve`'s viewer
//! ([`crate::App::add_reviewed_scan`]), and the one rule for whether the record may keep its
//! total as a person's coronary calcium score ([`scan_from_series`], [`check_series`]). Nothing
//! is read from disk here: the front end gives the text or the score.
//!
//! The record keeps a score only when every lesion it counts lies in a coronary artery (LM, LAD,
//! LCX, RCA, or `coronary`: confirmed by a reviewer with the artery not named): a whole-image
//! score (`--regions none`: every calcified voxel, bone and a phantom's calibration rods
//! included), a score whose flags withhold interpretation (unreviewed automatic candidates, no
//! chest, too short a coverage, …) and a total no heart gives are refused, each with the reason
//! in words and what to do instead.

use jiff::civil::Date;
use vascalc_ct::{LesionStatus, ScanResult, SeriesScore, is_unnamed_coronary};
use vascalc_domain::{Artery, ArteryScores};
use vascalc_record::{Scan, ScanSource};

use crate::dates;
use crate::error::{AppError, AppResult};

/// The largest total the record takes (`validate::scan`'s range): above it, a score is not a
/// person's coronary calcium.
pub const MOST_A_HEART_GIVES: f64 = 50_000.0;

/// What to do instead of adding a refused score.
const INSTEAD: &str = "Score the series with its coronary regions (`vascalc scan score DIR --roi \
                       NAME=sphere:X,Y,Z,R … --only-rois`, or --labels/--assign with \
                       --only-rois) and review it, or add the report's values with `vascalc \
                       scan add --date D --agatston N`";

/// The scan that series `series` (0-based; needed when the result holds several) of the score
/// result `text` gives, dated `date` when given, else by the series' study date. The kept
/// result (`Scan::score`) says the same date: a given date replaces the study date in it.
///
/// Errors are invalid input naming the field (`score`, `series`, `date`); the messages do not
/// name the file, which the front end puts before them.
pub fn scan_from_score(
    text: &str,
    series: Option<usize>,
    date: Option<Date>,
    today: Date,
) -> AppResult<Scan> {
    let result: ScanResult = serde_json::from_str(text).map_err(|e| {
        AppError::invalid(
            "score",
            "",
            format!("not the output of `vascalc scan score --format json`: {e}"),
        )
    })?;
    let n = result.series.len();
    let one: SeriesScore =
        match series {
            Some(i) if i < n => result.series.into_iter().nth(i).ok_or_else(|| {
                AppError::Internal(format!("series {i} of {n} could not be taken"))
            })?,
            Some(i) => {
                return Err(AppError::invalid(
                    "series",
                    i,
                    format!("--series {i}, but the result holds {n} series"),
                ));
            }
            None if n == 1 => result
                .series
                .into_iter()
                .next()
                .ok_or_else(|| AppError::Internal("the one series could not be taken".into()))?,
            None if n == 0 => {
                return Err(AppError::invalid(
                    "series",
                    "",
                    "the result holds no series",
                ));
            }
            None => {
                return Err(AppError::invalid(
                    "series",
                    n,
                    format!("{n} series; choose one with --series N"),
                ));
            }
        };
    scan_from_series(one, date, today)
}

/// The scan one scored series gives: the one rule for what enters the record as a person's
/// coronary calcium score, for `scan add --from-json` ([`scan_from_score`]) and for a series
/// reviewed in `vascalc serve`'s viewer ([`crate::App::add_reviewed_scan`]). Dated `date` when
/// given (the kept result then says that date too), else by the series' study date. Refused as
/// [`check_series`] says. The per-artery scores are kept when every counted lesion names its
/// artery; when some are coronary with no artery named ([`vascalc_ct::CORONARY_UNNAMED`], the
/// viewer's "accept all candidates"), the record keeps the total without per-artery scores, so
/// that its CAC-DRS is the category A without a vessel number N, as `scan score` gives it (the
/// kept result still lists the named arteries). The lesions' voxels (`runs`) are not kept.
pub fn scan_from_series(mut one: SeriesScore, date: Option<Date>, today: Date) -> AppResult<Scan> {
    let date = match (date, one.acquisition.study_date.as_deref()) {
        (Some(d), _) => {
            dates::check("date", d, today).map_err(|e| e.prefixed("date"))?;
            // The kept result says the date the scan is recorded on.
            one.acquisition.study_date = Some(d.to_string());
            d
        }
        (None, Some(text)) => {
            let field = "acquisition.study_date";
            let d =
                dates::parse(field, &normalise_dicom_date(text)).map_err(|e| e.prefixed(field))?;
            dates::check(field, d, today).map_err(|e| e.prefixed(field))?;
            d
        }
        (None, None) => {
            return Err(AppError::invalid(
                "date",
                "",
                "the series has no study date: give the scan's date (YYYY-MM-DD; `scan add --date D`)",
            ));
        }
    };
    check_series(&one)?;
    let mut per_artery = ArteryScores::default();
    if !one
        .per_artery
        .iter()
        .any(|(name, t)| t.lesions > 0 && is_unnamed_coronary(name))
    {
        for (name, t) in &one.per_artery {
            per_artery.add(Artery::from_name(name), t.agatston);
        }
    }
    one.lesions.iter_mut().for_each(|l| l.runs.clear());
    let score = serde_json::to_value(&one)
        .map_err(|e| AppError::Internal(format!("cannot keep the score result: {e}")))?;
    Ok(Scan {
        date,
        agatston: one.totals.agatston,
        per_artery,
        volume_mm3: Some(one.totals.volume_mm3),
        mass_mg: one.totals.mass_mg,
        source: ScanSource::Score,
        score: Some(score),
    })
}

/// Whether the record may keep this series' total as a person's coronary calcium score, said
/// before anything else is asked (a front end calls it before opening the record): refused when
/// the total is more than a heart gives, when a flag withholds the interpretation (unreviewed
/// candidates, not a chest, too short a coverage, contrast, …), or when a counted lesion lies in
/// no region or in a region that is not coronary. Lesions confirmed coronary with no artery
/// named ([`vascalc_ct::CORONARY_UNNAMED`]) are coronary.
pub fn check_series(one: &SeriesScore) -> AppResult<()> {
    implausible_total(one.totals.agatston)?;
    not_interpreted(one)?;
    not_coronary(one)
}

/// Whether `scan` may enter the record with the `scan score` result it keeps ([`Scan::score`]):
/// the one rule every way into the record follows (`scan add --from-json` and the review build
/// the scan with [`scan_from_series`]; `POST /api/entries`, an entry's edit and `import` bring
/// it whole, and [`crate::validate::scan`] calls this). The kept result must be one series of
/// `vascalc scan score --format json` that [`check_series`] accepts (not a whole-image, phantom
/// or uninterpreted score), and the scan's total must be that series' total. A scan from a
/// report keeps no result and is checked by its values alone.
pub fn check_kept_score(scan: &Scan) -> AppResult<()> {
    let Some(kept) = &scan.score else {
        return Ok(());
    };
    let one: SeriesScore = serde_json::from_value(kept.clone()).map_err(|e| {
        AppError::invalid(
            "score",
            "",
            format!(
                "the kept score is not one series of `vascalc scan score --format json` \
                 (its `series[N]`): {e}"
            ),
        )
    })?;
    check_series(&one)?;
    // `scan_from_series` takes the total as it is; allow half a point for a rounded copy.
    if (one.totals.agatston - scan.agatston).abs() > 0.5 {
        return Err(AppError::invalid(
            "agatston",
            scan.agatston,
            format!(
                "agatston {} is not the total of the score it keeps ({}): a scan from a score \
                 records that score's total",
                scan.agatston, one.totals.agatston
            ),
        ));
    }
    Ok(())
}

/// DICOM dates are `YYYYMMDD`; ISO ones pass through.
fn normalise_dicom_date(d: &str) -> String {
    let d = d.trim();
    if d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
    } else {
        d.to_owned()
    }
}

/// A number for a message: whole, with no raw float digits.
fn whole(v: f64) -> String {
    format!("{:.0}", v.round())
}

/// Refuses, in words, a total no heart gives (a whole-image score, or a phantom's) before the
/// range check would print a raw number.
fn implausible_total(agatston: f64) -> AppResult<()> {
    if agatston <= MOST_A_HEART_GIVES {
        return Ok(());
    }
    Err(AppError::invalid(
        "agatston",
        whole(agatston),
        format!(
            "a total Agatston score of {} is more than a person's coronary arteries give (the \
             record takes 0 to {}): it is most likely a whole-image score (every calcified \
             voxel, bone and calibration rods included, no coronary regions given) or a \
             phantom's, not a reviewed coronary score. {INSTEAD}",
            whole(agatston),
            whole(MOST_A_HEART_GIVES)
        ),
    ))
}

/// Refuses a series that `scan score` did not interpret (its flags withhold CAC-DRS: unreviewed
/// automatic candidates, no chest found, not a chest series, too short a coverage, contrast, not
/// CT or not HU): its total is not a person's coronary score, and an unreviewed chest CT's total
/// (assigned lesions only) would be recorded as 0.
fn not_interpreted(one: &SeriesScore) -> AppResult<()> {
    let why: Vec<&str> = one
        .flags
        .iter()
        .filter(|f| f.code.blocks_interpretation())
        .map(|f| f.message.as_str())
        .collect();
    if why.is_empty() {
        return Ok(());
    }
    Err(AppError::invalid(
        "score",
        "",
        format!(
            "this series was not interpreted as a coronary calcium score, so the record does \
             not take it: {}. Review the candidates or score the series with its coronary \
             regions (`vascalc scan score DIR --assign FILE`, --roi or --labels) and add that \
             result, or add the report's values with `vascalc scan add --date D --agatston N`",
            why.join("; ")
        ),
    ))
}

/// Refuses a total that counts calcium outside the coronary arteries: lesions counted without a
/// region (`--regions none` scores the whole image) or in a region that is not LM, LAD, LCX or
/// RCA (aorta, valves, a phantom's inserts named otherwise).
fn not_coronary(one: &SeriesScore) -> AppResult<()> {
    let counted = one
        .lesions
        .iter()
        .filter(|l| matches!(l.status, LesionStatus::Scored | LesionStatus::Assigned));
    let (mut unassigned, mut elsewhere, mut outside) = (0usize, Vec::new(), 0.0);
    for l in counted {
        match l.label.as_deref() {
            None => unassigned += 1,
            Some(name) if !Artery::from_name(name).is_coronary() && !is_unnamed_coronary(name) => {
                if !elsewhere.contains(&name) {
                    elsewhere.push(name);
                }
            }
            Some(_) => continue,
        }
        outside += l.agatston;
    }
    if unassigned == 0 && elsewhere.is_empty() {
        return Ok(());
    }
    let phantom = one
        .acquisition
        .model
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("vascalc-phantom"));
    let mut what = Vec::new();
    if unassigned > 0 {
        what.push(format!(
            "{unassigned} lesion(s) in no region (a whole-image score, `--regions none`: every \
             calcified voxel, bone{} included)",
            if phantom {
                " and this phantom's calibration rods"
            } else {
                ""
            }
        ));
    }
    if !elsewhere.is_empty() {
        what.push(format!(
            "lesions in {}, which is not a coronary artery (LM, LAD, LCX, RCA)",
            elsewhere.join(", ")
        ));
    }
    Err(AppError::invalid(
        "score",
        "",
        format!(
            "the total Agatston score of {} is not a coronary score: it counts {} ({} of it \
             outside the coronary arteries){}. {INSTEAD}",
            whole(one.totals.agatston),
            what.join(" and "),
            whole(outside),
            if phantom {
                "; the series is a vascalc phantom, whose inserts count only when regions name \
                 them as arteries"
            } else {
                ""
            }
        ),
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use jiff::civil::date;
    use std::collections::BTreeMap;
    use vascalc_ct::{
        Acquisition, ConventionName, Conventions, Flag, FlagCode, Lesion, SeriesScore, Totals,
    };

    const TODAY: Date = date(2026, 12, 7);

    /// A `scan score` result of one phantom series dated 2024-05-01 with lesions `(label,
    /// status, agatston)`: totals and per-artery totals as `scan score` sums them (counted
    /// lesions only).
    fn result(lesions: &[(Option<&str>, LesionStatus, f64)], flags: Vec<Flag>) -> String {
        serde_json::to_string(&vascalc_ct::ScanResult {
            series: vec![series(lesions, flags)],
        })
        .unwrap()
    }

    /// The series of [`result`], each lesion with one voxel run; its CAC-DRS as `scan score`
    /// gives it (none when a flag withholds the interpretation).
    pub(crate) fn series(
        lesions: &[(Option<&str>, LesionStatus, f64)],
        flags: Vec<Flag>,
    ) -> SeriesScore {
        let counted = |s: LesionStatus| matches!(s, LesionStatus::Scored | LesionStatus::Assigned);
        let mut per_artery: BTreeMap<String, Totals> = BTreeMap::new();
        for (label, status, a) in lesions {
            if let (Some(l), true) = (label, counted(*status)) {
                let t = per_artery.entry((*l).to_owned()).or_default();
                t.agatston += a;
                t.lesions += 1;
            }
        }
        let lesions: Vec<Lesion> = lesions
            .iter()
            .zip(1..)
            .map(|(&(label, status, agatston), id)| Lesion {
                id,
                label: label.map(str::to_owned),
                slices: [0, 1],
                centroid_mm: [0.0; 3],
                area_mm2: 4.0,
                voxels: 10,
                peak_hu: 400.0,
                mean_hu: 300.0,
                agatston,
                volume_mm3: 5.0,
                mass_mg: None,
                relative_mass_hu_mm3: 1500.0,
                status,
                reasons: Vec::new(),
                runs: vec![[0, id, 0, 2]],
            })
            .collect();
        let totals = Totals {
            agatston: lesions
                .iter()
                .filter(|l| counted(l.status))
                .map(|l| l.agatston)
                .sum(),
            volume_mm3: 10.0,
            lesions: lesions.len(),
            ..Totals::default()
        };
        let interpreted = !flags.iter().any(|f| f.code.blocks_interpretation());
        let cac_drs = interpreted.then(|| vascalc_ct::cac_drs(totals.agatston, Some(&per_artery)));
        SeriesScore {
            totals,
            per_artery,
            cac_drs,
            lesions,
            review: None,
            flags,
            acquisition: Acquisition {
                model: Some("vascalc-phantom".into()),
                study_date: Some("20240501".into()),
                ..Acquisition::default()
            },
            conventions: Conventions {
                convention: ConventionName::Classic.convention(),
                depth_mm: 3.0,
                pixel_area_mm2: 0.25,
                calibration: None,
                mass: String::new(),
                artery_assignment: String::new(),
                cac_drs: String::new(),
            },
        }
    }

    use LesionStatus::{Assigned, Candidate, Excluded, Scored};

    #[test]
    fn coronary_with_no_artery_named_is_kept_as_a_total_without_arteries() {
        // "Accept all candidates": one lesion named LAD, two confirmed coronary, artery not
        // named. The total counts all three; the record keeps no per-artery scores, so its
        // CAC-DRS is A alone, as the kept result's is.
        let text = result(
            &[
                (Some("LAD"), Assigned, 120.0),
                (Some("coronary"), Assigned, 30.0),
                (Some("coronary"), Assigned, 1.0),
                (None, Excluded, 900.0),
            ],
            Vec::new(),
        );
        let scan = scan_from_score(&text, None, None, TODAY).unwrap();
        assert_eq!(scan.agatston, 151.0);
        assert!(scan.per_artery.is_empty(), "{:?}", scan.per_artery);
        let kept = scan.score.as_ref().unwrap();
        assert_eq!(kept["cac_drs"], "A2");
        assert_eq!(kept["per_artery"]["LAD"]["agatston"], 120.0);
        assert!(kept["lesions"][0].get("runs").is_none(), "voxels not kept");
        // Every lesion named: the arteries are kept and N is given.
        let text = result(
            &[
                (Some("LAD"), Assigned, 120.0),
                (Some("RCA"), Assigned, 31.0),
            ],
            Vec::new(),
        );
        let scan = scan_from_score(&text, None, None, TODAY).unwrap();
        assert_eq!(
            (scan.per_artery.lad, scan.per_artery.rca),
            (Some(120.0), Some(31.0))
        );
        assert_eq!(scan.score.as_ref().unwrap()["cac_drs"], "A2/N2");
    }

    #[test]
    fn a_coronary_score_is_kept_with_its_arteries_and_study_date() {
        let text = result(
            &[
                (Some("LAD"), Assigned, 120.0),
                (Some("RCA"), Assigned, 11.0),
                (None, Excluded, 900.0),
            ],
            Vec::new(),
        );
        let scan = scan_from_score(&text, None, None, TODAY).unwrap();
        assert_eq!(scan.date, date(2024, 5, 1));
        assert_eq!(scan.agatston, 131.0);
        assert_eq!(scan.per_artery.lad, Some(120.0));
        assert_eq!(scan.per_artery.rca, Some(11.0));
        assert_eq!(scan.per_artery.lm, None);
        assert_eq!(scan.source, ScanSource::Score);
        assert_eq!(
            scan.score.as_ref().unwrap()["acquisition"]["study_date"],
            "20240501"
        );
    }

    #[test]
    fn a_given_date_is_the_date_everywhere() {
        let text = result(&[(Some("LAD"), Assigned, 120.0)], Vec::new());
        let scan = scan_from_score(&text, None, Some(date(2025, 2, 3)), TODAY).unwrap();
        assert_eq!(scan.date, date(2025, 2, 3));
        assert_eq!(
            scan.score.as_ref().unwrap()["acquisition"]["study_date"],
            "2025-02-03"
        );
        let e = scan_from_score(&text, None, Some(date(2027, 1, 1)), TODAY).unwrap_err();
        assert_eq!(e.field(), Some("date"));
        assert!(e.to_string().contains("future"), "{e}");
    }

    #[test]
    fn a_whole_image_score_is_refused_in_words() {
        // `scan score PHANTOM --regions none`: every lesion counted, none in a region.
        let text = result(
            &[(None, Scored, 4000.0), (None, Scored, 2673.5)],
            Vec::new(),
        );
        let e = scan_from_score(&text, None, Some(date(2024, 5, 1)), TODAY).unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.field(), Some("score"));
        assert!(msg.contains("6674 is not a coronary score"), "{msg}");
        assert!(msg.contains("whole-image"), "{msg}");
        assert!(
            msg.contains("calibration rods") && msg.contains("phantom"),
            "{msg}"
        );
        assert!(msg.contains("--roi") && msg.contains("--agatston"), "{msg}");
        assert!(!msg.contains("2673.5"), "a raw number: {msg}");
    }

    #[test]
    fn arteries_assigned_beside_a_whole_image_remainder_are_refused() {
        // `--assign` with `--regions none` but without `--only-rois`: the unassigned lesions
        // still count, so the total is not the arteries' sum.
        let text = result(
            &[
                (Some("LAD"), Assigned, 250.0),
                (None, Scored, 5000.0),
                (Some("aorta"), Assigned, 300.0),
            ],
            Vec::new(),
        );
        let msg = scan_from_score(&text, None, None, TODAY)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("1 lesion(s) in no region"), "{msg}");
        assert!(
            msg.contains("aorta, which is not a coronary artery"),
            "{msg}"
        );
        assert!(msg.contains("5300 of it outside"), "{msg}");
    }

    #[test]
    fn unreviewed_and_implausible_scores_are_refused() {
        let unreviewed = result(
            &[(None, Candidate, 80.0)],
            vec![Flag::new(
                FlagCode::Unreviewed,
                "automatic coronary candidates, not reviewed",
            )],
        );
        let msg = scan_from_score(&unreviewed, None, None, TODAY)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("not interpreted"), "{msg}");
        assert!(msg.contains("not reviewed"), "{msg}");
        let huge = result(&[(Some("LAD"), Assigned, 176_682.367_616)], Vec::new());
        let msg = scan_from_score(&huge, None, None, TODAY)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("176682 is more than"), "{msg}");
        assert!(!msg.contains("176682.3"), "{msg}");
    }

    #[test]
    fn the_series_and_shape_are_checked() {
        let text = result(&[], Vec::new());
        assert_eq!(
            scan_from_score(&text, Some(1), None, TODAY)
                .unwrap_err()
                .field(),
            Some("series")
        );
        let e = scan_from_score("{\"series\": 3}", None, None, TODAY).unwrap_err();
        assert!(e.to_string().contains("not the output of"), "{e}");
        // No lesion at all: a score of 0 is a coronary score of 0.
        assert_eq!(
            scan_from_score(&text, Some(0), None, TODAY)
                .unwrap()
                .agatston,
            0.0
        );
    }
}
