//! Phantom generation speed: `cargo bench -p vascalc-phantom` (see scripts/bench-batch.sh).

use vascalc_phantom::{PhantomSpec, render};

fn main() {
    divan::main();
}

#[divan::bench]
fn render_small_128x128x12() -> vascalc_phantom::Volume {
    render(divan::black_box(&PhantomSpec::small(1))).expect("valid spec")
}

#[divan::bench(sample_count = 10)]
fn render_standard_512x512x16() -> vascalc_phantom::Volume {
    render(divan::black_box(&PhantomSpec::standard(1))).expect("valid spec")
}
