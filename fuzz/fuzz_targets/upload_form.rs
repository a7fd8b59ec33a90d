//! The upload form reader: the multipart parser with our field, text and tag limits. The
//! first byte sets the size of the chunks the body arrives in.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, body)) = data.split_first() else {
        return;
    };
    vitrine_http::fuzzing::upload_form(
        "multipart/form-data; boundary=vitrine",
        body,
        usize::from(chunk) + 1,
    );
});
