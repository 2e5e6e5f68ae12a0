//! Loads the CT series in a folder (headers, decode, HU volume) REPEATS times; for
//! `scripts/bench-codecs.sh`, which times the process (wall and CPU) with RAYON_NUM_THREADS = 1
//! and 2 beside pydicom's decoders. Prints the voxel count once, to stderr.
//!
//! `cargo run --release -p vascalc-dicom --example decode_series -- DIR [REPEATS]`

use std::path::PathBuf;

#[expect(clippy::print_stderr, reason = "an example prints what it found")]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: decode_series DIR [REPEATS]")?);
    let repeats: usize = args.next().map_or(Ok(1), |r| r.parse())?;
    let mut voxels = 0;
    for _ in 0..repeats {
        let series = vascalc_dicom::load_series(std::slice::from_ref(&dir), &Default::default())?;
        voxels = series.iter().map(|s| s.volume.hu.len()).sum::<usize>();
    }
    eprintln!("{voxels} voxels");
    Ok(())
}
