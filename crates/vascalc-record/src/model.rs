//! What the record holds, as serde types shared by the database, `vascalc export`/`import` and the
//! CLI's `--format json`.
//!
//! These types carry values as stored; they check nothing. Units are fixed by the field names
//! (`_cm`, `_kg`, `_mm_hg`, …); lab values are stored in the unit named beside them, which the
//! command line converts to before storing. Dates are civil dates (`YYYY-MM-DD`).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
pub use vascalc_domain::{
    ActivityKind, ArteryScores, BodyMeasure, Race, Sex, SmokingStatus, Units,
};

/// One person's profile: what does not change from day to day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The name that selects this person (`--person NAME`); unique in a database.
    pub name: String,
    #[serde(default)]
    pub birth_date: Option<Date>,
    /// `"female"` or `"male"`, as the clinical profile vocabulary spells it.
    #[serde(default)]
    pub sex: Option<Sex>,
    /// `"white"`, `"black"`, `"chinese"`, `"hispanic"` or `"other"`, as the equations need it.
    #[serde(default)]
    pub race: Option<Race>,
    #[serde(default)]
    pub height_cm: Option<f64>,
    #[serde(default)]
    pub diabetes: Option<bool>,
    #[serde(default)]
    pub family_history_mi: Option<bool>,
    /// Established atherosclerotic cardiovascular disease (heart attack, stroke,
    /// revascularisation).
    #[serde(default)]
    pub ascvd: Option<bool>,
    /// On maintenance dialysis.
    #[serde(default)]
    pub dialysis: Option<bool>,
    /// Calciphylaxis diagnosed.
    #[serde(default)]
    pub calciphylaxis: Option<bool>,
    /// Under specialist care for calciphylaxis.
    #[serde(default)]
    pub calciphylaxis_specialist_care: Option<bool>,
    /// The units the person wants values shown in; absent: as stored (US conventional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<Units>,
}

impl Person {
    /// A profile with only a name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            birth_date: None,
            sex: None,
            race: None,
            height_cm: None,
            diabetes: None,
            family_history_mi: None,
            ascvd: None,
            dialysis: None,
            calciphylaxis: None,
            calciphylaxis_specialist_care: None,
            units: None,
        }
    }
}

/// Where a scan's numbers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanSource {
    /// Typed in from a radiology report.
    Report,
    /// A `vascalc scan score --format json` result, kept whole in [`Scan::score`].
    Score,
}

impl ScanSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Score => "score",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "report" => Some(Self::Report),
            "score" => Some(Self::Score),
            _ => None,
        }
    }
}

/// One coronary calcium scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scan {
    pub date: Date,
    pub agatston: f64,
    /// Agatston score per coronary artery, where known. The export format writes all four keys,
    /// `null` when absent ([`all_four`]), unlike the profile's `cac_arteries`.
    #[serde(default, serialize_with = "all_four::serialize")]
    pub per_artery: ArteryScores,
    #[serde(default)]
    pub volume_mm3: Option<f64>,
    #[serde(default)]
    pub mass_mg: Option<f64>,
    pub source: ScanSource,
    /// The whole `vascalc scan score` result (acquisition details, conventions, flags) when
    /// `source` is `score`.
    #[serde(default)]
    pub score: Option<serde_json::Value>,
}

/// The export's spelling of [`ArteryScores`]: every key, `null` when the artery is not given, so
/// that an export written before the record used the domain type reads and writes back
/// byte-identical. Reading is `ArteryScores`'s own (absent and `null` are both `None`).
pub mod all_four {
    use serde::Serializer;
    use serde::ser::SerializeStruct;
    use vascalc_domain::ArteryScores;

    pub fn serialize<S: Serializer>(a: &ArteryScores, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ArteryScores", 4)?;
        st.serialize_field("lm", &a.lm)?;
        st.serialize_field("lad", &a.lad)?;
        st.serialize_field("lcx", &a.lcx)?;
        st.serialize_field("rca", &a.rca)?;
        st.end()
    }
}

/// One laboratory result, in the unit the record stores this analyte in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    pub date: Date,
    /// The analyte's short id (`ldl`, `creatinine`, `dp_ucmgp`, …).
    pub analyte: String,
    /// LOINC code, where one exists for the analyte.
    #[serde(default)]
    pub loinc: Option<String>,
    pub value: f64,
    pub unit: String,
    /// The unit the value was given in (`mmol/L`), when it was not the stored `unit`; the
    /// display may show the value in it again. Absent for a value given in the stored unit and
    /// for results recorded before vascalc kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_unit: Option<String>,
}

/// One set of vital signs taken on a day; at least one field is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vitals {
    pub date: Date,
    #[serde(default)]
    pub systolic_mm_hg: Option<f64>,
    #[serde(default)]
    pub diastolic_mm_hg: Option<f64>,
    #[serde(default)]
    pub weight_kg: Option<f64>,
    #[serde(default)]
    pub waist_cm: Option<f64>,
}

/// Minutes of exercise of one kind on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub date: Date,
    pub kind: ActivityKind,
    pub minutes: f64,
}

/// Smoking status as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smoking {
    pub date: Date,
    pub status: SmokingStatus,
    #[serde(default)]
    pub pack_years: Option<f64>,
    #[serde(default)]
    pub quit_date: Option<Date>,
}

/// Alcohol intake as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alcohol {
    pub date: Date,
    pub drinks_per_week: f64,
}

/// A medication or supplement taken from `start` to `end` (open when `end` is absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Medication {
    /// What the person calls it (`MK-7`, `atorvastatin`, …).
    pub name: String,
    /// The therapy class it belongs to, in the program's vocabulary (`vitamin_k2`, `statin`, …).
    pub kind: String,
    #[serde(default)]
    pub dose: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    pub start: Date,
    #[serde(default)]
    pub end: Option<Date>,
}

impl Medication {
    /// Whether the course covers `day`.
    pub fn active_on(&self, day: Date) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }
}

/// One dose of a medication or supplement taken on a day (a course says what is planned; a dose
/// says what was taken).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MedDose {
    pub date: Date,
    /// What the person calls it (`MK-7`, `atorvastatin`, …), as for a course.
    pub name: String,
    /// The therapy class, in the same vocabulary as [`Medication::kind`].
    pub kind: String,
    pub dose: f64,
    pub unit: String,
}

/// One food eaten on a day: a food id from the shipped table or the person's own foods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FoodEntry {
    pub date: Date,
    pub food_id: String,
    pub grams: f64,
    /// The portion as the person gave it (`2 slice`), kept for display; `grams` is what counts.
    #[serde(default)]
    pub portion: Option<String>,
}

/// A food or recipe of the person's own: `food_id` is `user:<id>` or `recipe:<id>`, and
/// `definition` the vascalc-nutrition `UserFood` or `Recipe` it was defined by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnFood {
    pub food_id: String,
    pub definition: serde_json::Value,
}

/// Everything the record holds about one person; the unit of export and import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRecord {
    pub person: Person,
    #[serde(default)]
    pub scans: Vec<Scan>,
    #[serde(default)]
    pub labs: Vec<Lab>,
    #[serde(default)]
    pub vitals: Vec<Vitals>,
    #[serde(default)]
    pub activity: Vec<Activity>,
    #[serde(default)]
    pub smoking: Vec<Smoking>,
    #[serde(default)]
    pub alcohol: Vec<Alcohol>,
    #[serde(default)]
    pub medications: Vec<Medication>,
    /// Single doses taken, by date.
    #[serde(default)]
    pub doses: Vec<MedDose>,
    #[serde(default)]
    pub own_foods: Vec<OwnFood>,
    #[serde(default)]
    pub foods: Vec<FoodEntry>,
}

impl PersonRecord {
    pub fn new(person: Person) -> Self {
        Self {
            person,
            scans: Vec::new(),
            labs: Vec::new(),
            vitals: Vec::new(),
            activity: Vec::new(),
            smoking: Vec::new(),
            alcohol: Vec::new(),
            medications: Vec::new(),
            doses: Vec::new(),
            own_foods: Vec::new(),
            foods: Vec::new(),
        }
    }
}

/// The export document: `{"format":"vascalc-record","version":1,"people":[…]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub format: String,
    pub version: u32,
    pub people: Vec<PersonRecord>,
}

impl Export {
    /// The value of [`Export::format`].
    pub const FORMAT: &'static str = "vascalc-record";
    /// The version of the export document this build writes and reads.
    pub const VERSION: u32 = 1;

    pub fn new(people: Vec<PersonRecord>) -> Self {
        Self {
            format: Self::FORMAT.to_owned(),
            version: Self::VERSION,
            people,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_writes_all_four_arteries_and_reads_them_back() {
        let scan = Scan {
            date: Date::constant(2026, 5, 1),
            agatston: 131.0,
            per_artery: ArteryScores {
                lad: Some(80.5),
                rca: Some(0.0),
                ..ArteryScores::default()
            },
            volume_mm3: None,
            mass_mg: None,
            source: ScanSource::Report,
            score: None,
        };
        let json = serde_json::to_string(&scan).unwrap();
        assert!(
            json.contains(r#""per_artery":{"lm":null,"lad":80.5,"lcx":null,"rca":0.0}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Scan>(&json).unwrap(), scan);
        // An export written without the key (or with some keys) reads as "not given".
        let short = json.replace(
            r#""per_artery":{"lm":null,"lad":80.5,"lcx":null,"rca":0.0},"#,
            "",
        );
        assert!(
            serde_json::from_str::<Scan>(&short)
                .unwrap()
                .per_artery
                .is_empty()
        );
    }

    #[test]
    fn sex_and_race_keep_their_json_spelling() {
        let mut p = Person::named("a");
        p.sex = Some(Sex::Female);
        p.race = Some(Race::Hispanic);
        let json = serde_json::to_string(&p).unwrap();
        assert!(
            json.contains(r#""sex":"female","race":"hispanic""#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Person>(&json).unwrap(), p);
        let bad = json.replace("hispanic", "martian");
        assert!(serde_json::from_str::<Person>(&bad).is_err());
    }
}
