//! USDA SR28 (caret-delimited ASCII, `~` quotes, Latin-1) with FoodData Central SR Legacy ids.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};
use vascalc_nutrition::Nutrient;

use crate::model::{GenFood, GenRelease, ProvKey, latin1};

pub const RELEASE_ID: &str = "usda-sr28";

/// SR nutrient numbers read straight into a nutrient.
pub const DIRECT: &[(&str, Nutrient)] = &[
    ("208", Nutrient::EnergyKcal),
    ("203", Nutrient::ProteinG),
    ("204", Nutrient::FatG),
    ("205", Nutrient::CarbohydrateG),
    ("291", Nutrient::FiberG),
    ("307", Nutrient::SodiumMg),
    ("306", Nutrient::PotassiumMg),
    ("301", Nutrient::CalciumMg),
    ("304", Nutrient::MagnesiumMg),
    ("305", Nutrient::PhosphorusMg),
    ("328", Nutrient::VitaminDUg),
    ("430", Nutrient::PhylloquinoneUg),
    ("428", Nutrient::Menaquinone4Ug),
    ("629", Nutrient::EpaG),
    ("621", Nutrient::DhaG),
    ("851", Nutrient::AlaG),
];

/// Splits a caret line into fields with the `~` quotes removed.
pub fn fields(line: &str) -> Vec<&str> {
    line.split('^').map(|f| f.trim_matches('~')).collect()
}

/// The lines of a caret file (CRLF or LF), skipping empty ones.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
}

/// Reads NUT_DATA.txt.gz into text.
pub fn nut_data_text(gz: &[u8]) -> anyhow::Result<String> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut raw)
        .context("NUT_DATA.txt.gz is not a valid gzip file")?;
    Ok(latin1(&raw))
}

pub fn read(data: &Path) -> anyhow::Result<(GenRelease, Vec<GenFood>)> {
    let dir = data.join("sr28");
    let mut rel = GenRelease {
        id: RELEASE_ID.into(),
        title: "USDA National Nutrient Database for Standard Reference, Release 28 (SR28), with FoodData Central SR Legacy ids (2018-04)".into(),
        version: "SR28 (2016; nutrient values); FDC SR Legacy 2018-04 (ids)".into(),
        terms: "US public domain. US Department of Agriculture, Agricultural Research Service, Nutrient Data Laboratory. USDA National Nutrient Database for Standard Reference, Release 28. 2016.".into(),
        files: vec![],
    };
    let food_des = latin1(&rel.read(&dir.join("FOOD_DES.txt"))?);
    let fd_group = latin1(&rel.read(&dir.join("FD_GROUP.txt"))?);
    let nut_gz = rel.read(&dir.join("NUT_DATA.txt.gz"))?;
    let weight = latin1(&rel.read(&dir.join("WEIGHT.txt"))?);
    let legacy = rel.read(&data.join("fdc-sr-legacy-2018-04/sr_legacy_food.csv"))?;

    let groups: HashMap<&str, &str> = lines(&fd_group)
        .filter_map(|l| {
            let f = fields(l);
            Some((*f.first()?, *f.get(1)?))
        })
        .collect();

    let mut fdc_of: HashMap<String, String> = HashMap::new();
    let mut rdr = csv::Reader::from_reader(legacy.as_slice());
    for rec in rdr.records() {
        let rec = rec.context("sr_legacy_food.csv")?;
        let (Some(fdc), Some(ndb)) = (rec.get(0), rec.get(1)) else {
            bail!("sr_legacy_food.csv: a row without fdc_id and NDB_number");
        };
        fdc_of.insert(format!("{ndb:0>5}"), fdc.to_string());
    }

    let mut foods: Vec<GenFood> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for l in lines(&food_des) {
        let f = fields(l);
        let (Some(ndb), Some(grp), Some(name)) = (f.first(), f.get(1), f.get(2)) else {
            bail!("FOOD_DES.txt: short line {l:?}");
        };
        index.insert(ndb.to_string(), foods.len());
        foods.push(GenFood {
            id: format!("ndb:{ndb}"),
            aliases: fdc_of
                .get(*ndb)
                .map(|f| vec![format!("fdc:{f}")])
                .unwrap_or_default(),
            source: RELEASE_ID.into(),
            group: groups.get(grp).map(|g| g.to_string()).unwrap_or_default(),
            name: name.to_string(),
            also: String::new(),
            values: vec![],
            portions: vec![],
        });
    }

    // Nutrient values; vitamin D IU and 18:3 undifferentiated are kept for fallbacks.
    let nut = nut_data_text(&nut_gz)?;
    let mut vit_d_iu: HashMap<usize, f64> = HashMap::new();
    let mut ala_undiff: HashMap<usize, f64> = HashMap::new();
    for l in lines(&nut) {
        let f = fields(l);
        let (Some(ndb), Some(nr), Some(val)) = (f.first(), f.get(1), f.get(2)) else {
            bail!("NUT_DATA.txt: short line {l:?}");
        };
        let Some(&i) = index.get(*ndb) else {
            bail!("NUT_DATA.txt: food {ndb} is not in FOOD_DES.txt");
        };
        let value: f64 = val.parse().with_context(|| {
            format!("NUT_DATA.txt: food {ndb} nutrient {nr}: bad value {val:?}")
        })?;
        if let Some((_, n)) = DIRECT.iter().find(|(k, _)| k == nr) {
            foods[i].set(*n, value, None);
        } else if *nr == "324" {
            vit_d_iu.insert(i, value);
        } else if *nr == "619" {
            ala_undiff.insert(i, value);
        }
    }
    for (i, iu) in vit_d_iu {
        if foods[i].get(Nutrient::VitaminDUg).is_none() {
            let ug = (iu / 40.0 * 1e4).round() / 1e4;
            foods[i].set(
                Nutrient::VitaminDUg,
                ug,
                Some(ProvKey::Calculated(
                    "usda-sr28 vitamin D in IU (nutrient 324) ÷ 40; the µg value (328) is not reported".into(),
                )),
            );
        }
    }
    for (i, v) in ala_undiff {
        if foods[i].get(Nutrient::AlaG).is_none() {
            foods[i].set(
                Nutrient::AlaG,
                v,
                Some(ProvKey::Measured {
                    source: RELEASE_ID.into(),
                    detail:
                        "18:3 undifferentiated (nutrient 619); ALA 18:3 n-3 (851) is not reported"
                            .into(),
                }),
            );
        }
    }

    for l in lines(&weight) {
        let f = fields(l);
        let (Some(ndb), Some(amount), Some(desc), Some(grams)) =
            (f.first(), f.get(2), f.get(3), f.get(4))
        else {
            bail!("WEIGHT.txt: short line {l:?}");
        };
        let Some(&i) = index.get(*ndb) else {
            bail!("WEIGHT.txt: food {ndb} is not in FOOD_DES.txt");
        };
        let (Ok(a), Ok(g)) = (amount.parse::<f64>(), grams.parse::<f64>()) else {
            bail!("WEIGHT.txt: bad numbers in {l:?}");
        };
        if a > 0.0 && g > 0.0 {
            foods[i].portions.push((a, desc.trim().to_string(), g));
        }
    }
    Ok((rel, foods))
}
