//! Spec 5's request and answer shapes, for the OpenAPI document. The answers themselves are
//! built field by field in `answer.rs`, Chevereto's way; these types describe them.
#![allow(dead_code)]

use utoipa::ToSchema;

/// The parameters of an upload, as query pairs (`GET`), a url-encoded body or multipart
/// fields (`POST`). `source` is a file (multipart), base64 text or an http(s) URL.
#[derive(ToSchema)]
pub(crate) struct V1UploadForm {
    /// The API key (or the `X-API-Key` header, or `Authorization: Bearer`).
    key: Option<String>,
    /// A file, base64 text or an http(s) URL.
    #[schema(value_type = String, format = Binary)]
    source: Vec<u8>,
    /// `json` (default), `txt` (the URL alone) or `redirect` (303 to the viewer).
    #[schema(value_type = Option<crate::openapi::schemas::V1Format>)]
    format: Option<String>,
    title: Option<String>,
    description: Option<String>,
    /// Comma-separated.
    tags: Option<String>,
    /// A collection's id (Chevereto's album).
    album_id: Option<String>,
    category_id: Option<String>,
    /// Resize to this width in pixels.
    width: Option<String>,
    /// `PT5M`, `PT1H`, `P1D`, `P7D`, `P1M`… after which the item is deleted.
    expiration: Option<String>,
    /// `1` or `0`.
    nsfw: Option<String>,
    /// `1`: date the item by the photo's EXIF date.
    use_file_date: Option<String>,
}

/// Chevereto's message object.
#[derive(ToSchema)]
pub(crate) struct V1Message {
    message: String,
    code: u16,
}

/// Chevereto's answer to an upload (`format=json`).
#[derive(ToSchema)]
pub(crate) struct V1Uploaded {
    status_code: u16,
    success: V1Message,
    image: V1Image,
    status_txt: String,
}

/// Chevereto's answer when an upload is refused.
#[derive(ToSchema)]
pub(crate) struct V1Failed {
    status_code: u16,
    error: V1Message,
    status_txt: String,
}

/// A file object of an image (the original, `thumb`, `medium`, `frame`); all null for a
/// variant the item does not have.
#[derive(ToSchema)]
pub(crate) struct V1File {
    filename: Option<String>,
    name: Option<String>,
    mime: Option<String>,
    extension: Option<String>,
    url: Option<String>,
    size: Option<i64>,
}

/// Chevereto's image object: the fields clients read, among the rest it carries.
#[derive(ToSchema)]
pub(crate) struct V1Image {
    /// The public code.
    id_encoded: String,
    name: String,
    extension: String,
    filename: String,
    mime: String,
    size: i64,
    width: i32,
    height: i32,
    /// `YYYY-MM-DD HH:MM:SS`, UTC.
    date: String,
    title: String,
    tags: Vec<String>,
    description: Option<String>,
    nsfw: u8,
    md5: String,
    original_filename: String,
    views: i64,
    category_id: Option<i32>,
    expiration_date_gmt: Option<String>,
    /// `image` or `video`.
    r#type: String,
    url: String,
    url_viewer: String,
    url_short: String,
    display_url: String,
    image: V1File,
    thumb: V1File,
    medium: V1File,
    frame: V1File,
    /// Only in the answer to the upload itself.
    delete_url: Option<String>,
}

/// A ShareX custom uploader (`.sxcu`), with the caller's key in it.
#[derive(ToSchema)]
#[schema(as = ShareXPreset)]
pub(crate) struct ShareX {
    #[schema(rename = "Version")]
    version: String,
    #[schema(rename = "Name")]
    name: String,
    #[schema(rename = "RequestURL")]
    request_url: String,
}
