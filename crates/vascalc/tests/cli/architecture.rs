//! docs/architecture.md stays true: every function its table of numbers names exists, every crate
//! is in its code map, and the invariants it says a test enforces are checked here
//! (cores-do-no-io, only-the-binary-knows-the-cli, store-is-a-trait).

use std::path::{Path, PathBuf};

/// Compiled in, so that an edit of the document rebuilds this test.
const ARCHITECTURE: &str = include_str!("../../../../docs/architecture.md");

/// The computing cores (invariant cores-do-no-io).
const CORES: [&str; 8] = [
    "vascalc-domain",
    "vascalc-ct",
    "vascalc-clinical",
    "vascalc-nutrition",
    "vascalc-program",
    "vascalc-record",
    "vascalc-app",
    "vascalc-report",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of the section whose heading starts with `heading`, up to the next `## `.
fn section(heading: &str) -> &'static str {
    let start = ARCHITECTURE
        .find(heading)
        .unwrap_or_else(|| panic!("docs/architecture.md has no section {heading:?}"));
    let body = &ARCHITECTURE[start + heading.len()..];
    &body[..body.find("\n## ").unwrap_or(body.len())]
}

/// The `code spans` of `text`.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// Whether `text` holds `fn NAME` followed by `(` or `<`.
fn defines_fn(text: &str, name: &str) -> bool {
    let pattern = format!("fn {name}");
    text.match_indices(&pattern).any(|(i, _)| {
        matches!(
            text[i + pattern.len()..].chars().next(),
            Some('(') | Some('<')
        )
    })
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Checks `crate_name::module::…::[Type::]function` against the sources: the modules are files
/// (`a/b.rs` or `a/b/mod.rs`) under the crate's `src/`, the function is defined in the last
/// module's file (or `lib.rs`), and a `Type` is a struct or enum of the crate. A path that ends
/// on a module names that module. Returns why it does not hold.
fn check_path(path: &str) -> Result<(), String> {
    let mut segments = path.split("::");
    let krate = segments.next().unwrap_or_default().replace('_', "-");
    let src = root().join("crates").join(&krate).join("src");
    if !src.is_dir() {
        return Err(format!("no crate {krate}"));
    }
    let rest: Vec<&str> = segments.collect();
    let (mut dir, mut file) = (src.clone(), src.join("lib.rs"));
    let mut used = 0;
    for seg in &rest {
        let (as_file, as_dir) = (dir.join(format!("{seg}.rs")), dir.join(seg));
        if as_file.is_file() {
            file = as_file;
        } else if as_dir.join("mod.rs").is_file() {
            file = as_dir.join("mod.rs");
        } else {
            break;
        }
        dir = as_dir;
        used += 1;
    }
    match &rest[used..] {
        [] => Ok(()),
        [function] => {
            if defines_fn(&read(&file), function) {
                Ok(())
            } else {
                Err(format!("{} defines no fn {function}", file.display()))
            }
        }
        [ty, method] => {
            let mut files = Vec::new();
            rust_files(&src, &mut files);
            let defined = files.iter().any(|f| {
                let text = read(f);
                text.contains(&format!("struct {ty} "))
                    || text.contains(&format!("enum {ty} "))
                    || text.contains(&format!("struct {ty}<"))
            });
            if !defined {
                return Err(format!("crate {krate} defines no type {ty}"));
            }
            if defines_fn(&read(&file), method) {
                Ok(())
            } else {
                Err(format!("{} defines no fn {method}", file.display()))
            }
        }
        more => Err(format!("cannot read {more:?} after the modules")),
    }
}

#[test]
fn every_function_the_table_of_numbers_names_exists() {
    let table = section("## Where every number a person sees is computed");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in table.lines().filter(|l| l.starts_with("| ")) {
        for span in code_spans(line) {
            let result = if span.starts_with("vascalc_") {
                check_path(span)
            } else if span.starts_with("crates/") {
                if root().join(span).exists() {
                    Ok(())
                } else {
                    Err("no such file".to_string())
                }
            } else {
                continue;
            };
            checked += 1;
            if let Err(why) = result {
                wrong.push(format!("`{span}`: {why}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "docs/architecture.md:\n{}",
        wrong.join("\n")
    );
    // The table names about sixty functions; far fewer means it was not read.
    assert!(checked >= 50, "only {checked} paths found in the table");
}

#[test]
fn the_checker_refuses_what_does_not_exist() {
    assert!(check_path("vascalc_clinical::pce::pce_2013").is_ok());
    assert!(check_path("vascalc_clinical::pce::pce_2099").is_err());
    assert!(check_path("vascalc_clinical::no_such_module::pce_2013").is_err());
    assert!(check_path("vascalc_nutrition::food::Food::amount_in").is_ok());
    assert!(check_path("vascalc_nutrition::food::NoFood::amount_in").is_err());
    assert!(check_path("vascalc_nowhere::x").is_err());
}

#[test]
fn every_crate_is_in_the_code_map() {
    let map = section("## Code map");
    for entry in std::fs::read_dir(root().join("crates")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().join("Cargo.toml").is_file() {
            assert!(
                map.contains(&format!("### `crates/{name}`")),
                "docs/architecture.md's code map has no section for crates/{name}"
            );
        }
    }
}

/// The names of the `[dependencies]` (not dev- or build-dependencies) of `crates/<krate>`.
fn dependencies(krate: &str) -> Vec<String> {
    let manifest = read(&root().join("crates").join(krate).join("Cargo.toml"));
    let mut in_deps = false;
    let mut names = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
        } else if in_deps && !line.is_empty() && !line.starts_with('#') {
            let end = line.find(['.', ' ', '=']).unwrap_or(line.len());
            names.push(line[..end].to_string());
        }
    }
    names
}

/// Invariants cores-do-no-io, only-the-binary-knows-the-cli and store-is-a-trait, as far as the
/// dependency graph shows them: the database, HTTP, command-line and anyhow crates are each linked
/// by the one crate whose job they are.
#[test]
fn cores_link_no_io_crate() {
    let owners: [(&str, &[&str]); 7] = [
        ("rusqlite", &["vascalc-store"]),
        ("axum", &["vascalc-web"]),
        ("tokio", &["vascalc-web"]),
        ("clap", &["vascalc"]),
        ("anyhow", &["vascalc", "vascalc-foodgen"]),
        ("vascalc-store", &["vascalc", "vascalc-web"]),
        ("vascalc-dicom", &["vascalc", "vascalc-web"]),
    ];
    let mut crates = Vec::new();
    for entry in std::fs::read_dir(root().join("crates")).unwrap().flatten() {
        if entry.path().join("Cargo.toml").is_file() {
            crates.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    assert!(crates.len() >= CORES.len(), "{crates:?}");
    // The reading of the manifests sees what is there.
    assert!(dependencies("vascalc-store").contains(&"rusqlite".to_string()));
    assert!(dependencies("vascalc-web").contains(&"axum".to_string()));
    for krate in &crates {
        let deps = dependencies(krate);
        for (dep, allowed) in owners {
            assert!(
                !deps.iter().any(|d| d == dep) || allowed.contains(&krate.as_str()),
                "crates/{krate} depends on {dep}, which only {allowed:?} may (docs/architecture.md)"
            );
        }
    }
}

/// Invariant cores-do-no-io, by lint: every core carries the same clippy.toml, which disallows
/// the std (and jiff) functions that read or write the world.
#[test]
fn every_core_has_the_same_clippy_toml() {
    let first = read(&root().join("crates").join(CORES[0]).join("clippy.toml"));
    assert!(first.contains("disallowed-methods"), "{first}");
    assert!(first.contains("std::fs::read_to_string"), "{first}");
    assert!(
        first.contains("check-incompatible-msrv-in-tests = true"),
        "a core's clippy.toml replaces the workspace's, so it repeats its settings"
    );
    for core in &CORES[1..] {
        assert_eq!(
            read(&root().join("crates").join(core).join("clippy.toml")),
            first,
            "crates/{core}/clippy.toml differs from crates/{}/clippy.toml",
            CORES[0]
        );
    }
}
