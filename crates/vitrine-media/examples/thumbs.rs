//! Thumbnail benchmark driver (scripts/bench-thumbs.sh runs it beside vipsthumbnail and
//! ImageMagick).
//!
//!     thumbs corpus DIR COUNT       write COUNT 12 MP camera-like JPEGs into DIR
//!     thumbs run DIR OUT [--medium] [--webp]
//!                                   thumb (and medium) of every .jpg in DIR, one thread,
//!                                   as JPEG (or WebP)
//!
//!     thumbs quality DIR            the quality score's own cost on each photo's medium
//!                                   (what the pipeline scores), beside the whole render
//!
//! `run` prints the mean milliseconds per file and the process's peak memory in MiB.

use std::path::Path;
use std::time::Instant;

use vitrine_media::{render_variants, ImageLimits, VariantFormat, VariantSpec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["corpus", dir, count] => corpus(Path::new(dir), count.parse()?),
        ["quality", dir] => quality(Path::new(dir)),
        ["run", dir, out, flags @ ..] => run(
            Path::new(dir),
            Path::new(out),
            flags.contains(&"--medium"),
            flags.contains(&"--webp"),
        ),
        _ => Err(
            "usage: thumbs corpus DIR COUNT | thumbs run DIR OUT [--medium] [--webp] | thumbs quality DIR"
                .into(),
        ),
    }
}

/// Smooth light with fine texture, like a photo: JPEG decode cost depends on detail.
fn corpus(dir: &Path, count: u32) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let (w, h) = (4000u32, 3000u32);
    for n in 0..count {
        let mut pixels = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ n.wrapping_mul(31))
                    % 23) as u8;
                let sky = (y * 200 / h) as u8;
                pixels.extend_from_slice(&[
                    sky.wrapping_add(grain),
                    ((x * 180 / w) as u8).wrapping_add(grain / 2),
                    (((x + y + n * 97) % 256) as u8) / 2 + grain,
                ]);
            }
        }
        let path = dir.join(format!("photo{n:03}.jpg"));
        let mut out = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
        encoder.encode(&pixels, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)?;
        std::fs::write(path, out)?;
    }
    Ok(())
}

fn run(dir: &Path, out: &Path, medium: bool, webp: bool) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(out)?;
    let spec = VariantSpec {
        medium_side: if medium { 1024 } else { u32::MAX },
        format: if webp {
            VariantFormat::Webp
        } else {
            VariantFormat::Jpeg
        },
        ..VariantSpec::default()
    };
    let limits = ImageLimits::default();
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "jpg"))
        .collect();
    files.sort();
    let started = Instant::now();
    for path in &files {
        let bytes = std::fs::read(path)?;
        let rendered = render_variants(&bytes, "image/jpeg", &spec, &limits)?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
        let extension = if webp { "webp" } else { "jpg" };
        std::fs::write(
            out.join(format!("{stem}_thumb.{extension}")),
            &rendered.thumb.bytes,
        )?;
        if let Some(medium) = &rendered.medium {
            std::fs::write(
                out.join(format!("{stem}_medium.{extension}")),
                &medium.bytes,
            )?;
        }
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0 / files.len().max(1) as f64;
    // One file at a time, so the peak is what one worker needs for one photo.
    let peak_kib: f64 = std::fs::read_to_string("/proc/self/status")?
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    println!("{ms:.1} {:.1}", peak_kib / 1024.0);
    Ok(())
}

/// Per photo: the whole render (decode, medium, thumb, placeholder, hash, score) and the
/// score alone on the medium, 20 times each, as a Markdown table row of means.
fn quality(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let (spec, limits) = (VariantSpec::default(), ImageLimits::default());
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "jpg"))
        .collect();
    files.sort();
    let (mut render_ms, mut score_ms, mut scores) = (0.0, 0.0, Vec::new());
    for path in &files {
        let bytes = std::fs::read(path)?;
        let started = Instant::now();
        let rendered = render_variants(&bytes, "image/jpeg", &spec, &limits)?;
        render_ms += started.elapsed().as_secs_f64() * 1000.0;
        let medium = rendered.medium.as_ref().ok_or("no medium")?;
        let medium = image::load_from_memory(&medium.bytes)?.to_rgb8();
        let started = Instant::now();
        for _ in 0..20 {
            std::hint::black_box(vitrine_media::quality_score(std::hint::black_box(&medium)));
        }
        score_ms += started.elapsed().as_secs_f64() * 1000.0 / 20.0;
        scores.push(rendered.quality);
    }
    let n = files.len().max(1) as f64;
    println!("| photos | whole render, ms | quality score, ms | share | scores |");
    println!("|---|---|---|---|---|");
    println!(
        "| {} | {:.1} | {:.2} | {:.1} % | {:.1}–{:.1} |",
        files.len(),
        render_ms / n,
        score_ms / n,
        100.0 * score_ms / render_ms.max(f64::EPSILON),
        scores.iter().copied().fold(f64::INFINITY, f64::min),
        scores.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    Ok(())
}
