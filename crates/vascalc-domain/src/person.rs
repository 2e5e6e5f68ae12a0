//! Who a person is, as the risk equations, percentiles and reference intakes split people.

use serde::{Deserialize, Serialize};

/// A closed list of names written in lower case: the enum with its serde spelling, `as_str`,
/// `ALL` and a `FromStr` that reads the spelling exactly (callers lower-case what people type) and
/// refuses anything else with an [`UnknownName`] naming the list.
macro_rules! named {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, UnknownName> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|x| x.as_str() == s)
                    .ok_or_else(|| UnknownName {
                        what: $what,
                        value: s.to_owned(),
                        allowed: Self::NAMES,
                    })
            }
        }
    };
}

named! {
    /// Sex as the risk equations, CAC percentiles and reference intakes use it; written `female`
    /// and `male`.
    Sex, "sex" { Female = "female", Male = "male" }
}

named! {
    /// Race/ethnicity as the risk equations (PCE, MESA) and the MESA CAC percentiles use it;
    /// written in lower case.
    Race, "race" {
        White = "white",
        Black = "black",
        Chinese = "chinese",
        Hispanic = "hispanic",
        Other = "other",
    }
}

named! {
    /// Kind of physical activity, as the record keeps it and the plan counts it.
    ActivityKind, "activity kind" {
        /// Moderate or vigorous aerobic activity (walking briskly, cycling, running, swimming…).
        Endurance = "endurance",
        /// Muscle-strengthening activity.
        Strength = "strength",
    }
}

named! {
    /// Smoking status as of a date.
    SmokingStatus, "smoking status" { Never = "never", Former = "former", Current = "current" }
}

/// A name that is not one of a closed list (`sex "other" is not one of female, male`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was being named: `sex`, `race`, `activity kind`, `smoking status`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_others_are_refused_in_words() {
        for &s in Sex::ALL {
            assert_eq!(s.as_str().parse::<Sex>(), Ok(s));
        }
        for &r in Race::ALL {
            assert_eq!(r.as_str().parse::<Race>(), Ok(r));
        }
        for &a in ActivityKind::ALL {
            assert_eq!(a.as_str().parse::<ActivityKind>(), Ok(a));
        }
        for &s in SmokingStatus::ALL {
            assert_eq!(s.as_str().parse::<SmokingStatus>(), Ok(s));
        }
        assert_eq!(
            "sometimes"
                .parse::<SmokingStatus>()
                .unwrap_err()
                .to_string(),
            "smoking status \"sometimes\" is not one of never, former, current"
        );
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
