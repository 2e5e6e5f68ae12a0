//! A calendar date without time zone, serialised as `"YYYY-MM-DD"`.
//!
//! The plan only needs whole days: differences, windows and ordering. Dates are stored as days
//! since 1970-01-01 in the proleptic Gregorian calendar (civil-from-days algorithm of
//! H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", public domain description).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i32,
}

/// A date that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date {input:?}: {reason} (expected YYYY-MM-DD, e.g. 2024-03-31)")]
pub struct DateError {
    input: String,
    reason: &'static str,
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            if leap { 29 } else { 28 }
        }
    }
}

impl Date {
    /// The date for a year, month (1–12) and day (1–31); `None` if it does not exist or the year
    /// is outside 1–9999.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date {
            days: era * 146_097 + doe - 719_468,
        })
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i32 {
        self.days
    }

    /// The date `days` after 1970-01-01, if its year is within 1–9999.
    pub fn from_days_since_epoch(days: i32) -> Option<Date> {
        let d = Date { days };
        let (y, _, _) = d.ymd();
        (1..=9999).contains(&y).then_some(d)
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// This date moved by `days` (saturating at the representable range).
    pub fn add_days(self, days: i32) -> Date {
        Date {
            days: self.days.saturating_add(days),
        }
    }

    /// Whole days from `earlier` to `self` (negative if `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i32 {
        self.days - earlier.days
    }

    /// Completed years of age on `self` for someone born on `birth`.
    pub fn years_since(self, birth: Date) -> i32 {
        let (y1, m1, d1) = birth.ymd();
        let (y2, m2, d2) = self.ymd();
        let mut years = y2 - y1;
        if (m2, d2) < (m1, d1) {
            years -= 1;
        }
        years
    }
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        let err = |reason| DateError {
            input: s.to_string(),
            reason,
        };
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(err("wrong shape"));
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, DateError> {
            let part = s.get(r).ok_or_else(|| err("wrong shape"))?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err("not a number"));
            }
            part.parse::<u32>().map_err(|_| err("not a number"))
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let y = i32::try_from(y).map_err(|_| err("year out of range"))?;
        Date::from_ymd(y, m, d).ok_or_else(|| err("no such day"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_days() {
        assert_eq!(
            Date::from_ymd(1970, 1, 1).map(|d| d.days_since_epoch()),
            Some(0)
        );
        // 2000-03-01 is day 11017 (2000 is a leap year: 30 years, 7 leap days, + Jan + Feb 29 days).
        assert_eq!(
            Date::from_ymd(2000, 3, 1).map(|d| d.days_since_epoch()),
            Some(11017)
        );
        assert_eq!(
            Date::from_ymd(2024, 2, 29)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2024-02-29")
        );
        assert!(Date::from_ymd(2023, 2, 29).is_none());
        assert!(Date::from_ymd(2023, 13, 1).is_none());
    }

    #[test]
    fn parse_rejects_bad_text() {
        for bad in [
            "2024-2-01",
            "2024-02-30",
            "abcd-ef-gh",
            "",
            "2024/02/01",
            "+024-02-01",
            "0000-01-01",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert_eq!(
            "2019-12-31".parse::<Date>().map(|d| d.to_string()),
            Ok("2019-12-31".to_string())
        );
    }

    #[test]
    fn age_in_completed_years() {
        let birth = Date::from_ymd(1960, 6, 15).unwrap();
        assert_eq!(Date::from_ymd(2024, 6, 14).unwrap().years_since(birth), 63);
        assert_eq!(Date::from_ymd(2024, 6, 15).unwrap().years_since(birth), 64);
    }

    proptest::proptest! {
        #[test]
        fn round_trip(days in -719_162i32..2_932_896) {
            let d = Date { days };
            let (y, m, dd) = d.ymd();
            proptest::prop_assert_eq!(Date::from_ymd(y, m, dd), Some(d));
            proptest::prop_assert_eq!(d.to_string().parse::<Date>(), Ok(d));
        }
    }
}
