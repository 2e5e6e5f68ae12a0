//! Output formats shared by every command.

use std::io::Write;

use serde::Serialize;

/// How a command prints its result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A readable summary for people.
    #[default]
    Human,
    /// The shared JSON vocabulary (one document on stdout).
    Json,
    /// Comma-separated rows, where a command has a table to give.
    Csv,
}

/// A failed write to stdout: a closed pipe (`vascalc lab list | head -1`), which ends the
/// program quietly with exit 0 as ripgrep does, or a real write error (`> /dev/full`), which is
/// reported in one line with exit 1 (see [`crate::exit::CliError::report`]).
#[derive(Debug, thiserror::Error)]
#[error("cannot write the output: {0}")]
pub(crate) struct OutputError(pub std::io::Error);

// Not `#[from]`: that would make the io error the source too, and the one-line report would
// print its text twice.
impl From<std::io::Error> for OutputError {
    fn from(error: std::io::Error) -> Self {
        Self(error)
    }
}

impl OutputError {
    /// True when the reader went away (a closed pipe): not an error worth a message.
    pub(crate) fn is_closed_pipe(&self) -> bool {
        self.0.kind() == std::io::ErrorKind::BrokenPipe
    }
}

/// `print!` that returns an [`OutputError`] instead of panicking when stdout cannot be written.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        ::std::write!(::std::io::stdout().lock(), $($arg)*).map_err($crate::output::OutputError)
    }};
}

/// `println!` that returns an [`OutputError`] instead of panicking when stdout cannot be written.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        ::std::writeln!(::std::io::stdout().lock(), $($arg)*).map_err($crate::output::OutputError)
    }};
}

/// Writes `value` as pretty JSON followed by a newline to stdout, through one buffer (stdout
/// itself is line-buffered, which costs a write call per line on large documents).
pub(crate) fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), OutputError> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(out.flush()?)
}
