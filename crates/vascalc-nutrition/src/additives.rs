//! Phosphate-additive detection in ingredient text.
//!
//! Food-composition tables give total phosphorus only; the phosphorus added as inorganic
//! phosphate salts is absorbed far more completely than that bound in foods (about 90–100 %
//! against 40–60 %; León et al. 2013, J Ren Nutr, PMC3674209), so vascalc flags it from the
//! ingredient text.
//!
//! What is flagged, and how:
//! - **Inorganic phosphates** ([`AdditiveKind::Inorganic`]): the EU E-numbers E338–E343,
//!   E450–E452 and E541 with their sub-indices (Regulation (EC) No 1333/2008, Annex II), the older
//!   E540, E542, E544 and E545, and any ingredient word with the root *phosph-*, *phosphat-* or
//!   *fosf-* ("sodium hexametaphosphate", "phosphoric acid", "Diphosphate", "fosfato
//!   disódico"), which is the renal dietitians' "look for PHOS" rule.
//! - **Starch phosphates** ([`AdditiveKind::StarchPhosphate`], minor phosphorus): E1410, E1412,
//!   E1413, E1414 and E1442 and their names. Of the E1400–E1451 modified starches only these
//!   five are phosphates: E1420, E1422, E1440, E1450 etc. are not flagged.
//! - **Phosphate esters** ([`AdditiveKind::PhosphateEster`], minor): riboflavin-5'-phosphate
//!   (E101(ii)), the ribonucleotides E626–E635, ammonium phosphatides (E442), glycerophosphates,
//!   pyridoxal/thiamine/ascorbyl phosphates.
//!
//! Not flagged: phospholipids such as lecithin (E322), "phosphatidylcholine" and
//! "phosphatidylserine" (organic phosphorus in a lipid, not an additive salt), the word
//! "phosphorus" (a nutrient line, not an ingredient) and "modified starch", which may or may not
//! be a phosphated starch (the label does not say). Matching is by whole words: "E3390" and
//! "ale339" do not match.

use serde::{Deserialize, Serialize};

/// How much an additive matters for phosphorus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdditiveKind {
    /// An inorganic phosphate salt or phosphoric acid: highly absorbed phosphorus.
    Inorganic,
    /// A phosphated starch: small amounts of phosphorus.
    StarchPhosphate,
    /// An organic phosphate ester (a vitamin or flavour form): small amounts.
    PhosphateEster,
}

impl AdditiveKind {
    /// True for the kinds that add little phosphorus.
    pub fn is_minor(self) -> bool {
        !matches!(self, AdditiveKind::Inorganic)
    }
}

/// One phosphate additive found in ingredient text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhosphateAdditive {
    /// The text as it stands in the ingredient list.
    pub text: String,
    /// What it is (`"sodium phosphates"`, `"distarch phosphate"`).
    pub name: String,
    /// The E-number, where the text gives one or the name implies one (`"E339"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_number: Option<String>,
    pub kind: AdditiveKind,
    /// Byte offsets of `text` in the ingredient list.
    pub start: usize,
    pub end: usize,
}

struct ECode {
    number: u16,
    name: &'static str,
    kind: AdditiveKind,
}

const E_CODES: &[ECode] = &[
    ECode {
        number: 338,
        name: "phosphoric acid",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 339,
        name: "sodium phosphates",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 340,
        name: "potassium phosphates",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 341,
        name: "calcium phosphates",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 342,
        name: "ammonium phosphates",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 343,
        name: "magnesium phosphates",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 450,
        name: "diphosphates",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 451,
        name: "triphosphates",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 452,
        name: "polyphosphates",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 540,
        name: "dicalcium diphosphate",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 541,
        name: "sodium aluminium phosphate",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 542,
        name: "bone phosphate",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 544,
        name: "calcium polyphosphates",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 545,
        name: "ammonium polyphosphates",
        kind: AdditiveKind::Inorganic,
    },
    ECode {
        number: 1410,
        name: "monostarch phosphate",
        kind: AdditiveKind::StarchPhosphate,
    },
    ECode {
        number: 1412,
        name: "distarch phosphate",
        kind: AdditiveKind::StarchPhosphate,
    },
    ECode {
        number: 1413,
        name: "phosphated distarch phosphate",
        kind: AdditiveKind::StarchPhosphate,
    },
    ECode {
        number: 1414,
        name: "acetylated distarch phosphate",
        kind: AdditiveKind::StarchPhosphate,
    },
    ECode {
        number: 1442,
        name: "hydroxypropyl distarch phosphate",
        kind: AdditiveKind::StarchPhosphate,
    },
    ECode {
        number: 442,
        name: "ammonium phosphatides",
        kind: AdditiveKind::PhosphateEster,
    },
    ECode {
        number: 626,
        name: "guanylic acid",
        kind: AdditiveKind::PhosphateEster,
    },
    ECode {
        number: 627,
        name: "disodium guanylate",
        kind: AdditiveKind::PhosphateEster,
    },
    ECode {
        number: 628,
        name: "dipotassium guanylate",
        kind: AdditiveKind::PhosphateEster,
    },
    ECode {
        number: 629,
        name: "calcium guanylate",
        kind: AdditiveKind::PhosphateEster,
    },
    ECode {
        number: 630,
        name: "inosinic acid",
        kind: AdditiveKind::PhosphateEster,
    },
    ECode {
        number: 631,
        name: "disodium inosinate",
        kind: AdditiveKind::PhosphateEster,
    },
    ECode {
        number: 632,
        name: "dipotassium inosinate",
        kind: AdditiveKind::PhosphateEster,
    },
    ECode {
        number: 633,
        name: "calcium inosinate",
        kind: AdditiveKind::PhosphateEster,
    },
    ECode {
        number: 634,
        name: "calcium 5'-ribonucleotides",
        kind: AdditiveKind::PhosphateEster,
    },
    ECode {
        number: 635,
        name: "disodium 5'-ribonucleotides",
        kind: AdditiveKind::PhosphateEster,
    },
];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Finds the phosphate additives in an ingredient list, in text order.
pub fn detect_phosphate_additives(ingredients: &str) -> Vec<PhosphateAdditive> {
    let lower = ingredients.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut found: Vec<PhosphateAdditive> = Vec::new();

    // Words with a phosphate root.
    let mut i = 0;
    while i < b.len() {
        if !is_word_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_word_byte(b[i]) {
            i += 1;
        }
        let word = &lower[start..i];
        if let Some(a) = classify_word(&lower, ingredients, start, i, word) {
            found.push(a);
        }
    }

    // E-numbers.
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'e' && (i == 0 || !is_word_byte(b[i - 1])) {
            let mut j = i + 1;
            if j < b.len() && (b[j] == b' ' || b[j] == b'-') {
                j += 1;
            }
            let digits_start = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let ndig = j - digits_start;
            if (3..=4).contains(&ndig) {
                let number: u16 = lower[digits_start..j].parse().unwrap_or(0);
                let (suffix_end, suffix) = roman_suffix(b, j);
                if suffix_end >= b.len() || !is_word_byte(b[suffix_end]) {
                    let code = E_CODES.iter().find(|c| c.number == number);
                    let riboflavin_phosphate = number == 101 && suffix == Some("ii");
                    if code.is_some() || riboflavin_phosphate {
                        let (name, kind) = match code {
                            Some(c) => (c.name, c.kind),
                            None => ("riboflavin-5'-phosphate", AdditiveKind::PhosphateEster),
                        };
                        let e = format!("E{number}");
                        merge_or_push(
                            &mut found,
                            PhosphateAdditive {
                                text: ingredients[i..suffix_end].to_string(),
                                name: name.to_string(),
                                e_number: Some(e),
                                kind,
                                start: i,
                                end: suffix_end,
                            },
                        );
                    }
                    i = suffix_end;
                    continue;
                }
            }
        }
        i += 1;
    }
    found.sort_by_key(|a| a.start);
    found
}

/// An optional sub-index after an E-number: "i", "ii", "(iii)", "(a)".
fn roman_suffix(b: &[u8], j: usize) -> (usize, Option<&'static str>) {
    const ROMANS: [&str; 9] = ["viii", "vii", "iii", "ix", "iv", "vi", "ii", "v", "i"];
    let (open, k) = if b.get(j) == Some(&b'(') {
        (true, j + 1)
    } else {
        (false, j)
    };
    for r in ROMANS {
        let end = k + r.len();
        if b.get(k..end) == Some(r.as_bytes()) {
            if open {
                if b.get(end) == Some(&b')') {
                    return (end + 1, Some(r));
                }
            } else if end >= b.len() || !is_word_byte(b[end]) {
                return (end, Some(r));
            }
        }
    }
    (j, None)
}

/// An E-number written just after the name it belongs to ("disodium phosphate (E339)") joins
/// that finding rather than counting twice.
fn merge_or_push(found: &mut Vec<PhosphateAdditive>, e: PhosphateAdditive) {
    if let Some(prev) = found.iter_mut().find(|a| {
        a.end <= e.start
            && e.start - a.end <= 4
            && a.kind == e.kind
            && (a.e_number.is_none() || a.e_number == e.e_number)
    }) {
        prev.e_number = e.e_number;
        return;
    }
    found.push(e);
}

fn classify_word(
    lower: &str,
    original: &str,
    start: usize,
    end: usize,
    word: &str,
) -> Option<PhosphateAdditive> {
    let rooted = word.contains("phosph") || word.contains("fosf") || word.contains("фосф");
    if !rooted {
        return None;
    }
    // Phospholipids and the nutrient name are not additives; "phosphated" is an adjective whose
    // noun ("… distarch phosphate") follows.
    const NOT_ADDITIVES: [&str; 8] = [
        "phosphatid",
        "phospholipid",
        "phosphorus",
        "phosphated",
        "phosphorylated",
        "fosfatid",
        "fosfolip",
        "fosforo",
    ];
    if NOT_ADDITIVES.iter().any(|p| word.starts_with(p)) && !word.starts_with("phosphatides") {
        return None;
    }
    // The phrase: up to four words before, within the same ingredient (stop at , ; ( ) : .).
    let seg_start = lower[..start]
        .rfind([',', ';', '(', ')', ':', '.', '[', ']'])
        .map_or(0, |p| p + 1);
    let before: Vec<&str> = lower[seg_start..start]
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let take = before.len().saturating_sub(4);
    let before = &before[take..];
    let mut phrase_start = start;
    if let Some(first) = before.first()
        && let Some(p) = lower[seg_start..start].find(first)
    {
        phrase_start = seg_start + p;
    }
    // "phosphoric acid": the noun follows.
    let mut end = end;
    if word.starts_with("phosphoric") || word.starts_with("fosfor") {
        let rest = &lower[end..];
        let trimmed = rest.trim_start();
        for noun in ["acid", "ácido", "säure"] {
            if trimmed.starts_with(noun) {
                let after = end + (rest.len() - trimmed.len()) + noun.len();
                if after >= lower.len() || !is_word_byte(lower.as_bytes()[after]) {
                    end = after;
                }
            }
        }
    }
    let text = original[phrase_start..end].to_string();
    let name = lower[phrase_start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let has = |w: &str| before.iter().any(|b| b.contains(w));

    let (kind, e) = if word.starts_with("phosphatides") {
        if has("ammonium") {
            (AdditiveKind::PhosphateEster, Some(442))
        } else {
            return None;
        }
    } else if has("starch") || word.contains("starch") {
        let e = if name.contains("hydroxypropyl") {
            1442
        } else if name.contains("acetylated") {
            1414
        } else if name.contains("phosphated") {
            1413
        } else if name.contains("distarch") {
            1412
        } else {
            1410
        };
        (AdditiveKind::StarchPhosphate, Some(e))
    } else if word.contains("glycerophosph")
        || [
            "riboflavin",
            "pyridox",
            "thiamin",
            "ascorbyl",
            "nicotinamide",
            "5'",
            "5-",
            "nucleotide",
        ]
        .iter()
        .any(|w| has(w))
    {
        let e = has("riboflavin").then_some(101);
        (AdditiveKind::PhosphateEster, e)
    } else {
        (AdditiveKind::Inorganic, infer_e_number(&name, word))
    };
    Some(PhosphateAdditive {
        text,
        name,
        e_number: e.map(|n| format!("E{n}")),
        kind,
        start: phrase_start,
        end,
    })
}

fn infer_e_number(name: &str, word: &str) -> Option<u16> {
    if word.starts_with("phosphoric") {
        return Some(338);
    }
    let poly = word.contains("polyphosph") || word.contains("metaphosph");
    let tri = word.contains("triphosph") || word.contains("tripolyphosph");
    let di = word.contains("pyrophosph") || word.contains("diphosph");
    if name.contains("alumin") {
        return Some(541);
    }
    if name.contains("ferric") || name.contains("iron") {
        return None;
    }
    if tri {
        return Some(451);
    }
    if poly {
        return Some(452);
    }
    if di {
        return Some(450);
    }
    let cation = [
        ("sodium", 339),
        ("potassium", 340),
        ("calcium", 341),
        ("ammonium", 342),
        ("magnesium", 343),
    ];
    cation
        .iter()
        .find(|(c, _)| name.contains(c))
        .map(|(_, e)| *e)
}

/// True when any of the additives is an inorganic phosphate (the kind that matters).
pub fn has_inorganic_phosphate(additives: &[PhosphateAdditive]) -> bool {
    additives.iter().any(|a| a.kind == AdditiveKind::Inorganic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, Option<String>, AdditiveKind)> {
        detect_phosphate_additives(text)
            .into_iter()
            .map(|a| (a.name, a.e_number, a.kind))
            .collect()
    }

    #[test]
    fn e_numbers_with_word_boundaries() {
        let f =
            detect_phosphate_additives("Stabiliser: E450(i), E 339, e-452, E3390, ale339, E1422");
        let codes: Vec<_> = f.iter().filter_map(|a| a.e_number.clone()).collect();
        assert_eq!(codes, ["E450", "E339", "E452"]);
    }

    #[test]
    fn names_get_e_numbers() {
        assert_eq!(
            names("disodium phosphate"),
            [(
                "disodium phosphate".into(),
                Some("E339".into()),
                AdditiveKind::Inorganic
            )]
        );
        assert_eq!(
            names("sodium aluminum phosphate")[0].1.as_deref(),
            Some("E541")
        );
        assert_eq!(
            names("sodium hexametaphosphate")[0].1.as_deref(),
            Some("E452")
        );
        assert_eq!(
            names("sodium tripolyphosphate")[0].1.as_deref(),
            Some("E451")
        );
        assert_eq!(
            names("sodium acid pyrophosphate")[0].1.as_deref(),
            Some("E450")
        );
        assert_eq!(names("Phosphoric Acid")[0].1.as_deref(), Some("E338"));
        assert_eq!(names("tricalcium phosphate")[0].1.as_deref(), Some("E341"));
    }

    #[test]
    fn name_and_code_count_once() {
        let f = detect_phosphate_additives("salt, disodium phosphate (E339), sugar");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].e_number.as_deref(), Some("E339"));
        assert_eq!(f[0].text, "disodium phosphate");
    }

    #[test]
    fn not_additives() {
        assert!(names("soy lecithin (E322), phosphatidylcholine, phosphatidylserine").is_empty());
        assert!(names("Phosphorus 120 mg").is_empty());
        assert!(names("modified corn starch, E1422, E1440").is_empty());
    }

    #[test]
    fn minor_kinds() {
        assert_eq!(
            names("hydroxypropyl distarch phosphate")[0].2,
            AdditiveKind::StarchPhosphate
        );
        assert_eq!(
            names("hydroxypropyl distarch phosphate")[0].1.as_deref(),
            Some("E1442")
        );
        assert_eq!(
            names("riboflavin-5'-phosphate")[0].2,
            AdditiveKind::PhosphateEster
        );
        assert_eq!(names("E101(ii)")[0].2, AdditiveKind::PhosphateEster);
        assert!(names("E101").is_empty());
        assert_eq!(
            names("calcium glycerophosphate")[0].2,
            AdditiveKind::PhosphateEster
        );
    }

    #[test]
    fn never_panics_on_odd_text() {
        for t in [
            "",
            "e",
            "E",
            "E-",
            "E12345",
            "é339",
            "фосфат натрия",
            "(((",
            "E339(",
            "E339(ii",
        ] {
            let _ = detect_phosphate_additives(t);
        }
        assert_eq!(names("фосфат натрия").len(), 1);
    }
}
