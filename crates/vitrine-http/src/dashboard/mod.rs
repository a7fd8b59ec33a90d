//! The web dashboard: server-rendered pages (askama, checked at compile time) that a few
//! ES modules bring to life by calling the JSON API with the sign-in session
//! (`session.rs`). The pages hold no business rule: every action is an API call, so the
//! dashboard and the API cannot disagree. docs/ARCHITECTURE.md, "The dashboard".

pub(crate) mod assets;
mod sign_in;

use crate::routes::table::Routes;
use actix_web::http::Method;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use vitrine_domain::user::{Principal, Role};

use crate::session;
use crate::state::AppState;

/// The dashboard's sections: each is a page of its own, with its path and its name in the
/// navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Library,
    Trash,
    Collections,
    Folders,
    Galleries,
    Projects,
    Shares,
    Account,
    Admin,
}

impl Section {
    const ALL: [Section; 9] = [
        Section::Library,
        Section::Trash,
        Section::Collections,
        Section::Folders,
        Section::Galleries,
        Section::Projects,
        Section::Shares,
        Section::Account,
        Section::Admin,
    ];

    /// The name the scripts know the section by (`<body data-section>`), its label in the
    /// navigation, and its path.
    fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Section::Library => ("library", "Library", "/"),
            Section::Trash => ("trash", "Trash", "/trash"),
            Section::Collections => ("collections", "Collections", "/collections"),
            Section::Folders => ("folders", "Folders", "/folders"),
            Section::Galleries => ("galleries", "Galleries", "/galleries"),
            Section::Projects => ("projects", "Projects", "/projects"),
            Section::Shares => ("shares", "Shared links", "/shares"),
            Section::Account => ("account", "Account", "/account"),
            Section::Admin => ("admin", "Admin", "/admin"),
        }
    }

    fn key(self) -> &'static str {
        self.describe().0
    }

    fn label(self) -> &'static str {
        self.describe().1
    }

    fn path(self) -> &'static str {
        self.describe().2
    }
}

pub fn configure(routes: &mut Routes) {
    routes.pages(|routes| {
        for section in Section::ALL {
            routes.get(
                section.path(),
                move |req: HttpRequest, state: web::Data<AppState>| page(req, state, section),
            );
        }
        routes
            .get("/sign-in", sign_in::form)
            .post("/sign-in", sign_in::submit)
            .post("/sign-out", sign_in::sign_out)
            .service(Method::GET, "/assets/{version}/{file:.+}", |path| {
                // Scripts and styles compress well; media (everywhere else) does not.
                web::resource(path)
                    .wrap(actix_web::middleware::Compress::default())
                    .route(crate::routes::get_or_head().to(assets::serve))
            });
    });
}

struct NavLink {
    href: &'static str,
    label: &'static str,
    current: bool,
}

#[derive(Template)]
#[template(path = "dashboard/shell.html")]
struct Shell<'a> {
    title: &'static str,
    section: &'static str,
    nav: Vec<NavLink>,
    user: &'a str,
    admin: bool,
    csrf: String,
    css: String,
    script: String,
    /// Every module the script imports, fetched at once instead of one import at a time.
    modules: Vec<String>,
    icon: String,
}

/// A section's page for whoever the session belongs to; signed out, `/` is the sign-in form
/// and every other section sends there and back.
async fn page(req: HttpRequest, state: web::Data<AppState>, section: Section) -> HttpResponse {
    let Some(who) = signed_in(&req, &state).await else {
        return sign_in::signed_out(&req, &state, section.path());
    };
    let session = session::session_token(&req).unwrap_or_default();
    let admin = who.user.role == Role::Admin;
    // The admin page is for admins; others are told so (the API refuses them anyway).
    let status = if section == Section::Admin && !admin {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    let shell = Shell {
        title: section.label(),
        section: section.key(),
        nav: Section::ALL
            .iter()
            .filter(|s| **s != Section::Admin || admin)
            .map(|s| NavLink {
                href: s.path(),
                label: s.label(),
                current: *s == section,
            })
            .collect(),
        user: &who.user.name,
        admin,
        csrf: state.tokens.csrf_token(&session),
        css: assets::url("dashboard.css"),
        script: assets::url("dashboard.js"),
        modules: assets::modules(),
        icon: assets::url("icon.svg"),
    };
    html(status, &state, shell.render())
}

/// The principal behind the request's session cookie, if it is still good.
async fn signed_in(req: &HttpRequest, state: &AppState) -> Option<Principal> {
    let session = session::session_token(req)?;
    state.accounts.authenticate(&session).await.ok()
}

/// A page of ours: never cached, never framed, scripts and styles only from ourselves.
fn html(status: StatusCode, state: &AppState, rendered: askama::Result<String>) -> HttpResponse {
    let body = match rendered {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(%err, "a dashboard template failed");
            return HttpResponse::InternalServerError().finish();
        }
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header(("referrer-policy", "same-origin"))
        .insert_header((header::CONTENT_SECURITY_POLICY, policy(state)))
        .body(body)
}

/// Media may come from the public URL's origin (signed URLs are absolute) as well as from
/// the address the page was loaded from.
fn policy(state: &AppState) -> String {
    let media = &state.settings.public_url;
    format!(
        "default-src 'self'; img-src 'self' {media} data: blob:; media-src 'self' {media} blob:; \
         connect-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'self'; object-src 'none'"
    )
}
