//! Coronary arteries and per-artery scores, with one spelling: `LM`, `LAD`, `LCX`, `RCA` in
//! names and in CT results, `lm`, `lad`, `lcx`, `rca` as the fields of [`ArteryScores`].

use serde::{Deserialize, Serialize};

/// A region calcium was found in: one of the four coronary arteries CAC-DRS counts, or any
/// other (aorta, valves, an unnamed label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Artery {
    /// Left main.
    #[serde(rename = "LM")]
    Lm,
    /// Left anterior descending.
    #[serde(rename = "LAD")]
    Lad,
    /// Left circumflex.
    #[serde(rename = "LCX")]
    Lcx,
    /// Right coronary artery.
    #[serde(rename = "RCA")]
    Rca,
    /// Not a coronary artery.
    #[serde(rename = "non_coronary")]
    NonCoronary,
}

impl Artery {
    /// The four coronary arteries, in the order CAC-DRS names them.
    pub const CORONARY: [Artery; 4] = [Artery::Lm, Artery::Lad, Artery::Lcx, Artery::Rca];

    /// The one spelling: `LM`, `LAD`, `LCX`, `RCA`, `non_coronary`.
    pub fn as_str(self) -> &'static str {
        match self {
            Artery::Lm => "LM",
            Artery::Lad => "LAD",
            Artery::Lcx => "LCX",
            Artery::Rca => "RCA",
            Artery::NonCoronary => "non_coronary",
        }
    }

    /// The artery's field in [`ArteryScores`] (and in the JSON of a profile): `lm`, `lad`,
    /// `lcx`, `rca`; `non_coronary` for the rest.
    pub fn field_name(self) -> &'static str {
        match self {
            Artery::Lm => "lm",
            Artery::Lad => "lad",
            Artery::Lcx => "lcx",
            Artery::Rca => "rca",
            Artery::NonCoronary => "non_coronary",
        }
    }

    /// The artery a region name means, in any case and with the usual aliases (`LMCA`,
    /// `left main`, `CX`, `LCx`, `LCIRC`); any other name is [`Artery::NonCoronary`].
    pub fn from_name(name: &str) -> Artery {
        match name.trim().to_ascii_uppercase().as_str() {
            "LM" | "LMCA" | "LEFT MAIN" => Artery::Lm,
            "LAD" => Artery::Lad,
            "LCX" | "LCXA" | "CX" | "LCIRC" => Artery::Lcx,
            "RCA" => Artery::Rca,
            _ => Artery::NonCoronary,
        }
    }

    pub fn is_coronary(self) -> bool {
        self != Artery::NonCoronary
    }
}

/// Agatston score per coronary artery (left main, LAD, circumflex, right coronary); an artery
/// not given is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArteryScores {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lad: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lcx: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rca: Option<f64>,
}

impl ArteryScores {
    /// The score of one coronary artery; `None` for one not given and for
    /// [`Artery::NonCoronary`].
    pub fn get(&self, artery: Artery) -> Option<f64> {
        match artery {
            Artery::Lm => self.lm,
            Artery::Lad => self.lad,
            Artery::Lcx => self.lcx,
            Artery::Rca => self.rca,
            Artery::NonCoronary => None,
        }
    }

    /// Adds `score` to the artery's (a coronary artery named twice, e.g. `LCX` and `CX`, sums);
    /// a non-coronary region is not kept.
    pub fn add(&mut self, artery: Artery, score: f64) {
        let slot = match artery {
            Artery::Lm => &mut self.lm,
            Artery::Lad => &mut self.lad,
            Artery::Lcx => &mut self.lcx,
            Artery::Rca => &mut self.rca,
            Artery::NonCoronary => return,
        };
        *slot = Some(slot.unwrap_or(0.0) + score);
    }

    /// The coronary arteries with their scores, in CAC-DRS order.
    pub fn iter(&self) -> impl Iterator<Item = (Artery, Option<f64>)> + '_ {
        Artery::CORONARY.into_iter().map(|a| (a, self.get(a)))
    }

    /// True when no artery is given.
    pub fn is_empty(&self) -> bool {
        self.iter().all(|(_, v)| v.is_none())
    }

    /// Number of coronary arteries with a score above 0: an artery not given has no calcium
    /// (see [`crate::cac_drs`] for why).
    pub fn vessels_with_calcium(&self) -> u8 {
        self.iter()
            .filter(|(_, v)| v.is_some_and(|v| v > 0.0))
            .count() as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_have_one_spelling() {
        for a in Artery::CORONARY {
            assert_eq!(Artery::from_name(a.as_str()), a);
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                format!("\"{}\"", a.as_str())
            );
        }
        assert_eq!(Artery::from_name(" lcx "), Artery::Lcx);
        assert_eq!(Artery::from_name("LCx"), Artery::Lcx);
        assert_eq!(Artery::from_name("left main"), Artery::Lm);
        assert_eq!(Artery::from_name("aorta"), Artery::NonCoronary);
    }

    #[test]
    fn scores_add_and_count() {
        let mut s = ArteryScores::default();
        assert!(s.is_empty());
        s.add(Artery::Lcx, 10.0);
        s.add(Artery::Lcx, 5.0);
        s.add(Artery::Rca, 0.0);
        s.add(Artery::NonCoronary, 99.0);
        assert_eq!(s.lcx, Some(15.0));
        assert_eq!(s.vessels_with_calcium(), 1);
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"lcx":15.0,"rca":0.0}"#
        );
    }
}
