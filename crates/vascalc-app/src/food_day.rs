//! The food log of one day (entries with their ids, nutrient totals with missing values kept
//! apart) and per-day totals over a period: what `vascalc log today` prints and the web app's
//! food log shows.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use vascalc_nutrition::{Nutrient, Totals, totals};
use vascalc_record::RecordStore;

use crate::App;
use crate::error::{AppError, AppResult};
use crate::foods::{DayTotals, Foods, daily_totals};

/// The nutrients a day's food log is totalled for, in display order.
pub const DAY_NUTRIENTS: [Nutrient; 14] = [
    Nutrient::EnergyKcal,
    Nutrient::ProteinG,
    Nutrient::CalciumMg,
    Nutrient::MagnesiumMg,
    Nutrient::PhosphorusMg,
    Nutrient::SodiumMg,
    Nutrient::VitaminDUg,
    Nutrient::PhylloquinoneUg,
    Nutrient::Menaquinone4Ug,
    Nutrient::Menaquinone7Ug,
    Nutrient::VitaminK2TotalUg,
    Nutrient::EpaG,
    Nutrient::DhaG,
    Nutrient::AlaG,
];

/// Where the day's values come from.
pub const SOURCES: &str = "values per food from the releases each food names (`vascalc food show ID`): USDA SR28, FDC Foundation Foods, FNDDS 2021-2023, Ciqual 2020, literature menaquinones";

/// One food-log entry of the day.
#[derive(Debug, Clone, Serialize)]
pub struct DayEntry {
    /// The row of the entry's id (`food:ROW`).
    pub id: i64,
    pub food_id: String,
    pub name: String,
    pub source: String,
    pub grams: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portion: Option<String>,
}

/// One nutrient's total for the day.
#[derive(Debug, Clone, Serialize)]
pub struct DayTotal {
    /// The sum over the entries whose food has a value: the day's total is at least this.
    pub at_least: f64,
    pub unit: &'static str,
    /// Foods of the day with no value for the nutrient (missing, never counted as 0).
    pub missing_foods: Vec<String>,
}

/// The food log of one day, as `vascalc log today --format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct FoodDay {
    pub person: String,
    pub date: String,
    pub entries: Vec<DayEntry>,
    pub grams: f64,
    pub totals: BTreeMap<&'static str, DayTotal>,
    pub sources: &'static str,
    /// Every nutrient's total (for descriptions in words).
    #[serde(skip)]
    pub all: Totals,
}

impl<S: RecordStore> App<S> {
    /// The food log of `who` on `date`.
    pub fn food_day(&self, who: Option<&str>, date: Date) -> AppResult<FoodDay> {
        let (id, person) = self.person(who)?;
        let foods = Foods::new(&self.store().own_foods(id)?)?;
        let rows = self.store().food_entries_on(id, date)?;
        let mut entries = Vec::with_capacity(rows.len());
        let mut items = Vec::with_capacity(rows.len());
        for (entry_id, e) in &rows {
            let food = foods.get(&e.food_id).ok_or_else(|| {
                AppError::invalid(
                    "food_id",
                    &e.food_id,
                    format!(
                        "entry {} names {:?}, which no food table holds",
                        entry_id.row, e.food_id
                    ),
                )
            })?;
            items.push((food, e.grams));
            entries.push(DayEntry {
                id: entry_id.row,
                food_id: e.food_id.clone(),
                name: food.name.to_string(),
                source: food.source.to_string(),
                grams: e.grams,
                portion: e.portion.clone(),
            });
        }
        let all = totals(items).map_err(|e| AppError::invalid("grams", "", e.to_string()))?;
        Ok(FoodDay {
            person: person.name,
            date: date.to_string(),
            grams: all.grams,
            totals: DAY_NUTRIENTS
                .iter()
                .map(|&n| {
                    let x = all.get(n);
                    (
                        n.key(),
                        DayTotal {
                            at_least: x.at_least,
                            unit: n.unit().symbol(),
                            missing_foods: x.missing_foods.clone(),
                        },
                    )
                })
                .collect(),
            entries,
            sources: SOURCES,
            all,
        })
    }

    /// The food log's totals per logged day of `who` from `since` to `until` (both included),
    /// oldest first; days without an entry are absent.
    pub fn food_days(
        &self,
        who: Option<&str>,
        since: Date,
        until: Date,
    ) -> AppResult<Vec<DayTotals>> {
        let (id, _) = self.person(who)?;
        let foods = Foods::new(&self.store().own_foods(id)?)?;
        let mut rows = self.store().food_grams_by_day(id, Some(since))?;
        rows.retain(|r| r.0 <= until);
        daily_totals(&foods, &rows)
    }
}
