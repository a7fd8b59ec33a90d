//! What a listing asks for: its filters, a text search, and the page it answers.

use chrono::NaiveDateTime;

use super::{ItemStatus, MediaKind};
use crate::{CollectionId, FolderId};

/// Which items a listing returns; every filter is optional and they combine with AND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemQuery {
    /// `None` is both statuses.
    pub status: Option<ItemStatus>,
    /// Image or video only.
    pub kind: Option<MediaKind>,
    /// By MIME type.
    pub mime: Option<MimeFilter>,
    /// Which folder.
    pub folder: FolderFilter,
    /// Only the items of this collection.
    pub collection: Option<CollectionId>,
    /// Only favorites, or only the others.
    pub favorite: Option<bool>,
    /// Spec 5's category.
    pub category: Option<i32>,
    /// Spec 5's not-safe-for-work flag.
    pub nsfw: Option<bool>,
    /// All of these tags (normalised keys).
    pub tags: Vec<String>,
    /// None of these tags (normalised keys).
    pub exclude_tags: Vec<String>,
    /// Words or a name to look for.
    pub search: Option<TextSearch>,
    /// Created at or after.
    pub created_from: Option<NaiveDateTime>,
    /// Created strictly before.
    pub created_before: Option<NaiveDateTime>,
    /// At least this many bytes.
    pub min_size: Option<i64>,
    /// At most this many bytes.
    pub max_size: Option<i64>,
    /// Which page, from 1.
    pub page: u32,
    /// Items per page.
    pub page_size: u32,
}

impl Default for ItemQuery {
    fn default() -> Self {
        Self {
            status: Some(ItemStatus::Active),
            kind: None,
            mime: None,
            folder: FolderFilter::Any,
            collection: None,
            favorite: None,
            category: None,
            nsfw: None,
            tags: Vec::new(),
            exclude_tags: Vec::new(),
            search: None,
            created_from: None,
            created_before: None,
            min_size: None,
            max_size: None,
            page: 1,
            page_size: 20,
        }
    }
}

impl ItemQuery {
    /// The media kind the query is limited to, from `kind` and a kind-wide MIME prefix
    /// together.
    pub fn effective_kind(&self) -> KindFilter {
        let from_mime = match &self.mime {
            Some(MimeFilter::Prefix(prefix)) => match prefix.as_str() {
                "image/" => Some(MediaKind::Image),
                "video/" => Some(MediaKind::Video),
                _ => None,
            },
            _ => None,
        };
        match (self.kind, from_mime) {
            (Some(a), Some(b)) if a != b => KindFilter::Nothing,
            (None, None) => KindFilter::Any,
            (a, b) => a.or(b).map_or(KindFilter::Any, KindFilter::Only),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Image, video or both.
pub enum KindFilter {
    /// Both.
    Any,
    /// Only this kind.
    Only(MediaKind),
    /// The filters contradict each other: nothing matches.
    Nothing,
}

/// Spec 2's `mimePrefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MimeFilter {
    /// Lower-case prefix such as `image/` or `image/png`.
    Prefix(String),
    /// Anything that is not `image/`, `video/` or `application/`.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// Which folder a listing looks in.
pub enum FolderFilter {
    /// Every folder and the root.
    Any,
    /// The root only.
    Root,
    /// This folder only.
    In(FolderId),
}

/// Words to find, all of them: whole words, but for the last, which may be the start of
/// one (the query as typed so far).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSearch {
    /// Lower-case runs of letters and digits.
    pub words: Vec<String>,
    /// The query as typed, trimmed: spec 2's `q` matches a tag by it exactly.
    pub raw: String,
    /// Where the words are looked for.
    pub scope: SearchScope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Where a text search looks.
pub enum SearchScope {
    /// Spec 1's `search`: title (prompt), description and original filename.
    Text,
    /// Spec 2's `q`: title and original filename, or a tag named exactly the query.
    NamesOrTag,
}

impl TextSearch {
    /// `None` when the query holds nothing to search for.
    pub fn parse(raw: &str, scope: SearchScope) -> Option<Self> {
        let words: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(16)
            .map(str::to_lowercase)
            .collect();
        let has_tag = scope == SearchScope::NamesOrTag && !raw.trim().is_empty();
        (!words.is_empty() || has_tag).then(|| Self {
            words,
            raw: raw.trim().to_owned(),
            scope,
        })
    }
}

#[derive(Debug, Clone)]
/// One page of a listing, with the total over every page.
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// How many match over every page.
    pub total: i64,
    /// This page's number, from 1.
    pub page: u32,
    /// Items per page.
    pub page_size: u32,
}

impl<T> Page<T> {
    /// How many pages the total makes (at least 1).
    pub fn total_pages(&self) -> i64 {
        let size = i64::from(self.page_size.max(1));
        (self.total + size - 1) / size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_pages_rounds_up() {
        let page = |total| Page::<()> {
            items: vec![],
            total,
            page: 1,
            page_size: 20,
        };
        assert_eq!(page(0).total_pages(), 0);
        assert_eq!(page(20).total_pages(), 1);
        assert_eq!(page(21).total_pages(), 2);
    }

    #[test]
    fn search_words_split_on_punctuation_like_the_indexes_do() {
        let search = TextSearch::parse(" IMG_0042.JPG  sunset", SearchScope::Text).unwrap();
        assert_eq!(search.words, vec!["img", "0042", "jpg", "sunset"]);
        assert!(TextSearch::parse(" .. ", SearchScope::Text).is_none());
    }

    #[test]
    fn contradicting_kind_filters_match_nothing() {
        let query = ItemQuery {
            kind: Some(MediaKind::Image),
            mime: Some(MimeFilter::Prefix("video/".into())),
            ..ItemQuery::default()
        };
        assert_eq!(query.effective_kind(), KindFilter::Nothing);
    }
}
