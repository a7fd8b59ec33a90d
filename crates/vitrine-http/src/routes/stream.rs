//! Streaming an original back out: inline or as an attachment, with `ETag`/304,
//! single `Range` requests (206, video seeking) and `HEAD`.

use std::ops::Range;

use actix_web::http::{header, Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use futures::StreamExt;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use vitrine_domain::item::{Item, MediaFile, Variant};
use vitrine_domain::library::Library;

use crate::error::{ApiError, ApiResult};

#[derive(Clone, Copy)]
pub(crate) enum Disposition {
    Inline,
    Attachment,
}

/// `attachment; filename="cat.jpg"; filename*=UTF-8''cat.jpg` (RFC 6266): an ASCII
/// fallback with anything risky replaced, and the exact name percent-encoded.
pub(crate) fn content_disposition(kind: Disposition, filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = utf8_percent_encode(filename, NON_ALPHANUMERIC);
    let kind = match kind {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Stored bytes to send: an item's original or one of its variants.
pub(crate) struct Served<'a> {
    key: &'a str,
    mime: &'a str,
    size: i64,
    sha256: &'a str,
    filename: String,
}

impl<'a> Served<'a> {
    pub(crate) fn original(item: &'a Item) -> Self {
        Served {
            key: &item.blob_key,
            mime: &item.mime,
            size: item.size,
            sha256: &item.sha256,
            filename: item.original_filename.clone(),
        }
    }

    /// The original under another name (`name.mp4` for `cat.mp4`).
    pub(crate) fn original_named(item: &'a Item, name: &str) -> Self {
        let extension = item.original_filename.rsplit_once('.').map(|(_, ext)| ext);
        Served {
            filename: match extension {
                Some(ext) => format!("{name}.{ext}"),
                None => name.to_owned(),
            },
            ..Self::original(item)
        }
    }

    /// `cat-thumb.jpg` for the JPEG thumb of `cat.png`.
    pub(crate) fn variant(item: &'a Item, variant: &'a Variant) -> Self {
        Self::variant_named(variant, &item.original_filename)
    }

    /// A variant named after `name` (`name-thumb.jpg`) instead of its original's name.
    pub(crate) fn variant_named(variant: &'a Variant, name: &str) -> Self {
        Served {
            key: &variant.blob_key,
            mime: &variant.mime,
            size: variant.size,
            sha256: &variant.sha256,
            filename: variant_filename(name, &variant.name, &variant.mime),
        }
    }

    /// The file a signed URL names.
    pub(crate) fn file(file: &'a MediaFile) -> Self {
        Served {
            key: &file.blob_key,
            mime: &file.mime,
            size: file.size,
            sha256: &file.sha256,
            filename: match &file.variant {
                Some(variant) => variant_filename(&file.original_filename, variant, &file.mime),
                None => file.original_filename.clone(),
            },
        }
    }
}

/// `cat-thumb.jpg` for the JPEG `thumb` of `cat.png`.
fn variant_filename(original: &str, variant: &str, mime: &str) -> String {
    let stem = original.rsplit_once('.').map_or(original, |(stem, _)| stem);
    let extension = if mime == "image/webp" { "webp" } else { "jpg" };
    format!("{stem}-{variant}.{extension}")
}

/// Stored bytes as `req` asks for them. Blobs are content-addressed, so the SHA-256 is a
/// strong `ETag` that never needs invalidating.
pub(crate) async fn serve(
    req: &HttpRequest,
    library: &Library,
    served: &Served<'_>,
    kind: Disposition,
) -> ApiResult<HttpResponse> {
    let etag = format!("\"{}\"", served.sha256);
    let size = served.size as u64;
    let response = |status: StatusCode| {
        let mut builder = HttpResponse::build(status);
        builder
            .insert_header((header::ETAG, etag.as_str()))
            .insert_header((header::ACCEPT_RANGES, "bytes"))
            .insert_header((header::CACHE_CONTROL, "private, max-age=3600"));
        builder
    };
    if header_matches(req, header::IF_NONE_MATCH, &etag) {
        return Ok(response(StatusCode::NOT_MODIFIED).finish());
    }
    let range = match requested_range(req, &etag) {
        Some(raw) => match parse_range(raw, size) {
            RangeAsked::One(range) => Some(range),
            RangeAsked::Whole => None,
            RangeAsked::Unsatisfiable => {
                return Ok(response(StatusCode::RANGE_NOT_SATISFIABLE)
                    .insert_header((header::CONTENT_RANGE, format!("bytes */{size}")))
                    .finish());
            }
        },
        None => None,
    };
    let mut builder = match &range {
        Some(range) => {
            let mut builder = response(StatusCode::PARTIAL_CONTENT);
            let last = range.end - 1;
            builder.insert_header((
                header::CONTENT_RANGE,
                format!("bytes {}-{last}/{size}", range.start),
            ));
            builder
        }
        None => response(StatusCode::OK),
    };
    builder
        .insert_header((header::CONTENT_TYPE, served.mime))
        .insert_header((
            header::CONTENT_DISPOSITION,
            content_disposition(kind, &served.filename),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    let length = range.as_ref().map_or(size, |r| r.end - r.start);
    if req.method() == Method::HEAD {
        // The length is announced; actix sends no body for HEAD, so none is opened.
        return Ok(sized(
            builder,
            length,
            futures::stream::empty().boxed_local(),
        ));
    }
    let bytes = library.open_blob(served.key, range).await?;
    let body = bytes
        .map(|chunk| chunk.map_err(|err| actix_web::Error::from(ApiError::Domain(err))))
        .boxed_local();
    Ok(sized(builder, length, body))
}

fn sized(
    mut builder: HttpResponseBuilder,
    length: u64,
    body: futures::stream::LocalBoxStream<'static, Result<bytes::Bytes, actix_web::Error>>,
) -> HttpResponse {
    builder.no_chunking(length).streaming(body)
}

fn header_matches(req: &HttpRequest, name: header::HeaderName, etag: &str) -> bool {
    req.headers()
        .get_all(name)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// The `Range` header, unless an `If-Range` names another version of the bytes.
fn requested_range<'a>(req: &'a HttpRequest, etag: &str) -> Option<&'a str> {
    if let Some(if_range) = req.headers().get(header::IF_RANGE) {
        if if_range.to_str().ok()?.trim() != etag {
            return None;
        }
    }
    req.headers().get(header::RANGE)?.to_str().ok()
}

#[derive(Debug, PartialEq, Eq)]
enum RangeAsked {
    One(Range<u64>),
    /// Several ranges or a form we do not serve: RFC 9110 lets us answer with everything.
    Whole,
    Unsatisfiable,
}

/// `bytes=0-99`, `bytes=100-` or `bytes=-100` over an object of `size` bytes.
fn parse_range(raw: &str, size: u64) -> RangeAsked {
    let Some(spec) = raw.trim().strip_prefix("bytes=") else {
        return RangeAsked::Whole;
    };
    if spec.contains(',') {
        return RangeAsked::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAsked::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        match last.parse::<u64>() {
            Ok(0) => return RangeAsked::Unsatisfiable,
            Ok(suffix) => size.saturating_sub(suffix)..size,
            Err(_) => return RangeAsked::Whole,
        }
    } else {
        let Ok(start) = first.parse::<u64>() else {
            return RangeAsked::Whole;
        };
        let end = match last {
            "" => size,
            last => match last.parse::<u64>() {
                Ok(last) if last >= start => (last + 1).min(size),
                _ => return RangeAsked::Whole,
            },
        };
        start..end
    };
    if range.start >= size {
        RangeAsked::Unsatisfiable
    } else {
        RangeAsked::One(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risky_filenames_are_quoted_safely() {
        let value = content_disposition(Disposition::Attachment, "sun \"set\"\r\n.jpg");
        assert_eq!(
            value,
            "attachment; filename=\"sun _set___.jpg\"; filename*=UTF-8''sun%20%22set%22%0D%0A%2Ejpg"
        );
    }

    #[test]
    fn unicode_names_keep_their_exact_form_in_filename_star() {
        let value = content_disposition(Disposition::Inline, "été.png");
        assert_eq!(
            value,
            "inline; filename=\"_t_.png\"; filename*=UTF-8''%C3%A9t%C3%A9%2Epng"
        );
    }

    #[test]
    fn ranges_parse_as_rfc_9110_says() {
        assert_eq!(parse_range("bytes=0-99", 1000), RangeAsked::One(0..100));
        assert_eq!(parse_range("bytes=900-", 1000), RangeAsked::One(900..1000));
        assert_eq!(parse_range("bytes=-100", 1000), RangeAsked::One(900..1000));
        assert_eq!(parse_range("bytes=-5000", 1000), RangeAsked::One(0..1000));
        assert_eq!(
            parse_range("bytes=990-5000", 1000),
            RangeAsked::One(990..1000)
        );
        assert_eq!(parse_range("bytes=1000-", 1000), RangeAsked::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), RangeAsked::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-1,5-9", 1000), RangeAsked::Whole);
        assert_eq!(parse_range("bytes=9-1", 1000), RangeAsked::Whole);
        assert_eq!(parse_range("items=0-1", 1000), RangeAsked::Whole);
    }
}
