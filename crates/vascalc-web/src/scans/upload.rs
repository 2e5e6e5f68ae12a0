//! Folder upload for the review viewer: `POST /api/scans/upload`, a `multipart/form-data` body
//! (the page's `<input type=file webkitdirectory>`) streamed to a private folder.
//!
//! - The server's upload folder is made at the first upload, under the system's temporary folder
//!   with a random name and mode 0700, one per launch; each upload gets a numbered folder (0700)
//!   in it and each DICOM file a numbered name (`000001.dcm`, mode 0600). No name or path the
//!   browser sends is used: the multipart reader does not even return them.
//! - A file is kept only if it is DICOM (`DICM` at byte 128, as `vascalc_dicom::discover`
//!   decides); the others never reach the disk and are counted.
//! - Limits: [`UploadLimits`] (in all, per file, number of files); beyond one, the answer is 413
//!   naming the limit, and the upload's folder is removed.
//! - An upload's folder is removed when it is no longer kept: a newer upload replaces it (unless
//!   an open scan came from it), its scan is closed (`DELETE /api/scans/{id}`) or dropped from
//!   the few kept open, and the whole upload folder when the server ends ([`Uploads::close`],
//!   which `Server::run` calls after a graceful shutdown on Ctrl-C or SIGTERM).

use std::collections::VecDeque;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::StatusCode;

use super::multipart::{self, Reader, Sink};
use crate::error::ApiError;

/// How much one upload may bring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// The whole request body, bytes.
    pub total_bytes: u64,
    /// One DICOM file, bytes.
    pub file_bytes: u64,
    /// DICOM files kept.
    pub files: usize,
}

impl Default for UploadLimits {
    /// 2 GiB in all (the DICOM reader's memory budget; a thin-slice chest study), 512 MiB per
    /// file (a multi-frame CT of about 1,000 frames of 512²), 20,000 files.
    fn default() -> Self {
        Self {
            total_bytes: 2 << 30,
            file_bytes: 512 << 20,
            files: 20_000,
        }
    }
}

/// Bytes in words: `2 GiB (2147483648 bytes)`.
fn size(bytes: u64) -> String {
    let (v, unit) = if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        (bytes >> 30, "GiB")
    } else if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        (bytes >> 20, "MiB")
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        (bytes >> 10, "KiB")
    } else {
        return format!("{bytes} bytes");
    };
    format!("{v} {unit} ({bytes} bytes)")
}

impl UploadLimits {
    pub(crate) fn too_large_total(&self) -> ApiError {
        too_large(format!(
            "the upload is larger than the limit of {} in all: choose only the folder of the scan's \
             series, or type the folder's path above (nothing is copied then)",
            size(self.total_bytes)
        ))
    }

    fn too_large_file(&self, n: usize) -> ApiError {
        too_large(format!(
            "DICOM file {n} of the upload is larger than the limit of {} per file: a CT slice is \
             about 0.5 MiB; type the folder's path above instead",
            size(self.file_bytes)
        ))
    }

    fn too_many_files(&self) -> ApiError {
        too_large(format!(
            "the upload holds more than {} DICOM files, the limit: choose only the folder of the \
             scan's series, or type the folder's path above",
            self.files
        ))
    }
}

fn too_large(reason: String) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", reason)
}

/// One upload's folder; removed when the last holder lets it go.
#[derive(Debug)]
pub struct UploadDir {
    pub id: u32,
    path: PathBuf,
    /// DICOM files kept.
    pub files: usize,
}

impl UploadDir {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for UploadDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The server's uploads: the per-launch folder and the last upload (kept for its series to be
/// opened).
#[derive(Debug)]
pub struct Uploads {
    parent: PathBuf,
    pub limits: UploadLimits,
    next: AtomicU32,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The per-launch folder, once made.
    root: Option<PathBuf>,
    /// No upload after [`Uploads::close`].
    closed: bool,
    /// The last upload (at most [`KEPT`]).
    kept: VecDeque<Arc<UploadDir>>,
}

/// Uploads kept for their series to be opened (an open scan keeps its own upload besides).
const KEPT: usize = 1;

impl Default for Uploads {
    fn default() -> Self {
        Self::new(std::env::temp_dir(), UploadLimits::default())
    }
}

/// A folder only its owner may enter (0700 on Unix); an existing one is an error (no race with
/// another user's folder or link of the same name).
fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        b.mode(0o700);
    }
    b.create(path)
}

fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        o.mode(0o600);
    }
    o.open(path)
}

impl Uploads {
    /// Uploads in a per-launch folder made (at the first upload) in `parent`.
    pub fn new(parent: PathBuf, limits: UploadLimits) -> Self {
        Self {
            parent,
            limits,
            next: AtomicU32::new(0),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>, ApiError> {
        self.inner
            .lock()
            .map_err(|_| ApiError::internal("the uploads' lock was poisoned"))
    }

    /// The per-launch folder, if an upload made it (and the server has not ended).
    pub fn root(&self) -> Option<PathBuf> {
        self.inner.lock().ok().and_then(|i| i.root.clone())
    }

    /// A new, empty, numbered upload folder.
    fn make(&self) -> Result<UploadDir, ApiError> {
        let storage = |e: std::io::Error, what: &Path| {
            ApiError::internal(format!(
                "the upload could not be stored in {} ({e}); check the temporary folder's free \
                 space, or type the folder's path instead",
                what.display()
            ))
        };
        let mut inner = self.lock()?;
        if inner.closed {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the server is stopping",
            ));
        }
        let root = match &inner.root {
            Some(r) => r.clone(),
            None => {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(e.to_string()))?;
                let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                let r = self.parent.join(format!("vascalc-serve-{name}"));
                private_dir(&r).map_err(|e| storage(e, &r))?;
                inner.root = Some(r.clone());
                r
            }
        };
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let path = root.join(id.to_string());
        private_dir(&path).map_err(|e| storage(e, &path))?;
        Ok(UploadDir { id, path, files: 0 })
    }

    fn keep(&self, dir: UploadDir) -> Result<Arc<UploadDir>, ApiError> {
        let dir = Arc::new(dir);
        let mut inner = self.lock()?;
        inner.kept.push_back(dir.clone());
        while inner.kept.len() > KEPT {
            inner.kept.pop_front();
        }
        Ok(dir)
    }

    /// The kept upload `id`, or 404 saying why it may be gone.
    pub fn get(&self, id: u32) -> Result<Arc<UploadDir>, ApiError> {
        self.lock()?
            .kept
            .iter()
            .find(|d| d.id == id)
            .cloned()
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "upload {id} is no longer kept (a newer upload, closing its scan or a restart \
                     removes it): upload the folder again"
                ))
            })
    }

    /// Lets go of upload `id` (its scan was closed): its folder goes when no open scan holds it.
    pub fn forget(&self, id: u32) -> Result<(), ApiError> {
        self.lock()?.kept.retain(|d| d.id != id);
        Ok(())
    }

    /// The server ends: no more uploads, and the per-launch folder is removed with everything
    /// in it.
    pub fn close(&self) {
        let (root, kept) = match self.inner.lock() {
            Ok(mut i) => {
                i.closed = true;
                (i.root.take(), std::mem::take(&mut i.kept))
            }
            Err(poisoned) => {
                let mut i = poisoned.into_inner();
                i.closed = true;
                (i.root.take(), std::mem::take(&mut i.kept))
            }
        };
        drop(kept);
        if let Some(r) = root {
            let _ = std::fs::remove_dir_all(r);
        }
    }
}

impl Drop for Uploads {
    fn drop(&mut self) {
        self.close();
    }
}

/// What an upload brought.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) dir: UploadDir,
    /// Files that are not DICOM (no `DICM` at byte 128), not kept.
    pub(crate) not_dicom: usize,
}

/// The DICOM magic's end: the 128-byte preamble and `DICM`.
const MAGIC_END: usize = 132;

enum Part {
    /// A form field, not a file: ignored.
    Field,
    /// A file's first bytes, until the magic can be checked.
    Head(Vec<u8>),
    File {
        out: std::io::BufWriter<std::fs::File>,
        bytes: u64,
    },
    /// A file that is not DICOM.
    Skip,
}

/// The sink that writes an upload's files.
struct Writer<'a> {
    dir: &'a mut UploadDir,
    limits: UploadLimits,
    part: Part,
    not_dicom: usize,
}

impl Writer<'_> {
    fn open(&mut self, head: &[u8]) -> Result<Part, ApiError> {
        let n = self.dir.files + 1;
        if n > self.limits.files {
            return Err(self.limits.too_many_files());
        }
        let path = self.dir.path.join(format!("{n:06}.dcm"));
        let io = |e: std::io::Error| {
            ApiError::internal(format!(
                "file {n} of the upload could not be written to the server's temporary folder \
                 ({e}); check its free space, or type the folder's path instead"
            ))
        };
        let mut out = std::io::BufWriter::with_capacity(1 << 16, private_file(&path).map_err(io)?);
        out.write_all(head).map_err(io)?;
        Ok(Part::File {
            out,
            bytes: head.len() as u64,
        })
    }
}

impl Sink for Writer<'_> {
    type Error = ApiError;

    fn start(&mut self, file: bool) -> Result<(), ApiError> {
        self.part = if file {
            Part::Head(Vec::with_capacity(MAGIC_END))
        } else {
            Part::Field
        };
        Ok(())
    }

    fn data(&mut self, mut bytes: &[u8]) -> Result<(), ApiError> {
        if let Part::Head(head) = &mut self.part {
            let take = (MAGIC_END - head.len()).min(bytes.len());
            head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if head.len() == MAGIC_END {
                self.part = if &head[128..MAGIC_END] == b"DICM" {
                    let head = std::mem::take(head);
                    self.open(&head)?
                } else {
                    Part::Skip
                };
            }
        }
        if let Part::File { out, bytes: n } = &mut self.part {
            *n += bytes.len() as u64;
            if *n > self.limits.file_bytes {
                return Err(self.limits.too_large_file(self.dir.files + 1));
            }
            out.write_all(bytes).map_err(|e| {
                ApiError::internal(format!(
                    "the upload could not be written to the server's temporary folder ({e}); \
                     check its free space, or type the folder's path instead"
                ))
            })?;
        }
        Ok(())
    }

    fn end(&mut self) -> Result<(), ApiError> {
        match std::mem::replace(&mut self.part, Part::Field) {
            Part::Field => {}
            Part::Head(_) | Part::Skip => self.not_dicom += 1,
            Part::File { mut out, .. } => {
                out.flush().map_err(|e| {
                    ApiError::internal(format!(
                        "the upload could not be written to the server's temporary folder ({e})"
                    ))
                })?;
                self.dir.files += 1;
            }
        }
        Ok(())
    }
}

/// Reads an upload's body, chunk by chunk from `chunks` (a blocking receiver: this runs off the
/// async threads), into a new upload folder. Any error removes the folder.
pub(crate) fn receive(
    uploads: &Uploads,
    boundary: &str,
    mut next_chunk: impl FnMut() -> Option<Result<axum::body::Bytes, ApiError>>,
) -> Result<Received, ApiError> {
    let limits = uploads.limits;
    let mut dir = uploads.make()?;
    let mut reader = Reader::new(boundary);
    let mut writer = Writer {
        dir: &mut dir,
        limits,
        part: Part::Field,
        not_dicom: 0,
    };
    let mut total = 0u64;
    while let Some(chunk) = next_chunk() {
        let chunk = chunk?;
        total += chunk.len() as u64;
        if total > limits.total_bytes {
            return Err(limits.too_large_total());
        }
        reader.feed(&chunk, &mut writer).map_err(multipart_error)?;
    }
    reader.finish::<ApiError>().map_err(multipart_error)?;
    let not_dicom = writer.not_dicom;
    Ok(Received { dir, not_dicom })
}

fn multipart_error(e: multipart::Error<ApiError>) -> ApiError {
    match e {
        multipart::Error::Sink(e) => e,
        multipart::Error::Malformed(why) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("the upload is not a well-formed multipart/form-data body: {why}"),
        ),
    }
}

/// Keeps a received upload for its series to be opened.
pub(crate) fn keep(uploads: &Uploads, r: Received) -> Result<Arc<UploadDir>, ApiError> {
    uploads.keep(r.dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dicom(len: usize, fill: u8) -> Vec<u8> {
        let mut f = vec![fill; len.max(MAGIC_END)];
        f[128..132].copy_from_slice(b"DICM");
        f
    }

    fn body(boundary: &str, files: &[&[u8]]) -> Vec<u8> {
        let mut b = Vec::new();
        for (n, f) in files.iter().enumerate() {
            b.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{n}\"\r\n\r\n"
                )
                .as_bytes(),
            );
            b.extend_from_slice(f);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        b
    }

    fn temp(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("vascalc-upload-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn send(u: &Uploads, body: &[u8], chunk: usize) -> Result<Received, ApiError> {
        let mut chunks = body
            .chunks(chunk)
            .map(|c| Ok(axum::body::Bytes::copy_from_slice(c)));
        receive(u, "b0undary", || chunks.next())
    }

    #[test]
    fn dicom_files_are_kept_numbered_and_others_counted() {
        let parent = temp("kept");
        let u = Uploads::new(parent.clone(), UploadLimits::default());
        let a = dicom(1000, 7);
        let b = dicom(132, 9);
        let body = body("b0undary", &[&a, b"not dicom at all", &[0u8; 200], &b, b""]);
        for chunk in [1, 13, 4096] {
            let r = send(&u, &body, chunk).unwrap();
            assert_eq!((r.dir.files, r.not_dicom), (2, 3), "chunk {chunk}");
            assert_eq!(std::fs::read(r.dir.path().join("000001.dcm")).unwrap(), a);
            assert_eq!(std::fs::read(r.dir.path().join("000002.dcm")).unwrap(), b);
            assert_eq!(std::fs::read_dir(r.dir.path()).unwrap().count(), 2);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode(&u.root().unwrap()), 0o700);
                assert_eq!(mode(r.dir.path()), 0o700);
                assert_eq!(mode(&r.dir.path().join("000001.dcm")), 0o600);
            }
            let path = r.dir.path().to_path_buf();
            drop(r);
            assert!(!path.exists(), "an upload let go of is removed");
        }
        let root = u.root().unwrap();
        u.close();
        assert!(!root.exists());
        assert!(u.make().is_err(), "no upload after the server ends");
        std::fs::remove_dir_all(parent).unwrap();
    }

    #[test]
    fn limits_answer_413_and_leave_nothing() {
        let parent = temp("limits");
        let a = dicom(1000, 1);
        let cases = [
            (
                UploadLimits {
                    total_bytes: 1500,
                    ..UploadLimits::default()
                },
                "1500 bytes in all",
            ),
            (
                UploadLimits {
                    file_bytes: 999,
                    ..UploadLimits::default()
                },
                "999 bytes per file",
            ),
            (
                UploadLimits {
                    files: 1,
                    ..UploadLimits::default()
                },
                "more than 1 DICOM files",
            ),
        ];
        for (limits, words) in cases {
            let u = Uploads::new(parent.clone(), limits);
            let e = send(&u, &body("b0undary", &[&a, &a]), 100).unwrap_err();
            assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
            assert!(e.reason.contains(words), "{words:?} not in {}", e.reason);
            let root = u.root().unwrap();
            assert_eq!(std::fs::read_dir(&root).unwrap().count(), 0, "{words}");
        }
        assert_eq!(
            size(2 << 30),
            "2 GiB (2147483648 bytes)",
            "the limit in words"
        );
        std::fs::remove_dir_all(parent).unwrap();
    }

    #[test]
    fn a_cut_off_upload_is_refused_and_removed() {
        let parent = temp("cut");
        let u = Uploads::new(parent.clone(), UploadLimits::default());
        let full = body("b0undary", &[&dicom(5000, 3)]);
        let e = send(&u, &full[..3000], 512).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.reason.contains("cut off"), "{}", e.reason);
        assert_eq!(std::fs::read_dir(u.root().unwrap()).unwrap().count(), 0);
        drop(u);
        assert_eq!(std::fs::read_dir(&parent).unwrap().count(), 0);
        std::fs::remove_dir_all(parent).unwrap();
    }
}
