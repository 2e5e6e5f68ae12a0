//! Dates on the command line and in imports: ISO `YYYY-MM-DD`, real calendar days, not before
//! 1900 and not after today.

use jiff::civil::{Date, date};

use super::invalid;
use crate::exit::{CliError, CliResult};

/// The earliest date the record accepts.
pub const EARLIEST: Date = date(1900, 1, 1);

/// Today in the system time zone.
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// Checks a date is between 1900-01-01 and today.
pub fn check(d: Date, today: Date) -> Result<(), String> {
    if d < EARLIEST {
        Err(format!("{d} is before {EARLIEST}"))
    } else if d > today {
        Err(format!("{d} is in the future (today is {today})"))
    } else {
        Ok(())
    }
}

/// Parses `YYYY-MM-DD`, refusing days that do not exist (`2023-02-29`).
pub fn parse(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let shape_ok = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(format!("{text:?} is not a date in the form YYYY-MM-DD"));
    }
    t.parse::<Date>()
        .map_err(|_| format!("{text:?} is not a real calendar date"))
}

/// A date argument (`what` names the option in messages), or today.
pub fn arg_or_today(text: Option<&str>, what: &str) -> CliResult<Date> {
    let today = today();
    match text {
        None => Ok(today),
        Some(text) => arg(text, what, today),
    }
}

/// A date argument checked against `today`.
pub fn arg(text: &str, what: &str, today: Date) -> CliResult<Date> {
    let d = parse(text).map_err(|e| invalid(format!("{what}: {e}")))?;
    check(d, today).map_err(|e| invalid(format!("{what}: {e}")))?;
    Ok(d)
}

/// An optional date argument.
pub fn opt_arg(text: Option<&str>, what: &str, today: Date) -> Result<Option<Date>, CliError> {
    text.map(|t| arg(t, what, today)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_and_malformed_dates_are_refused() {
        assert_eq!(parse("2024-02-29"), Ok(date(2024, 2, 29)));
        assert!(
            parse("2023-02-29")
                .unwrap_err()
                .contains("not a real calendar date")
        );
        assert!(parse("2023-13-01").is_err());
        assert!(parse("2023-1-1").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse("yesterday").is_err());
        let today = date(2026, 1, 1);
        assert!(
            check(date(2026, 1, 2), today)
                .unwrap_err()
                .contains("future")
        );
        assert!(check(date(1899, 12, 31), today).is_err());
        assert!(check(today, today).is_ok());
    }
}
