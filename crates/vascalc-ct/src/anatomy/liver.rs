//! The liver in the heart region's lower slices (step 10 of [`super`]): the liver's left lobe
//! lies under the heart and crosses the midline, so the hull of the lungs holds it in the
//! slices below the heart, where no lung lies above it to mark it as under a lung base.
//!
//! Per slice of the lower half of the heart's slices: soft tissue (−30 to 130 HU) averaged over
//! a box of ±[`SMOOTH_MM`]; the liver is denser than the heart's blood and muscle, so
//! "liver-like" is an average of at least [`LIVER_MIN_HU`]. The liver is the liver-like tissue
//! joined to the liver dome (under the right lung, outside the heart region) through a bridge
//! at least twice [`BRIDGE_MM`] wide (an erosion, the components that hold the dome, a dilation
//! back): the heart touches the liver only through the diaphragm, a thin contact. Nothing is
//! marked when the dome averages under [`LIVER_MIN_HU`] + [`DOME_MARGIN_HU`] (a fatty liver, as
//! dense as the heart, cannot be told from it this way).

use super::{Plane, Runs2d, dilate_box, flag};

/// Soft tissue averaged for the liver's density, HU: fat below, calcium above.
const SOFT_HU: (f32, f32) = (-30.0, 130.0);
/// Half-width of the averaging box, mm (the noise of the two real scans, 28–35 HU SD per voxel,
/// averages down over it).
const SMOOTH_MM: f64 = 4.0;
/// The liver averages at least this, HU. This module's choice, from the two real chest CTs of
/// `../shared/data` (COVID-CT-MD, 110 kV): the liver dome averaged 47–58 HU (median per slice),
/// the heart region's lower half 25–47 HU.
pub const LIVER_MIN_HU: f64 = 35.0;
/// The dome must average this much above [`LIVER_MIN_HU`], HU, for the liver to be marked.
const DOME_MARGIN_HU: f64 = 8.0;
/// The left lobe joins the dome through liver-like tissue at least twice this wide, mm.
const BRIDGE_MM: f64 = 5.0;

/// The liver of one slice, as runs `(row, first column, end column)`, or nothing; `centre_col`
/// is the body's centre column (the dome is on the patient's right of it).
pub(super) fn liver_slice(
    hu: &[f32],
    f: &[u8],
    p: &Plane,
    centre_col: f64,
) -> Vec<(u32, u32, u32)> {
    let (cols, rows) = (p.cols, p.rows);
    let n = cols * rows;
    if n == 0 || hu.len() != n || f.len() != n {
        return Vec::new();
    }
    let open = |v: u8| v & flag::BODY != 0 && v & (flag::LUNG | flag::BONE | flag::AORTA) == 0;
    // Summed-area tables of the soft voxels and of their HU.
    let w = cols + 1;
    let mut count = vec![0u32; w * (rows + 1)];
    let mut sum = vec![0f64; w * (rows + 1)];
    for j in 0..rows {
        let (mut c, mut s) = (0u32, 0f64);
        for i in 0..cols {
            let idx = j * cols + i;
            let v = hu[idx];
            if open(f[idx]) && v >= SOFT_HU.0 && v < SOFT_HU.1 {
                c += 1;
                s += f64::from(v);
            }
            let at = (j + 1) * w + i + 1;
            count[at] = count[at - w] + c;
            sum[at] = sum[at - w] + s;
        }
    }
    let r = (SMOOTH_MM / p.dx.min(p.dy)).round().max(1.0) as usize;
    // The averaged soft tissue where at least half the box is soft, else NaN.
    let average: Vec<f32> = (0..n)
        .map(|idx| {
            let (i, j) = (idx % cols, idx / cols);
            if !open(f[idx]) {
                return f32::NAN;
            }
            let (i0, i1) = (i.saturating_sub(r), (i + r + 1).min(cols));
            let (j0, j1) = (j.saturating_sub(r), (j + r + 1).min(rows));
            let c =
                count[j1 * w + i1] + count[j0 * w + i0] - count[j0 * w + i1] - count[j1 * w + i0];
            if (c as usize) * 2 < (i1 - i0) * (j1 - j0) {
                return f32::NAN;
            }
            let s = sum[j1 * w + i1] + sum[j0 * w + i0] - sum[j0 * w + i1] - sum[j1 * w + i0];
            (s / f64::from(c)) as f32
        })
        .collect();
    let liverlike: Vec<bool> = average
        .iter()
        .map(|a| f64::from(*a) >= LIVER_MIN_HU)
        .collect();
    let rb = (BRIDGE_MM / p.dx.min(p.dy)).round().max(1.0) as usize;
    let erode = |m: &[bool]| -> Vec<bool> {
        let inv: Vec<bool> = m.iter().map(|v| !v).collect();
        dilate_box(&inv, cols, rows, rb)
            .into_iter()
            .map(|v| !v)
            .collect()
    };
    let core = erode(&liverlike);
    let dome: Vec<bool> = (0..n)
        .map(|idx| {
            let v = f[idx];
            v & flag::SUBPHRENIC != 0
                && v & flag::HEART == 0
                && ((idx % cols) as f64 - centre_col) * p.left_sign < 0.0
        })
        .collect();
    let dome = erode(&dome);
    let seed: Vec<bool> = core.iter().zip(&dome).map(|(a, b)| *a && *b).collect();
    let (mut s, mut c) = (0f64, 0u64);
    for (idx, _) in seed.iter().enumerate().filter(|(_, s)| **s) {
        s += f64::from(average[idx]);
        c += 1;
    }
    if c == 0 || s / (c as f64) < LIVER_MIN_HU + DOME_MARGIN_HU {
        return Vec::new();
    }
    let parts = Runs2d::of(cols, rows, |idx| core[idx]);
    let mut held = vec![false; parts.areas.len()];
    for (&(j, a, b), &l) in parts.runs.iter().zip(&parts.label) {
        let base = j as usize * cols;
        if seed[base + a as usize..base + b as usize]
            .iter()
            .any(|v| *v)
        {
            held[l as usize] = true;
        }
    }
    let mut kept = vec![false; n];
    for (&(j, a, b), &l) in parts.runs.iter().zip(&parts.label) {
        if held[l as usize] {
            let base = j as usize * cols;
            kept[base + a as usize..base + b as usize].fill(true);
        }
    }
    let grown = dilate_box(&kept, cols, rows, rb);
    let liver = Runs2d::of(cols, rows, |idx| grown[idx] && liverlike[idx]);
    liver.runs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 120 × 100 slice of 1 mm pixels in fat: the liver (rows 40–89, columns 10–69), its dome
    /// (columns 10–44, under the right lung: SUBPHRENIC), its left lobe (columns 45–69, in the
    /// heart region); the heart (a disc of radius 18 at column 95, row 40, in the region),
    /// touching the lobe through a neck 3 pixels wide.
    fn slice(liver_hu: f32) -> (Vec<f32>, Vec<u8>, Plane) {
        let (cols, rows) = (120, 100);
        let mut hu = vec![-100.0f32; cols * rows];
        let mut f = vec![flag::BODY; cols * rows];
        for j in 40..90 {
            for i in 10..70 {
                hu[j * cols + i] = liver_hu;
                f[j * cols + i] |= if i < 45 {
                    flag::SUBPHRENIC
                } else {
                    flag::HEART
                };
            }
        }
        for j in 0..rows {
            for i in 0..cols {
                let (x, y) = (i as f64 - 95.0, j as f64 - 40.0);
                let neck = (69..78).contains(&i) && (55..58).contains(&j);
                if x * x + y * y <= 18.0 * 18.0 || neck {
                    hu[j * cols + i] = 40.0;
                    f[j * cols + i] |= flag::HEART;
                }
            }
        }
        let p = Plane {
            cols,
            rows,
            dx: 1.0,
            dy: 1.0,
            left_sign: 1.0,
            posterior_sign: 1.0,
        };
        (hu, f, p)
    }

    fn contains(runs: &[(u32, u32, u32)], i: u32, j: u32) -> bool {
        runs.iter().any(|&(r, a, b)| r == j && a <= i && i < b)
    }

    #[test]
    fn the_left_lobe_joined_to_the_dome_is_liver_and_the_heart_is_not() {
        let (hu, f, p) = slice(55.0);
        let runs = liver_slice(&hu, &f, &p, 60.0);
        assert!(contains(&runs, 60, 70), "left lobe");
        assert!(contains(&runs, 25, 60), "dome");
        assert!(!contains(&runs, 95, 40), "heart");
        assert!(!contains(&runs, 80, 30), "heart");
    }

    #[test]
    fn a_liver_as_dense_as_the_heart_is_not_marked() {
        let (hu, f, p) = slice((LIVER_MIN_HU + DOME_MARGIN_HU) as f32 - 2.0);
        assert!(liver_slice(&hu, &f, &p, 60.0).is_empty());
    }
}
