//! FoodData Central Foundation Foods, CSV release 2024-10-31 (read from the zip as published).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};
use vascalc_nutrition::Nutrient;

use crate::model::{GenFood, GenRelease, ProvKey};

pub const RELEASE_ID: &str = "usda-fdc-foundation-2024-10-31";
const ZIP: &str = "fdc-foundation-2024-10-31/FoodData_Central_foundation_food_csv_2024-10-31.zip";
const PREFIX: &str = "FoodData_Central_foundation_food_csv_2024-10-31/";

/// FDC nutrient ids read straight into a nutrient.
pub const DIRECT: &[(&str, Nutrient)] = &[
    ("1008", Nutrient::EnergyKcal),
    ("1003", Nutrient::ProteinG),
    ("1004", Nutrient::FatG),
    ("1005", Nutrient::CarbohydrateG),
    ("1079", Nutrient::FiberG),
    ("1093", Nutrient::SodiumMg),
    ("1092", Nutrient::PotassiumMg),
    ("1087", Nutrient::CalciumMg),
    ("1090", Nutrient::MagnesiumMg),
    ("1091", Nutrient::PhosphorusMg),
    ("1114", Nutrient::VitaminDUg),
    ("1185", Nutrient::PhylloquinoneUg),
    ("1183", Nutrient::Menaquinone4Ug),
    ("1278", Nutrient::EpaG),
    ("1272", Nutrient::DhaG),
    ("1404", Nutrient::AlaG),
];

/// Fallbacks, tried in order where the direct id is absent: (nutrient, fdc id, detail).
pub const FALLBACKS: &[(Nutrient, &str, &str)] = &[
    (
        Nutrient::EnergyKcal,
        "2048",
        "Energy (Atwater Specific Factors), nutrient 2048; 1008 is not reported",
    ),
    (
        Nutrient::EnergyKcal,
        "2047",
        "Energy (Atwater General Factors), nutrient 2047; 1008 and 2048 are not reported",
    ),
    (
        Nutrient::FatG,
        "1085",
        "Total fat (NLEA), nutrient 1085; 1004 is not reported",
    ),
    (
        Nutrient::CarbohydrateG,
        "1050",
        "Carbohydrate by summation, nutrient 1050; 1005 is not reported",
    ),
    (
        Nutrient::AlaG,
        "1270",
        "18:3 undifferentiated, nutrient 1270; ALA 18:3 n-3 (1404) is not reported",
    ),
];

/// A zip member as bytes.
pub fn member(
    zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>,
    name: &str,
) -> anyhow::Result<Vec<u8>> {
    let full = format!("{PREFIX}{name}");
    let mut f = zip
        .by_name(&full)
        .with_context(|| format!("{full} is missing from the zip"))?;
    let mut v = Vec::new();
    f.read_to_end(&mut v)
        .with_context(|| format!("unpacking {full}"))?;
    Ok(v)
}

/// Rows of a CSV member as maps from header to value.
pub fn rows(bytes: &[u8], name: &str) -> anyhow::Result<Vec<HashMap<String, String>>> {
    let mut rdr = csv::Reader::from_reader(bytes);
    let headers = rdr
        .headers()
        .with_context(|| format!("{name}: no header"))?
        .clone();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{name}: bad row"))?;
        out.push(
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        );
    }
    Ok(out)
}

fn col<'a>(row: &'a HashMap<String, String>, k: &str) -> &'a str {
    row.get(k).map_or("", String::as_str)
}

/// The Foundation foods with their per-100 g values (as `(fdc_id, nutrient id, amount)` too,
/// for the test that compares the table with the release).
pub struct Foundation {
    pub foods: Vec<GenFood>,
    pub amounts: BTreeMap<(String, String), f64>,
}

pub fn open(
    data: &Path,
    rel: &mut GenRelease,
) -> anyhow::Result<zip::ZipArchive<std::io::Cursor<Vec<u8>>>> {
    let bytes = rel.read(&data.join(ZIP))?;
    zip::ZipArchive::new(std::io::Cursor::new(bytes)).context("the Foundation zip cannot be opened")
}

pub fn release() -> GenRelease {
    GenRelease {
        id: RELEASE_ID.into(),
        title: "USDA FoodData Central Foundation Foods".into(),
        version: "2024-10-31".into(),
        terms: "US public domain. U.S. Department of Agriculture, Agricultural Research Service. FoodData Central: Foundation Foods. 2024.".into(),
        files: vec![],
    }
}

pub fn parse(zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>) -> anyhow::Result<Foundation> {
    let foundation = rows(&member(zip, "foundation_food.csv")?, "foundation_food.csv")?;
    let ids: HashSet<String> = foundation
        .iter()
        .map(|r| col(r, "fdc_id").to_string())
        .collect();
    let categories: HashMap<String, String> =
        rows(&member(zip, "food_category.csv")?, "food_category.csv")?
            .into_iter()
            .map(|r| {
                (
                    col(&r, "id").to_string(),
                    col(&r, "description").to_string(),
                )
            })
            .collect();
    let units: HashMap<String, String> =
        rows(&member(zip, "measure_unit.csv")?, "measure_unit.csv")?
            .into_iter()
            .map(|r| (col(&r, "id").to_string(), col(&r, "name").to_string()))
            .collect();

    let mut foods: Vec<GenFood> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let food_csv = member(zip, "food.csv")?;
    let mut rdr = csv::Reader::from_reader(food_csv.as_slice());
    for rec in rdr.records() {
        let rec = rec.context("food.csv: bad row")?;
        let (Some(id), Some(kind), Some(desc), Some(cat)) =
            (rec.get(0), rec.get(1), rec.get(2), rec.get(3))
        else {
            bail!("food.csv: short row");
        };
        if kind != "foundation_food" || !ids.contains(id) {
            continue;
        }
        index.insert(id.to_string(), foods.len());
        foods.push(GenFood {
            id: format!("fdc:{id}"),
            aliases: vec![],
            source: RELEASE_ID.into(),
            group: categories.get(cat).cloned().unwrap_or_default(),
            name: desc.trim().to_string(),
            also: String::new(),
            values: vec![],
            portions: vec![],
        });
    }

    let wanted: HashSet<&str> = DIRECT
        .iter()
        .map(|(k, _)| *k)
        .chain(FALLBACKS.iter().map(|(_, k, _)| *k))
        .chain(["1110"])
        .collect();
    let mut amounts: BTreeMap<(String, String), f64> = BTreeMap::new();
    let fn_csv = member(zip, "food_nutrient.csv")?;
    let mut rdr = csv::Reader::from_reader(fn_csv.as_slice());
    for rec in rdr.records() {
        let rec = rec.context("food_nutrient.csv: bad row")?;
        let (Some(fdc), Some(nid), Some(amount)) = (rec.get(1), rec.get(2), rec.get(3)) else {
            bail!("food_nutrient.csv: short row");
        };
        if !index.contains_key(fdc) || !wanted.contains(nid) || amount.is_empty() {
            continue;
        }
        let v: f64 = amount.parse().with_context(|| {
            format!("food_nutrient.csv: fdc {fdc} nutrient {nid}: bad amount {amount:?}")
        })?;
        if amounts
            .insert((fdc.to_string(), nid.to_string()), v)
            .is_some()
        {
            bail!("food_nutrient.csv: fdc {fdc} has nutrient {nid} twice");
        }
    }
    for (fdc, &i) in &index {
        let get = |nid: &str| amounts.get(&(fdc.clone(), nid.to_string())).copied();
        for (nid, n) in DIRECT {
            if let Some(v) = get(nid) {
                foods[i].set(*n, v, None);
            }
        }
        for (n, nid, detail) in FALLBACKS {
            if foods[i].get(*n).is_none()
                && let Some(v) = get(nid)
            {
                foods[i].set(
                    *n,
                    v,
                    Some(ProvKey::Measured {
                        source: RELEASE_ID.into(),
                        detail: (*detail).into(),
                    }),
                );
            }
        }
        if foods[i].get(Nutrient::VitaminDUg).is_none()
            && let Some(iu) = get("1110")
        {
            foods[i].set(
                    Nutrient::VitaminDUg,
                    (iu / 40.0 * 1e4).round() / 1e4,
                    Some(ProvKey::Calculated(format!(
                        "{RELEASE_ID} vitamin D in IU (nutrient 1110) ÷ 40; the µg value (1114) is not reported"
                    ))),
                );
        }
    }

    let portions = member(zip, "food_portion.csv")?;
    let mut rdr = csv::Reader::from_reader(portions.as_slice());
    let headers = rdr
        .headers()
        .context("food_portion.csv: no header")?
        .clone();
    let h = |name: &str| headers.iter().position(|x| x == name);
    let (Some(c_fdc), Some(c_amount), Some(c_unit), Some(c_desc), Some(c_mod), Some(c_g)) = (
        h("fdc_id"),
        h("amount"),
        h("measure_unit_id"),
        h("portion_description"),
        h("modifier"),
        h("gram_weight"),
    ) else {
        bail!("food_portion.csv: unexpected header {headers:?}");
    };
    let mut recs: Vec<(String, f64, String, f64)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.context("food_portion.csv: bad row")?;
        let fdc = rec.get(c_fdc).unwrap_or("");
        if !index.contains_key(fdc) {
            continue;
        }
        let amount: f64 = rec.get(c_amount).unwrap_or("").parse().unwrap_or(0.0);
        let grams: f64 = rec.get(c_g).unwrap_or("").parse().unwrap_or(0.0);
        if !(amount > 0.0 && grams > 0.0) {
            continue;
        }
        let unit = units
            .get(rec.get(c_unit).unwrap_or(""))
            .map_or("", String::as_str);
        let desc = rec.get(c_desc).unwrap_or("").trim();
        let modifier = rec.get(c_mod).unwrap_or("").trim();
        let label = if unit.is_empty() || unit == "undetermined" {
            if desc.is_empty() {
                modifier.to_string()
            } else {
                desc.to_string()
            }
        } else if modifier.is_empty() {
            unit.to_string()
        } else {
            format!("{unit}, {modifier}")
        };
        let label = label.replace([';', '|', '\t'], ",");
        if label.is_empty() {
            continue;
        }
        recs.push((fdc.to_string(), amount, label, grams));
    }
    for (fdc, amount, label, grams) in recs {
        if let Some(&i) = index.get(&fdc)
            && !foods[i]
                .portions
                .iter()
                .any(|p| p.0 == amount && p.1 == label)
        {
            foods[i].portions.push((amount, label, grams));
        }
    }
    foods.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Foundation { foods, amounts })
}

pub fn read_foundation(data: &Path) -> anyhow::Result<(GenRelease, Vec<GenFood>)> {
    let mut rel = release();
    let mut zip = open(data, &mut rel)?;
    let f = parse(&mut zip)?;
    Ok((rel, f.foods))
}
