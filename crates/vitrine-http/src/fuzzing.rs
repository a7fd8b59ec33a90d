//! Entry points for `cargo fuzz` (the `fuzz/` folder): the parsers of untrusted request
//! input, run without a server. Not an API: the fuzz targets are its only callers.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use bytes::Bytes;
use futures::StreamExt;
use vitrine_domain::limits::{FormLimits, Limits};

use crate::routes::filters::{item_query, Surface};
use crate::routes::gallery::upload::{read_form, FileBytes};

/// Reads an upload form as `POST /api/v1/gallery` does, the body arriving in chunks of
/// `chunk` bytes; the file's bytes are drained and counted, not stored.
pub fn upload_form(content_type: &str, body: &[u8], chunk: usize) {
    let Ok(content_type) = HeaderValue::from_str(content_type) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, content_type);
    let chunks: Vec<Result<Bytes, actix_web::error::PayloadError>> = body
        .chunks(chunk.max(1))
        .map(|part| Ok(Bytes::copy_from_slice(part)))
        .collect();
    let form = Multipart::new(&headers, futures::stream::iter(chunks));
    let drain = |mut bytes: FileBytes| async move {
        let mut total = 0;
        while let Some(part) = bytes.next().await {
            total += part?.len();
        }
        Ok(total)
    };
    let mut staged = None;
    let _ = futures::executor::block_on(read_form(form, FormLimits::default(), drain, &mut staged));
}

/// Parses a query string into listing filters, for both surfaces that list items.
pub fn listing_query(query: &str) {
    let Ok(params) = actix_web::web::Query::<HashMap<String, String>>::from_query(query) else {
        return;
    };
    let limits = Limits::default();
    let _ = item_query(&params, &limits, Surface::Gallery);
    let _ = item_query(&params, &limits, Surface::Images);
}
