//! One pixel decoder on in-memory bytes: JPEG-LS (pure_jpegls). Input: see frame.rs.
#![no_main]

mod frame;

libfuzzer_sys::fuzz_target!(|data: &[u8]| frame::decode("1.2.840.10008.1.2.4.80", data));
