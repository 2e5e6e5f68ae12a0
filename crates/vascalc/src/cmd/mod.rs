//! One module per top-level command group. Each exposes an argument type and `run`.

pub(crate) mod assess;
pub(crate) mod food;
pub(crate) mod record;
pub(crate) mod report;
pub(crate) mod scan;
pub(crate) mod serve;
