//! `vascalc scan score`: Agatston, volume and mass per lesion and artery from CT DICOM series.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, anyhow};
use vascalc_ct::{
    Calibration, ConventionName, LesionStatus, Region, Regions, Roi, ScanResult, ScoreOptions,
    SeriesScore, score_with_anatomy,
};
use vascalc_dicom::{LoadedSeries, MemoryBudget, SeriesFilter, load_series_each};

use crate::exit::{CliError, CliResult};
use crate::output::Format;

/// The arguments, boxed so that the command enum stays small.
#[derive(Debug, clap::Args)]
pub(super) struct ScoreArgs {
    #[command(flatten)]
    args: Box<Args>,
}

#[derive(Debug, clap::Args)]
struct Args {
    /// DICOM folders (searched recursively) and files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Score only this SeriesInstanceUID.
    #[arg(long, value_name = "UID")]
    series: Option<String>,
    /// Write, per series, the automatic regions (1 heart region, 2 aorta, 3 bone, 4 lung,
    /// 5 aortic root, 6 liver under the heart, 7 CT table) and the lesions (1 coronary candidate, 2 excluded, 3 counted) as NIfTI-1 label
    /// volumes `UID.regions.nii` and `UID.lesions.nii` in DIR (created if missing), for review in
    /// other tools.
    #[arg(long, value_name = "DIR")]
    write_regions: Option<PathBuf>,
    #[command(flatten)]
    scoring: ScoringArgs,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// `--regions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum RegionsArg {
    Auto,
    None,
}

/// The scoring options, defined once and flattened into `scan score` and `scan batch` so that
/// both accept, parse and validate them alike.
#[derive(Debug, clap::Args)]
pub(super) struct ScoringArgs {
    /// Scoring rules: classic (Agatston 1990; default), or a peer's choices: qurai, deepcac, ai-cac.
    #[arg(long, default_value = "classic", value_parser = parse_convention)]
    convention: ConventionName,
    /// Mass calibration factor in mg per (mm³·HU); without it mass is absent.
    #[arg(long, value_name = "F", conflicts_with = "ha_rod")]
    calibration: Option<f64>,
    /// Measure the calibration in the scan: hydroxyapatite rod as `X,Y,Z,R[,L]` (patient mm; a
    /// cylinder of radius R and length L, default 10 mm, along the slice normal).
    #[arg(long, value_name = "X,Y,Z,R[,L]", value_parser = parse_rod, requires = "water_rod")]
    ha_rod: Option<Region>,
    /// The water rod for `--ha-rod`, as `X,Y,Z,R[,L]`.
    #[arg(long, value_name = "X,Y,Z,R[,L]", value_parser = parse_rod, requires = "ha_rod")]
    water_rod: Option<Region>,
    /// Hydroxyapatite density of the `--ha-rod`, mg/cm³.
    #[arg(long, value_name = "MG_CM3", default_value_t = 200.0)]
    ha_density: f64,
    /// A region naming an artery: NAME=sphere:X,Y,Z,R (patient mm). Repeatable.
    #[arg(long = "roi", value_name = "NAME=sphere:X,Y,Z,R", value_parser = parse_roi)]
    rois: Vec<Roi>,
    /// A NIfTI-1 label volume (.nii or .nii.gz) naming arteries; consulted for voxels outside
    /// every --roi.
    #[arg(long, value_name = "FILE.nii[.gz]")]
    labels: Option<PathBuf>,
    /// Name of a label value in --labels: VALUE=NAME (e.g. 1=LAD). Repeatable; unnamed values
    /// are called "label N".
    #[arg(long = "label-name", value_name = "VALUE=NAME", value_parser = parse_label_name, requires = "labels")]
    label_names: Vec<(u16, String)>,
    /// Drop lesions outside every region or label.
    #[arg(long)]
    only_rois: bool,
    /// Lesions that no --roi, --labels or --assign names: `auto` finds the anatomy (body, lungs,
    /// carina, bone, aorta, heart region) and makes them coronary candidates (unreviewed) or
    /// exclusions with reasons; `none` counts the whole image (calibration phantoms).
    #[arg(long, value_enum, default_value_t = RegionsArg::Auto)]
    regions: RegionsArg,
    /// Lesion id → artery file: JSON object {"3":"LAD"} or lines "3,LAD" (one series only).
    #[arg(long, value_name = "FILE")]
    assign: Option<PathBuf>,
    /// Adjust threshold and weight bins to the scan's kVp (Gräni 2018 table; opt-in).
    #[arg(long)]
    kv_adjusted_threshold: bool,
    /// Memory budget for reading DICOM, in MB: a series (or a header) that needs more is refused
    /// with a message instead of exhausting the machine. In `scan batch` all workers share it.
    #[arg(long, value_name = "MB", default_value_t = 2048, value_parser = clap::value_parser!(u32).range(16..))]
    max_memory: u32,
}

impl ScoringArgs {
    /// The options common to every series: reads `--labels` and `--assign` once.
    pub(super) fn options(&self) -> CliResult<ScoreOptions> {
        if self.only_rois && self.rois.is_empty() && self.labels.is_none() && self.assign.is_none()
        {
            return Err(CliError::invalid_input(
                vascalc_ct::ScoreError::OnlyRoisWithoutRegions,
            ));
        }
        Ok(ScoreOptions {
            convention: self.convention.convention(),
            kv_adjusted_threshold: self.kv_adjusted_threshold,
            calibration: self
                .calibration
                .map(Calibration::given)
                .transpose()
                .map_err(CliError::invalid_input)?,
            rois: self.rois.clone(),
            labels: match &self.labels {
                Some(path) => Some(Arc::new(
                    vascalc_dicom::read_labels(path, self.label_names.iter().cloned().collect())
                        .map_err(CliError::invalid_input)?,
                )),
                None => None,
            },
            only_rois: self.only_rois,
            regions: match self.regions {
                RegionsArg::Auto => Regions::Auto,
                RegionsArg::None => Regions::WholeImage,
            },
            keep_runs: false,
            assignments: match &self.assign {
                Some(path) => read_assignments(path)?,
                None => BTreeMap::new(),
            },
        })
    }

    /// `options` for one series: with the calibration measured on its rods when `--ha-rod` and
    /// `--water-rod` are given.
    pub(super) fn for_series(
        &self,
        options: &ScoreOptions,
        series: &LoadedSeries,
    ) -> anyhow::Result<ScoreOptions> {
        let mut options = options.clone();
        if let (Some(ha), Some(water)) = (&self.ha_rod, &self.water_rod) {
            let c = Calibration::from_rods(&series.volume, ha, water, self.ha_density)
                .with_context(|| format!("series {}: calibration rods", series.series_uid))?;
            options.calibration = Some(c);
        }
        Ok(options)
    }

    /// The memory budget of `--max-memory`.
    pub(super) fn budget(&self) -> MemoryBudget {
        MemoryBudget::new((self.max_memory as usize) << 20)
    }

    /// The `--assign` file, if given (it names lesions of one series).
    pub(super) fn assign(&self) -> Option<&Path> {
        self.assign.as_deref()
    }
}

/// Parses `--convention` for `scan score` and `scan batch`.
pub(super) fn parse_convention(s: &str) -> Result<ConventionName, String> {
    ConventionName::parse(s).ok_or_else(|| {
        let names: Vec<&str> = ConventionName::ALL.iter().map(|c| c.as_str()).collect();
        format!(
            "unknown convention {s:?}; choose one of {}",
            names.join(", ")
        )
    })
}

fn numbers(s: &str, what: &str) -> Result<Vec<f64>, String> {
    s.split(',')
        .map(|v| {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{what}: {v:?} is not a number"))
        })
        .collect()
}

fn parse_roi(s: &str) -> Result<Roi, String> {
    let (name, spec) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected NAME=sphere:X,Y,Z,R"))?;
    let coords = spec
        .strip_prefix("sphere:")
        .ok_or_else(|| format!("{s:?}: only sphere regions are supported (NAME=sphere:X,Y,Z,R)"))?;
    let v = numbers(coords, s)?;
    match v.as_slice() {
        [x, y, z, r] if *r > 0.0 && !name.trim().is_empty() => Ok(Roi {
            name: vascalc_ct::canonical_artery(name),
            region: Region::Sphere {
                center_mm: [*x, *y, *z],
                radius_mm: *r,
            },
        }),
        _ => Err(format!(
            "{s:?}: expected a name and four numbers X,Y,Z,R with R > 0"
        )),
    }
}

fn parse_label_name(s: &str) -> Result<(u16, String), String> {
    let (v, name) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected VALUE=NAME, e.g. 1=LAD"))?;
    let v = v
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("{s:?}: label value must be a whole number from 1 to 65535"))?;
    if name.trim().is_empty() {
        return Err(format!("{s:?}: empty name"));
    }
    Ok((v, vascalc_ct::canonical_artery(name)))
}

fn parse_rod(s: &str) -> Result<Region, String> {
    let v = numbers(s, s)?;
    let (c, r, l) = match v.as_slice() {
        [x, y, z, r] => ([*x, *y, *z], *r, 10.0),
        [x, y, z, r, l] => ([*x, *y, *z], *r, *l),
        _ => return Err(format!("{s:?}: expected X,Y,Z,R or X,Y,Z,R,L")),
    };
    if r <= 0.0 || l <= 0.0 {
        return Err(format!("{s:?}: radius and length must be positive"));
    }
    Ok(Region::Cylinder {
        center_mm: c,
        radius_mm: r,
        half_length_mm: l / 2.0,
    })
}

/// Reads an assignment file: a JSON object of id → name, or lines `id,name` (`#` comments).
fn read_assignments(path: &Path) -> CliResult<BTreeMap<u32, String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the assignment file", path.display()))
        .map_err(CliError::invalid_input)?;
    let bad = |why: String| CliError::invalid_input(anyhow!("{}: {why}", path.display()));
    if text.trim_start().starts_with('{') {
        let map: BTreeMap<String, String> = serde_json::from_str(&text)
            .map_err(|e| bad(format!("not a JSON object of lesion id to artery: {e}")))?;
        return map
            .into_iter()
            .map(|(k, v)| {
                k.trim()
                    .parse::<u32>()
                    .map(|id| (id, v))
                    .map_err(|_| bad(format!("lesion id {k:?} is not a whole number")))
            })
            .collect();
    }
    let mut map = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.eq_ignore_ascii_case("id,artery") {
            continue;
        }
        let (id, name) = line
            .split_once([',', '\t'])
            .ok_or_else(|| bad(format!("line {}: expected \"id,artery\"", n + 1)))?;
        let id = id.trim().parse::<u32>().map_err(|_| {
            bad(format!(
                "line {}: lesion id {id:?} is not a whole number",
                n + 1
            ))
        })?;
        map.insert(id, name.trim().to_string());
    }
    Ok(map)
}

pub(super) fn dicom_error(e: vascalc_dicom::Error) -> CliError {
    if e.is_nothing_found() {
        CliError::not_found(e)
    } else {
        CliError::invalid_input(e)
    }
}

#[expect(clippy::print_stderr, reason = "the binary talks to the person")]
pub(super) fn run(args: ScoreArgs) -> CliResult {
    let args = *args.args;
    // The options first: a wrong option is reported before any file is read.
    let mut options = args.scoring.options()?;
    options.keep_runs = args.write_regions.is_some();
    if let Some(dir) = &args.write_regions {
        std::fs::create_dir_all(dir)
            .with_context(|| {
                format!(
                    "{}: cannot create the --write-regions folder",
                    dir.display()
                )
            })
            .map_err(CliError::invalid_input)?;
    }
    let filter = SeriesFilter {
        series_uid: args.series.clone(),
        budget: args.scoring.budget(),
    };
    let loaded = load_series_each(&args.paths, &filter).map_err(dicom_error)?;
    let mut failures = loaded.failures;
    if loaded.series.is_empty() && failures.len() == 1 {
        return Err(dicom_error(failures.remove(0)));
    }
    let mut result = ScanResult::default();
    // Each failure on its own line; the series that loaded are scored and shown all the same.
    let mut failed = failures.len();
    for e in &failures {
        eprintln!("error: {e}");
    }
    for s in &loaded.series {
        let scored = args
            .scoring
            .for_series(&options, s)
            .and_then(|o| Ok(score_with_anatomy(&s.volume, &s.acquisition, &o)?))
            .and_then(|(mut scored, anatomy)| {
                if let Some(dir) = &args.write_regions {
                    write_regions(dir, s, &scored, anatomy.as_ref())?;
                    scored.lesions.iter_mut().for_each(|l| l.runs.clear());
                }
                Ok(scored)
            })
            .with_context(|| series_context(s));
        match scored {
            Ok(scored) => result.series.push(scored),
            Err(e) => {
                eprintln!("error: {e:#}");
                failed += 1;
            }
        }
    }
    match args.format {
        Format::Json => print_json_buffered(&result).map_err(crate::output::OutputError)?,
        Format::Csv => print_csv(&result).map_err(crate::output::OutputError)?,
        Format::Human => print_human(&result).map_err(crate::output::OutputError)?,
    }
    if failed > 0 {
        return Err(CliError::invalid_input(anyhow!(
            "{failed} file(s) or series could not be scored (listed above); {} series scored",
            result.series.len()
        )));
    }
    Ok(())
}

/// `--write-regions`: the anatomy and the lesions of one series as NIfTI-1 label volumes.
fn write_regions(
    dir: &Path,
    s: &LoadedSeries,
    scored: &SeriesScore,
    anatomy: Option<&vascalc_ct::Anatomy>,
) -> anyhow::Result<()> {
    use vascalc_ct::anatomy::flag;
    let v = &s.volume;
    let Some(affine) = vascalc_dicom::ras_affine(&v.geometry, v.slices) else {
        return Ok(());
    };
    let dims = [v.columns, v.rows, v.slices];
    let uid = &s.series_uid;
    let n = v.columns * v.rows * v.slices;
    let mut regions = vec![0u8; n];
    if let Some(a) = anatomy {
        for (out, f) in regions.iter_mut().zip(&a.flags) {
            *out = if f & flag::BONE != 0 {
                3
            } else if f & flag::AORTA != 0 {
                2
            } else if f & flag::AORTIC_ROOT != 0 {
                5
            } else if f & flag::HEART != 0 {
                1
            } else if f & flag::LUNG != 0 {
                4
            } else {
                0
            };
        }
        let plane = v.columns * v.rows;
        for (k, runs) in a.liver_runs.iter().enumerate() {
            for &(j, s, e) in runs {
                let base = k * plane + j as usize * v.columns;
                regions[base + s as usize..base + e as usize].fill(6);
            }
        }
        for (idx, out) in regions.iter_mut().enumerate() {
            let (i, j, k) = (idx % v.columns, idx / v.columns % v.rows, idx / plane);
            if a.in_table(i, j, k) {
                *out = 7;
            }
        }
    }
    let path = dir.join(format!("{uid}.regions.nii"));
    vascalc_dicom::write_labels_nii(&path, dims, &regions, affine)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    let mut lesions = vec![0u8; n];
    for l in &scored.lesions {
        let value = match l.status {
            LesionStatus::Candidate => 1,
            LesionStatus::Excluded => 2,
            LesionStatus::Scored | LesionStatus::Assigned => 3,
        };
        for r in &l.runs {
            let base = (r[0] as usize * v.rows + r[1] as usize) * v.columns;
            if let Some(run) = lesions.get_mut(base + r[2] as usize..base + r[3] as usize) {
                run.fill(value);
            }
        }
    }
    let path = dir.join(format!("{uid}.lesions.nii"));
    vascalc_dicom::write_labels_nii(&path, dims, &lesions, affine)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

fn series_context(s: &LoadedSeries) -> String {
    format!(
        "series {} ({})",
        s.series_uid,
        s.files
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    )
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.digits$}"))
}

/// Standard output, buffered: stdout is line-buffered, and a scan has thousands of lines.
fn buffered_stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock())
}

/// The shared JSON vocabulary, pretty-printed in one write.
fn print_json_buffered(result: &ScanResult) -> std::io::Result<()> {
    let mut out = buffered_stdout();
    serde_json::to_writer_pretty(&mut out, result)?;
    writeln!(out)?;
    out.flush()
}

fn print_csv(result: &ScanResult) -> std::io::Result<()> {
    let mut out = buffered_stdout();
    writeln!(
        out,
        "series_instance_uid,lesion_id,label,first_slice,last_slice,x_mm,y_mm,z_mm,area_mm2,voxels,peak_hu,mean_hu,agatston,volume_mm3,mass_mg,relative_mass_hu_mm3,status,reasons"
    )?;
    for s in &result.series {
        let uid = s.acquisition.series_instance_uid.as_deref().unwrap_or("");
        for l in &s.lesions {
            writeln!(
                out,
                "{uid},{},{},{},{},{:.2},{:.2},{:.2},{:.3},{},{:.1},{:.1},{:.3},{:.3},{},{:.1},{},{}",
                l.id,
                csv_field(l.label.as_deref().unwrap_or("")),
                l.slices[0],
                l.slices[1],
                l.centroid_mm[0],
                l.centroid_mm[1],
                l.centroid_mm[2],
                l.area_mm2,
                l.voxels,
                l.peak_hu,
                l.mean_hu,
                l.agatston,
                l.volume_mm3,
                l.mass_mg.map_or_else(String::new, |m| format!("{m:.3}")),
                l.relative_mass_hu_mm3,
                status_str(l.status),
                l.reasons
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
            )?;
        }
    }
    out.flush()
}

fn status_str(s: LesionStatus) -> &'static str {
    match s {
        LesionStatus::Scored => "scored",
        LesionStatus::Assigned => "assigned",
        LesionStatus::Candidate => "candidate",
        LesionStatus::Excluded => "excluded",
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const MAX_LESIONS_SHOWN: usize = 25;

fn print_human(result: &ScanResult) -> std::io::Result<()> {
    let mut out = buffered_stdout();
    for s in &result.series {
        print_series(&mut out, s)?;
    }
    out.flush()
}

fn print_series(out: &mut impl Write, s: &SeriesScore) -> std::io::Result<()> {
    let a = &s.acquisition;
    let c = &s.conventions;
    writeln!(
        out,
        "Series {} — {}",
        a.series_instance_uid.as_deref().unwrap_or("?"),
        a.series_description.as_deref().unwrap_or("no description")
    )?;
    writeln!(
        out,
        "  {} {} · {} kVp · kernel {} · {} slices · thickness {} mm · increment {} mm · pixel {} mm · study date {}",
        a.manufacturer.as_deref().unwrap_or("?"),
        a.model.as_deref().unwrap_or("?"),
        opt(a.kvp, 0),
        a.kernel.as_deref().unwrap_or("?"),
        a.slices.map_or("?".into(), |n| n.to_string()),
        opt(a.slice_thickness_mm, 2),
        opt(a.increment_mm, 3),
        a.pixel_spacing_mm
            .map_or("?".into(), |p| format!("{:.3}×{:.3}", p[0], p[1])),
        a.study_date.as_deref().unwrap_or("?"),
    )?;
    let t = &s.totals;
    writeln!(
        out,
        "  {}Agatston {:.1} · volume {:.1} mm³ · mass {} · {} lesion(s) · CAC-DRS {}",
        if s.review.is_some() {
            "Counted (assigned by regions or review): "
        } else {
            ""
        },
        t.agatston,
        t.volume_mm3,
        t.mass_mg.map_or(
            "not calibrated (relative mass in JSON)".into(),
            |m| format!("{m:.2} mg")
        ),
        t.lesions,
        s.cac_drs
            .as_deref()
            .unwrap_or("not interpreted (see the flags below)"),
    )?;
    if let Some(r) = &s.review {
        let c = &r.candidates_unreviewed;
        writeln!(
            out,
            "  Coronary candidates, UNREVIEWED (not a calcium score): {} lesion(s), Agatston {:.1} unreviewed, volume {:.1} mm³",
            c.lesions, c.agatston, c.volume_mm3
        )?;
        let reasons: Vec<String> = r
            .excluded_by_reason
            .iter()
            .map(|(k, t)| format!("{k} {}", t.lesions))
            .collect();
        writeln!(
            out,
            "  Excluded automatically: {} lesion(s) ({})",
            r.excluded.lesions,
            reasons.join(", ")
        )?;
        let a = &r.anatomy;
        writeln!(
            out,
            "  Anatomy: carina slice {} · heart region slices {} ({:.0} mL) · lungs {:.0} mL · bone {:.0} mL · descending aorta on {} slice(s) · ascending aorta on {} and aortic root on {} slice(s) · arch on {} slice(s) above the heart",
            a.carina_slice.map_or("not found".into(), |k| k.to_string()),
            a.heart_slices
                .map_or("none".into(), |[lo, hi]| format!("{lo}-{hi}")),
            a.heart_region_ml,
            a.lung_ml,
            a.bone_ml,
            a.aorta_slices,
            a.ascending_aorta_slices,
            a.aortic_root_slices,
            a.arch_slices
        )?;
    }
    writeln!(
        out,
        "  convention {}: ≥{} HU, {}, min size {}, depth {:.3} mm/3 mm — {}",
        c.convention.name.as_str(),
        c.convention.threshold_hu,
        c.convention.connectivity,
        c.convention.min_size,
        c.depth_mm,
        c.convention.source
    )?;
    if let Some(cal) = &c.calibration {
        writeln!(
            out,
            "  mass calibration {:.4e} mg/(mm³·HU) ({})",
            cal.mg_per_mm3_hu, cal.source
        )?;
    }
    writeln!(
        out,
        "  CAC-DRS per Hecht HS et al. 2018, doi:10.1016/j.jcct.2018.03.008"
    )?;
    if !s.per_artery.is_empty() {
        writeln!(
            out,
            "  {:<10} {:>10} {:>12} {:>10} {:>8}",
            "artery", "Agatston", "volume mm³", "mass mg", "lesions"
        )?;
        for (name, t) in &s.per_artery {
            writeln!(
                out,
                "  {:<10} {:>10.1} {:>12.1} {:>10} {:>8}",
                name,
                t.agatston,
                t.volume_mm3,
                opt(t.mass_mg, 2),
                t.lesions
            )?;
        }
    }
    if !s.lesions.is_empty() {
        writeln!(
            out,
            "  {:>4} {:<8} {:>7} {:>24} {:>8} {:>6} {:>6} {:>9} {:>9} {:>8}",
            "id",
            "label",
            "slices",
            "centroid mm (x,y,z)",
            "area mm²",
            "peak",
            "mean",
            "Agatston",
            "vol mm³",
            "mass mg"
        )?;
        // Counted lesions first, then candidates, then exclusions; by score within each.
        let rank = |l: &vascalc_ct::Lesion| match l.status {
            LesionStatus::Assigned | LesionStatus::Scored => 0,
            LesionStatus::Candidate => 1,
            LesionStatus::Excluded => 2,
        };
        let mut shown: Vec<_> = s.lesions.iter().collect();
        shown.sort_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then(b.agatston.total_cmp(&a.agatston))
        });
        for l in shown.iter().take(MAX_LESIONS_SHOWN) {
            writeln!(
                out,
                "  {:>4} {:<8} {:>7} {:>24} {:>8.1} {:>6.0} {:>6.0} {:>9.1} {:>9.1} {:>8}",
                l.id,
                match (&l.label, l.status) {
                    (Some(name), _) => name.clone(),
                    (None, LesionStatus::Candidate) => "cand?".to_string(),
                    (None, LesionStatus::Excluded) => l
                        .reasons
                        .first()
                        .map_or("excl", |r| r.as_str())
                        .chars()
                        .take(8)
                        .collect(),
                    (None, _) => "-".to_string(),
                },
                format!("{}-{}", l.slices[0], l.slices[1]),
                format!(
                    "{:.1},{:.1},{:.1}",
                    l.centroid_mm[0], l.centroid_mm[1], l.centroid_mm[2]
                ),
                l.area_mm2,
                l.peak_hu,
                l.mean_hu,
                l.agatston,
                l.volume_mm3,
                opt(l.mass_mg, 2),
            )?;
        }
        if s.lesions.len() > MAX_LESIONS_SHOWN {
            writeln!(
                out,
                "  … {} more lesion(s): --format csv lists them all",
                s.lesions.len() - MAX_LESIONS_SHOWN
            )?;
        }
    }
    for f in &s.flags {
        writeln!(out, "  ! {}", f.message)?;
    }
    writeln!(
        out,
        "  vascalc informs; it does not prescribe. Discuss results with a clinician."
    )?;
    writeln!(out)
}
