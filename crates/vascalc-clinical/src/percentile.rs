//! CAC percentiles for age, sex and race: the MESA calculator grid (ages 45–84, four groups) and
//! Javaid 2022 (ages 30–44, Black and White). Outside those ages or groups no percentile is given.

use std::sync::OnceLock;

use serde::Serialize;

use crate::profile::{Race, Sex};

pub const MESA_PERCENTILE_SOURCE: &str = "McClelland RL et al. Distribution of coronary artery \
calcium by race, gender, and age: results from the Multi-Ethnic Study of Atherosclerosis (MESA), \
Circulation 2006;113(1):30-37, doi:10.1161/CIRCULATIONAHA.105.580696; values of the MESA online \
calculator";
pub const MESA_REPRODUCTION_NOTE: &str = "The per-year grid is a reproduction of the MESA \
calculator's output (scraped by independent public copies that agree), not the article's table.";
pub const JAVAID_SOURCE: &str = "Javaid A et al. Distribution of Coronary Artery Calcium by Age, \
Sex, and Race Among Patients 30-45 Years Old, J Am Coll Cardiol 2022;79(19):1873-1886, \
doi:10.1016/j.jacc.2022.02.051";
pub const JAVAID_REPRODUCTION_NOTE: &str = "75th/90th/95th/97.5th percentile values per year of \
age as reproduced by a public calculator; spot-checked against the paper's abstract and the ACC \
summary. The paper gives no lower percentiles, so only a band is reported.";

/// One row of the MESA calculator grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    pub race: Race,
    pub sex: Sex,
    pub age: u8,
    pub p_nonzero_pct: u8,
    pub p25: u32,
    pub p50: u32,
    pub p75: u32,
    pub p90: u32,
    /// `thresholds[n-1]`: smallest integer score reported as percentile n (n = 1…99).
    pub thresholds: [u32; 99],
}

/// The embedded grid file (see `data/README.md` for its provenance).
pub const MESA_GRID_CSV: &str = include_str!("../data/mesa-cac-calculator-grid.csv");

const RACES: [Race; 4] = [Race::White, Race::Chinese, Race::Black, Race::Hispanic];

fn race_index(race: Race) -> Option<usize> {
    RACES.iter().position(|r| *r == race)
}

fn slot(race: Race, sex: Sex, age: u8) -> Option<usize> {
    let r = race_index(race)?;
    let s = usize::from(sex == Sex::Male);
    let a = usize::from(age.checked_sub(45)?);
    (a < 40).then_some((r * 2 + s) * 40 + a)
}

fn parse_grid(csv: &str) -> Result<Vec<GridRow>, String> {
    let mut rows: Vec<Option<GridRow>> = vec![None; 320];
    for (i, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 107 {
            return Err(format!("line {}: {} fields, expected 107", i + 1, f.len()));
        }
        let race = match f[0] {
            "white" => Race::White,
            "chinese" => Race::Chinese,
            "black" => Race::Black,
            "hispanic" => Race::Hispanic,
            other => return Err(format!("line {}: race {other}", i + 1)),
        };
        let sex = match f[1] {
            "female" => Sex::Female,
            "male" => Sex::Male,
            other => return Err(format!("line {}: sex {other}", i + 1)),
        };
        let num = |s: &str| s.parse::<u32>().map_err(|e| format!("line {}: {e}", i + 1));
        let age = u8::try_from(num(f[2])?).map_err(|e| e.to_string())?;
        let mut thresholds = [0u32; 99];
        for (t, s) in thresholds.iter_mut().zip(&f[8..]) {
            *t = num(s)?;
        }
        let row = GridRow {
            race,
            sex,
            age,
            p_nonzero_pct: u8::try_from(num(f[3])?).map_err(|e| e.to_string())?,
            p25: num(f[4])?,
            p50: num(f[5])?,
            p75: num(f[6])?,
            p90: num(f[7])?,
            thresholds,
        };
        let k = slot(race, sex, age).ok_or_else(|| format!("line {}: age {age}", i + 1))?;
        rows[k] = Some(row);
    }
    rows.into_iter()
        .enumerate()
        .map(|(k, r)| r.ok_or_else(|| format!("grid cell {k} missing")))
        .collect()
}

/// The parsed MESA grid, 320 rows ordered by race (white, chinese, black, hispanic), sex
/// (female, male) and age 45–84.
pub fn mesa_grid() -> &'static [GridRow] {
    static GRID: OnceLock<Vec<GridRow>> = OnceLock::new();
    // The file is part of the crate and checked by tests; a broken copy yields no percentiles
    // rather than a panic.
    GRID.get_or_init(|| parse_grid(MESA_GRID_CSV).unwrap_or_default())
}

fn mesa_row(race: Race, sex: Sex, age: u8) -> Option<&'static GridRow> {
    mesa_grid().get(slot(race, sex, age)?)
}

/// Javaid 2022 per-year 75th/90th/95th/97.5th percentile scores, ages 30–45:
/// [white women, black women, white men, black men][age − 30].
#[rustfmt::skip]
const JAVAID: [[[u32; 4]; 16]; 4] = [
    // White women
    [[0,0,0,4],[0,0,0,5],[0,0,0,7],[0,0,0,7],[0,0,1,8],[0,0,1,10],[0,0,2,10],[0,0,2,11],
     [0,0,2,12],[0,0,3,15],[0,0,4,21],[0,0,5,27],[0,0,8,37],[0,0,10,47],[0,0,12,64],[0,0,12,76]],
    // Black women
    [[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,1],[0,0,0,2],[0,0,0,3],[0,0,1,7],
     [0,0,1,10],[0,0,2,16],[0,0,5,23],[0,0,8,30],[0,0,9,36],[0,0,11,41],[0,0,13,40],[0,0,12,37]],
    // White men
    [[0,0,0,2],[0,0,1,9],[0,0,4,18],[0,0,9,29],[0,1,15,40],[0,3,21,55],[0,5,29,68],[0,8,35,80],
     [0,11,41,96],[0,15,47,100],[0,18,53,111],[0,21,59,125],[0,26,72,146],[1,32,83,166],
     [3,43,105,190],[5,55,131,249]],
    // Black men
    [[0,0,0,5],[0,0,0,9],[0,0,1,5],[0,0,2,8],[0,0,3,12],[0,0,4,16],[0,0,6,24],[0,1,10,35],
     [0,2,14,42],[0,3,17,47],[0,5,26,64],[0,7,33,82],[0,9,42,96],[0,12,54,119],[0,22,85,175],
     [0,36,138,277]],
];
const JAVAID_LEVELS: [&str; 4] = ["75th", "90th", "95th", "97.5th"];

/// The Agatston score at one percentile of the reference group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReferenceScore {
    pub percentile: &'static str,
    pub agatston: u32,
}

const fn rs(percentile: &'static str, agatston: u32) -> ReferenceScore {
    ReferenceScore {
        percentile,
        agatston,
    }
}

/// Where a score sits for the person's age, sex and race.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Percentile {
    /// `mesa_2006_calculator` or `javaid_2022`.
    pub reference: &'static str,
    /// MESA: the calculator's percentile (0 for a score of 0, as the calculator reports it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentile: Option<u8>,
    /// Javaid: a band such as "above the 90th, at or below the 95th percentile".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<&'static str>,
    /// Javaid: the band as a short code for tables: `<=75`, `75-90`, `90-95`, `95-97.5` (above
    /// the first, at or below the second percentile) or `>97.5`.
    #[serde(skip)]
    pub band_code: Option<&'static str>,
    /// MESA: percentage of people of this age, sex and race with CAC > 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_nonzero_pct: Option<u8>,
    /// Agatston score at the 25th/50th/75th/90th (MESA) or 75th/90th/95th/97.5th (Javaid)
    /// percentile, for orientation.
    pub reference_scores: [ReferenceScore; 4],
    /// Whether the score is at or above the 75th percentile (the 2018 guideline's threshold).
    pub at_or_above_75th: bool,
    /// Integer age used for the lookup.
    pub age_used: u8,
    pub source: &'static str,
    pub note: &'static str,
}

/// The percentile of `agatston` for age, sex and race, or why none is available.
pub fn percentile(
    agatston: f64,
    age: f64,
    sex: Sex,
    race: Option<Race>,
) -> Result<Percentile, String> {
    if !(agatston.is_finite() && agatston >= 0.0) {
        return Err("the score must be a number ≥ 0".into());
    }
    let Some(race) = race else {
        return Err(
            "no percentile available: `race` is missing (the reference data are \
                    race-specific)"
                .into(),
        );
    };
    let whole = age.floor();
    if (45.0..=84.0).contains(&whole) {
        let a = whole as u8;
        let Some(row) = mesa_row(race, sex, a) else {
            return Err(format!(
                "no percentile available: MESA covers White, Chinese, Black and Hispanic adults, \
                 not race \"{}\"",
                race.as_str()
            ));
        };
        // The thresholds ascend (checked by a test), so the number at or below the score is
        // the highest percentile reached: a binary search.
        let p = if agatston <= 0.0 {
            0
        } else {
            row.thresholds
                .partition_point(|t| f64::from(*t) <= agatston)
                .min(99) as u8
        };
        return Ok(Percentile {
            reference: "mesa_2006_calculator",
            percentile: Some(p),
            band: None,
            band_code: None,
            p_nonzero_pct: Some(row.p_nonzero_pct),
            reference_scores: [
                rs("25th", row.p25),
                rs("50th", row.p50),
                rs("75th", row.p75),
                rs("90th", row.p90),
            ],
            at_or_above_75th: agatston > 0.0 && p >= 75,
            age_used: a,
            source: MESA_PERCENTILE_SOURCE,
            note: MESA_REPRODUCTION_NOTE,
        });
    }
    if (30.0..45.0).contains(&whole) {
        let group = match (race, sex) {
            (Race::White, Sex::Female) => 0,
            (Race::Black, Sex::Female) => 1,
            (Race::White, Sex::Male) => 2,
            (Race::Black, Sex::Male) => 3,
            _ => {
                return Err(format!(
                    "no percentile available: for ages 30–44 the data (Javaid 2022) cover Black \
                     and White adults only, not race \"{}\"",
                    race.as_str()
                ));
            }
        };
        let a = whole as u8;
        let t = JAVAID[group][usize::from(a - 30)];
        // Highest level whose score the person's score exceeds.
        let above = t.iter().rposition(|v| agatston > f64::from(*v));
        // The band in words and as a table code, indexed by the number of levels exceeded.
        const BANDS: [(&str, &str); 5] = [
            ("at or below the 75th percentile", "<=75"),
            ("above the 75th, at or below the 90th percentile", "75-90"),
            ("above the 90th, at or below the 95th percentile", "90-95"),
            (
                "above the 95th, at or below the 97.5th percentile",
                "95-97.5",
            ),
            ("above the 97.5th percentile", ">97.5"),
        ];
        let (band, code) = BANDS.get(above.map_or(0, |i| i + 1)).copied().unzip();
        return Ok(Percentile {
            reference: "javaid_2022",
            percentile: None,
            band,
            band_code: code,
            p_nonzero_pct: None,
            reference_scores: [
                rs(JAVAID_LEVELS[0], t[0]),
                rs(JAVAID_LEVELS[1], t[1]),
                rs(JAVAID_LEVELS[2], t[2]),
                rs(JAVAID_LEVELS[3], t[3]),
            ],
            at_or_above_75th: agatston > 0.0 && agatston >= f64::from(t[0]),
            age_used: a,
            source: JAVAID_SOURCE,
            note: JAVAID_REPRODUCTION_NOTE,
        });
    }
    let mut why = String::from(
        "no percentile available: the reference data cover ages 30–84 (Javaid 2022 for 30–44, \
         MESA for 45–84), not age ",
    );
    crate::ranges::push_num(&mut why, whole);
    Err(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_parses_completely() {
        assert_eq!(parse_grid(MESA_GRID_CSV).map(|g| g.len()), Ok(320));
        let g = mesa_grid();
        assert_eq!(g.len(), 320);
        for r in g {
            assert!(r.thresholds.windows(2).all(|w| w[0] <= w[1]), "{r:?}");
        }
    }

    /// The copy in the crate must stay identical to the research copy when it is present.
    #[test]
    #[expect(
        clippy::print_stderr,
        clippy::disallowed_methods,
        reason = "a test reads the research copy and says on stderr why it is skipped"
    )]
    fn grid_matches_research_copy() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/research/cac-mesa-calculator-grid.csv"
        );
        match std::fs::read_to_string(path) {
            Ok(s) => assert_eq!(s, MESA_GRID_CSV),
            Err(e) => eprintln!("skipped: research copy not readable at {path}: {e}"),
        }
    }

    /// research/cac-percentiles.md §1b, the repository's documented calculator case: White man
    /// aged 55, score 0 → 0th percentile, P(CAC>0) 56 %, reference scores 0/6/68/234.
    #[test]
    fn documented_calculator_case() {
        let p = percentile(0.0, 55.0, Sex::Male, Some(Race::White)).unwrap();
        assert_eq!(p.percentile, Some(0));
        assert_eq!(p.p_nonzero_pct, Some(56));
        let scores: Vec<u32> = p.reference_scores.iter().map(|r| r.agatston).collect();
        assert_eq!(scores, vec![0, 6, 68, 234]);
    }

    /// The binary search gives what a scan from the top gives, for every cell and score.
    #[test]
    fn binary_search_matches_a_linear_scan() {
        for r in mesa_grid().iter().step_by(7) {
            for score in (1..3000).step_by(13).map(f64::from).chain([0.5, 1e5]) {
                let linear = r
                    .thresholds
                    .iter()
                    .rposition(|t| f64::from(*t) <= score)
                    .map_or(0, |i| (i + 1) as u8);
                let p = percentile(score, f64::from(r.age), r.sex, Some(r.race)).unwrap();
                assert_eq!(p.percentile, Some(linear), "{r:?} {score}");
            }
        }
    }

    /// The grid's p25/p50/p75/p90 columns are the (rounded) scores at those percentiles, so a
    /// score equal to a non-zero column value is reported within one percentile of that level
    /// (the calculator's own rounding: e.g. White women aged 70, p75 = 119 but the smallest
    /// score it reports as the 75th is 120).
    #[test]
    fn lookup_agrees_with_the_published_columns() {
        for r in mesa_grid() {
            for (level, score) in [(25u8, r.p25), (50, r.p50), (75, r.p75), (90, r.p90)] {
                if score == 0 {
                    continue;
                }
                let p = percentile(f64::from(score), f64::from(r.age), r.sex, Some(r.race))
                    .unwrap()
                    .percentile
                    .unwrap();
                assert!(p + 1 >= level && p <= level + 1, "{r:?} level {level}: {p}");
            }
        }
    }

    /// Midpoint table (research/cac-percentiles.md §1a, three copies agree): White women aged
    /// 70: 25th/50th/75th/90th = 0/13/119/391, P(CAC>0) 59 %.
    #[test]
    fn midpoint_table_cell() {
        let p = percentile(120.0, 70.0, Sex::Female, Some(Race::White)).unwrap();
        assert_eq!(p.percentile, Some(75));
        assert_eq!(p.p_nonzero_pct, Some(59));
        let scores: Vec<u32> = p.reference_scores.iter().map(|r| r.agatston).collect();
        assert_eq!(scores, vec![0, 13, 119, 391]);
        assert!(p.at_or_above_75th);
    }

    /// Javaid 2022 abstract / ACC summary: in White men aged 36 a score of 8 is at about the
    /// 91st percentile; any CAC > 0 puts a woman aged 30–45 above the 90th percentile.
    #[test]
    fn javaid_anchor_facts() {
        let p = percentile(8.0, 36.0, Sex::Male, Some(Race::White)).unwrap();
        assert_eq!(
            p.band,
            Some("above the 90th, at or below the 95th percentile")
        );
        assert_eq!(p.band_code, Some("90-95"));
        for age in 30..45 {
            for race in [Race::White, Race::Black] {
                let p = percentile(1.0, f64::from(age), Sex::Female, Some(race)).unwrap();
                assert!(p.band.unwrap().starts_with("above the 9"), "{age} {race:?}");
            }
        }
    }

    #[test]
    fn no_percentile_outside_the_data() {
        assert!(percentile(10.0, 85.0, Sex::Male, Some(Race::White)).is_err());
        assert!(percentile(10.0, 29.9, Sex::Male, Some(Race::White)).is_err());
        assert!(percentile(10.0, 40.0, Sex::Male, Some(Race::Chinese)).is_err());
        assert!(percentile(10.0, 60.0, Sex::Male, Some(Race::Other)).is_err());
        assert!(percentile(10.0, 60.0, Sex::Male, None).is_err());
    }
}
