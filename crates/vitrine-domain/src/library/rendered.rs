//! Renditions made on request for share visitors (previews of items without stored
//! variants, originals without their metadata), kept in memory up to
//! `Limits::render_cache_bytes`. A visited link then costs one decode, not one per
//! request, and visitors asking for the same rendition at once share a single render.

use bytes::Bytes;
use moka::future::Cache;

use crate::Result;

/// What was made of a blob: keyed by the blob, whose bytes never change under its key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Rendition {
    Preview { blob_key: String, side: u32 },
    WithoutMetadata { blob_key: String },
}

#[derive(Clone)]
pub(super) struct Renditions {
    cache: Cache<Rendition, Bytes>,
}

impl Renditions {
    pub fn new(max_bytes: u64) -> Self {
        let cache = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|_key, bytes: &Bytes| u32::try_from(bytes.len()).unwrap_or(u32::MAX))
            .build();
        Self { cache }
    }

    /// The cached rendition, or `make`'s, kept for the next visitor. Concurrent callers
    /// for one rendition wait for the first; a failure is not kept.
    pub async fn get_or_make(
        &self,
        rendition: Rendition,
        make: impl std::future::Future<Output = Result<Vec<u8>>>,
    ) -> Result<Bytes> {
        self.cache
            .try_get_with(rendition, async { make.await.map(Bytes::from) })
            .await
            .map_err(|shared| (*shared).clone())
    }
}
