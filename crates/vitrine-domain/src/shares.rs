//! Share links: a public page for one item or one collection, optionally behind a
//! password, with an expiry and download permission. The link's token is random and
//! shown once; only its SHA-256 is stored. One live link per item or collection: a new
//! one revokes the old, so changing a password or expiry never leaves the old link open.

use std::str::FromStr;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::attempts::{AttemptLimit, Attempts};
use crate::clock::Clock;
use crate::item::{unexpired, Item, ItemStatus};
use crate::library::Library;
use crate::ports::{CollectionRepository, ItemRepository, Passwords, ShareRepository};
use crate::user::{Principal, Scope};
use crate::{CollectionId, DomainError, ItemId, Result, ShareId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
/// What a share link opens.
pub enum ShareTarget {
    /// One item.
    Item(ItemId),
    /// A collection, and the items in it.
    Collection(CollectionId),
}

/// Spec 1's `expiresIn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiresIn {
    /// One hour (`1h`).
    Hour,
    /// One day (`1d`).
    Day,
    /// Seven days (`7d`, the default).
    Week,
    /// Thirty days (`30d`).
    Month,
    /// Until revoked (`never`).
    Never,
}

impl ExpiresIn {
    /// How long a link lasts; `None` for `Never`.
    pub fn duration(self) -> Option<Duration> {
        match self {
            ExpiresIn::Hour => Some(Duration::hours(1)),
            ExpiresIn::Day => Some(Duration::days(1)),
            ExpiresIn::Week => Some(Duration::days(7)),
            ExpiresIn::Month => Some(Duration::days(30)),
            ExpiresIn::Never => None,
        }
    }
}

impl FromStr for ExpiresIn {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Self> {
        Ok(match raw {
            "1h" => ExpiresIn::Hour,
            "1d" => ExpiresIn::Day,
            "7d" => ExpiresIn::Week,
            "30d" => ExpiresIn::Month,
            "never" => ExpiresIn::Never,
            _ => {
                return Err(DomainError::invalid_field(
                    "expires_in",
                    "one of 1h, 1d, 7d, 30d, never",
                ))
            }
        })
    }
}

#[derive(Debug, Clone)]
/// How a new link behaves.
pub struct ShareOptions {
    /// How long it lasts.
    pub expires_in: ExpiresIn,
    /// A password visitors must give first; hashed with argon2.
    pub password: Option<String>,
    /// Whether visitors may download originals (and ZIPs), not only previews.
    pub allow_download: bool,
    /// Serve images with their EXIF/XMP (camera, GPS, dates) removed.
    pub hide_metadata: bool,
}

#[derive(Debug, Clone)]
/// A share link as stored: never its token, only the token's hash.
pub struct Share {
    /// Its id.
    pub id: ShareId,
    /// The user who made it.
    pub owner: UserId,
    /// What it opens.
    pub target: ShareTarget,
    /// The argon2 hash of its password, when it has one.
    pub password_hash: Option<String>,
    /// Whether originals and ZIPs may be downloaded.
    pub allow_download: bool,
    /// Whether originals and ZIP entries leave out EXIF, XMP and IPTC.
    pub hide_metadata: bool,
    /// When it stops opening; `None`: never.
    pub expires_at: Option<NaiveDateTime>,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it was revoked, if it was.
    pub revoked_at: Option<NaiveDateTime>,
}

/// A new link: the token exists in clear only here, to build the URL.
#[derive(Debug, Clone)]
pub struct CreatedShare {
    /// The token in the link, shown this once.
    pub token: String,
    /// The share as stored.
    pub share: Share,
}

/// Limits on guessing share passwords.
#[derive(Debug, Clone)]
pub struct ShareLimits {
    /// Wrong passwords one link takes within `window`.
    pub attempts_per_link: i64,
    /// Wrong passwords one client may try within `window`, over every link.
    pub attempts_per_client: i64,
    /// The window the attempts are counted over.
    pub window: Duration,
    /// The shortest password a link may have.
    pub min_password_len: usize,
}

impl Default for ShareLimits {
    fn default() -> Self {
        Self {
            attempts_per_link: 10,
            attempts_per_client: 30,
            window: Duration::minutes(15),
            min_password_len: 8,
        }
    }
}

/// SHA-256 of a token, hex: what is stored in its place.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Clone)]
/// Share links: made, listed, opened, unlocked with their password, revoked.
pub struct Shares {
    repo: Arc<dyn ShareRepository>,
    items: Arc<dyn ItemRepository>,
    collections: Arc<dyn CollectionRepository>,
    /// Where a page's bytes and previews come from.
    library: Library,
    passwords: Arc<dyn Passwords>,
    attempts: Attempts,
    clock: Arc<dyn Clock>,
    limits: ShareLimits,
}

/// What a link's use case is made of besides its repositories.
pub struct ShareParts {
    /// The library the shared items are in.
    pub library: Library,
    /// Hashes and checks link passwords.
    pub passwords: Arc<dyn Passwords>,
    /// Counts wrong passwords.
    pub attempts: Attempts,
    /// The one clock.
    pub clock: Arc<dyn Clock>,
    /// Password and guessing limits.
    pub limits: ShareLimits,
}

impl Shares {
    /// The share use cases over their parts.
    pub fn new(
        repo: Arc<dyn ShareRepository>,
        items: Arc<dyn ItemRepository>,
        collections: Arc<dyn CollectionRepository>,
        parts: ShareParts,
    ) -> Self {
        Self {
            repo,
            items,
            collections,
            library: parts.library,
            passwords: parts.passwords,
            attempts: parts.attempts,
            clock: parts.clock,
            limits: parts.limits,
        }
    }

    /// The clock's time now.
    pub fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Makes a link to the caller's item or collection and revokes the target's previous
    /// one; the token is in the answer, once.
    pub async fn create(
        &self,
        who: &Principal,
        target: ShareTarget,
        options: ShareOptions,
    ) -> Result<CreatedShare> {
        who.require(Scope::SharesWrite)?;
        self.require_target(who, &target).await?;
        let password_hash = match options.password.as_deref() {
            None | Some("") => None,
            Some(password) if password.chars().count() < self.limits.min_password_len => {
                return Err(DomainError::invalid_field(
                    "password",
                    format!("at least {} characters", self.limits.min_password_len),
                ))
            }
            Some(password) => Some(self.passwords.hash(password).await?),
        };
        let now = self.now();
        let mut token = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut token);
        let token = URL_SAFE_NO_PAD.encode(token);
        let share = Share {
            id: ShareId::generate(),
            owner: who.user.id.clone(),
            target,
            password_hash,
            allow_download: options.allow_download,
            hide_metadata: options.hide_metadata,
            expires_at: options.expires_in.duration().map(|d| now + d),
            created_at: now,
            revoked_at: None,
        };
        self.repo.insert_share(&share, &token_hash(&token)).await?;
        Ok(CreatedShare { token, share })
    }

    /// Revokes the target's live link; 404 when it has none.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn revoke(&self, who: &Principal, target: ShareTarget) -> Result<()> {
        who.require(Scope::SharesWrite)?;
        self.require_target(who, &target).await?;
        match self
            .repo
            .revoke_shares(&who.user.id, &target, self.now())
            .await?
        {
            0 => Err(DomainError::NotFound("share")),
            _ => Ok(()),
        }
    }

    /// The caller's links that still open, newest first (the dashboard lists them).
    pub async fn live(&self, who: &Principal) -> Result<Vec<Share>> {
        who.require(Scope::SharesWrite)?;
        self.repo.live_shares(&who.user.id, self.now()).await
    }

    async fn require_target(&self, who: &Principal, target: &ShareTarget) -> Result<()> {
        match target {
            ShareTarget::Item(id) => {
                let item = unexpired(self.items.item(&who.user.id, id).await?, self.now())?;
                if item.status == ItemStatus::Trash {
                    return Err(DomainError::Conflict(
                        "an item in the trash cannot be shared".into(),
                    ));
                }
            }
            ShareTarget::Collection(id) => {
                self.collections.collection(&who.user.id, id).await?;
            }
        }
        Ok(())
    }

    /// The live share behind a token: 404 for none, 410 once revoked or expired.
    #[tracing::instrument(skip_all)]
    pub async fn open(&self, token: &str) -> Result<Share> {
        let share = self
            .repo
            .share_by_token(&token_hash(token))
            .await?
            .ok_or(DomainError::NotFound("share"))?;
        if share.revoked_at.is_some() {
            return Err(DomainError::Gone("This link has been revoked.".into()));
        }
        if share.expires_at.is_some_and(|at| at <= self.now()) {
            return Err(DomainError::Gone("This link has expired.".into()));
        }
        Ok(share)
    }

    /// Checks a share's password. Guesses count per link and per client address (both
    /// across every instance), before the check; past either limit even the right
    /// password waits.
    #[tracing::instrument(skip_all)]
    pub async fn unlock(&self, share: &Share, password: &str, client: &str) -> Result<()> {
        let Some(hash) = &share.password_hash else {
            return Ok(());
        };
        let limits = [
            AttemptLimit::new(format!("share:{}", share.id), self.limits.attempts_per_link),
            AttemptLimit::new(format!("client:{client}"), self.limits.attempts_per_client),
        ];
        let check = self.passwords.verify(hash, password);
        if self
            .attempts
            .guard(&limits, self.limits.window, check)
            .await?
        {
            Ok(())
        } else {
            Err(DomainError::Forbidden("Wrong password.".into()))
        }
    }

    /// What the link shows: the item, or the collection's active items newest first.
    #[tracing::instrument(skip_all)]
    pub async fn items(&self, share: &Share) -> Result<Vec<Item>> {
        match &share.target {
            ShareTarget::Item(id) => Ok(vec![self.live_item(share, id).await?]),
            ShareTarget::Collection(id) => {
                let now = self.now();
                let mut items = self.collections.collection_items(&share.owner, id).await?;
                items.retain(|item| !item.expired_at(now));
                Ok(items)
            }
        }
    }

    /// One item reached through the link: the shared item itself, or an active member
    /// of the shared collection. Anything else is 404, whatever its owner.
    #[tracing::instrument(skip_all)]
    pub async fn item(&self, share: &Share, id: &ItemId) -> Result<Item> {
        match &share.target {
            ShareTarget::Item(shared) if shared == id => self.live_item(share, id).await,
            ShareTarget::Collection(collection) => {
                let item = unexpired(self.items.item(&share.owner, id).await?, self.now())?;
                if item.status == ItemStatus::Active && item.collections.contains(collection) {
                    Ok(item)
                } else {
                    Err(DomainError::NotFound("item"))
                }
            }
            ShareTarget::Item(_) => Err(DomainError::NotFound("item")),
        }
    }

    /// The shared item while it is active; trashing it or its expiry takes the page down.
    async fn live_item(&self, share: &Share, id: &ItemId) -> Result<Item> {
        let item = self.items.item(&share.owner, id).await?;
        if item.status == ItemStatus::Trash || item.expired_at(self.now()) {
            return Err(DomainError::Gone("This item is no longer shared.".into()));
        }
        Ok(item)
    }

    /// A preview fitting `side` of an item reached through a link (by [`Shares::item`]),
    /// for one the upload did not render: a visitor never needs the original for it.
    #[tracing::instrument(skip_all)]
    pub async fn preview(&self, item: &Item, side: u32) -> Result<bytes::Bytes> {
        self.library.preview(item, side).await
    }

    #[tracing::instrument(skip_all)]
    /// The name of the collection a share opens; `None` for an item's share.
    pub async fn collection_name(&self, share: &Share) -> Result<Option<String>> {
        match &share.target {
            ShareTarget::Item(_) => Ok(None),
            ShareTarget::Collection(id) => Ok(Some(
                self.collections.collection(&share.owner, id).await?.name,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_options_are_spec_ones() {
        assert_eq!("7d".parse::<ExpiresIn>().unwrap(), ExpiresIn::Week);
        assert_eq!(ExpiresIn::Hour.duration(), Some(Duration::hours(1)));
        assert_eq!(ExpiresIn::Never.duration(), None);
        assert!("2w".parse::<ExpiresIn>().is_err());
    }
}
