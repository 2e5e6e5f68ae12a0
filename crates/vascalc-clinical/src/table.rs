//! The research-cohort table of `vascalc assess --batch`: one wide row per profile, as CSV or as
//! compact JSON Lines (the same columns as keys), with a codebook naming each column's meaning
//! and source once.
//!
//! No I/O: rows are appended to a caller's byte buffer. No allocation per row: every text cell
//! is either a static code or borrowed from the assessment or the input line. Real numbers are
//! written with exactly [`DECIMALS`] decimals (rounded half away from zero); integers, codes,
//! booleans (`true`/`false`) and dates (`YYYY-MM-DD`) as they are; a value that does not apply
//! to the profile is an empty cell (CSV) or a key left out (JSON).

use serde::Serialize;

use crate::date::Date;
use crate::profile::BatchId;
use crate::{
    Assessment, Slot, arterial_age, cac, kidney, mesa, pce, percentile, prevent, progression,
};

/// Decimals of every real-valued cell.
pub const DECIMALS: u32 = 4;
// `push_fixed` writes the fraction as two digit pairs: it assumes 4 decimals.
const _: () = assert!(DECIMALS == 4);
const SCALE: f64 = 10_000.0;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Integer,
    Real,
    Text,
    Boolean,
    Date,
}

/// One column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    /// Meaning and unit.
    pub description: &'static str,
    /// Where the number comes from (empty for bookkeeping columns).
    pub source: &'static str,
}

const fn col(
    name: &'static str,
    kind: Kind,
    description: &'static str,
    source: &'static str,
) -> Column {
    Column {
        name,
        kind,
        description,
        source,
    }
}

const RISK: &str = "10-year or 30-year risk, percent (0-100)";
const RISK_UACR: &str = "10-year or 30-year risk, percent (0-100), PREVENT model adding ln(UACR) \
                         (only with uacr_mg_g, 0.1-25000)";
const RISK_HBA1C: &str = "10-year or 30-year risk, percent (0-100), PREVENT model adding HbA1c \
                          (only with hba1c_pct, 4.5-15)";

/// The columns, in order.
pub const COLUMNS: &[Column] = &[
    col(
        "line",
        Kind::Integer,
        "line number in the input file (1-based)",
        "",
    ),
    col(
        "id",
        Kind::Text,
        "the input line's `id`, unchanged (string or integer)",
        "",
    ),
    col(
        "pce_coefficients",
        Kind::Text,
        "coefficient precision of pce_2013: guideline (Table A) or calculator",
        pce::PCE_2013_SOURCE,
    ),
    col("pce_2013_ascvd_10y", Kind::Real, RISK, pce::PCE_2013_SOURCE),
    col("pce_2018_ascvd_10y", Kind::Real, RISK, pce::PCE_2018_SOURCE),
    col(
        "prevent_2023_cvd_10y",
        Kind::Real,
        RISK,
        prevent::PREVENT_SOURCE,
    ),
    col(
        "prevent_2023_ascvd_10y",
        Kind::Real,
        RISK,
        prevent::PREVENT_SOURCE,
    ),
    col(
        "prevent_2023_hf_10y",
        Kind::Real,
        RISK,
        prevent::PREVENT_SOURCE,
    ),
    col(
        "prevent_2023_cvd_30y",
        Kind::Real,
        RISK,
        prevent::PREVENT_SOURCE,
    ),
    col(
        "prevent_2023_ascvd_30y",
        Kind::Real,
        RISK,
        prevent::PREVENT_SOURCE,
    ),
    col(
        "prevent_2023_hf_30y",
        Kind::Real,
        RISK,
        prevent::PREVENT_SOURCE,
    ),
    col(
        "prevent_2023_uacr_cvd_10y",
        Kind::Real,
        RISK_UACR,
        prevent::PREVENT_UACR_SOURCE,
    ),
    col(
        "prevent_2023_uacr_ascvd_10y",
        Kind::Real,
        RISK_UACR,
        prevent::PREVENT_UACR_SOURCE,
    ),
    col(
        "prevent_2023_uacr_hf_10y",
        Kind::Real,
        RISK_UACR,
        prevent::PREVENT_UACR_SOURCE,
    ),
    col(
        "prevent_2023_uacr_cvd_30y",
        Kind::Real,
        RISK_UACR,
        prevent::PREVENT_UACR_SOURCE,
    ),
    col(
        "prevent_2023_uacr_ascvd_30y",
        Kind::Real,
        RISK_UACR,
        prevent::PREVENT_UACR_SOURCE,
    ),
    col(
        "prevent_2023_uacr_hf_30y",
        Kind::Real,
        RISK_UACR,
        prevent::PREVENT_UACR_SOURCE,
    ),
    col(
        "prevent_2023_hba1c_cvd_10y",
        Kind::Real,
        RISK_HBA1C,
        prevent::PREVENT_HBA1C_SOURCE,
    ),
    col(
        "prevent_2023_hba1c_ascvd_10y",
        Kind::Real,
        RISK_HBA1C,
        prevent::PREVENT_HBA1C_SOURCE,
    ),
    col(
        "prevent_2023_hba1c_hf_10y",
        Kind::Real,
        RISK_HBA1C,
        prevent::PREVENT_HBA1C_SOURCE,
    ),
    col(
        "prevent_2023_hba1c_cvd_30y",
        Kind::Real,
        RISK_HBA1C,
        prevent::PREVENT_HBA1C_SOURCE,
    ),
    col(
        "prevent_2023_hba1c_ascvd_30y",
        Kind::Real,
        RISK_HBA1C,
        prevent::PREVENT_HBA1C_SOURCE,
    ),
    col(
        "prevent_2023_hba1c_hf_30y",
        Kind::Real,
        RISK_HBA1C,
        prevent::PREVENT_HBA1C_SOURCE,
    ),
    col(
        "mesa_chd_2015_chd_10y",
        Kind::Real,
        RISK,
        mesa::MESA_CHD_SOURCE,
    ),
    col(
        "mesa_chd_2015_chd_10y_with_cac",
        Kind::Real,
        RISK,
        mesa::MESA_CHD_SOURCE,
    ),
    col(
        "cac_agatston",
        Kind::Real,
        "current Agatston score (cac_agatston, else the latest scan)",
        "",
    ),
    col(
        "cac_category",
        Kind::Text,
        "CAC-DRS Agatston category: zero, 1-99, 100-299, 300+",
        cac::CAC_DRS_SOURCE,
    ),
    col(
        "cac_drs",
        Kind::Text,
        "CAC-DRS code, A0-A3 (with /N1-/N4 when all four per-artery scores are given)",
        cac::CAC_DRS_SOURCE,
    ),
    col(
        "cac_percentile_reference",
        Kind::Text,
        "mesa_2006_calculator (ages 45-84) or javaid_2022 (ages 30-44)",
        "",
    ),
    col(
        "cac_percentile",
        Kind::Integer,
        "MESA percentile for age, sex and race (0-99; 0 for a score of 0)",
        percentile::MESA_PERCENTILE_SOURCE,
    ),
    col(
        "cac_percentile_band",
        Kind::Text,
        "Javaid band: <=75, 75-90, 90-95, 95-97.5 (above the first, at or below the second \
         percentile) or >97.5",
        percentile::JAVAID_SOURCE,
    ),
    col(
        "cac_at_or_above_75th",
        Kind::Boolean,
        "score > 0 and at or above the 75th percentile (2018 guideline threshold)",
        cac::GRUNDY_2018_SOURCE,
    ),
    col(
        "cac_mean_density",
        Kind::Real,
        "Agatston score / volume (mm3)",
        cac::CRIQUI_SOURCE,
    ),
    col(
        "arterial_age_years",
        Kind::Real,
        "MESA arterial age, years: 39.1 + 7.25 ln(CAC + 1) (empty with diabetes)",
        arterial_age::SOURCE,
    ),
    col(
        "arterial_age_ci95_low",
        Kind::Real,
        "lower end of its 95% confidence interval, years",
        arterial_age::SOURCE,
    ),
    col(
        "arterial_age_ci95_high",
        Kind::Real,
        "upper end of its 95% confidence interval, years",
        arterial_age::SOURCE,
    ),
    col(
        "egfr_ml_min_1_73m2",
        Kind::Real,
        "eGFR, mL/min/1.73 m2 (given or computed)",
        kidney::CKD_EPI_2021_SOURCE,
    ),
    col(
        "egfr_method",
        Kind::Text,
        "given, ckd_epi_2021_creatinine, ckd_epi_2021_creatinine_cystatin or \
         ckd_epi_2012_cystatin (Inker 2012, NEJM 367:20-29, for cystatin C alone)",
        kidney::CKD_EPI_2021_SOURCE,
    ),
    col(
        "kdigo_g",
        Kind::Text,
        "KDIGO GFR category G1-G5",
        kidney::KDIGO_SOURCE,
    ),
    col(
        "kdigo_a",
        Kind::Text,
        "KDIGO albuminuria category A1-A3 (from uacr_mg_g)",
        kidney::KDIGO_SOURCE,
    ),
    col(
        "medial_calcification_risk",
        Kind::Boolean,
        "eGFR < 60, albuminuria A2/A3 or diabetes",
        kidney::MEDIAL_SOURCE,
    ),
    col("scans", Kind::Integer, "number of dated scans", ""),
    col(
        "years",
        Kind::Real,
        "years from the first to the last scan (365.25-day years)",
        "",
    ),
    col(
        "absolute_change",
        Kind::Real,
        "last - first Agatston score",
        "",
    ),
    col(
        "annualised_change",
        Kind::Real,
        "absolute change per year, Agatston units/year",
        "",
    ),
    col(
        "annualised_percent",
        Kind::Real,
        "linear annualised change, percent/year (empty when the first score is 0)",
        progression::RAGGI_SOURCE,
    ),
    col(
        "sqrt_difference",
        Kind::Real,
        "sqrt(last) - sqrt(first)",
        progression::HOKANSON_SOURCE,
    ),
    col(
        "sqrt_rule_progression",
        Kind::Boolean,
        "sqrt difference >= 2.5",
        progression::HOKANSON_SOURCE,
    ),
    col(
        "raggi_rule_progression",
        Kind::Boolean,
        "annualised percent > 15",
        progression::RAGGI_SOURCE,
    ),
    col("incident", Kind::Boolean, "first score 0, last > 0", ""),
    col(
        "expected_comparison",
        Kind::Text,
        "first-to-last change vs the MESA expectation: above, within or below; unreliable when the scans are under a year apart",
        progression::KRONMAL_SOURCE,
    ),
    col(
        "progression_cautions",
        Kind::Text,
        "cautions on the first-to-last change, ;-separated: short_interval (under a year apart: annualised change unreliable), score_fell (likely a measurement or data-entry difference)",
        progression::CALLISTER_SOURCE,
    ),
    col(
        "next_scan_earliest",
        Kind::Date,
        "earliest date of the rescan window (after CAC 0)",
        progression::DZAYE_SOURCE,
    ),
    col(
        "next_scan_latest",
        Kind::Date,
        "latest date of the rescan window (after CAC 0)",
        progression::GRUNDY_SOURCE,
    ),
    col(
        "not_applicable",
        Kind::Text,
        "models (fully or partly) not applied, separated by ';' (reasons: full JSON output)",
        "",
    ),
    col(
        "error",
        Kind::Text,
        "why the line could not be assessed (all other cells but line and id empty)",
        "",
    ),
];

const N: usize = COLUMNS.len();

/// Index of a column by name, evaluated at compile time (a misspelt name fails the build).
macro_rules! ix {
    ($name:literal) => {
        const { at($name) }
    };
}

// The PREVENT columns of each model are consecutive, in the order `cells` relies on.
const _: () = {
    let sets = [
        [
            "prevent_2023_cvd_10y",
            "prevent_2023_ascvd_10y",
            "prevent_2023_hf_10y",
            "prevent_2023_cvd_30y",
            "prevent_2023_ascvd_30y",
            "prevent_2023_hf_30y",
        ],
        [
            "prevent_2023_uacr_cvd_10y",
            "prevent_2023_uacr_ascvd_10y",
            "prevent_2023_uacr_hf_10y",
            "prevent_2023_uacr_cvd_30y",
            "prevent_2023_uacr_ascvd_30y",
            "prevent_2023_uacr_hf_30y",
        ],
        [
            "prevent_2023_hba1c_cvd_10y",
            "prevent_2023_hba1c_ascvd_10y",
            "prevent_2023_hba1c_hf_10y",
            "prevent_2023_hba1c_cvd_30y",
            "prevent_2023_hba1c_ascvd_30y",
            "prevent_2023_hba1c_hf_30y",
        ],
    ];
    let mut s = 0;
    while s < sets.len() {
        let mut i = 1;
        while i < 6 {
            assert!(at(sets[s][i]) == at(sets[s][0]) + i);
            i += 1;
        }
        s += 1;
    }
};

/// The first column of each PREVENT coefficient set (base, uacr, hba1c; see `Slot::Prevent`).
const PREVENT_FIRST: [usize; 3] = [
    at("prevent_2023_cvd_10y"),
    at("prevent_2023_uacr_cvd_10y"),
    at("prevent_2023_hba1c_cvd_10y"),
];

/// Index of a column by name.
const fn at(name: &str) -> usize {
    let mut i = 0;
    while i < N {
        if eq(COLUMNS[i].name, name) {
            return i;
        }
        i += 1;
    }
    panic!("no such column")
}

const fn eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// One cell.
#[derive(Debug, Clone, Copy, Default)]
enum Cell<'a> {
    #[default]
    Empty,
    Int(i64),
    Real(f64),
    /// A code that needs no quoting or escaping.
    Code(&'a str),
    /// Free text (quoted/escaped as needed).
    Text(&'a str),
    Bool(bool),
    Date(Date),
    /// The distinct model ids of `not_applicable`, `;`-separated.
    Models(&'a Assessment),
}

fn id_cell<'a>(id: Option<&'a BatchId<'a>>) -> Cell<'a> {
    match id {
        None => Cell::Empty,
        Some(BatchId::Integer(n)) => Cell::Int(*n),
        Some(BatchId::Text(s)) => Cell::Text(s),
    }
}

fn cells<'a>(line: u64, id: Option<&'a BatchId<'a>>, a: &'a Assessment) -> [Cell<'a>; N] {
    let mut c = [Cell::Empty; N];
    c[ix!("line")] = Cell::Int(line_number(line));
    c[ix!("id")] = id_cell(id);
    for r in &a.risks {
        let k = match r.slot {
            Slot::Pce2013 => {
                c[ix!("pce_coefficients")] = Cell::Code(r.coefficients);
                ix!("pce_2013_ascvd_10y")
            }
            Slot::Pce2018 => ix!("pce_2018_ascvd_10y"),
            // The six outcomes of a model are consecutive columns, in the slot's order.
            Slot::Prevent(set, outcome) => match PREVENT_FIRST.get(usize::from(set)) {
                Some(first) if outcome < 6 => first + usize::from(outcome),
                _ => continue,
            },
            Slot::MesaChd => ix!("mesa_chd_2015_chd_10y"),
            Slot::MesaChdWithCac => ix!("mesa_chd_2015_chd_10y_with_cac"),
        };
        c[k] = Cell::Real(r.percent);
    }
    if let Some(x) = &a.cac {
        c[ix!("cac_agatston")] = Cell::Real(x.agatston);
        c[ix!("cac_category")] = Cell::Code(x.category.label);
        c[ix!("cac_drs")] = Cell::Code(x.cac_drs.code);
        if let Some(p) = &x.percentile {
            c[ix!("cac_percentile_reference")] = Cell::Code(p.reference);
            if let Some(n) = p.percentile {
                c[ix!("cac_percentile")] = Cell::Int(n.into());
            }
            if let Some(b) = p.band_code {
                c[ix!("cac_percentile_band")] = Cell::Code(b);
            }
            c[ix!("cac_at_or_above_75th")] = Cell::Bool(p.at_or_above_75th);
        }
        if let Some(d) = &x.density {
            c[ix!("cac_mean_density")] = Cell::Real(d.mean_density);
        }
        if let Some(g) = &x.arterial_age {
            c[ix!("arterial_age_years")] = Cell::Real(g.years);
            c[ix!("arterial_age_ci95_low")] = Cell::Real(g.ci95_years[0]);
            c[ix!("arterial_age_ci95_high")] = Cell::Real(g.ci95_years[1]);
        }
    }
    if let Some(k) = &a.kidney {
        c[ix!("egfr_ml_min_1_73m2")] = Cell::Real(k.egfr_ml_min_1_73m2);
        c[ix!("egfr_method")] = Cell::Code(k.egfr_method);
        c[ix!("kdigo_g")] = Cell::Code(k.g_stage);
        if let Some(s) = k.a_stage {
            c[ix!("kdigo_a")] = Cell::Code(s);
        }
        c[ix!("medial_calcification_risk")] = Cell::Bool(k.medial_calcification_risk);
    }
    if let Some(p) = &a.progression {
        c[ix!("scans")] = Cell::Int(i64::try_from(p.scans.len()).unwrap_or(i64::MAX));
        if let Some(f) = &p.first_to_last {
            c[ix!("years")] = Cell::Real(f.years);
            c[ix!("absolute_change")] = Cell::Real(f.absolute_change);
            c[ix!("annualised_change")] = Cell::Real(f.annualised_change);
            if let Some(v) = f.annualised_percent {
                c[ix!("annualised_percent")] = Cell::Real(v);
            }
            c[ix!("sqrt_difference")] = Cell::Real(f.sqrt_difference);
            c[ix!("sqrt_rule_progression")] = Cell::Bool(f.sqrt_rule_progression);
            if let Some(v) = f.raggi_rule_progression {
                c[ix!("raggi_rule_progression")] = Cell::Bool(v);
            }
            c[ix!("incident")] = Cell::Bool(f.incident);
            c[ix!("expected_comparison")] = Cell::Code(f.expected.comparison);
            let short = f.cautions.iter().any(|w| w.kind == "short_interval");
            let fell = f.cautions.iter().any(|w| w.kind == "score_fell");
            match (short, fell) {
                (true, true) => {
                    c[ix!("progression_cautions")] = Cell::Code("short_interval;score_fell");
                }
                (true, false) => c[ix!("progression_cautions")] = Cell::Code("short_interval"),
                (false, true) => c[ix!("progression_cautions")] = Cell::Code("score_fell"),
                (false, false) => {}
            }
        }
        if let Some(d) = p.next_scan.earliest {
            c[ix!("next_scan_earliest")] = Cell::Date(d);
        }
        if let Some(d) = p.next_scan.latest {
            c[ix!("next_scan_latest")] = Cell::Date(d);
        }
    }
    if !a.not_applicable.is_empty() {
        c[ix!("not_applicable")] = Cell::Models(a);
    }
    c
}

fn line_number(line: u64) -> i64 {
    i64::try_from(line).unwrap_or(i64::MAX)
}

fn error_cells<'a>(line: u64, id: Option<&'a BatchId<'a>>, error: &'a str) -> [Cell<'a>; N] {
    let mut c = [Cell::Empty; N];
    c[ix!("line")] = Cell::Int(line_number(line));
    c[ix!("id")] = id_cell(id);
    c[ix!("error")] = Cell::Text(error);
    c
}

/// "00".."99" as byte pairs.
const PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// Two decimal digits of `n % 100`.
#[inline]
fn pair(n: u64) -> [u8; 2] {
    PAIRS[(n % 100) as usize]
}

/// Appends `n` < 10 000 without leading zeros; fixed-size appends compile to plain stores
/// (no call to `memcpy` per number).
#[inline]
fn push_small_uint(out: &mut Vec<u8>, n: u64) {
    match n {
        0..=9 => out.push(b'0' + n as u8),
        10..=99 => out.extend_from_slice(&pair(n)),
        100..=999 => {
            let [a, b] = pair(n);
            out.extend_from_slice(&[b'0' + (n / 100) as u8, a, b]);
        }
        _ => {
            let ([a, b], [c, d]) = (pair(n / 100), pair(n));
            out.extend_from_slice(&[a, b, c, d]);
        }
    }
}

/// Appends a real number with exactly [`DECIMALS`] decimals (rounded half away from zero);
/// nothing for a non-finite one.
// Inlined into the row writers: the call's prologue and epilogue were a fifth of its cost.
#[inline(always)]
pub fn push_fixed(out: &mut Vec<u8>, x: f64) {
    if !x.is_finite() {
        return;
    }
    // `as` truncates; + 0.5 on the absolute value rounds half away from zero, without a libm
    // call (`f64::round` is one on baseline x86-64).
    let scaled = x.abs() * SCALE + 0.5;
    if scaled >= 1e18 {
        // Beyond the integer path (no value of the table comes near); shortest form instead.
        use std::io::Write as _;
        let _ = write!(out, "{x}");
        return;
    }
    // Through i64 (one instruction on x86-64; exact, as 0 <= scaled < 1e18 < 2^63).
    let n = scaled as i64 as u64;
    if x < 0.0 && n != 0 {
        out.push(b'-');
    }
    let (whole, frac) = (n / SCALE as u64, n % SCALE as u64);
    let ([f1, f2], [f3, f4]) = (pair(frac / 100), pair(frac));
    // The usual cells (whole part below 10 000) as one fixed-size append each.
    match whole {
        0..=9 => out.extend_from_slice(&[b'0' + whole as u8, b'.', f1, f2, f3, f4]),
        10..=99 => {
            let [w1, w2] = pair(whole);
            out.extend_from_slice(&[w1, w2, b'.', f1, f2, f3, f4]);
        }
        100..=999 => {
            let [w2, w3] = pair(whole);
            let w1 = b'0' + (whole / 100) as u8;
            out.extend_from_slice(&[w1, w2, w3, b'.', f1, f2, f3, f4]);
        }
        1000..=9999 => {
            let ([w1, w2], [w3, w4]) = (pair(whole / 100), pair(whole));
            out.extend_from_slice(&[w1, w2, w3, w4, b'.', f1, f2, f3, f4]);
        }
        _ => {
            push_int(out, whole as i64);
            out.extend_from_slice(&[b'.', f1, f2, f3, f4]);
        }
    }
}

/// Appends a short code byte by byte (cheaper than a `memcpy` call for a few bytes).
#[inline]
fn push_code(out: &mut Vec<u8>, s: &str) {
    if s.len() <= 16 {
        for &c in s.as_bytes() {
            out.push(c);
        }
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

fn push_int(out: &mut Vec<u8>, v: i64) {
    if (0..10_000).contains(&v) {
        push_small_uint(out, v.unsigned_abs());
        return;
    }
    let mut n = v.unsigned_abs();
    let mut buf = [0u8; 24];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    out.extend_from_slice(&buf[i..]);
}

fn push_date(out: &mut Vec<u8>, d: Date) {
    // Years are 1800–2300 (see `vascalc_domain::date::YEARS`): always four digits; months and
    // days are positive.
    push_int(out, i64::from(d.year()));
    let (month, day) = (d.month().unsigned_abs(), d.day().unsigned_abs());
    out.extend_from_slice(&[
        b'-',
        b'0' + month / 10,
        b'0' + month % 10,
        b'-',
        b'0' + day / 10,
        b'0' + day % 10,
    ]);
}

/// The distinct model ids of `not_applicable`, in order, `;`-separated.
fn push_models(out: &mut Vec<u8>, a: &Assessment) {
    for (i, n) in a.not_applicable.iter().enumerate() {
        if a.not_applicable[..i].iter().any(|m| m.model == n.model) {
            continue;
        }
        if i > 0 {
            out.push(b';');
        }
        out.extend_from_slice(n.model.as_bytes());
    }
}

fn push_csv_text(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

fn push_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if esc.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_csv(out: &mut Vec<u8>, cells: &[Cell<'_>; N]) {
    for cell in cells {
        match *cell {
            Cell::Empty => {}
            Cell::Int(n) => push_int(out, n),
            Cell::Real(x) => push_fixed(out, x),
            Cell::Code(s) => push_code(out, s),
            Cell::Text(s) => push_csv_text(out, s),
            Cell::Bool(true) => out.extend_from_slice(b"true"),
            Cell::Bool(false) => out.extend_from_slice(b"false"),
            Cell::Date(d) => push_date(out, d),
            Cell::Models(a) => push_models(out, a),
        }
        out.push(b',');
    }
    // The separator after the last cell ends the row.
    if let Some(last) = out.last_mut() {
        *last = b'\n';
    }
}

/// One object per row; cells that do not apply are left out (a missing key reads as missing
/// in pandas, R and jq alike), `line` always comes first.
fn push_json(out: &mut Vec<u8>, cells: &[Cell<'_>; N]) {
    out.push(b'{');
    let mut first = true;
    for (cell, column) in cells.iter().zip(COLUMNS) {
        match cell {
            Cell::Empty => continue,
            Cell::Real(x) if !x.is_finite() => continue,
            _ => {}
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.push(b'"');
        out.extend_from_slice(column.name.as_bytes());
        out.extend_from_slice(b"\":");
        match *cell {
            Cell::Empty => {}
            Cell::Int(n) => push_int(out, n),
            Cell::Real(x) => push_fixed(out, x),
            Cell::Code(s) | Cell::Text(s) => push_json_str(out, s),
            Cell::Bool(true) => out.extend_from_slice(b"true"),
            Cell::Bool(false) => out.extend_from_slice(b"false"),
            Cell::Date(d) => {
                out.push(b'"');
                push_date(out, d);
                out.push(b'"');
            }
            Cell::Models(a) => {
                out.push(b'"');
                push_models(out, a);
                out.push(b'"');
            }
        }
    }
    out.extend_from_slice(b"}\n");
}

/// Appends `id` as a JSON value (string or integer), for writers of other layouts.
pub fn push_id_json(out: &mut Vec<u8>, id: &BatchId<'_>) {
    match id {
        BatchId::Integer(n) => push_int(out, *n),
        BatchId::Text(s) => push_json_str(out, s),
    }
}

/// Appends the codebook as CSV: `column,kind,description,source`.
pub fn push_codebook_csv(out: &mut Vec<u8>) {
    out.extend_from_slice(b"column,kind,description,source\n");
    for c in COLUMNS {
        let kind = match c.kind {
            Kind::Integer => "integer",
            Kind::Real => "real",
            Kind::Text => "text",
            Kind::Boolean => "boolean",
            Kind::Date => "date",
        };
        for (i, f) in [c.name, kind, c.description, c.source].iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_csv_text(out, f);
        }
        out.push(b'\n');
    }
}

/// Table layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
    /// One flat JSON object per line, keyed by the column names.
    Jsonl,
}

/// Appends the header (CSV: the column names; JSON Lines: nothing).
pub fn push_header(out: &mut Vec<u8>, layout: Layout) {
    if layout == Layout::Csv {
        for (i, c) in COLUMNS.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(c.name.as_bytes());
        }
        out.push(b'\n');
    }
}

/// Appends the row of an assessed line.
pub fn push_row(
    out: &mut Vec<u8>,
    layout: Layout,
    line: u64,
    id: Option<&BatchId<'_>>,
    a: &Assessment,
) {
    push_cells(out, layout, &cells(line, id, a));
}

/// Appends the row of a line that could not be assessed.
pub fn push_error_row(
    out: &mut Vec<u8>,
    layout: Layout,
    line: u64,
    id: Option<&BatchId<'_>>,
    error: &str,
) {
    push_cells(out, layout, &error_cells(line, id, error));
}

fn push_cells(out: &mut Vec<u8>, layout: Layout, cells: &[Cell<'_>; N]) {
    match layout {
        Layout::Csv => push_csv(out, cells),
        Layout::Jsonl => push_json(out, cells),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, Profile, assess};

    fn fixed(x: f64) -> String {
        let mut v = Vec::new();
        push_fixed(&mut v, x);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn fixed_decimals() {
        assert_eq!(fixed(5.381_249), "5.3812");
        assert_eq!(fixed(5.381_25), "5.3813");
        assert_eq!(fixed(0.0), "0.0000");
        assert_eq!(fixed(-0.000_01), "0.0000");
        assert_eq!(fixed(-12.5), "-12.5000");
        assert_eq!(fixed(100.0), "100.0000");
        assert_eq!(fixed(f64::NAN), "");
        assert_eq!(fixed(-0.00005), "-0.0001");
        assert_eq!(fixed(-0.000049), "0.0000");
        assert_eq!(fixed(1234567.00004), "1234567.0000");
    }

    proptest::proptest! {
        /// The written number is the value rounded to 4 decimals.
        #[test]
        fn fixed_round_trips(x in -1e9f64..1e9) {
            let s = fixed(x);
            let back: f64 = s.parse().unwrap();
            proptest::prop_assert!((back - x).abs() <= 0.5e-4 + 1e-9 * x.abs(), "{x} -> {s}");
            proptest::prop_assert_eq!(s.split('.').nth(1).map(str::len), Some(4));
        }
    }

    fn row(layout: Layout, json: &str) -> String {
        let line: crate::BatchLine = serde_json::from_str(json).unwrap();
        let a = assess(line.profile.as_ref().unwrap(), &Options::default());
        let mut out = Vec::new();
        push_row(&mut out, layout, 7, line.id.as_ref(), &a);
        String::from_utf8(out).unwrap()
    }

    const GOFF: &str = r#"{"id":"a,\"b\"","age":55,"sex":"male","race":"white",
        "total_cholesterol_mg_dl":213,"hdl_mg_dl":50,"systolic_bp_mm_hg":120,"bp_treated":false,
        "smoker":false,"diabetes":false,"cac_agatston":0}"#;

    /// Goff 2013 Table A example (White man, 5.38 % at full precision) lands in its column, the
    /// id is quoted as CSV needs, and every row has one cell per column.
    #[test]
    fn csv_row() {
        let mut h = Vec::new();
        push_header(&mut h, Layout::Csv);
        let header = String::from_utf8(h).unwrap();
        let names: Vec<&str> = header.trim_end().split(',').collect();
        assert_eq!(names.len(), N);
        let r = row(Layout::Csv, GOFF);
        assert!(r.starts_with("7,\"a,\"\"b\"\"\",guideline,5.3"), "{r}");
        let pce = names
            .iter()
            .position(|n| *n == "pce_2013_ascvd_10y")
            .unwrap();
        // Split after the quoted id (it holds a comma).
        let rest = r.split_once("\"\"\",").unwrap().1;
        let cells: Vec<&str> = rest.trim_end().split(',').collect();
        assert_eq!(cells.len(), N - 2);
        let v: f64 = cells[pce - 2].parse().unwrap();
        assert!((v - 5.38).abs() < 0.005, "{v}");
        assert_eq!(cells[ix!("cac_category") - 2], "zero");
        assert!(cells[ix!("not_applicable") - 2].contains("prevent_2023"));
    }

    #[test]
    fn json_row_is_flat_and_complete() {
        let r = row(Layout::Jsonl, GOFF);
        let v: serde_json::Value = serde_json::from_str(&r).unwrap();
        let o = v.as_object().unwrap();
        assert!(o.keys().all(|k| COLUMNS.iter().any(|c| c.name == k)));
        assert_eq!(o["id"], "a,\"b\"");
        assert_eq!(o["line"], 7);
        assert!((o["pce_2013_ascvd_10y"].as_f64().unwrap() - 5.38).abs() < 0.005);
        assert!(
            !o.contains_key("prevent_2023_cvd_10y"),
            "no eGFR: not applicable, left out"
        );
        assert_eq!(o["cac_drs"], "A0");
        assert!(!o.contains_key("next_scan_latest"), "no scans: no window");
        assert!(!o.contains_key("error"));
    }

    /// The optional PREVENT models land in their own columns; without their predictor the
    /// columns are empty.
    #[test]
    fn prevent_optional_columns() {
        let line = r#"{"age":50,"sex":"female","total_cholesterol_mg_dl":200,"hdl_mg_dl":45,
            "systolic_bp_mm_hg":160,"bp_treated":true,"statin":false,"diabetes":true,
            "smoker":false,"egfr_ml_min_1_73m2":90,"bmi":35,"uacr_mg_g":92,"hba1c_pct":9.2}"#;
        let r = row(Layout::Jsonl, line);
        let v: serde_json::Value = serde_json::from_str(&r).unwrap();
        // preventr tests/testthat/test-estimate_risk.R (woman 50, UACR 92 / HbA1c 9.2):
        // 10-year CVD 0.181 and 0.165, 30-year HF 0.437 and 0.449.
        let near = |k: &str, want: f64| {
            let got = v[k].as_f64().unwrap();
            assert!((got - want).abs() < 0.05, "{k}: {got} vs {want}");
        };
        near("prevent_2023_uacr_cvd_10y", 18.1);
        near("prevent_2023_hba1c_cvd_10y", 16.5);
        near("prevent_2023_uacr_hf_30y", 43.7);
        near("prevent_2023_hba1c_hf_30y", 44.9);
        near("prevent_2023_cvd_10y", 14.7);
        let r = row(Layout::Jsonl, GOFF);
        assert!(!r.contains("uacr") && !r.contains("hba1c"), "{r}");
    }

    /// Every risk lands in the column its string ids name: `{model}_{outcome}`, with the
    /// coefficient set for PREVENT's optional models (the table places risks by `Slot`).
    #[test]
    fn every_risk_lands_in_the_column_its_ids_name() {
        let line = r#"{"age":55,"sex":"female","race":"black","total_cholesterol_mg_dl":200,
            "hdl_mg_dl":45,"systolic_bp_mm_hg":140,"bp_treated":true,"statin":false,
            "diabetes":true,"smoker":false,"egfr_ml_min_1_73m2":70,"bmi":31,
            "family_history_mi":true,"cac_agatston":120,"uacr_mg_g":40,"hba1c_pct":7.5}"#;
        let l: crate::BatchLine = serde_json::from_str(line).unwrap();
        let a = assess(l.profile.as_ref().unwrap(), &Options::default());
        assert_eq!(a.risks.len(), 2 + 18 + 2);
        let mut out = Vec::new();
        push_row(&mut out, Layout::Jsonl, 1, None, &a);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        for r in &a.risks {
            let name = match (r.model, r.coefficients) {
                ("prevent_2023", set @ ("uacr" | "hba1c")) => {
                    format!("{}_{set}_{}", r.model, r.outcome)
                }
                _ => format!("{}_{}", r.model, r.outcome),
            };
            let cell = v[&name].as_f64().unwrap_or_else(|| panic!("no {name}"));
            assert!((cell - r.percent).abs() <= 0.5e-4 + 1e-9, "{name}");
        }
    }

    #[test]
    fn error_rows_keep_line_and_id() {
        let mut out = Vec::new();
        let id = BatchId::Integer(-3);
        push_error_row(&mut out, Layout::Jsonl, 2, Some(&id), "bad \"x\"\n\u{1}");
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["id"], -3);
        assert_eq!(v["error"], "bad \"x\"\n\u{1}");
        out.clear();
        push_error_row(&mut out, Layout::Csv, 2, None, "x");
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("2,,,") && s.ends_with(",x\n"), "{s}");
    }

    #[test]
    fn progression_and_kidney_cells() {
        let p: Profile = serde_json::from_str(
            r#"{"age":60,"sex":"female","creatinine_mg_dl":0.7,
            "scans":[{"date":"2016-01-01","agatston":0},{"date":"2020-01-01","agatston":0}]}"#,
        )
        .unwrap();
        let a = assess(&p, &Options::default());
        let mut out = Vec::new();
        push_row(&mut out, Layout::Jsonl, 1, None, &a);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["scans"], 2);
        assert_eq!(v["incident"], false);
        assert_eq!(v["kdigo_g"], "G1");
        assert_eq!(v["egfr_method"], "ckd_epi_2021_creatinine");
        assert_eq!(v["next_scan_earliest"], "2023-01-01");
        assert_eq!(v["years"].as_f64(), Some(4.0));
        assert!(v["progression_cautions"].is_null(), "{v}");
        assert_eq!(v["expected_comparison"], "within");
        // Issue 10: a fall over 44 days carries both cautions and no comparison.
        let p: Profile = serde_json::from_str(
            r#"{"age":60,"sex":"male",
            "scans":[{"date":"2024-12-01","agatston":780},{"date":"2025-01-14","agatston":131}]}"#,
        )
        .unwrap();
        let a = assess(&p, &Options::default());
        let mut out = Vec::new();
        push_row(&mut out, Layout::Jsonl, 1, None, &a);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["progression_cautions"], "short_interval;score_fell");
        assert_eq!(v["expected_comparison"], "unreliable");
    }
}
