//! The batch output file: one row per scored series (or per failed item), appended as each item
//! finishes, so that an interrupted batch keeps what it finished and a rerun skips it.
//!
//! Crash safety: all rows of one item are appended with a single `write` to a file opened in
//! append mode, each row on one line. A crash can leave at most a torn last line: on the next run
//! the file is cut back to its last complete line before anything is appended, and an item counts
//! as done only when all of its rows (`series_in_source` of them) are present.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OutFormat {
    Csv,
    Jsonl,
}

impl OutFormat {
    pub(super) fn from_path(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Status {
    Ok,
    Error,
}

/// One output row: a scored series, a series that failed, or an item that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Row {
    /// The item's key (manifest line or sub-folder name).
    pub source: String,
    /// How many rows this item wrote; the item is done when that many are present.
    pub series_in_source: usize,
    pub status: Status,
    pub series_uid: Option<String>,
    pub agatston: Option<f64>,
    pub volume_mm3: Option<f64>,
    pub mass_mg: Option<f64>,
    pub lesions: Option<usize>,
    pub cac_drs: Option<String>,
    pub kvp: Option<f64>,
    pub slice_thickness_mm: Option<f64>,
    pub increment_mm: Option<f64>,
    #[serde(default)]
    pub flags: Vec<String>,
    pub error: Option<String>,
    /// JSONL only: the series result exactly as `vascalc scan score --format json` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<serde_json::Value>,
}

impl Row {
    /// A row for an item or series that failed.
    pub(super) fn failed(source: &str, series_uid: Option<String>, error: String) -> Self {
        Self {
            source: source.to_string(),
            series_in_source: 1,
            status: Status::Error,
            series_uid,
            agatston: None,
            volume_mm3: None,
            mass_mg: None,
            lesions: None,
            cac_drs: None,
            kvp: None,
            slice_thickness_mm: None,
            increment_mm: None,
            flags: Vec::new(),
            error: Some(error),
            series: None,
        }
    }
}

pub(super) const CSV_HEADER: &str = "source,series_in_source,status,series_uid,agatston,volume_mm3,mass_mg,lesions,cac_drs,kvp,slice_thickness_mm,increment_mm,flags,error";

fn csv_field(out: &mut String, value: &str) {
    // One record per line: line breaks inside a value become "; ".
    let value = value.replace("\r\n", "; ").replace(['\n', '\r'], "; ");
    if value.contains([',', '"']) || value.starts_with(' ') || value.ends_with(' ') {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&value);
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

/// The row as one line (with its newline) in the given format.
pub(super) fn encode(row: &Row, format: OutFormat) -> String {
    match format {
        OutFormat::Jsonl => {
            let mut line = serde_json::to_string(row).unwrap_or_else(|e| {
                // Serialising plain data cannot fail; keep the row rather than panic.
                format!(
                    "{{\"source\":{:?},\"series_in_source\":{},\"status\":\"error\",\"error\":{:?}}}",
                    row.source,
                    row.series_in_source,
                    e.to_string()
                )
            });
            line.push('\n');
            line
        }
        OutFormat::Csv => {
            let fields = [
                row.source.clone(),
                row.series_in_source.to_string(),
                match row.status {
                    Status::Ok => "ok".into(),
                    Status::Error => "error".into(),
                },
                row.series_uid.clone().unwrap_or_default(),
                num(row.agatston),
                num(row.volume_mm3),
                num(row.mass_mg),
                row.lesions.map(|n| n.to_string()).unwrap_or_default(),
                row.cac_drs.clone().unwrap_or_default(),
                num(row.kvp),
                num(row.slice_thickness_mm),
                num(row.increment_mm),
                row.flags.join(";"),
                row.error.clone().unwrap_or_default(),
            ];
            let mut line = String::new();
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                csv_field(&mut line, f);
            }
            line.push('\n');
            line
        }
    }
}

/// Splits one CSV record (no line breaks inside, as written by [`encode`]).
pub(super) fn split_csv(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && at_start {
            quoted = true;
            at_start = false;
        } else if c == ',' {
            fields.push(std::mem::take(&mut cur));
            at_start = true;
        } else {
            cur.push(c);
            at_start = false;
        }
    }
    if quoted {
        return None;
    }
    fields.push(cur);
    Some(fields)
}

#[derive(Debug, thiserror::Error)]
pub(super) enum OutputError {
    #[error("cannot open the output {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} exists but is not a vascalc batch output (its first line is not the expected header); give another --out"
    )]
    Foreign { path: PathBuf },
}

/// What a previous run left in the output file.
#[derive(Debug, Default)]
pub(super) struct Previous {
    /// Items whose rows are all present.
    pub done: std::collections::HashSet<String>,
    /// Complete rows kept.
    pub rows: usize,
    /// Bytes of a torn last line that were cut off.
    pub torn_bytes: u64,
    /// Complete lines that could not be read as rows (ignored, the item is redone).
    pub unreadable_lines: usize,
}

/// The output file, opened for appending after the previous run's complete rows.
pub(super) struct Output {
    file: File,
    format: OutFormat,
    path: PathBuf,
}

impl Output {
    pub(super) fn open(path: &Path, format: OutFormat) -> Result<(Self, Previous), OutputError> {
        let io = |source| OutputError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(io)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let keep = match bytes.iter().rposition(|b| *b == b'\n') {
            Some(i) => i + 1,
            None => 0,
        };
        let mut previous = Previous {
            torn_bytes: (bytes.len() - keep) as u64,
            ..Previous::default()
        };
        if keep < bytes.len() {
            file.set_len(keep as u64).map_err(io)?;
            file.seek(std::io::SeekFrom::End(0)).map_err(io)?;
        }
        let text = String::from_utf8_lossy(bytes.get(..keep).unwrap_or(&[])).into_owned();
        let mut lines = text.lines();
        if format == OutFormat::Csv {
            match lines.next() {
                None => {
                    file.write_all(format!("{CSV_HEADER}\n").as_bytes())
                        .map_err(io)?;
                }
                Some(h) if h == CSV_HEADER => {}
                Some(_) => {
                    return Err(OutputError::Foreign {
                        path: path.to_path_buf(),
                    });
                }
            }
        }
        // rows seen and rows expected per source
        let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
        for line in lines {
            let parsed = match format {
                OutFormat::Csv => split_csv(line).and_then(|f| {
                    let source = f.first()?.clone();
                    let n = f.get(1)?.parse::<usize>().ok()?;
                    Some((source, n))
                }),
                OutFormat::Jsonl => serde_json::from_str::<serde_json::Value>(line)
                    .ok()
                    .and_then(|v| {
                        let source = v.get("source")?.as_str()?.to_string();
                        let n = v.get("series_in_source")?.as_u64()? as usize;
                        Some((source, n))
                    }),
            };
            match parsed {
                Some((source, n)) => {
                    previous.rows += 1;
                    let e = seen.entry(source).or_insert((0, n));
                    e.0 += 1;
                    e.1 = e.1.max(n);
                }
                None => previous.unreadable_lines += 1,
            }
        }
        previous.done = seen
            .into_iter()
            .filter(|(_, (have, want))| have >= want)
            .map(|(k, _)| k)
            .collect();
        Ok((
            Self {
                file,
                format,
                path: path.to_path_buf(),
            },
            previous,
        ))
    }

    /// Appends all rows of one item in one write.
    pub(super) fn append(&mut self, rows: &[Row]) -> Result<(), OutputError> {
        let mut buf = String::new();
        for row in rows {
            buf.push_str(&encode(row, self.format));
        }
        self.file
            .write_all(buf.as_bytes())
            .map_err(|source| OutputError::Io {
                path: self.path.clone(),
                source,
            })
    }

    /// Flushes the file to stable storage at the end of the batch.
    pub(super) fn sync(&self) -> Result<(), OutputError> {
        self.file.sync_data().map_err(|source| OutputError::Io {
            path: self.path.clone(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(source: &str, n: usize) -> Row {
        let mut r = Row::failed(source, None, "boom, \"quoted\"\nsecond line".into());
        r.series_in_source = n;
        r
    }

    fn tmp(name: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!(
            "vascalc-batch-output-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&p);
        p
    }

    #[test]
    fn csv_round_trips_quotes_and_commas() {
        let line = encode(&row("a,b \"c\"", 1), OutFormat::Csv);
        assert_eq!(line.matches('\n').count(), 1);
        let fields = split_csv(line.trim_end_matches('\n')).expect("parsable");
        assert_eq!(fields.len(), CSV_HEADER.split(',').count());
        assert_eq!(fields[0], "a,b \"c\"");
        assert_eq!(fields[13], "boom, \"quoted\"; second line");
    }

    #[test]
    fn torn_lines_are_cut_and_partial_items_redone() {
        for format in [OutFormat::Csv, OutFormat::Jsonl] {
            let path = tmp(match format {
                OutFormat::Csv => "torn.csv",
                OutFormat::Jsonl => "torn.jsonl",
            });
            {
                let (mut out, prev) = Output::open(&path, format).expect("new file");
                assert!(prev.done.is_empty());
                out.append(&[row("one", 1)]).expect("write");
                // An item with two series of which only the first landed.
                out.append(&[row("two", 2)]).expect("write");
            }
            // Simulate a crash in the middle of a line.
            let mut f = OpenOptions::new().append(true).open(&path).expect("open");
            f.write_all(b"three,1,ok,1.2.3,12").expect("torn write");
            drop(f);

            let (mut out, prev) = Output::open(&path, format).expect("reopen");
            assert_eq!(prev.torn_bytes, 19);
            assert_eq!(prev.rows, 2);
            assert!(prev.done.contains("one"));
            assert!(!prev.done.contains("two"), "half-written item is redone");
            out.append(&[row("three", 1)]).expect("write");
            drop(out);
            let (_, prev) = Output::open(&path, format).expect("reopen");
            assert_eq!(prev.torn_bytes, 0);
            assert!(prev.done.contains("three"));
            let _ = std::fs::remove_file(&path);
        }
    }

    #[test]
    fn a_foreign_csv_is_not_appended_to() {
        let path = tmp("foreign.csv");
        std::fs::write(&path, "name,age\nx,1\n").expect("write");
        assert!(matches!(
            Output::open(&path, OutFormat::Csv),
            Err(OutputError::Foreign { .. })
        ));
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "name,age\nx,1\n"
        );
        let _ = std::fs::remove_file(&path);
    }
}
