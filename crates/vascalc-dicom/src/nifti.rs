//! A small NIfTI-1 reader for label volumes (`.nii`, `.nii.gz`): integer labels and the voxel →
//! patient transform, converted from NIfTI's RAS+ to DICOM's LPS.
//!
//! Format: NIfTI-1 header (348 bytes; dim at 40, datatype 70, pixdim 76, vox_offset 108,
//! qform/sform codes 252/254, quaternion 256–276, srow 280–324, magic 344), as defined by the
//! NIfTI Data Format Working Group (nifti1.h).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use vascalc_ct::LabelVolume;

use crate::Error;

fn invalid(path: &Path, problem: impl Into<String>) -> Error {
    Error::Invalid {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

/// Reads a NIfTI-1 label volume. `names` maps label values to artery names.
pub fn read_labels(path: &Path, names: BTreeMap<u16, String>) -> Result<LabelVolume, Error> {
    let raw = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| invalid(path, format!("cannot gunzip: {e}")))?;
        out
    } else {
        raw
    };
    parse(path, &bytes, names)
}

fn parse(path: &Path, b: &[u8], names: BTreeMap<u16, String>) -> Result<LabelVolume, Error> {
    if b.len() < 348 {
        return Err(invalid(path, "shorter than a NIfTI-1 header (348 bytes)"));
    }
    let le = match (
        i32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        i32::from_be_bytes([b[0], b[1], b[2], b[3]]),
    ) {
        (348, _) => true,
        (_, 348) => false,
        _ => return Err(invalid(path, "not a NIfTI-1 file (sizeof_hdr is not 348)")),
    };
    if &b[344..347] != b"n+1" && &b[344..347] != b"ni1" {
        return Err(invalid(path, "NIfTI magic is neither \"n+1\" nor \"ni1\""));
    }
    let i16_at = |o: usize| {
        let a = [b[o], b[o + 1]];
        if le {
            i16::from_le_bytes(a)
        } else {
            i16::from_be_bytes(a)
        }
    };
    let f32_at = |o: usize| {
        let a = [b[o], b[o + 1], b[o + 2], b[o + 3]];
        f64::from(if le {
            f32::from_le_bytes(a)
        } else {
            f32::from_be_bytes(a)
        })
    };
    let ndim = i16_at(40);
    if !(3..=7).contains(&ndim) {
        return Err(invalid(
            path,
            format!("{ndim} dimensions; a label volume has 3"),
        ));
    }
    let dims: Vec<usize> = (1..=3)
        .map(|d| i16_at(40 + 2 * d).max(0) as usize)
        .collect();
    let (nx, ny, nz) = (dims[0], dims[1], dims[2]);
    let count = nx * ny * nz;
    if count == 0 {
        return Err(invalid(path, "a dimension is zero"));
    }
    let datatype = i16_at(70);
    let size = match datatype {
        2 | 256 => 1,
        4 | 512 => 2,
        8 | 768 | 16 => 4,
        64 => 8,
        other => {
            return Err(invalid(
                path,
                format!("datatype {other} is not a label type"),
            ));
        }
    };
    let offset = f32_at(108).max(352.0) as usize;
    let data = b.get(offset..offset + count * size).ok_or_else(|| {
        invalid(
            path,
            format!("voxel data shorter than {nx}×{ny}×{nz} voxels of {size} bytes"),
        )
    })?;
    let labels: Vec<u16> = data
        .chunks_exact(size)
        .map(|c| {
            let v: f64 = match (datatype, le) {
                (2, _) => f64::from(c[0]),
                (256, _) => f64::from(c[0] as i8),
                (4, true) => f64::from(i16::from_le_bytes([c[0], c[1]])),
                (4, false) => f64::from(i16::from_be_bytes([c[0], c[1]])),
                (512, true) => f64::from(u16::from_le_bytes([c[0], c[1]])),
                (512, false) => f64::from(u16::from_be_bytes([c[0], c[1]])),
                (8, true) => f64::from(i32::from_le_bytes([c[0], c[1], c[2], c[3]])),
                (8, false) => f64::from(i32::from_be_bytes([c[0], c[1], c[2], c[3]])),
                (768, true) => f64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
                (768, false) => f64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]])),
                (16, true) => f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
                (16, false) => f64::from(f32::from_be_bytes([c[0], c[1], c[2], c[3]])),
                (_, true) => f64::from_le_bytes(c.try_into().unwrap_or([0; 8])),
                (_, false) => f64::from_be_bytes(c.try_into().unwrap_or([0; 8])),
            };
            if v.is_finite() && v > 0.0 {
                v.round().min(f64::from(u16::MAX)) as u16
            } else {
                0
            }
        })
        .collect();

    // index → RAS mm.
    let sform_code = i16_at(254);
    let qform_code = i16_at(252);
    let pixdim: Vec<f64> = (0..4).map(|d| f32_at(76 + 4 * d)).collect();
    let ras: [[f64; 4]; 3] = if sform_code > 0 {
        [
            [f32_at(280), f32_at(284), f32_at(288), f32_at(292)],
            [f32_at(296), f32_at(300), f32_at(304), f32_at(308)],
            [f32_at(312), f32_at(316), f32_at(320), f32_at(324)],
        ]
    } else if qform_code > 0 {
        let (qb, qc, qd) = (f32_at(256), f32_at(260), f32_at(264));
        let qa = (1.0 - (qb * qb + qc * qc + qd * qd)).max(0.0).sqrt();
        let qfac = if pixdim[0] < 0.0 { -1.0 } else { 1.0 };
        let r = [
            [
                qa * qa + qb * qb - qc * qc - qd * qd,
                2.0 * (qb * qc - qa * qd),
                2.0 * (qb * qd + qa * qc),
            ],
            [
                2.0 * (qb * qc + qa * qd),
                qa * qa + qc * qc - qb * qb - qd * qd,
                2.0 * (qc * qd - qa * qb),
            ],
            [
                2.0 * (qb * qd - qa * qc),
                2.0 * (qc * qd + qa * qb),
                qa * qa + qd * qd - qb * qb - qc * qc,
            ],
        ];
        let s = [pixdim[1], pixdim[2], pixdim[3] * qfac];
        let o = [f32_at(268), f32_at(272), f32_at(276)];
        std::array::from_fn(|i| [r[i][0] * s[0], r[i][1] * s[1], r[i][2] * s[2], o[i]])
    } else {
        [
            [pixdim[1], 0.0, 0.0, 0.0],
            [0.0, pixdim[2], 0.0, 0.0],
            [0.0, 0.0, pixdim[3], 0.0],
        ]
    };
    // RAS → LPS: negate x and y.
    let lps = [ras[0].map(|v| -v), ras[1].map(|v| -v), ras[2]];
    let lps_to_index =
        invert(&lps).ok_or_else(|| invalid(path, "the voxel-to-patient transform is singular"))?;
    Ok(LabelVolume {
        dims: [nx, ny, nz],
        labels,
        lps_to_index,
        names,
    })
}

/// Inverse of an affine 3×4 matrix (rows), or None if singular.
fn invert(m: &[[f64; 4]; 3]) -> Option<[[f64; 4]; 3]> {
    let a = [
        [m[0][0], m[0][1], m[0][2]],
        [m[1][0], m[1][1], m[1][2]],
        [m[2][0], m[2][1], m[2][2]],
    ];
    let det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
        - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    if !det.is_finite() || det.abs() < 1e-12 {
        return None;
    }
    let inv = [
        [
            (a[1][1] * a[2][2] - a[1][2] * a[2][1]) / det,
            (a[0][2] * a[2][1] - a[0][1] * a[2][2]) / det,
            (a[0][1] * a[1][2] - a[0][2] * a[1][1]) / det,
        ],
        [
            (a[1][2] * a[2][0] - a[1][0] * a[2][2]) / det,
            (a[0][0] * a[2][2] - a[0][2] * a[2][0]) / det,
            (a[0][2] * a[1][0] - a[0][0] * a[1][2]) / det,
        ],
        [
            (a[1][0] * a[2][1] - a[1][1] * a[2][0]) / det,
            (a[0][1] * a[2][0] - a[0][0] * a[2][1]) / det,
            (a[0][0] * a[1][1] - a[0][1] * a[1][0]) / det,
        ],
    ];
    let t = [m[0][3], m[1][3], m[2][3]];
    Some(std::array::from_fn(|i| {
        let off = -(inv[i][0] * t[0] + inv[i][1] * t[1] + inv[i][2] * t[2]);
        [inv[i][0], inv[i][1], inv[i][2], off]
    }))
}

/// The NIfTI index → RAS (mm) affine of a volume on `geometry` (`slices` slices): the pixel
/// spacings along the DICOM row and column directions, the step between the first and last
/// slice positions, the first slice's position as the origin, and x and y negated (DICOM
/// patient coordinates are LPS, NIfTI's are RAS). [`read_labels`] turns it back into LPS, so a
/// label volume written with it lines up voxel for voxel with the CT it came from (what `scan
/// score --write-regions` writes).
pub fn ras_affine(geometry: &vascalc_ct::Geometry, slices: usize) -> Option<[[f64; 4]; 3]> {
    let g = geometry;
    let (first, last) = (g.positions.first()?, g.positions.last()?);
    let steps = (slices.max(2) - 1) as f64;
    let kdir: [f64; 3] = std::array::from_fn(|d| (last[d] - first[d]) / steps);
    Some(std::array::from_fn(|d| {
        // LPS to RAS: x and y change sign.
        let sign = if d < 2 { -1.0 } else { 1.0 };
        [
            sign * g.row_direction[d] * g.column_spacing_mm,
            sign * g.column_direction[d] * g.row_spacing_mm,
            sign * kdir[d],
            sign * first[d],
        ]
    }))
}

/// Writes a minimal uncompressed NIfTI-1 label volume (uint8, sform), for tests and fixtures.
pub fn write_labels_nii(
    path: &Path,
    dims: [usize; 3],
    labels: &[u8],
    index_to_ras: [[f64; 4]; 3],
) -> std::io::Result<()> {
    let mut h = vec![0u8; 352];
    h[0..4].copy_from_slice(&348i32.to_le_bytes());
    let d = [
        3i16,
        dims[0] as i16,
        dims[1] as i16,
        dims[2] as i16,
        1,
        1,
        1,
        1,
    ];
    for (n, v) in d.iter().enumerate() {
        h[40 + 2 * n..42 + 2 * n].copy_from_slice(&v.to_le_bytes());
    }
    h[70..72].copy_from_slice(&2i16.to_le_bytes());
    h[72..74].copy_from_slice(&8i16.to_le_bytes());
    for n in 0..3 {
        let len = (0..3)
            .map(|r| index_to_ras[r][n].powi(2))
            .sum::<f64>()
            .sqrt();
        h[80 + 4 * n..84 + 4 * n].copy_from_slice(&(len as f32).to_le_bytes());
    }
    h[76..80].copy_from_slice(&1f32.to_le_bytes());
    h[108..112].copy_from_slice(&352f32.to_le_bytes());
    h[112..116].copy_from_slice(&1f32.to_le_bytes());
    h[254..256].copy_from_slice(&1i16.to_le_bytes());
    for (r, row) in index_to_ras.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let o = 280 + 16 * r + 4 * c;
            h[o..o + 4].copy_from_slice(&(*v as f32).to_le_bytes());
        }
    }
    h[344..348].copy_from_slice(b"n+1\0");
    h.extend_from_slice(labels);
    std::fs::write(path, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_lps_conversion() {
        let dir = std::env::temp_dir().join(format!("vascalc-nifti-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("labels.nii");
        // 4×3×2 grid, 2 mm voxels, RAS origin (10, 20, 30).
        let mut labels = vec![0u8; 24];
        labels[(3 + 2) * 4 + 3] = 2; // x=3, y=2, z=1: (z·ny + y)·nx + x
        let affine = [
            [2.0, 0.0, 0.0, 10.0],
            [0.0, 2.0, 0.0, 20.0],
            [0.0, 0.0, 2.0, 30.0],
        ];
        write_labels_nii(&path, [4, 3, 2], &labels, affine).expect("write");
        let lv = read_labels(&path, BTreeMap::from([(2, "RCA".to_string())])).expect("read");
        assert_eq!(lv.dims, [4, 3, 2]);
        // Voxel (3,2,1) is RAS (16, 24, 32) = LPS (−16, −24, 32).
        assert_eq!(lv.label_at([-16.0, -24.0, 32.0]), 2);
        assert_eq!(lv.label_at([16.0, 24.0, 32.0]), 0);
        assert_eq!(lv.name(2), "RCA");
        // The affine of a CT geometry: the voxel (i, j, k) of the grid is labelled at its LPS
        // position (first slice position + i·column spacing·row direction + j·row
        // spacing·column direction + k·slice step).
        let g = vascalc_ct::Geometry::axial(0.7, 3.0, 2, [-50.0, -80.0, 100.0], Some(3.0));
        let affine = ras_affine(&g, 2).expect("positions");
        write_labels_nii(&path, [4, 3, 2], &labels, affine).expect("write");
        let lv = read_labels(&path, BTreeMap::new()).expect("read");
        let at = |i: f64, j: f64, k: usize| -> [f64; 3] {
            std::array::from_fn(|d| {
                g.positions[k][d]
                    + i * g.column_spacing_mm * g.row_direction[d]
                    + j * g.row_spacing_mm * g.column_direction[d]
            })
        };
        assert_eq!(lv.label_at(at(3.0, 2.0, 1)), 2);
        assert_eq!(lv.label_at(at(2.0, 2.0, 1)), 0);
        assert_eq!(lv.label_at(at(3.0, 2.0, 0)), 0);
        std::fs::write(&path, b"not nifti").expect("write");
        let err = read_labels(&path, BTreeMap::new()).expect_err("rejects");
        assert!(err.to_string().contains("labels.nii"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
