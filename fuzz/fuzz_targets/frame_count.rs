//! The frame counters of GIF, APNG and WebP, which run before any decode.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mime in ["image/gif", "image/png", "image/webp"] {
        let _ = vitrine_media::frame_count(mime, data);
    }
});
