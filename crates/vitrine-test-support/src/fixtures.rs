//! Real media files, made in memory.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use image::{ImageFormat, Rgb, RgbImage};

/// A gradient with noise in one channel: different sizes give different bytes, and the
/// files do not compress to nothing, so size limits can be tested with small pictures.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let noise = (x.wrapping_mul(31) ^ y.wrapping_mul(17)).wrapping_mul(2_654_435_761) >> 24;
        Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            noise as u8,
        ])
    })
}

fn encode(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    picture(width, height)
        .write_to(&mut out, format)
        .unwrap_or_else(|err| panic!("encoding {format:?}: {err}"));
    out.into_inner()
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, ImageFormat::Png)
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, ImageFormat::Jpeg)
}

pub fn gif(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, ImageFormat::Gif)
}

/// Lossless WebP, as `image` writes it.
pub fn webp(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, ImageFormat::WebP)
}

/// An animated GIF of `frames` 8×8 frames.
pub fn animated_gif(frames: u32) -> Vec<u8> {
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        for n in 0..frames {
            let frame =
                image::RgbaImage::from_pixel(8, 8, image::Rgba([(n * 60) as u8, 0, 0, 255]));
            encoder
                .encode_frame(image::Frame::new(frame))
                .unwrap_or_else(|err| panic!("encoding a GIF frame: {err}"));
        }
    }
    gif
}

/// The picture as HEIC, by libheif's `heif-enc` (x265); `None` where it is not installed
/// (CI installs it, so there the real path always runs).
pub fn heic(width: u32, height: u32) -> Option<Vec<u8>> {
    made_by("heic", |dir, out| {
        Command::new("heif-enc")
            .args(["-q", "80", "-o"])
            .arg(out)
            .arg(png_file(dir, width, height))
            .output()
    })
}

/// The picture as AVIF, by ffmpeg's libaom (a still picture); `None` without ffmpeg.
pub fn avif(width: u32, height: u32) -> Option<Vec<u8>> {
    made_by("avif", |dir, out| {
        Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(png_file(dir, width, height))
            .args([
                "-c:v",
                "libaom-av1",
                "-still-picture",
                "1",
                "-cpu-used",
                "8",
            ])
            .arg(out)
            .output()
    })
}

/// An H.264 MP4 of ffmpeg's test pattern at 10 frames a second, with `key=value`
/// metadata; `None` without ffmpeg.
pub fn mp4(width: u32, height: u32, seconds: u32, metadata: &[&str]) -> Option<Vec<u8>> {
    made_by("mp4", |_, out| {
        let mut ffmpeg = Command::new("ffmpeg");
        ffmpeg
            .args(["-v", "error", "-f", "lavfi", "-i"])
            .arg(format!("testsrc=size={width}x{height}:rate=10"))
            .args(["-t", &seconds.to_string(), "-pix_fmt", "yuv420p"])
            .args(["-movflags", "+faststart"]);
        for pair in metadata {
            ffmpeg.args(["-metadata", pair]);
        }
        ffmpeg.arg(out).output()
    })
}

/// Whether `program` is on the PATH; prints a SKIPPED line when it is not.
pub fn installed(program: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--help")
        .output()
        .is_ok();
    if !found {
        crate::skipped(&format!(
            "where {program} is needed: it is not installed (scripts/test-services.sh installs it)"
        ));
    }
    found
}

/// The fixture picture as a PNG file in `dir`, for external encoders to read.
fn png_file(dir: &Path, width: u32, height: u32) -> PathBuf {
    let path = dir.join("in.png");
    std::fs::write(&path, png(width, height)).unwrap_or_else(|err| panic!("{err}"));
    path
}

/// A file of type `extension` written by an external program into a temporary folder;
/// `None`, saying so, where the program is not installed.
fn made_by(
    extension: &str,
    run: impl FnOnce(&Path, &Path) -> std::io::Result<Output>,
) -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("temp dir: {err}"));
    let out = dir.path().join(format!("out.{extension}"));
    let output = match run(dir.path(), &out) {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            crate::skipped(&format!(
                "where a {extension} file is needed: no encoder is installed \
                 (scripts/test-services.sh installs it)"
            ));
            return None;
        }
        Err(err) => panic!("running the {extension} encoder: {err}"),
    };
    assert!(
        output.status.success(),
        "encoding {extension}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(std::fs::read(&out).unwrap_or_else(|err| panic!("{err}")))
}

/// The start of an MP4 (an `ftyp` box) followed by filler: enough for type detection.
/// Real, playable video comes with the media pipeline, which needs ffmpeg.
pub fn mp4_container(len: usize) -> Vec<u8> {
    let mut bytes = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec();
    bytes.resize(len.max(bytes.len()), 0);
    bytes
}

/// A JPEG carrying an EXIF segment that holds `secret` (as GPS data would), and the same
/// file without that segment: what a metadata-free copy must be, byte for byte.
pub fn jpeg_with_exif(width: u32, height: u32, secret: &str) -> (Vec<u8>, Vec<u8>) {
    let plain = jpeg(width, height);
    (with_exif(&plain, secret.as_bytes()), plain)
}

/// `jpeg` with an EXIF (APP1) segment holding `exif` right after its start marker.
fn with_exif(jpeg: &[u8], exif: &[u8]) -> Vec<u8> {
    let payload = [b"Exif\0\0".as_slice(), exif].concat();
    let len = u16::try_from(payload.len() + 2).unwrap_or_else(|err| panic!("{err}"));
    let mut with = jpeg[..2].to_vec();
    with.extend_from_slice(&[0xFF, 0xE1]);
    with.extend_from_slice(&len.to_be_bytes());
    with.extend_from_slice(&payload);
    with.extend_from_slice(&jpeg[2..]);
    with
}

/// A JPEG whose EXIF says when it was taken (`DateTime`, `YYYY:MM:DD HH:MM:SS`): a
/// little-endian TIFF block with one entry and its text.
pub fn jpeg_taken_at(width: u32, height: u32, taken_at: &str) -> Vec<u8> {
    assert_eq!(taken_at.len(), 19, "YYYY:MM:DD HH:MM:SS");
    let mut tiff = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&0x0132u16.to_le_bytes()); // DateTime
    tiff.extend_from_slice(&2u16.to_le_bytes()); // ASCII
    tiff.extend_from_slice(&20u32.to_le_bytes());
    tiff.extend_from_slice(&26u32.to_le_bytes()); // the text follows the directory
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(taken_at.as_bytes());
    tiff.push(0);
    with_exif(&jpeg(width, height), &tiff)
}

/// What an upload of `bytes` counts in its owner's quota: the original plus the variants
/// the server renders from it (the same code, so the same bytes).
pub fn quota_cost(bytes: &[u8], mime: &str) -> usize {
    let rendered = vitrine_media::render_variants(
        bytes,
        mime,
        &vitrine_media::VariantSpec::default(),
        &vitrine_media::ImageLimits::default(),
    )
    .unwrap_or_else(|err| panic!("rendering a fixture: {err}"));
    bytes.len() + rendered.thumb.bytes.len() + rendered.medium.map_or(0, |m| m.bytes.len())
}
