//! Removing metadata (EXIF, XMP, IPTC, text chunks: camera, GPS, dates) from image bytes
//! without re-encoding, so the pixels served are exactly the original's.

use vitrine_domain::{DomainError, Result};

/// The image without its metadata; types that carry none (GIF) come back unchanged.
pub fn strip_metadata(mime: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    match mime {
        "image/jpeg" => strip_jpeg(bytes),
        "image/png" => strip_png(bytes),
        "image/webp" => strip_webp(bytes),
        "image/gif" => Ok(bytes.to_vec()),
        other => Err(DomainError::UnsupportedMedia(format!(
            "metadata cannot be removed from {other}"
        ))),
    }
}

fn corrupt(what: &str) -> DomainError {
    DomainError::Unprocessable(format!("the stored {what} is not well-formed"))
}

/// Drops APP1 (EXIF, XMP), APP13 (IPTC) and COM segments and anything after the end of
/// the image; the scans are copied as they are.
fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(corrupt("JPEG"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    loop {
        let marker = *bytes.get(at + 1).ok_or_else(|| corrupt("JPEG"))?;
        if bytes[at] != 0xFF {
            return Err(corrupt("JPEG"));
        }
        // Start of scan or end of image: the rest is entropy-coded data up to the end
        // marker. 0xFF inside it is always followed by 0x00 or a restart marker, so the
        // first FF D9 ends the image. Whatever follows (phones append a second image,
        // with EXIF of its own) is dropped.
        if marker == 0xDA || marker == 0xD9 {
            let end =
                memchr::memmem::find(&bytes[at..], &[0xFF, 0xD9]).ok_or_else(|| corrupt("JPEG"))?;
            out.extend_from_slice(&bytes[at..at + end + 2]);
            return Ok(out);
        }
        let len_bytes = bytes.get(at + 2..at + 4).ok_or_else(|| corrupt("JPEG"))?;
        let len = usize::from(u16::from_be_bytes([len_bytes[0], len_bytes[1]]));
        let end = at + 2 + len;
        let segment = bytes.get(at..end).ok_or_else(|| corrupt("JPEG"))?;
        if !matches!(marker, 0xE1 | 0xED | 0xFE) {
            out.extend_from_slice(segment);
        }
        at = end;
    }
}

/// Drops eXIf and the text chunks (tEXt, zTXt, iTXt), which hold EXIF and XMP too.
fn strip_png(bytes: &[u8]) -> Result<Vec<u8>> {
    const SIGNATURE: usize = 8;
    if bytes.len() < SIGNATURE {
        return Err(corrupt("PNG"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..SIGNATURE]);
    let mut at = SIGNATURE;
    while at < bytes.len() {
        let header = bytes.get(at..at + 8).ok_or_else(|| corrupt("PNG"))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let end = at + 12 + len; // length, type, data, CRC
        let chunk = bytes.get(at..end).ok_or_else(|| corrupt("PNG"))?;
        if !matches!(&header[4..8], b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt") {
            out.extend_from_slice(chunk);
        }
        at = end;
        // The image ends here; whatever follows (an appended second image with its own
        // metadata, as phones store) is not copied.
        if &header[4..8] == b"IEND" {
            break;
        }
    }
    Ok(out)
}

/// Drops the EXIF and XMP chunks, clears their flags in VP8X and fixes the RIFF size.
fn strip_webp(bytes: &[u8]) -> Result<Vec<u8>> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return Err(corrupt("WebP"));
    }
    // The container ends where its RIFF size says; what follows is not the image's.
    let riff_end = 8 + u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let bytes = &bytes[..riff_end.clamp(12, bytes.len())];
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..12]);
    let mut at = 12;
    while at < bytes.len() {
        let header = bytes.get(at..at + 8).ok_or_else(|| corrupt("WebP"))?;
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let end = (at + 8 + len + (len & 1)).min(bytes.len()); // chunks pad to even
        let chunk = bytes.get(at..end).ok_or_else(|| corrupt("WebP"))?;
        match &header[..4] {
            b"EXIF" | b"XMP " => {}
            b"VP8X" => {
                let mut chunk = chunk.to_vec();
                if let Some(flags) = chunk.get_mut(8) {
                    *flags &= !(0x08 | 0x04); // EXIF and XMP present
                }
                out.extend_from_slice(&chunk);
            }
            _ => out.extend_from_slice(chunk),
        }
        at = end;
    }
    let riff_size = u32::try_from(out.len() - 8).map_err(|_| corrupt("WebP"))?;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with_exif() -> Vec<u8> {
        let mut jpeg = vec![0xFF, 0xD8];
        let exif = b"Exif\0\0GPS-secret";
        jpeg.extend_from_slice(&[0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
        jpeg.extend_from_slice(exif);
        jpeg.extend_from_slice(&[0xFF, 0xE0, 0, 4, 1, 2]); // APP0 stays
        jpeg.extend_from_slice(&[0xFF, 0xDA, 0, 2, 9, 9, 0xFF, 0xD9]);
        jpeg
    }

    #[test]
    fn jpeg_loses_exif_and_keeps_the_rest() {
        let stripped = strip_metadata("image/jpeg", &jpeg_with_exif()).unwrap();
        assert_eq!(
            stripped,
            [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xDA, 0, 2, 9, 9, 0xFF, 0xD9]
        );
    }

    #[test]
    fn jpeg_loses_what_follows_its_end() {
        let mut jpeg = jpeg_with_exif();
        let image_alone = strip_metadata("image/jpeg", &jpeg).unwrap();
        jpeg.extend_from_slice(&jpeg_with_exif());
        assert_eq!(strip_metadata("image/jpeg", &jpeg).unwrap(), image_alone);
    }

    #[test]
    fn png_loses_text_and_exif_chunks() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        };
        let signature = b"\x89PNG\r\n\x1a\n".to_vec();
        let ihdr = chunk(b"IHDR", &[0; 13]);
        let iend = chunk(b"IEND", &[]);
        let png = [
            signature.clone(),
            ihdr.clone(),
            chunk(b"eXIf", b"GPS"),
            chunk(b"tEXt", b"Author\0me"),
            iend.clone(),
        ]
        .concat();
        let stripped = strip_metadata("image/png", &png).unwrap();
        assert_eq!(
            stripped,
            [signature.clone(), ihdr.clone(), iend.clone()].concat()
        );

        // What follows IEND (a second image, as phones append) goes, whatever it looks like.
        let appended = [png.clone(), chunk(b"tIME", b"GPS 52.37N"), jpeg_with_exif()].concat();
        assert_eq!(
            strip_metadata("image/png", &appended).unwrap(),
            [signature, ihdr, iend].concat()
        );
    }

    #[test]
    fn webp_loses_exif_and_what_follows_its_riff() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = kind.to_vec();
            c.extend_from_slice(&(data.len() as u32).to_le_bytes());
            c.extend_from_slice(data);
            if data.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        let body = [chunk(b"VP8L", &[1, 2, 3, 4]), chunk(b"EXIF", b"GPS 52.37N")].concat();
        let riff = |body: &[u8]| {
            let mut w = b"RIFF".to_vec();
            w.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
            w.extend_from_slice(b"WEBP");
            w.extend_from_slice(body);
            w
        };
        let webp = riff(&body);
        let expected = riff(&chunk(b"VP8L", &[1, 2, 3, 4]));
        assert_eq!(strip_metadata("image/webp", &webp).unwrap(), expected);
        let appended = [webp, chunk(b"EXIF", b"GPS 52.37N"), jpeg_with_exif()].concat();
        assert_eq!(strip_metadata("image/webp", &appended).unwrap(), expected);
    }

    #[test]
    fn truncated_input_is_refused_not_panicked_on() {
        let jpeg = jpeg_with_exif();
        for cut in 0..jpeg.len() {
            let result = strip_metadata("image/jpeg", &jpeg[..cut]);
            assert!(result.is_err(), "cut at {cut} of {}", jpeg.len());
        }
        assert!(strip_metadata("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\x05IH").is_err());
        assert!(strip_metadata("video/mp4", b"....").is_err());
    }
}
