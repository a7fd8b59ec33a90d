#![doc = include_str!("../README.md")]

mod budget;
mod decoders;
mod heif;
mod jpeg;
mod metadata;
mod narrow;
mod probe;
mod quality;
mod render;
mod strip;
mod tool;
mod video;
mod webp;

pub use budget::{DecodeBudget, DEFAULT_DECODE_BUDGET_BYTES};
pub use metadata::{frame_count, photo_meta, Orientation, PhotoMeta};
pub use narrow::narrowed;
pub use probe::Prober;
pub use quality::quality_score;
pub use render::{
    check_limits, jpeg_preview, render_variants, Encoded, Rendered, VariantFormat, VariantSpec,
};
pub use strip::strip_metadata;
pub use tool::DEFAULT_TOOL_TIMEOUT;
pub use video::VideoTools;
pub use vitrine_domain::limits::ImageLimits;
