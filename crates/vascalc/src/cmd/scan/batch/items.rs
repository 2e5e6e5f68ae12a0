//! The work items of a batch: the lines of a manifest, or the sub-folders of a folder.
//!
//! * **Manifest** (a file): one path per line, to a folder (searched recursively) or a file;
//!   blank lines and lines starting with `#` are ignored; relative paths are taken relative to the
//!   manifest's folder. The line as written is the item's key (for sharding and for skipping
//!   finished items on a rerun).
//! * **Folder**: every immediate sub-folder is one item (a study or a series, searched
//!   recursively); DICOM files lying directly in the folder form one more item, keyed `.`, made
//!   of those files alone (other loose files, such as a README, are ignored). The key is the
//!   sub-folder's name, so it does not depend on how the folder itself was spelled.

use std::path::{Path, PathBuf};

/// One unit of work: every CT series found under `paths` is scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Item {
    /// Stable name of the item: the manifest line, or the path relative to the input folder.
    pub key: String,
    /// A folder or file (one for a manifest line or a sub-folder; the loose files for `.`).
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub(super) enum ItemsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is neither a manifest file nor a folder")]
    NotFound(PathBuf),
}

/// Lists the items of `input` (a manifest or a folder), sorted by key, without duplicates.
/// Returns the items and the keys of duplicated manifest lines (kept once).
pub(super) fn list(input: &Path) -> Result<(Vec<Item>, Vec<String>), ItemsError> {
    let read_err = |source| ItemsError::Read {
        path: input.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(input).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ItemsError::NotFound(input.to_path_buf())
        } else {
            read_err(e)
        }
    })?;
    let mut items = if meta.is_dir() {
        let mut items = Vec::new();
        let mut loose_files = Vec::new();
        for entry in std::fs::read_dir(input).map_err(read_err)? {
            let entry = entry.map_err(read_err)?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                items.push(Item {
                    key: name,
                    paths: vec![path],
                });
            } else if vascalc_dicom::looks_like_dicom(&path).unwrap_or(false) {
                loose_files.push(path);
            }
        }
        if !loose_files.is_empty() {
            loose_files.sort();
            items.push(Item {
                key: ".".into(),
                paths: loose_files,
            });
        }
        items
    } else {
        let text = std::fs::read_to_string(input).map_err(read_err)?;
        parse_manifest(&text, input.parent().unwrap_or(Path::new(".")))
    };
    items.sort_by(|a, b| a.key.cmp(&b.key));
    let mut duplicates = Vec::new();
    items.dedup_by(|b, a| {
        let dup = a.key == b.key;
        if dup {
            duplicates.push(b.key.clone());
        }
        dup
    });
    Ok((items, duplicates))
}

/// The items of a manifest's text; relative paths are joined to `base`.
pub(super) fn parse_manifest(text: &str, base: &Path) -> Vec<Item> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let p = Path::new(line);
            Item {
                key: line.to_string(),
                paths: vec![if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    base.join(p)
                }],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lines_comments_and_relative_paths() {
        let items = parse_manifest(
            "# cohort A\n\nseries/one\n  /abs/two  \n#skip\n",
            Path::new("/data"),
        );
        assert_eq!(
            items,
            vec![
                Item {
                    key: "series/one".into(),
                    paths: vec!["/data/series/one".into()]
                },
                Item {
                    key: "/abs/two".into(),
                    paths: vec!["/abs/two".into()]
                },
            ]
        );
    }
}

#[cfg(test)]
mod folder_tests {
    use super::*;

    /// A stray README beside the sub-folders makes no `.` item (it once made one that searched
    /// the whole folder again and scored every sub-folder twice); a loose DICOM file makes a `.`
    /// item of that file alone.
    #[test]
    fn loose_files_form_an_item_only_when_dicom() {
        let dir = std::env::temp_dir().join(format!("vascalc-items-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("study1")).expect("dir");
        std::fs::write(dir.join("README.txt"), "cohort notes").expect("write");
        let (items, _) = list(&dir).expect("lists");
        assert_eq!(
            items,
            vec![Item {
                key: "study1".into(),
                paths: vec![dir.join("study1")]
            }]
        );
        let mut dicom = vec![0u8; 128];
        dicom.extend_from_slice(b"DICM");
        std::fs::write(dir.join("loose.dcm"), &dicom).expect("write");
        let (items, _) = list(&dir).expect("lists");
        assert_eq!(items[0].key, ".");
        assert_eq!(items[0].paths, vec![dir.join("loose.dcm")]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
