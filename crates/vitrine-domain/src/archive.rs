//! Names for the entries of a downloaded archive.

use std::collections::HashSet;

use crate::item::MediaKind;

/// One entry name per file, in order: the original filename, made unique the way file
/// managers do (`cat.jpg`, `cat (2).jpg`, …). Names compare case-insensitively so the
/// archive unpacks without clashes on Windows and macOS too.
pub fn entry_names<'a>(filenames: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    filenames
        .into_iter()
        .map(|raw| {
            let name = safe_name(raw);
            let (stem, extension) = split_extension(&name);
            let mut candidate = name.clone();
            let mut n = 2;
            while !taken.insert(candidate.to_lowercase()) {
                candidate = format!("{stem} ({n}){extension}");
                n += 1;
            }
            candidate
        })
        .collect()
}

/// What a file is called where its own name must not show (links that hide metadata):
/// `image-3.jpg`, `video-1.mp4`, or `image.jpg` without a number.
pub fn neutral_name(kind: MediaKind, mime: &str, n: Option<usize>) -> String {
    let extension = match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/avif" => "avif",
        "image/heif" => "heic",
        "video/mp4" => "mp4",
        "video/quicktime" => "mov",
        "video/webm" => "webm",
        _ => "bin",
    };
    let kind = match kind {
        MediaKind::Image => "image",
        MediaKind::Video => "video",
    };
    match n {
        Some(n) => format!("{kind}-{n}.{extension}"),
        None => format!("{kind}.{extension}"),
    }
}

/// A bare file name that unpacks as itself everywhere: no folders, nothing that walks out
/// of the extraction directory, none of the characters Windows forbids (a drive's `C:`
/// among them), no trailing dots or spaces (Windows drops them), no device name.
fn safe_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if "<>:\"|?*".contains(c) { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_end_matches(['.', ' ']);
    if cleaned.is_empty() {
        return "file".to_owned();
    }
    let stem = cleaned.split('.').next().unwrap_or_default();
    if is_device_name(stem) {
        format!("_{cleaned}")
    } else {
        cleaned.to_owned()
    }
}

/// Windows' reserved names, which open a device whatever their extension.
fn is_device_name(stem: &str) -> bool {
    let stem = stem.trim_end().to_ascii_uppercase();
    match stem.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" => true,
        _ => {
            let (prefix, digit) = stem.split_at(stem.len().min(3));
            (prefix == "COM" || prefix == "LPT")
                && digit.len() == 1
                && digit.chars().all(|c| ('1'..='9').contains(&c))
        }
    }
}

/// `("cat", ".jpg")`; a leading dot is part of the stem (`.profile` has no extension).
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_numbered_and_names_stay_inside_the_archive() {
        let names = entry_names([
            "cat.jpg",
            "CAT.jpg",
            "cat.jpg",
            "cat (2).jpg",
            "../../etc/passwd",
            "..",
            ".profile",
            "noext",
            "noext",
        ]);
        assert_eq!(
            names,
            [
                "cat.jpg",
                "CAT (2).jpg",
                "cat (3).jpg",
                "cat (2) (2).jpg",
                "passwd",
                "file",
                ".profile",
                "noext",
                "noext (2)",
            ]
        );
    }

    #[test]
    fn names_are_safe_to_unpack_on_windows_too() {
        let names = entry_names([
            "C:x..evil.png",
            "a<b>c|d?e*f\"g.jpg",
            "CON",
            "nul.txt",
            "Com1.jpg",
            "lpt9",
            "trailing dots... ",
            "conference.jpg",
        ]);
        assert_eq!(
            names,
            [
                "C_x..evil.png",
                "a_b_c_d_e_f_g.jpg",
                "_CON",
                "_nul.txt",
                "_Com1.jpg",
                "_lpt9",
                "trailing dots",
                "conference.jpg",
            ]
        );
    }
}
