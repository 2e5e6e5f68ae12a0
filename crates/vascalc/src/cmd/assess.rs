//! `vascalc assess`: risk equations, CAC interpretation, kidney function and progression from a
//! profile (see docs/assess.md).

use std::fmt::Write as _;
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use vascalc_clinical::progression::{RAGGI_PERCENT_PER_YEAR, SQRT_THRESHOLD};
use vascalc_clinical::table::{self, Layout};
use vascalc_clinical::{
    Assessment, BatchId, BatchLine, Options, PceCoefficients, Profile, assess, assess_into,
};

use crate::cmd::record::fmt_num;
use crate::exit::{CliError, CliResult};
use crate::output::{Format, print_json};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["profile", "batch", "codebook", "person"])))]
pub(crate) struct AssessArgs {
    /// Assess a person of the record (`vascalc profile create`): the profile their latest
    /// values give as of today (or --as-of), as `vascalc profile show` shows it.
    #[arg(long, value_name = "NAME")]
    pub person: Option<String>,
    /// With --person: the date the profile is taken as of [default: today].
    #[arg(long, requires = "person")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub db: crate::cmd::record::DbArg,
    /// Profile file (JSON, or TOML for a `.toml` file), or `-` for standard input (JSON unless
    /// `--input-format toml`).
    #[arg(long, value_name = "FILE|-")]
    pub profile: Option<PathBuf>,
    /// How to read `--profile` (default: by the file's extension).
    #[arg(long, value_enum, requires = "profile")]
    pub input_format: Option<InputFormat>,
    /// JSON Lines file with one profile per line (`-` for standard input), each optionally with
    /// an `"id"`. Writes one result per line: the full assessment as JSON Lines (default or
    /// `--format json`), one wide table row (`--format csv`), or a flat row object
    /// (`--format json --compact`).
    #[arg(long, value_name = "FILE.jsonl")]
    pub batch: Option<PathBuf>,
    /// With `--batch --format json`: one flat object per line with the columns of the CSV table
    /// (numbers, codes; sources in `--codebook`) instead of the full assessment.
    #[arg(long, requires = "batch")]
    pub compact: bool,
    /// Where `--batch` writes its results (default: standard output).
    #[arg(long, value_name = "FILE", requires = "batch")]
    pub out: Option<PathBuf>,
    /// Print the columns of the `--batch` table (name, kind, meaning, source) and exit.
    #[arg(long)]
    pub codebook: bool,
    /// Coefficient precision for the 2013 Pooled Cohort Equations: `guideline` (Table A, the
    /// default) or `calculator` (the ACC Risk Estimator Plus precision).
    #[arg(long, value_enum, default_value = "guideline")]
    pub pce_coefficients: PceArg,
    /// Output format: `human` or `json` for one profile; for `--batch`, `json` (the default
    /// there) or `csv`.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum InputFormat {
    Json,
    Toml,
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

pub(crate) fn run(args: AssessArgs) -> CliResult {
    let options = Options {
        pce_coefficients: args.pce_coefficients.into(),
    };
    if args.codebook {
        return codebook(args.format);
    }
    if let Some(batch) = &args.batch {
        let layout = match (args.format, args.compact) {
            (Format::Csv, true) => {
                return Err(CliError::invalid_input(anyhow::anyhow!(
                    "--compact goes with --format json (the CSV table is already compact)"
                )));
            }
            (Format::Csv, false) => Some(Layout::Csv),
            (_, true) => Some(Layout::Jsonl),
            (_, false) => None,
        };
        return run_batch(batch, args.out.as_deref(), layout, &options);
    }
    let (profile, assessment) = match (&args.profile, &args.person) {
        (Some(path), _) => {
            let (text, name) = read_input(path)?;
            let profile = parse_profile(&text, &name, input_format(path, args.input_format))?;
            let assessment = assess(&profile, &options);
            (profile, assessment)
        }
        (None, Some(person)) => {
            let as_of = crate::cmd::record::date_arg(args.as_of.as_deref(), "--as-of")?;
            args.db
                .app_read()?
                .assess(Some(person), Some(as_of), &options)?
        }
        (None, None) => {
            return Err(CliError::invalid_input(anyhow::anyhow!(
                "give --profile FILE, --person NAME or --batch FILE.jsonl"
            )));
        }
    };
    match args.format {
        Format::Json => print_json(&assessment)?,
        Format::Human => {
            let mut out = std::io::stdout().lock();
            out.write_all(human(&profile, &assessment).as_bytes())
                .and_then(|()| out.flush())
                .map_err(crate::output::OutputError)?;
        }
        Format::Csv => {
            return Err(CliError::invalid_input(anyhow::anyhow!(
                "one profile prints as human or json; --format csv is the research table of --batch"
            )));
        }
    }
    Ok(())
}

/// The explicit format, else TOML for a `.toml` file and JSON otherwise.
fn input_format(path: &std::path::Path, explicit: Option<InputFormat>) -> InputFormat {
    explicit.unwrap_or_else(|| {
        let toml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if toml {
            InputFormat::Toml
        } else {
            InputFormat::Json
        }
    })
}

/// One profile in the shared vocabulary; the same fields, units and checks in JSON and TOML.
fn parse_profile(text: &str, name: &str, format: InputFormat) -> Result<Profile, CliError> {
    // serde's own words for a document of the wrong shape name Rust types ("expected struct
    // ProfileInput with 29 elements"); say what a profile is instead.
    if matches!(format, InputFormat::Json)
        && let Some(first) = text.trim_start().chars().next().filter(|&c| c != '{')
    {
        return Err(CliError::invalid_input(anyhow::anyhow!(
            "{name}: a profile is one JSON object ({{\"age\": 62, \"sex\": \"male\", …}}; \
                 `vascalc assess --help` lists the fields), but this text starts with {first:?}"
        )));
    }
    let parsed = match format {
        InputFormat::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
        InputFormat::Toml => toml::from_str(text).map_err(|e| e.to_string()),
    };
    parsed.map_err(|e| CliError::invalid_input(anyhow::anyhow!("{name}: {}", e.trim_end())))
}

fn read_input(path: &std::path::Path) -> Result<(String, String), CliError> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            // Text that is not UTF-8 is input that cannot be used (exit 3), like a bad file.
            if e.kind() == std::io::ErrorKind::InvalidData {
                CliError::invalid_input(anyhow::anyhow!(
                    "standard input is not UTF-8 text; give the profile as JSON or TOML in UTF-8"
                ))
            } else {
                CliError::from(
                    anyhow::Error::new(e).context("reading the profile from standard input"),
                )
            }
        })?;
        Ok((s, "standard input".to_owned()))
    } else {
        let s = std::fs::read_to_string(path)
            .map_err(|e| CliError::invalid_input(anyhow::anyhow!("{}: {e}", path.display())))?;
        Ok((s, path.display().to_string()))
    }
}

/// Prints the columns of the batch table.
fn codebook(format: Format) -> CliResult {
    match format {
        Format::Json => print_json(table::COLUMNS)?,
        Format::Csv => {
            let mut out = Vec::new();
            table::push_codebook_csv(&mut out);
            std::io::stdout()
                .lock()
                .write_all(&out)
                .map_err(crate::output::OutputError)?;
        }
        Format::Human => {
            let mut s = String::new();
            for c in table::COLUMNS {
                let _ = writeln!(
                    s,
                    "{:<32} {:<8} {}",
                    c.name,
                    format!("{:?}", c.kind),
                    c.description
                );
                if !c.source.is_empty() {
                    let _ = writeln!(s, "{:<41} source: {}", "", c.source);
                }
            }
            let _ = writeln!(
                s,
                "\nReal numbers have {} decimals; an empty cell (null in JSON) does not apply.",
                table::DECIMALS
            );
            std::io::stdout()
                .lock()
                .write_all(s.as_bytes())
                .map_err(crate::output::OutputError)?;
        }
    }
    Ok(())
}

/// Bad lines reported one by one on standard error before only counting them.
const BAD_LINES_REPORTED: usize = 20;
/// Output is handed to the sink in chunks of about this size.
const CHUNK: usize = 1 << 20;

/// Writes the result of one input line to `out`; returns the error message for a bad line.
///
/// `layout`: `None` for the full assessment as JSON (`{"line":N,"id":…,…assessment…}`), else a
/// table row. A bad line gives an error row (`{"line":N,"error":"…"}` in full JSON).
/// `scratch` holds the assessment; it is reused from line to line (its lists keep their memory).
pub(crate) fn batch_line(
    line_no: u64,
    line: &[u8],
    layout: Option<Layout>,
    options: &Options,
    scratch: &mut Assessment,
    out: &mut Vec<u8>,
) -> Option<String> {
    let parsed = match BatchLine::parse_fast(line) {
        Some(parsed) => Ok(parsed),
        // Not the common shape (or not valid): the general parser decides and explains.
        None => std::str::from_utf8(line)
            .map_err(|e| format!("not UTF-8 text: {e}"))
            .and_then(|text| serde_json::from_str::<BatchLine>(text).map_err(|e| e.to_string())),
    };
    // Matched by reference: the profile is assessed where it lies (no copy of it per line).
    let error = match &parsed {
        Ok(BatchLine {
            id,
            profile: Ok(profile),
        }) => {
            assess_into(profile, options, scratch);
            match layout {
                Some(l) => table::push_row(out, l, line_no, id.as_ref(), scratch),
                None => full_row(out, line_no, id.as_ref(), scratch),
            }
            return None;
        }
        Ok(BatchLine {
            profile: Err(e), ..
        }) => e.to_string(),
        Err(e) => e.clone(),
    };
    let id = parsed.ok().and_then(|l| l.id);
    match layout {
        Some(l) => table::push_error_row(out, l, line_no, id.as_ref(), &error),
        None => {
            let _ = write!(out, "{{\"line\":{line_no},");
            if let Some(id) = &id {
                out.extend_from_slice(b"\"id\":");
                table::push_id_json(out, id);
                out.push(b',');
            }
            out.extend_from_slice(b"\"error\":");
            // Serialising a string into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, &error);
            out.extend_from_slice(b"}\n");
        }
    }
    Some(error)
}

/// `{"line":N,"id":…,` + the assessment object without its opening brace.
fn full_row(out: &mut Vec<u8>, line_no: u64, id: Option<&BatchId<'_>>, a: &Assessment) {
    let _ = write!(out, "{{\"line\":{line_no},");
    if let Some(id) = id {
        out.extend_from_slice(b"\"id\":");
        table::push_id_json(out, id);
        out.push(b',');
    }
    let start = out.len();
    // Serialising the assessment into a Vec cannot fail (no maps with non-string keys).
    let _ = serde_json::to_writer(&mut *out, a);
    // Drop the object's own opening brace.
    if out.get(start) == Some(&b'{') {
        out.remove(start);
    }
    out.push(b'\n');
}

#[expect(clippy::print_stderr, reason = "the binary talks to the person")]
fn run_batch(
    path: &std::path::Path,
    out: Option<&std::path::Path>,
    layout: Option<Layout>,
    options: &Options,
) -> CliResult {
    let mut reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(path)
            .map_err(|e| CliError::invalid_input(anyhow::anyhow!("{}: {e}", path.display())))?;
        Box::new(std::io::BufReader::with_capacity(1 << 16, f))
    };
    let mut sink: Box<dyn Write> = match out {
        Some(p) => {
            Box::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let mut buf = Vec::with_capacity(CHUNK + (64 << 10));
    if let Some(l) = layout {
        table::push_header(&mut buf, l);
    }
    let mut line = Vec::with_capacity(4096);
    let mut scratch = Assessment::default();
    let (mut line_no, mut total, mut bad) = (0u64, 0u64, 0usize);
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .with_context(|| format!("{}: reading line {}", path.display(), line_no + 1))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        total += 1;
        if let Some(msg) = batch_line(line_no, text, layout, options, &mut scratch, &mut buf) {
            bad += 1;
            if bad <= BAD_LINES_REPORTED {
                eprintln!("{}: line {line_no}: {msg}", path.display());
            }
        }
        if buf.len() >= CHUNK {
            sink.write_all(&buf)?;
            buf.clear();
        }
    }
    sink.write_all(&buf)?;
    sink.flush()?;
    if bad > 0 {
        return Err(CliError::invalid_input(anyhow::anyhow!(
            "{}: {bad} of {total} profiles were invalid ({} reported above; every one has an \
             error row with its line number in the output)",
            path.display(),
            bad.min(BAD_LINES_REPORTED)
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
pub(crate) fn human(p: &Profile, a: &Assessment) -> String {
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
        // One line per source; a model with several coefficient sets (PREVENT's base, uacr and
        // hba1c models) names the set on each of its lines.
        let mut sources: Vec<(&str, &str, &str)> = a
            .risks
            .iter()
            .map(|r| (r.model, r.coefficients, r.source))
            .collect();
        sources.dedup_by(|b, a| a.2 == b.2);
        for (i, &(m, c, src)) in sources.iter().enumerate() {
            let several = sources.iter().enumerate().any(|(j, o)| j != i && o.0 == m);
            if several {
                let _ = writeln!(s, "  [{m}, {c}] {src}");
            } else {
                let _ = writeln!(s, "  [{m}] {src}");
            }
        }
        let _ = writeln!(s);
    }
    if let Some(c) = &a.cac {
        let _ = writeln!(s, "Coronary calcium");
        let _ = writeln!(
            s,
            "  Agatston {} — {} (category {}, scheme {}); CAC-DRS {}",
            fmt_num(c.agatston),
            c.category.description,
            c.category.label,
            c.category.scheme,
            c.cac_drs.code
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
        if let Some(g) = &c.arterial_age {
            let _ = writeln!(
                s,
                "  Arterial age (MESA): {:.0} years (95% CI {:.0}–{:.0}), {} your age",
                g.years,
                g.ci95_years[0],
                g.ci95_years[1],
                match g.difference_years {
                    d if d.abs() < 0.5 => "about".to_string(),
                    d if d > 0.0 => format!("{:.0} years above", d),
                    d => format!("{:.0} years below", -d),
                }
            );
            for n in &g.notes {
                let _ = writeln!(s, "    note: {n}");
            }
            let _ = writeln!(
                s,
                "    source: {}\n    provenance: {}",
                g.source, g.provenance
            );
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
                fmt_num(c.baseline),
                fmt_num(c.follow_up),
                c.absolute_change,
                c.annualised_change,
                c.annualised_percent
                    .map(|p| format!(", {p:+.1} %/y"))
                    .unwrap_or_default(),
                c.sqrt_difference,
                if c.sqrt_rule_progression {
                    format!("progression by the ≥{SQRT_THRESHOLD} rule")
                } else {
                    format!("below the {SQRT_THRESHOLD} threshold")
                },
                match (c.incident, c.raggi_rule_progression) {
                    (true, _) => "incident CAC".to_owned(),
                    (_, Some(true)) =>
                        format!(">{RAGGI_PERCENT_PER_YEAR} %/y: progression by Raggi's rule"),
                    (_, Some(false)) => format!("≤{RAGGI_PERCENT_PER_YEAR} %/y"),
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
            if !e.is_compared() {
                let _ = writeln!(
                    s,
                    "    vs MESA: not compared (scans less than a year apart; see the caution)"
                );
            } else {
                let _ = writeln!(
                    s,
                    "    vs MESA: {figure} — observed is {} ({})",
                    e.comparison, e.description
                );
            }
            for w in &c.cautions {
                let _ = writeln!(s, "    CAUTION: {}", w.message);
            }
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
