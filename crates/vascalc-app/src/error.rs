//! The one error type of the use cases, and its kinds, which each front end maps to its own
//! codes (the CLI to exit codes 3/4/5/1, the web server to 422/404/409/500).

use vascalc_record::RecordError;

/// What went wrong, as a front end needs to tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input cannot be used: the error names the field and the value.
    Invalid,
    /// No such person, entry or record.
    NotFound,
    /// The input clashes with what the record holds (a name already taken).
    Conflict,
    /// The database failed.
    Storage,
    /// A fault of vascalc itself (a shipped table that does not load).
    Internal,
}

/// Why a use case failed. Each message is one line a person can act on: the value with its
/// unit, the allowed range, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// `field` is the input's field (as the JSON vocabulary spells it, `labs[3].date` inside an
    /// import), `value` what was given, `reason` the whole message.
    #[error("{reason}")]
    Invalid {
        field: String,
        value: String,
        reason: String,
    },
    /// A value outside what is plausible that the person may still confirm: a dose outside the
    /// range the medicine is sold in. `why` is the rule's reason; each front end says how to
    /// confirm in its own words (`--confirm` on the command line, "Save anyway" in the web app),
    /// so the message names no option. Its kind is [`ErrorKind::Invalid`].
    #[error("{why}; confirm it if it is right (the plan will still show it as implausible)")]
    Unconfirmed {
        field: String,
        value: String,
        why: String,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The store's own error (kept whole, with its causes).
    #[error(transparent)]
    Storage(RecordError),
    #[error("{0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// An invalid-input error: `reason` is the whole message (it names the field and value).
    pub fn invalid(
        field: impl Into<String>,
        value: impl ToString,
        reason: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            field: field.into(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid { .. } | Self::Unconfirmed { .. } => ErrorKind::Invalid,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::Storage(_) => ErrorKind::Storage,
            Self::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The same error about a part of a larger input: field `labs[3]` + `date` →
    /// `labs[3].date`, message `labs[3]: …`.
    pub fn within(self, part: &str) -> Self {
        match self {
            Self::Invalid {
                field,
                value,
                reason,
            } => Self::Invalid {
                field: if field.is_empty() {
                    part.to_owned()
                } else {
                    format!("{part}.{field}")
                },
                value,
                reason: format!("{part}: {reason}"),
            },
            Self::Unconfirmed { field, value, why } => Self::Unconfirmed {
                field: if field.is_empty() {
                    part.to_owned()
                } else {
                    format!("{part}.{field}")
                },
                value,
                why: format!("{part}: {why}"),
            },
            other => other,
        }
    }

    /// The same error with its message after `prefix: ` (the field stays).
    pub fn prefixed(self, prefix: &str) -> Self {
        match self {
            Self::Invalid {
                field,
                value,
                reason,
            } => Self::Invalid {
                field,
                value,
                reason: format!("{prefix}: {reason}"),
            },
            Self::Unconfirmed { field, value, why } => Self::Unconfirmed {
                field,
                value,
                why: format!("{prefix}: {why}"),
            },
            other => other,
        }
    }

    /// The same error about another field of the input (the one that was sent: `height_in`
    /// for a height given in inches).
    pub fn with_field(self, name: &str) -> Self {
        match self {
            Self::Invalid { value, reason, .. } => Self::Invalid {
                field: name.to_owned(),
                value,
                reason,
            },
            other => other,
        }
    }

    /// The field an invalid input names (None for other kinds).
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } | Self::Unconfirmed { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Why the value is implausible, when the person may confirm it (an implausible dose:
    /// `--confirm`, "Save anyway"); None for every other error.
    pub fn needs_confirmation(&self) -> Option<&str> {
        match self {
            Self::Unconfirmed { why, .. } => Some(why),
            _ => None,
        }
    }
}

/// The kind of a store's error.
pub fn record_kind(e: &RecordError) -> ErrorKind {
    match e {
        RecordError::NoPerson | RecordError::UnknownPerson { .. } | RecordError::NoEntry(_) => {
            ErrorKind::NotFound
        }
        RecordError::SeveralPeople(_) => ErrorKind::Invalid,
        RecordError::PersonExists(_) => ErrorKind::Conflict,
        RecordError::Inconsistent(_) | RecordError::Storage(_) => ErrorKind::Storage,
    }
}

impl From<RecordError> for AppError {
    fn from(e: RecordError) -> Self {
        match record_kind(&e) {
            ErrorKind::NotFound => Self::NotFound(e.to_string()),
            ErrorKind::Invalid => {
                let names = match &e {
                    RecordError::SeveralPeople(names) => names.clone(),
                    _ => String::new(),
                };
                Self::invalid("person", names, e.to_string())
            }
            ErrorKind::Conflict => Self::Conflict(e.to_string()),
            ErrorKind::Storage | ErrorKind::Internal => Self::Storage(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_errors_get_the_kind_a_front_end_acts_on() {
        let cases = [
            (RecordError::NoPerson, ErrorKind::NotFound),
            (
                RecordError::UnknownPerson {
                    name: "Ann".into(),
                    known: "Bob".into(),
                },
                ErrorKind::NotFound,
            ),
            (
                RecordError::SeveralPeople("Ann, Bob".into()),
                ErrorKind::Invalid,
            ),
            (RecordError::PersonExists("Ann".into()), ErrorKind::Conflict),
            (RecordError::Inconsistent("x".into()), ErrorKind::Storage),
        ];
        for (e, kind) in cases {
            let text = e.to_string();
            let app = AppError::from(e);
            assert_eq!(app.kind(), kind, "{text}");
            assert_eq!(app.to_string(), text);
        }
    }

    #[test]
    fn a_part_names_the_field_and_prefixes_the_message() {
        let e = AppError::invalid("date", "2999-01-01", "date: 2999-01-01 is in the future")
            .within("labs[3]");
        assert_eq!(e.field(), Some("labs[3].date"));
        assert_eq!(e.to_string(), "labs[3]: date: 2999-01-01 is in the future");
    }

    #[test]
    fn an_unconfirmed_value_is_invalid_and_says_how_to_confirm() {
        let e = AppError::Unconfirmed {
            field: "dose".into(),
            value: "180".into(),
            why: "180 mg is above 1 mg".into(),
        };
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert_eq!(e.field(), Some("dose"));
        assert_eq!(e.needs_confirmation(), Some("180 mg is above 1 mg"));
        assert!(
            e.to_string()
                .starts_with("180 mg is above 1 mg; confirm it if it is right"),
            "{e}"
        );
        // Only the front end knows how a person confirms (only-the-binary-knows-the-cli).
        assert!(!e.to_string().contains("--"), "{e}");
        let e = e.within("medications[0]");
        assert_eq!(e.field(), Some("medications[0].dose"));
        assert!(e.to_string().starts_with("medications[0]: 180 mg"), "{e}");
        let plain = AppError::invalid("dose", -1, "a dose is above 0");
        assert_eq!(plain.needs_confirmation(), None);
    }
}
