//! `vascalc scan batch`: score a cohort of CT series in parallel, one shard of it per machine,
//! appending one row per series to a CSV or JSONL file that a rerun resumes.
//!
//! * Items: the lines of a manifest or the sub-folders of a folder ([`items`]).
//! * Sharding: `--shard K/N`, Slurm array variables or Kubernetes' `JOB_COMPLETION_INDEX`
//!   ([`shard`]); an item belongs to exactly one shard, whatever the order of the input.
//! * Output and resume: [`output`]; items already complete in the output are skipped.
//! * A failing item, file or series becomes a row with `status = error`; it never stops the
//!   batch, and the summary lists the failures of this run.
//! * Exit codes: 0 when every series scored in this run is ok; 3 when any failed (the batch
//!   still ran to its end and wrote every row), or on unusable input, shard or output file;
//!   2 bad command line; 4 nothing to score (empty manifest or folder); 1 the output could not
//!   be written.

mod items;
mod output;
mod shard;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::anyhow;
use rayon::prelude::*;
use serde::Serialize;
use vascalc_ct::{FlagCode, ScoreOptions, SeriesScore, score};
use vascalc_dicom::{SeriesFilter, load_series_each};

use super::score::ScoringArgs;
use crate::exit::{CliError, CliResult};
use crate::output::{Format, print_json};
use items::Item;
use output::{OutFormat, Output, Row, Status};
use shard::Shard;

#[derive(Debug, clap::Args)]
pub(super) struct BatchArgs {
    /// A manifest (one folder or file per line, `#` comments, paths relative to the manifest) or
    /// a folder whose sub-folders are the items.
    #[arg(value_name = "MANIFEST|DIR")]
    input: PathBuf,
    /// Output file, `.csv` (one summary row per series) or `.jsonl` (full results). `{shard}` in
    /// the name is replaced by the shard number K, so that array tasks write separate files.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Score only shard K of N (1 ≤ K ≤ N). Default: from SLURM_ARRAY_TASK_ID /
    /// SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shard-count, else everything.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job).
    #[arg(long, value_name = "N", env = "VASCALC_SHARD_COUNT")]
    shard_count: Option<u32>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// The scoring options of `scan score`, applied to every series (`--assign` excepted).
    #[command(flatten)]
    scoring: Box<ScoringArgs>,
    /// Format of the end-of-batch summary on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// One failed row, for the summary.
#[derive(Debug, Serialize)]
struct Failure {
    source: String,
    series_uid: Option<String>,
    error: String,
}

/// What the batch did, printed at the end.
#[derive(Debug, Serialize)]
struct Summary {
    input: PathBuf,
    out: PathBuf,
    shard: String,
    shard_from: &'static str,
    items_total: usize,
    items_in_shard: usize,
    items_already_done: usize,
    items_scored: usize,
    series_ok: usize,
    series_failed: usize,
    /// The rows with `status = error` written by this run (source, series, error).
    failures: Vec<Failure>,
    threads: usize,
    elapsed_s: f64,
    series_per_s: f64,
}

fn out_path(template: &Path, shard: Shard) -> PathBuf {
    let text = template.to_string_lossy();
    if text.contains("{shard}") {
        PathBuf::from(text.replace("{shard}", &(shard.index + 1).to_string()))
    } else {
        template.to_path_buf()
    }
}

/// Scores every series of one item; never fails: problems (a file, a series) become error rows
/// and the other series of the item are scored.
fn score_item(
    item: &Item,
    scoring: &ScoringArgs,
    options: &ScoreOptions,
    filter: &SeriesFilter,
) -> Vec<Row> {
    let loaded = match load_series_each(&item.paths, filter) {
        Ok(l) => l,
        Err(e) => return vec![Row::failed(&item.key, None, e.to_string())],
    };
    let n = loaded.series.len() + loaded.failures.len();
    let failed = loaded.failures.iter().map(|e| {
        let uid = match e {
            vascalc_dicom::Error::Series { uid, .. } => Some(uid.clone()),
            _ => None,
        };
        let mut row = Row::failed(&item.key, uid, e.to_string());
        row.series_in_source = n;
        row
    });
    let series = loaded.series;
    series
        .iter()
        .map(|s| {
            let scored = scoring
                .for_series(options, s)
                .and_then(|o| Ok(score(&s.volume, &s.acquisition, &o)?));
            let mut row = match scored {
                Ok(scored) => row_from(&item.key, &scored),
                Err(e) => Row::failed(&item.key, Some(s.series_uid.clone()), format!("{e:#}")),
            };
            row.series_uid = Some(s.series_uid.clone());
            row.series_in_source = n;
            row
        })
        .chain(failed)
        .collect()
}

fn row_from(source: &str, s: &SeriesScore) -> Row {
    let a = &s.acquisition;
    // A chest series whose automatic candidates await review has no calcium score yet: its
    // counted totals (0 until a reviewer assigns lesions) would read as "no calcium" in a table,
    // so the score columns stay empty; the `unreviewed` flag says why, and the JSONL row's
    // series keeps the candidates.
    let unreviewed = s.flags.iter().any(|f| f.code == FlagCode::Unreviewed);
    let scored = |v| (!unreviewed).then_some(v);
    Row {
        source: source.to_string(),
        series_in_source: 1,
        status: Status::Ok,
        series_uid: a.series_instance_uid.clone(),
        agatston: scored(s.totals.agatston),
        volume_mm3: scored(s.totals.volume_mm3),
        mass_mg: s.totals.mass_mg.filter(|_| !unreviewed),
        lesions: (!unreviewed).then_some(s.totals.lesions),
        cac_drs: s.cac_drs.clone(),
        kvp: a.kvp,
        slice_thickness_mm: a.slice_thickness_mm,
        increment_mm: a.increment_mm,
        flags: s
            .flags
            .iter()
            .filter_map(|f| {
                serde_json::to_value(f)
                    .ok()
                    .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(String::from))
            })
            .collect(),
        error: None,
        series: serde_json::to_value(s).ok(),
    }
}

/// Runs `score_item`, turning a panic inside the decoders or the scorer into an error row, so
/// one bad series cannot end the batch.
fn score_item_guarded(
    item: &Item,
    scoring: &ScoringArgs,
    options: &ScoreOptions,
    filter: &SeriesFilter,
) -> Vec<Row> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        score_item(item, scoring, options, filter)
    }))
    .unwrap_or_else(|panic| {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        vec![Row::failed(
            &item.key,
            None,
            format!("internal error while scoring (please report): {msg}"),
        )]
    })
}

#[expect(clippy::print_stderr, reason = "the binary talks to the person")]
pub(super) fn run(args: BatchArgs) -> CliResult {
    let started = Instant::now();
    if let Some(path) = args.scoring.assign() {
        // Lesion ids are numbered within one series: a cohort-wide file would relabel
        // unrelated lesions. A usage error (exit 2), as clap's own.
        clap::Error::raw(
            clap::error::ErrorKind::ArgumentConflict,
            format!(
                "--assign {} names lesions of one series by id and cannot apply to a batch; apply it with `vascalc scan score SERIES --assign FILE`\n",
                path.display()
            ),
        )
        .exit();
    }
    if args.format == Format::Csv {
        return Err(CliError::invalid_input(anyhow!(
            "the batch summary has no CSV form (the rows go to --out); use --format human or json"
        )));
    }
    let (shard, shard_from) = Shard::resolve(args.shard.as_deref(), args.shard_count, |k| {
        std::env::var(k).ok()
    })
    .map_err(|e| CliError::invalid_input(anyhow!(e)))?;
    let out = out_path(&args.out, shard);
    let format = OutFormat::from_path(&out).ok_or_else(|| {
        CliError::invalid_input(anyhow!(
            "--out {}: the name must end in .csv or .jsonl",
            out.display()
        ))
    })?;
    let (all, duplicates) = items::list(&args.input).map_err(CliError::invalid_input)?;
    for d in &duplicates {
        eprintln!(
            "warning: {d:?} is listed more than once in {}; scored once",
            args.input.display()
        );
    }
    if all.is_empty() {
        return Err(CliError::not_found(anyhow!(
            "{} lists no series to score (an empty manifest or a folder without sub-folders or files)",
            args.input.display()
        )));
    }
    let options = args.scoring.options()?;
    // One budget for all workers: parallel items never hold more than --max-memory together.
    let filter = SeriesFilter {
        series_uid: None,
        budget: args.scoring.budget(),
    };

    let (writer, previous) = Output::open(&out, format).map_err(CliError::invalid_input)?;
    if previous.torn_bytes > 0 {
        eprintln!(
            "note: cut an incomplete last line ({} bytes) left by an interrupted run from {}",
            previous.torn_bytes,
            out.display()
        );
    }
    if previous.unreadable_lines > 0 {
        eprintln!(
            "warning: {} line(s) of {} could not be read as rows; their items are scored again",
            previous.unreadable_lines,
            out.display()
        );
    }
    let mine: Vec<&Item> = all.iter().filter(|i| shard.owns(&i.key)).collect();
    let todo: Vec<&Item> = mine
        .iter()
        .copied()
        .filter(|i| !previous.done.contains(&i.key))
        .collect();

    let threads = args
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| anyhow!("cannot start {threads} worker threads: {e}"))?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(todo.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} items, {msg} (eta {eta})",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let writer = Mutex::new(writer);
    let counts = Mutex::new((0usize, 0usize));
    let failures: Mutex<Vec<Failure>> = Mutex::new(Vec::new());
    let write_error: Mutex<Option<output::OutputError>> = Mutex::new(None);
    pool.install(|| {
        todo.par_iter().for_each(|item| {
            let rows = score_item_guarded(item, &args.scoring, &options, &filter);
            let (ok, failed) = rows.iter().fold((0, 0), |(o, f), r| match r.status {
                Status::Ok => (o + 1, f),
                Status::Error => (o, f + 1),
            });
            let result = writer.lock().map_err(|_| ()).and_then(|mut w| {
                w.append(&rows).map_err(|e| {
                    if let Ok(mut slot) = write_error.lock() {
                        slot.get_or_insert(e);
                    }
                })
            });
            if result.is_ok() {
                if let Ok(mut f) = failures.lock() {
                    f.extend(
                        rows.iter()
                            .filter(|r| r.status == Status::Error)
                            .map(|r| Failure {
                                source: r.source.clone(),
                                series_uid: r.series_uid.clone(),
                                error: r.error.clone().unwrap_or_default(),
                            }),
                    );
                }
                if let Ok(mut c) = counts.lock() {
                    c.0 += ok;
                    c.1 += failed;
                    bar.set_message(format!("{} series ok, {} failed", c.0, c.1));
                }
            }
            bar.inc(1);
        });
    });
    bar.finish_and_clear();
    if let Some(e) = write_error.into_inner().ok().flatten() {
        return Err(CliError::from(anyhow!(e)));
    }
    if let Ok(w) = writer.lock() {
        w.sync().map_err(|e| CliError::from(anyhow!(e)))?;
    }
    let (series_ok, series_failed) = counts.into_inner().unwrap_or((0, 0));
    let mut failures = failures.into_inner().unwrap_or_default();
    failures.sort_by(|a, b| (&a.source, &a.series_uid).cmp(&(&b.source, &b.series_uid)));
    let elapsed = started.elapsed().as_secs_f64();
    let summary = Summary {
        input: args.input.clone(),
        out,
        shard: shard.to_string(),
        shard_from,
        items_total: all.len(),
        items_in_shard: mine.len(),
        items_already_done: mine.len() - todo.len(),
        items_scored: todo.len(),
        series_ok,
        series_failed,
        failures,
        threads,
        elapsed_s: elapsed,
        series_per_s: if elapsed > 0.0 {
            (series_ok + series_failed) as f64 / elapsed
        } else {
            0.0
        },
    };
    match args.format {
        Format::Json => print_json(&summary)?,
        _ => print_summary(&summary).map_err(crate::output::OutputError)?,
    }
    if summary.series_failed > 0 {
        return Err(CliError::invalid_input(anyhow!(
            "{} series or item(s) failed (listed above; rows with status=error in {})",
            summary.series_failed,
            summary.out.display()
        )));
    }
    Ok(())
}

/// How many failures the human summary lists; the rest are in the output file.
const FAILURES_SHOWN: usize = 20;

fn print_summary(s: &Summary) -> std::io::Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(
        out,
        "Shard {} (from {}): {} of {} items; {} already done, {} scored now.",
        s.shard,
        s.shard_from,
        s.items_in_shard,
        s.items_total,
        s.items_already_done,
        s.items_scored
    )?;
    writeln!(
        out,
        "Series scored: {} ok, {} failed (rows with status=error) in {:.2} s on {} threads ({:.1} series/s).",
        s.series_ok, s.series_failed, s.elapsed_s, s.threads, s.series_per_s
    )?;
    for f in s.failures.iter().take(FAILURES_SHOWN) {
        writeln!(
            out,
            "  failed: {}{}: {}",
            f.source,
            f.series_uid
                .as_deref()
                .map_or_else(String::new, |u| format!(" (series {u})")),
            f.error
        )?;
    }
    if s.failures.len() > FAILURES_SHOWN {
        writeln!(
            out,
            "  … {} more failure(s): rows with status=error in {}",
            s.failures.len() - FAILURES_SHOWN,
            s.out.display()
        )?;
    }
    writeln!(out, "Results: {}", s.out.display())?;
    out.flush()
}
