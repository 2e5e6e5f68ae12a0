//! USDA Food and Nutrient Database for Dietary Studies (FNDDS) 2021-2023, "At A Glance"
//! workbooks: foods as eaten (mixed dishes, drinks, prepared foods) with their nutrients per
//! 100 g and household portions.
//!
//! Three workbooks are read from `fndds/2021-2023/`: `Foods and Beverages` (code, main and
//! additional descriptions, WWEIA category), `FNDDS Nutrient Values` (65 nutrients per 100 g)
//! and `Portions and Weights`. Each sheet has a title row, then the header row, then data. A
//! food without nutrient values (one in this release) is left out. FNDDS has no menaquinones:
//! MK-4, MK-7 and the K2 total stay missing for its foods. ALA comes from the `18:3` column,
//! which does not separate the n-3 isomer (said in the value's detail, as for SR28's 619).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};
use calamine::{Data, Reader, Xlsx};
use vascalc_nutrition::Nutrient;

use crate::model::{GenFood, GenRelease, ProvKey};

pub const RELEASE_ID: &str = "usda-fndds-2021-2023";
pub const DIR: &str = "fndds/2021-2023";
pub const FOODS_FILE: &str = "2021-2023 FNDDS At A Glance - Foods and Beverages.xlsx";
pub const NUTRIENTS_FILE: &str = "2021-2023 FNDDS At A Glance - FNDDS Nutrient Values.xlsx";
pub const PORTIONS_FILE: &str = "2021-2023 FNDDS At A Glance - Portions and Weights.xlsx";

/// Nutrient-sheet column headers (whitespace collapsed) read straight into a nutrient.
pub const DIRECT: &[(&str, Nutrient)] = &[
    ("Energy (kcal)", Nutrient::EnergyKcal),
    ("Protein (g)", Nutrient::ProteinG),
    ("Total Fat (g)", Nutrient::FatG),
    ("Carbohydrate (g)", Nutrient::CarbohydrateG),
    ("Fiber, total dietary (g)", Nutrient::FiberG),
    ("Sodium (mg)", Nutrient::SodiumMg),
    ("Potassium (mg)", Nutrient::PotassiumMg),
    ("Calcium (mg)", Nutrient::CalciumMg),
    ("Magnesium (mg)", Nutrient::MagnesiumMg),
    ("Phosphorus (mg)", Nutrient::PhosphorusMg),
    ("Vitamin D (D2 + D3) (mcg)", Nutrient::VitaminDUg),
    ("Vitamin K (phylloquinone) (mcg)", Nutrient::PhylloquinoneUg),
    ("20:5 n-3 (g)", Nutrient::EpaG),
    ("22:6 n-3 (g)", Nutrient::DhaG),
];

/// The `18:3` column: ALA with the isomers undifferentiated.
pub const ALA_COLUMN: &str = "18:3 (g)";

/// The detail of an FNDDS ALA value.
pub const ALA_DETAIL: &str =
    "18:3 undifferentiated (FNDDS column \"18:3\"); FNDDS does not report ALA 18:3 n-3 alone";

pub fn release() -> GenRelease {
    GenRelease {
        id: RELEASE_ID.into(),
        title: "USDA Food and Nutrient Database for Dietary Studies 2021-2023 (FNDDS), At A Glance workbooks".into(),
        version: "2021-2023 (WWEIA, NHANES 2021-2023)".into(),
        terms: "US public domain. USDA Agricultural Research Service, Food Surveys Research Group. Food and Nutrient Database for Dietary Studies 2021-2023.".into(),
        files: vec![],
    }
}

/// Header text with runs of whitespace (the sheets break lines inside headers) made one space.
pub fn header_text(c: &Data) -> String {
    c.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A cell as a number.
pub fn number(c: &Data) -> Option<f64> {
    match c {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A food code cell (an 8-digit integer) as text.
fn code(c: &Data) -> Option<String> {
    match c {
        Data::Float(f) if f.fract() == 0.0 && *f > 0.0 => Some(format!("{}", *f as i64)),
        Data::Int(i) if *i > 0 => Some(i.to_string()),
        Data::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// The rows of the first sheet of a workbook as (header, data rows): the header is the first
/// row whose first cell reads "Food code".
pub fn sheet(bytes: Vec<u8>, what: &str) -> anyhow::Result<(Vec<String>, Vec<Vec<Data>>)> {
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .with_context(|| format!("{what}: not a readable .xlsx workbook"))?;
    let name = wb
        .sheet_names()
        .first()
        .cloned()
        .with_context(|| format!("{what}: the workbook has no sheet"))?;
    let range = wb
        .worksheet_range(&name)
        .with_context(|| format!("{what}: reading sheet {name}"))?;
    let mut rows = range.rows();
    let header = loop {
        let Some(r) = rows.next() else {
            bail!("{what}: no header row starting with \"Food code\"");
        };
        if r.first().map(header_text).as_deref() == Some("Food code") {
            break r.iter().map(header_text).collect::<Vec<_>>();
        }
    };
    Ok((header, rows.map(<[Data]>::to_vec).collect()))
}

fn column(header: &[String], name: &str, what: &str) -> anyhow::Result<usize> {
    header
        .iter()
        .position(|h| h == name)
        .with_context(|| format!("{what}: no column {name:?}"))
}

/// A portion description as (amount, unit): "1 cup" → (1, "cup"), "1/2 bottle" → (0.5,
/// "bottle"), "Quantity not specified" → (1, "Quantity not specified").
pub fn split_portion(desc: &str) -> (f64, String) {
    let desc = desc.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((num, rest)) = desc.split_once(' ') {
        let amount = match num.split_once('/') {
            Some((a, b)) => match (a.parse::<f64>(), b.parse::<f64>()) {
                (Ok(a), Ok(b)) if b > 0.0 => Some(a / b),
                _ => None,
            },
            None => num.parse::<f64>().ok(),
        };
        if let Some(a) = amount.filter(|a| a.is_finite() && *a > 0.0) {
            return (a, rest.to_string());
        }
    }
    (1.0, desc)
}

/// The nutrient values of every food code: code → (values, ALA from 18:3).
type Values = HashMap<String, (Vec<(Nutrient, f64)>, Option<f64>)>;

fn nutrient_values(bytes: Vec<u8>) -> anyhow::Result<Values> {
    let what = NUTRIENTS_FILE;
    let (header, rows) = sheet(bytes, what)?;
    let c_code = column(&header, "Food code", what)?;
    let mut cols = Vec::new();
    for (h, n) in DIRECT {
        cols.push((column(&header, h, what)?, *n));
    }
    let c_ala = column(&header, ALA_COLUMN, what)?;
    let mut out = HashMap::new();
    for r in rows {
        let Some(code) = r.get(c_code).and_then(code) else {
            continue;
        };
        let mut values = Vec::with_capacity(cols.len());
        for (c, n) in &cols {
            let v = r
                .get(*c)
                .and_then(number)
                .with_context(|| format!("{what}: food {code} has no number in the {n} column"))?;
            values.push((*n, v));
        }
        let ala = r.get(c_ala).and_then(number);
        if out.insert(code.clone(), (values, ala)).is_some() {
            bail!("{what}: food {code} appears twice");
        }
    }
    Ok(out)
}

pub fn read(data: &Path) -> anyhow::Result<(GenRelease, Vec<GenFood>)> {
    let dir = data.join(DIR);
    let mut rel = release();
    let foods_bytes = rel.read(&dir.join(FOODS_FILE))?;
    let nutrient_bytes = rel.read(&dir.join(NUTRIENTS_FILE))?;
    let portion_bytes = rel.read(&dir.join(PORTIONS_FILE))?;

    let mut values = nutrient_values(nutrient_bytes)?;

    let (header, rows) = sheet(portion_bytes, PORTIONS_FILE)?;
    let c_code = column(&header, "Food code", PORTIONS_FILE)?;
    let c_desc = column(&header, "Portion description", PORTIONS_FILE)?;
    let c_grams = column(&header, "Portion weight (g)", PORTIONS_FILE)?;
    let mut portions: HashMap<String, Vec<(f64, String, f64)>> = HashMap::new();
    for r in rows {
        let Some(code) = r.get(c_code).and_then(code) else {
            continue;
        };
        let desc = r.get(c_desc).map(|c| c.to_string()).unwrap_or_default();
        let grams = r.get(c_grams).and_then(number).with_context(|| {
            format!("{PORTIONS_FILE}: food {code} portion {desc:?} has no weight")
        })?;
        // "Quantity not specified" of 0 g (human milk) is no portion at all.
        if grams > 0.0 && !desc.trim().is_empty() {
            // The table separates portion fields with ';' (one FNDDS description has one).
            let (amount, unit) = split_portion(&desc.replace(';', ","));
            portions
                .entry(code)
                .or_default()
                .push((amount, unit, grams));
        }
    }

    let (header, rows) = sheet(foods_bytes, FOODS_FILE)?;
    let c_code = column(&header, "Food code", FOODS_FILE)?;
    let c_name = column(&header, "Main food description", FOODS_FILE)?;
    let c_also = column(&header, "Additional food description", FOODS_FILE)?;
    let c_cat = column(&header, "WWEIA Category description", FOODS_FILE)?;
    let mut foods = Vec::new();
    for r in rows {
        let Some(code) = r.get(c_code).and_then(code) else {
            continue;
        };
        let text = |c: usize| {
            r.get(c)
                .map(|d| {
                    d.to_string()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default()
        };
        // A food code without nutrient values cannot be logged; it is left out.
        let Some((vals, ala)) = values.remove(&code) else {
            continue;
        };
        let mut f = GenFood {
            id: format!("fndds:{code}"),
            aliases: vec![],
            source: RELEASE_ID.into(),
            group: text(c_cat),
            name: text(c_name),
            also: text(c_also),
            values: vec![],
            portions: portions.remove(&code).unwrap_or_default(),
        };
        for (n, v) in vals {
            f.set(n, v, None);
        }
        if let Some(a) = ala {
            f.set(
                Nutrient::AlaG,
                a,
                Some(ProvKey::Measured {
                    source: RELEASE_ID.into(),
                    detail: ALA_DETAIL.into(),
                }),
            );
        }
        foods.push(f);
    }
    if let Some(code) = values.keys().next() {
        bail!("{NUTRIENTS_FILE}: food {code} is not in {FOODS_FILE}");
    }
    foods.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((rel, foods))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portion_descriptions_split() {
        assert_eq!(split_portion("1 cup"), (1.0, "cup".to_string()));
        assert_eq!(split_portion("1/2 bottle"), (0.5, "bottle".to_string()));
        assert_eq!(
            split_portion("Quantity not specified"),
            (1.0, "Quantity not specified".to_string())
        );
        assert_eq!(
            split_portion("1 100 calorie package"),
            (1.0, "100 calorie package".to_string())
        );
        assert_eq!(split_portion("0 cup"), (1.0, "0 cup".to_string()));
    }
}
