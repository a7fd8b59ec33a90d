//! The one way a route gets registered. Every route passes through [`Routes`], which also
//! writes it down, so the OpenAPI document can be checked against what the server really
//! answers: a route added without an operation fails a test instead of going unseen.

use actix_web::dev::HttpServiceFactory;
use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, Responder};

/// A route as it was registered: its method and its full path, in actix's pattern syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredRoute {
    /// `GET`, `POST`…; a route that also answers `HEAD` is listed once, as `GET`.
    pub method: Method,
    /// The full path, `{name}` for a parameter (`{name:regex}` where one restricts it).
    pub path: String,
    /// False for the dashboard's pages and assets, which are not part of the API.
    pub in_api: bool,
}

/// Registers routes on a `ServiceConfig` (or only lists them) and records each one.
pub struct Routes<'a> {
    cfg: Option<&'a mut web::ServiceConfig>,
    prefix: String,
    in_api: bool,
    registered: Vec<RegisteredRoute>,
}

impl<'a> Routes<'a> {
    /// Registers on `cfg` as well as listing.
    pub fn on(cfg: &'a mut web::ServiceConfig) -> Self {
        Self {
            cfg: Some(cfg),
            prefix: String::new(),
            in_api: true,
            registered: Vec::new(),
        }
    }

    /// Only lists: what [`crate::registered_routes`] answers.
    pub fn listing() -> Self {
        Self {
            cfg: None,
            prefix: String::new(),
            in_api: true,
            registered: Vec::new(),
        }
    }

    pub fn into_registered(self) -> Vec<RegisteredRoute> {
        self.registered
    }

    /// Routes under a common path prefix (registered flat, with the prefix in front, in the
    /// order given: a fixed path must come before a `{param}` that would match it).
    pub fn scope(&mut self, prefix: &str, routes: impl FnOnce(&mut Self)) -> &mut Self {
        let inner = format!("{}{prefix}", self.prefix);
        let outer = std::mem::replace(&mut self.prefix, inner);
        routes(self);
        self.prefix = outer;
        self
    }

    /// Routes that are pages of the dashboard rather than API operations.
    pub fn pages(&mut self, routes: impl FnOnce(&mut Self)) -> &mut Self {
        let outer = std::mem::replace(&mut self.in_api, false);
        routes(self);
        self.in_api = outer;
        self
    }

    pub fn get<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::GET, path, web::get().to(handler))
    }

    /// `GET` that also answers `HEAD` without the body (downloads, media).
    pub fn get_or_head<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::GET, path, super::get_or_head().to(handler))
    }

    pub fn post<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::POST, path, web::post().to(handler))
    }

    pub fn put<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::PUT, path, web::put().to(handler))
    }

    pub fn patch<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::PATCH, path, web::patch().to(handler))
    }

    pub fn delete<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::DELETE, path, web::delete().to(handler))
    }

    /// A whole service built for the full path, for a route that needs its own middleware.
    pub fn service<S: HttpServiceFactory + 'static>(
        &mut self,
        method: Method,
        path: &str,
        build: impl FnOnce(&str) -> S,
    ) -> &mut Self {
        let full = self.record(method, path);
        if let Some(cfg) = self.cfg.as_deref_mut() {
            cfg.service(build(&full));
        }
        self
    }

    fn add(&mut self, method: Method, path: &str, route: actix_web::Route) -> &mut Self {
        let full = self.record(method, path);
        if let Some(cfg) = self.cfg.as_deref_mut() {
            cfg.route(&full, route);
        }
        self
    }

    fn record(&mut self, method: Method, path: &str) -> String {
        let full = format!("{}{path}", self.prefix);
        self.registered.push(RegisteredRoute {
            method,
            path: full.clone(),
            in_api: self.in_api,
        });
        full
    }
}
