//! Scoring conventions: the classic Agatston rules and modes that reproduce the choices of
//! published open implementations, so differences between tools can be explained.
//!
//! Sources (see `docs/ct-scoring.md` and the research note `ct-scoring.md` §1–2):
//! * classic: Agatston AS et al., J Am Coll Cardiol 1990;15(4):827–832,
//!   doi:10.1016/0735-1097(90)90282-T (≥130 HU, lesion ≥1 mm², weight from the peak HU), with
//!   the increment/3 mm normalisation measured from positions.
//! * `qurai`: qurAI-amsterdam/calcium-scoring `compute_calcium_scores`: 3D 26-connected lesions,
//!   minimum lesion volume 1.5 mm³, each slice of a lesion weighted by its own peak, × spacing/3.
//! * `deepcac`: AIM-Harvard/DeepCAC `get_ag`: 2D 8-connected, objects of ≤ 3 pixels skipped,
//!   × dz/3 with dz rounded to 3 decimals.
//! * `ai-cac`: Raffi-Hagopian/AI-CAC `compute_agatston_for_vol`: 3D 6-connected lesions,
//!   one weight from the 3D peak, × SliceThickness/3, minimum two voxels (as its inference path runs),
//!   each object's score rounded to an integer (Python `round`, half to even) before summing.

use serde::{Deserialize, Serialize};

/// How voxels above threshold are grouped into lesions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    /// Per slice, 8-connected (edges and corners).
    Slice8,
    /// Per slice, 4-connected (edges only).
    Slice4,
    /// In 3D, 26-connected.
    Volume26,
    /// In 3D, 6-connected (faces only).
    Volume6,
}

impl Connectivity {
    pub fn is_3d(self) -> bool {
        matches!(self, Self::Volume26 | Self::Volume6)
    }
    /// Whether diagonal (corner) neighbours connect within a slice.
    pub(crate) fn diagonal(self) -> bool {
        matches!(self, Self::Slice8 | Self::Volume26)
    }
}

impl std::fmt::Display for Connectivity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Slice8 => "8-connected per slice",
            Self::Slice4 => "4-connected per slice",
            Self::Volume26 => "26-connected in 3D",
            Self::Volume6 => "6-connected in 3D",
        })
    }
}

/// The smallest lesion that counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum MinSize {
    /// Area in mm² (2D lesions) — for 3D lesions, applied to the lesion's largest slice.
    AreaMm2(f64),
    /// Volume in mm³ (voxel count × pixel area × increment).
    VolumeMm3(f64),
    /// Voxel count.
    Voxels(u32),
    /// No minimum.
    None,
}

impl std::fmt::Display for MinSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AreaMm2(a) => write!(f, "{a} mm²"),
            Self::VolumeMm3(v) => write!(f, "{v} mm³"),
            Self::Voxels(n) => write!(f, "{n} voxels"),
            Self::None => f.write_str("none"),
        }
    }
}

/// Where the density weight's peak HU comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightFrom {
    /// The peak of each slice of the lesion (classic).
    SlicePeak,
    /// One peak for the whole 3D lesion.
    LesionPeak,
}

/// Which depth multiplies the area to normalise to 3 mm slices, and gives the voxel depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Depth {
    /// The increment measured from ImagePositionPatient along the normal.
    Increment,
    /// The increment rounded to 3 decimals (DeepCAC's SimpleITK spacing).
    IncrementRounded3,
    /// DICOM SliceThickness (double counts overlapping reconstructions).
    SliceThickness,
}

/// Named conventions offered by `--convention`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConventionName {
    #[default]
    Classic,
    Qurai,
    Deepcac,
    AiCac,
}

impl ConventionName {
    pub const ALL: [ConventionName; 4] = [Self::Classic, Self::Qurai, Self::Deepcac, Self::AiCac];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Classic => "classic",
            Self::Qurai => "qurai",
            Self::Deepcac => "deepcac",
            Self::AiCac => "ai-cac",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The rules of this convention.
    pub fn convention(self) -> Convention {
        let classic = Convention {
            name: self,
            threshold_hu: 130.0,
            weight_bounds_hu: [200.0, 300.0, 400.0],
            connectivity: Connectivity::Slice8,
            min_size: MinSize::AreaMm2(1.0),
            weight_from: WeightFrom::SlicePeak,
            depth: Depth::Increment,
            round_lesion_agatston: false,
            source: "Agatston AS et al. J Am Coll Cardiol 1990;15(4):827-832, doi:10.1016/0735-1097(90)90282-T; increment/3 mm from ImagePositionPatient".to_string(),
            kv_adjusted: None,
        };
        match self {
            Self::Classic => classic,
            Self::Qurai => Convention {
                connectivity: Connectivity::Volume26,
                min_size: MinSize::VolumeMm3(1.5),
                source: "reproduces qurAI-amsterdam/calcium-scoring compute_calcium_scores (3D 26-connected, min 1.5 mm3, per-slice peak, x spacing/3)".to_string(),
                ..classic.clone()
            },
            Self::Deepcac => Convention {
                min_size: MinSize::Voxels(4),
                depth: Depth::IncrementRounded3,
                source: "reproduces AIM-Harvard/DeepCAC get_ag (2D 8-connected, objects of 3 px or fewer skipped, x dz/3)".to_string(),
                ..classic.clone()
            },
            Self::AiCac => Convention {
                connectivity: Connectivity::Volume6,
                min_size: MinSize::Voxels(2),
                weight_from: WeightFrom::LesionPeak,
                depth: Depth::SliceThickness,
                round_lesion_agatston: true,
                source: "reproduces Raffi-Hagopian/AI-CAC compute_agatston_for_vol (3D 6-connected, 3D peak weight, x SliceThickness/3, min 2 voxels, each object's score rounded half to even before summing)".to_string(),
                ..classic.clone()
            },
        }
    }
}

/// The rules a score was computed with; printed in every result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Convention {
    pub name: ConventionName,
    /// Voxels at or above this HU are calcium.
    pub threshold_hu: f64,
    /// Lower bounds of the weight 2, 3 and 4 bins; bins are half-open \[lo, hi).
    pub weight_bounds_hu: [f64; 3],
    pub connectivity: Connectivity,
    pub min_size: MinSize,
    pub weight_from: WeightFrom,
    pub depth: Depth,
    /// Round each lesion's Agatston score to a whole number (half to even, as Python's `round`)
    /// before summing: AI-CAC's `compute_agatston_for_vol` does this per 3D object.
    #[serde(default)]
    pub round_lesion_agatston: bool,
    pub source: String,
    /// Set when the threshold and bins were adjusted for tube voltage (kVp).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kv_adjusted: Option<KvAdjustment>,
}

/// A tube-voltage adjustment of threshold and weight bins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KvAdjustment {
    pub kvp: f64,
    pub source: String,
}

/// kV-specific threshold and weight bounds (threshold, w2, w3, w4) of Gräni C et al. Eur Heart J
/// Cardiovasc Imaging 2018;19(12):1362–1371, doi:10.1093/ehjci/jey019, as encoded in
/// MolloiLab/CalciumScoring.jl `_weight_thresholds`. 120 kV keeps the classic values.
pub const KV_TABLE: [(f64, [f64; 4]); 4] = [
    (70.0, [207.0, 318.0, 477.0, 636.0]),
    (80.0, [177.0, 271.0, 408.0, 544.0]),
    (100.0, [145.0, 222.0, 334.0, 446.0]),
    (135.0, [119.0, 183.0, 274.0, 364.0]),
];

impl Convention {
    /// Density weight of a peak HU: half-open bins \[threshold, b2)→1, \[b2, b3)→2, \[b3, b4)→3,
    /// ≥ b4→4; 0 below the threshold.
    pub fn weight(&self, peak_hu: f64) -> u8 {
        let [b2, b3, b4] = self.weight_bounds_hu;
        if peak_hu >= b4 {
            4
        } else if peak_hu >= b3 {
            3
        } else if peak_hu >= b2 {
            2
        } else if peak_hu >= self.threshold_hu {
            1
        } else {
            0
        }
    }

    /// Applies the Gräni kV table for a scan at `kvp`; returns `false` (and changes nothing)
    /// when the table has no row within 2 kV of it or the scan is at 120 kV.
    pub fn adjust_for_kv(&mut self, kvp: f64) -> bool {
        let Some((_, row)) = KV_TABLE.iter().find(|(kv, _)| (kv - kvp).abs() <= 2.0) else {
            return false;
        };
        self.threshold_hu = row[0];
        self.weight_bounds_hu = [row[1], row[2], row[3]];
        self.kv_adjusted = Some(KvAdjustment {
            kvp,
            source: "Grani C et al. Eur Heart J Cardiovasc Imaging 2018;19(12):1362-1371, doi:10.1093/ehjci/jey019 (table as in MolloiLab/CalciumScoring.jl)".to_string(),
        });
        true
    }
}

impl Default for Convention {
    fn default() -> Self {
        ConventionName::Classic.convention()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_open_bins() {
        let c = Convention::default();
        assert_eq!(c.weight(129.9), 0);
        assert_eq!(c.weight(130.0), 1);
        assert_eq!(c.weight(199.5), 1);
        assert_eq!(c.weight(200.0), 2);
        assert_eq!(c.weight(299.99), 2);
        assert_eq!(c.weight(300.0), 3);
        assert_eq!(c.weight(399.0), 3);
        assert_eq!(c.weight(400.0), 4);
        assert_eq!(c.weight(3000.0), 4);
    }

    #[test]
    fn names_round_trip() {
        for n in ConventionName::ALL {
            assert_eq!(ConventionName::parse(n.as_str()), Some(n));
            assert_eq!(n.convention().name, n);
        }
        assert_eq!(ConventionName::parse("nope"), None);
    }

    #[test]
    fn kv_table_applies_only_to_listed_voltages() {
        let mut c = Convention::default();
        assert!(!c.adjust_for_kv(120.0));
        assert_eq!(c.threshold_hu, 130.0);
        assert!(c.adjust_for_kv(100.0));
        assert_eq!(c.threshold_hu, 145.0);
        assert_eq!(c.weight(221.0), 1);
        assert_eq!(c.weight(222.0), 2);
    }
}
