//! The profile vocabulary shared by every part of vascalc.
//!
//! Canonical units are US conventional (mg/dL, mm Hg), as in the equations. SI inputs are
//! accepted under explicit names (`total_cholesterol_mmol_l`, `hdl_mmol_l`, `ldl_mmol_l`,
//! `creatinine_umol_l`, `uacr_mg_mmol`, `hba1c_mmol_mol`) and converted on input; a profile serialises in the
//! canonical units only. Values implausible for their unit are rejected with a hint (a
//! cholesterol of 5.2 "mg/dL" is almost certainly mmol/L).

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};

use crate::date::Date;

mod fastjson;

/// mg/dL of cholesterol per mmol/L (molar mass 386.65 g/mol).
pub const CHOLESTEROL_MG_DL_PER_MMOL_L: f64 = vascalc_domain::analyte::factor::CHOLESTEROL;
/// µmol/L of creatinine per mg/dL (molar mass 113.12 g/mol; the factor used with CKD-EPI).
pub const CREATININE_UMOL_L_PER_MG_DL: f64 = vascalc_domain::analyte::factor::CREATININE_UMOL;
/// mg/g of albumin-to-creatinine ratio per mg/mmol (KDIGO: 3 mg/mmol ≈ 30 mg/g).
pub const UACR_MG_G_PER_MG_MMOL: f64 = vascalc_domain::analyte::factor::UACR;
use vascalc_domain::Analyte;
/// HbA1c, IFCC mmol/mol to NGSP % (the IFCC–NGSP master equation): vascalc-domain's analyte
/// table, which the record and the plan convert with too.
pub use vascalc_domain::analyte::{
    HBA1C_NGSP_PCT_AT_IFCC_ZERO, HBA1C_NGSP_PCT_PER_IFCC_MMOL_MOL, hba1c_pct_from_mmol_mol,
};

pub use vascalc_domain::{Race, Sex};

/// One CAC scan: `{"date":"YYYY-MM-DD","agatston":…,"volume_mm3":…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scan {
    #[serde(with = "vascalc_domain::date::ymd")]
    pub date: Date,
    /// Agatston score (total), ≥ 0.
    pub agatston: f64,
    /// Calcium volume score in mm³, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_mm3: Option<f64>,
}

pub use vascalc_domain::ArteryScores;

/// A person's profile in canonical units. Every field but `age` and `sex` is optional; a model
/// whose inputs are missing lists itself in `not_applicable` with the missing fields.
///
/// Deserialising validates and converts SI alternatives (see the module docs); build one in code
/// with [`Profile::new`] and check it with [`Profile::validate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// Age in years (the age at the most recent scan, when scans are given).
    pub age: f64,
    pub sex: Sex,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub race: Option<Race>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_cholesterol_mg_dl: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hdl_mg_dl: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ldl_mg_dl: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub systolic_bp_mm_hg: Option<f64>,
    /// On antihypertensive medication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bp_treated: Option<bool>,
    /// Current smoker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smoker: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diabetes: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bmi: Option<f64>,
    /// eGFR in mL/min/1.73 m²; computed from `creatinine_mg_dl` (CKD-EPI 2021) when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egfr_ml_min_1_73m2: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creatinine_mg_dl: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cystatin_c_mg_l: Option<f64>,
    /// Urine albumin-to-creatinine ratio, mg/g.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uacr_mg_g: Option<f64>,
    /// HbA1c, NGSP % (DCCT-aligned); `hba1c_mmol_mol` (IFCC) is converted on input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hba1c_pct: Option<f64>,
    /// On a statin (lipid-lowering medication).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statin: Option<bool>,
    /// Family history of heart attack (MESA: in parents, siblings or children).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_history_mi: Option<bool>,
    /// Agatston score of the current (most recent) scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cac_agatston: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cac_volume_mm3: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cac_arteries: Option<ArteryScores>,
    /// Dated CAC scans, any order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scans: Vec<Scan>,
}

/// A profile value that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    #[error("`{field}` = {value} is not plausible in {unit} (expected {min}–{max}){hint}")]
    Implausible {
        field: &'static str,
        value: f64,
        unit: &'static str,
        min: f64,
        max: f64,
        hint: String,
    },
    #[error("`{field}` is not a finite number")]
    NotFinite { field: &'static str },
    #[error("give either `{a}` or `{b}`, not both")]
    Both { a: &'static str, b: &'static str },
    #[error("scan {index} ({date}): {message}")]
    Scan {
        index: usize,
        date: Date,
        message: String,
    },
}

/// A plausibility rule: the range a value can take in its unit, and where a value that fits the
/// other unit should be pointed.
struct Plausible {
    field: &'static str,
    unit: &'static str,
    min: f64,
    max: f64,
    /// (range in the other unit, the field name to use instead)
    other: Option<(f64, f64, &'static str)>,
}

impl Plausible {
    fn check(&self, value: f64) -> Result<f64, ProfileError> {
        if !value.is_finite() {
            return Err(ProfileError::NotFinite { field: self.field });
        }
        if (self.min..=self.max).contains(&value) {
            return Ok(value);
        }
        let hint = match self.other {
            Some((lo, hi, name)) if (lo..=hi).contains(&value) => {
                format!("; this looks like a value in another unit: use `{name}` instead")
            }
            _ => String::new(),
        };
        Err(ProfileError::Implausible {
            field: self.field,
            value,
            unit: self.unit,
            min: self.min,
            max: self.max,
            hint,
        })
    }

    fn opt(&self, value: Option<f64>) -> Result<Option<f64>, ProfileError> {
        value.map(|v| self.check(v)).transpose()
    }
}

const AGE: Plausible = Plausible {
    field: "age",
    unit: "years",
    min: 18.0,
    max: 120.0,
    other: None,
};
// The ranges in the canonical units are the analyte table's (vascalc-domain), the ones the
// record checks `lab add` with: a value the record keeps is one the profile reads.
const TC_MG: Plausible = Plausible {
    field: "total_cholesterol_mg_dl",
    unit: "mg/dL",
    min: Analyte::TotalCholesterol.plausible().0,
    max: Analyte::TotalCholesterol.plausible().1,
    other: Some((1.0, 26.0, "total_cholesterol_mmol_l")),
};
const TC_MMOL: Plausible = Plausible {
    field: "total_cholesterol_mmol_l",
    unit: "mmol/L",
    min: 1.0,
    max: 26.0,
    other: Some((40.0, 1000.0, "total_cholesterol_mg_dl")),
};
const HDL_MG: Plausible = Plausible {
    field: "hdl_mg_dl",
    unit: "mg/dL",
    min: Analyte::Hdl.plausible().0,
    max: Analyte::Hdl.plausible().1,
    other: Some((0.1, 5.0, "hdl_mmol_l")),
};
const HDL_MMOL: Plausible = Plausible {
    field: "hdl_mmol_l",
    unit: "mmol/L",
    min: 0.1,
    max: 6.5,
    other: Some((6.5, 250.0, "hdl_mg_dl")),
};
const LDL_MG: Plausible = Plausible {
    field: "ldl_mg_dl",
    unit: "mg/dL",
    min: Analyte::Ldl.plausible().0,
    max: Analyte::Ldl.plausible().1,
    other: Some((0.2, 10.0, "ldl_mmol_l")),
};
const LDL_MMOL: Plausible = Plausible {
    field: "ldl_mmol_l",
    unit: "mmol/L",
    min: 0.2,
    max: 23.0,
    other: Some((23.0, 900.0, "ldl_mg_dl")),
};
const SBP: Plausible = Plausible {
    field: "systolic_bp_mm_hg",
    unit: "mm Hg",
    min: 60.0,
    max: 300.0,
    other: None,
};
const BMI: Plausible = Plausible {
    field: "bmi",
    unit: "kg/m²",
    min: 10.0,
    max: 100.0,
    other: None,
};
const EGFR: Plausible = Plausible {
    field: "egfr_ml_min_1_73m2",
    unit: "mL/min/1.73 m²",
    min: Analyte::Egfr.plausible().0,
    max: Analyte::Egfr.plausible().1,
    other: None,
};
const CREAT_MG: Plausible = Plausible {
    field: "creatinine_mg_dl",
    unit: "mg/dL",
    min: Analyte::Creatinine.plausible().0,
    max: Analyte::Creatinine.plausible().1,
    other: Some((25.0, 2500.0, "creatinine_umol_l")),
};
const CREAT_UMOL: Plausible = Plausible {
    field: "creatinine_umol_l",
    unit: "µmol/L",
    min: 9.0,
    max: 2500.0,
    other: Some((0.1, 9.0, "creatinine_mg_dl")),
};
const CYSTATIN: Plausible = Plausible {
    field: "cystatin_c_mg_l",
    unit: "mg/L",
    min: 0.2,
    max: 15.0,
    other: None,
};
const UACR_MG_G: Plausible = Plausible {
    field: "uacr_mg_g",
    unit: "mg/g",
    min: Analyte::Uacr.plausible().0,
    max: Analyte::Uacr.plausible().1,
    other: None,
};
const UACR_MG_MMOL: Plausible = Plausible {
    field: "uacr_mg_mmol",
    unit: "mg/mmol",
    min: 0.0,
    max: 5_000.0,
    other: None,
};
const HBA1C_PCT: Plausible = Plausible {
    field: "hba1c_pct",
    unit: "% (NGSP)",
    min: Analyte::Hba1c.plausible().0,
    max: Analyte::Hba1c.plausible().1,
    other: Some((20.0, 200.0, "hba1c_mmol_mol")),
};
const HBA1C_MMOL: Plausible = Plausible {
    field: "hba1c_mmol_mol",
    unit: "mmol/mol (IFCC)",
    min: 15.0,
    max: 200.0,
    other: Some((3.0, 15.0, "hba1c_pct")),
};
const AGATSTON: Plausible = Plausible {
    field: "cac_agatston",
    unit: "Agatston units",
    min: 0.0,
    max: 100_000.0,
    other: None,
};
const VOLUME: Plausible = Plausible {
    field: "cac_volume_mm3",
    unit: "mm³",
    min: 0.0,
    max: 100_000.0,
    other: None,
};

impl Profile {
    /// A profile with only age and sex; fill the other public fields, then [`Profile::validate`].
    pub fn new(age: f64, sex: Sex) -> Self {
        Self {
            age,
            sex,
            race: None,
            total_cholesterol_mg_dl: None,
            hdl_mg_dl: None,
            ldl_mg_dl: None,
            systolic_bp_mm_hg: None,
            bp_treated: None,
            smoker: None,
            diabetes: None,
            bmi: None,
            egfr_ml_min_1_73m2: None,
            creatinine_mg_dl: None,
            cystatin_c_mg_l: None,
            uacr_mg_g: None,
            hba1c_pct: None,
            statin: None,
            family_history_mi: None,
            cac_agatston: None,
            cac_volume_mm3: None,
            cac_arteries: None,
            scans: Vec::new(),
        }
    }

    /// Checks every value for plausibility in its unit, and the scans (distinct dates, scores
    /// ≥ 0). Returns the first problem found.
    pub fn validate(&self) -> Result<(), ProfileError> {
        AGE.check(self.age)?;
        TC_MG.opt(self.total_cholesterol_mg_dl)?;
        HDL_MG.opt(self.hdl_mg_dl)?;
        LDL_MG.opt(self.ldl_mg_dl)?;
        SBP.opt(self.systolic_bp_mm_hg)?;
        BMI.opt(self.bmi)?;
        EGFR.opt(self.egfr_ml_min_1_73m2)?;
        CREAT_MG.opt(self.creatinine_mg_dl)?;
        CYSTATIN.opt(self.cystatin_c_mg_l)?;
        UACR_MG_G.opt(self.uacr_mg_g)?;
        HBA1C_PCT.opt(self.hba1c_pct)?;
        AGATSTON.opt(self.cac_agatston)?;
        VOLUME.opt(self.cac_volume_mm3)?;
        if let Some(a) = &self.cac_arteries {
            for (artery, v) in a.iter() {
                Plausible {
                    field: artery.field_name(),
                    ..AGATSTON
                }
                .opt(v)?;
            }
        }
        validate_scans(&self.scans)
    }

    /// eGFR as given, or computed: from creatinine (and cystatin C when given) by CKD-EPI 2021,
    /// or from cystatin C alone by CKD-EPI 2012.
    pub fn egfr(&self) -> Option<f64> {
        use crate::kidney::{
            egfr_ckd_epi_2012_cys, egfr_ckd_epi_2021_cr, egfr_ckd_epi_2021_cr_cys,
        };
        let (age, sex) = (self.age, self.sex);
        self.egfr_ml_min_1_73m2
            .or(match (self.creatinine_mg_dl, self.cystatin_c_mg_l) {
                (Some(scr), Some(scys)) => Some(egfr_ckd_epi_2021_cr_cys(scr, scys, age, sex)),
                (Some(scr), None) => Some(egfr_ckd_epi_2021_cr(scr, age, sex)),
                (None, Some(scys)) => Some(egfr_ckd_epi_2012_cys(scys, age, sex)),
                (None, None) => None,
            })
    }
}

/// Checks a list of scans on its own: scores ≥ 0 and plausible, no two scans on the same date.
pub fn validate_scans(scans: &[Scan]) -> Result<(), ProfileError> {
    for (index, scan) in scans.iter().enumerate() {
        let bad = |e: ProfileError| ProfileError::Scan {
            index,
            date: scan.date,
            message: e.to_string(),
        };
        Plausible {
            field: "agatston",
            ..AGATSTON
        }
        .check(scan.agatston)
        .map_err(bad)?;
        Plausible {
            field: "volume_mm3",
            ..VOLUME
        }
        .opt(scan.volume_mm3)
        .map_err(bad)?;
        if scans[..index].iter().any(|s| s.date == scan.date) {
            return Err(ProfileError::Scan {
                index,
                date: scan.date,
                message: "two scans on the same date: keep one".into(),
            });
        }
    }
    Ok(())
}

/// The wire form of a profile: canonical names plus explicit SI alternatives (and the `id` a
/// `--batch` line may carry). Borrows from the input where it can.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileInput<'a> {
    #[serde(default, borrow)]
    id: Option<BatchId<'a>>,
    age: f64,
    sex: Sex,
    #[serde(default)]
    race: Option<Race>,
    #[serde(default)]
    total_cholesterol_mg_dl: Option<f64>,
    #[serde(default)]
    total_cholesterol_mmol_l: Option<f64>,
    #[serde(default)]
    hdl_mg_dl: Option<f64>,
    #[serde(default)]
    hdl_mmol_l: Option<f64>,
    #[serde(default)]
    ldl_mg_dl: Option<f64>,
    #[serde(default)]
    ldl_mmol_l: Option<f64>,
    #[serde(default)]
    systolic_bp_mm_hg: Option<f64>,
    #[serde(default)]
    bp_treated: Option<bool>,
    #[serde(default)]
    smoker: Option<bool>,
    #[serde(default)]
    diabetes: Option<bool>,
    #[serde(default)]
    bmi: Option<f64>,
    #[serde(default)]
    egfr_ml_min_1_73m2: Option<f64>,
    #[serde(default)]
    creatinine_mg_dl: Option<f64>,
    #[serde(default)]
    creatinine_umol_l: Option<f64>,
    #[serde(default)]
    cystatin_c_mg_l: Option<f64>,
    #[serde(default)]
    uacr_mg_g: Option<f64>,
    #[serde(default)]
    uacr_mg_mmol: Option<f64>,
    #[serde(default)]
    hba1c_pct: Option<f64>,
    #[serde(default)]
    hba1c_mmol_mol: Option<f64>,
    #[serde(default)]
    statin: Option<bool>,
    #[serde(default)]
    family_history_mi: Option<bool>,
    #[serde(default)]
    cac_agatston: Option<f64>,
    #[serde(default)]
    cac_volume_mm3: Option<f64>,
    #[serde(default)]
    cac_arteries: Option<ArteryScores>,
    #[serde(default)]
    scans: Vec<Scan>,
}

impl ProfileInput<'_> {
    /// Every optional field absent; `age` and `sex` are placeholders the caller must set.
    fn empty() -> Self {
        ProfileInput {
            id: None,
            age: 0.0,
            sex: Sex::Female,
            race: None,
            total_cholesterol_mg_dl: None,
            total_cholesterol_mmol_l: None,
            hdl_mg_dl: None,
            hdl_mmol_l: None,
            ldl_mg_dl: None,
            ldl_mmol_l: None,
            systolic_bp_mm_hg: None,
            bp_treated: None,
            smoker: None,
            diabetes: None,
            bmi: None,
            egfr_ml_min_1_73m2: None,
            creatinine_mg_dl: None,
            creatinine_umol_l: None,
            cystatin_c_mg_l: None,
            uacr_mg_g: None,
            uacr_mg_mmol: None,
            hba1c_pct: None,
            hba1c_mmol_mol: None,
            statin: None,
            family_history_mi: None,
            cac_agatston: None,
            cac_volume_mm3: None,
            cac_arteries: None,
            scans: Vec::new(),
        }
    }
}

fn one_of(
    canonical: Option<f64>,
    canonical_rule: &Plausible,
    si: Option<f64>,
    si_rule: &Plausible,
    to_canonical: impl Fn(f64) -> f64,
) -> Result<Option<f64>, ProfileError> {
    match (canonical, si) {
        (Some(_), Some(_)) => Err(ProfileError::Both {
            a: canonical_rule.field,
            b: si_rule.field,
        }),
        (Some(v), None) => canonical_rule.check(v).map(Some),
        (None, Some(v)) => si_rule.check(v).map(|v| Some(to_canonical(v))),
        (None, None) => Ok(None),
    }
}

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let i = ProfileInput::deserialize(deserializer)?;
        if i.id.is_some() {
            return Err(serde::de::Error::custom(
                "unknown field `id`: an `id` is only read on the lines of `assess --batch`",
            ));
        }
        Profile::try_from(i).map_err(serde::de::Error::custom)
    }
}

/// The identifier a line of `assess --batch` may carry (`"id": "P-17"` or `"id": 17`), written
/// back unchanged in its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchId<'a> {
    Text(Cow<'a, str>),
    /// An integer id (one above `i64::MAX` is kept as text).
    Integer(i64),
}

impl<'de: 'a, 'a> Deserialize<'de> for BatchId<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = BatchId<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an `id` that is a string or an integer")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(BatchId::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(BatchId::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(BatchId::Integer(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(v).map_or_else(
                    |_| BatchId::Text(Cow::Owned(v.to_string())),
                    BatchId::Integer,
                ))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// One line of `assess --batch`: its optional `id` and the profile, or why the profile cannot
/// be used. A line that is not even a JSON object of the vocabulary fails to deserialise; a
/// value that is implausible still yields the `id`, so the error row can carry it.
#[derive(Debug)]
pub struct BatchLine<'a> {
    pub id: Option<BatchId<'a>>,
    pub profile: Result<Profile, ProfileError>,
}

impl<'a> BatchLine<'a> {
    /// Parses a JSON line on a fast path for the common shape of a profile; `None` means the
    /// line needs the general parser (serde), which gives the same result or the error. The
    /// two agree wherever the fast path answers (a property test checks it). Takes the raw
    /// bytes: a line the fast path accepts is valid UTF-8, so only the general parser needs the
    /// check.
    pub fn parse_fast(line: &'a [u8]) -> Option<Self> {
        fastjson::parse_batch_line(line)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for BatchLine<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut i = ProfileInput::deserialize(deserializer)?;
        Ok(BatchLine {
            id: i.id.take(),
            profile: Profile::try_from(i),
        })
    }
}

impl TryFrom<ProfileInput<'_>> for Profile {
    type Error = ProfileError;

    fn try_from(i: ProfileInput<'_>) -> Result<Self, Self::Error> {
        let chol = |v: f64| v * CHOLESTEROL_MG_DL_PER_MMOL_L;
        let p = Profile {
            age: i.age,
            sex: i.sex,
            race: i.race,
            total_cholesterol_mg_dl: one_of(
                i.total_cholesterol_mg_dl,
                &TC_MG,
                i.total_cholesterol_mmol_l,
                &TC_MMOL,
                chol,
            )?,
            hdl_mg_dl: one_of(i.hdl_mg_dl, &HDL_MG, i.hdl_mmol_l, &HDL_MMOL, chol)?,
            ldl_mg_dl: one_of(i.ldl_mg_dl, &LDL_MG, i.ldl_mmol_l, &LDL_MMOL, chol)?,
            systolic_bp_mm_hg: i.systolic_bp_mm_hg,
            bp_treated: i.bp_treated,
            smoker: i.smoker,
            diabetes: i.diabetes,
            bmi: i.bmi,
            egfr_ml_min_1_73m2: i.egfr_ml_min_1_73m2,
            creatinine_mg_dl: one_of(
                i.creatinine_mg_dl,
                &CREAT_MG,
                i.creatinine_umol_l,
                &CREAT_UMOL,
                |v| v / CREATININE_UMOL_L_PER_MG_DL,
            )?,
            cystatin_c_mg_l: i.cystatin_c_mg_l,
            uacr_mg_g: one_of(
                i.uacr_mg_g,
                &UACR_MG_G,
                i.uacr_mg_mmol,
                &UACR_MG_MMOL,
                |v| v * UACR_MG_G_PER_MG_MMOL,
            )?,
            hba1c_pct: one_of(
                i.hba1c_pct,
                &HBA1C_PCT,
                i.hba1c_mmol_mol,
                &HBA1C_MMOL,
                hba1c_pct_from_mmol_mol,
            )?,
            statin: i.statin,
            family_history_mi: i.family_history_mi,
            cac_agatston: i.cac_agatston,
            cac_volume_mm3: i.cac_volume_mm3,
            cac_arteries: i.cac_arteries,
            scans: i.scans,
        };
        p.validate()?;
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Profile, String> {
        serde_json::from_str(s).map_err(|e| e.to_string())
    }

    #[test]
    fn canonical_profile_round_trips() {
        let p = parse(
            r#"{"age":55,"sex":"male","race":"white","total_cholesterol_mg_dl":213,
                "hdl_mg_dl":50,"systolic_bp_mm_hg":120,"bp_treated":false,"smoker":false,
                "diabetes":false,"scans":[{"date":"2020-01-02","agatston":10,"volume_mm3":12.5}]}"#,
        )
        .unwrap();
        assert_eq!(p.total_cholesterol_mg_dl, Some(213.0));
        let back: Profile = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn si_units_are_converted() {
        let p = parse(
            r#"{"age":60,"sex":"female","total_cholesterol_mmol_l":5.2,"hdl_mmol_l":1.3,
                "creatinine_umol_l":88.4,"uacr_mg_mmol":3}"#,
        )
        .unwrap();
        assert!((p.total_cholesterol_mg_dl.unwrap() - 201.084).abs() < 1e-9);
        assert!((p.hdl_mg_dl.unwrap() - 50.271).abs() < 1e-9);
        assert!((p.creatinine_mg_dl.unwrap() - 1.0).abs() < 1e-12);
        assert!((p.uacr_mg_g.unwrap() - 26.52).abs() < 1e-9);
    }

    /// NGSP master equation: 48 mmol/mol (the diabetes threshold in IFCC units) is 6.5 % and
    /// 53 mmol/mol is 7.0 % (to the 0.05 % the NGSP conversion table prints).
    #[test]
    fn hba1c_in_mmol_mol_is_converted() {
        let p = parse(r#"{"age":60,"sex":"female","hba1c_mmol_mol":48}"#).unwrap();
        let v = p.hba1c_pct.unwrap();
        assert!((v - (0.09148 * 48.0 + 2.152)).abs() < 1e-12 && (v - 6.5).abs() < 0.05);
        let p = parse(r#"{"age":60,"sex":"female","hba1c_mmol_mol":53}"#).unwrap();
        assert!((p.hba1c_pct.unwrap() - 7.0).abs() < 0.05);
        let e = parse(r#"{"age":60,"sex":"female","hba1c_pct":48}"#).unwrap_err();
        assert!(e.contains("hba1c_mmol_mol"), "{e}");
        let e = parse(r#"{"age":60,"sex":"female","hba1c_mmol_mol":6.5}"#).unwrap_err();
        assert!(e.contains("hba1c_pct"), "{e}");
        let e =
            parse(r#"{"age":60,"sex":"female","hba1c_pct":6.5,"hba1c_mmol_mol":48}"#).unwrap_err();
        assert!(e.contains("not both"), "{e}");
    }

    #[test]
    fn wrong_unit_gets_a_hint() {
        let e = parse(r#"{"age":60,"sex":"female","total_cholesterol_mg_dl":5.2}"#).unwrap_err();
        assert!(e.contains("total_cholesterol_mmol_l"), "{e}");
        let e = parse(r#"{"age":60,"sex":"female","creatinine_mg_dl":80}"#).unwrap_err();
        assert!(e.contains("creatinine_umol_l"), "{e}");
        let e = parse(r#"{"age":60,"sex":"female","creatinine_umol_l":0.9}"#).unwrap_err();
        assert!(e.contains("creatinine_mg_dl"), "{e}");
        let e = parse(r#"{"age":60,"sex":"female","hdl_mg_dl":1.2}"#).unwrap_err();
        assert!(e.contains("hdl_mmol_l"), "{e}");
    }

    #[test]
    fn rejects_both_units_unknown_fields_and_bad_scans() {
        assert!(
            parse(r#"{"age":60,"sex":"male","hdl_mg_dl":50,"hdl_mmol_l":1.3}"#)
                .unwrap_err()
                .contains("not both")
        );
        assert!(
            parse(r#"{"age":60,"sex":"male","total_cholesterol":200}"#)
                .unwrap_err()
                .contains("unknown field")
        );
        assert!(
            parse(r#"{"age":60,"sex":"male","scans":[{"date":"2020-01-01","agatston":-1}]}"#)
                .is_err()
        );
        assert!(
            parse(
                r#"{"age":60,"sex":"male","scans":[{"date":"2020-01-01","agatston":1},
                {"date":"2020-01-01","agatston":2}]}"#
            )
            .unwrap_err()
            .contains("same date")
        );
        assert!(parse(r#"{"age":6,"sex":"male"}"#).is_err());
    }

    #[test]
    fn batch_lines_carry_their_id() {
        let l: BatchLine = serde_json::from_str(r#"{"id":"P-1","age":60,"sex":"male"}"#).unwrap();
        assert_eq!(l.id, Some(BatchId::Text(Cow::Borrowed("P-1"))));
        assert!(l.profile.is_ok());
        let l: BatchLine =
            serde_json::from_str(r#"{"id":17,"age":60,"sex":"male","hdl_mg_dl":1.2}"#).unwrap();
        assert_eq!(l.id, Some(BatchId::Integer(17)));
        assert!(l.profile.unwrap_err().to_string().contains("hdl_mmol_l"));
        assert!(serde_json::from_str::<BatchLine>(r#"{"id":1.5,"age":60,"sex":"male"}"#).is_err());
        // A single profile is not a batch line.
        let e = parse(r#"{"id":"P-1","age":60,"sex":"male"}"#).unwrap_err();
        assert!(e.contains("--batch"), "{e}");
    }

    #[test]
    fn vessels_counted() {
        let a = ArteryScores {
            lm: Some(0.0),
            lad: Some(12.0),
            lcx: None,
            rca: Some(3.0),
        };
        // LCX not given counts as no calcium (the CAC-DRS N rule, `vascalc_domain::cac_drs`).
        assert_eq!(a.vessels_with_calcium(), 2);
    }
}
