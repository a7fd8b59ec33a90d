//! The threads full-resolution decodes run on: as many as there are cores, always the same
//! ones. On the blocking pool each decode could land on another thread, and glibc keeps
//! what a thread frees in that thread's own arena: the buffers of one 100-megapixel decode
//! stayed resident while the next ran elsewhere, and the process outgrew its decode budget
//! (docs/BENCHMARKS.md, "Decode budget"). On a few fixed threads the next decode reuses
//! the memory the last one freed.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use vitrine_domain::{DomainError, Result};

type Job = Box<dyn FnOnce() + Send>;

#[derive(Debug, Clone)]
pub(crate) struct Decoders {
    jobs: Sender<Job>,
}

impl Decoders {
    /// `threads` decode threads; they end when the last clone is dropped.
    pub fn new(threads: usize) -> Self {
        let (jobs, waiting) = mpsc::channel::<Job>();
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..threads.max(1) {
            let waiting = waiting.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("decode-{n}"))
                .spawn(move || work(&waiting));
            if let Err(err) = spawned {
                tracing::warn!(error = %err, "a decode thread could not start");
            }
        }
        Self { jobs }
    }

    /// Runs `decode` on a decode thread (on the blocking pool if none could start). A
    /// panic in it is an internal error, and the thread lives on.
    pub async fn run<T: Send + 'static>(
        &self,
        decode: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(decode());
        });
        if let Err(mpsc::SendError(job)) = self.jobs.send(job) {
            tokio::task::spawn_blocking(job)
                .await
                .map_err(DomainError::internal)?;
        }
        result
            .await
            .map_err(|_| DomainError::internal("the decode failed unexpectedly"))
    }
}

fn work(waiting: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held while waiting for a job, never while running one.
        let job = match waiting.lock() {
            Ok(waiting) => waiting.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => {
                if std::panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
                    tracing::error!("a decode panicked");
                }
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread_name() -> String {
        std::thread::current().name().unwrap_or_default().to_owned()
    }

    /// Every decode runs on one of the pool's own threads, and a panic costs the pool
    /// neither its thread nor the next decode.
    #[tokio::test]
    async fn decodes_run_on_the_same_few_threads_and_survive_panics() {
        let decoders = Decoders::new(2);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..20 {
            seen.insert(decoders.run(thread_name).await.unwrap());
        }
        assert!(
            seen.iter().all(|name| name.starts_with("decode-")),
            "{seen:?}"
        );
        assert!(seen.len() <= 2, "{seen:?}");

        for _ in 0..3 {
            let failed = decoders.run(|| panic!("a corrupt image")).await;
            assert!(matches!(failed, Err(DomainError::Internal(_))));
        }
        assert_eq!(decoders.run(|| 7).await.unwrap(), 7);
    }
}
