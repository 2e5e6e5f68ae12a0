//! Dates in the record: ISO `YYYY-MM-DD`, real calendar days, not before 1900 and not after
//! today, and not before the person's birth.

use jiff::civil::{Date, date};

use crate::error::{AppError, AppResult};

/// The earliest date the record accepts.
pub const EARLIEST: Date = date(1900, 1, 1);

/// Today in the system time zone: the application crate's one reading of the clock (and of the
/// system's time zone), for `App::new`; `App::at` takes the day instead.
#[expect(
    clippy::disallowed_methods,
    reason = "cores-do-no-io: the one reading of the clock, for App::new"
)]
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// Checks a date of `field` is between 1900-01-01 and today (the message is the bare reason;
/// callers put the field's name before it).
pub fn check(field: &str, d: Date, today: Date) -> AppResult<()> {
    if d < EARLIEST {
        Err(AppError::invalid(
            field,
            d,
            format!("{d} is before {EARLIEST}"),
        ))
    } else if d > today {
        Err(AppError::invalid(
            field,
            d,
            format!("{d} is in the future (today is {today})"),
        ))
    } else {
        Ok(())
    }
}

/// Parses `YYYY-MM-DD` given for `field`, refusing days that do not exist (`2023-02-29`).
pub fn parse(field: &str, text: &str) -> AppResult<Date> {
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
        return Err(AppError::invalid(
            field,
            text,
            format!("{text:?} is not a date in the form YYYY-MM-DD"),
        ));
    }
    t.parse::<Date>().map_err(|_| {
        AppError::invalid(field, text, format!("{text:?} is not a real calendar date"))
    })
}

/// Checks that `d`, given for `field`, is not before `person`'s birth date.
pub fn not_before_birth(field: &str, d: Date, person: &vascalc_record::Person) -> AppResult<()> {
    match person.birth_date.filter(|b| d < *b) {
        Some(birth) => Err(AppError::invalid(
            field,
            d,
            format!(
                "{field}: {d} is before {}'s birth date ({birth})",
                person.name
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_and_malformed_dates_are_refused() {
        assert_eq!(parse("date", "2024-02-29").unwrap(), date(2024, 2, 29));
        let msg = |r: AppResult<Date>| r.unwrap_err().to_string();
        assert!(msg(parse("date", "2023-02-29")).contains("not a real calendar date"));
        assert!(parse("date", "2023-13-01").is_err());
        assert!(msg(parse("date", "2023-1-1")).contains("YYYY-MM-DD"));
        assert!(parse("date", "yesterday").is_err());
        let today = date(2026, 1, 1);
        let e = check("date", date(2026, 1, 2), today).unwrap_err();
        assert!(e.to_string().contains("future"));
        assert_eq!(e.field(), Some("date"));
        assert!(check("date", date(1899, 12, 31), today).is_err());
        assert!(check("date", today, today).is_ok());
    }
}
