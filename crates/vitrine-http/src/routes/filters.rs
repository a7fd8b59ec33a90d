//! The listing parameters of spec 1 (`/api/v1/gallery`) and spec 2 (`/images`), parsed
//! into one `ItemQuery`. Each bad value answers 400 naming the parameter.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use vitrine_domain::item::{
    FolderFilter, ItemQuery, ItemStatus, MediaKind, MimeFilter, SearchScope, TextSearch,
};
use vitrine_domain::limits::Limits;
use vitrine_domain::tags::{split_tag_list, tag_key};
use vitrine_domain::{CollectionId, FolderId};

use crate::error::{invalid, ApiError, Position};

/// Which API is asking: defaults differ, the filters are shared.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// Spec 1: `pageSize` 20 by default, every folder unless `folderId` is given.
    Gallery,
    /// Spec 2: `limit` 50 by default, the root folder when listing active items unfiltered.
    Images,
}

type Params = HashMap<String, String>;

/// The parameters `item_query` reads, for the OpenAPI document (the parsing above works on
/// the raw pairs, so that every bad one is named).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code, non_snake_case)]
pub(crate) struct ListFilters {
    /// Page number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Items per page: 20 on `/api/v1/gallery`, 50 on `/images`; at most `max_page_size` (100).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// `active` (default), `trash` or `all`.
    #[param(value_type = Option<crate::openapi::schemas::StatusFilter>)]
    status: Option<String>,
    /// `image` or `video`.
    #[param(value_type = Option<crate::openapi::schemas::Kind>)]
    r#type: Option<String>,
    /// `image/`, `video/`, `application/`… or `other`.
    mimePrefix: Option<String>,
    /// A folder's id, `root` or `all`.
    folderId: Option<String>,
    /// A collection's id.
    collection: Option<String>,
    /// `true` or `false` (`1`/`0`).
    #[param(value_type = Option<crate::openapi::schemas::Flag>)]
    favorite: Option<String>,
    /// A category's id.
    category: Option<i32>,
    /// `true` or `false` (`1`/`0`).
    #[param(value_type = Option<crate::openapi::schemas::Flag>)]
    nsfw: Option<String>,
    /// Comma-separated; every one must match.
    tags: Option<String>,
    /// The older spelling of `tags`.
    tag: Option<String>,
    /// Comma-separated; none may match.
    excludeTags: Option<String>,
    /// Words in title, description and model (`/api/v1/gallery` only).
    search: Option<String>,
    /// A file name, or a tag named exactly so.
    q: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC), inclusive.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive.
    to: Option<String>,
    /// Bytes, at least.
    #[param(minimum = 0)]
    minSize: Option<i64>,
    /// Bytes, at most.
    #[param(minimum = 0)]
    maxSize: Option<i64>,
}

pub fn item_query(
    params: &Params,
    limits: &Limits,
    surface: Surface,
) -> Result<ItemQuery, ApiError> {
    let default_size = match surface {
        Surface::Gallery => limits.default_page_size,
        Surface::Images => 50.min(limits.max_page_size),
    };
    let page_size = number(params, "limit", default_size, limits.max_page_size)?;
    let page = number(params, "page", 1, u32::MAX / page_size.max(1))?;
    let status = status(params)?;
    let search = match surface {
        Surface::Gallery => text(params, "search")
            .and_then(|raw| TextSearch::parse(raw, SearchScope::Text))
            .or_else(|| {
                text(params, "q").and_then(|raw| TextSearch::parse(raw, SearchScope::NamesOrTag))
            }),
        Surface::Images => {
            text(params, "q").and_then(|raw| TextSearch::parse(raw, SearchScope::NamesOrTag))
        }
    };
    let folder = match text(params, "folderId") {
        Some("root") => FolderFilter::Root,
        Some("all") => FolderFilter::Any,
        Some(id) => FolderFilter::In(FolderId::from(id.to_owned())),
        // Spec 2: "For active status, leaving this empty shows Root by default"; a search
        // covers the whole library.
        None if surface == Surface::Images
            && status == Some(ItemStatus::Active)
            && search.is_none() =>
        {
            FolderFilter::Root
        }
        None => FolderFilter::Any,
    };
    let mut tags = tag_keys(params, "tags");
    tags.extend(tag_keys(params, "tag"));
    tags.dedup();
    let (created_from, created_before) = dates(params)?;
    let min_size = size(params, "minSize")?;
    let max_size = size(params, "maxSize")?;
    if let (Some(min), Some(max)) = (min_size, max_size) {
        if min > max {
            return Err(invalid(
                "Invalid size parameter",
                "minSize",
                "must not be greater than maxSize",
                Position::Query,
            ));
        }
    }
    Ok(ItemQuery {
        status,
        kind: kind(params)?,
        mime: mime(params)?,
        folder,
        collection: text(params, "collection").map(|id| CollectionId::from(id.to_owned())),
        favorite: flag(params, "favorite")?,
        category: category(params)?,
        nsfw: flag(params, "nsfw")?,
        tags,
        exclude_tags: tag_keys(params, "excludeTags"),
        search,
        created_from,
        created_before,
        min_size,
        max_size,
        page,
        page_size,
    })
}

/// A parameter's trimmed value; empty counts as absent.
fn text<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn number(params: &Params, name: &str, default: u32, max: u32) -> Result<u32, ApiError> {
    let Some(raw) = text(params, name) else {
        return Ok(default);
    };
    raw.parse::<u32>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| {
            invalid(
                "Invalid page or limit parameter",
                name,
                format!("must be between 1 and {max}"),
                Position::Query,
            )
        })
}

fn status(params: &Params) -> Result<Option<ItemStatus>, ApiError> {
    match text(params, "status") {
        None | Some("active") => Ok(Some(ItemStatus::Active)),
        Some("trash") => Ok(Some(ItemStatus::Trash)),
        Some("all") => Ok(None),
        Some(_) => Err(invalid(
            "Invalid status parameter",
            "status",
            "must be active, trash or all",
            Position::Query,
        )),
    }
}

fn kind(params: &Params) -> Result<Option<MediaKind>, ApiError> {
    text(params, "type")
        .map(|raw| {
            raw.parse::<MediaKind>().map_err(|_| {
                invalid(
                    "Invalid type parameter",
                    "type",
                    "must be image or video",
                    Position::Query,
                )
            })
        })
        .transpose()
}

fn mime(params: &Params) -> Result<Option<MimeFilter>, ApiError> {
    let Some(raw) = text(params, "mimePrefix") else {
        return Ok(None);
    };
    let raw = raw.to_ascii_lowercase();
    if raw == "other" {
        return Ok(Some(MimeFilter::Other));
    }
    let valid = raw.len() <= 100
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/.+-".contains(c));
    if !valid {
        return Err(invalid(
            "Invalid mimePrefix parameter",
            "mimePrefix",
            "must be a MIME prefix such as image/ or video/, or other",
            Position::Query,
        ));
    }
    // "image" means the whole type, as "image/" does.
    let prefix = if raw.contains('/') {
        raw
    } else {
        format!("{raw}/")
    };
    Ok(Some(MimeFilter::Prefix(prefix)))
}

/// A yes-or-no parameter (`favorite`, `nsfw`): `true`/`false`, or spec 5's `1`/`0`.
fn flag(params: &Params, name: &str) -> Result<Option<bool>, ApiError> {
    match text(params, name) {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(_) => Err(invalid(
            &format!("Invalid {name} parameter"),
            name,
            "must be true or false",
            Position::Query,
        )),
    }
}

fn category(params: &Params) -> Result<Option<i32>, ApiError> {
    text(params, "category")
        .map(|raw| {
            raw.parse::<i32>().map_err(|_| {
                invalid(
                    "Invalid category parameter",
                    "category",
                    "must be a category id",
                    Position::Query,
                )
            })
        })
        .transpose()
}

fn tag_keys(params: &Params, name: &str) -> Vec<String> {
    text(params, name)
        .map(|raw| split_tag_list(raw).into_iter().map(tag_key).collect())
        .unwrap_or_default()
}

fn size(params: &Params, name: &str) -> Result<Option<i64>, ApiError> {
    text(params, name)
        .map(|raw| {
            raw.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                invalid(
                    "Invalid size parameter",
                    name,
                    "must be a whole number of bytes, 0 or more",
                    Position::Query,
                )
            })
        })
        .transpose()
}

/// `from`/`to` as UTC days, both inclusive: [from 00:00, the day after `to` 00:00).
fn dates(params: &Params) -> Result<(Option<NaiveDateTime>, Option<NaiveDateTime>), ApiError> {
    let day = |name: &str| -> Result<Option<NaiveDate>, ApiError> {
        text(params, name)
            .map(|raw| {
                NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
                    invalid(
                        "Invalid date parameter",
                        name,
                        "must be a date as YYYY-MM-DD (UTC)",
                        Position::Query,
                    )
                })
            })
            .transpose()
    };
    let (from, to) = (day("from")?, day("to")?);
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(invalid(
                "Invalid date parameter",
                "from",
                "must not be after to",
                Position::Query,
            ));
        }
    }
    Ok((
        from.and_then(|d| d.and_hms_opt(0, 0, 0)),
        to.and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn parse(pairs: &[(&str, &str)], surface: Surface) -> Result<ItemQuery, ApiError> {
        item_query(&params(pairs), &Limits::default(), surface)
    }

    fn field_of(err: ApiError) -> String {
        match err {
            ApiError::Request { detail, .. } => detail[0].field.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_surface_has_its_defaults() {
        let gallery = parse(&[], Surface::Gallery).unwrap();
        assert_eq!((gallery.page, gallery.page_size), (1, 20));
        assert_eq!(gallery.folder, FolderFilter::Any);
        let images = parse(&[], Surface::Images).unwrap();
        assert_eq!(
            (images.page_size, images.status),
            (50, Some(ItemStatus::Active))
        );
        assert_eq!(images.folder, FolderFilter::Root);
        let trash = parse(&[("status", "trash")], Surface::Images).unwrap();
        assert_eq!(trash.folder, FolderFilter::Any);
        let search = parse(&[("q", "cat")], Surface::Images).unwrap();
        assert_eq!(search.folder, FolderFilter::Any);
    }

    #[test]
    fn bad_values_name_their_parameter() {
        let cases = [
            ("limit", "0"),
            ("limit", "101"),
            ("page", "-1"),
            ("status", "gone"),
            ("from", "2026-13-01"),
            ("to", "yesterday"),
            ("minSize", "-5"),
            ("maxSize", "big"),
            ("favorite", "yes"),
            ("mimePrefix", "image/*;"),
            ("type", "audio"),
        ];
        for (name, value) in cases {
            let err = parse(&[(name, value)], Surface::Images).unwrap_err();
            assert_eq!(field_of(err), name, "{name}={value}");
        }
        let err = parse(
            &[("from", "2026-02-02"), ("to", "2026-02-01")],
            Surface::Images,
        );
        assert_eq!(field_of(err.unwrap_err()), "from");
        let err = parse(&[("minSize", "10"), ("maxSize", "9")], Surface::Images);
        assert_eq!(field_of(err.unwrap_err()), "minSize");
    }

    #[test]
    fn dates_cover_whole_utc_days() {
        let q = parse(
            &[("from", "2026-01-07"), ("to", "2026-01-07")],
            Surface::Images,
        )
        .unwrap();
        assert_eq!(q.created_from.unwrap().to_string(), "2026-01-07 00:00:00");
        assert_eq!(q.created_before.unwrap().to_string(), "2026-01-08 00:00:00");
    }

    #[test]
    fn tag_and_tags_combine_and_match_by_key() {
        let q = parse(
            &[("tags", " Sunset,beach ,"), ("tag", "Dog")],
            Surface::Images,
        )
        .unwrap();
        assert_eq!(q.tags, vec!["sunset", "beach", "dog"]);
        let q = parse(&[("excludeTags", "A,b")], Surface::Images).unwrap();
        assert_eq!(q.exclude_tags, vec!["a", "b"]);
    }

    #[test]
    fn mime_prefixes_are_lower_case_with_a_slash() {
        let q = parse(&[("mimePrefix", "IMAGE")], Surface::Images).unwrap();
        assert_eq!(q.mime, Some(MimeFilter::Prefix("image/".into())));
        let q = parse(&[("mimePrefix", "other")], Surface::Images).unwrap();
        assert_eq!(q.mime, Some(MimeFilter::Other));
    }
}
