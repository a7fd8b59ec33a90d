//! What one client can hold of the server: connections per address, and how long a
//! request body may sit silent. A stalled body is cut after `body_idle_timeout` (408), and
//! a client holding more than `max_connections_per_client` connections gets 429 on the
//! extra ones, which are then closed; together with the request-head timeout and the
//! process-wide connection cap (`serve`), a crowd of idle sockets cannot exhaust the
//! server's file descriptors or its workers.

use std::any::Any;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::{Extensions, Payload, ServiceRequest};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{HttpMessage, HttpResponse};
use futures::StreamExt;

/// Open connections per client address, shared by every worker of the process.
#[derive(Clone, Default)]
pub(crate) struct Registry {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// A connection's place in the registry; leaving it (the connection closing) frees it.
pub(crate) struct Slot {
    registry: Registry,
    ip: IpAddr,
    /// This connection made its address pass the cap.
    pub(crate) over: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.registry.open.lock() {
            if let Some(n) = open.get_mut(&self.ip) {
                *n -= 1;
                if *n == 0 {
                    open.remove(&self.ip);
                }
            }
        }
    }
}

/// The `on_connect` hook's other half: a streamed body goes out as the head, then its
/// chunks. With Nagle's algorithm on, a chunk smaller than a segment waited for the client
/// to acknowledge the head, which a client delays up to 40 ms: every signed thumb took
/// 44 ms.
pub(crate) fn send_without_delay(connection: &dyn Any) {
    if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(error = %err, "TCP_NODELAY refused");
        }
    }
}

impl Registry {
    /// The `on_connect` hook: counts the connection against its address.
    pub(crate) fn admit(&self, connection: &dyn Any, data: &mut Extensions, cap: usize) {
        let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() else {
            return;
        };
        let Ok(peer) = stream.peer_addr() else {
            return;
        };
        let ip = peer.ip();
        let over = match self.open.lock() {
            Ok(mut open) => {
                let n = open.entry(ip).or_insert(0);
                *n += 1;
                *n > cap
            }
            Err(_) => false,
        };
        data.insert(Slot {
            registry: self.clone(),
            ip,
            over,
        });
    }
}

/// The request came on a connection that made its address pass the cap.
pub(crate) fn over_cap(req: &ServiceRequest) -> bool {
    req.conn_data::<Slot>().is_some_and(|slot| slot.over)
}

/// The answer to such a request; the connection is closed after it.
pub(crate) fn too_many() -> HttpResponse {
    HttpResponse::TooManyRequests()
        .insert_header((header::CONNECTION, "close"))
        .json(serde_json::json!({
            "error": "Too many connections from this address",
            "statusCode": 429,
            "detail": [],
        }))
}

/// Gives the request's body its idle timeout.
pub(crate) fn bound_body(req: &mut ServiceRequest) {
    let idle = req
        .app_data::<BodyIdleTimeout>()
        .map_or(Duration::from_secs(30), |t| t.0);
    let payload = req.take_payload();
    req.set_payload(idle_timeout(payload, idle));
}

/// How long a request body may send nothing (app data).
#[derive(Clone, Copy)]
pub(crate) struct BodyIdleTimeout(pub(crate) Duration);

/// The body, cut with an error when no byte arrives for `idle`.
fn idle_timeout(payload: Payload, idle: Duration) -> Payload {
    let stream = futures::stream::unfold(Some(payload), move |state| async move {
        let mut payload = state?;
        match actix_web::rt::time::timeout(idle, payload.next()).await {
            Ok(Some(chunk)) => Some((chunk, Some(payload))),
            Ok(None) => None,
            Err(_) => {
                let stalled = std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("the request body sent nothing for {} s", idle.as_secs()),
                );
                Some((Err(PayloadError::Io(stalled)), None))
            }
        }
    })
    // actix may look again after the end: a fused stream keeps answering "no more".
    .fuse();
    let boxed: std::pin::Pin<
        Box<dyn futures::Stream<Item = Result<actix_web::web::Bytes, PayloadError>>>,
    > = Box::pin(stream);
    Payload::from(boxed)
}

#[cfg(test)]
mod tests {
    use super::send_without_delay;

    /// A streamed body's chunks must not wait for the client's delayed acknowledgement
    /// of the head (Nagle's algorithm): every connection the server takes has it off.
    #[tokio::test]
    async fn accepted_connections_send_without_delay() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let _client = tokio::net::TcpStream::connect(address).await.unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        assert!(
            !accepted.nodelay().unwrap(),
            "the kernel's default is Nagle on"
        );
        send_without_delay(&accepted);
        assert!(accepted.nodelay().unwrap());
    }
}
