//! Names for the entries of a downloaded archive.

use std::collections::HashSet;

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

/// A bare file name: no folders, nothing that walks out of the extraction directory.
fn safe_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        "file".to_owned()
    } else {
        cleaned.to_owned()
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
}
