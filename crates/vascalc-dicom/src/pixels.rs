//! Decoding pixel data to stored values and HU.

use std::path::Path;

use dicom_object::OpenFileOptions;
use dicom_pixeldata::PixelDecoder;

use crate::Error;
use crate::header::{Header, header_of};

/// One decoded image file: stored values per frame (before rescale) and the header.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedImage {
    pub header: Header,
    /// Stored pixel values, frame after frame, row by row, sign-extended from BitsStored.
    pub stored: Vec<i32>,
}

impl DecodedImage {
    /// HU of frame `f` (stored × slope + intercept, per frame); padding values become NaN.
    pub fn hu_frame(&self, f: usize, out: &mut Vec<f32>) {
        let (rows, cols) = (
            self.header.rows.unwrap_or(0) as usize,
            self.header.columns.unwrap_or(0) as usize,
        );
        let n = rows * cols;
        let Some(info) = self.header.frame_info.get(f) else {
            return;
        };
        let Some(frame) = self.stored.get(f * n..(f + 1) * n) else {
            return;
        };
        let (slope, intercept) = (info.slope, info.intercept);
        let padding = self.header.padding;
        out.reserve(n);
        if slope == 1.0 && intercept.fract() == 0.0 && padding.is_none() {
            let b = intercept as f32;
            out.extend(frame.iter().map(|&v| v as f32 + b));
        } else {
            let (lo, hi) = padding.unwrap_or((i64::MAX, i64::MIN));
            out.extend(frame.iter().map(|&v| {
                let v64 = i64::from(v);
                if v64 >= lo && v64 <= hi {
                    f32::NAN
                } else {
                    (f64::from(v) * slope + intercept) as f32
                }
            }));
        }
    }
}

/// Opens `path` fully and decodes its pixel data (any transfer syntax this build supports).
pub fn decode_file(path: &Path) -> Result<DecodedImage, Error> {
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
    let bytes_per = usize::from(bits / 8);
    let frames = header.frames as usize;
    let expected = rows * cols * frames * bytes_per;
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
    let data = &data[..expected];
    let stored_bits = u32::from(header.bits_stored.unwrap_or(bits).clamp(1, bits));
    let signed = header.pixel_representation == 1;
    let stored = to_stored(data, bits, stored_bits, signed);
    Ok(DecodedImage { header, stored })
}

fn to_stored(data: &[u8], bits: u16, stored_bits: u32, signed: bool) -> Vec<i32> {
    let shift = u32::from(bits) - stored_bits;
    match bits {
        8 => data
            .iter()
            .map(|&b| {
                if signed {
                    i32::from(((b << shift) as i8) >> shift)
                } else {
                    i32::from(b & (u8::MAX >> shift))
                }
            })
            .collect(),
        16 => data
            .chunks_exact(2)
            .map(|c| {
                let v = u16::from_le_bytes([c[0], c[1]]);
                if signed {
                    i32::from(((v << shift) as i16) >> shift)
                } else {
                    i32::from(v & (u16::MAX >> shift))
                }
            })
            .collect(),
        _ => data
            .chunks_exact(4)
            .map(|c| {
                let v = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                if signed {
                    ((v << shift) as i32) >> shift
                } else {
                    // Unsigned 32-bit values above i32::MAX do not occur in CT; saturate.
                    i32::try_from(v & (u32::MAX >> shift)).unwrap_or(i32::MAX)
                }
            })
            .collect(),
    }
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

    #[test]
    fn sign_extension_from_bits_stored() {
        // 12-bit signed −1 stored as 0x0FFF with junk in the high nibble.
        let data = [0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0x08];
        assert_eq!(to_stored(&data, 16, 12, true), vec![-1, -1, -2048]);
        assert_eq!(to_stored(&data, 16, 12, false), vec![4095, 4095, 2048]);
        assert_eq!(to_stored(&data, 16, 16, true), vec![-1, 4095, 2048]);
        assert_eq!(to_stored(&[0x80], 8, 8, true), vec![-128]);
    }
}
