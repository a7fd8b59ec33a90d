//! The listing filters of `/api/v1/gallery` and `/images`, from a raw query string.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(query) = std::str::from_utf8(data) {
        vitrine_http::fuzzing::listing_query(query);
    }
});
