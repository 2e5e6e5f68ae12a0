//! `vascalc progress`: the scan history with the clinical progression analysis (change per
//! interval, the change MESA data lead one to expect, the next scan date) beside what the person
//! did between the scans.

use std::fmt::Write as _;

use vascalc_clinical::progression::SQRT_THRESHOLD;
use vascalc_program::Adherence;

use super::{DbArg, PersonArg, dates, fmt_num};
use crate::exit::CliResult;
use crate::output::{Format, print_json};

#[derive(Debug, clap::Args)]
pub(crate) struct ProgressArgs {
    /// Compute as of this date [default: today].
    #[arg(long)]
    as_of: Option<String>,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(super) use vascalc_app::progress::Report;

pub(super) fn run(args: ProgressArgs) -> CliResult {
    let as_of = dates::arg_or_today(args.as_of.as_deref(), "--as-of")?;
    let app = args.db.app_read()?;
    let report = app
        .progress(args.person.person.as_deref(), Some(as_of))
        .map_err(|e| super::flagged(e, &[("as_of", "--as-of")]))?;
    match args.format {
        Format::Json => print_json(&report)?,
        _ => crate::out!("{}", human(&report))?,
    }
    Ok(())
}

fn adherence_lines(s: &mut String, a: &Adherence) {
    for item in &a.items {
        let _ = writeln!(
            s,
            "      · {:<10} {:<18} {}",
            item.pillar.as_str(),
            item.topic,
            item.text
        );
    }
}

pub(super) fn human(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Progress of {} (as of {})", r.person, r.as_of);
    let _ = writeln!(
        s,
        "  {:<11} {:>9} {:>11} {:>9}  source",
        "scan", "Agatston", "volume mm³", "mass mg"
    );
    for sc in &r.scans {
        let opt = |v: Option<f64>| v.map(fmt_num).unwrap_or_else(|| "—".into());
        let _ = writeln!(
            s,
            "  {:<11} {:>9} {:>11} {:>9}  {}",
            sc.date.to_string(),
            fmt_num(sc.agatston),
            opt(sc.volume_mm3),
            opt(sc.mass_mg),
            sc.source.as_str()
        );
    }
    let p = &r.progression;
    let pairs: Vec<_> = p
        .consecutive
        .iter()
        .chain(p.first_to_last.iter().filter(|_| p.consecutive.len() > 1))
        .collect();
    if !pairs.is_empty() {
        let _ = writeln!(s, "\n  Change between scans, and what was done in between");
        for c in pairs {
            let _ = writeln!(
                s,
                "  {} → {} ({:.1} y): {} → {} ({:+.1} AU/y{}); √ difference {:.2}{}",
                c.from,
                c.to,
                c.years,
                fmt_num(c.baseline),
                fmt_num(c.follow_up),
                c.annualised_change,
                c.annualised_percent
                    .map(|p| format!(", {p:+.1} %/y"))
                    .unwrap_or_default(),
                c.sqrt_difference,
                if c.incident {
                    ": incident calcium".to_owned()
                } else if c.sqrt_rule_progression {
                    format!(": progression by the √ method (≥ {SQRT_THRESHOLD})")
                } else {
                    format!(": below the √ progression threshold ({SQRT_THRESHOLD})")
                }
            );
            if !c.expected.is_compared() {
                let _ = writeln!(
                    s,
                    "      expected: not compared (scans less than a year apart; see the caution)"
                );
            } else {
                let _ = writeln!(
                    s,
                    "      expected: {} — observed is {} expected",
                    c.expected.description, c.expected.comparison
                );
            }
            for w in &c.cautions {
                let _ = writeln!(s, "      CAUTION: {}", w.message);
            }
            let between = r.adherence.iter().find(|a| {
                a.from.to_string() == c.from.to_string() && a.to.to_string() == c.to.to_string()
            });
            if let Some(a) = between {
                adherence_lines(&mut s, a);
            }
        }
    }
    if let Some(a) = r.adherence.last().filter(|a| {
        r.scans
            .last()
            .is_some_and(|last| a.from.to_string() == last.date.to_string())
    }) {
        let _ = writeln!(
            s,
            "\n  Since the last scan ({} → {}, {} days)",
            a.from, a.to, a.days
        );
        adherence_lines(&mut s, a);
    }
    let ns = &p.next_scan;
    let _ = writeln!(s);
    match (ns.earliest, ns.latest) {
        (Some(e), Some(l)) => {
            let _ = writeln!(s, "  Next scan: between {e} and {l}");
        }
        (Some(e), None) => {
            let _ = writeln!(s, "  Next scan: not before {e}");
        }
        _ => {
            let _ = writeln!(s, "  Next scan: no evidence-based date for this profile");
        }
    }
    for b in &ns.basis {
        let _ = writeln!(s, "    - {b}");
    }
    let mut sources: Vec<&str> = p
        .consecutive
        .iter()
        .flat_map(|c| c.sources.iter().copied())
        .chain(ns.sources.iter().copied())
        .collect();
    sources.sort_unstable();
    sources.dedup();
    for src in sources {
        let _ = writeln!(s, "    source: {src}");
    }
    s
}
