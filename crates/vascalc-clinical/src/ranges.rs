//! Out-of-range reasons: collected as values for every refused model of every profile of a
//! batch, written into one string (whole numbers without the float formatter) only when shown.

use std::fmt::Write as _;

/// Appends `v` as `{v}` would, faster for whole numbers.
pub(crate) fn push_num(s: &mut String, v: f64) {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        push_int(s, v as i64);
    } else {
        let _ = write!(s, "{v}");
    }
}

/// Appends the decimal digits of `n` (what `{n}` writes, without the formatting machinery).
pub(crate) fn push_int(s: &mut String, n: i64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut m = n.unsigned_abs();
    // At most 20 digits in a u64: `len` stays within the array.
    while let Some(d) = digits.get_mut(len) {
        *d = b'0' + (m % 10) as u8;
        len += 1;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        s.push('-');
    }
    for &d in digits[..len].iter().rev() {
        s.push(char::from(d));
    }
}

/// One reason in a list: a value outside its range, or words.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Range {
        name: &'static str,
        v: f64,
        lo: f64,
        hi: f64,
        unit: &'static str,
    },
    Words(&'static str),
}

/// The most reasons one model checks (PREVENT: five ranges).
const MAX_PARTS: usize = 6;

/// Why values are outside a model's ranges, kept as values: the text (`Display`, and serde as
/// a string) is written only when it is shown, so a batch table that names the refused models
/// only never builds it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutOfRange {
    parts: [Option<Part>; MAX_PARTS],
    tail: &'static str,
}

impl OutOfRange {
    /// `"{name} {v} {unit} is outside {lo}–{hi}"` or the words, `, `-separated, then
    /// `; {tail}`.
    fn write_into(&self, s: &mut String) {
        for (i, part) in self.parts.iter().flatten().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            match *part {
                Part::Range {
                    name,
                    v,
                    lo,
                    hi,
                    unit,
                } => {
                    s.push_str(name);
                    s.push(' ');
                    push_num(s, v);
                    s.push(' ');
                    s.push_str(unit);
                    s.push_str(" is outside ");
                    push_num(s, lo);
                    s.push('–');
                    push_num(s, hi);
                }
                Part::Words(w) => s.push_str(w),
            }
        }
        s.push_str("; ");
        s.push_str(self.tail);
    }
}

impl std::fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::with_capacity(256);
        self.write_into(&mut s);
        f.write_str(&s)
    }
}

/// Collects the values outside their ranges.
#[derive(Default)]
pub(crate) struct Ranges {
    parts: [Option<Part>; MAX_PARTS],
    len: usize,
}

impl Ranges {
    fn add(&mut self, part: Part) {
        // Every model checks at most MAX_PARTS values (a unit test covers the largest).
        if let Some(slot) = self.parts.get_mut(self.len) {
            *slot = Some(part);
            self.len += 1;
        }
    }

    pub(crate) fn check(
        &mut self,
        name: &'static str,
        v: f64,
        (lo, hi): (f64, f64),
        unit: &'static str,
    ) {
        if !(lo..=hi).contains(&v) {
            self.add(Part::Range {
                name,
                v,
                lo,
                hi,
                unit,
            });
        }
    }

    /// Adds a reason in words.
    pub(crate) fn push(&mut self, reason: &'static str) {
        self.add(Part::Words(reason));
    }

    /// `None` when every value was in range, else the reasons followed by `; {tail}`.
    pub(crate) fn finish(self, tail: &'static str) -> Option<OutOfRange> {
        // Not `then_some`: it would build (copy) the reasons for every model that applies.
        if self.len > 0 {
            Some(OutOfRange {
                parts: self.parts,
                tail,
            })
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_display_would() {
        for v in [
            35.0,
            0.5,
            -2.0,
            1e20,
            139.9,
            18.5,
            0.0,
            10.0,
            1234567.0,
            -90.0,
            999_999_999_999_999.0,
        ] {
            let mut s = String::new();
            push_num(&mut s, v);
            assert_eq!(s, format!("{v}"));
        }
        let mut r = Ranges::default();
        r.check("age", 35.0, (40.0, 79.0), "years");
        r.check("SBP", 120.0, (90.0, 200.0), "mm Hg");
        r.check("BMI", 41.5, (18.5, 39.9), "kg/m²");
        assert_eq!(
            r.finish("tail").map(|o| o.to_string()).as_deref(),
            Some("age 35 years is outside 40–79, BMI 41.5 kg/m² is outside 18.5–39.9; tail")
        );
        assert_eq!(Ranges::default().finish("tail"), None);
    }

    /// PREVENT checks five ranges: all of them (and words) are kept.
    #[test]
    fn keeps_every_reason_of_the_largest_model() {
        let mut r = Ranges::default();
        let names = ["a", "b", "c", "d", "e"];
        for name in names {
            r.check(name, 0.0, (1.0, 2.0), "u");
        }
        r.push("w");
        let want: Vec<String> = names
            .iter()
            .map(|n| format!("{n} 0 u is outside 1–2"))
            .chain(["w".to_owned()])
            .collect();
        assert_eq!(
            r.finish("t").unwrap().to_string(),
            format!("{}; t", want.join(", "))
        );
    }

    proptest::proptest! {
        #[test]
        fn integers_read_as_display_would(n in proptest::prelude::any::<i64>()) {
            let mut s = String::new();
            push_int(&mut s, n);
            proptest::prop_assert_eq!(s, n.to_string());
        }
    }
}
