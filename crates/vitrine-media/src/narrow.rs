//! Spec 5's `width`: an uploaded image made narrower before it is stored, aspect kept,
//! never enlarged, in its own format. Formats re-encoded here: JPEG, PNG, WebP (lossless,
//! as the `image` crate writes it); anything else (animations, HEIC, AVIF) is kept as sent.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat};
use vitrine_domain::limits::ImageLimits;
use vitrine_domain::{DomainError, Result};

use crate::metadata::photo_meta;
use crate::render::check_limits;

/// JPEG quality of a narrowed original: higher than variants', as it replaces the upload.
const JPEG_QUALITY: u8 = 90;

/// The image `width` pixels wide (height to scale, upright per EXIF), or `None` when it is
/// not wider than that or not a format narrowed here.
pub fn narrowed(bytes: &[u8], width: u32, limits: &ImageLimits) -> Result<Option<Vec<u8>>> {
    let format = match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => format,
        _ => return Ok(None),
    };
    if format == ImageFormat::WebP && crate::frame_count("image/webp", bytes) > 1 {
        return Ok(None);
    }
    let mime = format.to_mime_type();
    check_limits(bytes, mime, limits)?;
    let mut image = image::load_from_memory_with_format(bytes, format)
        .map_err(|err| DomainError::Unprocessable(format!("the image cannot be decoded: {err}")))?;
    if let Some(orientation) = photo_meta(bytes)
        .orientation
        .and_then(image::metadata::Orientation::from_exif)
    {
        image.apply_orientation(orientation);
    }
    let (w, h) = (image.width(), image.height());
    if w <= width || width == 0 {
        return Ok(None);
    }
    let height = ((u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w)).max(1);
    let height = u32::try_from(height).map_err(DomainError::internal)?;
    let image = image.resize_exact(width, height, FilterType::CatmullRom);
    let mut out = Cursor::new(Vec::new());
    let written = match format {
        ImageFormat::Jpeg => {
            let rgb = DynamicImage::ImageRgb8(image.into_rgb8());
            let encoder =
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            rgb.write_with_encoder(encoder)
        }
        other => image.write_to(&mut out, other),
    };
    written.map_err(|err| DomainError::internal(format!("re-encoding a narrowed image: {err}")))?;
    Ok(Some(out.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            w,
            h,
            image::Rgba([9, 8, 7, 128]),
        ));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn wider_images_narrow_keeping_aspect_format_and_alpha() {
        let limits = ImageLimits::default();
        let narrowed = narrowed(&png(400, 300), 100, &limits).unwrap().unwrap();
        let image = image::load_from_memory(&narrowed).unwrap();
        assert_eq!((image.width(), image.height()), (100, 75));
        assert_eq!(image::guess_format(&narrowed).unwrap(), ImageFormat::Png);
        assert!(image.color().has_alpha());
        assert_eq!(narrowed_none(&png(80, 60), 100), None, "never enlarged");
        assert_eq!(narrowed_none(b"GIF89a not narrowed", 10), None);
    }

    fn narrowed_none(bytes: &[u8], width: u32) -> Option<usize> {
        narrowed(bytes, width, &ImageLimits::default())
            .unwrap()
            .map(|b| b.len())
    }
}
