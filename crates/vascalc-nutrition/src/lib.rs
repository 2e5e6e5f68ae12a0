//! vascalc-nutrition: the food-composition table vascalc ships, nutrient maths that keep missing
//! values apart, reference intakes, and phosphate-additive detection.
//!
//! - [`FoodTable::shipped`] is the table embedded in the binary (`data/foods.tsv`), generated
//!   by the developer tool `vascalc-foodgen` from USDA SR28 (with FoodData Central SR Legacy
//!   ids), FoodData Central Foundation Foods 2024-10-31, USDA FNDDS 2021-2023 (foods as eaten:
//!   mixed dishes and drinks), the ANSES Ciqual 2020 vitamin K2
//!   column and a curated menaquinone table with a citation per value
//!   (`data/menaquinones.toml`). [`FoodTable::releases`] names the releases and file hashes.
//!   Nothing is read from disk at run time. The generator also writes the table's pre-built
//!   index (`data/foods.idx`), which is read in place: loading the table parses only its
//!   header, and each food is parsed the first time it is asked for.
//! - A [`Food`] keeps its source id (`ndb:01009`, `fdc:…`, `fndds:…`, `ciqual:…`, `lit:…`), USDA household
//!   [`Portion`]s and per-100 g values keyed by [`Nutrient`] (canonical keys such as
//!   `menaquinone7_ug`). Each [`NutrientValue`] has a [`Provenance`]: measured in a release,
//!   from the literature with its citation, calculated, or user-entered. A missing value is
//!   absent, never zero.
//! - [`totals`] adds up (food, grams) pairs into "at least X; N foods had no value".
//! - [`FoodTable::search`] is ranked for people and typo-tolerant ("chedar" finds cheddar,
//!   "porridge" oatmeal), one result per food with the other releases' records as
//!   alternatives; [`confident_hit`] says when a phrase names one food clearly enough to log
//!   it without an id.
//! - [`Phrase`] reads "2 eggs", "1 cup cooked oatmeal", "half an avocado" and
//!   [`Phrase::portion_for`] turns the amount into grams through a food's portion table.
//! - [`detect_phosphate_additives`] flags inorganic phosphate additives in ingredient text.
//! - [`reference_intake`] gives the DRI (RDA/AI and UL) for a person; [`epa_dha_targets`] and
//!   [`CKD_PHOSPHORUS_CONTEXT`] the targets in use where no DRI exists.
//! - [`UserFood`] and [`Recipe`] are the user's own foods.
//!
//! ```
//! use vascalc_nutrition::{FoodTable, Nutrient, totals};
//! let table = FoodTable::shipped().unwrap();
//! let hits = table.search("spinach raw", 3);
//! let spinach = table.get(hits[0].food.id).unwrap();
//! let cup = spinach.portion("1 cup").unwrap();
//! let day = totals([(spinach, cup.grams)]).unwrap();
//! println!("{}", day.get(Nutrient::MagnesiumMg).describe());
//! ```

mod additives;
mod food;
mod intakes;
mod nutrient;
mod packed;
mod phrase;
mod recipe;
mod search;
mod table;
mod totals;

pub use additives::{
    AdditiveKind, PhosphateAdditive, detect_phosphate_additives, has_inorganic_phosphate,
};
pub use food::{
    Food, NutrientValue, NutrientValues, Portion, PortionMatch, Provenance, Serving, Shown,
};
pub use intakes::{
    CKD_PHOSPHORUS_CONTEXT, ClinicianPhosphorusTarget, EpaDhaTarget, IntakeKind, K2_NOTE,
    LifeStage, Person, ReferenceIntake, Sex, epa_dha_targets, reference_intake,
};
pub use nutrient::{Nutrient, Unit};
pub use phrase::{Phrase, PhraseUnit, QUANTITY_NOT_SPECIFIED, default_portion};
pub use recipe::{Recipe, RecipeFood, RecipeIngredient, UserFood};
pub use search::{EATEN_COOKED, HitFood, SYNONYMS, SearchHit, confident_hit};
pub use table::{FoodTable, OWN_FOOD_BONUS, Release, ReleaseFile, SHIPPED_INDEX, SHIPPED_TABLE};
pub use totals::{NutrientTotal, Totals, totals};

/// Errors of the nutrition library, each naming what to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("food table line {line}: {reason}")]
    Table { line: usize, reason: String },
    #[error(
        "unknown nutrient key {0:?} (known keys: energy_kcal, protein_g, …, see `vascalc food show`)"
    )]
    UnknownNutrient(String),
    #[error("{nutrient}: {value} is not a valid amount per 100 g (must be a finite number ≥ 0)")]
    InvalidValue { nutrient: &'static str, value: f64 },
    #[error("{food}: {grams} g is not a valid amount (must be a finite number ≥ 0)")]
    InvalidGrams { food: String, grams: f64 },
    #[error("{food}: cannot resolve portion {request:?}: {reason}")]
    Portion {
        food: String,
        request: String,
        reason: String,
    },
    #[error("{0}")]
    InvalidFood(String),
    #[error("{0}")]
    Target(String),
}

/// A number for people: up to 3 significant decimals, no trailing zeros.
pub fn format_value(v: f64) -> String {
    let s = if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
