//! `vascalc scan add`: a scan from report values, or from a `vascalc scan score --format json`
//! result kept whole with its acquisition details and flags.

use std::path::PathBuf;

use vascalc_ct::ScanResult;
use vascalc_store::{ArteryScores, Entry, Scan, ScanSource};

use super::{DbArg, PersonArg, dates, fmt_num, invalid, validate};
use crate::exit::CliResult;
use crate::output::{Format, print_json};

/// `vascalc scan add` (boxed: the `scan` command enum stays small).
#[derive(Debug, clap::Args)]
pub(crate) struct ScanAddArgs {
    #[command(flatten)]
    args: Box<AddArgs>,
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// Date of the scan [default: the study date in --from-json, else required].
    #[arg(long)]
    date: Option<String>,
    /// Total Agatston score from the report.
    #[arg(
        long,
        required_unless_present = "from_json",
        allow_negative_numbers = true
    )]
    agatston: Option<f64>,
    /// Agatston score of the left main.
    #[arg(long, allow_negative_numbers = true)]
    lm: Option<f64>,
    /// Agatston score of the left anterior descending artery.
    #[arg(long, allow_negative_numbers = true)]
    lad: Option<f64>,
    /// Agatston score of the left circumflex artery.
    #[arg(long, allow_negative_numbers = true)]
    lcx: Option<f64>,
    /// Agatston score of the right coronary artery.
    #[arg(long, allow_negative_numbers = true)]
    rca: Option<f64>,
    /// Calcium volume in mm³.
    #[arg(long, allow_negative_numbers = true)]
    volume_mm3: Option<f64>,
    /// Calcium mass in mg (calibrated).
    #[arg(long, allow_negative_numbers = true)]
    mass_mg: Option<f64>,
    /// A `vascalc scan score --format json` result; its totals, arteries, acquisition and flags
    /// are kept.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["agatston", "lm", "lad", "lcx", "rca", "volume_mm3", "mass_mg"])]
    from_json: Option<PathBuf>,
    /// Which series of the result, when it holds several (0-based).
    #[arg(long, requires = "from_json")]
    series: Option<usize>,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(args: ScanAddArgs) -> CliResult {
    let args = *args.args;
    let today = dates::today();
    let scan = match &args.from_json {
        Some(path) => from_json(path, args.series, args.date.as_deref(), today)?,
        None => {
            let date = args
                .date
                .as_deref()
                .ok_or_else(|| invalid("--date is needed for a scan from report values"))?;
            Scan {
                date: dates::arg(date, "--date", today)?,
                agatston: args.agatston.unwrap_or_default(),
                per_artery: ArteryScores {
                    lm: args.lm,
                    lad: args.lad,
                    lcx: args.lcx,
                    rca: args.rca,
                },
                volume_mm3: args.volume_mm3,
                mass_mg: args.mass_mg,
                source: ScanSource::Report,
                score: None,
            }
        }
    };
    validate::scan(&scan, today).map_err(invalid)?;
    let mut app = args.db.app()?;
    let (person, _) = app.add_entry(args.person.person.as_deref(), &Entry::Scan(scan.clone()))?;
    match args.format {
        Format::Json => print_json(&scan)?,
        _ => crate::outln!(
            "added for {}: scan on {}, Agatston {}{}",
            person.name,
            scan.date,
            fmt_num(scan.agatston),
            scan.volume_mm3
                .map(|v| format!(", volume {} mm³", fmt_num(v)))
                .unwrap_or_default()
        )?,
    }
    Ok(())
}

fn from_json(
    path: &std::path::Path,
    series: Option<usize>,
    date: Option<&str>,
    today: jiff::civil::Date,
) -> CliResult<Scan> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
    let result: ScanResult = serde_json::from_str(&text).map_err(|e| {
        invalid(format!(
            "{}: not the output of `vascalc scan score --format json`: {e}",
            path.display()
        ))
    })?;
    let bad = |what: String| invalid(format!("{}: {what}", path.display()));
    let n = result.series.len();
    let one = match series {
        Some(i) => result
            .series
            .get(i)
            .ok_or_else(|| bad(format!("--series {i}, but the result holds {n} series")))?,
        None if n == 1 => &result.series[0],
        None if n == 0 => return Err(bad("the result holds no series".into())),
        None => return Err(bad(format!("{n} series; choose one with --series N"))),
    };
    let date = match (date, one.acquisition.study_date.as_deref()) {
        (Some(d), _) => dates::arg(d, "--date", today)?,
        (None, Some(d)) => dates::arg(&normalise_dicom_date(d), "acquisition.study_date", today)?,
        (None, None) => return Err(bad("no study date in the result; give --date".into())),
    };
    let artery = |name: &str| one.per_artery.get(name).map(|t| t.agatston);
    let score =
        serde_json::to_value(one).map_err(|e| bad(format!("cannot keep the result: {e}")))?;
    let scan = Scan {
        date,
        agatston: one.totals.agatston,
        per_artery: ArteryScores {
            lm: artery("LM"),
            lad: artery("LAD"),
            lcx: artery("LCX"),
            rca: artery("RCA"),
        },
        volume_mm3: Some(one.totals.volume_mm3),
        mass_mg: one.totals.mass_mg,
        source: ScanSource::Score,
        score: Some(score),
    };
    implausible_score(&scan, path)?;
    not_interpreted(one, path)?;
    Ok(scan)
}

/// Refuses a series that `scan score` did not interpret (its flags withhold CAC-DRS: unreviewed
/// automatic candidates, no chest found, not a chest series, too short a coverage, contrast, not
/// CT or not HU): its total is not a person's coronary score, and an unreviewed chest CT's total
/// (assigned lesions only) would be recorded as 0.
fn not_interpreted(one: &vascalc_ct::SeriesScore, path: &std::path::Path) -> CliResult {
    let why: Vec<String> = one
        .flags
        .iter()
        .filter(|f| f.code.blocks_interpretation())
        .map(|f| f.message.clone())
        .collect();
    if why.is_empty() {
        return Ok(());
    }
    Err(invalid(format!(
        "{}: this series was not interpreted as a coronary calcium score, so the record does not \
         take it: {}. Review the candidates or score the series with its coronary regions \
         (`vascalc scan score DIR --assign FILE`, --roi or --labels) and add that result, or add \
         the report's values with `vascalc scan add --date D --agatston N`",
        path.display(),
        why.join("; ")
    )))
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

/// The largest total the record takes (validate::scan's range): above it, a score is not a
/// person's coronary calcium.
const MOST_A_HEART_GIVES: f64 = 50_000.0;

/// Refuses, in words, a score from `scan score` that cannot be a person's coronary score (a
/// whole-image score, or a phantom's), before the range check would print a raw number.
fn implausible_score(scan: &Scan, path: &std::path::Path) -> CliResult {
    if scan.agatston <= MOST_A_HEART_GIVES {
        return Ok(());
    }
    Err(invalid(format!(
        "{}: a total Agatston score of {} is more than a person's coronary arteries give (the \
         record takes 0 to {}): it is most likely a whole-image score (every calcified voxel, \
         bone and calibration rods included, no coronary regions given) or a phantom's, not a \
         reviewed coronary score. Score the series with its coronary regions (`vascalc scan score \
         DIR --roi NAME=sphere:X,Y,Z,R … --only-rois`, or --labels/--assign) and review it, or \
         add the report's values with `vascalc scan add --date D --agatston N`",
        path.display(),
        fmt_num(scan.agatston.round()),
        fmt_num(MOST_A_HEART_GIVES)
    )))
}
