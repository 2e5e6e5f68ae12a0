//! The curated menaquinone table (`vascalc-nutrition/data/menaquinones.toml`): literature values,
//! each with its citation, added to existing foods or as foods of their own (`lit:…`).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;
use vascalc_nutrition::Nutrient;

use crate::model::{GenFood, GenRelease, ProvKey};

pub const RELEASE_ID: &str = "literature";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// The reference as it should be shown.
    pub text: String,
    /// How vascalc's copy of the values was checked.
    pub checked: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LitFood {
    /// `lit:…`
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub group: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LitValue {
    /// An existing food id (`ndb:16113`) or a `lit:` food of this file.
    pub food: String,
    pub nutrient: String,
    /// Per 100 g.
    pub value: f64,
    /// A key of `[citations]`.
    pub citation: String,
    /// Where in the source, and any conversion (e.g. "13 µg per 3-oz (85 g) serving").
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Curated {
    pub citations: BTreeMap<String, Citation>,
    #[serde(default)]
    pub foods: Vec<LitFood>,
    pub values: Vec<LitValue>,
}

pub fn read(path: &Path) -> anyhow::Result<(GenRelease, Curated)> {
    let mut rel = GenRelease {
        id: RELEASE_ID.into(),
        title: "vascalc curated menaquinone table (literature values, a citation per value)".into(),
        version: "see data/menaquinones.toml".into(),
        terms: "values quoted from the cited publications".into(),
        files: vec![],
    };
    let bytes = rel.read(path)?;
    let text =
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
    let c: Curated =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok((rel, c))
}

/// The shown citation of a literature value: the reference, then the note.
pub fn citation_text(c: &Citation, v: &LitValue) -> String {
    let mut s = c.text.clone();
    if !v.note.is_empty() {
        s.push_str(" [");
        s.push_str(&v.note);
        s.push(']');
    }
    s
}

pub fn apply(foods: &mut Vec<GenFood>, c: Curated) -> anyhow::Result<()> {
    for f in &c.foods {
        if !f.id.starts_with("lit:") {
            bail!("curated food {} must have a lit: id", f.id);
        }
        if foods.iter().any(|g| g.id == f.id) {
            bail!("curated food {} is defined twice", f.id);
        }
        foods.push(GenFood {
            id: f.id.clone(),
            aliases: vec![],
            source: RELEASE_ID.into(),
            group: f.group.clone(),
            name: f.name.clone(),
            also: String::new(),
            values: vec![],
            portions: vec![],
        });
    }
    for v in &c.values {
        let nutrient = Nutrient::from_key(&v.nutrient).with_context(|| {
            format!(
                "curated value for {}: unknown nutrient {:?}",
                v.food, v.nutrient
            )
        })?;
        let cit = c.citations.get(&v.citation).with_context(|| {
            format!(
                "curated value for {}: unknown citation {:?}",
                v.food, v.citation
            )
        })?;
        if !(v.value.is_finite() && v.value >= 0.0) {
            bail!(
                "curated value for {} {}: {} is not a valid amount",
                v.food,
                v.nutrient,
                v.value
            );
        }
        let Some(food) = foods.iter_mut().find(|f| f.id == v.food) else {
            bail!(
                "curated value: no food {:?} (an SR28/FDC id or a lit: food of the file)",
                v.food
            );
        };
        if food.get(nutrient).is_some() {
            bail!(
                "curated value for {} {} would replace a value already there",
                v.food,
                v.nutrient
            );
        }
        food.set(
            nutrient,
            v.value,
            Some(ProvKey::Literature(citation_text(cit, v))),
        );
    }
    Ok(())
}
