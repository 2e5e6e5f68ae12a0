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
    fn of(f: &'a Food) -> Self {
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

const ALSO_SEGMENT: u8 = u8::MAX;

#[derive(Debug)]
pub(crate) struct SearchIndex {
    /// Distinct stemmed tokens, sorted.
    vocab: Vec<String>,
    postings: Vec<Vec<Posting>>,
    /// A per-food prior added to the score.
    prior: Vec<f32>,
    /// Name marks: raw; a cooked or prepared form; a processed form.
    raw: Vec<bool>,
    cooked: Vec<bool>,
    processed: Vec<bool>,
    /// Name tokens without "nfs", sorted (for exact matches).
    name_tokens: Vec<Vec<u32>>,
    /// Each food's group (foods of the same normalised name) and each group's members,
    /// primary first.
    group_of: Vec<u32>,
    groups: Vec<Vec<u32>>,
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
    pub(crate) fn build(foods: &[Food], also: &[&str]) -> SearchIndex {
        let n = foods.len();
        let mut pairs: Vec<(String, u32, u8, bool)> = Vec::with_capacity(n * 8);
        let mut prior = Vec::with_capacity(n);
        let mut raw = Vec::with_capacity(n);
        let mut cooked = Vec::with_capacity(n);
        let mut processed = Vec::with_capacity(n);
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
            // FNDDS's "not further specified" record is the generic food ("Sushi, NFS").
            if has(&["nfs"]) {
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
            processed.push(has(&PROCESSED_WORDS));
            raw.push(has(&["raw"]));
            cooked.push(has(&PREPARED_WORDS));
            prior.push(p);
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
        let mut vocab: Vec<String> = Vec::new();
        let mut postings: Vec<Vec<Posting>> = Vec::new();
        let mut name_tokens: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (t, food, seg, alone) in pairs {
            if vocab.last() != Some(&t) {
                vocab.push(t);
                postings.push(Vec::new());
            }
            let k = (vocab.len() - 1) as u32;
            if seg != ALSO_SEGMENT && vocab[k as usize] != "nfs" {
                name_tokens[food as usize].push(k);
            }
            if let Some(p) = postings.last_mut() {
                p.push(Posting { food, seg, alone });
            }
        }
        // Groups: foods whose names have the same words.
        keys.sort();
        let mut group_of = vec![0u32; n];
        let mut groups: Vec<Vec<u32>> = Vec::new();
        let mut start = 0;
        while start < keys.len() {
            let end = keys[start..]
                .iter()
                .position(|k| k.0 != keys[start].0)
                .map_or(keys.len(), |e| start + e);
            let mut members: Vec<u32> = keys[start..end].iter().map(|k| k.1).collect();
            members.sort_by_key(|&m| (primary_rank(&foods[m as usize]), m));
            for &m in &members {
                group_of[m as usize] = groups.len() as u32;
            }
            groups.push(members);
            start = end;
        }
        SearchIndex {
            vocab,
            postings,
            prior,
            raw,
            cooked,
            processed,
            name_tokens,
            group_of,
            groups,
        }
    }

    /// Vocabulary entries matching a query token, with the match weight.
    fn matches(&self, q: &str) -> Vec<(usize, f32)> {
        let qb = q.as_bytes();
        let mut out = Vec::new();
        // Exact and prefix matches from the sorted vocabulary.
        let start = self.vocab.partition_point(|t| t.as_str() < q);
        // A query that is a whole word of the vocabulary ("coffee") is less likely to mean a
        // longer word it begins ("coffeecake") than one typed half-way ("brocc").
        let is_word = self.vocab.get(start).is_some_and(|t| t == q);
        let prefix_weight = if is_word { 0.5 } else { 0.75 };
        for (k, t) in self.vocab.iter().enumerate().skip(start) {
            if !t.starts_with(q) {
                break;
            }
            if t == q {
                out.push((k, 1.0));
            } else if q.len() >= 3 {
                out.push((k, prefix_weight - 0.01 * (t.len() - q.len()).min(10) as f32));
            }
        }
        // Typos, only for a query word the table does not hold.
        let max = if is_word {
            0
        } else if q.len() >= 7 {
            2
        } else if q.len() >= 4 {
            1
        } else {
            0
        };
        if max > 0 {
            for (k, t) in self.vocab.iter().enumerate() {
                let tb = t.as_bytes();
                if tb.len() + max < qb.len() || t.starts_with(q) {
                    continue;
                }
                if let Some(d) = bounded_distance(qb, tb, max) {
                    out.push((k, if d == 1 { 0.6 } else { 0.4 }));
                } else if tb.len() > qb.len() && qb.len() >= 5 {
                    // A typo in a prefix ("brocol" → "broccoli").
                    if bounded_distance(qb, &tb[..qb.len()], 1).is_some() {
                        out.push((k, 0.5));
                    }
                }
            }
        }
        out
    }

    pub(crate) fn search<'a>(
        &self,
        foods: &'a [Food],
        query: &str,
        limit: usize,
    ) -> Vec<SearchHit<'a>> {
        let q = query_words(query);
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let wants_cooking = q
            .iter()
            .any(|t| COOKING_WORDS.contains(&t.as_str()) || PROCESSED_WORDS.contains(&t.as_str()));
        let eaten_cooked = q.iter().any(|t| EATEN_COOKED.contains(&t.as_str()));
        let n = foods.len();
        let mut total = vec![0f32; n];
        let mut hits = vec![0u8; n];
        let mut exact_words = vec![0u8; n];
        let mut best = vec![0f32; n];
        let mut best_exact = vec![false; n];
        // Per food: the latest name segment any query word needed (255: not in the head).
        let mut head_seg = vec![0u8; n];
        let mut tok_seg = vec![ALSO_SEGMENT; n];
        let mut touched: Vec<u32> = Vec::new();
        for qt in &q {
            let ms = self.matches(qt);
            touched.clear();
            for (k, w) in ms {
                for p in &self.postings[k] {
                    let mut s = if p.seg == ALSO_SEGMENT {
                        0.8 * w
                    } else {
                        w + 0.3 / (1.0 + f32::from(p.seg))
                    };
                    if p.alone && w >= 1.0 {
                        s += if p.seg == 0 { 0.3 } else { 0.2 };
                    }
                    let f = p.food as usize;
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
                total[f] += best[f];
                hits[f] += 1;
                exact_words[f] += u8::from(best_exact[f]);
                head_seg[f] = head_seg[f].max(tok_seg[f]);
                best[f] = 0.0;
                best_exact[f] = false;
                tok_seg[f] = ALSO_SEGMENT;
            }
        }
        let nq = q.len().min(usize::from(u8::MAX)) as u8;
        let mut scored: Vec<(f32, u32)> = Vec::new();
        for (i, &h) in hits.iter().enumerate() {
            if h == 0 {
                continue;
            }
            let mut s = total[i] + self.prior[i] - 2.0 * f32::from(nq.saturating_sub(h));
            // The whole name is the query ("Peanut butter" for "peanut butter", not "Peanut
            // butter sandwich, NFS").
            if exact_words[i] == nq && self.name_tokens[i].len() == usize::from(nq) {
                s += EXACT_NAME_BONUS;
            }
            if !wants_cooking {
                if eaten_cooked {
                    if self.raw[i] {
                        s -= 0.3;
                    } else if self.cooked[i] {
                        s += 0.1;
                    }
                } else if self.raw[i] {
                    s += 0.25;
                }
                if self.processed[i] {
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
                let g = self.group_of[i as usize];
                if seen_groups.contains(&g) {
                    continue;
                }
                seen_groups.push(g);
                let members = &self.groups[g as usize];
                let primary = members[0] as usize;
                let exact = exact_words[i as usize] == nq
                    && self.name_tokens[i as usize].len() == usize::from(nq);
                out.push(SearchHit {
                    food: HitFood::of(&foods[primary]),
                    score: s,
                    exact,
                    head: hits[i as usize] == nq && head_seg[i as usize] <= 1,
                    alternatives: members[1..]
                        .iter()
                        .map(|&m| HitFood::of(&foods[m as usize]))
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

/// How far the first result must lead the second (in score) to be taken without asking when
/// it is not [`SearchHit::head`].
pub const CONFIDENT_MARGIN: f32 = 0.6;

/// The hit a phrase clearly names, to log without asking: the only exact match ("natto" →
/// Natto, "sushi" → Sushi, NFS); else the first hit when it is the food itself in some form
/// ([`SearchHit::head`]: "2 eggs" → Egg, whole, boiled or poached, the ranking having chosen
/// the everyday form), or when it leads the second by [`CONFIDENT_MARGIN`]. `None` when the
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
