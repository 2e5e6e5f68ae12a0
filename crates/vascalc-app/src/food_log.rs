//! Logging food as people say it ("2 eggs", "a latte", "200 g salmon") or by id, and defining
//! the person's own foods and recipes.
//!
//! A phrase is read by vascalc-nutrition's [`Phrase`]; its food words are searched in the
//! shipped table and the person's own foods. When the phrase names one food clearly (the only
//! exact name match, or a first result well ahead of the second: [`confident_hit`]) that food is
//! taken; otherwise the choices are returned and nothing is written. The grams come from the
//! phrase's amount through the food's portion table, or from the grams or portion given; the
//! portion used is said and kept with the entry. A front end writes the entry with
//! [`App::add_entry`], which checks it like any other.

use jiff::civil::Date;
use serde_json::Value;
use vascalc_nutrition::{Food, Phrase, PortionMatch, SearchHit, confident_hit};
use vascalc_record::{FoodEntry, OwnFood, Person, RecordStore};

use crate::App;
use crate::error::{AppError, AppResult};
use crate::foods::{Definition, Foods};

/// How many choices an ambiguous phrase gives.
pub const CHOICES: usize = 6;

/// A food to log: `food` is a phrase or a food id; at most one of an amount in the phrase,
/// `grams` and `portion`.
#[derive(Debug, Clone, PartialEq)]
pub struct FoodLogInput {
    pub food: String,
    pub grams: Option<f64>,
    /// A household portion, as the food's portion table names it ("1 cup", "2 slice").
    pub portion: Option<String>,
    pub date: Date,
}

/// What a food to log resolved to.
#[derive(Debug)]
pub enum Resolved<'f> {
    /// One food, and the entry to write.
    Entry {
        entry: FoodEntry,
        food: &'f Food,
        /// The portion the grams came from, when not given in grams.
        portion_used: Option<PortionMatch>,
    },
    /// The phrase could mean several foods (best first): nothing is logged.
    Choices(Vec<SearchHit<'f>>),
}

/// The entry `input` gives with `foods` (the table and the person's own), or the choices when
/// the phrase is ambiguous. No match at all is not found; a missing or doubled amount is
/// invalid input.
pub fn resolve<'f>(foods: &'f Foods, input: &FoodLogInput) -> AppResult<Resolved<'f>> {
    let text = &input.food;
    // An id names its food; otherwise the phrase's food words are searched.
    let (food, phrase) = match foods.get(text) {
        Some(f) => (f, None),
        None => {
            let phrase = Phrase::parse(text);
            if phrase.food.trim().is_empty() {
                return Err(AppError::invalid(
                    "food",
                    text,
                    "say what was eaten: `vascalc log food \"2 eggs\"`",
                ));
            }
            let hits = foods.search(&phrase.food, CHOICES);
            if hits.is_empty() {
                return Err(AppError::NotFound(format!(
                    "no food matches {text:?}; try other words, or `vascalc food search WORDS`"
                )));
            }
            let Some(hit) = confident_hit(&hits) else {
                return Ok(Resolved::Choices(hits));
            };
            let food = foods.get(hit.food.id).ok_or_else(|| {
                AppError::Internal(format!(
                    "the search named {}, which no table holds",
                    hit.food.id
                ))
            })?;
            (food, Some(phrase))
        }
    };
    let invalid = |e: vascalc_nutrition::Error| AppError::invalid("portion", text, e.to_string());
    let portion: Option<PortionMatch> = match (&input.portion, input.grams, &phrase) {
        (Some(_), _, Some(p)) | (_, Some(_), Some(p)) if p.amount.is_some() => {
            return Err(AppError::invalid(
                "food",
                text,
                format!("{text:?} already gives an amount; drop --grams/--portion or the amount"),
            ));
        }
        (Some(p), _, _) => Some(food.portion(p).map_err(invalid)?),
        (None, Some(_), _) => None,
        (None, None, Some(p)) => match p.portion_for(food).map_err(invalid)? {
            Some(m) => Some(m),
            None => return Err(no_amount(food)),
        },
        (None, None, None) => match Phrase::parse("").portion_for(food) {
            Ok(Some(m)) => Some(m),
            _ => return Err(no_amount(food)),
        },
    };
    let grams = match (&portion, input.grams) {
        (Some(m), _) => m.grams,
        (None, Some(g)) => g,
        (None, None) => return Err(no_amount(food)),
    };
    Ok(Resolved::Entry {
        entry: FoodEntry {
            date: input.date,
            food_id: food.id.to_string(),
            grams,
            portion: portion.as_ref().map(portion_text),
        },
        food,
        portion_used: portion,
    })
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

fn no_amount(food: &Food) -> AppError {
    let known: Vec<String> = food.portions.iter().map(|p| p.label()).collect();
    AppError::invalid(
        "grams",
        "",
        format!(
            "how much {}? say it (\"200 g …\", \"1 cup …\") or give --grams G{}",
            food.name,
            if known.is_empty() {
                String::new()
            } else {
                format!(" or --portion (known: {})", known.join("; "))
            }
        ),
    )
}

impl<S: RecordStore> App<S> {
    /// The foods `who` may log and look up: the shipped table and their own foods and recipes.
    pub fn foods(&self, who: Option<&str>) -> AppResult<Foods> {
        let (id, _) = self.person(who)?;
        Foods::new(&self.store().own_foods(id)?)
    }

    /// Defines (or replaces) one of `who`'s own foods or recipes from its vascalc-nutrition
    /// `UserFood` or `Recipe` JSON, checked against the table and their other foods; it can
    /// then be logged, searched and shown as `user:<id>` / `recipe:<id>`.
    pub fn define_food(
        &mut self,
        who: Option<&str>,
        definition: Value,
    ) -> AppResult<(Person, OwnFood)> {
        let def = Definition::parse(&definition)?;
        let (id, person) = self.person(who)?;
        let mut foods = Foods::new(&self.store().own_foods(id)?)?;
        foods.add(&def)?;
        let own = OwnFood {
            food_id: def.food_id(),
            definition,
        };
        self.store_mut().put_own_food(id, &own)?;
        Ok((person, own))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use vascalc_record::Entry;
    use vascalc_store::Store;

    const TODAY: Date = date(2026, 12, 7);

    fn input(food: &str, grams: Option<f64>) -> FoodLogInput {
        FoodLogInput {
            food: food.into(),
            grams,
            portion: None,
            date: TODAY,
        }
    }

    #[test]
    fn a_phrase_resolves_through_the_portion_tables() {
        let foods = Foods::new(&[]).unwrap();
        // "2 eggs": FNDDS "1 egg" = 50 g (USDA FNDDS 2021-2023 Portions and Weights).
        let Resolved::Entry { entry, .. } = resolve(&foods, &input("2 eggs", None)).unwrap() else {
            panic!("2 eggs is one food");
        };
        assert_eq!(entry.grams, 100.0);
        assert!(
            entry.portion.as_deref().unwrap().contains("egg"),
            "{entry:?}"
        );
        // An id names its food; an amount in the phrase and grams together are refused.
        let Resolved::Entry { entry, food, .. } =
            resolve(&foods, &input("ndb:16113", Some(50.0))).unwrap()
        else {
            panic!("an id is one food");
        };
        assert_eq!((entry.food_id.as_str(), entry.grams), ("ndb:16113", 50.0));
        assert!(food.name.contains("Natto"), "{}", food.name);
        let e = resolve(&foods, &input("2 eggs", Some(80.0))).unwrap_err();
        assert!(e.to_string().contains("already gives an amount"), "{e}");
    }

    #[test]
    fn an_ambiguous_phrase_gives_choices_and_no_match_is_not_found() {
        let foods = Foods::new(&[]).unwrap();
        match resolve(&foods, &input("chicken cheese", None)).unwrap() {
            Resolved::Choices(hits) => assert!(hits.len() > 1 && hits.len() <= CHOICES),
            Resolved::Entry { entry, .. } => panic!("taken as {entry:?}"),
        }
        let e = resolve(&foods, &input("qqqzzzxxy", None)).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::NotFound);
        let e = resolve(&foods, &input("  ", None)).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Invalid);
    }

    #[test]
    fn an_own_food_is_searched_resolved_and_logged() {
        let mut app = App::at(Store::open_in_memory().unwrap(), TODAY);
        app.store_mut().add_person(&Person::named("Ann")).unwrap();
        let bread = serde_json::json!(
            {"id": "rye", "name": "Grandma's rye loaf", "per_100g": {"magnesium_mg": 70}}
        );
        let (_, own) = app.define_food(None, bread).unwrap();
        assert_eq!(own.food_id, "user:rye");
        let foods = app.foods(None).unwrap();
        assert_eq!(foods.search("grandma rye loaf", 3)[0].food.id, "user:rye");
        let Resolved::Entry { entry, .. } =
            resolve(&foods, &input("grandma's rye loaf", Some(60.0))).unwrap()
        else {
            panic!("the own food is one food");
        };
        app.add_entry(None, &Entry::Food(entry)).unwrap();
        let day = app.food_day(None, TODAY).unwrap();
        assert_eq!(day.entries[0].food_id, "user:rye");
        // 60 g at 70 mg/100 g.
        assert!((day.totals["magnesium_mg"].at_least - 42.0).abs() < 1e-9);
        // A recipe of an unknown food is refused and nothing is kept.
        let bad = serde_json::json!(
            {"id": "x", "name": "X", "ingredients": [{"food": "ndb:99999", "grams": 10}]}
        );
        assert!(app.define_food(None, bad).is_err());
        assert_eq!(
            app.foods(None).unwrap().get("recipe:x").map(|f| f.id.len()),
            None
        );
    }
}
