//! Metadata removal for "hide metadata" links: never a panic, and never more bytes out
//! than came in (it only drops segments and chunks).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mime in ["image/jpeg", "image/png", "image/webp", "image/gif"] {
        if let Ok(stripped) = vitrine_media::strip_metadata(mime, data) {
            assert!(stripped.len() <= data.len(), "{mime} grew");
        }
    }
});
