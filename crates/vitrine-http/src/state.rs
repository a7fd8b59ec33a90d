//! What every handler can reach, and how it is put together from the ports.

use std::sync::Arc;
use std::time::Duration;

use rand::RngCore;
use vitrine_domain::accounts::Accounts;
use vitrine_domain::clock::Clock;
use vitrine_domain::library::Library;
use vitrine_domain::limits::Limits;
use vitrine_domain::organise::{Collections, Folders};
use vitrine_domain::ports::{
    BlobStore, CollectionRepository, FolderRepository, Health, ItemRepository, JobRepository,
    MediaProber, SettingsRepository, ShareRepository, UserRepository,
};
use vitrine_domain::shares::Shares;
use vitrine_domain::tx::Transactions;
use vitrine_domain::Result;

use crate::signing::UrlSigner;
use crate::tokens::TokenIssuer;

#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Absolute base of every URL in responses, without a trailing slash.
    pub public_url: String,
    /// How long signed media URLs stay valid.
    pub signed_url_ttl: Duration,
    /// How long access tokens from `/api/v1/auth/token` stay valid.
    pub token_ttl: Duration,
    /// Secrets from configuration; when absent, generated once and kept in the database
    /// so every instance on it signs and verifies alike.
    pub url_signing_secret: Option<String>,
    pub jwt_secret: Option<String>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".to_owned(),
            signed_url_ttl: Duration::from_secs(24 * 3600),
            token_ttl: Duration::from_secs(3600),
            url_signing_secret: None,
            jwt_secret: None,
        }
    }
}

/// A database that implements every repository port.
pub trait Repositories:
    UserRepository
    + ItemRepository
    + FolderRepository
    + CollectionRepository
    + SettingsRepository
    + ShareRepository
    + JobRepository
    + Transactions
    + Health
    + 'static
{
}
impl<T> Repositories for T where
    T: UserRepository
        + ItemRepository
        + FolderRepository
        + CollectionRepository
        + SettingsRepository
        + ShareRepository
        + JobRepository
        + Transactions
        + Health
        + 'static
{
}

#[derive(Clone)]
pub struct AppState {
    pub library: Library,
    pub folders: Folders,
    pub collections: Collections,
    pub shares: Shares,
    pub accounts: Accounts,
    pub users: Arc<dyn UserRepository>,
    pub health: Arc<dyn Health>,
    pub signer: UrlSigner,
    pub tokens: TokenIssuer,
    pub settings: HttpSettings,
    /// The one clock: signed URLs, tokens and share cookies take their time from it.
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// Now, in Unix seconds, from the injected clock.
    pub fn now_secs(&self) -> i64 {
        self.clock.now().and_utc().timestamp()
    }
}

impl AppState {
    pub async fn build<R: Repositories>(
        db: Arc<R>,
        blobs: Arc<dyn BlobStore>,
        prober: Arc<dyn MediaProber>,
        limits: Limits,
        settings: HttpSettings,
        clock: Arc<dyn Clock>,
    ) -> Result<AppState> {
        let url_secret = secret(&*db, "url_signing_secret", &settings.url_signing_secret).await?;
        let jwt_secret = secret(&*db, "jwt_secret", &settings.jwt_secret).await?;
        let signer = UrlSigner::new(
            url_secret.as_bytes(),
            &settings.public_url,
            settings.signed_url_ttl,
        )
        .map_err(vitrine_domain::DomainError::internal)?;
        let tokens = TokenIssuer::new(jwt_secret.as_bytes(), settings.token_ttl);
        let shares = Shares::new(
            db.clone(),
            db.clone(),
            db.clone(),
            clock.clone(),
            limits.shares.clone(),
        );
        Ok(AppState {
            library: Library::new(db.clone(), db.clone(), blobs, prober, limits),
            shares,
            folders: Folders::new(db.clone(), db.clone(), clock.clone()),
            collections: Collections::new(db.clone(), db.clone(), clock.clone()),
            accounts: Accounts::new(db.clone())
                .with_tokens(Arc::new(tokens.clone()), clock.clone()),
            users: db.clone(),
            health: db,
            signer,
            tokens,
            settings,
            clock,
        })
    }
}

async fn secret(
    db: &dyn SettingsRepository,
    name: &str,
    configured: &Option<String>,
) -> Result<String> {
    if let Some(value) = configured {
        return Ok(value.clone());
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    db.setting_or_insert(name, hex::encode(bytes)).await
}
