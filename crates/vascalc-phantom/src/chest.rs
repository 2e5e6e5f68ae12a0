//! An anatomical chest phantom with known truth: body, lungs, trachea and main bronchi, liver,
//! spine, ribs, sternum, costal cartilages with calcified specks, oesophagus, the aorta (ascending, arch, descending), a heart in its
//! epicardial fat with calcified lesions along the paths of the LM, LAD, LCX and RCA, calcium in
//! the aortic wall and the aortic valve, isolated noise voxels and Gaussian noise. Pure: no I/O.
//!
//! It is a test object for the anatomy step of `vascalc-ct` (which lesions are coronary
//! candidates), not a model of a scanner: shapes are ellipsoids, cylinders and capsules of
//! constant HU, sampled at voxel centres (lesions with 3×3×3 sub-samples for partial volume).
//! Sizes are adult textbook values, rounded: chest 300 × 210 mm, heart about 11 × 9 × 10 cm,
//! aorta 26–30 mm across, trachea 18 mm, vertebral body 34 mm, ribs 9 mm thick. HU: air −1000,
//! lung −850, fat −100 (epicardial −90), soft tissue and blood 40, liver 55, cancellous bone 250,
//! cortical bone 700, rib 450, sternum 400, costal cartilage 100 (hyaline cartilage is denser
//! than muscle; its calcified specks are what a whole-image threshold catches).
//!
//! Coordinates are DICOM LPS (x to the patient's left, y posterior, z to the head), mm, with the
//! grid centred on (0, 0, 0).

use serde::{Deserialize, Serialize};

use crate::model::{Geometry, SpecError, Volume};
use crate::rng::Xoshiro256pp;

/// The grid and noise of a chest phantom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChestSpec {
    pub columns: u32,
    pub rows: u32,
    pub pixel_mm: f64,
    pub slices: u32,
    /// Increment = slice thickness, mm.
    pub increment_mm: f64,
    /// Standard deviation of the white Gaussian noise, HU.
    pub noise_sd_hu: f64,
    pub seed: u64,
}

impl ChestSpec {
    /// 512 × 512 pixels of 0.7 mm, 150 slices of 2 mm: a chest CT like the COVID-CT-MD samples.
    pub fn standard(seed: u64) -> Self {
        Self {
            columns: 512,
            rows: 512,
            pixel_mm: 0.7,
            slices: 150,
            increment_mm: 2.0,
            noise_sd_hu: 15.0,
            seed,
        }
    }

    /// 256 × 256 pixels of 1.4 mm, 120 slices of 2.5 mm: the same anatomy, a quarter the pixels.
    pub fn small(seed: u64) -> Self {
        Self {
            columns: 256,
            rows: 256,
            pixel_mm: 1.4,
            slices: 120,
            increment_mm: 2.5,
            noise_sd_hu: 15.0,
            seed,
        }
    }

    fn validate(&self) -> Result<(), SpecError> {
        let bad = |field: &'static str, value: f64, need: &'static str| {
            Err(SpecError::Invalid {
                field,
                value: value.to_string(),
                need,
            })
        };
        if !(64..=1024).contains(&self.columns) || !(64..=1024).contains(&self.rows) {
            return bad(
                "columns/rows",
                f64::from(self.columns.min(self.rows)),
                "64 to 1024",
            );
        }
        if !(self.pixel_mm.is_finite() && (0.2..=3.0).contains(&self.pixel_mm)) {
            return bad("pixel_mm", self.pixel_mm, "0.2 to 3 mm");
        }
        if !(2..=1024).contains(&self.slices) {
            return bad("slices", f64::from(self.slices), "2 to 1024");
        }
        if !(self.increment_mm.is_finite() && (0.5..=5.0).contains(&self.increment_mm)) {
            return bad("increment_mm", self.increment_mm, "0.5 to 5 mm");
        }
        if !(self.noise_sd_hu.is_finite() && (0.0..=100.0).contains(&self.noise_sd_hu)) {
            return bad("noise_sd_hu", self.noise_sd_hu, "0 to 100 HU");
        }
        Ok(())
    }

    /// The image grid (square pixels, thickness = increment, centred on the origin).
    pub fn geometry(&self) -> Geometry {
        Geometry {
            rows: self.rows,
            columns: self.columns,
            pixel_spacing_mm: self.pixel_mm,
            slices: self.slices,
            slice_thickness_mm: self.increment_mm,
            slice_increment_mm: self.increment_mm,
            centre_mm: [0.0; 3],
        }
    }
}

/// What a calcified lesion of the phantom is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ChestLesionKind {
    /// On the heart's surface along an artery's path: must be a coronary candidate.
    Coronary { artery: String },
    /// In the wall of the descending aorta, the arch or the ascending aorta: must not be a
    /// candidate.
    AorticWall,
    /// In the aortic valve ring, inside the heart: excluded as the aortic root, below where the
    /// ascending aorta enters the heart.
    AorticValve,
    /// One voxel above threshold in soft tissue.
    Noise,
    /// A calcified speck in a costal cartilage beside the sternum, at the sternum's depth: must
    /// be excluded as the chest wall.
    CostalCartilage,
}

/// One calcified lesion with its truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChestLesion {
    #[serde(flatten)]
    pub kind: ChestLesionKind,
    pub centre_mm: [f64; 3],
    pub radius_mm: f64,
    pub hu: f64,
}

/// Landmarks and lesions of the phantom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChestTruth {
    pub spec: ChestSpec,
    /// z of the carina (where the trachea splits), mm.
    pub carina_z_mm: f64,
    /// Heart ellipsoid: centre and semi-axes, mm (epicardial fat 7 mm beyond).
    pub heart_centre_mm: [f64; 3],
    pub heart_semi_axes_mm: [f64; 3],
    pub lesions: Vec<ChestLesion>,
}

const HEART_C: [f64; 3] = [18.0, -22.0, -25.0];
const HEART_R: [f64; 3] = [55.0, 43.0, 50.0];
const FAT: f64 = 7.0;
const CARINA_Z: f64 = 62.0;
/// The descending aorta's axis: from the arch end down through the diaphragm.
const DESC_TOP: [f64; 3] = [24.0, 38.0, 80.0];
const DESC_BOTTOM: [f64; 3] = [26.0, 42.0, -160.0];
const DESC_R: f64 = 12.0;
const ARCH: [[f64; 3]; 3] = [[8.0, -28.0, 70.0], [14.0, 0.0, 92.0], DESC_TOP];
const ASC_BOTTOM: [f64; 3] = [8.0, -25.0, 0.0];
const ASC_R: f64 = 14.0;
/// The sternum: x within ±STERNUM_HALF_WIDTH, y from STERNUM_Y[0] (front) to STERNUM_Y[1]
/// (back), z from STERNUM_Z[0] to STERNUM_Z[1], mm.
const STERNUM_HALF_WIDTH: f64 = 15.0;
const STERNUM_Y: [f64; 2] = [-88.0, -76.0];
const STERNUM_Z: [f64; 2] = [-60.0, 110.0];
/// The costal cartilages join the sternum's edges (y −82) to the ribs' front ends (x ±35.3,
/// y −77.7, 29.4 mm below each rib's level), as bars of this radius, mm.
const CARTILAGE_R: f64 = 4.0;
const CARTILAGE_HU: f32 = 100.0;

/// z of the front end of rib pair `level` (0 at the top), mm: the ribs slope 30 mm down from
/// back to front (see [`render_chest`]).
fn rib_front_z(level: u32) -> f64 {
    120.0 - 22.0 * f64::from(level) - 30.0 * (1.0 - (-74.0f64).to_radians().sin()) / 2.0
}

/// The axis of the costal cartilage of rib pair `level` on `side` (−1 right, +1 left).
fn cartilage_axis(level: u32, side: f64) -> ([f64; 3], [f64; 3]) {
    let z = rib_front_z(level);
    let rib = (-74.0f64).to_radians();
    (
        [side * STERNUM_HALF_WIDTH, -82.0, z],
        [side * 128.0 * rib.cos(), 5.0 + 86.0 * rib.sin(), z],
    )
}

fn desc_axis(z: f64) -> [f64; 3] {
    let t = (z - DESC_TOP[2]) / (DESC_BOTTOM[2] - DESC_TOP[2]);
    [
        DESC_TOP[0] + t * (DESC_BOTTOM[0] - DESC_TOP[0]),
        DESC_TOP[1] + t * (DESC_BOTTOM[1] - DESC_TOP[1]),
        z,
    ]
}

/// A point on the heart's surface pushed `out` mm outwards, in direction `u` from its centre.
fn on_heart(u: [f64; 3], out: f64) -> [f64; 3] {
    let n = (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]).sqrt();
    let u = [u[0] / n, u[1] / n, u[2] / n];
    // Ellipsoid radius along u, then outwards.
    let s = 1.0
        / ((u[0] / HEART_R[0]).powi(2) + (u[1] / HEART_R[1]).powi(2) + (u[2] / HEART_R[2]).powi(2))
            .sqrt();
    [
        HEART_C[0] + u[0] * (s + out),
        HEART_C[1] + u[1] * (s + out),
        HEART_C[2] + u[2] * (s + out),
    ]
}

/// The lesions: coronary along LM/LAD/LCX/RCA paths (in the epicardial fat, 3 mm off the
/// myocardium), aortic wall, aortic valve, noise.
pub fn chest_lesions() -> Vec<ChestLesion> {
    let coronary = |artery: &str, u: [f64; 3], radius_mm: f64, hu: f64| ChestLesion {
        kind: ChestLesionKind::Coronary {
            artery: artery.to_string(),
        },
        centre_mm: on_heart(u, 3.0),
        radius_mm,
        hu,
    };
    let mut out = vec![
        // LM: top of the heart, left of the aortic root.
        coronary("LM", [0.35, -0.45, 0.82], 2.2, 600.0),
        // LAD: down the anterior interventricular groove towards the apex.
        coronary("LAD", [0.25, -0.85, 0.46], 2.5, 700.0),
        coronary("LAD", [0.35, -0.92, 0.0], 1.8, 350.0),
        coronary("LAD", [0.55, -0.72, -0.42], 2.0, 300.0),
        // LCX: the left atrioventricular groove, round to the back.
        coronary("LCX", [0.8, -0.25, 0.55], 2.0, 450.0),
        coronary("LCX", [0.95, 0.2, 0.2], 1.8, 320.0),
        // RCA: the right atrioventricular groove, down to the inferior wall.
        coronary("RCA", [-0.5, -0.75, 0.42], 2.4, 650.0),
        coronary("RCA", [-0.93, -0.3, 0.2], 2.0, 400.0),
        coronary("RCA", [-0.7, 0.35, -0.6], 1.8, 300.0),
    ];
    // Descending aorta wall: posterolateral and anterior (facing the heart), at three levels.
    for (z, dir) in [
        (0.0, [0.7, 0.7]),
        (-30.0, [0.0, -1.0]),
        (-50.0, [0.95, -0.3]),
        (30.0, [-0.6, -0.8]),
    ] {
        let c = desc_axis(z);
        out.push(ChestLesion {
            kind: ChestLesionKind::AorticWall,
            centre_mm: [
                c[0] + dir[0] * (DESC_R + 0.5),
                c[1] + dir[1] * (DESC_R + 0.5),
                z,
            ],
            radius_mm: 2.5,
            hu: 600.0,
        });
    }
    // The ascending aorta's right anterior wall, between the carina and the heart.
    let t = 45.0 / ARCH[0][2];
    out.push(ChestLesion {
        kind: ChestLesionKind::AorticWall,
        centre_mm: [
            ASC_BOTTOM[0] + t * (ARCH[0][0] - ASC_BOTTOM[0]) - 0.6 * (ASC_R + 0.5),
            ASC_BOTTOM[1] + t * (ARCH[0][1] - ASC_BOTTOM[1]) - 0.8 * (ASC_R + 0.5),
            45.0,
        ],
        radius_mm: 2.5,
        hu: 600.0,
    });
    // The top of the arch.
    out.push(ChestLesion {
        kind: ChestLesionKind::AorticWall,
        centre_mm: [ARCH[1][0], ARCH[1][1], ARCH[1][2] + 13.5],
        radius_mm: 2.5,
        hu: 650.0,
    });
    // Aortic valve ring: three nodules around the root.
    for a in [0.0f64, 2.1, 4.2] {
        out.push(ChestLesion {
            kind: ChestLesionKind::AorticValve,
            centre_mm: [
                ASC_BOTTOM[0] + 10.0 * a.cos(),
                ASC_BOTTOM[1] + 10.0 * a.sin(),
                4.0,
            ],
            radius_mm: 2.0,
            hu: 500.0,
        });
    }
    // Calcified specks in three costal cartilages beside the sternum (heart levels), a third of
    // the way from the sternum to the rib: in front of the sternum's back.
    for (level, side) in [(4, 1.0), (5, -1.0), (6, 1.0)] {
        let (a, b) = cartilage_axis(level, side);
        out.push(ChestLesion {
            kind: ChestLesionKind::CostalCartilage,
            centre_mm: [0, 1, 2].map(|d| a[d] + (b[d] - a[d]) / 3.0),
            radius_mm: 1.5,
            hu: 400.0,
        });
    }
    // Noise: single voxels in the anterior mediastinal fat and the heart.
    for (i, p) in [
        [-5.2, -55.3, 10.4],
        [30.3, -30.2, -20.4],
        [0.2, -10.3, -40.4],
        [40.2, 0.3, -9.6],
    ]
    .into_iter()
    .enumerate()
    {
        out.push(ChestLesion {
            kind: ChestLesionKind::Noise,
            centre_mm: p,
            radius_mm: 0.0,
            hu: 250.0 + 20.0 * i as f64,
        });
    }
    out
}

/// The truth of a phantom rendered from `spec`.
pub fn chest_truth(spec: &ChestSpec) -> ChestTruth {
    ChestTruth {
        spec: spec.clone(),
        carina_z_mm: CARINA_Z,
        heart_centre_mm: HEART_C,
        heart_semi_axes_mm: HEART_R,
        lesions: chest_lesions(),
    }
}

/// What a classic scorer (≥ `threshold_hu`, 2D lesions per slice, each slice's section kept
/// when its area is ≥ `min_area_mm2`, weight from the section's peak HU, depth = increment) must
/// measure of one lesion of the noise-free chest phantom: the truth a reviewed score is checked
/// against. Each lesion lies alone in fat or soft tissue (nothing else ≥ 130 HU within its
/// radius plus one pixel), so in each slice its voxels at or above the threshold within that
/// reach are one section.
#[derive(Debug, Clone, PartialEq)]
pub struct ChestPrediction {
    pub lesion: ChestLesion,
    /// Voxels ≥ threshold in the kept sections.
    pub voxels: usize,
    pub volume_mm3: f64,
    pub agatston: f64,
    /// The slices whose section was kept.
    pub slices: Vec<usize>,
}

/// [`ChestPrediction`] of every lesion of `spec` (rendered without noise).
pub fn predict_chest(
    spec: &ChestSpec,
    threshold_hu: f64,
    min_area_mm2: f64,
) -> Result<Vec<ChestPrediction>, SpecError> {
    let clean = ChestSpec {
        noise_sd_hu: 0.0,
        ..spec.clone()
    };
    let v = render_chest(&clean)?;
    let g = &v.geometry;
    let (cols, rows) = (g.columns as usize, g.rows as usize);
    let (p, inc) = (g.pixel_spacing_mm, g.slice_increment_mm);
    Ok(chest_lesions()
        .into_iter()
        .map(|lesion| {
            let c = lesion.centre_mm;
            let reach = lesion.radius_mm + p;
            let mut out = ChestPrediction {
                lesion,
                voxels: 0,
                volume_mm3: 0.0,
                agatston: 0.0,
                slices: Vec::new(),
            };
            for k in 0..g.slices as usize {
                if (g.z(k) - c[2]).abs() > reach + inc {
                    continue;
                }
                let (mut n, mut peak) = (0usize, f64::MIN);
                for j in 0..rows {
                    let dy = g.y(j) - c[1];
                    if dy.abs() > reach {
                        continue;
                    }
                    for i in 0..cols {
                        let dx = g.x(i) - c[0];
                        if dx * dx + dy * dy > reach * reach {
                            continue;
                        }
                        let hu = f64::from(v.hu[(k * rows + j) * cols + i]);
                        if hu >= threshold_hu {
                            n += 1;
                            peak = peak.max(hu);
                        }
                    }
                }
                let area = n as f64 * p * p;
                if n > 0 && area >= min_area_mm2 - 1e-9 {
                    out.voxels += n;
                    out.volume_mm3 += area * inc;
                    out.agatston += area * crate::expected::agatston_weight(peak) * inc / 3.0;
                    out.slices.push(k);
                }
            }
            out
        })
        .collect())
}

/// A grid of f32 HU with painting helpers.
struct Canvas {
    g: Geometry,
    hu: Vec<f32>,
}

impl Canvas {
    fn idx(&self, i: usize, j: usize, k: usize) -> usize {
        (k * self.g.rows as usize + j) * self.g.columns as usize + i
    }

    /// Index ranges covering a box in mm (clamped).
    fn range(&self, lo: [f64; 3], hi: [f64; 3]) -> [std::ops::Range<usize>; 3] {
        let g = &self.g;
        let r = |lo: f64, hi: f64, c: f64, n: u32, step: f64| {
            let first = ((lo - c) / step + (f64::from(n) - 1.0) / 2.0)
                .floor()
                .max(0.0) as usize;
            let last = ((hi - c) / step + (f64::from(n) - 1.0) / 2.0 + 1.0)
                .ceil()
                .clamp(0.0, f64::from(n)) as usize;
            first.min(n as usize)..last
        };
        [
            r(lo[0], hi[0], g.centre_mm[0], g.columns, g.pixel_spacing_mm),
            r(lo[1], hi[1], g.centre_mm[1], g.rows, g.pixel_spacing_mm),
            r(lo[2], hi[2], g.centre_mm[2], g.slices, g.slice_increment_mm),
        ]
    }

    /// Sets `hu` at every voxel centre in the box where `inside` holds.
    fn paint(&mut self, lo: [f64; 3], hi: [f64; 3], hu: f32, inside: impl Fn([f64; 3]) -> bool) {
        let [ri, rj, rk] = self.range(lo, hi);
        for k in rk {
            let z = self.g.z(k);
            for j in rj.clone() {
                let y = self.g.y(j);
                for i in ri.clone() {
                    if inside([self.g.x(i), y, z]) {
                        let at = self.idx(i, j, k);
                        self.hu[at] = hu;
                    }
                }
            }
        }
    }

    /// Mixes `hu` into voxels by the fraction of 3×3×3 sub-samples inside (partial volume).
    fn blend(&mut self, lo: [f64; 3], hi: [f64; 3], hu: f32, inside: impl Fn([f64; 3]) -> bool) {
        let [ri, rj, rk] = self.range(lo, hi);
        let (p, t) = (self.g.pixel_spacing_mm, self.g.slice_thickness_mm);
        for k in rk {
            for j in rj.clone() {
                for i in ri.clone() {
                    let c = [self.g.x(i), self.g.y(j), self.g.z(k)];
                    let mut n = 0;
                    for a in [-1.0, 0.0, 1.0] {
                        for b in [-1.0, 0.0, 1.0] {
                            for d in [-1.0, 0.0, 1.0] {
                                let q =
                                    [c[0] + a * p / 3.0, c[1] + b * p / 3.0, c[2] + d * t / 3.0];
                                n += u32::from(inside(q));
                            }
                        }
                    }
                    if n > 0 {
                        let at = self.idx(i, j, k);
                        let f = n as f32 / 27.0;
                        self.hu[at] += (hu - self.hu[at]) * f;
                    }
                }
            }
        }
    }

    fn ellipsoid(&mut self, c: [f64; 3], r: [f64; 3], hu: f32) {
        self.paint(
            [c[0] - r[0], c[1] - r[1], c[2] - r[2]],
            [c[0] + r[0], c[1] + r[1], c[2] + r[2]],
            hu,
            |p| {
                ((p[0] - c[0]) / r[0]).powi(2)
                    + ((p[1] - c[1]) / r[1]).powi(2)
                    + ((p[2] - c[2]) / r[2]).powi(2)
                    <= 1.0
            },
        );
    }

    fn capsule(&mut self, a: [f64; 3], b: [f64; 3], r: f64, hu: f32) {
        let lo = [0, 1, 2].map(|d| a[d].min(b[d]) - r);
        let hi = [0, 1, 2].map(|d| a[d].max(b[d]) + r);
        self.paint(lo, hi, hu, |p| segment_distance(p, a, b) <= r);
    }

    /// An elliptic cylinder along z over the whole stack.
    fn cylinder(&mut self, c: [f64; 2], r: [f64; 2], hu: f32) {
        self.paint(
            [c[0] - r[0], c[1] - r[1], f64::NEG_INFINITY],
            [c[0] + r[0], c[1] + r[1], f64::INFINITY],
            hu,
            |p| ((p[0] - c[0]) / r[0]).powi(2) + ((p[1] - c[1]) / r[1]).powi(2) <= 1.0,
        );
    }
}

fn segment_distance(p: [f64; 3], a: [f64; 3], b: [f64; 3]) -> f64 {
    let ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    let ap = [p[0] - a[0], p[1] - a[1], p[2] - a[2]];
    let len2 = ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2];
    let t = if len2 > 0.0 {
        ((ap[0] * ab[0] + ap[1] * ab[1] + ap[2] * ab[2]) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let d = [ap[0] - t * ab[0], ap[1] - t * ab[1], ap[2] - t * ab[2]];
    (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt()
}

/// Renders the chest phantom of `spec` (integer HU, like [`crate::render`]).
pub fn render_chest(spec: &ChestSpec) -> Result<Volume, SpecError> {
    spec.validate()?;
    let g = spec.geometry();
    let mut c = Canvas {
        hu: vec![-1000.0; g.voxel_count()],
        g,
    };
    // Body: subcutaneous fat, then muscle and soft tissue.
    c.cylinder([0.0, 5.0], [150.0, 105.0], -100.0);
    c.cylinder([0.0, 5.0], [138.0, 93.0], 40.0);
    // Lungs.
    c.ellipsoid([-68.0, 10.0, 30.0], [55.0, 70.0, 125.0], -850.0);
    c.ellipsoid([70.0, 12.0, 25.0], [52.0, 68.0, 120.0], -850.0);
    // Liver (its dome under the right lung) and stomach under the left.
    c.ellipsoid([-35.0, 5.0, -125.0], [105.0, 85.0, 55.0], 55.0);
    c.ellipsoid([60.0, 0.0, -130.0], [60.0, 70.0, 45.0], 35.0);
    // Trachea with its wall, and the main bronchi from the carina.
    let top = [0.0, 15.0, 400.0];
    let carina = [0.0, 15.0, CARINA_Z];
    c.capsule(carina, top, 11.0, 40.0);
    c.capsule(carina, top, 9.0, -1000.0);
    c.capsule(carina, [-38.0, 18.0, 38.0], 6.0, -1000.0);
    c.capsule(carina, [38.0, 20.0, 36.0], 6.0, -1000.0);
    // Aorta in its fat: descending, arch, ascending; oesophagus between aorta and trachea.
    c.capsule(DESC_TOP, DESC_BOTTOM, DESC_R + 4.0, -100.0);
    c.capsule([3.0, 33.0, 400.0], [5.0, 36.0, -150.0], 8.0, 40.0);
    c.capsule(DESC_TOP, DESC_BOTTOM, DESC_R, 40.0);
    // The ascending aorta's mediastinal fat (the heart's fat and the heart, painted next, take
    // its lower end), then the arch.
    c.capsule(ASC_BOTTOM, ARCH[0], ASC_R + 4.0, -100.0);
    c.capsule(ARCH[0], ARCH[1], 13.0, 40.0);
    c.capsule(ARCH[1], ARCH[2], 13.0, 40.0);
    // Heart in its epicardial fat; the ascending aorta leaves its top.
    c.ellipsoid(HEART_C, HEART_R.map(|r| r + FAT), -90.0);
    c.ellipsoid(HEART_C, HEART_R, 40.0);
    c.capsule(ASC_BOTTOM, ARCH[0], ASC_R, 40.0);
    // Spine: vertebral bodies (cortex and cancellous bone) with discs every 25 mm, and the
    // posterior elements.
    c.cylinder([0.0, 68.0], [17.0, 17.0], 700.0);
    c.cylinder([0.0, 68.0], [14.5, 14.5], 250.0);
    c.paint(
        [-15.0, 86.0, f64::NEG_INFINITY],
        [15.0, 96.0, f64::INFINITY],
        500.0,
        |_| true,
    );
    let mut z = -150.0;
    while z < 150.0 {
        c.paint([-17.0, 51.0, z], [17.0, 85.0, z + 4.0], 80.0, |p| {
            (p[0] * p[0] + (p[1] - 68.0).powi(2)) <= 17.0 * 17.0
        });
        z += 25.0;
    }
    // Costal cartilages from the ribs' front ends to the sternum (the bone painted next takes
    // their ends).
    for level in 0..10 {
        for side in [-1.0, 1.0] {
            let (a, b) = cartilage_axis(level, side);
            if (STERNUM_Z[0]..=STERNUM_Z[1]).contains(&a[2]) {
                c.capsule(a, b, CARTILAGE_R, CARTILAGE_HU);
            }
        }
    }
    // Ribs: ten pairs round the chest wall, sloping 30 mm down from back to front.
    for level in 0..10 {
        let zr = 120.0 - 22.0 * f64::from(level);
        for side in [-1.0f64, 1.0] {
            let mut theta = 81.0f64.to_radians();
            while theta > -74.0f64.to_radians() {
                let x = side * 128.0 * theta.cos();
                let y = 5.0 + 86.0 * theta.sin();
                let z = zr - 30.0 * (1.0 - theta.sin()) / 2.0;
                let p = [x, y, z];
                c.paint(
                    [x - 4.5, y - 4.5, z - 4.5],
                    [x + 4.5, y + 4.5, z + 4.5],
                    450.0,
                    |q| {
                        (q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2) + (q[2] - p[2]).powi(2)
                            <= 4.5 * 4.5
                    },
                );
                theta -= 0.01;
            }
        }
    }
    // Sternum.
    c.paint(
        [-STERNUM_HALF_WIDTH, STERNUM_Y[0], STERNUM_Z[0]],
        [STERNUM_HALF_WIDTH, STERNUM_Y[1], STERNUM_Z[1]],
        400.0,
        |_| true,
    );
    // Calcium.
    let p = c.g.pixel_spacing_mm;
    let inc = c.g.slice_increment_mm;
    for l in chest_lesions() {
        let (cc, r, hu) = (l.centre_mm, l.radius_mm, l.hu as f32);
        if l.kind == ChestLesionKind::Noise {
            // One voxel: the one whose centre is nearest.
            c.paint(
                [cc[0] - p / 2.0, cc[1] - p / 2.0, cc[2] - inc / 2.0],
                [cc[0] + p / 2.0, cc[1] + p / 2.0, cc[2] + inc / 2.0],
                hu,
                |q| {
                    (q[0] - cc[0]).abs() < p / 2.0
                        && (q[1] - cc[1]).abs() < p / 2.0
                        && (q[2] - cc[2]).abs() < inc / 2.0
                },
            );
            continue;
        }
        c.blend(
            [cc[0] - r, cc[1] - r, cc[2] - r],
            [cc[0] + r, cc[1] + r, cc[2] + r],
            hu,
            |q| (q[0] - cc[0]).powi(2) + (q[1] - cc[1]).powi(2) + (q[2] - cc[2]).powi(2) <= r * r,
        );
    }
    // Noise, one stream per slice; round to integers.
    let n = c.g.rows as usize * c.g.columns as usize;
    let sd = spec.noise_sd_hu;
    let mut out = vec![0i16; c.hu.len()];
    for (k, (dst, src)) in out.chunks_mut(n).zip(c.hu.chunks(n)).enumerate() {
        let mut rng = Xoshiro256pp::new(spec.seed, k as u64 + 1);
        for (d, s) in dst.iter_mut().zip(src) {
            let v = f64::from(*s)
                + if sd > 0.0 {
                    sd * rng.next_normal()
                } else {
                    0.0
                };
            *d = v.round().clamp(-1024.0, 3071.0) as i16;
        }
    }
    Ok(Volume {
        geometry: c.g,
        hu: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(v: &Volume, p: [f64; 3]) -> i16 {
        let g = &v.geometry;
        let idx = |x: f64, c: f64, n: u32, s: f64| {
            ((x - c) / s + (f64::from(n) - 1.0) / 2.0).round() as usize
        };
        let (i, j, k) = (
            idx(p[0], 0.0, g.columns, g.pixel_spacing_mm),
            idx(p[1], 0.0, g.rows, g.pixel_spacing_mm),
            idx(p[2], 0.0, g.slices, g.slice_increment_mm),
        );
        v.hu[(k * g.rows as usize + j) * g.columns as usize + i]
    }

    #[test]
    fn anatomy_lands_where_the_truth_says() {
        let spec = ChestSpec {
            noise_sd_hu: 0.0,
            ..ChestSpec::small(1)
        };
        let v = render_chest(&spec).expect("renders");
        assert_eq!(at(&v, [-68.0, 10.0, 30.0]), -850, "right lung");
        assert_eq!(at(&v, [0.0, 68.0, 12.0]), 250, "vertebral body");
        assert_eq!(at(&v, HEART_C), 40, "heart");
        assert_eq!(at(&v, [0.0, 15.0, 100.0]), -1000, "trachea");
        assert_eq!(at(&v, [0.0, -82.0, 0.0]), 400, "sternum");
        assert_eq!(at(&v, [-140.0, 5.0, 0.0]), -100, "subcutaneous fat");
        // Every lesion reaches the 130 HU calcium threshold near its centre, partial volume
        // included (a 1.8 mm sphere midway between 2.5 mm slices peaks near 190 HU).
        let (p, inc) = (spec.pixel_mm, spec.increment_mm);
        for l in chest_lesions() {
            let mut peak = i16::MIN;
            for d in [
                [0.0, 0.0, 0.0],
                [p, 0.0, 0.0],
                [-p, 0.0, 0.0],
                [0.0, p, 0.0],
                [0.0, -p, 0.0],
                [0.0, 0.0, inc],
                [0.0, 0.0, -inc],
            ] {
                peak = peak.max(at(
                    &v,
                    [
                        l.centre_mm[0] + d[0],
                        l.centre_mm[1] + d[1],
                        l.centre_mm[2] + d[2],
                    ],
                ));
            }
            assert!(peak >= 130, "{l:?}: peak {peak} HU around its centre");
        }
        // Coronary lesions lie in the epicardial fat: outside the heart, inside the fat.
        for l in chest_lesions() {
            if let ChestLesionKind::Coronary { .. } = l.kind {
                let q = |r: [f64; 3]| {
                    (0..3)
                        .map(|d| ((l.centre_mm[d] - HEART_C[d]) / r[d]).powi(2))
                        .sum::<f64>()
                };
                assert!(
                    q(HEART_R) > 1.0 && q(HEART_R.map(|r| r + FAT)) < 1.0,
                    "{l:?}"
                );
            }
        }
    }

    #[test]
    fn bad_spec_is_an_error() {
        let spec = ChestSpec {
            pixel_mm: f64::NAN,
            ..ChestSpec::small(1)
        };
        assert!(render_chest(&spec).is_err());
    }
}
