//! Who a person is, as the risk equations, percentiles and reference intakes split people.

use serde::{Deserialize, Serialize};

/// Sex as the risk equations, CAC percentiles and reference intakes use it; written `female`
/// and `male`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
}

/// Race/ethnicity as the risk equations (PCE, MESA) and the MESA CAC percentiles use it;
/// written in lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Race {
    White,
    Black,
    Chinese,
    Hispanic,
    Other,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }
}

impl Race {
    pub fn as_str(self) -> &'static str {
        match self {
            Race::White => "white",
            Race::Black => "black",
            Race::Chinese => "chinese",
            Race::Hispanic => "hispanic",
            Race::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_spelling_is_as_str() {
        for s in [Sex::Female, Sex::Male] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        for r in [
            Race::White,
            Race::Black,
            Race::Chinese,
            Race::Hispanic,
            Race::Other,
        ] {
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
            assert_eq!(
                serde_json::from_str::<Race>(&format!("\"{}\"", r.as_str())).unwrap(),
                r
            );
        }
    }
}
