//! The EXIF/XMP reader: camera, date, orientation, GPS and 360° hints from any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vitrine_media::photo_meta(data);
});
