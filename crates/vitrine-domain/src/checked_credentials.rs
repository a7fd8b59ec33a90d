//! Credentials checked lately, so most requests are authenticated without the database:
//! an API key's owner and scopes by the key's hash, a token's user by id.
//!
//! An entry lives `ttl` from when it was read. A change made through this process (a key
//! revoked, a plan changed) forgets every entry at once; a change made elsewhere (another
//! instance, the command line) is seen within `ttl`. Changes are rare, so forgetting all
//! is simpler than tracking whose entries they touch, and costs a lookup per credential.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;

use crate::user::{Scopes, User};
use crate::UserId;

/// Most credentials in use at once; beyond it the least used are read again.
const CAPACITY: u64 = 10_000;

#[derive(Clone)]
pub(crate) struct CheckedCredentials {
    keys: Cache<String, (User, Scopes)>,
    users: Cache<String, User>,
    /// Counts the changes made here: a read that began before one is not kept, so a
    /// lookup racing a revocation cannot put the revoked key back.
    changes: Arc<AtomicU64>,
}

/// When a read began, in changes seen.
#[derive(Clone, Copy)]
pub(crate) struct ReadStart(u64);

impl CheckedCredentials {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            keys: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build(),
            users: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build(),
            changes: Arc::new(AtomicU64::new(0)),
        }
    }

    pub(crate) fn read_start(&self) -> ReadStart {
        ReadStart(self.changes.load(Ordering::SeqCst))
    }

    pub(crate) async fn key(&self, hash: &str) -> Option<(User, Scopes)> {
        self.keys.get(hash).await
    }

    /// Kept after the insert only if nothing changed since the read began: a change
    /// between the two either comes before the check (and the entry goes) or after the
    /// insert (and forgets it with the rest).
    pub(crate) async fn keep_key(&self, start: ReadStart, hash: String, found: (User, Scopes)) {
        self.keys.insert(hash.clone(), found).await;
        if !self.unchanged_since(start) {
            self.keys.invalidate(&hash).await;
        }
    }

    pub(crate) async fn user(&self, id: &UserId) -> Option<User> {
        self.users.get(id.as_str()).await
    }

    /// As `keep_key`.
    pub(crate) async fn keep_user(&self, start: ReadStart, user: User) {
        let id = user.id.to_string();
        self.users.insert(id.clone(), user).await;
        if !self.unchanged_since(start) {
            self.users.invalidate(&id).await;
        }
    }

    /// A key, user or plan changed here: nothing read before is trusted any more.
    pub(crate) fn forget_all(&self) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        self.keys.invalidate_all();
        self.users.invalidate_all();
    }

    fn unchanged_since(&self, start: ReadStart) -> bool {
        self.changes.load(Ordering::SeqCst) == start.0
    }
}
