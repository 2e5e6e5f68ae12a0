//! `vascalc scan score` on real chest CTs (COVID-CT-MD sample, `../shared/data`): whole-image
//! lesions against coronary candidates and exclusions by reason. These scans have no reference
//! calcium score: this measures the reviewer's workload, not accuracy. Skips without the data.

use std::process::{Command, Output};

fn vascalc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vascalc"))
        .args(args)
        .output()
        .expect("run vascalc")
}

fn json(o: &Output) -> serde_json::Value {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("one JSON document")
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a test says on stderr why it is skipped"
)]
fn real_chest_cts_candidates_and_exclusions() {
    for case in ["cap002", "P001"] {
        let Some(dir) = vascalc_testdata::require(&format!("ct/chest-ct-covid-ct-md/{case}"))
        else {
            return;
        };
        let out_dir =
            std::env::temp_dir().join(format!("vascalc-chest-{case}-{}", std::process::id()));
        let v = json(&vascalc(&[
            "scan",
            "score",
            dir.to_str().expect("utf8"),
            "--format",
            "json",
            "--write-regions",
            out_dir.to_str().expect("utf8"),
        ]));
        let s = &v["series"][0];
        assert_eq!(s["acquisition"]["body_part"], "CHEST");
        let lesions = s["lesions"].as_array().expect("lesions");
        let whole: f64 = lesions.iter().filter_map(|l| l["agatston"].as_f64()).sum();
        let r = &s["review"];
        assert_eq!(r["anatomy"]["chest_found"], true, "{case}: {r}");
        let cand = r["candidates_unreviewed"]["lesions"].as_u64().expect("n");
        let cand_ag = r["candidates_unreviewed"]["agatston"].as_f64().expect("ag");
        let excl = r["excluded"]["agatston"].as_f64().expect("ag");
        let by = r["excluded_by_reason"].as_object().expect("reasons");
        let line: Vec<String> = by
            .iter()
            .map(|(k, t)| {
                format!(
                    "{k} {} ({:.0} AU)",
                    t["lesions"],
                    t["agatston"].as_f64().unwrap_or(0.0)
                )
            })
            .collect();
        eprintln!(
            "{case}: whole image {} lesions, Agatston {whole:.0}; candidates (unreviewed) {cand}, Agatston {cand_ag:.0}; excluded {}: {}; anatomy {}",
            lesions.len(),
            r["excluded"]["lesions"],
            line.join(", "),
            r["anatomy"]
        );
        // The heart region: a real heart with its pericardial fat holds 0.5–1.0 L; with the
        // 4 mm margin and the great vessels below the carina, well under the 1.6–1.8 L that the
        // hull of the lungs gave before the hila, lung bases and chest wall were taken out.
        let ml = r["anatomy"]["heart_region_ml"].as_f64().expect("ml");
        assert!(
            (500.0..1400.0).contains(&ml),
            "{case}: heart region {ml} mL"
        );
        // Workload: the candidates are a small fraction of the whole image (under a tenth of the
        // lesions, under a twentieth of the whole-image Agatston).
        assert!(lesions.len() > 1000, "{case}: {}", lesions.len());
        assert!(
            (cand as f64) < 0.10 * lesions.len() as f64,
            "{case}: {cand} candidates of {}",
            lesions.len()
        );
        assert!(cand_ag < 0.05 * whole, "{case}: {cand_ag} of {whole}");
        // Bone dominates the exclusions.
        let bone = by
            .get("bone")
            .and_then(|t| t["agatston"].as_f64())
            .unwrap_or(0.0);
        for (k, t) in by {
            assert!(
                t["agatston"].as_f64().unwrap_or(0.0) <= bone,
                "{case}: {k} outweighs bone"
            );
        }
        assert!(bone > 0.5 * excl, "{case}: bone {bone} of {excl}");
        // Both scans have calcified costal cartilage beside the sternum, at its depth.
        assert!(by.contains_key("chest_wall"), "{case}: {line:?}");
        // The liver's left lobe lies in the heart region's lowest slices of both scans, and
        // the CT table behind both bodies holds calcium-dense pixels.
        assert!(by.contains_key("liver"), "{case}: {line:?}");
        assert!(by.contains_key("table"), "{case}: {line:?}");
        // Unreviewed: nothing counted as a score, no CAC-DRS.
        assert!(s["cac_drs"].is_null());
        assert_eq!(s["totals"]["lesions"], 0);
        // The NIfTI masks were written (352-byte header + one byte per voxel).
        let uid = s["acquisition"]["series_instance_uid"]
            .as_str()
            .expect("uid");
        let a = &s["acquisition"];
        let voxels: u64 = ["rows", "columns", "slices"]
            .iter()
            .map(|k| a[*k].as_u64().expect("size"))
            .product();
        for kind in ["regions", "lesions"] {
            let f = out_dir.join(format!("{uid}.{kind}.nii"));
            let len = std::fs::metadata(&f).expect("written").len();
            assert_eq!(len, 352 + voxels, "{}", f.display());
        }
        let _ = std::fs::remove_dir_all(&out_dir);
    }
}

/// The real 3-slice CT of dcmqi: flagged `short_coverage`, not interpreted.
#[test]
fn three_slice_real_series_is_not_interpreted() {
    let Some(dir) = vascalc_testdata::require("ct/dcmqi-ct-3slice") else {
        return;
    };
    let v = json(&vascalc(&[
        "scan",
        "score",
        dir.to_str().expect("utf8"),
        "--format",
        "json",
    ]));
    let s = &v["series"][0];
    assert!(s["cac_drs"].is_null());
    let codes: Vec<&str> = s["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"short_coverage"), "{codes:?}");
}
