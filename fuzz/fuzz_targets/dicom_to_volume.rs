//! Fuzzes the DICOM-to-volume-to-score path: any bytes, written as two files of one folder
//! (the input and a copy with the last byte flipped), must give a result or an error, never a
//! panic. Run through `scripts/fuzz.sh` (corpus from ../shared/data, limits, durations).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("vascalc-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let a = dir.join("a.dcm");
    let b = dir.join("b.dcm");
    if std::fs::write(&a, data).is_err() {
        return;
    }
    let mut copy = data.to_vec();
    if let Some(last) = copy.last_mut() {
        *last ^= 0x01;
    }
    if std::fs::write(&b, &copy).is_err() {
        return;
    }
    if let Ok(series) = vascalc_dicom::load_series(&[dir.clone()], &Default::default()) {
        for s in series {
            let _ = vascalc_ct::score(&s.volume, &s.acquisition, &Default::default());
        }
    }
});
