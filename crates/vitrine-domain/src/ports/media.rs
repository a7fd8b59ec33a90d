//! The media port: what the media crate tells of a file and renders from it.

use async_trait::async_trait;

use super::ByteStream;
use crate::item::MediaKind;
use crate::limits::ImageLimits;
use crate::Result;

/// What the media crate learns from the first and last bytes of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Image or video.
    pub kind: MediaKind,
    /// The MIME type the bytes are.
    pub mime: &'static str,
    /// The file extension that type takes (`jpg`, `mp4`…).
    pub extension: &'static str,
    /// Pixels, when the header says.
    pub width: Option<i32>,
    /// Pixels, when the header says.
    pub height: Option<i32>,
}

/// One rendition of an image, encoded, not yet stored.
#[derive(Debug, Clone)]
pub struct RenderedVariant {
    /// `thumb`, `medium` or `frame`.
    pub name: &'static str,
    /// The encoded bytes.
    pub bytes: Vec<u8>,
    /// Their MIME type.
    pub mime: &'static str,
    /// Pixels.
    pub width: i32,
    /// Pixels.
    pub height: i32,
}

/// Variants rendered from an image, with what its metadata says.
#[derive(Debug, Clone)]
pub struct RenderedImage {
    /// `thumb`, and `medium` when the image is larger.
    pub variants: Vec<RenderedVariant>,
    /// ThumbHash of the image, base64.
    pub placeholder: String,
    /// Upright dimensions, after the EXIF orientation.
    pub width: i32,
    /// Upright height, after the EXIF orientation.
    pub height: i32,
    /// The title its metadata gives (XMP, IPTC).
    pub title: Option<String>,
    /// The description its metadata gives.
    pub description: Option<String>,
    /// More than one frame.
    pub is_animated: bool,
    /// Perceptual hash: 64 bits as 16 hex digits; near-duplicates differ in few bits.
    pub phash: String,
    /// 0–100 from the pixels.
    pub quality_score: f64,
    /// What its metadata says (date taken, camera, 360°).
    pub facts: crate::item::PhotoFacts,
}

/// What ffprobe and ffmpeg tell of a video.
#[derive(Debug, Clone, Default)]
pub struct VideoInfo {
    /// Pixels.
    pub width: Option<i32>,
    /// Pixels.
    pub height: Option<i32>,
    /// Length in seconds.
    pub duration_secs: Option<f64>,
    /// The video codec (`h264`, `hevc`, `vp9`…).
    pub codec: Option<String>,
    /// A still from early in the video, as JPEG.
    pub frame: Option<Vec<u8>>,
}

#[async_trait]
/// What the media pipeline does with a file's bytes: recognise it, render variants, read a video.
pub trait MediaProber: Send + Sync {
    /// How many leading bytes `probe` wants to see.
    fn head_len(&self) -> usize;
    /// Decides the real type and dimensions from `head`: the first `head_len` bytes, or
    /// the whole file when it is shorter. Refuses what Vitrine does not store.
    fn probe(&self, head: &[u8]) -> Result<Probe>;
    /// How many trailing bytes `check_end` wants to see.
    fn tail_len(&self) -> usize;
    /// Checks that the file ends the way its type must end, catching truncated uploads.
    fn check_end(&self, probe: &Probe, tail: &[u8]) -> Result<()>;
    /// The image without EXIF/XMP/IPTC and text metadata, pixels untouched.
    fn strip_metadata(&self, mime: &str, bytes: &[u8]) -> Result<Vec<u8>>;
    /// A JPEG of the image fitting `side`, refused beyond `limits`; decoded off the async
    /// threads.
    async fn preview(&self, bytes: Vec<u8>, side: u32, limits: &ImageLimits) -> Result<Vec<u8>>;
    /// The image `width` pixels wide, aspect kept, in its own format (spec 5's `width`);
    /// `None` when it is not wider or its format is kept as sent. Decoded off the async
    /// threads, under the limits.
    async fn narrow(
        &self,
        bytes: Vec<u8>,
        width: u32,
        limits: &ImageLimits,
    ) -> Result<Option<Vec<u8>>>;
    /// Thumb, medium and placeholder from one decode, off the async threads; `None` for
    /// types it does not render. Refuses images over the limits (413) and images that do
    /// not decode (422).
    async fn render(
        &self,
        bytes: Vec<u8>,
        mime: &str,
        limits: &ImageLimits,
    ) -> Result<Option<RenderedImage>>;
    /// Probes a video and takes a still; `None` where ffmpeg is not installed.
    async fn video(&self, bytes: ByteStream) -> Result<Option<VideoInfo>>;
    /// The video remuxed without its metadata (titles, locations, dates, chapters), the
    /// streams copied as they are; at most `max_bytes` of output.
    async fn strip_video(&self, bytes: ByteStream, max_bytes: u64) -> Result<Vec<u8>>;
}
