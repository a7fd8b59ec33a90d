//! Limits on guessing passwords (share links, logins). Attempts count per bucket — a link,
//! an account, a client address — in fixed windows kept by the database, so every instance
//! shares them. An attempt is counted before its password is checked: concurrent guesses
//! cannot all pass a limit they read before any of them was counted, and a guess past the
//! limit costs no hash. A right password, and a guess turned away, take their attempt
//! back: what stays counted is the wrong passwords that were checked.

use std::future::Future;
use std::sync::Arc;

use chrono::Duration;

use crate::clock::Clock;
use crate::ports::AttemptRepository;
use crate::{DomainError, Result};

/// At most `max` attempts in `bucket` per window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptLimit {
    /// What is counted: an account, a client, a link.
    pub bucket: String,
    /// How many attempts the window allows.
    pub max: i64,
}

impl AttemptLimit {
    /// At most `max` attempts in `bucket` per window.
    pub fn new(bucket: impl Into<String>, max: i64) -> Self {
        Self {
            bucket: bucket.into(),
            max,
        }
    }
}

#[derive(Clone)]
/// Counts attempts and refuses past a limit, within a window of time.
pub struct Attempts {
    repo: Arc<dyn AttemptRepository>,
    clock: Arc<dyn Clock>,
}

impl Attempts {
    /// Attempts counted in `repo`, timed by `clock`.
    pub fn new(repo: Arc<dyn AttemptRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// Counts an attempt in every bucket of `limits`, then runs `check` (a password check
    /// answering whether it matched) unless a bucket is past its limit in the `window`:
    /// then `TooManyRequests`, and `check` never runs.
    pub async fn guard(
        &self,
        limits: &[AttemptLimit],
        window: Duration,
        check: impl Future<Output = Result<bool>>,
    ) -> Result<bool> {
        let now = self.clock.now();
        let since = now - window;
        let buckets: Vec<String> = limits.iter().map(|l| l.bucket.clone()).collect();
        let counts = self.repo.count_attempt(&buckets, since, now).await?;
        if counts
            .iter()
            .zip(limits)
            .any(|(count, limit)| *count > limit.max)
        {
            // Turned away, it was no attempt: only checked wrong passwords stay counted.
            self.repo.refund_attempt(&buckets, since).await?;
            return Err(DomainError::TooManyRequests {
                message: "Too many wrong passwords. Try again later.".into(),
                retry_after_secs: u64::try_from(window.num_seconds().max(1)).unwrap_or(1),
            });
        }
        let matched = check.await?;
        if matched {
            self.repo.refund_attempt(&buckets, since).await?;
        }
        Ok(matched)
    }
}
