//! Small scored series that the tests of several crates share (the app's, the report's, the web
//! server's and the command line's), scored by vascalc-ct as `vascalc scan score` scores them:
//! one fixture, so that "a series that was not interpreted" means the same thing in every test.

use vascalc_ct::{Acquisition, Geometry, Regions, ScoreOptions, SeriesScore, Volume};

/// A small chest-sized volume (32 × 32 columns and rows, 24 slices of 3 mm at 0.7 mm pixels,
/// air at −900 HU) with one calcified blob (4 × 4 voxels on 3 slices at 420 HU), scored with
/// `regions`. With [`Regions::Auto`] no chest anatomy is found, so the flags withhold the
/// interpretation ([`uninterpreted_series`]); with [`Regions::WholeImage`] the blob is counted
/// as an interpreted whole-image score.
pub fn blob_series(regions: Regions) -> SeriesScore {
    let (cols, rows, slices) = (32, 32, 24);
    let mut hu = vec![-900.0f32; cols * rows * slices];
    for k in 10..13 {
        for j in 14..18 {
            for i in 14..18 {
                hu[(k * rows + j) * cols + i] = 420.0;
            }
        }
    }
    let volume = Volume {
        columns: cols,
        rows,
        slices,
        hu,
        geometry: Geometry::axial(0.7, 3.0, slices, [0.0; 3], Some(3.0)),
    };
    let options = ScoreOptions {
        regions,
        ..ScoreOptions::default()
    };
    vascalc_ct::score(&volume, &Acquisition::default(), &options)
        .unwrap_or_else(|e| panic!("the fixture volume is valid: {e}"))
}

/// A `scan score` series whose flags withhold interpretation: [`blob_series`] with the automatic
/// regions, which find no chest, so its total is no coronary score (the record refuses it; a
/// report never shows it as a score). Panics if vascalc-ct ever interprets it, since then it
/// would no longer be the fixture its callers need.
pub fn uninterpreted_series() -> SeriesScore {
    let series = blob_series(Regions::Auto);
    assert!(
        series.flags.iter().any(|f| f.code.blocks_interpretation()),
        "the fixture must be a series whose flags withhold interpretation: {:?}",
        series.flags
    );
    series
}
