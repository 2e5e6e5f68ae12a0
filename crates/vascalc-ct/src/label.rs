//! Connected components of the voxels at or above a threshold, run-length based.
//!
//! Each slice is scanned (in parallel) into runs of consecutive calcium voxels along rows, with
//! their HU sum and peak; runs are then joined by a union-find over overlapping runs of adjacent
//! rows (and, in 3D, adjacent slices). Work is proportional to the voxel count for the scan and
//! to the number of runs for the rest, so sparse calcium costs little beyond one pass over memory.

use rayon::prelude::*;

use crate::convention::Connectivity;
use crate::volume::Volume;

/// A run of calcium voxels: slice `k`, row `j`, columns `start..end`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Run {
    pub k: u32,
    pub j: u32,
    pub start: u32,
    pub end: u32,
    pub sum_hu: f64,
    pub peak: f32,
}

/// The part of one component that lies in one slice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fragment {
    pub k: u32,
    pub voxels: u64,
    pub sum_hu: f64,
    pub peak: f32,
    pub sum_i: f64,
    pub sum_j: f64,
}

/// A connected component: its fragments in ascending slice order and the runs it is made of.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Component {
    pub fragments: Vec<Fragment>,
    pub runs: Vec<u32>,
}

/// Chunk width for skipping background voxels quickly.
const CHUNK: usize = 16;

/// Appends the runs of one row (`v >= threshold`; NaN never counts).
#[inline]
fn scan_row(row: &[f32], threshold: f32, k: u32, j: u32, out: &mut Vec<Run>) {
    let n = row.len();
    let mut i = 0;
    while i < n {
        // Fast skip over whole chunks with no calcium (vectorises: compare + horizontal sum).
        if i % CHUNK == 0 && i + CHUNK <= n {
            let chunk = &row[i..i + CHUNK];
            let hits: u32 = chunk.iter().map(|&v| u32::from(v >= threshold)).sum();
            if hits == 0 {
                i += CHUNK;
                continue;
            }
        }
        let v = row[i];
        if v >= threshold {
            let start = i;
            let mut sum = 0.0f64;
            let mut peak = f32::MIN;
            while i < n && row[i] >= threshold {
                sum += f64::from(row[i]);
                peak = peak.max(row[i]);
                i += 1;
            }
            out.push(Run {
                k,
                j,
                start: start as u32,
                end: i as u32,
                sum_hu: sum,
                peak,
            });
        } else {
            i += 1;
        }
    }
}

/// Scans every slice for runs (parallel over slices). Returns runs in (slice, row, column) order
/// and, per slice, the offsets of each row's runs (`rows + 1` entries).
pub(crate) fn scan(volume: &Volume, threshold: f32) -> (Vec<Run>, Vec<Vec<u32>>) {
    let (cols, rows) = (volume.columns, volume.rows);
    let per_slice: Vec<(Vec<Run>, Vec<u32>)> = (0..volume.slices)
        .into_par_iter()
        .map(|k| {
            let slice = volume.slice(k);
            let mut runs = Vec::new();
            let mut offsets = Vec::with_capacity(rows + 1);
            for (j, row) in slice.chunks_exact(cols).enumerate() {
                offsets.push(runs.len() as u32);
                scan_row(row, threshold, k as u32, j as u32, &mut runs);
            }
            offsets.push(runs.len() as u32);
            (runs, offsets)
        })
        .collect();
    let mut runs = Vec::with_capacity(per_slice.iter().map(|(r, _)| r.len()).sum());
    let mut offsets = Vec::with_capacity(per_slice.len());
    for (r, mut o) in per_slice {
        let base = runs.len() as u32;
        o.iter_mut().for_each(|x| *x += base);
        runs.extend(r);
        offsets.push(o);
    }
    (runs, offsets)
}

struct UnionFind(Vec<u32>);

impl UnionFind {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let parent = self.0[x as usize];
            self.0[x as usize] = self.0[parent as usize];
            x = parent;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // Keep the smaller index as root so roots are the first run in raster order.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi as usize] = lo;
        }
    }
}

/// Joins runs of range `a` with overlapping runs of range `b` (both sorted by start).
fn join(
    uf: &mut UnionFind,
    runs: &[Run],
    a: std::ops::Range<u32>,
    b: std::ops::Range<u32>,
    diagonal: bool,
) {
    let slack = u32::from(diagonal);
    let (mut x, mut y) = (a.start, b.start);
    while x < a.end && y < b.end {
        let (ra, rb) = (&runs[x as usize], &runs[y as usize]);
        if ra.start < rb.end + slack && rb.start < ra.end + slack {
            uf.union(x, y);
        }
        if ra.end < rb.end {
            x += 1;
        } else {
            y += 1;
        }
    }
}

/// Labels the calcium voxels of `volume` into components.
pub(crate) fn components(
    volume: &Volume,
    threshold: f32,
    connectivity: Connectivity,
) -> (Vec<Run>, Vec<Component>) {
    let (runs, offsets) = scan(volume, threshold);
    let mut uf = UnionFind((0..runs.len() as u32).collect());
    let diagonal = connectivity.diagonal();
    let row_range = |k: usize, j: usize| offsets[k][j]..offsets[k][j + 1];
    for k in 0..volume.slices {
        for j in 0..volume.rows {
            let here = row_range(k, j);
            if here.is_empty() {
                continue;
            }
            if j > 0 {
                join(&mut uf, &runs, here.clone(), row_range(k, j - 1), diagonal);
            }
            if connectivity.is_3d() && k > 0 {
                join(&mut uf, &runs, here.clone(), row_range(k - 1, j), diagonal);
                if diagonal {
                    if j > 0 {
                        join(&mut uf, &runs, here.clone(), row_range(k - 1, j - 1), true);
                    }
                    if j + 1 < volume.rows {
                        join(&mut uf, &runs, here.clone(), row_range(k - 1, j + 1), true);
                    }
                }
            }
        }
    }
    // Component ids in order of each component's first run (raster order: slice, row, column).
    let mut index_of_root = vec![u32::MAX; runs.len()];
    let mut comps: Vec<Component> = Vec::new();
    for (r, run) in runs.iter().enumerate() {
        let root = uf.find(r as u32) as usize;
        if index_of_root[root] == u32::MAX {
            index_of_root[root] = comps.len() as u32;
            comps.push(Component {
                fragments: Vec::new(),
                runs: Vec::new(),
            });
        }
        let comp = &mut comps[index_of_root[root] as usize];
        comp.runs.push(r as u32);
        let len = u64::from(run.end - run.start);
        let sum_i = (f64::from(run.start) + f64::from(run.end - 1)) * len as f64 / 2.0;
        let sum_j = f64::from(run.j) * len as f64;
        match comp.fragments.last_mut() {
            Some(f) if f.k == run.k => {
                f.voxels += len;
                f.sum_hu += run.sum_hu;
                f.peak = f.peak.max(run.peak);
                f.sum_i += sum_i;
                f.sum_j += sum_j;
            }
            _ => comp.fragments.push(Fragment {
                k: run.k,
                voxels: len,
                sum_hu: run.sum_hu,
                peak: run.peak,
                sum_i,
                sum_j,
            }),
        }
    }
    (runs, comps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::volume::Geometry;

    fn vol(slices: usize, rows: usize, cols: usize, on: &[(usize, usize, usize)]) -> Volume {
        let mut hu = vec![0.0f32; slices * rows * cols];
        for &(k, j, i) in on {
            hu[(k * rows + j) * cols + i] = 500.0;
        }
        Volume {
            columns: cols,
            rows,
            slices,
            hu,
            geometry: Geometry::axial(1.0, 3.0, slices, [0.0; 3], Some(3.0)),
        }
    }

    #[test]
    fn diagonal_joins_only_with_8_connectivity() {
        let v = vol(1, 4, 40, &[(0, 0, 0), (0, 1, 1), (0, 3, 30), (0, 3, 31)]);
        assert_eq!(components(&v, 130.0, Connectivity::Slice8).1.len(), 2);
        assert_eq!(components(&v, 130.0, Connectivity::Slice4).1.len(), 3);
    }

    #[test]
    fn slices_join_only_in_3d() {
        let v = vol(2, 3, 20, &[(0, 1, 5), (1, 1, 5), (1, 2, 17)]);
        let (_, c2) = components(&v, 130.0, Connectivity::Slice8);
        assert_eq!(c2.len(), 3);
        let (_, c3) = components(&v, 130.0, Connectivity::Volume6);
        assert_eq!(c3.len(), 2);
        assert_eq!(c3[0].fragments.len(), 2);
        // Corner neighbour across slices: 26 joins, 6 does not.
        let v = vol(2, 3, 20, &[(0, 0, 0), (1, 1, 1)]);
        assert_eq!(components(&v, 130.0, Connectivity::Volume26).1.len(), 1);
        assert_eq!(components(&v, 130.0, Connectivity::Volume6).1.len(), 2);
    }

    #[test]
    fn u_shape_merges_and_stats_add_up() {
        // A U: two columns joined at the bottom row; the top-left run starts a component that
        // later merges with the right arm.
        let mut on = vec![];
        for j in 0..4 {
            on.push((0, j, 2));
            on.push((0, j, 20));
        }
        for i in 2..=20 {
            on.push((0, 4, i));
        }
        let v = vol(1, 6, 40, &on);
        let (_, c) = components(&v, 130.0, Connectivity::Slice8);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].fragments[0].voxels, 8 + 19);
        assert_eq!(c[0].fragments[0].sum_hu, 500.0 * 27.0);
    }

    #[test]
    fn nan_and_below_threshold_are_background() {
        let mut v = vol(1, 1, 40, &[(0, 0, 3)]);
        v.hu[4] = f32::NAN;
        v.hu[5] = 129.9;
        v.hu[36] = 130.0;
        let (runs, c) = components(&v, 130.0, Connectivity::Slice8);
        assert_eq!(c.len(), 2);
        assert_eq!(runs[1].start, 36);
    }
}
