//! A quality score from 0 to 100, computed from pixels the pipeline has decoded anyway
//! (the medium size, or the whole picture when it is smaller). The formula is in
//! docs/ARCHITECTURE.md, "Quality score":
//!
//! - detail: the variance of the Laplacian of the luma, less the part noise explains,
//!   mapped to 0–1 by `detail / (detail + DETAIL_HALF)`;
//! - exposure: 1 − 3 × the share of pixels clipped to black or white, at least 0;
//! - noise: 1 − σ / NOISE_ZERO (σ by Immerkær's estimator), at least 0;
//! - score = 100 × detail × (0.6 + 0.4 × exposure) × (0.7 + 0.3 × noise).
//!
//! Every second pixel of every second row is measured (the 3×3 neighbourhoods still
//! touch every row and column), which keeps a 1024-pixel medium under a millisecond.

use image::RgbImage;

/// Laplacian variance at which detail counts half. A sharp photo at 1024 px measures
/// several hundred to thousands; a soft one tens.
const DETAIL_HALF: f64 = 250.0;
/// Noise σ (in 8-bit levels) that counts as no quality at all on the noise term.
const NOISE_ZERO: f64 = 24.0;
/// Luma at or below / at or above which a pixel is clipped.
const BLACK: i32 = 4;
const WHITE: i32 = 251;

/// 0–100, one decimal.
pub fn quality_score(image: &RgbImage) -> f64 {
    let (width, height) = (image.width() as usize, image.height() as usize);
    if width < 3 || height < 3 {
        return 0.0;
    }
    let luma: Vec<i32> = image
        .pixels()
        .map(|p| (77 * i32::from(p[0]) + 150 * i32::from(p[1]) + 29 * i32::from(p[2])) >> 8)
        .collect();
    let at = |x: usize, y: usize| luma[y * width + x];
    let (mut n, mut sum, mut squares, mut noise, mut clipped) = (0f64, 0f64, 0f64, 0f64, 0f64);
    for y in (1..height - 1).step_by(2) {
        for x in (1..width - 1).step_by(2) {
            let c = at(x, y);
            let (up, down, left, right) = (at(x, y - 1), at(x, y + 1), at(x - 1, y), at(x + 1, y));
            let laplacian = f64::from(4 * c - up - down - left - right);
            let corners = at(x - 1, y - 1) + at(x + 1, y - 1) + at(x - 1, y + 1) + at(x + 1, y + 1);
            // Immerkær's mask: [1 -2 1; -2 4 -2; 1 -2 1]; blind to lines and ramps.
            noise += f64::from((4 * c - 2 * (up + down + left + right) + corners).abs());
            n += 1.0;
            sum += laplacian;
            squares += laplacian * laplacian;
            if c <= BLACK || c >= WHITE {
                clipped += 1.0;
            }
        }
    }
    let variance = (squares / n - (sum / n).powi(2)).max(0.0);
    let sigma = (std::f64::consts::PI / 2.0).sqrt() * (noise / n) / 6.0;
    // Independent noise of σ adds 20σ² to the 4-neighbour Laplacian's variance.
    let detail = (variance - 20.0 * sigma * sigma).max(0.0);
    let detail = detail / (detail + DETAIL_HALF);
    let exposure = (1.0 - 3.0 * clipped / n).max(0.0);
    let clean = (1.0 - sigma / NOISE_ZERO).max(0.0);
    let score = 100.0 * detail * (0.6 + 0.4 * exposure) * (0.7 + 0.3 * clean);
    (score * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// A scene with edges and texture: stripes, a disc and a smooth gradient.
    fn scene() -> RgbImage {
        RgbImage::from_fn(640, 480, |x, y| {
            let (fx, fy) = (x as f64, y as f64);
            let stripes = if (x / 9 + y / 13) % 2 == 0 { 60.0 } else { 0.0 };
            let disc = if (fx - 420.0).powi(2) + (fy - 200.0).powi(2) < 90.0f64.powi(2) {
                70.0
            } else {
                0.0
            };
            let base = 60.0 + fy / 480.0 * 60.0;
            let v = (base + stripes + disc) as u8;
            Rgb([v, v.saturating_add(10), v.saturating_sub(10)])
        })
    }

    fn blurred(image: &RgbImage, radius: i64) -> RgbImage {
        let (w, h) = (image.width() as i64, image.height() as i64);
        RgbImage::from_fn(image.width(), image.height(), |x, y| {
            let mut acc = [0u32; 3];
            let mut count = 0;
            for dy in -radius..=radius {
                for dx in -radius..=radius {
                    let (sx, sy) = (
                        (x as i64 + dx).clamp(0, w - 1),
                        (y as i64 + dy).clamp(0, h - 1),
                    );
                    let p = image.get_pixel(sx as u32, sy as u32);
                    for c in 0..3 {
                        acc[c] += u32::from(p[c]);
                    }
                    count += 1;
                }
            }
            Rgb(acc.map(|v| (v / count) as u8))
        })
    }

    #[test]
    fn a_blurred_copy_scores_lower() {
        let sharp = quality_score(&scene());
        let soft = quality_score(&blurred(&scene(), 2));
        let softer = quality_score(&blurred(&scene(), 5));
        assert!(sharp > 50.0, "{sharp}");
        assert!(soft < sharp && softer < soft, "{sharp} {soft} {softer}");
    }

    #[test]
    fn an_over_exposed_copy_scores_lower() {
        let original = scene();
        let mut bright = original.clone();
        for p in bright.pixels_mut() {
            for c in p.0.iter_mut() {
                *c = c.saturating_mul(3);
            }
        }
        let (good, burnt) = (quality_score(&original), quality_score(&bright));
        assert!(burnt < good, "{good} {burnt}");
    }

    #[test]
    fn flat_grey_scores_nothing() {
        let grey = RgbImage::from_pixel(800, 600, Rgb([128, 128, 128]));
        assert_eq!(quality_score(&grey), 0.0);
        assert_eq!(quality_score(&RgbImage::new(2, 2)), 0.0);
    }

    #[test]
    fn noise_is_not_taken_for_detail() {
        let clean = scene();
        let mut noisy = clean.clone();
        let mut state = 12345u32;
        for p in noisy.pixels_mut() {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let jitter = ((state >> 16) % 61) as i32 - 30;
            for c in p.0.iter_mut() {
                *c = (i32::from(*c) + jitter).clamp(0, 255) as u8;
            }
        }
        let (a, b) = (quality_score(&clean), quality_score(&noisy));
        assert!(b < a, "{a} {b}");
    }
}
