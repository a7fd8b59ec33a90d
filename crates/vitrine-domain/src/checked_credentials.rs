//! Credentials checked lately, so most requests are authenticated without the database:
//! an API key's owner and scopes by the key's hash, a token's user by id.
//!
//! An entry lives `ttl` from when it was read. A change made through this process (a key
//! revoked, a plan changed) forgets every entry at once; a change made elsewhere (another
//! instance, the command line) is seen within `ttl`. Changes are rare, so forgetting all
//! is simpler than tracking whose entries they touch, and costs a lookup per credential.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;

use crate::user::{Scopes, User};
use crate::{Result, UserId};

/// Most credentials in use at once; beyond it the least used are read again.
const CAPACITY: u64 = 10_000;

#[derive(Clone)]
pub(crate) struct CheckedCredentials {
    /// None: nothing is trusted, every credential is read.
    caches: Option<Caches>,
    /// Counts the changes made here: a read that began before one is not kept, so a
    /// lookup racing a revocation cannot put the revoked key back.
    changes: Arc<AtomicU64>,
}

#[derive(Clone)]
struct Caches {
    keys: Cache<String, (User, Scopes)>,
    users: Cache<String, User>,
}

impl CheckedCredentials {
    /// Trusts what it read for `ttl`; zero trusts nothing.
    pub(crate) fn new(ttl: Duration) -> Self {
        let caches = (!ttl.is_zero()).then(|| Caches {
            keys: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build(),
            users: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build(),
        });
        Self {
            caches,
            changes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The key with this hash, as checked lately or as `read` finds it.
    pub(crate) async fn key(
        &self,
        hash: &str,
        read: impl Future<Output = Result<Option<(User, Scopes)>>>,
    ) -> Result<Option<(User, Scopes)>> {
        match &self.caches {
            Some(caches) => self.remembered(&caches.keys, hash, read).await,
            None => read.await,
        }
    }

    /// The user with this id, as checked lately or as `read` finds them.
    pub(crate) async fn user(
        &self,
        id: &UserId,
        read: impl Future<Output = Result<Option<User>>>,
    ) -> Result<Option<User>> {
        match &self.caches {
            Some(caches) => self.remembered(&caches.users, id.as_str(), read).await,
            None => read.await,
        }
    }

    /// A key, user or plan changed here: nothing read before is trusted any more.
    pub(crate) fn forget_all(&self) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        if let Some(caches) = &self.caches {
            caches.keys.invalidate_all();
            caches.users.invalidate_all();
        }
    }

    /// What was read is kept only if nothing changed since the read began, checked after
    /// the insert: a change between the two either comes before the check (and the entry
    /// goes) or after the insert (and forgets it with the rest).
    async fn remembered<V: Clone + Send + Sync + 'static>(
        &self,
        cache: &Cache<String, V>,
        key: &str,
        read: impl Future<Output = Result<Option<V>>>,
    ) -> Result<Option<V>> {
        if let Some(hit) = cache.get(key).await {
            return Ok(Some(hit));
        }
        let start = self.changes.load(Ordering::SeqCst);
        let found = read.await?;
        if let Some(value) = &found {
            cache.insert(key.to_owned(), value.clone()).await;
            if self.changes.load(Ordering::SeqCst) != start {
                cache.invalidate(key).await;
            }
        }
        Ok(found)
    }
}
