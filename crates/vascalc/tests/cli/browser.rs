//! The browser suite: `node --test e2e/` (Node's own test runner, playwright-core driving
//! Debian's Chromium) against the `vascalc` binary this build made.
//!
//! `.ci/run` installs Chromium, poppler-utils and the e2e package (`npm ci --prefix e2e`), so CI
//! runs the suite. Where Node, Chromium or `e2e/node_modules` is missing, the test says which and
//! passes without running it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Chromium: `$VASCALC_CHROMIUM`, else Debian's.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("VASCALC_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.is_file().then_some(path)
}

fn node_version() -> Option<String> {
    let out = Command::new("node").arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Why the suite cannot run here, if it cannot.
fn missing(root: &Path) -> Option<String> {
    match node_version() {
        None => return Some("node is not installed (Node 20 or later)".into()),
        Some(v) => {
            let major: u32 = v
                .trim_start_matches('v')
                .split('.')
                .next()
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            if major < 20 {
                return Some(format!("node {v} is older than 20 (node --test)"));
            }
        }
    }
    if chromium().is_none() {
        return Some(
            "Chromium is not installed (apt-get install chromium, or set VASCALC_CHROMIUM)".into(),
        );
    }
    if !root.join("e2e/node_modules/playwright-core").is_dir() {
        return Some("e2e/node_modules is missing (npm ci --prefix e2e)".into());
    }
    None
}

#[test]
#[expect(
    clippy::print_stdout,
    reason = "the test says why it is skipped and passes on the browser suite's report"
)]
fn browser_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if let Some(why) = missing(&root) {
        println!("browser suite skipped: {why}. .ci/run installs what it needs.");
        return;
    }
    let tmp = std::env::temp_dir().join(format!("vascalc-e2e-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let out = Command::new("node")
        .args(["--test", "e2e/"])
        .current_dir(&root)
        .env("VASCALC_BIN", env!("CARGO_BIN_EXE_vascalc"))
        .env("VASCALC_CHROMIUM", chromium().unwrap())
        .env("VASCALC_E2E_TMP", &tmp)
        .env_remove("VASCALC_DB")
        .env_remove("XDG_DATA_HOME")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&tmp);
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "node --test e2e/ failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
