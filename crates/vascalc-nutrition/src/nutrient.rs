//! The nutrients vascalc tracks, with their canonical string keys and units.

use serde::{Deserialize, Serialize};

/// A nutrient, per 100 g of food. The serde form is the canonical key (`"magnesium_mg"`), which
/// also names the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nutrient {
    EnergyKcal,
    ProteinG,
    FatG,
    CarbohydrateG,
    FiberG,
    SodiumMg,
    PotassiumMg,
    CalciumMg,
    MagnesiumMg,
    PhosphorusMg,
    VitaminDUg,
    /// Vitamin K1.
    PhylloquinoneUg,
    /// Vitamin K2 as MK-4 (the only menaquinone USDA measures).
    Menaquinone4Ug,
    /// Vitamin K2 as MK-7 (natto and other fermented foods; literature only).
    Menaquinone7Ug,
    /// Vitamin K2 as MK-8 (literature only).
    Menaquinone8Ug,
    /// Vitamin K2 as MK-9 (literature only).
    Menaquinone9Ug,
    /// All menaquinones, where a source gives a total (Ciqual's K2 column, literature totals).
    /// It is never made up from MK-4 alone: a food whose long-chain menaquinones were not
    /// measured has no total.
    VitaminK2TotalUg,
    /// Eicosapentaenoic acid, 20:5 n-3.
    EpaG,
    /// Docosahexaenoic acid, 22:6 n-3.
    DhaG,
    /// Alpha-linolenic acid, 18:3 n-3.
    AlaG,
}

/// The unit a nutrient is expressed in, per 100 g of food.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    #[serde(rename = "kcal")]
    Kcal,
    #[serde(rename = "g")]
    Gram,
    #[serde(rename = "mg")]
    Milligram,
    #[serde(rename = "µg")]
    Microgram,
}

impl Unit {
    /// The unit's symbol (`"mg"`, `"µg"`).
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Kcal => "kcal",
            Unit::Gram => "g",
            Unit::Milligram => "mg",
            Unit::Microgram => "µg",
        }
    }
}

impl Nutrient {
    /// Every nutrient, in display order.
    pub const ALL: [Nutrient; 20] = [
        Nutrient::EnergyKcal,
        Nutrient::ProteinG,
        Nutrient::FatG,
        Nutrient::CarbohydrateG,
        Nutrient::FiberG,
        Nutrient::SodiumMg,
        Nutrient::PotassiumMg,
        Nutrient::CalciumMg,
        Nutrient::MagnesiumMg,
        Nutrient::PhosphorusMg,
        Nutrient::VitaminDUg,
        Nutrient::PhylloquinoneUg,
        Nutrient::Menaquinone4Ug,
        Nutrient::Menaquinone7Ug,
        Nutrient::Menaquinone8Ug,
        Nutrient::Menaquinone9Ug,
        Nutrient::VitaminK2TotalUg,
        Nutrient::EpaG,
        Nutrient::DhaG,
        Nutrient::AlaG,
    ];

    /// The canonical key, as used in JSON and in the shipped table (`"menaquinone7_ug"`).
    pub fn key(self) -> &'static str {
        match self {
            Nutrient::EnergyKcal => "energy_kcal",
            Nutrient::ProteinG => "protein_g",
            Nutrient::FatG => "fat_g",
            Nutrient::CarbohydrateG => "carbohydrate_g",
            Nutrient::FiberG => "fiber_g",
            Nutrient::SodiumMg => "sodium_mg",
            Nutrient::PotassiumMg => "potassium_mg",
            Nutrient::CalciumMg => "calcium_mg",
            Nutrient::MagnesiumMg => "magnesium_mg",
            Nutrient::PhosphorusMg => "phosphorus_mg",
            Nutrient::VitaminDUg => "vitamin_d_ug",
            Nutrient::PhylloquinoneUg => "phylloquinone_ug",
            Nutrient::Menaquinone4Ug => "menaquinone4_ug",
            Nutrient::Menaquinone7Ug => "menaquinone7_ug",
            Nutrient::Menaquinone8Ug => "menaquinone8_ug",
            Nutrient::Menaquinone9Ug => "menaquinone9_ug",
            Nutrient::VitaminK2TotalUg => "vitamin_k2_total_ug",
            Nutrient::EpaG => "epa_g",
            Nutrient::DhaG => "dha_g",
            Nutrient::AlaG => "ala_g",
        }
    }

    /// The nutrient with this canonical key, if any.
    pub fn from_key(key: &str) -> Option<Nutrient> {
        Nutrient::ALL.into_iter().find(|n| n.key() == key)
    }

    /// A name for people (`"Vitamin K2, MK-7"`).
    pub fn label(self) -> &'static str {
        match self {
            Nutrient::EnergyKcal => "Energy",
            Nutrient::ProteinG => "Protein",
            Nutrient::FatG => "Fat",
            Nutrient::CarbohydrateG => "Carbohydrate",
            Nutrient::FiberG => "Fibre",
            Nutrient::SodiumMg => "Sodium",
            Nutrient::PotassiumMg => "Potassium",
            Nutrient::CalciumMg => "Calcium",
            Nutrient::MagnesiumMg => "Magnesium",
            Nutrient::PhosphorusMg => "Phosphorus",
            Nutrient::VitaminDUg => "Vitamin D (D2 + D3)",
            Nutrient::PhylloquinoneUg => "Vitamin K1 (phylloquinone)",
            Nutrient::Menaquinone4Ug => "Vitamin K2, MK-4",
            Nutrient::Menaquinone7Ug => "Vitamin K2, MK-7",
            Nutrient::Menaquinone8Ug => "Vitamin K2, MK-8",
            Nutrient::Menaquinone9Ug => "Vitamin K2, MK-9",
            Nutrient::VitaminK2TotalUg => "Vitamin K2, all menaquinones",
            Nutrient::EpaG => "EPA (20:5 n-3)",
            Nutrient::DhaG => "DHA (22:6 n-3)",
            Nutrient::AlaG => "ALA (18:3 n-3)",
        }
    }

    /// The unit of the per-100 g value.
    pub fn unit(self) -> Unit {
        match self {
            Nutrient::EnergyKcal => Unit::Kcal,
            Nutrient::ProteinG
            | Nutrient::FatG
            | Nutrient::CarbohydrateG
            | Nutrient::FiberG
            | Nutrient::EpaG
            | Nutrient::DhaG
            | Nutrient::AlaG => Unit::Gram,
            Nutrient::SodiumMg
            | Nutrient::PotassiumMg
            | Nutrient::CalciumMg
            | Nutrient::MagnesiumMg
            | Nutrient::PhosphorusMg => Unit::Milligram,
            Nutrient::VitaminDUg
            | Nutrient::PhylloquinoneUg
            | Nutrient::Menaquinone4Ug
            | Nutrient::Menaquinone7Ug
            | Nutrient::Menaquinone8Ug
            | Nutrient::Menaquinone9Ug
            | Nutrient::VitaminK2TotalUg => Unit::Microgram,
        }
    }

    /// The position of this nutrient in [`Nutrient::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Nutrient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl std::str::FromStr for Nutrient {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Nutrient::from_key(s).ok_or_else(|| crate::Error::UnknownNutrient(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_match_serde() {
        for (i, n) in Nutrient::ALL.into_iter().enumerate() {
            assert_eq!(n.index(), i);
            assert_eq!(Nutrient::from_key(n.key()), Some(n));
            let json = serde_json::to_string(&n).unwrap();
            assert_eq!(json, format!("\"{}\"", n.key()));
        }
        assert_eq!(Nutrient::from_key("vitamin_k"), None);
    }

    #[test]
    fn unit_matches_key_suffix() {
        for n in Nutrient::ALL {
            let suffix = n.key().rsplit('_').next().unwrap();
            let expect = match suffix {
                "kcal" => "kcal",
                "g" => "g",
                "mg" => "mg",
                "ug" => "µg",
                other => panic!("unexpected suffix {other}"),
            };
            assert_eq!(n.unit().symbol(), expect, "{n}");
        }
    }
}
