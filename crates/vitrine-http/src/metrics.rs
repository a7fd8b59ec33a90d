//! `/metrics` in Prometheus' text format. Requests are counted by route template, method
//! and status in one latency histogram (its `_count` is the request count: one lookup per
//! request, not two), as each response ends (`access_log.rs`); the
//! database pool and the media queue are sampled when the page is read
//! (`Health::vitals`); background tasks and the blob store count as they run. Each
//! `AppState` owns its registry: no global, so two servers in one process (tests, an
//! embedding program) never mix their numbers. Reading it takes `metrics_token` as a
//! Bearer token; without a token configured the page does not exist.

use std::sync::atomic::AtomicU64;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use vitrine_domain::ports::Vitals;

use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

/// A method as a label without an allocation per request; the rare others are `OTHER`.
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("OTHER")
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TaskLabels {
    task: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

type Seconds = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// Every series `/metrics` shows; cheap to update from any thread.
pub struct Metrics {
    registry: Registry,
    latency: Seconds,
    received: Counter,
    sent: Counter,
    tasks: Family<TaskLabels, Counter>,
    blob_written: Counter,
    blob_read: Counter,
    blob_errors: Counter,
    connections: Family<StateLabels, Gauge>,
    connection_waits: Gauge,
    jobs: Family<StateLabels, Gauge>,
    oldest_job: Gauge<f64, AtomicU64>,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms to ~16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("vitrine");
        let latency: Seconds = Family::new_with_constructor(latency_histogram);
        let (received, sent) = (Counter::default(), Counter::default());
        let tasks = Family::<TaskLabels, Counter>::default();
        let (blob_written, blob_read, blob_errors) =
            (Counter::default(), Counter::default(), Counter::default());
        let connections = Family::<StateLabels, Gauge>::default();
        let connection_waits = Gauge::default();
        let jobs = Family::<StateLabels, Gauge>::default();
        let oldest_job = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "http_request_duration_seconds",
            "Requests answered by route template, method and status: time from arrival to \
             the response's last byte (_count: how many)",
            latency.clone(),
        );
        registry.register(
            "http_received_bytes",
            "Request body bytes announced by Content-Length (uploads among them)",
            received.clone(),
        );
        registry.register(
            "http_sent_bytes",
            "Response body bytes sent (downloads and media among them)",
            sent.clone(),
        );
        registry.register(
            "background_runs",
            "Background task runs (media jobs, trash purge, expiry and orphan sweeps) by outcome",
            tasks.clone(),
        );
        registry.register(
            "blob_written_bytes",
            "Bytes written to the blob store (originals and variants)",
            blob_written.clone(),
        );
        registry.register(
            "blob_read_bytes",
            "Bytes read from the blob store",
            blob_read.clone(),
        );
        registry.register(
            "blob_errors",
            "Blob store operations that failed",
            blob_errors.clone(),
        );
        registry.register(
            "db_connections",
            "Database connections: max, in_use, idle",
            connections.clone(),
        );
        registry.register(
            "db_connection_waits",
            "Times a caller waited for a free database connection since start",
            connection_waits.clone(),
        );
        registry.register(
            "media_jobs",
            "Media jobs by state: pending, processing, completed, failed",
            jobs.clone(),
        );
        registry.register(
            "media_oldest_pending_job_age_seconds",
            "Age of the oldest pending media job (0 when none waits)",
            oldest_job.clone(),
        );
        Self {
            registry,
            latency,
            received,
            sent,
            tasks,
            blob_written,
            blob_read,
            blob_errors,
            connections,
            connection_waits,
            jobs,
            oldest_job,
        }
    }
}

impl Metrics {
    /// One answered request: `route` is the matched template (`/api/v1/gallery/{id}`), or
    /// `unmatched`, so IDs never become series of their own.
    pub(crate) fn answered(
        &self,
        route: String,
        method: &str,
        status: u16,
        seconds: f64,
        received: u64,
        sent: u64,
    ) {
        self.latency
            .get_or_create(&RequestLabels {
                route,
                method: method_label(method),
                status,
            })
            .observe(seconds);
        self.received.inc_by(received);
        self.sent.inc_by(sent);
    }

    /// One run of a background task (`media_job`, `trash_purge`, `expiry_sweep`,
    /// `orphan_sweep`); `ok` false when it failed.
    pub fn task_ran(&self, task: &str, ok: bool) {
        self.tasks
            .get_or_create(&TaskLabels {
                task: task.to_owned(),
                outcome: if ok { "ok" } else { "failed" }.to_owned(),
            })
            .inc();
    }

    /// Bytes that went into the blob store.
    pub fn blob_written(&self, bytes: u64) {
        self.blob_written.inc_by(bytes);
    }

    /// Bytes that came out of the blob store.
    pub fn blob_read(&self, bytes: u64) {
        self.blob_read.inc_by(bytes);
    }

    /// A blob store operation that failed (a missing object is not a failure).
    pub fn blob_error(&self) {
        self.blob_errors.inc();
    }

    /// The page, with `vitals` as sampled now.
    fn render(&self, vitals: &Vitals, now: NaiveDateTime) -> String {
        let gauge = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
        for (state, value) in [
            ("max", vitals.connections_max),
            ("in_use", vitals.connections_in_use),
            ("idle", vitals.connections_idle),
        ] {
            self.connections
                .get_or_create(&StateLabels {
                    state: state.into(),
                })
                .set(gauge(value));
        }
        self.connection_waits.set(gauge(vitals.connection_waits));
        for (state, value) in [
            ("pending", vitals.jobs_pending),
            ("processing", vitals.jobs_processing),
            ("completed", vitals.jobs_completed),
            ("failed", vitals.jobs_failed),
        ] {
            self.jobs
                .get_or_create(&StateLabels {
                    state: state.into(),
                })
                .set(value);
        }
        let age = vitals.oldest_pending_job.map_or(0.0, |at| {
            (now - at).num_milliseconds().max(0) as f64 / 1000.0
        });
        self.oldest_job.set(age);
        let mut page = String::new();
        if let Err(err) = encode(&mut page, &self.registry) {
            tracing::error!(%err, "metrics could not be written");
        }
        page
    }
}

/// Prometheus metrics, with `Authorization: Bearer <metrics_token>` (docs/OPERATIONS.md).
///
/// 404 when no `metrics_token` is configured; the token is not an API key.
#[utoipa::path(get, path = "/metrics", tag = "health", security(("metrics_token" = [])),
    responses(
        (status = 200, description = "OpenMetrics text", body = String,
            content_type = "application/openmetrics-text"),
        (status = 401, description = "Wrong or missing token"),
        (status = 404, description = "No metrics token configured"),
    ))]
pub(crate) async fn serve(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let Some(token) = state.settings.metrics_token.as_deref() else {
        return HttpResponse::NotFound().finish();
    };
    let offered = crate::auth::credential(&req).unwrap_or_default();
    if !constant_time_eq(offered.as_bytes(), token.as_bytes()) {
        return HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .finish();
    }
    let vitals = match state.health.vitals().await {
        Ok(vitals) => vitals,
        Err(err) => {
            tracing::warn!(%err, "the database did not answer for /metrics");
            Vitals::default()
        }
    };
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(state.metrics.render(&vitals, state.clock.now()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
