//! One pixel decoder on in-memory bytes: JPEG lossless SV1 (jpeg-decoder through dicom-rs). Input: see frame.rs.
#![no_main]

mod frame;

libfuzzer_sys::fuzz_target!(|data: &[u8]| frame::decode("1.2.840.10008.1.2.4.70", data));
