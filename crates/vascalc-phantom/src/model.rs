//! The forward model: from a physical description of the phantom (materials, HA densities,
//! cylinders) to the integer HU volume a CT scanner would reconstruct. Pure: no I/O.
//!
//! The steps, in order, for every voxel (column `i`, row `j`, slice `k`):
//!
//! 1. **Objects.** Every object is a cylinder whose axis is parallel to the patient z axis: the
//!    body (soft tissue, through all slices), two calibration rods (water and 200 mg HA/cm³, through
//!    all slices) and nine short inserts (diameter = length = 1, 3, 5 mm at 200, 400, 800 mg HA/cm³),
//!    laid out like the QRM Cardiac Calcification Insert (not a copy of its exact geometry).
//! 2. **Density → HU.** `HU = HU_base + k · ρ_HA`, with `ρ_HA` in mg HA/cm³ and `k` in HU per
//!    mg HA/cm³ ([`ForwardModel::hu_per_mg_ha_cm3`]). Inserts have a soft-tissue base, rods a water
//!    base. The default `k` = 1.3846 is derived from the real QRM scan in `../shared/data`
//!    (`qrm-canon-large-rep1.reference.csv`, MolloiLab/CAC-stanford-data): its calibration
//!    factor 7.2225·10⁻⁴ mg/(mm³·HU) = 0.2 mg/mm³ / (HU₂₀₀ − HU_water), so HU₂₀₀ − HU_water = 276.9 HU
//!    for 200 mg/cm³ at 120 kV on that scanner. The relation is linear by construction (the
//!    mass-score calibration of McCollough et al., Radiology 2007, doi:10.1148/radiol.2432050808,
//!    assumes the same linearity).
//! 3. **In-plane blur.** Each object's cross-section (a disc) is convolved with an isotropic 2D
//!    Gaussian PSF of FWHM [`ForwardModel::blur_fwhm_mm`] (σ = FWHM / 2.3548), computed exactly
//!    for a disc (see `profile.rs`), then averaged over the pixel area (4×4 or finer sub-samples).
//!    Averaging over the pixel makes the discrete sum conserve the object's area exactly.
//! 4. **Slice sensitivity profile.** Along z each slice integrates the object with a boxcar of
//!    width = slice thickness centred on the slice position: the weight of a cylinder of length `L`
//!    centred at `z₀` in slice `k` is `|[z_k − t/2, z_k + t/2] ∩ [z₀ − L/2, z₀ + L/2]| / t`. When the
//!    increment divides the thickness (contiguous or 2× overlapping slices), `Σ_k weight × increment
//!    = L`, so mass is conserved exactly.
//! 5. **Noise.** White Gaussian noise of standard deviation [`ForwardModel::noise_sd_hu`], from a
//!    seeded, version-stable generator (`rng.rs`): one stream per slice, so the result does not
//!    depend on the number of threads.
//! 6. **Quantisation.** HU rounded to the nearest integer (stored as int16 with intercept −1024).
//!
//! Not modelled, on purpose: beam hardening, the HU dependence on kV, correlated (coloured) noise,
//! motion, streaks and iterative reconstruction. The phantom tests the scoring arithmetic against
//! a model whose every step is known, not a particular scanner.

use serde::{Deserialize, Serialize};

use crate::profile::DiscProfile;
use crate::rng::Xoshiro256pp;

/// FWHM = 2·√(2·ln 2)·σ for a Gaussian.
pub const FWHM_PER_SIGMA: f64 = 2.354_820_045_030_949;

/// HU per mg HA/cm³ derived from the real QRM scan's calibration factor (see the module docs):
/// `0.2 / 7.222519504066924e-4 / 200`.
pub const DEFAULT_HU_PER_MG_HA_CM3: f64 = 0.2 / 7.222_519_504_066_924e-4 / 200.0;

/// Density of the calibration rod and of the QRM calibration rod, mg HA/cm³.
pub const CALIBRATION_ROD_MG_HA_CM3: f64 = 200.0;

/// The physics of the simulated scanner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForwardModel {
    /// `k` in `HU = HU_base + k · ρ_HA` (HU per mg HA/cm³).
    pub hu_per_mg_ha_cm3: f64,
    /// HU of air around the body (−1000 by definition of the Hounsfield scale).
    pub hu_air: f64,
    /// HU of the water-equivalent material (0 by definition).
    pub hu_water: f64,
    /// HU of the soft-tissue-equivalent body and of the inserts' base material. 40 HU is a
    /// design choice typical of muscle-like phantom material, not a measured value.
    pub hu_soft_tissue: f64,
    /// Full width at half maximum of the in-plane Gaussian point-spread function, mm.
    pub blur_fwhm_mm: f64,
    /// Standard deviation of the white Gaussian noise added to every voxel, HU.
    pub noise_sd_hu: f64,
}

impl Default for ForwardModel {
    fn default() -> Self {
        Self {
            hu_per_mg_ha_cm3: DEFAULT_HU_PER_MG_HA_CM3,
            hu_air: -1000.0,
            hu_water: 0.0,
            hu_soft_tissue: 40.0,
            blur_fwhm_mm: 1.0,
            noise_sd_hu: 20.0,
        }
    }
}

impl ForwardModel {
    /// σ of the in-plane PSF, mm.
    pub fn blur_sigma_mm(&self) -> f64 {
        self.blur_fwhm_mm / FWHM_PER_SIGMA
    }

    /// The mass calibration factor the model implies, mg/(mm³·HU):
    /// `c = 0.2 mg/mm³ / (HU_rod200 − HU_water) = 1 / (1000 · k)`.
    pub fn calibration_factor(&self) -> f64 {
        1.0 / (1000.0 * self.hu_per_mg_ha_cm3)
    }
}

/// The image grid. Axial slices, rows along patient y, columns along patient x
/// (ImageOrientationPatient 1\0\0\0\1\0), slices stacked along +z.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Geometry {
    pub rows: u32,
    pub columns: u32,
    /// Square pixels, mm.
    pub pixel_spacing_mm: f64,
    pub slices: u32,
    /// Nominal slice thickness (width of the boxcar slice sensitivity profile), mm.
    pub slice_thickness_mm: f64,
    /// Distance between consecutive slice positions, mm.
    pub slice_increment_mm: f64,
    /// Patient coordinates of the centre of the grid, mm.
    pub centre_mm: [f64; 3],
}

impl Geometry {
    /// Patient x of column `i`, y of row `j`, z of slice `k` (pixel centres).
    pub fn x(&self, i: usize) -> f64 {
        self.centre_mm[0]
            + (i as f64 - (f64::from(self.columns) - 1.0) / 2.0) * self.pixel_spacing_mm
    }
    pub fn y(&self, j: usize) -> f64 {
        self.centre_mm[1] + (j as f64 - (f64::from(self.rows) - 1.0) / 2.0) * self.pixel_spacing_mm
    }
    pub fn z(&self, k: usize) -> f64 {
        self.centre_mm[2]
            + (k as f64 - (f64::from(self.slices) - 1.0) / 2.0) * self.slice_increment_mm
    }
    /// ImagePositionPatient of slice `k`: the centre of its first pixel.
    pub fn position(&self, k: usize) -> [f64; 3] {
        [self.x(0), self.y(0), self.z(k)]
    }
    pub fn voxel_count(&self) -> usize {
        self.rows as usize * self.columns as usize * self.slices as usize
    }
    /// Voxel volume used by the scoring conventions: pixel area × increment, mm³.
    pub fn voxel_volume_mm3(&self) -> f64 {
        self.pixel_spacing_mm * self.pixel_spacing_mm * self.slice_increment_mm
    }
}

/// What a rod is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Material {
    /// Water-equivalent (HU = [`ForwardModel::hu_water`]).
    Water,
    /// Hydroxyapatite at the given density in a water-equivalent base.
    HydroxyapatiteInWater { mg_ha_cm3: f64 },
}

/// A rod through all slices (cylinder along z of unbounded length).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rod {
    pub id: String,
    pub material: Material,
    pub diameter_mm: f64,
    pub centre_xy_mm: [f64; 2],
}

/// A calcium insert: HA dispersed in soft-tissue-equivalent base, cylinder along z.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insert {
    pub id: String,
    pub mg_ha_cm3: f64,
    pub diameter_mm: f64,
    pub length_mm: f64,
    pub centre_mm: [f64; 3],
}

impl Insert {
    /// Physical volume π(d/2)²·L, mm³.
    pub fn volume_mm3(&self) -> f64 {
        std::f64::consts::PI * (self.diameter_mm / 2.0).powi(2) * self.length_mm
    }
    /// Physical HA mass: density × volume, mg (mg/cm³ ÷ 1000 = mg/mm³).
    pub fn mass_mg(&self) -> f64 {
        self.mg_ha_cm3 / 1000.0 * self.volume_mm3()
    }
}

/// The objects of the phantom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// Diameter of the soft-tissue body (a cylinder along z, centred on the grid centre), mm.
    pub body_diameter_mm: f64,
    pub body_centre_xy_mm: [f64; 2],
    pub rods: Vec<Rod>,
    pub inserts: Vec<Insert>,
}

impl Layout {
    /// The default calcium phantom around `centre` (patient mm): nine inserts on a 3×3 grid 12 mm
    /// apart (columns: 5, 3, 1 mm; rows: 800, 400, 200 mg HA/cm³), centred at `centre.z`, and two
    /// 10 mm calibration rods (200 mg HA/cm³ and water) below them, in a 200 mm body. Everything
    /// fits in a 62.5 mm field of view, so small test phantoms keep every object.
    pub fn calcium_insert(centre: [f64; 3]) -> Self {
        let [cx, cy, cz] = centre;
        let mut inserts = Vec::new();
        for (row, density) in [800.0, 400.0, 200.0].into_iter().enumerate() {
            for (col, diameter) in [5.0, 3.0, 1.0].into_iter().enumerate() {
                inserts.push(Insert {
                    id: format!("HA{density}-{diameter}mm"),
                    mg_ha_cm3: density,
                    diameter_mm: diameter,
                    length_mm: diameter,
                    centre_mm: [
                        cx - 12.0 + 12.0 * col as f64,
                        cy - 20.0 + 12.0 * row as f64,
                        cz,
                    ],
                });
            }
        }
        let rods = vec![
            Rod {
                id: "rod-HA200".into(),
                material: Material::HydroxyapatiteInWater {
                    mg_ha_cm3: CALIBRATION_ROD_MG_HA_CM3,
                },
                diameter_mm: 10.0,
                centre_xy_mm: [cx - 9.0, cy + 18.0],
            },
            Rod {
                id: "rod-water".into(),
                material: Material::Water,
                diameter_mm: 10.0,
                centre_xy_mm: [cx + 9.0, cy + 18.0],
            },
        ];
        Self {
            body_diameter_mm: 200.0,
            body_centre_xy_mm: [cx, cy],
            rods,
            inserts,
        }
    }

    /// Moves every object by `d` (patient mm).
    pub fn translate(&mut self, d: [f64; 3]) {
        self.body_centre_xy_mm[0] += d[0];
        self.body_centre_xy_mm[1] += d[1];
        for rod in &mut self.rods {
            rod.centre_xy_mm[0] += d[0];
            rod.centre_xy_mm[1] += d[1];
        }
        for insert in &mut self.inserts {
            for (c, dc) in insert.centre_mm.iter_mut().zip(d) {
                *c += dc;
            }
        }
    }
}

/// Everything that determines a phantom: same spec, same voxels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhantomSpec {
    pub geometry: Geometry,
    pub model: ForwardModel,
    pub layout: Layout,
    /// Seed of the noise.
    pub seed: u64,
}

impl PhantomSpec {
    /// A realistic series: 512×512, 0.488 mm pixels (250 mm field of view), 16 contiguous 3 mm
    /// slices, like the real QRM scan in `../shared/data` (Canon, 0.488 mm, 3 mm).
    pub fn standard(seed: u64) -> Self {
        let centre = [0.0, 0.0, 0.0];
        Self {
            geometry: Geometry {
                rows: 512,
                columns: 512,
                pixel_spacing_mm: 0.488,
                slices: 16,
                slice_thickness_mm: 3.0,
                slice_increment_mm: 3.0,
                centre_mm: centre,
            },
            model: ForwardModel::default(),
            layout: Layout::calcium_insert(centre),
            seed,
        }
    }

    /// A quick one for tests: the same objects and pixel size in a 128×128 field of view
    /// (62.5 mm) and 12 slices.
    pub fn small(seed: u64) -> Self {
        let mut spec = Self::standard(seed);
        spec.geometry.rows = 128;
        spec.geometry.columns = 128;
        spec.geometry.slices = 12;
        spec
    }

    /// Checks that the spec can be rendered and written; names the field and what to do.
    pub fn validate(&self) -> Result<(), SpecError> {
        let g = &self.geometry;
        let m = &self.model;
        let bad = |field: &'static str, value: f64, need: &'static str| SpecError::Invalid {
            field,
            value: value.to_string(),
            need,
        };
        if !(1..=4096).contains(&g.rows) {
            return Err(bad("rows", f64::from(g.rows), "between 1 and 4096"));
        }
        if !(1..=4096).contains(&g.columns) {
            return Err(bad("columns", f64::from(g.columns), "between 1 and 4096"));
        }
        if !(1..=4096).contains(&g.slices) {
            return Err(bad("slices", f64::from(g.slices), "between 1 and 4096"));
        }
        for (field, v) in [
            ("pixel_spacing_mm", g.pixel_spacing_mm),
            ("slice_thickness_mm", g.slice_thickness_mm),
            ("slice_increment_mm", g.slice_increment_mm),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= 100.0) {
                return Err(bad(field, v, "a positive number of mm, at most 100"));
            }
        }
        if g.centre_mm.iter().any(|c| !c.is_finite() || c.abs() > 1e5) {
            return Err(bad(
                "centre_mm",
                g.centre_mm[0],
                "finite coordinates within ±100000 mm",
            ));
        }
        if !(m.blur_fwhm_mm.is_finite() && (0.0..=20.0).contains(&m.blur_fwhm_mm)) {
            return Err(bad("blur_fwhm_mm", m.blur_fwhm_mm, "between 0 and 20 mm"));
        }
        if !(m.noise_sd_hu.is_finite() && (0.0..=500.0).contains(&m.noise_sd_hu)) {
            return Err(bad("noise_sd_hu", m.noise_sd_hu, "between 0 and 500 HU"));
        }
        if !(m.hu_per_mg_ha_cm3.is_finite()
            && m.hu_per_mg_ha_cm3 > 0.0
            && m.hu_per_mg_ha_cm3 < 20.0)
        {
            return Err(bad(
                "hu_per_mg_ha_cm3",
                m.hu_per_mg_ha_cm3,
                "a positive slope below 20",
            ));
        }
        for (field, v) in [
            ("hu_air", m.hu_air),
            ("hu_water", m.hu_water),
            ("hu_soft_tissue", m.hu_soft_tissue),
        ] {
            if !(v.is_finite() && (-1024.0..=3000.0).contains(&v)) {
                return Err(bad(field, v, "between −1024 and 3000 HU"));
            }
        }
        let half_x = f64::from(g.columns) * g.pixel_spacing_mm / 2.0;
        let half_y = f64::from(g.rows) * g.pixel_spacing_mm / 2.0;
        for insert in &self.layout.inserts {
            let ok = insert.mg_ha_cm3.is_finite()
                && (0.0..=3000.0).contains(&insert.mg_ha_cm3)
                && insert.diameter_mm > 0.0
                && insert.length_mm > 0.0
                && insert.diameter_mm <= 100.0
                && insert.length_mm <= 100.0;
            if !ok {
                return Err(SpecError::Insert {
                    id: insert.id.clone(),
                    problem: "density must be 0–3000 mg HA/cm³ and diameter/length 0–100 mm",
                });
            }
            let r = insert.diameter_mm / 2.0;
            let [x, y, _] = insert.centre_mm;
            if (x - g.centre_mm[0]).abs() + r > half_x || (y - g.centre_mm[1]).abs() + r > half_y {
                return Err(SpecError::Insert {
                    id: insert.id.clone(),
                    problem: "lies outside the image; use more rows/columns or larger pixels",
                });
            }
        }
        Ok(())
    }
}

/// Why a spec cannot be rendered.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SpecError {
    #[error("phantom {field} = {value} is not usable: it must be {need}")]
    Invalid {
        field: &'static str,
        value: String,
        need: &'static str,
    },
    #[error("phantom insert {id}: {problem}")]
    Insert { id: String, problem: &'static str },
}

/// A rendered phantom: integer HU, slice-major then row-major
/// (`hu[(k·rows + j)·columns + i]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub geometry: Geometry,
    pub hu: Vec<i16>,
}

impl Volume {
    /// The HU values of slice `k`, or `None` past the last slice.
    pub fn slice(&self, k: usize) -> Option<&[i16]> {
        let n = self.geometry.rows as usize * self.geometry.columns as usize;
        self.hu.get(k * n..(k + 1) * n)
    }
}

/// Pixel-averaged image of one blurred disc over a window of the grid.
struct Patch {
    col0: usize,
    row0: usize,
    width: usize,
    values: Vec<f64>,
}

fn disc_patch(g: &Geometry, sigma: f64, centre: [f64; 2], radius: f64) -> Option<Patch> {
    let profile = DiscProfile::new(radius, sigma);
    let h = g.pixel_spacing_mm;
    let reach = profile.support() + h;
    let to_col = |x: f64| (x - g.x(0)) / h;
    let to_row = |y: f64| (y - g.y(0)) / h;
    let clamp = |v: f64, n: u32| v.clamp(0.0, f64::from(n) - 1.0);
    let c0 = clamp(to_col(centre[0] - reach).floor(), g.columns) as usize;
    let c1 = clamp(to_col(centre[0] + reach).ceil(), g.columns) as usize;
    let r0 = clamp(to_row(centre[1] - reach).floor(), g.rows) as usize;
    let r1 = clamp(to_row(centre[1] + reach).ceil(), g.rows) as usize;
    if to_col(centre[0] + reach) < 0.0
        || to_col(centre[0] - reach) > f64::from(g.columns) - 1.0
        || to_row(centre[1] + reach) < 0.0
        || to_row(centre[1] - reach) > f64::from(g.rows) - 1.0
    {
        return None;
    }
    // Sub-samples per pixel side: at least 4, and at least 2 per σ (or 16 without blur).
    let n = if sigma > 0.0 {
        ((2.0 * h / sigma).ceil() as usize).clamp(4, 16)
    } else {
        16
    };
    let width = c1 - c0 + 1;
    let mut values = Vec::with_capacity(width * (r1 - r0 + 1));
    for j in r0..=r1 {
        for i in c0..=c1 {
            let (x, y) = (g.x(i), g.y(j));
            let mut sum = 0.0;
            for sy in 0..n {
                let dy = y - centre[1] + ((sy as f64 + 0.5) / n as f64 - 0.5) * h;
                for sx in 0..n {
                    let dx = x - centre[0] + ((sx as f64 + 0.5) / n as f64 - 0.5) * h;
                    sum += profile.at((dx * dx + dy * dy).sqrt());
                }
            }
            values.push(sum / (n * n) as f64);
        }
    }
    Some(Patch {
        col0: c0,
        row0: r0,
        width,
        values,
    })
}

impl Patch {
    fn add_to(&self, plane: &mut [f64], columns: usize, scale: f64) {
        for (dj, row) in self.values.chunks(self.width).enumerate() {
            let start = (self.row0 + dj) * columns + self.col0;
            if let Some(dst) = plane.get_mut(start..start + self.width) {
                for (d, v) in dst.iter_mut().zip(row) {
                    *d += scale * v;
                }
            }
        }
    }
}

/// Weight of a cylinder `[z0 − L/2, z0 + L/2]` in a slice at `z` of thickness `t` (boxcar SSP).
pub fn slice_weight(z: f64, thickness: f64, z0: f64, length: f64) -> f64 {
    let lo = (z - thickness / 2.0).max(z0 - length / 2.0);
    let hi = (z + thickness / 2.0).min(z0 + length / 2.0);
    ((hi - lo) / thickness).max(0.0)
}

/// The stored-value range of the writer (int16 with intercept −1024) bounds the HU range.
const HU_MIN: f64 = -2048.0;
const HU_MAX: f64 = 30_000.0;

/// Renders the phantom. Deterministic: same spec, same voxels, whatever the thread count.
pub fn render(spec: &PhantomSpec) -> Result<Volume, SpecError> {
    use rayon::prelude::*;

    spec.validate()?;
    let g = &spec.geometry;
    let m = &spec.model;
    let sigma = m.blur_sigma_mm();
    let (rows, cols) = (g.rows as usize, g.columns as usize);

    // Slice-independent part: air, body, rods.
    let mut base = vec![m.hu_air; rows * cols];
    let body = &spec.layout;
    if let Some(p) = disc_patch(
        g,
        sigma,
        body.body_centre_xy_mm,
        body.body_diameter_mm / 2.0,
    ) {
        p.add_to(&mut base, cols, m.hu_soft_tissue - m.hu_air);
    }
    for rod in &body.rods {
        let hu = match rod.material {
            Material::Water => m.hu_water,
            Material::HydroxyapatiteInWater { mg_ha_cm3 } => {
                m.hu_water + m.hu_per_mg_ha_cm3 * mg_ha_cm3
            }
        };
        if let Some(p) = disc_patch(g, sigma, rod.centre_xy_mm, rod.diameter_mm / 2.0) {
            p.add_to(&mut base, cols, hu - m.hu_soft_tissue);
        }
    }
    let inserts: Vec<(&Insert, Patch)> = body
        .inserts
        .iter()
        .filter_map(|ins| {
            disc_patch(
                g,
                sigma,
                [ins.centre_mm[0], ins.centre_mm[1]],
                ins.diameter_mm / 2.0,
            )
            .map(|p| (ins, p))
        })
        .collect();

    let mut hu = vec![0i16; g.voxel_count()];
    hu.par_chunks_mut(rows * cols)
        .enumerate()
        .for_each(|(k, out)| {
            let mut plane = base.clone();
            let z = g.z(k);
            for (ins, patch) in &inserts {
                let w = slice_weight(z, g.slice_thickness_mm, ins.centre_mm[2], ins.length_mm);
                if w > 0.0 {
                    patch.add_to(&mut plane, cols, w * m.hu_per_mg_ha_cm3 * ins.mg_ha_cm3);
                }
            }
            if m.noise_sd_hu > 0.0 {
                let mut rng = Xoshiro256pp::new(spec.seed, k as u64);
                for v in &mut plane {
                    *v += m.noise_sd_hu * rng.next_normal();
                }
            }
            for (o, v) in out.iter_mut().zip(&plane) {
                *o = v.round().clamp(HU_MIN, HU_MAX) as i16;
            }
        });
    Ok(Volume {
        geometry: g.clone(),
        hu,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise_free_small() -> PhantomSpec {
        let mut s = PhantomSpec::small(1);
        s.model.noise_sd_hu = 0.0;
        s
    }

    #[test]
    fn default_slope_reproduces_the_qrm_calibration_factor() {
        let m = ForwardModel::default();
        assert!((m.calibration_factor() - 7.222_519_504_066_924e-4).abs() < 1e-15);
        // HU_200 − HU_water on that scan, 0.2 / factor.
        assert!((m.hu_per_mg_ha_cm3 * 200.0 - 276.912).abs() < 0.01);
    }

    #[test]
    fn insert_masses_match_the_manufacturer_table() {
        // QRM CCI table (../shared/data/qrm-inserts-table.png): 78.5 / 39.3 / 19.6 mg for 5 mm,
        // 17.0 / 8.5 / 4.2 mg for 3 mm.
        let layout = Layout::calcium_insert([0.0; 3]);
        let mass = |id: &str| {
            layout
                .inserts
                .iter()
                .find(|i| i.id == id)
                .map(Insert::mass_mg)
                .unwrap_or(f64::NAN)
        };
        for (id, table) in [
            ("HA800-5mm", 78.5),
            ("HA400-5mm", 39.3),
            ("HA200-5mm", 19.6),
            ("HA800-3mm", 17.0),
            ("HA400-3mm", 8.5),
            ("HA200-3mm", 4.2),
        ] {
            assert!(
                (mass(id) - table).abs() < 0.06,
                "{id}: {} vs {table}",
                mass(id)
            );
        }
    }

    #[test]
    fn slice_weights_conserve_length() {
        for (inc, t) in [(3.0, 3.0), (1.5, 3.0), (1.0, 3.0)] {
            let total: f64 = (-40..40)
                .map(|k| slice_weight(k as f64 * inc + 0.37, t, 0.0, 5.0) * inc)
                .sum();
            assert!((total - 5.0).abs() < 1e-9, "inc {inc}: {total}");
        }
    }

    #[test]
    fn noise_free_phantom_conserves_insert_signal() {
        // Σ (HU − HU_soft_tissue) · voxel volume around an insert = k · ρ · V (blur and slice
        // profile conserve the integral); rounding to integer HU adds at most 0.5 HU per voxel.
        let spec = noise_free_small();
        let vol = render(&spec).expect("valid spec");
        let g = &vol.geometry;
        let ins = &spec.layout.inserts[0]; // HA800-5mm
        let mut sum = 0.0;
        let mut n = 0usize;
        for k in 0..g.slices as usize {
            for j in 0..g.rows as usize {
                for i in 0..g.columns as usize {
                    let (dx, dy) = (g.x(i) - ins.centre_mm[0], g.y(j) - ins.centre_mm[1]);
                    if (dx * dx + dy * dy).sqrt() < 5.0 {
                        let v = vol.hu[(k * g.rows as usize + j) * g.columns as usize + i];
                        sum += f64::from(v) - spec.model.hu_soft_tissue;
                        n += 1;
                    }
                }
            }
        }
        let measured = sum * g.voxel_volume_mm3();
        let expected = spec.model.hu_per_mg_ha_cm3 * ins.mg_ha_cm3 * ins.volume_mm3();
        let rounding = 0.5 * n as f64 * g.voxel_volume_mm3();
        assert!(
            (measured - expected).abs() <= rounding,
            "{measured} vs {expected} ± {rounding}"
        );
    }

    #[test]
    fn rods_and_background_have_their_nominal_hu() {
        let spec = noise_free_small();
        let vol = render(&spec).expect("valid spec");
        let g = &vol.geometry;
        let at = |x: f64, y: f64, k: usize| {
            let i = ((x - g.x(0)) / g.pixel_spacing_mm).round() as usize;
            let j = ((y - g.y(0)) / g.pixel_spacing_mm).round() as usize;
            vol.hu[(k * g.rows as usize + j) * g.columns as usize + i]
        };
        let rod = |id: &str| {
            spec.layout
                .rods
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.centre_xy_mm)
                .unwrap_or([f64::NAN; 2])
        };
        let [hx, hy] = rod("rod-HA200");
        let [wx, wy] = rod("rod-water");
        assert_eq!(at(hx, hy, 0), 277);
        assert_eq!(at(wx, wy, 0), 0);
        assert_eq!(at(25.0, -28.0, 0), 40);
    }

    #[test]
    fn same_seed_same_volume_other_seed_other_noise() {
        let a = render(&PhantomSpec::small(5)).expect("valid");
        let b = render(&PhantomSpec::small(5)).expect("valid");
        let c = render(&PhantomSpec::small(6)).expect("valid");
        assert_eq!(a, b);
        assert_ne!(a.hu, c.hu);
    }

    #[test]
    fn invalid_specs_are_refused_with_the_field_named() {
        let mut s = PhantomSpec::small(1);
        s.geometry.slice_thickness_mm = 0.0;
        let err = render(&s).expect_err("zero thickness");
        assert!(err.to_string().contains("slice_thickness_mm"), "{err}");
        let mut s = PhantomSpec::small(1);
        s.geometry.rows = 16;
        s.geometry.columns = 16;
        let err = render(&s).expect_err("inserts outside a 7.8 mm field");
        assert!(err.to_string().contains("outside the image"), "{err}");
    }
}
