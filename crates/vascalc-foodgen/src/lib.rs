//! The generator of vascalc-nutrition's shipped food table.
//!
//! It reads, from a data folder laid out like `../shared/data/food`:
//! - `sr28/`: USDA SR28 in its caret-delimited ASCII files (`FOOD_DES.txt`, `FD_GROUP.txt`,
//!   `NUT_DATA.txt.gz`, `WEIGHT.txt`);
//! - `fdc-sr-legacy-2018-04/sr_legacy_food.csv`: the FoodData Central id of each SR food;
//! - `fdc-foundation-2024-10-31/FoodData_Central_foundation_food_csv_2024-10-31.zip`;
//! - `fndds/2021-2023/`: USDA FNDDS 2021-2023 "At A Glance" workbooks (foods as eaten: mixed
//!   dishes and drinks, with portions);
//! - `ciqual-2020/Table Ciqual 2020_ENG_2020 07 07.xls`: the foods with a vitamin K2 value;
//! - the curated menaquinone table `vascalc-nutrition/data/menaquinones.toml` (a citation per
//!   value);
//!
//! and writes the table format described in `vascalc_nutrition::FoodTable`, recording the
//! releases with the SHA-256 and size of every file read, and beside it the table's pre-built
//! index (`foods.idx`: line offsets, id order, search index), which the library reads in place
//! at start-up. Output is deterministic: the same inputs give the same bytes.

pub mod ciqual;
pub mod curated;
pub mod fdc;
pub mod fndds;
pub mod model;
pub mod sr28;

use std::path::{Path, PathBuf};

use anyhow::Context;

pub use model::{GenFood, GenRelease, GenValue, ProvKey};

/// `crates/vascalc-nutrition/data/foods.tsv` in this workspace.
pub fn default_table_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vascalc-nutrition/data/foods.tsv")
}

/// `crates/vascalc-nutrition/data/foods.idx` in this workspace: the table's pre-built index.
pub fn default_index_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vascalc-nutrition/data/foods.idx")
}

/// The pre-built index of a generated table's text (`data/foods.idx`, read in place by
/// `vascalc_nutrition::FoodTable::from_index`): line offsets, id order and the search index.
pub fn index_of(text: &str) -> anyhow::Result<Vec<u8>> {
    // The table borrows from its text for as long as it lives; this tool runs once.
    let text: &'static str = Box::leak(text.to_owned().into_boxed_str());
    let table = vascalc_nutrition::FoodTable::parse(text).context("parsing the generated table")?;
    table
        .index_bytes()
        .context("building the table's pre-built index")
}

/// `crates/vascalc-nutrition/data/menaquinones.toml` in this workspace.
pub fn default_curated_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vascalc-nutrition/data/menaquinones.toml")
}

/// Reads every release under `data` and the curated table, and returns the table text.
pub fn generate(data: &Path, curated_path: &Path) -> anyhow::Result<String> {
    let mut releases = Vec::new();
    let mut foods = Vec::new();

    let (rel, sr) = sr28::read(data).context("reading USDA SR28")?;
    releases.push(rel);
    foods.extend(sr);

    let (rel, fd) = fdc::read_foundation(data).context("reading FDC Foundation Foods")?;
    releases.push(rel);
    foods.extend(fd);

    let (rel, fn_) = fndds::read(data).context("reading FNDDS 2021-2023")?;
    releases.push(rel);
    foods.extend(fn_);

    let (rel, cq) = ciqual::read(data).context("reading Ciqual 2020")?;
    releases.push(rel);
    foods.extend(cq);

    let (rel, lit) =
        curated::read(curated_path).context("reading the curated menaquinone table")?;
    releases.push(rel);
    curated::apply(&mut foods, lit)?;

    model::write_table(&releases, &foods)
}
