//! `vascalc progress`: the scan history with the clinical progression analysis (change per
//! interval, the change MESA data lead one to expect, the next scan date) beside what the person
//! did between the scans.

use std::fmt::Write as _;

use serde::Serialize;
use vascalc_clinical::progression::Progression;
use vascalc_program::Adherence;
use vascalc_store::{PersonId, Store};

use super::{DbArg, PersonArg, context, dates, fmt_num, invalid};
use crate::exit::{CliError, CliResult};
use crate::output::{Format, print_json};

#[derive(Debug, clap::Args)]
pub struct ProgressArgs {
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

/// `vascalc progress --format json`.
#[derive(Debug, Serialize)]
pub struct Report {
    pub person: String,
    pub as_of: jiff::civil::Date,
    pub scans: Vec<vascalc_store::Scan>,
    pub progression: Progression,
    /// What the person did between consecutive scans (vascalc-program's adherence), then from
    /// the last scan to `as_of`.
    pub adherence: Vec<Adherence>,
}

pub fn run(args: ProgressArgs) -> CliResult {
    let as_of = dates::arg_or_today(args.as_of.as_deref(), "--as-of")?;
    let store = args.db.open_read()?;
    let (id, person) = args.person.select(&store)?;
    let record = context::load(&store, id, person, None)?;
    let report = report(&store, id, &record, as_of)?;
    match args.format {
        Format::Json => print_json(&report)?,
        _ => crate::out!("{}", human(&report))?,
    }
    Ok(())
}

pub fn report(
    store: &Store,
    id: PersonId,
    record: &vascalc_store::PersonRecord,
    as_of: jiff::civil::Date,
) -> CliResult<Report> {
    let name = &record.person.name;
    let scans: Vec<vascalc_store::Scan> = context::scans_until(record, as_of)
        .into_iter()
        .cloned()
        .collect();
    if scans.is_empty() {
        return Err(CliError::not_found(anyhow::anyhow!(
            "{name} has no scan on or before {as_of}; add one with `vascalc scan add`"
        )));
    }
    let progression = context::progression(record, as_of)
        .map_err(invalid)?
        .ok_or_else(|| CliError::not_found(anyhow::anyhow!("{name} has no scan")))?;
    let input = super::plan::plan_input(store, id, record, None, as_of)?;
    let mut bounds: Vec<jiff::civil::Date> = scans.iter().map(|s| s.date).collect();
    if bounds.last().is_some_and(|last| *last < as_of) {
        bounds.push(as_of);
    }
    let adherence = bounds
        .windows(2)
        .filter_map(|w| {
            let (from, to) = (
                super::plan::program_date(w[0])?,
                super::plan::program_date(w[1])?,
            );
            Some(vascalc_program::adherence(&input, from, to))
        })
        .collect();
    Ok(Report {
        person: name.clone(),
        as_of,
        scans,
        progression,
        adherence,
    })
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

pub fn human(r: &Report) -> String {
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
                    ": incident calcium"
                } else if c.sqrt_rule_progression {
                    ": progression by the √ method (≥ 2.5)"
                } else {
                    ": below the √ progression threshold (2.5)"
                }
            );
            if c.expected.comparison == "unreliable" {
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
