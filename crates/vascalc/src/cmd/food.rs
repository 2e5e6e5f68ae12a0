//! `vascalc food`: search the shipped food table and the person's own foods, show a food's
//! nutrients with their sources, and detect phosphate additives in ingredient text. See
//! `docs/food.md`.

use std::fmt::Write as _;

use anyhow::anyhow;
use clap::{Args, Subcommand};
use serde::Serialize;
use vascalc_nutrition::{
    AdditiveKind, Food, FoodTable, Nutrient, PhosphateAdditive, Provenance, SearchHit, Serving,
    Shown, detect_phosphate_additives, format_value, has_inorganic_phosphate,
};

use crate::cmd::record::foods::Foods;
use crate::cmd::record::{DbArg, PersonArg};
use crate::exit::{CliError, CliResult};
use crate::output::{Format, print_json};

#[derive(Debug, Args)]
pub(crate) struct FoodArgs {
    #[command(subcommand)]
    command: FoodCommand,
}

#[derive(Debug, Subcommand)]
enum FoodCommand {
    /// Ranked, typo-tolerant search over food names ("natto", "chedar", "porridge", "latte"),
    /// the person's own foods and recipes included when the record has them.
    Search {
        /// What to look for.
        query: String,
        /// How many results to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[command(flatten)]
        person: PersonArg,
        #[command(flatten)]
        db: DbArg,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// A food's nutrients per 100 g (or per portion) with the source of every value.
    Show {
        /// A food id: ndb:01009, fdc:…, fndds:…, ciqual:…, lit:… (an SR number alone works
        /// too), or the person's own user:… / recipe:….
        id: String,
        /// A household portion such as "1 cup", "2 tbsp", "1 large", "3 oz".
        #[arg(long, conflicts_with = "grams")]
        portion: Option<String>,
        /// An amount in grams.
        #[arg(long)]
        grams: Option<f64>,
        #[command(flatten)]
        person: PersonArg,
        #[command(flatten)]
        db: DbArg,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Phosphate additives in an ingredient list (E338–E343, E450–E452, E541, starch
    /// phosphates, US names such as "sodium hexametaphosphate").
    Additives {
        /// The ingredient text, as printed on the label.
        #[arg(long)]
        ingredients: String,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

pub(crate) fn run(args: FoodArgs) -> CliResult {
    match args.command {
        FoodCommand::Search {
            query,
            limit,
            person,
            db,
            format,
        } => search(&query, limit, &foods(&db, &person)?, format),
        FoodCommand::Show {
            id,
            portion,
            grams,
            person,
            db,
            format,
        } => show(
            &id,
            portion.as_deref(),
            grams,
            &foods(&db, &person)?,
            format,
        ),
        FoodCommand::Additives {
            ingredients,
            format,
        } => additives(&ingredients, format),
    }
}

/// The shipped table, plus the person's own foods when a record exists. `food` commands never
/// create a database: without one (or without a person in it) they read the shipped table only.
fn foods(db: &DbArg, person: &PersonArg) -> CliResult<Foods> {
    let table_only =
        || Foods::new(&[]).map_err(|e| CliError::new(crate::exit::Exit::Failure, anyhow!(e)));
    let path = db.path();
    let exists = path.as_ref().is_ok_and(|p| p.exists());
    if !exists {
        if let Some(name) = &person.person {
            return Err(CliError::not_found(anyhow!(
                "no record to find {name:?} in: the database does not exist yet"
            )));
        }
        return table_only();
    }
    let app = db.app_read()?;
    // A database with no one in it (or several, none named): the shipped table.
    if person.person.is_none() && app.person(None).is_err() {
        return table_only();
    }
    Ok(app.foods(person.person.as_deref())?)
}

fn no_csv(format: Format) -> CliResult {
    if format == Format::Csv {
        return Err(CliError::invalid_input(anyhow!(
            "--format csv is not offered here; use human or json"
        )));
    }
    Ok(())
}

#[derive(Serialize)]
struct SearchOutput<'a> {
    query: &'a str,
    hits: Vec<SearchHit<'a>>,
}

fn search(query: &str, limit: usize, foods: &Foods, format: Format) -> CliResult {
    no_csv(format)?;
    if query.trim().is_empty() {
        return Err(CliError::invalid_input(anyhow!(
            "the search query is empty"
        )));
    }
    let hits = foods.search(query, limit);
    if format == Format::Json {
        print_json(&SearchOutput { query, hits })?;
        return Ok(());
    }
    if hits.is_empty() {
        return Err(CliError::not_found(anyhow!(
            "no food matches {query:?}; try fewer or other words"
        )));
    }
    let mut out = String::new();
    for h in &hits {
        let _ = writeln!(
            out,
            "{:<16} {}  [{}]",
            h.food.id, h.food.name, h.food.source
        );
        if !h.alternatives.is_empty() {
            let alts: Vec<String> = h
                .alternatives
                .iter()
                .map(|a| format!("{} [{}]", a.id, a.source))
                .collect();
            let _ = writeln!(out, "{:<16}   also: {}", "", alts.join(", "));
        }
    }
    crate::out!("{out}")?;
    Ok(())
}

fn show(
    id: &str,
    portion: Option<&str>,
    grams: Option<f64>,
    foods: &Foods,
    format: Format,
) -> CliResult {
    no_csv(format)?;
    let t = foods.table();
    let food = foods.get(id).ok_or_else(|| {
        CliError::not_found(anyhow!(
            "no food with id {id:?}; find ids with `vascalc food search WORDS`"
        ))
    })?;
    let serving = food
        .serving_for(portion, grams)
        .map_err(CliError::invalid_input)?;
    if format == Format::Json {
        print_json(&Shown { food, serving })?;
        return Ok(());
    }
    crate::out!("{}", render_food(t, food, serving.as_ref()))?;
    Ok(())
}

fn render_food(t: &FoodTable, food: &Food, serving: Option<&Serving>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", food.name);
    let mut ids = vec![food.id.to_string()];
    ids.extend(food.aliases.iter().map(|a| a.to_string()));
    let _ = writeln!(out, "  id: {}", ids.join(", "));
    let source = t.release(&food.source).map_or_else(
        || food.source.to_string(),
        |r| format!("{} ({})", r.title, r.version),
    );
    let _ = writeln!(out, "  source: {source}");
    if let Some(g) = &food.group {
        let _ = writeln!(out, "  group: {g}");
    }
    if let Some(d) = t.description(&food.id) {
        let _ = writeln!(out, "  also: {d}");
    }
    let _ = writeln!(out);
    let (heading, values) = match serving {
        Some(s) => (
            match &s.portion {
                Some(p) => format!("In {} ({} g):", p.matched_label(), format_value(s.grams)),
                None => format!("In {} g:", format_value(s.grams)),
            },
            &s.nutrients,
        ),
        None => ("Per 100 g:".to_string(), &food.per_100g),
    };
    let _ = writeln!(out, "{heading}");
    let mut notes: Vec<String> = Vec::new();
    for n in Nutrient::ALL {
        let label = n.label();
        match values.get(n) {
            None => {
                let _ = writeln!(out, "  {label:<30} missing");
            }
            Some(v) => {
                let amount = format!("{} {}", format_value(v.value), n.unit().symbol());
                let src = match &v.provenance {
                    Provenance::Measured {
                        source,
                        detail: None,
                    } => source.to_string(),
                    p => {
                        let text = p.describe();
                        let k = match notes.iter().position(|x| *x == text) {
                            Some(k) => k,
                            None => {
                                notes.push(text);
                                notes.len() - 1
                            }
                        };
                        format!("{} [{}]", p.kind(), k + 1)
                    }
                };
                let _ = writeln!(out, "  {label:<30} {amount:<14} {src}");
            }
        }
    }
    if !notes.is_empty() {
        let _ = writeln!(out);
        for (i, n) in notes.iter().enumerate() {
            let _ = writeln!(out, "  [{}] {n}", i + 1);
        }
    }
    if !food.portions.is_empty() {
        let _ = writeln!(out);
        let ps: Vec<String> = food
            .portions
            .iter()
            .map(|p| format!("{} = {} g", p.label(), format_value(p.grams)))
            .collect();
        let _ = writeln!(
            out,
            "Portions ({}): {}",
            portion_source(food),
            ps.join("; ")
        );
    }
    if let Some(text) = &food.ingredients {
        let _ = writeln!(out, "Ingredients: {text}");
        out.push_str(&render_additives(&food.phosphate_additives));
    }
    out
}

/// Where a food's portions come from, for the heading.
fn portion_source(food: &Food) -> &'static str {
    match food.source.as_ref() {
        "user" => "yours",
        "recipe" => "the recipe",
        s if s.starts_with("usda-fndds") => "USDA FNDDS",
        _ => "USDA",
    }
}

trait MatchedLabel {
    fn matched_label(&self) -> String;
}

impl MatchedLabel for vascalc_nutrition::PortionMatch {
    fn matched_label(&self) -> String {
        if self.requested.eq_ignore_ascii_case(&self.matched) {
            self.requested.clone()
        } else {
            format!("{} (as {})", self.requested, self.matched)
        }
    }
}

#[derive(Serialize)]
struct AdditivesOutput<'a> {
    ingredients: &'a str,
    inorganic_phosphate: bool,
    phosphate_additives: Vec<PhosphateAdditive>,
}

fn additives(ingredients: &str, format: Format) -> CliResult {
    no_csv(format)?;
    let found = detect_phosphate_additives(ingredients);
    if format == Format::Json {
        print_json(&AdditivesOutput {
            ingredients,
            inorganic_phosphate: has_inorganic_phosphate(&found),
            phosphate_additives: found,
        })?;
        return Ok(());
    }
    crate::out!("{}", render_additives(&found))?;
    Ok(())
}

fn render_additives(found: &[PhosphateAdditive]) -> String {
    let mut out = String::new();
    if found.is_empty() {
        out.push_str("No phosphate additive found in the ingredient text.\n");
        return out;
    }
    if has_inorganic_phosphate(found) {
        out.push_str("Contains inorganic phosphate additives (phosphorus absorbed almost completely; León et al. 2013, J Ren Nutr):\n");
    } else {
        out.push_str("Contains phosphate additives of the minor kinds only:\n");
    }
    for a in found {
        let kind = match a.kind {
            AdditiveKind::Inorganic => "inorganic phosphate",
            AdditiveKind::StarchPhosphate => "starch phosphate (minor)",
            AdditiveKind::PhosphateEster => "phosphate ester (minor)",
        };
        let e = a
            .e_number
            .as_deref()
            .map(|e| format!(" {e}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {:?}{e}: {} — {kind}", a.text, a.name);
    }
    out
}
