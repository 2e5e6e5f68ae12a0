//! Date options on the command line (`--date`, `--as-of`, …): read and checked by
//! vascalc-app's rules (ISO `YYYY-MM-DD`, real calendar days, 1900 to today), with the option's
//! name in the message.

use jiff::civil::Date;

use crate::exit::{CliError, CliResult};
pub(super) use vascalc_app::dates::today;

/// A date argument (`what` names the option in messages), or today.
pub(super) fn arg_or_today(text: Option<&str>, what: &str) -> CliResult<Date> {
    let today = today();
    match text {
        None => Ok(today),
        Some(text) => arg(text, what, today),
    }
}

/// A date argument checked against `today`.
pub(super) fn arg(text: &str, what: &str, today: Date) -> CliResult<Date> {
    let d = vascalc_app::dates::parse(what, text).map_err(|e| e.prefixed(what))?;
    vascalc_app::dates::check(what, d, today).map_err(|e| e.prefixed(what))?;
    Ok(d)
}

/// An optional date argument.
pub(super) fn opt_arg(
    text: Option<&str>,
    what: &str,
    today: Date,
) -> Result<Option<Date>, CliError> {
    text.map(|t| arg(t, what, today)).transpose()
}
