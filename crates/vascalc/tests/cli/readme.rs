//! The README cannot rot: it opens with the two set-up commands and the PATH line, and every line
//! of its first session (the `sh` block between `<!-- first-session -->` and
//! `<!-- /first-session -->`) runs as written, in an empty folder, with `vascalc` on the PATH and
//! a data folder of its own (the default database, as the README describes it).

use std::path::Path;
use std::process::Command;

use crate::common::TempDir;

const README: &str = include_str!("../../../../README.md");
const START: &str = "<!-- first-session -->";
const END: &str = "<!-- /first-session -->";

/// The command lines of the first session, in order (blank lines and whole-line comments left out).
fn first_session() -> Vec<&'static str> {
    let start = README
        .find(START)
        .expect("README has the first-session start marker");
    let end = README
        .find(END)
        .expect("README has the first-session end marker");
    assert!(start < end, "first-session markers out of order");
    let block = &README[start + START.len()..end];
    let body = block
        .trim()
        .strip_prefix("```sh")
        .and_then(|b| b.strip_suffix("```"))
        .expect("the first session is one ```sh block between the markers");
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[test]
fn readme_opens_with_the_set_up_commands_then_the_path_line() {
    let opening = "# vascalc\n\n```sh\n\
        cargo run --release -p vascalc -- demo   # build, score a synthetic phantom CT, assess a demo person, show the program\n\
        cargo test --workspace                    # the whole test suite (CI runs it with fmt, clippy and a short fuzz run)\n\
        ```\n\n\
        To have `vascalc` on your PATH (in `~/.cargo/bin`), as the commands below assume:\n\
        `cargo install --path crates/vascalc`.\n";
    assert!(
        README.starts_with(opening),
        "the README must open with the demo and test commands, then the PATH line"
    );
}

#[test]
fn first_session_runs_as_written() {
    let lines = first_session();
    assert!(lines.len() >= 10, "first session: {lines:?}");
    assert!(
        lines.iter().all(|l| l.starts_with("vascalc ")),
        "every first-session line is a vascalc command: {lines:?}"
    );

    let t = TempDir::new("readme-first-session");
    let bin = Path::new(env!("CARGO_BIN_EXE_vascalc"))
        .parent()
        .expect("the binary has a folder");
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let data = t.0.join("data");
    let mut out = Vec::new();
    for line in &lines {
        let o = Command::new("sh")
            .arg("-c")
            .arg(line)
            .current_dir(&t.0)
            .env("PATH", &path)
            .env("HOME", &t.0)
            .env("XDG_DATA_HOME", &data)
            .env_remove("VASCALC_DB")
            .output()
            .expect("sh runs");
        assert!(
            o.status.success(),
            "README first session: `{line}` exited {:?}\nstdout: {}\nstderr: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        out.push(String::from_utf8_lossy(&o.stdout).into_owned());
    }

    // What the README says the session does.
    assert!(
        data.join("vascalc").join("vascalc.db").is_file(),
        "the record is at $XDG_DATA_HOME/vascalc/vascalc.db"
    );
    let all = out.concat();
    assert!(
        all.contains("CAC-DRS A3/N3"),
        "the phantom with three artery regions gives a coronary score:\n{all}"
    );
    assert!(all.contains("added for me: scan on"), "{all}");
    assert!(all.contains("Plan for me"), "{all}");
    assert!(all.contains("Progress of me"), "{all}");
}
