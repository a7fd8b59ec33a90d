//! Spec 5's parameters: how they are read, and how they are checked against the staged
//! source before the item is committed, public by link.

use vitrine_domain::expiration::expires_at;
use vitrine_domain::item::{Item, NewLink};
use vitrine_domain::library::UploadMeta;
use vitrine_domain::public_links::{new_code, new_delete_token};
use vitrine_domain::tags::split_tag_list;
use vitrine_domain::user::{Principal, Role};
use vitrine_domain::{CollectionId, DomainError};

use super::answer::{Format, Resource, V1Error};
use super::Source;
use crate::state::AppState;

/// The text parameters of spec 5, as sent.
#[derive(Debug, Default)]
pub(super) struct Params {
    pub(super) key: Option<String>,
    title: Option<String>,
    description: Option<String>,
    tags: Option<String>,
    album_id: Option<String>,
    category_id: Option<String>,
    width: Option<String>,
    expiration: Option<String>,
    nsfw: Option<String>,
    pub(super) format: Format,
    use_file_date: Option<String>,
}

impl Params {
    /// Takes a named parameter; unknown names are ignored, as form posts expect.
    pub(super) fn set(&mut self, name: &str, value: String) -> Result<(), V1Error> {
        let slot = match name {
            "key" => &mut self.key,
            "title" => &mut self.title,
            "description" => &mut self.description,
            "tags" => &mut self.tags,
            "album_id" => &mut self.album_id,
            "category_id" => &mut self.category_id,
            "width" => &mut self.width,
            "expiration" => &mut self.expiration,
            "nsfw" => &mut self.nsfw,
            "use_file_date" => &mut self.use_file_date,
            "format" => {
                self.format = Format::parse(&value)?;
                return Ok(());
            }
            _ => return Ok(()),
        };
        *slot = Some(value).filter(|v| !v.trim().is_empty());
        Ok(())
    }
}

/// Checks the parameters against the staged source and commits the item, public by link;
/// on any refusal the staged bytes are removed.
pub(super) async fn finish(
    state: &AppState,
    who: &Principal,
    params: Params,
    source: Source,
) -> Result<(Item, String, Resource), V1Error> {
    let Source {
        staged,
        resource,
        filename,
    } = source;
    let width = match width(state, params.width.as_deref()) {
        Ok(width) => width,
        Err(err) => {
            state.library.discard(staged).await;
            return Err(err);
        }
    };
    let prepared = prepare(state, who, params, filename).await;
    let (meta, album, token) = match prepared {
        Ok(prepared) => prepared,
        Err(err) => {
            state.library.discard(staged).await;
            return Err(err);
        }
    };
    let staged = match width {
        Some(width) => state.library.narrow(who, staged, width).await?,
        None => staged,
    };
    let mut item = state.library.commit(who, staged, meta).await?;
    if let Some(album) = album {
        state
            .collections
            .add_items(who, &album, std::slice::from_ref(&item.id))
            .await?;
        item.collections.push(album);
    }
    Ok((item, token, resource))
}

/// Spec 5's `width`: a whole number of pixels, 1 to the largest side an image may have.
fn width(state: &AppState, text: Option<&str>) -> Result<Option<u32>, V1Error> {
    let Some(text) = text.map(str::trim) else {
        return Ok(None);
    };
    let max = state.library.limits().image.max_side;
    match text.parse::<u32>() {
        Ok(width) if (1..=max).contains(&width) => Ok(Some(width)),
        _ => Err(V1Error::bad(format!(
            "width must be a whole number of pixels from 1 to {max}, not {text:?}"
        ))),
    }
}

async fn prepare(
    state: &AppState,
    who: &Principal,
    params: Params,
    filename: Option<String>,
) -> Result<(UploadMeta, Option<CollectionId>, String), V1Error> {
    let use_file_date = match params.use_file_date.as_deref().map(str::trim) {
        None | Some("0") => false,
        Some("1") if who.user.role == Role::Admin => true,
        Some("1") => {
            return Err(V1Error::from(DomainError::Forbidden(
                "use_file_date is for administrators".into(),
            )))
        }
        Some(other) => {
            return Err(V1Error::bad(format!(
                "use_file_date must be 0 or 1, not {other:?}"
            )))
        }
    };
    let nsfw = match params.nsfw.as_deref().map(str::trim) {
        None | Some("0") => false,
        Some("1") => true,
        Some(other) => return Err(V1Error::bad(format!("nsfw must be 0 or 1, not {other:?}"))),
    };
    let expires_at = params
        .expiration
        .as_deref()
        .map(|text| expires_at(state.clock.now(), text))
        .transpose()?;
    let category = match params.category_id.as_deref().map(str::trim) {
        Some(text) => {
            let id = text.parse::<i32>().map_err(|_| {
                V1Error::bad(format!("category_id must be an integer, not {text:?}"))
            })?;
            if !state.categories.exists(id).await? {
                return Err(V1Error::bad(format!("category {id} does not exist")));
            }
            Some(id)
        }
        None => None,
    };
    let album = match params.album_id {
        Some(id) => {
            let id = CollectionId::from(id.trim().to_owned());
            match state.collections.get(who, &id).await {
                Ok(_) => Some(id),
                Err(DomainError::NotFound(_)) => {
                    return Err(V1Error::bad(format!(
                        "album {id} does not exist or is not yours"
                    )))
                }
                Err(err) => return Err(err.into()),
            }
        }
        None => None,
    };
    let (token, hash) = new_delete_token();
    let meta = UploadMeta {
        original_filename: filename,
        title: params.title,
        description: params.description,
        tags: params
            .tags
            .as_deref()
            .map(|raw| split_tag_list(raw).into_iter().map(str::to_owned).collect())
            .unwrap_or_default(),
        nsfw,
        category,
        expires_at,
        use_file_date,
        link: Some(NewLink {
            code: new_code(),
            delete_token_hash: hash,
        }),
        ..UploadMeta::default()
    };
    Ok((meta, album, token))
}
