//! Little-endian packed arrays, read in place: the pre-built index of the shipped food table
//! (`data/foods.idx`) is used straight from the bytes embedded in the binary, with no parsing
//! at start-up beyond a check of its lengths and offsets.
//!
//! A packed blob is `u32` section count, then per section its byte length (`u32`) and bytes.

use std::ops::Range;

/// The `i`-th `u32` of `b` (0 past the end: callers index only what the loader checked).
#[inline]
pub(crate) fn u32_at(b: &[u8], i: usize) -> u32 {
    match b.get(i * 4..i * 4 + 4) {
        Some(&[a, b1, c, d]) => u32::from_le_bytes([a, b1, c, d]),
        _ => 0,
    }
}

/// The `i`-th `f32` of `b`.
#[inline]
pub(crate) fn f32_at(b: &[u8], i: usize) -> f32 {
    f32::from_bits(u32_at(b, i))
}

/// How many `u32` `b` holds, or an error when its length is no multiple of 4.
pub(crate) fn u32_len(b: &[u8], what: &str) -> Result<usize, String> {
    if b.len().is_multiple_of(4) {
        Ok(b.len() / 4)
    } else {
        Err(format!("{what}: {} bytes, not a multiple of 4", b.len()))
    }
}

pub(crate) fn push_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// `v` as a `u32`, or an error naming `what`.
pub(crate) fn to_u32(v: usize, what: &str) -> Result<u32, String> {
    u32::try_from(v)
        .map_err(|_| format!("{what}: {v} does not fit the index (at most {})", u32::MAX))
}

/// Appends the sections, each with its length.
pub(crate) fn write_sections(out: &mut Vec<u8>, sections: &[Vec<u8>]) -> Result<(), String> {
    push_u32(out, to_u32(sections.len(), "section count")?);
    for s in sections {
        push_u32(out, to_u32(s.len(), "section length")?);
        out.extend_from_slice(s);
    }
    Ok(())
}

/// Reads `count` sections starting at byte `at`; their byte ranges in `b`, and the end.
pub(crate) fn read_sections(
    b: &[u8],
    at: usize,
    count: usize,
) -> Result<(Vec<Range<usize>>, usize), String> {
    let n = u32_at(b.get(at..).unwrap_or(&[]), 0) as usize;
    if b.len() < at + 4 || n != count {
        return Err(format!("expected {count} sections, found {n}"));
    }
    let mut pos = at + 4;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        if b.len() < pos + 4 {
            return Err(format!("section {i} is cut off"));
        }
        let len = u32_at(&b[pos..], 0) as usize;
        pos += 4;
        if b.len() < pos + len {
            return Err(format!(
                "section {i} needs {len} bytes, {} are left",
                b.len() - pos
            ));
        }
        out.push(pos..pos + len);
        pos += len;
    }
    Ok((out, pos))
}

/// Checks that `offsets` (`u32`s) start at 0 and end at `end`; how many spans they give.
/// (The offsets between are not read: readers take a span that runs backwards or past the
/// end as empty.)
pub(crate) fn check_offsets(offsets: &[u8], end: usize, what: &str) -> Result<usize, String> {
    let n = u32_len(offsets, what)?;
    if n == 0 || u32_at(offsets, 0) != 0 || u32_at(offsets, n - 1) as usize != end {
        return Err(format!("{what}: offsets do not run from 0 to {end}"));
    }
    Ok(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_round_trip_and_bad_blobs_are_errors() {
        let mut out = vec![9u8];
        write_sections(&mut out, &[vec![1, 2, 3], vec![], vec![4]]).unwrap();
        let (r, end) = read_sections(&out, 1, 3).unwrap();
        assert_eq!(end, out.len());
        assert_eq!(&out[r[0].clone()], &[1, 2, 3]);
        assert!(r[1].is_empty());
        assert_eq!(&out[r[2].clone()], &[4]);
        assert!(read_sections(&out, 1, 2).is_err());
        assert!(read_sections(&out[..out.len() - 1], 1, 3).is_err());
        assert!(read_sections(&[], 0, 1).is_err());
        assert_eq!(u32_at(&[1, 0, 0, 0, 2], 0), 1);
        assert_eq!(u32_at(&[1, 0, 0, 0, 2], 1), 0);
        let mut offs = Vec::new();
        for v in [0u32, 2, 2, 5] {
            push_u32(&mut offs, v);
        }
        assert_eq!(check_offsets(&offs, 5, "x"), Ok(3));
        assert!(check_offsets(&offs, 4, "x").is_err());
        assert!(check_offsets(&[0, 0, 0], 0, "x").is_err());
    }
}
