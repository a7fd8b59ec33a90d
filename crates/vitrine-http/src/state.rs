//! What every handler can reach: the use cases, ready made by the binary's composition
//! root (`bins/vitrine/src/app.rs`), and the HTTP layer's own signing keys and settings.

use std::sync::Arc;
use std::time::Duration;

use vitrine_domain::accounts::Accounts;
use vitrine_domain::clock::Clock;
use vitrine_domain::galleries::Galleries;
use vitrine_domain::library::Library;
use vitrine_domain::organise::{Collections, Folders};
use vitrine_domain::ports::Health;
use vitrine_domain::projects::Projects;
use vitrine_domain::shares::Shares;

use crate::signing::UrlSigner;
use crate::tokens::TokenIssuer;
use crate::url_source::UrlFetcher;

#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Absolute base of every URL in responses, without a trailing slash.
    pub public_url: String,
    /// How long signed media URLs stay valid.
    pub signed_url_ttl: Duration,
    /// How long access tokens from `/api/v1/auth/token` stay valid.
    pub token_ttl: Duration,
    /// How long a dashboard sign-in lasts.
    pub session_ttl: Duration,
    /// The Bearer token `/metrics` takes; `None`: no `/metrics` at all.
    pub metrics_token: Option<String>,
    /// Secrets from configuration; when absent, generated once and kept in the database
    /// so every instance on it signs and verifies alike.
    pub url_signing_secret: Option<String>,
    pub jwt_secret: Option<String>,
    pub limits: ConnectionLimits,
    /// Fetches spec 5's URL sources under the configured policy (`url_fetch_allow`).
    pub url_fetcher: UrlFetcher,
}

/// What clients may hold of the server's connections and time (see `connections.rs`).
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// A request's head must arrive within this.
    pub request_head_timeout: Duration,
    /// A request body that sends nothing for this long is cut.
    pub body_idle_timeout: Duration,
    /// An idle keep-alive connection is closed after this.
    pub keep_alive: Duration,
    /// Connections the process holds at most (all workers together).
    pub max_connections: usize,
    /// Connections one client address may hold; further ones get 429 and are closed.
    pub max_connections_per_client: usize,
    /// On SIGTERM or SIGINT: no new connections, and this long for requests in flight.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            request_head_timeout: Duration::from_secs(10),
            body_idle_timeout: Duration::from_secs(30),
            keep_alive: Duration::from_secs(30),
            max_connections: 10_000,
            max_connections_per_client: 256,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".to_owned(),
            signed_url_ttl: Duration::from_secs(24 * 3600),
            token_ttl: Duration::from_secs(3600),
            session_ttl: Duration::from_secs(7 * 24 * 3600),
            metrics_token: None,
            url_signing_secret: None,
            jwt_secret: None,
            limits: ConnectionLimits::default(),
            url_fetcher: UrlFetcher::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub library: Library,
    pub folders: Folders,
    pub collections: Collections,
    pub galleries: Galleries,
    pub projects: Projects,
    pub categories: vitrine_domain::categories::Categories,
    pub shares: Shares,
    pub accounts: Accounts,
    pub health: Arc<dyn Health>,
    pub signer: UrlSigner,
    pub tokens: TokenIssuer,
    pub settings: HttpSettings,
    /// What `/metrics` shows; the binary's background tasks and blob store count into it.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The one clock: signed URLs, tokens and share cookies take their time from it.
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// Now, in Unix seconds, from the injected clock.
    pub fn now_secs(&self) -> i64 {
        self.clock.now().and_utc().timestamp()
    }
}
