//! Test support: locating the real reference data kept beside the project.
//!
//! The data (a real phantom CT, DICOM compression sets, food releases) is never committed. Tests
//! find it at `$VASCALC_TEST_DATA` or at `../shared/data` next to the workspace root, and skip
//! with a printed reason when it is absent, so the suite passes on a fresh machine without it.

use std::path::{Path, PathBuf};

pub mod scans;

/// The environment variable that points at the shared data folder.
pub const ENV_VAR: &str = "VASCALC_TEST_DATA";

/// The root of the shared data folder, if it exists.
pub fn data_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(ENV_VAR) {
        let dir = PathBuf::from(dir);
        return dir.is_dir().then_some(dir);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = workspace.join("../shared/data");
    dir.is_dir().then(|| dir.canonicalize().unwrap_or(dir))
}

/// A path inside the shared data folder, or `None` with a line on stderr saying why the calling
/// test is skipped. Use as `let Some(dir) = vascalc_testdata::require("ct/wg04") else { return };`.
#[expect(
    clippy::print_stderr,
    reason = "tests say on stderr why they are skipped"
)]
pub fn require(relative: &str) -> Option<PathBuf> {
    match data_root() {
        Some(root) => {
            let path = root.join(relative);
            if path.exists() {
                Some(path)
            } else {
                eprintln!(
                    "skipped: {} is missing from the shared data folder {}",
                    relative,
                    root.display()
                );
                None
            }
        }
        None => {
            eprintln!(
                "skipped: shared data not found (set {ENV_VAR} or place it at ../shared/data beside the checkout); needed {relative}"
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_entry_is_none() {
        assert!(require("no/such/entry/anywhere").is_none());
    }
}
