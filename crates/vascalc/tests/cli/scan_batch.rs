//! End-to-end tests of `vascalc scan batch` on a cohort of synthetic phantoms written by
//! `vascalc scan phantom`, plus a corrupt series and a folder without DICOM.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn vascalc(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vascalc"));
    cmd.args(args);
    for var in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_STEP",
        "JOB_COMPLETION_INDEX",
        "VASCALC_SHARD_COUNT",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("vascalc runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

const GOOD: [&str; 4] = ["p1", "p2", "p3", "p4"];

/// A small phantom (`scan phantom --size small`) in `dir`.
fn write_phantom(dir: &Path, seed: usize, slices: usize) {
    let (seed, slices) = (seed.to_string(), slices.to_string());
    let out = vascalc(
        &[
            "scan",
            "phantom",
            "--out",
            s(dir),
            "--size",
            "small",
            "--slices",
            &slices,
            "--seed",
            &seed,
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A cohort folder: four small phantoms (seeds 1–4), `bad` (a phantom with one truncated
/// slice) and `empty` (a text file only). Built once per test binary.
fn cohort() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scan-batch-cohort");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("cohort dir");
        for (i, name) in GOOD.iter().chain(["bad"].iter()).enumerate() {
            write_phantom(&dir.join(name), i + 1, 4);
        }
        let victim = dir.join("bad").join("CT0002.dcm");
        let bytes = std::fs::read(&victim).expect("slice");
        std::fs::write(&victim, &bytes[..bytes.len() / 2]).expect("truncate");
        std::fs::create_dir_all(dir.join("empty")).expect("empty dir");
        std::fs::write(dir.join("empty").join("README.txt"), "no images here").expect("txt");
        dir
    })
}

fn fresh_out(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scan-batch-out");
    std::fs::create_dir_all(&dir).expect("out dir");
    let p = dir.join(name);
    for k in ["", "1", "2"] {
        let _ = std::fs::remove_file(PathBuf::from(s(&p).replace("{shard}", k)));
    }
    p
}

/// Rows of a batch CSV as (source, status) pairs, checked against the header.
fn csv_rows(path: &Path) -> Vec<(String, String, Vec<String>)> {
    let content = std::fs::read_to_string(path).expect("output");
    let mut lines = content.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header[0], "source");
    lines
        .map(|l| {
            // Sources and statuses here have no commas or quotes; the error is the last field.
            let fields: Vec<String> = l.splitn(14, ',').map(String::from).collect();
            (fields[0].clone(), fields[2].clone(), fields)
        })
        .collect()
}

#[test]
fn two_shards_cover_every_item_once_and_failures_are_rows() {
    let cohort = cohort();
    let out = fresh_out("shards-{shard}.csv");
    for k in ["1/2", "2/2"] {
        let run = vascalc(
            &["scan", "batch", s(cohort), "--out", s(&out), "--shard", k],
            &[],
        );
        assert!(
            text(&run.stdout).contains(&format!("Shard {k}")),
            "{}",
            text(&run.stdout)
        );
        // Exit 3 exactly when this shard wrote an error row, each failure listed.
        let rows = csv_rows(Path::new(&s(&out).replace("{shard}", &k[..1])));
        let failed: Vec<&str> = rows
            .iter()
            .filter(|r| r.1 == "error")
            .map(|r| r.0.as_str())
            .collect();
        let code = if failed.is_empty() { 0 } else { 3 };
        assert_eq!(run.status.code(), Some(code), "{}", text(&run.stderr));
        for source in failed {
            assert!(
                text(&run.stdout).contains(&format!("failed: {source}")),
                "{}",
                text(&run.stdout)
            );
        }
    }
    let mut seen: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for k in ["1", "2"] {
        for (source, status, _) in csv_rows(Path::new(&s(&out).replace("{shard}", k))) {
            let e = seen.entry(source).or_insert((status, 0));
            e.1 += 1;
        }
    }
    let sources: Vec<&str> = seen.keys().map(String::as_str).collect();
    assert_eq!(sources, ["bad", "empty", "p1", "p2", "p3", "p4"]);
    assert!(
        seen.values().all(|(_, n)| *n == 1),
        "each item once: {seen:?}"
    );
    for name in GOOD {
        assert_eq!(seen[name].0, "ok", "{name}");
    }
    assert_eq!(seen["bad"].0, "error");
    assert_eq!(seen["empty"].0, "error");
}

#[test]
fn rerun_skips_finished_items_and_rows_have_scores() {
    let cohort = cohort();
    let out = fresh_out("rerun.csv");
    let args = [
        "scan",
        "batch",
        s(cohort),
        "--out",
        s(&out),
        "--format",
        "json",
    ];
    let first = vascalc(&args, &[]);
    // Failed series make the exit code 3 (the batch still ran to its end); the summary lists
    // them and the last line of stderr counts them.
    assert_eq!(first.status.code(), Some(3), "{}", text(&first.stderr));
    assert!(
        text(&first.stderr).contains("2 series or item(s) failed"),
        "{}",
        text(&first.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&first.stdout).expect("summary");
    assert_eq!(summary["items_scored"], 6);
    assert_eq!(summary["series_ok"], 4);
    assert_eq!(summary["series_failed"], 2);
    let failed: Vec<&str> = summary["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| f["source"].as_str().expect("source"))
        .collect();
    assert_eq!(failed, ["bad", "empty"]);
    assert!(
        summary["failures"][0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("CT0002.dcm")),
        "{}",
        summary["failures"][0]
    );
    let before = std::fs::read_to_string(&out).expect("output");

    // Nothing scored (and so nothing failed) in this run: 0.
    let second = vascalc(&args, &[]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&second.stdout).expect("summary");
    assert_eq!(summary["items_already_done"], 6);
    assert_eq!(summary["items_scored"], 0);
    assert_eq!(std::fs::read_to_string(&out).expect("output"), before);

    for (source, status, fields) in csv_rows(&out) {
        if status == "ok" {
            let agatston: f64 = fields[4].parse().expect("agatston");
            // The phantom's inserts and HA rod are calcified: a positive score, and the same
            // phantom geometry in every item.
            assert!(agatston > 100.0, "{source}: {agatston}");
            assert_eq!(fields[9], "120", "kVp");
        } else {
            assert!(!fields[13].is_empty(), "{source}: error message");
        }
    }
}

#[test]
fn interrupted_output_is_repaired_and_completed() {
    let cohort = cohort();
    let out = fresh_out("torn.jsonl");
    let args = ["scan", "batch", s(cohort), "--out", s(&out)];
    let first = vascalc(&args, &[]);
    assert_eq!(first.status.code(), Some(3), "{}", text(&first.stderr));
    // Keep the first two rows and half of the third, as a crash mid-write would.
    let content = std::fs::read_to_string(&out).expect("output");
    let lines: Vec<&str> = content.lines().collect();
    assert_eq!(lines.len(), 6);
    let torn = format!(
        "{}\n{}\n{}",
        lines[0],
        lines[1],
        &lines[2][..lines[2].len() / 2]
    );
    std::fs::write(&out, torn).expect("simulate crash");

    let second = vascalc(&[&args[..], &["--format", "json"]].concat(), &[]);
    // 3 if the failing items were among those scored again.
    assert!(
        matches!(second.status.code(), Some(0 | 3)),
        "{}",
        text(&second.stderr)
    );
    assert!(
        text(&second.stderr).contains("incomplete last line"),
        "{}",
        text(&second.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&second.stdout).expect("summary");
    assert_eq!(summary["items_already_done"], 2);
    assert_eq!(summary["items_scored"], 4);
    let content = std::fs::read_to_string(&out).expect("output");
    let mut sources: Vec<String> = content
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("complete JSON line");
            if v["status"] == "ok" {
                assert!(v["series"]["totals"]["agatston"].as_f64().is_some(), "{l}");
            }
            v["source"].as_str().expect("source").to_string()
        })
        .collect();
    sources.sort();
    assert_eq!(sources, ["bad", "empty", "p1", "p2", "p3", "p4"]);
}

#[test]
fn manifest_items_and_slurm_shards() {
    let cohort = cohort();
    let manifest = cohort.with_file_name("scan-batch-manifest.txt");
    std::fs::write(
        &manifest,
        "# two phantoms, one listed twice\nscan-batch-cohort/p1\nscan-batch-cohort/p2\nscan-batch-cohort/p1\n",
    )
    .expect("manifest");
    let mut all = Vec::new();
    for task in ["1", "2"] {
        let out = fresh_out(&format!("slurm-{task}.csv"));
        let run = vascalc(
            &["scan", "batch", s(&manifest), "--out", s(&out)],
            &[
                ("SLURM_ARRAY_TASK_ID", task),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
            ],
        );
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        assert!(text(&run.stdout).contains("Slurm"), "{}", text(&run.stdout));
        assert!(
            text(&run.stderr).contains("more than once"),
            "{}",
            text(&run.stderr)
        );
        all.extend(csv_rows(&out).into_iter().map(|r| (r.0, r.1)));
    }
    all.sort();
    assert_eq!(
        all,
        [
            ("scan-batch-cohort/p1".to_string(), "ok".to_string()),
            ("scan-batch-cohort/p2".to_string(), "ok".to_string())
        ]
    );
}

#[test]
fn bad_invocations_have_documented_exit_codes() {
    let cohort = cohort();
    let out = fresh_out("bad.csv");
    // Kubernetes index without a count.
    let run = vascalc(
        &["scan", "batch", s(cohort), "--out", s(&out)],
        &[("JOB_COMPLETION_INDEX", "0")],
    );
    assert_eq!(run.status.code(), Some(3));
    assert!(
        text(&run.stderr).contains("--shard-count"),
        "{}",
        text(&run.stderr)
    );
    // With the count from the environment it runs.
    let run = vascalc(
        &["scan", "batch", s(cohort), "--out", s(&out)],
        &[("JOB_COMPLETION_INDEX", "1"), ("VASCALC_SHARD_COUNT", "2")],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(
        text(&run.stdout).contains("Shard 2/2"),
        "{}",
        text(&run.stdout)
    );
    // Unknown output extension.
    let run = vascalc(&["scan", "batch", s(cohort), "--out", "x.parquet"], &[]);
    assert_eq!(run.status.code(), Some(3));
    assert!(
        text(&run.stderr).contains(".csv or .jsonl"),
        "{}",
        text(&run.stderr)
    );
    // Bad shard.
    let run = vascalc(
        &[
            "scan",
            "batch",
            s(cohort),
            "--out",
            s(&out),
            "--shard",
            "3/2",
        ],
        &[],
    );
    assert_eq!(run.status.code(), Some(3));
    // Empty manifest.
    let empty = cohort.with_file_name("scan-batch-empty-manifest.txt");
    std::fs::write(&empty, "# nothing\n").expect("manifest");
    let run = vascalc(&["scan", "batch", s(&empty), "--out", s(&out)], &[]);
    assert_eq!(run.status.code(), Some(4));
    // A CSV that is not ours is left alone.
    let foreign = fresh_out("foreign.csv");
    std::fs::write(&foreign, "name,age\n").expect("foreign");
    let run = vascalc(&["scan", "batch", s(cohort), "--out", s(&foreign)], &[]);
    assert_eq!(run.status.code(), Some(3));
    assert_eq!(
        std::fs::read_to_string(&foreign).expect("kept"),
        "name,age\n"
    );
}

/// The scoring options of `scan score` (regions, a NIfTI label volume, --only-rois, calibration
/// on the phantom's own rods) applied by `scan batch` to every series: each JSONL row carries
/// exactly what `scan score` prints for that series with the same options.
#[test]
fn batch_takes_the_scoring_options_of_score() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scan-batch-regions");
    let _ = std::fs::remove_dir_all(&dir);
    let cohort = dir.join("cohort");
    for (name, seed) in [("a", 5), ("b", 6)] {
        write_phantom(&cohort.join(name), seed, 6);
    }
    // Label 2 over the 200 mg HA/cm³ 5 mm insert (LPS centre −12, 4, 0): a RAS grid of 1 mm
    // voxels from RAS (8, −8, −6), 9 × 9 × 13, every voxel labelled 2.
    let nii = dir.join("labels.nii");
    let affine = [
        [1.0, 0.0, 0.0, 8.0],
        [0.0, 1.0, 0.0, -8.0],
        [0.0, 0.0, 1.0, -6.0],
    ];
    vascalc_dicom::write_labels_nii(&nii, [9, 9, 13], &[2u8; 9 * 9 * 13], affine).expect("nii");
    // The 800 and 400 mg HA/cm³ 5 mm inserts as regions; the rods of truth.json.
    let options = [
        "--roi",
        "lad=sphere:-12,-20,0,5.38",
        "--roi",
        "RCA=sphere:-12,-8,0,5.38",
        "--labels",
        s(&nii),
        "--label-name",
        "2=lcx",
        "--only-rois",
        "--ha-rod=-9,18,0,3,18",
        "--water-rod=9,18,0,3,18",
    ];
    let out = fresh_out("regions.jsonl");
    let mut args = vec!["scan", "batch", s(&cohort), "--out", s(&out)];
    args.extend(options);
    let run = vascalc(&args, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let content = std::fs::read_to_string(&out).expect("jsonl");
    let rows: Vec<serde_json::Value> = content
        .lines()
        .map(|l| serde_json::from_str(l).expect("row"))
        .collect();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row["status"], "ok", "{row}");
        let source = row["source"].as_str().expect("source");
        let path = cohort.join(source);
        let mut args = vec!["scan", "score", s(&path), "--format", "json"];
        args.extend(options);
        let single = vascalc(&args, &[]);
        assert!(single.status.success(), "{}", text(&single.stderr));
        let single: serde_json::Value = serde_json::from_slice(&single.stdout).expect("json");
        let series = &row["series"];
        assert_eq!(series, &single["series"][0], "{source}");
        // The options took effect: three arteries, nothing outside them, rod calibration.
        let arteries: Vec<&String> = series["per_artery"]
            .as_object()
            .expect("per_artery")
            .keys()
            .collect();
        assert_eq!(arteries, ["LAD", "LCX", "RCA"], "{source}");
        // Six 3 mm slices (18 mm) cannot hold a heart: flagged and not interpreted.
        assert!(series["cac_drs"].is_null(), "{source}");
        assert!(
            series["flags"]
                .as_array()
                .expect("flags")
                .iter()
                .any(|f| f["code"] == "short_coverage"),
            "{source}"
        );
        assert!(
            series["lesions"]
                .as_array()
                .expect("lesions")
                .iter()
                .all(|l| ["LAD", "LCX", "RCA"].contains(&l["label"].as_str().unwrap_or("-"))),
            "{source}"
        );
        assert!(
            series["conventions"]["calibration"]
                .to_string()
                .contains("rods"),
            "{}",
            series["conventions"]["calibration"]
        );
        assert!(row["mass_mg"].as_f64().is_some_and(|m| m > 0.0));
    }

    // Rods are measured per series: where they miss the volume, each series is an error row
    // naming the cause; the batch runs to its end and exits 3.
    let out = fresh_out("rods-missing.csv");
    let run = vascalc(
        &[
            "scan",
            "batch",
            s(&cohort),
            "--out",
            s(&out),
            "--ha-rod=500,500,0,3",
            "--water-rod=9,18,0,3,18",
        ],
        &[],
    );
    assert_eq!(run.status.code(), Some(3), "{}", text(&run.stderr));
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 2);
    for (source, status, fields) in &rows {
        assert_eq!(status, "error", "{source}");
        assert!(
            fields[13].contains("calibration rods"),
            "{source}: {}",
            fields[13]
        );
    }

    // Refused before anything is written: --assign (its lesion ids belong to one series; a
    // usage error that points to `scan score`), the same parsing as `scan score` (a malformed
    // region, a lone rod: usage errors), and an unreadable label volume (invalid input).
    let assign = dir.join("assign.csv");
    std::fs::write(&assign, "1,LAD\n").expect("assign");
    let out = fresh_out("refused.csv");
    for (extra, code, says) in [
        (["--assign", s(&assign)], 2, "scan score"),
        (["--roi", "LAD=box:1,2,3"], 2, "sphere"),
        (["--ha-rod", "9,18,0,3,18"], 2, "--water-rod"),
        (["--labels", s(&assign)], 3, "assign.csv"),
    ] {
        let mut args = vec!["scan", "batch", s(&cohort), "--out", s(&out)];
        args.extend(extra);
        let run = vascalc(&args, &[]);
        let stderr = text(&run.stderr);
        assert_eq!(run.status.code(), Some(code), "{extra:?}: {stderr}");
        assert!(stderr.contains(says), "{extra:?}: {stderr}");
        assert!(!out.exists(), "{extra:?}");
    }
}
