//! Ranked, typo-tolerant food search written for this table and for the way people name food.
//!
//! Names are split into lower-case, accent-folded word tokens with a light plural stemmer. The
//! query goes through the same tokeniser, loses its filler words ("with", "of", "a"), and
//! British or other everyday words are rewritten to the table's words ([`SYNONYMS`]:
//! courgette → zucchini, porridge → oatmeal, prawn → shrimp). A query token matches a name token
//! exactly (weight 1.0), as a prefix (0.75, or 0.5 when the query is itself a whole word of the
//! table: "coffee" is unlikely to mean "coffeecake"; 3+ letters) or within a small
//! Damerau–Levenshtein distance (0.6 at distance 1 for 4+ letters, 0.4 at distance 2 for 7+
//! letters). Words of a food's other descriptions (FNDDS "Additional food description":
//! "prawn", "BLT", "crumpet") match at 0.8 of that weight. A food's score adds the best match of
//! every query token, a bonus when the words sit early in the name (names run from general to
//! specific: "Fish, salmon, Atlantic, wild, raw"), and a prior:
//!
//! - common over rare: FNDDS's generic "NFS" (not further specified) foods, foods with many
//!   household portions, short names; branded, fast-food, restaurant, school, baby and
//!   "as ingredient" foods lower;
//! - the form people eat: for foods usually eaten cooked ([`EATEN_COOKED`]: eggs, rice, oats,
//!   meat, fish, beans, …) the raw record ranks below cooked and prepared ones; for others
//!   (fruit, nuts, salad vegetables) the raw, whole form ranks first; processed forms (dried,
//!   powder, canned, mix) rank lower unless the query asks for one.
//!
//! Foods that match every query token rank above those that miss one. Foods that several
//! releases describe under the same name ("Broccoli, raw" in SR28, Foundation Foods and FNDDS)
//! are one result: the primary record is the one with literature values (natto's MK-7), else
//! SR28, Foundation Foods, FNDDS, Ciqual in that order, and the others are its alternatives.

use serde::Serialize;

use crate::food::{Food, Provenance};
use crate::packed::{
    check_offsets, f32_at, push_u32, read_sections, to_u32, u32_at, u32_len, write_sections,
};

/// One search result: a food, the other releases' records of the same food, and its score.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit<'a> {
    #[serde(flatten)]
    pub food: HitFood<'a>,
    pub score: f32,
    /// Every word of the food's name (but "NFS") is a word of the query and vice versa:
    /// "natto" for "Natto", "sushi" for "Sushi, NFS".
    pub exact: bool,
    /// Every query word is a whole word (or the start of one) in the first two parts of the
    /// name ("eggs" in "Egg, whole, boiled", "latte" in "Coffee, Latte"): the hit is that food
    /// in some form, not a dish that merely contains it.
    pub head: bool,
    /// The same food in other releases (same name), with their sources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<HitFood<'a>>,
}

/// The food fields a search result shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitFood<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub source: &'a str,
}

impl<'a> HitFood<'a> {
    pub(crate) fn of(f: &'a Food) -> Self {
        HitFood {
            id: &f.id,
            name: &f.name,
            source: &f.source,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Posting {
    food: u32,
    /// Comma segment of the token in the name (0 = first); 255 for the other descriptions.
    seg: u8,
    /// The token is its segment's only word ("Milk" in "Milk, whole").
    alone: bool,
}

impl Posting {
    /// Packed as one `u32`: food in bits 0–19, `alone` in bit 23, segment in bits 24–31.
    fn pack(self) -> u32 {
        self.food | (u32::from(self.alone) << 23) | (u32::from(self.seg) << 24)
    }

    fn unpack(v: u32) -> Posting {
        Posting {
            food: v & MAX_FOODS,
            seg: (v >> 24) as u8,
            alone: v & (1 << 23) != 0,
        }
    }
}

/// The most foods a search index holds (the food number takes 20 bits of a posting).
const MAX_FOODS: u32 = (1 << 20) - 1;

const ALSO_SEGMENT: u8 = u8::MAX;

/// Name marks in [`SearchIndex`]'s flags: raw; a cooked or prepared form; a processed form.
const RAW: u8 = 1;
const COOKED: u8 = 2;
const PROCESSED: u8 = 4;

/// The search index, packed (see [`crate::packed`]) so that the shipped table's index, built
/// by `vascalc-foodgen` into `data/foods.idx`, is used in place. Sections, in order:
///
/// | # | section | contents |
/// |---|---|---|
/// | 0 | vocabulary offsets | `u32` × (V + 1) into section 1 |
/// | 1 | vocabulary | the distinct stemmed tokens, sorted, concatenated |
/// | 2 | letter signatures | `u32` × V: bit `b % 32` set for every byte `b` of the token |
/// | 3 | posting offsets | `u32` × (V + 1) into section 4 |
/// | 4 | postings | `u32` per (token, food) ([`Posting::pack`]), by token then food |
/// | 5 | prior | `f32` per food, added to its score |
/// | 6 | marks | `u8` per food: [`RAW`], [`COOKED`], [`PROCESSED`] |
/// | 7 | name words | `u8` per food: distinct name tokens but "nfs" |
/// | 8 | group of each food | `u32` per food |
/// | 9 | group offsets | `u32` × (G + 1) into section 10 |
/// | 10 | group members | `u32` per food, by group, primary first |
/// | 11 | first-part words | `u8` per food: distinct tokens of the name's first part, but "nfs" and filler words |
///
/// preceded by the number of foods (`u32`).
pub(crate) struct SearchIndex {
    bytes: std::borrow::Cow<'static, [u8]>,
    foods: usize,
    vocab_len: usize,
    s: [std::ops::Range<usize>; SECTIONS],
}

const SECTIONS: usize = 12;
const VOCAB_OFF: usize = 0;
const VOCAB: usize = 1;
const SIG: usize = 2;
const POST_OFF: usize = 3;
const POST: usize = 4;
const PRIOR: usize = 5;
const MARKS: usize = 6;
const NAME_WORDS: usize = 7;
const GROUP_OF: usize = 8;
const GROUP_OFF: usize = 9;
const GROUP_MEM: usize = 10;
const FIRST_WORDS: usize = 11;

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("foods", &self.foods)
            .field("words", &self.vocab_len)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// The letter signature of a word: bit `b % 32` for each byte `b`. A word within edit
/// distance `d` of another lacks at most `d` of its signature bits (each edit removes at most
/// one letter), which rules most of the vocabulary out before the distance is computed.
fn signature(w: &[u8]) -> u32 {
    w.iter().fold(0, |s, &b| s | 1 << (b % 32))
}
const DOWNRANKED_GROUPS: [&str; 6] = [
    "Fast Foods",
    "Restaurant Foods",
    "Baby Foods",
    "Meals, Entrees, and Side Dishes",
    "American Indian/Alaska Native Foods",
    "Snacks",
];

/// Words of a name that mark foods few people mean when they type a plain word.
const RARE_WORDS: [&str; 8] = [
    "restaurant",
    "school",
    "infant",
    "formula",
    "toddler",
    "baby",
    "diet",
    "meal",
];

/// Words that say how a food was prepared: a query with one of them turns the raw-food
/// preference off.
const COOKING_WORDS: [&str; 16] = [
    "cooked",
    "boiled",
    "roasted",
    "fried",
    "baked",
    "grilled",
    "broiled",
    "braised",
    "steamed",
    "canned",
    "frozen",
    "dried",
    "poached",
    "scrambled",
    "toasted",
    "raw",
];

/// Words of a cooked or prepared form in a food name.
const PREPARED_WORDS: [&str; 14] = [
    "cooked",
    "boiled",
    "roasted",
    "fried",
    "baked",
    "grilled",
    "broiled",
    "braised",
    "steamed",
    "poached",
    "scrambled",
    "stewed",
    "made",
    "prepared",
];

/// Foods usually eaten cooked: for these the raw record is not what a person means.
pub const EATEN_COOKED: [&str; 28] = [
    "egg",
    "rice",
    "oat",
    "oatmeal",
    "pasta",
    "spaghetti",
    "noodle",
    "potato",
    "beef",
    "pork",
    "chicken",
    "turkey",
    "lamb",
    "salmon",
    "cod",
    "fish",
    "bean",
    "lentil",
    "chickpea",
    "quinoa",
    "bacon",
    "sausage",
    "shrimp",
    "steak",
    "barley",
    "couscous",
    "tuna",
    "haddock",
];

/// Words of processed forms, ranked lower unless the query asks for one.
const PROCESSED_WORDS: [&str; 12] = [
    "iced",
    "bottled",
    "dried",
    "dehydrated",
    "powder",
    "canned",
    "frozen",
    "imitation",
    "substitute",
    "mix",
    "prepared",
    "sodium",
];

/// Words of the plain, everyday form.
const PLAIN_WORDS: [&str; 3] = ["whole", "plain", "fresh"];

/// Query words that carry no food meaning.
const FILLER_WORDS: [&str; 12] = [
    "with", "and", "of", "a", "an", "the", "on", "in", "some", "my", "for", "or",
];

/// Everyday and British words rewritten to the table's (US, USDA) words. Matched on stemmed
/// tokens; a multi-word entry must match consecutive words. Where a word has no food of its
/// own in the releases, the nearest one is named (flat white → latte; muesli → granola).
pub const SYNONYMS: &[(&[&str], &[&str])] = &[
    (&["courgette"], &["zucchini"]),
    (&["aubergine"], &["eggplant"]),
    (&["prawn"], &["shrimp"]),
    (&["king", "prawn"], &["shrimp"]),
    (&["porridge"], &["oatmeal"]),
    (&["yoghurt"], &["yogurt"]),
    (&["crisp"], &["potato", "chip"]),
    (&["jacket", "potato"], &["potato", "baked"]),
    (&["roast", "chicken"], &["chicken", "roasted"]),
    (&["swede"], &["rutabaga"]),
    (&["beetroot"], &["beet"]),
    (&["biscuit"], &["cookie"]),
    (&["wholemeal"], &["whole", "wheat"]),
    (&["semi", "skimmed"], &["reduced", "fat"]),
    (&["skimmed"], &["skim"]),
    (&["lasagne"], &["lasagna"]),
    (&["omelette"], &["omelet"]),
    (
        &["spaghetti", "bolognese"],
        &["pasta", "tomato", "sauce", "meat"],
    ),
    (&["bolognese"], &["pasta", "tomato", "sauce", "meat"]),
    (&["doner", "kebab"], &["gyro"]),
    (&["kebab"], &["kabob"]),
    (&["coriander"], &["cilantro"]),
    (&["mince"], &["ground", "beef"]),
    (&["minced", "beef"], &["ground", "beef"]),
    (&["soda"], &["soft", "drink"]),
    (&["fizzy", "drink"], &["soft", "drink"]),
    (&["fry"], &["french", "fry"]),
    (&["fish", "chip"], &["fish", "fried"]),
    (&["flat", "white"], &["latte"]),
    (&["cafe", "au", "lait"], &["cafe", "con", "leche"]),
    (&["muesli"], &["granola"]),
    (&["mash"], &["potato", "mashed"]),
    (&["dhal"], &["dal"]),
    (&["green", "salad"], &["lettuce", "salad"]),
    (&["side", "salad"], &["lettuce", "salad"]),
    (&["garbanzo"], &["chickpea"]),
    (&["steamed"], &["cooked"]),
    (&["french", "toast"], &["french", "toast"]),
    (&["melba", "toast"], &["melba", "toast"]),
    (&["toast"], &["bread", "toasted"]),
    (&["hot", "chocolate"], &["hot", "chocolate", "cocoa"]),
];

/// Tokens with their segment and whether each is alone in its segment.
fn tokens_alone(text: &str) -> Vec<(String, u8, bool)> {
    let t = tokens(text);
    t.iter()
        .map(|(w, seg)| {
            let n = t.iter().filter(|(_, s)| s == seg).count();
            (w.clone(), *seg, n == 1)
        })
        .collect()
}

/// Lower-case, fold common accents, split into word tokens, stem plurals.
pub(crate) fn tokens(text: &str) -> Vec<(String, u8)> {
    let mut out = Vec::new();
    let mut segment: u8 = 0;
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<(String, u8)>, segment: u8| {
        if !cur.is_empty() {
            out.push((stem(cur), segment));
            cur.clear();
        }
    };
    for c in text.chars() {
        if c == ',' || c == '(' || c == ';' {
            flush(&mut cur, &mut out, segment);
            segment = segment.saturating_add(1).min(ALSO_SEGMENT - 1);
        } else if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                cur.push(fold(l));
            }
        } else if c == '\'' || c == '’' {
            // "McDONALD'S" → "mcdonalds"
        } else {
            flush(&mut cur, &mut out, segment);
        }
    }
    flush(&mut cur, &mut out, segment);
    out
}

fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

pub(crate) fn stem(word: &str) -> String {
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..n - 3]);
    }
    if n > 4
        && (word.ends_with("oes")
            || word.ends_with("shes")
            || word.ends_with("ches")
            || word.ends_with("xes"))
    {
        return word[..n - 2].to_string();
    }
    if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        return word[..n - 1].to_string();
    }
    word.to_string()
}

/// The query's words as the index reads them: tokenised, filler words dropped (unless nothing
/// else is left), synonyms applied, each word once.
pub(crate) fn query_words(query: &str) -> Vec<String> {
    let raw: Vec<String> = tokens(query).into_iter().map(|(t, _)| t).collect();
    let kept: Vec<String> = raw
        .iter()
        .filter(|t| !FILLER_WORDS.contains(&t.as_str()))
        .cloned()
        .collect();
    let words = if kept.is_empty() { raw } else { kept };
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    'outer: while i < words.len() {
        for (from, to) in SYNONYMS {
            let end = i + from.len();
            if end <= words.len() && words[i..end].iter().zip(from.iter()).all(|(a, b)| a == b) {
                out.extend(to.iter().map(|s| s.to_string()));
                i = end;
                continue 'outer;
            }
        }
        out.push(words[i].clone());
        i += 1;
    }
    let mut seen: Vec<String> = Vec::with_capacity(out.len());
    for w in out {
        if !seen.contains(&w) {
            seen.push(w);
        }
    }
    seen
}

/// Damerau–Levenshtein (optimal string alignment) distance, or `None` when above `max`.
/// Words longer than 63 bytes are not compared (no food word is that long).
fn bounded_distance(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    const CAP: usize = 64;
    if a.len().abs_diff(b.len()) > max || a.len() >= CAP || b.len() >= CAP {
        return None;
    }
    let w = b.len() + 1;
    let mut prev2 = [0usize; CAP];
    let mut prev = [0usize; CAP];
    let mut cur = [0usize; CAP];
    for (j, p) in prev.iter_mut().enumerate().take(w) {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        prev2[..w].copy_from_slice(&prev[..w]);
        prev[..w].copy_from_slice(&cur[..w]);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

fn is_branded(name: &str) -> bool {
    // SR names spell brands in capitals ("KRAFT", "McDONALD'S"): a run of 3+ capitals, but
    // not FNDDS's "NFS" (not further specified). FNDDS puts brands in parentheses with a
    // capital: "Hamburger (McDonalds)".
    let mut run = 0;
    let mut word = String::new();
    for c in name.chars().chain(std::iter::once(' ')) {
        if c.is_alphabetic() {
            word.push(c);
            if c.is_uppercase() {
                run += 1;
            } else {
                run = 0;
            }
            if run >= 3 && !"NFS".starts_with(word.as_str()) {
                return true;
            }
        } else {
            word.clear();
            run = 0;
        }
    }
    name.split('(')
        .skip(1)
        .any(|p| p.chars().next().is_some_and(char::is_uppercase))
}

/// Rank of a record as the primary of its group: literature values first, then by release.
fn primary_rank(f: &Food) -> u8 {
    if f.per_100g
        .iter()
        .any(|(_, v)| matches!(v.provenance, Provenance::Literature { .. }))
    {
        return 0;
    }
    match f.source.as_ref() {
        "usda-sr28" => 1,
        s if s.starts_with("usda-fdc-foundation") => 2,
        s if s.starts_with("usda-fndds") => 3,
        s if s.starts_with("anses-ciqual") => 4,
        _ => 5,
    }
}

impl SearchIndex {
    /// Builds the packed index of `foods` (with `also`, their other descriptions, by index).
    pub(crate) fn build(foods: &[Food], also: &[&str]) -> Result<SearchIndex, String> {
        Self::from_bytes(std::borrow::Cow::Owned(Self::pack(foods, also)?))
    }

    /// The packed bytes of the index of `foods`.
    pub(crate) fn pack(foods: &[Food], also: &[&str]) -> Result<Vec<u8>, String> {
        let n = foods.len();
        if n > MAX_FOODS as usize {
            return Err(format!(
                "{n} foods: a search index holds at most {MAX_FOODS}"
            ));
        }
        let mut pairs: Vec<(String, u32, u8, bool)> = Vec::with_capacity(n * 8);
        let mut prior: Vec<f32> = Vec::with_capacity(n);
        let mut marks: Vec<u8> = Vec::with_capacity(n);
        let mut first_words: Vec<u8> = Vec::with_capacity(n);
        let mut keys: Vec<(String, u32)> = Vec::with_capacity(n);
        for (i, f) in foods.iter().enumerate() {
            let toks = tokens_alone(&f.name);
            let has = |words: &[&str]| toks.iter().any(|(t, _, _)| words.contains(&t.as_str()));
            let segments = toks.last().map_or(0, |t| t.1) as f32;
            // Longer, more qualified names rank lower; words far down the name ("…, with added
            // vitamin D") weigh less than early qualifiers.
            let words: f32 = toks
                .iter()
                .filter(|(t, _, _)| t != "nfs")
                .map(|(_, seg, _)| 1.0 / (1.0 + f32::from(*seg)))
                .sum();
            let mut p = -0.04 * words - 0.05 * segments;
            // Foods with many household measures are the commonly eaten ones ("Tomatoes, red,
            // ripe, raw" has cup, slice, cherry, medium, …; "Tomatoes, orange" has few).
            p += 0.05 * f.portions.len().min(10) as f32;
            if has(&PLAIN_WORDS) {
                p += 0.1;
            }
            // FNDDS's "not further specified" record is the generic food ("Sushi, NFS"); not
            // a record that is unspecified in one qualifier only ("Bread, reduced calorie
            // and/or high fiber, white or NFS, toasted").
            if toks.iter().any(|(t, _, alone)| t == "nfs" && *alone) {
                p += 0.35;
            }
            if f.group
                .as_deref()
                .is_some_and(|g| DOWNRANKED_GROUPS.contains(&g) || g.starts_with("Baby"))
            {
                p -= 0.5;
            }
            if has(&RARE_WORDS) || f.name.contains("fast food") {
                p -= 0.35;
            }
            if f.name.contains("as ingredient") {
                p -= 1.0;
            }
            if is_branded(&f.name) {
                p -= 0.4;
            }
            let mut m = 0;
            if has(&["raw"]) {
                m |= RAW;
            }
            if has(&PREPARED_WORDS) {
                m |= COOKED;
            }
            if has(&PROCESSED_WORDS) {
                m |= PROCESSED;
            }
            marks.push(m);
            prior.push(p);
            let mut first: Vec<&str> = toks
                .iter()
                .filter(|(t, seg, _)| {
                    *seg == 0 && t != "nfs" && !FILLER_WORDS.contains(&t.as_str())
                })
                .map(|(t, _, _)| t.as_str())
                .collect();
            first.sort_unstable();
            first.dedup();
            first_words.push(first.len().min(usize::from(u8::MAX)) as u8);
            let mut key: Vec<&str> = toks.iter().map(|(t, _, _)| t.as_str()).collect();
            key.sort_unstable();
            keys.push((key.join(" "), i as u32));
            for (t, seg, alone) in toks {
                pairs.push((t, i as u32, seg, alone));
            }
            if let Some(a) = also.get(i).filter(|a| !a.is_empty()) {
                for (t, _) in tokens(a) {
                    pairs.push((t, i as u32, ALSO_SEGMENT, false));
                }
            }
        }
        // Per (token, food): the name's earliest segment, preferring one where the token is
        // alone, over the other descriptions.
        pairs.sort_by(|a, b| (&a.0, a.1, !a.3, a.2).cmp(&(&b.0, b.1, !b.3, b.2)));
        pairs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let mut vocab_off: Vec<u8> = Vec::new();
        let mut vocab: Vec<u8> = Vec::new();
        let mut sig: Vec<u8> = Vec::new();
        let mut post_off: Vec<u8> = Vec::new();
        let mut post: Vec<u8> = Vec::with_capacity(pairs.len() * 4);
        let mut name_words = vec![0u8; n];
        let mut last: Option<&str> = None;
        let mut postings = 0usize;
        for (t, food, seg, alone) in &pairs {
            if last != Some(t.as_str()) {
                push_u32(&mut vocab_off, to_u32(vocab.len(), "vocabulary bytes")?);
                push_u32(&mut post_off, to_u32(postings, "postings")?);
                push_u32(&mut sig, signature(t.as_bytes()));
                vocab.extend_from_slice(t.as_bytes());
                last = Some(t.as_str());
            }
            if *seg != ALSO_SEGMENT && t != "nfs" {
                let c = &mut name_words[*food as usize];
                *c = c.saturating_add(1);
            }
            push_u32(
                &mut post,
                Posting {
                    food: *food,
                    seg: *seg,
                    alone: *alone,
                }
                .pack(),
            );
            postings += 1;
        }
        push_u32(&mut vocab_off, to_u32(vocab.len(), "vocabulary bytes")?);
        push_u32(&mut post_off, to_u32(postings, "postings")?);
        // Groups: foods whose names have the same words.
        keys.sort();
        let mut group_of = vec![0u32; n];
        let mut group_off: Vec<u8> = Vec::new();
        let mut group_mem: Vec<u8> = Vec::with_capacity(n * 4);
        let mut groups = 0u32;
        let mut start = 0;
        while start < keys.len() {
            let end = keys[start..]
                .iter()
                .position(|k| k.0 != keys[start].0)
                .map_or(keys.len(), |e| start + e);
            let mut members: Vec<u32> = keys[start..end].iter().map(|k| k.1).collect();
            members.sort_by_key(|&m| (primary_rank(&foods[m as usize]), m));
            push_u32(&mut group_off, (group_mem.len() / 4) as u32);
            for &m in &members {
                group_of[m as usize] = groups;
                push_u32(&mut group_mem, m);
            }
            groups += 1;
            start = end;
        }
        push_u32(&mut group_off, (group_mem.len() / 4) as u32);
        let mut prior_b = Vec::with_capacity(n * 4);
        for p in prior {
            push_u32(&mut prior_b, p.to_bits());
        }
        let mut group_of_b = Vec::with_capacity(n * 4);
        for g in group_of {
            push_u32(&mut group_of_b, g);
        }
        let mut out = Vec::new();
        push_u32(&mut out, n as u32);
        write_sections(
            &mut out,
            &[
                vocab_off,
                vocab,
                sig,
                post_off,
                post,
                prior_b,
                marks,
                name_words,
                group_of_b,
                group_off,
                group_mem,
                first_words,
            ],
        )?;
        Ok(out)
    }

    /// An index from its packed bytes, its section sizes checked (not each entry).
    pub(crate) fn from_bytes(
        bytes: std::borrow::Cow<'static, [u8]>,
    ) -> Result<SearchIndex, String> {
        let b: &[u8] = &bytes;
        if b.len() < 4 {
            return Err("the search index is empty".into());
        }
        let n = u32_at(b, 0) as usize;
        let (s, end) = read_sections(b, 4, SECTIONS)?;
        if end != b.len() {
            return Err(format!("{} bytes after the search index", b.len() - end));
        }
        let Ok(s) = <[std::ops::Range<usize>; SECTIONS]>::try_from(s) else {
            return Err("wrong number of search index sections".into());
        };
        let sec = |i: usize| &b[s[i].clone()];
        let v = check_offsets(sec(VOCAB_OFF), sec(VOCAB).len(), "vocabulary")?;
        if u32_len(sec(SIG), "signatures")? != v {
            return Err("one letter signature per word is needed".into());
        }
        let posts = u32_len(sec(POST), "postings")?;
        if check_offsets(sec(POST_OFF), posts, "posting offsets")? != v {
            return Err("one posting list per word is needed".into());
        }
        if u32_len(sec(PRIOR), "prior")? != n
            || sec(MARKS).len() != n
            || sec(NAME_WORDS).len() != n
            || sec(FIRST_WORDS).len() != n
            || u32_len(sec(GROUP_OF), "groups")? != n
            || u32_len(sec(GROUP_MEM), "group members")? != n
        {
            return Err(format!("per-food sections do not hold {n} foods"));
        }
        check_offsets(sec(GROUP_OFF), n, "group offsets")?;
        // Entries are not checked one by one (that would read the whole index at start-up):
        // every read is bounds-checked, and a damaged entry gives a wrong result, never a
        // panic; the shipped index is compared with a fresh build by a test.
        Ok(SearchIndex {
            foods: n,
            vocab_len: v,
            s,
            bytes,
        })
    }

    /// The packed bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many foods the index covers.
    pub(crate) fn foods(&self) -> usize {
        self.foods
    }

    fn sec(&self, i: usize) -> &[u8] {
        self.bytes.get(self.s[i].clone()).unwrap_or(&[])
    }

    fn word<'s>(offsets: &[u8], vocab: &'s [u8], k: usize) -> &'s [u8] {
        let (a, b) = (u32_at(offsets, k) as usize, u32_at(offsets, k + 1) as usize);
        vocab.get(a..b).unwrap_or(&[])
    }

    /// Vocabulary entries matching a query token, with the match weight.
    fn matches(&self, q: &str) -> Vec<(usize, f32)> {
        let qb = q.as_bytes();
        let (offs, vocab, sigs) = (self.sec(VOCAB_OFF), self.sec(VOCAB), self.sec(SIG));
        let word = |k: usize| Self::word(offs, vocab, k);
        let mut out = Vec::new();
        // Exact and prefix matches from the sorted vocabulary.
        let (mut lo, mut hi) = (0, self.vocab_len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if word(mid) < qb {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let start = lo;
        // A query that is a whole word of the vocabulary ("coffee") is less likely to mean a
        // longer word it begins ("coffeecake") than one typed half-way ("brocc").
        let is_word = start < self.vocab_len && word(start) == qb;
        let prefix_weight = if is_word { 0.5 } else { 0.75 };
        for k in start..self.vocab_len {
            let t = word(k);
            if !t.starts_with(qb) {
                break;
            }
            if t == qb {
                out.push((k, 1.0));
            } else if qb.len() >= 3 {
                out.push((
                    k,
                    prefix_weight - 0.01 * (t.len() - qb.len()).min(10) as f32,
                ));
            }
        }
        // Typos, only for a query word the table does not hold.
        let max = if is_word {
            0
        } else if qb.len() >= 7 {
            2
        } else if qb.len() >= 4 {
            1
        } else {
            0
        };
        if max > 0 {
            let qsig = signature(qb);
            for k in 0..self.vocab_len {
                // Letters of the query the word lacks: each costs an edit (see `signature`).
                let lacks = (qsig & !u32_at(sigs, k)).count_ones() as usize;
                if lacks > max {
                    continue;
                }
                let tb = word(k);
                if tb.len() + max < qb.len() || tb.starts_with(qb) {
                    continue;
                }
                let whole = tb.len().abs_diff(qb.len()) <= max;
                let prefix = tb.len() > qb.len() && qb.len() >= 5 && lacks <= 1;
                if !whole && !prefix {
                    continue;
                }
                if let Some(d) = whole.then(|| bounded_distance(qb, tb, max)).flatten() {
                    out.push((k, if d == 1 { 0.6 } else { 0.4 }));
                } else if prefix {
                    // A typo in a prefix ("brocol" → "broccoli").
                    if bounded_distance(qb, &tb[..qb.len()], 1).is_some() {
                        out.push((k, 0.5));
                    }
                }
            }
        }
        out
    }

    /// Ranked search; `food` gives the id, name and source of a food by index.
    pub(crate) fn search<'a>(
        &self,
        query: &str,
        limit: usize,
        food: impl Fn(usize) -> HitFood<'a>,
    ) -> Vec<SearchHit<'a>> {
        let mut q = query_words(query);
        // Per-food counts of matched words are bytes.
        q.truncate(usize::from(u8::MAX));
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let wants_cooking = q
            .iter()
            .any(|t| COOKING_WORDS.contains(&t.as_str()) || PROCESSED_WORDS.contains(&t.as_str()));
        let eaten_cooked = q.iter().any(|t| EATEN_COOKED.contains(&t.as_str()));
        let n = self.foods;
        let (post_off, post) = (self.sec(POST_OFF), self.sec(POST));
        let (prior, marks, name_words) = (self.sec(PRIOR), self.sec(MARKS), self.sec(NAME_WORDS));
        let first_words = self.sec(FIRST_WORDS);
        let (group_of, group_off, group_mem) =
            (self.sec(GROUP_OF), self.sec(GROUP_OFF), self.sec(GROUP_MEM));
        let mut total = vec![0f32; n];
        let mut hits = vec![0u8; n];
        let mut exact_words = vec![0u8; n];
        let mut best = vec![0f32; n];
        let mut best_exact = vec![false; n];
        // Per food: the latest name segment any query word needed (255: not in the head).
        let mut head_seg = vec![0u8; n];
        let mut tok_seg = vec![ALSO_SEGMENT; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut any: Vec<u32> = Vec::new();
        for qt in &q {
            let ms = self.matches(qt);
            touched.clear();
            for (k, w) in ms {
                // (Clamped: a damaged offset must not make a long loop.)
                let (a, b) = (
                    u32_at(post_off, k) as usize,
                    (u32_at(post_off, k + 1) as usize).min(post.len() / 4),
                );
                for j in a..b {
                    let p = Posting::unpack(u32_at(post, j));
                    let mut s = if p.seg == ALSO_SEGMENT {
                        0.8 * w
                    } else {
                        w + 0.3 / (1.0 + f32::from(p.seg))
                    };
                    if p.alone && w >= 1.0 {
                        s += if p.seg == 0 { 0.3 } else { 0.2 };
                    }
                    let f = p.food as usize;
                    if f >= n {
                        continue;
                    }
                    if best[f] == 0.0 {
                        touched.push(p.food);
                    }
                    if s > best[f] {
                        best[f] = s;
                    }
                    if w >= 1.0 && p.seg != ALSO_SEGMENT {
                        best_exact[f] = true;
                    }
                    if w >= 0.5 && p.seg < tok_seg[f] {
                        tok_seg[f] = p.seg;
                    }
                }
            }
            for &f in &touched {
                let f = f as usize;
                if hits[f] == 0 {
                    any.push(f as u32);
                }
                total[f] += best[f];
                hits[f] += 1;
                exact_words[f] += u8::from(best_exact[f]);
                head_seg[f] = head_seg[f].max(tok_seg[f]);
                best[f] = 0.0;
                best_exact[f] = false;
                tok_seg[f] = ALSO_SEGMENT;
            }
        }
        any.sort_unstable();
        let nq = q.len().min(usize::from(u8::MAX)) as u8;
        let mut scored: Vec<(f32, u32)> = Vec::with_capacity(any.len());
        for &i in &any {
            let i = i as usize;
            let h = hits[i];
            let mut s = total[i] + f32_at(prior, i) - 2.0 * f32::from(nq.saturating_sub(h));
            let m = marks.get(i).copied().unwrap_or(0);
            // The whole name is the query ("Peanut butter" for "peanut butter", not "Peanut
            // butter sandwich, NFS").
            if exact_words[i] == nq && name_words.get(i) == Some(&nq) {
                s += EXACT_NAME_BONUS;
            }
            // Several query words that are the name's first part: the food itself ("Caesar
            // salad, with romaine" for "caesar salad", not "Salad dressing, caesar" nor
            // "Caesar salad dressing").
            if nq >= 2
                && exact_words[i] == nq
                && head_seg[i] == 0
                && first_words.get(i) == Some(&nq)
            {
                s += HEAD_PHRASE_BONUS;
            }
            if !wants_cooking {
                if eaten_cooked {
                    if m & RAW != 0 {
                        s -= 0.3;
                    } else if m & COOKED != 0 {
                        s += 0.1;
                    }
                } else if m & RAW != 0 {
                    s += 0.25;
                }
                if m & PROCESSED != 0 {
                    s -= 0.15;
                }
            }
            scored.push((s, i as u32));
        }
        let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        // Enough candidates for `limit` distinct groups in all but odd cases; else all.
        let mut keep = (limit * 4).min(scored.len());
        loop {
            let mut cand = scored.clone();
            if keep < cand.len() {
                cand.select_nth_unstable_by(keep, order);
                cand.truncate(keep);
            }
            cand.sort_by(order);
            let mut out: Vec<SearchHit<'a>> = Vec::with_capacity(limit);
            let mut seen_groups: Vec<u32> = Vec::with_capacity(limit);
            for (s, i) in cand {
                let g = u32_at(group_of, i as usize);
                if seen_groups.contains(&g) {
                    continue;
                }
                seen_groups.push(g);
                let (a, b) = (
                    u32_at(group_off, g as usize) as usize,
                    (u32_at(group_off, g as usize + 1) as usize).min(group_mem.len() / 4),
                );
                let primary = u32_at(group_mem, a) as usize;
                let exact =
                    exact_words[i as usize] == nq && name_words.get(i as usize) == Some(&nq);
                out.push(SearchHit {
                    food: food(primary),
                    score: s,
                    exact,
                    head: hits[i as usize] == nq && head_seg[i as usize] <= 1,
                    alternatives: (a + 1..b)
                        .map(|j| food(u32_at(group_mem, j) as usize))
                        .collect(),
                });
                if out.len() == limit {
                    break;
                }
            }
            if out.len() == limit || keep >= scored.len() {
                return out;
            }
            keep = scored.len();
        }
    }
}

/// Added when every word of a food's name (but "NFS") is a query word and vice versa.
const EXACT_NAME_BONUS: f32 = 0.4;

/// Added when a query of several words finds them all in the first part of a food's name.
const HEAD_PHRASE_BONUS: f32 = 0.2;

/// How far the first result must lead the second (in score) to be taken without asking when
/// it is not [`SearchHit::head`].
pub(crate) const CONFIDENT_MARGIN: f32 = 0.6;

/// The hit a phrase clearly names, to log without asking: the only exact match ("natto" →
/// Natto, "sushi" → Sushi, NFS); else the first hit when it is the food itself in some form
/// ([`SearchHit::head`]: "2 eggs" → Egg, whole, boiled or poached, the ranking having chosen
/// the everyday form), or when it leads the second by `CONFIDENT_MARGIN`. `None` when the
/// person should choose (several exact matches, or words that only a dish contains).
pub fn confident_hit<'h, 'a>(hits: &'h [SearchHit<'a>]) -> Option<&'h SearchHit<'a>> {
    let first = hits.first()?;
    let exact: Vec<&SearchHit<'a>> = hits.iter().filter(|h| h.exact).collect();
    if exact.len() == 1 {
        return Some(exact[0]);
    }
    if !exact.is_empty() {
        return None;
    }
    if first.head {
        return Some(first);
    }
    match hits.get(1) {
        None => Some(first),
        Some(second) => (first.score - second.score >= CONFIDENT_MARGIN).then_some(first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(bounded_distance(b"chedar", b"cheddar", 2), Some(1));
        assert_eq!(bounded_distance(b"slamon", b"salmon", 1), Some(1));
        assert_eq!(bounded_distance(b"abc", b"xyz", 1), None);
        assert_eq!(bounded_distance(b"", b"ab", 2), Some(2));
    }

    #[test]
    fn tokenising() {
        let t: Vec<String> = tokens("Fish, salmon, Atlantic, wild, raw")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(t, ["fish", "salmon", "atlantic", "wild", "raw"]);
        assert_eq!(tokens("Eggs")[0].0, "egg");
        assert_eq!(tokens("Berries")[0].0, "berry");
        assert_eq!(tokens("Crème fraîche")[0].0, "creme");
        assert!(is_branded("McDONALD'S, Big Mac"));
        assert!(is_branded("Hamburger (McDonalds)"));
        assert!(!is_branded("Spinach, raw"));
        assert!(!is_branded("Sushi, NFS"));
        assert!(!is_branded("Milk, reduced fat (2%)"));
    }

    #[test]
    fn query_words_drop_fillers_and_apply_synonyms() {
        assert_eq!(query_words("coffee with milk"), ["coffee", "milk"]);
        assert_eq!(query_words("Courgettes"), ["zucchini"]);
        assert_eq!(query_words("king prawns"), ["shrimp"]);
        assert_eq!(query_words("semi-skimmed milk"), ["reduced", "fat", "milk"]);
        assert_eq!(query_words("porridge"), ["oatmeal"]);
        assert_eq!(query_words("of"), ["of"]);
    }
}
