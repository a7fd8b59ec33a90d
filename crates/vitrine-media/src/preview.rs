//! A downscaled JPEG rendered on request, for share pages whose owner does not allow
//! downloading the original. Re-encoding also drops every byte of metadata.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{ImageDecoder, ImageReader};
use vitrine_domain::{DomainError, Result};

/// The image scaled to fit `max_side` (never enlarged), as a JPEG. Refuses images over
/// `max_pixels` from their header, before decoding allocates anything large.
pub fn jpeg_preview(bytes: &[u8], max_side: u32, max_pixels: u64) -> Result<Vec<u8>> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(DomainError::internal)?;
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    // Phones store portraits sideways with an EXIF orientation; show them upright.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(DomainError::TooLarge(format!(
            "the image has {width}×{height} pixels, over the limit of {max_pixels}"
        )));
    }
    let mut image = image::DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    let image = if width > max_side || height > max_side {
        image.thumbnail(max_side, max_side)
    } else {
        image
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(&image.to_rgb8())
        .map_err(DomainError::internal)?;
    Ok(out)
}

fn unreadable(err: image::ImageError) -> DomainError {
    DomainError::Unprocessable(format!("the image cannot be decoded: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]))
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn large_images_shrink_to_fit_and_small_ones_keep_their_size() {
        let preview = jpeg_preview(&png(400, 200), 100, 1_000_000).unwrap();
        let decoded = image::load_from_memory(&preview).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (100, 50));
        let small = jpeg_preview(&png(40, 20), 100, 1_000_000).unwrap();
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
        let preview = jpeg_preview(&rotated, 100, 1_000_000).unwrap();
        let decoded = image::load_from_memory(&preview).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (20, 40));
    }

    #[test]
    fn too_many_pixels_are_refused_before_decoding() {
        let err = jpeg_preview(&png(400, 200), 100, 10_000).unwrap_err();
        assert!(matches!(err, DomainError::TooLarge(_)), "{err}");
        assert!(jpeg_preview(b"not an image", 100, 10_000).is_err());
    }
}
