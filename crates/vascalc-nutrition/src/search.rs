//! Ranked, typo-tolerant food search written for this table.
//!
//! Names are split into lower-case, accent-folded word tokens with a light plural stemmer. A query
//! token matches a name token exactly (weight 1.0), as a prefix (0.75, query of 3+ letters) or
//! within a small Damerau–Levenshtein distance (0.6 at distance 1 for 4+ letters, 0.4 at
//! distance 2 for 7+ letters). A food's score adds the best match of every query token, plus a
//! bonus when the words sit early in the name (SR names run from general to specific:
//! "Fish, salmon, Atlantic, wild, raw"), and a prior that prefers common raw or whole foods over
//! branded, fast-food, restaurant and baby foods and over long, highly qualified names. Foods
//! that match every query token rank above those that miss one.

use serde::Serialize;

use crate::food::Food;

/// One search result.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit<'a> {
    #[serde(flatten)]
    pub food: HitFood<'a>,
    pub score: f32,
}

/// The food fields a search result shows.
#[derive(Debug, Clone, Serialize)]
pub struct HitFood<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub source: &'a str,
}

#[derive(Debug)]
pub(crate) struct SearchIndex {
    /// Distinct stemmed tokens, sorted.
    vocab: Vec<String>,
    /// For each vocab entry: (food index, comma-segment index of the token in the name, whether
    /// the token is its segment's only word: "Milk" in "Milk, whole" but not in "Milk shakes").
    postings: Vec<Vec<(u32, u8, bool)>>,
    /// A per-food prior added to the score.
    prior: Vec<f32>,
    /// Does the name mark a raw food.
    raw: Vec<bool>,
    /// Does the name mark a processed form.
    processed: Vec<bool>,
}

const DOWNRANKED_GROUPS: [&str; 6] = [
    "Fast Foods",
    "Restaurant Foods",
    "Baby Foods",
    "Meals, Entrees, and Side Dishes",
    "American Indian/Alaska Native Foods",
    "Snacks",
];

/// Words that say how a food was prepared: a query with one of them turns the raw-food
/// preference off.
const COOKING_WORDS: [&str; 12] = [
    "cooked", "boiled", "roasted", "fried", "baked", "grilled", "broiled", "braised", "steamed",
    "canned", "frozen", "dried",
];

/// Words of processed forms, ranked lower unless the query asks for one.
const PROCESSED_WORDS: [&str; 10] = [
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
            segment = segment.saturating_add(1);
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

fn stem(word: &str) -> String {
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
        prev2 = prev;
        prev = cur;
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

fn is_branded(name: &str) -> bool {
    // SR names spell brands in capitals ("KRAFT", "McDONALD'S"): a run of 3+ capitals.
    let mut run = 0;
    for c in name.chars() {
        if c.is_uppercase() {
            run += 1;
            if run >= 3 {
                return true;
            }
        } else if c.is_alphabetic() {
            run = 0;
        }
    }
    false
}

impl SearchIndex {
    pub(crate) fn build(foods: &[Food]) -> SearchIndex {
        let mut pairs: Vec<(String, u32, u8, bool)> = Vec::with_capacity(foods.len() * 8);
        let mut prior = Vec::with_capacity(foods.len());
        let mut raw = Vec::with_capacity(foods.len());
        let mut processed = Vec::with_capacity(foods.len());
        for (i, f) in foods.iter().enumerate() {
            let toks = tokens_alone(&f.name);
            let segments = toks.last().map_or(0, |t| t.1) as f32;
            // Longer, more qualified names rank lower; words far down the name ("…, with added
            // vitamin D") weigh less than early qualifiers.
            let words: f32 = toks
                .iter()
                .map(|(_, seg, _)| 1.0 / (1.0 + f32::from(*seg)))
                .sum();
            let mut p = -0.04 * words - 0.05 * segments;
            // Foods with many household measures are the commonly eaten ones ("Tomatoes, red,
            // ripe, raw" has cup, slice, cherry, medium, …; "Tomatoes, orange" has few).
            p += 0.05 * f.portions.len().min(10) as f32;
            if toks
                .iter()
                .any(|(t, _, _)| PLAIN_WORDS.contains(&t.as_str()))
            {
                p += 0.1;
            }
            processed.push(
                toks.iter()
                    .any(|(t, _, _)| PROCESSED_WORDS.contains(&t.as_str())),
            );
            if f.group
                .as_deref()
                .is_some_and(|g| DOWNRANKED_GROUPS.contains(&g))
            {
                p -= 0.5;
            }
            if is_branded(&f.name) {
                p -= 0.4;
            }
            raw.push(toks.iter().any(|(t, _, _)| t == "raw"));
            prior.push(p);
            for (t, seg, alone) in toks {
                pairs.push((t, i as u32, seg, alone));
            }
        }
        // Per (token, food): the earliest segment, preferring one where the token is alone.
        pairs.sort_by(|a, b| (&a.0, a.1, !a.3, a.2).cmp(&(&b.0, b.1, !b.3, b.2)));
        pairs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let mut vocab: Vec<String> = Vec::new();
        let mut postings: Vec<Vec<(u32, u8, bool)>> = Vec::new();
        for (t, food, seg, alone) in pairs {
            if vocab.last() != Some(&t) {
                vocab.push(t);
                postings.push(Vec::new());
            }
            if let Some(p) = postings.last_mut() {
                p.push((food, seg, alone));
            }
        }
        SearchIndex {
            vocab,
            postings,
            prior,
            raw,
            processed,
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
        // Typos.
        let max = if q.len() >= 7 {
            2
        } else if q.len() >= 4 {
            1
        } else {
            0
        };
        if max > 0 {
            for (k, t) in self.vocab.iter().enumerate() {
                if t.starts_with(q) {
                    continue;
                }
                let tb = t.as_bytes();
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
        let q: Vec<String> = {
            let mut seen = Vec::new();
            for (t, _) in tokens(query) {
                if !seen.contains(&t) {
                    seen.push(t);
                }
            }
            seen
        };
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let wants_cooking = q
            .iter()
            .any(|t| COOKING_WORDS.contains(&t.as_str()) || PROCESSED_WORDS.contains(&t.as_str()));
        let n = foods.len();
        let mut total = vec![0f32; n];
        let mut hits = vec![0u8; n];
        let mut best = vec![0f32; n];
        let mut touched: Vec<u32> = Vec::new();
        for qt in &q {
            let ms = self.matches(qt);
            touched.clear();
            for (k, w) in ms {
                for &(food, seg, alone) in &self.postings[k] {
                    let mut s = w + 0.3 / (1.0 + seg as f32);
                    if alone && w >= 1.0 {
                        s += if seg == 0 { 0.3 } else { 0.2 };
                    }
                    let b = &mut best[food as usize];
                    if *b == 0.0 {
                        touched.push(food);
                    }
                    if s > *b {
                        *b = s;
                    }
                }
            }
            for &f in &touched {
                let f = f as usize;
                total[f] += best[f];
                hits[f] += 1;
                best[f] = 0.0;
            }
        }
        let nq = q.len() as u8;
        let mut scored: Vec<(f32, u32)> = Vec::new();
        for (i, &h) in hits.iter().enumerate() {
            if h == 0 {
                continue;
            }
            let mut s = total[i] + self.prior[i] - 2.0 * f32::from(nq - h);
            if !wants_cooking {
                if self.raw[i] {
                    s += 0.25;
                }
                if self.processed[i] {
                    s -= 0.15;
                }
            }
            scored.push((s, i as u32));
        }
        let keep = limit.min(scored.len());
        if keep < scored.len() {
            scored.select_nth_unstable_by(keep, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.truncate(keep);
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .filter_map(|(s, i)| {
                let f = foods.get(i as usize)?;
                Some(SearchHit {
                    food: HitFood {
                        id: &f.id,
                        name: &f.name,
                        source: &f.source,
                    },
                    score: s,
                })
            })
            .collect()
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
        assert!(!is_branded("Spinach, raw"));
    }
}
