//! What spec 5 answers: the `image` object of its example with every field filled from the
//! item, and errors in its own shape. The meanings follow Chevereto's code, which the
//! clients of this API were written against: `chain` is a bit set of the files that exist
//! (thumb 1, medium 2, image 4, original 8, frame 16), a label is singular for one,
//! `how_long_ago` names the largest whole unit, titles are cut at 28 characters.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::NaiveDateTime;
use serde_json::{json, Value};
use vitrine_domain::item::{Item, MediaKind, Variant};
use vitrine_domain::public_links::seo_slug;
use vitrine_domain::DomainError;

use crate::error::status_of;
use crate::format::{decimal_bytes, html_escape};

/// How the caller wants the answer (`format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Format {
    #[default]
    Json,
    Txt,
    Redirect,
}

impl Format {
    pub(super) fn parse(text: &str) -> Result<Self, V1Error> {
        match text.trim() {
            "" | "json" => Ok(Format::Json),
            "txt" => Ok(Format::Txt),
            "redirect" => Ok(Format::Redirect),
            other => Err(V1Error::bad(format!(
                "format must be json, txt or redirect, not {other:?}"
            ))),
        }
    }
}

/// A refusal in V1's shape; `code` is Chevereto's own where it has one.
#[derive(Debug)]
pub(super) struct V1Error {
    pub(super) status: StatusCode,
    pub(super) code: u16,
    pub(super) message: String,
}

/// Chevereto's codes: no or bad key, invalid base64, empty source.
pub(super) const CODE_KEY: u16 = 100;
pub(super) const CODE_BASE64: u16 = 120;
pub(super) const CODE_EMPTY_SOURCE: u16 = 130;

impl V1Error {
    pub(super) fn bad(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: 400,
            message: message.into(),
        }
    }

    pub(super) fn with_code(mut self, code: u16) -> Self {
        self.code = code;
        self
    }

    pub(super) fn no_key(message: &str) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: CODE_KEY,
            message: message.to_owned(),
        }
    }

    pub(super) fn respond(&self, format: Format) -> HttpResponse {
        if format == Format::Txt {
            return HttpResponse::build(self.status)
                .content_type("text/plain; charset=utf-8")
                .body(self.message.clone());
        }
        HttpResponse::build(self.status).json(json!({
            "status_code": self.status.as_u16(),
            "error": {"message": self.message, "code": self.code},
            "status_txt": self.status.canonical_reason().unwrap_or("Error"),
        }))
    }
}

impl From<DomainError> for V1Error {
    fn from(err: DomainError) -> Self {
        let status = status_of(&err);
        let message = match &err {
            DomainError::Unauthorized => "Invalid API key".to_owned(),
            DomainError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error in upload V1");
                "Internal server error".to_owned()
            }
            other => other.to_string(),
        };
        let code = if status == StatusCode::UNAUTHORIZED {
            CODE_KEY
        } else {
            status.as_u16()
        };
        Self {
            status,
            code,
            message,
        }
    }
}

/// Where the public links of an item live, under the server's public base URL.
pub(super) struct Links<'a> {
    pub(super) base: &'a str,
    pub(super) code: &'a str,
}

impl Links<'_> {
    /// The date folder of its files (Chevereto's `datefolder` storage mode).
    fn folder(&self, item: &Item) -> String {
        format!(
            "{}/images/{}",
            self.base,
            item.created_at.format("%Y/%m/%d")
        )
    }

    /// The viewer page: `/image/{slug}.{code}`, `/clip/…` for videos.
    pub(super) fn path_viewer(&self, item: &Item) -> String {
        let route = route(item);
        let slug = seo_slug(&display_title(item));
        if slug.is_empty() {
            format!("/{route}/{}", self.code)
        } else {
            format!("/{route}/{slug}.{}", self.code)
        }
    }

    pub(super) fn url_short(&self, item: &Item) -> String {
        format!("{}/{}/{}", self.base, route(item), self.code)
    }
}

fn route(item: &Item) -> &'static str {
    match item.kind {
        MediaKind::Video => "clip",
        _ => "image",
    }
}

/// The extension of the original: its file name's, else the MIME subtype's.
pub(super) fn extension(item: &Item) -> String {
    let from_name = item
        .original_filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| {
            !ext.is_empty() && ext.len() <= 5 && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    from_name.unwrap_or_else(|| {
        let subtype = item.mime.split('/').nth(1).unwrap_or("bin");
        match subtype {
            "svg+xml" => "svg".to_owned(),
            "quicktime" => "mov".to_owned(),
            "x-matroska" => "mkv".to_owned(),
            other => other.to_owned(),
        }
    })
}

/// The short names of the variants in file names, as Chevereto spells them.
pub(super) const VARIANT_SUFFIXES: [(&str, &str); 3] =
    [("thumb", "th"), ("medium", "md"), ("frame", "fr")];

fn variant_extension(variant: &Variant) -> &str {
    match variant.mime.as_str() {
        "image/jpeg" => "jpeg",
        "image/webp" => "webp",
        "image/avif" => "avif",
        "image/png" => "png",
        other => other.split('/').nth(1).unwrap_or("bin"),
    }
}

fn file_object(
    filename: String,
    name: String,
    mime: &str,
    ext: &str,
    url: String,
    size: i64,
) -> Value {
    json!({
        "filename": filename,
        "name": name,
        "mime": mime,
        "extension": ext,
        "url": url,
        "size": size,
    })
}

fn title_or_name(item: &Item) -> String {
    item.title.clone().unwrap_or_else(|| {
        item.original_filename
            .rsplit_once('.')
            .map_or(item.original_filename.as_str(), |(stem, _)| stem)
            .to_owned()
    })
}

fn display_title(item: &Item) -> String {
    title_or_name(item)
}

/// Chevereto's 28-character cut: 25 characters and an ellipsis.
fn truncated(title: &str) -> String {
    if title.chars().count() > 28 {
        format!("{}...", title.chars().take(25).collect::<String>())
    } else {
        title.to_owned()
    }
}

/// `MM:SS`, or `HH:MM:SS` from an hour.
pub(super) fn duration_time(secs: f64) -> String {
    let total = secs.max(0.0).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// "moments ago" under a minute, else the largest whole unit.
pub(super) fn how_long_ago(then: NaiveDateTime, now: NaiveDateTime) -> String {
    let secs = (now - then).num_seconds().max(0);
    let units = [
        (365 * 86_400, "year"),
        (30 * 86_400, "month"),
        (7 * 86_400, "week"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
    ];
    for (size, name) in units {
        let n = secs / size;
        if n >= 1 {
            let plural = if n == 1 { "" } else { "s" };
            return format!("{n} {name}{plural} ago");
        }
    }
    "moments ago".to_owned()
}

fn label(count: i64, one: &str, many: &str) -> String {
    if count == 1 { one } else { many }.to_owned()
}

/// Where the bytes of an upload came from (`file.resource.type`).
#[derive(Debug, Clone, Copy)]
pub(super) enum Resource {
    File,
    Base64,
    Url,
}

/// Spec 5's `image` object.
pub(super) fn image(
    item: &Item,
    links: &Links<'_>,
    delete_token: Option<&str>,
    resource: Resource,
    now: NaiveDateTime,
) -> Value {
    let ext = extension(item);
    let name = links.code.to_owned();
    let filename = format!("{name}.{ext}");
    let folder = links.folder(item);
    let url = format!("{folder}/{filename}");
    let variant = |wanted: &str| -> Value {
        let suffix = VARIANT_SUFFIXES
            .iter()
            .find(|(n, _)| *n == wanted)
            .map_or("", |(_, s)| s);
        match item.variant(wanted) {
            Some(v) => {
                let ext = variant_extension(v);
                let name = format!("{}.{suffix}", links.code);
                file_object(
                    format!("{name}.{ext}"),
                    name.clone(),
                    &v.mime,
                    ext,
                    format!("{folder}/{name}.{ext}"),
                    v.size,
                )
            }
            None => {
                json!({"filename": null, "name": null, "mime": null, "extension": null, "url": null})
            }
        }
    };
    let size_of = |wanted: &str| item.variant(wanted).map_or(0, |v| v.size);
    let (thumb, medium, frame) = (variant("thumb"), variant("medium"), variant("frame"));
    let chain = 4
        | u8::from(item.variant("thumb").is_some())
        | u8::from(item.variant("medium").is_some()) << 1
        | u8::from(item.variant("frame").is_some()) << 4;
    let display_url = if item.kind == MediaKind::Video {
        frame["url"].as_str().map_or(url.clone(), str::to_owned)
    } else if let Some(medium) = medium["url"].as_str() {
        medium.to_owned()
    } else if item.size > 200_000 {
        thumb["url"].as_str().map_or(url.clone(), str::to_owned)
    } else {
        url.clone()
    };
    let (width, height) = (item.width.unwrap_or(0), item.height.unwrap_or(0));
    let title = display_title(item);
    let views = item.link.as_ref().map_or(0, |l| l.views);
    let date = item.created_at.format("%Y-%m-%d %H:%M:%S").to_string();
    let path_viewer = links.path_viewer(item);
    let url_short = links.url_short(item);
    let mut image = json!({
        "name": name,
        "extension": ext,
        "size": item.size,
        "width": width,
        "height": height,
        "date": date,
        "date_gmt": date,
        "title": title,
        "tags": item.tags,
        "description": item.description,
        "nsfw": u8::from(item.nsfw),
        "storage_mode": "datefolder",
        "md5": item.md5,
        "source_md5": null,
        "original_filename": item.original_filename,
        "original_exifdata": null,
        "views": views,
        "category_id": item.category,
        "chain": chain,
        "thumb_size": size_of("thumb"),
        "medium_size": size_of("medium"),
        "frame_size": size_of("frame"),
        "expiration_date_gmt": item.expires_at.map(|at| at.format("%Y-%m-%d %H:%M:%S").to_string()),
        "likes": 0,
        "is_animated": u8::from(item.is_animated),
        "is_approved": 1,
        "is_360": u8::from(item.facts.is_360),
        "duration": item.duration_secs.map_or(0, |d| d.round() as i64),
        "type": if item.kind == MediaKind::Video { "video" } else { "image" },
        "tags_string": item.tags.join(","),
        "file": {"resource": {"type": match resource {
            Resource::File => "file",
            Resource::Base64 => "base64",
            Resource::Url => "url",
        }}},
    });
    // Two halves: one `json!` of every field is past the macro's recursion limit.
    let rest = json!({
        "id_encoded": links.code,
        "filename": filename,
        "mime": item.mime,
        "url": url,
        "ratio": if height > 0 { f64::from(width) / f64::from(height) } else { 0.0 },
        "size_formatted": decimal_bytes(item.size),
        "image": file_object(filename.clone(), name.clone(), &item.mime, &ext, url.clone(), item.size),
        "thumb": thumb,
        "medium": medium,
        "frame": frame.clone(),
        "url_frame": frame["url"],
        "duration_time": item.duration_secs.map(duration_time).unwrap_or_default(),
        "url_viewer": format!("{}{path_viewer}", links.base),
        "path_viewer": path_viewer,
        "url_short": url_short,
        "display_url": display_url,
        "display_width": width,
        "display_height": height,
        "views_label": label(views, "view", "views"),
        "likes_label": "likes",
        "how_long_ago": how_long_ago(item.created_at, now),
        "date_fixed_peer": date,
        "title_truncated": truncated(&title),
        "title_truncated_html": html_escape(&truncated(&title)),
        "is_use_loader": false,
        "display_title": title,
        "delete_url": delete_token.map(|token| format!("{url_short}/delete/{token}")),
    });
    if let (Some(image), Value::Object(rest)) = (image.as_object_mut(), rest) {
        image.extend(rest);
    }
    image
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn sizes_read_as_chevereto_writes_them() {
        assert_eq!(decimal_bytes(3_011_299), "3 MB");
        assert_eq!(decimal_bytes(21_212), "21.2 KB");
        assert_eq!(decimal_bytes(999), "999 B");
        assert_eq!(decimal_bytes(1_950_000_000), "2 GB");
    }

    #[test]
    fn durations_and_ages() {
        assert_eq!(duration_time(73.0), "01:13");
        assert_eq!(duration_time(3_725.4), "01:02:05");
        let at = NaiveDate::from_ymd_opt(2024, 10, 10)
            .unwrap()
            .and_hms_opt(19, 58, 0)
            .unwrap();
        assert_eq!(
            how_long_ago(at, at + chrono::Duration::seconds(30)),
            "moments ago"
        );
        assert_eq!(
            how_long_ago(at, at + chrono::Duration::minutes(1)),
            "1 minute ago"
        );
        assert_eq!(
            how_long_ago(at, at + chrono::Duration::days(15)),
            "2 weeks ago"
        );
    }

    #[test]
    fn titles_are_cut_at_28_characters() {
        assert_eq!(
            truncated("Badgers animated music video MrWeebl"),
            "Badgers animated music vi..."
        );
        assert_eq!(truncated("Short"), "Short");
        assert_eq!(html_escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
