//! The permanent public-by-link addresses of spec 5: an item made public gets a code
//! (`id_encoded`) that its viewer page, short link and file URLs carry, and a delete token
//! for its `delete_url`. Both are capabilities — whoever holds the link may see (or delete)
//! the item — so both come from the operating system's CSPRNG, never from a sequence:
//! the code is 16 base62 characters (95 bits), the token 32 bytes (256 bits) kept only as
//! its SHA-256.

use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// Characters of a code.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Length of a code: 62^16 ≈ 2^95.
pub const CODE_LEN: usize = 16;

/// A new `id_encoded`.
pub fn new_code() -> String {
    (0..CODE_LEN)
        .map(|_| char::from(BASE62[OsRng.gen_range(0..BASE62.len())]))
        .collect()
}

/// Whether `text` could be a code (checked before any lookup).
pub fn is_code(text: &str) -> bool {
    text.len() == CODE_LEN && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A new delete token, as the link shows it (64 hex digits), and the hash to keep.
pub fn new_delete_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = delete_token_hash(&token);
    (token, hash)
}

/// What is stored of a delete token.
pub fn delete_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The readable part of a viewer path, as Chevereto makes it from a title: slashes,
/// backslashes, `~&!'"?<>` dropped, runs of spaces and dashes one dash, percent-encoded.
/// Empty without a title (the path is then the code alone).
pub fn seo_slug(title: &str) -> String {
    let kept: String = title
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\\' | '/' | '~' | '&' | '!' | '\'' | '"' | '?' | '<' | '>'
            )
        })
        .collect();
    let words: Vec<&str> = kept
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    percent_encode(&words.join("-"))
}

/// RFC 3986 unreserved characters stay; every other byte is `%XX`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_are_long_random_and_base62() {
        let codes: HashSet<String> = (0..10_000).map(|_| new_code()).collect();
        assert_eq!(codes.len(), 10_000, "no repeats");
        assert!(codes.iter().all(|c| is_code(c)));
        // Every character of the alphabet turns up in every position over many codes.
        for position in 0..CODE_LEN {
            let seen: HashSet<u8> = codes.iter().map(|c| c.as_bytes()[position]).collect();
            assert_eq!(seen.len(), 62, "position {position}");
        }
        assert!(!is_code("short"));
        assert!(!is_code("abcdefghijklmno!"));
    }

    #[test]
    fn delete_tokens_are_kept_as_hashes() {
        let (token, hash) = new_delete_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, hash);
        assert_eq!(delete_token_hash(&token), hash);
        assert_ne!(new_delete_token().0, token);
    }

    #[test]
    fn slugs_follow_chevereto() {
        assert_eq!(
            seo_slug("Badgers animated music video MrWeebl"),
            "Badgers-animated-music-video-MrWeebl"
        );
        assert_eq!(
            seo_slug("  What?! A -- test / again  "),
            "What-A-test-again"
        );
        assert_eq!(seo_slug("Café au lait"), "Caf%C3%A9-au-lait");
        assert_eq!(seo_slug("<script>"), "script");
        assert_eq!(seo_slug(""), "");
    }
}
