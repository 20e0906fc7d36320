//! threadview: a local web viewer for archived discussions.

pub mod formats;
pub mod load;
pub mod markdown;
pub mod model;
pub mod paging;
pub mod parse;
pub mod search;
pub mod thread;
pub mod watch;
pub mod web;
