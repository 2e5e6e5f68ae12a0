//! Regions in patient space (spheres, rods) and label volumes that name arteries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::volume::{Geometry, Volume, dot};

/// A region in patient coordinates (DICOM LPS, mm).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "shape")]
pub enum Region {
    Sphere {
        center_mm: [f64; 3],
        radius_mm: f64,
    },
    /// A cylinder along the slice normal (a calibration rod): circle of `radius_mm` around
    /// `center_mm`, `half_length_mm` either side along the normal.
    Cylinder {
        center_mm: [f64; 3],
        radius_mm: f64,
        half_length_mm: f64,
    },
}

impl Region {
    fn contains(&self, p: [f64; 3], normal: [f64; 3]) -> bool {
        match self {
            Region::Sphere {
                center_mm,
                radius_mm,
            } => {
                let d = sub(p, *center_mm);
                dot(d, d) <= radius_mm * radius_mm
            }
            Region::Cylinder {
                center_mm,
                radius_mm,
                half_length_mm,
            } => {
                let d = sub(p, *center_mm);
                let along = dot(d, normal);
                let across = dot(d, d) - along * along;
                along.abs() <= *half_length_mm && across <= radius_mm * radius_mm
            }
        }
    }

    fn center_and_reach(&self) -> ([f64; 3], f64) {
        match self {
            Region::Sphere {
                center_mm,
                radius_mm,
            } => (*center_mm, *radius_mm),
            Region::Cylinder {
                center_mm,
                radius_mm,
                half_length_mm,
            } => (*center_mm, radius_mm.hypot(*half_length_mm)),
        }
    }

    /// Calls `f(k, j, i)` for each voxel of `volume` whose centre lies in the region.
    pub fn for_each_voxel(
        &self,
        geometry: &Geometry,
        dims: [usize; 3],
        mut f: impl FnMut(usize, usize, usize),
    ) {
        let [cols, rows, slices] = dims;
        let (c, reach) = self.center_and_reach();
        let n = geometry.normal();
        let (r, cd) = (geometry.row_direction, geometry.column_direction);
        let (dx, dy) = (geometry.column_spacing_mm, geometry.row_spacing_mm);
        for k in 0..slices {
            let Some(p) = geometry.positions.get(k) else {
                break;
            };
            let d = sub(c, *p);
            if dot(d, n).abs() > reach {
                continue;
            }
            let ci = dot(d, r) / dx;
            let cj = dot(d, cd) / dy;
            let (ri, rj) = (reach / dx + 1.0, reach / dy + 1.0);
            let i0 = (ci - ri).floor().max(0.0) as usize;
            let i1 = ((ci + ri).ceil().max(0.0) as usize).min(cols.saturating_sub(1));
            let j0 = (cj - rj).floor().max(0.0) as usize;
            let j1 = ((cj + rj).ceil().max(0.0) as usize).min(rows.saturating_sub(1));
            for j in j0..=j1 {
                for i in i0..=i1 {
                    if let Some(q) = geometry.patient_point(i as f64, j as f64, k)
                        && self.contains(q, n)
                    {
                        f(k, j, i);
                    }
                }
            }
        }
    }

    /// Mean HU and voxel count of the measured (non-NaN) voxels inside the region.
    pub fn mean_hu(&self, volume: &Volume) -> (f64, usize) {
        let (mut sum, mut count) = (0.0f64, 0usize);
        let (cols, rows) = (volume.columns, volume.rows);
        self.for_each_voxel(&volume.geometry, [cols, rows, volume.slices], |k, j, i| {
            if let Some(v) = volume.hu.get((k * rows + j) * cols + i)
                && !v.is_nan()
            {
                sum += f64::from(*v);
                count += 1;
            }
        });
        (
            if count > 0 {
                sum / count as f64
            } else {
                f64::NAN
            },
            count,
        )
    }

    /// Whether the patient point lies in the region.
    pub fn contains_point(&self, p: [f64; 3], geometry: &Geometry) -> bool {
        self.contains(p, geometry.normal())
    }
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// A named region of interest (an artery or anything else).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roi {
    pub name: String,
    pub region: Region,
}

/// A label volume (for example a NIfTI segmentation) mapping voxels to artery names.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelVolume {
    /// (x, y, z) sizes of the label grid.
    pub dims: [usize; 3],
    /// Label values, x fastest.
    pub labels: Vec<u16>,
    /// Affine from patient LPS mm to (fractional) label-grid index (x, y, z): rows of a 3×4
    /// matrix.
    pub lps_to_index: [[f64; 4]; 3],
    /// Name of each label value; values without a name are called "label N"; 0 is background.
    pub names: BTreeMap<u16, String>,
}

impl LabelVolume {
    /// The label at a patient point (nearest grid voxel), 0 outside the grid.
    pub fn label_at(&self, p: [f64; 3]) -> u16 {
        let mut idx = [0usize; 3];
        for (axis, row) in self.lps_to_index.iter().enumerate() {
            let v = (row[0] * p[0] + row[1] * p[1] + row[2] * p[2] + row[3]).round();
            if !(v >= 0.0 && v < self.dims[axis] as f64) {
                return 0;
            }
            idx[axis] = v as usize;
        }
        let [nx, ny, _] = self.dims;
        self.labels
            .get((idx[2] * ny + idx[1]) * nx + idx[0])
            .copied()
            .unwrap_or(0)
    }

    pub fn name(&self, label: u16) -> String {
        self.names
            .get(&label)
            .cloned()
            .unwrap_or_else(|| format!("label {label}"))
    }
}

/// Canonical spelling of the four coronary arteries ([`vascalc_domain::Artery`]) and of
/// [`crate::CORONARY_UNNAMED`] (`coronary`, artery not named); other names are kept as given
/// (trimmed).
pub fn canonical_artery(name: &str) -> String {
    match vascalc_domain::Artery::from_name(name) {
        _ if crate::score::is_unnamed_coronary(name) => crate::score::CORONARY_UNNAMED.to_string(),
        vascalc_domain::Artery::NonCoronary => name.trim().to_string(),
        artery => artery.as_str().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sphere_voxels_and_mean() {
        let g = Geometry::axial(1.0, 1.0, 21, [-10.0, -10.0, -10.0], None);
        let mut v = Volume {
            columns: 21,
            rows: 21,
            slices: 21,
            hu: vec![100.0; 21 * 21 * 21],
            geometry: g,
        };
        v.hu[0] = f32::NAN;
        let s = Region::Sphere {
            center_mm: [0.0; 3],
            radius_mm: 5.0,
        };
        let (mean, n) = s.mean_hu(&v);
        assert_eq!(mean, 100.0);
        // Lattice points in a ball of radius 5: 515.
        assert_eq!(n, 515);
        let c = Region::Cylinder {
            center_mm: [0.0; 3],
            radius_mm: 2.0,
            half_length_mm: 3.0,
        };
        // 13 lattice points in a disc of radius 2, 7 slices.
        assert_eq!(c.mean_hu(&v).1, 13 * 7);
    }

    #[test]
    fn label_lookup_and_names() {
        let lv = LabelVolume {
            dims: [2, 2, 2],
            labels: vec![0, 1, 0, 0, 0, 0, 0, 2],
            lps_to_index: [
                [1.0, 0.0, 0.0, 0.0],
                [0.0, 1.0, 0.0, 0.0],
                [0.0, 0.0, 1.0, 0.0],
            ],
            names: BTreeMap::from([(1, "LAD".to_string())]),
        };
        assert_eq!(lv.label_at([1.2, 0.1, -0.2]), 1);
        assert_eq!(lv.label_at([1.0, 1.0, 1.0]), 2);
        assert_eq!(lv.label_at([5.0, 0.0, 0.0]), 0);
        assert_eq!(lv.name(1), "LAD");
        assert_eq!(lv.name(2), "label 2");
        assert_eq!(canonical_artery("lcx"), "LCX");
        assert_eq!(canonical_artery("Aorta"), "Aorta");
    }
}
