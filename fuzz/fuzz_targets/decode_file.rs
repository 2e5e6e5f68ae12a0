//! A whole file in memory through the decode path: walk, header, then the pixel decoder its
//! transfer syntax selects (native, deflate, RLE, JPEG, JPEG-LS, JPEG 2000).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vascalc_dicom::decode_file_bytes(data);
});
