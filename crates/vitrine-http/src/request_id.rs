//! A request id on every request: in the `X-Request-Id` response header, on every log line
//! written while the request runs (a `request` span), on its access line, and in the body
//! of a 500, so a client's report leads straight to the log. A proxy's own `X-Request-Id`
//! is kept when it is short and plain.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};

const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, when there is one.
pub(crate) fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A new id, 32 hex digits like a UUID's: a prefix drawn at random once per process and a
/// counter, so ids stay unique across instances with no random draw (a system call) per
/// request.
fn fresh() -> String {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        let mut random = uuid::Uuid::new_v4().simple().to_string();
        random.truncate(16);
        random
    });
    format!("{prefix}{:016x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn incoming(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(HEADER)?.to_str().ok()?;
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    (!value.is_empty() && value.len() <= 64 && value.chars().all(plain)).then(|| value.to_owned())
}

/// The request's id: the proxy's, or a fresh one.
pub(crate) fn of(req: &ServiceRequest) -> String {
    incoming(req).unwrap_or_else(fresh)
}

/// The span every line logged while the request runs is written in. Only the id: the
/// access line has the method and path, and each field is formatted as the span opens.
pub(crate) fn span(id: &str) -> tracing::Span {
    tracing::info_span!("request", request_id = id)
}

/// Runs `serving` with `id` as the current request's (`current`).
pub(crate) fn scope<F: Future>(id: String, serving: F) -> impl Future<Output = F::Output> {
    REQUEST_ID.scope(id, serving)
}

/// The response with its `X-Request-Id` header.
pub(crate) fn tagged<B>(mut response: ServiceResponse<B>, id: &str) -> ServiceResponse<B> {
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::fresh;

    #[test]
    fn fresh_ids_are_distinct_and_look_like_uuids() {
        let (a, b) = (fresh(), fresh());
        assert_ne!(a, b);
        for id in [&a, &b] {
            assert_eq!(id.len(), 32, "{id}");
            assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
        }
        assert_eq!(a[..16], b[..16], "one prefix per process");
    }
}
