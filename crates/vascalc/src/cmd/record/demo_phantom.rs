//! The demo's first step: a synthetic calcium phantom written as DICOM, read back and scored,
//! each insert's measured mass set beside its physical mass.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use vascalc_ct::{Calibration, Region, Roi, ScoreOptions};
use vascalc_phantom::{PhantomSpec, Truth, dicom, render};

/// Writes the standard phantom into `dir` (which must not exist yet), scores it with one ROI per
/// insert and the mass calibrated on the phantom's own rods, and returns the readable summary.
pub(super) fn score_in(dir: &Path) -> anyhow::Result<String> {
    let spec = PhantomSpec::standard(1);
    let volume = render(&spec).context("rendering the demo phantom")?;
    let truth = Truth::new(&spec);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    dicom::write_series(dir, &volume, &truth, &dicom::WriteOptions::new())
        .with_context(|| format!("writing the demo phantom into {}", dir.display()))?;
    let series = vascalc_dicom::load_series(&[dir.to_path_buf()], &Default::default())
        .context("reading the demo phantom back")?;
    let loaded = series
        .first()
        .context("the demo phantom was written but no CT series was found in it")?;

    let rod = |water: bool| {
        truth
            .rods
            .iter()
            .find(|r| matches!(r.material, vascalc_phantom::Material::Water) == water)
            .map(|r| Region::Cylinder {
                center_mm: r.region.centre_mm,
                radius_mm: r.region.radius_mm,
                half_length_mm: r.region.length_mm / 2.0,
            })
            .context("the demo phantom has no calibration rods")
    };
    let ha_density = 200.0;
    let calibration = Calibration::from_rods(&loaded.volume, &rod(false)?, &rod(true)?, ha_density)
        .context("measuring the calibration on the phantom's rods")?;
    let factor = calibration.mg_per_mm3_hu;
    let options = ScoreOptions {
        calibration: Some(calibration),
        rois: truth
            .inserts
            .iter()
            .map(|i| Roi {
                name: i.id.clone(),
                region: Region::Sphere {
                    center_mm: i.roi.centre_mm,
                    radius_mm: i.roi.radius_mm,
                },
            })
            .collect(),
        only_rois: true,
        ..ScoreOptions::default()
    };
    let score = vascalc_ct::score(&loaded.volume, &loaded.acquisition, &options)
        .context("scoring the demo phantom")?;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "Step 1 — a synthetic calcium phantom (QRM-like inserts, forward model in docs/ct-phantom-batch.md)"
    );
    let _ = writeln!(
        out,
        "  written as {} DICOM slices to {}, read back and scored (classic Agatston, ≥130 HU, 2D lesions)",
        loaded.files.len(),
        dir.display()
    );
    let _ = writeln!(
        out,
        "  mass calibrated on the phantom's own 200 mg HA/cm³ and water rods: {factor:.3e} mg per mm³·HU"
    );
    let _ = writeln!(
        out,
        "  {:<12} {:>13} {:>13} {:>8} {:>9}",
        "insert", "physical mg", "measured mg", "error", "Agatston"
    );
    for insert in &truth.inserts {
        let measured = score.per_artery.get(&insert.id);
        let (mass, error, agatston) = match measured {
            Some(t) => (
                t.mass_mg.map_or("—".to_string(), |m| format!("{m:.1}")),
                t.mass_mg.map_or("—".to_string(), |m| {
                    format!("{:+.0}%", 100.0 * (m - insert.mass_mg) / insert.mass_mg)
                }),
                format!("{:.1}", t.agatston),
            ),
            None => ("not seen".into(), "—".into(), "0".into()),
        };
        let _ = writeln!(
            out,
            "  {:<12} {:>13.1} {:>13} {:>8} {:>9}",
            insert.id, insert.mass_mg, mass, error, agatston
        );
    }
    let _ = writeln!(
        out,
        "  Agatston is a convention with no physical truth; mass is physical (density × volume of each \
         cylinder). An insert the scorer finds nothing of above 130 HU is shown as \"not seen\".\n"
    );
    Ok(out)
}
