//! Pages of an entry list (`GET /api/entries?limit=&offset=&since=&until=`): the query's
//! parameters checked (a bad one is a 400 naming it and the allowed range), the entries of a
//! date range, and one page of them, newest first.
//!
//! The order of a page is total, so that pages neither repeat nor skip an entry while the record
//! is unchanged: by date, newest first, then by id, highest first (a later entry of the same day
//! first). `offset` counts from the newest; an entry added between two requests shifts the later
//! pages by one (a page that adds reloads from the first page).

use axum::http::StatusCode;
use jiff::civil::Date;
use vascalc_app::record::{Entry, EntryId};

use crate::ApiError;

/// The most entries one page holds.
pub(crate) const MAX_LIMIT: usize = 1000;
/// The page size when `offset` is given without `limit`.
pub(crate) const DEFAULT_LIMIT: usize = 50;
/// The largest offset accepted (far beyond any record: ten years of five foods a day is 18,250).
pub(crate) const MAX_OFFSET: usize = 10_000_000;

/// What the list's query asks for: a date range and, when `page` is some, one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ListQuery {
    pub(crate) since: Option<Date>,
    pub(crate) until: Option<Date>,
    /// `(limit, offset)`: one page, newest first; `None`: every entry of the range, oldest
    /// first (the list as `vascalc entry list --format json` gives it).
    pub(crate) page: Option<(usize, usize)>,
}

/// 400 for a query parameter outside what it allows.
fn bad(field: &str, reason: String) -> ApiError {
    ApiError {
        field: Some(field.to_owned()),
        ..ApiError::new(StatusCode::BAD_REQUEST, "bad_request", reason)
    }
}

fn whole(field: &str, text: &str, min: usize, max: usize) -> Result<usize, ApiError> {
    match text.trim().parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(
            field,
            format!("{field} {text:?} is not a whole number from {min} to {max}"),
        )),
    }
}

fn day(field: &str, text: &str) -> Result<Date, ApiError> {
    vascalc_app::dates::parse(field, text).map_err(|e| {
        bad(
            field,
            format!("{field}: {e} (a day as YYYY-MM-DD, such as 2026-01-31)"),
        )
    })
}

impl ListQuery {
    /// Checks the parameters as given in the query string (absent: `None`).
    pub(crate) fn parse(
        limit: Option<&str>,
        offset: Option<&str>,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Self, ApiError> {
        let since = since.filter(|t| !t.is_empty()).map(|t| day("since", t));
        let until = until.filter(|t| !t.is_empty()).map(|t| day("until", t));
        let (since, until) = (since.transpose()?, until.transpose()?);
        if let (Some(s), Some(u)) = (since, until)
            && s > u
        {
            return Err(bad(
                "since",
                format!("since {s} is after until {u}: the range would hold no day"),
            ));
        }
        let limit = limit.map(|t| whole("limit", t, 1, MAX_LIMIT)).transpose()?;
        let offset = offset
            .map(|t| whole("offset", t, 0, MAX_OFFSET))
            .transpose()?;
        let page = match (limit, offset) {
            (None, None) => None,
            (l, o) => Some((l.unwrap_or(DEFAULT_LIMIT), o.unwrap_or(0))),
        };
        Ok(Self { since, until, page })
    }

    fn holds(&self, d: Date) -> bool {
        self.since.is_none_or(|s| d >= s) && self.until.is_none_or(|u| d <= u)
    }
}

/// One page of a list, with how many entries the whole range holds.
#[derive(Debug, PartialEq)]
pub(crate) struct Page<'a> {
    pub(crate) total: usize,
    pub(crate) offset: usize,
    pub(crate) limit: usize,
    pub(crate) entries: Vec<&'a (EntryId, Entry)>,
}

/// The entries of `list` in the query's date range, oldest first (the store's order: by date,
/// then id).
pub(crate) fn in_range<'a>(
    list: &'a [(EntryId, Entry)],
    q: &ListQuery,
) -> Vec<&'a (EntryId, Entry)> {
    let mut kept: Vec<_> = list.iter().filter(|(_, e)| q.holds(e.date())).collect();
    kept.sort_by_key(|(id, e)| (e.date(), *id));
    kept
}

/// The page `(limit, offset)` of `list`'s entries in the query's range, newest first.
pub(crate) fn page<'a>(
    list: &'a [(EntryId, Entry)],
    q: &ListQuery,
    (limit, offset): (usize, usize),
) -> Page<'a> {
    let mut kept = in_range(list, q);
    kept.reverse();
    let total = kept.len();
    let entries = kept.into_iter().skip(offset).take(limit).collect();
    Page {
        total,
        offset,
        limit,
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use vascalc_app::record::{Activity, ActivityKind, EntryKind};

    fn activity(row: i64, d: Date) -> (EntryId, Entry) {
        (
            EntryId {
                kind: EntryKind::Activity,
                row,
            },
            Entry::Activity(Activity {
                date: d,
                kind: ActivityKind::Endurance,
                minutes: 30.0,
            }),
        )
    }

    /// 40 entries over 20 days (two a day, the later id first on a page), stored out of order.
    fn list() -> Vec<(EntryId, Entry)> {
        let mut v: Vec<_> = (0..40)
            .map(|i| activity(i, date(2026, 1, 1) + jiff::Span::new().days(i / 2)))
            .collect();
        v.reverse();
        v.swap(3, 17);
        v
    }

    #[test]
    fn pages_cover_the_range_once_newest_first_for_every_limit() {
        let list = list();
        let q = ListQuery::default();
        for limit in 1..=41 {
            let mut seen = Vec::new();
            let mut offset = 0;
            loop {
                let p = page(&list, &q, (limit, offset));
                assert_eq!(p.total, 40);
                assert!(p.entries.len() <= limit);
                if p.entries.is_empty() {
                    break;
                }
                seen.extend(p.entries.iter().map(|(id, e)| (e.date(), *id)));
                offset += p.entries.len();
            }
            assert_eq!(seen.len(), 40, "limit {limit}");
            let mut sorted = seen.clone();
            sorted.sort();
            sorted.reverse();
            sorted.dedup();
            assert_eq!(seen, sorted, "limit {limit}: not newest first, or repeated");
        }
    }

    #[test]
    fn a_date_range_bounds_total_and_pages() {
        let list = list();
        let q = ListQuery::parse(None, Some("0"), Some("2026-01-05"), Some("2026-01-06")).unwrap();
        let p = page(&list, &q, q.page.unwrap());
        assert_eq!((p.total, p.limit, p.entries.len()), (4, DEFAULT_LIMIT, 4));
        assert_eq!(p.entries[0].1.date(), date(2026, 1, 6));
        assert_eq!(p.entries[0].0.row, 11);
        assert_eq!(in_range(&list, &q).len(), 4);
        // Past the end: an empty page, the total still told.
        let p = page(&list, &q, (10, 4));
        assert_eq!((p.total, p.entries.len()), (4, 0));
    }

    #[test]
    fn bad_parameters_name_themselves_and_their_range() {
        for (args, field, says) in [
            ((Some("0"), None, None, None), "limit", "from 1 to 1000"),
            ((Some("1001"), None, None, None), "limit", "from 1 to 1000"),
            ((Some("ten"), None, None, None), "limit", "whole number"),
            ((Some("-1"), None, None, None), "limit", "whole number"),
            (
                (None, Some("-3"), None, None),
                "offset",
                "from 0 to 10000000",
            ),
            ((None, Some("1.5"), None, None), "offset", "whole number"),
            (
                (None, None, Some("2026-13-01"), None),
                "since",
                "YYYY-MM-DD",
            ),
            ((None, None, None, Some("yesterday")), "until", "YYYY-MM-DD"),
            (
                (None, None, Some("2026-02-01"), Some("2026-01-01")),
                "since",
                "after until",
            ),
        ] {
            let e = ListQuery::parse(args.0, args.1, args.2, args.3).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{e:?}");
            assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
            assert!(e.reason.contains(says), "{}", e.reason);
        }
        assert_eq!(
            ListQuery::parse(None, None, None, None).unwrap(),
            ListQuery::default()
        );
        assert_eq!(
            ListQuery::parse(Some("5"), None, None, None).unwrap().page,
            Some((5, 0))
        );
    }
}
