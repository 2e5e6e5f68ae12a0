//! A synthetic CT calcium phantom with known physical truth.
//!
//! A calcium score has no physical truth (Agatston is a convention), but an HA mass does. This
//! crate builds a phantom like the QRM Cardiac Calcification Insert (nine cylinders of 200, 400 and
//! 800 mg HA/cm³ with diameter = length = 1, 3 and 5 mm, a 200 mg HA/cm³ calibration rod and a water
//! rod, in a soft-tissue body), turns it into the integer HU volume a scanner would reconstruct
//! through a documented forward model, and writes it as a DICOM CT series with a truth file.
//!
//! * [`model`]: the forward model (density → HU, in-plane Gaussian blur, boxcar slice sensitivity
//!   profile, seeded white noise, rounding). Pure, no I/O; see its docs for every relation and
//!   where its default numbers come from.
//! * [`truth`]: the truth file (each insert's position, volume and physical mass, the rods, the
//!   calibration factor the model implies, the model's parameters).
//! * [`expected`]: what a classic scorer must measure on the noise-free phantom, and the mass
//!   tolerance against physical truth that the model implies (derived in its docs).
//! * [`dicom`]: the DICOM writer (CT Image Storage, Explicit VR Little Endian, one file per slice).
//!
//! ```no_run
//! use vascalc_phantom::{PhantomSpec, Truth, dicom, render};
//! let spec = PhantomSpec::small(7);
//! let volume = render(&spec)?;
//! let truth = Truth::new(&spec);
//! dicom::write_series(std::path::Path::new("phantom"), &volume, &truth, &dicom::WriteOptions::new())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod chest;
pub mod dicom;
pub mod expected;
pub mod model;
mod profile;
mod rng;
pub mod truth;

pub use model::{
    ForwardModel, Geometry, Insert, Layout, Material, PhantomSpec, Rod, SpecError, Volume, render,
};
pub use truth::{InsertTruth, RodRegion, RodTruth, SphereRoi, Truth};
