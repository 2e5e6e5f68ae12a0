//! `vascalc-foodgen`: writes vascalc-nutrition's shipped food table from the releases.
//!
//! ```text
//! cargo run -p vascalc-foodgen -- --data ../shared/data/food \
//!     --out crates/vascalc-nutrition/data/foods.tsv          # and foods.idx beside it
//! cargo run -p vascalc-foodgen -- --data ../shared/data/food --check   # compare, write nothing
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

#[expect(clippy::print_stderr, reason = "the generator reports what it wrote")]
fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

#[expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the generator reports what it wrote"
)]
fn run() -> anyhow::Result<ExitCode> {
    let mut data: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut curated: Option<PathBuf> = None;
    let mut check = false;
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        match a.to_str() {
            Some("--data") => data = args.next().map(PathBuf::from),
            Some("--out") => out = args.next().map(PathBuf::from),
            Some("--curated") => curated = args.next().map(PathBuf::from),
            Some("--check") => check = true,
            Some("-h" | "--help") => {
                println!(
                    "usage: vascalc-foodgen --data DIR [--out FILE | --check] [--curated FILE]\n\
                     DIR holds sr28/, fdc-sr-legacy-2018-04/, fdc-foundation-2024-10-31/, fndds/2021-2023/, ciqual-2020/.\n\
                     --out defaults to vascalc-nutrition's data/foods.tsv; its pre-built index is written beside it (.idx).\n\
                     --curated defaults to vascalc-nutrition's data/menaquinones.toml.\n\
                     --check compares the generated table and index with --out and exits 1 when they differ."
                );
                return Ok(ExitCode::SUCCESS);
            }
            _ => bail!("unknown argument {a:?} (see --help)"),
        }
    }
    let data = data.context(
        "--data DIR is required (the folder with sr28/ and the FDC and Ciqual releases)",
    )?;
    let out = out.unwrap_or_else(vascalc_foodgen::default_table_path);
    let curated = curated.unwrap_or_else(vascalc_foodgen::default_curated_path);
    let text = vascalc_foodgen::generate(&data, &curated)?;
    let index = vascalc_foodgen::index_of(&text)?;
    let index_path = out.with_extension("idx");
    if check {
        let current =
            std::fs::read_to_string(&out).with_context(|| format!("reading {}", out.display()))?;
        let current_index = std::fs::read(&index_path)
            .with_context(|| format!("reading {}", index_path.display()))?;
        if current == text && current_index == index {
            println!(
                "{} and {} are up to date",
                out.display(),
                index_path.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "{} or {} differs from what the releases generate; rerun without --check",
            out.display(),
            index_path.display()
        );
        return Ok(ExitCode::from(1));
    }
    std::fs::write(&out, &text).with_context(|| format!("writing {}", out.display()))?;
    std::fs::write(&index_path, &index)
        .with_context(|| format!("writing {}", index_path.display()))?;
    println!(
        "wrote {} ({} bytes, {} foods) and its index {} ({} bytes)",
        out.display(),
        text.len(),
        text.lines().filter(|l| l.starts_with("food\t")).count(),
        index_path.display(),
        index.len()
    );
    Ok(ExitCode::SUCCESS)
}
