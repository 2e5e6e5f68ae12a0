//! `vascalc plan`: the record as a vascalc-program `PlanInput` (daily nutrient intakes from the
//! food log through vascalc-nutrition totals), and the plan it gives: alerts first, then the
//! items grouped by pillar with status, target, current figures and evidence with citations.

use std::fmt::Write as _;

use vascalc_app::people;
use vascalc_program::evidence::Pillar;
use vascalc_program::{Plan, Severity, Status};

use super::{DbArg, PersonArg, dates};
use crate::exit::CliResult;
use crate::output::{Format, print_json};

#[derive(Debug, clap::Args)]
pub(crate) struct PlanArgs {
    /// Compute the plan as of this date [default: today].
    #[arg(long)]
    as_of: Option<String>,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(super) fn run(args: PlanArgs) -> CliResult {
    let as_of = dates::arg_or_today(args.as_of.as_deref(), "--as-of")?;
    let app = args.db.app_read()?;
    let view = app
        .plan(args.person.person.as_deref(), Some(as_of))
        .map_err(|e| super::flagged(e, &[("as_of", "--as-of")]))?;
    match args.format {
        Format::Json => print_json(&view.plan)?,
        _ => {
            let minor = view
                .person
                .birth_date
                .and_then(|b| people::minor_note(people::age_on(b, as_of)));
            if let Some(note) = minor {
                crate::outln!("{}: {note}.", view.person.name)?;
            }
            crate::out!("{}", human(&view.person.name, &view.plan))?
        }
    }
    Ok(())
}

fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Met => "✓",
        Status::NotMet => "✗",
        Status::NoData => "?",
        Status::NotApplicable => "–",
        Status::NoTarget => "·",
        Status::Discuss => "→",
    }
}

/// Citations shown per item in the readable plan (all are in `--format json`).
const CITATIONS_SHOWN: usize = 3;

/// The readable plan: alerts first, then each pillar's items.
pub(super) fn human(name: &str, plan: &Plan) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Plan for {name} (as of {})", plan.today);
    let _ = writeln!(
        s,
        "vascalc informs; it does not prescribe. Discuss any change with a clinician.\n"
    );
    if !plan.alerts.is_empty() {
        let _ = writeln!(s, "Alerts");
        let mut alerts: Vec<_> = plan.alerts.iter().collect();
        // "Safety rules could not be checked for X" comes first: it says the rest is incomplete.
        alerts.sort_by_key(|a| (a.rule != "unknown_medicine", std::cmp::Reverse(a.severity)));
        for a in alerts {
            let level = match a.severity {
                Severity::Danger => "DANGER",
                Severity::Warning => "WARNING",
                Severity::Info => "note",
            };
            let _ = writeln!(s, "  [{level}] {} ({})", a.message, a.rule);
            for c in a.citations.iter().take(CITATIONS_SHOWN) {
                let _ = writeln!(s, "      {}", cite(c));
            }
        }
        let _ = writeln!(s);
    }
    for pillar in [
        Pillar::Diet,
        Pillar::Lifestyle,
        Pillar::Medical,
        Pillar::Monitoring,
    ] {
        let items: Vec<_> = plan.items.iter().filter(|i| i.pillar == pillar).collect();
        if items.is_empty() {
            continue;
        }
        let mut title = pillar.as_str().to_owned();
        if let Some(first) = title.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        let _ = writeln!(s, "{title}");
        for i in items {
            let _ = writeln!(
                s,
                "  {} {} — {}",
                status_mark(i.status),
                i.title,
                i.status.as_str()
            );
            let _ = writeln!(s, "      target:  {} [{}]", i.target.text, i.target.source);
            let _ = writeln!(s, "      current: {}", i.current.text);
            if let Some(m) = i.current_30d.as_ref().filter(|m| m.text != i.current.text) {
                let _ = writeln!(s, "      30 days: {}", m.text);
            }
            let _ = writeln!(s, "      evidence: {}", i.evidence.summary);
            for c in i.evidence.citations.iter().take(CITATIONS_SHOWN) {
                let _ = writeln!(s, "        - {}", cite(c));
            }
            if let Some(more) = i
                .evidence
                .citations
                .len()
                .checked_sub(CITATIONS_SHOWN)
                .filter(|n| *n > 0)
            {
                let _ = writeln!(
                    s,
                    "        (+{more} more sources: --format json lists them all)"
                );
            }
            for n in &i.notes {
                let _ = writeln!(s, "      note: {n}");
            }
        }
        let _ = writeln!(s);
    }
    s
}

fn cite(c: &vascalc_program::Citation) -> String {
    let id = match (&c.doi, &c.pmid) {
        (Some(doi), _) => format!("doi:{doi}"),
        (None, Some(pmid)) => format!("PMID {pmid}"),
        (None, None) => c.url.clone().unwrap_or_else(|| "no identifier".into()),
    };
    let result = c
        .result
        .as_deref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    let unconfirmed = if c.unconfirmed { " [unconfirmed]" } else { "" };
    format!("{}{result} ({id}){unconfirmed}", c.label)
}
