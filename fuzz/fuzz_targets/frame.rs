//! The input of the pixel-decoder targets: Columns (u16 LE), Rows (u16 LE), one byte choosing 8
//! (odd) or 16 (even) bits, then one frame's compressed bytes (seeds: `scripts/fuzz.sh corpus`
//! cuts them from WG04), decoded through `vascalc_dicom::decode_encapsulated`.

pub fn decode(transfer_syntax: &str, data: &[u8]) {
    if data.len() < 5 {
        return;
    }
    let cols = u16::from_le_bytes([data[0], data[1]]);
    let rows = u16::from_le_bytes([data[2], data[3]]);
    let bits = if data[4] % 2 == 1 { 8 } else { 16 };
    // Sizes are the header targets' business; here the decoder is, at a speed that keeps the
    // run going (a frame of at most 1 Mpixel).
    if usize::from(rows) * usize::from(cols) > 1 << 20 {
        return;
    }
    let _ = vascalc_dicom::decode_encapsulated(transfer_syntax, rows, cols, bits, &data[5..]);
}
