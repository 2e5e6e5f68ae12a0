//! `vascalc report --out FILE.html`: the clinician report (vascalc-report) of one person, as of a
//! date, from vascalc-app's report data (the assessment, progression and plan computed exactly as
//! `assess --person`, `progress` and `plan` compute them).

use std::path::PathBuf;

use super::record::{DbArg, PersonArg, flagged};
use crate::exit::{CliError, CliResult};

#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    /// The HTML file to write (replaced if it exists). Open it in a browser to read, print it,
    /// or "Save as PDF".
    #[arg(long, value_name = "FILE.html")]
    out: PathBuf,
    /// Figures as of this date [default: today]; later entries are left out.
    #[arg(long)]
    as_of: Option<String>,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
}

pub(crate) fn run(args: ReportArgs) -> CliResult {
    let app = args.db.app_read()?;
    let today = app.today();
    let as_of = match args.as_of.as_deref() {
        Some(text) => {
            let d =
                vascalc_app::dates::parse("--as-of", text).map_err(|e| e.prefixed("--as-of"))?;
            vascalc_app::dates::check("--as-of", d, today).map_err(|e| e.prefixed("--as-of"))?;
            Some(d)
        }
        None => None,
    };
    let data = app
        .report_data(args.person.person.as_deref(), as_of)
        .map_err(|e| flagged(e, &[("as_of", "--as-of")]))?;
    let html = data.render(today, env!("CARGO_PKG_VERSION"));
    std::fs::write(&args.out, html.as_bytes()).map_err(|e| {
        CliError::new(
            crate::exit::Exit::Failure,
            anyhow::anyhow!("cannot write the report to {}: {e}", args.out.display()),
        )
    })?;
    crate::outln!(
        "Wrote the report of {} as of {} to {} ({} KB): open it in a browser to read, print, or \
         save as PDF.",
        data.record.person.name,
        data.as_of,
        args.out.display(),
        html.len().div_ceil(1024)
    )?;
    Ok(())
}
