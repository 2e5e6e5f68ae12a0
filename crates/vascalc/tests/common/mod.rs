//! What the record's end-to-end tests share: a temporary folder per test and the `vascalc`
//! binary run on a database in it. (Each test file uses its part of it.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary folder, removed when dropped; `tag` names it per test.
pub(crate) struct TempDir(pub PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> Self {
        // Every test of the binary runs in one process: a counter keeps two tests with one tag apart.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("vascalc-e2e-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    pub(crate) fn db(&self) -> PathBuf {
        self.0.join("record.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `vascalc ARGS` on the database `db` (through VASCALC_DB, no XDG data folder).
pub(crate) fn cmd(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vascalc"));
    c.args(args)
        .env("VASCALC_DB", db)
        .env_remove("XDG_DATA_HOME");
    c
}

pub(crate) fn run(db: &Path, args: &[&str]) -> Output {
    cmd(db, args).output().unwrap()
}

/// Runs and expects success; returns stdout.
pub(crate) fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "vascalc {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs and expects exit `code`; returns stderr.
pub(crate) fn fails(db: &Path, args: &[&str], code: i32) -> String {
    let out = run(db, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "vascalc {args:?}: {stderr}");
    stderr
}

/// `profile create --name Ann --birth-date 1958-07-01 --sex female` and the `extra` options: the
/// person the record's end-to-end tests start from.
pub(crate) fn create_ann(db: &Path, extra: &[&str]) {
    let base = [
        "profile",
        "create",
        "--name",
        "Ann",
        "--birth-date",
        "1958-07-01",
        "--sex",
        "female",
    ];
    ok(db, &[&base[..], extra].concat());
}

/// `lab add ANALYTE VALUE UNIT --date DATE` for each `(analyte, value, unit, date)`.
pub(crate) fn add_labs(db: &Path, labs: &[(&str, &str, &str, &str)]) {
    for &(analyte, value, unit, date) in labs {
        ok(db, &["lab", "add", analyte, value, unit, "--date", date]);
    }
}
