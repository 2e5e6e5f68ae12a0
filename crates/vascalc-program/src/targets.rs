//! Reference intakes and thresholds used as targets, each with its source.
//!
//! Nutrient reference intakes come from vascalc-nutrition's DRI table (IOM/NASEM, EFSA); the
//! thresholds below come from the guidelines named on each.

use crate::Sex;

/// A reference intake with its source label and guideline id.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub value: f64,
    pub unit: &'static str,
    pub source: String,
    pub guideline: &'static str,
}

fn nutrition_person(age: f64, sex: Sex) -> vascalc_nutrition::Person {
    vascalc_nutrition::Person {
        age_years: age,
        sex: match sex {
            Sex::Female => vascalc_nutrition::Sex::Female,
            Sex::Male => vascalc_nutrition::Sex::Male,
        },
        life_stage: vascalc_nutrition::LifeStage::None,
    }
}

fn sex_word(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "woman",
        Sex::Male => "man",
    }
}

fn band(age: f64) -> String {
    format!("{}", age.floor())
}

/// The adult reference intake of `nutrient` from vascalc-nutrition's DRI table.
fn dri(
    nutrient: vascalc_nutrition::Nutrient,
    age: f64,
    sex: Sex,
    guideline: &'static str,
) -> Option<Reference> {
    let ri = vascalc_nutrition::reference_intake(nutrient, &nutrition_person(age, sex))?;
    let kind = match ri.kind {
        vascalc_nutrition::IntakeKind::Rda => "RDA",
        vascalc_nutrition::IntakeKind::Ai => "AI",
    };
    Some(Reference {
        value: ri.amount,
        unit: "mg/day",
        source: format!(
            "{kind} for a {} aged {}: {}",
            sex_word(sex),
            band(age),
            ri.source
        ),
        guideline,
    })
}

/// Magnesium RDA (IOM 1997, from vascalc-nutrition) for adults; `None` under 19 or without age
/// and sex.
pub fn magnesium_rda(age: Option<f64>, sex: Option<Sex>) -> Option<Reference> {
    let (age, sex) = (age?, sex?);
    if age < 19.0 {
        return None;
    }
    dri(
        vascalc_nutrition::Nutrient::MagnesiumMg,
        age,
        sex,
        "iom-dri-1997",
    )
}

/// Magnesium tolerable upper intake from supplements and medications (IOM 1997), mg/day.
pub const MAGNESIUM_SUPPLEMENT_UL_MG: f64 = 350.0;

/// Calcium RDA (IOM 2011, from vascalc-nutrition) for adults; `None` under 19 or without age
/// and sex.
pub fn calcium_rda(age: Option<f64>, sex: Option<Sex>) -> Option<Reference> {
    let (age, sex) = (age?, sex?);
    if age < 19.0 {
        return None;
    }
    dri(
        vascalc_nutrition::Nutrient::CalciumMg,
        age,
        sex,
        "iom-calcium-vitd-2011",
    )
}

/// EPA+DHA adequate intake for adults (EFSA 2010, from vascalc-nutrition's targets), mg/day.
pub fn epa_dha() -> Reference {
    let efsa = vascalc_nutrition::epa_dha_targets()
        .iter()
        .find(|t| t.body == "EFSA");
    Reference {
        value: efsa.map(|t| t.mg_per_day).unwrap_or(250.0),
        unit: "mg/day",
        source: format!(
            "EFSA adequate intake for adults (no DRI exists): {}",
            efsa.map(|t| t.source)
                .unwrap_or("EFSA Journal 2010;8(3):1461")
        ),
        guideline: "efsa-epa-dha",
    }
}

/// The MK-7 trials whose doses the plan shows, as study ids of the evidence base (in order of
/// dose). There is no reference intake for vitamin K2 and the evidence base rates vitamin K2
/// null overall, so these doses are shown as what the trials used, never as a target: the plan
/// reads each dose, and its result, from the study entry itself.
pub const MK7_TRIALS: &[&str] = &[
    "kurnatowska-2015",
    "knapen-2015",
    "trevasc-hdk-2023",
    "k4kidneys-2020",
    "avadec-2022",
];

/// KDOQI 2003 serum phosphorus thresholds above which dietary phosphorus is restricted:
/// 4.6 mg/dL in CKD stages 3–4, 5.5 mg/dL in stage 5 / dialysis.
pub fn phosphate_threshold_mg_dl(egfr: Option<f64>, dialysis: bool) -> f64 {
    if dialysis || egfr.is_some_and(|e| e < 15.0) {
        5.5
    } else {
        4.6
    }
}

/// KDOQI 2003 restricted phosphorus intake (upper end of 800–1,000 mg/day).
pub const CKD_PHOSPHORUS_MAX_MG: f64 = 1000.0;

/// Blood pressure goal (2017 ACC/AHA): < 130/80 mm Hg.
pub const BP_SYSTOLIC_GOAL: f64 = 130.0;
pub const BP_DIASTOLIC_GOAL: f64 = 80.0;

/// Aerobic activity (WHO 2020): at least 150 min/week moderate intensity.
pub const ENDURANCE_MIN_PER_WEEK: f64 = 150.0;
/// Muscle strengthening on at least 2 days a week (WHO 2020 full guideline).
pub const STRENGTH_DAYS_PER_WEEK: f64 = 2.0;

/// HbA1c goals (ADA): < 7.0 % with diabetes; < 5.7 % (below the prediabetes range) without.
pub fn hba1c_goal(diabetes: bool) -> f64 {
    if diabetes { 7.0 } else { 5.7 }
}

/// BMI range (WHO): 18.5–24.9 kg/m².
pub const BMI_MIN: f64 = 18.5;
pub const BMI_MAX: f64 = 24.9;

/// Alcohol: fewer than 7 drinks/week (CARDIA: CAC prevalence 8%, 9%, 13%, 19% for 0, 1–6, 7–13,
/// ≥14 drinks/week; no protective effect in MESA).
pub const ALCOHOL_MAX_DRINKS_WEEK: f64 = 6.0;

/// 25-OH vitamin D: ≥ 20 ng/mL (50 nmol/L) covers the needs of nearly everyone (IOM 2011, as
/// reported by Mayo Clinic Laboratories' reference values); above 50 ng/mL with calcium
/// supplements risks hypercalciuria (same source).
pub const VITAMIN_D_MIN_NG_ML: f64 = 20.0;
pub const VITAMIN_D_MAX_NG_ML: f64 = 50.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magnesium_rda_by_age_and_sex() {
        // IOM 1997 table as reproduced in research/nutrition-data.md §3.1.
        assert_eq!(
            magnesium_rda(Some(25.0), Some(Sex::Male)).map(|r| r.value),
            Some(400.0)
        );
        assert_eq!(
            magnesium_rda(Some(60.0), Some(Sex::Male)).map(|r| r.value),
            Some(420.0)
        );
        assert_eq!(
            magnesium_rda(Some(25.0), Some(Sex::Female)).map(|r| r.value),
            Some(310.0)
        );
        assert_eq!(
            magnesium_rda(Some(60.0), Some(Sex::Female)).map(|r| r.value),
            Some(320.0)
        );
        assert_eq!(magnesium_rda(None, Some(Sex::Female)), None);
        assert_eq!(magnesium_rda(Some(15.0), Some(Sex::Female)), None);
    }

    #[test]
    fn calcium_rda_by_age_and_sex() {
        // IOM 2011 table as reproduced in research/nutrition-data.md §3.1.
        assert_eq!(
            calcium_rda(Some(40.0), Some(Sex::Female)).map(|r| r.value),
            Some(1000.0)
        );
        assert_eq!(
            calcium_rda(Some(60.0), Some(Sex::Female)).map(|r| r.value),
            Some(1200.0)
        );
        assert_eq!(
            calcium_rda(Some(60.0), Some(Sex::Male)).map(|r| r.value),
            Some(1000.0)
        );
        assert_eq!(calcium_rda(Some(60.0), None), None);
        assert_eq!(
            calcium_rda(Some(75.0), Some(Sex::Male)).map(|r| r.value),
            Some(1200.0)
        );
    }
}
