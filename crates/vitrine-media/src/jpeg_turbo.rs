//! libjpeg-turbo (the `turbojpeg` feature): JPEG decoding at a reduced DCT scale and
//! 4:2:0 encoding, each several times faster than the pure-Rust codecs. Needs cmake and
//! nasm to build.

use image::RgbImage;
use turbojpeg::{Compressor, Decompressor, Image, PixelFormat, ScalingFactor, Subsamp};
use vitrine_domain::{DomainError, Result};

fn corrupt(err: turbojpeg::Error) -> DomainError {
    DomainError::Unprocessable(format!("the JPEG cannot be decoded: {err}"))
}

/// Decoded at the smallest of 1/8, 1/4, 1/2 and 1 that keeps the longest side at least
/// `at_least` pixels.
pub(crate) fn decode_scaled(bytes: &[u8], at_least: u32) -> Result<Option<RgbImage>> {
    let mut decompressor = Decompressor::new().map_err(DomainError::internal)?;
    let header = decompressor.read_header(bytes).map_err(corrupt)?;
    let factor = [
        ScalingFactor::ONE_EIGHTH,
        ScalingFactor::ONE_QUARTER,
        ScalingFactor::ONE_HALF,
    ]
    .into_iter()
    .find(|factor| {
        let scaled = header.scaled(*factor);
        scaled.width.max(scaled.height) >= at_least as usize
    })
    .unwrap_or(ScalingFactor::ONE);
    decompressor
        .set_scaling_factor(factor)
        .map_err(DomainError::internal)?;
    let scaled = header.scaled(factor);
    let mut pixels = vec![0u8; scaled.width * scaled.height * 3];
    decompressor
        .decompress(
            bytes,
            Image {
                pixels: pixels.as_mut_slice(),
                width: scaled.width,
                pitch: scaled.width * 3,
                height: scaled.height,
                format: PixelFormat::RGB,
            },
        )
        .map_err(corrupt)?;
    let side = |v: usize| u32::try_from(v).map_err(DomainError::internal);
    Ok(RgbImage::from_raw(
        side(scaled.width)?,
        side(scaled.height)?,
        pixels,
    ))
}

pub(crate) fn encode(image: &RgbImage, quality: u8) -> Result<Vec<u8>> {
    let mut compressor = Compressor::new().map_err(DomainError::internal)?;
    compressor
        .set_quality(i32::from(quality))
        .map_err(DomainError::internal)?;
    compressor
        .set_subsamp(Subsamp::Sub2x2)
        .map_err(DomainError::internal)?;
    let (width, height) = image.dimensions();
    compressor
        .compress_to_vec(Image {
            pixels: image.as_raw().as_slice(),
            width: width as usize,
            pitch: width as usize * 3,
            height: height as usize,
            format: PixelFormat::RGB,
        })
        .map_err(DomainError::internal)
}
