//! Password hashing off the async threads, a bounded number at a time: argon2 takes tens
//! of milliseconds of a core, and a burst of logins or share guesses must queue here
//! instead of stalling every other request on the same workers.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::Semaphore;
use vitrine_domain::accounts::{hash_password, password_matches};
use vitrine_domain::ports::Passwords;
use vitrine_domain::{DomainError, Result};

pub struct BlockingPasswords {
    permits: Arc<Semaphore>,
}

impl BlockingPasswords {
    /// At most `at_once` hashes run together (at least one).
    pub fn new(at_once: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(DomainError::internal)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(DomainError::internal)?
    }
}

#[async_trait]
impl Passwords for BlockingPasswords {
    async fn hash(&self, password: &str) -> Result<String> {
        let password = password.to_owned();
        self.run(move || hash_password(&password)).await
    }

    async fn verify(&self, hash: &str, password: &str) -> Result<bool> {
        let (hash, password) = (hash.to_owned(), password.to_owned());
        self.run(move || password_matches(&hash, &password)).await
    }
}
