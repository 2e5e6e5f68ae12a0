//! A walk over the element headers of a Part 10 file before dicom-rs reads it.
//!
//! dicom-rs (0.10) reserves and zero-fills the length an element header declares before it reads
//! the value, so a 156-byte file that declares 4 GB makes it allocate and touch 4 GB. This walk
//! visits the same element headers as dicom-rs's reader (meta group by its group length, then the
//! data set in its transfer syntax: sequences and items of defined or undefined length entered,
//! the VR of implicit-VR elements from the standard dictionary, undefined-length elements taken
//! as sequences, encapsulated pixel data as items) and checks every declared length against the
//! bytes that remain in the file. Only a file that passes is given to dicom-rs. On the way it
//! notes where the top-level PixelData lies: its value range (native) or its fragments
//! (encapsulated), which the pixel decoders then read without a DICOM object.
//!
//! The walk reads through a [`Source`]: the bytes of a whole file in memory, or a file read in
//! windows, so that the header pass never holds more of a file than its element headers.

use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;

use dicom_core::Tag;
use dicom_core::dictionary::{DataDictionary, DataDictionaryEntry};
use dicom_dictionary_std::StandardDataDictionary;

pub(crate) const IMPLICIT_VR_LE: &str = "1.2.840.10008.1.2";
pub(crate) const EXPLICIT_VR_LE: &str = "1.2.840.10008.1.2.1";
pub(crate) const DEFLATED_EXPLICIT_VR_LE: &str = "1.2.840.10008.1.2.1.99";
pub(crate) const EXPLICIT_VR_BE: &str = "1.2.840.10008.1.2.2";

const UNDEFINED: u32 = u32::MAX;
const PIXEL_DATA: (u16, u16) = (0x7FE0, 0x0010);

/// Where the value of the top-level PixelData element lies.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PixelValue {
    /// Native pixel data: the value's byte range in the file.
    Native(Range<usize>),
    /// Encapsulated pixel data: the Basic Offset Table and the fragments' byte ranges.
    Encapsulated {
        offsets: Vec<u32>,
        fragments: Vec<Range<usize>>,
    },
    /// The walk stopped at the element's header (header pass): the declared length (`None`
    /// for encapsulated data) and where the value starts.
    NotRead { len: Option<u32>, value: usize },
}

/// What the walk found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Walked {
    /// The transfer syntax UID of the meta group, trimmed.
    pub transfer_syntax: String,
    /// Offset of the top-level PixelData element's tag and where its value lies, if present.
    /// For a deflated data set the ranges refer to the inflated bytes, which are not kept: the
    /// pixels of such a file are read through dicom-rs.
    pub pixel_data: Option<(usize, PixelValue)>,
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Damaged(pub String);

/// Bytes of a file to walk: in memory, or read from disk in windows.
pub(crate) trait Source {
    /// The file's size.
    fn len(&self) -> usize;
    /// `n` bytes at `pos` (the walk asks only for ranges inside `len`, and for at most 64 KiB).
    fn bytes(&mut self, pos: usize, n: usize) -> Result<&[u8], Damaged>;
}

impl Source for &[u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }
    fn bytes(&mut self, pos: usize, n: usize) -> Result<&[u8], Damaged> {
        self.get(pos..pos + n)
            .ok_or_else(|| Damaged(format!("the file ends at byte {}", <[u8]>::len(self))))
    }
}

/// A file read in windows of 64 KiB, so that skipping a value costs no read.
pub(crate) struct FileSource {
    file: std::fs::File,
    len: usize,
    start: usize,
    window: Vec<u8>,
}

impl FileSource {
    pub(crate) fn new(file: std::fs::File) -> std::io::Result<Self> {
        let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        Ok(Self {
            file,
            len,
            start: 0,
            window: Vec::new(),
        })
    }
}

impl Source for FileSource {
    fn len(&self) -> usize {
        self.len
    }
    fn bytes(&mut self, pos: usize, n: usize) -> Result<&[u8], Damaged> {
        let inside = pos >= self.start && pos + n <= self.start + self.window.len();
        if !inside {
            const WINDOW: u64 = 64 << 10;
            self.window.clear();
            self.file
                .seek(SeekFrom::Start(pos as u64))
                .and_then(|_| {
                    (&mut self.file)
                        .take(WINDOW.max(n as u64))
                        .read_to_end(&mut self.window)
                })
                .map_err(|e| Damaged(format!("cannot read at byte {pos}: {e}")))?;
            self.start = pos;
        }
        let at = pos - self.start;
        self.window
            .get(at..at + n)
            .ok_or_else(|| Damaged(format!("the file ends before byte {}", pos + n)))
    }
}

/// Byte order and VR rule of a data set.
#[derive(Debug, Clone, Copy)]
struct Encoding {
    implicit: bool,
    big_endian: bool,
}

impl Encoding {
    fn u16(self, b: &[u8]) -> u16 {
        let b = [b[0], b[1]];
        if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }
    fn u32(self, b: &[u8]) -> u32 {
        let b = [b[0], b[1], b[2], b[3]];
        if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }
}

const LE: Encoding = Encoding {
    implicit: false,
    big_endian: false,
};

/// Walks a whole Part 10 file (128-byte preamble, `DICM`, meta group, data set). With
/// `header_only` the walk stops at the top-level PixelData element (whose value is then
/// [`PixelValue::NotRead`]); otherwise it goes through the pixel data and what follows.
/// `inflate_limit` bounds the inflated size of a deflated data set.
pub(crate) fn walk(
    src: &mut dyn Source,
    header_only: bool,
    inflate_limit: usize,
) -> Result<Walked, Damaged> {
    let total = src.len();
    if total < 132 || src.bytes(128, 4)? != b"DICM" {
        return Err(Damaged(
            "no \"DICM\" marker after the 128-byte preamble".into(),
        ));
    }
    let (transfer_syntax, start) = meta_group(src)?;
    let encoding = match transfer_syntax.as_str() {
        IMPLICIT_VR_LE => Encoding {
            implicit: true,
            big_endian: false,
        },
        EXPLICIT_VR_BE => Encoding {
            implicit: false,
            big_endian: true,
        },
        DEFLATED_EXPLICIT_VR_LE => {
            let compressed = src.bytes(start, total - start)?.to_vec();
            let inflated = inflate(&compressed, inflate_limit)?;
            let pixel_data = data_set(&mut inflated.as_slice(), 0, LE, header_only)?;
            return Ok(Walked {
                transfer_syntax,
                pixel_data,
            });
        }
        // Every other transfer syntax encodes the data set in explicit VR little endian.
        _ => LE,
    };
    let pixel_data = data_set(src, start, encoding, header_only)?;
    Ok(Walked {
        transfer_syntax,
        pixel_data,
    })
}

fn inflate(compressed: &[u8], limit: usize) -> Result<Vec<u8>, Damaged> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(compressed)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| Damaged(format!("the deflated data set cannot be inflated: {e}")))?;
    if out.len() > limit {
        return Err(Damaged(format!(
            "the deflated data set inflates to more than {} MB",
            limit >> 20
        )));
    }
    Ok(out)
}

/// The meta group as dicom-rs reads it: (0002,0000) of 4 bytes, then explicit-VR little-endian
/// elements until the group length is consumed. Returns the transfer syntax and where the data
/// set starts.
fn meta_group(src: &mut dyn Source) -> Result<(String, usize), Damaged> {
    let total = src.len();
    let mut pos = 132;
    let (tag, len, header) = explicit_header(src, pos, LE)?;
    if tag != (0x0002, 0x0000) || len != 4 {
        return Err(Damaged(
            "the meta group does not start with its group length (0002,0000)".into(),
        ));
    }
    pos += header;
    let group_length = LE.u32(need(src, pos, 4)?) as usize;
    pos += 4;
    let end = pos.saturating_add(group_length);
    let mut transfer_syntax = None;
    while pos < end {
        let (tag, len, header) = explicit_header(src, pos, LE)?;
        if len == UNDEFINED {
            return Err(Damaged(format!(
                "meta element {} has an undefined length",
                tag_name(tag)
            )));
        }
        let value = pos + header;
        check_fits(tag, len, value, total)?;
        if tag == (0x0002, 0x0010) {
            if len > 64 {
                return Err(Damaged(format!(
                    "TransferSyntaxUID (0002,0010) is {len} bytes long (a UID has at most 64)"
                )));
            }
            let raw = src.bytes(value, len as usize)?;
            let text = String::from_utf8_lossy(raw);
            transfer_syntax = Some(text.trim_end_matches(['\0', ' ']).trim().to_string());
        }
        pos = value + len as usize;
    }
    let ts = transfer_syntax
        .ok_or_else(|| Damaged("the meta group has no TransferSyntaxUID (0002,0010)".into()))?;
    Ok((ts, pos))
}

fn need(src: &mut dyn Source, pos: usize, n: usize) -> Result<&[u8], Damaged> {
    if pos.saturating_add(n) > src.len() {
        return Err(Damaged(format!(
            "the file ends at byte {} inside an element header at byte {pos}",
            src.len()
        )));
    }
    src.bytes(pos, n)
}

fn tag_name((g, e): (u16, u16)) -> String {
    format!("({g:04X},{e:04X})")
}

fn check_fits(tag: (u16, u16), len: u32, value: usize, total: usize) -> Result<(), Damaged> {
    if len != UNDEFINED && value.saturating_add(len as usize) > total {
        return Err(Damaged(format!(
            "element {} declares {len} bytes at byte {value} but the file has only {} bytes left",
            tag_name(tag),
            total.saturating_sub(value)
        )));
    }
    Ok(())
}

/// (tag, length, header size) of an explicit-VR element header at `pos`. VRs that dicom-rs does
/// not know are read as UN (4-byte length), as dicom-rs does.
fn explicit_header(
    src: &mut dyn Source,
    pos: usize,
    enc: Encoding,
) -> Result<((u16, u16), u32, usize), Damaged> {
    let b = need(src, pos, 8)?;
    let tag = (enc.u16(&b[0..2]), enc.u16(&b[2..4]));
    let vr = [b[4], b[5]];
    if short_length_vr(vr) {
        return Ok((tag, u32::from(enc.u16(&b[6..8])), 8));
    }
    let b = need(src, pos + 8, 4)?;
    Ok((tag, enc.u32(b), 12))
}

fn short_length_vr(vr: [u8; 2]) -> bool {
    matches!(
        &vr,
        b"AE"
            | b"AS"
            | b"AT"
            | b"CS"
            | b"DA"
            | b"DS"
            | b"DT"
            | b"FL"
            | b"FD"
            | b"IS"
            | b"LO"
            | b"LT"
            | b"PN"
            | b"SH"
            | b"SL"
            | b"SS"
            | b"ST"
            | b"TM"
            | b"UI"
            | b"UL"
            | b"US"
    )
}

/// The VR of an implicit-VR element, by the dictionary (as dicom-rs decides; UN if unknown).
fn implicit_vr(tag: (u16, u16)) -> [u8; 2] {
    if tag == PIXEL_DATA || (tag.0 >> 8 == 0x60 && tag.1 == 0x3000) {
        return *b"OW";
    }
    StandardDataDictionary
        .by_tag(Tag(tag.0, tag.1))
        .map_or(*b"UN", |e| e.vr().relaxed().to_bytes())
}

/// A sequence or item being walked: where it ends (`None`: undefined length, ended by its
/// delimiter).
#[derive(Clone, Copy)]
struct Open {
    sequence: bool,
    end: Option<usize>,
}

/// Walks a data set from `start` to the end of the source. Nesting is checked strictly: a
/// sequence holds only items, an item or value never runs past the end of the defined-length
/// sequence or item around it, and a delimiter must close what is open. A file that breaks
/// these rules is refused: there, dicom-rs's reading could part from this walk's, and lengths it
/// reads would go unchecked.
fn data_set(
    src: &mut dyn Source,
    start: usize,
    enc: Encoding,
    header_only: bool,
) -> Result<Option<(usize, PixelValue)>, Damaged> {
    let total = src.len();
    let mut pos = start;
    let mut open: Vec<Open> = Vec::new();
    let mut pixel_data = None;
    let overrun = |what: &str, at: usize, end: usize| {
        Damaged(format!(
            "{what} at byte {at} runs past the end of the sequence or item around it (byte {end})"
        ))
    };
    loop {
        while let Some(Open { end: Some(end), .. }) = open.last() {
            match pos.cmp(end) {
                std::cmp::Ordering::Equal => {
                    open.pop();
                }
                std::cmp::Ordering::Greater => return Err(overrun("an element", pos, *end)),
                std::cmp::Ordering::Less => break,
            }
        }
        // Fewer than 4 bytes left where a tag would start: the end of the data set.
        if total.saturating_sub(pos) < 4 {
            return Ok(pixel_data);
        }
        let limit = open.iter().rev().find_map(|o| o.end).unwrap_or(total);
        let b = need(src, pos, 4)?;
        let tag = (enc.u16(&b[0..2]), enc.u16(&b[2..4]));
        let top = open.last().copied();
        if tag.0 == 0xFFFE || top.is_some_and(|o| o.sequence) {
            let len = enc.u32(need(src, pos + 4, 4)?);
            let at = pos;
            pos += 8;
            match (tag, top) {
                ((0xFFFE, 0xE000), Some(Open { sequence: true, .. })) => {
                    let end = if len == UNDEFINED {
                        None
                    } else {
                        check_fits(tag, len, pos, total)?;
                        if pos + len as usize > limit {
                            return Err(overrun("an item", at, limit));
                        }
                        Some(pos + len as usize)
                    };
                    open.push(Open {
                        sequence: false,
                        end,
                    });
                }
                (
                    (0xFFFE, 0xE00D),
                    Some(Open {
                        sequence: false,
                        end: None,
                    }),
                )
                | (
                    (0xFFFE, 0xE0DD),
                    Some(Open {
                        sequence: true,
                        end: None,
                    }),
                ) => {
                    open.pop();
                }
                _ => {
                    return Err(Damaged(format!(
                        "{} at byte {at} where {}",
                        tag_name(tag),
                        match top {
                            Some(Open { sequence: true, .. }) => "a sequence item was expected",
                            _ => "an element was expected (no sequence or item is open to close)",
                        }
                    )));
                }
            }
            continue;
        }
        let (len, header, vr) = if enc.implicit {
            let len = enc.u32(need(src, pos + 4, 4)?);
            (len, 8, implicit_vr(tag))
        } else {
            let vr = {
                let b = need(src, pos + 4, 2)?;
                [b[0], b[1]]
            };
            let (_, len, header) = explicit_header(src, pos, enc)?;
            (len, header, vr)
        };
        let is_sq = &vr == b"SQ";
        let value = pos + header;
        // dicom-rs reads len / size whole numbers of a binary VR but counts len bytes read: a
        // length that is not a multiple of the size desynchronises it from the file.
        let size = match &vr {
            b"SS" | b"US" | b"OW" => 2,
            b"AT" | b"FL" | b"SL" | b"UL" | b"OF" | b"OL" => 4,
            b"FD" | b"SV" | b"UV" | b"OD" | b"OV" => 8,
            _ => 1,
        };
        if len != UNDEFINED && len % size != 0 && tag != PIXEL_DATA {
            return Err(Damaged(format!(
                "element {} of VR {} has length {len}, not a multiple of {size}",
                tag_name(tag),
                String::from_utf8_lossy(&vr)
            )));
        }
        if tag == PIXEL_DATA && open.is_empty() && header_only {
            // Not read here; its length is judged with the image it must hold (a truncated
            // file keeps a readable header, and fails with its series).
            let len = (len != UNDEFINED).then_some(len);
            return Ok(Some((pos, PixelValue::NotRead { len, value })));
        }
        check_fits(tag, len, value, total)?;
        if len != UNDEFINED && value + len as usize > limit {
            return Err(overrun(&format!("element {}", tag_name(tag)), pos, limit));
        }
        if tag == PIXEL_DATA && len == UNDEFINED {
            let (offsets, fragments, end) = pixel_items(src, value, enc)?;
            if end > limit {
                return Err(overrun("encapsulated pixel data", pos, limit));
            }
            if open.is_empty() && pixel_data.is_none() {
                pixel_data = Some((pos, PixelValue::Encapsulated { offsets, fragments }));
            }
            pos = end;
            continue;
        }
        if tag == PIXEL_DATA && open.is_empty() && pixel_data.is_none() {
            pixel_data = Some((pos, PixelValue::Native(value..value + len as usize)));
        }
        if len == UNDEFINED || is_sq {
            open.push(Open {
                sequence: true,
                end: (len != UNDEFINED).then(|| value + len as usize),
            });
            pos = value;
        } else {
            pos = value + len as usize;
        }
    }
}

/// The items of encapsulated pixel data starting at `pos`: the Basic Offset Table (the first
/// item), the fragments, and the position after the sequence delimiter.
#[allow(clippy::type_complexity)]
fn pixel_items(
    src: &mut dyn Source,
    mut pos: usize,
    enc: Encoding,
) -> Result<(Vec<u32>, Vec<Range<usize>>, usize), Damaged> {
    let total = src.len();
    let mut offsets = None;
    let mut fragments = Vec::new();
    loop {
        let b = need(src, pos, 8)?;
        let tag = (enc.u16(&b[0..2]), enc.u16(&b[2..4]));
        let len = enc.u32(&b[4..8]);
        pos += 8;
        match tag {
            (0xFFFE, 0xE0DD) => break,
            (0xFFFE, 0xE000) if len != UNDEFINED => {
                check_fits(tag, len, pos, total)?;
                let range = pos..pos + len as usize;
                if offsets.is_none() {
                    if !len.is_multiple_of(4) || len > 4 << 20 {
                        return Err(Damaged(format!(
                            "the Basic Offset Table of the pixel data is {len} bytes long (a multiple of 4 is expected)"
                        )));
                    }
                    let table = src.bytes(range.start, len as usize)?;
                    offsets = Some(table.chunks_exact(4).map(|c| enc.u32(c)).collect());
                } else {
                    fragments.push(range.clone());
                }
                pos = range.end;
            }
            _ => {
                return Err(Damaged(format!(
                    "the encapsulated pixel data holds {} at byte {} where a fragment item (FFFE,E000) of defined length was expected",
                    tag_name(tag),
                    pos - 8
                )));
            }
        }
    }
    Ok((offsets.unwrap_or_default(), fragments, pos))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn explicit(tag: (u16, u16), vr: &[u8; 2], value: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&tag.0.to_le_bytes());
        out.extend_from_slice(&tag.1.to_le_bytes());
        out.extend_from_slice(vr);
        if short_length_vr(*vr) {
            out.extend_from_slice(&(value.len() as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        }
        out.extend_from_slice(value);
        out
    }

    pub(crate) fn preamble_and_meta(ts: &str) -> Vec<u8> {
        let mut ts = ts.as_bytes().to_vec();
        if ts.len() % 2 == 1 {
            ts.push(0);
        }
        let body = explicit((0x0002, 0x0010), b"UI", &ts);
        let mut out = vec![0u8; 128];
        out.extend_from_slice(b"DICM");
        out.extend(explicit(
            (0x0002, 0x0000),
            b"UL",
            &(body.len() as u32).to_le_bytes(),
        ));
        out.extend(body);
        out
    }

    #[test]
    fn a_length_past_the_end_is_refused_before_any_allocation() {
        let mut file = preamble_and_meta(EXPLICIT_VR_LE);
        // An OB element that declares 0xFFFFFFF0 bytes in a file of ~160 bytes.
        file.extend_from_slice(&[0x09, 0x00, 0x10, 0x10, b'O', b'B', 0, 0]);
        file.extend_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        file.extend_from_slice(&[0u8; 8]);
        let err = walk(&mut file.as_slice(), false, 1 << 20).expect_err("refused");
        assert!(
            err.0.contains("(0009,1010) declares 4294967280 bytes"),
            "{}",
            err.0
        );
    }

    #[test]
    fn lengths_inside_a_sequence_are_checked_against_the_file() {
        let mut file = preamble_and_meta(EXPLICIT_VR_LE);
        // A 20-byte sequence whose item holds an element claiming 1 GB.
        let inner = {
            let mut e = vec![0x09, 0x00, 0x10, 0x10, b'U', b'N', 0, 0];
            e.extend_from_slice(&(1u32 << 30).to_le_bytes());
            e
        };
        let mut item = vec![0xFE, 0xFF, 0x00, 0xE0];
        item.extend_from_slice(&(inner.len() as u32).to_le_bytes());
        item.extend(inner);
        file.extend(explicit((0x0008, 0x1115), b"SQ", &item));
        let err = walk(&mut file.as_slice(), false, 1 << 20).expect_err("refused");
        assert!(
            err.0.contains("(0009,1010) declares 1073741824"),
            "{}",
            err.0
        );
    }

    #[test]
    fn native_and_encapsulated_pixel_data_are_located() {
        let mut file = preamble_and_meta(EXPLICIT_VR_LE);
        let start = file.len() + 12;
        file.extend(explicit(PIXEL_DATA, b"OW", &[1, 2, 3, 4]));
        let w = walk(&mut file.as_slice(), false, 1 << 20).expect("walks");
        assert_eq!(
            w.pixel_data,
            Some((start - 12, PixelValue::Native(start..start + 4)))
        );
        let w = walk(&mut file.as_slice(), true, 1 << 20).expect("walks");
        assert_eq!(
            w.pixel_data,
            Some((
                start - 12,
                PixelValue::NotRead {
                    len: Some(4),
                    value: start
                }
            ))
        );

        let mut file = preamble_and_meta("1.2.840.10008.1.2.4.80");
        let at = file.len();
        file.extend_from_slice(&[
            0xE0, 0x7F, 0x10, 0x00, b'O', b'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
        ]);
        file.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 0, 0, 0, 0]);
        file.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0, 2, 0, 0, 0, 9, 9]);
        let frag = file.len() - 2;
        file.extend_from_slice(&[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
        let w = walk(&mut file.as_slice(), false, 1 << 20).expect("walks");
        assert_eq!(
            w.pixel_data,
            Some((
                at,
                PixelValue::Encapsulated {
                    offsets: vec![0],
                    fragments: std::iter::once(frag..frag + 2).collect()
                }
            ))
        );
        // A fragment that runs past the end.
        let n = file.len();
        file[n - 14..n - 10].copy_from_slice(&1000u32.to_le_bytes());
        assert!(walk(&mut file.as_slice(), false, 1 << 20).is_err());
    }

    #[test]
    fn a_deflate_bomb_is_refused() {
        use std::io::Write;
        let mut file = preamble_and_meta(DEFLATED_EXPLICIT_VR_LE);
        let mut enc =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&vec![0u8; 4 << 20]).expect("deflate");
        file.extend(enc.finish().expect("deflate"));
        let err = walk(&mut file.as_slice(), true, 1 << 20).expect_err("refused");
        assert!(err.0.contains("inflates to more than 1 MB"), "{}", err.0);
    }
}
