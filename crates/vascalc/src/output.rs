//! Output formats shared by every command.

use std::io::Write;

use serde::Serialize;

/// How a command prints its result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable summary for people.
    #[default]
    Human,
    /// The shared JSON vocabulary (one document on stdout).
    Json,
    /// Comma-separated rows, where a command has a table to give.
    Csv,
}

/// Writes `value` as pretty JSON followed by a newline to stdout, through one buffer (stdout
/// itself is line-buffered, which costs a write call per line on large documents).
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()
}
