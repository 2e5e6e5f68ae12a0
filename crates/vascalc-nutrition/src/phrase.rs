//! Food phrases as people say them: "2 eggs", "1 cup cooked oatmeal", "200 g salmon", "a slice
//! of pizza", "half an avocado", "250 ml milk", "large latte".
//!
//! [`Phrase::parse`] splits a phrase into an amount, a unit or size and the words naming the
//! food. [`Phrase::portion_for`] turns the amount into grams for a given food through the
//! food's own household portions (the releases' portion tables), and says which portion it
//! used:
//!
//! - a mass (`g`, `kg`, `oz`, `lb`) is grams;
//! - a volume (`ml`, `l`, `cl`, `dl`, `fl oz`, `cup`, `tbsp`, `tsp`, `pint`) uses the food's
//!   portion of that unit, else its density from a `fl oz`, `cup`, `tbsp`, `tsp`, `liter` or
//!   `milliliter` portion (US customary cups and fluid ounces as in USDA's tables; a pint is the
//!   imperial 568 ml);
//! - a household unit (`slice`, `piece`, `glass`, `bowl`, `rasher` = slice, …) or a size
//!   (`small`, `medium`, `large`) needs a portion of the food with that word; the plainest one
//!   is taken ("medium or regular slice" over "slice, snack-size");
//! - a bare count ("2 eggs", "a banana") takes the portion named after the food ("1 egg",
//!   "1 banana"), else a one-item portion ("1 fruit", "1 whole"), else FNDDS's "Quantity not
//!   specified", else a medium or regular one;
//! - no amount at all ("latte") takes FNDDS's "Quantity not specified" portion, USDA's weight
//!   for a food reported without an amount; a food without one has no grams, and the person is
//!   asked for an amount.

use serde::Serialize;

use crate::food::{Food, Portion, PortionMatch};
use crate::search::stem;

/// The unit of a phrase's amount.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PhraseUnit {
    /// Grams per unit (`g`, `kg`, `oz`, `lb`).
    Mass { name: &'static str, grams: f64 },
    /// Millilitres per unit; `portion` is the word a food's portion table uses for it
    /// (`cup`, `tbsp`, `tsp`, `fl oz`), if any.
    Volume {
        name: &'static str,
        ml: f64,
        portion: Option<&'static str>,
    },
    /// A household unit a food's portion table must hold (`slice`, `piece`, `glass`, …).
    Household { name: String },
}

/// An everyday food phrase split into amount, unit or size, and food words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phrase {
    /// The phrase as typed.
    pub text: String,
    /// How many units; `None` when the phrase gives no amount ("latte").
    pub amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<PhraseUnit>,
    /// `small`, `medium`, `large` or `regular`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<&'static str>,
    /// The words naming the food.
    pub food: String,
}

const NUMBER_WORDS: [(&str, f64); 16] = [
    ("a", 1.0),
    ("an", 1.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("half", 0.5),
    ("quarter", 0.25),
    ("dozen", 12.0),
    ("couple", 2.0),
];

const SIZES: [(&str, &str); 5] = [
    ("small", "small"),
    ("medium", "medium"),
    ("large", "large"),
    ("big", "large"),
    ("regular", "regular"),
];

const MASS: [(&str, &str, f64); 13] = [
    ("g", "g", 1.0),
    ("gr", "g", 1.0),
    ("gram", "g", 1.0),
    ("grams", "g", 1.0),
    ("kg", "kg", 1000.0),
    ("kilo", "kg", 1000.0),
    ("kilogram", "kg", 1000.0),
    ("kilograms", "kg", 1000.0),
    ("oz", "oz", 28.349_523_125),
    ("ounce", "oz", 28.349_523_125),
    ("ounces", "oz", 28.349_523_125),
    ("lb", "lb", 453.592_37),
    ("pound", "lb", 453.592_37),
];

/// Volume words: (word, canonical name, ml, word of the portion tables).
const VOLUME: [(&str, &str, f64, Option<&str>); 22] = [
    ("ml", "ml", 1.0, None),
    ("millilitre", "ml", 1.0, None),
    ("milliliter", "ml", 1.0, None),
    ("cl", "cl", 10.0, None),
    ("dl", "dl", 100.0, None),
    ("l", "l", 1000.0, None),
    ("litre", "l", 1000.0, None),
    ("liter", "l", 1000.0, None),
    ("cup", "cup", 236.588_236_5, Some("cup")),
    ("cups", "cup", 236.588_236_5, Some("cup")),
    ("tbsp", "tbsp", 14.786_764_781_25, Some("tbsp")),
    ("tbs", "tbsp", 14.786_764_781_25, Some("tbsp")),
    ("tablespoon", "tbsp", 14.786_764_781_25, Some("tbsp")),
    ("tablespoons", "tbsp", 14.786_764_781_25, Some("tbsp")),
    ("tsp", "tsp", 4.928_921_593_75, Some("tsp")),
    ("teaspoon", "tsp", 4.928_921_593_75, Some("tsp")),
    ("teaspoons", "tsp", 4.928_921_593_75, Some("tsp")),
    ("pint", "pint", 568.261_25, None),
    ("pints", "pint", 568.261_25, None),
    ("millilitres", "ml", 1.0, None),
    ("milliliters", "ml", 1.0, None),
    ("litres", "l", 1000.0, None),
];

/// US fluid ounce in ml.
const FL_OZ_ML: f64 = 29.573_529_562_5;

/// Household units (singular, after stemming) and the words a portion table may use for them.
const HOUSEHOLD: [(&str, &[&str]); 22] = [
    ("slice", &["slice", "piece"]),
    ("piece", &["piece", "slice"]),
    ("rasher", &["slice"]),
    ("glass", &["glass"]),
    ("bowl", &["bowl"]),
    ("mug", &["mug"]),
    ("handful", &["handful"]),
    ("can", &["can"]),
    ("bottle", &["bottle"]),
    ("serving", &["serving"]),
    ("portion", &["serving"]),
    ("scoop", &["scoop"]),
    ("bar", &["bar"]),
    ("fillet", &["fillet"]),
    ("pot", &["pot", "container"]),
    ("container", &["container"]),
    ("packet", &["packet", "package"]),
    ("bag", &["bag"]),
    ("stick", &["stick"]),
    ("sandwich", &["sandwich"]),
    ("patty", &["patty"]),
    ("link", &["link"]),
];

/// Units that need an amount or "of" after them to be read as units ("pot roast" is a food).
const NEEDS_OF: [&str; 8] = ["pot", "bar", "can", "bowl", "glass", "mug", "stick", "link"];

/// Portion words that mark an untypical size or form.
const ODD_PORTION_WORDS: [&str; 20] = [
    "small",
    "large",
    "thin",
    "thick",
    "mini",
    "miniature",
    "snack",
    "crust",
    "bite",
    "extra",
    "dry",
    "yield",
    "raw",
    "melted",
    "shredded",
    "diced",
    "silver",
    "dollar",
    "jumbo",
    "pureed",
];

/// The portion FNDDS gives a food reported without an amount.
pub const QUANTITY_NOT_SPECIFIED: &str = "Quantity not specified";

fn words_of(text: &str) -> Vec<String> {
    // "200g" → "200 g", "250ml" → "250 ml"; keep "1/2" and "1.5" whole.
    let mut spaced = String::with_capacity(text.len() + 4);
    let mut prev_digit = false;
    for c in text.chars() {
        if prev_digit && c.is_alphabetic() {
            spaced.push(' ');
        }
        prev_digit = c.is_ascii_digit();
        if c == ',' {
            spaced.push(' ');
        } else {
            spaced.extend(c.to_lowercase());
        }
    }
    spaced.split_whitespace().map(str::to_string).collect()
}

fn parse_number(w: &str) -> Option<f64> {
    let v = match w.split_once('/') {
        Some((a, b)) => a.parse::<f64>().ok()? / b.parse::<f64>().ok().filter(|b| *b > 0.0)?,
        None => match w {
            "½" => 0.5,
            "¼" => 0.25,
            "¾" => 0.75,
            _ => w.parse::<f64>().ok()?,
        },
    };
    (v.is_finite() && v > 0.0).then_some(v)
}

impl Phrase {
    /// Splits a phrase. Never fails: a phrase without an amount is all food words.
    pub fn parse(text: &str) -> Phrase {
        let words = words_of(text);
        let mut i = 0;
        let mut amount: Option<f64> = None;
        // Amount: "2", "1.5", "1/2", "1 1/2", "a", "half a", "two".
        if let Some(v) = words.first().and_then(|w| parse_number(w)) {
            amount = Some(v);
            i = 1;
            if let Some(f) = words
                .get(1)
                .filter(|w| w.contains('/'))
                .and_then(|w| parse_number(w))
            {
                amount = Some(v + f);
                i = 2;
            }
        } else if let Some((_, v)) = words
            .first()
            .and_then(|w| NUMBER_WORDS.iter().find(|(n, _)| n == w))
        {
            amount = Some(*v);
            i = 1;
            // "half a cup", "half an avocado".
            if *v != 1.0 && matches!(words.get(1).map(String::as_str), Some("a" | "an")) {
                i = 2;
            }
        }
        let mut size = None;
        if let Some((_, s)) = words
            .get(i)
            .and_then(|w| SIZES.iter().find(|(n, _)| n == w))
        {
            // A size alone is not a food ("large" → nothing left): keep it as food words then.
            if words.len() > i + 1 {
                size = Some(*s);
                i += 1;
            }
        }
        let mut unit = None;
        if words.len() > i + 1 {
            let w = words[i].as_str();
            let next = words.get(i + 1).map(String::as_str);
            let has_of = |k: usize| words.get(k).map(String::as_str) == Some("of");
            if let Some((_, name, g)) = MASS.iter().find(|(n, _, _)| *n == w) {
                unit = Some(PhraseUnit::Mass { name, grams: *g });
                i += 1;
            } else if (w == "fl" || w == "fluid") && matches!(next, Some("oz" | "ounce" | "ounces"))
            {
                unit = Some(PhraseUnit::Volume {
                    name: "fl oz",
                    ml: FL_OZ_ML,
                    portion: Some("fl oz"),
                });
                i += 2;
            } else if let Some((_, name, ml, portion)) = VOLUME.iter().find(|(n, ..)| *n == w) {
                unit = Some(PhraseUnit::Volume {
                    name,
                    ml: *ml,
                    portion: *portion,
                });
                i += 1;
            } else {
                let s = stem(w);
                if let Some((name, _)) = HOUSEHOLD.iter().find(|(n, _)| *n == s) {
                    // "2 bars", "a glass of": a number other than "a", or "of" after the unit.
                    let counted = amount.is_some() && !matches!(words[0].as_str(), "a" | "an");
                    if !NEEDS_OF.contains(name) || counted || has_of(i + 1) {
                        unit = Some(PhraseUnit::Household {
                            name: (*name).to_string(),
                        });
                        i += 1;
                    }
                }
            }
            if unit.is_some() && has_of(i) && words.len() > i + 1 {
                i += 1;
            }
        }
        let mut food_words: Vec<&str> = words[i..].iter().map(String::as_str).collect();
        // A trailing amount: "salmon 200 g", "milk, 250 ml".
        if amount.is_none() && unit.is_none() && food_words.len() >= 3 {
            let n = food_words.len();
            let u = food_words[n - 1];
            if let Some(v) = parse_number(food_words[n - 2]) {
                if let Some((_, name, g)) = MASS.iter().find(|(w, _, _)| *w == u) {
                    amount = Some(v);
                    unit = Some(PhraseUnit::Mass { name, grams: *g });
                    food_words.truncate(n - 2);
                } else if let Some((_, name, ml, portion)) = VOLUME.iter().find(|(w, ..)| *w == u) {
                    amount = Some(v);
                    unit = Some(PhraseUnit::Volume {
                        name,
                        ml: *ml,
                        portion: *portion,
                    });
                    food_words.truncate(n - 2);
                }
            }
        }
        if food_words.is_empty() {
            // Nothing but an amount ("2", "a"): the whole phrase names the food.
            return Phrase {
                text: text.trim().to_string(),
                amount: None,
                unit: None,
                size: None,
                food: words.join(" "),
            };
        }
        if amount.is_none() && (unit.is_some() || size.is_some()) {
            amount = Some(1.0);
        }
        Phrase {
            text: text.trim().to_string(),
            amount,
            unit,
            size,
            food: food_words.join(" "),
        }
    }

    /// The amount as the person gave it ("2", "250 ml", "a slice"), for messages.
    pub fn quantity_text(&self) -> Option<String> {
        let amount = self.amount?;
        let a = crate::format_value(amount);
        let mut parts = vec![a];
        if let Some(s) = self.size {
            parts.push(s.to_string());
        }
        match &self.unit {
            Some(PhraseUnit::Mass { name, .. } | PhraseUnit::Volume { name, .. }) => {
                parts.push((*name).to_string())
            }
            Some(PhraseUnit::Household { name }) => parts.push(name.clone()),
            None => {}
        }
        Some(parts.join(" "))
    }

    /// The grams of `food` this phrase means, and the portion they came from. `Ok(None)` when
    /// the phrase gives no amount and the food has no "Quantity not specified" portion (ask
    /// for an amount); an error when the food's portion table has no portion for the unit.
    pub fn portion_for(&self, food: &Food) -> Result<Option<PortionMatch>, crate::Error> {
        let Some(amount) = self.amount else {
            return Ok(default_portion(food).map(|p| PortionMatch {
                requested: String::new(),
                matched: format!("{} (FNDDS)", p.unit),
                grams: p.grams / p.amount,
            }));
        };
        let requested = self.quantity_text().unwrap_or_default();
        let food_words: Vec<String> = words_of(&self.food).iter().map(|w| stem(w)).collect();
        let found = |p: &Portion, a: f64| PortionMatch {
            requested: requested.clone(),
            matched: p.label(),
            grams: a * p.grams / p.amount,
        };
        let refuse = |reason: String| crate::Error::Portion {
            food: food.id.to_string(),
            request: requested.clone(),
            reason,
        };
        match &self.unit {
            Some(PhraseUnit::Mass { name, grams }) => Ok(Some(PortionMatch {
                requested: requested.clone(),
                matched: (*name).to_string(),
                grams: amount * grams,
            })),
            Some(PhraseUnit::Volume { ml, portion, .. }) => {
                if let Some(word) = portion {
                    let unit: Vec<&str> = word.split(' ').collect();
                    if let Some(p) = best_portion(food, &[unit.as_slice()], self.size, &food_words)
                    {
                        return Ok(Some(found(p, amount)));
                    }
                }
                // Through the food's density.
                for (unit, unit_ml) in [
                    (&["fl", "oz"][..], FL_OZ_ML),
                    (&["cup"][..], 236.588_236_5),
                    (&["tbsp"][..], 14.786_764_781_25),
                    (&["tsp"][..], 4.928_921_593_75),
                    (&["liter"][..], 1000.0),
                    (&["milliliter"][..], 1.0),
                ] {
                    if let Some(p) = best_portion(food, &[unit], None, &food_words) {
                        let g_per_ml = p.grams / p.amount / unit_ml;
                        return Ok(Some(PortionMatch {
                            requested: requested.clone(),
                            matched: format!("{} = {} g", p.label(), crate::format_value(p.grams)),
                            grams: amount * ml * g_per_ml,
                        }));
                    }
                }
                Err(refuse(format!(
                    "{} has no volume portion to weigh it by; {}",
                    food.name,
                    known(food)
                )))
            }
            Some(PhraseUnit::Household { name }) => {
                let alts = HOUSEHOLD
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(&[][..], |(_, a)| *a);
                let units: Vec<[&str; 1]> = alts.iter().map(|a| [*a]).collect();
                let units: Vec<&[&str]> = units.iter().map(|u| &u[..]).collect();
                best_portion(food, &units, self.size, &food_words)
                    .map(|p| Some(found(p, amount)))
                    .ok_or_else(|| {
                        refuse(format!(
                            "{} has no \"{name}\" portion; {}",
                            food.name,
                            known(food)
                        ))
                    })
            }
            None => {
                if let Some(size) = self.size {
                    return best_portion(food, &[], Some(size), &food_words)
                        .map(|p| Some(found(p, amount)))
                        .ok_or_else(|| {
                            refuse(format!(
                                "{} has no \"{size}\" portion; {}",
                                food.name,
                                known(food)
                            ))
                        });
                }
                count_portion(food, &food_words)
                    .map(|p| Some(found(p, amount)))
                    .ok_or_else(|| {
                        refuse(format!(
                            "{} has no portion for one item; {}",
                            food.name,
                            known(food)
                        ))
                    })
            }
        }
    }
}

fn known(food: &Food) -> String {
    if food.portions.is_empty() {
        "give grams (\"100 g\") or ounces".into()
    } else {
        let k: Vec<String> = food.portions.iter().map(Portion::label).collect();
        format!("known portions: {}; or give grams", k.join("; "))
    }
}

/// The food's "Quantity not specified" portion (FNDDS).
pub fn default_portion(food: &Food) -> Option<&Portion> {
    food.portions
        .iter()
        .find(|p| p.unit == QUANTITY_NOT_SPECIFIED && p.amount > 0.0 && p.grams > 0.0)
}

/// A portion unit's words, lower-case, stemmed, with tablespoon/teaspoon as tbsp/tsp.
fn unit_words(unit: &str) -> Vec<String> {
    unit.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            match w.as_str() {
                "tablespoon" | "tablespoons" | "tbs" => "tbsp".to_string(),
                "teaspoon" | "teaspoons" => "tsp".to_string(),
                "litre" | "liters" | "litres" => "liter".to_string(),
                "millilitre" | "milliliters" | "millilitres" | "ml" => "milliliter".to_string(),
                _ => stem(&w),
            }
        })
        .collect()
}

/// How plain a portion is beyond the words asked for (lower is better).
/// Words of the food or the size asked for cost nothing; "NFS" (USDA's generic weight) nothing;
/// medium and regular little; sizes and forms nobody asked for ("thin", "dry, yields") most.
fn oddness(words: &[String], asked: usize, food_words: &[String], size: Option<&str>) -> f32 {
    let mut s = 0.0;
    for w in words.iter().skip(asked) {
        s += if food_words.contains(w) || size == Some(w.as_str()) || w == "nfs" {
            0.0
        } else if matches!(w.as_str(), "medium" | "regular") {
            0.2
        } else if ODD_PORTION_WORDS.contains(&w.as_str()) {
            1.0
        } else {
            0.5
        };
    }
    s
}

/// The plainest portion whose unit starts with one of `units` (all when empty) and holds
/// `size` when one is asked for.
fn best_portion<'f>(
    food: &'f Food,
    units: &[&[&str]],
    size: Option<&str>,
    food_words: &[String],
) -> Option<&'f Portion> {
    let mut best: Option<(f32, &Portion)> = None;
    for p in food
        .portions
        .iter()
        .filter(|p| p.amount > 0.0 && p.grams > 0.0)
    {
        if p.unit == QUANTITY_NOT_SPECIFIED || p.unit.starts_with("Guideline") {
            continue;
        }
        let words = unit_words(&p.unit);
        let asked = if units.is_empty() {
            0
        } else {
            match units
                .iter()
                .find(|u| words.len() >= u.len() && words.iter().zip(u.iter()).all(|(a, b)| a == b))
            {
                Some(u) => u.len(),
                // "medium or regular slice", "large or thick slice": the unit later on.
                None => match units
                    .iter()
                    .find(|u| u.len() == 1 && words.iter().take(4).any(|w| w == u[0]))
                {
                    Some(_) => 0,
                    None => continue,
                },
            }
        };
        if let Some(sz) = size
            && !words.iter().any(|w| w == sz)
        {
            continue;
        }
        let mut s = oddness(&words, asked, food_words, size);
        if units.is_empty() || asked == 0 {
            // The unit word itself counted as extra above; give it back.
            s -= 0.5;
        }
        if best.is_none_or(|(b, _)| s < b) {
            best = Some((s, p));
        }
    }
    best.map(|(_, p)| p)
}

/// The portion for a bare count ("2 eggs"): named after the food, else one item, else FNDDS's
/// "Quantity not specified", else medium or regular.
fn count_portion<'f>(food: &'f Food, food_words: &[String]) -> Option<&'f Portion> {
    let usable = || {
        food.portions
            .iter()
            .filter(|p| p.amount > 0.0 && p.grams > 0.0 && !p.unit.starts_with("Guideline"))
    };
    let name_words: Vec<String> = crate::search::tokens(&food.name)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    // 1. A portion named after the food ("1 egg", "1 banana", "1 medium croissant").
    let mut best: Option<(f32, &Portion)> = None;
    for p in usable() {
        let words = unit_words(&p.unit);
        if let Some(k) = words
            .iter()
            .position(|w| food_words.contains(w) || name_words.first() == Some(w))
        {
            let mut s = oddness(&words, 0, &[], None) - 0.5;
            if k == 0 && words.len() == 1 {
                s = -1.0;
            }
            if best.is_none_or(|(b, _)| s < b) {
                best = Some((s, p));
            }
        }
    }
    if let Some((_, p)) = best {
        return Some(p);
    }
    // 2. One item: "1 fruit", "1 whole", "1 item, any size", "1 each".
    if let Some(p) = usable().find(|p| {
        let w = unit_words(&p.unit);
        matches!(
            w.first().map(String::as_str),
            Some("fruit" | "whole" | "item" | "each")
        ) && !w.iter().any(|x| ODD_PORTION_WORDS.contains(&x.as_str()))
    }) {
        return Some(p);
    }
    // 3. FNDDS's weight for an unspecified amount; 4. medium, regular.
    default_portion(food).or_else(|| {
        ["medium", "regular"].iter().find_map(|sz| {
            usable().find(|p| unit_words(&p.unit).first().map(String::as_str) == Some(sz))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::food::NutrientValues;

    fn food(name: &str, portions: &[(f64, &str, f64)]) -> Food {
        Food {
            id: "t:1".into(),
            name: name.to_string().into(),
            source: "test".into(),
            aliases: vec![],
            group: None,
            per_100g: NutrientValues::new(),
            portions: portions
                .iter()
                .map(|(a, u, g)| Portion {
                    amount: *a,
                    unit: u.to_string().into(),
                    grams: *g,
                })
                .collect(),
            ingredients: None,
            phosphate_additives: vec![],
        }
    }

    fn grams(phrase: &str, f: &Food) -> Option<f64> {
        Phrase::parse(phrase)
            .portion_for(f)
            .ok()
            .flatten()
            .map(|m| (m.grams * 1000.0).round() / 1000.0)
    }

    #[test]
    fn parses_amounts_units_and_food() {
        let p = Phrase::parse("2 eggs");
        assert_eq!(
            (p.amount, p.unit.is_none(), p.food.as_str()),
            (Some(2.0), true, "eggs")
        );
        let p = Phrase::parse("half an avocado");
        assert_eq!((p.amount, p.food.as_str()), (Some(0.5), "avocado"));
        let p = Phrase::parse("a slice of pizza");
        assert_eq!(p.amount, Some(1.0));
        assert_eq!(
            p.unit,
            Some(PhraseUnit::Household {
                name: "slice".into()
            })
        );
        assert_eq!(p.food, "pizza");
        let p = Phrase::parse("200g salmon");
        assert_eq!(p.amount, Some(200.0));
        assert!(matches!(p.unit, Some(PhraseUnit::Mass { name: "g", .. })));
        let p = Phrase::parse("1 1/2 cups cooked oatmeal");
        assert_eq!(p.amount, Some(1.5));
        assert_eq!(p.food, "cooked oatmeal");
        let p = Phrase::parse("large latte");
        assert_eq!(
            (p.amount, p.size, p.food.as_str()),
            (Some(1.0), Some("large"), "latte")
        );
        let p = Phrase::parse("latte");
        assert_eq!((p.amount, p.food.as_str()), (None, "latte"));
        let p = Phrase::parse("pot roast");
        assert_eq!((p.amount, p.food.as_str()), (None, "pot roast"));
        let p = Phrase::parse("salmon 200 g");
        assert_eq!((p.amount, p.food.as_str()), (Some(200.0), "salmon"));
        let p = Phrase::parse("250 ml milk");
        assert!(matches!(
            p.unit,
            Some(PhraseUnit::Volume { name: "ml", .. })
        ));
        assert_eq!(Phrase::parse("2").food, "2");
        assert_eq!(Phrase::parse("").food, "");
    }

    #[test]
    fn grams_come_from_the_portion_tables() {
        // Portions as in FNDDS 2021-2023 "Portions and Weights".
        let egg = food(
            "Egg, whole, boiled or poached",
            &[
                (1.0, "egg", 50.0),
                (1.0, "cup", 135.0),
                (1.0, QUANTITY_NOT_SPECIFIED, 50.0),
            ],
        );
        assert_eq!(grams("2 eggs", &egg), Some(100.0));
        assert_eq!(grams("boiled egg", &egg), Some(50.0));
        let avocado = food(
            "Avocado, raw",
            &[
                (1.0, "slice", 15.0),
                (1.0, "fruit", 150.0),
                (1.0, "cup", 150.0),
                (1.0, QUANTITY_NOT_SPECIFIED, 30.0),
            ],
        );
        assert_eq!(grams("half an avocado", &avocado), Some(75.0));
        let oatmeal = food(
            "Oatmeal, NFS",
            &[
                (1.0, "cup, cooked", 240.0),
                (1.0, "cup, dry, yields", 485.0),
                (1.0, QUANTITY_NOT_SPECIFIED, 240.0),
            ],
        );
        assert_eq!(grams("1 cup cooked oatmeal", &oatmeal), Some(240.0));
        assert_eq!(grams("1/2 cup oatmeal", &oatmeal), Some(120.0));
        let milk = food("Milk, NFS", &[(1.0, "cup", 244.0), (1.0, "fl oz", 30.5)]);
        // 250 ml = 8.4535 US fl oz × 30.5 g.
        assert_eq!(grams("250 ml milk", &milk), Some(257.832));
        assert_eq!(grams("milk", &milk), None);
        assert_eq!(grams("200 g milk", &milk), Some(200.0));
        let pizza = food(
            "Pizza, cheese, from restaurant or fast food, NS as to type of crust",
            &[
                (1.0, "piece, NFS", 119.0),
                (1.0, "piece, small pizza", 80.0),
                (1.0, "piece, medium pizza", 86.0),
            ],
        );
        assert_eq!(grams("a slice of pizza", &pizza), Some(119.0));
        let bread = food(
            "Bread, white",
            &[
                (1.0, "small or thin/very thin slice", 24.0),
                (1.0, "medium or regular slice", 28.0),
                (1.0, "slice, snack-size", 10.0),
            ],
        );
        assert_eq!(grams("2 slices of bread", &bread), Some(56.0));
        let latte = food(
            "Coffee, Latte",
            &[
                (1.0, "small", 360.0),
                (1.0, "large", 600.0),
                (1.0, QUANTITY_NOT_SPECIFIED, 360.0),
            ],
        );
        assert_eq!(grams("large latte", &latte), Some(600.0));
        assert_eq!(grams("a latte", &latte), Some(360.0));
        assert!(
            Phrase::parse("a glass of latte")
                .portion_for(&latte)
                .is_err()
        );
    }
}
