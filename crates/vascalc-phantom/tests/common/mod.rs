//! Shared by the phantom's scoring tests and benchmarks: a rendered phantom as the scoring
//! core's volume (vascalc-ct is a dev-dependency only, so this lives beside the tests).

use vascalc_phantom::Volume;

/// The phantom's integer HU and geometry as a `vascalc_ct::Volume`.
pub(crate) fn ct_volume(v: &Volume) -> vascalc_ct::Volume {
    let g = &v.geometry;
    let mut geometry = vascalc_ct::Geometry::axial(
        g.pixel_spacing_mm,
        g.slice_increment_mm,
        g.slices as usize,
        g.position(0),
        Some(g.slice_thickness_mm),
    );
    geometry.positions = (0..g.slices as usize).map(|k| g.position(k)).collect();
    vascalc_ct::Volume {
        columns: g.columns as usize,
        rows: g.rows as usize,
        slices: g.slices as usize,
        hu: v.hu.iter().map(|h| f32::from(*h)).collect(),
        geometry,
    }
}
