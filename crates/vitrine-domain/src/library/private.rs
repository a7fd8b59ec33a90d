//! Originals without the metadata that tells where, when and with what they were made,
//! for share links that hide it.

use super::Library;
use crate::item::{Item, MediaKind};
use crate::{DomainError, Result};

impl Library {
    /// Images lose EXIF/XMP/IPTC and text chunks with their pixels untouched; videos are
    /// remuxed without metadata, their streams copied. Both are rewritten in memory, so
    /// both are capped at `max_render_bytes`.
    pub async fn original_without_metadata(&self, item: &Item) -> Result<Vec<u8>> {
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
}
