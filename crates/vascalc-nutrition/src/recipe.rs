//! User-defined foods and recipes.
//!
//! A user food carries the person's own values (provenance `user`) and, optionally, the
//! ingredient text, which is scanned for phosphate additives. A recipe is a list of foods with
//! grams; its per-100 g values are the ingredient amounts added up and divided by the finished
//! weight (the sum of the ingredients, or the weighed cooked yield). A recipe value is given
//! only when every ingredient has one: otherwise it is missing, and the recipe says which
//! ingredients lacked it (a lower bound stored as a per-100 g value would read as the truth).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::additives::detect_phosphate_additives;
use crate::food::{Food, NutrientValue, NutrientValues, Portion, Provenance};
use crate::nutrient::Nutrient;

/// A food the user defines, with values per 100 g.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserFood {
    /// Without a prefix; the food's id becomes `user:<id>`. Letters, digits, `-`, `_`, `.`.
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingredients: Option<String>,
    /// Values per 100 g by canonical key; a nutrient left out is missing.
    pub per_100g: BTreeMap<Nutrient, f64>,
    #[serde(default)]
    pub portions: Vec<Portion>,
}

/// One ingredient of a recipe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipeIngredient {
    /// A food id (`ndb:11457`, `user:my-bread`).
    pub food: String,
    pub grams: f64,
}

/// A recipe: ingredients with grams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    /// Without a prefix; the food's id becomes `recipe:<id>`.
    pub id: String,
    pub name: String,
    pub ingredients: Vec<RecipeIngredient>,
    /// The weight of the finished dish, when weighed (cooking loses water); otherwise the sum
    /// of the ingredients is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooked_weight_g: Option<f64>,
    /// Ingredient text of bought components, scanned for phosphate additives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingredient_text: Option<String>,
}

/// A recipe worked out as a food, with what could not be computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecipeFood {
    pub food: Food,
    /// Nutrients left missing, with the ingredients that had no value.
    pub missing: BTreeMap<Nutrient, Vec<String>>,
}

fn check_id(id: &str) -> Result<(), Error> {
    if id.is_empty()
        || id.len() > 64
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Error::InvalidFood(format!(
            "id {id:?} must be 1–64 letters, digits, '-', '_' or '.'"
        )));
    }
    Ok(())
}

impl UserFood {
    /// Checks the values and turns the food into a [`Food`] (`user:<id>`) with its phosphate
    /// additives flagged from the ingredient text.
    pub fn to_food(&self) -> Result<Food, Error> {
        check_id(&self.id)?;
        if self.name.trim().is_empty() {
            return Err(Error::InvalidFood(format!(
                "food {:?} needs a name",
                self.id
            )));
        }
        let mut values = NutrientValues::new();
        for (&n, &v) in &self.per_100g {
            values.set(
                n,
                NutrientValue {
                    value: v,
                    provenance: Provenance::User,
                },
            )?;
        }
        for p in &self.portions {
            if !(p.amount.is_finite() && p.amount > 0.0 && p.grams.is_finite() && p.grams > 0.0) {
                return Err(Error::InvalidFood(format!(
                    "portion {:?} of {:?} needs a positive amount and grams",
                    p.unit, self.id
                )));
            }
        }
        Ok(Food {
            id: format!("user:{}", self.id).into(),
            name: self.name.clone().into(),
            source: "user".into(),
            aliases: vec![],
            group: None,
            per_100g: values,
            portions: self.portions.clone(),
            phosphate_additives: self
                .ingredients
                .as_deref()
                .map(detect_phosphate_additives)
                .unwrap_or_default(),
            ingredients: self.ingredients.clone(),
        })
    }
}

impl Recipe {
    /// Works the recipe out per 100 g; `resolve` finds each ingredient's food by id.
    pub fn to_food<'a>(
        &self,
        resolve: impl Fn(&str) -> Option<&'a Food>,
    ) -> Result<RecipeFood, Error> {
        check_id(&self.id)?;
        if self.ingredients.is_empty() {
            return Err(Error::InvalidFood(format!(
                "recipe {:?} has no ingredients",
                self.id
            )));
        }
        let mut foods = Vec::with_capacity(self.ingredients.len());
        let mut sum_grams = 0.0;
        for ing in &self.ingredients {
            if !(ing.grams.is_finite() && ing.grams >= 0.0) {
                return Err(Error::InvalidGrams {
                    food: ing.food.clone(),
                    grams: ing.grams,
                });
            }
            let food = resolve(&ing.food).ok_or_else(|| {
                Error::InvalidFood(format!(
                    "recipe {:?}: no food with id {:?} (search for it with `vascalc food search`)",
                    self.id, ing.food
                ))
            })?;
            sum_grams += ing.grams;
            foods.push((food, ing.grams));
        }
        let weight = match self.cooked_weight_g {
            Some(w) if w.is_finite() && w > 0.0 => w,
            Some(w) => {
                return Err(Error::InvalidFood(format!(
                    "recipe {:?}: cooked weight {w} g must be positive",
                    self.id
                )));
            }
            None => sum_grams,
        };
        if weight <= 0.0 {
            return Err(Error::InvalidFood(format!(
                "recipe {:?}: the ingredients weigh 0 g",
                self.id
            )));
        }
        let totals = crate::totals::totals(foods.iter().copied())?;
        let mut values = NutrientValues::new();
        let mut missing = BTreeMap::new();
        for t in &totals.nutrients {
            if !t.is_complete() {
                missing.insert(t.nutrient, t.missing_foods.clone());
                continue;
            }
            if t.foods_with_value == 0 {
                continue;
            }
            let mut sources: Vec<String> = foods
                .iter()
                .filter(|(_, g)| *g > 0.0)
                .filter_map(|(f, _)| f.value(t.nutrient))
                .map(|v| match &v.provenance {
                    Provenance::Measured { source, .. } => source.to_string(),
                    other => other.kind().to_string(),
                })
                .collect();
            sources.sort();
            sources.dedup();
            values.set(
                t.nutrient,
                NutrientValue {
                    value: t.at_least * 100.0 / weight,
                    provenance: Provenance::Calculated {
                        method: format!(
                            "recipe of {} ingredients over {} g ({})",
                            foods.len(),
                            crate::format_value(weight),
                            sources.join(", ")
                        )
                        .into(),
                    },
                },
            )?;
        }
        let mut additives = Vec::new();
        for (f, _) in &foods {
            additives.extend(f.phosphate_additives.iter().cloned());
        }
        if let Some(text) = &self.ingredient_text {
            additives.extend(detect_phosphate_additives(text));
        }
        Ok(RecipeFood {
            food: Food {
                id: format!("recipe:{}", self.id).into(),
                name: self.name.clone().into(),
                source: "recipe".into(),
                aliases: vec![],
                group: None,
                per_100g: values,
                portions: vec![Portion {
                    amount: 1.0,
                    unit: "whole recipe".into(),
                    grams: weight,
                }],
                ingredients: self.ingredient_text.clone(),
                phosphate_additives: additives,
            },
            missing,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, vals: &[(Nutrient, f64)], text: Option<&str>) -> Food {
        UserFood {
            id: id.into(),
            name: id.into(),
            ingredients: text.map(Into::into),
            per_100g: vals.iter().copied().collect(),
            portions: vec![],
        }
        .to_food()
        .unwrap()
    }

    #[test]
    fn recipe_per_100g_and_missing() {
        let a = user(
            "a",
            &[(Nutrient::MagnesiumMg, 100.0), (Nutrient::CalciumMg, 10.0)],
            None,
        );
        let b = user(
            "b",
            &[(Nutrient::MagnesiumMg, 50.0)],
            Some("water, disodium phosphate"),
        );
        let foods = [a, b];
        let r = Recipe {
            id: "mix".into(),
            name: "Mix".into(),
            ingredients: vec![
                RecipeIngredient {
                    food: "user:a".into(),
                    grams: 100.0,
                },
                RecipeIngredient {
                    food: "user:b".into(),
                    grams: 300.0,
                },
            ],
            cooked_weight_g: Some(250.0),
            ingredient_text: None,
        };
        let rf = r.to_food(|id| foods.iter().find(|f| f.id == id)).unwrap();
        // (100 + 150) mg over 250 g → 100 mg/100 g.
        let mg = rf.food.value(Nutrient::MagnesiumMg).unwrap();
        assert!((mg.value - 100.0).abs() < 1e-9);
        assert_eq!(mg.provenance.kind(), "calculated");
        assert!(rf.food.value(Nutrient::CalciumMg).is_none());
        assert_eq!(rf.missing[&Nutrient::CalciumMg], ["user:b"]);
        assert_eq!(rf.food.phosphate_additives.len(), 1);
        assert_eq!(rf.food.portions[0].grams, 250.0);
    }

    #[test]
    fn bad_recipes_are_errors() {
        let foods: [Food; 0] = [];
        let base = Recipe {
            id: "r".into(),
            name: "R".into(),
            ingredients: vec![RecipeIngredient {
                food: "user:x".into(),
                grams: 10.0,
            }],
            cooked_weight_g: None,
            ingredient_text: None,
        };
        assert!(
            base.to_food(|id| foods.iter().find(|f| f.id == id))
                .is_err()
        );
        let mut bad_id = base.clone();
        bad_id.id = "a b".into();
        assert!(bad_id.to_food(|_| None).is_err());
        let uf = UserFood {
            id: "x".into(),
            name: "X".into(),
            ingredients: None,
            per_100g: [(Nutrient::CalciumMg, -5.0)].into_iter().collect(),
            portions: vec![],
        };
        assert!(uf.to_food().is_err());
    }
}
