//! Ordered, translated galleries (spec 3): the records and the rules on their inputs.
//! A gallery's media are the owner's own items, in an order the owner sets; its texts
//! come in one translation per language. Galleries, translations and languages are
//! identified by UUIDs, as spec 3 shows; media by the item's own ID.

mod editing;
mod public;

use std::collections::HashSet;

use chrono::NaiveDateTime;
use uuid::Uuid;

use crate::item::{MediaKind, Variant};
use crate::{DomainError, ItemId, Result, UserId};

pub use editing::{Galleries, GalleryPatch, GalleryView, NewGallery, TranslationInput};
pub use public::PublishedGallery;

/// Longest caption, in characters (not bytes).
pub const MAX_CAPTION_CHARS: usize = 500;
const SLUG_CHARS: std::ops::RangeInclusive<usize> = 2..=255;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Whether a gallery is being made, public, or put away.
pub enum GalleryStatus {
    /// Being made: only its owner sees it.
    Draft,
    /// Public at `/g/{slug}`.
    Published,
    /// Put away: only its owner sees it.
    Archived,
}

impl GalleryStatus {
    /// Every status, in order.
    pub const ALL: [GalleryStatus; 3] = [Self::Draft, Self::Published, Self::Archived];

    /// The status as clients send and see it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }

    /// `draft`, `published` or `archived`; anything else is refused naming `field`.
    pub fn parse(raw: &str, field: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| {
                DomainError::invalid_field(field, "must be one of draft, published, archived")
            })
    }
}

/// A gallery's address on its public page (`/g/{slug}`): 2–255 lowercase letters,
/// digits and hyphens, unique among galleries not deleted.
pub fn check_slug(slug: &str) -> Result<()> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !SLUG_CHARS.contains(&slug.len()) || !slug.chars().all(allowed) {
        return Err(DomainError::invalid_field(
            "slug",
            "2 to 255 lowercase letters, digits and hyphens",
        ));
    }
    Ok(())
}

/// At most [`MAX_CAPTION_CHARS`] characters.
pub fn check_caption(caption: &str) -> Result<()> {
    if caption.chars().count() > MAX_CAPTION_CHARS {
        return Err(DomainError::invalid_field(
            "caption",
            format!("at most {MAX_CAPTION_CHARS} characters"),
        ));
    }
    Ok(())
}

/// A translation's texts fit their purpose: titles a line, descriptions a few paragraphs.
pub fn check_translation_texts(input: &TranslationInput) -> Result<()> {
    let fields = [
        ("title", &input.title, 255),
        ("meta_title", &input.meta_title, 255),
        ("meta_description", &input.meta_description, 1000),
        ("description", &input.description, 20_000),
    ];
    for (field, text, max) in fields {
        if text.as_ref().is_some_and(|text| text.chars().count() > max) {
            return Err(DomainError::invalid_field(
                field,
                format!("at most {max} characters"),
            ));
        }
    }
    Ok(())
}

/// A BCP 47 language tag as sites use them: a 2–3 letter language and optional subtags
/// of 1–8 letters or digits (`en`, `pt-BR`, `zh-Hant-TW`).
pub fn check_language_code(code: &str) -> Result<()> {
    let mut parts = code.split('-');
    let language = parts.next().unwrap_or_default();
    let language_ok =
        (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_alphabetic());
    let subtags_ok = parts.all(|part| {
        (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if language_ok && subtags_ok {
        Ok(())
    } else {
        Err(DomainError::invalid_field(
            "code",
            "a BCP 47 language tag such as en or pt-BR",
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A language galleries can be translated into.
pub struct Language {
    /// Its id.
    pub id: Uuid,
    /// Its code (`en`, `fr-CA`).
    pub code: String,
    /// Its name.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A gallery's texts in one language.
pub struct Translation {
    /// Its id.
    pub id: Uuid,
    /// The gallery it belongs to.
    pub gallery_id: Uuid,
    /// The language it is in.
    pub language_id: Uuid,
    /// The title.
    pub title: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The title search engines and link previews show.
    pub meta_title: Option<String>,
    /// The description search engines and link previews show.
    pub meta_description: Option<String>,
    /// When it was written.
    pub created_at: NaiveDateTime,
    /// When it last changed.
    pub updated_at: Option<NaiveDateTime>,
}

/// One item's place in a gallery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryMedia {
    /// The item.
    pub item_id: ItemId,
    /// Its place, from 0.
    pub order: i32,
    /// The caption it has in this gallery.
    pub caption: Option<String>,
    /// When it was added.
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// An ordered, translated gallery over the owner's library (spec 3).
pub struct Gallery {
    /// Its id.
    pub id: Uuid,
    /// Its address: `/g/{slug}`.
    pub slug: String,
    /// Draft, published or archived.
    pub status: GalleryStatus,
    /// The item it shows first, when it has one.
    pub cover_item_id: Option<ItemId>,
    /// The user named as its author.
    pub author_id: UserId,
    /// Who created it, and whose items it may hold.
    pub owner: UserId,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it last changed.
    pub updated_at: Option<NaiveDateTime>,
}

/// An item as a gallery shows it: what spec 3's media object and the public page need,
/// loaded for a whole gallery at once.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    /// The item's id.
    pub id: ItemId,
    /// Image or video.
    pub kind: MediaKind,
    /// The original's MIME type.
    pub mime: String,
    /// The original's size in bytes.
    pub size: i64,
    /// The name it was uploaded with.
    pub original_filename: String,
    /// Alternative text for screen readers.
    pub alt_text: Option<String>,
    /// Pixels.
    pub width: Option<i32>,
    /// Pixels.
    pub height: Option<i32>,
    /// ThumbHash, base64.
    pub placeholder: Option<String>,
    /// Its stored renditions.
    pub variants: Vec<Variant>,
    /// When the item stops existing for everyone (spec 5).
    pub expires_at: Option<chrono::NaiveDateTime>,
}

impl Media {
    /// The stored variant of that name.
    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
    }
}

/// The orders a reorder stores: `wanted` must name every item of the gallery exactly
/// once (400 otherwise); an item not in the gallery is 404.
pub fn reorder(current: &[ItemId], wanted: &[ItemId]) -> Result<Vec<(ItemId, i32)>> {
    let members: HashSet<&ItemId> = current.iter().collect();
    let foreign: Vec<String> = wanted
        .iter()
        .filter(|id| !members.contains(id))
        .map(ToString::to_string)
        .collect();
    if !foreign.is_empty() {
        return Err(DomainError::Missing {
            what: "Media",
            ids: foreign,
        });
    }
    let distinct: HashSet<&ItemId> = wanted.iter().collect();
    if distinct.len() != wanted.len() || distinct.len() != members.len() {
        return Err(DomainError::Invalid {
            message: "Not all media items included in reorder request".into(),
            detail: vec![crate::FieldError::new(
                "media_ids",
                "name every media item of the gallery exactly once",
            )],
        });
    }
    wanted
        .iter()
        .enumerate()
        .map(|(order, id)| {
            Ok((
                id.clone(),
                i32::try_from(order).map_err(DomainError::internal)?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_lowercase_words() {
        for good in ["ab", "summer-2026", &"a".repeat(255)] {
            assert!(check_slug(good).is_ok(), "{good}");
        }
        for bad in [
            "a",
            "Summer",
            "summer 2026",
            "été",
            "a_b",
            &"a".repeat(256),
            "",
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn captions_count_characters_not_bytes() {
        assert!(
            check_caption(&"é".repeat(500)).is_ok(),
            "1000 bytes, 500 characters"
        );
        let err = check_caption(&"é".repeat(501)).unwrap_err();
        assert!(
            matches!(err, DomainError::Invalid { ref detail, .. } if detail[0].field == "caption")
        );
    }

    #[test]
    fn statuses_parse_and_name_the_field() {
        assert_eq!(
            GalleryStatus::parse("published", "status").unwrap(),
            GalleryStatus::Published
        );
        let err = GalleryStatus::parse("live", "status").unwrap_err();
        assert!(
            matches!(err, DomainError::Invalid { ref detail, .. } if detail[0].field == "status")
        );
    }

    #[test]
    fn language_codes_are_bcp47_tags() {
        for good in ["en", "pt-BR", "zh-Hant-TW", "gsw"] {
            assert!(check_language_code(good).is_ok(), "{good}");
        }
        for bad in ["", "e", "english", "en_US", "en-", "en-toolongsubtag"] {
            assert!(check_language_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_reorder_names_every_member_once() {
        let [a, b, c] = ["gal_a", "gal_b", "gal_c"].map(|id| ItemId::from(id.to_owned()));
        let current = [a.clone(), b.clone(), c.clone()];
        assert_eq!(
            reorder(&current, &[c.clone(), a.clone(), b.clone()]).unwrap(),
            [(c.clone(), 0), (a.clone(), 1), (b.clone(), 2)]
        );
        let missing = reorder(&current, &[c.clone(), a.clone()]).unwrap_err();
        assert!(matches!(missing, DomainError::Invalid { .. }));
        let twice = reorder(&current, &[a.clone(), a.clone(), b.clone()]).unwrap_err();
        assert!(matches!(twice, DomainError::Invalid { .. }));
        let stranger = ItemId::from("gal_x".to_owned());
        let foreign = reorder(&current, &[a, b, c, stranger]).unwrap_err();
        assert!(matches!(foreign, DomainError::Missing { ref ids, .. } if ids == &["gal_x"]));
    }
}
