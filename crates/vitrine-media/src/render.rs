//! Variants from one decode: `thumb` (fits 256 px), `medium` (fits 1024 px, only when the
//! original is larger) and a ThumbHash placeholder, all upright per EXIF orientation.
//!
//! Decoding is 80–95 % of the cost, so JPEGs are decoded at a reduced DCT scale (M/8: the
//! smallest that keeps 1.4× the largest wanted size), then resized with
//! fast_image_resize's SIMD convolution and encoded as 4:2:0 JPEG or, when configured,
//! lossy WebP.

use base64::Engine;
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, RgbImage};
use serde::{Deserialize, Serialize};
use vitrine_domain::limits::ImageLimits;
use vitrine_domain::{DomainError, Result};

use crate::metadata::{frame_count, photo_meta, PhotoMeta};

#[derive(Debug, Clone)]
pub struct VariantSpec {
    pub thumb_side: u32,
    pub medium_side: u32,
    pub format: VariantFormat,
    /// 1–100, as libjpeg and libwebp read it.
    pub quality: u8,
}

impl Default for VariantSpec {
    fn default() -> Self {
        Self {
            thumb_side: 256,
            medium_side: 1024,
            format: VariantFormat::Jpeg,
            quality: 80,
        }
    }
}

/// How `thumb` and `medium` are encoded. JPEG is the faster to write; WebP files are
/// smaller for the same look.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VariantFormat {
    #[default]
    Jpeg,
    Webp,
}

impl VariantFormat {
    pub fn mime(self) -> &'static str {
        match self {
            VariantFormat::Jpeg => "image/jpeg",
            VariantFormat::Webp => "image/webp",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone)]
pub struct Rendered {
    pub thumb: Encoded,
    pub medium: Option<Encoded>,
    /// ThumbHash, base64: a ~25-byte blurred preview clients paint before the thumb.
    pub placeholder: String,
    /// The original's size as seen upright.
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    pub meta: PhotoMeta,
    /// 64-bit gradient hash of the upright picture, 16 hex digits.
    pub phash: String,
    /// 0–100 from the pixels (`quality.rs`).
    pub quality: f64,
}

/// Refuses what is too big to decode, from the header alone, naming the limit.
pub fn check_limits(bytes: &[u8], mime: &str, limits: &ImageLimits) -> Result<(u32, u32)> {
    let size = imagesize::blob_size(bytes).map_err(|err| {
        DomainError::Unprocessable(format!("the image header is unreadable: {err}"))
    })?;
    let (width, height) = (size.width as u64, size.height as u64);
    if width == 0 || height == 0 {
        return Err(DomainError::Unprocessable("the image has no pixels".into()));
    }
    if width.max(height) > u64::from(limits.max_side) {
        return Err(DomainError::TooLarge(format!(
            "the image is {width}×{height}, over the limit of {} pixels per side",
            limits.max_side
        )));
    }
    if width * height > limits.max_pixels {
        return Err(DomainError::TooLarge(format!(
            "the image has {} pixels ({width}×{height}), over the limit of {}",
            width * height,
            limits.max_pixels
        )));
    }
    let frames = frame_count(mime, bytes);
    if frames > limits.max_frames {
        return Err(DomainError::TooLarge(format!(
            "the animation has {frames} frames, over the limit of {}",
            limits.max_frames
        )));
    }
    Ok((width as u32, height as u32))
}

pub fn render_variants(
    bytes: &[u8],
    mime: &str,
    spec: &VariantSpec,
    limits: &ImageLimits,
) -> Result<Rendered> {
    let (width, height) = check_limits(bytes, mime, limits)?;
    let meta = photo_meta(bytes);
    let frames = frame_count(mime, bytes);
    let longest = width.max(height);
    let wants_medium = longest > spec.medium_side;
    let largest_wanted = if wants_medium {
        spec.medium_side
    } else {
        spec.thumb_side
    };
    let decoded = decode(bytes, mime, decode_side(largest_wanted))?;

    let medium = wants_medium.then(|| fit(&decoded, spec.medium_side));
    let thumb_source = medium.as_ref().unwrap_or(&decoded);
    let quality = crate::quality::quality_score(thumb_source);
    let thumb = fit(thumb_source, spec.thumb_side);
    let tiny = fit(&thumb, 100);

    let thumb = upright(thumb, &meta);
    let tiny = upright(tiny, &meta);
    let medium = medium.map(|m| upright(m, &meta));
    let (width, height) = if meta.swaps_sides() {
        (height, width)
    } else {
        (width, height)
    };
    Ok(Rendered {
        thumb: encode(&thumb, spec)?,
        medium: medium.map(|m| encode(&m, spec)).transpose()?,
        placeholder: placeholder(&tiny),
        phash: perceptual_hash(&tiny),
        quality,
        width,
        height,
        frames,
        meta,
    })
}

/// One image scaled to fit `side` (never enlarged), upright, as JPEG: what share pages
/// show when no stored variant fits. Re-encoding also drops every byte of metadata.
pub fn jpeg_preview(bytes: &[u8], side: u32, limits: &ImageLimits) -> Result<Vec<u8>> {
    let mime = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else {
        ""
    };
    check_limits(bytes, mime, limits)?;
    let meta = photo_meta(bytes);
    let image = upright(fit(&decode(bytes, mime, decode_side(side))?, side), &meta);
    crate::jpeg::encode(&image, VariantSpec::default().quality)
}

fn upright(image: RgbImage, meta: &PhotoMeta) -> RgbImage {
    let mut image = DynamicImage::ImageRgb8(image);
    if let Some(orientation) = meta
        .orientation
        .and_then(image::metadata::Orientation::from_exif)
    {
        image.apply_orientation(orientation);
    }
    image.into_rgb8()
}

/// How large to decode for a variant fitting `side`. A scaled inverse DCT drops the
/// frequencies the smaller size cannot hold, so it is a clean downscale by itself and the
/// resize after it needs little headroom: 1.4× keeps a 12 MP photo's medium (1024) at 3/8
/// (1500 px); 1.5× would need 4/8, a third more decoding.
fn decode_side(side: u32) -> u32 {
    side.saturating_mul(7) / 5
}

/// RGB pixels whose longest side is at least `at_least` (or the whole image when smaller).
fn decode(bytes: &[u8], mime: &str, at_least: u32) -> Result<RgbImage> {
    if mime == "image/jpeg" {
        if let Some(image) = crate::jpeg::decode_scaled(bytes, at_least)? {
            return Ok(image);
        }
    }
    let image = image::load_from_memory(bytes)
        .map_err(|err| DomainError::Unprocessable(format!("the image cannot be decoded: {err}")))?;
    Ok(flatten(image))
}

/// Transparent pixels over white, which is how a thumbnail of a logo should look.
fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = RgbImage::new(w, h);
    for (src, dst) in rgba.pixels().zip(out.pixels_mut()) {
        let alpha = u16::from(src[3]);
        for c in 0..3 {
            let blended = (u16::from(src[c]) * alpha + 255 * (255 - alpha)) / 255;
            dst[c] = blended as u8;
        }
    }
    out
}

/// Scaled down to fit a `side`×`side` box, keeping the aspect ratio; never enlarged.
fn fit(image: &RgbImage, side: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    if w.max(h) <= side {
        return image.clone();
    }
    let scale = f64::from(side) / f64::from(w.max(h));
    let (tw, th) = (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    );
    let resized = ImageRef::new(w, h, image.as_raw(), PixelType::U8x3).and_then(|src| {
        let mut dst = Image::new(tw, th, PixelType::U8x3);
        Resizer::new()
            .resize(
                &src,
                &mut dst,
                &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom)),
            )
            .map(|()| dst)
            .map_err(|_| fast_image_resize::ImageBufferError::InvalidBufferSize)
    });
    match resized
        .ok()
        .and_then(|dst| RgbImage::from_raw(tw, th, dst.into_vec()))
    {
        Some(image) => image,
        // Unreachable with the sizes above; a plain resize keeps the promise regardless.
        None => image::imageops::thumbnail(image, tw, th),
    }
}

fn encode(image: &RgbImage, spec: &VariantSpec) -> Result<Encoded> {
    let (width, height) = image.dimensions();
    let bytes = match spec.format {
        VariantFormat::Jpeg => crate::jpeg::encode(image, spec.quality)?,
        VariantFormat::Webp => crate::webp::encode(image, spec.quality)?,
    };
    Ok(Encoded {
        bytes,
        mime: spec.format.mime(),
        width,
        height,
    })
}

/// Near-duplicates (re-encoded, resized, lightly edited) differ in a few of the 64 bits.
fn perceptual_hash(image: &RgbImage) -> String {
    let hasher = image_hasher::HasherConfig::new()
        .hash_size(8, 8)
        .hash_alg(image_hasher::HashAlg::Gradient)
        .to_hasher();
    let hash = hasher.hash_image(&DynamicImage::ImageRgb8(image.clone()));
    hex::encode(hash.as_bytes())
}

fn placeholder(tiny: &RgbImage) -> String {
    let (w, h) = tiny.dimensions();
    let rgba: Vec<u8> = tiny
        .pixels()
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect();
    let hash = thumbhash::rgba_to_thumb_hash(w as usize, h as usize, &rgba);
    base64::engine::general_purpose::STANDARD.encode(hash)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn render(bytes: &[u8], mime: &str) -> Result<Rendered> {
        render_variants(
            bytes,
            mime,
            &VariantSpec::default(),
            &ImageLimits::default(),
        )
    }

    const RED: [u8; 3] = [255, 0, 0];
    const GREEN: [u8; 3] = [0, 255, 0];
    const BLUE: [u8; 3] = [0, 0, 255];
    const WHITE: [u8; 3] = [255, 255, 255];

    /// 80×40 in four solid quadrants: red, green / blue, white.
    fn quadrants() -> Vec<u8> {
        let image = RgbImage::from_fn(80, 40, |x, y| {
            image::Rgb(match (x < 40, y < 20) {
                (true, true) => RED,
                (false, true) => GREEN,
                (true, false) => BLUE,
                (false, false) => WHITE,
            })
        });
        let mut jpeg = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .unwrap();
        jpeg
    }

    fn with_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
        exif.extend_from_slice(&[orientation, 0, 0, 0, 0, 0, 0]);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
        out.extend_from_slice(&exif);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    fn nearest(pixel: &image::Rgb<u8>) -> [u8; 3] {
        *[RED, GREEN, BLUE, WHITE]
            .iter()
            .min_by_key(|c| {
                (0..3)
                    .map(|i| (i32::from(pixel[i]) - i32::from(c[i])).pow(2))
                    .sum::<i32>()
            })
            .unwrap()
    }

    #[test]
    fn every_exif_orientation_comes_out_upright() {
        // Displayed corners (top-left, top-right, bottom-left, bottom-right) per EXIF 1–8.
        let expected = [
            [RED, GREEN, BLUE, WHITE],
            [GREEN, RED, WHITE, BLUE],
            [WHITE, BLUE, GREEN, RED],
            [BLUE, WHITE, RED, GREEN],
            [RED, BLUE, GREEN, WHITE],
            [BLUE, RED, WHITE, GREEN],
            [WHITE, GREEN, BLUE, RED],
            [GREEN, WHITE, RED, BLUE],
        ];
        let plain = quadrants();
        for (orientation, corners) in (1u8..=8).zip(expected) {
            let jpeg = with_orientation(&plain, orientation);
            let rendered = render(&jpeg, "image/jpeg").unwrap();
            let thumb = image::load_from_memory(&rendered.thumb.bytes)
                .unwrap()
                .into_rgb8();
            let (w, h) = thumb.dimensions();
            let turned = orientation >= 5;
            assert_eq!(
                (w, h),
                if turned { (40, 80) } else { (80, 40) },
                "orientation {orientation}"
            );
            assert_eq!((rendered.width, rendered.height), (w, h));
            let at = |x: u32, y: u32| nearest(thumb.get_pixel(x, y));
            let seen = [
                at(w / 4, h / 4),
                at(3 * w / 4, h / 4),
                at(w / 4, 3 * h / 4),
                at(3 * w / 4, 3 * h / 4),
            ];
            assert_eq!(seen, corners, "orientation {orientation}");
        }
    }

    #[test]
    fn medium_only_when_the_original_is_larger() {
        let big = RgbImage::from_fn(3000, 2000, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut jpeg = Vec::new();
        big.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .unwrap();
        let rendered = render(&jpeg, "image/jpeg").unwrap();
        let medium = rendered.medium.unwrap();
        assert_eq!((medium.width, medium.height), (1024, 683));
        assert_eq!((rendered.thumb.width, rendered.thumb.height), (256, 171));
        assert!(!rendered.placeholder.is_empty());
        let small = render(&quadrants(), "image/jpeg").unwrap();
        assert!(small.medium.is_none());
    }

    #[test]
    fn grey_and_cmyk_jpegs_render_in_colour_space_rgb() {
        let encode = |pixels: &[u8], color: jpeg_encoder::ColorType| {
            let mut jpeg = Vec::new();
            jpeg_encoder::Encoder::new(&mut jpeg, 90)
                .encode(pixels, 600, 300, color)
                .unwrap();
            jpeg
        };
        let grey = encode(&[128; 600 * 300], jpeg_encoder::ColorType::Luma);
        // Full cyan and nothing else: a cyan picture.
        let cmyk = encode(
            &[255, 0, 0, 0].repeat(600 * 300),
            jpeg_encoder::ColorType::Cmyk,
        );
        for (jpeg, expected) in [(grey, [128, 128, 128]), (cmyk, [0, 255, 255])] {
            let rendered = render(&jpeg, "image/jpeg").unwrap();
            assert_eq!((rendered.thumb.width, rendered.thumb.height), (256, 128));
            let thumb = image::load_from_memory(&rendered.thumb.bytes)
                .unwrap()
                .into_rgb8();
            let seen = thumb.get_pixel(128, 64);
            for c in 0..3 {
                assert!(
                    seen[c].abs_diff(expected[c]) < 24,
                    "{seen:?} vs {expected:?}"
                );
            }
        }
    }

    #[test]
    fn webp_variants_when_configured() {
        let photo = RgbImage::from_fn(2000, 1500, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        let mut jpeg = Vec::new();
        photo
            .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .unwrap();
        let spec = VariantSpec {
            format: VariantFormat::Webp,
            ..VariantSpec::default()
        };
        let rendered =
            render_variants(&jpeg, "image/jpeg", &spec, &ImageLimits::default()).unwrap();
        let medium = rendered.medium.unwrap();
        for (variant, size) in [(&rendered.thumb, (256, 192)), (&medium, (1024, 768))] {
            assert_eq!(variant.mime, "image/webp");
            assert_eq!(&variant.bytes[8..12], b"WEBP");
            let decoded =
                image::load_from_memory_with_format(&variant.bytes, image::ImageFormat::WebP)
                    .unwrap();
            assert_eq!((decoded.width(), decoded.height()), size);
            assert_eq!((variant.width, variant.height), size);
        }
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        // A PNG header claiming 100000×100000 pixels, and nothing behind it.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        let limits = ImageLimits {
            max_side: 200_000,
            ..ImageLimits::default()
        };
        // Refused from the header alone: rendering it would need 30 GB.
        let err = render_variants(&png, "image/png", &VariantSpec::default(), &limits).unwrap_err();
        assert!(
            matches!(&err, DomainError::TooLarge(m) if m.contains("100000000")),
            "{err}"
        );
        let err = render(&png, "image/png").unwrap_err();
        assert!(
            matches!(&err, DomainError::TooLarge(m) if m.contains("per side")),
            "{err}"
        );
    }

    #[test]
    fn truncated_and_corrupt_images_are_refused_without_panicking() {
        let jpeg = quadrants();
        for cut in [jpeg.len() / 2, 200, 30] {
            let result = render(&jpeg[..cut], "image/jpeg");
            assert!(
                matches!(result, Err(DomainError::Unprocessable(_))),
                "cut at {cut} of {}: {:?}",
                jpeg.len(),
                result.map(|r| (r.width, r.height))
            );
        }
        assert!(render(b"\xFF\xD8garbage", "image/jpeg").is_err());
    }

    #[test]
    fn transparent_pixels_become_white() {
        let logo = image::RgbaImage::from_pixel(10, 10, image::Rgba([0, 0, 0, 0]));
        let mut png = Vec::new();
        logo.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let rendered = render(&png, "image/png").unwrap();
        let thumb = image::load_from_memory(&rendered.thumb.bytes)
            .unwrap()
            .into_rgb8();
        assert!(thumb.get_pixel(5, 5)[0] > 240);
    }

    #[test]
    fn too_many_frames_are_refused() {
        use image::codecs::gif::GifEncoder;
        use image::{Delay, Frame, RgbaImage};
        let mut gif = Vec::new();
        {
            let mut encoder = GifEncoder::new(&mut gif);
            for _ in 0..5 {
                let frame = Frame::from_parts(
                    RgbaImage::new(4, 4),
                    0,
                    0,
                    Delay::from_numer_denom_ms(10, 1),
                );
                encoder.encode_frame(frame).unwrap();
            }
        }
        let limits = ImageLimits {
            max_frames: 4,
            ..ImageLimits::default()
        };
        let err = render_variants(&gif, "image/gif", &VariantSpec::default(), &limits).unwrap_err();
        assert!(
            matches!(&err, DomainError::TooLarge(m) if m.contains("5 frames")),
            "{err}"
        );
        let rendered = render(&gif, "image/gif").unwrap();
        assert_eq!(rendered.frames, 5);
    }

    fn limits(max_pixels: u64) -> ImageLimits {
        ImageLimits {
            max_pixels,
            ..ImageLimits::default()
        }
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]))
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn large_images_shrink_to_fit_and_small_ones_keep_their_size() {
        let preview = jpeg_preview(&png(400, 200), 100, &limits(1_000_000)).unwrap();
        let decoded = image::load_from_memory(&preview).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (100, 50));
        let small = jpeg_preview(&png(40, 20), 100, &limits(1_000_000)).unwrap();
        let decoded = image::load_from_memory(&small).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (40, 20));
    }

    #[test]
    fn exif_orientation_turns_the_preview_upright() {
        let mut jpeg = Vec::new();
        image::RgbImage::from_pixel(40, 20, image::Rgb([10, 200, 10]))
            .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .unwrap();
        // APP1 with a big-endian TIFF header and one IFD entry: Orientation (0x0112) = 6.
        let exif: &[u8] =
            b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0";
        let mut rotated = jpeg[..2].to_vec();
        rotated.extend_from_slice(&[0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
        rotated.extend_from_slice(exif);
        rotated.extend_from_slice(&jpeg[2..]);
        let preview = jpeg_preview(&rotated, 100, &limits(1_000_000)).unwrap();
        let decoded = image::load_from_memory(&preview).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (20, 40));
    }

    #[test]
    fn too_many_pixels_are_refused_before_decoding() {
        let err = jpeg_preview(&png(400, 200), 100, &limits(10_000)).unwrap_err();
        assert!(matches!(err, DomainError::TooLarge(_)), "{err}");
        assert!(jpeg_preview(b"not an image", 100, &limits(10_000)).is_err());
    }
}
