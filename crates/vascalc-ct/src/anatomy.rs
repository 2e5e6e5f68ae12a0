//! Anatomy of a non-contrast chest or cardiac CT by image processing alone (no trained weights):
//! body, lungs, airway and carina, bone, descending aorta and a heart region, so that lesions can
//! be sorted into coronary candidates and exclusions. Pure: a [`Volume`] in, an [`Anatomy`] out.
//!
//! The steps follow what published pipelines need (facts from the research note
//! `ct-anatomy.md`: Išgum 2007 and 2012, González 2016, DeepCAC's manual masks); the thresholds
//! and sizes are this module's own choices, each stated beside its constant.
//!
//! 1. **Body**, per slice: voxels above −500 HU, the largest 4-connected component, holes filled.
//! 2. **Lungs**: air (< −400 HU) inside the body, 3D 6-connected components of at least
//!    [`MIN_LUNG_ML`] mL (the trachea and bronchi join them through the airway).
//! 3. **Airway and carina**: from the top slice down, the small air section near the body's
//!    midline (the trachea) is followed slice by slice; the slice where it splits in two is the
//!    carina. The heart region lies below it.
//! 4. **Bone**: voxels ≥ 200 HU in 3D components (26-connected) of at least [`MIN_BONE_MM3`] mm³:
//!    spine, ribs, sternum, scapulae, clavicles. Coronary calcium is never that large.
//! 5. **Heart region**, per slice between the carina and the lung bases (both lungs present):
//!    the convex hull of the lungs and the back of the sternum, minus the lungs, in front of the vertebral body's anterior
//!    edge, minus the descending aorta and bone; in the lower half of the heart's slices minus
//!    the thick parts under a lung base (liver dome, stomach, spleen: [`flag::SUBPHRENIC`]);
//!    opened by `REGION_OPEN_MM` (the hila's arms cut off); dilated by [`HEART_MARGIN_MM`]
//!    (DeepCAC's manual masks put coronary calcium up to 3.7 mm outside the heart label) but
//!    not past the hull's front (sternum, costal cartilages).
//! 6. **Descending aorta**, per slice: the round soft-tissue section, 9–16 mm in radius, beside
//!    and in front of the vertebral body, ringed by non-soft tissue (lung, fat, bone).
//! 7. **Ascending aorta and aortic root** (before 5, which leaves the aorta out of the region):
//!    the vertical round tube of radius 12–20 mm in front of the body's centre just below the
//!    carina, followed down slice by slice while it stays round; then [`AORTIC_ROOT_MM`] below
//!    it along its axis, the root and valve ([`flag::AORTIC_ROOT`], inside the heart region).
//!
//! 8. **Aortic arch** (after 5–6): both aortas followed up from the heart's top slice as round
//!    sections; where both stop (the arch crosses the slices obliquely), the band between their
//!    last centres, without the trachea, while soft tissue fills its core.
//! 9. **Anterior chest wall** (with 5): per heart slice where the sternum is found, the rows in
//!    front of [`CHEST_WALL_MM`] behind the sternum's back, where the costal cartilages lie.
//! 10. **Liver** (after 5): in the lower half of the heart's slices, the tissue denser than
//!     [`LIVER_MIN_HU`] (averaged) joined to the liver dome under the right lung through a broad
//!     bridge: the liver's left lobe under the heart, taken out of the heart region.
//! 11. **CT table**: outside the body, behind its centre, where calcium-dense pixels lie at one
//!     place in at least half the slices (the couch runs the scan's whole length).
//!
//! What it does not find (stated in `docs/ct-scoring.md`): the arch when the ascending aorta
//! was not followed (only the descending limb is then followed up), an ascending aorta that
//! shows no round tube (touching vessels without fat between them), a fatty liver (as dense as
//! the heart), calcified lymph nodes next to the heart, and the mitral annulus.

use rayon::prelude::*;

use crate::volume::Volume;

mod liver;
pub use liver::LIVER_MIN_HU;

/// Voxel flags of [`Anatomy::flags`].
pub mod flag {
    /// Inside the body (holes filled).
    pub const BODY: u8 = 1;
    /// Lung or airway air.
    pub const LUNG: u8 = 2;
    /// Bone.
    pub const BONE: u8 = 4;
    /// The heart region, margin included.
    pub const HEART: u8 = 8;
    /// The descending aorta (with its wall).
    pub const AORTA: u8 = 16;
    /// Deep inside the mediastinum (at least 10 mm from the hull of lungs and sternum).
    pub const DEEP: u8 = 32;
    /// Under a lung base, in the lower half of the heart's slices: the liver dome (right), the
    /// stomach and spleen (left); removed from the heart region.
    pub const SUBPHRENIC: u8 = 64;
    /// The aortic root and valve: below where the tracked ascending aorta enters the heart,
    /// inside the heart region.
    pub const AORTIC_ROOT: u8 = 128;
}

/// Air below this HU (inside the body) is lung or airway.
pub const AIR_HU: f32 = -400.0;
/// The body is above this HU.
pub const BODY_HU: f32 = -500.0;
/// Bone candidates are at or above this HU.
pub const BONE_HU: f32 = 200.0;
/// The smallest 3D air component counted as lung, mL (an adult lung holds 2–3 L; the gas of the
/// stomach or bowel, or the oesophagus, holds far less).
pub const MIN_LUNG_ML: f64 = 300.0;
/// The smallest 3D component of ≥ 200 HU counted as bone, mm³ (a vertebra holds about 30 mL, a
/// rib several mL; a very large coronary lesion is about 100 mm³ — CAC volume scores of 1,000 mm³
/// are totals over the whole tree).
pub const MIN_BONE_MM3: f64 = 1500.0;
/// The heart region's margin, mm (coronary calcium lies up to 3.7 mm outside a manual heart
/// mask: DeepCAC `data/raw/*/msk.nrrd`, research note `ct-anatomy.md`).
pub const HEART_MARGIN_MM: f64 = 4.0;
/// The anterior chest wall reaches this far behind the back of the sternum, mm: the costal
/// cartilages beside the sternum lie at the sternum's own depth, while the heart, its
/// pericardium and the coronary arteries on its surface lie behind the sternum (on the two real
/// chest CTs every candidate within 3 mm of that line was a speck in the chest wall, and the
/// next one lay over 30 mm behind it).
pub const CHEST_WALL_MM: f64 = 3.0;
/// Cross-sectional area of a trachea section, mm² (an adult trachea is 15–25 mm across, so
/// about 180–500 mm²; the range leaves room for partial sections).
const TRACHEA_AREA_MM2: (f64, f64) = (60.0, 1000.0);
/// The trachea lies within this distance of the body's midline, mm.
const TRACHEA_MIDLINE_MM: f64 = 30.0;
/// A tracked airway section larger than this has joined a lung, mm².
const AIRWAY_MAX_MM2: f64 = 1500.0;
/// Both lungs must reach in front of the body's centre with at least this fraction of their
/// largest such section for a slice to hold the heart region: beside the heart the lungs reach
/// forward, below it (liver dome, stomach) only their posterior recesses remain.
const LUNG_BASE_FRACTION: f64 = 0.10;
/// Parts of the mediastinum smaller than this fraction of its largest part are dropped (vessels
/// inside the lungs).
const REGION_PART_FRACTION: f64 = 0.05;
/// A large ≥ 200 HU structure is not bone when most of it lies this deep inside the mediastinum
/// (a heavily calcified aortic root or coronary artery), mm.
const DEEP_MM: f64 = 10.0;
/// The sternum lies within this distance of the body's midline, mm (adult sternum 25–40 mm wide).
const STERNUM_MIDLINE_MM: f64 = 25.0;
/// Parts of the heart region thinner than twice this are cut off (the hila's vessels and
/// bronchi, which reach into the hull of the lungs as arms; the heart is 9–11 cm across), mm.
const REGION_OPEN_MM: f64 = 7.0;
/// A voxel of the lower half of the heart's slices lies under a lung base when its column held
/// lung in a slice above it, from this far above that half down, mm (the diaphragm's domes rise
/// under the lungs; the liver dome lies under the right lung).
const SUBPHRENIC_MM: f64 = 20.0;
/// Parts under a lung base thinner than twice this stay in the heart region (the lungs' front
/// edges overhang the heart's surface by a few mm; the liver dome is several cm thick), mm.
const SUBPHRENIC_OPEN_MM: f64 = 8.0;
/// After the opening, parts smaller than this fraction of the largest are dropped (a hilar node
/// or vessel cut off from the heart).
const REGION_OPEN_PART_FRACTION: f64 = 0.10;
/// Slices either side over which the vertebral body's front edge is taken (the most anterior).
const SPINE_WINDOW: usize = 3;
/// Descending aorta radii tried, mm (adult descending thoracic aorta 20–32 mm across).
const AORTA_RADII_MM: [f64; 4] = [9.0, 11.0, 13.0, 15.5];
/// Ascending aorta radii tried at the start, mm (the adult ascending aorta is 25–40 mm across,
/// up to about 45 mm when dilated in older people; the superior vena cava, 20 mm, is smaller).
const ASC_RADII_MM: [f64; 5] = [12.0, 13.5, 15.0, 17.5, 20.0];
/// Slices below the carina searched for the ascending aorta's start.
const ASC_START_SLICES: usize = 6;
/// The start window from the body's centre: to the patient's right (−) and left (+), mm. The
/// ascending aorta lies right of the pulmonary trunk, about on the midline or right of it.
const ASC_WINDOW_X_MM: (f64, f64) = (-50.0, 20.0);
/// The start window from the body's centre: anterior (−) to posterior (+), mm.
const ASC_WINDOW_Y_MM: (f64, f64) = (-90.0, 0.0);
/// The disc score (soft fraction inside minus soft fraction in the ring around) needed to
/// start and to go on; lower than the descending aorta's, since the pulmonary trunk and the
/// superior vena cava touch the ascending aorta.
const ASC_MIN_SCORE: f64 = 0.0;
/// The ascending aorta's centre moves at most this much from one slice to the next, mm.
const ASC_SHIFT_MM: f64 = 6.0;
/// The smallest ascending aorta accepted, radius in mm (the superior vena cava is about 10).
const ASC_MIN_RADIUS_MM: f64 = 11.5;
/// The shortest ascending aorta track accepted, mm (else nothing is marked).
const ASC_MIN_TRACK_MM: f64 = 10.0;
/// The aortic wall and its calcium around a tracked section, mm.
const AORTA_WALL_MM: f64 = 3.0;
/// The root's axis moves at most this many mm sideways per mm down.
const ASC_AXIS_SLOPE: f64 = 0.4;
/// The aortic root and valve below the last tracked slice, mm: the tracking stops where the
/// aorta enters the heart, near the sinotubular junction, about 20–25 mm above the valve's
/// annulus.
pub const AORTIC_ROOT_MM: f64 = 30.0;
/// How far above the heart's top slice the aorta is followed into the arch, mm (the arch's top
/// lies about 1–4 cm above the carina).
const ARCH_MAX_MM: f64 = 50.0;
/// Above where both limbs stop, the band between their last sections is marked while its core
/// holds at least this much soft tissue or calcium, mm² (above the arch's roof lies fat) …
const ARCH_CORE_MM2: f64 = 10.0;
/// … and at most this far above the last followed section, mm (the arch's lumen and roof, about
/// one diameter).
const ARCH_ABOVE_MM: f64 = 30.0;
/// The arch's band leaves out the trachea (an air section of at most [`AIRWAY_MAX_MM2`], not a
/// lung) with this margin, mm: its wall and calcified cartilage rings lie against the arch.
const AIRWAY_WALL_MM: f64 = 4.0;
/// The trachea is looked for this far around the arch's band, mm; an air section reaching
/// further is a lung.
const AIRWAY_SEARCH_MM: f64 = 25.0;
/// Pixels outside the body at or above this HU are looked for as the CT table (the calcium
/// threshold: what would be scored).
const TABLE_HU: f32 = 130.0;
/// The table's thin shells shift by partial volume and noise from slice to slice: a pixel is
/// the table's when the slices' hits within this distance add up to half the slices, mm.
const TABLE_REACH_MM: f64 = 1.5;
/// Soft tissue (blood, wall, muscle) for the aorta search, HU.
const SOFT_HU: (f32, f32) = (-30.0, 150.0);
/// The aorta score (soft fraction inside minus soft fraction in the surrounding ring) needed.
const AORTA_MIN_SCORE: f64 = 0.45;

/// What the anatomy step found.
#[derive(Debug, Clone, PartialEq)]
pub struct Anatomy {
    pub columns: usize,
    pub rows: usize,
    pub slices: usize,
    /// Per voxel, a combination of the [`flag`] bits (same layout as [`Volume::hu`]).
    pub flags: Vec<u8>,
    /// The slice of the carina (where the trachea splits), if the trachea was followed to it.
    pub carina_slice: Option<usize>,
    /// First and last slice (inclusive, in volume order) that hold the heart region.
    pub heart_slices: Option<[usize; 2]>,
    /// Whether slice index grows towards the head (from the slice normal's z component).
    pub superior_up: bool,
    /// Voxels of lung and of bone found (for reports).
    pub lung_voxels: u64,
    pub bone_voxels: u64,
    /// Slices where the descending aorta was found.
    pub aorta_slices: usize,
    /// Slices where the ascending aorta was followed (below the carina), and slices of the
    /// aortic root extrapolated below them.
    pub ascending_aorta_slices: usize,
    pub aortic_root_slices: usize,
    /// Slices above the heart's where the aorta was followed up into the arch.
    pub arch_slices: usize,
    /// Per slice of the heart region where the sternum was found: the rows of the anterior
    /// chest wall, `[first, end)`, from the image's anterior edge to [`CHEST_WALL_MM`] behind
    /// the back of the sternum (its most posterior bone within 25 mm of the body's midline).
    /// Costal cartilage and its calcified specks lie there; the heart lies behind it.
    pub chest_wall_rows: Vec<Option<[u32; 2]>>,
    /// Per slice: the liver found in the lower half of the heart's slices, as runs (row, first
    /// column, end column) sorted by row and column (empty elsewhere); it is not heart region.
    pub liver_runs: Vec<Vec<(u32, u32, u32)>>,
    /// Slices where the liver was marked.
    pub liver_slices: usize,
    /// Per pixel of a slice (`rows` × `columns`): where the CT table lies, outside the body
    /// (see [`Anatomy::in_table`]). Empty when no chest was found.
    pub table: Vec<bool>,
    /// The body covers more than a quarter of the image's edge in most slices that would hold the
    /// heart (a zoomed cardiac field of view): the lungs' outer parts and the chest wall are cut off,
    /// so the heart region cannot be trusted and no chest is reported ([`Anatomy::found`] is
    /// `false`).
    pub body_cut_by_field_of_view: bool,
}

impl Anatomy {
    /// Whether a chest was found: lungs on both sides and a heart region.
    pub fn found(&self) -> bool {
        self.heart_slices.is_some()
    }

    /// The flags of voxel (`i`, `j`, `k`), 0 outside the volume.
    pub fn at(&self, i: usize, j: usize, k: usize) -> u8 {
        if i >= self.columns || j >= self.rows || k >= self.slices {
            return 0;
        }
        self.flags[(k * self.rows + j) * self.columns + i]
    }

    /// Whether voxel row `j` of slice `k` lies in the anterior chest wall (see
    /// [`Anatomy::chest_wall_rows`]).
    pub fn in_chest_wall(&self, j: usize, k: usize) -> bool {
        self.chest_wall_rows
            .get(k)
            .copied()
            .flatten()
            .is_some_and(|[a, b]| (a as usize..b as usize).contains(&j))
    }

    /// Whether voxel (`i`, `j`, `k`) lies in the liver found under the heart.
    pub fn in_liver(&self, i: usize, j: usize, k: usize) -> bool {
        let Some(runs) = self.liver_runs.get(k) else {
            return false;
        };
        let (Ok(i), Ok(j)) = (u32::try_from(i), u32::try_from(j)) else {
            return false;
        };
        let p = runs.partition_point(|&(r, _, e)| (r, e) <= (j, i));
        runs.get(p).is_some_and(|&(r, s, _)| r == j && s <= i)
    }

    /// Whether voxel (`i`, `j`, `k`) lies on the CT table: outside the body, in the table's
    /// pixels.
    pub fn in_table(&self, i: usize, j: usize, k: usize) -> bool {
        i < self.columns
            && j < self.rows
            && k < self.slices
            && self.at(i, j, k) & flag::BODY == 0
            && self
                .table
                .get(j * self.columns + i)
                .copied()
                .unwrap_or(false)
    }

    /// Whether slice `k` lies above (towards the head from) the carina.
    pub fn above_carina(&self, k: usize) -> bool {
        match self.carina_slice {
            Some(c) if self.superior_up => k > c,
            Some(c) => k < c,
            None => false,
        }
    }
}

/// Finds the anatomy of `volume` (which must be valid: see [`Volume::validate`]). Never fails:
/// on a phantom or a head CT it finds no chest ([`Anatomy::found`] is `false`).
pub fn find_anatomy(volume: &Volume) -> Anatomy {
    let (cols, rows, slices) = (volume.columns, volume.rows, volume.slices);
    let n = cols * rows;
    let g = &volume.geometry;
    let (dx, dy) = (g.column_spacing_mm, g.row_spacing_mm);
    let pixel_area = dx * dy;
    let depth = g.increment_mm().unwrap_or(1.0);
    let voxel_mm3 = pixel_area * depth;
    let superior_up = g.normal()[2] >= 0.0;
    // Patient left is +x (LPS): the column direction along which x grows.
    let left_sign = if g.row_direction[0] >= 0.0 { 1.0 } else { -1.0 };
    let posterior_sign = if g.column_direction[1] >= 0.0 {
        1.0
    } else {
        -1.0
    };
    let axial = g.row_direction[0].abs() > 0.9 && g.column_direction[1].abs() > 0.9;

    let mut flags = vec![0u8; n * slices];
    let mut anatomy = Anatomy {
        columns: cols,
        rows,
        slices,
        flags: Vec::new(),
        carina_slice: None,
        heart_slices: None,
        superior_up,
        lung_voxels: 0,
        bone_voxels: 0,
        aorta_slices: 0,
        ascending_aorta_slices: 0,
        aortic_root_slices: 0,
        arch_slices: 0,
        chest_wall_rows: vec![None; slices],
        liver_runs: vec![Vec::new(); slices],
        liver_slices: 0,
        table: Vec::new(),
        body_cut_by_field_of_view: false,
    };
    if n == 0 || slices == 0 || volume.hu.len() != n * slices || !axial {
        anatomy.flags = flags;
        return anatomy;
    }

    // 1. Body and interior air, per slice. Air is marked LUNG for now, kept only in large
    // 3D components below.
    flags
        .par_chunks_mut(n)
        .zip(volume.hu.par_chunks(n))
        .for_each(|(f, hu)| body_and_air(hu, f, cols, rows));

    // 2. Lungs: large 3D air components.
    let min_lung = (MIN_LUNG_ML * 1000.0 / voxel_mm3).ceil() as u64;
    let lung_runs = Runs::of(&flags, cols, rows, slices, |_, f| f & flag::LUNG != 0);
    let keep = lung_runs.large_components(min_lung, false);
    for f in flags.iter_mut() {
        *f &= !flag::LUNG;
    }
    anatomy.lung_voxels = lung_runs.mark(&keep, &mut flags, flag::LUNG);

    // 4. Bone: large 3D components at ≥ 200 HU inside the body.
    let min_bone = (MIN_BONE_MM3 / voxel_mm3).ceil() as u64;
    let bone_runs = Runs::of(&flags, cols, rows, slices, |idx, f| {
        f & flag::BODY != 0 && volume.hu[idx] >= BONE_HU
    });
    let keep = bone_runs.large_components(min_bone, true);
    anatomy.bone_voxels = bone_runs.mark(&keep, &mut flags, flag::BONE);
    let keep_bone = keep;

    // Per slice: body centre, lung areas left and right.
    let stats: Vec<SliceStats> = flags
        .par_chunks(n)
        .map(|f| SliceStats::of(f, cols, left_sign, posterior_sign))
        .collect();

    // 3. Carina: follow the trachea from the top slice down.
    let order: Vec<usize> = if superior_up {
        (0..slices).rev().collect()
    } else {
        (0..slices).collect()
    };
    anatomy.carina_slice = find_carina(&flags, &stats, &order, cols, rows, dx, pixel_area);

    // 5. Heart slices: below the carina, while both lungs are present.
    let max_left = stats.iter().map(|s| s.front_left).max().unwrap_or(0);
    let max_right = stats.iter().map(|s| s.front_right).max().unwrap_or(0);
    let min_lung_px = |max: u64| ((max as f64 * LUNG_BASE_FRACTION).ceil() as u64).max(1);
    let both_lungs = |k: usize| {
        stats[k].front_left >= min_lung_px(max_left)
            && stats[k].front_right >= min_lung_px(max_right)
    };
    let start = match anatomy.carina_slice {
        Some(c) => order.iter().position(|&k| k == c).map_or(0, |p| p + 1),
        None => 0,
    };
    let heart: Vec<usize> = order[start.min(order.len())..]
        .iter()
        .copied()
        .skip_while(|&k| !both_lungs(k))
        .take_while(|&k| both_lungs(k))
        .collect();
    if max_left == 0 || max_right == 0 || heart.is_empty() {
        anatomy.flags = flags;
        return anatomy;
    }
    // A zoomed field of view: the body covers more than a quarter of the image's edge in more
    // than half of the heart's slices (in a full chest field of view air surrounds the trunk;
    // an arm or the table may touch the edge, as in cap002, but not a quarter of it; the cut
    // lungs are not even found as lungs, being open to the edge). The hull of cut lungs misses
    // the front of the heart: on the chest phantom cropped to 200 mm, the left main lesion fell
    // outside the region. Report no chest rather than a region that drops calcium.
    let cut = heart
        .iter()
        .filter(|&&k| {
            let f = &flags[k * n..(k + 1) * n];
            let body = |idx: usize| usize::from(f[idx] & flag::BODY != 0);
            let sides: usize = (0..rows)
                .map(|j| body(j * cols) + body(j * cols + cols - 1))
                .sum();
            let ends: usize = (0..cols)
                .map(|i| body(i) + body((rows - 1) * cols + i))
                .sum();
            (sides + ends) * 4 > 2 * (rows + cols)
        })
        .count();
    if cut * 2 > heart.len() {
        anatomy.body_cut_by_field_of_view = true;
        anatomy.flags = flags;
        return anatomy;
    }
    let (lo, hi) = (
        heart.iter().copied().min().unwrap_or(0),
        heart.iter().copied().max().unwrap_or(0),
    );
    anatomy.heart_slices = Some([lo, hi]);

    // The vertebral body's front edge per slice, then the most anterior within ±3 slices (an
    // intervertebral disc is not bone: its slice alone would put the "front" at the posterior
    // elements).
    let spines: Vec<Option<(f64, f64)>> = (0..slices)
        .into_par_iter()
        .map(|k| {
            if (lo..=hi).contains(&k) {
                spine_front(
                    &flags[k * n..(k + 1) * n],
                    cols,
                    rows,
                    dx,
                    stats[k].centre,
                    posterior_sign,
                )
            } else {
                None
            }
        })
        .collect();
    let smoothed: Vec<Option<(f64, f64)>> = (0..slices)
        .map(|k| {
            let window =
                &spines[k.saturating_sub(SPINE_WINDOW)..(k + SPINE_WINDOW + 1).min(slices)];
            let front = window
                .iter()
                .flatten()
                .map(|s| s.0)
                .min_by(f64::total_cmp)?;
            let x = spines[k]
                .or_else(|| window.iter().flatten().next().copied())?
                .1;
            Some((front, x))
        })
        .collect();

    // Under the lung bases, in the lower half of the heart's slices (the upper half has the
    // airway above the left atrium): columns that held lung within SUBPHRENIC_MM above.
    let lower = &heart[heart.len() / 2..];
    let reach = (SUBPHRENIC_MM / depth).round().max(1.0) as u16;
    if let Some(first) = lower
        .first()
        .and_then(|k| order.iter().position(|o| o == k))
    {
        let mut since = vec![u16::MAX; n];
        let from = first.saturating_sub(usize::from(reach));
        let to = order
            .iter()
            .position(|&o| Some(&o) == lower.last())
            .map_or(order.len(), |p| p + 1);
        for (p, &k) in order.iter().enumerate().take(to).skip(from) {
            let mark = p >= first;
            for (s, v) in since.iter_mut().zip(&mut flags[k * n..(k + 1) * n]) {
                if *v & flag::LUNG != 0 {
                    *s = 0;
                } else {
                    *s = s.saturating_add(1).min(u16::MAX - 1).max(*s);
                    if mark && *s < u16::MAX && *v & flag::BODY != 0 {
                        *v |= flag::SUBPHRENIC;
                    }
                }
            }
        }
    }

    // The ascending aorta and the aortic root, followed down from the carina.
    let plane = Plane {
        cols,
        rows,
        dx,
        dy,
        left_sign,
        posterior_sign,
    };
    let asc_top;
    (
        anatomy.ascending_aorta_slices,
        anatomy.aortic_root_slices,
        asc_top,
    ) = ascending_aorta(&volume.hu, &mut flags, &stats, &heart, &plane, depth);

    // 5–6. Heart region and descending aorta, per slice.
    let margin = (HEART_MARGIN_MM / dx.min(dy)).round().max(1.0) as usize;
    let regions: Vec<(usize, SliceRegion)> = flags
        .par_chunks_mut(n)
        .zip(volume.hu.par_chunks(n))
        .enumerate()
        .filter(|(k, _)| (lo..=hi).contains(k))
        .map(|(k, (f, hu))| {
            let ctx = SliceContext {
                cols,
                rows,
                dx,
                dy,
                left_sign,
                posterior_sign,
                margin,
                centre: stats[k].centre,
                spine: smoothed[k],
            };
            (k, heart_region(hu, f, &ctx))
        })
        .collect();
    // The anterior chest wall: in front of the sternum's back plus CHEST_WALL_MM.
    let wall = (CHEST_WALL_MM / dy).round() as usize;
    for (k, (_, back)) in &regions {
        anatomy.chest_wall_rows[*k] = back.map(|b| {
            if posterior_sign > 0.0 {
                [0, (b + wall + 1).min(rows) as u32]
            } else {
                [b.saturating_sub(wall) as u32, rows as u32]
            }
        });
    }
    let descending: Vec<(usize, Option<Disc>)> =
        regions.into_iter().map(|(k, (d, _))| (k, d)).collect();
    // 10. The liver under the heart, in the lower half of its slices: not heart region.
    let livers: Vec<(usize, RowRuns)> = lower
        .par_iter()
        .map(|&k| {
            let range = k * n..(k + 1) * n;
            let runs = liver::liver_slice(
                &volume.hu[range.clone()],
                &flags[range],
                &plane,
                stats[k].centre.0,
            );
            (k, runs)
        })
        .collect();
    for (k, runs) in livers {
        for &(j, a, b) in &runs {
            let base = k * n + j as usize * cols;
            for v in &mut flags[base + a as usize..base + b as usize] {
                *v &= !flag::HEART;
            }
        }
        anatomy.liver_slices += usize::from(!runs.is_empty());
        anatomy.liver_runs[k] = runs;
    }
    // 11. The CT table.
    anatomy.table = find_table(&volume.hu, &flags, &stats, &plane);
    anatomy.aorta_slices = descending.iter().filter(|d| d.1.is_some()).count();
    // The arch, above the heart's slices: both aortas followed up from the heart's top slice.
    let desc_top = heart
        .iter()
        .take(3)
        .find_map(|&k| descending.iter().find(|d| d.0 == k).and_then(|d| d.1));
    if let Some(top_pos) = heart
        .first()
        .and_then(|k| order.iter().position(|o| o == k))
    {
        anatomy.arch_slices = aortic_arch(
            &volume.hu,
            &mut flags,
            &order[..top_pos],
            [asc_top, desc_top],
            &plane,
            depth,
        );
    }
    // A large calcified structure mostly deep in the mediastinum is not bone: no rib, vertebra,
    // sternum or scapula lies there, a heavily calcified aortic root or coronary artery does.
    let roots = bone_runs.roots(true);
    let mut per_root = std::collections::HashMap::<u32, (u64, u64)>::new();
    for (r, run) in bone_runs.runs.iter().enumerate() {
        if !keep_bone[r] {
            continue;
        }
        let base = run[0] as usize * n + run[1] as usize * cols;
        let d = flags[base + run[2] as usize..base + run[3] as usize]
            .iter()
            .filter(|v| **v & flag::DEEP != 0)
            .count() as u64;

        let e = per_root.entry(roots[r]).or_default();
        e.0 += d;
        e.1 += u64::from(run[3] - run[2]);
    }
    for (r, run) in bone_runs.runs.iter().enumerate() {
        let Some(&(d, total)) = per_root.get(&roots[r]) else {
            continue;
        };
        if keep_bone[r] && d * 2 > total {
            let base = run[0] as usize * n + run[1] as usize * cols;
            for v in &mut flags[base + run[2] as usize..base + run[3] as usize] {
                *v &= !flag::BONE;
                *v |= flag::HEART;
            }
            anatomy.bone_voxels -= u64::from(run[3] - run[2]);
        }
    }
    anatomy.flags = flags;
    anatomy
}

/// The CT table's pixels: outside the body and behind the body's centre (its mean over the
/// slices), where the pixels at or above [`TABLE_HU`] within [`TABLE_REACH_MM`] add up over the
/// slices to at least half the slices (the couch lies at one place over the scan's length; on
/// the two real chest CTs this takes in 9,202 of P001's 9,228 lesions lying mostly outside the
/// body and all 2,347 of cap002's).
fn find_table(hu: &[f32], flags: &[u8], stats: &[SliceStats], p: &Plane) -> Vec<bool> {
    let (cols, rows) = (p.cols, p.rows);
    let n = cols * rows;
    let slices = stats.len();
    if n == 0 || slices == 0 || hu.len() != n * slices || flags.len() != n * slices {
        return vec![false; n];
    }
    let centre_row = stats.iter().map(|s| s.centre.1).sum::<f64>() / slices as f64;
    let behind = |j: usize| (j as f64 - centre_row) * p.posterior_sign > 0.0;
    let first = (0..rows).find(|&j| behind(j)).unwrap_or(rows);
    let last = (0..rows).rev().find(|&j| behind(j)).map_or(0, |j| j + 1);
    let (lo, hi) = (first.min(last) * cols, first.max(last) * cols);
    let count = flags
        .par_chunks(n)
        .zip(hu.par_chunks(n))
        .fold(
            || vec![0u32; n],
            |mut acc, (f, h)| {
                for idx in lo..hi {
                    acc[idx] += u32::from(f[idx] & flag::BODY == 0 && h[idx] >= TABLE_HU);
                }
                acc
            },
        )
        .reduce(
            || vec![0u32; n],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        );
    // Sums of the counts over boxes of ±reach pixels (a summed-area table).
    let r = (TABLE_REACH_MM / p.dx.min(p.dy)).round().max(1.0) as usize;
    let w = cols + 1;
    let mut sat = vec![0u64; w * (rows + 1)];
    for j in 0..rows {
        let mut acc = 0u64;
        for i in 0..cols {
            acc += u64::from(count[j * cols + i]);
            sat[(j + 1) * w + i + 1] = sat[j * w + i + 1] + acc;
        }
    }
    (0..n)
        .map(|idx| {
            let (i, j) = (idx % cols, idx / cols);
            if !behind(j) {
                return false;
            }
            let (i0, i1) = (i.saturating_sub(r), (i + r + 1).min(cols));
            let (j0, j1) = (j.saturating_sub(r), (j + r + 1).min(rows));
            let s = sat[j1 * w + i1] + sat[j0 * w + i0] - sat[j0 * w + i1] - sat[j1 * w + i0];
            s * 2 >= slices as u64
        })
        .collect()
}

/// Body (largest component above −500 HU, holes filled) and interior air of one slice. On runs:
/// the body's holes are the gaps between its runs whose components do not reach the image's edge.
fn body_and_air(hu: &[f32], f: &mut [u8], cols: usize, rows: usize) {
    let above = Runs2d::of(cols, rows, |idx| hu[idx] > BODY_HU);
    let Some(best) = above.largest() else {
        return;
    };
    let gaps = above.gaps(best, cols, rows);
    let outside = gaps.touching_edge(cols, rows);
    let mut mark = |j: u32, s: u32, e: u32| {
        let base = j as usize * cols;
        for idx in base + s as usize..base + e as usize {
            f[idx] |= flag::BODY;
            if hu[idx] < AIR_HU {
                f[idx] |= flag::LUNG;
            }
        }
    };
    for (&(j, s, e), &l) in above.runs.iter().zip(&above.label) {
        if l == best {
            mark(j, s, e);
        }
    }
    for (&(j, s, e), &l) in gaps.runs.iter().zip(&gaps.label) {
        if !outside[l as usize] {
            mark(j, s, e);
        }
    }
}

/// The root of `x` in a union-find forest (with path halving).
fn find_root(p: &mut [u32], mut x: u32) -> u32 {
    while p[x as usize] != x {
        let up = p[p[x as usize] as usize];
        p[x as usize] = up;
        x = up;
    }
    x
}

/// Runs of a 2D mask along rows and their 4-connected components: a union-find over runs that
/// overlap in the row above, so that the cost grows with the number of runs, not of pixels, and
/// no per-pixel buffer is needed.
struct Runs2d {
    /// (row, first column, end column).
    runs: Vec<(u32, u32, u32)>,
    /// Per row, offsets into `runs` (`rows + 1`).
    offsets: Vec<u32>,
    /// Per run, its component's label: from 1, in raster order of each component's first run.
    label: Vec<u32>,
    /// The area of each label, pixels (index 0 unused).
    areas: Vec<usize>,
}

impl Runs2d {
    /// The runs of the pixels where `on(index)` holds, in a `cols` × `rows` plane.
    fn of(cols: usize, rows: usize, on: impl Fn(usize) -> bool) -> Self {
        let mut runs = Vec::new();
        let mut offsets = Vec::with_capacity(rows + 1);
        for j in 0..rows {
            offsets.push(runs.len() as u32);
            let base = j * cols;
            let mut i = 0;
            while i < cols {
                if on(base + i) {
                    let s = i;
                    while i < cols && on(base + i) {
                        i += 1;
                    }
                    runs.push((j as u32, s as u32, i as u32));
                } else {
                    i += 1;
                }
            }
        }
        offsets.push(runs.len() as u32);
        Self::label(runs, offsets)
    }

    /// Labels given runs (sorted by row, then column, not touching within a row).
    fn label(runs: Vec<(u32, u32, u32)>, offsets: Vec<u32>) -> Self {
        let mut parent: Vec<u32> = (0..runs.len() as u32).collect();
        for j in 1..offsets.len().saturating_sub(1) {
            let (mut x, xe) = (offsets[j], offsets[j + 1]);
            let (mut y, ye) = (offsets[j - 1], offsets[j]);
            while x < xe && y < ye {
                let (_, a, b) = runs[x as usize];
                let (_, c, d) = runs[y as usize];
                if a < d && c < b {
                    let (fa, fb) = (find_root(&mut parent, x), find_root(&mut parent, y));
                    if fa != fb {
                        parent[fa.max(fb) as usize] = fa.min(fb);
                    }
                }
                if b < d {
                    x += 1;
                } else {
                    y += 1;
                }
            }
        }
        let mut areas = vec![0usize];
        let mut label_of = vec![0u32; runs.len()];
        let mut label = Vec::with_capacity(runs.len());
        for (r, &(_, s, e)) in runs.iter().enumerate() {
            let root = find_root(&mut parent, r as u32) as usize;
            if label_of[root] == 0 {
                label_of[root] = areas.len() as u32;
                areas.push(0);
            }
            let l = label_of[root];
            areas[l as usize] += (e - s) as usize;
            label.push(l);
        }
        Self {
            runs,
            offsets,
            label,
            areas,
        }
    }

    /// The label of largest area (the last of equal ones), if any.
    fn largest(&self) -> Option<u32> {
        self.areas
            .iter()
            .enumerate()
            .skip(1)
            .max_by_key(|(_, a)| **a)
            .map(|(l, _)| l as u32)
    }

    /// The runs of row `j` with their labels.
    fn row(&self, j: usize) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        let (a, b) = (self.offsets[j] as usize, self.offsets[j + 1] as usize);
        self.runs[a..b]
            .iter()
            .zip(&self.label[a..b])
            .map(|(&(_, s, e), &l)| (s, e, l))
    }

    /// The gaps of row `j` between the runs of label `keep` (from the image's edge to the first,
    /// between them, to the edge): the pixels of the row not in that component.
    fn gaps(&self, keep: u32, cols: usize, rows: usize) -> Self {
        let mut runs = Vec::new();
        let mut offsets = Vec::with_capacity(rows + 1);
        for j in 0..rows {
            offsets.push(runs.len() as u32);
            let mut from = 0u32;
            for (s, e, l) in self.row(j) {
                if l != keep {
                    continue;
                }
                if s > from {
                    runs.push((j as u32, from, s));
                }
                from = e;
            }
            if (from as usize) < cols {
                runs.push((j as u32, from, cols as u32));
            }
        }
        offsets.push(runs.len() as u32);
        Self::label(runs, offsets)
    }

    /// Per label: whether the component touches the image's edge.
    fn touching_edge(&self, cols: usize, rows: usize) -> Vec<bool> {
        let mut edge = vec![false; self.areas.len()];
        for (&(j, s, e), &l) in self.runs.iter().zip(&self.label) {
            if j == 0 || j as usize + 1 == rows || s == 0 || e as usize == cols {
                edge[l as usize] = true;
            }
        }
        edge
    }
}

/// 4-connected components of `mask`: a label per pixel (0 = background) and the area of each
/// label (index 0 unused). Labels are numbered in raster order of each component's first pixel.
fn components2d(mask: &[bool], cols: usize, rows: usize) -> (Vec<u32>, Vec<usize>) {
    let mut labels = vec![0u32; mask.len()];
    if cols == 0 {
        return (labels, vec![0]);
    }
    let c = Runs2d::of(cols, rows, |idx| mask[idx]);
    for (&(j, s, e), &l) in c.runs.iter().zip(&c.label) {
        let base = j as usize * cols;
        labels[base + s as usize..base + e as usize].fill(l);
    }
    (labels, c.areas)
}

/// Runs of a 3D mask along rows, with a union-find over touching runs.
struct Runs {
    /// (slice, row, start, end)
    runs: Vec<[u32; 4]>,
    /// Per slice, per row: offsets into `runs` (`rows + 1` per slice).
    offsets: Vec<Vec<u32>>,
    cols: usize,
    rows: usize,
}

impl Runs {
    fn of(
        flags: &[u8],
        cols: usize,
        rows: usize,
        slices: usize,
        pred: impl Fn(usize, u8) -> bool + Sync,
    ) -> Self {
        let n = cols * rows;
        let per: Vec<(Vec<[u32; 4]>, Vec<u32>)> = (0..slices)
            .into_par_iter()
            .map(|k| {
                let mut runs = Vec::new();
                let mut offsets = Vec::with_capacity(rows + 1);
                for j in 0..rows {
                    offsets.push(runs.len() as u32);
                    let base = k * n + j * cols;
                    let mut i = 0;
                    while i < cols {
                        if pred(base + i, flags[base + i]) {
                            let s = i;
                            while i < cols && pred(base + i, flags[base + i]) {
                                i += 1;
                            }
                            runs.push([k as u32, j as u32, s as u32, i as u32]);
                        } else {
                            i += 1;
                        }
                    }
                }
                offsets.push(runs.len() as u32);
                (runs, offsets)
            })
            .collect();
        let mut runs = Vec::new();
        let mut offsets = Vec::with_capacity(slices);
        for (r, mut o) in per {
            let base = runs.len() as u32;
            o.iter_mut().for_each(|x| *x += base);
            runs.extend(r);
            offsets.push(o);
        }
        Self {
            runs,
            offsets,
            cols,
            rows,
        }
    }

    /// Per run: whether its 3D component (6-connected, or 26-connected with `diagonal`) holds at
    /// least `min_voxels` voxels.
    fn large_components(&self, min_voxels: u64, diagonal: bool) -> Vec<bool> {
        let roots = self.roots(diagonal);
        let mut size = vec![0u64; self.runs.len()];
        for (r, &root) in roots.iter().enumerate() {
            size[root as usize] += u64::from(self.runs[r][3] - self.runs[r][2]);
        }
        roots
            .iter()
            .map(|&root| size[root as usize] >= min_voxels)
            .collect()
    }

    /// Per run: the first run of its 3D component.
    fn roots(&self, diagonal: bool) -> Vec<u32> {
        let mut parent: Vec<u32> = (0..self.runs.len() as u32).collect();
        let find = find_root;
        let runs = &self.runs;
        let mut join = |a: std::ops::Range<u32>, b: std::ops::Range<u32>, slack: u32| {
            let (mut x, mut y) = (a.start, b.start);
            while x < a.end && y < b.end {
                let (ra, rb) = (runs[x as usize], runs[y as usize]);
                if ra[2] < rb[3] + slack && rb[2] < ra[3] + slack {
                    let (fa, fb) = (find(&mut parent, x), find(&mut parent, y));
                    if fa != fb {
                        parent[fa.max(fb) as usize] = fa.min(fb);
                    }
                }
                if ra[3] < rb[3] {
                    x += 1;
                } else {
                    y += 1;
                }
            }
        };
        let slack = u32::from(diagonal);
        let range = |k: usize, j: usize| self.offsets[k][j]..self.offsets[k][j + 1];
        for k in 0..self.offsets.len() {
            for j in 0..self.rows {
                let here = range(k, j);
                if here.is_empty() {
                    continue;
                }
                if j > 0 {
                    join(here.clone(), range(k, j - 1), slack);
                }
                if k > 0 {
                    join(here.clone(), range(k - 1, j), slack);
                    if diagonal {
                        if j > 0 {
                            join(here.clone(), range(k - 1, j - 1), 1);
                        }
                        if j + 1 < self.rows {
                            join(here.clone(), range(k - 1, j + 1), 1);
                        }
                    }
                }
            }
        }
        (0..runs.len() as u32)
            .map(|r| find(&mut parent, r))
            .collect()
    }

    /// Sets `bit` on the voxels of the kept runs; returns how many voxels.
    fn mark(&self, keep: &[bool], flags: &mut [u8], bit: u8) -> u64 {
        let n = self.cols * self.rows;
        let mut count = 0;
        for (run, &k) in self.runs.iter().zip(keep) {
            if !k {
                continue;
            }
            let base = run[0] as usize * n + run[1] as usize * self.cols;
            for f in &mut flags[base + run[2] as usize..base + run[3] as usize] {
                *f |= bit;
            }
            count += u64::from(run[3] - run[2]);
        }
        count
    }
}

/// Per-slice facts for the carina and the lung bases.
#[derive(Debug, Clone, Copy)]
struct SliceStats {
    /// Body centroid (column, row), pixels.
    centre: (f64, f64),
    /// Lung pixels in front of the body centre, left and right.
    front_left: u64,
    front_right: u64,
}

impl SliceStats {
    fn of(f: &[u8], cols: usize, left_sign: f64, posterior_sign: f64) -> Self {
        let (mut si, mut sj, mut nb) = (0.0, 0.0, 0u64);
        for (j, row) in f.chunks(cols).enumerate() {
            for (i, &v) in row.iter().enumerate() {
                if v & flag::BODY != 0 {
                    si += i as f64;
                    sj += j as f64;
                    nb += 1;
                }
            }
        }
        let centre = if nb > 0 {
            (si / nb as f64, sj / nb as f64)
        } else {
            (cols as f64 / 2.0, f.len() as f64 / cols as f64 / 2.0)
        };
        let (mut left, mut right) = (0, 0);
        for (j, row) in f.chunks(cols).enumerate() {
            if (j as f64 - centre.1) * posterior_sign >= 0.0 {
                continue;
            }
            for (i, &v) in row.iter().enumerate() {
                if v & flag::LUNG != 0 {
                    if (i as f64 - centre.0) * left_sign > 0.0 {
                        left += 1;
                    } else {
                        right += 1;
                    }
                }
            }
        }
        Self {
            centre,
            front_left: left,
            front_right: right,
        }
    }
}

/// Follows the trachea from the top slice down; the slice where it splits is the carina.
fn find_carina(
    flags: &[u8],
    stats: &[SliceStats],
    order: &[usize],
    cols: usize,
    rows: usize,
    dx: f64,
    pixel_area: f64,
) -> Option<usize> {
    let n = cols * rows;
    // The tracked section's runs (row, first column, end column).
    let mut tracked: Option<Vec<(u32, u32, u32)>> = None;
    let runs_of = |air: &Runs2d, l: u32| -> Vec<(u32, u32, u32)> {
        air.runs
            .iter()
            .zip(&air.label)
            .filter(|(_, x)| **x == l)
            .map(|(r, _)| *r)
            .collect()
    };
    for &k in order {
        let f = &flags[k * n..(k + 1) * n];
        let air = Runs2d::of(cols, rows, |idx| f[idx] & flag::LUNG != 0);
        let areas = &air.areas;
        match &tracked {
            None => {
                // A small section near the midline: the trachea.
                let mut sx = vec![0u64; areas.len()];
                for (&(_, s, e), &l) in air.runs.iter().zip(&air.label) {
                    let (s, e) = (u64::from(s), u64::from(e));
                    sx[l as usize] += (s + e - 1) * (e - s) / 2;
                }
                let pick = (1..areas.len()).find(|&l| {
                    let area = areas[l] as f64 * pixel_area;
                    let cx = sx[l] as f64 / areas[l] as f64;
                    (TRACHEA_AREA_MM2.0..=TRACHEA_AREA_MM2.1).contains(&area)
                        && ((cx - stats[k].centre.0) * dx).abs() <= TRACHEA_MIDLINE_MM
                });
                if let Some(l) = pick {
                    tracked = Some(runs_of(&air, l as u32));
                }
            }
            Some(prev) => {
                let mut touched: Vec<u32> = Vec::new();
                for &(j, a, b) in prev {
                    touched.extend(
                        air.row(j as usize)
                            .filter(|&(s, e, _)| s < b && a < e)
                            .map(|(_, _, l)| l),
                    );
                }
                touched.sort_unstable();
                touched.dedup();
                match touched.as_slice() {
                    [] => tracked = None, // lost: look for the trachea again
                    [one] if areas[*one as usize] as f64 * pixel_area <= AIRWAY_MAX_MM2 => {
                        tracked = Some(runs_of(&air, *one));
                    }
                    _ => return Some(k), // split in two, or joined a lung: the carina
                }
            }
        }
    }
    None
}

struct SliceContext {
    cols: usize,
    rows: usize,
    dx: f64,
    dy: f64,
    left_sign: f64,
    posterior_sign: f64,
    margin: usize,
    centre: (f64, f64),
    /// The vertebral body's front edge (row × posterior sign) and its centre column.
    spine: Option<(f64, f64)>,
}

impl SliceContext {
    fn plane(&self) -> Plane {
        Plane {
            cols: self.cols,
            rows: self.rows,
            dx: self.dx,
            dy: self.dy,
            left_sign: self.left_sign,
            posterior_sign: self.posterior_sign,
        }
    }
}

/// Vertebral body: bone near the midline behind the body centre. Returns its front edge (row ×
/// `posterior_sign`, so that smaller is more anterior) and its mean column.
fn spine_front(
    f: &[u8],
    cols: usize,
    rows: usize,
    dx: f64,
    centre: (f64, f64),
    posterior_sign: f64,
) -> Option<(f64, f64)> {
    let mut front: Option<f64> = None;
    let (mut sx, mut n) = (0.0, 0u64);
    for j in 0..rows {
        if (j as f64 - centre.1) * posterior_sign <= 0.0 {
            continue;
        }
        for i in 0..cols {
            if f[j * cols + i] & flag::BONE != 0 && ((i as f64 - centre.0) * dx).abs() <= 20.0 {
                let v = j as f64 * posterior_sign;
                front = Some(front.map_or(v, |s: f64| s.min(v)));
                sx += i as f64;
                n += 1;
            }
        }
    }
    front.map(|fr| (fr, sx / n.max(1) as f64))
}

/// Runs of one slice: (row, first column, end column).
type RowRuns = Vec<(u32, u32, u32)>;

/// What [`heart_region`] found in one slice: the descending aorta's section and the row of the
/// sternum's back.
type SliceRegion = (Option<Disc>, Option<usize>);

/// The heart region and descending aorta of one slice; returns the aorta's section (column,
/// row, radius mm) if found, and the row of the sternum's back (its most posterior bone pixel
/// within [`STERNUM_MIDLINE_MM`] of the midline, in front of the body's centre) if found.
fn heart_region(hu: &[f32], f: &mut [u8], c: &SliceContext) -> SliceRegion {
    let (cols, rows) = (c.cols, c.rows);
    let mid = c.centre.0;
    // Convex hull of the lungs (each row's extreme lung pixels) and of the back of the sternum
    // (per column near the midline, the most posterior bone pixel in front of the body centre):
    // the heart's front often lies in front of the lungs, against the sternum, while the costal
    // cartilages beside the sternum stay outside.
    let mut pts = Vec::new();
    let mut lung_rows = 0;
    let mut sternum_back: Vec<Option<usize>> = vec![None; cols];
    for j in 0..rows {
        let row = &f[j * cols..(j + 1) * cols];
        let first = row.iter().position(|v| v & flag::LUNG != 0);
        let last = row.iter().rposition(|v| v & flag::LUNG != 0);
        if let (Some(a), Some(b)) = (first, last) {
            pts.push((a as i64, j as i64));
            pts.push((b as i64, j as i64));
            lung_rows += 1;
        }
        if (j as f64 - c.centre.1) * c.posterior_sign < 0.0 {
            for (i, v) in row.iter().enumerate() {
                if v & flag::BONE != 0 && ((i as f64 - mid) * c.dx).abs() <= STERNUM_MIDLINE_MM {
                    let back = sternum_back[i]
                        .is_none_or(|b| (j as f64 - b as f64) * c.posterior_sign > 0.0);
                    if back {
                        sternum_back[i] = Some(j);
                    }
                }
            }
        }
    }
    for (i, b) in sternum_back.iter().enumerate() {
        if let Some(j) = b {
            pts.push((i as i64, *j as i64));
        }
    }
    let back =
        sternum_back.iter().flatten().copied().max_by(|a, b| {
            (*a as f64 * c.posterior_sign).total_cmp(&(*b as f64 * c.posterior_sign))
        });
    let hull = convex_hull(pts);
    if hull.len() < 3 || lung_rows == 0 {
        return (None, back);
    }
    let spine_front = c.spine.map(|s| s.0);
    // The descending aorta: left of and in front of the vertebral body.
    let aorta = c
        .spine
        .and_then(|(front, sx)| find_aorta(hu, f, c, sx, front * c.posterior_sign));
    if let Some((ai, aj, r)) = aorta {
        // With the wall and its calcium.
        mark_disc(f, &c.plane(), ai, aj, r + 4.0, flag::AORTA);
    }
    // Each row's span inside the hull, computed once (the deep marking below asks five rows per
    // pixel).
    let spans: Vec<Option<(i64, i64)>> = (0..rows).map(|j| hull_span(&hull, j as i64)).collect();
    // Mediastinum: inside the hull, not lung, not bone, not aorta, in front of the spine; small
    // parts dropped (vessels inside the lungs).
    let mediastinum = |idx: usize| {
        let (i, j) = ((idx % cols) as i64, idx / cols);
        let v = f[idx];
        spans[j].is_some_and(|(a, b)| a.max(0) <= i && i <= b.max(0).min(cols as i64 - 1))
            && spine_front.is_none_or(|s| (j as f64) * c.posterior_sign <= s)
            && v & flag::BODY != 0
            && v & (flag::LUNG | flag::BONE | flag::AORTA) == 0
            && hu[idx].is_finite()
    };
    let region = Runs2d::of(cols, rows, mediastinum);
    let largest = region.areas.iter().skip(1).copied().max().unwrap_or(0);
    let keep: Vec<bool> = region
        .areas
        .iter()
        .map(|&a| a as f64 >= largest as f64 * REGION_PART_FRACTION)
        .collect();
    let kept = || {
        region
            .runs
            .iter()
            .zip(&region.label)
            .filter(|(_, l)| keep[**l as usize])
            .map(|(r, _)| *r)
    };
    // Deep inside the hull, in front of the spine: where a large calcified structure is not bone.
    let m = (DEEP_MM / c.dx.min(c.dy)).round() as i64;
    // A pixel (i, j) is deep when (i ± m, j ± m) and (i, j) are all inside the hull: per row,
    // the intersection of those rows' spans, narrowed by m at rows j ± m.
    let span_at = |j: i64| {
        if j < 0 || j as usize >= rows {
            None
        } else {
            spans[j as usize]
        }
    };
    for j in 0..rows {
        let in_front = spine_front.is_none_or(|s| (j as f64) * c.posterior_sign <= s);
        if !in_front {
            continue;
        }
        let ji = j as i64;
        let (Some(here), Some(up), Some(down)) = (span_at(ji), span_at(ji - m), span_at(ji + m))
        else {
            continue;
        };
        let a = here.0.max(up.0 + m).max(down.0 + m).max(0);
        let b = here.1.min(up.1 - m).min(down.1 - m).min(cols as i64 - 1);
        if a <= b {
            for v in &mut f[j * cols + a as usize..=j * cols + b as usize] {
                *v |= flag::DEEP;
            }
        }
    }
    // The steps below work on the region's bounding box, padded by what they can grow (the
    // openings never grow a mask; the margin's dilation grows it by `c.margin`).
    let r_sub = (SUBPHRENIC_OPEN_MM / c.dx.min(c.dy)).round().max(1.0) as usize;
    let r_open = (REGION_OPEN_MM / c.dx.min(c.dy)).round().max(1.0) as usize;
    let pad = r_sub.max(r_open) + c.margin + 2;
    let (mut i0, mut i1, mut j0, mut j1) = (cols, 0, rows, 0);
    for (j, a, b) in kept() {
        let (j, a, b) = (j as usize, a as usize, b as usize);
        (i0, i1, j0, j1) = (i0.min(a), i1.max(b - 1), j0.min(j), j1.max(j));
    }
    if i0 > i1 || j0 > j1 {
        return (aorta, back);
    }
    let (i0, j0) = (i0.saturating_sub(pad), j0.saturating_sub(pad));
    let (i1, j1) = ((i1 + pad + 1).min(cols), (j1 + pad + 1).min(rows));
    let (w, h) = (i1 - i0, j1 - j0);
    let mut part = vec![false; w * h];
    let mut sub = vec![false; w * h];
    let mut any_sub = false;
    for (j, a, b) in kept() {
        let (j, a, b) = (j as usize, a as usize, b as usize);
        let row = (j - j0) * w;
        part[row + a - i0..row + b - i0].fill(true);
        for i in a..b {
            if f[j * cols + i] & flag::SUBPHRENIC != 0 {
                sub[row + i - i0] = true;
                any_sub = true;
            }
        }
    }
    // Not under a lung base (the liver dome, stomach, spleen), where that part is thick.
    if any_sub {
        let sub = open_box(&sub, w, h, r_sub);
        for (r, s) in part.iter_mut().zip(sub) {
            *r &= !s;
        }
    }
    // Without its thin arms (the hila), and without the parts the opening leaves apart.
    let part = open_box(&part, w, h, r_open);
    let (labels, areas) = components2d(&part, w, h);
    let largest = areas.iter().skip(1).copied().max().unwrap_or(0);
    let keep: Vec<bool> = areas
        .iter()
        .map(|&a| a as f64 >= largest as f64 * REGION_OPEN_PART_FRACTION)
        .collect();
    let part: Vec<bool> = part
        .iter()
        .zip(&labels)
        .map(|(r, &l)| *r && l != 0 && keep[l as usize])
        .collect();
    // The margin stays inside the hull: in front of it lie the sternum and the costal
    // cartilages, whose calcified specks are not coronary.
    let part = dilate_box(&part, w, h, c.margin);
    for (n, on) in part.into_iter().enumerate() {
        let (i, j) = (i0 + n % w, j0 + n / w);
        let idx = j * cols + i;
        let inside = spans[j].is_some_and(|(a, b)| (a..=b).contains(&(i as i64)));
        if on && inside && f[idx] & (flag::AORTA | flag::LUNG) == 0 && f[idx] & flag::BODY != 0 {
            f[idx] |= flag::HEART;
        }
    }
    (aorta, back)
}

/// Searches for the descending aorta: returns (column, row, radius mm).
fn find_aorta(
    hu: &[f32],
    f: &[u8],
    c: &SliceContext,
    spine_x: f64,
    spine_front_row: f64,
) -> Option<Disc> {
    let px = |mm: f64| (mm / c.dx).round() as i64;
    let step = px(1.5).max(1);
    // Window: from 5 mm right of the spine centre to 60 mm left; 45 mm in front of the spine's
    // front edge to 15 mm behind it.
    let (x0, x1) = (-5.0f64, 60.0f64);
    let (y0, y1) = (-45.0f64, 15.0f64);
    let at_x = |x: f64| (spine_x + x / c.dx * c.left_sign).round() as i64;
    let at_y = |y: f64| (spine_front_row + y / c.dy * c.posterior_sign).round() as i64;
    // The summed-area table covers every box the search asks for (square boxes stand in for
    // discs).
    let reach = px(AORTA_RADII_MM[AORTA_RADII_MM.len() - 1] + 6.0) + 1;
    let sat = SoftSat::of(
        hu,
        f,
        &c.plane(),
        Window::around(
            &c.plane(),
            (at_x(x0).min(at_x(x1)), at_x(x0).max(at_x(x1))),
            (at_y(y0).min(at_y(y1)), at_y(y0).max(at_y(y1))),
            reach,
        ),
        false,
    );
    let mut best: Option<(f64, f64, f64, f64)> = None;
    let mut y = y0;
    while y <= y1 {
        let j = at_y(y);
        let mut x = x0;
        while x <= x1 {
            let i = at_x(x);
            if i >= 0 && j >= 0 && (i as usize) < c.cols && (j as usize) < c.rows {
                for r in AORTA_RADII_MM {
                    let Some(score) = sat.disc_score(i, j, r, c.dx) else {
                        continue;
                    };
                    if best.is_none_or(|b| score > b.3) {
                        best = Some((i as f64, j as f64, r, score));
                    }
                }
            }
            x += step as f64 * c.dx;
        }
        y += step as f64 * c.dy;
    }
    best.filter(|b| b.3 >= AORTA_MIN_SCORE)
        .map(|(i, j, _, _)| refine_disc(hu, f, &c.plane(), i, j, DESCENDING_RAY))
}

/// Centre and radius (mm) of the soft-tissue disc around (`i`, `j`): 16 rays to the first
/// voxel that is not soft tissue; rays that run far (into a soft neighbour such as the
/// oesophagus) are left out; the centre is the mean of the other ends, the radius their median
/// distance from it.
fn refine_disc(hu: &[f32], f: &[u8], c: &Plane, i: f64, j: f64, ray: Ray) -> (f64, f64, f64) {
    let soft = |x: f64, y: f64| {
        let (xi, yi) = (x.round(), y.round());
        if xi < 0.0 || yi < 0.0 || xi as usize >= c.cols || yi as usize >= c.rows {
            return false;
        }
        let idx = yi as usize * c.cols + xi as usize;
        hu[idx] >= SOFT_HU.0 && hu[idx] < ray.max_hu && f[idx] & flag::BONE == 0
    };
    let step = 0.5 * c.dx.min(c.dy);
    let rays: Vec<(f64, f64, f64)> = (0..16)
        .map(|a| {
            let th = f64::from(a) * std::f64::consts::PI / 8.0;
            let (ux, uy) = (th.cos(), th.sin());
            // Out to the first of `ray.run` samples in a row that are not soft.
            let (mut t, mut end, mut misses) = (0.0, 0.0, 0);
            while t < ray.cap_mm {
                if soft(i + ux * t / c.dx, j + uy * t / c.dy) {
                    misses = 0;
                    end = t + step;
                } else {
                    misses += 1;
                    if misses >= ray.run {
                        break;
                    }
                }
                t += step;
            }
            let t = end.min(ray.cap_mm);
            (t, i + ux * t / c.dx, j + uy * t / c.dy)
        })
        .collect();
    let mut lens: Vec<f64> = rays.iter().map(|r| r.0).collect();
    lens.sort_by(f64::total_cmp);
    let median = lens[lens.len() / 2];
    let kept: Vec<&(f64, f64, f64)> = rays.iter().filter(|r| r.0 <= median * 1.3).collect();
    let n = kept.len().max(1) as f64;
    let (ci, cj) = (
        kept.iter().map(|r| r.1).sum::<f64>() / n,
        kept.iter().map(|r| r.2).sum::<f64>() / n,
    );
    let mut d: Vec<f64> = kept
        .iter()
        .map(|r| (((r.1 - ci) * c.dx).powi(2) + ((r.2 - cj) * c.dy).powi(2)).sqrt())
        .collect();
    d.sort_by(f64::total_cmp);
    let radius = d.get(d.len() / 2).copied().unwrap_or(median);
    (ci, cj, radius)
}

/// A rectangle of one slice: columns `i0..i1`, rows `j0..j1`.
#[derive(Debug, Clone, Copy)]
struct Window {
    i0: usize,
    i1: usize,
    j0: usize,
    j1: usize,
}

impl Window {
    /// The columns `i` and rows `j` (inclusive ranges, may lie outside the slice) widened by
    /// `reach` pixels, within the slice.
    fn around(p: &Plane, i: (i64, i64), j: (i64, i64), reach: i64) -> Self {
        let clamp = |v: i64, len: usize| v.clamp(0, len as i64) as usize;
        Self {
            i0: clamp(i.0 - reach, p.cols),
            i1: clamp(i.1 + reach + 1, p.cols),
            j0: clamp(j.0 - reach, p.rows),
            j1: clamp(j.1 + reach + 1, p.rows),
        }
    }
}

/// Summed-area tables of soft tissue (not bone) over a window of one slice: square boxes stand
/// in for discs when searching for a round vessel. Boxes are clipped to the slice, and the
/// window is chosen to hold every box a search asks for.
struct SoftSat {
    sat: Vec<u32>,
    /// Lung, bone or outside the body (empty unless asked for).
    blocked: Vec<u32>,
    win: Window,
    cols: usize,
    rows: usize,
}

impl SoftSat {
    fn of(hu: &[f32], f: &[u8], p: &Plane, win: Window, with_blocked: bool) -> Self {
        let (w, h) = (win.i1 - win.i0, win.j1 - win.j0);
        let mut sat = vec![0u32; (w + 1) * (h + 1)];
        let mut blocked = if with_blocked {
            vec![0u32; (w + 1) * (h + 1)]
        } else {
            Vec::new()
        };
        for y in 0..h {
            let (mut acc, mut acc_b) = (0u32, 0u32);
            let base = (win.j0 + y) * p.cols + win.i0;
            for x in 0..w {
                let (v, fl) = (hu[base + x], f[base + x]);
                let soft = v >= SOFT_HU.0 && v < SOFT_HU.1 && fl & flag::BONE == 0;
                acc += u32::from(soft);
                let at = (y + 1) * (w + 1) + x + 1;
                sat[at] = sat[at - (w + 1)] + acc;
                if with_blocked {
                    acc_b += u32::from(fl & (flag::LUNG | flag::BONE) != 0 || fl & flag::BODY == 0);
                    blocked[at] = blocked[at - (w + 1)] + acc_b;
                }
            }
        }
        Self {
            sat,
            blocked,
            win,
            cols: p.cols,
            rows: p.rows,
        }
    }

    /// Whether the square of half-width `hw` around (`i`, `j`) holds no lung, bone or outside.
    fn clear(&self, i: i64, j: i64, hw: i64) -> bool {
        let (s, n) = self.sum(&self.blocked, i, j, hw);
        n > 0.0 && s == 0.0
    }

    /// Soft voxels and all voxels in the square of half-width `hw` around (`i`, `j`).
    fn boxsum(&self, i: i64, j: i64, hw: i64) -> (f64, f64) {
        self.sum(&self.sat, i, j, hw)
    }

    fn sum(&self, table: &[u32], i: i64, j: i64, hw: i64) -> (f64, f64) {
        let clip = |lo: i64, hi: i64, len: usize, w0: usize, w1: usize| {
            let lo = (lo.max(0) as usize).min(len).max(w0);
            let hi = (hi.max(0) as usize).min(len).min(w1);
            (lo, hi)
        };
        let (i0, i1) = clip(i - hw, i + hw + 1, self.cols, self.win.i0, self.win.i1);
        let (j0, j1) = clip(j - hw, j + hw + 1, self.rows, self.win.j0, self.win.j1);
        if i1 <= i0 || j1 <= j0 || table.is_empty() {
            return (0.0, 0.0);
        }
        let w = self.win.i1 - self.win.i0 + 1;
        let at = |x: usize, y: usize| table[(y - self.win.j0) * w + x - self.win.i0];
        let s = at(i1, j1) + at(i0, j0) - at(i1, j0) - at(i0, j1);
        (f64::from(s), ((i1 - i0) * (j1 - j0)) as f64)
    }

    /// How round and soft a disc of radius `r` mm at (`i`, `j`) is: the soft fraction of a
    /// box inside it minus the soft fraction of the ring 2–6 mm outside it.
    fn disc_score(&self, i: i64, j: i64, r: f64, dx: f64) -> Option<f64> {
        let px = |mm: f64| (mm / dx).round() as i64;
        let (si, ni) = self.boxsum(i, j, px(r * 0.7));
        let (so, no) = self.boxsum(i, j, px(r + 6.0));
        let (sm, nm) = self.boxsum(i, j, px(r + 2.0));
        let ring_n = no - nm;
        (ni > 0.0 && ring_n > 0.0).then(|| si / ni - (so - sm) / ring_n)
    }
}

/// A vessel's section in one slice: column, row, radius (mm).
type Disc = (f64, f64, f64);

/// A followed section of the ascending aorta: position in the heart's slices, column, row,
/// radius (mm).
type Section = (usize, f64, f64, f64);

/// Geometry shared by the slice-to-slice steps.
struct Plane {
    cols: usize,
    rows: usize,
    dx: f64,
    dy: f64,
    left_sign: f64,
    posterior_sign: f64,
}

/// Sets `bit` on the voxels of one slice within `r` mm of (`ci`, `cj`).
fn mark_disc(f: &mut [u8], p: &Plane, ci: f64, cj: f64, r: f64, bit: u8) {
    let (ri, rj) = ((r / p.dx).ceil() as i64 + 1, (r / p.dy).ceil() as i64 + 1);
    let span = |centre: f64, half: i64, len: usize| {
        let lo = (centre.round() as i64 - half).clamp(0, len as i64) as usize;
        let hi = (centre.round() as i64 + half + 1).clamp(0, len as i64) as usize;
        lo..hi
    };
    for j in span(cj, rj, p.rows) {
        for i in span(ci, ri, p.cols) {
            let (ddx, ddy) = ((i as f64 - ci) * p.dx, (j as f64 - cj) * p.dy);
            if ddx * ddx + ddy * ddy <= r * r {
                f[j * p.cols + i] |= bit;
            }
        }
    }
}

/// The ascending aorta, followed from just below the carina down the heart's slices (`heart`,
/// top first): in the first slices, the roundest soft-tissue section of radius 11–20 mm in
/// front of the body's centre and right of the midline; then, slice by slice, the section
/// within [`ASC_SHIFT_MM`] of the last whose radius stays within a quarter of it. Where it
/// enters the heart (the ring around it turns soft, or the rays run long), the following
/// [`AORTIC_ROOT_MM`] are the aortic root and valve, extrapolated along the tracked axis.
/// Marks [`flag::AORTA`] and [`flag::AORTIC_ROOT`] with the wall; returns the slices of each,
/// and the top section (column, row, the track's median radius in mm) when one was followed.
fn ascending_aorta(
    hu: &[f32],
    flags: &mut [u8],
    stats: &[SliceStats],
    heart: &[usize],
    p: &Plane,
    depth: f64,
) -> (usize, usize, Option<Disc>) {
    let n = p.cols * p.rows;
    let px = |mm: f64, d: f64| (mm / d).round() as i64;
    // The start: over the first slices below the carina, the vertical tube (one centre, one
    // radius) whose sections are the roundest on average, wholly inside the mediastinum (no
    // lung, bone or outside in its square).
    let Some(&top) = heart.first() else {
        return (0, 0, None);
    };
    let (ci, cj) = stats[top].centre;
    let at_x = |x: f64| (ci + x / p.dx * p.left_sign).round() as i64;
    let at_y = |y: f64| (cj + y / p.dy * p.posterior_sign).round() as i64;
    let (x0, x1) = (at_x(ASC_WINDOW_X_MM.0), at_x(ASC_WINDOW_X_MM.1));
    let (y0, y1) = (at_y(ASC_WINDOW_Y_MM.0), at_y(ASC_WINDOW_Y_MM.1));
    let window = Window::around(
        p,
        (x0.min(x1), x0.max(x1)),
        (y0.min(y1), y0.max(y1)),
        px(ASC_RADII_MM[ASC_RADII_MM.len() - 1] + 6.0, p.dx) + 1,
    );
    let sats: Vec<SoftSat> = heart
        .iter()
        .take(ASC_START_SLICES)
        .map(|&k| {
            SoftSat::of(
                &hu[k * n..(k + 1) * n],
                &flags[k * n..(k + 1) * n],
                p,
                window,
                true,
            )
        })
        .collect();
    let step = 1.5;
    let mut start: Option<(f64, f64, f64, f64)> = None; // (i, j, r, score)
    let mut y = ASC_WINDOW_Y_MM.0;
    while y <= ASC_WINDOW_Y_MM.1 {
        let j = at_y(y);
        let mut x = ASC_WINDOW_X_MM.0;
        while x <= ASC_WINDOW_X_MM.1 {
            let i = at_x(x);
            for r in ASC_RADII_MM {
                let mut total = 0.0;
                for sat in &sats {
                    match sat.disc_score(i, j, r, p.dx) {
                        Some(s) if sat.clear(i, j, px(r, p.dx)) => total += s,
                        _ => {
                            total = f64::NEG_INFINITY;
                            break;
                        }
                    }
                }
                let score = total / sats.len().max(1) as f64;
                if score >= ASC_MIN_SCORE && start.is_none_or(|b| score > b.3) {
                    start = Some((i as f64, j as f64, r, score));
                }
            }
            x += step;
        }
        y += step;
    }

    let Some((i0, j0, _, _)) = start else {
        return (0, 0, None);
    };
    let first = 0;
    let k0 = heart[first];
    let (ci, cj, r0) = refine_disc(
        &hu[k0 * n..(k0 + 1) * n],
        &flags[k0 * n..(k0 + 1) * n],
        p,
        i0,
        j0,
        ASCENDING_RAY,
    );

    if !(ASC_MIN_RADIUS_MM..=ASC_RADII_MM[ASC_RADII_MM.len() - 1] * 1.25).contains(&r0) {
        return (0, 0, None);
    }
    let mut track: Vec<Section> = vec![(first, ci, cj, r0)];
    let mut radii = vec![r0];
    let (mut pi, mut pj, mut pr) = (ci, cj, r0);
    let mut missed: Option<usize> = None;
    for (pos, &k) in heart.iter().enumerate().skip(first + 1) {
        let (hu_k, f_k) = (&hu[k * n..(k + 1) * n], &flags[k * n..(k + 1) * n]);
        let accepted = follow_step(hu_k, f_k, p, (pi, pj, pr));
        match accepted {
            Some((ni, nj, nr)) => {
                if let Some(m) = missed.take() {
                    // One slice missed between two found: its section lies between them.
                    track.push((m, (pi + ni) / 2.0, (pj + nj) / 2.0, pr));
                }
                track.push((pos, ni, nj, nr));
                radii.push(nr);
                radii.sort_by(f64::total_cmp);
                (pi, pj, pr) = (ni, nj, radii[radii.len() / 2]);
            }
            None if missed.is_none() => missed = Some(pos),
            None => break,
        }
    }
    if (track.len() as f64) * depth < ASC_MIN_TRACK_MM {
        return (0, 0, None);
    }
    // Each section with the track's median radius (a ray may stop short at a neighbour).
    for &(pos, i, j, _) in &track {
        let k = heart[pos];
        mark_disc(
            &mut flags[k * n..(k + 1) * n],
            p,
            i,
            j,
            pr + AORTA_WALL_MM,
            flag::AORTA,
        );
    }
    // The root: below the last tracked slice, along the track's straight-line fit (least
    // squares of column and row against position; the last sections may have drifted where
    // the aorta meets the heart).
    let Some(&(last, _, _, _)) = track.last() else {
        return (0, 0, None);
    };
    let m = track.len() as f64;
    let mean = |f: &dyn Fn(&Section) -> f64| track.iter().map(f).sum::<f64>() / m;
    let (mp, mi, mj) = (mean(&|t| t.0 as f64), mean(&|t| t.1), mean(&|t| t.2));
    let var = track.iter().map(|t| (t.0 as f64 - mp).powi(2)).sum::<f64>();
    let slope = |g: &dyn Fn(&Section) -> f64, gm: f64| {
        if var > 0.0 {
            track
                .iter()
                .map(|t| (t.0 as f64 - mp) * (g(t) - gm))
                .sum::<f64>()
                / var
        } else {
            0.0
        }
    };
    let (mut si, mut sj) = (slope(&|t| t.1, mi), slope(&|t| t.2, mj));
    let len = ((si * p.dx).powi(2) + (sj * p.dy).powi(2)).sqrt();
    let limit = ASC_AXIS_SLOPE * depth;
    if len > limit {
        si *= limit / len;
        sj *= limit / len;
    }
    let root_slices = (AORTIC_ROOT_MM / depth).round() as usize;
    let mut root = 0;
    for (pos, &k) in heart.iter().enumerate().skip(last + 1).take(root_slices) {
        let d = pos as f64 - mp;
        mark_disc(
            &mut flags[k * n..(k + 1) * n],
            p,
            mi + si * d,
            mj + sj * d,
            pr + AORTA_WALL_MM,
            flag::AORTIC_ROOT,
        );
        root += 1;
    }
    let top = track.first().map(|t| (t.1, t.2, pr));
    (track.len(), root, top)
}

/// One step of following a round vessel from a section (`pi`, `pj`, radius `pr` mm) in the
/// neighbouring slice: the roundest soft disc within [`ASC_SHIFT_MM`] whose refined radius stays
/// within −30 %/+35 % of `pr`.
fn follow_step(hu_k: &[f32], f_k: &[u8], p: &Plane, (pi, pj, pr): (f64, f64, f64)) -> Option<Disc> {
    let px = |mm: f64, d: f64| (mm / d).round() as i64;
    let shift = ASC_SHIFT_MM;
    let (si, sj) = (px(shift, p.dx), px(shift, p.dy));
    let (ri, rj) = (pi.round() as i64, pj.round() as i64);
    let window = Window::around(
        p,
        (ri - si, ri + si),
        (rj - sj, rj + sj),
        px(pr + 2.0 + 6.0, p.dx) + 1,
    );
    let sat = SoftSat::of(hu_k, f_k, p, window, false);
    let mut best: Option<(i64, i64, f64)> = None;
    for dj in -sj..=sj {
        for di in -si..=si {
            let (i, j) = (pi.round() as i64 + di, pj.round() as i64 + dj);
            for r in [pr - 2.0, pr, pr + 2.0] {
                if let Some(s) = sat.disc_score(i, j, r, p.dx)
                    && best.is_none_or(|b| s > b.2)
                {
                    best = Some((i, j, s));
                }
            }
        }
    }
    best.filter(|b| b.2 >= ASC_MIN_SCORE)
        .and_then(|(bi, bj, _)| {
            let (ni, nj, nr) = refine_disc(hu_k, f_k, p, bi as f64, bj as f64, ASCENDING_RAY);
            let moved = (((ni - pi) * p.dx).powi(2) + ((nj - pj) * p.dy).powi(2)).sqrt();

            (moved <= shift && nr >= pr * 0.7 && nr <= pr * 1.35).then_some((ni, nj, nr))
        })
}

/// The aortic arch: from the heart's top slice upwards (`up`: the slices above it, nearest
/// last), the ascending and the descending aorta (`limbs`, their top sections) are followed
/// slice by slice as round sections ([`follow_step`], each with its own radius). Where both
/// stop, the two limbs have become the arch, which crosses the slices obliquely as an elongated
/// section: there the band between their last centres (the larger radius with the wall) is
/// marked while soft tissue or calcium fills its core ([`ARCH_CORE_MM2`]), up to
/// [`ARCH_ABOVE_MM`] above. Everything within [`ARCH_MAX_MM`] of the heart's top slice. Marks
/// [`flag::AORTA`]; returns the slices marked.
fn aortic_arch(
    hu: &[f32],
    flags: &mut [u8],
    up: &[usize],
    limbs: [Option<Disc>; 2],
    p: &Plane,
    depth: f64,
) -> usize {
    let n = p.cols * p.rows;
    let (mut live, mut last) = (limbs, limbs);
    let max_up = (ARCH_MAX_MM / depth).round() as usize;
    let above = (ARCH_ABOVE_MM / depth).round().max(1.0) as usize;
    let (mut marked, mut band) = (0, 0);
    for &k in up.iter().rev().take(max_up) {
        let (hu_k, f_k) = (&hu[k * n..(k + 1) * n], &mut flags[k * n..(k + 1) * n]);
        let mut found = false;
        for (l, kept) in live.iter_mut().zip(&mut last) {
            if let Some((pi, pj, pr)) = *l {
                *l = follow_step(hu_k, f_k, p, (pi, pj, pr)).map(|(i, j, _)| (i, j, pr));
                if let Some(s) = *l {
                    *kept = Some(s);
                    found = true;
                }
            }
        }
        if found {
            for &(i, j, r) in live.iter().flatten() {
                mark_disc(f_k, p, i, j, r + AORTA_WALL_MM, flag::AORTA);
            }
            marked += 1;
            continue;
        }
        let [Some(a), Some(d)] = last else {
            break;
        };
        band += 1;
        if band > above || !arch_band(hu_k, f_k, p, a, d) {
            break;
        }
        marked += 1;
    }
    marked
}

/// One slice of the arch: the band within the larger radius plus the wall of the segment from
/// section `a` to section `d` (column, row, radius mm) is marked [`flag::AORTA`] if its core
/// (within half the radius of the segment) holds [`ARCH_CORE_MM2`] of soft tissue or calcium
/// inside the body (not lung, not bone); returns whether it was.
fn arch_band(hu: &[f32], f: &mut [u8], p: &Plane, a: (f64, f64, f64), d: (f64, f64, f64)) -> bool {
    let r = a.2.max(d.2);
    let (reach, core) = (r + AORTA_WALL_MM, r / 2.0);
    // Distance (mm) of pixel (i, j) from the segment.
    let (ax, ay) = (a.0 * p.dx, a.1 * p.dy);
    let (vx, vy) = (d.0 * p.dx - ax, d.1 * p.dy - ay);
    let len2 = vx * vx + vy * vy;
    let dist = |i: usize, j: usize| {
        let (x, y) = (i as f64 * p.dx - ax, j as f64 * p.dy - ay);
        let t = if len2 > 0.0 {
            ((x * vx + y * vy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        ((x - t * vx).powi(2) + (y - t * vy).powi(2)).sqrt()
    };
    let span = |c0: f64, c1: f64, d: f64, len: usize| {
        let lo = (c0.min(c1) - reach / d).floor().max(0.0) as usize;
        let hi = ((c0.max(c1) + reach / d).ceil().max(0.0) as usize + 1).min(len);
        lo..hi
    };
    let (is, js) = (span(a.0, d.0, p.dx, p.cols), span(a.1, d.1, p.dy, p.rows));
    let mut filled = 0usize;
    for j in js.clone() {
        for i in is.clone() {
            let idx = j * p.cols + i;
            let v = f[idx];
            if v & flag::BODY != 0
                && v & (flag::LUNG | flag::BONE) == 0
                && hu[idx] >= SOFT_HU.0
                && dist(i, j) <= core
            {
                filled += 1;
            }
        }
    }
    if (filled as f64) * p.dx * p.dy < ARCH_CORE_MM2 {
        return false;
    }
    // The trachea (and the oesophagus's air) lies against the arch: a small air section, not
    // a lung, whose wall and its calcified cartilage are left out with a margin.
    let pad = |d: f64| (AIRWAY_SEARCH_MM / d).ceil() as usize;
    let (i0, i1) = (
        is.start.saturating_sub(pad(p.dx)),
        (is.end + pad(p.dx)).min(p.cols),
    );
    let (j0, j1) = (
        js.start.saturating_sub(pad(p.dy)),
        (js.end + pad(p.dy)).min(p.rows),
    );
    let w = i1 - i0;
    let air = Runs2d::of(w, j1 - j0, |idx| {
        f[(j0 + idx / w) * p.cols + i0 + idx % w] & flag::LUNG != 0
    });
    let lung = air.touching_edge(w, j1 - j0);
    let mut airway = vec![false; w * (j1 - j0)];
    for (&(j, s, e), &l) in air.runs.iter().zip(&air.label) {
        if !lung[l as usize] && air.areas[l as usize] as f64 * p.dx * p.dy <= AIRWAY_MAX_MM2 {
            airway[j as usize * w + s as usize..j as usize * w + e as usize].fill(true);
        }
    }
    let near_airway = dilate_box(
        &airway,
        w,
        j1 - j0,
        (AIRWAY_WALL_MM / p.dx.min(p.dy)).round() as usize,
    );
    for j in js {
        for i in is.clone() {
            if dist(i, j) <= reach && !near_airway[(j - j0) * w + i - i0] {
                f[j * p.cols + i] |= flag::AORTA;
            }
        }
    }
    true
}

/// How [`refine_disc`] casts its rays.
#[derive(Clone, Copy)]
struct Ray {
    /// Rays stop this far out, mm.
    cap_mm: f64,
    /// Soft tissue is below this HU (above: calcium, which stops the ray or not).
    max_hu: f32,
    /// A ray stops at this many samples in a row that are not soft (1: the first).
    run: u32,
}

/// The descending aorta's rays: to the first voxel that is not soft tissue.
const DESCENDING_RAY: Ray = Ray {
    cap_mm: 25.0,
    max_hu: SOFT_HU.1,
    run: 1,
};
/// The ascending aorta's rays: through its wall's calcium, and not stopped by one noisy sample.
const ASCENDING_RAY: Ray = Ray {
    cap_mm: 32.0,
    max_hu: f32::INFINITY,
    run: 3,
};

/// Andrew's monotone chain; returns the hull counter-clockwise.
fn convex_hull(mut pts: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    pts.sort_unstable();
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let cross = |o: (i64, i64), a: (i64, i64), b: (i64, i64)| {
        (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    };
    let mut lower: Vec<(i64, i64)> = Vec::new();
    for &p in &pts {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], p) <= 0 {
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<(i64, i64)> = Vec::new();
    for &p in pts.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], p) <= 0 {
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

/// The columns of row `j` inside a convex polygon (inclusive), if any.
fn hull_span(hull: &[(i64, i64)], j: i64) -> Option<(i64, i64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let y = j as f64;
    for e in 0..hull.len() {
        let (a, b) = (hull[e], hull[(e + 1) % hull.len()]);
        let (ya, yb) = (a.1 as f64, b.1 as f64);
        if (ya - y) * (yb - y) > 0.0 {
            continue;
        }
        if ya == yb {
            lo = lo.min(a.0.min(b.0) as f64);
            hi = hi.max(a.0.max(b.0) as f64);
        } else {
            let x = a.0 as f64 + (y - ya) / (yb - ya) * (b.0 - a.0) as f64;
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    (lo <= hi).then(|| (lo.ceil() as i64, hi.floor() as i64))
}

/// Binary opening by a square of half-width `r` pixels: erosion, then dilation.
fn open_box(mask: &[bool], cols: usize, rows: usize, r: usize) -> Vec<bool> {
    let outside: Vec<bool> = mask.iter().map(|m| !m).collect();
    let eroded: Vec<bool> = dilate_box(&outside, cols, rows, r)
        .into_iter()
        .map(|o| !o)
        .collect();
    dilate_box(&eroded, cols, rows, r)
}

/// Binary dilation by a square of half-width `r` pixels (separable: along rows by runs, then
/// down the columns with a running count per column).
fn dilate_box(mask: &[bool], cols: usize, rows: usize, r: usize) -> Vec<bool> {
    if cols == 0 {
        return mask.to_vec();
    }
    let mut tmp = vec![false; mask.len()];
    for (row, out) in mask.chunks(cols).zip(tmp.chunks_mut(cols)) {
        let mut i = 0;
        while i < row.len() {
            if row[i] {
                let s = i;
                while i < row.len() && row[i] {
                    i += 1;
                }
                out[s.saturating_sub(r)..(i + r).min(row.len())].fill(true);
            } else {
                i += 1;
            }
        }
    }
    let mut count = vec![0u32; cols];
    let add = |count: &mut [u32], j: usize, sign: bool| {
        for (c, &v) in count.iter_mut().zip(&tmp[j * cols..(j + 1) * cols]) {
            if v {
                if sign {
                    *c += 1;
                } else {
                    *c -= 1;
                }
            }
        }
    };
    for j in 0..r.min(rows) {
        add(&mut count, j, true);
    }
    let mut out = vec![false; mask.len()];
    for j in 0..rows {
        if j + r < rows {
            add(&mut count, j + r, true);
        }
        if j > r {
            add(&mut count, j - r - 1, false);
        }
        for (o, &c) in out[j * cols..(j + 1) * cols].iter_mut().zip(&count) {
            *o = c > 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hull_and_span_of_a_square() {
        let hull = convex_hull(vec![(0, 0), (4, 0), (4, 4), (0, 4), (2, 2)]);
        assert_eq!(hull.len(), 4);
        assert_eq!(hull_span(&hull, 2), Some((0, 4)));
        assert_eq!(hull_span(&hull, 5), None);
    }

    #[test]
    fn dilation_by_a_box() {
        let mut m = vec![false; 7 * 7];
        m[3 * 7 + 3] = true;
        let d = dilate_box(&m, 7, 7, 2);
        assert_eq!(d.iter().filter(|v| **v).count(), 25);
        assert!(d[7 + 1] && !d[0]);
    }

    /// The pixel-by-pixel flood fill that the run-based labelling replaced: the reference.
    fn components_by_flood(mask: &[bool], cols: usize, rows: usize) -> (Vec<u32>, Vec<usize>) {
        let mut labels = vec![0u32; mask.len()];
        let mut areas = vec![0usize];
        for start in 0..mask.len() {
            if !mask[start] || labels[start] != 0 {
                continue;
            }
            let label = areas.len() as u32;
            let mut area = 0;
            labels[start] = label;
            let mut stack = vec![start];
            while let Some(p) = stack.pop() {
                area += 1;
                let (i, j) = (p % cols, p / cols);
                let mut next = Vec::new();
                if i > 0 {
                    next.push(p - 1);
                }
                if i + 1 < cols {
                    next.push(p + 1);
                }
                if j > 0 {
                    next.push(p - cols);
                }
                if j + 1 < rows {
                    next.push(p + cols);
                }
                for q in next {
                    if mask[q] && labels[q] == 0 {
                        labels[q] = label;
                        stack.push(q);
                    }
                }
            }
            areas.push(area);
        }
        (labels, areas)
    }

    proptest::proptest! {
        #[test]
        fn run_labelling_equals_flood_fill(
            cols in 1usize..24,
            rows in 1usize..24,
            bits in proptest::collection::vec(proptest::bool::weighted(0.55), 576),
        ) {
            let mask = &bits[..cols * rows];
            proptest::prop_assert_eq!(
                components2d(mask, cols, rows),
                components_by_flood(mask, cols, rows)
            );
        }

        #[test]
        fn dilation_equals_the_naive_one(
            cols in 1usize..20,
            rows in 1usize..20,
            r in 0usize..6,
            bits in proptest::collection::vec(proptest::bool::weighted(0.1), 400),
        ) {
            let mask = &bits[..cols * rows];
            let naive: Vec<bool> = (0..cols * rows)
                .map(|p| {
                    let (i, j) = (p % cols, p / cols);
                    (j.saturating_sub(r)..(j + r + 1).min(rows)).any(|y| {
                        (i.saturating_sub(r)..(i + r + 1).min(cols)).any(|x| mask[y * cols + x])
                    })
                })
                .collect();
            proptest::prop_assert_eq!(dilate_box(mask, cols, rows, r), naive);
        }

        /// A summed-area table over a window gives the sums of the whole slice's table for
        /// every box the window holds (clipped to the slice).
        #[test]
        fn windowed_sums_equal_whole_slice_sums(
            values in proptest::collection::vec(-60.0f32..200.0, 30 * 20),
            i in -3i64..33,
            j in -3i64..23,
            hw in 0i64..4,
        ) {
            let (cols, rows) = (30, 20);
            let f = vec![flag::BODY; cols * rows];
            let p = Plane { cols, rows, dx: 1.0, dy: 1.0, left_sign: 1.0, posterior_sign: 1.0 };
            let whole = SoftSat::of(&values, &f, &p, Window::around(&p, (0, 29), (0, 19), 0), true);
            let win = Window::around(&p, (i, i), (j, j), hw);
            let part = SoftSat::of(&values, &f, &p, win, true);
            proptest::prop_assert_eq!(part.boxsum(i, j, hw), whole.boxsum(i, j, hw));
            proptest::prop_assert_eq!(part.clear(i, j, hw), whole.clear(i, j, hw));
        }

        /// The body found on runs equals the pixel method it replaced: the largest component
        /// above −500 HU (the last of equal ones), and the pixels outside it that no 4-connected
        /// path of such pixels links to the image's edge; air below −400 HU in it.
        #[test]
        fn body_on_runs_equals_flood_fill(
            cols in 1usize..24,
            rows in 1usize..24,
            values in proptest::collection::vec(0u8..3, 576),
        ) {
            let hu: Vec<f32> = values[..cols * rows]
                .iter()
                .map(|v| [40.0, -450.0, -1000.0][*v as usize])
                .collect();
            let above: Vec<bool> = hu.iter().map(|&v| v > BODY_HU).collect();
            let (labels, areas) = components_by_flood(&above, cols, rows);
            let best = areas.iter().enumerate().skip(1).max_by_key(|(_, a)| **a).map(|(l, _)| l);
            let mut expected = vec![0u8; cols * rows];
            if let Some(best) = best {
                let open: Vec<bool> = labels.iter().map(|&l| l as usize != best).collect();
                let (open_labels, _) = components_by_flood(&open, cols, rows);
                let edge = |p: usize| {
                    p.is_multiple_of(cols) || p % cols == cols - 1 || p / cols == 0 || p / cols == rows - 1
                };
                let outside: std::collections::BTreeSet<u32> = (0..cols * rows)
                    .filter(|&p| open[p] && edge(p))
                    .map(|p| open_labels[p])
                    .collect();
                for p in 0..cols * rows {
                    if !(open[p] && outside.contains(&open_labels[p])) {
                        expected[p] = flag::BODY | if hu[p] < AIR_HU { flag::LUNG } else { 0 };
                    }
                }
            }
            let mut f = vec![0u8; cols * rows];
            body_and_air(&hu, &mut f, cols, rows);
            proptest::prop_assert_eq!(f, expected);
        }
    }

    #[test]
    fn holes_are_filled_and_border_air_is_outside() {
        // A ring of tissue around an air hole, in air.
        let (cols, rows) = (9, 9);
        let mut hu = vec![-1000.0f32; cols * rows];
        for j in 1..8 {
            for i in 1..8 {
                hu[j * cols + i] = 40.0;
            }
        }
        hu[4 * cols + 4] = -900.0;
        let mut f = vec![0u8; cols * rows];
        body_and_air(&hu, &mut f, cols, rows);
        assert_eq!(f[0], 0);
        assert_eq!(f[4 * cols + 4], flag::BODY | flag::LUNG);
        assert_eq!(f[cols + 1], flag::BODY);
    }
}
