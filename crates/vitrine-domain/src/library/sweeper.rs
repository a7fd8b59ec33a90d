//! The orphan sweeper. An upload writes its bytes before the rows that reference them,
//! and a purge deletes rows before bytes, so a crash or a failed delete can only leave
//! objects nothing references, never rows without bytes. The sweeper removes such
//! objects, and writes a killed process never finished, once they are older than a grace
//! period: an upload in progress finishes its object and records its row well within it.
//! Several instances may sweep at once; deleting what another already deleted is no error.

use std::collections::HashSet;

use futures::{StreamExt, TryStreamExt};

use super::Library;
use crate::Result;

/// Every object an upload or a variant writes lives under this prefix.
pub const OBJECTS: &str = "objects/";

/// Keys checked against the rows per query.
const BATCH: usize = 500;

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Finished objects no row references.
    pub orphans: usize,
    /// Writes begun and never finished.
    pub unfinished: usize,
}

impl Library {
    /// Removes objects under [`OBJECTS`] that no row references and unfinished writes,
    /// both older than `grace`.
    #[tracing::instrument(skip_all)]
    pub async fn sweep_orphans(&self, grace: chrono::Duration) -> Result<Swept> {
        let before = self.now() - grace;
        let unfinished = self.blobs.remove_unfinished(OBJECTS, before).await?;
        let mut old_keys = self
            .blobs
            .list(OBJECTS)
            .try_filter(|object| futures::future::ready(object.written < before))
            .map_ok(|object| object.key)
            .chunks(BATCH);
        let mut orphans = 0;
        while let Some(batch) = old_keys.next().await {
            let batch = batch.into_iter().collect::<Result<Vec<_>>>()?;
            let referenced: HashSet<String> = self
                .items
                .referenced_object_keys(batch.clone())
                .await?
                .into_iter()
                .collect();
            for key in batch.iter().filter(|key| !referenced.contains(*key)) {
                self.blobs.delete(key).await?;
                orphans += 1;
            }
        }
        // One line an hour per instance: what a crash left is worth seeing in the log.
        tracing::info!(orphans, unfinished, "orphan sweep done");
        Ok(Swept {
            orphans,
            unfinished,
        })
    }
}
