//! A fast path for the lines of `assess --batch`: one pass over the bytes of a profile object in
//! its common shape, filling the same wire struct as serde and going through the same
//! validation.
//!
//! It handles a strict subset of JSON and gives up (returns `None`) on anything else: escapes or
//! control characters in strings, exponents, numbers with more than 18 digits or 22 decimals,
//! unknown or duplicate fields, wrong types, syntax errors. The caller then parses the line with
//! serde, which gives the result or the error message. Numbers are converted exactly as
//! serde_json converts them (integers through `u64`/`i64`, decimals as significand ÷ 10^k, one
//! rounding), so both paths yield identical profiles; the differential property test below
//! checks that. It reads bytes: what it accepts is ASCII outside strings, keys and codes that
//! must equal ASCII words, and an `id` it checks for UTF-8, so an accepted line is valid UTF-8.

use std::borrow::Cow;

use super::{ArteryScores, BatchId, BatchLine, Profile, ProfileInput, Race, Scan, Sex};

/// Exact powers of ten as f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Index of the first `"`, `\\` or control character in `b`, eight bytes at a time (the
/// classic SWAR "has a byte equal to / less than" tests).
fn special(b: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let is_special = |c: u8| c == b'"' || c == b'\\' || c < 0x20;
    let mut offset = 0;
    while let Some(chunk) = b.get(offset..offset + 8) {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).ok()?);
        let quote = w ^ (LO * u64::from(b'"'));
        let backslash = w ^ (LO * u64::from(b'\\'));
        let hit = ((quote.wrapping_sub(LO) & !quote)
            | (backslash.wrapping_sub(LO) & !backslash)
            | (w.wrapping_sub(LO * 0x20) & !w))
            & HI;
        if hit != 0 {
            // A borrow can raise a false flag only in a byte above a true match, so the lowest
            // flag (little-endian: the first byte) is exact.
            return Some(offset + (hit.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    b.get(offset..)?
        .iter()
        .position(|&c| is_special(c))
        .map(|i| offset + i)
}

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

/// A JSON number in the subset: an integer, or a decimal without exponent.
enum Num {
    Unsigned(u64),
    Negative(u64),
    Decimal(f64),
}

impl Num {
    fn f64(self) -> f64 {
        match self {
            Num::Unsigned(n) => n as f64,
            // serde_json reads `-0` as -0.0 and other negative integers through i64.
            Num::Negative(0) => -0.0,
            Num::Negative(n) => -(n as i64) as f64,
            Num::Decimal(x) => x,
        }
    }
}

impl<'a> P<'a> {
    #[inline]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            // Most tokens follow no whitespace: one comparison decides.
            if c > b' ' || !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.i += 1;
        }
    }

    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn lit(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// The bytes of a string without escapes or control characters (keys and codes are
    /// matched as bytes).
    fn raw_str(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let rest = self.b.get(start..)?;
        let len = special(rest)?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        self.i = start + len + 1;
        rest.get(..len)
    }

    /// A string without escapes or control characters, borrowed (the line is not checked for
    /// UTF-8 as a whole: everything else the fast path accepts is ASCII).
    fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.raw_str()?).ok()
    }

    /// Digits from `self.i` on, accumulated into `sig`; returns how many.
    #[inline]
    fn digits(&mut self, sig: &mut u64) -> usize {
        let start = self.i;
        while let Some(&c) = self.b.get(self.i) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            *sig = sig.wrapping_mul(10).wrapping_add(u64::from(d));
            self.i += 1;
        }
        self.i - start
    }

    fn num(&mut self) -> Option<Num> {
        self.ws();
        let negative = self.b.get(self.i) == Some(&b'-');
        if negative {
            self.i += 1;
        }
        let mut sig: u64 = 0;
        let first = *self.b.get(self.i)?;
        let int_digits = self.digits(&mut sig);
        if int_digits == 0 || (first == b'0' && int_digits > 1) {
            return None; // no digits, or a leading zero: not JSON
        }
        let mut frac = 0;
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            frac = self.digits(&mut sig);
            if frac == 0 {
                return None;
            }
        }
        // More than 18 digits could overflow the significand; exponents are left to serde.
        if int_digits + frac > 18 || matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            return None;
        }
        Some(if frac == 0 {
            if negative {
                Num::Negative(sig)
            } else {
                Num::Unsigned(sig)
            }
        } else {
            let x = sig as f64 / *POW10.get(frac)?;
            Num::Decimal(if negative { -x } else { x })
        })
    }

    fn null(&mut self) -> bool {
        self.ws();
        self.lit(b"null").is_some()
    }

    fn opt_f64(&mut self) -> Option<Option<f64>> {
        if self.peek()? == b'n' {
            return self.lit(b"null").map(|()| None);
        }
        Some(Some(self.num()?.f64()))
    }

    fn opt_bool(&mut self) -> Option<Option<bool>> {
        self.ws();
        match self.b.get(self.i)? {
            b't' => self.lit(b"true").map(|_| Some(true)),
            b'f' => self.lit(b"false").map(|_| Some(false)),
            b'n' => self.lit(b"null").map(|_| None),
            _ => None,
        }
    }

    /// Iterates the members of an object, calling `f(key, bit)` for each; `f` parses the value.
    /// Returns `None` on a duplicate key (bit seen twice) or a syntax error.
    fn object(&mut self, mut f: impl FnMut(&mut Self, &[u8]) -> Option<u32>) -> Option<u32> {
        self.eat(b'{')?;
        let mut seen = 0u32;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(seen);
        }
        loop {
            let key = self.raw_str()?;
            self.eat(b':')?;
            let bit = f(self, key)?;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(seen);
                }
                _ => return None,
            }
        }
    }

    fn arteries(&mut self) -> Option<Option<ArteryScores>> {
        if self.null() {
            return Some(None);
        }
        let mut a = ArteryScores::default();
        self.object(|p, key| {
            let (bit, slot) = match key {
                b"lm" => (1, &mut a.lm),
                b"lad" => (2, &mut a.lad),
                b"lcx" => (4, &mut a.lcx),
                b"rca" => (8, &mut a.rca),
                _ => return None,
            };
            *slot = p.opt_f64()?;
            Some(bit)
        })?;
        Some(Some(a))
    }

    fn scan(&mut self) -> Option<Scan> {
        let (mut date, mut agatston, mut volume) = (None, None, None);
        let seen = self.object(|p, key| match key {
            b"date" => {
                date = Some(crate::date::parse_bytes(p.raw_str()?).ok()?);
                Some(1)
            }
            b"agatston" => {
                agatston = Some(p.num()?.f64());
                Some(2)
            }
            b"volume_mm3" => {
                volume = p.opt_f64()?;
                Some(4)
            }
            _ => None,
        })?;
        (seen & 3 == 3).then_some(())?;
        Some(Scan {
            date: date?,
            agatston: agatston?,
            volume_mm3: volume,
        })
    }

    fn scans(&mut self) -> Option<Vec<Scan>> {
        self.eat(b'[')?;
        let mut v = Vec::with_capacity(4);
        if self.peek()? == b']' {
            self.i += 1;
            return Some(v);
        }
        loop {
            v.push(self.scan()?);
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(v);
                }
                _ => return None,
            }
        }
    }

    fn id(&mut self) -> Option<Option<BatchId<'a>>> {
        match self.peek()? {
            b'"' => Some(Some(BatchId::Text(Cow::Borrowed(self.str()?)))),
            b'n' => self.null().then_some(None),
            _ => match self.num()? {
                Num::Unsigned(n) => Some(Some(BatchId::Integer(i64::try_from(n).ok()?))),
                Num::Negative(n) => Some(Some(BatchId::Integer(-i64::try_from(n).ok()?))),
                Num::Decimal(_) => None,
            },
        }
    }

    fn profile(&mut self) -> Option<ProfileInput<'a>> {
        let mut x = ProfileInput::empty();
        let (mut age, mut sex) = (None, None);
        let seen = self.object(|p, key| {
            macro_rules! f64_field {
                ($bit:expr, $field:ident) => {{
                    x.$field = p.opt_f64()?;
                    Some(1 << $bit)
                }};
            }
            macro_rules! bool_field {
                ($bit:expr, $field:ident) => {{
                    x.$field = p.opt_bool()?;
                    Some(1 << $bit)
                }};
            }
            match key {
                b"id" => {
                    x.id = p.id()?;
                    Some(1 << 0)
                }
                b"age" => {
                    age = Some(p.num()?.f64());
                    Some(1 << 1)
                }
                b"sex" => {
                    sex = Some(match p.raw_str()? {
                        b"female" => Sex::Female,
                        b"male" => Sex::Male,
                        _ => return None,
                    });
                    Some(1 << 2)
                }
                b"race" => {
                    x.race = if p.null() {
                        None
                    } else {
                        Some(match p.raw_str()? {
                            b"white" => Race::White,
                            b"black" => Race::Black,
                            b"chinese" => Race::Chinese,
                            b"hispanic" => Race::Hispanic,
                            b"other" => Race::Other,
                            _ => return None,
                        })
                    };
                    Some(1 << 3)
                }
                b"total_cholesterol_mg_dl" => f64_field!(4, total_cholesterol_mg_dl),
                b"total_cholesterol_mmol_l" => f64_field!(5, total_cholesterol_mmol_l),
                b"hdl_mg_dl" => f64_field!(6, hdl_mg_dl),
                b"hdl_mmol_l" => f64_field!(7, hdl_mmol_l),
                b"ldl_mg_dl" => f64_field!(8, ldl_mg_dl),
                b"ldl_mmol_l" => f64_field!(9, ldl_mmol_l),
                b"systolic_bp_mm_hg" => f64_field!(10, systolic_bp_mm_hg),
                b"bp_treated" => bool_field!(11, bp_treated),
                b"smoker" => bool_field!(12, smoker),
                b"diabetes" => bool_field!(13, diabetes),
                b"bmi" => f64_field!(14, bmi),
                b"egfr_ml_min_1_73m2" => f64_field!(15, egfr_ml_min_1_73m2),
                b"creatinine_mg_dl" => f64_field!(16, creatinine_mg_dl),
                b"creatinine_umol_l" => f64_field!(17, creatinine_umol_l),
                b"cystatin_c_mg_l" => f64_field!(18, cystatin_c_mg_l),
                b"uacr_mg_g" => f64_field!(19, uacr_mg_g),
                b"uacr_mg_mmol" => f64_field!(20, uacr_mg_mmol),
                b"hba1c_pct" => f64_field!(27, hba1c_pct),
                b"hba1c_mmol_mol" => f64_field!(28, hba1c_mmol_mol),
                b"statin" => bool_field!(21, statin),
                b"family_history_mi" => bool_field!(22, family_history_mi),
                b"cac_agatston" => f64_field!(23, cac_agatston),
                b"cac_volume_mm3" => f64_field!(24, cac_volume_mm3),
                b"cac_arteries" => {
                    x.cac_arteries = p.arteries()?;
                    Some(1 << 25)
                }
                b"scans" => {
                    x.scans = p.scans()?;
                    Some(1 << 26)
                }
                _ => None,
            }
        })?;
        (seen & 0b110 == 0b110).then_some(())?;
        x.age = age?;
        x.sex = sex?;
        Some(x)
    }
}

/// Parses one `assess --batch` line on the fast path; `None` means "use serde" (see the module
/// docs), never "invalid".
pub(super) fn parse_batch_line(line: &[u8]) -> Option<BatchLine<'_>> {
    let mut p = P { b: line, i: 0 };
    let mut input = p.profile()?;
    p.ws();
    if p.i != p.b.len() {
        return None;
    }
    let id = input.id.take();
    Some(BatchLine {
        id,
        profile: Profile::try_from(input),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn serde(line: &str) -> Option<(Option<BatchId<'_>>, Result<Profile, String>)> {
        serde_json::from_str::<BatchLine>(line)
            .ok()
            .map(|l| (l.id, l.profile.map_err(|e| e.to_string())))
    }

    fn fast(line: &str) -> Option<(Option<BatchId<'_>>, Result<Profile, String>)> {
        parse_batch_line(line.as_bytes()).map(|l| (l.id, l.profile.map_err(|e| e.to_string())))
    }

    proptest! {
        #[test]
        fn special_finds_the_first_quote_backslash_or_control(b in proptest::collection::vec(any::<u8>(), 0..40)) {
            let want = b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
            proptest::prop_assert_eq!(special(&b), want);
        }
    }

    #[test]
    fn common_shape_takes_the_fast_path() {
        let line = r#"{"id":"P1","age":55,"sex":"male","race":"white","total_cholesterol_mg_dl":213,"hdl_mg_dl":50.5,"systolic_bp_mm_hg":120,"bp_treated":false,"smoker":null,"uacr_mg_g":31.5,"hba1c_pct":6.1,"cac_arteries":{"lad":10,"rca":0},"scans":[{"date":"2019-05-15","agatston":0},{"date":"2023-05-15","agatston":12.25,"volume_mm3":8}]}"#;
        let f = fast(line).expect("fast path");
        assert_eq!(Some(f), serde(line));
    }

    #[test]
    fn gives_up_where_serde_must_decide() {
        for line in [
            r#"{"age":55,"sex":"male","x":1}"#,        // unknown field
            r#"{"age":55,"sex":"male","age":56}"#,     // duplicate
            r#"{"age":55}"#,                           // missing sex
            r#"{"age":5.5e1,"sex":"male"}"#,           // exponent
            r#"{"age":55,"sex":"m\u0061le"}"#,         // escape
            r#"{"age":055,"sex":"male"}"#,             // leading zero
            r#"{"age":55,"sex":"male"} x"#,            // trailing text
            r#"{"age":55,"sex":"male","scans":null}"#, // null list
            r#"{"age":55,"sex":"male","id":1.5}"#,     // fractional id
            r#"{"age":55,"sex":"male","scans":[{"date":"2020-01-01"}]}"#, // no agatston
            r#"{"age":55,"sex":"male","smoker":1}"#,   // wrong type
            r#"{"age":55,"sex":"male",}"#,             // trailing comma
        ] {
            assert!(parse_batch_line(line.as_bytes()).is_none(), "{line}");
        }
        // Bytes that are not UTF-8, in the id or in a code: the general path reports them.
        assert!(parse_batch_line(b"{\"id\":\"\xff\",\"age\":55,\"sex\":\"male\"}").is_none());
        assert!(parse_batch_line(b"{\"age\":55,\"sex\":\"m\xe4le\"}").is_none());
    }

    fn field() -> impl Strategy<Value = String> {
        let num = prop_oneof![
            (0u32..400).prop_map(|n| n.to_string()),
            (0u32..4000, 1usize..5).prop_map(|(n, k)| format!(
                "{}.{:0k$}",
                n / 10,
                n % 10_u32.pow(k as u32).max(1),
                k = k
            )),
            (-50i32..50).prop_map(|n| n.to_string()),
            Just("-0".to_owned()),
            Just("-0.0".to_owned()),
            Just("null".to_owned()),
            Just("1e2".to_owned()),
            Just("0.1000000000000000055511151231257827".to_owned()),
        ];
        let boolean = prop_oneof![Just("true"), Just("false"), Just("null"), Just("1")];
        let name = prop_oneof![
            Just("total_cholesterol_mg_dl"),
            Just("total_cholesterol_mmol_l"),
            Just("hdl_mg_dl"),
            Just("hdl_mmol_l"),
            Just("ldl_mg_dl"),
            Just("ldl_mmol_l"),
            Just("systolic_bp_mm_hg"),
            Just("bmi"),
            Just("egfr_ml_min_1_73m2"),
            Just("creatinine_mg_dl"),
            Just("creatinine_umol_l"),
            Just("cystatin_c_mg_l"),
            Just("uacr_mg_g"),
            Just("uacr_mg_mmol"),
            Just("hba1c_pct"),
            Just("hba1c_mmol_mol"),
            Just("cac_agatston"),
            Just("cac_volume_mm3"),
            Just("age"),
        ];
        let flag = prop_oneof![
            Just("bp_treated"),
            Just("smoker"),
            Just("diabetes"),
            Just("statin"),
            Just("family_history_mi"),
        ];
        prop_oneof![
            (name, num.clone()).prop_map(|(k, v)| format!("\"{k}\":{v}")),
            (flag, boolean).prop_map(|(k, v)| format!("\"{k}\" : {v}")),
            prop_oneof![Just("\"white\""), Just("\"black\""), Just("\"other\""), Just("null"), Just("\"asian\"")]
                .prop_map(|v| format!("\"race\":{v}")),
            prop_oneof![Just("\"a\""), Just("7"), Just("-7"), Just("null"), Just("\"\\\"q\\\"\"")]
                .prop_map(|v| format!("\"id\":{v}")),
            (num.clone(), num.clone()).prop_map(|(a, b)| format!(
                "\"cac_arteries\":{{\"lad\":{a},\"lcx\":{b}}}"
            )),
            (num.clone(), prop_oneof![Just("2020-02-29"), Just("2021-02-29"), Just("2020-1-1")])
                .prop_map(|(a, d)| format!(
                    "\"scans\":[{{\"date\":\"{d}\",\"agatston\":{a}}},\n {{\"date\":\"2023-01-01\",\"agatston\":{a},\"volume_mm3\":null}}]"
                )),
            Just("\"bogus\":1".to_owned()),
        ]
    }

    proptest! {
        /// Wherever the fast path answers, serde gives the same id and the same profile (or the
        /// same validation error).
        #[test]
        fn agrees_with_serde(fields in proptest::collection::vec(field(), 0..6),
                             sex in prop_oneof![Just("\"male\""), Just("\"female\""), Just("\"x\"")],
                             age in prop_oneof![Just("55"), Just("17"), Just("62.5")]) {
            let mut all = vec![format!("\"age\":{age}"), format!("\"sex\":{sex}")];
            all.extend(fields);
            let line = format!("{{ {} }}", all.join(","));
            if let Some(f) = fast(&line) {
                proptest::prop_assert_eq!(Some(f), serde(&line), "{}", line);
            }
        }
    }
}
