//! Nutrient totals over a set of (food, grams), keeping missing values apart.
//!
//! A total is a lower bound: it adds the foods that have a value, and says how many had none.
//! "At least 310 mg magnesium; 2 foods had no value" is what a person should read, never a sum
//! that silently counted the unknown foods as zero.

use serde::Serialize;

use crate::Error;
use crate::food::Food;
use crate::nutrient::Nutrient;

/// The total of one nutrient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NutrientTotal {
    pub nutrient: Nutrient,
    /// The sum over the foods that have a value: the true total is at least this much.
    pub at_least: f64,
    /// How many of the foods (with a positive amount eaten) had a value.
    pub foods_with_value: usize,
    /// The ids of the foods that had no value (each once, in input order).
    pub missing_foods: Vec<String>,
}

impl NutrientTotal {
    /// True when every food had a value, so `at_least` is the total.
    pub fn is_complete(&self) -> bool {
        self.missing_foods.is_empty()
    }

    /// "at least 312.5 mg; 2 foods had no value", or "312.5 mg" when complete.
    pub fn describe(&self) -> String {
        let unit = self.nutrient.unit().symbol();
        let v = crate::format_value(self.at_least);
        match self.missing_foods.len() {
            0 => format!("{v} {unit}"),
            1 => format!("at least {v} {unit}; 1 food had no value"),
            n => format!("at least {v} {unit}; {n} foods had no value"),
        }
    }
}

/// Totals of every nutrient over a set of foods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    /// Total grams eaten.
    pub grams: f64,
    /// How many (food, grams) items went in.
    pub items: usize,
    /// One entry per nutrient, in [`Nutrient::ALL`] order.
    pub nutrients: Vec<NutrientTotal>,
}

impl Totals {
    /// The total of one nutrient.
    pub fn get(&self, nutrient: Nutrient) -> &NutrientTotal {
        // `nutrients` always holds every nutrient in `Nutrient::ALL` order.
        &self.nutrients[nutrient.index()]
    }
}

/// Adds up `grams` of each food. Grams must be finite and not negative; a food eaten more
/// than once counts once in `missing_foods`.
pub fn totals<'a>(items: impl IntoIterator<Item = (&'a Food, f64)>) -> Result<Totals, Error> {
    let mut out = Totals {
        grams: 0.0,
        items: 0,
        nutrients: Nutrient::ALL
            .into_iter()
            .map(|nutrient| NutrientTotal {
                nutrient,
                at_least: 0.0,
                foods_with_value: 0,
                missing_foods: Vec::new(),
            })
            .collect(),
    };
    for (food, grams) in items {
        if !grams.is_finite() || grams < 0.0 {
            return Err(Error::InvalidGrams {
                food: food.id.to_string(),
                grams,
            });
        }
        out.items += 1;
        out.grams += grams;
        if grams == 0.0 {
            continue;
        }
        for t in &mut out.nutrients {
            match food.amount_in(t.nutrient, grams) {
                Some(v) => {
                    t.at_least += v;
                    t.foods_with_value += 1;
                }
                None => {
                    if !t.missing_foods.iter().any(|id| id == food.id.as_ref()) {
                        t.missing_foods.push(food.id.to_string());
                    }
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::food::{NutrientValue, NutrientValues, Provenance};
    use proptest::prelude::*;

    fn food(id: &str, mg: Option<f64>) -> Food {
        let mut v = NutrientValues::new();
        if let Some(mg) = mg {
            v.set(
                Nutrient::MagnesiumMg,
                NutrientValue {
                    value: mg,
                    provenance: Provenance::User,
                },
            )
            .unwrap();
        }
        Food {
            id: id.to_string().into(),
            name: id.to_string().into(),
            source: "user".into(),
            aliases: vec![],
            group: None,
            per_100g: v,
            portions: vec![],
            ingredients: None,
            phosphate_additives: vec![],
        }
    }

    #[test]
    fn missing_is_reported_not_zeroed() {
        let a = food("a", Some(80.0));
        let b = food("b", None);
        let t = totals([(&a, 50.0), (&b, 200.0), (&b, 10.0)]).unwrap();
        let mg = t.get(Nutrient::MagnesiumMg);
        assert_eq!(mg.at_least, 40.0);
        assert_eq!(mg.foods_with_value, 1);
        assert_eq!(mg.missing_foods, ["b"]);
        assert_eq!(mg.describe(), "at least 40 mg; 1 food had no value");
        assert!(totals([(&a, -1.0)]).is_err());
        assert!(totals([(&a, f64::NAN)]).is_err());
    }

    proptest! {
        #[test]
        fn totals_are_additive(
            xs in proptest::collection::vec((proptest::option::of(0.0f64..1000.0), 0.0f64..500.0), 0..12),
            split in 0usize..12,
        ) {
            let foods: Vec<Food> = xs.iter().enumerate().map(|(i, (v, _))| food(&format!("f{i}"), *v)).collect();
            let items: Vec<(&Food, f64)> = foods.iter().zip(xs.iter().map(|x| x.1)).collect();
            let split = split.min(items.len());
            let all = totals(items.iter().copied()).unwrap();
            let left = totals(items[..split].iter().copied()).unwrap();
            let right = totals(items[split..].iter().copied()).unwrap();
            let (a, l, r) = (all.get(Nutrient::MagnesiumMg), left.get(Nutrient::MagnesiumMg), right.get(Nutrient::MagnesiumMg));
            prop_assert!((a.at_least - (l.at_least + r.at_least)).abs() < 1e-6 * (1.0 + a.at_least));
            prop_assert_eq!(a.foods_with_value, l.foods_with_value + r.foods_with_value);
            prop_assert_eq!(a.missing_foods.len(), l.missing_foods.len() + r.missing_foods.len());
            // A food without a value never contributes, and is always reported.
            let expect_missing = xs.iter().filter(|(v, g)| v.is_none() && *g > 0.0).count();
            prop_assert_eq!(a.missing_foods.len(), expect_missing);
        }

        #[test]
        fn scaling_by_grams(v in 0.0f64..2000.0, g in 0.0f64..1000.0, k in 0.0f64..10.0) {
            let f = food("x", Some(v));
            let one = totals([(&f, g)]).unwrap().get(Nutrient::MagnesiumMg).at_least;
            let scaled = totals([(&f, g * k)]).unwrap().get(Nutrient::MagnesiumMg).at_least;
            prop_assert!((scaled - one * k).abs() <= 1e-9 * (1.0 + scaled.abs()));
            prop_assert!((one - v * g / 100.0).abs() <= 1e-9 * (1.0 + one));
        }
    }
}
