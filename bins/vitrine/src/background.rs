//! Work every serving process runs beside its HTTP workers. Every instance runs all of it:
//! job claims never overlap, purging is per item and idempotent, and sweeping deletes only
//! what no row references, so instances only share the work.

use std::sync::Arc;
use std::time::Duration;

use vitrine_domain::library::jobs::JobSettings;
use vitrine_domain::library::Library;
use vitrine_http::Metrics;

#[derive(Debug, Clone)]
pub struct Background {
    /// Media workers; each claims one job at a time.
    pub media_workers: usize,
    pub jobs: JobSettings,
    /// How long an idle media worker waits before looking at the queue again.
    pub idle: Duration,
    /// How often expired trash is purged; `None`: never (tests purge by hand).
    pub trash_purge: Option<Duration>,
    /// How often expired items (spec 5's `expiration`) are deleted; `None`: never.
    pub expiry_sweep: Option<Duration>,
    /// How often objects nothing references are swept; `None`: never.
    pub orphan_sweep: Option<Duration>,
    /// How old an unreferenced object must be before a sweep removes it.
    pub orphan_grace: Duration,
}

impl Background {
    /// Starts every loop on the current actix runtime; each run counts into `metrics`.
    pub fn spawn(&self, library: &Library, metrics: &Arc<Metrics>) {
        for _ in 0..self.media_workers {
            spawn_media_worker(
                library.clone(),
                self.jobs.clone(),
                self.idle,
                metrics.clone(),
            );
        }
        if let Some(interval) = self.trash_purge {
            spawn_trash_purge(library.clone(), interval, metrics.clone());
        }
        if let Some(interval) = self.expiry_sweep {
            spawn_expiry_sweep(library.clone(), interval, metrics.clone());
        }
        if let Some(interval) = self.orphan_sweep {
            spawn_orphan_sweep(
                library.clone(),
                interval,
                self.orphan_grace,
                metrics.clone(),
            );
        }
    }
}

fn spawn_media_worker(
    library: Library,
    settings: JobSettings,
    idle: Duration,
    metrics: Arc<Metrics>,
) {
    actix_web::rt::spawn(async move {
        loop {
            match library.run_one_job(&settings).await {
                Ok(true) => metrics.task_ran("media_job", true),
                Ok(false) => actix_web::rt::time::sleep(idle).await,
                Err(err) => {
                    metrics.task_ran("media_job", false);
                    tracing::warn!(error = %err, "the media queue is unreachable; retrying");
                    actix_web::rt::time::sleep(idle).await;
                }
            }
        }
    });
}

/// Purges trash older than the retention, now and then every `interval`.
fn spawn_trash_purge(library: Library, interval: Duration, metrics: Arc<Metrics>) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(interval.max(Duration::from_secs(1)));
        loop {
            tick.tick().await;
            let purged = library.purge_trashed_before(library.trash_cutoff()).await;
            metrics.task_ran("trash_purge", purged.is_ok());
            match purged {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "purged expired trash"),
                Err(err) => tracing::warn!(error = %err, "the trash job failed; retrying later"),
            }
        }
    });
}

/// Deletes expired items, now and then every `interval`.
fn spawn_expiry_sweep(library: Library, interval: Duration, metrics: Arc<Metrics>) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(interval.max(Duration::from_secs(1)));
        loop {
            tick.tick().await;
            let purged = library.purge_expired().await;
            metrics.task_ran("expiry_sweep", purged.is_ok());
            match purged {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "deleted expired items"),
                Err(err) => tracing::warn!(error = %err, "the expiry sweep failed; retrying later"),
            }
        }
    });
}

/// Sweeps objects nothing references (what a killed process left), now and then every
/// `interval`.
fn spawn_orphan_sweep(
    library: Library,
    interval: Duration,
    grace: Duration,
    metrics: Arc<Metrics>,
) {
    let grace = chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::MAX);
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(interval.max(Duration::from_secs(1)));
        loop {
            tick.tick().await;
            let swept = library.sweep_orphans(grace).await;
            metrics.task_ran("orphan_sweep", swept.is_ok());
            if let Err(err) = swept {
                tracing::warn!(error = %err, "the orphan sweep failed; retrying later");
            }
        }
    });
}
