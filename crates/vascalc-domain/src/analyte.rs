//! The one analyte table: for each lab value vascalc knows, its LOINC codes, the unit it is
//! stored in, the other units accepted with their conversions, a plausible range, and the
//! names people type. Record validation (`vascalc lab add`, `import`), the plan
//! (vascalc-program) and the clinical profile (vascalc-clinical) all read it.
//!
//! Factors follow from molar masses (see each constant); HbA1c uses the IFCC–NGSP master
//! equation (NGSP % = 0.09148 × IFCC mmol/mol + 2.152; Hoelzel et al., Clin Chem 2004, DOI
//! 10.1373/clinchem.2003.024802). dp-ucMGP and T50 have no LOINC code; vascalc uses the local
//! codes `vascalc:dp-ucmgp` and `vascalc:t50`.

use serde::{Deserialize, Serialize};

use crate::Units;

/// Where the LDL range of [`Analyte::plausible`] comes from.
pub const LDL_RANGE_SOURCE: &str = "5-900 mg/dL. Low end: LDL cholesterol below 0.5 mmol/L \
(19 mg/dL) is reached on PCSK9 inhibitors and was studied as such (Giugliano RP et al., Lancet \
2017;390:1962-1971, doi:10.1016/S0140-6736(17)32290-0, FOURIER), so 8 mg/dL can be a \
person's value; 5 mg/dL keeps refusing a value in mmol/L typed as mg/dL (3.4). High end: \
untreated homozygous familial hypercholesterolaemia exceeds 13 mmol/L (500 mg/dL) (Cuchel M \
et al., Eur Heart J 2014;35:2146-2157, doi:10.1093/eurheartj/ehu274).";

/// HbA1c, IFCC mmol/mol to NGSP %: the IFCC–NGSP master equation as the NGSP states it,
/// NGSP = 0.09148 × IFCC + 2.152 (ngsp.org/ifcc.asp; Hoelzel W et al., Clin Chem
/// 2004;50:166-174). 48 mmol/mol is 6.54 %.
pub const HBA1C_NGSP_PCT_PER_IFCC_MMOL_MOL: f64 = 0.09148;
pub const HBA1C_NGSP_PCT_AT_IFCC_ZERO: f64 = 2.152;

/// NGSP % from IFCC mmol/mol ([`HBA1C_NGSP_PCT_PER_IFCC_MMOL_MOL`]).
pub fn hba1c_pct_from_mmol_mol(mmol_mol: f64) -> f64 {
    HBA1C_NGSP_PCT_PER_IFCC_MMOL_MOL * mmol_mol + HBA1C_NGSP_PCT_AT_IFCC_ZERO
}

/// What a lab result measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Analyte {
    TotalCholesterol,
    Hdl,
    Ldl,
    Triglycerides,
    Creatinine,
    Egfr,
    Calcium,
    Phosphate,
    Magnesium,
    Pth,
    Vitamin25OhD,
    Hba1c,
    Glucose,
    Uacr,
    DpUcMgp,
    T50,
}

impl Analyte {
    /// Every analyte.
    pub const ALL: [Analyte; 16] = [
        Analyte::TotalCholesterol,
        Analyte::Hdl,
        Analyte::Ldl,
        Analyte::Triglycerides,
        Analyte::Creatinine,
        Analyte::Egfr,
        Analyte::Calcium,
        Analyte::Phosphate,
        Analyte::Magnesium,
        Analyte::Pth,
        Analyte::Vitamin25OhD,
        Analyte::Hba1c,
        Analyte::Glucose,
        Analyte::Uacr,
        Analyte::DpUcMgp,
        Analyte::T50,
    ];

    /// A short human name.
    pub fn name(self) -> &'static str {
        match self {
            Analyte::TotalCholesterol => "total cholesterol",
            Analyte::Hdl => "HDL cholesterol",
            Analyte::Ldl => "LDL cholesterol",
            Analyte::Triglycerides => "triglycerides",
            Analyte::Creatinine => "creatinine",
            Analyte::Egfr => "eGFR",
            Analyte::Calcium => "calcium",
            Analyte::Phosphate => "phosphate",
            Analyte::Magnesium => "magnesium",
            Analyte::Pth => "PTH",
            Analyte::Vitamin25OhD => "25-OH vitamin D",
            Analyte::Hba1c => "HbA1c",
            Analyte::Glucose => "glucose",
            Analyte::Uacr => "urine albumin/creatinine",
            Analyte::DpUcMgp => "dp-ucMGP",
            Analyte::T50 => "calcification propensity T50",
        }
    }

    /// The id used on the command line and in the record (`vascalc lab add ID …`).
    pub const fn id(self) -> &'static str {
        match self {
            Analyte::TotalCholesterol => "total_cholesterol",
            Analyte::Hdl => "hdl",
            Analyte::Ldl => "ldl",
            Analyte::Triglycerides => "triglycerides",
            Analyte::Creatinine => "creatinine",
            Analyte::Egfr => "egfr",
            Analyte::Calcium => "calcium",
            Analyte::Phosphate => "phosphate",
            Analyte::Magnesium => "magnesium",
            Analyte::Pth => "pth",
            Analyte::Vitamin25OhD => "vitamin_d_25oh",
            Analyte::Hba1c => "hba1c",
            Analyte::Glucose => "glucose",
            Analyte::Uacr => "uacr",
            Analyte::DpUcMgp => "dp_ucmgp",
            Analyte::T50 => "t50",
        }
    }

    /// The name the record shows, with the specimen or method where it matters.
    pub const fn description(self) -> &'static str {
        match self {
            Analyte::TotalCholesterol => "total cholesterol",
            Analyte::Hdl => "HDL cholesterol",
            Analyte::Ldl => "LDL cholesterol",
            Analyte::Triglycerides => "triglycerides",
            Analyte::Creatinine => "creatinine (serum)",
            Analyte::Egfr => "eGFR (CKD-EPI 2021, creatinine)",
            Analyte::Calcium => "calcium (serum, total)",
            Analyte::Phosphate => "phosphate (serum, as phosphorus)",
            Analyte::Magnesium => "magnesium (serum)",
            Analyte::Pth => "parathyroid hormone (intact)",
            Analyte::Vitamin25OhD => "25-hydroxyvitamin D (D2+D3)",
            Analyte::Hba1c => "HbA1c",
            Analyte::Glucose => "glucose (fasting, serum/plasma)",
            Analyte::Uacr => "urine albumin/creatinine ratio",
            Analyte::DpUcMgp => "dephospho-uncarboxylated matrix Gla protein (dp-ucMGP)",
            Analyte::T50 => "serum calcification propensity (T50)",
        }
    }

    /// Other names people type for it (lower case).
    pub const fn aliases(self) -> &'static [&'static str] {
        match self {
            Analyte::TotalCholesterol => &["tc", "cholesterol", "chol"],
            Analyte::Hdl => &["hdl_c", "hdl-c"],
            Analyte::Ldl => &["ldl_c", "ldl-c"],
            Analyte::Triglycerides => &["tg", "trig"],
            Analyte::Creatinine => &["creat", "scr"],
            Analyte::Egfr => &[],
            Analyte::Calcium => &["ca"],
            Analyte::Phosphate => &["phosphorus", "po4", "p"],
            Analyte::Magnesium => &["mg"],
            Analyte::Pth => &["ipth"],
            Analyte::Vitamin25OhD => &["vitamin_d", "25ohd", "25-oh-d", "vitd"],
            Analyte::Hba1c => &["a1c"],
            Analyte::Glucose => &["fpg", "glu"],
            Analyte::Uacr => &["acr", "albumin_creatinine"],
            Analyte::DpUcMgp => &["dp-ucmgp", "ucmgp"],
            Analyte::T50 => &["calcification_propensity"],
        }
    }

    /// The plausible range in the canonical unit (inclusive): a value outside is refused by the
    /// record (`lab add`, `import`) and by the clinical profile alike, so that a value the
    /// record keeps is one the risk equations read. The ranges are wide: they catch a value
    /// typed in the wrong unit (an LDL of 3.4 "mg/dL" is 3.4 mmol/L), not unusual people.
    /// LDL: 5–900 mg/dL; see [`LDL_RANGE_SOURCE`]. The others are the wider of the two ranges
    /// the record and the profile used before they were one table.
    pub const fn plausible(self) -> (f64, f64) {
        match self {
            Analyte::TotalCholesterol => (40.0, 1000.0),
            Analyte::Hdl => (5.0, 250.0),
            Analyte::Ldl => (5.0, 900.0),
            Analyte::Triglycerides => (10.0, 5000.0),
            Analyte::Creatinine => (0.1, 25.0),
            Analyte::Egfr => (1.0, 250.0),
            Analyte::Calcium => (4.0, 16.0),
            Analyte::Phosphate => (0.5, 15.0),
            Analyte::Magnesium => (0.5, 6.0),
            Analyte::Pth => (1.0, 3000.0),
            Analyte::Vitamin25OhD => (1.0, 250.0),
            Analyte::Hba1c => (3.0, 20.0),
            Analyte::Glucose => (20.0, 1000.0),
            Analyte::Uacr => (0.0, 50_000.0),
            Analyte::DpUcMgp => (10.0, 10_000.0),
            Analyte::T50 => (30.0, 1000.0),
        }
    }

    /// Whether `value` in the canonical unit is within [`Analyte::plausible`].
    pub fn is_plausible(self, value: f64) -> bool {
        let (lo, hi) = self.plausible();
        value.is_finite() && (lo..=hi).contains(&value)
    }

    /// The analyte an id, alias or LOINC code names (any case).
    pub fn find(name: &str) -> Option<Analyte> {
        let key = name.trim().to_ascii_lowercase();
        Analyte::ALL.into_iter().find(|a| {
            a.id() == key
                || a.aliases().contains(&key.as_str())
                || a.loinc_codes().iter().any(|c| c.eq_ignore_ascii_case(&key))
        })
    }

    /// The unit every value is converted to.
    pub fn canonical_unit(self) -> &'static str {
        match self {
            Analyte::TotalCholesterol
            | Analyte::Hdl
            | Analyte::Ldl
            | Analyte::Triglycerides
            | Analyte::Creatinine
            | Analyte::Calcium
            | Analyte::Phosphate
            | Analyte::Magnesium
            | Analyte::Glucose => "mg/dL",
            Analyte::Egfr => "mL/min/1.73m2",
            Analyte::Pth => "pg/mL",
            Analyte::Vitamin25OhD => "ng/mL",
            Analyte::Hba1c => "%",
            Analyte::Uacr => "mg/g",
            Analyte::DpUcMgp => "pmol/L",
            Analyte::T50 => "min",
        }
    }

    /// The code vascalc writes for this analyte: the first of [`Analyte::loinc_codes`].
    pub fn loinc(self) -> &'static str {
        // Every analyte lists at least one code (tested).
        self.loinc_codes().first().copied().unwrap_or("")
    }

    /// The codes read for this analyte; the first is the one vascalc writes.
    pub fn loinc_codes(self) -> &'static [&'static str] {
        match self {
            Analyte::TotalCholesterol => &["2093-3", "14647-2"],
            Analyte::Hdl => &["2085-9", "14646-4"],
            Analyte::Ldl => &["13457-7", "18262-6", "2089-1", "22748-8", "39469-2"],
            Analyte::Triglycerides => &["2571-8", "14927-8"],
            Analyte::Creatinine => &["2160-0", "14682-9", "38483-4"],
            Analyte::Egfr => &["98979-8", "98980-6", "62238-1", "33914-3"],
            Analyte::Calcium => &["17861-6", "2000-8"],
            Analyte::Phosphate => &["2777-1", "14879-1"],
            Analyte::Magnesium => &["19123-9", "2601-3"],
            Analyte::Pth => &["2731-8", "14866-8"],
            Analyte::Vitamin25OhD => &["62292-8", "1989-3", "14635-7"],
            Analyte::Hba1c => &["4548-4", "17856-6", "59261-8"],
            Analyte::Glucose => &["2345-7", "1558-6", "2339-0", "14749-6", "14771-0"],
            Analyte::Uacr => &["9318-7", "14959-1", "32294-1"],
            Analyte::DpUcMgp => &["vascalc:dp-ucmgp"],
            Analyte::T50 => &["vascalc:t50"],
        }
    }

    /// The analyte a code stands for.
    pub fn from_loinc(code: &str) -> Option<Analyte> {
        let code = code.trim();
        Analyte::ALL
            .into_iter()
            .find(|a| a.loinc_codes().iter().any(|c| c.eq_ignore_ascii_case(code)))
    }

    /// Units accepted besides the canonical one, as written for people, with the conversion to
    /// the canonical unit.
    pub fn other_units(self) -> &'static [(&'static str, Conversion)] {
        use Analyte::*;
        use Conversion::{Factor, IfccToNgsp};
        use factor::*;
        match self {
            TotalCholesterol | Hdl | Ldl => &[("mmol/L", Factor(CHOLESTEROL))],
            Triglycerides => &[("mmol/L", Factor(TRIGLYCERIDES))],
            Creatinine => &[("µmol/L", Factor(1.0 / CREATININE_UMOL))],
            Egfr => &[("mL/min/{1.73_m2}", Factor(1.0))],
            Calcium => &[("mmol/L", Factor(CALCIUM))],
            Phosphate => &[("mmol/L", Factor(PHOSPHORUS))],
            Magnesium => &[
                ("mmol/L", Factor(MAGNESIUM)),
                ("mEq/L", Factor(MAGNESIUM / 2.0)),
            ],
            Pth => &[("pmol/L", Factor(PTH)), ("ng/L", Factor(1.0))],
            Vitamin25OhD => &[
                ("nmol/L", Factor(1.0 / VITAMIN_D_25OH_NMOL)),
                ("µg/L", Factor(1.0)),
            ],
            Hba1c => &[("mmol/mol", IfccToNgsp)],
            Glucose => &[("mmol/L", Factor(GLUCOSE))],
            Uacr => &[("mg/mmol", Factor(UACR)), ("µg/mg", Factor(1.0))],
            DpUcMgp => &[],
            T50 => &[("minutes", Factor(1.0))],
        }
    }

    /// The SI unit results are shown in for a person who prefers SI: the first accepted unit
    /// in moles (`mmol/L`, `µmol/L`, `mmol/mol`, `mg/mmol`, …), else the canonical unit (eGFR,
    /// dp-ucMGP and T50 have one unit).
    pub fn si_unit(self) -> &'static str {
        self.other_units()
            .iter()
            .map(|(u, _)| *u)
            .find(|u| u.contains("mol"))
            .unwrap_or(self.canonical_unit())
    }

    /// The table's spelling of `unit` when it is one this analyte accepts (compared as
    /// [`Analyte::to_canonical`] compares units: `mmol/l` and `umol/L` are `mmol/L` and
    /// `µmol/L`); `None` otherwise.
    pub fn unit_spelling(self, unit: &str) -> Option<&'static str> {
        let key = unit_key(unit);
        std::iter::once(self.canonical_unit())
            .chain(self.other_units().iter().map(|(u, _)| *u))
            .find(|u| unit_key(u) == key)
    }

    /// The unit a result is shown in (docs/record.md, "Units"): a person who chose units reads
    /// every result in them (SI: [`Analyte::si_unit`]; US: the canonical unit); a person who
    /// did not reads it in the unit it was given in (`entered`, when the analyte accepts it),
    /// else in the canonical unit.
    pub fn shown_unit(self, units: Option<Units>, entered: Option<&str>) -> &'static str {
        match units {
            Some(Units::Si) => self.si_unit(),
            Some(Units::Us) => self.canonical_unit(),
            None => entered
                .and_then(|u| self.unit_spelling(u))
                .unwrap_or(self.canonical_unit()),
        }
    }

    /// A value in the canonical unit as [`Analyte::shown_unit`] shows it: the value and its
    /// unit.
    pub fn shown(
        self,
        canonical: f64,
        units: Option<Units>,
        entered: Option<&str>,
    ) -> (f64, &'static str) {
        let unit = self.shown_unit(units, entered);
        match self.from_canonical(canonical, unit) {
            Some(v) => (v, unit),
            None => (canonical, self.canonical_unit()),
        }
    }

    /// `value` in the canonical unit converted to `unit` (one of the accepted units), the
    /// inverse of [`Analyte::to_canonical`]; `None` for a unit not accepted.
    pub fn from_canonical(self, value: f64, unit: &str) -> Option<f64> {
        let key = unit_key(unit);
        if key == unit_key(self.canonical_unit()) {
            return Some(value);
        }
        self.other_units()
            .iter()
            .find(|(u, _)| unit_key(u) == key)
            .map(|(_, c)| c.invert(value))
    }

    /// `value` in `unit` converted to the canonical unit; `None` when the unit is not one of
    /// the canonical unit and [`Analyte::other_units`] (compared without case, spaces, or the
    /// µ/u difference).
    pub fn to_canonical(self, value: f64, unit: &str) -> Option<f64> {
        let key = unit_key(unit);
        if key == unit_key(self.canonical_unit()) {
            return Some(value);
        }
        self.other_units()
            .iter()
            .find(|(u, _)| unit_key(u) == key)
            .map(|(_, c)| c.apply(value))
    }
}

/// Conversion factors to the canonical (US conventional) unit: canonical = SI value × factor.
/// Each follows from the molar mass named.
pub mod factor {
    /// mg/dL per mmol/L of cholesterol (386.65 g/mol).
    pub const CHOLESTEROL: f64 = 38.67;
    /// mg/dL per mmol/L of triglycerides, as triolein (885.7 g/mol).
    pub const TRIGLYCERIDES: f64 = 88.57;
    /// µmol/L per mg/dL of creatinine (113.12 g/mol: 10 000 / 113.12 = 88.40).
    pub const CREATININE_UMOL: f64 = 88.4;
    /// mg/dL per mmol/L of calcium (40.08 g/mol).
    pub const CALCIUM: f64 = 4.008;
    /// mg/dL per mmol/L of phosphate, as phosphorus (30.97 g/mol).
    pub const PHOSPHORUS: f64 = 3.097;
    /// mg/dL per mmol/L of magnesium (24.305 g/mol); one mmol is two mEq.
    pub const MAGNESIUM: f64 = 2.4305;
    /// pg/mL per pmol/L of intact PTH (PTH 1-84, 9425 g/mol).
    pub const PTH: f64 = 9.425;
    /// nmol/L per ng/mL of 25-hydroxyvitamin D3 (400.64 g/mol: 1000 / 400.64 = 2.496).
    pub const VITAMIN_D_25OH_NMOL: f64 = 2.496;
    /// mg/dL per mmol/L of glucose (180.16 g/mol).
    pub const GLUCOSE: f64 = 18.016;
    /// mg/g per mg/mmol of urine albumin/creatinine (creatinine 113.12 g/mol: 1000 / 113.12).
    pub const UACR: f64 = 8.84;
}

/// How a value in an accepted unit becomes the canonical unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Conversion {
    /// canonical = value × factor.
    Factor(f64),
    /// IFCC mmol/mol → NGSP % by the NGSP master equation ([`hba1c_pct_from_mmol_mol`], the
    /// one conversion the clinical profile uses too).
    IfccToNgsp,
}

impl Conversion {
    pub fn apply(self, value: f64) -> f64 {
        match self {
            Conversion::Factor(f) => value * f,
            Conversion::IfccToNgsp => hba1c_pct_from_mmol_mol(value),
        }
    }

    /// The other way: canonical → the accepted unit.
    pub fn invert(self, canonical: f64) -> f64 {
        match self {
            Conversion::Factor(f) => canonical / f,
            Conversion::IfccToNgsp => {
                (canonical - HBA1C_NGSP_PCT_AT_IFCC_ZERO) / HBA1C_NGSP_PCT_PER_IFCC_MMOL_MOL
            }
        }
    }
}

/// Units compare without case, spaces, or the µ/μ/u difference; `1.73m²` is `1.73m2`.
fn unit_key(unit: &str) -> String {
    unit.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == 'µ' || c == 'μ' { 'u' } else { c })
        .collect::<String>()
        .to_lowercase()
        .replace("1.73m²", "1.73m2")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_units_and_the_way_back() {
        assert_eq!(Analyte::Ldl.si_unit(), "mmol/L");
        assert_eq!(Analyte::Creatinine.si_unit(), "µmol/L");
        assert_eq!(Analyte::Hba1c.si_unit(), "mmol/mol");
        assert_eq!(Analyte::Uacr.si_unit(), "mg/mmol");
        assert_eq!(Analyte::Egfr.si_unit(), "mL/min/1.73m2");
        for a in Analyte::ALL {
            let (lo, hi) = a.plausible();
            let v = (lo + hi) / 2.0;
            let si = a.from_canonical(v, a.si_unit()).unwrap();
            let back = a.to_canonical(si, a.si_unit()).unwrap();
            assert!(
                (back - v).abs() < 1e-9 * v.abs().max(1.0),
                "{a:?}: {v} → {si} → {back}"
            );
        }
        // 48 mmol/mol is 6.54 % (NGSP master equation) and back.
        let ifcc = Analyte::Hba1c.from_canonical(6.54, "mmol/mol").unwrap();
        assert!((ifcc - 47.9668).abs() < 1e-3, "{ifcc}");
        assert_eq!(Analyte::Ldl.from_canonical(1.0, "furlongs"), None);
    }

    proptest::proptest! {
        /// Every analyte, SI → canonical (US) → SI, for any plausible value: the value comes
        /// back to within display precision (6 significant digits; the CLI shows at most 5).
        #[test]
        fn si_to_us_to_si_round_trips(i in 0..Analyte::ALL.len(), t in 0.0f64..=1.0) {
            let a = Analyte::ALL[i];
            let (lo, hi) = a.plausible();
            let us = lo + t * (hi - lo);
            let si = a.from_canonical(us, a.si_unit()).unwrap();
            let back_us = a.to_canonical(si, a.si_unit()).unwrap();
            let (shown, unit) = a.shown(back_us, Some(Units::Si), None);
            proptest::prop_assert_eq!(unit, a.si_unit());
            let tol = 1e-6 * si.abs().max(1e-3);
            proptest::prop_assert!((shown - si).abs() <= tol, "{:?}: {} → {} → {}", a, si, back_us, shown);
            proptest::prop_assert!((back_us - us).abs() <= 1e-6 * us.abs().max(1e-3));
        }
    }

    #[test]
    fn units_are_spelled_as_the_table_spells_them() {
        assert_eq!(Analyte::Ldl.unit_spelling("mmol/l"), Some("mmol/L"));
        assert_eq!(Analyte::Creatinine.unit_spelling("umol/L"), Some("µmol/L"));
        assert_eq!(Analyte::Ldl.unit_spelling(" MG/DL "), Some("mg/dL"));
        assert_eq!(Analyte::Ldl.unit_spelling("nmol/L"), None);
        for a in Analyte::ALL {
            for (u, _) in a.other_units() {
                assert_eq!(a.unit_spelling(u), Some(*u), "{a:?}");
            }
        }
    }

    #[test]
    fn every_analyte_has_a_code_and_its_id_finds_it() {
        let mut seen = std::collections::BTreeSet::new();
        for a in Analyte::ALL {
            assert!(!a.loinc().is_empty(), "{a:?} has no code");
            for c in a.loinc_codes() {
                assert!(seen.insert(*c), "{c} listed twice");
            }
            assert_eq!(Analyte::find(a.id()), Some(a));
            assert_eq!(Analyte::find(a.loinc()), Some(a));
            for alias in a.aliases() {
                assert_eq!(Analyte::find(alias), Some(a), "{alias}");
            }
            let (lo, hi) = a.plausible();
            assert!(lo < hi && a.is_plausible(lo) && !a.is_plausible(f64::NAN));
            assert_eq!(a.to_canonical(1.0, a.canonical_unit()), Some(1.0));
        }
        assert_eq!(Analyte::find("LDL"), Some(Analyte::Ldl));
        assert_eq!(Analyte::find("sodium"), None);
    }

    /// Issue 15: LDL 8 mg/dL is a value people on PCSK9 inhibitors have (LDL_RANGE_SOURCE);
    /// 3.4 "mg/dL" is 3.4 mmol/L typed in the wrong unit.
    #[test]
    fn ldl_range() {
        assert!(Analyte::Ldl.is_plausible(8.0));
        assert!(!Analyte::Ldl.is_plausible(3.4));
        assert!(Analyte::Ldl.is_plausible(Analyte::Ldl.to_canonical(3.4, "mmol/L").unwrap()));
    }

    #[test]
    fn hba1c_master_equation() {
        // 48 mmol/mol is 6.54 % (NGSP), the diabetes threshold in both units.
        assert!((hba1c_pct_from_mmol_mol(48.0) - 6.543).abs() < 1e-3);
    }
}
