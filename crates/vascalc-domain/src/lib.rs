//! The domain types every vascalc crate shares, defined once: the civil date ([`date`], jiff's),
//! [`Sex`], [`Race`], [`ActivityKind`], [`SmokingStatus`], the coronary [`Artery`] and [`ArteryScores`], and [`cac_drs`], the lab [`Analyte`] table, and the person's [`Units`] with the [`BodyMeasure`] factors. No I/O.

pub mod analyte;
pub mod artery;
pub mod cac;
pub mod date;
pub mod person;
pub mod units;

pub use analyte::Analyte;
pub use artery::{Artery, ArteryScores};
pub use cac::{CAC_DRS_SOURCE, CacDrs, cac_drs};
pub use date::{Date, DateError, DateExt};
pub use person::{ActivityKind, Race, Sex, SmokingStatus, UnknownName};
pub use units::{BodyMeasure, Units};
