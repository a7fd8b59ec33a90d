//! Streaming stored bytes back out, as an attachment or inline.

use actix_web::http::header;
use actix_web::HttpResponse;
use futures::StreamExt;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use vitrine_domain::item::Item;
use vitrine_domain::ports::ByteStream;

use crate::error::ApiError;

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

pub(crate) fn bytes_response(item: &Item, bytes: ByteStream, kind: Disposition) -> HttpResponse {
    let body = bytes.map(|chunk| chunk.map_err(|err| actix_web::Error::from(ApiError(err))));
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, item.mime.as_str()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            content_disposition(kind, &item.original_filename),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .no_chunking(item.size as u64)
        .streaming(body)
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
}
