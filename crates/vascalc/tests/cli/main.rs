//! End-to-end tests of the `vascalc` binary, as a person runs it: one test binary with a module
//! per area, so that a cold `cargo test` compiles and links the shared helpers once, not once per
//! file (docs/testing.md, "Build cost"). `tests/snapshots.rs` stays a binary of its own because
//! insta names its snapshot files after the module path.

#[path = "../common/mod.rs"]
mod common;

mod architecture;
mod assess;
mod browser;
mod domain;
mod food;
mod medicines;
mod readme;
mod record;
mod record_app;
mod record_edit;
mod record_io;
mod record_rules;
mod report;
mod scan_batch;
mod scan_chest;
mod scan_chest_phantom;
mod scan_phantom;
mod scan_score;
mod serve;
mod serve_review;
