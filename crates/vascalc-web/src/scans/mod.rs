//! The review viewer's API (`/api/scans/…`) and page (`/review`): open a DICOM folder on this
//! computer, score a series with the automatic anatomy (as `vascalc scan score --regions auto`),
//! keep it in memory, serve its slices (Int16 HU) and overlays (lesion runs, heart region), score
//! the reviewer's assignment on the server, download it as an `--assign` file and save the
//! reviewed scan into the record through vascalc-app.
//!
//! The server reads only the folder a person names (a POST, so behind the token and the
//! same-origin check) and never writes there. A folder can also be uploaded from the browser
//! ([`upload`]): its DICOM files go to a private folder of this launch, numbered, and are
//! removed when its scan is closed and when the server ends.

mod multipart;
pub(crate) mod openapi;
mod session;
pub mod upload;

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use vascalc_ct::{Review, SeriesScore, Totals};
use vascalc_dicom::{SeriesFilter, load_series_each};

use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::{Routes, Shared};
use session::{LesionRow, Reviewed, Session};
pub use session::{MAX_SESSIONS, NO_DATA, Sessions, groups_3d};
pub use upload::{UploadLimits, Uploads};

pub(crate) fn register(r: Routes) -> Routes {
    r.add("/review", &["GET"], get(page))
        .add("/api/scans/folder", &["POST"], post(folder))
        .add("/api/scans/upload", &["POST"], post(upload))
        .add("/api/scans", &["POST"], post(open))
        .add(
            "/api/scans/{id}",
            &["GET", "DELETE"],
            get(show).delete(close),
        )
        .add("/api/scans/{id}/slice", &["GET"], get(slice))
        .add("/api/scans/{id}/overlay", &["GET"], get(overlay))
        .add(
            "/api/scans/{id}/assignment",
            &["GET", "PUT"],
            get(download).put(assign),
        )
        .add("/api/scans/{id}/save", &["POST"], post(save))
}

async fn page(State(state): State<Shared>) -> Response {
    let limits = state.uploads.limits;
    let body = include_str!("../../assets/review.html")
        .replace("UPLOAD_TOTAL_BYTES", &limits.total_bytes.to_string())
        .replace("UPLOAD_FILE_BYTES", &limits.file_bytes.to_string());
    let page = crate::pages::shell(
        &state.token,
        "/review",
        "Review a CT scan",
        Some("review.js"),
        &body,
    );
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        page,
    )
        .into_response()
}

#[derive(Deserialize)]
struct FolderIn {
    path: String,
}

/// The folder a person typed: it must exist and be a folder (a file, a device or nothing is
/// refused before anything is read).
fn checked_folder(path: &str) -> Result<PathBuf, ApiError> {
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err(ApiError::invalid(
            "path",
            "type the path of a folder of DICOM files on this computer, e.g. /home/me/scans/2024-05-01",
        ));
    }
    let p = PathBuf::from(trimmed);
    match std::fs::metadata(&p) {
        Ok(m) if m.is_dir() => Ok(p),
        Ok(_) => Err(ApiError::invalid(
            "path",
            format!(
                "{trimmed} is not a folder: give the folder that holds the scan's DICOM files (every file in it and below is read)"
            ),
        )),
        Err(e) => Err(ApiError::invalid(
            "path",
            format!("{trimmed} cannot be opened ({e}): give the path of an existing folder"),
        )),
    }
}

fn dicom_error(e: vascalc_dicom::Error) -> ApiError {
    ApiError::invalid("path", e.to_string())
}

/// One series of a folder, from its files' headers.
#[derive(Serialize, Default)]
struct SeriesRow {
    series_uid: String,
    description: Option<String>,
    body_part: Option<String>,
    modality: Option<String>,
    study_date: Option<String>,
    rows: Option<u32>,
    columns: Option<u32>,
    images: usize,
}

#[derive(Serialize)]
struct FolderOut {
    path: String,
    series: Vec<SeriesRow>,
    /// Files that are not CT images (reports, DICOMDIR, other files), left out.
    skipped: usize,
    /// Files that could not be read, with the reason (the first few).
    problems: Vec<String>,
}

/// The CT series of a folder, from its files' headers.
struct Listing {
    series: Vec<SeriesRow>,
    /// Files found.
    files: usize,
    /// Files that are not CT images.
    left_out: usize,
    problems: Vec<String>,
}

impl Listing {
    /// Why nothing can be opened, when no series was found.
    fn nothing(&self, what: &str) -> String {
        format!(
            "{what} holds no CT image series ({} file(s) found, {} left out as not CT images{}): choose the folder of the scan's DICOM files",
            self.files,
            self.left_out,
            self.problems
                .first()
                .map(|p| format!("; {p}"))
                .unwrap_or_default()
        )
    }
}

fn list_series(dir: &std::path::Path) -> Result<Listing, ApiError> {
    let (files, skipped) = vascalc_dicom::discover(&[dir.to_path_buf()]).map_err(dicom_error)?;
    let mut series: BTreeMap<String, SeriesRow> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut left_out = skipped.len();
    for f in &files {
        let h = match vascalc_dicom::read_header(f) {
            Ok(h) => h,
            Err(e) => {
                if problems.len() < 5 {
                    problems.push(e.to_string());
                }
                continue;
            }
        };
        if h.skip_reason().is_some() {
            left_out += 1;
            continue;
        }
        let Some(uid) = h.series_uid.clone() else {
            left_out += 1;
            continue;
        };
        let row = series.entry(uid.clone()).or_insert_with(|| SeriesRow {
            series_uid: uid,
            description: h.series_description.clone(),
            body_part: h.body_part.clone(),
            modality: h.modality.clone(),
            study_date: h.study_date.clone(),
            rows: h.rows,
            columns: h.columns,
            images: 0,
        });
        row.images += h.frames.max(1) as usize;
    }
    Ok(Listing {
        series: series.into_values().collect(),
        files: files.len(),
        left_out,
        problems,
    })
}

/// `POST /api/scans/folder {"path"}`: the CT series of a folder, from the headers only.
async fn folder(ApiJson(input): ApiJson<FolderIn>) -> Result<Response, ApiError> {
    let dir = checked_folder(&input.path)?;
    let out = blocking(move || {
        let listing = list_series(&dir)?;
        if listing.series.is_empty() {
            return Err(ApiError::invalid(
                "path",
                listing.nothing(&dir.display().to_string()),
            ));
        }
        Ok(FolderOut {
            path: dir.display().to_string(),
            series: listing.series,
            skipped: listing.left_out,
            problems: listing.problems,
        })
    })
    .await?;
    crate::json(&out)
}

#[derive(Serialize)]
struct UploadOut {
    /// The upload's number, for `POST /api/scans {"upload"}`.
    upload: u32,
    /// DICOM files received.
    files: usize,
    /// Files received that are not DICOM (not kept).
    not_dicom: usize,
    series: Vec<SeriesRow>,
    /// DICOM files that are not CT images (reports, DICOMDIR, …), left out.
    skipped: usize,
    problems: Vec<String>,
}

/// `POST /api/scans/upload` (multipart/form-data, the files of a folder): the files streamed to
/// a private folder of this launch, then the CT series as `/api/scans/folder` lists them.
async fn upload(
    State(state): State<Shared>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    use http_body_util::BodyExt as _;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(boundary) = multipart::boundary(content_type) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the folder's files as multipart/form-data (a form with <input type=file \
             webkitdirectory>), with its boundary in Content-Type",
        ));
    };
    let limits = state.uploads.limits;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.total_bytes) {
        return Err(limits.too_large_total());
    }
    // The body is read here and written off the async threads; the channel's bound holds the
    // reading back while the disk is slower.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, ApiError>>(8);
    let st = state.clone();
    let worker = tokio::task::spawn_blocking(move || {
        let received = upload::receive(&st.uploads, &boundary, || rx.blocking_recv())?;
        drop(rx);
        if received.dir.files == 0 {
            return Err(ApiError::invalid(
                "files",
                format!(
                    "none of the {} file(s) uploaded is a DICOM file (DICM at byte 128): choose \
                     the folder of the scan's DICOM files",
                    received.not_dicom
                ),
            ));
        }
        let listing = list_series(received.dir.path())?;
        if listing.series.is_empty() {
            return Err(ApiError::invalid("files", listing.nothing("the upload")));
        }
        let not_dicom = received.not_dicom;
        let dir = upload::keep(&st.uploads, received)?;
        Ok(UploadOut {
            upload: dir.id,
            files: dir.files,
            not_dicom,
            series: listing.series,
            skipped: listing.left_out,
            problems: listing.problems,
        })
    });
    let mut body = body;
    loop {
        let chunk = match body.frame().await {
            None => break,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => Ok(data),
                Err(_) => continue, // trailers
            },
            Some(Err(e)) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("the upload was cut off ({e}); try again"),
            )),
        };
        let failed = chunk.is_err();
        // The worker stops receiving when it refuses the upload: its answer says why.
        if tx.send(chunk).await.is_err() || failed {
            break;
        }
    }
    drop(tx);
    let out = worker
        .await
        .map_err(|e| ApiError::internal(format!("the upload's worker failed: {e}")))??;
    let mut r = crate::json(&out)?;
    *r.status_mut() = StatusCode::CREATED;
    Ok(r)
}

#[derive(Deserialize)]
struct OpenIn {
    /// A folder on this computer …
    path: Option<String>,
    /// … or an upload's number (from `POST /api/scans/upload`).
    upload: Option<u32>,
    /// The SeriesInstanceUID to open; needed when the folder holds several series.
    series_uid: Option<String>,
}

/// `POST /api/scans {"path" | "upload", "series_uid"}`: loads and scores one series, keeps it
/// open.
async fn open(
    State(state): State<Shared>,
    ApiJson(input): ApiJson<OpenIn>,
) -> Result<Response, ApiError> {
    let (dir, from_upload) = match (input.path.as_deref(), input.upload) {
        (Some(p), None) => (checked_folder(p)?, None),
        (None, Some(n)) => {
            let u = state.uploads.get(n)?;
            (u.path().to_path_buf(), Some(u))
        }
        _ => {
            return Err(ApiError::invalid(
                "path",
                "give either the path of a folder on this computer or the number of an upload, \
                 not both",
            ));
        }
    };
    let uid = input.series_uid.filter(|u| !u.trim().is_empty());
    let shown = match &from_upload {
        Some(u) => format!("upload {}", u.id),
        None => dir.display().to_string(),
    };
    let session = blocking(move || {
        let filter = SeriesFilter {
            series_uid: uid.clone(),
            ..SeriesFilter::default()
        };
        let mut loaded =
            load_series_each(std::slice::from_ref(&dir), &filter).map_err(dicom_error)?;
        if loaded.series.len() > 1 {
            let uids: Vec<&str> = loaded
                .series
                .iter()
                .map(|s| s.series_uid.as_str())
                .collect();
            return Err(ApiError::invalid(
                "series_uid",
                format!(
                    "{shown} holds {} series ({}): choose one",
                    uids.len(),
                    uids.join(", ")
                ),
            ));
        }
        let Some(series) = loaded.series.pop() else {
            let why: Vec<String> = loaded.failures.iter().map(|e| e.to_string()).collect();
            return Err(ApiError::invalid(
                "path",
                format!("no series could be read: {}", why.join("; ")),
            ));
        };
        let mut session = Session::score(dir, series.series_uid, series.volume, series.acquisition)
            .map_err(|e| ApiError::invalid("path", e.to_string()))?;
        session.upload = from_upload;
        Ok(session)
    })
    .await?;
    let session = state.scans.insert(session)?;
    let reviewed = session.reviewed()?;
    let mut r = crate::json(&view(&session, &reviewed, true))?;
    *r.status_mut() = StatusCode::CREATED;
    Ok(r)
}

/// `DELETE /api/scans/{id}`: closes the scan (forgets it; an uploaded folder's copy is removed).
async fn close(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let s = state.scans.remove(&id)?;
    if let Some(u) = &s.upload {
        state.uploads.forget(u.id)?;
    }
    drop(s);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Runs `f` off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("the request's worker failed: {e}")))?
}

/// What the viewer needs to know of an open scan: the pixel grid (the header of the Int16
/// slices), the score of the current assignment without the lesions' voxels, and a compact
/// lesion table.
#[derive(Serialize)]
struct View<'a> {
    id: u32,
    folder: String,
    series_uid: &'a str,
    columns: usize,
    rows: usize,
    slices: usize,
    /// (row spacing, column spacing) in mm, as DICOM PixelSpacing.
    pixel_spacing_mm: [f64; 2],
    increment_mm: Option<f64>,
    /// Each slice's position along the slice normal, mm.
    slice_locations_mm: Vec<f64>,
    /// How `/slice` encodes a slice.
    slice_encoding: &'static str,
    no_data: i16,
    assignment: &'a BTreeMap<u32, String>,
    /// The score of the current assignment (`vascalc scan score --assign`): counted lesions only.
    totals: &'a Totals,
    per_artery: &'a BTreeMap<String, Totals>,
    /// Withheld (`null`) while candidates are unreviewed or the series is not interpreted: the
    /// flags say why.
    cac_drs: Option<&'a str>,
    review: Option<&'a Review>,
    flags: &'a [vascalc_ct::Flag],
    acquisition: &'a vascalc_ct::Acquisition,
    convention: &'static str,
    /// Whether `lesions` lists every lesion (opening, `GET`), or only the lesions the assignment
    /// names (`PUT`: the others keep the status the series was opened with; a real chest CT has
    /// thousands of lesions, so a change answers only what it changed).
    lesions_all: bool,
    lesions: Vec<LesionRow<'a>>,
}

fn view<'a>(s: &'a Session, r: &'a Reviewed, all: bool) -> View<'a> {
    let g = &s.volume.geometry;
    let score: &SeriesScore = &r.score;
    let groups = s.groups();
    View {
        id: s.id,
        folder: s.shown_folder(),
        series_uid: &s.series_uid,
        columns: s.volume.columns,
        rows: s.volume.rows,
        slices: s.volume.slices,
        pixel_spacing_mm: [g.row_spacing_mm, g.column_spacing_mm],
        increment_mm: g.increment_mm(),
        slice_locations_mm: g.slice_locations(),
        slice_encoding: "Int16 HU, little endian, row by row (columns × rows values); no_data for padding",
        no_data: NO_DATA,
        assignment: &r.assignment,
        totals: &score.totals,
        per_artery: &score.per_artery,
        cac_drs: score.cac_drs.as_deref(),
        review: score.review.as_ref(),
        flags: &score.flags,
        acquisition: &score.acquisition,
        convention: score.conventions.convention.name.as_str(),
        lesions_all: all,
        lesions: score
            .lesions
            .iter()
            .filter(|l| all || r.assignment.contains_key(&l.id))
            .map(|l| LesionRow {
                id: l.id,
                group: groups
                    .get(l.id.saturating_sub(1) as usize)
                    .copied()
                    .unwrap_or(l.id),
                status: l.status,
                label: l.label.as_deref(),
                reasons: &l.reasons,
                slices: l.slices,
                centroid_mm: l.centroid_mm,
                agatston: l.agatston,
                volume_mm3: l.volume_mm3,
            })
            .collect(),
    }
}

async fn show(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let s = state.scans.get(&id)?;
    let r = s.reviewed()?;
    crate::json(&view(&s, &r, true))
}

#[derive(Deserialize)]
struct SliceQuery {
    k: Option<String>,
}

fn slice_index(s: &Session, q: &SliceQuery) -> Result<usize, ApiError> {
    let n = s.volume.slices;
    let text = q.k.as_deref().unwrap_or("");
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|k| *k < n)
        .ok_or_else(|| {
            ApiError::invalid(
                "k",
                format!(
                    "slice {text:?} is not a slice of this series: give k from 0 to {}",
                    n.saturating_sub(1)
                ),
            )
        })
}

/// The open scan `id` and the slice the query's `k` names (404 and 422 otherwise).
fn open_slice(
    state: &Shared,
    id: &str,
    q: &SliceQuery,
) -> Result<(std::sync::Arc<Session>, usize), ApiError> {
    let s = state.scans.get(id)?;
    let k = slice_index(&s, q)?;
    Ok((s, k))
}

fn checked_but_absent() -> ApiError {
    ApiError::internal("slice index checked but absent")
}

/// `GET /api/scans/{id}/slice?k=N`: slice N as Int16 HU (application/octet-stream).
async fn slice(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SliceQuery>,
) -> Result<Response, ApiError> {
    let (s, k) = open_slice(&state, &id, &q)?;
    let bytes = s.slice_bytes(k).ok_or_else(checked_but_absent)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/scans/{id}/overlay?k=N`: slice N's lesion runs and heart region.
async fn overlay(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SliceQuery>,
) -> Result<Response, ApiError> {
    let (s, k) = open_slice(&state, &id, &q)?;
    let o = s.overlay(k).ok_or_else(checked_but_absent)?;
    crate::json(&o)
}

#[derive(Deserialize)]
struct AssignIn {
    /// Lesion id → artery (`LM`, `LAD`, `LCX`, `RCA`, `non_coronary`, or a region name).
    assignment: BTreeMap<String, String>,
}

/// `PUT /api/scans/{id}/assignment {"assignment": {"3": "LAD"}}`: scores the whole assignment.
async fn assign(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AssignIn>,
) -> Result<Response, ApiError> {
    let s = state.scans.get(&id)?;
    let mut map = BTreeMap::new();
    for (k, v) in input.assignment {
        let id: u32 = k.trim().parse().map_err(|_| {
            ApiError::invalid(
                "assignment",
                format!("lesion id {k:?} is not a whole number"),
            )
        })?;
        map.insert(id, v.trim().to_string());
    }
    let s2 = s.clone();
    let r = blocking(move || s2.assign(map)).await?;
    crate::json(&view(&s, &r, false))
}

/// `GET /api/scans/{id}/assignment`: the assignment as the `--assign` file (`id,artery` lines).
async fn download(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let s = state.scans.get(&id)?;
    let r = s.reviewed()?;
    let text = assign_file(&s, &r);
    let name = format!(
        "attachment; filename=\"assign-{}.csv\"",
        s.series_uid
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect::<String>()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&name)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        text,
    )
        .into_response())
}

/// The `--assign` file: comment lines (folder, series, convention, totals), then `id,artery`.
fn assign_file(s: &Session, r: &Reviewed) -> String {
    // An upload's copy is gone once the scan is closed: the person names their own folder.
    let folder = match &s.upload {
        Some(_) => "YOUR_FOLDER".to_string(),
        None => s.folder.display().to_string(),
    };
    let mut out = format!(
        "# vascalc review of series {} in {}\n# reproduce: vascalc scan score {} --series {} --assign THIS_FILE\n# convention {}; counted Agatston {:.3}; CAC-DRS {}\nid,artery\n",
        s.series_uid,
        s.shown_folder(),
        folder,
        s.series_uid,
        r.score.conventions.convention.name.as_str(),
        r.score.totals.agatston,
        r.score
            .cac_drs
            .as_deref()
            .unwrap_or("not given (unreviewed or not interpreted)"),
    );
    for (id, name) in &r.assignment {
        out.push_str(&format!("{id},{name}\n"));
    }
    out
}

#[derive(Deserialize)]
struct SaveIn {
    reviewer: String,
    person: Option<String>,
    /// The scan's date, YYYY-MM-DD; default: the series' StudyDate.
    date: Option<String>,
}

#[derive(Serialize)]
struct Saved {
    id: vascalc_app::record::EntryId,
    person: String,
    scan: vascalc_app::record::Scan,
}

/// `POST /api/scans/{id}/save {"reviewer", "person", "date"}`: the reviewed scan into the
/// record (vascalc-app's `add_reviewed_scan`), with its provenance.
async fn save(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SaveIn>,
) -> Result<Response, ApiError> {
    let s = state.scans.get(&id)?;
    let r = s.reviewed()?;
    // Said before the record is opened, by the rule `scan add --from-json` follows too.
    vascalc_app::scans::check_series(&r.score)?;
    let date = match input
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) => Some(vascalc_app::dates::parse("date", d)?),
        None => None,
    };
    let provenance = vascalc_app::ReviewProvenance {
        reviewer: input.reviewer.trim().to_string(),
        reviewed_at: jiff::Timestamp::now().to_string(),
        convention: r.score.conventions.convention.name.as_str().to_string(),
        assignment: r.assignment.clone(),
        tool: format!("vascalc serve {}", env!("CARGO_PKG_VERSION")),
    };
    let person = input.person;
    let out = crate::record::with_app(&state, false, move |app| {
        let (p, id, scan) =
            app.add_reviewed_scan(person.as_deref(), date, &r.score, &provenance)?;
        Ok(Saved {
            id,
            person: p.name,
            scan,
        })
    })
    .await?;
    let mut resp = crate::json(&out)?;
    *resp.status_mut() = StatusCode::CREATED;
    Ok(resp)
}
