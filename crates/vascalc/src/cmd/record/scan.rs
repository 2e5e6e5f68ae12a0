//! `vascalc scan add`: a scan from report values, or from a `vascalc scan score --format json`
//! result kept whole with its acquisition details and flags.

use std::path::PathBuf;

use vascalc_app::scans;
use vascalc_store::{ArteryScores, Entry, Scan, ScanSource};

use super::{DbArg, PersonArg, dates, fmt_num, invalid};
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
    // The use case checks the scan whole (values, date, what a score result may enter).
    let mut app = args.db.app()?;
    // The date is --date when given, else the study date of the --from-json file.
    let date_is = if args.date.is_some() {
        "--date"
    } else {
        "the study date"
    };
    let (person, _) = app
        .add_entry(args.person.person.as_deref(), &Entry::Scan(scan.clone()))
        .map_err(|e| super::flagged(e, &[("date", date_is)]))?;
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

/// The scan a `scan score --format json` file gives (vascalc-app's rules), with the file's name
/// before a refusal.
fn from_json(
    path: &std::path::Path,
    series: Option<usize>,
    date: Option<&str>,
    today: jiff::civil::Date,
) -> CliResult<Scan> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
    let date = date.map(|d| dates::arg(d, "--date", today)).transpose()?;
    Ok(scans::scan_from_score(&text, series, date, today)
        .map_err(|e| e.prefixed(&path.display().to_string()))?)
}
