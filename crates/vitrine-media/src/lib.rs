#![doc = include_str!("../README.md")]

mod preview;
mod probe;
mod strip;

pub use preview::jpeg_preview;
pub use probe::Prober;
pub use strip::strip_metadata;
