//! Type detection and header probing.

use vitrine_domain::item::MediaKind;
use vitrine_domain::limits::ImageLimits;
use vitrine_domain::ports::{MediaProber, Probe, RenderedImage, RenderedVariant};
use vitrine_domain::{DomainError, Result};

/// Enough for JPEG headers behind large EXIF/ICC segments, small enough to buffer per upload.
const HEAD_LEN: usize = 256 * 1024;
const TAIL_LEN: usize = 32;

/// The formats Vitrine stores: (mime as `infer` names it, our kind, extension).
const ACCEPTED: &[(&str, MediaKind, &str)] = &[
    ("image/jpeg", MediaKind::Image, "jpg"),
    ("image/png", MediaKind::Image, "png"),
    ("image/gif", MediaKind::Image, "gif"),
    ("image/webp", MediaKind::Image, "webp"),
    ("image/avif", MediaKind::Image, "avif"),
    ("image/heif", MediaKind::Image, "heic"),
    ("video/mp4", MediaKind::Video, "mp4"),
    ("video/quicktime", MediaKind::Video, "mov"),
    ("video/webm", MediaKind::Video, "webm"),
];

/// `Canon EOS R` from make and model; models often repeat the make already.
fn camera(make: Option<String>, model: Option<String>) -> Option<String> {
    match (make, model) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (make, model) => make.or(model),
    }
}

/// What `render` decodes in process; AVIF and HEIC go through `heif-convert` first.
const RENDERED: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];

#[derive(Debug, Clone)]
pub struct Prober {
    video: crate::VideoTools,
    variants: crate::VariantSpec,
    heif_convert: String,
    budget: crate::DecodeBudget,
}

impl Default for Prober {
    fn default() -> Self {
        Self::with_video_tools(crate::VideoTools::default())
    }
}

impl Prober {
    /// A prober using these ffmpeg and ffprobe binaries.
    pub fn with_video_tools(video: crate::VideoTools) -> Self {
        Self {
            video,
            variants: crate::VariantSpec::default(),
            heif_convert: "heif-convert".to_owned(),
            budget: crate::DecodeBudget::default(),
        }
    }

    /// Decodes share this memory budget (one per process: clones share it).
    pub fn with_decode_budget(self, budget: crate::DecodeBudget) -> Self {
        Self { budget, ..self }
    }

    /// The budget full-resolution decodes reserve from.
    pub fn decode_budget(&self) -> &crate::DecodeBudget {
        &self.budget
    }

    /// Renders variants this way instead of the default (JPEG, quality 80).
    pub fn with_variants(self, variants: crate::VariantSpec) -> Self {
        Self { variants, ..self }
    }

    /// Decodes AVIF and HEIC with this `heif-convert` instead of the one on the PATH.
    pub fn with_heif_convert(self, program: impl Into<String>) -> Self {
        Self {
            heif_convert: program.into(),
            ..self
        }
    }
}

#[async_trait::async_trait]
impl MediaProber for Prober {
    fn head_len(&self) -> usize {
        HEAD_LEN
    }

    fn probe(&self, head: &[u8]) -> Result<Probe> {
        let detected = infer::get(head).map(|t| t.mime_type());
        let (mime, kind, extension) = ACCEPTED
            .iter()
            .copied()
            .find(|(mime, _, _)| Some(*mime) == detected)
            .ok_or_else(|| unsupported(detected))?;
        let (width, height) = match kind {
            MediaKind::Image => {
                let size = imagesize::blob_size(head).map_err(|err| {
                    DomainError::invalid(format!(
                        "the {mime} file is damaged: its header cannot be read ({err})"
                    ))
                })?;
                (Some(dimension(size.width)?), Some(dimension(size.height)?))
            }
            // Video dimensions come from ffprobe in the media pipeline.
            MediaKind::Video => (None, None),
        };
        Ok(Probe {
            kind,
            mime,
            extension,
            width,
            height,
        })
    }

    fn tail_len(&self) -> usize {
        TAIL_LEN
    }

    fn strip_metadata(&self, mime: &str, bytes: &[u8]) -> Result<Vec<u8>> {
        crate::strip_metadata(mime, bytes)
    }

    async fn preview(&self, bytes: Vec<u8>, side: u32, limits: &ImageLimits) -> Result<Vec<u8>> {
        let limits = *limits;
        let (width, height) = crate::check_limits(&bytes, "image/*", &limits)?;
        self.budget
            .decode(width, height, move || {
                crate::jpeg_preview(&bytes, side, &limits)
            })
            .await?
    }

    async fn narrow(
        &self,
        bytes: Vec<u8>,
        width: u32,
        limits: &ImageLimits,
    ) -> Result<Option<Vec<u8>>> {
        let limits = *limits;
        let (w, h) = crate::check_limits(&bytes, "image/*", &limits)?;
        self.budget
            .decode(w, h, move || crate::narrowed(&bytes, width, &limits))
            .await?
    }

    async fn video(
        &self,
        bytes: vitrine_domain::ports::ByteStream,
    ) -> Result<Option<vitrine_domain::ports::VideoInfo>> {
        self.video.inspect(bytes).await
    }

    async fn strip_video(
        &self,
        bytes: vitrine_domain::ports::ByteStream,
        max_bytes: u64,
    ) -> Result<Vec<u8>> {
        self.video.strip(bytes, max_bytes).await
    }

    async fn render(
        &self,
        bytes: Vec<u8>,
        mime: &str,
        limits: &ImageLimits,
    ) -> Result<Option<RenderedImage>> {
        let limits = *limits;
        let (bytes, mime) = if crate::heif::HEIF_TYPES.contains(&mime) {
            crate::check_limits(&bytes, mime, &limits)?;
            match crate::heif::to_jpeg(&self.heif_convert, &bytes, self.video.timeout).await? {
                Some(jpeg) => (jpeg, "image/jpeg".to_owned()),
                None => return Ok(None),
            }
        } else if RENDERED.contains(&mime) {
            (bytes, mime.to_owned())
        } else {
            return Ok(None);
        };
        let spec = self.variants.clone();
        let (width, height) = crate::check_limits(&bytes, &mime, &limits)?;
        let rendered = self
            .budget
            .decode(width, height, move || {
                crate::render_variants(&bytes, &mime, &spec, &limits)
            })
            .await??;
        let side = |v: u32| i32::try_from(v).map_err(DomainError::internal);
        let variant = |name: &'static str, encoded: crate::Encoded| {
            Ok::<_, DomainError>(RenderedVariant {
                name,
                mime: encoded.mime,
                width: side(encoded.width)?,
                height: side(encoded.height)?,
                bytes: encoded.bytes,
            })
        };
        let mut variants = vec![variant("thumb", rendered.thumb)?];
        if let Some(medium) = rendered.medium {
            variants.push(variant("medium", medium)?);
        }
        Ok(Some(RenderedImage {
            variants,
            placeholder: rendered.placeholder,
            width: side(rendered.width)?,
            height: side(rendered.height)?,
            title: rendered.meta.title,
            description: rendered.meta.description,
            is_animated: rendered.frames > 1,
            phash: rendered.phash,
            quality_score: rendered.quality,
            facts: vitrine_domain::item::PhotoFacts {
                camera: camera(rendered.meta.make, rendered.meta.model),
                taken_at: rendered.meta.taken_at,
                is_360: rendered.meta.is_360,
            },
        }))
    }

    fn check_end(&self, probe: &Probe, tail: &[u8]) -> Result<()> {
        let complete = match probe.mime {
            // End Of Image marker; some cameras pad after it, so look at the last bytes.
            "image/jpeg" => tail.windows(2).any(|w| w == [0xFF, 0xD9]),
            // IEND chunk: length 0, type, fixed CRC.
            "image/png" => {
                tail.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82])
            }
            // The trailer byte.
            "image/gif" => tail.last() == Some(&0x3B),
            // Containers without a cheap end marker are checked by the media pipeline.
            _ => true,
        };
        if complete {
            Ok(())
        } else {
            Err(DomainError::invalid(format!(
                "the {} file is truncated: it does not end the way a complete file does",
                probe.mime
            )))
        }
    }
}

fn unsupported(detected: Option<&str>) -> DomainError {
    let accepted: Vec<&str> = ACCEPTED.iter().map(|(mime, _, _)| *mime).collect();
    let what = detected.map_or("an unrecognised type".to_owned(), |m| format!("'{m}'"));
    DomainError::UnsupportedMedia(format!(
        "the file's content is {what}; accepted types are {}",
        accepted.join(", ")
    ))
}

fn dimension(value: usize) -> Result<i32> {
    i32::try_from(value).ok().filter(|v| *v > 0).ok_or_else(|| {
        DomainError::invalid(format!("the image reports an impossible size {value}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 PNG written by hand: signature, IHDR, one IDAT, IEND.
    fn tiny_png() -> Vec<u8> {
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R']);
        png.extend_from_slice(&[0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
        png.extend_from_slice(&[0, 0, 0, 0]); // CRC, not checked by probing
        png.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
        png
    }

    #[test]
    fn cameras_read_naturally() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(camera(s("Canon"), s("Canon EOS R")), s("Canon EOS R"));
        assert_eq!(camera(s("SONY"), s("ILCE-7M3")), s("SONY ILCE-7M3"));
        assert_eq!(camera(None, s("Pixel 8")), s("Pixel 8"));
        assert_eq!(camera(None, None), None);
    }

    #[test]
    fn a_png_is_recognised_with_its_dimensions() {
        let probe = Prober::default().probe(&tiny_png()).unwrap();
        assert_eq!(probe.mime, "image/png");
        assert_eq!((probe.width, probe.height), (Some(3), Some(2)));
        assert!(Prober::default()
            .check_end(&probe, &tiny_png()[tiny_png().len() - 32..])
            .is_ok());
    }

    #[test]
    fn text_is_refused_whatever_it_is_called() {
        let err = Prober::default()
            .probe(b"hello, I am not a picture")
            .unwrap_err();
        assert!(matches!(err, DomainError::UnsupportedMedia(_)));
    }

    #[test]
    fn a_png_without_its_end_is_truncated() {
        let png = tiny_png();
        let cut = &png[..png.len() - 12];
        let probe = Prober::default().probe(cut).unwrap();
        assert!(Prober::default()
            .check_end(&probe, &cut[cut.len() - 16..])
            .is_err());
    }
}
