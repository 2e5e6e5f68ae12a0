//! Mass calibration: mg of hydroxyapatite per (mm³ · HU).
//!
//! McCollough CH et al. Radiology 2007;243(2):527–538, doi:10.1148/radiol.2432050808: mass =
//! c_HA × V × mean CT number, with c_HA = ρ_HA / (CT_HA − CT_water) measured on calibration rods.

use serde::{Deserialize, Serialize};

use crate::regions::Region;
use crate::volume::Volume;

/// A calibration factor and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// mg per (mm³ · HU).
    pub mg_per_mm3_hu: f64,
    pub source: CalibrationSource,
}

/// Where a calibration factor came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CalibrationSource {
    /// Given by the user (`--calibration F`).
    Given,
    /// Measured on a hydroxyapatite rod and a water rod in this scan.
    Rods {
        ha_density_mg_cm3: f64,
        ha_mean_hu: f64,
        water_mean_hu: f64,
        ha_voxels: usize,
        water_voxels: usize,
    },
}

impl std::fmt::Display for CalibrationSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Given => f.write_str("given"),
            Self::Rods {
                ha_density_mg_cm3,
                ha_mean_hu,
                water_mean_hu,
                ha_voxels,
                water_voxels,
            } => write!(
                f,
                "from rods: HA {ha_density_mg_cm3} mg/cm³ at {ha_mean_hu:.1} HU ({ha_voxels} voxels), \
                 water {water_mean_hu:.1} HU ({water_voxels} voxels)"
            ),
        }
    }
}

/// Why a calibration cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    #[error("calibration factor {0} is not a positive finite number of mg per mm³·HU")]
    Factor(f64),
    #[error(
        "the {0} rod region holds no measured voxel of the volume; check its centre and radius"
    )]
    EmptyRegion(&'static str),
    #[error(
        "the HA rod ({ha:.1} HU) is not denser than the water rod ({water:.1} HU); check the rod regions"
    )]
    NoContrast { ha: f64, water: f64 },
}

impl Calibration {
    /// A user-given factor.
    pub fn given(mg_per_mm3_hu: f64) -> Result<Self, CalibrationError> {
        if !(mg_per_mm3_hu.is_finite() && mg_per_mm3_hu > 0.0) {
            return Err(CalibrationError::Factor(mg_per_mm3_hu));
        }
        Ok(Self {
            mg_per_mm3_hu,
            source: CalibrationSource::Given,
        })
    }

    /// c = ρ_HA / (mean HU in `ha` − mean HU in `water`), ρ in mg/cm³ converted to mg/mm³.
    pub fn from_rods(
        volume: &Volume,
        ha: &Region,
        water: &Region,
        ha_density_mg_cm3: f64,
    ) -> Result<Self, CalibrationError> {
        let (ha_mean, ha_n) = ha.mean_hu(volume);
        let (water_mean, water_n) = water.mean_hu(volume);
        if ha_n == 0 {
            return Err(CalibrationError::EmptyRegion("hydroxyapatite"));
        }
        if water_n == 0 {
            return Err(CalibrationError::EmptyRegion("water"));
        }
        if ha_mean.partial_cmp(&water_mean) != Some(std::cmp::Ordering::Greater) {
            return Err(CalibrationError::NoContrast {
                ha: ha_mean,
                water: water_mean,
            });
        }
        let factor = ha_density_mg_cm3 / 1000.0 / (ha_mean - water_mean);
        Self::given(factor).map(|c| Self {
            source: CalibrationSource::Rods {
                ha_density_mg_cm3,
                ha_mean_hu: ha_mean,
                water_mean_hu: water_mean,
                ha_voxels: ha_n,
                water_voxels: water_n,
            },
            ..c
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::volume::Geometry;

    #[test]
    fn rods_give_density_over_contrast() {
        let g = Geometry::axial(1.0, 1.0, 10, [0.0; 3], None);
        let mut hu = vec![0.0f32; 40 * 20 * 10];
        for k in 0..10 {
            for j in 0..20 {
                for i in 20..40 {
                    hu[(k * 20 + j) * 40 + i] = 250.0;
                }
            }
        }
        let v = Volume {
            columns: 40,
            rows: 20,
            slices: 10,
            hu,
            geometry: g,
        };
        let rod = |x| Region::Cylinder {
            center_mm: [x, 10.0, 5.0],
            radius_mm: 3.0,
            half_length_mm: 3.0,
        };
        let c = Calibration::from_rods(&v, &rod(30.0), &rod(10.0), 200.0).expect("calibrates");
        assert!((c.mg_per_mm3_hu - 0.2 / 250.0).abs() < 1e-12);
        assert_eq!(
            Calibration::from_rods(&v, &rod(10.0), &rod(30.0), 200.0),
            Err(CalibrationError::NoContrast {
                ha: 0.0,
                water: 250.0
            })
        );
        assert!(Calibration::given(-1.0).is_err());
        assert!(Calibration::given(f64::NAN).is_err());
    }
}
