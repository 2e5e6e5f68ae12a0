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
pub(crate) enum Exit {
    Failure = 1,
    /// The command line is wrong or incomplete (clap's own errors use 2 too).
    Usage = 2,
    InvalidInput = 3,
    NotFound = 4,
    Database = 5,
}

/// An error with the exit code it should end the process with.
#[derive(Debug)]
pub(crate) struct CliError {
    pub exit: Exit,
    pub error: anyhow::Error,
}

impl CliError {
    pub(crate) fn new(exit: Exit, error: impl Into<anyhow::Error>) -> Self {
        Self {
            exit,
            error: error.into(),
        }
    }

    pub(crate) fn invalid_input(error: impl Into<anyhow::Error>) -> Self {
        Self::new(Exit::InvalidInput, error)
    }

    pub(crate) fn not_found(error: impl Into<anyhow::Error>) -> Self {
        Self::new(Exit::NotFound, error)
    }

    // Used by the record commands once they land; keeps the tree warning-free until then.
    #[allow(dead_code)]
    pub(crate) fn database(error: impl Into<anyhow::Error>) -> Self {
        Self::new(Exit::Database, error)
    }

    /// Prints the error chain to stderr and returns the exit code.
    pub(crate) fn report(self) -> ExitCode {
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
        let _ = writeln!(std::io::stderr().lock(), "error: {}", message(&self.error));
        ExitCode::from(self.exit as u8)
    }
}

/// The error and its causes in one line, each cause only when its text is not already in the
/// line: a message that quotes its cause (`cannot read x: No such file …`) is not followed by
/// the same text again, nor by a cause that only restates the last one with a code (SQLite's
/// `file is not a database` caused by `Error code 26: file is not a database`).
pub(crate) fn message(error: &anyhow::Error) -> String {
    let mut line = String::new();
    let mut last = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        let restates = !last.is_empty() && text.ends_with(&last);
        let skip = text.is_empty() || line.contains(&text) || restates;
        last.clone_from(&text);
        if skip {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// An error from the use cases, the record or the store gets the exit code of its kind (see
/// [`exit_of`]); any other error is an unexpected failure (1).
impl<E: Into<anyhow::Error>> From<E> for CliError {
    fn from(error: E) -> Self {
        let error = error.into();
        Self::new(exit_of(&error), error)
    }
}

/// The exit code for an error: vascalc-app's kinds (invalid input 3, not found 4, a conflict 3
/// as a taken name always was, storage 5, internal 1), the store's errors as
/// [`crate::cmd::record::store_exit`] says, else 1.
pub(crate) fn exit_of(error: &anyhow::Error) -> Exit {
    use vascalc_app::AppError;
    use vascalc_store::{RecordError, StoreError};
    if let Some(e) = error.downcast_ref::<AppError>() {
        return match e {
            AppError::Storage(r) => record_exit(r),
            other => other.kind().into(),
        };
    }
    if let Some(e) = error.downcast_ref::<StoreError>() {
        return crate::cmd::record::store_exit(e);
    }
    if let Some(e) = error.downcast_ref::<RecordError>() {
        return record_exit(e);
    }
    Exit::Failure
}

/// A record error's exit code; the store's own error inside keeps the store's mapping.
fn record_exit(e: &vascalc_store::RecordError) -> Exit {
    match e {
        vascalc_store::RecordError::Storage(inner) => {
            match inner.downcast_ref::<vascalc_store::StoreError>() {
                Some(s) => crate::cmd::record::store_exit(s),
                None => Exit::Database,
            }
        }
        other => vascalc_app::error::record_kind(other).into(),
    }
}

impl From<vascalc_app::ErrorKind> for Exit {
    fn from(kind: vascalc_app::ErrorKind) -> Self {
        use vascalc_app::ErrorKind;
        match kind {
            ErrorKind::Invalid | ErrorKind::Conflict => Exit::InvalidInput,
            ErrorKind::NotFound => Exit::NotFound,
            ErrorKind::Storage => Exit::Database,
            ErrorKind::Internal => Exit::Failure,
        }
    }
}

pub(crate) type CliResult<T = ()> = Result<T, CliError>;

#[cfg(test)]
mod tests {
    use super::message;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot open the database x.db: {source}")]
    struct Quotes {
        source: std::io::Error,
    }

    #[test]
    fn a_cause_already_quoted_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let e = anyhow::Error::new(Quotes { source: io });
        assert_eq!(
            message(&e),
            "cannot open the database x.db: No such file or directory"
        );
    }

    #[derive(Debug, thiserror::Error)]
    #[error("file is not a database")]
    struct Sqlite {
        source: Coded,
    }

    /// As vascalc-store's `StoreError::Open`: the message quotes its source.
    #[derive(Debug, thiserror::Error)]
    #[error("cannot open the database x.db: {source}")]
    struct Open {
        source: Sqlite,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("Error code 26: file is not a database")]
    struct Coded;

    #[test]
    fn a_cause_that_restates_the_last_with_a_code_is_not_repeated() {
        let e =
            anyhow::Error::new(Sqlite { source: Coded }).context("cannot open the database x.db");
        assert_eq!(
            message(&e),
            "cannot open the database x.db: file is not a database"
        );
        let e = anyhow::Error::new(Open {
            source: Sqlite { source: Coded },
        });
        assert_eq!(
            message(&e),
            "cannot open the database x.db: file is not a database"
        );
    }

    #[test]
    fn a_context_and_a_new_cause_are_both_shown() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let e = anyhow::Error::new(io).context("reading profile.json");
        assert_eq!(
            message(&e),
            "reading profile.json: No such file or directory"
        );
    }
}
