//! Staging an upload: the checks before a form is read, and the copy of its file into the
//! blob store, probed, hashed and bounded (size, pixels, quota) as its bytes arrive.

use bytes::Bytes;
use futures::{Stream, StreamExt};
use md5::Md5;
use sha2::{Digest, Sha256};

use super::{Library, StagedUpload};
use crate::item::{MediaKind, StoredBlob};
use crate::limits::ImageLimits;
use crate::ports::{BlobWriter, Probe};
use crate::user::{Principal, Scope};
use crate::{BlobId, DomainError, Result};

/// What staging learned while copying an upload into the store.
struct Copied {
    probe: Probe,
    sha256: String,
    md5: String,
    size: i64,
    kept: Option<Vec<u8>>,
}

impl Library {
    /// Whether `who` may upload at all, checked before a form is read: a key that may not
    /// upload, or a user whose quota is full or smaller than the body they declare
    /// (`declared_len`, the request's Content-Length), cannot make the server read one.
    pub async fn check_upload(&self, who: &Principal, declared_len: Option<u64>) -> Result<()> {
        who.require(Scope::MediaWrite)?;
        let Some((used, limit)) = self.quota_state(who).await? else {
            return Ok(());
        };
        let room = limit.saturating_sub(used);
        // A form carries its text fields and boundaries besides the file.
        let slack = self.limits.form.max_text_bytes as u64 + 64 * 1024;
        if room == 0 || declared_len.is_some_and(|len| len > room.saturating_add(slack)) {
            return Err(quota_exceeded(used, limit));
        }
        Ok(())
    }

    /// Bytes `who` uses and may use, when their plan has a limit.
    async fn quota_state(&self, who: &Principal) -> Result<Option<(u64, u64)>> {
        let Some(limit) = self.limits.quotas.limit_for(who.user.plan) else {
            return Ok(None);
        };
        let used = self.items.bytes_used(&who.user.id).await?;
        Ok(Some((
            u64::try_from(used).unwrap_or(0),
            u64::try_from(limit).unwrap_or(0),
        )))
    }

    /// Streams `body` into the blob store, hashing as it goes; never holds the whole file.
    /// The type is decided from the first bytes, so a wrong type is refused before the
    /// rest is stored.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn stage<S>(&self, who: &Principal, body: S) -> Result<StagedUpload>
    where
        S: Stream<Item = Result<Bytes>> + Unpin,
    {
        who.require(Scope::MediaWrite)?;
        // The file alone may not pass the quota; the commit checks it with its variants.
        let quota = self.quota_state(who).await?;
        let id = BlobId::generate();
        let key = format!("{}{}", super::sweeper::OBJECTS, id.as_str());
        let mut writer = self.blobs.create(&key).await?;
        match self.copy_probed(body, writer.as_mut(), quota).await {
            Ok(Copied {
                probe,
                sha256,
                md5,
                size,
                kept,
            }) => {
                writer.finish().await?;
                let blob = StoredBlob {
                    id,
                    key,
                    sha256,
                    md5,
                    size,
                };
                Ok(StagedUpload { blob, probe, kept })
            }
            Err(err) => {
                writer.abort().await;
                Err(err)
            }
        }
    }

    async fn copy_probed<S>(
        &self,
        mut body: S,
        writer: &mut dyn BlobWriter,
        quota: Option<(u64, u64)>,
    ) -> Result<Copied>
    where
        S: Stream<Item = Result<Bytes>> + Unpin,
    {
        let keep_max = self.limits.fast_path_max_bytes;
        let mut kept: Option<Vec<u8>> = Some(Vec::new());
        let head_len = self.prober.head_len();
        let tail_len = self.prober.tail_len();
        let max = self.limits.max_upload_bytes;
        let mut sha = Sha256::new();
        let mut md5 = Md5::new();
        let mut head: Vec<u8> = Vec::with_capacity(head_len);
        let mut probe: Option<Probe> = None;
        let mut tail: Vec<u8> = Vec::with_capacity(tail_len * 2);
        let mut size: u64 = 0;

        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            size += chunk.len() as u64;
            if size > max {
                return Err(DomainError::TooLarge(format!(
                    "the file exceeds the upload limit of {max} bytes"
                )));
            }
            if let Some((used, limit)) = quota.filter(|(used, limit)| used + size > *limit) {
                return Err(quota_exceeded(used, limit));
            }
            sha.update(&chunk);
            md5.update(&chunk);
            keep_tail(&mut tail, &chunk, tail_len);
            if probe.is_none() {
                let wanted = head_len - head.len();
                head.extend_from_slice(&chunk[..wanted.min(chunk.len())]);
                if head.len() == head_len {
                    probe = Some(self.check_pixels(self.prober.probe(&head)?)?);
                }
            }
            // Only images the fast path renders are worth keeping.
            let keeps =
                size <= keep_max && probe.as_ref().is_none_or(|p| p.kind == MediaKind::Image);
            match (&mut kept, keeps) {
                (Some(bytes), true) => bytes.extend_from_slice(&chunk),
                (Some(_), false) => kept = None,
                (None, _) => {}
            }
            writer.write(chunk).await?;
        }
        if size == 0 {
            return Err(DomainError::invalid("the file is empty"));
        }
        let probe = match probe {
            Some(probe) => probe,
            None => self.check_pixels(self.prober.probe(&head)?)?,
        };
        self.prober.check_end(&probe, &tail)?;
        Ok(Copied {
            kept: kept.filter(|_| probe.kind == MediaKind::Image),
            probe,
            sha256: hex::encode(sha.finalize()),
            md5: hex::encode(md5.finalize()),
            size: i64::try_from(size).map_err(DomainError::internal)?,
        })
    }

    /// The staged image made `width` pixels wide before it is stored (spec 5's `width`):
    /// the narrower file is staged and the upload's own removed. Kept as sent when it is
    /// not wider, not an image, or in a format not narrowed. On a refusal the staged
    /// upload is removed too.
    pub async fn narrow(
        &self,
        who: &Principal,
        staged: StagedUpload,
        width: u32,
    ) -> Result<StagedUpload> {
        let wider = staged.probe.kind == MediaKind::Image
            && staged
                .probe
                .width
                .is_some_and(|w| u32::try_from(w).unwrap_or(0) > width);
        if !wider {
            return Ok(staged);
        }
        let bytes = match &staged.kept {
            Some(bytes) => Ok(bytes.clone()),
            None => self.read_whole(&staged.blob.key, staged.blob.size).await,
        };
        let narrowed = match bytes {
            Ok(bytes) => self.prober.narrow(bytes, width, &self.limits.image).await,
            Err(err) => Err(err),
        };
        let result = match narrowed {
            Ok(Some(smaller)) => {
                let body = futures::stream::once(async move { Ok(Bytes::from(smaller)) });
                self.stage(who, Box::pin(body)).await
            }
            Ok(None) => return Ok(staged),
            Err(err) => Err(err),
        };
        self.discard(staged).await;
        result
    }

    /// Refuses a decompression bomb from its header, before the rest of it is stored.
    fn check_pixels(&self, probe: Probe) -> Result<Probe> {
        let ImageLimits {
            max_pixels: max,
            max_side,
            ..
        } = self.limits.image;
        if let (Some(w), Some(h)) = (probe.width, probe.height) {
            if u32::try_from(w.max(h)).unwrap_or(0) > max_side {
                return Err(DomainError::TooLarge(format!(
                    "the image is {w}×{h}, over the limit of {max_side} pixels per side"
                )));
            }
            let pixels = u64::try_from(w).unwrap_or(0) * u64::try_from(h).unwrap_or(0);
            if pixels > max {
                return Err(DomainError::TooLarge(format!(
                    "the image is {w}×{h} ({pixels} pixels), over the limit of {max} pixels"
                )));
            }
        }
        Ok(probe)
    }
}

/// The refusal of an upload that does not fit the user's plan (the same words as the
/// commit's check in storage).
fn quota_exceeded(used: u64, limit: u64) -> DomainError {
    DomainError::TooLarge(format!(
        "storage quota exceeded: {used} of {limit} bytes used, this file needs more"
    ))
}

fn keep_tail(tail: &mut Vec<u8>, chunk: &[u8], len: usize) {
    if chunk.len() >= len {
        tail.clear();
        tail.extend_from_slice(&chunk[chunk.len() - len..]);
    } else {
        tail.extend_from_slice(chunk);
        let excess = tail.len().saturating_sub(len);
        tail.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_only_the_last_bytes_across_chunks() {
        let mut tail = Vec::new();
        for chunk in [&b"abcdef"[..], b"gh", b"i"] {
            keep_tail(&mut tail, chunk, 4);
        }
        assert_eq!(tail, b"fghi");
    }
}
