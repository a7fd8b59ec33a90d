//! The composition root: the one place where repositories, blob store, media prober and
//! clock become use cases, and use cases become the HTTP layer's state. The HTTP crate
//! receives them ready made; the command line builds only what its command needs.

use std::sync::Arc;

use rand::RngCore;
use vitrine_domain::accounts::Accounts;
use vitrine_domain::attempts::Attempts;
use vitrine_domain::categories::Categories;
use vitrine_domain::clock::Clock;
use vitrine_domain::galleries::Galleries;
use vitrine_domain::library::Library;
use vitrine_domain::limits::Limits;
use vitrine_domain::organise::{Collections, Folders};
use vitrine_domain::ports::{BlobStore, MediaProber, Passwords, SettingsRepository};
use vitrine_domain::projects::Projects;
use vitrine_domain::shares::{ShareParts, Shares};
use vitrine_domain::{DomainError, Result};
use vitrine_http::{AppState, HttpSettings, Metrics, TokenIssuer, UrlSigner};
use vitrine_storage::Db;

use crate::counted_store::CountedStore;
use crate::passwords::BlockingPasswords;

/// What a serving process is made of.
pub struct Parts {
    pub db: Arc<Db>,
    pub store: Arc<dyn BlobStore>,
    pub prober: Arc<dyn MediaProber>,
    pub limits: Limits,
    pub http: HttpSettings,
    pub clock: Arc<dyn Clock>,
    /// Password hashes computed at once at most (argon2: tens of ms of a core each).
    pub password_checks: usize,
}

/// Users and API keys; without token checks or login limits (the command line needs
/// neither).
pub fn accounts(db: &Arc<Db>, passwords: Arc<dyn Passwords>, clock: &Arc<dyn Clock>) -> Accounts {
    Accounts::new(db.clone(), passwords, clock.clone())
}

/// Argon2 off the async threads, `at_once` at most.
pub fn passwords(at_once: usize) -> Arc<dyn Passwords> {
    Arc::new(BlockingPasswords::new(at_once))
}

/// Items, their bytes and the media pipeline.
pub fn library(parts: &Parts) -> Library {
    Library::new(
        parts.db.clone(),
        parts.db.clone(),
        parts.store.clone(),
        parts.prober.clone(),
        parts.limits.clone(),
        parts.clock.clone(),
    )
}

/// Every use case, with the HTTP layer's signing keys.
pub async fn state(mut parts: Parts) -> Result<AppState> {
    let metrics = Arc::new(Metrics::default());
    parts.store = Arc::new(CountedStore::new(parts.store, metrics.clone()));
    let db = &parts.db;
    let url_secret = secret(&**db, "url_signing_secret", &parts.http.url_signing_secret).await?;
    let jwt_secret = secret(&**db, "jwt_secret", &parts.http.jwt_secret).await?;
    let signer = UrlSigner::new(
        url_secret.as_bytes(),
        &parts.http.public_url,
        parts.http.signed_url_ttl,
    )
    .map_err(DomainError::internal)?;
    let tokens = TokenIssuer::new(jwt_secret.as_bytes(), parts.http.token_ttl);
    let library = library(&parts);
    let clock = &parts.clock;
    let passwords = passwords(parts.password_checks);
    let attempts = Attempts::new(db.clone(), clock.clone());
    Ok(AppState {
        shares: Shares::new(
            db.clone(),
            db.clone(),
            db.clone(),
            ShareParts {
                library: library.clone(),
                passwords: passwords.clone(),
                attempts: attempts.clone(),
                clock: clock.clone(),
                limits: parts.limits.shares.clone(),
            },
        ),
        folders: Folders::new(db.clone(), db.clone(), clock.clone()),
        collections: Collections::new(db.clone(), db.clone(), clock.clone()),
        galleries: Galleries::new(db.clone(), db.clone(), db.clone(), clock.clone()),
        projects: Projects::new(db.clone(), db.clone(), db.clone(), clock.clone()),
        categories: Categories::new(db.clone(), clock.clone()),
        accounts: accounts(db, passwords, clock)
            .with_tokens(Arc::new(tokens.clone()))
            .with_login_limits(attempts, parts.limits.logins.clone())
            .with_checked_credentials(parts.limits.logins.credentials_trusted_for),
        health: db.clone(),
        library,
        signer,
        tokens,
        settings: parts.http,
        metrics,
        clock: parts.clock,
    })
}

/// A secret from configuration; when absent, generated once and kept in the database so
/// every instance on it signs and verifies alike.
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
