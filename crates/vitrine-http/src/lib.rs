#![doc = include_str!("../README.md")]

mod access_log;
mod auth;
mod connections;
mod dashboard;
mod error;
mod every_request;
mod format;
#[doc(hidden)]
pub mod fuzzing;
mod json_errors;
mod metrics;
mod openapi;
mod request_id;
mod routes;
mod session;
mod signing;
mod state;
mod tokens;
pub mod url_source;

pub use error::ApiError;
pub use metrics::Metrics;
pub use routes::table::RegisteredRoute;
use routes::table::Routes;
pub use signing::UrlSigner;
pub use state::{AppState, ConnectionLimits, HttpSettings};
pub use tokens::TokenIssuer;

use actix_web::web;

/// The address a request came from, for limits per client: the peer's IP (a proxy in front
/// is one client unless it is told apart by the operator's own settings).
pub(crate) fn client_address(req: &actix_web::HttpRequest) -> String {
    req.peer_addr()
        .map_or_else(|| "unknown".to_owned(), |addr| addr.ip().to_string())
}

/// Registers every route and the extractor settings that make their errors JSON.
pub fn configure(state: AppState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(web::Data::new(state))
            .app_data(error::json_config())
            .app_data(actix_web::web::PayloadConfig::new(error::MAX_JSON_BODY))
            .app_data(error::query_config())
            .app_data(error::path_config());
        routes::register(&mut Routes::on(cfg));
        cfg.default_service(web::to(routes::not_found));
    }
}

/// Every route [`configure`] registers, in order: what the OpenAPI document is checked
/// against.
pub fn registered_routes() -> Vec<RegisteredRoute> {
    let mut routes = Routes::listing();
    routes::register(&mut routes);
    routes.into_registered()
}

/// Serves the API on an already bound listener until the server is stopped.
pub fn serve(
    listener: std::net::TcpListener,
    state: AppState,
    workers: usize,
) -> std::io::Result<actix_web::dev::Server> {
    let limits = state.settings.limits.clone();
    let registry = connections::Registry::default();
    let per_client = limits.max_connections_per_client;
    let idle = connections::BodyIdleTimeout(limits.body_idle_timeout);
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(idle)
            .wrap(every_request::EveryRequest)
            .configure(configure(state.clone()))
    })
    .on_connect(move |connection, data| {
        connections::send_without_delay(connection);
        registry.admit(connection, data, per_client);
    })
    .client_request_timeout(limits.request_head_timeout)
    .keep_alive(limits.keep_alive)
    .shutdown_timeout(limits.shutdown_grace.as_secs())
    .max_connections((limits.max_connections / workers.max(1)).max(1))
    .workers(workers)
    .listen(listener)?
    .run();
    Ok(server)
}
