//! The galleries use case: languages, galleries and their translations, checked against
//! the caller's scopes and items.

use std::sync::Arc;

use chrono::NaiveDateTime;
use uuid::Uuid;

use super::{
    check_caption, check_language_code, check_slug, check_translation_texts, Gallery, GalleryMedia,
    GalleryStatus, Language, Media, Translation,
};
use crate::clock::Clock;
use crate::item::ItemStatus;
use crate::ports::{GalleryRepository, ItemRepository, UserRepository};
use crate::user::{Principal, Scope};
use crate::{DomainError, ItemId, Result, UserId};

/// A gallery with what its response shows: translations (oldest first), its active
/// media in order, and the cover when it is active. Trashed items are left out until
/// they are restored.
#[derive(Debug, Clone)]
pub struct GalleryView {
    /// The gallery.
    pub gallery: Gallery,
    /// Its texts, one per language.
    pub translations: Vec<Translation>,
    /// Its media in order, each with the item as the gallery shows it.
    pub media: Vec<(GalleryMedia, Media)>,
    /// The cover item, when it is active.
    pub cover: Option<Media>,
}

impl GalleryView {
    /// Without the items that have expired at `now`: gone before the sweep deletes them.
    pub(crate) fn unexpired(mut self, now: NaiveDateTime) -> Self {
        let live = |media: &Media| media.expires_at.is_none_or(|at| at > now);
        self.media.retain(|(_, media)| live(media));
        self.cover = self.cover.filter(live);
        self
    }
}

/// A translation's texts in one language.
#[derive(Debug, Clone, Default)]
pub struct TranslationInput {
    /// The language's id.
    pub language_id: Uuid,
    /// The title.
    pub title: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The title for search engines and link previews.
    pub meta_title: Option<String>,
    /// The description for search engines and link previews.
    pub meta_description: Option<String>,
}

#[derive(Debug, Clone, Default)]
/// A gallery to create, as a client sends it.
pub struct NewGallery {
    /// Its address; lower-case letters, digits and dashes.
    pub slug: String,
    /// `draft` (the default), `published` or `archived`.
    pub status: Option<String>,
    /// The item shown first.
    pub cover_image_id: Option<String>,
    /// The user named as author; default: the caller.
    pub author_id: Option<String>,
    /// Its texts, one per language.
    pub translations: Vec<TranslationInput>,
}

/// Absent fields stay; `cover_image_id: Some(None)` removes the cover.
#[derive(Debug, Clone, Default)]
pub struct GalleryPatch {
    /// A new address.
    pub slug: Option<String>,
    /// A new status.
    pub status: Option<String>,
    /// A new cover.
    pub cover_image_id: Option<Option<String>>,
    /// A new author.
    pub author_id: Option<String>,
}

#[derive(Clone)]
/// Ordered galleries (spec 3): made, listed, translated, filled, reordered, published.
pub struct Galleries {
    pub(super) repo: Arc<dyn GalleryRepository>,
    pub(super) items: Arc<dyn ItemRepository>,
    users: Arc<dyn UserRepository>,
    pub(super) clock: Arc<dyn Clock>,
}

impl Galleries {
    /// The gallery use cases over their repositories.
    pub fn new(
        repo: Arc<dyn GalleryRepository>,
        items: Arc<dyn ItemRepository>,
        users: Arc<dyn UserRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            repo,
            items,
            users,
            clock,
        }
    }

    /// Every language, for any signed-in caller.
    #[tracing::instrument(skip_all)]
    pub async fn languages(&self, _who: &Principal) -> Result<Vec<Language>> {
        self.repo.languages().await
    }

    #[tracing::instrument(skip_all)]
    /// Adds a language galleries can be translated into (admins).
    pub async fn add_language(&self, who: &Principal, code: &str, name: &str) -> Result<Language> {
        who.require(Scope::Admin)?;
        check_language_code(code)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(DomainError::invalid_field("name", "1 to 100 characters"));
        }
        let language = Language {
            id: Uuid::new_v4(),
            code: code.to_owned(),
            name: name.to_owned(),
        };
        self.repo
            .insert_language(language.clone(), self.clock.now())
            .await?;
        Ok(language)
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Makes a gallery; `Conflict` when a live gallery has the slug.
    pub async fn create(&self, who: &Principal, new: NewGallery) -> Result<GalleryView> {
        who.require(Scope::GalleriesCreate)?;
        check_slug(&new.slug)?;
        let status = match &new.status {
            Some(raw) => GalleryStatus::parse(raw, "status")?,
            None => GalleryStatus::Draft,
        };
        let cover_item_id = self.cover(who, new.cover_image_id.as_deref()).await?;
        let author_id = self.author(who, new.author_id.as_deref()).await?;
        let now = self.clock.now();
        let gallery = Gallery {
            id: Uuid::new_v4(),
            slug: new.slug,
            status,
            cover_item_id,
            author_id,
            owner: who.user.id.clone(),
            created_at: now,
            updated_at: None,
        };
        for input in &new.translations {
            check_translation_texts(input)?;
        }
        let languages: Vec<Uuid> = new.translations.iter().map(|t| t.language_id).collect();
        self.require_languages(&languages).await?;
        if languages.len()
            != languages
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len()
        {
            return Err(DomainError::invalid_field(
                "translations",
                "one translation per language",
            ));
        }
        let translations = new
            .translations
            .into_iter()
            .map(|input| translation(gallery.id, input, now))
            .collect();
        self.repo
            .insert_gallery(gallery.clone(), translations)
            .await?;
        self.view(who, gallery.id).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// The caller's galleries, newest first, a page of them.
    pub async fn list(
        &self,
        who: &Principal,
        status: Option<GalleryStatus>,
        skip: i64,
        limit: i64,
    ) -> Result<Vec<Gallery>> {
        who.require(Scope::GalleriesRead)?;
        self.repo.galleries(&who.user.id, status, skip, limit).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// One of the caller's galleries, whole.
    pub async fn get(&self, who: &Principal, id: Uuid) -> Result<GalleryView> {
        who.require(Scope::GalleriesRead)?;
        self.view(who, id).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Changes a gallery's slug, status, cover or author.
    pub async fn update(
        &self,
        who: &Principal,
        id: Uuid,
        patch: GalleryPatch,
    ) -> Result<GalleryView> {
        who.require(Scope::GalleriesUpdate)?;
        let mut gallery = self.repo.gallery(&who.user.id, id).await?;
        if let Some(slug) = patch.slug {
            check_slug(&slug)?;
            gallery.slug = slug;
        }
        if let Some(raw) = &patch.status {
            gallery.status = GalleryStatus::parse(raw, "status")?;
        }
        if let Some(cover) = &patch.cover_image_id {
            gallery.cover_item_id = self.cover(who, cover.as_deref()).await?;
        }
        if let Some(author) = &patch.author_id {
            gallery.author_id = self.author(who, Some(author)).await?;
        }
        gallery.updated_at = Some(self.clock.now());
        self.repo.update_gallery(&gallery).await?;
        self.view(who, id).await
    }

    /// A soft delete: the gallery answers 404 from now on; its items stay.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn delete(&self, who: &Principal, id: Uuid) -> Result<()> {
        who.require(Scope::GalleriesDelete)?;
        self.repo
            .delete_gallery(&who.user.id, id, self.clock.now())
            .await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Sets the gallery's texts in one language.
    pub async fn put_translation(
        &self,
        who: &Principal,
        id: Uuid,
        input: TranslationInput,
    ) -> Result<GalleryView> {
        who.require(Scope::GalleriesUpdate)?;
        check_translation_texts(&input)?;
        self.require_languages(&[input.language_id]).await?;
        self.repo
            .upsert_translation(&who.user.id, translation(id, input, self.clock.now()))
            .await?;
        self.view(who, id).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Removes the gallery's texts in one language.
    pub async fn delete_translation(
        &self,
        who: &Principal,
        id: Uuid,
        language: Uuid,
    ) -> Result<GalleryView> {
        who.require(Scope::GalleriesUpdate)?;
        self.repo
            .delete_translation(&who.user.id, id, language)
            .await?;
        self.view(who, id).await
    }

    /// Adds one of the caller's active items; `order` 0 or absent appends it.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn add_media(
        &self,
        who: &Principal,
        id: Uuid,
        item: &str,
        order: Option<i32>,
        caption: Option<String>,
    ) -> Result<GalleryView> {
        who.require(Scope::GalleriesUpdate)?;
        if let Some(caption) = &caption {
            check_caption(caption)?;
        }
        // The gallery first: an unknown gallery is "Gallery not found" whatever the item.
        self.repo.gallery(&who.user.id, id).await?;
        let item = self.own_active(who, item, "Media").await?;
        let order = order.filter(|order| *order != 0);
        self.repo
            .add_media(&who.user.id, id, &item, order, caption, self.clock.now())
            .await?;
        self.view(who, id).await
    }

    /// A new order or caption (`Some(None)` clears it) for an item in the gallery.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn update_media(
        &self,
        who: &Principal,
        id: Uuid,
        item: &str,
        order: Option<i32>,
        caption: Option<Option<String>>,
    ) -> Result<GalleryView> {
        who.require(Scope::GalleriesUpdate)?;
        if let Some(Some(caption)) = &caption {
            check_caption(caption)?;
        }
        let item = ItemId::from(item.to_owned());
        self.repo
            .update_media(&who.user.id, id, &item, order, caption)
            .await?;
        self.view(who, id).await
    }

    /// Takes the item out of the gallery; it stays in the library.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn remove_media(&self, who: &Principal, id: Uuid, item: &str) -> Result<GalleryView> {
        who.require(Scope::GalleriesUpdate)?;
        self.repo
            .remove_media(&who.user.id, id, &ItemId::from(item.to_owned()))
            .await?;
        self.view(who, id).await
    }

    /// Orders 0…n−1 in the order given; every media item of the gallery exactly once.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn reorder_media(
        &self,
        who: &Principal,
        id: Uuid,
        items: Vec<String>,
    ) -> Result<GalleryView> {
        who.require(Scope::GalleriesUpdate)?;
        let items = items.into_iter().map(ItemId::from).collect();
        self.repo.reorder_media(&who.user.id, id, items).await?;
        self.view(who, id).await
    }

    /// The gallery with its items: a fixed number of queries whatever its size.
    async fn view(&self, who: &Principal, id: Uuid) -> Result<GalleryView> {
        let view = self.repo.gallery_view(&who.user.id, id).await?;
        Ok(view.unexpired(self.clock.now()))
    }

    /// One of the caller's own active items, or 404 "Cover image not found".
    async fn cover(&self, who: &Principal, id: Option<&str>) -> Result<Option<ItemId>> {
        match id {
            Some(id) => Ok(Some(self.own_active(who, id, "Cover image").await?)),
            None => Ok(None),
        }
    }

    /// `id` when it is one of the caller's active items, else 404 "`what` not found"
    /// (another user's, trashed or unknown alike).
    async fn own_active(&self, who: &Principal, id: &str, what: &'static str) -> Result<ItemId> {
        let id = ItemId::from(id.to_owned());
        match self.items.item(&who.user.id, &id).await {
            Ok(item) if item.status == ItemStatus::Active && !item.expired_at(self.clock.now()) => {
                Ok(id)
            }
            Ok(_) | Err(DomainError::NotFound(_)) => Err(DomainError::NotFound(what)),
            Err(err) => Err(err),
        }
    }

    /// The caller unless another real user is named.
    async fn author(&self, who: &Principal, id: Option<&str>) -> Result<UserId> {
        let Some(id) = id else {
            return Ok(who.user.id.clone());
        };
        let id = UserId::from(id.to_owned());
        match self.users.user_by_id(&id).await? {
            Some(user) => Ok(user.id),
            None => Err(DomainError::NotFound("Author")),
        }
    }

    async fn require_languages(&self, ids: &[Uuid]) -> Result<()> {
        let known = self.repo.known_languages(ids).await?;
        if ids.iter().all(|id| known.contains(id)) {
            Ok(())
        } else {
            Err(DomainError::NotFound("Language"))
        }
    }
}

fn translation(
    gallery_id: Uuid,
    input: TranslationInput,
    now: chrono::NaiveDateTime,
) -> Translation {
    Translation {
        id: Uuid::new_v4(),
        gallery_id,
        language_id: input.language_id,
        title: input.title,
        description: input.description,
        meta_title: input.meta_title,
        meta_description: input.meta_description,
        created_at: now,
        updated_at: None,
    }
}
