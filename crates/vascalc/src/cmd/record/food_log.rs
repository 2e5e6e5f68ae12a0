//! `vascalc log food PHRASE|ID` and `vascalc log today`: logging food as people say it ("2
//! eggs", "a latte", "200 g salmon") and the day's entries with ids and totals.
//!
//! [`vascalc_app::food_log::resolve`] reads a phrase with [`vascalc_nutrition::Phrase`] and
//! searches its food words in the shipped table and the person's own foods. When the phrase names
//! one food clearly (the only exact name match, or a first result well ahead of the second:
//! [`vascalc_nutrition::confident_hit`]) it is
//! logged; otherwise the choices are listed with their ids and nothing is written (exit 4).
//! The grams come from the phrase's amount through the food's portion table, or from
//! `--grams` / `--portion`; the portion used is said and kept with the entry.

use serde::Serialize;

use vascalc_app::food_day::{DAY_NUTRIENTS, SOURCES};
use vascalc_app::food_log::{self, FoodLogInput, Resolved};
use vascalc_nutrition::{PortionMatch, SearchHit};
use vascalc_store::{Entry, FoodEntry};

use super::{DbArg, PersonArg, dates, flag_date, fmt_num};
use crate::exit::{CliError, CliResult};
use crate::output::{Format, print_json};

#[derive(Debug, clap::Args)]
pub(super) struct FoodArgs {
    /// What was eaten, as you would say it ("2 eggs", "a latte", "200 g salmon", "half an
    /// avocado"), or a food id (`ndb:16113`, `fndds:92101900`, `user:<id>`, `recipe:<id>`).
    food: String,
    /// Grams eaten (instead of an amount in the phrase).
    #[arg(long, allow_negative_numbers = true, conflicts_with = "portion")]
    grams: Option<f64>,
    /// A household portion, as `vascalc food show ID` lists them: "1 cup", "2 slice", "3 oz".
    #[arg(long)]
    portion: Option<String>,
    /// The day [default: today].
    #[arg(long)]
    date: Option<String>,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
pub(super) struct TodayArgs {
    /// The day [default: today].
    #[arg(long)]
    date: Option<String>,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Serialize)]
struct Logged<'a> {
    #[serde(flatten)]
    entry: &'a FoodEntry,
    name: &'a str,
    /// The portion the grams came from, when not given in grams.
    #[serde(skip_serializing_if = "Option::is_none")]
    portion_used: Option<&'a PortionMatch>,
}

#[derive(Serialize)]
struct Choices<'a> {
    phrase: &'a str,
    choices: &'a [SearchHit<'a>],
}

pub(super) fn food(args: FoodArgs) -> CliResult {
    let date = dates::arg_or_today(args.date.as_deref(), "--date")?;
    let who = args.person.person.as_deref();
    let mut app = args.db.app()?;
    let foods = app.foods(who)?;
    let input = FoodLogInput {
        food: args.food.clone(),
        grams: args.grams,
        portion: args.portion.clone(),
        date,
    };
    let (entry, food, portion) = match food_log::resolve(&foods, &input)? {
        Resolved::Choices(hits) => return Err(ambiguous(&args.food, &hits, args.format)),
        Resolved::Entry {
            entry,
            food,
            portion_used,
        } => (entry, food, portion_used),
    };
    let (person, _) = app
        .add_entry(who, &Entry::Food(entry.clone()))
        .map_err(flag_date)?;
    match args.format {
        Format::Json => print_json(&Logged {
            entry: &entry,
            name: &food.name,
            portion_used: portion.as_ref(),
        })?,
        _ => crate::outln!(
            "logged for {}: {} g {} ({}){} on {}",
            person.name,
            fmt_num(entry.grams),
            food.name,
            food.id,
            entry
                .portion
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default(),
            entry.date
        )?,
    }
    Ok(())
}

/// Lists the choices of an ambiguous phrase on stdout and returns exit 4.
fn ambiguous(text: &str, hits: &[SearchHit<'_>], format: Format) -> CliError {
    if format == Format::Json {
        if let Err(e) = print_json(&Choices {
            phrase: text,
            choices: hits,
        }) {
            return e.into();
        }
    } else {
        let mut out = format!("{text:?} could mean:\n");
        for h in hits {
            out.push_str(&format!(
                "  {:<16} {}  [{}]\n",
                h.food.id, h.food.name, h.food.source
            ));
        }
        out.push_str("log one by its id: vascalc log food ID --grams G (or --portion P)\n");
        if let Err(e) = crate::out!("{out}") {
            return e.into();
        }
    }
    CliError::not_found(anyhow::anyhow!(
        "{text:?} names several foods; nothing was logged (choose one by id)"
    ))
}

pub(super) fn today(args: TodayArgs) -> CliResult {
    let date = dates::arg_or_today(args.date.as_deref(), "--date")?;
    let app = args.db.app_read()?;
    let day = app.food_day(args.person.person.as_deref(), date)?;
    if args.format == Format::Json {
        print_json(&day)?;
        return Ok(());
    }
    let mut out = format!("{} — food log for {}\n", day.person, day.date);
    if day.entries.is_empty() {
        out.push_str("  nothing logged (vascalc log food \"2 eggs\" adds an entry)\n");
        crate::out!("{out}")?;
        return Ok(());
    }
    for e in &day.entries {
        out.push_str(&format!(
            "  food:{:<6} {:>7} g  {} ({}){}\n",
            e.id,
            fmt_num(e.grams),
            e.name,
            e.food_id,
            e.portion
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default()
        ));
    }
    out.push_str(&format!(
        "\nTotals over {} entries ({} g):\n",
        day.entries.len(),
        fmt_num(day.grams)
    ));
    for n in DAY_NUTRIENTS {
        out.push_str(&format!(
            "  {:<30} {}\n",
            n.label(),
            day.all.get(n).describe()
        ));
    }
    out.push_str(&format!("\n{SOURCES}.\n"));
    crate::out!("{out}")?;
    Ok(())
}
