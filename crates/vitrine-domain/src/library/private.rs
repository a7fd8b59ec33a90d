//! What share visitors may see of an original: the bytes without the metadata that tells
//! where, when and with what they were made, and previews rendered on request. Both are
//! made once per blob and kept (see `rendered.rs`).

use bytes::Bytes;

use super::rendered::Rendition;
use super::Library;
use crate::item::{Item, MediaKind};
use crate::{DomainError, Result};

impl Library {
    /// Images lose EXIF/XMP/IPTC and text chunks with their pixels untouched; videos are
    /// remuxed without metadata, their streams copied. Both are rewritten in memory, so
    /// both are capped at `max_render_bytes`.
    #[tracing::instrument(skip_all)]
    pub async fn original_without_metadata(&self, item: &Item) -> Result<Bytes> {
        let rendition = Rendition::WithoutMetadata {
            blob_key: item.blob_key.clone(),
        };
        self.renditions
            .get_or_make(rendition, self.strip_metadata(item))
            .await
    }

    async fn strip_metadata(&self, item: &Item) -> Result<Vec<u8>> {
        match item.kind {
            MediaKind::Image => {
                let bytes = self.original_in_memory(item).await?;
                self.prober.strip_metadata(&item.mime, &bytes)
            }
            MediaKind::Video => {
                let max = self.limits.max_render_bytes;
                if u64::try_from(item.size).map_or(true, |size| size > max) {
                    return Err(DomainError::TooLarge(format!(
                        "the video is over the {max} bytes that can be rewritten on request"
                    )));
                }
                let bytes = self.blobs.open(&item.blob_key).await?;
                self.prober.strip_video(bytes, max).await
            }
        }
    }

    /// A JPEG of an image fitting `side`, for items whose variants the upload did not
    /// render (yet): no original bytes and no metadata leave.
    #[tracing::instrument(skip_all)]
    pub async fn preview(&self, item: &Item, side: u32) -> Result<Bytes> {
        if item.kind != MediaKind::Image {
            return Err(DomainError::NotFound("preview"));
        }
        let rendition = Rendition::Preview {
            blob_key: item.blob_key.clone(),
            side,
        };
        self.renditions
            .get_or_make(rendition, async {
                let bytes = self.original_in_memory(item).await?;
                self.prober.preview(bytes, side, &self.limits.image).await
            })
            .await
    }
}
