//! Overlay images of the automatic anatomy on a chest CT, for the docs (docs/img/):
//! grey CT (window 400, level 40), the heart region's outline in green, the aorta's (descending
//! and ascending) in magenta, the aortic root's in cyan, the liver's under the heart in blue, coronary candidates in red, excluded lesions in yellow (bone) or orange (other
//! reasons). Writes `PREFIX-sliceK.png` for the given slices, or for the three slices with the
//! most candidate voxels.
//!
//! `cargo run --release -p vascalc --example chest_overlay -- DICOM_DIR PREFIX [SLICE...]`

use std::io::Write;

use anyhow::{Context, bail};
use vascalc_ct::anatomy::flag;
use vascalc_ct::{LesionStatus, Regions, ScoreOptions, score_with_anatomy};

#[expect(clippy::print_stdout, reason = "an example prints what it found")]
fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, prefix, slices @ ..] = args.as_slice() else {
        bail!("usage: chest_overlay DICOM_DIR PREFIX [SLICE...]");
    };
    let series = vascalc_dicom::load_series(
        &[std::path::PathBuf::from(dir)],
        &vascalc_dicom::SeriesFilter::default(),
    )?;
    let s = series.first().context("no series")?;
    let options = ScoreOptions {
        regions: Regions::Auto,
        keep_runs: true,
        ..ScoreOptions::default()
    };
    let (scored, anatomy) = score_with_anatomy(&s.volume, &s.acquisition, &options)?;
    let anatomy = anatomy.context("anatomy")?;
    let v = &s.volume;
    let (cols, rows) = (v.columns, v.rows);
    let n = cols * rows;
    // Per voxel: 1 candidate, 2 excluded bone, 3 excluded other.
    let mut lesion = vec![0u8; n * v.slices];
    let mut per_slice = vec![0usize; v.slices];
    for l in &scored.lesions {
        let value = match l.status {
            LesionStatus::Candidate => 1,
            LesionStatus::Excluded if l.reasons.first().is_some_and(|r| r.as_str() == "bone") => 2,
            _ => 3,
        };
        for r in &l.runs {
            let base = r[0] as usize * n + r[1] as usize * cols;
            lesion[base + r[2] as usize..base + r[3] as usize].fill(value);
            if value == 1 {
                per_slice[r[0] as usize] += (r[3] - r[2]) as usize;
            }
        }
    }
    let chosen: Vec<usize> = if slices.is_empty() {
        let mut order: Vec<usize> = (0..v.slices).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(per_slice[k]));
        order.into_iter().take(3).collect()
    } else {
        slices
            .iter()
            .map(|x| x.parse::<usize>().context("slice index"))
            .collect::<Result<_, _>>()?
    };
    for k in chosen {
        if k >= v.slices {
            bail!("slice {k} is past the last slice {}", v.slices - 1);
        }
        let hu = v.slice(k);
        let f = &anatomy.flags[k * n..(k + 1) * n];
        let les = &lesion[k * n..(k + 1) * n];
        let edge = |idx: usize, bit: u8| {
            let (i, j) = (idx % cols, idx / cols);
            f[idx] & bit != 0
                && [(0i64, 1i64), (0, -1), (1, 0), (-1, 0)]
                    .iter()
                    .any(|(di, dj)| {
                        let (a, b) = (i as i64 + di, j as i64 + dj);
                        a < 0
                            || b < 0
                            || a as usize >= cols
                            || b as usize >= rows
                            || f[b as usize * cols + a as usize] & bit == 0
                    })
        };
        let liver_edge = |idx: usize| {
            let (i, j) = (idx % cols, idx / cols);
            anatomy.in_liver(i, j, k)
                && [(0i64, 1i64), (0, -1), (1, 0), (-1, 0)]
                    .iter()
                    .any(|(di, dj)| {
                        let (a, b) = (i as i64 + di, j as i64 + dj);
                        a < 0 || b < 0 || !anatomy.in_liver(a as usize, b as usize, k)
                    })
        };
        let mut rgb = Vec::with_capacity(n * 3);
        for idx in 0..n {
            let g = (((hu[idx] - (40.0 - 200.0)) / 400.0).clamp(0.0, 1.0) * 255.0) as u8;
            let px = match les[idx] {
                1 => [255, 0, 0],
                2 => [255, 230, 0],
                3 => [255, 140, 0],
                _ if edge(idx, flag::HEART) => [0, 220, 0],
                _ if edge(idx, flag::AORTA) => [230, 0, 230],
                _ if edge(idx, flag::AORTIC_ROOT) => [0, 200, 255],
                _ if liver_edge(idx) => [60, 90, 255],
                _ => [g, g, g],
            };
            rgb.extend_from_slice(&px);
        }
        let path = format!("{prefix}-slice{k}.png");
        write_png(&path, cols as u32, rows as u32, &rgb)?;
        println!("{path}: slice {k}, {} candidate voxels", per_slice[k]);
    }
    Ok(())
}

/// A minimal PNG: 8-bit RGB, rows with the Sub filter, one zlib IDAT (flate2).
fn write_png(path: &str, width: u32, height: u32, rgb: &[u8]) -> anyhow::Result<()> {
    let stride = width as usize * 3;
    let mut raw = Vec::with_capacity((stride + 1) * height as usize);
    for row in rgb.chunks_exact(stride) {
        raw.push(1); // Sub
        for (x, &b) in row.iter().enumerate() {
            let left = if x >= 3 { row[x - 3] } else { 0 };
            raw.push(b.wrapping_sub(left));
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&raw)?;
    let idat = z.finish()?;
    let mut out = Vec::new();
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    for (kind, data) in [
        (b"IHDR", &ihdr[..]),
        (b"IDAT", &idat[..]),
        (b"IEND", &[][..]),
    ] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    std::fs::write(path, out).with_context(|| format!("{path}: cannot write"))?;
    Ok(())
}
