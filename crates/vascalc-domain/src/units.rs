//! The units a person reads values in (SI or US conventional) and the one factor table for the
//! body measures the record keeps (weight in kg, height and waist in cm). Lab analytes have
//! their own table (`analyte.rs`); which unit a lab result is shown in is
//! [`crate::Analyte::shown_unit`].
//!
//! Factors are exact by definition: the international yard and pound agreement of 1959
//! (1 lb = 0.453 592 37 kg, 1 in = 2.54 cm; NIST Handbook 44, Appendix C).

use serde::{Deserialize, Serialize};

/// Which units a person reads values in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Units {
    /// SI: mmol/L, µmol/L, mmol/mol, kg, cm, …
    Si,
    /// US conventional: mg/dL, %, lb, in, … (lab values are stored in these).
    Us,
}

impl Units {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Si => "si",
            Self::Us => "us",
        }
    }

    /// `si` or `us`, any case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "si" => Some(Self::Si),
            "us" => Some(Self::Us),
            _ => None,
        }
    }
}

/// Body-measure conversion factors (exact, 1959 international yard and pound).
pub mod factor {
    /// Kilograms per avoirdupois pound.
    pub const KG_PER_LB: f64 = 0.453_592_37;
    /// Centimetres per inch.
    pub const CM_PER_IN: f64 = 2.54;
}

/// A body measure the record keeps, stored in an SI unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyMeasure {
    /// Body weight, stored in kg.
    Weight,
    /// Height, stored in cm.
    Height,
    /// Waist circumference, stored in cm.
    Waist,
}

impl BodyMeasure {
    /// Every body measure.
    pub const ALL: [BodyMeasure; 3] = [Self::Weight, Self::Height, Self::Waist];

    /// A short human name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Weight => "weight",
            Self::Height => "height",
            Self::Waist => "waist",
        }
    }

    /// The unit the record stores (SI).
    pub const fn stored_unit(self) -> &'static str {
        match self {
            Self::Weight => "kg",
            Self::Height | Self::Waist => "cm",
        }
    }

    /// The US customary unit.
    pub const fn us_unit(self) -> &'static str {
        match self {
            Self::Weight => "lb",
            Self::Height | Self::Waist => "in",
        }
    }

    /// Stored units per US unit.
    const fn factor(self) -> f64 {
        match self {
            Self::Weight => factor::KG_PER_LB,
            Self::Height | Self::Waist => factor::CM_PER_IN,
        }
    }

    /// The unit a person who reads `units` sees: the US unit for [`Units::Us`], else the
    /// stored SI unit (no preference: as stored).
    pub const fn shown_unit(self, units: Option<Units>) -> &'static str {
        match units {
            Some(Units::Us) => self.us_unit(),
            _ => self.stored_unit(),
        }
    }

    /// A stored value as a person who reads `units` sees it: the value and its unit.
    pub fn shown(self, stored: f64, units: Option<Units>) -> (f64, &'static str) {
        match units {
            Some(Units::Us) => (stored / self.factor(), self.us_unit()),
            _ => (stored, self.stored_unit()),
        }
    }

    /// The unit of this measure in `units`: the US unit for [`Units::Us`], else the stored one.
    pub const fn unit(self, units: Units) -> &'static str {
        match units {
            Units::Us => self.us_unit(),
            Units::Si => self.stored_unit(),
        }
    }

    /// The values the record accepts, in the stored unit: weight 20–350 kg, height 50–250 cm,
    /// waist 40–250 cm (beyond the recorded extremes of adults: a value outside is a slip of
    /// the unit or of the keyboard).
    pub const fn plausible(self) -> (f64, f64) {
        match self {
            Self::Weight => (20.0, 350.0),
            Self::Height => (50.0, 250.0),
            Self::Waist => (40.0, 250.0),
        }
    }

    /// [`plausible`](Self::plausible) in `unit` (the stored or the US unit), rounded inward to
    /// 0.1 so that every value in the range said is accepted: weight 44.1–771.6 lb.
    pub fn plausible_in(self, unit: &str) -> Option<(f64, f64)> {
        let (lo, hi) = self.plausible();
        let (lo, hi) = (self.from_stored(lo, unit)?, self.from_stored(hi, unit)?);
        // The inward rounding tolerates the last bit of the conversion (20 kg is 44.09 lb).
        Some((
            (lo * 10.0 - 1e-9).ceil() / 10.0,
            (hi * 10.0 + 1e-9).floor() / 10.0,
        ))
    }

    /// Which of the person's unit systems `unit` belongs to for this measure (any spelling
    /// [`to_stored`](Self::to_stored) accepts): `kg` → SI, `lbs` → US; `None` for another unit.
    pub fn units_of(self, unit: &str) -> Option<Units> {
        let one = 1.0;
        match self.to_stored(one, unit)? {
            v if v == one => Some(Units::Si),
            _ => Some(Units::Us),
        }
    }

    /// The units accepted on input, stored unit first.
    pub const fn units(self) -> [&'static str; 2] {
        [self.stored_unit(), self.us_unit()]
    }

    /// `value` in `unit` (the stored or the US unit, any case; `lbs`, `inch` and `inches` too)
    /// in the stored unit; `None` for another unit.
    pub fn to_stored(self, value: f64, unit: &str) -> Option<f64> {
        let u = unit.trim().to_ascii_lowercase();
        let us = match (self, u.as_str()) {
            (Self::Weight, "lbs" | "pound" | "pounds") => true,
            (Self::Height | Self::Waist, "inch" | "inches" | "\"") => true,
            (_, u) if u == self.stored_unit() => false,
            (_, u) if u == self.us_unit() => true,
            _ => return None,
        };
        Some(if us { value * self.factor() } else { value })
    }

    /// A stored value in `unit` (the stored or the US unit); `None` for another unit.
    pub fn from_stored(self, stored: f64, unit: &str) -> Option<f64> {
        if unit == self.stored_unit() {
            Some(stored)
        } else if unit == self.us_unit() {
            Some(stored / self.factor())
        } else {
            None
        }
    }
}

/// Body-mass index, kg/m², from a weight in kg and a height in cm (the record's stored units):
/// weight ÷ height². The one formula that `profile show` and the clinical profile use (WHO,
/// "Obesity: preventing and managing the global epidemic", TRS 894, 2000).
pub fn bmi(weight_kg: f64, height_cm: f64) -> f64 {
    weight_kg / (height_cm / 100.0).powi(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Every body measure, SI → US → SI: back within display precision (1e-9 relative).
        #[test]
        fn si_to_us_to_si_round_trips(i in 0..BodyMeasure::ALL.len(), si in 1.0f64..400.0) {
            let m = BodyMeasure::ALL[i];
            let (us, unit) = m.shown(si, Some(Units::Us));
            proptest::prop_assert_eq!(unit, m.us_unit());
            let back = m.to_stored(us, unit).unwrap();
            proptest::prop_assert!((back - si).abs() <= 1e-9 * si, "{:?}: {} → {} → {}", m, si, us, back);
            proptest::prop_assert_eq!(m.from_stored(back, m.stored_unit()), Some(back));
        }
    }

    #[test]
    fn pounds_and_inches_are_the_1959_definitions() {
        // 1 lb = 0.45359237 kg and 1 in = 2.54 cm exactly (NIST Handbook 44, Appendix C):
        // 154 lb = 69.853 kg, 70 in = 177.8 cm.
        assert!((BodyMeasure::Weight.to_stored(154.0, "lb").unwrap() - 69.853_225).abs() < 1e-6);
        assert!((BodyMeasure::Height.to_stored(70.0, "in").unwrap() - 177.8).abs() < 1e-9);
        assert_eq!(BodyMeasure::Waist.to_stored(90.0, "CM"), Some(90.0));
        assert_eq!(BodyMeasure::Weight.to_stored(90.0, "cm"), None);
        let (v, u) = BodyMeasure::Weight.shown(69.853_225_0, Some(Units::Us));
        assert!((v - 154.0).abs() < 1e-6 && u == "lb", "{v} {u}");
        assert_eq!(
            BodyMeasure::Weight.shown(70.0, Some(Units::Si)),
            (70.0, "kg")
        );
        assert_eq!(BodyMeasure::Waist.shown(90.0, None), (90.0, "cm"));
    }

    proptest::proptest! {
        /// Every value inside the range said in a unit is inside the stored range, and the
        /// range said is at most 0.1 narrower at each end.
        #[test]
        fn the_range_said_in_a_unit_is_accepted_whole(i in 0..BodyMeasure::ALL.len(), us: bool, t in 0.0f64..=1.0) {
            let m = BodyMeasure::ALL[i];
            let unit = m.unit(if us { Units::Us } else { Units::Si });
            let (lo, hi) = m.plausible_in(unit).unwrap();
            let (slo, shi) = m.plausible();
            let v = m.to_stored(lo + t * (hi - lo), unit).unwrap();
            proptest::prop_assert!((slo..=shi).contains(&v), "{:?} {} {}–{} → {}", m, unit, lo, hi, v);
            let (xlo, xhi) = (m.from_stored(slo, unit).unwrap(), m.from_stored(shi, unit).unwrap());
            proptest::prop_assert!(lo - xlo < 0.1 + 1e-9 && xhi - hi < 0.1 + 1e-9);
        }
    }

    #[test]
    fn plausible_ranges_in_each_unit() {
        // 20 kg = 44.09 lb, 350 kg = 771.62 lb; 50 cm = 19.69 in, 250 cm = 98.43 in.
        assert_eq!(BodyMeasure::Weight.plausible_in("lb"), Some((44.1, 771.6)));
        assert_eq!(BodyMeasure::Weight.plausible_in("kg"), Some((20.0, 350.0)));
        assert_eq!(BodyMeasure::Height.plausible_in("in"), Some((19.7, 98.4)));
        assert_eq!(BodyMeasure::Waist.plausible_in("in"), Some((15.8, 98.4)));
        assert_eq!(BodyMeasure::Waist.plausible_in("lb"), None);
        assert_eq!(BodyMeasure::Weight.units_of("lbs"), Some(Units::Us));
        assert_eq!(BodyMeasure::Weight.units_of("KG"), Some(Units::Si));
        assert_eq!(BodyMeasure::Waist.units_of("inches"), Some(Units::Us));
        assert_eq!(BodyMeasure::Waist.units_of("kg"), None);
        assert_eq!(BodyMeasure::Height.unit(Units::Us), "in");
    }

    #[test]
    fn bmi_is_weight_over_height_squared() {
        // 81 kg at 180 cm: 81 / 1.8² = 25.0 kg/m² (WHO TRS 894: the overweight cut-off).
        assert!((bmi(81.0, 180.0) - 25.0).abs() < 1e-12);
        assert!((bmi(70.0, 175.0) - 22.857_142_857).abs() < 1e-8);
    }

    #[test]
    fn units_parse_in_any_case() {
        assert_eq!(Units::parse(" SI "), Some(Units::Si));
        assert_eq!(Units::parse("us"), Some(Units::Us));
        assert_eq!(Units::parse("metric"), None);
        assert_eq!(Units::Si.as_str(), "si");
    }
}
