//! One module per top-level command group. Each exposes an argument type and `run`.

pub mod assess;
pub mod food;
pub mod record;
pub mod report;
pub mod scan;
pub mod serve;
