//! The default JPEG codecs, pure Rust: jpeg-decoder (with DCT scaling) and jpeg-encoder.

use std::io::Cursor;

use image::RgbImage;
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
use vitrine_domain::{DomainError, Result};

/// `None` for JPEGs the fast path does not handle (CMYK, 16-bit): the generic decoder
/// takes those.
pub(crate) fn decode_scaled(bytes: &[u8], at_least: u32) -> Result<Option<RgbImage>> {
    let corrupt = |err: jpeg_decoder::Error| {
        DomainError::Unprocessable(format!("the JPEG cannot be decoded: {err}"))
    };
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(corrupt)?;
    let Some(info) = decoder.info() else {
        return Ok(None);
    };
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let ratio = (f64::from(at_least) / f64::from(w.max(h))).min(1.0);
    let want =
        |side: u32| ((f64::from(side) * ratio).ceil() as u32).clamp(1, u32::from(u16::MAX)) as u16;
    let (sw, sh) = decoder.scale(want(w), want(h)).map_err(corrupt)?;
    let pixels = decoder.decode().map_err(corrupt)?;
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        _ => return Ok(None),
    };
    Ok(RgbImage::from_raw(sw, sh, rgb))
}

/// jpeg-encoder, pure Rust: 4:2:0 like libjpeg-turbo (image's own encoder writes 4:4:4).
pub(crate) fn encode(image: &RgbImage, quality: u8) -> Result<Vec<u8>> {
    let (width, height) = image.dimensions();
    let mut jpeg = Vec::new();
    let mut encoder = Encoder::new(&mut jpeg, quality);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    let side = |v: u32| u16::try_from(v).map_err(DomainError::internal);
    encoder
        .encode(image.as_raw(), side(width)?, side(height)?, ColorType::Rgb)
        .map_err(DomainError::internal)?;
    Ok(jpeg)
}
