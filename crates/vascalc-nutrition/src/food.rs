//! A food: its id, name, source, nutrient values per 100 g with provenance, and portions.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::additives::PhosphateAdditive;
use crate::nutrient::Nutrient;

/// Where a nutrient value comes from. Serialised flattened into the value object:
/// `{"value": 998.0, "provenance": "literature", "citation": "Schurgers LJ, …"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "provenance", rename_all = "snake_case")]
pub enum Provenance {
    /// As published in a food-composition release (`source` is the release id, for example
    /// `usda-sr28`); `detail` says which field when it is not the obvious one.
    Measured {
        source: Cow<'static, str>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<Cow<'static, str>>,
    },
    /// From a published paper or official table, with the citation.
    Literature { citation: Cow<'static, str> },
    /// Worked out by vascalc from other values (a recipe, a unit conversion); `method` says how.
    Calculated { method: Cow<'static, str> },
    /// Entered by the user for a food of their own.
    User,
}

impl Provenance {
    /// A measured value from a release, without detail.
    pub fn measured(source: impl Into<Cow<'static, str>>) -> Self {
        Provenance::Measured {
            source: source.into(),
            detail: None,
        }
    }

    /// The one-word kind (`"measured"`, `"literature"`, `"calculated"`, `"user"`).
    pub fn kind(&self) -> &'static str {
        match self {
            Provenance::Measured { .. } => "measured",
            Provenance::Literature { .. } => "literature",
            Provenance::Calculated { .. } => "calculated",
            Provenance::User => "user",
        }
    }

    /// A short statement of the source for people.
    pub fn describe(&self) -> String {
        match self {
            Provenance::Measured {
                source,
                detail: None,
            } => source.to_string(),
            Provenance::Measured {
                source,
                detail: Some(d),
            } => format!("{source}, {d}"),
            Provenance::Literature { citation } => citation.to_string(),
            Provenance::Calculated { method } => format!("calculated: {method}"),
            Provenance::User => "entered by the user".to_string(),
        }
    }
}

/// One nutrient value per 100 g, with where it came from. A value that is not known is not a
/// `NutrientValue` at all: it is absent (and serialised as `{"value": null, "provenance": "missing"}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NutrientValue {
    pub value: f64,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// The nutrient values of a food per 100 g. Missing values are absent, never zero.
///
/// Serialised as a map over every canonical key; a missing one reads
/// `{"value": null, "provenance": "missing"}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NutrientValues {
    values: Vec<(Nutrient, NutrientValue)>,
}

impl NutrientValues {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `nutrient`, or `None` when it is missing.
    pub fn get(&self, nutrient: Nutrient) -> Option<&NutrientValue> {
        self.values
            .iter()
            .find(|(n, _)| *n == nutrient)
            .map(|(_, v)| v)
    }

    /// Sets (or replaces) a value. A non-finite or negative value is refused.
    pub fn set(&mut self, nutrient: Nutrient, value: NutrientValue) -> Result<(), crate::Error> {
        if !value.value.is_finite() || value.value < 0.0 {
            return Err(crate::Error::InvalidValue {
                nutrient: nutrient.key(),
                value: value.value,
            });
        }
        match self.values.iter_mut().find(|(n, _)| *n == nutrient) {
            Some((_, v)) => *v = value,
            None => {
                self.values.push((nutrient, value));
                self.values.sort_by_key(|(n, _)| *n);
            }
        }
        Ok(())
    }

    /// Removes a value (it becomes missing).
    pub fn remove(&mut self, nutrient: Nutrient) -> Option<NutrientValue> {
        let pos = self.values.iter().position(|(n, _)| *n == nutrient)?;
        Some(self.values.remove(pos).1)
    }

    /// The known values, in [`Nutrient::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Nutrient, &NutrientValue)> {
        self.values.iter().map(|(n, v)| (*n, v))
    }

    /// How many nutrients have a value.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when no nutrient has a value.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Builds from values already sorted by nutrient with no repeats (the table loader).
    pub(crate) fn from_sorted(values: Vec<(Nutrient, NutrientValue)>) -> Self {
        debug_assert!(values.windows(2).all(|w| w[0].0 < w[1].0));
        Self { values }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum ValueOrMissing {
    Value(NutrientValue),
    Missing {
        value: Option<f64>,
        provenance: MissingTag,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum MissingTag {
    Missing,
}

impl Serialize for NutrientValues {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(Nutrient::ALL.len()))?;
        for n in Nutrient::ALL {
            match self.get(n) {
                Some(v) => map.serialize_entry(n.key(), v)?,
                None => map.serialize_entry(
                    n.key(),
                    &ValueOrMissing::Missing {
                        value: None,
                        provenance: MissingTag::Missing,
                    },
                )?,
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for NutrientValues {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<Nutrient, ValueOrMissing>::deserialize(deserializer)?;
        let mut out = NutrientValues::new();
        for (n, v) in raw {
            match v {
                ValueOrMissing::Value(v) => out.set(n, v).map_err(serde::de::Error::custom)?,
                ValueOrMissing::Missing { value: Some(_), .. } => {
                    return Err(serde::de::Error::custom(format!(
                        "{}: a value marked \"missing\" must have \"value\": null",
                        n.key()
                    )));
                }
                ValueOrMissing::Missing { value: None, .. } => {}
            }
        }
        Ok(out)
    }
}

/// A household portion: `amount` × `unit` weighs `grams` (USDA: 1 × "cup, diced" = 150 g).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portion {
    pub amount: f64,
    pub unit: Cow<'static, str>,
    pub grams: f64,
}

impl Portion {
    /// `"1 cup, diced"`.
    pub fn label(&self) -> String {
        format!("{} {}", fmt_amount(self.amount), self.unit)
    }
}

fn fmt_amount(a: f64) -> String {
    if (a - a.round()).abs() < 1e-9 {
        format!("{}", a.round() as i64)
    } else {
        format!("{a}")
    }
}

/// A food with its nutrients per 100 g.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Food {
    /// `ndb:01009`, `fdc:2259793`, `ciqual:12110`, `lit:…`, `user:…`.
    pub id: Cow<'static, str>,
    pub name: Cow<'static, str>,
    /// The release or origin the food's record comes from (`usda-sr28`,
    /// `usda-fdc-foundation-2024-10-31`, `anses-ciqual-2020`, `literature`, `user`, `recipe`).
    pub source: Cow<'static, str>,
    /// Other ids of the same record (an SR28 food's FoodData Central id, `fdc:…`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Cow<'static, str>>,
    /// The release's food group, where it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Cow<'static, str>>,
    pub per_100g: NutrientValues,
    #[serde(default)]
    pub portions: Vec<Portion>,
    /// The ingredient text, for user foods and recipes that have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingredients: Option<String>,
    /// Phosphate additives found in the ingredient text (empty when there is no text).
    #[serde(default)]
    pub phosphate_additives: Vec<PhosphateAdditive>,
}

/// What a portion request resolved to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortionMatch {
    /// The portion as the user asked for it (`"2 cup"`).
    pub requested: String,
    /// What it matched (`"1 cup, diced"` from the food's USDA weights, or `"ounce"`).
    pub matched: String,
    pub grams: f64,
}

/// The nutrients in a given amount of a food.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Serving {
    pub grams: f64,
    /// The household portion the grams came from, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portion: Option<PortionMatch>,
    /// Amounts in `grams` of the food (not per 100 g), with the per-100 g provenance.
    pub nutrients: NutrientValues,
}

/// A food and, when an amount was asked for, its nutrients in that amount: the one JSON shape of
/// `vascalc food show --format json` and `GET /api/foods/{id}` (the food's fields, then
/// `serving`).
#[derive(Debug, Clone, Serialize)]
pub struct Shown<'a> {
    #[serde(flatten)]
    pub food: &'a Food,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serving: Option<Serving>,
}

impl Food {
    /// The nutrients in a household `portion` (`"1 cup"`, through [`Food::portion`]) or in
    /// `grams`; the portion when both are given (a front end that takes both refuses that
    /// itself); `None` when neither is.
    pub fn serving_for(
        &self,
        portion: Option<&str>,
        grams: Option<f64>,
    ) -> Result<Option<Serving>, crate::Error> {
        match (portion, grams) {
            (Some(p), _) => {
                let m = self.portion(p)?;
                self.serving(m.grams, Some(m)).map(Some)
            }
            (None, Some(g)) => self.serving(g, None).map(Some),
            (None, None) => Ok(None),
        }
    }

    /// The nutrients in `grams` of this food; missing values stay missing.
    pub fn serving(
        &self,
        grams: f64,
        portion: Option<PortionMatch>,
    ) -> Result<Serving, crate::Error> {
        if !grams.is_finite() || grams < 0.0 {
            return Err(crate::Error::InvalidGrams {
                food: self.id.to_string(),
                grams,
            });
        }
        let nutrients = NutrientValues::from_sorted(
            self.per_100g
                .iter()
                .map(|(n, v)| {
                    (
                        n,
                        NutrientValue {
                            value: v.value * grams / 100.0,
                            provenance: v.provenance.clone(),
                        },
                    )
                })
                .collect(),
        );
        Ok(Serving {
            grams,
            portion,
            nutrients,
        })
    }

    /// The value of `nutrient` per 100 g, or `None` when it is missing.
    pub fn value(&self, nutrient: Nutrient) -> Option<&NutrientValue> {
        self.per_100g.get(nutrient)
    }

    /// The amount of `nutrient` in `grams` of this food, or `None` when it is missing.
    pub fn amount_in(&self, nutrient: Nutrient, grams: f64) -> Option<f64> {
        self.value(nutrient).map(|v| v.value * grams / 100.0)
    }

    /// Resolves a household portion such as `"1 cup"`, `"2 tbsp"`, `"1 large"`, `"100 g"` or
    /// `"3 oz"` to grams. The food's own portions are tried first (a unit that starts with the
    /// requested words, case-insensitive); then mass units (g, kg, oz, lb).
    pub fn portion(&self, request: &str) -> Result<PortionMatch, crate::Error> {
        let request_trim = request.trim();
        let (amount, unit) = split_amount(request_trim);
        let unit_norm = normalise_unit(&unit);
        if amount.is_some_and(|a| !(a.is_finite() && a > 0.0)) {
            return Err(crate::Error::Portion {
                food: self.id.to_string(),
                request: request.to_string(),
                reason: "the amount must be a positive number".into(),
            });
        }
        let amount = amount.unwrap_or(1.0);
        if !unit_norm.is_empty() {
            // Exact unit first, then "unit, qualifier", then a unit that starts with the words.
            let candidates = self.portions.iter().filter(|p| p.amount > 0.0);
            let mut best: Option<(u8, &Portion)> = None;
            for p in candidates {
                let pu = normalise_unit(&p.unit);
                let rank = if pu == unit_norm {
                    0
                } else if pu.starts_with(&format!("{unit_norm},"))
                    || pu.starts_with(&format!("{unit_norm} ("))
                {
                    1
                } else if pu.starts_with(&unit_norm) {
                    2
                } else {
                    continue;
                };
                if best.is_none_or(|(r, _)| rank < r) {
                    best = Some((rank, p));
                }
            }
            if let Some((_, p)) = best {
                return Ok(PortionMatch {
                    requested: request_trim.to_string(),
                    matched: p.label(),
                    grams: amount * p.grams / p.amount,
                });
            }
            let mass = match unit_norm.as_str() {
                "g" | "gram" | "grams" => Some((1.0, "gram")),
                "kg" | "kilogram" | "kilograms" => Some((1000.0, "kilogram")),
                "oz" | "ounce" | "ounces" => Some((28.349_523_125, "ounce")),
                "lb" | "lbs" | "pound" | "pounds" => Some((453.592_37, "pound")),
                _ => None,
            };
            if let Some((g, name)) = mass {
                return Ok(PortionMatch {
                    requested: request_trim.to_string(),
                    matched: name.to_string(),
                    grams: amount * g,
                });
            }
        }
        let known: Vec<String> = self.portions.iter().map(Portion::label).collect();
        Err(crate::Error::Portion {
            food: self.id.to_string(),
            request: request.to_string(),
            reason: if known.is_empty() {
                "this food has no household portions; give grams (\"100 g\") or ounces".into()
            } else {
                format!("known portions: {}", known.join("; "))
            },
        })
    }
}

fn split_amount(s: &str) -> (Option<f64>, String) {
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == '/'))
        .map_or(s.len(), |(i, _)| i);
    let (num, rest) = s.split_at(end);
    if num.is_empty() {
        return (None, s.to_string());
    }
    let amount = if let Some((a, b)) = num.split_once('/') {
        match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(a), Ok(b)) if b != 0.0 => a / b,
            _ => f64::NAN,
        }
    } else {
        num.parse::<f64>().unwrap_or(f64::NAN)
    };
    (Some(amount), rest.trim().to_string())
}

fn normalise_unit(u: &str) -> String {
    let lower = u.trim().to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut s = words.join(" ");
    for (long, short) in [
        ("tablespoons", "tbsp"),
        ("tablespoon", "tbsp"),
        ("teaspoons", "tsp"),
        ("teaspoon", "tsp"),
        ("cups", "cup"),
        ("slices", "slice"),
    ] {
        if s == long || s.starts_with(&format!("{long} ")) || s.starts_with(&format!("{long},")) {
            s = format!("{short}{}", &s[long.len()..]);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn food() -> Food {
        let mut v = NutrientValues::new();
        v.set(
            Nutrient::MagnesiumMg,
            NutrientValue {
                value: 79.0,
                provenance: Provenance::measured("usda-sr28"),
            },
        )
        .unwrap();
        Food {
            id: "ndb:11457".into(),
            name: "Spinach, raw".into(),
            source: "usda-sr28".into(),
            aliases: vec![],
            group: None,
            per_100g: v,
            portions: vec![
                Portion {
                    amount: 1.0,
                    unit: "cup".into(),
                    grams: 30.0,
                },
                Portion {
                    amount: 1.0,
                    unit: "bunch".into(),
                    grams: 340.0,
                },
            ],
            ingredients: None,
            phosphate_additives: vec![],
        }
    }

    #[test]
    fn portions_resolve() {
        let f = food();
        assert_eq!(f.portion("1 cup").unwrap().grams, 30.0);
        assert_eq!(f.portion("2 cups").unwrap().grams, 60.0);
        assert_eq!(f.portion("1/2 cup").unwrap().grams, 15.0);
        assert_eq!(f.portion("bunch").unwrap().grams, 340.0);
        assert_eq!(f.portion("100 g").unwrap().grams, 100.0);
        assert!((f.portion("1 oz").unwrap().grams - 28.349523125).abs() < 1e-9);
        assert!(f.portion("1 slice").is_err());
        assert!(f.portion("-1 cup").is_err());
        assert!(f.portion("0/0 cup").is_err());
    }

    #[test]
    fn missing_serialises_as_missing_and_round_trips() {
        let f = food();
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["per_100g"]["magnesium_mg"]["value"], 79.0);
        assert_eq!(json["per_100g"]["magnesium_mg"]["provenance"], "measured");
        assert_eq!(json["per_100g"]["magnesium_mg"]["source"], "usda-sr28");
        assert!(json["per_100g"]["calcium_mg"]["value"].is_null());
        assert_eq!(json["per_100g"]["calcium_mg"]["provenance"], "missing");
        let back: Food = serde_json::from_value(json).unwrap();
        assert_eq!(back, f);
        assert!(back.value(Nutrient::CalciumMg).is_none());
    }

    #[test]
    fn negative_values_are_refused() {
        let mut v = NutrientValues::new();
        let bad = NutrientValue {
            value: -1.0,
            provenance: Provenance::User,
        };
        assert!(v.set(Nutrient::CalciumMg, bad).is_err());
    }
}
