//! A CT volume in Hounsfield units with its patient geometry.

use serde::{Deserialize, Serialize};

/// In-plane and through-plane geometry of a stack of axial slices, in DICOM patient
/// coordinates (LPS, millimetres).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Geometry {
    /// Distance between the centres of adjacent rows (DICOM PixelSpacing\[0\], Δy), mm.
    pub row_spacing_mm: f64,
    /// Distance between the centres of adjacent columns (DICOM PixelSpacing\[1\], Δx), mm.
    pub column_spacing_mm: f64,
    /// Direction cosines of a row (ImageOrientationPatient\[0..3\]: the direction of increasing
    /// column index).
    pub row_direction: [f64; 3],
    /// Direction cosines of a column (ImageOrientationPatient\[3..6\]: increasing row index).
    pub column_direction: [f64; 3],
    /// ImagePositionPatient of every slice (centre of its first voxel), in slice order, which must
    /// be ascending along [`Geometry::normal`].
    pub positions: Vec<[f64; 3]>,
    /// The nominal reconstructed slice thickness (SliceThickness), if known. Only the
    /// `ai-cac` convention uses it; everything else uses the increment measured from positions.
    pub slice_thickness_mm: Option<f64>,
}

impl Geometry {
    /// A plain axial geometry: identity orientation, slices `increment_mm` apart starting at
    /// `origin`. Handy for synthetic volumes and tests.
    pub fn axial(
        pixel_mm: f64,
        increment_mm: f64,
        slices: usize,
        origin: [f64; 3],
        slice_thickness_mm: Option<f64>,
    ) -> Self {
        let positions = (0..slices)
            .map(|k| [origin[0], origin[1], origin[2] + k as f64 * increment_mm])
            .collect();
        Self {
            row_spacing_mm: pixel_mm,
            column_spacing_mm: pixel_mm,
            row_direction: [1.0, 0.0, 0.0],
            column_direction: [0.0, 1.0, 0.0],
            positions,
            slice_thickness_mm,
        }
    }

    /// Unit slice normal: row direction × column direction.
    pub fn normal(&self) -> [f64; 3] {
        let n = cross(self.row_direction, self.column_direction);
        let len = dot(n, n).sqrt();
        if len > 0.0 {
            [n[0] / len, n[1] / len, n[2] / len]
        } else {
            [0.0, 0.0, 1.0]
        }
    }

    /// Position of each slice along the normal, mm.
    pub fn slice_locations(&self) -> Vec<f64> {
        let n = self.normal();
        self.positions.iter().map(|p| dot(*p, n)).collect()
    }

    /// Gaps between consecutive slices along the normal, mm.
    pub fn gaps(&self) -> Vec<f64> {
        let z = self.slice_locations();
        z.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// The slice increment: the median gap between consecutive slice positions projected on the
    /// normal (never SliceThickness). `None` for a single slice.
    pub fn increment_mm(&self) -> Option<f64> {
        let mut gaps = self.gaps();
        if gaps.is_empty() {
            return None;
        }
        gaps.sort_by(f64::total_cmp);
        Some(gaps[gaps.len() / 2])
    }

    /// In-plane area of one pixel, mm².
    pub fn pixel_area_mm2(&self) -> f64 {
        self.row_spacing_mm * self.column_spacing_mm
    }

    /// Patient coordinates (mm) of the centre of voxel (column `i`, row `j`) in slice `k`;
    /// fractional indices allowed. `None` when `k` is outside the stack.
    pub fn patient_point(&self, i: f64, j: f64, k: usize) -> Option<[f64; 3]> {
        let p = self.positions.get(k)?;
        let (dx, dy) = (self.column_spacing_mm, self.row_spacing_mm);
        let (r, c) = (self.row_direction, self.column_direction);
        Some([
            p[0] + i * dx * r[0] + j * dy * c[0],
            p[1] + i * dx * r[1] + j * dy * c[1],
            p[2] + i * dx * r[2] + j * dy * c[2],
        ])
    }

    /// Angle (degrees) between the stacking direction (first to last position) and the slice
    /// normal: non-zero for gantry-tilted acquisitions. `None` for fewer than two slices.
    pub fn tilt_degrees(&self) -> Option<f64> {
        let (first, last) = (self.positions.first()?, self.positions.last()?);
        let d = [last[0] - first[0], last[1] - first[1], last[2] - first[2]];
        let len = dot(d, d).sqrt();
        if self.positions.len() < 2 || len == 0.0 {
            return None;
        }
        let cos = (dot(d, self.normal()) / len).abs().min(1.0);
        Some(cos.acos().to_degrees())
    }
}

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// A HU volume: `slices` images of `rows` × `columns` voxels, stored slice by slice, row by row
/// (index = (k·rows + j)·columns + i). Voxels that are not a measurement (pixel padding, outside
/// the field of view when the file says so) are `NaN` and never count as calcium or in a mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub columns: usize,
    pub rows: usize,
    pub slices: usize,
    pub hu: Vec<f32>,
    pub geometry: Geometry,
}

/// Why a [`Volume`] cannot be scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VolumeError {
    #[error(
        "voxel data holds {found} values but {columns}×{rows}×{slices} = {expected} are needed"
    )]
    Size {
        columns: usize,
        rows: usize,
        slices: usize,
        expected: usize,
        found: usize,
    },
    #[error("geometry lists {found} slice positions for {slices} slices")]
    Positions { slices: usize, found: usize },
    #[error(
        "only one slice: the slice increment cannot be measured from positions; a calcium score needs a series of at least two slices"
    )]
    SingleSlice,
    #[error("the volume has no voxels")]
    Empty,
    #[error(
        "pixel spacing {row}×{column} mm is not a positive finite size; check PixelSpacing (0028,0030)"
    )]
    Spacing { row: f64, column: f64 },
    #[error(
        "slices are not in ascending order along the slice normal, or two share a position (gap {gap} mm); sort them by ImagePositionPatient and remove duplicates"
    )]
    Order { gap: f64 },
}

impl Volume {
    /// Checks sizes and geometry so that scoring cannot fail midway.
    pub fn validate(&self) -> Result<(), VolumeError> {
        let expected = self.columns * self.rows * self.slices;
        if expected == 0 {
            return Err(VolumeError::Empty);
        }
        if self.hu.len() != expected {
            return Err(VolumeError::Size {
                columns: self.columns,
                rows: self.rows,
                slices: self.slices,
                expected,
                found: self.hu.len(),
            });
        }
        let g = &self.geometry;
        if g.positions.len() != self.slices {
            return Err(VolumeError::Positions {
                slices: self.slices,
                found: g.positions.len(),
            });
        }
        let ok = |v: f64| v.is_finite() && v > 0.0;
        if !ok(g.row_spacing_mm) || !ok(g.column_spacing_mm) {
            return Err(VolumeError::Spacing {
                row: g.row_spacing_mm,
                column: g.column_spacing_mm,
            });
        }
        if self.slices < 2 {
            return Err(VolumeError::SingleSlice);
        }
        if let Some(gap) = g
            .gaps()
            .into_iter()
            .find(|gap| gap.is_nan() || *gap <= 1e-3)
        {
            return Err(VolumeError::Order { gap });
        }
        Ok(())
    }

    /// Voxels of slice `k`.
    pub fn slice(&self, k: usize) -> &[f32] {
        let n = self.columns * self.rows;
        self.hu.get(k * n..(k + 1) * n).unwrap_or(&[])
    }
}
