//! `vitrine transfer`: copy this installation to another database and store.

use std::sync::{Arc, Mutex};

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use vitrine_storage::{open_store, Db, Progress, S3Settings, StoreUrl, Transfer};

use crate::config::Config;

pub struct Target {
    pub database_url: String,
    pub store: String,
    /// Continue into a target that already holds data (an interrupted transfer).
    pub resume: bool,
}

pub async fn run(config: &Config, source_db: Arc<Db>, target: Target) -> anyhow::Result<()> {
    let s3 = S3Settings::from_env();
    let source_store = open_store(&StoreUrl::parse(&config.store())?, &s3)
        .await
        .context("opening the source store")?;
    let target_url = target.database_url.clone();
    let target_db = tokio::task::spawn_blocking(move || Db::connect(&target_url))
        .await?
        .context("opening the target database")?;
    let target_store = open_store(&StoreUrl::parse(&target.store)?, &s3)
        .await
        .context("opening the target store")?;
    let transfer = Transfer {
        from_db: &source_db,
        from_store: &source_store,
        to_db: &target_db,
        to_store: &target_store,
    };
    if !target.resume && !transfer.target_is_empty().await? {
        bail!("the target database is not empty; pass --resume to continue an interrupted transfer into it");
    }
    let bars = Bars::default();
    let report = transfer.run(&bars).await?;
    bars.finish();
    println!(
        "transferred: {} objects copied ({} bytes), {} already in place and verified",
        report.objects_copied, report.bytes_copied, report.objects_verified_in_place
    );
    for (table, rows) in report.rows {
        println!("  {table}: {rows} rows");
    }
    Ok(())
}

/// One progress bar per phase, on stderr so stdout stays a clean report.
#[derive(Default)]
struct Bars {
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn finish(&self) {
        if let Ok(mut current) = self.current.lock() {
            if let Some(bar) = current.take() {
                bar.finish();
            }
        }
    }
}

impl Progress for Bars {
    fn phase(&self, name: &str, total: u64) {
        self.finish();
        let template = if name == "objects" {
            "{prefix:>10} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
        } else {
            "{prefix:>10} [{bar:40}] {pos}/{len} rows"
        };
        let bar = ProgressBar::new(total).with_prefix(name.to_owned());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        if let Ok(mut current) = self.current.lock() {
            *current = Some(bar);
        }
    }

    fn advance(&self, by: u64) {
        if let Ok(current) = self.current.lock() {
            if let Some(bar) = current.as_ref() {
                bar.inc(by);
            }
        }
    }
}
