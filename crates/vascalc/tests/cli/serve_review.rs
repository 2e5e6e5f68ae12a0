//! End-to-end: the review viewer's API of a running `vascalc serve`, and the `--assign` file it
//! gives back: `vascalc scan score FOLDER --assign FILE` reproduces the server's totals,
//! per-artery scores and CAC-DRS (issue 14, part 2).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use crate::common::TempDir;
use serde_json::{Value, json};
use vascalc_phantom::chest::{ChestLesionKind, ChestSpec, ChestTruth, chest_truth, render_chest};
use vascalc_phantom::dicom::{WriteOptions, write_chest_series};

struct Serve {
    child: Child,
    port: u16,
    token: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(db: &std::path::Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vascalc"))
            .args(["serve", "--port", "0", "--quiet", "--db"])
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("vascalc serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("its address");
        let start = line.find("http://127.0.0.1:").expect(&line) + "http://127.0.0.1:".len();
        let end = start + line[start..].find('/').expect("port end");
        let port = line[start..end].parse().expect("port");
        let mut s = Self {
            child,
            port,
            token: String::new(),
        };
        let (_, page) = s.request("GET", "/review", None);
        let at = page
            .find("name=\"vascalc-token\" content=\"")
            .expect("token meta")
            + 30;
        s.token = page[at..at + 32].to_string();
        s
    }

    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        let host = format!("127.0.0.1:{}", self.port);
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        let text = body.map(Value::to_string).unwrap_or_default();
        if body.is_some() {
            head.push_str(&format!(
                "Origin: http://{host}\r\nX-Vascalc-Token: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
                self.token,
                text.len()
            ));
        }
        write!(s, "{head}\r\n{text}").expect("sends");
        let mut answer = String::new();
        s.read_to_string(&mut answer).expect("answer");
        let status = answer[9..12].parse().expect("status");
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    fn json(&self, method: &str, path: &str, body: Option<&Value>, want: u16) -> Value {
        let (status, text) = self.request(method, path, body);
        assert_eq!(status, want, "{method} {path}: {text}");
        serde_json::from_str(&text).expect("JSON")
    }
}

/// The small noise-free chest phantom written as DICOM in `dir/series`, with its truth.
fn chest_phantom(dir: &TempDir) -> (std::path::PathBuf, ChestSpec, ChestTruth) {
    let spec = ChestSpec {
        noise_sd_hu: 0.0,
        ..ChestSpec::small(3)
    };
    let series = dir.0.join("series");
    std::fs::create_dir_all(&series).expect("folder");
    let truth = chest_truth(&spec);
    let options = WriteOptions {
        uid_seed: 0x5eed_2000,
        ..WriteOptions::new()
    };
    write_chest_series(
        &series,
        &render_chest(&spec).expect("renders"),
        &truth,
        &options,
    )
    .expect("written");
    (series, spec, truth)
}

/// The artery the truth gives each candidate of the server's view `v` (`non_coronary` for a
/// valve or aortic-wall lesion).
fn by_truth(v: &Value, spec: &ChestSpec, truth: &ChestTruth) -> serde_json::Map<String, Value> {
    let mut assignment = serde_json::Map::new();
    for l in v["lesions"].as_array().expect("lesions") {
        if l["status"] != "candidate" {
            continue;
        }
        let c: Vec<f64> = (0..3)
            .map(|a| l["centroid_mm"][a].as_f64().expect("centroid"))
            .collect();
        let near = truth.lesions.iter().find(|t| {
            let d = (0..3)
                .map(|a| (c[a] - t.centre_mm[a]).powi(2))
                .sum::<f64>()
                .sqrt();
            d <= t.radius_mm + 1.5 * spec.pixel_mm + spec.increment_mm / 2.0
        });
        let name = match near.map(|t| &t.kind) {
            Some(ChestLesionKind::Coronary { artery }) => artery.clone(),
            _ => "non_coronary".to_string(),
        };
        assignment.insert(l["id"].to_string(), json!(name));
    }
    assignment
}

/// `vascalc ARGS`, which must succeed; its stdout.
fn vascalc(args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_vascalc"))
        .args(args)
        .output()
        .expect("vascalc runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn the_downloaded_assignment_reproduces_the_servers_score() {
    let dir = TempDir::new("serve-review");
    let (series, spec, truth) = chest_phantom(&dir);
    let serve = Serve::start(&dir.0.join("record.db"));
    let v = serve.json("POST", "/api/scans", Some(&json!({"path": series})), 201);
    let id = v["id"].as_u64().expect("id");
    assert!(v["cac_drs"].is_null());

    // The reviewer names each candidate by the truth: its artery, or not coronary.
    let assignment = by_truth(&v, &spec, &truth);
    let reviewed = serve.json(
        "PUT",
        &format!("/api/scans/{id}/assignment"),
        Some(&json!({"assignment": assignment})),
        200,
    );
    let drs = reviewed["cac_drs"].as_str().expect("CAC-DRS once reviewed");
    assert!(drs.ends_with("/N4"), "{drs}");

    let (status, file) = serve.request("GET", &format!("/api/scans/{id}/assignment"), None);
    assert_eq!(status, 200);
    let path = dir.0.join("assign.csv");
    std::fs::write(&path, &file).expect("assign file");
    let out = Command::new(env!("CARGO_BIN_EXE_vascalc"))
        .args(["scan", "score"])
        .arg(&series)
        .arg("--assign")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .expect("scan score");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let s = &cli["series"][0];
    assert_eq!(s["totals"], reviewed["totals"]);
    assert_eq!(s["per_artery"], reviewed["per_artery"]);
    assert_eq!(s["cac_drs"], reviewed["cac_drs"]);
    assert_eq!(s["flags"], reviewed["flags"]);
}

/// The one rule for a scan entering the record (vascalc-app `scans::scan_from_series`): a review
/// saved by the server, with the arteries of some lesions named and the rest accepted as
/// `coronary` (artery not named), and `scan add --from-json` of `scan score --assign` with the
/// downloaded file give the same scan: the same total, no per-artery scores, CAC-DRS A without
/// N, and the same kept result.
#[test]
fn a_saved_review_and_scan_add_of_its_assign_file_record_the_same_scan() {
    let dir = TempDir::new("serve-review-save");
    let (series, spec, truth) = chest_phantom(&dir);
    let profile = |db: &std::path::Path| {
        vascalc(&[
            "profile".as_ref(),
            "create".as_ref(),
            "--name".as_ref(),
            "me".as_ref(),
            "--birth-date".as_ref(),
            "1960-03-02".as_ref(),
            "--sex".as_ref(),
            "male".as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
        ])
    };
    let (served_db, cli_db) = (dir.0.join("served.db"), dir.0.join("cli.db"));
    profile(&served_db);
    profile(&cli_db);
    let serve = Serve::start(&served_db);
    let v = serve.json("POST", "/api/scans", Some(&json!({"path": series})), 201);
    let id = v["id"].as_u64().expect("id");

    // The LAD lesions named by the truth; "accept all candidates" names the others `coronary`.
    let mut assignment = by_truth(&v, &spec, &truth);
    let mut lad = 0;
    for name in assignment.values_mut() {
        if name == "LAD" {
            lad += 1;
        } else if name != "non_coronary" {
            *name = json!("coronary");
        }
    }
    assert!(lad > 0 && assignment.values().any(|n| n == "coronary"));
    let reviewed = serve.json(
        "PUT",
        &format!("/api/scans/{id}/assignment"),
        Some(&json!({"assignment": assignment})),
        200,
    );
    let drs = reviewed["cac_drs"].as_str().expect("CAC-DRS");
    assert!(
        !drs.contains("/N"),
        "no N while arteries are unnamed: {drs}"
    );
    let saved = serve.json(
        "POST",
        &format!("/api/scans/{id}/save"),
        Some(&json!({"reviewer": "T. Est", "date": "2024-05-01"})),
        201,
    );
    let served = &saved["scan"];
    assert_eq!(served["score"]["review_provenance"]["reviewer"], "T. Est");

    let (status, file) = serve.request("GET", &format!("/api/scans/{id}/assignment"), None);
    assert_eq!(status, 200);
    let assign = dir.0.join("assign.csv");
    std::fs::write(&assign, &file).expect("assign file");
    let score = vascalc(&[
        "scan".as_ref(),
        "score".as_ref(),
        series.as_os_str(),
        "--assign".as_ref(),
        assign.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let score_file = dir.0.join("score.json");
    std::fs::write(&score_file, score).expect("score file");
    let added: Value = serde_json::from_slice(&vascalc(&[
        "scan".as_ref(),
        "add".as_ref(),
        "--from-json".as_ref(),
        score_file.as_os_str(),
        "--date".as_ref(),
        "2024-05-01".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--db".as_ref(),
        cli_db.as_os_str(),
    ]))
    .expect("JSON");
    for field in [
        "date",
        "agatston",
        "per_artery",
        "volume_mm3",
        "mass_mg",
        "source",
    ] {
        assert_eq!(served[field], added[field], "{field}");
    }
    assert_eq!(served["agatston"], reviewed["totals"]["agatston"]);
    assert!(
        served["per_artery"]
            .as_object()
            .expect("per artery")
            .values()
            .all(Value::is_null),
        "{}",
        served["per_artery"]
    );
    let mut kept = served["score"].clone();
    kept.as_object_mut()
        .expect("kept score")
        .remove("review_provenance");
    assert_eq!(kept, added["score"]);
    assert_eq!(kept["cac_drs"], drs);
}
