//! A request id on every request: in the `X-Request-Id` response header, on every log line
//! written while the request runs (a `request` span), on its access line, and in the body
//! of a 500, so a client's report leads straight to the log. A proxy's own `X-Request-Id`
//! is kept when it is short and plain.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

use crate::access_log;

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

/// The middleware (`actix_web::middleware::from_fn`); the request's access line is
/// written as its response ends (`access_log`).
pub async fn tag(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<access_log::Logged>, actix_web::Error> {
    let id = incoming(&req).unwrap_or_else(fresh);
    let access = access_log::Request::of(&req);
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.path());
    let served = REQUEST_ID.scope(id.clone(), next.call(req).instrument(span));
    let mut response = served.await?.map_into_boxed_body();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    Ok(access.logged(response, id))
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
