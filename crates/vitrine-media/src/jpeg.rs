//! JPEG codecs. Decoding is libjpeg-turbo's, as mozjpeg-sys builds it from vendored C with
//! the machine's C compiler: it decodes at any scale M/8, and at the scales thumbnails need
//! its entropy decoder is most of the cost, which is why it beats the pure-Rust decoders
//! even without SIMD. The `turbojpeg` feature adds libjpeg-turbo's SIMD (needs nasm).
//! Encoding is jpeg-encoder's: pure Rust, 4:2:0, AVX2 when the CPU has it.

use std::panic::{catch_unwind, AssertUnwindSafe};

use image::RgbImage;
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
use mozjpeg::{ColorSpace, Decompress};
use vitrine_domain::{DomainError, Result};

fn corrupt(reason: impl std::fmt::Display) -> DomainError {
    DomainError::Unprocessable(format!("the JPEG cannot be decoded: {reason}"))
}

/// Decoded at the smallest scale M/8 that keeps the longest side at least `at_least`
/// pixels. `None` for CMYK JPEGs, which the generic decoder converts.
pub(crate) fn decode_scaled(bytes: &[u8], at_least: u32) -> Result<Option<RgbImage>> {
    // libjpeg reports a fatal error by unwinding out of the C call (mozjpeg's error
    // manager); it arrives here as a panic payload carrying the message.
    match catch_unwind(AssertUnwindSafe(|| decode_unguarded(bytes, at_least))) {
        Ok(decoded) => decoded,
        Err(payload) => Err(corrupt(
            payload
                .downcast_ref::<String>()
                .map_or("libjpeg failed", String::as_str),
        )),
    }
}

fn decode_unguarded(bytes: &[u8], at_least: u32) -> Result<Option<RgbImage>> {
    let mut decoder = Decompress::new_mem(bytes).map_err(corrupt)?;
    if matches!(
        decoder.color_space(),
        ColorSpace::JCS_CMYK | ColorSpace::JCS_YCCK
    ) {
        return Ok(None);
    }
    let (w, h) = decoder.size();
    let longest = w.max(h);
    let eighths = (1..=8u8)
        .find(|m| (longest * usize::from(*m)).div_ceil(8) >= at_least as usize)
        .unwrap_or(8);
    decoder.scale(eighths);
    let mut started = decoder.rgb().map_err(corrupt)?;
    let (sw, sh) = (started.width(), started.height());
    let pixels = started.read_scanlines::<u8>().map_err(corrupt)?;
    started.finish().map_err(corrupt)?;
    let side = |v: usize| u32::try_from(v).map_err(DomainError::internal);
    Ok(RgbImage::from_raw(side(sw)?, side(sh)?, pixels))
}

/// 4:2:0 like libjpeg-turbo's default (image's own encoder writes 4:4:4).
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
