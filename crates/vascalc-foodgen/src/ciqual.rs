//! ANSES Ciqual 2020 (the English .xls): the foods that have a vitamin K2 value, with all of
//! their nutrients of interest.
//!
//! Cells read as numbers are taken as they are; text cells with a decimal comma are read as
//! numbers. "-" (no value), "traces" and "< x" (below the limit of quantification) are missing:
//! none of them is a number that could be added up.

use std::path::Path;

use anyhow::{Context, bail};
use calamine::{Data, Reader, Xls};
use vascalc_nutrition::Nutrient;

use crate::model::{GenFood, GenRelease, ProvKey};

pub const RELEASE_ID: &str = "anses-ciqual-2020";
pub const FILE: &str = "ciqual-2020/Table Ciqual 2020_ENG_2020 07 07.xls";

/// Column headers read into a nutrient.
pub const COLUMNS: &[(&str, Nutrient)] = &[
    (
        "Energy, Regulation EU No 1169/2011 (kcal/100g)",
        Nutrient::EnergyKcal,
    ),
    ("Protein (g/100g)", Nutrient::ProteinG),
    ("Fat (g/100g)", Nutrient::FatG),
    ("Carbohydrate (g/100g)", Nutrient::CarbohydrateG),
    ("Fibres (g/100g)", Nutrient::FiberG),
    ("Sodium (mg/100g)", Nutrient::SodiumMg),
    ("Potassium (mg/100g)", Nutrient::PotassiumMg),
    ("Calcium (mg/100g)", Nutrient::CalciumMg),
    ("Magnesium (mg/100g)", Nutrient::MagnesiumMg),
    ("Phosphorus (mg/100g)", Nutrient::PhosphorusMg),
    ("Vitamin D (µg/100g)", Nutrient::VitaminDUg),
    ("Vitamin K1 (µg/100g)", Nutrient::PhylloquinoneUg),
    ("Vitamin K2 (µg/100g)", Nutrient::VitaminK2TotalUg),
    (
        "FA 20:5 5c,8c,11c,14c,17c (n-3) EPA (g/100g)",
        Nutrient::EpaG,
    ),
    (
        "FA 22:6 4c,7c,10c,13c,16c,19c (n-3) DHA (g/100g)",
        Nutrient::DhaG,
    ),
    ("FA 18:3 c9,c12,c15 (n-3) (g/100g)", Nutrient::AlaG),
];

/// A cell as a value, or `None` when it holds no number.
pub fn cell_value(c: &Data) -> Option<f64> {
    match c {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::String(s) => {
            let s = s.trim();
            if s.starts_with('<') {
                return None;
            }
            s.replace(',', ".").parse::<f64>().ok()
        }
        _ => None,
    }
}

/// The rows of the sheet: (code, name, group, values by nutrient).
pub struct CiqualRow {
    pub code: String,
    pub name: String,
    pub group: String,
    pub values: Vec<(Nutrient, f64)>,
}

pub fn rows(bytes: Vec<u8>) -> anyhow::Result<Vec<CiqualRow>> {
    let mut wb: Xls<_> =
        Xls::new(std::io::Cursor::new(bytes)).context("not a readable .xls workbook")?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .context("the workbook has no sheet")?;
    let range = wb
        .worksheet_range(&sheet)
        .with_context(|| format!("reading sheet {sheet}"))?;
    let mut it = range.rows();
    let header: Vec<String> = it
        .next()
        .context("empty sheet")?
        .iter()
        .map(|c| c.to_string())
        .collect();
    let find = |name: &str| header.iter().position(|h| h == name);
    let (Some(c_code), Some(c_name), Some(c_grp)) = (
        find("alim_code"),
        find("alim_nom_eng"),
        find("alim_grp_nom_eng"),
    ) else {
        bail!("the sheet lacks alim_code / alim_nom_eng / alim_grp_nom_eng columns");
    };
    let mut cols = Vec::new();
    for (h, n) in COLUMNS {
        cols.push((
            find(h).with_context(|| format!("the sheet lacks the column {h:?}"))?,
            *n,
        ));
    }
    let mut out = Vec::new();
    for row in it {
        let code = match row.get(c_code) {
            Some(Data::Float(f)) => format!("{}", *f as i64),
            Some(Data::Int(i)) => i.to_string(),
            Some(Data::String(s)) => s.trim().to_string(),
            _ => continue,
        };
        let values = cols
            .iter()
            .filter_map(|(c, n)| row.get(*c).and_then(cell_value).map(|v| (*n, v)))
            .collect();
        out.push(CiqualRow {
            code,
            name: row
                .get(c_name)
                .map(|c| c.to_string())
                .unwrap_or_default()
                .trim()
                .to_string(),
            group: row
                .get(c_grp)
                .map(|c| c.to_string())
                .unwrap_or_default()
                .trim()
                .to_string(),
            values,
        });
    }
    Ok(out)
}

pub fn release() -> GenRelease {
    GenRelease {
        id: RELEASE_ID.into(),
        title: "ANSES Ciqual French food composition table (foods with a vitamin K2 value)".into(),
        version: "2020 (English edition of 2020-07-07)".into(),
        terms:
            "Anses. 2020. Ciqual French food composition table. Free reuse with the source cited."
                .into(),
        files: vec![],
    }
}

pub fn read(data: &Path) -> anyhow::Result<(GenRelease, Vec<GenFood>)> {
    let mut rel = release();
    let bytes = rel.read(&data.join(FILE))?;
    let mut foods = Vec::new();
    for r in rows(bytes)? {
        if !r
            .values
            .iter()
            .any(|(n, _)| *n == Nutrient::VitaminK2TotalUg)
        {
            continue;
        }
        let mut f = GenFood {
            id: format!("ciqual:{}", r.code),
            aliases: vec![],
            source: RELEASE_ID.into(),
            group: if r.group == "-" {
                String::new()
            } else {
                r.group
            },
            name: r.name,
            also: String::new(),
            values: vec![],
            portions: vec![],
        };
        for (n, v) in r.values {
            let prov = (n == Nutrient::VitaminK2TotalUg).then(|| ProvKey::Measured {
                source: RELEASE_ID.into(),
                detail: "Vitamin K2 column; Ciqual gives no breakdown by menaquinone".into(),
            });
            f.set(n, v, prov);
        }
        foods.push(f);
    }
    foods.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((rel, foods))
}
