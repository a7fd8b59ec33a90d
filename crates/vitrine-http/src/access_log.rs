//! One access line per request, written when the response's body has gone out (or the
//! client left): `ADDRESS "METHOD PATH?QUERY VERSION" STATUS BYTES MILLISms REQUEST_ID`,
//! with target `vitrine::access`. The bytes are those of the body actually sent and the
//! milliseconds run to its end, so a long download logs its whole time. Written straight
//! as a `tracing` event: actix's `Logger` went through the `log` crate and a bridge, a
//! tenth of the CPU of a small request (docs/BENCHMARKS.md).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, Uri, Version};
use actix_web::web::Bytes;

/// What the line says of the request, taken before the handler has it. Only kept, not
/// formatted: the line is written once, at the end.
pub(crate) struct Request {
    address: Option<std::net::IpAddr>,
    method: Method,
    uri: Uri,
    version: Version,
    started: Instant,
    /// The body's announced length, for `/metrics` (a chunked body counts as 0).
    received: u64,
}

impl Request {
    pub(crate) fn of(req: &ServiceRequest) -> Request {
        Request {
            address: req.peer_addr().map(|peer| peer.ip()),
            method: req.method().clone(),
            uri: req.uri().clone(),
            version: req.version(),
            started: Instant::now(),
            received: req
                .headers()
                .get(actix_web::http::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        }
    }

    /// The response's body, counted and logged as it ends.
    pub(crate) fn logged(
        self,
        response: ServiceResponse<BoxBody>,
        id: String,
    ) -> ServiceResponse<Logged> {
        let status = response.status();
        let metrics = response
            .request()
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .map(|state| state.metrics.clone());
        // The route's template, never the path itself: IDs must not become series.
        let route = response.request().match_pattern();
        response.map_body(|_, body| Logged {
            body,
            sent: 0,
            line: Some(Line {
                request: self,
                status,
                id,
                route,
                metrics,
            }),
        })
    }
}

struct Line {
    request: Request,
    status: StatusCode,
    id: String,
    route: Option<String>,
    metrics: Option<std::sync::Arc<crate::metrics::Metrics>>,
}

/// A response body that writes the access line when it is dropped: after its last chunk,
/// or when the client went away mid-way.
pub struct Logged {
    body: BoxBody,
    sent: u64,
    line: Option<Line>,
}

impl MessageBody for Logged {
    type Error = <BoxBody as MessageBody>::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let polled = Pin::new(&mut self.body).poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled {
            self.sent += chunk.len() as u64;
        }
        polled
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        let Some(Line {
            request,
            status,
            id,
            route,
            metrics,
        }) = self.line.take()
        else {
            return;
        };
        let seconds = request.started.elapsed().as_secs_f64();
        if let Some(metrics) = metrics {
            metrics.answered(
                route.unwrap_or_else(|| "unmatched".to_owned()),
                request.method.as_str(),
                status.as_u16(),
                seconds,
                request.received,
                self.sent,
            );
        }
        let millis = seconds * 1000.0;
        let address: &dyn std::fmt::Display = match &request.address {
            Some(ip) => ip,
            None => &"-",
        };
        let target = request.uri.path_and_query().map_or("/", |p| p.as_str());
        tracing::info!(
            target: "vitrine::access",
            "{address} \"{} {target} {:?}\" {} {} {millis:.6}ms {id}",
            request.method,
            request.version,
            status.as_u16(),
            self.sent,
        );
    }
}
