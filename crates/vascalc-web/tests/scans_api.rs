//! The review viewer's API (`/api/scans/…`) through the whole app (middleware included): bad
//! folders, a folder without DICOM, a head CT and a 3-slice volume (flagged, not interpreted), and
//! the anatomical chest phantom written as DICOM: slices, overlays, an assignment scored by the
//! server, the `--assign` file, and saving into the record.

mod common;

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Answer, HOST, ORIGIN, Server, TOKEN};
use serde_json::{Value, json};
use vascalc_phantom::chest::{ChestSpec, chest_truth, render_chest};
use vascalc_phantom::dicom::{WriteOptions, write_chest_series};
use vascalc_web::scans::{UploadLimits, Uploads};

/// What the viewer's tests add to the shared server.
trait ScansServer {
    fn with_limits(tag: &str, limits: UploadLimits) -> Self;
    fn open(&self, path: &Path) -> Answer;
    fn upload(&self, body: Vec<u8>, token: bool) -> Answer;
    fn uploaded(&self) -> Vec<PathBuf>;
}

impl ScansServer for Server {
    /// A server whose uploads go under `dir()/tmp`, with `limits`.
    fn with_limits(tag: &str, limits: UploadLimits) -> Self {
        Self::with(tag, |state, dir| {
            std::fs::create_dir_all(dir.join("tmp")).unwrap();
            state.uploads = Uploads::new(dir.join("tmp"), limits);
        })
    }

    fn open(&self, path: &Path) -> Answer {
        self.write("POST", "/api/scans", &json!({"path": path}))
    }

    /// `POST /api/scans/upload` of `body` (a multipart body with BOUNDARY), with the token or
    /// without.
    fn upload(&self, body: Vec<u8>, token: bool) -> Answer {
        let mut r = Request::post("/api/scans/upload")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, ORIGIN)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            );
        if token {
            r = r.header("x-vascalc-token", TOKEN);
        }
        self.send(r.body(Body::from(body)).unwrap())
    }

    /// Every file and folder under the uploads' parent folder.
    fn uploaded(&self) -> Vec<PathBuf> {
        fn walk(d: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                out.push(p.clone());
                if p.is_dir() {
                    walk(&p, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.dir().join("tmp"), &mut out);
        out
    }
}

const BOUNDARY: &str = "----vascalcTestBoundary7MA4YWxk";

/// A multipart body as Chromium sends `<input type=file webkitdirectory>`'s files, each named
/// by its path in the folder (which the server must not use).
fn multipart(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = Vec::new();
    for (name, bytes) in files {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

/// The files of `dir` (sorted), named as the browser would: `../../FOLDER/NAME`.
fn folder_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            (
                format!("../../chest/{}", p.file_name().unwrap().to_string_lossy()),
                std::fs::read(p).unwrap(),
            )
        })
        .collect()
}

fn invalid(a: &Answer, field: &str, words: &str) {
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.json());
    let v = a.json();
    assert_eq!(v["error"], "invalid", "{v}");
    assert_eq!(v["field"], field, "{v}");
    assert!(
        v["reason"].as_str().unwrap().contains(words),
        "{words:?} not in {v}"
    );
}

fn codes(v: &Value) -> Vec<String> {
    v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The chest phantom (noise-free, seed 1) as DICOM in `dir/series`.
fn chest_series(dir: &Path, body_part_head: bool) -> (PathBuf, ChestSpec) {
    let spec = ChestSpec {
        noise_sd_hu: 0.0,
        ..ChestSpec::small(1)
    };
    let series = dir.join(if body_part_head { "head" } else { "chest" });
    std::fs::create_dir_all(&series).unwrap();
    let volume = render_chest(&spec).unwrap();
    let options = WriteOptions {
        uid_seed: 0x5eed_1400 + u128::from(body_part_head),
        ..WriteOptions::new()
    };
    write_chest_series(&series, &volume, &chest_truth(&spec), &options).unwrap();
    if body_part_head {
        // BodyPartExamined (0018,0015) CS "CHEST " → "HEAD  ": a head CT's header.
        let from = [
            0x18, 0x00, 0x15, 0x00, b'C', b'S', 6, 0, b'C', b'H', b'E', b'S', b'T', b' ',
        ];
        let to = [
            0x18, 0x00, 0x15, 0x00, b'C', b'S', 6, 0, b'H', b'E', b'A', b'D', b' ', b' ',
        ];
        let mut patched = 0;
        for f in std::fs::read_dir(&series).unwrap() {
            let p = f.unwrap().path();
            let mut bytes = std::fs::read(&p).unwrap();
            if let Some(at) = bytes.windows(from.len()).position(|w| w == from) {
                bytes[at..at + to.len()].copy_from_slice(&to);
                std::fs::write(&p, bytes).unwrap();
                patched += 1;
            }
        }
        assert_eq!(patched, spec.slices as usize, "every slice says HEAD");
    }
    (series, spec)
}

#[test]
fn bad_folders_are_refused_with_the_reason() {
    let s = Server::new("bad");
    invalid(&s.open(Path::new("")), "path", "type the path of a folder");
    invalid(
        &s.open(&s.dir().join("nowhere")),
        "path",
        "cannot be opened",
    );
    let file = s.dir().join("notes.txt");
    std::fs::write(&file, "not a scan").unwrap();
    invalid(&s.open(&file), "path", "is not a folder");
    invalid(
        &s.write("POST", "/api/scans/folder", &json!({"path": file})),
        "path",
        "is not a folder",
    );
    // A folder with no DICOM in it.
    let empty = s.dir().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("readme.txt"), "hello").unwrap();
    for a in [
        s.open(&empty),
        s.write("POST", "/api/scans/folder", &json!({"path": empty})),
    ] {
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.json());
        assert_eq!(a.json()["field"], "path");
    }
    // Opening is a write: without the token it is refused before anything is read.
    let a = s.send(
        Request::post("/api/scans")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({"path": empty}).to_string()))
            .unwrap(),
    );
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // Unknown scans and slices.
    assert_eq!(s.get("/api/scans/7").status, StatusCode::NOT_FOUND);
    assert_eq!(
        s.get("/api/scans/x/slice?k=0").status,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn a_three_slice_volume_is_flagged_and_not_interpreted() {
    let Some(dir) = vascalc_testdata::require("ct/dcmqi-ct-3slice") else {
        return;
    };
    let s = Server::new("3slice");
    let listed = s.write("POST", "/api/scans/folder", &json!({"path": dir}));
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json());
    assert_eq!(listed.json()["series"][0]["images"], 3);
    let a = s.open(&dir);
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let v = a.json();
    assert_eq!(v["slices"], 3);
    assert!(codes(&v).contains(&"short_coverage".to_string()), "{v}");
    assert!(v["cac_drs"].is_null());
    let id = v["id"].as_u64().unwrap();
    let save = s.write(
        "POST",
        &format!("/api/scans/{id}/save"),
        &json!({"reviewer": "A. Reviewer", "date": "2024-01-02"}),
    );
    invalid(&save, "score", "not interpreted");
}

#[test]
fn a_head_ct_is_flagged_and_not_interpreted() {
    let s = Server::new("head");
    let (series, _) = chest_series(s.dir(), true);
    let a = s.open(&series);
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let v = a.json();
    assert_eq!(v["acquisition"]["body_part"], "HEAD");
    assert!(codes(&v).contains(&"not_chest".to_string()), "{v}");
    assert!(v["cac_drs"].is_null());
    // Naming every lesion does not make a head CT interpretable.
    let all: serde_json::Map<String, Value> = v["lesions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["id"].to_string(), json!("LAD")))
        .collect();
    let id = v["id"].as_u64().unwrap();
    let r = s.write(
        "PUT",
        &format!("/api/scans/{id}/assignment"),
        &json!({"assignment": all}),
    );
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["cac_drs"].is_null());
}

#[test]
fn chest_phantom_review_scored_by_the_server_and_saved() {
    let s = Server::new("chest");
    let (series, spec) = chest_series(s.dir(), false);
    let listed = s.write("POST", "/api/scans/folder", &json!({"path": series}));
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json());
    let l = listed.json();
    assert_eq!(l["series"].as_array().unwrap().len(), 1);
    assert_eq!(l["series"][0]["body_part"], "CHEST");
    assert_eq!(l["series"][0]["images"], spec.slices);

    let a = s.open(&series);
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let v = a.json();
    let id = v["id"].as_u64().unwrap();
    let (cols, rows, slices) = (
        v["columns"].as_u64().unwrap() as usize,
        v["rows"].as_u64().unwrap() as usize,
        v["slices"].as_u64().unwrap() as usize,
    );
    assert_eq!((cols, rows, slices), (256, 256, spec.slices as usize));
    assert_eq!(v["pixel_spacing_mm"], json!([spec.pixel_mm, spec.pixel_mm]));
    assert!(codes(&v).contains(&"unreviewed".to_string()));
    assert!(v["cac_drs"].is_null(), "no CAC-DRS while unreviewed");
    assert_eq!(v["totals"]["lesions"], 0, "candidates are not counted");

    // A slice: Int16 little endian, columns × rows; air outside the body, soft tissue inside.
    let heart = v["review"]["anatomy"]["heart_slices"].clone();
    let mid = (heart[0].as_u64().unwrap() + heart[1].as_u64().unwrap()) / 2;
    let px = s.get(&format!("/api/scans/{id}/slice?k={mid}"));
    assert_eq!(px.status, StatusCode::OK);
    assert_eq!(px.headers[header::CONTENT_TYPE], "application/octet-stream");
    assert_eq!(px.body.len(), cols * rows * 2);
    let hu = |i: usize, j: usize| {
        let o = (j * cols + i) * 2;
        i16::from_le_bytes([px.body[o], px.body[o + 1]])
    };
    assert!(hu(0, 0) < -900, "corner is air: {}", hu(0, 0));
    assert!(
        (-200..200).contains(&hu(cols / 2, rows / 2 - 20)),
        "{}",
        hu(cols / 2, rows / 2 - 20)
    );
    for bad in ["", "-1", "x", &slices.to_string()] {
        invalid(
            &s.get(&format!("/api/scans/{id}/slice?k={bad}")),
            "k",
            "from 0 to",
        );
    }

    // Overlays: every lesion's voxels appear once over the slices, the heart region is outlined.
    let mut voxels = vec![0u64; v["lesions"].as_array().unwrap().len()];
    let mut heart_voxels = 0u64;
    for k in 0..slices {
        let o = s.get(&format!("/api/scans/{id}/overlay?k={k}")).json();
        for r in o["runs"].as_array().unwrap() {
            let r: Vec<u64> = r
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            voxels[r[0] as usize - 1] += r[3] - r[2];
        }
        for r in o["heart"].as_array().unwrap() {
            heart_voxels += r[2].as_u64().unwrap() - r[1].as_u64().unwrap();
        }
    }
    assert!(heart_voxels > 0);
    let lesions = v["lesions"].as_array().unwrap();
    let score_json = {
        // The lesions' voxel counts from the scorer, through the open call's lesion table.
        let a = s.get(&format!("/api/scans/{id}"));
        assert_eq!(a.status, StatusCode::OK);
        a.json()
    };
    assert_eq!(score_json["lesions"], v["lesions"]);
    assert_eq!(score_json["lesions_all"], true);
    assert!(voxels.iter().all(|&n| n > 0), "every lesion has voxels");

    // The reviewer names every candidate LAD, then changes their mind about one.
    let mut assignment = serde_json::Map::new();
    let mut lad_candidates = Vec::new();
    for l in lesions.iter().filter(|l| l["status"] == "candidate") {
        let id = l["id"].as_u64().unwrap();
        assignment.insert(id.to_string(), json!("LAD"));
        lad_candidates.push(id);
    }
    assert!(!lad_candidates.is_empty());
    // An unknown lesion or an empty name is refused; nothing changes.
    for (bad, words) in [
        (json!({"99999": "LAD"}), "does not exist"),
        (json!({"1": " "}), "is empty"),
        (json!({"one": "LAD"}), "not a whole number"),
    ] {
        invalid(
            &s.write(
                "PUT",
                &format!("/api/scans/{id}/assignment"),
                &json!({"assignment": bad}),
            ),
            "assignment",
            words,
        );
    }
    // Everything LAD: the server's totals, CAC-DRS with N1.
    let r = s.write(
        "PUT",
        &format!("/api/scans/{id}/assignment"),
        &json!({"assignment": assignment}),
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    let all_lad = r.json();
    assert!(!codes(&all_lad).contains(&"unreviewed".to_string()));
    let lad = all_lad["per_artery"]["LAD"]["agatston"].as_f64().unwrap();
    assert!(lad > 0.0);
    assert_eq!(all_lad["totals"]["agatston"].as_f64().unwrap(), lad);
    assert!(
        all_lad["cac_drs"].as_str().unwrap().ends_with("/N1"),
        "{}",
        all_lad["cac_drs"]
    );
    // One candidate declared not coronary: excluded by the reviewer, out of the LAD total.
    let first = lad_candidates[0];
    assignment.insert(first.to_string(), json!("non_coronary"));
    let r = s
        .write(
            "PUT",
            &format!("/api/scans/{id}/assignment"),
            &json!({"assignment": assignment}),
        )
        .json();
    // A change answers the named lesions only (the others keep their status as opened).
    assert_eq!(r["lesions_all"], false);
    assert_eq!(r["lesions"].as_array().unwrap().len(), assignment.len());
    let row = r["lesions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == first)
        .unwrap();
    assert_eq!(row["status"], "excluded");
    assert_eq!(row["reasons"], json!(["reviewer_not_coronary"]));
    let dropped = row["agatston"].as_f64().unwrap();
    let lad2 = r["per_artery"]["LAD"]["agatston"].as_f64().unwrap();
    assert!(
        (lad2 - (lad - dropped)).abs() < 1e-9,
        "{lad2} vs {lad} − {dropped}"
    );

    // The --assign file.
    let f = s.get(&format!("/api/scans/{id}/assignment"));
    assert_eq!(f.status, StatusCode::OK);
    assert!(
        f.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let text = String::from_utf8(f.body.clone()).unwrap();
    assert!(
        text.contains(&format!("\n{first},non_coronary\n")),
        "{text}"
    );
    let lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && *l != "id,artery")
        .count();
    assert_eq!(lines, lad_candidates.len());

    // Saving: a reviewer is needed; then the scan is in the record with its provenance.
    let person = s.write(
        "POST",
        "/api/people",
        &json!({"name": "pat", "birth_date": "1960-01-01", "sex": "male", "race": "white"}),
    );
    assert_eq!(person.status, StatusCode::CREATED, "{}", person.json());
    invalid(
        &s.write(
            "POST",
            &format!("/api/scans/{id}/save"),
            &json!({"reviewer": " "}),
        ),
        "reviewer",
        "name who reviewed",
    );
    let saved = s.write(
        "POST",
        &format!("/api/scans/{id}/save"),
        &json!({"reviewer": "Dr Who", "date": "2024-05-01"}),
    );
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.json());
    let entries = s.get("/api/entries?kind=scan").json();
    let scan = &entries[0]["entry"];
    assert_eq!(entries[0]["kind"], "scan");
    assert_eq!(scan["date"], "2024-05-01");
    assert_eq!(scan["source"], "score");
    assert!((scan["agatston"].as_f64().unwrap() - lad2).abs() < 1e-9);
    assert!((scan["per_artery"]["lad"].as_f64().unwrap() - lad2).abs() < 1e-9);
    let p = &scan["score"]["review_provenance"];
    assert_eq!(p["reviewer"], "Dr Who");
    assert_eq!(p["convention"], "classic");
    assert_eq!(p["assignment"][first.to_string()], "non_coronary");
    assert!(p["reviewed_at"].as_str().unwrap().ends_with('Z'));
    // A second save on the same day is refused by the record (one scan a day).
    let again = s.write(
        "POST",
        &format!("/api/scans/{id}/save"),
        &json!({"reviewer": "Dr Who", "date": "2024-05-01"}),
    );
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.json());
}

#[test]
fn only_a_few_scans_stay_open() {
    let s = Server::new("sessions");
    let Some(dir) = vascalc_testdata::require("ct/dcmqi-ct-3slice") else {
        return;
    };
    let ids: Vec<u64> = (0..=vascalc_web::scans::MAX_SESSIONS)
        .map(|_| s.open(&dir).json()["id"].as_u64().unwrap())
        .collect();
    let gone = s.get(&format!("/api/scans/{}", ids[0]));
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(
        gone.json()["reason"]
            .as_str()
            .unwrap()
            .contains("open the folder again")
    );
    assert_eq!(
        s.get(&format!("/api/scans/{}", ids[ids.len() - 1])).status,
        StatusCode::OK
    );
}

#[test]
fn an_uploaded_folder_opens_scores_and_is_removed_when_closed() {
    let s = Server::with_limits("upload", UploadLimits::default());
    let (series, spec) = chest_series(s.dir(), false);
    let mut files = folder_files(&series);
    let dicom = files
        .iter()
        .filter(|(_, b)| b.get(128..132) == Some(b"DICM"))
        .count();
    let others = files.len() - dicom; // the phantom's truth.json
    files.push((
        "../../chest/README.txt".into(),
        b"notes, not DICOM".to_vec(),
    ));
    files.push(("../../chest/.DS_Store".into(), vec![0u8; 4096]));
    let a = s.upload(multipart(&files), true);
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let up = a.json();
    assert_eq!(up["files"], dicom);
    assert_eq!(up["not_dicom"], others + 2);
    assert_eq!(up["series"].as_array().unwrap().len(), 1);
    assert_eq!(up["series"][0]["images"], spec.slices);
    // On disk: one private folder of this launch, one numbered folder, numbered files; no name
    // the browser sent.
    let on_disk = s.uploaded();
    assert_eq!(on_disk.len(), 2 + dicom, "{on_disk:?}");
    assert!(on_disk.iter().all(|p| {
        let name = p.file_name().unwrap().to_string_lossy();
        name.starts_with("vascalc-serve-")
            || name.bytes().all(|b| b.is_ascii_digit())
            || (name.ends_with(".dcm") && name.len() == 10)
    }));

    // Opened by its number: the same scan as the folder opened by its path.
    let n = up["upload"].as_u64().unwrap();
    let by_path = s.open(&series).json();
    let o = s.write("POST", "/api/scans", &json!({"upload": n}));
    assert_eq!(o.status, StatusCode::CREATED, "{}", o.json());
    let v = o.json();
    for key in [
        "totals",
        "per_artery",
        "lesions",
        "flags",
        "slices",
        "review",
    ] {
        assert_eq!(v[key], by_path[key], "{key}");
    }
    assert!(
        v["folder"]
            .as_str()
            .unwrap()
            .starts_with(&format!("upload {n}"))
    );
    assert!(v["lesions"].as_array().unwrap().len() > 5);
    let id = v["id"].as_u64().unwrap();
    let px = s.get(&format!("/api/scans/{id}/overlay?k={}", spec.slices / 2));
    assert_eq!(px.status, StatusCode::OK);
    // The --assign file names no server path.
    let f = String::from_utf8(s.get(&format!("/api/scans/{id}/assignment")).body).unwrap();
    assert!(f.contains("vascalc scan score YOUR_FOLDER --series"), "{f}");
    assert!(!f.contains("vascalc-serve-"), "{f}");
    // Both a path and an upload, or neither: refused.
    invalid(
        &s.write("POST", "/api/scans", &json!({"upload": n, "path": series})),
        "path",
        "not both",
    );

    // Closing the scan removes the upload's folder; the upload is then gone.
    let c = s.send(
        Request::delete(format!("/api/scans/{id}"))
            .header(header::HOST, HOST)
            .header(header::ORIGIN, ORIGIN)
            .header("x-vascalc-token", TOKEN)
            .body(Body::empty())
            .unwrap(),
    );
    assert_eq!(c.status, StatusCode::NO_CONTENT);
    assert_eq!(s.uploaded().len(), 1, "only the empty launch folder");
    assert_eq!(
        s.get(&format!("/api/scans/{id}")).status,
        StatusCode::NOT_FOUND
    );
    let again = s.write("POST", "/api/scans", &json!({"upload": n}));
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.json());
    assert!(
        again.json()["reason"]
            .as_str()
            .unwrap()
            .contains("upload the folder again")
    );
}

#[test]
fn uploads_over_a_limit_without_token_or_without_dicom_are_refused_and_leave_nothing() {
    let s = Server::with_limits(
        "upload-limits",
        UploadLimits {
            total_bytes: 3 << 20,
            file_bytes: 100 << 10,
            files: 1000,
        },
    );
    let (series, _) = chest_series(s.dir(), false);
    let files = folder_files(&series);
    let slice = files[0].1.len();
    assert!(slice > 100 << 10, "a 256² slice is {slice} bytes");
    // Over the limit per file: 413 naming it; the upload's folder is gone.
    let a = s.upload(multipart(&files[..2]), true);
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.json());
    assert_eq!(a.json()["error"], "too_large");
    let reason = a.json()["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("100 KiB (102400 bytes) per file"),
        "{reason}"
    );
    assert_eq!(s.uploaded().len(), 1, "{:?}", s.uploaded());
    // Over the limit in all (declared by Content-Length, or counted as the body arrives).
    let small = Server::with_limits(
        "upload-total",
        UploadLimits {
            total_bytes: 3 * slice as u64,
            ..UploadLimits::default()
        },
    );
    let a = small.upload(multipart(&files), true);
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.json());
    assert!(
        a.json()["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("limit of {} bytes in all", 3 * slice)),
        "{}",
        a.json()
    );
    assert!(small.uploaded().iter().all(|p| p.is_dir()), "no file left");
    let a = small.send(
        Request::post("/api/scans/upload")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, ORIGIN)
            .header("x-vascalc-token", TOKEN)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::CONTENT_LENGTH, (1u64 << 40).to_string())
            .body(Body::empty())
            .unwrap(),
    );
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.json());
    assert!(small.uploaded().iter().all(|p| p.is_dir()), "no file left");

    // Without the token: 403 before anything is read or made.
    let fresh = Server::with_limits("upload-token", UploadLimits::default());
    let a = fresh.upload(multipart(&files[..1]), false);
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json());
    assert!(fresh.uploaded().is_empty());

    // A folder with no DICOM: 422 on `files`, nothing kept.
    let a = fresh.upload(
        multipart(&[
            ("docs/readme.txt".into(), b"hello".to_vec()),
            ("docs/photo.jpg".into(), vec![0xff; 3000]),
        ]),
        true,
    );
    invalid(
        &a,
        "files",
        "none of the 2 file(s) uploaded is a DICOM file",
    );
    assert!(fresh.uploaded().iter().all(|p| p.is_dir()), "no file left");
    // Not multipart: 415; a cut-off body: 400.
    let a = fresh.write("POST", "/api/scans/upload", &json!({"path": "/etc"}));
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", a.json());
    let mut cut = multipart(&files[..1]);
    cut.truncate(cut.len() / 2);
    let a = fresh.upload(cut, true);
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.json());
    assert!(fresh.uploaded().iter().all(|p| p.is_dir()), "no file left");
}

/// The real server on a socket: an upload over HTTP, then a graceful shutdown (as on Ctrl-C or
/// SIGTERM) removes the launch's upload folder.
#[test]
fn a_graceful_shutdown_removes_the_upload_folder() {
    use std::io::{Read as _, Write as _};
    let dir = std::env::temp_dir().join(format!("vascalc-scans-shutdown-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    let (series, _) = chest_series(&dir, false);
    let server = vascalc_web::Server::bind(vascalc_web::Options {
        log: false,
        db: Some(dir.join("record.db")),
        ..vascalc_web::Options::default()
    })
    .unwrap()
    .uploads(dir.join("tmp"), UploadLimits::default());
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = std::thread::spawn(move || {
        server.run_until(async move {
            let _ = stopped.await;
        })
    });
    // The token from the page, then the upload over one connection.
    let get = |path: &str| {
        let mut c = std::net::TcpStream::connect(addr).unwrap();
        write!(
            c,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        c.read_to_string(&mut out).unwrap();
        out
    };
    let page = get("/review");
    let at = page.find("name=\"vascalc-token\" content=\"").unwrap() + 30;
    let token = &page[at..at + 32];
    let body = multipart(&folder_files(&series));
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    write!(
        c,
        "POST /api/scans/upload HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         X-Vascalc-Token: {token}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    for chunk in body.chunks(50_000) {
        c.write_all(chunk).unwrap();
    }
    let mut answer = String::new();
    c.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let roots: Vec<PathBuf> = std::fs::read_dir(dir.join("tmp"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(roots.len(), 1);
    assert!(std::fs::read_dir(roots[0].join("1")).unwrap().count() > 10);
    stop.send(()).unwrap();
    running.join().unwrap().unwrap();
    assert!(
        !roots[0].exists(),
        "the upload folder is gone after the shutdown"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
