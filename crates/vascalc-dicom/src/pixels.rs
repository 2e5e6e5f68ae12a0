//! Decoding pixel data to stored values and HU.

use std::path::Path;

use dicom_object::OpenFileOptions;
use dicom_object::file::ReadPreamble;
use dicom_pixeldata::PixelDecoder;

use crate::Error;
use crate::budget::MemoryBudget;
use crate::header::{Header, contained, damaged, expected_len, header_from_bytes, header_of};
use crate::walk::{EXPLICIT_VR_LE, IMPLICIT_VR_LE, PixelValue, walk};

/// One decoded image file: its header and the decoded pixel bytes (little endian, frame after
/// frame, BitsAllocated per sample).
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedImage {
    pub header: Header,
    data: Vec<u8>,
}

/// How to turn the stored bytes of a file into values.
#[derive(Debug, Clone, Copy)]
struct Layout {
    bits: u16,
    shift: u32,
    signed: bool,
}

impl Layout {
    fn of(header: &Header) -> Self {
        let bits = header.bits_allocated.unwrap_or(16);
        let stored = header.bits_stored.unwrap_or(bits).clamp(1, bits);
        Self {
            bits,
            shift: u32::from(bits - stored),
            signed: header.pixel_representation == 1,
        }
    }

    fn bytes(self) -> usize {
        usize::from(self.bits / 8)
    }

    /// Calls `f(i, stored)` for every sample, sign-extended from BitsStored.
    #[inline]
    fn each(self, data: &[u8], mut f: impl FnMut(usize, i32)) {
        let shift = self.shift;
        match (self.bits, self.signed) {
            (8, true) => data
                .iter()
                .enumerate()
                .for_each(|(i, &b)| f(i, i32::from(((b << shift) as i8) >> shift))),
            (8, false) => data
                .iter()
                .enumerate()
                .for_each(|(i, &b)| f(i, i32::from(b & (u8::MAX >> shift)))),
            (16, true) => data.chunks_exact(2).enumerate().for_each(|(i, c)| {
                let v = u16::from_le_bytes([c[0], c[1]]);
                f(i, i32::from(((v << shift) as i16) >> shift))
            }),
            (16, false) => data.chunks_exact(2).enumerate().for_each(|(i, c)| {
                let v = u16::from_le_bytes([c[0], c[1]]);
                f(i, i32::from(v & (u16::MAX >> shift)))
            }),
            (_, true) => data.chunks_exact(4).enumerate().for_each(|(i, c)| {
                let v = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                f(i, ((v << shift) as i32) >> shift)
            }),
            (_, false) => data.chunks_exact(4).enumerate().for_each(|(i, c)| {
                let v = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                // Unsigned 32-bit values above i32::MAX do not occur in CT; saturate.
                f(
                    i,
                    i32::try_from(v & (u32::MAX >> shift)).unwrap_or(i32::MAX),
                )
            }),
        }
    }
}

/// Writes HU of one frame's bytes into `out` (stored × slope + intercept; padding → NaN).
fn frame_to_hu(header: &Header, frame: usize, data: &[u8], out: &mut [f32]) {
    let Some(info) = header.frame_info.get(frame) else {
        return;
    };
    let layout = Layout::of(header);
    let (slope, intercept) = (info.slope, info.intercept);
    match header.padding {
        None if slope == 1.0 && intercept.fract() == 0.0 => {
            let b = intercept as f32;
            // The common CT case (int16, unit slope): a tight loop the compiler vectorises.
            if layout.bits == 16 && layout.signed && layout.shift == 0 {
                // Fixed-size blocks of 16 voxels so that the loop vectorises fully.
                let convert = |o: &mut [f32], c: &[u8]| {
                    for (o, c) in o.iter_mut().zip(c.chunks_exact(2)) {
                        *o = f32::from(i16::from_le_bytes([c[0], c[1]])) + b;
                    }
                };
                let m = out.len().min(data.len() / 2);
                let mut outs = out[..m].chunks_exact_mut(16);
                let mut ins = data[..2 * m].chunks_exact(32);
                for (o, c) in (&mut outs).zip(&mut ins) {
                    let o: &mut [f32; 16] = o.try_into().expect("chunks of 16");
                    let c: &[u8; 32] = c.try_into().expect("chunks of 32");
                    for i in 0..16 {
                        o[i] = f32::from(i16::from_le_bytes([c[2 * i], c[2 * i + 1]])) + b;
                    }
                }
                convert(outs.into_remainder(), ins.remainder());
            } else {
                layout.each(data, |i, v| {
                    if let Some(o) = out.get_mut(i) {
                        *o = v as f32 + b;
                    }
                });
            }
        }
        padding => {
            let (lo, hi) = padding.unwrap_or((i64::MAX, i64::MIN));
            layout.each(data, |i, v| {
                if let Some(o) = out.get_mut(i) {
                    let v64 = i64::from(v);
                    *o = if v64 >= lo && v64 <= hi {
                        f32::NAN
                    } else {
                        (f64::from(v) * slope + intercept) as f32
                    };
                }
            });
        }
    }
}

impl DecodedImage {
    fn frame_bytes(&self, f: usize) -> Option<&[u8]> {
        let n = self.header.rows.unwrap_or(0) as usize
            * self.header.columns.unwrap_or(0) as usize
            * Layout::of(&self.header).bytes();
        self.data.get(f * n..(f + 1) * n)
    }

    /// Stored pixel values of all frames, sign-extended from BitsStored (before rescale).
    pub fn stored(&self) -> Vec<i32> {
        let mut out = Vec::new();
        Layout::of(&self.header).each(&self.data, |_, v| out.push(v));
        out
    }

    /// Appends HU of frame `f` to `out` (stored × slope + intercept per frame; padding → NaN).
    pub fn hu_frame(&self, f: usize, out: &mut Vec<f32>) {
        let Some(bytes) = self.frame_bytes(f) else {
            return;
        };
        let n = bytes.len() / Layout::of(&self.header).bytes();
        let start = out.len();
        out.resize(start + n, 0.0);
        frame_to_hu(&self.header, f, bytes, &mut out[start..]);
    }
}

/// Opens `path` fully and decodes its pixel data (any transfer syntax this build supports).
pub fn decode_file(path: &Path) -> Result<DecodedImage, Error> {
    let bytes = read_file(path)?;
    decode_bytes(path, &bytes, None, |header, data| DecodedImage {
        header,
        data: data.to_vec(),
    })
}

/// Decodes a whole file held in memory (for the fuzzer and tests: no file is read).
pub fn decode_file_bytes(bytes: &[u8]) -> Result<DecodedImage, Error> {
    decode_bytes(Path::new("<memory>"), bytes, None, |header, data| {
        DecodedImage {
            header,
            data: data.to_vec(),
        }
    })
}

/// Decodes one encapsulated frame in transfer syntax `ts` (Rows × Columns, BitsAllocated =
/// BitsStored = `bits`, signed, one sample) through the same path as a file: a minimal file is
/// made in memory around the fragment. For the fuzzer (one target per pixel decoder) and tests.
pub fn decode_encapsulated(
    ts: &str,
    rows: u16,
    cols: u16,
    bits: u16,
    fragment: &[u8],
) -> Result<DecodedImage, Error> {
    decode_file_bytes(&encapsulated_file(ts, rows, cols, bits, fragment))
}

/// A minimal explicit-VR CT file around one pixel-data fragment.
fn encapsulated_file(ts: &str, rows: u16, cols: u16, bits: u16, fragment: &[u8]) -> Vec<u8> {
    fn element(out: &mut Vec<u8>, group: u16, elem: u16, vr: &[u8; 2], value: &[u8]) {
        let mut value = value.to_vec();
        if value.len() % 2 == 1 {
            value.push(if vr == b"UI" { 0 } else { b' ' });
        }
        out.extend_from_slice(&group.to_le_bytes());
        out.extend_from_slice(&elem.to_le_bytes());
        out.extend_from_slice(vr);
        out.extend_from_slice(&(value.len() as u16).to_le_bytes());
        out.extend_from_slice(&value);
    }
    let mut meta = Vec::new();
    element(&mut meta, 0x0002, 0x0010, b"UI", ts.as_bytes());
    let mut out = vec![0u8; 128];
    out.extend_from_slice(b"DICM");
    element(
        &mut out,
        0x0002,
        0x0000,
        b"UL",
        &(meta.len() as u32).to_le_bytes(),
    );
    out.extend(meta);
    element(
        &mut out,
        0x0008,
        0x0016,
        b"UI",
        crate::CT_IMAGE_STORAGE.as_bytes(),
    );
    element(&mut out, 0x0008, 0x0060, b"CS", b"CT");
    element(&mut out, 0x0020, 0x0032, b"DS", b"0\\0\\0");
    element(&mut out, 0x0020, 0x0037, b"DS", b"1\\0\\0\\0\\1\\0");
    element(&mut out, 0x0028, 0x0002, b"US", &1u16.to_le_bytes());
    element(&mut out, 0x0028, 0x0004, b"CS", b"MONOCHROME2");
    element(&mut out, 0x0028, 0x0010, b"US", &rows.to_le_bytes());
    element(&mut out, 0x0028, 0x0011, b"US", &cols.to_le_bytes());
    element(&mut out, 0x0028, 0x0030, b"DS", b"1\\1");
    element(&mut out, 0x0028, 0x0100, b"US", &bits.to_le_bytes());
    element(&mut out, 0x0028, 0x0101, b"US", &bits.to_le_bytes());
    // HighBit: without it dicom-rs refuses the JPEG and JPEG 2000 decoders before they run.
    let high_bit = bits.saturating_sub(1);
    element(&mut out, 0x0028, 0x0102, b"US", &high_bit.to_le_bytes());
    element(&mut out, 0x0028, 0x0103, b"US", &1u16.to_le_bytes());
    element(&mut out, 0x0028, 0x1052, b"DS", b"0");
    element(&mut out, 0x0028, 0x1053, b"DS", b"1");
    out.extend_from_slice(&[
        0xE0, 0x7F, 0x10, 0x00, b'O', b'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
    ]);
    out.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0]);
    let padded = fragment.len() + fragment.len() % 2;
    out.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0]);
    out.extend_from_slice(&(padded as u32).to_le_bytes());
    out.extend_from_slice(fragment);
    out.resize(out.len() + padded - fragment.len(), 0);
    out.extend_from_slice(&[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
    out
}

fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Decodes the single-frame image described by `header` (from the header pass) into `out` as
/// HU. The file is read whole into a buffer (one per thread, reused) and walked; uncompressed
/// little-endian pixel data are converted in place and JPEG-LS fragments decoded without a DICOM
/// object; everything else goes through dicom-rs, which then also checks the image size.
pub(crate) fn decode_slice_into(header: &Header, out: &mut [f32]) -> Result<(), Error> {
    thread_local! {
        /// One read buffer per (rayon) thread, reused from file to file.
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        let path = header.path.as_path();
        buf.clear();
        let result = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_to_end(&mut f, buf))
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })
            .and_then(|_| {
                decode_bytes(path, buf, Some(header), |full, data| {
                    if (full.rows, full.columns) != (header.rows, header.columns) {
                        return Err(Error::Invalid {
                            path: header.path.clone(),
                            problem: "image size differs from the rest of the series".into(),
                        });
                    }
                    frame_to_hu(header, 0, data, out);
                    Ok(())
                })
            })
            .and_then(|r| r);
        if buf.capacity() > 16 << 20 {
            *buf = Vec::new(); // do not keep an unusually large image's buffer
        }
        result
    })
}

/// JPEG-LS transfer syntaxes (lossless and near-lossless), decoded here by `pure_jpegls`.
const JPEG_LS: [&str; 2] = ["1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"];
/// RLE Lossless, decoded here (dicom-rs 0.10's RLE decoder panics on short segments).
const RLE: &str = "1.2.840.10008.1.2.5";

/// Walks `bytes` (a whole file), decodes its pixel data and hands the header and the decoded
/// bytes (little endian, frame after frame) to `f`. `known` is the header from the header pass,
/// when there was one: it spares parsing the header again on the fast paths.
fn decode_bytes<T>(
    path: &Path,
    bytes: &[u8],
    known: Option<&Header>,
    f: impl FnOnce(Header, &[u8]) -> T,
) -> Result<T, Error> {
    let walked = walk(&mut &bytes[..], false, MemoryBudget::DEFAULT_BYTES / 4)
        .map_err(|d| damaged(path, d))?;
    let header = || match known {
        Some(h) => Ok(h.clone()),
        None => header_from_bytes(path, bytes, &walked, bytes.len()),
    };
    let ts = walked.transfer_syntax.as_str();
    match &walked.pixel_data {
        Some((_, PixelValue::Native(range))) if ts == IMPLICIT_VR_LE || ts == EXPLICIT_VR_LE => {
            let header = header()?;
            usable(&header)?;
            let expected = expected_len(&header)?;
            let data = check_len(&header, &bytes[range.clone()], expected)?;
            Ok(f(header, data))
        }
        Some((_, PixelValue::Encapsulated { offsets, fragments }))
            if JPEG_LS.contains(&ts) || ts == RLE =>
        {
            let header = header()?;
            usable(&header)?;
            let expected = expected_len(&header)?;
            check_compressed_size(&header, fragments, expected)?;
            let (rows, cols) = (header.rows.unwrap_or(0), header.columns.unwrap_or(0));
            let bits = header.bits_allocated.unwrap_or(16);
            let decode_error = |message| Error::Decode {
                path: path.to_path_buf(),
                transfer_syntax: header.transfer_syntax.clone(),
                message,
            };
            let mut data = Vec::with_capacity(expected);
            for frame in frames_of(&header, bytes, offsets, fragments)? {
                if ts == RLE {
                    decode_rle_frame(&frame, rows, cols, bits, &mut data).map_err(decode_error)?;
                } else {
                    decode_jpeg_ls_frame(&frame, rows, cols, bits, &mut data)
                        .map_err(decode_error)?;
                }
            }
            let data = check_len(&header, &data, expected)?;
            Ok(f(header, data))
        }
        None => Err(Error::Invalid {
            path: path.to_path_buf(),
            problem: "no PixelData (7FE0,0010): not an image".into(),
        }),
        Some((_, pixels)) => {
            let obj = contained(path, "parsing the file", || {
                OpenFileOptions::new()
                    .read_preamble(ReadPreamble::Always)
                    .from_reader(bytes)
            })?
            .map_err(|e| Error::Parse {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
            let mut header = header_of(path, &obj, Some(true));
            header.file_len = bytes.len() as u64;
            usable(&header)?;
            let expected = expected_len(&header)?;
            if let PixelValue::Encapsulated { fragments, .. } = pixels {
                check_compressed_size(&header, fragments, expected)?;
                check_codestream(&header, bytes, fragments)?;
            }
            let decoded = contained(path, "decoding the pixel data", || obj.decode_pixel_data())?
                .map_err(|e| Error::Decode {
                path: path.to_path_buf(),
                transfer_syntax: header.transfer_syntax.clone(),
                message: decode_hint(&header.transfer_syntax, &e.to_string()),
            })?;
            let data = check_len(&header, decoded.data(), expected)?;
            Ok(f(header, data))
        }
    }
}

/// A header whose required tags are present and valid, or the error naming the first problem.
fn usable(header: &Header) -> Result<(), Error> {
    if let Some(problem) = &header.invalid {
        return Err(Error::Invalid {
            path: header.path.clone(),
            problem: problem.clone(),
        });
    }
    Ok(())
}

/// Compressed pixel data larger than twice the uncompressed size (plus 64 KiB) is refused before
/// any decoder sees it: no CT codec expands data that much.
fn check_compressed_size(
    header: &Header,
    fragments: &[std::ops::Range<usize>],
    expected: usize,
) -> Result<(), Error> {
    let total: usize = fragments.iter().map(|r| r.len()).sum();
    let limit = expected.saturating_mul(2).saturating_add(64 << 10);
    if total > limit {
        return Err(Error::Invalid {
            path: header.path.clone(),
            problem: format!(
                "the compressed pixel data hold {total} bytes, more than twice the {expected} bytes of the image they should encode; the file is damaged"
            ),
        });
    }
    Ok(())
}

/// The bytes of each frame: one fragment per frame, or all fragments for a single frame, or
/// fragments grouped by the Basic Offset Table.
fn frames_of<'a>(
    header: &Header,
    bytes: &'a [u8],
    offsets: &[u32],
    fragments: &[std::ops::Range<usize>],
) -> Result<Vec<std::borrow::Cow<'a, [u8]>>, Error> {
    use std::borrow::Cow;
    let frames = header.frames as usize;
    let concat = |rs: &[std::ops::Range<usize>]| -> Cow<'a, [u8]> {
        match rs {
            [one] => Cow::Borrowed(&bytes[one.clone()]),
            _ => Cow::Owned(rs.iter().flat_map(|r| &bytes[r.clone()]).copied().collect()),
        }
    };
    if frames == 1 {
        return Ok(vec![concat(fragments)]);
    }
    if fragments.len() == frames {
        return Ok(fragments
            .iter()
            .map(|r| concat(std::slice::from_ref(r)))
            .collect());
    }
    if offsets.len() == frames && !fragments.is_empty() {
        // Offsets count from the first byte of the first fragment's item (8 bytes of item header).
        let base = fragments[0].start - 8;
        let mut out = Vec::with_capacity(frames);
        for (i, &start) in offsets.iter().enumerate() {
            let end = offsets.get(i + 1).map_or(usize::MAX, |&e| e as usize);
            let rs: Vec<_> = fragments
                .iter()
                .filter(|r| (start as usize..end).contains(&(r.start - 8 - base)))
                .cloned()
                .collect();
            out.push(concat(&rs));
        }
        return Ok(out);
    }
    Err(Error::Invalid {
        path: header.path.clone(),
        problem: format!(
            "{} pixel-data fragment(s) cannot be matched to {frames} frames (no usable Basic Offset Table)",
            fragments.len()
        ),
    })
}

/// Decodes one JPEG-LS frame with `pure_jpegls` (a panic inside it contained) and appends its
/// samples to `out` as little-endian BitsAllocated values.
pub(crate) fn decode_jpeg_ls_frame(
    frame: &[u8],
    rows: u32,
    cols: u32,
    bits: u16,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    if !matches!(bits, 8 | 16) {
        return Err(format!(
            "JPEG-LS holds 8 or 16 bits a sample here; BitsAllocated is {bits}"
        ));
    }
    let (samples, _, _) = contained(Path::new("<JPEG-LS frame>"), "decoding JPEG-LS", || {
        jpegls::decode(frame, cols, rows)
    })
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("JPEG-LS: {e}"))?;
    if samples.len() != rows as usize * cols as usize {
        return Err(format!(
            "JPEG-LS: {} samples decoded, {rows} × {cols} expected",
            samples.len()
        ));
    }
    if bits == 8 {
        out.extend(samples.iter().map(|&v| v as u8));
    } else {
        out.extend(samples.iter().flat_map(|v| v.to_le_bytes()));
    }
    Ok(())
}

/// Decodes one RLE Lossless frame (PS3.5 Annex G: a 64-byte header of segment count and
/// offsets, then one PackBits segment per byte plane, most significant first) and appends it to
/// `out` as little-endian samples. Every offset and run is checked: a short or damaged segment
/// is an error, never a panic.
pub(crate) fn decode_rle_frame(
    fragment: &[u8],
    rows: u32,
    cols: u32,
    bits: u16,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let bytes_per_sample = match bits {
        8 => 1,
        16 => 2,
        _ => {
            return Err(format!(
                "RLE: BitsAllocated {bits} is not supported (8 or 16)"
            ));
        }
    };
    let word = |i: usize| {
        fragment
            .get(4 * i..4 * i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let count = word(0).ok_or("RLE: the fragment is shorter than its 64-byte header")?;
    if fragment.len() < 64 || count != bytes_per_sample {
        return Err(format!(
            "RLE: the header lists {count} segment(s); {bytes_per_sample} expected for one {bits}-bit sample a pixel"
        ));
    }
    let pixels = rows as usize * cols as usize;
    let base = out.len();
    out.resize(base + pixels * bytes_per_sample, 0);
    for segment in 0..count {
        let start = word(1 + segment).unwrap_or(0);
        let end = if segment + 1 < count {
            word(2 + segment).unwrap_or(0)
        } else {
            fragment.len()
        };
        let data = fragment
            .get(start..end)
            .filter(|_| start >= 64)
            .ok_or_else(|| {
                format!(
                    "RLE: segment {} spans bytes {start}..{end} of a {}-byte fragment",
                    segment + 1,
                    fragment.len()
                )
            })?;
        // Segment 0 is the most significant byte of each sample.
        let byte = bytes_per_sample - 1 - segment;
        let mut slot = out[base..].iter_mut().skip(byte).step_by(bytes_per_sample);
        let mut written = 0usize;
        let mut i = 0usize;
        while i < data.len() && written < pixels {
            let n = data[i] as i8;
            i += 1;
            if n >= 0 {
                let run = data.get(i..i + n as usize + 1).ok_or_else(|| {
                    format!("RLE: segment {} ends inside a literal run", segment + 1)
                })?;
                i += run.len();
                for &b in run {
                    if let Some(o) = slot.next() {
                        *o = b;
                        written += 1;
                    }
                }
            } else if n != -128 {
                let b = *data.get(i).ok_or_else(|| {
                    format!("RLE: segment {} ends inside a repeat run", segment + 1)
                })?;
                i += 1;
                for _ in 0..(1 - i32::from(n)) {
                    if let Some(o) = slot.next() {
                        *o = b;
                        written += 1;
                    }
                }
            }
        }
        if written < pixels {
            return Err(format!(
                "RLE: segment {} decodes to {written} bytes; {rows} × {cols} = {pixels} expected",
                segment + 1
            ));
        }
    }
    Ok(())
}

/// Refuses a JPEG or JPEG 2000 codestream whose own image size differs from Rows × Columns
/// before a decoder allocates for it.
fn check_codestream(
    header: &Header,
    bytes: &[u8],
    fragments: &[std::ops::Range<usize>],
) -> Result<(), Error> {
    let Some(first) = fragments.first() else {
        return Ok(());
    };
    let Some((w, h)) = codestream_size(&bytes[first.clone()]) else {
        return Ok(());
    };
    if (Some(h), Some(w)) != (header.rows, header.columns) {
        return Err(Error::Invalid {
            path: header.path.clone(),
            problem: format!(
                "the compressed image is {w}×{h} pixels but Columns × Rows are {}×{}",
                header.columns.unwrap_or(0),
                header.rows.unwrap_or(0)
            ),
        });
    }
    Ok(())
}

/// (width, height) from the first frame header of a JPEG (SOFn) or JPEG 2000 (SIZ) codestream.
pub(crate) fn codestream_size(data: &[u8]) -> Option<(u32, u32)> {
    let u16_at = |p: usize| Some(u16::from_be_bytes(data.get(p..p + 2)?.try_into().ok()?));
    let u32_at = |p: usize| Some(u32::from_be_bytes(data.get(p..p + 4)?.try_into().ok()?));
    if data.get(..2)? != [0xFF, 0xD8] && data.get(..2)? != [0xFF, 0x4F] {
        return None;
    }
    let mut pos = 2;
    // Marker segments up to the first frame header; at most 64 of them.
    for _ in 0..64 {
        let marker = u16_at(pos)?;
        let len = usize::from(u16_at(pos + 2)?);
        match marker {
            // JPEG 2000 SIZ: Lsiz Rsiz Xsiz Ysiz XOsiz YOsiz ...
            0xFF51 => {
                let (x, y) = (u32_at(pos + 6)?, u32_at(pos + 10)?);
                let (xo, yo) = (u32_at(pos + 14)?, u32_at(pos + 18)?);
                return Some((x.checked_sub(xo)?, y.checked_sub(yo)?));
            }
            // JPEG SOF0..SOF15 but DHT (C4), JPG (C8), DAC (CC): P Y X
            0xFFC0..=0xFFCF if !matches!(marker, 0xFFC4 | 0xFFC8 | 0xFFCC) => {
                let h = u32::from(u16_at(pos + 5)?);
                let w = u32::from(u16_at(pos + 7)?);
                return Some((w, h));
            }
            0xFFDA | 0xFF90 => return None, // scan or tile data before any frame header
            _ => pos += 2 + len,
        }
    }
    None
}

/// `data` cut to `expected` bytes. Native data may carry one padding byte to even length;
/// anything else is a broken file.
fn check_len<'a>(header: &Header, data: &'a [u8], expected: usize) -> Result<&'a [u8], Error> {
    if data.len() < expected || data.len() > expected + 1 {
        return Err(header.pixel_length_error(data.len(), expected));
    }
    Ok(&data[..expected])
}

fn decode_hint(ts: &str, message: &str) -> String {
    let hint = match ts {
        "1.2.840.10008.1.2.4.90" | "1.2.840.10008.1.2.4.91" if !cfg!(feature = "codec-j2k") => {
            "; JPEG 2000 needs the default feature `codec-j2k`, or transcode first: `gdcmconv --raw IN OUT`"
        }
        _ => "",
    };
    format!("{message}{hint}")
}

/// The byte range of native top-level pixel data in a whole file, if the walk accepts the file.
#[cfg(test)]
fn native_range(file: &[u8]) -> Option<std::ops::Range<usize>> {
    match walk(&mut &file[..], false, 1 << 20).ok()?.pixel_data? {
        (_, PixelValue::Native(r)) => Some(r),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(data: &[u8], bits: u16, bits_stored: u16, signed: bool) -> Vec<i32> {
        let mut out = Vec::new();
        Layout {
            bits,
            shift: u32::from(bits - bits_stored),
            signed,
        }
        .each(data, |_, v| out.push(v));
        out
    }

    use dicom_core::value::DataSetSequence;
    use dicom_core::{DataElement, PrimitiveValue, VR};
    use dicom_dictionary_std::tags;
    use dicom_object::{FileMetaTableBuilder, InMemDicomObject};

    fn element(tag: dicom_core::Tag, vr: VR, v: &str) -> DataElement<InMemDicomObject> {
        DataElement::new(tag, vr, PrimitiveValue::from(v))
    }

    /// A whole file as dicom-rs writes it: nested undefined-length sequences, an OB value that
    /// holds the PixelData tag's bytes, and the pixel data last but one.
    pub(super) fn file_bytes(ts: &str, pixels: &[u8]) -> Vec<u8> {
        let inner = InMemDicomObject::from_element_iter([element(
            tags::IMAGE_POSITION_PATIENT,
            VR::DS,
            "1\\2\\3",
        )]);
        let outer = InMemDicomObject::from_element_iter([
            DataElement::new(
                tags::PLANE_POSITION_SEQUENCE,
                VR::SQ,
                DataSetSequence::from(vec![inner.clone(), inner]),
            ),
            element(tags::RESCALE_TYPE, VR::LO, "HU"),
        ]);
        let obj = InMemDicomObject::from_element_iter([
            element(tags::SOP_CLASS_UID, VR::UI, crate::CT_IMAGE_STORAGE),
            element(tags::SOP_INSTANCE_UID, VR::UI, "1.2.3.4"),
            DataElement::new(
                tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE,
                VR::SQ,
                DataSetSequence::from(vec![outer]),
            ),
            DataElement::new(
                tags::ENCAPSULATED_DOCUMENT,
                VR::OB,
                PrimitiveValue::from(vec![0xE0, 0x7F, 0x10, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]),
            ),
            DataElement::new(
                tags::PIXEL_DATA,
                VR::OW,
                PrimitiveValue::from(pixels.to_vec()),
            ),
            DataElement::new(
                tags::DATA_SET_TRAILING_PADDING,
                VR::OB,
                PrimitiveValue::from(vec![0u8; 4]),
            ),
        ]);
        let mut out = Vec::new();
        obj.with_meta(
            FileMetaTableBuilder::new()
                .transfer_syntax(ts)
                .media_storage_sop_class_uid(crate::CT_IMAGE_STORAGE)
                .media_storage_sop_instance_uid("1.2.3.4"),
        )
        .expect("meta")
        .write_all(&mut out)
        .expect("write");
        out
    }

    #[test]
    fn native_pixel_data_is_found_in_implicit_and_explicit_files() {
        let pixels: Vec<u8> = (0..64u8).collect();
        for (ts, implicit) in [(IMPLICIT_VR_LE, true), (EXPLICIT_VR_LE, false)] {
            let file = file_bytes(ts, &pixels);
            let range = native_range(&file).expect(ts);
            assert_eq!(&file[range.clone()], &pixels[..], "{ts}");
            let trailing = if implicit { 8 + 4 } else { 12 + 4 };
            assert_eq!(
                range.end + trailing,
                file.len(),
                "{ts}: trailing padding follows"
            );
            // Cut anywhere before the end of the pixel value: never found, never a panic.
            for cut in (0..range.end).step_by(7) {
                assert_eq!(native_range(&file[..cut]), None, "{ts} cut {cut}");
            }
        }
    }

    #[test]
    fn defined_length_sequences_and_encapsulated_pixels() {
        let mut file = crate::walk::tests::preamble_and_meta(IMPLICIT_VR_LE);
        // Implicit VR: a defined-length sequence (one defined-length item holding a US element).
        let us = [0x28, 0x00, 0x10, 0x00, 2, 0, 0, 0, 0x00, 0x02];
        let mut item = vec![0xFE, 0xFF, 0x00, 0xE0, us.len() as u8, 0, 0, 0];
        item.extend_from_slice(&us);
        file.extend_from_slice(&[0x08, 0x00, 0x15, 0x11, item.len() as u8, 0, 0, 0]);
        file.extend_from_slice(&item);
        let pixel_start = file.len() + 8;
        file.extend_from_slice(&[0xE0, 0x7F, 0x10, 0x00, 4, 0, 0, 0, 1, 2, 3, 4]);
        assert_eq!(native_range(&file), Some(pixel_start..pixel_start + 4));
        // Encapsulated (undefined length) pixel data is left to dicom-rs.
        let n = file.len();
        file[n - 8..n - 4].copy_from_slice(&[0xFF; 4]);
        assert_eq!(native_range(&file), None);
        // No preamble: refused.
        assert_eq!(native_range(&file[128..]), None);
    }

    #[test]
    fn sign_extension_from_bits_stored() {
        // 12-bit signed −1 stored as 0x0FFF with junk in the high nibble.
        let data = [0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0x08];
        assert_eq!(stored(&data, 16, 12, true), vec![-1, -1, -2048]);
        assert_eq!(stored(&data, 16, 12, false), vec![4095, 4095, 2048]);
        assert_eq!(stored(&data, 16, 16, true), vec![-1, 4095, 2048]);
        assert_eq!(stored(&[0x80], 8, 8, true), vec![-128]);
    }
}

#[cfg(test)]
mod properties {
    use dicom_object::OpenFileOptions;
    use proptest::prelude::*;

    use super::tests::file_bytes;
    use super::{EXPLICIT_VR_LE, IMPLICIT_VR_LE, native_range};

    /// PixelData as dicom-rs reads the whole file, if it does.
    fn dicom_rs_pixels(file: &[u8]) -> Option<Vec<u8>> {
        let obj = OpenFileOptions::new().from_reader(file).ok()?;
        let e = obj.get(dicom_dictionary_std::tags::PIXEL_DATA)?;
        e.to_bytes().ok().map(|b| b.into_owned())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Up to three bytes changed anywhere before the pixel values of a dicom-rs-written
        /// file: whenever both the walk and dicom-rs find PixelData, they find the same bytes
        /// (but for the last byte of an odd length, which dicom-rs drops).
        #[test]
        fn walk_agrees_with_dicom_rs_on_damaged_headers(
            implicit: bool,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        ) {
            let ts = if implicit { IMPLICIT_VR_LE } else { EXPLICIT_VR_LE };
            let pixels: Vec<u8> = (0..64u8).collect();
            let mut file = file_bytes(ts, &pixels);
            let header_end = native_range(&file).map_or(file.len(), |r| r.start);
            for (at, byte) in edits {
                let i = 132 + at.index(header_end - 132);
                file[i] = byte;
            }
            // (dicom-rs only when the walk answers: a damaged length that runs past the end
            // makes it allocate that much before failing.)
            if let Some(r) = native_range(&file)
                && let Some(theirs) = dicom_rs_pixels(&file)
            {
                let ours = &file[r];
                // An odd length (PS3.5 §7.1.1 requires even ones): dicom-rs reads whole 16-bit
                // OW words, one byte short; the walk keeps every declared byte (the pixel length
                // check of the header refuses any length but the image's size or one byte more).
                if !ours.len().is_multiple_of(2) && theirs.len() + 1 == ours.len() {
                    prop_assert_eq!(&ours[..theirs.len()], &theirs[..]);
                } else {
                    prop_assert_eq!(ours, &theirs[..]);
                }
            }
        }
    }

    proptest! {
        /// Any bytes after a valid preamble: an answer inside the file or none, never a panic.
        #[test]
        fn walk_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512), implicit: bool) {
            let mut file = vec![0u8; 128];
            file.extend_from_slice(b"DICM");
            file.extend_from_slice(&body);
            if let Some(r) = native_range(&file) {
                prop_assert!(r.start >= 132 && r.end <= file.len());
            }
        }
    }
}
