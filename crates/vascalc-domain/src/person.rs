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

/// A name that is not one of a closed list (`sex "other" is not one of female, male`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was being named: `sex`, `race`.
    pub what: &'static str,
    pub value: String,
    /// The names accepted.
    pub allowed: &'static [&'static str],
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {:?} is not one of {}",
            self.what,
            self.value,
            self.allowed.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}

impl Sex {
    pub const ALL: [Sex; 2] = [Sex::Female, Sex::Male];
    const NAMES: &'static [&'static str] = &["female", "male"];
}

impl Race {
    pub const ALL: [Race; 5] = [
        Race::White,
        Race::Black,
        Race::Chinese,
        Race::Hispanic,
        Race::Other,
    ];
    const NAMES: &'static [&'static str] = &["white", "black", "chinese", "hispanic", "other"];
}

/// Reads the lower-case spelling exactly (`female`); callers lower-case what people type.
impl std::str::FromStr for Sex {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "sex",
                value: s.to_owned(),
                allowed: Self::NAMES,
            })
    }
}

/// Reads the lower-case spelling exactly (`white`); callers lower-case what people type.
impl std::str::FromStr for Race {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "race",
                value: s.to_owned(),
                allowed: Self::NAMES,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_others_are_refused_in_words() {
        for s in Sex::ALL {
            assert_eq!(s.as_str().parse::<Sex>(), Ok(s));
        }
        for r in Race::ALL {
            assert_eq!(r.as_str().parse::<Race>(), Ok(r));
        }
        assert_eq!(
            "other".parse::<Sex>().unwrap_err().to_string(),
            "sex \"other\" is not one of female, male"
        );
        assert!("White".parse::<Race>().is_err());
    }

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
