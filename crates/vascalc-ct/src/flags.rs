//! Quality flags: acquisition facts that make a score less comparable or less trustworthy.
//! They never stop scoring; they travel with every result.

use serde::{Deserialize, Serialize};

use crate::result::Acquisition;
use crate::volume::Geometry;

/// What is wrong or unusual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagCode {
    /// Tube voltage is not 120 kVp: the 130 HU threshold and weights were defined at 120 kV.
    KvpNot120,
    /// KVP is not recorded.
    KvpUnknown,
    /// Threshold and bins were adjusted for kVp (opt-in).
    KvAdjustedThreshold,
    /// A contrast agent is recorded: the 130 HU rule does not transfer to contrast CT.
    ContrastAgent,
    /// The pixels went through lossy compression.
    LossyCompression,
    /// Gantry tilt: slices are sheared; the increment along the normal is used.
    GantryTilt,
    /// Slice gaps differ by more than 1% (and not by whole missing slices).
    UnevenSpacing,
    /// Gaps of about a whole multiple of the increment: slices are missing.
    MissingSlices,
    /// Slices thicker than 3 mm: small lesions are underscored.
    ThickSlices,
    /// RescaleType is present and not HU.
    NotHu,
    /// Modality is not CT.
    NotCt,
    /// The convention needs SliceThickness but the series has none; the increment was used.
    NoSliceThickness,
    /// BodyPartExamined names a part that is not the chest or heart: not interpreted.
    NotChest,
    /// Too few slices or too short a coverage along the body to hold a heart: not interpreted.
    ShortCoverage,
    /// `--regions auto` found no chest (no lungs either side of a mediastinum): the whole image
    /// was scored, as for a phantom; not interpreted.
    NoChestAnatomy,
    /// Automatic coronary candidates await review: not interpreted.
    Unreviewed,
}

impl FlagCode {
    /// Whether a series with this flag gets no interpretation (no CAC-DRS).
    pub fn blocks_interpretation(self) -> bool {
        matches!(
            self,
            Self::NotChest
                | Self::ShortCoverage
                | Self::ContrastAgent
                | Self::NotCt
                | Self::NotHu
                | Self::NoChestAnatomy
                | Self::Unreviewed
        )
    }
}

/// Fewer slices than this cannot be a cardiac or chest series.
pub const MIN_SLICES: usize = 20;
/// Coverage along the slice normal (slices × increment) below this cannot hold a heart, mm.
/// An adult heart measures about 12 cm from base to apex and the coronary tree lies within about
/// 10 cm along the body axis; 60 mm is a lenient floor that no cardiac calcium scan falls under
/// (a prospectively triggered calcium scan covers 12–15 cm).
pub const MIN_COVERAGE_MM: f64 = 60.0;

/// Body parts that a coronary calcium score can come from (BodyPartExamined, upper case).
const CHEST_PARTS: [&str; 6] = [
    "CHEST",
    "HEART",
    "THORAX",
    "CARDIAC",
    "CHEST_ABDOMEN",
    "CHESTABDOMEN",
];

/// A flag with a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub code: FlagCode,
    pub message: String,
}

impl Flag {
    pub fn new(code: FlagCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Flags from acquisition metadata and geometry.
pub fn acquisition_flags(acq: &Acquisition, geometry: &Geometry) -> Vec<Flag> {
    let mut flags = Vec::new();
    match acq.kvp {
        Some(kvp) if (kvp - 120.0).abs() > 0.5 => flags.push(Flag::new(
            FlagCode::KvpNot120,
            format!(
                "acquired at {kvp} kVp: the 130 HU threshold and the Agatston weights are defined at 120 kVp; scores are not comparable with 120 kVp scans (the Grani kV-adjusted table is opt-in: --kv-adjusted-threshold)"
            ),
        )),
        None => flags.push(Flag::new(
            FlagCode::KvpUnknown,
            "KVP (0018,0060) is not recorded: the tube voltage, and so the validity of the 130 HU threshold, cannot be checked",
        )),
        _ => {}
    }
    if let Some(agent) = &acq.contrast_agent {
        flags.push(Flag::new(
            FlagCode::ContrastAgent,
            format!(
                "contrast agent recorded ({agent}): Agatston scoring is defined on non-contrast CT; enhanced blood exceeds 130 HU; the series is not interpreted (no CAC-DRS)"
            ),
        ));
    }
    if acq.lossy_compression {
        flags.push(Flag::new(
            FlagCode::LossyCompression,
            "pixels were lossily compressed: voxels can move across 130 HU and the weight boundaries",
        ));
    }
    if let Some(modality) = &acq.modality
        && modality != "CT"
    {
        flags.push(Flag::new(
            FlagCode::NotCt,
            format!("modality is {modality}, not CT: HU thresholds do not apply; not interpreted"),
        ));
    }
    if let Some(rt) = &acq.rescale_type
        && !rt.eq_ignore_ascii_case("HU")
    {
        flags.push(Flag::new(
            FlagCode::NotHu,
            format!(
                "RescaleType is {rt}, not HU: values are not Hounsfield units; not interpreted"
            ),
        ));
    }
    if let Some(t) = acq.slice_thickness_mm
        && t > 3.0 + 1e-6
    {
        flags.push(Flag::new(
            FlagCode::ThickSlices,
            format!(
                "slices are {t} mm thick (> 3 mm): partial volume lowers peak HU and small lesions are missed"
            ),
        ));
    }
    if let Some(part) = acq
        .body_part
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let upper = part.to_ascii_uppercase();
        if !CHEST_PARTS.contains(&upper.as_str()) {
            flags.push(Flag::new(
                FlagCode::NotChest,
                format!(
                    "BodyPartExamined is {part}, not the chest or heart: lesions are listed but the series is not interpreted (no CAC-DRS); coronary calcium is scored on chest or cardiac CT"
                ),
            ));
        }
    }
    let slices = geometry.positions.len();
    let coverage = geometry.increment_mm().map(|inc| inc * slices as f64);
    if slices < MIN_SLICES || coverage.is_some_and(|c| c < MIN_COVERAGE_MM) {
        flags.push(Flag::new(
            FlagCode::ShortCoverage,
            format!(
                "{slices} slice(s) covering {} mm along the body: a heart needs at least {MIN_SLICES} slices and {MIN_COVERAGE_MM} mm; lesions are listed but the series is not interpreted (no CAC-DRS)",
                coverage.map_or("?".to_string(), |c| format!("{c:.1}"))
            ),
        ));
    }
    let geo_tilt = geometry.tilt_degrees().unwrap_or(0.0);
    let tag_tilt = acq.gantry_tilt_deg.unwrap_or(0.0);
    if geo_tilt > 0.5 || tag_tilt.abs() > 0.01 {
        flags.push(Flag::new(
            FlagCode::GantryTilt,
            format!(
                "gantry tilt (GantryDetectorTilt {tag_tilt}°, stacking {geo_tilt:.1}° off the slice normal): the increment along the normal is used; cardiac CT is normally untilted"
            ),
        ));
    }
    flags.extend(spacing_flags(geometry));
    flags
}

/// Missing-slice and uneven-spacing flags from the gaps between slice positions.
pub fn spacing_flags(geometry: &Geometry) -> Vec<Flag> {
    let mut flags = Vec::new();
    let Some(inc) = geometry.increment_mm() else {
        return flags;
    };
    let gaps = geometry.gaps();
    let mut missing = 0usize;
    let mut uneven = Vec::new();
    for g in &gaps {
        let ratio = g / inc;
        if (ratio - 1.0).abs() <= 0.01 {
            continue;
        }
        let whole = ratio.round();
        if whole >= 2.0 && (ratio - whole).abs() <= 0.05 {
            missing += whole as usize - 1;
        } else {
            uneven.push(*g);
        }
    }
    if missing > 0 {
        flags.push(Flag::new(
            FlagCode::MissingSlices,
            format!(
                "{missing} slice(s) missing: gaps of whole multiples of the {inc:.3} mm increment; calcium in the gaps is not scored"
            ),
        ));
    }
    if !uneven.is_empty() {
        let (lo, hi) = uneven
            .iter()
            .fold((inc, inc), |(lo, hi), g| (lo.min(*g), hi.max(*g)));
        flags.push(Flag::new(
            FlagCode::UnevenSpacing,
            format!(
                "slice spacing varies from {lo:.3} to {hi:.3} mm around the {inc:.3} mm increment; volume and the increment/3 mm factor use the median increment"
            ),
        ));
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(acq: &Acquisition, g: &Geometry) -> Vec<FlagCode> {
        acquisition_flags(acq, g).iter().map(|f| f.code).collect()
    }

    #[test]
    fn clean_120kv_series_has_no_flags() {
        let acq = Acquisition {
            kvp: Some(120.0),
            modality: Some("CT".into()),
            slice_thickness_mm: Some(3.0),
            ..Default::default()
        };
        let g = Geometry::axial(0.5, 3.0, 40, [0.0; 3], Some(3.0));
        assert!(codes(&acq, &g).is_empty());
        let chest = Acquisition {
            body_part: Some("chest ".into()),
            ..acq.clone()
        };
        assert!(codes(&chest, &g).is_empty());
    }

    #[test]
    fn coverage_and_body_part_bounds() {
        let acq = Acquisition {
            kvp: Some(120.0),
            ..Default::default()
        };
        // 20 slices of 3 mm = 60 mm: just enough; 19 slices or 2.5 mm apart is not.
        let c = |n, inc| codes(&acq, &Geometry::axial(0.5, inc, n, [0.0; 3], None));
        assert!(c(20, 3.0).is_empty());
        assert_eq!(c(19, 3.0), [FlagCode::ShortCoverage]);
        assert_eq!(c(23, 2.5), [FlagCode::ShortCoverage]);
        assert_eq!(c(3, 3.0), [FlagCode::ShortCoverage]);
        let g = Geometry::axial(0.5, 3.0, 40, [0.0; 3], None);
        for part in ["ABDOMEN", "head", "PELVIS"] {
            let a = Acquisition {
                body_part: Some(part.into()),
                ..acq.clone()
            };
            assert_eq!(codes(&a, &g), [FlagCode::NotChest], "{part}");
            assert!(FlagCode::NotChest.blocks_interpretation());
        }
    }

    #[test]
    fn each_flag_fires() {
        let acq = Acquisition {
            kvp: Some(100.0),
            modality: Some("MR".into()),
            slice_thickness_mm: Some(5.0),
            contrast_agent: Some("IOPAMIDOL".into()),
            body_part: Some("HEAD".into()),
            lossy_compression: true,
            rescale_type: Some("US".into()),
            gantry_tilt_deg: Some(18.5),
            ..Default::default()
        };
        let mut g = Geometry::axial(0.5, 3.0, 10, [0.0; 3], Some(3.0));
        g.positions.remove(4); // one missing slice
        g.positions[8][2] += 1.0; // and an uneven gap
        let c = codes(&acq, &g);
        for want in [
            FlagCode::KvpNot120,
            FlagCode::NotCt,
            FlagCode::ThickSlices,
            FlagCode::ContrastAgent,
            FlagCode::LossyCompression,
            FlagCode::NotHu,
            FlagCode::GantryTilt,
            FlagCode::MissingSlices,
            FlagCode::UnevenSpacing,
            FlagCode::NotChest,
            FlagCode::ShortCoverage,
        ] {
            assert!(c.contains(&want), "{want:?} missing from {c:?}");
        }
    }

    #[test]
    fn tilt_from_geometry() {
        let mut g = Geometry::axial(0.5, 3.0, 10, [0.0; 3], None);
        for (k, p) in g.positions.iter_mut().enumerate() {
            p[1] = k as f64; // shear along y: atan(1/3) ≈ 18.4°
        }
        let t = g.tilt_degrees().unwrap_or(0.0);
        assert!((t - (1.0f64 / 3.0).atan().to_degrees()).abs() < 1e-9);
    }
}
