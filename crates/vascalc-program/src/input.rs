//! What the plan needs to know: [`PlanInput`] and its parts.
//!
//! The record (the `vascalc` binary with `vascalc-store`) fills a `PlanInput` from the database;
//! tests and other callers can build one by hand or from JSON. Every field except `today` may be
//! empty or absent: what is absent is reported as "no data", never as zero.

use crate::date::Date;
use crate::date::DateExt;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use vascalc_domain::ArteryScores;

/// Everything `plan()` and `adherence()` read. No I/O happens behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanInput {
    /// The day the plan is computed for: windows (7 and 30 days) end on this day, inclusive.
    pub today: Date,
    #[serde(default)]
    pub person: Person,
    /// Clinical facts not derivable from the logs.
    #[serde(default)]
    pub clinical: ClinicalFacts,
    /// CAC scans, any order.
    #[serde(default)]
    pub scans: Vec<Scan>,
    /// Laboratory results, full history, any order.
    #[serde(default)]
    pub labs: Vec<LabResult>,
    /// Vitals, one row per measurement occasion, any order.
    #[serde(default)]
    pub vitals: Vec<Vitals>,
    /// Activity sessions (several per day are summed).
    #[serde(default)]
    pub activity: Vec<Activity>,
    /// Smoking history; the latest record (by `date`) is the current status.
    #[serde(default)]
    pub smoking: Vec<Smoking>,
    /// Alcohol: drinks per week as reported on a date; the latest applies.
    #[serde(default)]
    pub alcohol: Vec<Alcohol>,
    /// Medication and supplement courses (what the person is prescribed or decided to take).
    #[serde(default)]
    pub medications: Vec<Medication>,
    /// Doses actually taken (the `vascalc log med` entries).
    #[serde(default)]
    pub med_log: Vec<MedDose>,
    /// Food-log totals per day, from vascalc-nutrition's nutrient totals.
    #[serde(default)]
    pub intakes: Vec<DailyIntake>,
}

impl PlanInput {
    /// An empty record as of `today`.
    pub fn new(today: Date) -> PlanInput {
        PlanInput {
            today,
            person: Person::default(),
            clinical: ClinicalFacts::default(),
            scans: Vec::new(),
            labs: Vec::new(),
            vitals: Vec::new(),
            activity: Vec::new(),
            smoking: Vec::new(),
            alcohol: Vec::new(),
            medications: Vec::new(),
            med_log: Vec::new(),
            intakes: Vec::new(),
        }
    }

    /// Age in years on `today`: from the birth date when known, else `person.age`.
    pub fn age_years(&self) -> Option<f64> {
        match self.person.birth_date {
            Some(b) if b <= self.today => Some(f64::from(self.today.years_since(b))),
            Some(_) => None,
            None => self.person.age.filter(|a| a.is_finite() && *a >= 0.0),
        }
    }

    /// Whether a course of `kind` is active on `day`.
    pub fn taking_on(&self, kind: MedKind, day: Date) -> bool {
        self.medications
            .iter()
            .any(|m| m.kind == kind && m.active_on(day))
    }

    /// Whether a course of `kind` is active today.
    pub fn taking(&self, kind: MedKind) -> bool {
        self.taking_on(kind, self.today)
    }

    /// The input with the kind of every course and dose whose name the medicine vocabulary
    /// knows set to the vocabulary's class: a known name decides the class, so that
    /// "Coumadin" recorded as `other` (or anything else) is still a vitamin K antagonist.
    /// Borrowed when nothing changes.
    pub fn resolved(&self) -> Cow<'_, PlanInput> {
        // Each distinct name is looked up once: a ten-year dose log repeats a few names
        // thousands of times, and a vocabulary lookup normalises the name's words.
        let mut names: std::collections::HashMap<&str, Option<MedKind>> = Default::default();
        for n in self.medications.iter().map(|m| m.name.as_str()) {
            names
                .entry(n)
                .or_insert_with(|| crate::medicines::lookup(n).map(|m| m.class));
        }
        for n in self.med_log.iter().map(|d| d.name.as_str()) {
            names
                .entry(n)
                .or_insert_with(|| crate::medicines::lookup(n).map(|m| m.class));
        }
        let class = |name: &str| names.get(name).copied().flatten();
        let differs = |kind: MedKind, name: &str| class(name).is_some_and(|c| c != kind);
        if !self.medications.iter().any(|m| differs(m.kind, &m.name))
            && !self.med_log.iter().any(|d| differs(d.kind, &d.name))
        {
            return Cow::Borrowed(self);
        }
        let mut out = self.clone();
        for m in &mut out.medications {
            if let Some(c) = class(&m.name) {
                m.kind = c;
            }
        }
        for d in &mut out.med_log {
            if let Some(c) = class(&d.name) {
                d.kind = c;
            }
        }
        Cow::Owned(out)
    }
}

/// The person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Person {
    pub birth_date: Option<Date>,
    /// Age in years, used when `birth_date` is absent.
    pub age: Option<f64>,
    pub sex: Option<Sex>,
    pub race: Option<Race>,
    pub height_cm: Option<f64>,
    /// The units the person reads values in; the plan's texts show lab values and targets in
    /// them (vascalc-domain `Analyte::shown_unit`). Absent: each result in the unit it was
    /// given in, else the canonical unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<Units>,
}

pub use vascalc_domain::{Race, Sex, Units};

/// Clinical facts that are not measurements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClinicalFacts {
    pub diabetes: Option<bool>,
    /// Treated for high blood pressure.
    pub bp_treated: Option<bool>,
    /// Established atherosclerotic cardiovascular disease (heart attack, stroke, revascularisation…).
    pub ascvd: Option<bool>,
    pub family_history_mi: Option<bool>,
    /// On maintenance dialysis.
    pub dialysis: bool,
    /// Calciphylaxis diagnosed.
    pub calciphylaxis: bool,
    /// Under specialist (nephrology/wound) care for calciphylaxis.
    pub specialist_care_calciphylaxis: bool,
    /// 10-year ASCVD risk as the 2018 cholesterol guideline uses it (the 2013 Pooled Cohort
    /// Equations), computed by the caller (the binary runs vascalc-clinical's `assess`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ascvd_risk_10y: Option<RiskEstimate>,
    /// Where the latest CAC score lies among people of the same age, sex and race (the
    /// guideline's "≥ 75th percentile" rule), from vascalc-clinical.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cac_percentile: Option<CacPercentile>,
    /// When to rescan, from vascalc-clinical's progression analysis of the scans (the same
    /// figure `vascalc progress` shows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_scan: Option<NextScanAdvice>,
}

/// A risk estimate with the model and source it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskEstimate {
    /// e.g. `pce_2013`.
    pub model: String,
    /// Risk in percent (0–100).
    pub percent: f64,
    pub source: String,
}

/// The latest CAC score's percentile for age, sex and race.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacPercentile {
    /// The score it was computed for.
    pub agatston: f64,
    pub at_or_above_75th: bool,
    /// In words, e.g. "62nd percentile (MESA calculator)".
    pub text: String,
    pub source: String,
}

/// When to scan again after the latest scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextScanAdvice {
    /// The scan the advice follows.
    pub after: Date,
    /// Earliest date the sources support (absent: no evidence-based date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest: Option<Date>,
    /// Latest date of the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<Date>,
    /// Why, in words.
    #[serde(default)]
    pub basis: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// A coronary artery calcium scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scan {
    pub date: Date,
    pub agatston: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_mm3: Option<f64>,
    /// Agatston per coronary artery, when known (the domain's one per-artery type).
    #[serde(default, skip_serializing_if = "ArteryScores::is_empty")]
    pub per_artery: ArteryScores,
}

/// One laboratory result, identified by its LOINC code (see [`Analyte`](crate::Analyte)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabResult {
    pub loinc: String,
    pub value: f64,
    pub unit: String,
    pub date: Date,
    /// The unit the result was given in, when the record kept it (`mmol/L`); the plan's texts
    /// show the value in it for a person with no unit preference ([`Person::units`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_unit: Option<String>,
}

/// Vitals, activity, smoking and alcohol are the record's own entries (vascalc-record), read as
/// they are stored.
pub use vascalc_record::{Activity, ActivityKind, Alcohol, Smoking, SmokingStatus, Vitals};

/// The closed list of medication and supplement kinds the plan and the safety rules know.
///
/// The names a person types map onto these through the medicine vocabulary
/// ([`crate::medicines`]); a name it does not know is [`MedKind::Unknown`] until the person says
/// what it is, never silently [`MedKind::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MedKind {
    /// Vitamin K2 as menaquinone-7 (dose in µg).
    Mk7,
    /// Other vitamin K supplements (K1 phylloquinone, MK-4), dose in µg.
    VitaminKOther,
    /// Magnesium supplement (dose as elemental magnesium, mg).
    Magnesium,
    /// Omega-3 (dose as EPA+DHA, mg).
    Omega3,
    Statin,
    /// Vitamin K antagonists: warfarin, acenocoumarol, phenprocoumon, fluindione.
    VitaminKAntagonist,
    /// Direct oral anticoagulants: apixaban, rivaroxaban, edoxaban, dabigatran.
    Doac,
    Bisphosphonate,
    /// Phosphate binders (sevelamer, lanthanum, ferric citrate, calcium acetate…).
    PhosphateBinder,
    /// Calcium supplement (dose as elemental calcium, mg).
    Calcium,
    /// Vitamin D supplement (µg or IU).
    VitaminD,
    /// Sodium thiosulfate (intravenous).
    SodiumThiosulfate,
    /// Antiplatelets: aspirin, clopidogrel, prasugrel, ticagrelor, dipyridamole.
    Antiplatelet,
    Ezetimibe,
    /// PCSK9 antibodies (evolocumab, alirocumab) and inclisiran.
    Pcsk9Inhibitor,
    Denosumab,
    /// Cinacalcet, etelcalcetide.
    Calcimimetic,
    /// Calcitriol, alfacalcidol, paricalcitol, doxercalciferol (dose in µg).
    ActiveVitaminD,
    /// Thiazide and thiazide-like diuretics (hydrochlorothiazide, chlortalidone, indapamide…).
    Thiazide,
    /// Loop diuretics (furosemide, bumetanide, torasemide).
    LoopDiuretic,
    /// Proton-pump inhibitors.
    Ppi,
    /// Fluoroquinolone antibiotics.
    Quinolone,
    /// Tetracycline antibiotics.
    Tetracycline,
    Levothyroxine,
    /// Mycophenolate, ciclosporin, tacrolimus.
    Immunosuppressant,
    /// Oral iron.
    Iron,
    /// Antacids and laxatives containing magnesium or aluminium.
    Antacid,
    /// Blood-pressure medicines other than the diuretics (tells the risk equations that blood
    /// pressure is treated).
    Antihypertensive,
    /// Trial calcification inhibitors (SNF472, hexasodium fytate).
    CalcificationInhibitor,
    /// Something the person said is none of the above.
    Other,
    /// A name vascalc does not know and the person has not classified: the safety rules cannot
    /// be checked for it.
    Unknown,
}

impl MedKind {
    /// Every kind, in the order a person is asked to choose from (vitamin K antagonists first:
    /// the most dangerous one to miss), `other` and `unknown` last.
    pub const ALL: [MedKind; 31] = [
        MedKind::VitaminKAntagonist,
        MedKind::Doac,
        MedKind::Antiplatelet,
        MedKind::Statin,
        MedKind::Ezetimibe,
        MedKind::Pcsk9Inhibitor,
        MedKind::Bisphosphonate,
        MedKind::Denosumab,
        MedKind::PhosphateBinder,
        MedKind::Calcimimetic,
        MedKind::ActiveVitaminD,
        MedKind::Thiazide,
        MedKind::LoopDiuretic,
        MedKind::Antihypertensive,
        MedKind::Ppi,
        MedKind::Quinolone,
        MedKind::Tetracycline,
        MedKind::Levothyroxine,
        MedKind::Immunosuppressant,
        MedKind::SodiumThiosulfate,
        MedKind::CalcificationInhibitor,
        MedKind::Mk7,
        MedKind::VitaminKOther,
        MedKind::Magnesium,
        MedKind::Calcium,
        MedKind::VitaminD,
        MedKind::Omega3,
        MedKind::Iron,
        MedKind::Antacid,
        MedKind::Other,
        MedKind::Unknown,
    ];

    /// The snake_case name used in JSON and in the record.
    pub fn as_str(self) -> &'static str {
        match self {
            MedKind::Mk7 => "mk7",
            MedKind::VitaminKOther => "vitamin_k_other",
            MedKind::Magnesium => "magnesium",
            MedKind::Omega3 => "omega3",
            MedKind::Statin => "statin",
            MedKind::VitaminKAntagonist => "vitamin_k_antagonist",
            MedKind::Doac => "doac",
            MedKind::Bisphosphonate => "bisphosphonate",
            MedKind::PhosphateBinder => "phosphate_binder",
            MedKind::Calcium => "calcium",
            MedKind::VitaminD => "vitamin_d",
            MedKind::SodiumThiosulfate => "sodium_thiosulfate",
            MedKind::Antiplatelet => "antiplatelet",
            MedKind::Ezetimibe => "ezetimibe",
            MedKind::Pcsk9Inhibitor => "pcsk9_inhibitor",
            MedKind::Denosumab => "denosumab",
            MedKind::Calcimimetic => "calcimimetic",
            MedKind::ActiveVitaminD => "active_vitamin_d",
            MedKind::Thiazide => "thiazide",
            MedKind::LoopDiuretic => "loop_diuretic",
            MedKind::Ppi => "ppi",
            MedKind::Quinolone => "quinolone",
            MedKind::Tetracycline => "tetracycline",
            MedKind::Levothyroxine => "levothyroxine",
            MedKind::Immunosuppressant => "immunosuppressant",
            MedKind::Iron => "iron",
            MedKind::Antacid => "antacid",
            MedKind::Antihypertensive => "antihypertensive",
            MedKind::CalcificationInhibitor => "calcification_inhibitor",
            MedKind::Other => "other",
            MedKind::Unknown => "unknown",
        }
    }

    /// The kind named by its snake_case name (`"vitamin_k_antagonist"`), any case.
    pub fn parse(name: &str) -> Option<MedKind> {
        let n = name.trim().to_lowercase();
        MedKind::ALL.into_iter().find(|k| k.as_str() == n)
    }

    /// The class of a drug or supplement name, from the medicine vocabulary
    /// ([`crate::medicines::lookup`]: generic and brand names of the US, UK, EU and Australia;
    /// case, spaces, hyphens and a trailing strength do not matter). `None` when the name is not
    /// in it; callers then record it as [`MedKind::Unknown`] and ask the person.
    pub fn from_name(name: &str) -> Option<MedKind> {
        crate::medicines::lookup(name).map(|m| m.class)
    }

    /// Whether a course of this kind treats blood pressure (for the risk equations).
    pub fn treats_blood_pressure(self) -> bool {
        matches!(self, MedKind::Antihypertensive | MedKind::Thiazide)
    }
}

/// A dose unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoseUnit {
    Ug,
    Mg,
    G,
    Iu,
    Mmol,
    /// Tablets, capsules, infusions… (no mass).
    Unit,
}

impl DoseUnit {
    /// The unit as printed: `µg` (never `ug` or `mcg`), `mg`, `g`, `IU`, `mmol`, `unit(s)`.
    pub fn symbol(self) -> &'static str {
        match self {
            DoseUnit::Ug => "µg",
            DoseUnit::Mg => "mg",
            DoseUnit::G => "g",
            DoseUnit::Iu => "IU",
            DoseUnit::Mmol => "mmol",
            DoseUnit::Unit => "unit(s)",
        }
    }

    /// Read a unit as people write it (`µg`, `mcg`, `ug`, `mg`, `g`, `IU`, `mmol`, `tablet`…).
    pub fn parse(s: &str) -> Option<DoseUnit> {
        Some(match s.trim().to_lowercase().as_str() {
            "ug" | "µg" | "μg" | "mcg" => DoseUnit::Ug,
            "mg" => DoseUnit::Mg,
            "g" => DoseUnit::G,
            "iu" | "ie" | "ui" => DoseUnit::Iu,
            "mmol" => DoseUnit::Mmol,
            "unit" | "units" | "tablet" | "tablets" | "capsule" | "capsules" | "dose" => {
                DoseUnit::Unit
            }
            _ => return None,
        })
    }
}

/// An amount with its unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Dose {
    pub amount: f64,
    pub unit: DoseUnit,
}

impl Dose {
    /// The dose in micrograms, when it is a mass.
    pub fn micrograms(&self) -> Option<f64> {
        match self.unit {
            DoseUnit::Ug => Some(self.amount),
            DoseUnit::Mg => Some(self.amount * 1e3),
            DoseUnit::G => Some(self.amount * 1e6),
            _ => None,
        }
    }
    /// The dose in milligrams, when it is a mass.
    pub fn milligrams(&self) -> Option<f64> {
        self.micrograms().map(|u| u / 1e3)
    }
}

/// A medication or supplement course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Medication {
    pub kind: MedKind,
    /// The name the person gave ("warfarin", "MK-7 180").
    #[serde(default)]
    pub name: String,
    /// Dose per day (per administration for intermittent therapies), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<Dose>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// Last day taken; `None` while ongoing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
}

impl Medication {
    /// Whether the course covers `day` (an unknown start counts as "before", an unknown end as
    /// "ongoing").
    pub fn active_on(&self, day: Date) -> bool {
        self.start.is_none_or(|s| s <= day) && self.end.is_none_or(|e| day <= e)
    }
}

/// A dose taken on a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MedDose {
    pub date: Date,
    pub kind: MedKind,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<Dose>,
}

/// A nutrient total over one day's food log: "at least `at_least`", because `missing` logged
/// foods had no value for it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NutrientTotal {
    pub at_least: f64,
    #[serde(default)]
    pub missing: u32,
}

/// One day's food-log totals. Keys are vascalc-nutrition's canonical nutrient keys
/// (`menaquinone7_ug`, `magnesium_mg`, `phosphorus_mg`, `calcium_mg`, `epa_g`, `dha_g`, …).
/// A day that is not in the list was not logged (no data), which is different from a logged day
/// with a zero total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyIntake {
    pub date: Date,
    /// Number of food entries logged that day.
    #[serde(default)]
    pub foods: u32,
    /// Entries flagged as containing phosphate additives.
    #[serde(default)]
    pub phosphate_additive_foods: u32,
    #[serde(default)]
    pub nutrients: BTreeMap<String, NutrientTotal>,
}

/// Nutrient keys the plan reads (vascalc-nutrition's canonical keys).
pub mod nutrient {
    pub const MENAQUINONE7_UG: &str = "menaquinone7_ug";
    pub const VITAMIN_K2_TOTAL_UG: &str = "vitamin_k2_total_ug";
    pub const PHYLLOQUINONE_UG: &str = "phylloquinone_ug";
    pub const MAGNESIUM_MG: &str = "magnesium_mg";
    pub const PHOSPHORUS_MG: &str = "phosphorus_mg";
    pub const CALCIUM_MG: &str = "calcium_mg";
    pub const EPA_G: &str = "epa_g";
    pub const DHA_G: &str = "dha_g";
    pub const SODIUM_MG: &str = "sodium_mg";
    /// Every key above: a [`DailyIntake`](super::DailyIntake) needs no other.
    pub const ALL: [&str; 9] = [
        MENAQUINONE7_UG,
        VITAMIN_K2_TOTAL_UG,
        PHYLLOQUINONE_UG,
        MAGNESIUM_MG,
        PHOSPHORUS_MG,
        CALCIUM_MG,
        EPA_G,
        DHA_G,
        SODIUM_MG,
    ];
}
