//! The truth file: what was put into the phantom, in physical units, with the model that turned it
//! into voxels. Written as `truth.json` beside the DICOM series.

use serde::{Deserialize, Serialize};

use crate::model::{
    CALIBRATION_ROD_MG_HA_CM3, ForwardModel, Geometry, Insert, Material, PhantomSpec, Rod,
};

/// A sphere in patient coordinates, usable as `--roi NAME=sphere:X,Y,Z,R`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SphereRoi {
    pub centre_mm: [f64; 3],
    pub radius_mm: f64,
}

impl SphereRoi {
    /// The `sphere:X,Y,Z,R` form used by `vascalc scan score --roi`.
    pub fn to_arg(&self) -> String {
        let [x, y, z] = self.centre_mm;
        format!("sphere:{x},{y},{z},{}", self.radius_mm)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsertTruth {
    pub id: String,
    pub mg_ha_cm3: f64,
    pub diameter_mm: f64,
    pub length_mm: f64,
    /// Centre of the cylinder, patient mm.
    pub centre_mm: [f64; 3],
    /// π(d/2)²·L.
    pub volume_mm3: f64,
    /// density × volume: the physical HA mass.
    pub mass_mg: f64,
    /// HU of the insert material before blur, slice profile and noise.
    pub hu: f64,
    /// A sphere that holds the insert's blurred image and no other insert.
    pub roi: SphereRoi,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RodTruth {
    pub id: String,
    pub material: Material,
    pub diameter_mm: f64,
    pub centre_xy_mm: [f64; 2],
    /// HU of the rod material before blur and noise.
    pub hu: f64,
    /// A cylinder well inside the rod (2 mm and ≥ 4σ of blur from its edge) over every slice, for
    /// measuring the rod's mean HU.
    pub region: RodRegion,
}

/// A cylinder along z inside a rod, usable as `--ha-rod` / `--water-rod X,Y,Z,R,L`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RodRegion {
    pub centre_mm: [f64; 3],
    pub radius_mm: f64,
    pub length_mm: f64,
}

impl RodRegion {
    /// The `X,Y,Z,R,L` form used by `vascalc scan score --ha-rod/--water-rod`.
    pub fn to_arg(&self) -> String {
        let [x, y, z] = self.centre_mm;
        format!("{x},{y},{z},{},{}", self.radius_mm, self.length_mm)
    }
}

/// The mass calibration the phantom implies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationTruth {
    pub rod_mg_ha_cm3: f64,
    pub hu_ha_rod: f64,
    pub hu_water_rod: f64,
    /// `0.2 mg/mm³ / (HU_HA rod − HU_water rod)`, mg/(mm³·HU), as in McCollough et al. 2007.
    pub factor_mg_per_mm3_hu: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// `vascalc-phantom <version>`.
    pub generator: String,
    pub seed: u64,
    pub geometry: Geometry,
    pub model: ForwardModel,
    /// The model's relations in words, so the file stands on its own.
    pub relations: Vec<String>,
    pub body_diameter_mm: f64,
    pub calibration: CalibrationTruth,
    pub rods: Vec<RodTruth>,
    pub inserts: Vec<InsertTruth>,
}

fn rod_hu(model: &ForwardModel, rod: &Rod) -> f64 {
    match rod.material {
        Material::Water => model.hu_water,
        Material::HydroxyapatiteInWater { mg_ha_cm3 } => {
            model.hu_water + model.hu_per_mg_ha_cm3 * mg_ha_cm3
        }
    }
}

/// Radius of the sphere ROI around an insert: its half-diagonal plus 1 mm, so the sphere holds the
/// whole cylinder and its blur for the default 12 mm spacing.
fn insert_roi_radius(insert: &Insert, model: &ForwardModel) -> f64 {
    let half_diag = (insert.diameter_mm.powi(2) + insert.length_mm.powi(2)).sqrt() / 2.0;
    let r = half_diag + 1.0 + 2.0 * model.blur_sigma_mm();
    (r * 100.0).round() / 100.0
}

impl Truth {
    pub fn new(spec: &PhantomSpec) -> Self {
        let m = &spec.model;
        let sigma = m.blur_sigma_mm();
        let inserts = spec
            .layout
            .inserts
            .iter()
            .map(|ins| InsertTruth {
                id: ins.id.clone(),
                mg_ha_cm3: ins.mg_ha_cm3,
                diameter_mm: ins.diameter_mm,
                length_mm: ins.length_mm,
                centre_mm: ins.centre_mm,
                volume_mm3: ins.volume_mm3(),
                mass_mg: ins.mass_mg(),
                hu: m.hu_soft_tissue + m.hu_per_mg_ha_cm3 * ins.mg_ha_cm3,
                roi: SphereRoi {
                    centre_mm: ins.centre_mm,
                    radius_mm: insert_roi_radius(ins, m),
                },
            })
            .collect();
        let rods: Vec<RodTruth> = spec
            .layout
            .rods
            .iter()
            .map(|rod| RodTruth {
                id: rod.id.clone(),
                material: rod.material.clone(),
                diameter_mm: rod.diameter_mm,
                centre_xy_mm: rod.centre_xy_mm,
                hu: rod_hu(m, rod),
                region: RodRegion {
                    centre_mm: [
                        rod.centre_xy_mm[0],
                        rod.centre_xy_mm[1],
                        spec.geometry.centre_mm[2],
                    ],
                    radius_mm: (rod.diameter_mm / 2.0 - (2.0f64).max(4.0 * sigma)).max(0.5),
                    length_mm: f64::from(spec.geometry.slices) * spec.geometry.slice_increment_mm,
                },
            })
            .collect();
        let hu_ha_rod = m.hu_water + m.hu_per_mg_ha_cm3 * CALIBRATION_ROD_MG_HA_CM3;
        Self {
            generator: format!("vascalc-phantom {}", env!("CARGO_PKG_VERSION")),
            seed: spec.seed,
            geometry: spec.geometry.clone(),
            model: m.clone(),
            relations: vec![
                "HU = HU_base + hu_per_mg_ha_cm3 × density (mg HA/cm³); inserts: base = soft tissue; rods: base = water".into(),
                format!(
                    "in-plane blur: isotropic Gaussian PSF, FWHM {} mm (σ = {:.4} mm), averaged over each pixel",
                    m.blur_fwhm_mm, sigma
                ),
                "slice sensitivity profile: boxcar of width = slice thickness, centred on each slice position".into(),
                format!(
                    "noise: white Gaussian, SD {} HU, xoshiro256++ seeded per slice from the seed",
                    m.noise_sd_hu
                ),
                "quantisation: HU rounded to integers; stored int16 = HU + 1024 (RescaleIntercept −1024, slope 1)".into(),
                "physical mass = density/1000 × π(d/2)² × length (mg)".into(),
            ],
            body_diameter_mm: spec.layout.body_diameter_mm,
            calibration: CalibrationTruth {
                rod_mg_ha_cm3: CALIBRATION_ROD_MG_HA_CM3,
                hu_ha_rod,
                hu_water_rod: m.hu_water,
                factor_mg_per_mm3_hu: CALIBRATION_ROD_MG_HA_CM3
                    / 1000.0
                    / (hu_ha_rod - m.hu_water),
            },
            rods,
            inserts,
        }
    }

    pub fn insert(&self, id: &str) -> Option<&InsertTruth> {
        self.inserts.iter().find(|i| i.id == id)
    }

    /// Arguments of `vascalc scan score` that score the inserts only (one named ROI each) with
    /// the mass calibrated on the phantom's own rods.
    pub fn score_args(&self) -> Vec<String> {
        let mut args = vec!["--only-rois".to_string()];
        for i in &self.inserts {
            args.push(format!("--roi={}={}", i.id, i.roi.to_arg()));
        }
        for rod in &self.rods {
            let flag = match rod.material {
                Material::Water => "--water-rod",
                Material::HydroxyapatiteInWater { .. } => "--ha-rod",
            };
            args.push(format!("{flag}={}", rod.region.to_arg()));
        }
        args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_factor_equals_the_models() {
        let spec = PhantomSpec::small(3);
        let truth = Truth::new(&spec);
        let f = truth.calibration.factor_mg_per_mm3_hu;
        assert!((f - spec.model.calibration_factor()).abs() < 1e-15);
    }

    #[test]
    fn insert_rois_do_not_overlap() {
        let truth = Truth::new(&PhantomSpec::standard(1));
        for a in &truth.inserts {
            for b in &truth.inserts {
                if a.id == b.id {
                    continue;
                }
                let d = a
                    .roi
                    .centre_mm
                    .iter()
                    .zip(&b.roi.centre_mm)
                    .map(|(p, q)| (p - q).powi(2))
                    .sum::<f64>()
                    .sqrt();
                assert!(d > a.roi.radius_mm + b.roi.radius_mm, "{} / {}", a.id, b.id);
            }
        }
    }

    #[test]
    fn truth_round_trips_through_json() {
        let truth = Truth::new(&PhantomSpec::small(9));
        let text = serde_json::to_string(&truth).expect("serialisable");
        let back: Truth = serde_json::from_str(&text).expect("parsable");
        assert_eq!(back.inserts.len(), 9);
        assert_eq!(serde_json::to_string(&back).expect("serialisable"), text);
    }
}
