//! Spec 5's `source` as bytes: a file part as it arrives, base64 text decoded as it
//! arrives, or the body of an http(s) URL the server fetches under its fetch policy.
//! Nothing here holds a whole payload.

use std::cell::Cell;
use std::rc::Rc;

use bytes::Bytes;
use futures::{stream, StreamExt};
use reqwest::Url;
use vitrine_domain::base64_source::Base64Decoder;

use crate::routes::gallery::upload::FileBytes;

/// Text up to this long may be a URL; longer text is base64.
pub(super) const MAX_URL_LEN: usize = 8 * 1024;

/// The text of a `source` that names an http(s) URL, or `None` for base64.
pub(super) fn as_url(text: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(text).ok()?.trim();
    let url = Url::parse(text).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| text.to_owned())
}

/// The file name a URL's path ends with, if any.
pub(super) fn url_filename(url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    let last = url.path_segments()?.next_back()?.to_owned();
    (!last.is_empty()).then_some(last)
}

/// Base64 text (`first`, then `rest`) decoded piece by piece. A decoding failure ends
/// the stream with an error and sets `failed`, so the caller can answer with
/// Chevereto's code for bad base64.
pub(super) fn decoded(first: Vec<u8>, rest: FileBytes, failed: Rc<Cell<bool>>) -> FileBytes {
    struct State {
        decoder: Option<Base64Decoder>,
        first: Option<Vec<u8>>,
        rest: FileBytes,
        failed: Rc<Cell<bool>>,
    }
    let state = State {
        decoder: Some(Base64Decoder::new()),
        first: Some(first),
        rest,
        failed,
    };
    stream::unfold(state, |mut state| async move {
        loop {
            let decoder = state.decoder.as_mut()?;
            let piece = match state.first.take() {
                Some(text) => decoder.push(&text),
                None => match state.rest.next().await {
                    Some(Ok(text)) => decoder.push(&text),
                    Some(Err(err)) => {
                        state.decoder = None;
                        return Some((Err(err), state));
                    }
                    None => state.decoder.take()?.finish(),
                },
            };
            match piece {
                Ok(bytes) if bytes.is_empty() => continue,
                Ok(bytes) => return Some((Ok(Bytes::from(bytes)), state)),
                Err(err) => {
                    state.failed.set(true);
                    state.decoder = None;
                    return Some((Err(err), state));
                }
            }
        }
    })
    .boxed_local()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_domain::DomainError;

    #[test]
    fn urls_are_told_from_base64() {
        assert_eq!(
            as_url(b" https://example.com/a.png "),
            Some("https://example.com/a.png".to_owned())
        );
        assert_eq!(as_url(b"ftp://example.com/a.png"), None);
        assert_eq!(as_url(b"iVBORw0KGgo="), None);
        assert_eq!(
            url_filename("https://example.com/dir/cat.jpg?x=1"),
            Some("cat.jpg".to_owned())
        );
        assert_eq!(url_filename("https://example.com/"), None);
    }

    #[tokio::test]
    async fn base64_in_pieces_decodes_and_bad_text_sets_the_flag() {
        let pieces: Vec<Result<Bytes, DomainError>> = vec![
            Ok(Bytes::from_static(b"bG9uZ2V")),
            Ok(Bytes::from_static(b"yIHRleHQ=")),
        ];
        let failed = Rc::new(Cell::new(false));
        let out: Vec<_> = decoded(
            b"".to_vec(),
            stream::iter(pieces).boxed_local(),
            failed.clone(),
        )
        .collect()
        .await;
        let bytes: Vec<u8> = out.into_iter().flat_map(|b| b.unwrap().to_vec()).collect();
        assert_eq!(bytes, b"longer text");
        assert!(!failed.get());

        let bad = decoded(
            b"@@@@".to_vec(),
            stream::empty().boxed_local(),
            failed.clone(),
        )
        .collect::<Vec<_>>()
        .await;
        assert!(bad.iter().any(Result::is_err));
        assert!(failed.get());
    }
}
