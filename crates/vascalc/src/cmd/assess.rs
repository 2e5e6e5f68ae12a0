//! `vascalc assess`: risk equations, CAC interpretation, kidney function and progression from a
//! profile (see docs/assess.md).

use std::fmt::Write as _;
use std::io::{BufRead, BufWriter, Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use vascalc_clinical::{Assessment, Options, PceCoefficients, Profile, assess};

use crate::exit::{CliError, CliResult};
use crate::output::{Format, print_json};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["profile", "batch"])))]
pub struct AssessArgs {
    /// Profile JSON file, or `-` for standard input.
    #[arg(long, value_name = "FILE|-")]
    pub profile: Option<PathBuf>,
    /// JSON Lines file with one profile per line (`-` for standard input); prints one JSON
    /// result per line.
    #[arg(long, value_name = "FILE.jsonl", conflicts_with = "format")]
    pub batch: Option<PathBuf>,
    /// Where `--batch` writes its results (default: standard output).
    #[arg(long, value_name = "FILE", requires = "batch")]
    pub out: Option<PathBuf>,
    /// Coefficient precision for the 2013 Pooled Cohort Equations: `guideline` (Table A, the
    /// default) or `calculator` (the ACC Risk Estimator Plus precision).
    #[arg(long, value_enum, default_value = "guideline")]
    pub pce_coefficients: PceArg,
    /// Output format (`human` or `json`; `--batch` always writes JSON Lines).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PceArg {
    Guideline,
    Calculator,
}

impl From<PceArg> for PceCoefficients {
    fn from(a: PceArg) -> Self {
        match a {
            PceArg::Guideline => PceCoefficients::Guideline,
            PceArg::Calculator => PceCoefficients::Calculator,
        }
    }
}

pub fn run(args: AssessArgs) -> CliResult {
    let options = Options {
        pce_coefficients: args.pce_coefficients.into(),
    };
    if let Some(batch) = &args.batch {
        return run_batch(batch, args.out.as_deref(), &options);
    }
    let Some(path) = &args.profile else {
        return Err(CliError::invalid_input(anyhow::anyhow!(
            "give --profile FILE or --batch FILE.jsonl"
        )));
    };
    let (text, name) = read_input(path)?;
    let profile: Profile = serde_json::from_str(&text)
        .map_err(|e| CliError::invalid_input(anyhow::anyhow!("{name}: {e}")))?;
    let assessment = assess(&profile, &options);
    match args.format {
        Format::Json => print_json(&assessment)?,
        Format::Human => {
            let mut out = std::io::stdout().lock();
            out.write_all(human(&profile, &assessment).as_bytes())?;
            out.flush()?;
        }
        Format::Csv => {
            return Err(CliError::invalid_input(anyhow::anyhow!(
                "`vascalc assess` prints human or json, not csv"
            )));
        }
    }
    Ok(())
}

fn read_input(path: &std::path::Path) -> Result<(String, String), CliError> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("reading the profile from standard input")?;
        Ok((s, "standard input".to_owned()))
    } else {
        let s = std::fs::read_to_string(path)
            .map_err(|e| CliError::invalid_input(anyhow::anyhow!("{}: {e}", path.display())))?;
        Ok((s, path.display().to_string()))
    }
}

/// Assesses one JSON line into `out` as `{"line":N,…}`; returns the error message for a bad line.
pub fn batch_line(
    line_no: usize,
    line: &str,
    options: &Options,
    buf: &mut Vec<u8>,
    out: &mut impl Write,
) -> std::io::Result<Option<String>> {
    match serde_json::from_str::<Profile>(line) {
        Ok(profile) => {
            let a = assess(&profile, options);
            buf.clear();
            serde_json::to_writer(&mut *buf, &a)?;
            // `{"line":N,` + the assessment object without its opening brace.
            write!(out, "{{\"line\":{line_no},")?;
            out.write_all(buf.get(1..).unwrap_or_default())?;
            out.write_all(b"\n")?;
            Ok(None)
        }
        Err(e) => {
            let msg = e.to_string();
            serde_json::to_writer(
                &mut *out,
                &serde_json::json!({"line": line_no, "error": msg}),
            )?;
            out.write_all(b"\n")?;
            Ok(Some(msg))
        }
    }
}

fn run_batch(
    path: &std::path::Path,
    out: Option<&std::path::Path>,
    options: &Options,
) -> CliResult {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(path)
            .map_err(|e| CliError::invalid_input(anyhow::anyhow!("{}: {e}", path.display())))?;
        Box::new(std::io::BufReader::with_capacity(1 << 16, f))
    };
    let sink: Box<dyn Write> = match out {
        Some(p) => {
            Box::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = BufWriter::with_capacity(1 << 16, sink);
    let mut buf = Vec::with_capacity(4096);
    let (mut total, mut bad) = (0usize, 0usize);
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{}: reading line {}", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        total += 1;
        if let Some(msg) = batch_line(i + 1, &line, options, &mut buf, &mut w)? {
            bad += 1;
            eprintln!("{}: line {}: {msg}", path.display(), i + 1);
        }
    }
    w.flush()?;
    if bad > 0 {
        return Err(CliError::invalid_input(anyhow::anyhow!(
            "{}: {bad} of {total} profiles were invalid (reported above and as {{\"line\",\"error\"}} records)",
            path.display()
        )));
    }
    Ok(())
}

fn pct(v: f64) -> String {
    if v < 1.0 {
        format!("{v:.2} %")
    } else {
        format!("{v:.1} %")
    }
}

/// The readable summary.
pub fn human(p: &Profile, a: &Assessment) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "vascalc assess — {}-year-old {}{}",
        p.age,
        p.sex.as_str(),
        p.race
            .map(|r| format!(", {}", r.as_str()))
            .unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "vascalc informs; it does not prescribe. Discuss results with a clinician.\n"
    );
    if !a.risks.is_empty() {
        let _ = writeln!(s, "Risk estimates");
        for r in &a.risks {
            let _ = writeln!(
                s,
                "  {:<14} {:<17} {:>8}   ({} coefficients)",
                r.model,
                r.outcome,
                pct(r.percent),
                r.coefficients
            );
        }
        let mut sources: Vec<(&str, &str)> = a.risks.iter().map(|r| (r.model, r.source)).collect();
        sources.dedup();
        for (m, src) in sources {
            let _ = writeln!(s, "  [{m}] {src}");
        }
        let _ = writeln!(s);
    }
    if let Some(c) = &a.cac {
        let _ = writeln!(s, "Coronary calcium");
        let _ = writeln!(
            s,
            "  Agatston {} — {} (category {}, scheme {}); CAC-DRS {}",
            c.agatston, c.category.description, c.category.label, c.category.scheme, c.cac_drs.code
        );
        match (&c.percentile, &c.percentile_unavailable) {
            (Some(pc), _) => {
                if let Some(n) = pc.percentile {
                    let _ = writeln!(
                        s,
                        "  Percentile for age {}, sex and race: {n}{} ({}% of this group have CAC > 0)",
                        pc.age_used,
                        if n == 0 { " (score 0)" } else { "" },
                        pc.p_nonzero_pct.unwrap_or_default()
                    );
                }
                if let Some(b) = &pc.band {
                    let _ = writeln!(s, "  Percentile for age {}, sex and race: {b}", pc.age_used);
                }
                let _ = writeln!(s, "    source: {}\n    note: {}", pc.source, pc.note);
            }
            (None, Some(why)) => {
                let _ = writeln!(s, "  Percentile: {why}");
            }
            _ => {}
        }
        if let Some(d) = &c.density {
            let _ = writeln!(
                s,
                "  Mean density (Agatston/volume): {:.2}. {}",
                d.mean_density, d.note
            );
            let _ = writeln!(s, "    source: {}", d.source);
        }
        let _ = writeln!(s, "  Guideline context: {}", c.statin_context.statement);
        for cav in &c.statin_context.caveats {
            let _ = writeln!(s, "    - {cav}");
        }
        let _ = writeln!(s, "    source: {}\n", c.statin_context.source);
    }
    if let Some(k) = &a.kidney {
        let _ = writeln!(s, "Kidney");
        let _ = writeln!(
            s,
            "  eGFR {:.0} mL/min/1.73 m² ({}) — KDIGO {} ({}){}",
            k.egfr_ml_min_1_73m2,
            k.egfr_method,
            k.g_stage,
            k.g_description,
            k.a_stage
                .map(|a| format!(", {a} ({})", k.a_description.unwrap_or_default()))
                .unwrap_or_default()
        );
        let _ = writeln!(s, "  {}", k.medial_calcification_note);
        for src in k.sources {
            let _ = writeln!(s, "    source: {src}");
        }
        let _ = writeln!(s);
    }
    if let Some(pr) = &a.progression {
        let _ = writeln!(s, "Progression");
        for c in pr
            .consecutive
            .iter()
            .chain(pr.first_to_last.iter().filter(|_| pr.consecutive.len() > 1))
        {
            let _ = writeln!(
                s,
                "  {} → {} ({:.1} y): {} → {}, {:+.1} AU ({:+.1} AU/y{}), √ diff {:.2} ({}), {}",
                c.from,
                c.to,
                c.years,
                c.baseline,
                c.follow_up,
                c.absolute_change,
                c.annualised_change,
                c.annualised_percent
                    .map(|p| format!(", {p:+.1} %/y"))
                    .unwrap_or_default(),
                c.sqrt_difference,
                if c.sqrt_rule_progression {
                    "progression by the ≥2.5 rule"
                } else {
                    "below the 2.5 threshold"
                },
                match (c.incident, c.raggi_rule_progression) {
                    (true, _) => "incident CAC".to_owned(),
                    (_, Some(true)) => ">15 %/y: progression by Raggi's rule".to_owned(),
                    (_, Some(false)) => "≤15 %/y".to_owned(),
                    _ => "still 0".to_owned(),
                }
            );
            let e = &c.expected;
            let figure = match (e.expected_follow_up, e.probability_incident) {
                (Some(f), _) => format!("expected about {f:.0} by then"),
                (None, Some(p)) => {
                    format!("chance of detectable CAC by then about {:.0} %", p * 100.0)
                }
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "    vs MESA: {figure} — observed is {} ({})",
                e.comparison, e.description
            );
        }
        let ns = &pr.next_scan;
        match (ns.earliest, ns.latest) {
            (Some(e), Some(l)) => {
                let _ = writeln!(s, "  Next scan: between {e} and {l}");
            }
            _ => {
                let _ = writeln!(s, "  Next scan: no evidence-based date");
            }
        }
        for b in &ns.basis {
            let _ = writeln!(s, "    - {b}");
        }
        let mut srcs: Vec<&str> = pr
            .consecutive
            .iter()
            .flat_map(|c| c.sources.iter().copied())
            .chain(ns.sources.iter().copied())
            .collect();
        srcs.sort_unstable();
        srcs.dedup();
        for src in srcs {
            let _ = writeln!(s, "    source: {src}");
        }
        let _ = writeln!(s);
    }
    if !a.not_applicable.is_empty() {
        let _ = writeln!(s, "Not applied");
        for n in &a.not_applicable {
            let _ = writeln!(s, "  {}: {}", n.model, n.reason);
        }
    }
    s
}
