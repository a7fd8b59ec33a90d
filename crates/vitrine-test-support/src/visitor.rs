//! `Visitor`: a browser without JavaScript, for the public share pages.

use reqwest::{header, redirect, Client, Response};

use crate::TestApp;

/// Follows no redirect on its own and keeps one cookie, as a form-only browser would.
pub struct Visitor {
    client: Client,
    base: String,
    /// `name=value` of the last cookie set; tests may forge one.
    pub cookie: Option<String>,
}

impl Visitor {
    pub fn new(app: &TestApp) -> Self {
        Visitor {
            client: Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap_or_else(|err| panic!("client: {err}")),
            base: app.url(""),
            cookie: None,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request
            .send()
            .await
            .unwrap_or_else(|err| panic!("GET {path}: {err}"))
    }

    /// Status and body of a page.
    pub async fn text(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .unwrap_or_else(|err| panic!("body of {path}: {err}"));
        (status, body)
    }

    /// Submits a password form; keeps the cookie it sets.
    pub async fn unlock(&mut self, path: &str, password: &str) -> Response {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .form(&[("password", password)])
            .send()
            .await
            .unwrap_or_else(|err| panic!("POST {path}: {err}"));
        if let Some(set) = response.headers().get(header::SET_COOKIE) {
            let pair = set.to_str().unwrap_or_default().split(';').next();
            self.cookie = pair.map(str::to_owned);
        }
        response
    }
}
