//! The foods a food-log entry may name: the shipped food table (vascalc-nutrition) and the
//! person's own foods (`user:<id>`) and recipes (`recipe:<id>`), kept in the record as the
//! vascalc-nutrition `UserFood` / `Recipe` they were defined by.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use jiff::civil::Date;
use serde_json::Value;
use vascalc_nutrition::{
    Food, FoodTable, Nutrient, Recipe, SearchHit, UserFood, has_inorganic_phosphate, totals,
};
use vascalc_record::OwnFood;

use crate::error::{AppError, AppResult};

/// A definition of the person's own: a food with its values, or a recipe.
pub enum Definition {
    Food(UserFood),
    Recipe(Recipe),
}

impl Definition {
    /// Reads a `UserFood` (has `per_100g`) or a `Recipe` (has an `ingredients` list).
    pub fn parse(value: &Value) -> AppResult<Self> {
        let bad = |reason: String| AppError::invalid("definition", "", reason);
        if value.get("per_100g").is_some() {
            serde_json::from_value(value.clone())
                .map(Definition::Food)
                .map_err(|e| bad(format!("not a food definition: {e}")))
        } else if value.get("ingredients").is_some_and(Value::is_array) {
            serde_json::from_value(value.clone())
                .map(Definition::Recipe)
                .map_err(|e| bad(format!("not a recipe: {e}")))
        } else {
            Err(bad(
                "a food needs \"per_100g\" values, a recipe an \"ingredients\" list".into(),
            ))
        }
    }

    /// `user:<id>` or `recipe:<id>`.
    pub fn food_id(&self) -> String {
        match self {
            Definition::Food(f) => format!("user:{}", f.id),
            Definition::Recipe(r) => format!("recipe:{}", r.id),
        }
    }
}

/// The shipped table plus one person's own foods and recipes.
pub struct Foods {
    table: &'static FoodTable,
    own: HashMap<String, Food>,
    /// The own foods as a searchable table, built on the first search.
    own_table: OnceLock<Option<FoodTable>>,
}

impl Foods {
    /// The table and `own` foods, checked: user foods first, then recipes in order (a recipe may
    /// use the table, the person's foods and the recipes before it).
    pub fn new(own: &[OwnFood]) -> AppResult<Self> {
        let table = FoodTable::shipped()
            .map_err(|e| AppError::Internal(format!("the shipped food table: {e}")))?;
        let mut foods = Self {
            table,
            own: HashMap::new(),
            own_table: OnceLock::new(),
        };
        let mut defs = Vec::with_capacity(own.len());
        for (i, o) in own.iter().enumerate() {
            let def = Definition::parse(&o.definition)
                .map_err(|e| e.within(&format!("own_foods[{i}] ({})", o.food_id)))?;
            if def.food_id() != o.food_id {
                return Err(AppError::invalid(
                    format!("own_foods[{i}].food_id"),
                    &o.food_id,
                    format!(
                        "own_foods[{i}]: food_id {:?} does not match its definition ({})",
                        o.food_id,
                        def.food_id()
                    ),
                ));
            }
            defs.push((i, def));
        }
        defs.sort_by_key(|(_, d)| matches!(d, Definition::Recipe(_)));
        for (i, def) in &defs {
            foods
                .add(def)
                .map_err(|e| e.within(&format!("own_foods[{i}] ({})", def.food_id())))?;
        }
        Ok(foods)
    }

    /// Checks a definition and makes it available.
    pub fn add(&mut self, def: &Definition) -> AppResult<()> {
        let bad = |reason: String| AppError::invalid("definition", def.food_id(), reason);
        let food = match def {
            Definition::Food(f) => f.to_food().map_err(|e| bad(e.to_string()))?,
            Definition::Recipe(r) => {
                r.to_food(|id| self.get(id))
                    .map_err(|e| bad(e.to_string()))?
                    .food
            }
        };
        self.own.insert(def.food_id(), food);
        self.own_table = OnceLock::new();
        Ok(())
    }

    /// The shipped table alone (no own foods).
    pub fn table(&self) -> &'static FoodTable {
        self.table
    }

    /// Ranked search over the shipped table and the person's own foods and recipes.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit<'_>> {
        let own = self.own_table.get_or_init(|| {
            let mut foods: Vec<Food> = self.own.values().cloned().collect();
            foods.sort_by(|a, b| a.id.cmp(&b.id));
            // Ids are the map's keys, so unique: from_foods does not fail.
            FoodTable::from_foods(foods, vec![]).ok()
        });
        match own {
            Some(own) => self.table.search_with(own, query, limit),
            None => self.table.search(query, limit),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Food> {
        self.own.get(id).or_else(|| self.table.get(id))
    }

    pub fn known(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
}

/// One day's nutrient totals from the food log.
pub struct DayTotals {
    pub date: Date,
    /// Food-log entries that day.
    pub entries: u32,
    /// Entries of foods with inorganic phosphate additives.
    pub phosphate_additive_entries: u32,
    /// Per nutrient key: at least this much, and how many foods had no value.
    pub nutrients: BTreeMap<&'static str, (f64, u32)>,
}

/// Per-day totals from `(date, food id, grams, entries)` rows sorted by date (the store's
/// `food_grams_by_day`).
pub fn daily_totals(foods: &Foods, rows: &[(Date, String, f64, u32)]) -> AppResult<Vec<DayTotals>> {
    let mut days = Vec::new();
    // Ten years of logs name a few hundred foods tens of thousands of times: each id is
    // looked up in the table once.
    let mut by_id: HashMap<&str, &Food> = HashMap::new();
    let mut start = 0;
    while start < rows.len() {
        let date = rows[start].0;
        let end = rows[start..]
            .iter()
            .position(|r| r.0 != date)
            .map_or(rows.len(), |n| start + n);
        let mut items = Vec::with_capacity(end - start);
        let (mut entries, mut additive) = (0, 0);
        for (_, id, grams, n) in &rows[start..end] {
            let food = match by_id.get(id.as_str()) {
                Some(food) => *food,
                None => {
                    let food = foods.get(id).ok_or_else(|| {
                        AppError::invalid(
                            "food_id",
                            id,
                            format!("the food log names {id:?}, which no food table holds"),
                        )
                    })?;
                    by_id.insert(id, food);
                    food
                }
            };
            entries += n;
            if has_inorganic_phosphate(&food.phosphate_additives) {
                additive += n;
            }
            items.push((food, *grams));
        }
        let t = totals(items).map_err(|e| AppError::invalid("grams", "", e.to_string()))?;
        days.push(DayTotals {
            date,
            entries,
            phosphate_additive_entries: additive,
            nutrients: Nutrient::ALL
                .into_iter()
                .map(|n| {
                    let total = t.get(n);
                    (n.key(), (total.at_least, total.missing_foods.len() as u32))
                })
                .collect(),
        });
        start = end;
    }
    Ok(days)
}
