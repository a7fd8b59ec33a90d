//! Near-duplicates by perceptual hash: pictures whose 64-bit hashes differ in few bits.

use super::Library;
use crate::item::{unexpired, Item};
use crate::user::{Principal, Scope};
use crate::{DomainError, ItemId, Result};

impl Library {
    /// The caller's active items within `max_distance` bits of `id`'s hash, closest
    /// first, at most `limit`. An item without a hash (a video without a still, an image
    /// the pipeline has not reached yet) has no near-duplicates to show.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn similar(
        &self,
        who: &Principal,
        id: &ItemId,
        max_distance: u32,
        limit: usize,
    ) -> Result<Vec<(Item, u32)>> {
        who.require(Scope::MediaRead)?;
        if max_distance > 32 {
            return Err(DomainError::invalid(
                "maxDistance is at most 32 of the hash's 64 bits",
            ));
        }
        let now = self.now();
        let item = unexpired(self.items.item(&who.user.id, id).await?, now)?;
        let Some(hash) = item.phash.as_deref().and_then(parse) else {
            return Ok(Vec::new());
        };
        // One pass over the owner's hashes: 8 bytes each, fast even for large libraries.
        let mut close: Vec<(ItemId, u32)> = self
            .items
            .perceptual_hashes(&who.user.id)
            .await?
            .into_iter()
            .filter(|(other, _)| other != id)
            .filter_map(|(other, raw)| Some((other, (parse(&raw)? ^ hash).count_ones())))
            .filter(|(_, distance)| *distance <= max_distance)
            .collect();
        close.sort_by_key(|(other, distance)| (*distance, other.clone()));
        close.truncate(limit);
        let ids: Vec<ItemId> = close.iter().map(|(other, _)| other.clone()).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let items = self.items.items_by_ids(&who.user.id, &ids).await?;
        Ok(items
            .into_iter()
            .zip(close)
            .filter(|(item, _)| !item.expired_at(now))
            .map(|(item, (_, distance))| (item, distance))
            .collect())
    }
}

fn parse(hex: &str) -> Option<u64> {
    u64::from_str_radix(hex, 16).ok()
}
