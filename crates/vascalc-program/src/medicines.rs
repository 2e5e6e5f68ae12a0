//! The medicine vocabulary: what a name a person types stands for.
//!
//! Data in `vocabulary/medicines.toml` (embedded, parsed once): for each ingredient its class
//! ([`MedKind`]), WHO ATC code where one exists, the generic and brand names of the US, UK, EU
//! and Australia, the source of the list, and the range of doses the products are sold in.
//!
//! [`lookup`] ignores case, spaces, hyphens and dots, a trailing strength or dose form
//! (`"Coumadin 5 mg"`, `"MK-7 180mcg"`, `"Lipitor 20 mg tablets"`), a trailing salt
//! (`"atorvastatin calcium"`) and a trailing maker or qualifier after a known name
//! (`"Warfarin Teva"`). [`check_dose`] says whether a dose lies in the range any product of the
//! named medicine (or, for a name it does not know, of its class) is sold in.

use crate::{Dose, DoseUnit, MedKind};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The vocabulary file, embedded.
pub const FILE: &str = include_str!("../vocabulary/medicines.toml");

/// An element a safety rule needs to know a product contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    Aluminium,
    Magnesium,
    Calcium,
    Iron,
}

/// How a product is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    #[default]
    Oral,
    Intravenous,
}

/// The doses a medicine is sold or labelled in, per day (per administration for intermittent
/// therapies).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoseRange {
    pub unit: DoseUnit,
    pub min: f64,
    pub max: f64,
}

/// One ingredient (or fixed combination) with its names.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Medicine {
    pub ingredient: String,
    pub class: MedKind,
    #[serde(default)]
    pub atc: Option<String>,
    /// Generic names first, then brand names.
    pub names: Vec<String>,
    /// Where the names come from.
    pub source: String,
    #[serde(default)]
    pub dose: Option<DoseRange>,
    /// Mass fraction of magnesium or calcium in the salt.
    #[serde(default)]
    pub elemental_fraction: Option<f64>,
    /// EPA and DHA per 1 g capsule, where the label states them.
    #[serde(default)]
    pub epa_mg: Option<f64>,
    #[serde(default)]
    pub dha_mg: Option<f64>,
    #[serde(default)]
    pub contains: Vec<Element>,
    #[serde(default)]
    pub route: Route,
    #[serde(default)]
    pub note: Option<String>,
}

impl Medicine {
    pub fn contains(&self, e: Element) -> bool {
        self.contains.contains(&e)
    }
}

/// The parsed vocabulary.
#[derive(Debug)]
pub struct Vocabulary {
    pub medicines: Vec<Medicine>,
    /// Normalised name → index in `medicines`.
    index: HashMap<String, usize>,
    /// [`Vocabulary::class_range`] per class, computed once.
    ranges: HashMap<MedKind, DoseRange>,
}

/// The vocabulary file does not parse or breaks a rule (two entries share a name…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("medicine vocabulary: {0}")]
pub struct VocabularyError(pub String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    medicine: Vec<Medicine>,
}

/// Parse and check a vocabulary file (the embedded one, or one a test builds).
pub fn parse(text: &str) -> Result<Vocabulary, VocabularyError> {
    let f: File = toml::from_str(text).map_err(|e| VocabularyError(e.to_string()))?;
    let mut index = HashMap::new();
    for (i, m) in f.medicine.iter().enumerate() {
        if matches!(m.class, MedKind::Other | MedKind::Unknown) {
            return Err(VocabularyError(format!(
                "{}: class {} is not a class a rule can use",
                m.ingredient,
                m.class.as_str()
            )));
        }
        if let Some(atc) = &m.atc
            && !atc_well_formed(atc)
        {
            return Err(VocabularyError(format!(
                "{}: ATC code {atc:?} is not of the form A00AA00 (or a group A00AA)",
                m.ingredient
            )));
        }
        if let Some(d) = m.dose
            && !(d.min.is_finite() && d.max.is_finite() && 0.0 < d.min && d.min <= d.max)
        {
            return Err(VocabularyError(format!(
                "{}: dose range {}–{} is not 0 < min ≤ max",
                m.ingredient, d.min, d.max
            )));
        }
        if let Some(x) = m.elemental_fraction
            && !(x > 0.0 && x < 1.0)
        {
            return Err(VocabularyError(format!(
                "{}: elemental fraction {x} is not between 0 and 1",
                m.ingredient
            )));
        }
        if m.names.is_empty() || m.source.trim().is_empty() {
            return Err(VocabularyError(format!(
                "{}: needs names and a source",
                m.ingredient
            )));
        }
        for n in &m.names {
            let key = normalise(n);
            if key.is_empty() {
                return Err(VocabularyError(format!("{}: empty name", m.ingredient)));
            }
            if let Some(j) = index.insert(key, i) {
                return Err(VocabularyError(format!(
                    "name {n:?} is in both {} and {}",
                    f.medicine[j].ingredient, m.ingredient
                )));
            }
        }
    }
    let mut v = Vocabulary {
        medicines: f.medicine,
        index,
        ranges: HashMap::new(),
    };
    v.ranges = MedKind::ALL
        .into_iter()
        .filter_map(|k| Some((k, v.compute_class_range(k)?)))
        .collect();
    Ok(v)
}

/// The embedded vocabulary, parsed on first use.
pub fn vocabulary() -> Result<&'static Vocabulary, &'static VocabularyError> {
    static V: OnceLock<Result<Vocabulary, VocabularyError>> = OnceLock::new();
    V.get_or_init(|| parse(FILE)).as_ref()
}

/// Whether `code` is a WHO ATC code: level 5 (`B01AA03`) or a level-4 group (`C09AA`).
pub fn atc_well_formed(code: &str) -> bool {
    let b = code.as_bytes();
    let shape = b"A00AA00";
    (b.len() == 5 || b.len() == 7)
        && b.iter().zip(shape).all(|(c, s)| match s {
            b'A' => c.is_ascii_uppercase(),
            _ => c.is_ascii_digit(),
        })
}

/// Whether two names a person typed name the same medicine entry: trimmed, ASCII letters in
/// any case (`MK-7` and ` mk-7`). The safety rules group names in use this way, and vascalc-app
/// finds the course to stop or take a dose from this way, so that the two agree. (SQLite's
/// `COLLATE NOCASE`, which the store uses to reclassify a name, folds the same letters.)
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// A name reduced to what identifies it: lower case, without spaces, hyphens, dots, slashes,
/// apostrophes and trademark signs.
pub fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || *c == '+' || *c == ',')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Classes a part of a combination name decides (the danger rules need them).
const CRITICAL: &[MedKind] = &[
    MedKind::Mk7,
    MedKind::VitaminKOther,
    MedKind::VitaminKAntagonist,
    MedKind::Doac,
];

/// Words that name a dose form (dropped at the end of a name).
const FORM_WORDS: &[&str] = &[
    "tablet",
    "tablets",
    "tab",
    "tabs",
    "capsule",
    "capsules",
    "cap",
    "caps",
    "softgel",
    "softgels",
    "film-coated",
    "chewable",
    "oral",
];

/// Units a strength is written in.
const STRENGTH_UNITS: &[&str] = &[
    "mg", "mcg", "ug", "µg", "μg", "g", "iu", "ie", "ui", "mmol", "ml", "%",
];

/// Salts and hydrates that follow an ingredient name ("atorvastatin calcium").
const SALT_WORDS: &[&str] = &[
    "calcium",
    "sodium",
    "potassium",
    "magnesium",
    "hydrochloride",
    "hcl",
    "besylate",
    "besilate",
    "mesylate",
    "mesilate",
    "maleate",
    "tartrate",
    "succinate",
    "hyclate",
    "monohydrate",
    "dihydrate",
    "trihydrate",
    "disodium",
    "etexilate",
    "fumarate",
];

fn is_number(t: &str) -> bool {
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == '/')
}

/// A strength token: `5`, `2.5`, `5mg`, `180mcg`, `10/80mg`, `1000iu`.
fn is_strength(t: &str) -> bool {
    if is_number(t) {
        return true;
    }
    STRENGTH_UNITS
        .iter()
        .any(|u| t.strip_suffix(u).is_some_and(is_number))
}

fn drop_forms(words: &mut Vec<String>) {
    while words
        .last()
        .is_some_and(|w| FORM_WORDS.contains(&w.as_str()))
    {
        words.pop();
    }
}

/// The words of a name, then without a trailing dose form, then without one trailing strength
/// (`"5 mg"`, `"5mg"`, `"180"`): the forms tried in turn. One strength only, so that the 7 of
/// `"MK 7"` stays.
fn candidates(name: &str) -> Vec<Vec<String>> {
    let mut words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    let mut out = vec![words.clone()];
    drop_forms(&mut words);
    out.push(words.clone());
    let n = words.len();
    if n >= 2 && STRENGTH_UNITS.contains(&words[n - 1].as_str()) && is_number(&words[n - 2]) {
        words.truncate(n - 2);
    } else if words.last().is_some_and(|w| is_strength(w)) {
        words.pop();
    }
    drop_forms(&mut words);
    out.push(words);
    out
}

impl Vocabulary {
    fn get(&self, words: &[String]) -> Option<&Medicine> {
        if words.is_empty() {
            return None;
        }
        self.index
            .get(&normalise(&words.join(" ")))
            .map(|i| &self.medicines[*i])
    }

    /// The medicine a name stands for (see the module documentation for what is ignored).
    pub fn lookup(&self, name: &str) -> Option<&Medicine> {
        if name.trim().is_empty() {
            return None;
        }
        let mut tries = candidates(name);
        if let Some(m) = tries.iter().find_map(|w| self.get(w)) {
            return Some(m);
        }
        let words = tries.pop().unwrap_or_default();
        // A combination named by its parts ("Vitamin D3 2000 IU + K2 100 mcg"): a part whose
        // class a danger rule needs (vitamin K, an anticoagulant) decides.
        if let Some(m) = self.critical_part(name) {
            return Some(m);
        }
        // A trailing salt: "atorvastatin calcium", "esomeprazole magnesium".
        let mut w = words.clone();
        while w.len() > 1 && w.last().is_some_and(|t| SALT_WORDS.contains(&t.as_str())) {
            w.pop();
            if let Some(m) = self.get(&w) {
                return Some(m);
            }
        }
        // A maker or qualifier after a known name: the longest known beginning ("Warfarin
        // Teva", "magnesium citrate with B6").
        (1..words.len()).rev().find_map(|n| self.get(&words[..n]))
    }

    /// The first part of a combination name (split at spaces, `+`, `/`, `&`, `,` and "and"/"with";
    /// one word or two adjacent words) that names a vitamin K or an anticoagulant.
    fn critical_part(&self, name: &str) -> Option<&Medicine> {
        let lower = name.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| c.is_whitespace() || matches!(c, '+' | '/' | '&' | ','))
            .filter(|w| !w.is_empty() && *w != "and" && *w != "with")
            .collect();
        let critical = |m: &&Medicine| CRITICAL.contains(&m.class);
        let one = words.iter().map(|w| w.to_string());
        let two = words.windows(2).map(|p| format!("{} {}", p[0], p[1]));
        two.chain(one).find_map(|part| {
            self.index
                .get(&normalise(&part))
                .map(|i| &self.medicines[*i])
                .filter(critical)
        })
    }

    /// Every medicine of a class.
    pub fn of_class(&self, class: MedKind) -> impl Iterator<Item = &Medicine> {
        self.medicines.iter().filter(move |m| m.class == class)
    }

    /// The range of doses over every product of a class, in the unit of its first product;
    /// `None` for a class without ranges (or without products).
    pub fn class_range(&self, class: MedKind) -> Option<DoseRange> {
        self.ranges.get(&class).copied()
    }

    fn compute_class_range(&self, class: MedKind) -> Option<DoseRange> {
        let mut out: Option<DoseRange> = None;
        for r in self.of_class(class).filter_map(|m| m.dose) {
            let unit = out.map_or(r.unit, |o| o.unit);
            let (Some(lo), Some(hi)) = (
                convert_mass(r.min, r.unit, unit),
                convert_mass(r.max, r.unit, unit),
            ) else {
                continue;
            };
            out = Some(match out {
                None => DoseRange {
                    unit,
                    min: lo,
                    max: hi,
                },
                Some(o) => DoseRange {
                    unit,
                    min: o.min.min(lo),
                    max: o.max.max(hi),
                },
            });
        }
        out
    }
}

/// [`Vocabulary::lookup`] in the embedded vocabulary (`None` also if it failed to parse, which
/// a test rules out).
pub fn lookup(name: &str) -> Option<&'static Medicine> {
    vocabulary().ok()?.lookup(name)
}

fn grams_per(unit: DoseUnit) -> Option<f64> {
    match unit {
        DoseUnit::Ug => Some(1e-6),
        DoseUnit::Mg => Some(1e-3),
        DoseUnit::G => Some(1.0),
        _ => None,
    }
}

fn convert_mass(v: f64, from: DoseUnit, to: DoseUnit) -> Option<f64> {
    Some(v * grams_per(from)? / grams_per(to)?)
}

/// Tablets, capsules or infusions at one time: vascalc's own bound for "a count a person could
/// take in a day", not from a label.
pub const MAX_UNITS_PER_DAY: f64 = 20.0;

/// Vitamin D: 1 µg = 40 IU (IOM 2011).
pub const VITAMIN_D_IU_PER_UG: f64 = 40.0;
/// Molar masses (IUPAC standard atomic weights), mg per mmol.
pub const MAGNESIUM_MG_PER_MMOL: f64 = 24.305;
pub const CALCIUM_MG_PER_MMOL: f64 = 40.078;

/// A dose outside the range the products are sold in.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DoseProblem {
    #[error(
        "{amount} {unit} of {what} is outside {min}–{max} {range_unit}, the range {what} is sold or labelled in (per day; per administration for infusions and injections). Check the unit (µg, mg, g) and the amount"
    )]
    OutOfRange {
        what: String,
        amount: f64,
        unit: &'static str,
        min: f64,
        max: f64,
        range_unit: &'static str,
    },
    #[error(
        "{what} is not sold in {unit}; give the dose in {range_unit} (or as a number of tablets/capsules with unit)"
    )]
    WrongUnit {
        what: String,
        unit: &'static str,
        range_unit: &'static str,
    },
    #[error(
        "{amount} tablets/capsules of {what} at once is more than {max} (vascalc's own bound, not a label's)"
    )]
    TooManyUnits { what: String, amount: f64, max: f64 },
}

/// The unit as people read it.
pub fn unit_text(u: DoseUnit) -> &'static str {
    match u {
        DoseUnit::Ug => "µg",
        DoseUnit::Mg => "mg",
        DoseUnit::G => "g",
        DoseUnit::Iu => "IU",
        DoseUnit::Mmol => "mmol",
        DoseUnit::Unit => "tablets/capsules",
    }
}

/// The dose in the range's unit, when the units can be compared: masses among themselves; IU
/// for vitamin D; mmol for magnesium and calcium.
fn in_unit(dose: &Dose, class: MedKind, to: DoseUnit) -> Option<f64> {
    let mass = match dose.unit {
        DoseUnit::Ug | DoseUnit::Mg | DoseUnit::G => Some((dose.amount, dose.unit)),
        DoseUnit::Iu if matches!(class, MedKind::VitaminD) => {
            Some((dose.amount / VITAMIN_D_IU_PER_UG, DoseUnit::Ug))
        }
        DoseUnit::Mmol if class == MedKind::Magnesium => {
            Some((dose.amount * MAGNESIUM_MG_PER_MMOL, DoseUnit::Mg))
        }
        DoseUnit::Mmol if class == MedKind::Calcium => {
            Some((dose.amount * CALCIUM_MG_PER_MMOL, DoseUnit::Mg))
        }
        _ => None,
    }?;
    convert_mass(mass.0, mass.1, to)
}

/// Whether `dose` of the medicine called `name` (recorded as `kind`) lies in the range any
/// product is sold in: the named medicine's range when the vocabulary knows the name, else the
/// range over its class; `Ok` when there is no range to judge by (`other`, `unknown`).
pub fn check_dose(kind: MedKind, name: &str, dose: &Dose) -> Result<(), DoseProblem> {
    let Ok(v) = vocabulary() else { return Ok(()) };
    let (what, class, range) = match v.lookup(name) {
        Some(m) => (name.trim().to_string(), m.class, m.dose),
        None => (
            format!("a {} medicine", kind.as_str()),
            kind,
            v.class_range(kind),
        ),
    };
    let Some(range) = range else { return Ok(()) };
    let what = if what.is_empty() {
        kind.as_str().to_string()
    } else {
        what
    };
    if !dose.amount.is_finite() || dose.amount <= 0.0 {
        return Err(DoseProblem::OutOfRange {
            what,
            amount: dose.amount,
            unit: unit_text(dose.unit),
            min: range.min,
            max: range.max,
            range_unit: unit_text(range.unit),
        });
    }
    if dose.unit == DoseUnit::Unit {
        return if dose.amount <= MAX_UNITS_PER_DAY {
            Ok(())
        } else {
            Err(DoseProblem::TooManyUnits {
                what,
                amount: dose.amount,
                max: MAX_UNITS_PER_DAY,
            })
        };
    }
    let Some(x) = in_unit(dose, class, range.unit) else {
        return Err(DoseProblem::WrongUnit {
            what,
            unit: unit_text(dose.unit),
            range_unit: unit_text(range.unit),
        });
    };
    // A relative tolerance for rounding (0.25 mg written as 250 µg and back).
    let eps = 1e-9 * range.max;
    if x < range.min - eps || x > range.max + eps {
        return Err(DoseProblem::OutOfRange {
            what,
            amount: dose.amount,
            unit: unit_text(dose.unit),
            min: range.min,
            max: range.max,
            range_unit: unit_text(range.unit),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str) -> Option<MedKind> {
        lookup(name).map(|m| m.class)
    }

    #[test]
    fn a_name_is_the_same_in_any_ascii_case_and_with_spaces_around() {
        assert!(same_name("MK-7", " mk-7 "));
        assert!(same_name("Magnesium Citrate", "magnesium citrate"));
        assert!(!same_name("MK-7", "MK 7"));
        assert!(!same_name("MK-7", "MK-4"));
    }

    #[test]
    fn the_embedded_vocabulary_parses_and_follows_its_rules() {
        // parse() refuses duplicate names (case-, space- and hyphen-insensitively), unknown
        // classes, malformed ATC codes and bad dose ranges.
        let v = match vocabulary() {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        assert!(v.medicines.len() > 90, "{}", v.medicines.len());
        // Every class a rule can use has at least one product.
        for k in MedKind::ALL {
            if !matches!(k, MedKind::Other | MedKind::Unknown) {
                assert!(v.of_class(k).next().is_some(), "no medicine of class {k:?}");
            }
        }
        // Every product a person can log has a dose range, and every salt a fraction.
        for m in &v.medicines {
            assert!(m.dose.is_some(), "{} has no dose range", m.ingredient);
        }
    }

    #[test]
    fn parse_refuses_duplicates_unknown_classes_and_bad_atc_codes() {
        let entry = |names: &str, class: &str, atc: &str| {
            format!(
                "[[medicine]]\ningredient = \"x\"\nclass = \"{class}\"\natc = \"{atc}\"\nnames = [{names}]\nsource = \"test\"\n"
            )
        };
        let dup = entry("\"Coumadin\"", "vitamin_k_antagonist", "B01AA03")
            + &entry("\"cou-MADIN\"", "doac", "B01AF01");
        assert!(parse(&dup).unwrap_err().0.contains("both"));
        assert!(parse(&entry("\"a\"", "elixir", "B01AA03")).is_err());
        assert!(parse(&entry("\"a\"", "other", "B01AA03")).is_err());
        assert!(parse(&entry("\"a\"", "statin", "B1AA03")).is_err());
        assert!(parse(&entry("\"a\"", "statin", "b01aa03")).is_err());
        assert!(parse(&entry("\"a\"", "statin", "C10AA05")).is_ok());
    }

    #[test]
    fn atc_codes_have_the_who_shape() {
        assert!(atc_well_formed("B01AA03"));
        assert!(atc_well_formed("C09AA"));
        for bad in ["", "B01AA3", "B01A03", "01BAA03", "B01AA033", "b01aa03"] {
            assert!(!atc_well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn brand_names_resolve_whatever_the_case_spacing_or_strength() {
        for (name, kind) in [
            ("Coumadin", MedKind::VitaminKAntagonist),
            ("coumadin 5mg", MedKind::VitaminKAntagonist),
            ("COUMADIN 5 mg tablets", MedKind::VitaminKAntagonist),
            ("Jantoven", MedKind::VitaminKAntagonist),
            ("Marevan", MedKind::VitaminKAntagonist),
            ("Waran", MedKind::VitaminKAntagonist),
            ("Sinthrome", MedKind::VitaminKAntagonist),
            ("Marcoumar", MedKind::VitaminKAntagonist),
            ("Falithrom", MedKind::VitaminKAntagonist),
            ("Previscan", MedKind::VitaminKAntagonist),
            ("Warfarin Teva", MedKind::VitaminKAntagonist),
            ("Eliquis", MedKind::Doac),
            ("Xarelto 20 mg", MedKind::Doac),
            ("Savaysa", MedKind::Doac),
            ("Pradaxa", MedKind::Doac),
            ("Brilique", MedKind::Antiplatelet),
            ("Plavix", MedKind::Antiplatelet),
            ("aspirin 81 mg", MedKind::Antiplatelet),
            ("Lipitor", MedKind::Statin),
            ("lipitor 20", MedKind::Statin),
            ("Crestor", MedKind::Statin),
            ("atorvastatin calcium", MedKind::Statin),
            ("Inegy", MedKind::Statin),
            ("Caduet", MedKind::Statin),
            ("Ezetrol", MedKind::Ezetimibe),
            ("Repatha", MedKind::Pcsk9Inhibitor),
            ("Leqvio", MedKind::Pcsk9Inhibitor),
            ("Bonviva", MedKind::Bisphosphonate),
            ("Aclasta", MedKind::Bisphosphonate),
            ("Prolia", MedKind::Denosumab),
            ("Renvela", MedKind::PhosphateBinder),
            ("Velphoro", MedKind::PhosphateBinder),
            ("Mimpara", MedKind::Calcimimetic),
            ("One-Alpha", MedKind::ActiveVitaminD),
            ("one alpha", MedKind::ActiveVitaminD),
            ("Rocaltrol 0.25 mcg", MedKind::ActiveVitaminD),
            ("chlorthalidone", MedKind::Thiazide),
            ("Lasix", MedKind::LoopDiuretic),
            ("Nexium", MedKind::Ppi),
            ("esomeprazole magnesium", MedKind::Ppi),
            ("Cipro", MedKind::Quinolone),
            ("doxycycline hyclate", MedKind::Tetracycline),
            ("Eltroxin", MedKind::Levothyroxine),
            ("CellCept", MedKind::Immunosuppressant),
            ("Advagraf", MedKind::Immunosuppressant),
            ("Neoral", MedKind::Immunosuppressant),
            ("SNF472", MedKind::CalcificationInhibitor),
            ("MK-7", MedKind::Mk7),
            ("mk7", MedKind::Mk7),
            ("MK 7 180 mcg", MedKind::Mk7),
            ("vitamin K2", MedKind::Mk7),
            ("Konakion", MedKind::VitaminKOther),
            ("MK-4", MedKind::VitaminKOther),
            ("magnesium glycinate", MedKind::Magnesium),
            ("Milk of Magnesia", MedKind::Antacid),
            ("Maalox", MedKind::Antacid),
            ("calcium carbonate", MedKind::Calcium),
            ("vitamin D3 1000 IU", MedKind::VitaminD),
            ("Omacor", MedKind::Omega3),
            ("Vascepa", MedKind::Omega3),
            ("fish oil 1000 mg", MedKind::Omega3),
            ("ferrous sulfate", MedKind::Iron),
            ("Norvasc", MedKind::Antihypertensive),
        ] {
            assert_eq!(class(name), Some(kind), "{name}");
        }
        // Combinations named by their parts: the vitamin K part decides.
        for combo in [
            "Vitamin D3 2000 IU + K2 100mcg",
            "D3 & K2",
            "D3/K2",
            "calcium with vitamin D3 and K2",
            "K2-MK7 + D3",
            "Super K (K1, MK-4, MK-7)",
        ] {
            let c = class(combo);
            assert!(
                matches!(c, Some(MedKind::Mk7 | MedKind::VitaminKOther)),
                "{combo}: {c:?}"
            );
        }
        for unknown in ["unobtainium", "", "5 mg", "Teva"] {
            assert_eq!(class(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn every_name_resolves_to_its_own_entry_whatever_the_case_or_strength() {
        let v = vocabulary().unwrap();
        let mut n = 0;
        for m in &v.medicines {
            for name in &m.names {
                for typed in [
                    name.clone(),
                    name.to_uppercase(),
                    name.to_lowercase().replace('-', " "),
                    format!("{name} 10 mg"),
                    format!("{name} 2.5mg tablets"),
                ] {
                    let found = v.lookup(&typed).map(|x| x.ingredient.as_str());
                    assert_eq!(found, Some(m.ingredient.as_str()), "{typed:?}");
                    n += 1;
                }
            }
        }
        assert!(n > 2500, "{n}");
    }

    #[test]
    fn salts_carry_their_elemental_fraction_from_the_molar_masses() {
        // Golden values: element mass / formula mass with IUPAC standard atomic weights.
        let frac = |n: &str| lookup(n).and_then(|m| m.elemental_fraction);
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 0.002);
        assert!(close(frac("magnesium oxide"), 24.305 / 40.304));
        assert!(close(frac("magnesium citrate"), 3.0 * 24.305 / 451.1));
        assert!(close(frac("magnesium glycinate"), 24.305 / 172.4));
        assert!(close(frac("calcium carbonate"), 40.078 / 100.09));
        assert!(close(frac("calcium citrate"), 3.0 * 40.078 / 570.5));
        let omacor = lookup("Lovaza").and_then(|m| Some(m.epa_mg? + m.dha_mg?));
        assert_eq!(omacor, Some(840.0));
    }

    #[test]
    fn doses_outside_the_products_are_refused_with_the_range() {
        let d = |amount, unit| Dose { amount, unit };
        assert!(check_dose(MedKind::Mk7, "MK-7", &d(180.0, DoseUnit::Ug)).is_ok());
        let e = check_dose(MedKind::Mk7, "MK-7", &d(180.0, DoseUnit::Mg)).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("180 mg") && msg.contains("10–2000 µg"),
            "{msg}"
        );
        assert!(check_dose(MedKind::Mk7, "MK-7", &d(0.18, DoseUnit::Mg)).is_ok());
        assert!(matches!(
            check_dose(MedKind::Mk7, "MK-7", &d(180.0, DoseUnit::Iu)),
            Err(DoseProblem::WrongUnit { .. })
        ));
        // Vitamin D in IU, magnesium in mmol.
        assert!(check_dose(MedKind::VitaminD, "vitamin D3", &d(1000.0, DoseUnit::Iu)).is_ok());
        assert!(check_dose(MedKind::VitaminD, "D3", &d(1e7, DoseUnit::Iu)).is_err());
        assert!(check_dose(MedKind::Magnesium, "magnesium", &d(15.0, DoseUnit::Mmol)).is_ok());
        assert!(check_dose(MedKind::Magnesium, "magnesium", &d(500.0, DoseUnit::Mmol)).is_err());
        // Warfarin 5 mg yes, 5 g no, 5000 µg yes.
        assert!(check_dose(MedKind::Other, "Coumadin", &d(5.0, DoseUnit::Mg)).is_ok());
        assert!(check_dose(MedKind::Other, "Coumadin", &d(5.0, DoseUnit::G)).is_err());
        assert!(check_dose(MedKind::Other, "Coumadin", &d(5000.0, DoseUnit::Ug)).is_ok());
        // Tablets: up to vascalc's bound.
        assert!(check_dose(MedKind::Statin, "Lipitor", &d(1.0, DoseUnit::Unit)).is_ok());
        assert!(check_dose(MedKind::Statin, "Lipitor", &d(100.0, DoseUnit::Unit)).is_err());
        // A name the vocabulary does not know: the class's range.
        assert!(check_dose(MedKind::Statin, "Statinex", &d(20.0, DoseUnit::Mg)).is_ok());
        assert!(check_dose(MedKind::Statin, "Statinex", &d(20.0, DoseUnit::G)).is_err());
        // Nothing to judge by.
        assert!(check_dose(MedKind::Unknown, "elixir", &d(1e5, DoseUnit::Mg)).is_ok());
        assert!(check_dose(MedKind::Other, "elixir", &d(1e5, DoseUnit::Mg)).is_ok());
    }
}
