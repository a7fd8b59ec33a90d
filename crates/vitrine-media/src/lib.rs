#![doc = include_str!("../README.md")]

mod metadata;
mod probe;
mod render;
mod strip;
// One JPEG codec pair or the other, behind the same two functions.
#[cfg(not(feature = "turbojpeg"))]
#[path = "jpeg_rust.rs"]
mod jpeg;
#[cfg(feature = "turbojpeg")]
#[path = "jpeg_turbo.rs"]
mod jpeg;
mod video;

pub use metadata::{frame_count, photo_meta, Orientation, PhotoMeta};
pub use probe::Prober;
pub use render::{
    check_limits, jpeg_preview, render_variants, Encoded, ImageLimits, Rendered, VariantSpec,
};
pub use strip::strip_metadata;
pub use video::VideoTools;
