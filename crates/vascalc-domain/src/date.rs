//! The one civil date of vascalc: jiff's [`civil::Date`](jiff::civil::Date), with the few
//! helpers the crates need (days between dates, age in whole years, years as a fraction, a
//! strict `YYYY-MM-DD` reader).
//!
//! The calendar arithmetic is jiff's; nothing here reimplements it. Dates people give
//! (birth, scans, logs) are read only as `YYYY-MM-DD` with a year in [`YEARS`]; a date is
//! written the same way (`2024-03-15`), which is also how jiff's own serde writes it.

use std::fmt;
use std::ops::RangeInclusive;

pub use jiff::civil::Date;
use jiff::{SignedDuration, Span};

/// The years vascalc reads and builds dates in: no person's birth, scan or log falls outside
/// them, and an entry outside is a typo (`1024`, `2204`) to be told about, not stored.
pub const YEARS: RangeInclusive<i16> = 1800..=2300;

const SECONDS_PER_DAY: i64 = 86_400;
const EPOCH: Date = Date::constant(1970, 1, 1);

/// A text that is not a `YYYY-MM-DD` calendar date in [`YEARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// The text as given.
    pub input: String,
    why: &'static str,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a date: write it as YYYY-MM-DD, e.g. 2024-03-15 ({})",
            self.input, self.why
        )
    }
}

impl std::error::Error for DateError {}

/// Reads `YYYY-MM-DD` (exactly: ten characters, digits and two hyphens) with a year in
/// [`YEARS`]; the error says what is wrong.
pub fn parse(text: &str) -> Result<Date, DateError> {
    parse_bytes(text.as_bytes()).map_err(|why| DateError {
        input: text.to_owned(),
        why,
    })
}

/// [`parse`] on bytes, for readers that hold the text as bytes; the error is the reason only.
pub fn parse_bytes(b: &[u8]) -> Result<Date, &'static str> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err("expected 10 characters, YYYY-MM-DD");
    }
    // At most four ASCII digits: the value fits, no need for the general integer parser.
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |v, &c| {
            c.is_ascii_digit().then(|| v * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err("year, month and day must be digits");
    };
    let Ok(y) = i32::try_from(y) else {
        return Err("out of range");
    };
    from_ymd(y, m, d).ok_or("no such day, or a year outside 1800-2300")
}

/// The date for a year, month (1–12) and day; `None` if the day does not exist or the year is
/// outside [`YEARS`].
pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
    let year = i16::try_from(year).ok().filter(|y| YEARS.contains(y))?;
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    Date::new(year, month, day).ok()
}

/// The date `days` after 1970-01-01 (before, when negative); `None` outside [`YEARS`].
pub fn from_days_since_epoch(days: i64) -> Option<Date> {
    let secs = days.checked_mul(SECONDS_PER_DAY)?;
    EPOCH
        .checked_add(SignedDuration::from_secs(secs))
        .ok()
        .filter(|d| YEARS.contains(&d.year()))
}

/// The helpers the crates need on [`Date`], all built on jiff's calendar arithmetic.
pub trait DateExt: Sized {
    /// Days since 1970-01-01 (negative before).
    fn days_since_epoch(self) -> i32;
    /// Whole days from `earlier` to `self` (negative if `earlier` is later).
    fn days_since(self, earlier: Self) -> i32;
    /// Completed years of age on `self` for someone born on `birth` (the birthday counts on
    /// the day; someone born on 29 February turns a year older on 1 March in a common year).
    fn years_since(self, birth: Self) -> i32;
    /// Years from `self` to `later` (negative if `later` is earlier), 365.25 days a year.
    fn years_until(self, later: Self) -> f64;
    /// The date `years` after this one: whole years on the calendar (29 February becomes
    /// 28 February in a common year), any fraction as 365.25-day years; `None` outside
    /// [`YEARS`] or for a non-finite number.
    fn add_years(self, years: f64) -> Option<Self>;
    /// This date moved by `days`, saturating at the ends of jiff's range.
    fn add_days(self, days: i32) -> Self;
    /// Year, month and day.
    fn ymd(self) -> (i32, u32, u32);
}

impl DateExt for Date {
    fn days_since_epoch(self) -> i32 {
        self.days_since(EPOCH)
    }

    fn days_since(self, earlier: Date) -> i32 {
        // jiff's dates span ±9999 years, about 7.3 million days: always within i32.
        let days = self.duration_since(earlier).as_secs() / SECONDS_PER_DAY;
        i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX })
    }

    fn years_since(self, birth: Date) -> i32 {
        let mut years = i32::from(self.year()) - i32::from(birth.year());
        if (self.month(), self.day()) < (birth.month(), birth.day()) {
            years -= 1;
        }
        years
    }

    fn years_until(self, later: Date) -> f64 {
        f64::from(later.days_since(self)) / 365.25
    }

    fn add_years(self, years: f64) -> Option<Date> {
        if !years.is_finite() || years.abs() > 500.0 {
            return None;
        }
        let whole = years.trunc();
        // |whole| ≤ 500: the cast is exact. jiff clamps 29 February to the 28th.
        let base = self.checked_add(Span::new().years(whole as i64)).ok()?;
        let days = ((years - whole) * 365.25).round() as i64;
        let date = base
            .checked_add(SignedDuration::from_secs(days * SECONDS_PER_DAY))
            .ok()?;
        YEARS.contains(&date.year()).then_some(date)
    }

    fn add_days(self, days: i32) -> Date {
        self.saturating_add(SignedDuration::from_secs(i64::from(days) * SECONDS_PER_DAY))
    }

    fn ymd(self) -> (i32, u32, u32) {
        (
            i32::from(self.year()),
            u32::from(self.month().unsigned_abs()),
            u32::from(self.day().unsigned_abs()),
        )
    }
}

/// Serde for a [`Date`] field read strictly as `YYYY-MM-DD` ([`parse`]) and written the same
/// way: `#[serde(with = "vascalc_domain::date::ymd")]`. Also reads a TOML date
/// (`date = 2024-03-15`, unquoted), which reaches serde as a one-entry map under the `toml`
/// crate's private key.
pub mod ymd {
    use super::{Date, parse};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        // A visitor rather than `String`: the date is parsed from the borrowed text, no
        // allocation (this runs for every scan of every line of `assess --batch`).
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date written as YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Date, E> {
                parse(s).map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                match map.next_entry::<String, String>()? {
                    Some((key, text)) if key.starts_with("$__toml_private") => {
                        parse(&text).map_err(serde::de::Error::custom)
                    }
                    _ => Err(serde::de::Error::custom(
                        "expected a date written as YYYY-MM-DD, found a table",
                    )),
                }
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The digit reader accepts and rejects exactly what the general parser does.
        #[test]
        fn parsing_agrees_with_the_general_integer_parser(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9+ a-]{10}|.{0,12}") {
            let reference = (|| {
                let b = s.as_bytes();
                if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
                    return None;
                }
                let num = |r: std::ops::Range<usize>| -> Option<u32> {
                    let part = s.get(r)?;
                    part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
                };
                from_ymd(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
            })();
            proptest::prop_assert_eq!(parse(&s).ok(), reference);
        }

        /// Every supported date survives the trip through days since the epoch and through text.
        #[test]
        fn round_trips(y in 1800i32..=2300, m in 1u32..=12, d in 1u32..=31) {
            if let Some(date) = from_ymd(y, m, d) {
                proptest::prop_assert_eq!(from_days_since_epoch(date.days_since_epoch().into()), Some(date));
                proptest::prop_assert_eq!(parse(&date.to_string()), Ok(date));
                proptest::prop_assert_eq!(date.ymd(), (y, m, d));
            }
        }
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(
            parse("2024-02-29").map(|d| d.to_string()).as_deref(),
            Ok("2024-02-29")
        );
        for bad in [
            "2023-02-29",
            "2023-2-09",
            "20a3-02-09",
            "2023-13-01",
            "",
            "2024/02/01",
            "+024-02-01",
            "0000-01-01",
            "1799-12-31",
            "2301-01-01",
            "2024-03-15T00:00",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let e = parse("2024-02-30").unwrap_err().to_string();
        assert!(
            e.contains("`2024-02-30`") && e.contains("YYYY-MM-DD"),
            "{e}"
        );
    }

    #[test]
    fn epoch_days() {
        // 2000-03-01 is day 11017: 30 years with 7 leap days, then January and 29 days of February.
        assert_eq!(from_ymd(1970, 1, 1).map(DateExt::days_since_epoch), Some(0));
        assert_eq!(
            from_ymd(2000, 3, 1).map(DateExt::days_since_epoch),
            Some(11_017)
        );
        assert_eq!(from_days_since_epoch(-1), from_ymd(1969, 12, 31));
        assert_eq!(from_days_since_epoch(i64::MAX), None);
    }

    #[test]
    fn age_in_completed_years() {
        let birth = Date::constant(1960, 6, 15);
        assert_eq!(Date::constant(2024, 6, 14).years_since(birth), 63);
        assert_eq!(Date::constant(2024, 6, 15).years_since(birth), 64);
        let leap = Date::constant(2000, 2, 29);
        assert_eq!(Date::constant(2001, 2, 28).years_since(leap), 0);
        assert_eq!(Date::constant(2001, 3, 1).years_since(leap), 1);
    }

    #[test]
    fn year_arithmetic() {
        let a = Date::constant(2020, 1, 1);
        let b = Date::constant(2022, 1, 1);
        assert!((a.years_until(b) - 731.0 / 365.25).abs() < 1e-12);
        assert_eq!(a.add_years(5.0), Some(Date::constant(2025, 1, 1)));
        assert_eq!(
            Date::constant(2024, 2, 29).add_years(1.0),
            Some(Date::constant(2025, 2, 28))
        );
        assert_eq!(a.add_years(0.5), Some(Date::constant(2020, 7, 2)));
        assert_eq!(a.add_years(f64::NAN), None);
        assert_eq!(a.add_years(400.0), None);
        assert_eq!(a.add_days(-1), Date::constant(2019, 12, 31));
        assert_eq!(b.days_since(a), 731);
    }

    #[test]
    fn serde_reads_strictly_and_writes_the_text() {
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        struct S {
            #[serde(with = "ymd")]
            date: Date,
        }
        let s: S = serde_json::from_str(r#"{"date":"2024-03-15"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"date":"2024-03-15"}"#
        );
        assert!(serde_json::from_str::<S>(r#"{"date":"2024-03-15T10:00"}"#).is_err());
        // jiff's own serde writes the same text.
        assert_eq!(serde_json::to_string(&s.date).unwrap(), r#""2024-03-15""#);
    }
}
