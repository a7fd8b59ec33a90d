//! Published galleries as anyone sees them: no sign-in, only what the owner published.
//! Drafts, archived and deleted galleries are `NotFound`, exactly like unknown slugs, so
//! a visitor cannot tell them apart.

use super::{Galleries, GalleryView, Language, Translation};
use crate::item::{Item, ItemStatus};
use crate::{DomainError, ItemId, Result};

impl Galleries {
    /// The published gallery at `slug`, with its active media in order: a fixed number
    /// of queries whatever its size.
    #[tracing::instrument(skip(self))]
    pub async fn published(&self, slug: &str) -> Result<PublishedGallery> {
        let view = self
            .repo
            .published_gallery(slug)
            .await?
            .unexpired(self.clock.now());
        let languages = self
            .repo
            .languages()
            .await?
            .into_iter()
            .filter(|l| view.translations.iter().any(|t| t.language_id == l.id))
            .collect();
        Ok(PublishedGallery { view, languages })
    }

    /// An item the published gallery at `slug` shows (among its media or as its cover),
    /// else `NotFound("Media")`: trashed items and items of other galleries alike.
    #[tracing::instrument(skip(self))]
    pub async fn published_media(&self, slug: &str, item: &str) -> Result<Item> {
        let id = ItemId::from(item.to_owned());
        let owner = self.repo.published_holder(slug, &id).await?;
        match self.items.item(&owner, &id).await {
            Ok(item) if item.status == ItemStatus::Active && !item.expired_at(self.clock.now()) => {
                Ok(item)
            }
            Ok(_) | Err(DomainError::NotFound(_)) => Err(DomainError::NotFound("Media")),
            Err(err) => Err(err),
        }
    }
}

/// A published gallery with the languages its translations are written in.
#[derive(Debug, Clone)]
pub struct PublishedGallery {
    /// The gallery as its page shows it.
    pub view: GalleryView,
    /// Every language a translation of this gallery names.
    pub languages: Vec<Language>,
}

impl PublishedGallery {
    /// The translation to show: the first of `wanted` (language tags, most wanted first)
    /// that one of its translations is written in, else its first translation.
    ///
    /// A wanted tag matches a translation's code ignoring case, or by its primary
    /// language (`de-CH` finds `de`, `pt` finds `pt-BR`) when no exact match exists.
    pub fn translation_for(&self, wanted: &[&str]) -> Option<(&Translation, &Language)> {
        let written: Vec<(&Translation, &Language)> = self
            .view
            .translations
            .iter()
            .filter_map(|t| {
                let language = self.languages.iter().find(|l| l.id == t.language_id)?;
                Some((t, language))
            })
            .collect();
        let exact = |tag: &str| {
            written
                .iter()
                .find(|(_, l)| l.code.eq_ignore_ascii_case(tag))
        };
        let primary = |tag: &str| {
            let wanted = primary_subtag(tag);
            exact(wanted).or_else(|| {
                written
                    .iter()
                    .find(|(_, l)| primary_subtag(&l.code).eq_ignore_ascii_case(wanted))
            })
        };
        wanted
            .iter()
            .find_map(|tag| exact(tag).or_else(|| primary(tag)))
            .or(written.first())
            .copied()
    }

    /// A translation's language, by the language's id.
    pub fn language(&self, translation: &Translation) -> Option<&Language> {
        self.languages
            .iter()
            .find(|l| l.id == translation.language_id)
    }
}

fn primary_subtag(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;
    use uuid::Uuid;

    use super::*;
    use crate::galleries::{Gallery, GalleryStatus};
    use crate::UserId;

    fn language(code: &str) -> Language {
        Language {
            id: Uuid::new_v4(),
            code: code.to_owned(),
            name: code.to_owned(),
        }
    }

    fn gallery(languages: &[&Language]) -> PublishedGallery {
        let gallery = Gallery {
            id: Uuid::new_v4(),
            slug: "trip".into(),
            status: GalleryStatus::Published,
            cover_item_id: None,
            author_id: UserId::from("u".to_owned()),
            owner: UserId::from("u".to_owned()),
            created_at: NaiveDateTime::default(),
            updated_at: None,
        };
        let translations = languages
            .iter()
            .map(|l| Translation {
                id: Uuid::new_v4(),
                gallery_id: gallery.id,
                language_id: l.id,
                title: Some(format!("title {}", l.code)),
                description: None,
                meta_title: None,
                meta_description: None,
                created_at: NaiveDateTime::default(),
                updated_at: None,
            })
            .collect();
        PublishedGallery {
            view: GalleryView {
                gallery,
                translations,
                media: Vec::new(),
                cover: None,
            },
            languages: languages.iter().map(|l| (*l).clone()).collect(),
        }
    }

    fn chosen(g: &PublishedGallery, wanted: &[&str]) -> Option<String> {
        g.translation_for(wanted).map(|(_, l)| l.code.clone())
    }

    #[test]
    fn the_first_wanted_language_written_wins() {
        let (en, de, pt) = (language("en"), language("de"), language("pt-BR"));
        let g = gallery(&[&en, &de, &pt]);
        assert_eq!(chosen(&g, &["fr", "DE", "en"]).as_deref(), Some("de"));
        assert_eq!(chosen(&g, &["de-CH"]).as_deref(), Some("de"));
        assert_eq!(chosen(&g, &["pt"]).as_deref(), Some("pt-BR"));
        assert_eq!(chosen(&g, &["pt-br"]).as_deref(), Some("pt-BR"));
    }

    #[test]
    fn an_exact_tag_beats_a_shared_primary_language() {
        let (pt, br) = (language("pt"), language("pt-BR"));
        let g = gallery(&[&br, &pt]);
        assert_eq!(chosen(&g, &["pt-BR"]).as_deref(), Some("pt-BR"));
        assert_eq!(chosen(&g, &["pt-PT"]).as_deref(), Some("pt"));
        assert_eq!(chosen(&g, &["pt"]).as_deref(), Some("pt"));
    }

    #[test]
    fn nothing_wanted_or_written_falls_back_to_the_first_translation() {
        let (en, de) = (language("en"), language("de"));
        let g = gallery(&[&de, &en]);
        assert_eq!(chosen(&g, &[]).as_deref(), Some("de"));
        assert_eq!(chosen(&g, &["ja", "*"]).as_deref(), Some("de"));
        assert_eq!(chosen(&gallery(&[]), &["en"]), None);
    }
}
