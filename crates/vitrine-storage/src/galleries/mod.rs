//! Galleries (spec 3), their translations and media, and languages.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Text;
use uuid::Uuid;
use vitrine_domain::galleries::{Gallery, GalleryStatus, GalleryView, Language, Translation};
use vitrine_domain::ports::GalleryRepository;
use vitrine_domain::{DomainError, FieldError, ItemId, Result, UserId};

mod view;

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{galleries, gallery_media, gallery_translations, languages};
use crate::Db;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = languages)]
pub(crate) struct LanguageRow {
    id: String,
    code: String,
    name: String,
    created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = galleries)]
pub(crate) struct GalleryRow {
    pub(super) id: String,
    user_id: String,
    author_id: String,
    slug: String,
    status: String,
    pub(super) cover_item_id: Option<String>,
    created_at: NaiveDateTime,
    updated_at: Option<NaiveDateTime>,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = gallery_translations)]
pub(crate) struct TranslationRow {
    id: String,
    gallery_id: String,
    language_id: String,
    title: Option<String>,
    description: Option<String>,
    meta_title: Option<String>,
    meta_description: Option<String>,
    created_at: NaiveDateTime,
    updated_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = gallery_media)]
pub(crate) struct MediaRow {
    gallery_id: String,
    pub(super) item_id: String,
    pub(super) position: i32,
    pub(super) caption: Option<String>,
    pub(super) created_at: NaiveDateTime,
}

fn uuid(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(DomainError::internal)
}

pub(super) fn to_gallery(row: GalleryRow) -> Result<Gallery> {
    Ok(Gallery {
        id: uuid(&row.id)?,
        slug: row.slug,
        status: GalleryStatus::parse(&row.status, "status")?,
        cover_item_id: row.cover_item_id.map(ItemId::from),
        author_id: UserId::from(row.author_id),
        owner: UserId::from(row.user_id),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub(super) fn to_translation(row: TranslationRow) -> Result<Translation> {
    Ok(Translation {
        id: uuid(&row.id)?,
        gallery_id: uuid(&row.gallery_id)?,
        language_id: uuid(&row.language_id)?,
        title: row.title,
        description: row.description,
        meta_title: row.meta_title,
        meta_description: row.meta_description,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn translation_row(t: Translation) -> TranslationRow {
    TranslationRow {
        id: t.id.to_string(),
        gallery_id: t.gallery_id.to_string(),
        language_id: t.language_id.to_string(),
        title: t.title,
        description: t.description,
        meta_title: t.meta_title,
        meta_description: t.meta_description,
        created_at: t.created_at,
        updated_at: t.updated_at,
    }
}

/// A unique index said no: say which rule.
fn conflict_as(err: DomainError, message: &str) -> DomainError {
    match err {
        DomainError::Conflict(_) => DomainError::Conflict(message.to_owned()),
        other => other,
    }
}

const SLUG_TAKEN: &str = "Gallery slug already exists";

/// The owner's live gallery, locked until the transaction ends (PostgreSQL; SQLite's
/// writers are serialised already), so changes to its media queue one after another.
fn lock_gallery(conn: &mut AnyConnection, owner: &str, id: &str) -> Result<()> {
    let query = galleries::table
        .filter(galleries::id.eq(id))
        .filter(galleries::user_id.eq(owner))
        .filter(galleries::deleted_at.is_null())
        .select(galleries::id);
    let found: Option<String> = match conn {
        AnyConnection::Pg(pg) => query.for_update().first(pg).optional(),
        AnyConnection::Sqlite(sqlite) => query.first(sqlite).optional(),
    }
    .map_err(query_err)?;
    found.map(drop).ok_or(DomainError::NotFound("Gallery"))
}

fn media_ids(conn: &mut AnyConnection, gallery: &str) -> Result<Vec<ItemId>> {
    let ids: Vec<String> = gallery_media::table
        .filter(gallery_media::gallery_id.eq(gallery))
        .select(gallery_media::item_id)
        .load(conn)
        .map_err(query_err)?;
    Ok(ids.into_iter().map(ItemId::from).collect())
}

const NOT_IN_GALLERY: DomainError = DomainError::Absent("Media not found in this gallery");

/// The owner's live gallery row.
fn live_gallery(conn: &mut AnyConnection, owner: &str, id: &str) -> Result<GalleryRow> {
    galleries::table
        .filter(galleries::id.eq(id))
        .filter(galleries::user_id.eq(owner))
        .filter(galleries::deleted_at.is_null())
        .select(GalleryRow::as_select())
        .first(conn)
        .optional()
        .map_err(query_err)?
        .ok_or(DomainError::NotFound("Gallery"))
}

/// The live, published gallery with this slug (at most one: live slugs are unique).
#[diesel::dsl::auto_type(no_type_alias)]
fn published<'a>(slug: &'a str) -> _ {
    let status: &'static str = GalleryStatus::Published.as_str();
    galleries::table
        .filter(galleries::slug.eq(slug))
        .filter(galleries::status.eq(status))
        .filter(galleries::deleted_at.is_null())
}

#[async_trait]
impl GalleryRepository for Db {
    async fn languages(&self) -> Result<Vec<Language>> {
        let rows: Vec<LanguageRow> = self
            .run(|conn| {
                languages::table
                    .order(languages::code)
                    .select(LanguageRow::as_select())
                    .load(conn)
                    .map_err(query_err)
            })
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(Language {
                    id: uuid(&row.id)?,
                    code: row.code,
                    name: row.name,
                })
            })
            .collect()
    }

    async fn insert_language(&self, language: Language, at: NaiveDateTime) -> Result<()> {
        let row = LanguageRow {
            id: language.id.to_string(),
            code: language.code,
            name: language.name,
            created_at: at,
        };
        self.write(move |conn| {
            diesel::insert_into(languages::table)
                .values(&row)
                .execute(conn)
                .map_err(query_err)
                .map_err(|err| conflict_as(err, "Language code already exists"))
                .map(drop)
        })
        .await
    }

    async fn known_languages(&self, ids: &[Uuid]) -> Result<Vec<Uuid>> {
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let known: Vec<String> = self
            .run(move |conn| {
                languages::table
                    .filter(languages::id.eq_any(&ids))
                    .select(languages::id)
                    .load(conn)
                    .map_err(query_err)
            })
            .await?;
        known.iter().map(|id| uuid(id)).collect()
    }

    async fn insert_gallery(&self, gallery: Gallery, translations: Vec<Translation>) -> Result<()> {
        let row = GalleryRow {
            id: gallery.id.to_string(),
            user_id: gallery.owner.to_string(),
            author_id: gallery.author_id.to_string(),
            slug: gallery.slug,
            status: gallery.status.as_str().to_owned(),
            cover_item_id: gallery.cover_item_id.map(|id| id.to_string()),
            created_at: gallery.created_at,
            updated_at: gallery.updated_at,
            deleted_at: None,
        };
        let translations: Vec<TranslationRow> =
            translations.into_iter().map(translation_row).collect();
        self.write(move |conn| {
            diesel::insert_into(galleries::table)
                .values(&row)
                .execute(conn)
                .map_err(query_err)
                .map_err(|err| conflict_as(err, SLUG_TAKEN))?;
            for translation in &translations {
                diesel::insert_into(gallery_translations::table)
                    .values(translation)
                    .execute(conn)
                    .map_err(query_err)?;
            }
            Ok(())
        })
        .await
    }

    async fn galleries(
        &self,
        owner: &UserId,
        status: Option<GalleryStatus>,
        skip: i64,
        limit: i64,
    ) -> Result<Vec<Gallery>> {
        let owner = owner.to_string();
        let rows: Vec<GalleryRow> = self
            .run(move |conn| {
                let mut query = galleries::table
                    .filter(galleries::user_id.eq(owner))
                    .filter(galleries::deleted_at.is_null())
                    .order((galleries::created_at.desc(), galleries::id))
                    .offset(skip)
                    .limit(limit)
                    .select(GalleryRow::as_select())
                    .into_boxed();
                if let Some(status) = status {
                    query = query.filter(galleries::status.eq(status.as_str()));
                }
                query.load(conn).map_err(query_err)
            })
            .await?;
        rows.into_iter().map(to_gallery).collect()
    }

    async fn gallery(&self, owner: &UserId, id: Uuid) -> Result<Gallery> {
        let (owner, id) = (owner.to_string(), id.to_string());
        let row = self
            .run(move |conn| live_gallery(conn, &owner, &id))
            .await?;
        to_gallery(row)
    }

    async fn gallery_view(&self, owner: &UserId, id: Uuid) -> Result<GalleryView> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.run(move |conn| {
            let row = live_gallery(conn, &owner, &id)?;
            view::view_of(conn, row)
        })
        .await
    }

    async fn published_gallery(&self, slug: &str) -> Result<GalleryView> {
        let slug = slug.to_owned();
        self.run(move |conn| {
            let row = published(&slug)
                .select(GalleryRow::as_select())
                .first(conn)
                .optional()
                .map_err(query_err)?
                .ok_or(DomainError::NotFound("Gallery"))?;
            view::view_of(conn, row)
        })
        .await
    }

    async fn published_holder(&self, slug: &str, item: &ItemId) -> Result<UserId> {
        let (slug, item) = (slug.to_owned(), item.to_string());
        self.run(move |conn| {
            let (gallery, owner, cover): (String, String, Option<String>) = published(&slug)
                .select((galleries::id, galleries::user_id, galleries::cover_item_id))
                .first(conn)
                .optional()
                .map_err(query_err)?
                .ok_or(DomainError::NotFound("Media"))?;
            if cover.as_deref() == Some(item.as_str()) {
                return Ok(UserId::from(owner));
            }
            let placed: i64 = gallery_media::table
                .filter(gallery_media::gallery_id.eq(&gallery))
                .filter(gallery_media::item_id.eq(&item))
                .count()
                .get_result(conn)
                .map_err(query_err)?;
            match placed {
                0 => Err(DomainError::NotFound("Media")),
                _ => Ok(UserId::from(owner)),
            }
        })
        .await
    }

    async fn update_gallery(&self, gallery: &Gallery) -> Result<()> {
        let id = gallery.id.to_string();
        let owner = gallery.owner.to_string();
        let changes = (
            galleries::slug.eq(gallery.slug.clone()),
            galleries::status.eq(gallery.status.as_str()),
            galleries::cover_item_id.eq(gallery.cover_item_id.as_ref().map(ItemId::to_string)),
            galleries::author_id.eq(gallery.author_id.to_string()),
            galleries::updated_at.eq(gallery.updated_at),
        );
        self.write(move |conn| {
            live_gallery(conn, &owner, &id)?;
            diesel::update(galleries::table.find(&id))
                .set(changes)
                .execute(conn)
                .map_err(query_err)
                .map_err(|err| conflict_as(err, SLUG_TAKEN))
                .map(drop)
        })
        .await
    }

    async fn delete_gallery(&self, owner: &UserId, id: Uuid, at: NaiveDateTime) -> Result<()> {
        let (owner, id) = (owner.to_string(), id.to_string());
        self.write(move |conn| {
            live_gallery(conn, &owner, &id)?;
            diesel::update(galleries::table.find(&id))
                .set(galleries::deleted_at.eq(at))
                .execute(conn)
                .map_err(query_err)
                .map(drop)
        })
        .await
    }

    async fn upsert_translation(&self, owner: &UserId, translation: Translation) -> Result<()> {
        let owner = owner.to_string();
        let row = translation_row(translation);
        self.write(move |conn| {
            live_gallery(conn, &owner, &row.gallery_id)?;
            let texts = (
                gallery_translations::title.eq(row.title.clone()),
                gallery_translations::description.eq(row.description.clone()),
                gallery_translations::meta_title.eq(row.meta_title.clone()),
                gallery_translations::meta_description.eq(row.meta_description.clone()),
                gallery_translations::updated_at.eq(Some(row.created_at)),
            );
            // One statement, so two PUTs for one language at once both succeed.
            let upsert = diesel::insert_into(gallery_translations::table)
                .values(&row)
                .on_conflict((
                    gallery_translations::gallery_id,
                    gallery_translations::language_id,
                ))
                .do_update()
                .set(texts);
            match conn {
                AnyConnection::Pg(c) => upsert.execute(c),
                AnyConnection::Sqlite(c) => upsert.execute(c),
            }
            .map_err(query_err)
            .map(drop)
        })
        .await
    }

    async fn delete_translation(
        &self,
        owner: &UserId,
        gallery: Uuid,
        language: Uuid,
    ) -> Result<()> {
        let (owner, gallery, language) =
            (owner.to_string(), gallery.to_string(), language.to_string());
        self.write(move |conn| {
            live_gallery(conn, &owner, &gallery)?;
            let deleted = diesel::delete(
                gallery_translations::table
                    .filter(gallery_translations::gallery_id.eq(&gallery))
                    .filter(gallery_translations::language_id.eq(&language)),
            )
            .execute(conn)
            .map_err(query_err)?;
            if deleted == 0 {
                return Err(DomainError::NotFound("Translation"));
            }
            Ok(())
        })
        .await
    }

    async fn add_media(
        &self,
        owner: &UserId,
        gallery: Uuid,
        item: &ItemId,
        order: Option<i32>,
        caption: Option<String>,
        at: NaiveDateTime,
    ) -> Result<()> {
        let (owner, gallery, item) = (owner.to_string(), gallery.to_string(), item.to_string());
        self.write(move |conn| {
            lock_gallery(conn, &owner, &gallery)?;
            let members = media_ids(conn, &gallery)?;
            if members.iter().any(|id| id.as_str() == item) {
                return Err(DomainError::Invalid {
                    message: "Media is already in this gallery".into(),
                    detail: vec![FieldError::new("media_id", "already in this gallery")],
                });
            }
            let position = match order {
                Some(order) => order,
                None => gallery_media::table
                    .filter(gallery_media::gallery_id.eq(&gallery))
                    .select(diesel::dsl::max(gallery_media::position))
                    .first::<Option<i32>>(conn)
                    .map_err(query_err)?
                    .map_or(0, |last| last + 1),
            };
            diesel::insert_into(gallery_media::table)
                .values((
                    gallery_media::gallery_id.eq(&gallery),
                    gallery_media::item_id.eq(&item),
                    gallery_media::position.eq(position),
                    gallery_media::caption.eq(caption),
                    gallery_media::created_at.eq(at),
                ))
                .execute(conn)
                .map_err(query_err)
                .map(drop)
        })
        .await
    }

    async fn update_media(
        &self,
        owner: &UserId,
        gallery: Uuid,
        item: &ItemId,
        order: Option<i32>,
        caption: Option<Option<String>>,
    ) -> Result<()> {
        let (owner, gallery, item) = (owner.to_string(), gallery.to_string(), item.to_string());
        self.write(move |conn| {
            lock_gallery(conn, &owner, &gallery)?;
            let placed = gallery_media::table
                .filter(gallery_media::gallery_id.eq(&gallery))
                .filter(gallery_media::item_id.eq(&item));
            let found: i64 = placed.count().get_result(conn).map_err(query_err)?;
            if found == 0 {
                return Err(NOT_IN_GALLERY);
            }
            if let Some(order) = order {
                diesel::update(placed)
                    .set(gallery_media::position.eq(order))
                    .execute(conn)
                    .map_err(query_err)?;
            }
            if let Some(caption) = caption {
                diesel::update(placed)
                    .set(gallery_media::caption.eq(caption))
                    .execute(conn)
                    .map_err(query_err)?;
            }
            Ok(())
        })
        .await
    }

    async fn remove_media(&self, owner: &UserId, gallery: Uuid, item: &ItemId) -> Result<()> {
        let (owner, gallery, item) = (owner.to_string(), gallery.to_string(), item.to_string());
        self.write(move |conn| {
            lock_gallery(conn, &owner, &gallery)?;
            let removed = diesel::delete(
                gallery_media::table
                    .filter(gallery_media::gallery_id.eq(&gallery))
                    .filter(gallery_media::item_id.eq(&item)),
            )
            .execute(conn)
            .map_err(query_err)?;
            if removed == 0 {
                return Err(NOT_IN_GALLERY);
            }
            Ok(())
        })
        .await
    }

    async fn reorder_media(
        &self,
        owner: &UserId,
        gallery: Uuid,
        wanted: Vec<ItemId>,
    ) -> Result<()> {
        let (owner, gallery) = (owner.to_string(), gallery.to_string());
        self.write(move |conn| {
            lock_gallery(conn, &owner, &gallery)?;
            let current = media_ids(conn, &gallery)?;
            vitrine_domain::galleries::reorder(&current, &wanted)?;
            // One statement for the whole gallery: the order is each id's place in a JSON
            // array (a thousand round trips would cost more than the work).
            let order: Vec<&str> = wanted.iter().map(ItemId::as_str).collect();
            let order = serde_json::to_string(&order).map_err(DomainError::internal)?;
            let sql = match conn {
                AnyConnection::Pg(_) => REORDER_PG,
                AnyConnection::Sqlite(_) => REORDER_SQLITE,
            };
            diesel::sql_query(sql)
                .bind::<Text, _>(&gallery)
                .bind::<Text, _>(&order)
                .execute(conn)
                .map_err(query_err)?;
            Ok(())
        })
        .await
    }
}

const REORDER_PG: &str = "UPDATE gallery_media AS g SET position = (w.place - 1)::int \
     FROM json_array_elements_text($2::json) WITH ORDINALITY AS w(item_id, place) \
     WHERE g.gallery_id = $1 AND g.item_id = w.item_id";
/// SQLite reads the array once into a table it can index; joined directly, the JSON
/// would be scanned once per row (60 ms for 1,000 media instead of 1).
const REORDER_SQLITE: &str = "WITH wanted(item_id, place) AS MATERIALIZED \
     (SELECT value, key FROM json_each(?2)) \
     UPDATE gallery_media SET position = wanted.place FROM wanted \
     WHERE gallery_media.gallery_id = ?1 AND gallery_media.item_id = wanted.item_id";
