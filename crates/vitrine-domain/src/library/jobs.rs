//! The media pipeline's workers: each `serve` process runs some, each claiming one job
//! at a time from the database with a lease. Videos and images the upload's fast path
//! left alone (types it does not render, sizes too big to render while the client waits)
//! come through here, as does `vitrine media regenerate`.

use std::time::Instant;

use chrono::Duration;

use super::variants::{Original, Path};
use super::Library;
use crate::item::{MediaJob, MediaKind, ProcessedMedia};
use crate::ports::RenderedVariant;
use crate::{DomainError, ItemId, Result};

/// Queue priorities: lower runs first.
pub const FRESH: i32 = 0;
/// Priority of jobs made by a backfill of older items.
pub const BACKFILL: i32 = 10;

#[derive(Debug, Clone)]
/// How media jobs are leased and retried.
pub struct JobSettings {
    /// How long a claimed job is a worker's before another may take it over.
    pub lease: Duration,
    /// How many times a job is tried before it fails for good.
    pub max_attempts: i32,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            lease: Duration::minutes(10),
            max_attempts: 3,
        }
    }
}

/// A job in this process's hands, from its claim until its worker is done with it.
struct Held<'a> {
    library: &'a Library,
    id: String,
}

impl<'a> Held<'a> {
    fn new(library: &'a Library, job: &MediaJob) -> Self {
        if let Ok(mut claimed) = library.claimed.lock() {
            claimed.insert(job.id.clone(), job.clone());
        }
        Held {
            library,
            id: job.id.clone(),
        }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if let Ok(mut claimed) = self.library.claimed.lock() {
            claimed.remove(&self.id);
        }
    }
}

impl Library {
    /// Hands back every job this process's workers hold, for a process that is stopping:
    /// their leases end now, so another instance takes them over at once. Returns how many.
    #[tracing::instrument(skip_all)]
    pub async fn release_claimed_jobs(&self) -> Result<usize> {
        let held: Vec<MediaJob> = match self.claimed.lock() {
            Ok(claimed) => claimed.values().cloned().collect(),
            Err(_) => Vec::new(),
        };
        for job in &held {
            self.jobs.release_job(job, self.now()).await?;
        }
        Ok(held.len())
    }

    /// Claims and runs one job; `false` when none was ready.
    #[tracing::instrument(skip_all)]
    pub async fn run_one_job(&self, settings: &JobSettings) -> Result<bool> {
        let claimed_at = self.now();
        let Some(job) = self
            .jobs
            .claim_job(
                claimed_at,
                claimed_at + settings.lease,
                settings.max_attempts,
            )
            .await?
        else {
            return Ok(false);
        };
        let _held = Held::new(self, &job);
        let started = Instant::now();
        match self.process(&job).await {
            Ok(processed) => {
                let written = processed.variants.clone();
                let elapsed = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
                match self
                    .jobs
                    .finish_job(&job, processed, self.now(), elapsed)
                    .await
                {
                    Ok(redundant) => {
                        for key in redundant {
                            self.discard_key(&key).await;
                        }
                    }
                    // Another worker holds the job now; its result stands.
                    Err(DomainError::Conflict(reason)) => {
                        self.discard_variants(&written).await;
                        tracing::warn!(job = %job.id, item = %job.item, %reason, "media job result dropped");
                    }
                    Err(err) => {
                        self.discard_variants(&written).await;
                        self.record_failure(&job, settings, &err.to_string())
                            .await?;
                    }
                }
            }
            Err(err) => {
                self.record_failure(&job, settings, &err.to_string())
                    .await?
            }
        }
        Ok(true)
    }

    async fn record_failure(
        &self,
        job: &MediaJob,
        settings: &JobSettings,
        error: &str,
    ) -> Result<()> {
        let give_up = job.attempts >= settings.max_attempts;
        tracing::warn!(job = %job.id, item = %job.item, attempt = job.attempts, give_up, %error, "media job failed");
        match self.jobs.fail_job(job, error, give_up, self.now()).await {
            Err(DomainError::Conflict(reason)) => {
                tracing::warn!(job = %job.id, item = %job.item, %reason, "media job failure dropped");
                Ok(())
            }
            other => other,
        }
    }

    async fn process(&self, job: &MediaJob) -> Result<ProcessedMedia> {
        let item = self.items.item_unscoped(&job.item).await?;
        match item.kind {
            MediaKind::Image => {
                let original = Original {
                    key: &item.blob_key,
                    size: item.size,
                    kind: item.kind,
                    mime: &item.mime,
                    width: item.width,
                    height: item.height,
                    kept: None,
                };
                let prepared = self.prepare_variants(original, Path::Queue).await?;
                Ok(ProcessedMedia {
                    variants: prepared.variants,
                    width: prepared.width,
                    height: prepared.height,
                    duration_secs: None,
                    codec: None,
                    placeholder: prepared.placeholder,
                    is_animated: prepared.is_animated,
                    phash: prepared.phash,
                    quality_score: prepared.quality_score,
                    facts: prepared.facts,
                })
            }
            MediaKind::Video => self.process_video(&item.blob_key).await,
        }
    }

    /// Probes the video and stores its still (`frame`) and the still's `thumb`.
    async fn process_video(&self, key: &str) -> Result<ProcessedMedia> {
        let bytes = self.blobs.open(key).await?;
        let Some(info) = self.prober.video(bytes).await? else {
            // No ffmpeg here: the item stays without a still; `serve` said so once.
            return Ok(ProcessedMedia::default());
        };
        let mut processed = ProcessedMedia {
            width: info.width,
            height: info.height,
            duration_secs: info.duration_secs,
            codec: info.codec,
            ..ProcessedMedia::default()
        };
        let Some(frame) = info.frame else {
            return Ok(processed);
        };
        let rendered = self
            .prober
            .render(frame.clone(), "image/jpeg", &self.limits.image)
            .await?;
        let mut variants = Vec::new();
        if let Some(rendered) = rendered {
            variants.push(RenderedVariant {
                name: "frame",
                bytes: frame,
                mime: "image/jpeg",
                width: rendered.width,
                height: rendered.height,
            });
            variants.extend(
                rendered
                    .variants
                    .into_iter()
                    .filter(|variant| variant.name == "thumb"),
            );
            processed.placeholder = Some(rendered.placeholder);
            processed.phash = Some(rendered.phash);
            processed.quality_score = Some(rendered.quality_score);
        }
        processed.variants = self.store_variants(variants).await?;
        Ok(processed)
    }

    /// Queues every item (or those without a thumb) for new variants, behind fresh
    /// uploads. Returns how many were queued.
    #[tracing::instrument(skip_all)]
    pub async fn queue_regeneration(&self, missing_only: bool) -> Result<Vec<ItemId>> {
        let items = self.jobs.items_for_regeneration(missing_only).await?;
        for item in &items {
            self.jobs.enqueue_job(item, BACKFILL, self.now()).await?;
        }
        Ok(items)
    }
}
