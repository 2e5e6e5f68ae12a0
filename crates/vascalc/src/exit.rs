//! Errors at the edge of the program and the exit codes they map to.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | unexpected failure (I/O error writing output, internal error) |
//! | 2 | the command line is wrong (clap's own usage errors) |
//! | 3 | invalid input: a file or value that cannot be used (not DICOM, truncated, out of range, malformed JSON) |
//! | 4 | nothing to work on: no CT series found, unknown food id, no such person or record |
//! | 5 | the database could not be opened, migrated or written |
//!
//! The table is repeated in the README; keep the two in step.

use std::io::Write as _;
use std::process::ExitCode;

/// Exit codes of the `vascalc` binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Failure = 1,
    InvalidInput = 3,
    NotFound = 4,
    Database = 5,
}

/// An error with the exit code it should end the process with.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub error: anyhow::Error,
}

impl CliError {
    pub fn new(exit: Exit, error: impl Into<anyhow::Error>) -> Self {
        Self {
            exit,
            error: error.into(),
        }
    }

    pub fn invalid_input(error: impl Into<anyhow::Error>) -> Self {
        Self::new(Exit::InvalidInput, error)
    }

    pub fn not_found(error: impl Into<anyhow::Error>) -> Self {
        Self::new(Exit::NotFound, error)
    }

    // Used by the record commands once they land; keeps the tree warning-free until then.
    #[allow(dead_code)]
    pub fn database(error: impl Into<anyhow::Error>) -> Self {
        Self::new(Exit::Database, error)
    }

    /// Prints the error chain to stderr and returns the exit code.
    pub fn report(self) -> ExitCode {
        // A closed pipe (`vascalc ... | head`) is not an error worth a message: exit 0, as
        // ripgrep does.
        let closed_pipe = self.error.chain().any(|cause| {
            cause
                .downcast_ref::<crate::output::OutputError>()
                .is_some_and(crate::output::OutputError::is_closed_pipe)
                || cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if closed_pipe {
            return ExitCode::SUCCESS;
        }
        // stderr may be gone too; nothing is left to tell then.
        let _ = writeln!(std::io::stderr().lock(), "error: {:#}", self.error);
        ExitCode::from(self.exit as u8)
    }
}

impl<E: Into<anyhow::Error>> From<E> for CliError {
    fn from(error: E) -> Self {
        Self::new(Exit::Failure, error)
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;
