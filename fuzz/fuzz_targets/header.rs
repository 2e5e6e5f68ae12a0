//! The header pass on in-memory bytes: the element walk (every length checked against the
//! size) and dicom-rs's parse of what precedes PixelData, then validation. Any bytes must give
//! a header or an error, never a panic, a hang or an allocation beyond the input's size.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vascalc_dicom::read_header_bytes(data);
});
