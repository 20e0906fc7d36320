//! threadview: a local web viewer for archived discussions.

pub mod model;
pub mod parse;
pub mod markdown;
pub mod thread;
pub mod load;
pub mod web;
