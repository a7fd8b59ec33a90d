//! Spec 5's base64 source, decoded as it arrives: a 100 MB file sent as base64 must never
//! be held whole, so the text is fed in pieces of any size and comes out as bytes in
//! pieces. It may be bare or a `data:` URI (`data:image/png;base64,…`), and may hold line
//! breaks and spaces (as mail-style encoders and form fields leave them); `=` padding
//! may end it, nothing may follow that.

use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use crate::{DomainError, Result};

/// How much may come before the comma of a `data:` URI.
const MAX_DATA_URI_HEAD: usize = 512;

/// Standard alphabet; padding is checked here, so the engine takes it either way.
const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn invalid(why: &str) -> DomainError {
    DomainError::invalid(format!("source is not valid base64: {why}"))
}

/// Decodes base64 text fed in pieces.
#[derive(Debug, Default)]
pub struct Base64Decoder {
    /// Text before the payload is known to start (a possible `data:` head).
    head: Vec<u8>,
    started: bool,
    /// Alphabet characters not yet decoded (fewer than four after each piece).
    pending: Vec<u8>,
    /// `=` seen: only more `=` and whitespace may follow.
    padded: bool,
}

impl Base64Decoder {
    /// A decoder at the start of its input.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes what `text` completes.
    pub fn push(&mut self, text: &[u8]) -> Result<Vec<u8>> {
        if self.started {
            return self.feed(text);
        }
        self.head.extend_from_slice(text);
        let head = std::mem::take(&mut self.head);
        let trimmed = head.trim_ascii_start();
        let is_data_uri = trimmed.len() >= 5 && trimmed[..5].eq_ignore_ascii_case(b"data:");
        if !is_data_uri {
            if trimmed.len() < 5 && b"data:".starts_with(&trimmed.to_ascii_lowercase()) {
                // Too short to tell yet.
                self.head = head;
                return Ok(Vec::new());
            }
            self.started = true;
            return self.feed(&head);
        }
        match trimmed.iter().position(|&b| b == b',') {
            Some(comma) => {
                let media_type = &trimmed[5..comma];
                if !media_type.to_ascii_lowercase().ends_with(b";base64") {
                    return Err(invalid("the data: URI does not say ;base64"));
                }
                self.started = true;
                let rest = trimmed[comma + 1..].to_vec();
                self.feed(&rest)
            }
            None if trimmed.len() > MAX_DATA_URI_HEAD => {
                Err(invalid("the data: URI has no comma before its data"))
            }
            None => {
                self.head = head;
                Ok(Vec::new())
            }
        }
    }

    /// Decodes what is left; the text must have ended on a whole group.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        if !self.started {
            let head = std::mem::take(&mut self.head);
            if head.trim_ascii_start().len() >= 5 {
                return Err(invalid("the data: URI has no comma before its data"));
            }
            self.started = true;
            self.feed(&head)?;
        }
        match self.pending.len() {
            0 => Ok(Vec::new()),
            1 => Err(invalid("it ends in the middle of a character group")),
            _ => ENGINE
                .decode(&self.pending)
                .map_err(|_| invalid("its last group is malformed")),
        }
    }

    fn feed(&mut self, text: &[u8]) -> Result<Vec<u8>> {
        for &b in text {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if !self.padded => {
                    self.pending.push(b);
                }
                b'=' => {
                    if self.pending.len() % 4 < 2 && !self.padded {
                        return Err(invalid("padding in the middle of a group"));
                    }
                    self.padded = true;
                }
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ if self.padded => return Err(invalid("text after the padding")),
                _ => {
                    return Err(invalid(&format!(
                        "it holds {:?}, which is not a base64 character",
                        char::from(b)
                    )))
                }
            }
        }
        // Whole groups decode now; a partial one waits for more text or for `finish`.
        let whole = self.pending.len() - self.pending.len() % 4;
        let decoded = ENGINE
            .decode(&self.pending[..whole])
            .map_err(|_| invalid("a group is malformed"))?;
        self.pending.drain(..whole);
        Ok(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD as REFERENCE;

    fn decode_in_pieces(text: &[u8], piece: usize) -> Result<Vec<u8>> {
        let mut decoder = Base64Decoder::new();
        let mut out = Vec::new();
        for chunk in text.chunks(piece.max(1)) {
            out.extend(decoder.push(chunk)?);
        }
        out.extend(decoder.finish()?);
        Ok(out)
    }

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 3) as u8).collect()
    }

    #[test]
    fn any_split_of_the_text_decodes_to_the_same_bytes() {
        for len in [0, 1, 2, 3, 4, 5, 100, 1001] {
            let bytes = sample(len);
            let text = REFERENCE.encode(&bytes);
            for piece in [1, 2, 3, 5, 7, 64, 4096] {
                assert_eq!(
                    decode_in_pieces(text.as_bytes(), piece).unwrap(),
                    bytes,
                    "{len} bytes in pieces of {piece}"
                );
            }
        }
    }

    #[test]
    fn data_uris_line_breaks_and_missing_padding_are_taken() {
        let bytes = sample(301);
        let text = REFERENCE.encode(&bytes);
        let wrapped: Vec<String> = text
            .as_bytes()
            .chunks(76)
            .map(|l| String::from_utf8(l.to_vec()).unwrap())
            .collect();
        let mime_style = wrapped.join("\r\n");
        let uri = format!("data:image/png;base64,{mime_style}\n");
        for piece in [1, 3, 10, 1000] {
            assert_eq!(decode_in_pieces(uri.as_bytes(), piece).unwrap(), bytes);
        }
        let upper = format!("DATA:image/png;BASE64,{text}");
        assert_eq!(decode_in_pieces(upper.as_bytes(), 2).unwrap(), bytes);
        let unpadded = text.trim_end_matches('=');
        assert_eq!(decode_in_pieces(unpadded.as_bytes(), 4).unwrap(), bytes);
    }

    #[test]
    fn broken_text_is_refused_saying_why() {
        for (text, why) in [
            ("aGVsbG8*", "not a base64 character"),
            ("aGVsbG8=aGVs", "text after the padding"),
            ("a=GVsbG8", "padding in the middle"),
            ("aGVsb", "middle of a character group"),
            ("data:image/png,aGVsbG8=", "does not say ;base64"),
            ("data:image/png;base64", "no comma"),
            ("https://example.com/a.png", "not a base64 character"),
        ] {
            let err = decode_in_pieces(text.as_bytes(), 3)
                .unwrap_err()
                .to_string();
            assert!(err.contains(why), "{text}: {err}");
            assert!(err.starts_with("source is not valid base64"), "{err}");
        }
        let endless_head = format!("data:{}", "x".repeat(600));
        let err = decode_in_pieces(endless_head.as_bytes(), 100).unwrap_err();
        assert!(err.to_string().contains("no comma"));
    }

    #[test]
    fn memory_stays_at_one_group_whatever_the_size() {
        let mut decoder = Base64Decoder::new();
        let text = REFERENCE.encode(sample(3 * 1000 + 1));
        for chunk in text.as_bytes().chunks(333) {
            decoder.push(chunk).unwrap();
            assert!(decoder.pending.len() < 4);
        }
    }
}
