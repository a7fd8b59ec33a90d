//! Tag rules: trimmed, matched case-insensitively, stored as first typed.

use crate::DomainError;

/// The longest tag, in characters.
pub const MAX_TAG_LEN: usize = 64;
/// The most tags an item may have.
pub const MAX_TAGS_PER_ITEM: usize = 100;

/// The key two tags are compared by.
pub fn tag_key(tag: &str) -> String {
    tag.trim().to_lowercase()
}

/// Trims, drops empties and case-insensitive duplicates (first spelling wins), checks limits.
pub fn normalize_tags<I, S>(raw: I) -> Result<Vec<String>, DomainError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut seen = std::collections::HashSet::new();
    let mut tags = Vec::new();
    for tag in raw {
        let tag = tag.as_ref().trim();
        if tag.is_empty() || !seen.insert(tag_key(tag)) {
            continue;
        }
        if tag.chars().count() > MAX_TAG_LEN {
            return Err(DomainError::invalid_field(
                "tags",
                format!("a tag is at most {MAX_TAG_LEN} characters"),
            ));
        }
        tags.push(tag.to_owned());
    }
    if tags.len() > MAX_TAGS_PER_ITEM {
        return Err(DomainError::invalid_field(
            "tags",
            format!("at most {MAX_TAGS_PER_ITEM} tags per item"),
        ));
    }
    Ok(tags)
}

/// Splits a comma-separated list as spec 1 and spec 5 send it.
pub fn split_tag_list(raw: &str) -> Vec<&str> {
    raw.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_differing_in_case_collapse_to_the_first_spelling() {
        let tags = normalize_tags([" Sunset", "sunset ", "", "Beach"]).unwrap();
        assert_eq!(tags, vec!["Sunset", "Beach"]);
    }

    #[test]
    fn overlong_tags_are_refused() {
        assert!(normalize_tags(["x".repeat(65)]).is_err());
    }
}
