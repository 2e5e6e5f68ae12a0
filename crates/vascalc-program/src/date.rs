//! Calendar dates: vascalc's one civil date (jiff's), from `vascalc-domain`.

pub use vascalc_domain::date::*;
