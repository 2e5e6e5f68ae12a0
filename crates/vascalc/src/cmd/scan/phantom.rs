//! `vascalc scan phantom`: write a synthetic calcium phantom as a DICOM CT series with its truth
//! file. The forward model and its sources are documented in the `vascalc-phantom` crate and in
//! `docs/ct-phantom-batch.md`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use vascalc_phantom::{PhantomSpec, Truth, dicom, render};

use crate::exit::{CliError, CliResult};
use crate::output::{Format, print_json};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Size {
    /// 512×512 pixels of 0.488 mm (250 mm field of view), 16 slices: like a real scan.
    #[default]
    Standard,
    /// 128×128 pixels of 0.488 mm (62.5 mm field of view), 12 slices: quick, for tests.
    Small,
}

#[derive(Debug, clap::Args)]
pub(super) struct PhantomArgs {
    /// Folder to write the series and truth.json into (created if missing; must be empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Seed of the noise: the same seed and options give the same voxels.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Image size preset (with --chest: standard 512×512 of 0.7 mm, 150 slices of 2 mm; small
    /// 256×256 of 1.4 mm, 120 slices of 2.5 mm).
    #[arg(long, value_enum, default_value_t = Size::Standard)]
    size: Size,
    /// Write the anatomical chest phantom instead of the calcium inserts: body, lungs, airway,
    /// spine, ribs, sternum, costal cartilages with calcified specks, liver, aorta, a heart with
    /// coronary lesions along the LM/LAD/LCX/RCA, aortic wall and valve calcium and noise specks
    /// (BodyPartExamined CHEST; truth.json lists every
    /// lesion): for `scan score` without regions and the review viewer of `vascalc serve`. Its
    /// geometry comes from --size; --seed and --noise apply.
    #[arg(long, conflicts_with_all = ["slices", "thickness", "increment", "pixel_spacing", "blur_fwhm"])]
    chest: bool,
    /// Number of slices (default: 16 standard, 12 small).
    #[arg(long)]
    slices: Option<u32>,
    /// Slice thickness in mm: width of the slice sensitivity profile.
    #[arg(long, default_value_t = 3.0, value_name = "MM")]
    thickness: f64,
    /// Distance between slice positions in mm (default: the thickness; smaller = overlapping).
    #[arg(long, value_name = "MM")]
    increment: Option<f64>,
    /// Pixel size in mm (square pixels).
    #[arg(long, default_value_t = 0.488, value_name = "MM")]
    pixel_spacing: f64,
    /// FWHM of the in-plane Gaussian blur in mm (0 = no blur).
    #[arg(long, default_value_t = 1.0, value_name = "MM")]
    blur_fwhm: f64,
    /// Standard deviation of the added white noise in HU (0 = no noise).
    #[arg(long, default_value_t = 20.0, value_name = "HU")]
    noise: f64,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Serialize)]
struct Written {
    out: PathBuf,
    study_instance_uid: String,
    series_instance_uid: String,
    slices: usize,
    truth_file: PathBuf,
    truth: Truth,
}

fn spec_from(args: &PhantomArgs) -> PhantomSpec {
    let mut spec = match args.size {
        Size::Standard => PhantomSpec::standard(args.seed),
        Size::Small => PhantomSpec::small(args.seed),
    };
    let g = &mut spec.geometry;
    if let Some(n) = args.slices {
        g.slices = n;
    }
    g.slice_thickness_mm = args.thickness;
    g.slice_increment_mm = args.increment.unwrap_or(args.thickness);
    g.pixel_spacing_mm = args.pixel_spacing;
    spec.model.blur_fwhm_mm = args.blur_fwhm;
    spec.model.noise_sd_hu = args.noise;
    spec
}

/// Makes sure `dir` exists and is empty; refuses anything else with a message naming it.
fn prepare_out(dir: &Path) -> CliResult {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(CliError::invalid_input(anyhow::anyhow!(
                    "{} is not empty; give a new or empty folder to --out (nothing is overwritten)",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the --out folder {}", dir.display()))
            .map_err(CliError::invalid_input),
        Err(e) if dir.exists() && !dir.is_dir() => Err(CliError::invalid_input(anyhow::anyhow!(
            "{} exists and is not a folder ({e}); give a folder to --out",
            dir.display()
        ))),
        Err(e) => Err(CliError::invalid_input(anyhow::anyhow!(
            "cannot use {} as --out: {e}",
            dir.display()
        ))),
    }
}

pub(super) fn run(args: PhantomArgs) -> CliResult {
    if args.format == Format::Csv {
        return Err(CliError::invalid_input(anyhow::anyhow!(
            "`scan phantom` has no table to print as CSV; use --format human or json"
        )));
    }
    if args.chest {
        return run_chest(&args);
    }
    let spec = spec_from(&args);
    spec.validate().map_err(CliError::invalid_input)?;
    prepare_out(&args.out)?;
    let volume = render(&spec).map_err(CliError::invalid_input)?;
    let truth = Truth::new(&spec);
    let written = dicom::write_series(&args.out, &volume, &truth, &dicom::WriteOptions::new())
        .with_context(|| format!("writing the phantom into {}", args.out.display()))?;
    let summary = Written {
        out: args.out.clone(),
        study_instance_uid: written.study_instance_uid,
        series_instance_uid: written.series_instance_uid,
        slices: written.files.len(),
        truth_file: written.truth_file,
        truth,
    };
    match args.format {
        Format::Json => print_json(&summary)?,
        _ => print_human(&summary).map_err(crate::output::OutputError)?,
    }
    Ok(())
}

#[derive(Debug, Serialize)]
struct WrittenChest {
    out: PathBuf,
    study_instance_uid: String,
    series_instance_uid: String,
    slices: usize,
    truth_file: PathBuf,
    spec: vascalc_phantom::chest::ChestSpec,
    coronary_lesions: usize,
    lesions: usize,
}

/// `scan phantom --chest`: the anatomical chest phantom as a CT series.
fn run_chest(args: &PhantomArgs) -> CliResult {
    use vascalc_phantom::chest::{ChestLesionKind, ChestSpec, chest_truth, render_chest};
    let mut spec = match args.size {
        Size::Standard => ChestSpec::standard(args.seed),
        Size::Small => ChestSpec::small(args.seed),
    };
    spec.noise_sd_hu = args.noise;
    let volume = render_chest(&spec).map_err(CliError::invalid_input)?;
    prepare_out(&args.out)?;
    let truth = chest_truth(&spec);
    let written =
        dicom::write_chest_series(&args.out, &volume, &truth, &dicom::WriteOptions::new())
            .with_context(|| format!("writing the chest phantom into {}", args.out.display()))?;
    let summary = WrittenChest {
        out: args.out.clone(),
        study_instance_uid: written.study_instance_uid,
        series_instance_uid: written.series_instance_uid,
        slices: written.files.len(),
        truth_file: written.truth_file,
        coronary_lesions: truth
            .lesions
            .iter()
            .filter(|l| matches!(l.kind, ChestLesionKind::Coronary { .. }))
            .count(),
        lesions: truth.lesions.len(),
        spec,
    };
    match args.format {
        Format::Json => print_json(&summary)?,
        _ => crate::outln!(
            "Wrote an anatomical chest phantom to {}: {} slices of {}×{} ({} mm pixels, {} mm apart), noise SD {} HU, seed {}; {} calcified lesions, {} of them coronary (truth: {}).\nScore it: vascalc scan score {}\nReview it: vascalc serve, then open this folder on the page /review.",
            summary.out.display(),
            summary.slices,
            summary.spec.columns,
            summary.spec.rows,
            summary.spec.pixel_mm,
            summary.spec.increment_mm,
            summary.spec.noise_sd_hu,
            summary.spec.seed,
            summary.lesions,
            summary.coronary_lesions,
            summary.truth_file.display(),
            summary.out.display()
        )?,
    }
    Ok(())
}

fn print_human(w: &Written) -> std::io::Result<()> {
    use std::io::Write;
    let g = &w.truth.geometry;
    let m = &w.truth.model;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(
        out,
        "Wrote a synthetic calcium phantom to {}: {} slices of {}×{} ({} mm pixels), {} mm thick every {} mm.",
        w.out.display(),
        w.slices,
        g.columns,
        g.rows,
        g.pixel_spacing_mm,
        g.slice_thickness_mm,
        g.slice_increment_mm
    )?;
    writeln!(out, "Series {}", w.series_instance_uid)?;
    writeln!(
        out,
        "Model: HU = base + {:.4} × mg HA/cm³; blur FWHM {} mm; boxcar slice profile; noise SD {} HU; seed {}.",
        m.hu_per_mg_ha_cm3, m.blur_fwhm_mm, m.noise_sd_hu, w.truth.seed
    )?;
    writeln!(
        out,
        "Calibration factor implied by the rods: {:.4e} mg/(mm³·HU).",
        w.truth.calibration.factor_mg_per_mm3_hu
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<12} {:>12} {:>10} {:>10}  roi",
        "insert", "mg HA/cm³", "volume mm³", "mass mg"
    )?;
    for i in &w.truth.inserts {
        writeln!(
            out,
            "{:<12} {:>12} {:>10.1} {:>10.2}  {}={}",
            i.id,
            i.mg_ha_cm3,
            i.volume_mm3,
            i.mass_mg,
            i.id,
            i.roi.to_arg()
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Truth (positions, masses, model): {}",
        w.truth_file.display()
    )?;
    writeln!(
        out,
        "Score the inserts only, mass calibrated on the phantom's rods:\n  vascalc scan score {} {}",
        w.out.display(),
        w.truth.score_args().join(" ")
    )?;
    writeln!(
        out,
        "Physical masses: density × π(d/2)² × length; QRM Cardiac Calcification Insert design."
    )?;
    out.flush()
}
