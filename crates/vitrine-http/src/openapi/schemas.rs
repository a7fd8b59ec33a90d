//! Shapes the document names that no handler type carries: a file in a body, and small
//! answers built in place.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// The bytes of a file (an original, a variant, a ZIP, a page).
pub(crate) struct Binary;

impl PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for Binary {}

/// `{"success": true, "id"}`: what a delete answers.
#[derive(serde::Serialize, ToSchema)]
pub(crate) struct Deleted {
    success: bool,
    id: String,
}

impl Deleted {
    pub(crate) fn of(id: impl ToString) -> Self {
        Self {
            success: true,
            id: id.to_string(),
        }
    }
}

/// `{"success": true}`.
#[derive(serde::Serialize, ToSchema)]
pub(crate) struct Done {
    success: bool,
}

impl Done {
    pub(crate) fn new() -> Self {
        Self { success: true }
    }
}

/// Words a parameter or field takes, for the document: the handlers parse the text
/// themselves (so a bad value is named in the 400), and these tell clients what is valid.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum StatusFilter {
    Active,
    Trash,
    All,
}

/// `image` or `video`.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum Kind {
    Image,
    Video,
}

/// `true`/`false`, or spec 5's `1`/`0`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) enum Flag {
    #[schema(rename = "true")]
    True,
    #[schema(rename = "false")]
    False,
    #[schema(rename = "1")]
    One,
    #[schema(rename = "0")]
    Zero,
}

/// A gallery's status.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum GalleryStatus {
    Draft,
    Published,
    Archived,
}

/// How long a share link lasts.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) enum ExpiresIn {
    #[schema(rename = "1h")]
    Hour,
    #[schema(rename = "1d")]
    Day,
    #[schema(rename = "7d")]
    Week,
    #[schema(rename = "30d")]
    Month,
    #[schema(rename = "never")]
    Never,
}

/// A user's role.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum Role {
    User,
    Admin,
}

/// A storage plan.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum Plan {
    Free,
    Pro,
    Enterprise,
}

/// Where an item's processing stands.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum ProcessingState {
    Pending,
    Processing,
    Completed,
    Failed,
}

/// `asc` or `desc`.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum Order {
    Asc,
    Desc,
}

/// How the board sorts each project's images.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum BoardSort {
    OriginalFilename,
    QualityScore,
}

/// The caller's own projects, or those shared with them.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum Ownership {
    Mine,
    Shared,
}

/// A reviewer's verdict.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum Verdict {
    Like,
    Dislike,
}

/// Where an item's review stands.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum ReviewStatus {
    Pending,
    Approved,
    Rejected,
}

/// What spec 5's upload answers with.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum V1Format {
    Json,
    Txt,
    Redirect,
}

/// What every file download answers: the whole file or the range asked for (`ETag`,
/// `Range`, `If-None-Match`, `If-Range`); `HEAD` answers the same without the body.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum FileAnswers {
    /// The file.
    #[response(status = 200, content_type = "*/*")]
    Whole(#[to_schema] Binary),
    /// The range asked for.
    #[response(status = 206, content_type = "*/*")]
    Part(#[to_schema] Binary),
    /// Not modified (`If-None-Match`).
    #[response(status = 304)]
    NotModified,
    /// A range outside the file.
    #[response(status = 416)]
    OutsideTheFile,
}

/// An HTML page, or an error page in its place.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum HtmlPage {
    /// The page.
    #[response(status = 200, content_type = "text/html")]
    Page(String),
    /// An error page: 404 nothing there, 410 a revoked or expired link, 401 a share's
    /// password form first, 429 too many wrong passwords.
    #[response(status = "default", content_type = "text/html")]
    Error(String),
}

/// An error page in place of what was asked for (as `HtmlPage`'s).
#[derive(utoipa::IntoResponses)]
#[response(status = "default", content_type = "text/html")]
#[allow(dead_code)]
pub(crate) struct ErrorPage(String);
