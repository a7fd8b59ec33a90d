//! Variants made while the upload waits (the fast path for ordinary images): the staged
//! original, kept in memory while it was stored, is rendered off the async threads, and
//! each variant is written as a blob of its own, recorded and counted in the quota with
//! the item.

use bytes::Bytes;
use md5::Md5;
use sha2::{Digest, Sha256};

use super::Library;
use crate::item::{MediaKind, NewVariant, StoredBlob};
use crate::ports::{RenderedImage, RenderedVariant};
use crate::{BlobId, DomainError, Result};

/// Where rendering runs: while the upload waits, or in a media worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Path {
    /// Ordinary images, up to `fast_path_max_bytes`.
    Fast,
    /// Anything up to `max_render_bytes`.
    Queue,
}

/// The stored original to render: a staged upload or an existing item.
pub(super) struct Original<'a> {
    pub key: &'a str,
    pub size: i64,
    pub kind: MediaKind,
    pub mime: &'a str,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// The bytes, when staging kept them; otherwise they are read from the store.
    pub kept: Option<Vec<u8>>,
}

/// What rendering added to an upload.
pub(super) struct Prepared {
    pub variants: Vec<NewVariant>,
    pub placeholder: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub is_animated: bool,
    pub phash: Option<String>,
    pub quality_score: Option<f64>,
    pub facts: crate::item::PhotoFacts,
    /// Whether the fast path rendered it; if not, a media job will.
    pub rendered: bool,
    /// Milliseconds rendering and storing the variants took, when they were made.
    pub took_ms: Option<i64>,
}

impl Prepared {
    fn nothing(original: &Original<'_>) -> Self {
        Prepared {
            variants: Vec::new(),
            placeholder: None,
            width: original.width,
            height: original.height,
            title: None,
            description: None,
            is_animated: false,
            phash: None,
            quality_score: None,
            facts: Default::default(),
            rendered: false,
            took_ms: None,
        }
    }
}

impl Library {
    /// Renders and stores the variants of a staged image. Other kinds, types the prober
    /// does not render and images too big to render on request get none here.
    pub(super) async fn prepare_variants(
        &self,
        mut original: Original<'_>,
        path: Path,
    ) -> Result<Prepared> {
        let max_bytes = match path {
            Path::Fast => self.limits.fast_path_max_bytes,
            Path::Queue => self.limits.max_render_bytes,
        };
        let renderable = original.kind == MediaKind::Image
            && u64::try_from(original.size).is_ok_and(|size| size <= max_bytes);
        if !renderable {
            return Ok(Prepared::nothing(&original));
        }
        let started = std::time::Instant::now();
        let bytes = match original.kept.take() {
            Some(bytes) => bytes,
            None => self.read_whole(original.key, original.size).await?,
        };
        let Some(rendered) = self
            .prober
            .render(bytes, original.mime, &self.limits.image)
            .await?
        else {
            return Ok(Prepared::nothing(&original));
        };
        let RenderedImage {
            variants,
            placeholder,
            width,
            height,
            title,
            description,
            is_animated,
            phash,
            quality_score,
            facts,
        } = rendered;
        let stored = self.store_variants(variants).await?;
        Ok(Prepared {
            variants: stored,
            placeholder: Some(placeholder),
            width: Some(width),
            height: Some(height),
            title,
            description,
            is_animated,
            phash: Some(phash),
            quality_score: Some(quality_score),
            facts,
            rendered: true,
            took_ms: Some(i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)),
        })
    }

    /// Writes rendered variants as blobs; on failure none stays behind.
    pub(super) async fn store_variants(
        &self,
        variants: Vec<RenderedVariant>,
    ) -> Result<Vec<NewVariant>> {
        let mut stored: Vec<NewVariant> = Vec::with_capacity(variants.len());
        for variant in variants {
            match self.store_bytes(Bytes::from(variant.bytes)).await {
                Ok(blob) => stored.push(NewVariant {
                    name: variant.name,
                    blob,
                    mime: variant.mime,
                    width: variant.width,
                    height: variant.height,
                }),
                Err(err) => {
                    self.discard_variants(&stored).await;
                    return Err(err);
                }
            }
        }
        Ok(stored)
    }

    pub(super) async fn discard_variants(&self, variants: &[NewVariant]) {
        for variant in variants {
            self.discard_key(&variant.blob.key).await;
        }
    }

    /// Writes bytes already in memory as a new blob, hashed like uploads are.
    async fn store_bytes(&self, bytes: Bytes) -> Result<StoredBlob> {
        let id = BlobId::generate();
        let key = format!("{}{}", super::sweeper::OBJECTS, id.as_str());
        let size = i64::try_from(bytes.len()).map_err(DomainError::internal)?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let md5 = hex::encode(Md5::digest(&bytes));
        let mut writer = self.blobs.create(&key).await?;
        if let Err(err) = writer.write(bytes).await {
            writer.abort().await;
            return Err(err);
        }
        writer.finish().await?;
        Ok(StoredBlob {
            id,
            key,
            sha256,
            md5,
            size,
        })
    }
}
