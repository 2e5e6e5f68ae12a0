//! Decoding pixel data to stored values and HU.

use std::path::Path;

use dicom_object::OpenFileOptions;
use dicom_pixeldata::PixelDecoder;

use crate::Error;
use crate::header::{Header, header_of};

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
                for (o, c) in out.iter_mut().zip(data.chunks_exact(2)) {
                    *o = f32::from(i16::from_le_bytes([c[0], c[1]])) + b;
                }
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
    with_pixels(path, |header, data| DecodedImage {
        header,
        data: data.to_vec(),
    })
}

/// Decodes the single-frame image at `path` straight into `out` as HU, using `header` (from the
/// header pass) for rescale and padding.
pub(crate) fn decode_into(path: &Path, out: &mut [f32]) -> Result<Header, Error> {
    with_pixels(path, |header, data| {
        frame_to_hu(&header, 0, data, out);
        header
    })
}

/// Opens and decodes `path`, checks the pixel-data length, and hands header and bytes to `f`.
fn with_pixels<T>(path: &Path, f: impl FnOnce(Header, &[u8]) -> T) -> Result<T, Error> {
    let obj = OpenFileOptions::new()
        .open_file(path)
        .map_err(|e| Error::read(path, e))?;
    let has_pixels = obj.get(dicom_dictionary_std::tags::PIXEL_DATA).is_some();
    let header = header_of(path, &obj, Some(has_pixels));
    if !has_pixels {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            problem: "no PixelData (7FE0,0010): not an image".into(),
        });
    }
    let (rows, cols) = match (header.rows, header.columns) {
        (Some(r), Some(c)) if r > 0 && c > 0 => (r as usize, c as usize),
        _ => {
            return Err(Error::MissingTag {
                path: path.to_path_buf(),
                tag: "Rows (0028,0010) / Columns (0028,0011)",
            });
        }
    };
    let bits = header.bits_allocated.unwrap_or(16);
    if !matches!(bits, 8 | 16 | 32) {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            problem: format!("BitsAllocated {bits} is not supported (8, 16 or 32)"),
        });
    }
    let frames = header.frames as usize;
    let expected = rows * cols * frames * usize::from(bits / 8);
    let decoded = obj.decode_pixel_data().map_err(|e| Error::Decode {
        path: path.to_path_buf(),
        transfer_syntax: header.transfer_syntax.clone(),
        message: decode_hint(&header.transfer_syntax, &e.to_string()),
    })?;
    let data = decoded.data();
    // Native data may carry one padding byte to even length; anything else is a broken file.
    if data.len() < expected || data.len() > expected + 1 {
        return Err(Error::PixelLength {
            path: path.to_path_buf(),
            found: data.len(),
            expected,
            rows,
            columns: cols,
            frames,
            bits,
        });
    }
    Ok(f(header, &data[..expected]))
}

fn decode_hint(ts: &str, message: &str) -> String {
    let hint = match ts {
        "1.2.840.10008.1.2.4.80" | "1.2.840.10008.1.2.4.81" if !cfg!(feature = "codec-jpegls") => {
            "; JPEG-LS needs vascalc built with `--features vascalc-dicom/codec-jpegls` (CharLS, needs cmake), or transcode first: `gdcmconv --raw IN OUT`"
        }
        "1.2.840.10008.1.2.4.90" | "1.2.840.10008.1.2.4.91" if !cfg!(feature = "codec-j2k") => {
            "; JPEG 2000 needs the default feature `codec-j2k`, or transcode first: `gdcmconv --raw IN OUT`"
        }
        _ => "",
    };
    format!("{message}{hint}")
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
