//! Escaping and number formatting shared by the report and the charts.

use std::borrow::Cow;

/// `text` escaped for HTML and XML text and attribute values (`&`, `<`, `>`, `"`, `'`).
pub fn esc(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A value as people read it: at most two decimals, trailing zeros dropped (`131`, `41.5`,
/// `0.98`); `—` for a value that is not a finite number.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A score in whole Agatston units (expected scores and their ranges).
pub fn whole(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.0}")
    } else {
        "—".into()
    }
}

/// A value with one decimal (risks in percent, eGFR).
pub fn num1(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.1}")
    } else {
        "—".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<b>\"MK-7\" & 'D3'</b>"),
            "&lt;b&gt;&quot;MK-7&quot; &amp; &#39;D3&#39;&lt;/b&gt;"
        );
        assert!(matches!(esc("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(num(131.0), "131");
        assert_eq!(num(41.5), "41.5");
        assert_eq!(num(0.98), "0.98");
        assert_eq!(num(1.004), "1");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "—");
        assert_eq!(num1(7.26), "7.3");
    }
}
