//! What a photo says about itself: EXIF (orientation, date taken, camera, titles and
//! descriptions), XMP (title, description, 360° panoramas) and animation frame counts.

use std::io::Cursor;

use exif::{In, Tag, Value};

/// EXIF orientation 1–8; 1 is upright.
pub type Orientation = u8;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotoMeta {
    pub orientation: Option<Orientation>,
    /// `DateTimeOriginal` as written, `YYYY:MM:DD HH:MM:SS` (camera-local time).
    pub taken_at: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub make: Option<String>,
    pub model: Option<String>,
    /// An equirectangular panorama (XMP `GPano:ProjectionType`).
    pub is_360: bool,
}

impl PhotoMeta {
    /// Whether width and height swap when the orientation is applied (5–8 turn 90°).
    pub fn swaps_sides(&self) -> bool {
        matches!(self.orientation, Some(5..=8))
    }
}

/// Reads what it can and ignores the rest: metadata is optional and often malformed.
pub fn photo_meta(bytes: &[u8]) -> PhotoMeta {
    let bytes = jpeg_segments(bytes);
    let mut meta = PhotoMeta::default();
    if let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        let text = |tag: Tag| {
            exif.get_field(tag, In::PRIMARY)
                .and_then(|field| match &field.value {
                    Value::Ascii(parts) => parts
                        .first()
                        .map(|p| String::from_utf8_lossy(p).trim().to_owned()),
                    _ => None,
                })
                .filter(|t| !t.is_empty())
        };
        meta.orientation = exif
            .get_field(Tag::Orientation, In::PRIMARY)
            .and_then(|field| field.value.get_uint(0))
            .and_then(|o| u8::try_from(o).ok())
            .filter(|o| (1..=8).contains(o));
        meta.taken_at = text(Tag::DateTimeOriginal).or_else(|| text(Tag::DateTime));
        meta.description = text(Tag::ImageDescription);
        meta.make = text(Tag::Make);
        meta.model = text(Tag::Model);
        // Windows' XPTitle / XPComment: UCS-2 little-endian in a BYTE field.
        let xp = |number: u16| {
            exif.get_field(Tag(exif::Context::Tiff, number), In::PRIMARY)
                .and_then(|field| match &field.value {
                    Value::Byte(raw) => Some(ucs2(raw)),
                    _ => None,
                })
                .filter(|t| !t.is_empty())
        };
        meta.title = xp(0x9C9B);
        meta.description = meta.description.or_else(|| xp(0x9C9C));
    }
    if let Some(xmp) = xmp_packet(bytes) {
        meta.title = meta.title.or_else(|| xmp_alt(xmp, "dc:title"));
        meta.description = meta.description.or_else(|| xmp_alt(xmp, "dc:description"));
        meta.is_360 = xmp.contains("GPano:ProjectionType")
            && xmp.to_ascii_lowercase().contains("equirectangular");
    }
    meta
}

/// A JPEG's marker segments before its image data, where EXIF and XMP live; other files
/// whole. Without EXIF, kamadak-exif reads a JPEG to its end: 1.7 ms for a 12 MP photo.
fn jpeg_segments(bytes: &[u8]) -> &[u8] {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return bytes;
    }
    let mut at = 2;
    while let (Some(0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) {
        match marker {
            // Fill bytes before a marker.
            0xFF => at += 1,
            // Start of scan: entropy-coded pixels follow.
            0xDA => return &bytes[..at],
            _ => {
                let Some(len) = bytes.get(at + 2..at + 4) else {
                    break;
                };
                at += 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
            }
        }
    }
    bytes
}

fn ucs2(raw: &[u8]) -> String {
    let units: Vec<u16> = raw
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .take_while(|unit| *unit != 0)
        .collect();
    String::from_utf16_lossy(&units).trim().to_owned()
}

/// The XMP packet, wherever the container put it: it is plain XML between fixed markers.
fn xmp_packet(bytes: &[u8]) -> Option<&str> {
    let start = find(bytes, b"<x:xmpmeta")?;
    let end = start + find(&bytes[start..], b"</x:xmpmeta>")? + b"</x:xmpmeta>".len();
    std::str::from_utf8(&bytes[start..end]).ok()
}

/// memchr's SIMD search: a photo is megabytes, and a naive scan of one took 3 ms.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The first `rdf:li` of an `rdf:Alt` property such as `dc:title`.
fn xmp_alt(xmp: &str, property: &str) -> Option<String> {
    let open = xmp.find(&format!("<{property}"))?;
    let close = open + xmp[open..].find(&format!("</{property}>"))?;
    let inner = &xmp[open..close];
    let li = inner.find("<rdf:li")?;
    let text_start = li + inner[li..].find('>')? + 1;
    let text_end = text_start + inner[text_start..].find("</rdf:li>")?;
    let text = unescape_xml(inner[text_start..text_end].trim());
    (!text.is_empty()).then_some(text)
}

fn unescape_xml(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Frames of an animated GIF, APNG or WebP; 1 for still images and other types. Counted
/// from the container's structure, without decoding a pixel.
pub fn frame_count(mime: &str, bytes: &[u8]) -> u32 {
    match mime {
        "image/gif" => gif_frames(bytes),
        "image/png" => apng_frames(bytes),
        "image/webp" => webp_frames(bytes),
        _ => 1,
    }
    .max(1)
}

fn gif_frames(bytes: &[u8]) -> u32 {
    // Header (6), logical screen descriptor (7), then the global colour table if flagged.
    let Some(&flags) = bytes.get(10) else {
        return 1;
    };
    let mut at = 13 + colour_table_len(flags);
    let mut frames = 0;
    let skip_sub_blocks = |mut at: usize| -> Option<usize> {
        loop {
            let len = usize::from(*bytes.get(at)?);
            at += 1 + len;
            if len == 0 {
                return Some(at);
            }
        }
    };
    while let Some(&block) = bytes.get(at) {
        match block {
            0x21 => match skip_sub_blocks(at + 2) {
                Some(next) => at = next,
                None => break,
            },
            0x2C => {
                frames += 1;
                let Some(&local) = bytes.get(at + 9) else {
                    break;
                };
                // Descriptor (10), local colour table, LZW minimum code size (1), data.
                match skip_sub_blocks(at + 10 + colour_table_len(local) + 1) {
                    Some(next) => at = next,
                    None => break,
                }
            }
            _ => break, // 0x3B trailer, or damage: count what was seen
        }
    }
    frames
}

fn colour_table_len(flags: u8) -> usize {
    if flags & 0x80 == 0 {
        0
    } else {
        3 * (1 << ((flags & 0x07) + 1))
    }
}

/// APNG announces its frame count in the `acTL` chunk, before the first `IDAT`.
fn apng_frames(bytes: &[u8]) -> u32 {
    let mut at = 8;
    while let Some(header) = bytes.get(at..at + 8) {
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        match &header[4..8] {
            b"acTL" => {
                return bytes
                    .get(at + 8..at + 12)
                    .map_or(1, |n| u32::from_be_bytes([n[0], n[1], n[2], n[3]]))
            }
            b"IDAT" | b"IEND" => return 1,
            _ => at += 12 + len,
        }
    }
    1
}

fn webp_frames(bytes: &[u8]) -> u32 {
    let mut at = 12;
    let mut frames = 0;
    while let Some(header) = bytes.get(at..at + 8) {
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        if &header[..4] == b"ANMF" {
            frames += 1;
        }
        at += 8 + len + (len & 1);
    }
    frames
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG-less EXIF container is enough for kamadak: SOI, APP1, EOI.
    fn jpeg_with(exif_tiff: &[u8], xmp: Option<&str>) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        let payload = [b"Exif\0\0".as_slice(), exif_tiff].concat();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&payload);
        if let Some(xmp) = xmp {
            let payload = [b"http://ns.adobe.com/xap/1.0/\0".as_slice(), xmp.as_bytes()].concat();
            out.extend_from_slice(&[0xFF, 0xE1]);
            out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
            out.extend_from_slice(&payload);
        }
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    /// Big-endian TIFF with IFD entries of (tag, type, count, 4-byte value or offset) and
    /// `extra` data placed right after the IFD.
    fn tiff(entries: &[(u16, u16, u32, [u8; 4])], extra: &[u8]) -> Vec<u8> {
        let mut out = b"MM\0\x2a\0\0\0\x08".to_vec();
        out.extend_from_slice(&(entries.len() as u16).to_be_bytes());
        for (tag, kind, count, value) in entries {
            out.extend_from_slice(&tag.to_be_bytes());
            out.extend_from_slice(&kind.to_be_bytes());
            out.extend_from_slice(&count.to_be_bytes());
            out.extend_from_slice(value);
        }
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(extra);
        out
    }

    #[test]
    fn exif_gives_orientation_camera_and_description() {
        let extra_at = (8 + 2 + 3 * 12 + 4) as u32;
        let make = b"Canon\0";
        let model = b"EOS R\0";
        let mut extra = make.to_vec();
        extra.extend_from_slice(model);
        let entries = [
            (0x0112, 3, 1, [0, 6, 0, 0]),
            (0x010F, 2, make.len() as u32, extra_at.to_be_bytes()),
            (
                0x0110,
                2,
                model.len() as u32,
                (extra_at + make.len() as u32).to_be_bytes(),
            ),
        ];
        let meta = photo_meta(&jpeg_with(&tiff(&entries, &extra), None));
        assert_eq!(meta.orientation, Some(6));
        assert!(meta.swaps_sides());
        assert_eq!(meta.make.as_deref(), Some("Canon"));
        assert_eq!(meta.model.as_deref(), Some("EOS R"));
    }

    #[test]
    fn xmp_gives_title_description_and_panoramas() {
        let xmp = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description GPano:ProjectionType="equirectangular">
            <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Harbour &amp; boats</rdf:li></rdf:Alt></dc:title>
            <dc:description><rdf:Alt><rdf:li xml:lang="x-default">At dusk</rdf:li></rdf:Alt></dc:description>
            </rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let meta = photo_meta(&jpeg_with(&tiff(&[], &[]), Some(xmp)));
        assert_eq!(meta.title.as_deref(), Some("Harbour & boats"));
        assert_eq!(meta.description.as_deref(), Some("At dusk"));
        assert!(meta.is_360);
        assert_eq!(meta.orientation, None);
    }

    #[test]
    fn garbage_yields_no_metadata_and_one_frame() {
        assert_eq!(photo_meta(b"not an image"), PhotoMeta::default());
        assert_eq!(frame_count("image/gif", b"GIF89a"), 1);
        assert_eq!(frame_count("image/png", b"\x89PNG"), 1);
    }

    #[test]
    fn animated_gifs_count_their_frames() {
        use image::codecs::gif::GifEncoder;
        use image::{Delay, Frame, RgbaImage};
        let mut gif = Vec::new();
        {
            let mut encoder = GifEncoder::new(&mut gif);
            for shade in [0u8, 120, 240] {
                let frame = Frame::from_parts(
                    RgbaImage::from_pixel(8, 8, image::Rgba([shade, 0, 0, 255])),
                    0,
                    0,
                    Delay::from_numer_denom_ms(100, 1),
                );
                encoder.encode_frame(frame).unwrap();
            }
        }
        assert_eq!(frame_count("image/gif", &gif), 3);
    }
}
