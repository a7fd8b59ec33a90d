//! Spec 5's URL source: the server fetches an http(s) URL a client names, without ever
//! reaching an address the fetch policy refuses (`vitrine_domain::fetch_policy`). Each hop
//! is checked before it is opened: a literal address as written (the URL parser has
//! already turned `2130706433` or `0x7f.1` into `127.0.0.1`), a name by every address it
//! resolves to, and the connection goes to those checked addresses only, so a second DNS
//! answer cannot swap them. Redirects are followed by hand, each one checked the same way.
//! The body arrives as a stream that stops with an error at the size limit.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use reqwest::header::LOCATION;
use reqwest::{redirect, Url};
use vitrine_domain::fetch_policy::FetchPolicy;
use vitrine_domain::{DomainError, Result};

/// Redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 5;

/// Opens URL sources under a fetch policy.
#[derive(Clone)]
pub struct UrlFetcher {
    policy: Arc<FetchPolicy>,
    /// For the whole fetch, body included.
    timeout: Duration,
}

/// An answered URL: its final address, the length it announced and its body.
pub struct Fetched {
    /// Where the last redirect led.
    pub url: Url,
    pub content_length: Option<u64>,
    response: reqwest::Response,
}

impl std::fmt::Debug for UrlFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlFetcher")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The default policy (no private address allowed) and a minute for a fetch.
impl Default for UrlFetcher {
    fn default() -> Self {
        let nothing: [&str; 0] = [];
        let policy = FetchPolicy::new(&nothing).unwrap_or_else(|_| unreachable!("empty list"));
        Self::new(policy, Duration::from_secs(60))
    }
}

impl UrlFetcher {
    pub fn new(policy: FetchPolicy, timeout: Duration) -> Self {
        Self {
            policy: Arc::new(policy),
            timeout,
        }
    }

    /// Opens `source` (following at most [`MAX_REDIRECTS`] redirects) and refuses a body
    /// that announces more than `max_bytes`.
    pub async fn open(&self, source: &str, max_bytes: u64) -> Result<Fetched> {
        let mut url =
            Url::parse(source.trim()).map_err(|_| DomainError::invalid("source is not a URL"))?;
        for _ in 0..=MAX_REDIRECTS {
            let response = self.get(&url).await?;
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .ok_or_else(|| {
                        DomainError::invalid(format!(
                            "the URL answered {status} without a Location"
                        ))
                    })?;
                url = url.join(location).map_err(|_| {
                    DomainError::invalid(format!("the URL redirected to a bad address: {location}"))
                })?;
                continue;
            }
            if !status.is_success() {
                return Err(DomainError::invalid(format!("the URL answered {status}")));
            }
            let content_length = response.content_length();
            if content_length.is_some_and(|n| n > max_bytes) {
                return Err(too_large(max_bytes));
            }
            return Ok(Fetched {
                url,
                content_length,
                response,
            });
        }
        Err(DomainError::invalid(format!(
            "the URL redirected more than {MAX_REDIRECTS} times"
        )))
    }

    /// One request to `url`, on addresses the policy allows.
    async fn get(&self, url: &Url) -> Result<reqwest::Response> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(DomainError::invalid(format!(
                "only http and https URLs can be fetched, not {}:",
                url.scheme()
            )));
        }
        let host = url
            .host_str()
            .ok_or_else(|| DomainError::invalid("the URL has no host"))?;
        let port = url.port_or_known_default().unwrap_or(80);
        let mut client = reqwest::Client::builder()
            .redirect(redirect::Policy::none())
            .timeout(self.timeout);
        match host.trim_matches(['[', ']']).parse::<IpAddr>() {
            Ok(ip) => self.policy.check(ip)?,
            Err(_) => {
                let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
                    .await
                    .map_err(|_| DomainError::invalid(format!("host {host} does not resolve")))?
                    .collect();
                if addresses.is_empty() {
                    return Err(DomainError::invalid(format!(
                        "host {host} does not resolve"
                    )));
                }
                // Every address must pass: a name that also points inside is refused.
                for address in &addresses {
                    self.policy.check(address.ip())?;
                }
                client = client.resolve_to_addrs(host, &addresses);
            }
        }
        let client = client.build().map_err(DomainError::internal)?;
        client
            .get(url.clone())
            .send()
            .await
            .map_err(|err| DomainError::invalid(format!("the URL could not be fetched: {err}")))
    }
}

fn too_large(max_bytes: u64) -> DomainError {
    DomainError::TooLarge(format!("the URL's file is larger than {max_bytes} bytes"))
}

impl Fetched {
    /// The body, chunk by chunk, ending in an error once it passes `max_bytes`.
    pub fn body(self, max_bytes: u64) -> impl Stream<Item = Result<Bytes>> {
        let mut seen: u64 = 0;
        self.response.bytes_stream().map(move |chunk| {
            let chunk = chunk
                .map_err(|err| DomainError::invalid(format!("the URL's body broke off: {err}")))?;
            seen = seen.saturating_add(chunk.len() as u64);
            if seen > max_bytes {
                return Err(too_large(max_bytes));
            }
            Ok(chunk)
        })
    }
}

#[cfg(test)]
mod tests;
