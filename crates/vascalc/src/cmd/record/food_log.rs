//! `vascalc log food PHRASE|ID` and `vascalc log today`: logging food as people say it ("2
//! eggs", "a latte", "200 g salmon") and the day's entries with ids and totals.
//!
//! A phrase is read by vascalc-nutrition's [`Phrase`]; its food words are searched in the
//! shipped table and the person's own foods. When the phrase names one food clearly (the only
//! exact name match, or a first result well ahead of the second: [`confident_hit`]) it is
//! logged; otherwise the choices are listed with their ids and nothing is written (exit 4).
//! The grams come from the phrase's amount through the food's portion table, or from
//! `--grams` / `--portion`; the portion used is said and kept with the entry.

use serde::Serialize;

use vascalc_app::food_day::{DAY_NUTRIENTS, SOURCES};
use vascalc_nutrition::{Food, Phrase, PortionMatch, SearchHit, confident_hit};
use vascalc_store::FoodEntry;

use super::foods::Foods;
use super::{DbArg, PersonArg, dates, fmt_num, invalid, store_error, validate};
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

/// How many choices an ambiguous phrase lists.
const CHOICES: usize = 6;

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
    let today = dates::today();
    let date = dates::arg_or_today(args.date.as_deref(), "--date")?;
    let mut store = args.db.open()?;
    let (id, person) = args.person.select(&store)?;
    let foods = Foods::new(&store.own_foods(id).map_err(store_error)?).map_err(invalid)?;
    let phrase = Phrase::parse(&args.food);
    // An id names its food; otherwise the phrase's food words are searched.
    let (food, phrase) = match foods.get(&args.food) {
        Some(f) => (f, None),
        None => {
            if phrase.food.trim().is_empty() {
                return Err(invalid("say what was eaten: `vascalc log food \"2 eggs\"`"));
            }
            let hits = foods.search(&phrase.food, CHOICES);
            let Some(hit) = confident_hit(&hits) else {
                return Err(ambiguous(&args.food, &hits, args.format));
            };
            let food = foods.get(hit.food.id).ok_or_else(|| {
                invalid(format!(
                    "the search named {}, which no table holds",
                    hit.food.id
                ))
            })?;
            (food, Some(phrase))
        }
    };
    let portion: Option<PortionMatch> = match (&args.portion, args.grams, &phrase) {
        (Some(_), _, Some(p)) | (_, Some(_), Some(p)) if p.amount.is_some() => {
            return Err(invalid(format!(
                "{:?} already gives an amount; drop --grams/--portion or the amount",
                args.food
            )));
        }
        (Some(p), _, _) => Some(food.portion(p).map_err(|e| invalid(e.to_string()))?),
        (None, Some(_), _) => None,
        (None, None, Some(p)) => match p.portion_for(food).map_err(|e| invalid(e.to_string()))? {
            Some(m) => Some(m),
            None => return Err(no_amount(food)),
        },
        (None, None, None) => match Phrase::parse("").portion_for(food) {
            Ok(Some(m)) => Some(m),
            _ => return Err(no_amount(food)),
        },
    };
    let grams = match (&portion, args.grams) {
        (Some(m), _) => m.grams,
        (None, Some(g)) => g,
        (None, None) => return Err(no_amount(food)),
    };
    let entry = FoodEntry {
        date,
        food_id: food.id.to_string(),
        grams,
        portion: portion.as_ref().map(portion_text),
    };
    validate::food(&entry, today, &|id| foods.known(id)).map_err(invalid)?;
    store
        .add_foods(id, std::slice::from_ref(&entry))
        .map_err(store_error)?;
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

/// "2 = 2 × 1 egg (50 g)", "default portion: Quantity not specified (FNDDS)".
fn portion_text(m: &PortionMatch) -> String {
    if m.requested.is_empty() {
        format!("no amount given: {}", m.matched)
    } else if m.requested.eq_ignore_ascii_case(&m.matched) {
        m.requested.clone()
    } else {
        format!("{} as {}", m.requested, m.matched)
    }
}

fn no_amount(food: &Food) -> CliError {
    let known: Vec<String> = food.portions.iter().map(|p| p.label()).collect();
    invalid(format!(
        "how much {}? say it (\"200 g …\", \"1 cup …\") or give --grams G{}",
        food.name,
        if known.is_empty() {
            String::new()
        } else {
            format!(" or --portion (known: {})", known.join("; "))
        }
    ))
}

/// Lists the choices of an ambiguous phrase on stdout and returns exit 4.
fn ambiguous(text: &str, hits: &[SearchHit<'_>], format: Format) -> CliError {
    if hits.is_empty() {
        return CliError::not_found(anyhow::anyhow!(
            "no food matches {text:?}; try other words, or `vascalc food search WORDS`"
        ));
    }
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
