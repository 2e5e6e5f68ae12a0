//! Reading CT DICOM series into HU volumes for `vascalc-ct`.
//!
//! # Use
//!
//! ```no_run
//! use vascalc_dicom::{SeriesFilter, load_series};
//! use vascalc_ct::{ScoreOptions, score};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let series = load_series(&["path/to/dicom/folder".into()], &SeriesFilter::default())?;
//! for s in &series {
//!     let result = score(&s.volume, &s.acquisition, &ScoreOptions::default())?;
//!     println!("{}: Agatston {:.1}", s.series_uid, result.totals.agatston);
//! }
//! # Ok(()) }
//! ```
//!
//! What [`load_series`] does:
//! * discovery: folders are searched recursively, files are taken as given; files that do not
//!   start like DICOM (no `DICM` at byte 128) are skipped inside folders but are an error when
//!   named explicitly;
//! * grouping by SeriesInstanceUID (and rows, columns, orientation), skipping DICOMDIRs, dose
//!   reports and other SRs, secondary captures, localizers, colour images and non-CT modalities
//!   (the reasons are kept in [`Error::NoSeries`] when nothing is left);
//! * geometry: slices sorted by ImagePositionPatient projected on the slice normal (never by
//!   InstanceNumber or file name); identical copies of a slice (same SOP instance) read once;
//! * HU from RescaleSlope/Intercept of each slice (each frame for enhanced CT); pixel padding
//!   (PixelPaddingValue, with PixelPaddingRangeLimit) becomes NaN;
//! * pixel data in any transfer syntax the build decodes: uncompressed (implicit/explicit VR),
//!   deflate, RLE (our decoder), JPEG lossless/baseline (pure Rust), JPEG-LS lossless and
//!   near-lossless (`pure_jpegls`, pure Rust) and JPEG 2000 (feature `codec-j2k`, default,
//!   OpenJPEG built with the C compiler); uncompressed little-endian, RLE and JPEG-LS files are
//!   decoded without building a DICOM object, everything else through dicom-rs;
//! * files from the world taken as hostile: every element length is checked against the file's
//!   size before anything is allocated ((`walk.rs`)), images and series against a
//!   [`MemoryBudget`], folders searched once each (symbolic link loops), geometry and rescale
//!   validated (each rejection names the tag and the value), elements of VR UN read through the
//!   dictionary, and a panic inside a third-party parser or decoder contained as an error of
//!   its file; [`load_series_each`] keeps the series that load when others fail;
//! * Enhanced CT Image Storage (multi-frame) with positions from the per-frame functional groups;
//! * NIfTI-1 label volumes for artery assignment ([`read_labels`]).
//!
//! Every error names the file and the problem ([`Error`]).

mod budget;
mod header;
mod nifti;
mod pixels;
mod walk;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use vascalc_ct::{Acquisition, Geometry, Volume};

pub use budget::MemoryBudget;
use budget::mb;
pub use header::{
    CT_IMAGE_STORAGE, ENHANCED_CT_IMAGE_STORAGE, FrameInfo, Header, MAX_DIMENSION, MAX_FRAMES,
    MAX_SPACING_MM, read_header, read_header_bytes,
};
use header::{expected_len, read_header_within};
pub use nifti::{ras_affine, read_labels, write_labels_nii};
use pixels::decode_slice_into;
pub use pixels::{DecodedImage, decode_encapsulated, decode_file, decode_file_bytes};

/// Errors, each naming the file (or series) and what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a DICOM file (no \"DICM\" marker after the 128-byte preamble)", path.display())]
    NotDicom { path: PathBuf },
    #[error("{}: cannot parse as DICOM ({message}); the file may be truncated or corrupt", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("{}: required tag {tag} is missing", path.display())]
    MissingTag { path: PathBuf, tag: &'static str },
    #[error("{}: {problem}", path.display())]
    Invalid { path: PathBuf, problem: String },
    #[error(
        "{}: pixel data holds {found} bytes but {rows} rows × {columns} columns × {frames} frame(s) × {bits} bits need {expected}",
        path.display()
    )]
    PixelLength {
        path: PathBuf,
        found: usize,
        expected: usize,
        rows: usize,
        columns: usize,
        frames: usize,
        bits: u16,
    },
    #[error("{}: cannot decode pixel data in transfer syntax {transfer_syntax}: {message}", path.display())]
    Decode {
        path: PathBuf,
        transfer_syntax: String,
        message: String,
    },
    #[error("no files found in {}", list(paths))]
    NoFiles { paths: Vec<PathBuf> },
    #[error("no CT image series found in {} ({} file(s) skipped: {})", list(paths), skipped.len(), summary(skipped))]
    NoSeries {
        paths: Vec<PathBuf>,
        skipped: Vec<Skipped>,
    },
    #[error("series {uid} not found; series present: {}", if available.is_empty() { "none".to_string() } else { available.join(", ") })]
    SeriesNotFound { uid: String, available: Vec<String> },
    #[error(
        "{}: {what} needs about {needed_mb} MB, more than the memory budget of {limit_mb} MB; if the machine has the memory, raise the budget (`--max-memory MB`)",
        path.display()
    )]
    Budget {
        path: PathBuf,
        what: String,
        needed_mb: usize,
        limit_mb: usize,
    },
    #[error(
        "{}: the decoder failed while {step} ({message}); the file is damaged or uses a feature the decoder does not handle",
        path.display()
    )]
    Contained {
        path: PathBuf,
        step: String,
        message: String,
    },
    #[error("series {uid}: {problem} (first file: {})", path.display())]
    Series {
        uid: String,
        path: PathBuf,
        problem: String,
    },
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary(skipped: &[Skipped]) -> String {
    let shown: Vec<String> = skipped
        .iter()
        .take(3)
        .map(|(p, why)| format!("{}: {why}", p.display()))
        .collect();
    let more = skipped.len().saturating_sub(3);
    if more > 0 {
        format!("{}; and {more} more", shown.join("; "))
    } else {
        shown.join("; ")
    }
}

impl Error {
    /// Whether the error is about the input data (exit code "invalid input") rather than
    /// about finding something to work on.
    pub fn is_nothing_found(&self) -> bool {
        matches!(
            self,
            Error::NoFiles { .. } | Error::NoSeries { .. } | Error::SeriesNotFound { .. }
        )
    }
}

/// A file left out, with the reason.
pub type Skipped = (PathBuf, String);

/// Which series to load, and within what memory.
#[derive(Debug, Clone, Default)]
pub struct SeriesFilter {
    /// Only this SeriesInstanceUID.
    pub series_uid: Option<String>,
    /// The memory the load may use (headers being parsed, volumes, decoding buffers); shared by
    /// clones, so that loads running in parallel share one budget.
    pub budget: MemoryBudget,
}

/// What [`load_series_each`] found: the series that loaded, and each failure (a file that could
/// not be read, a series that could not be assembled) on its own, so that one bad series never
/// takes down the others.
#[derive(Debug, Default)]
pub struct Loaded {
    pub series: Vec<LoadedSeries>,
    pub failures: Vec<Error>,
    /// Files left out on purpose (not DICOM, not a CT image), with the reason.
    pub skipped: Vec<Skipped>,
}

/// A series ready to score.
#[derive(Debug, Clone)]
pub struct LoadedSeries {
    pub series_uid: String,
    pub volume: Volume,
    pub acquisition: Acquisition,
    /// Files in slice order (a multi-frame file appears once).
    pub files: Vec<PathBuf>,
}

/// Whether the file at `path` starts like DICOM Part 10 (`DICM` after a 128-byte preamble).
pub fn looks_like_dicom(path: &Path) -> std::io::Result<bool> {
    let mut buf = [0u8; 132];
    let mut f = std::fs::File::open(path)?;
    let mut read = 0;
    while read < buf.len() {
        let n = f.read(&mut buf[read..])?;
        if n == 0 {
            return Ok(false);
        }
        read += n;
    }
    Ok(&buf[128..132] == b"DICM")
}

/// Files to consider: folders recursively (sorted, hidden entries skipped), files as given.
/// Returns (DICOM candidates, skipped with reasons). An explicitly named file that is not DICOM
/// is an error.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<Skipped>), Error> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut visited = Visited::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk_dir(path, &meta, &mut visited, &mut files, &mut skipped)?;
        } else {
            match looks_like_dicom(path) {
                Ok(true) => files.push(path.clone()),
                Ok(false) => return Err(Error::NotDicom { path: path.clone() }),
                Err(source) => {
                    return Err(Error::Io {
                        path: path.clone(),
                        source,
                    });
                }
            }
        }
    }
    if files.is_empty() && skipped.is_empty() {
        return Err(Error::NoFiles {
            paths: paths.to_vec(),
        });
    }
    Ok((files, skipped))
}

/// Folders already searched, by device and inode (a symlink loop, or two links to one folder,
/// is searched once).
#[derive(Default)]
struct Visited(std::collections::HashSet<(u64, u64)>);

impl Visited {
    /// Whether `meta`'s folder is new (and now marked). Without device and inode numbers
    /// (not Unix) every folder counts as new.
    fn first_visit(&mut self, meta: &std::fs::Metadata) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            self.0.insert((meta.dev(), meta.ino()))
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            true
        }
    }
}

fn walk_dir(
    dir: &Path,
    meta: &std::fs::Metadata,
    visited: &mut Visited,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<Skipped>,
) -> Result<(), Error> {
    if !visited.first_visit(meta) {
        skipped.push((
            dir.to_path_buf(),
            "a folder already searched (a symbolic link loop or a second link to it)".into(),
        ));
        return Ok(());
    }
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_none_or(|n| !n.starts_with('.'))
        })
        .collect();
    entries.sort();
    for p in entries {
        // Follows symbolic links (a link to a folder of slices is common); loops end above.
        let Ok(meta) = std::fs::metadata(&p) else {
            skipped.push((p, "unreadable or a broken link".into()));
            continue;
        };
        if meta.is_dir() {
            walk_dir(&p, &meta, visited, files, skipped)?;
        } else if meta.is_file() {
            match looks_like_dicom(&p) {
                Ok(true) => files.push(p),
                Ok(false) => skipped.push((p, "not DICOM".into())),
                Err(e) => skipped.push((p, format!("unreadable: {e}"))),
            }
        }
    }
    Ok(())
}

/// A zeroed buffer for the HU of a series, not yet touched. On Linux a large one is marked for
/// transparent huge pages before it is first written: the pixel pass then takes one page fault
/// per 2 MiB instead of one per 4 KiB. On the 2-core test machine (a virtual machine) writing a
/// fresh 49 MB volume costs about 25 ms in 4 KiB faults and about 8 ms with huge pages, the
/// largest single cost of `scan score` on the 47-slice QRM series.
fn volume_buffer(len: usize) -> Vec<f32> {
    let buffer = vec![0.0f32; len];
    #[cfg(target_os = "linux")]
    advise_huge_pages(&buffer);
    buffer
}

/// `madvise(MADV_HUGEPAGE)` on the whole pages inside `buffer` when it spans at least 8 MiB.
/// Only advice: the kernel may ignore it (THP disabled, no huge page free) and every error is
/// ignored; contents and validity of the memory do not change.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn advise_huge_pages(buffer: &[f32]) {
    let bytes = std::mem::size_of_val(buffer);
    if bytes < 8 << 20 {
        return;
    }
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let Ok(page) = usize::try_from(page) else {
        return;
    };
    if page == 0 {
        return;
    }
    let start = buffer.as_ptr() as usize;
    let begin = start.next_multiple_of(page);
    let end = (start + bytes) / page * page;
    if end > begin {
        // SAFETY: [begin, end) is a page-aligned range inside `buffer`, an allocation this
        // function borrows; MADV_HUGEPAGE changes how the kernel backs those pages, never their
        // contents, so no Rust-visible memory is affected. The result is deliberately ignored.
        unsafe {
            libc::madvise(begin as *mut libc::c_void, end - begin, libc::MADV_HUGEPAGE);
        }
    }
}

/// Finds, groups, decodes and stacks every axial CT series under `paths` (or only the one
/// `filter` names). Series come back ordered by SeriesInstanceUID. The first failure of any file
/// or series is the error; [`load_series_each`] keeps the series that load.
pub fn load_series(paths: &[PathBuf], filter: &SeriesFilter) -> Result<Vec<LoadedSeries>, Error> {
    let loaded = load_series_each(paths, filter)?;
    match loaded.failures.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(loaded.series),
    }
}

/// Like [`load_series`], but a file or series that fails is reported in [`Loaded::failures`]
/// while the others load. Errors that leave nothing to work on (no files, no CT series, the
/// series asked for absent, a named path unreadable or not DICOM) are still the error.
pub fn load_series_each(paths: &[PathBuf], filter: &SeriesFilter) -> Result<Loaded, Error> {
    let (files, mut skipped) = discover(paths)?;
    let budget = &filter.budget;
    let headers: Vec<Result<Header, Error>> = files
        .par_iter()
        .map(|p| read_header_within(p, budget))
        .collect();
    let mut failures = Vec::new();
    let mut groups: BTreeMap<(String, u32, u32, [i64; 6]), Vec<Header>> = BTreeMap::new();
    for h in headers {
        let h = match h {
            Ok(h) => h,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        if let Some(why) = h.skip_reason() {
            skipped.push((h.path.clone(), why));
            continue;
        }
        if let Some(problem) = h.invalid {
            failures.push(Error::Invalid {
                path: h.path,
                problem,
            });
            continue;
        }
        if let Some(tag) = h.missing {
            failures.push(Error::MissingTag { path: h.path, tag });
            continue;
        }
        let Some(uid) = h.series_uid.clone() else {
            failures.push(Error::MissingTag {
                path: h.path,
                tag: "SeriesInstanceUID (0020,000E)",
            });
            continue;
        };
        let iop = h
            .orientation
            .unwrap_or_default()
            .map(|v| (v * 1e4).round() as i64);
        let key = (uid, h.rows.unwrap_or(0), h.columns.unwrap_or(0), iop);
        groups.entry(key).or_default().push(h);
    }
    let available: Vec<String> = groups.keys().map(|k| k.0.clone()).collect();
    if let Some(uid) = &filter.series_uid {
        groups.retain(|k, _| &k.0 == uid);
        if groups.is_empty() {
            return Err(Error::SeriesNotFound {
                uid: uid.clone(),
                available,
            });
        }
    }
    if groups.is_empty() && failures.is_empty() {
        return Err(Error::NoSeries {
            paths: paths.to_vec(),
            skipped,
        });
    }
    let mut series = Vec::new();
    for ((uid, ..), headers) in groups {
        match assemble_within(uid, headers, budget) {
            Ok(s) => series.push(s),
            Err(e) => failures.push(e),
        }
    }
    Ok(Loaded {
        series,
        failures,
        skipped,
    })
}

/// Stacks the images of one series (headers from [`read_header`], already grouped) into a
/// volume, within the default memory budget. Single-frame images are decoded in parallel
/// straight into their slice of the volume.
pub fn assemble(uid: String, headers: Vec<Header>) -> Result<LoadedSeries, Error> {
    assemble_within(uid, headers, &MemoryBudget::default())
}

fn assemble_within(
    uid: String,
    mut headers: Vec<Header>,
    budget: &MemoryBudget,
) -> Result<LoadedSeries, Error> {
    // Identical copies of the same instance are read once.
    headers.sort_by(|a, b| a.sop_instance_uid.cmp(&b.sop_instance_uid));
    headers
        .dedup_by(|a, b| a.sop_instance_uid.is_some() && a.sop_instance_uid == b.sop_instance_uid);
    // A slice whose pixel data cannot hold its image fails the series: a series scored without
    // one of its slices would look complete.
    if let Some(h) = headers.iter().find(|h| h.pixel_problem.is_some()) {
        return Err(Error::Invalid {
            path: h.path.clone(),
            problem: h.pixel_problem.clone().unwrap_or_default(),
        });
    }
    let first = headers.first().ok_or_else(|| Error::Series {
        uid: uid.clone(),
        path: PathBuf::new(),
        problem: "no images".into(),
    })?;
    let (Some(iop), Some(spacing), Some(rows), Some(cols)) = (
        first.orientation,
        first.pixel_spacing,
        first.rows,
        first.columns,
    ) else {
        return Err(Error::MissingTag {
            path: first.path.clone(),
            tag: "ImageOrientationPatient / PixelSpacing / Rows / Columns",
        });
    };
    let mut geometry = Geometry {
        row_spacing_mm: spacing[0],
        column_spacing_mm: spacing[1],
        row_direction: [iop[0], iop[1], iop[2]],
        column_direction: [iop[3], iop[4], iop[5]],
        positions: Vec::new(),
        slice_thickness_mm: first.slice_thickness,
    };
    let normal = geometry.normal();
    // (location along normal, header index, frame index)
    let mut frames: Vec<(f64, usize, usize)> = Vec::new();
    for (n, h) in headers.iter().enumerate() {
        if h.frame_info.len() != h.frames as usize {
            return Err(Error::MissingTag {
                path: h.path.clone(),
                tag: h.missing.unwrap_or("ImagePositionPatient (0020,0032)"),
            });
        }
        for (f, info) in h.frame_info.iter().enumerate() {
            let p = info.position;
            frames.push((p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2], n, f));
        }
    }
    frames.sort_by(|a, b| a.0.total_cmp(&b.0));
    if let Some(w) = frames.windows(2).find(|w| (w[1].0 - w[0].0).abs() < 1e-3) {
        let (a, b) = (&headers[w[0].1].path, &headers[w[1].1].path);
        return Err(Error::Series {
            uid,
            path: a.clone(),
            problem: format!(
                "two different images (SOPInstanceUIDs differ) at the same position {:.3} mm along the normal: {} and {}; they share this SeriesInstanceUID, so --series cannot tell them apart: put each acquisition (or each copy, e.g. each compression) in its own folder and score the folders separately",
                w[0].0,
                a.display(),
                b.display()
            ),
        });
    }
    let n = rows as usize * cols as usize;
    // The volume, and what the decoding threads hold at once: each a whole file and its decoded
    // pixels (twice, for a decoder's own buffer), or every decoded multi-frame image.
    let volume_bytes = n
        .saturating_mul(frames.len())
        .saturating_mul(std::mem::size_of::<f32>());
    let largest_file = headers.iter().map(|h| h.file_len).max().unwrap_or(0) as usize;
    let largest_image = headers
        .iter()
        .map(|h| expected_len(h).unwrap_or(0))
        .max()
        .unwrap_or(0);
    let working = if headers.iter().all(|h| h.frames == 1) {
        let threads = rayon::current_num_threads().min(headers.len()).max(1);
        threads.saturating_mul(largest_file.saturating_add(largest_image.saturating_mul(2)))
    } else {
        headers
            .iter()
            .map(|h| {
                (h.file_len as usize).saturating_add(expected_len(h).unwrap_or(0).saturating_mul(2))
            })
            .fold(0usize, usize::saturating_add)
    };
    let needed = volume_bytes.saturating_add(working);
    let _reserved = budget.reserve(needed).map_err(|limit| Error::Budget {
        path: first.path.clone(),
        what: format!(
            "series {uid} ({} × {} pixels × {} slices, with its decoding buffers)",
            cols,
            rows,
            frames.len()
        ),
        needed_mb: mb(needed),
        limit_mb: mb(limit),
    })?;
    let mut hu = volume_buffer(n * frames.len());
    let lossy = if headers.iter().all(|h| h.frames == 1) {
        hu.par_chunks_mut(n)
            .zip(frames.par_iter())
            .map(|(out, &(_, h, _))| decode_slice_into(&headers[h], out))
            .collect::<Result<(), _>>()?;
        headers.iter().any(|h| h.lossy)
    } else {
        let images: Vec<DecodedImage> = headers
            .par_iter()
            .map(|h| decode_file(&h.path))
            .collect::<Result<_, _>>()?;
        for (out, &(_, i, f)) in hu.chunks_mut(n).zip(&frames) {
            let mut frame = Vec::with_capacity(n);
            images[i].hu_frame(f, &mut frame);
            if frame.len() != n {
                return Err(Error::Invalid {
                    path: images[i].header.path.clone(),
                    problem: "frame size differs from the rest of the series".into(),
                });
            }
            out.copy_from_slice(&frame);
        }
        // The full read must agree with the header pass on what shapes the volume.
        for i in &images {
            if (i.header.rows, i.header.columns) != (Some(rows), Some(cols)) {
                return Err(Error::Invalid {
                    path: i.header.path.clone(),
                    problem: "image size differs from the rest of the series".into(),
                });
            }
        }
        images.iter().any(|i| i.header.lossy)
    };
    let mut files = Vec::new();
    for &(_, i, f) in &frames {
        geometry.positions.push(headers[i].frame_info[f].position);
        if files.last() != Some(&headers[i].path) {
            files.push(headers[i].path.clone());
        }
    }
    let slices = frames.len();
    let acquisition = Acquisition {
        modality: first.modality.clone(),
        manufacturer: first.manufacturer.clone(),
        model: first.model.clone(),
        kvp: first.kvp,
        kernel: first.kernel.clone(),
        slice_thickness_mm: first.slice_thickness,
        increment_mm: geometry.increment_mm(),
        pixel_spacing_mm: Some(spacing),
        rows: Some(rows),
        columns: Some(cols),
        slices: Some(slices as u32),
        study_instance_uid: first.study_uid.clone(),
        series_instance_uid: Some(uid.clone()),
        study_date: first.study_date.clone(),
        series_description: first.series_description.clone(),
        transfer_syntax: Some(first.transfer_syntax.clone()),
        lossy_compression: lossy,
        contrast_agent: first.contrast_agent.clone(),
        body_part: first.body_part.clone(),
        rescale_type: first.rescale_type.clone(),
        gantry_tilt_deg: first.gantry_tilt,
        files: Some(headers.len() as u32),
    };
    Ok(LoadedSeries {
        series_uid: uid,
        volume: Volume {
            columns: cols as usize,
            rows: rows as usize,
            slices,
            hu,
            geometry,
        },
        acquisition,
        files,
    })
}
