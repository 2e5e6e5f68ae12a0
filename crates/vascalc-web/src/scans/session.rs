//! A scored series kept in the server's memory for review: the HU volume, the lesions measured
//! and sorted once (vascalc-ct's `Measured`), the lesion runs by slice, the heart region by
//! slice, the 3D groups of lesions, and the reviewer's current assignment with the score it
//! gives. An assignment re-sums the measured lesions by artery (`Measured::assign`, the code
//! `vascalc scan score --assign` runs after measuring, so it gives the same numbers) instead of
//! scoring the volume again.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use vascalc_ct::anatomy::flag;
use vascalc_ct::{
    Acquisition, Anatomy, ExclusionReason, LesionStatus, Measured, Regions, ScoreOptions,
    SeriesScore, Volume, find_anatomy, measure_series,
};

use super::upload::UploadDir;
use crate::error::ApiError;

/// Sessions kept at once; opening one more drops the oldest (a 150-slice 512² series holds
/// about 160 MB: its HU as `f32`).
pub const MAX_SESSIONS: usize = 2;

/// The value sent for a voxel with no data (DICOM padding), in the Int16 slices.
pub const NO_DATA: i16 = i16::MIN;

/// The scored series in memory, newest last.
#[derive(Default)]
pub struct Sessions {
    next: AtomicU32,
    list: Mutex<VecDeque<Arc<Session>>>,
}

impl Sessions {
    /// Keeps `session` (numbered here), dropping the oldest beyond [`MAX_SESSIONS`].
    pub fn insert(&self, mut session: Session) -> Result<Arc<Session>, ApiError> {
        session.id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let session = Arc::new(session);
        let mut list = self.lock()?;
        list.push_back(session.clone());
        while list.len() > MAX_SESSIONS {
            list.pop_front();
        }
        Ok(session)
    }

    /// The session with this id, or 404 saying why it may be gone.
    pub fn get(&self, id: &str) -> Result<Arc<Session>, ApiError> {
        let n: u32 = id
            .parse()
            .map_err(|_| ApiError::not_found(format!("no open scan {id:?}: ids are numbers")))?;
        self.lock()?
            .iter()
            .find(|s| s.id == n)
            .cloned()
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "no open scan {n}: the server keeps the last {MAX_SESSIONS} scans opened and \
                     forgets them when it stops; open the folder again"
                ))
            })
    }

    /// Closes the session with this id (404 as [`Sessions::get`]), returning it.
    pub fn remove(&self, id: &str) -> Result<Arc<Session>, ApiError> {
        let s = self.get(id)?;
        self.lock()?.retain(|x| x.id != s.id);
        Ok(s)
    }

    /// Closes every session (the server ends).
    pub fn clear(&self) {
        match self.list.lock() {
            Ok(mut l) => l.clear(),
            Err(poisoned) => poisoned.into_inner().clear(),
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, VecDeque<Arc<Session>>>, ApiError> {
        self.list
            .lock()
            .map_err(|_| ApiError::internal("the scan sessions' lock was poisoned"))
    }
}

/// One scored series under review.
pub struct Session {
    pub id: u32,
    pub folder: PathBuf,
    /// The upload the series came from (its folder lives as long as this session or the
    /// uploads' list holds it), or None for a folder on this computer.
    pub upload: Option<Arc<UploadDir>>,
    pub series_uid: String,
    pub volume: Volume,
    pub acquisition: Acquisition,
    /// The lesions measured and sorted by the anatomy, before any assignment.
    measured: Measured,
    /// Per slice: `[lesion id, row, first column, end column)`.
    runs: Vec<Vec<[u32; 4]>>,
    /// Per slice: the heart region as `[row, first column, end column)`.
    heart: Vec<Vec<[u32; 3]>>,
    /// Per lesion (index id − 1): its 3D-connected group (the smallest lesion id in it).
    groups: Vec<u32>,
    review: Mutex<Arc<Reviewed>>,
}

/// The reviewer's assignment and the score it gives.
pub struct Reviewed {
    pub assignment: BTreeMap<u32, String>,
    pub score: SeriesScore,
}

impl Session {
    /// Scores `volume` as `vascalc scan score --regions auto` does (classic convention, no
    /// calibration) and indexes its lesions for the viewer.
    pub fn score(
        folder: PathBuf,
        series_uid: String,
        volume: Volume,
        acquisition: Acquisition,
    ) -> Result<Self, vascalc_ct::ScoreError> {
        let options = ScoreOptions {
            regions: Regions::Auto,
            keep_runs: true,
            ..ScoreOptions::default()
        };
        volume.validate()?;
        let anatomy = find_anatomy(&volume);
        let mut measured = measure_series(&volume, &acquisition, &options, Some(&anatomy))?;
        let mut runs = vec![Vec::new(); volume.slices];
        for (id, lesion_runs) in (1..).zip(measured.take_runs()) {
            for r in lesion_runs {
                if let Some(slice) = runs.get_mut(r[0] as usize) {
                    slice.push([id, r[1], r[2], r[3]]);
                }
            }
        }
        for slice in &mut runs {
            slice.sort_unstable_by_key(|r| (r[1], r[2]));
        }
        let groups = groups_3d(&runs, measured.lesions().len());
        let heart = heart_runs(&anatomy);
        let score = measured.assign(&BTreeMap::new());
        Ok(Self {
            id: 0,
            folder,
            upload: None,
            series_uid,
            volume,
            acquisition,
            measured,
            runs,
            heart,
            groups,
            review: Mutex::new(Arc::new(Reviewed {
                assignment: BTreeMap::new(),
                score,
            })),
        })
    }

    /// The folder as the page shows it: its path, or the upload's number (the server's copy is
    /// private and goes with the scan).
    pub fn shown_folder(&self) -> String {
        match &self.upload {
            Some(u) => format!("upload {} ({} DICOM files)", u.id, u.files),
            None => self.folder.display().to_string(),
        }
    }

    /// The current assignment and score.
    pub fn reviewed(&self) -> Result<Arc<Reviewed>, ApiError> {
        self.review
            .lock()
            .map(|r| r.clone())
            .map_err(|_| ApiError::internal("the scan's lock was poisoned"))
    }

    /// Scores the series with `assignment` (lesion id → artery, `coronary`, `non_coronary`, or
    /// any region name) by re-summing its measured lesions, keeps and returns it. Ids that name
    /// no lesion are refused.
    pub fn assign(&self, assignment: BTreeMap<u32, String>) -> Result<Arc<Reviewed>, ApiError> {
        let n = self.groups.len() as u32;
        if let Some((id, _)) = assignment.iter().find(|(id, _)| **id == 0 || **id > n) {
            return Err(ApiError::invalid(
                "assignment",
                format!("lesion {id} does not exist: this series has lesions 1 to {n}"),
            ));
        }
        if let Some((id, name)) = assignment.iter().find(|(_, name)| name.trim().is_empty()) {
            return Err(ApiError::invalid(
                "assignment",
                format!(
                    "lesion {id}: the artery name {name:?} is empty; use LM, LAD, LCX, RCA, coronary (artery not named) or non_coronary"
                ),
            ));
        }
        let score = self.measured.assign(&assignment);
        let reviewed = Arc::new(Reviewed { assignment, score });
        let mut r = self
            .review
            .lock()
            .map_err(|_| ApiError::internal("the scan's lock was poisoned"))?;
        *r = reviewed.clone();
        Ok(reviewed)
    }

    /// Slice `k` as Int16 HU, little endian, row by row ([`NO_DATA`] for padding).
    pub fn slice_bytes(&self, k: usize) -> Option<Vec<u8>> {
        if k >= self.volume.slices {
            return None;
        }
        let mut out = Vec::with_capacity(self.volume.columns * self.volume.rows * 2);
        for &v in self.volume.slice(k) {
            let hu = if v.is_nan() {
                NO_DATA
            } else {
                // Clamp into Int16 above NO_DATA (HU lie within −1024…+3071 for 12-bit CT).
                v.round()
                    .clamp(f32::from(NO_DATA) + 1.0, f32::from(i16::MAX)) as i16
            };
            out.extend_from_slice(&hu.to_le_bytes());
        }
        Some(out)
    }

    /// The overlay of slice `k`.
    pub fn overlay(&self, k: usize) -> Option<Overlay<'_>> {
        Some(Overlay {
            k,
            runs: self.runs.get(k)?,
            heart: self.heart.get(k)?,
        })
    }

    /// The 3D group of each lesion (index id − 1).
    pub fn groups(&self) -> &[u32] {
        &self.groups
    }
}

/// What the viewer draws over one slice.
#[derive(Serialize)]
pub struct Overlay<'a> {
    pub k: usize,
    /// `[lesion id, row, first column, end column)`: every voxel at or above the threshold that
    /// belongs to a lesion.
    pub runs: &'a [[u32; 4]],
    /// The heart region (with its margin) as `[row, first column, end column)`.
    pub heart: &'a [[u32; 3]],
}

/// The heart region of each slice as runs along rows (empty where none, and without a chest).
fn heart_runs(a: &Anatomy) -> Vec<Vec<[u32; 3]>> {
    let (cols, rows) = (a.columns, a.rows);
    (0..a.slices)
        .map(|k| {
            let mut out = Vec::new();
            for j in 0..rows {
                let row = &a.flags[(k * rows + j) * cols..(k * rows + j + 1) * cols];
                let mut i = 0;
                while i < cols {
                    if row[i] & flag::HEART != 0 {
                        let start = i;
                        while i < cols && row[i] & flag::HEART != 0 {
                            i += 1;
                        }
                        out.push([j as u32, start as u32, i as u32]);
                    } else {
                        i += 1;
                    }
                }
            }
            out
        })
        .collect()
}

/// Joins lesions whose voxels touch across adjacent slices (26-connectivity: a run overlaps, or
/// touches at a corner, a run one row up, down or level in the next slice). Lesions are 2D
/// (8-connected within a slice), so a calcified plaque crossing slices is several lesions: the
/// viewer selects the whole group with one click. Returns, per lesion, the smallest id of its
/// group.
pub fn groups_3d(runs: &[Vec<[u32; 4]>], lesions: usize) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..lesions as u32).collect();
    fn find(p: &mut [u32], mut x: u32) -> u32 {
        while p[x as usize] != x {
            let up = p[p[x as usize] as usize];
            p[x as usize] = up;
            x = up;
        }
        x
    }
    for pair in runs.windows(2) {
        let (below, above) = (&pair[0], &pair[1]);
        for r in above {
            let j = r[1];
            // Runs of `below` on rows j − 1 … j + 1 (sorted by row, then column).
            let from = below.partition_point(|b| b[1] + 1 < j);
            for b in below[from..].iter().take_while(|b| b[1] <= j + 1) {
                if b[2] <= r[3] && r[2] <= b[3] {
                    let (x, y) = (r[0].wrapping_sub(1), b[0].wrapping_sub(1));
                    if (x as usize) < lesions && (y as usize) < lesions {
                        let (rx, ry) = (find(&mut parent, x), find(&mut parent, y));
                        if rx != ry {
                            parent[rx.max(ry) as usize] = rx.min(ry);
                        }
                    }
                }
            }
        }
    }
    (0..lesions as u32)
        .map(|x| find(&mut parent, x) + 1)
        .collect()
}

/// One lesion as the viewer lists it.
#[derive(Serialize)]
pub(crate) struct LesionRow<'a> {
    pub(crate) id: u32,
    pub(crate) group: u32,
    pub(crate) status: LesionStatus,
    pub(crate) label: Option<&'a str>,
    pub(crate) reasons: &'a [ExclusionReason],
    pub(crate) slices: [u32; 2],
    pub(crate) centroid_mm: [f64; 3],
    pub(crate) agatston: f64,
    pub(crate) volume_mm3: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_join_touching_lesions_across_slices_only() {
        // Slice 0: lesion 1 at row 5 cols 10..12, lesion 2 at row 20 cols 0..3.
        // Slice 1: lesion 3 at row 6 cols 12..14 (touches lesion 1 at a corner: 11 → 12),
        // lesion 4 at row 20 cols 5..6 (two columns from lesion 2: apart).
        // Slice 2: lesion 5 at row 8 cols 12..13 (two rows from lesion 3: apart).
        let runs = vec![
            vec![[1, 5, 10, 12], [2, 20, 0, 3]],
            vec![[3, 6, 12, 14], [4, 20, 5, 6]],
            vec![[5, 8, 12, 13]],
        ];
        assert_eq!(groups_3d(&runs, 5), vec![1, 2, 1, 4, 5]);
        // A chain over three slices takes the smallest id.
        let runs = vec![vec![[2, 0, 0, 2]], vec![[3, 0, 1, 2]], vec![[1, 1, 0, 1]]];
        assert_eq!(groups_3d(&runs, 3), vec![1, 1, 1]);
        assert_eq!(groups_3d(&[], 0), Vec::<u32>::new());
    }
}
