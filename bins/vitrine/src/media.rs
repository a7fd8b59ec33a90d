//! `vitrine media regenerate`: new variants for existing items after settings change.

use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use vitrine::app::{self, Parts};
use vitrine_domain::clock::Clock;
use vitrine_storage::{open_store, Db, S3Settings, StoreUrl};

use crate::config::Config;

/// Queues the items behind fresh uploads, then works the queue here with one worker per
/// core until it is empty. Running servers share the work: claims never overlap.
pub async fn regenerate(
    config: &Config,
    db: Arc<Db>,
    clock: Arc<dyn Clock>,
    missing_only: bool,
) -> anyhow::Result<()> {
    let store = open_store(&StoreUrl::parse(&config.store())?, &S3Settings::from_env()).await?;
    let library = app::library(&Parts {
        db,
        store: Arc::new(store),
        prober: Arc::new(config.prober()),
        limits: config.limits(),
        http: config.http()?,
        clock,
        password_checks: config.password_checks(),
    });
    let queued = library.queue_regeneration(missing_only).await?;
    println!("{} items queued", queued.len());
    let bar = ProgressBar::new(queued.len() as u64);
    if let Ok(style) =
        ProgressStyle::with_template("regenerate [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    let settings = config.jobs();
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let workers = (0..config.media_workers.unwrap_or(cores).max(1)).map(|_| {
        let (library, settings, bar) = (library.clone(), settings.clone(), bar.clone());
        async move {
            while library.run_one_job(&settings).await? {
                bar.inc(1);
            }
            anyhow::Ok(())
        }
    });
    for outcome in futures::future::join_all(workers).await {
        outcome?;
    }
    bar.finish();
    println!("regenerated {} items", bar.position());
    Ok(())
}
