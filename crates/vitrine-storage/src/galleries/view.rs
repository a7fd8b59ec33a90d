//! A gallery as its response and its public page show it, in a fixed number of queries
//! whatever its size: translations, media joined with their items, their variants, and
//! the cover.
//! Joins on the gallery instead of lists of item IDs, so no statement grows with it.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::galleries::{GalleryMedia, GalleryView, Media};
use vitrine_domain::item::{ItemStatus, Variant};
use vitrine_domain::{ItemId, Result};

use super::{to_gallery, to_translation, GalleryRow, MediaRow, TranslationRow};
use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{gallery_media, gallery_translations, items, languages};
use crate::variants::{variants_by_item, variants_in_gallery};

/// The columns of an item a gallery shows.
#[derive(Queryable, Selectable)]
#[diesel(table_name = items)]
struct MediaItemRow {
    id: String,
    kind: String,
    mime: String,
    size: i64,
    original_filename: String,
    alt_text: Option<String>,
    width: Option<i32>,
    height: Option<i32>,
    placeholder: Option<String>,
    expires_at: Option<NaiveDateTime>,
}

fn to_media(row: MediaItemRow, variants: &mut HashMap<String, Vec<Variant>>) -> Result<Media> {
    Ok(Media {
        variants: variants.remove(&row.id).unwrap_or_default(),
        id: ItemId::from(row.id),
        kind: row.kind.parse()?,
        mime: row.mime,
        size: row.size,
        original_filename: row.original_filename,
        alt_text: row.alt_text,
        width: row.width,
        height: row.height,
        placeholder: row.placeholder,
        expires_at: row.expires_at,
    })
}

pub(super) fn view_of(conn: &mut AnyConnection, row: GalleryRow) -> Result<GalleryView> {
    let active: &'static str = ItemStatus::Active.as_str();
    // Oldest first; those added together in the order of their language codes.
    let translations: Vec<TranslationRow> = gallery_translations::table
        .inner_join(languages::table)
        .filter(gallery_translations::gallery_id.eq(&row.id))
        .order((gallery_translations::created_at, languages::code))
        .select(TranslationRow::as_select())
        .load(conn)
        .map_err(query_err)?;
    let placed: Vec<(MediaRow, MediaItemRow)> = gallery_media::table
        .inner_join(items::table)
        .filter(gallery_media::gallery_id.eq(&row.id))
        .filter(items::status.eq(active))
        .order((gallery_media::position, gallery_media::created_at))
        .select((MediaRow::as_select(), MediaItemRow::as_select()))
        .load(conn)
        .map_err(query_err)?;
    let mut variants = variants_in_gallery(conn, &row.id)?;
    let cover = match &row.cover_item_id {
        Some(cover) => cover_of(conn, cover, &variants)?,
        None => None,
    };
    let media = placed
        .into_iter()
        .map(|(placed, item)| {
            Ok((
                GalleryMedia {
                    item_id: ItemId::from(placed.item_id),
                    order: placed.position,
                    caption: placed.caption,
                    created_at: placed.created_at,
                },
                to_media(item, &mut variants)?,
            ))
        })
        .collect::<Result<_>>()?;
    Ok(GalleryView {
        gallery: to_gallery(row)?,
        translations: translations
            .into_iter()
            .map(to_translation)
            .collect::<Result<_>>()?,
        media,
        cover,
    })
}

/// The cover when it is active; a cover among the media has its variants loaded already.
fn cover_of(
    conn: &mut AnyConnection,
    cover: &str,
    known: &HashMap<String, Vec<Variant>>,
) -> Result<Option<Media>> {
    let active: &'static str = ItemStatus::Active.as_str();
    let found: Option<MediaItemRow> = items::table
        .filter(items::id.eq(cover))
        .filter(items::status.eq(active))
        .select(MediaItemRow::as_select())
        .first(conn)
        .optional()
        .map_err(query_err)?;
    let Some(found) = found else {
        return Ok(None);
    };
    let mut variants = match known.get(cover) {
        Some(variants) => HashMap::from([(cover.to_owned(), variants.clone())]),
        None => variants_by_item(conn, &[cover])?,
    };
    Ok(Some(to_media(found, &mut variants)?))
}
