//! threadview: a local web viewer for archived discussions.

pub mod model;
pub mod parse;
