//! `POST /api/v1/gallery`: a multipart upload with `file` and optional `prompt`, `title`,
//! `model`, `tags`, `description`. The file streams to the blob store as it arrives.

use actix_multipart::{Field, Multipart};
use actix_web::{web, HttpRequest, HttpResponse};
use std::future::Future;

use bytes::Bytes;
use futures::stream::LocalBoxStream;
use futures::{StreamExt, TryStreamExt};
use vitrine_domain::item::Item;
use vitrine_domain::library::{StagedUpload, UploadMeta};
use vitrine_domain::limits::FormLimits;
use vitrine_domain::projects::PlacementPatch;
use vitrine_domain::tags::{split_tag_list, MAX_TAGS_PER_ITEM};
use vitrine_domain::user::Principal;
use vitrine_domain::DomainError;

use super::dto::ItemResponse;
use crate::auth::Auth;
use crate::error::{as_sent, invalid, ApiError, ApiResult, Position};
use crate::state::AppState;

/// Text fields are small; a client sending megabytes of "title" is refused.
const MAX_TEXT_FIELD: usize = 64 * 1024;

/// What the form has used of its limits so far.
struct Budget {
    fields: usize,
    text_bytes: usize,
    limits: FormLimits,
}

/// The form `POST /api/v1/gallery` reads, for the document; unknown fields are ignored.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct UploadForm {
    /// The image or video.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The title (`title` is the same field).
    prompt: Option<String>,
    title: Option<String>,
    description: Option<String>,
    model: Option<String>,
    /// Comma-separated.
    tags: Option<String>,
    /// Spec 4: the project it belongs to, and its place in it.
    project_id: Option<String>,
    job_id: Option<String>,
    image_index: Option<String>,
    group_index: Option<String>,
    version: Option<String>,
    /// A JSON object.
    input_description: Option<String>,
    /// Item IDs, as a JSON array or comma-separated.
    inputs: Option<String>,
    download_filename: Option<String>,
}

/// Uploads an image or video (multipart); it streams to storage as it arrives.
///
/// 413 over the size limit or the quota, 415 not media, 422 media that does not decode.
#[utoipa::path(post, path = "/api/v1/gallery", tag = "gallery",
    security(("bearer" = ["media:write"])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "The new item", body = ItemResponse)))]
pub(crate) async fn upload(
    state: web::Data<AppState>,
    Auth(who): Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    state.library.check_upload(&who, declared).await?;
    let form = Multipart::new(req.headers(), payload);
    let mut staged: Option<StagedUpload> = None;
    let limits = state.library.limits().form;
    let stage = |bytes: FileBytes| state.library.stage(&who, bytes);
    let outcome = read_form(form, limits, stage, &mut staged).await;
    let result = match (outcome, staged) {
        (Ok((meta, placement)), Some(staged)) => {
            match commit(&state, &who, staged, meta, placement).await {
                Ok(item) => Ok(item),
                Err((err, Some(staged))) => {
                    state.library.discard(staged).await;
                    Err(err)
                }
                Err((err, None)) => Err(err),
            }
        }
        (Ok(_), None) => Err(invalid(
            "No file uploaded",
            "file",
            "the multipart form has no 'file' field",
            Position::Body,
        )),
        (Err(err), staged) => {
            if let Some(staged) = staged {
                state.library.discard(staged).await;
            }
            Err(err)
        }
    };
    let item = result?;
    Ok(HttpResponse::Created().json(ItemResponse::new(item, &state.signer, state.now_secs())))
}

/// Checks the upload's project fields, then commits it with them: on a refusal before
/// the commit the staged file comes back to be discarded.
async fn commit(
    state: &AppState,
    who: &Principal,
    staged: StagedUpload,
    mut meta: UploadMeta,
    placement: PlacementPatch,
) -> Result<Item, (ApiError, Option<StagedUpload>)> {
    if matches!(placement.project, None | Some(None)) && !placement.placement.is_empty() {
        let err = invalid(
            "Invalid field",
            "project_id",
            "project fields need project_id",
            Position::Body,
        );
        return Err((err, Some(staged)));
    }
    match state.projects.check_placement(who, placement).await {
        Ok((project, inputs)) => {
            meta.project = project;
            meta.inputs = inputs.unwrap_or_default();
        }
        Err(err) => return Err((as_sent(err), Some(staged))),
    }
    state
        .library
        .commit(who, staged, meta)
        .await
        .map_err(|err| (ApiError::Domain(err), None))
}

/// The bytes of the form's `file` field as they arrive.
pub(crate) type FileBytes = LocalBoxStream<'static, Result<Bytes, DomainError>>;

/// Reads every field; the file goes to `stage` as soon as it arrives and what that makes
/// is kept in `staged`, so the caller can discard it whatever fails later.
pub(crate) async fn read_form<T, Fut>(
    mut form: Multipart,
    limits: FormLimits,
    mut stage: impl FnMut(FileBytes) -> Fut,
    staged: &mut Option<T>,
) -> ApiResult<(UploadMeta, PlacementPatch)>
where
    Fut: Future<Output = Result<T, DomainError>>,
{
    let mut meta = UploadMeta::default();
    let mut placement = PlacementPatch::default();
    let mut budget = Budget {
        fields: 0,
        text_bytes: 0,
        limits,
    };
    while let Some(field) = form.next().await {
        let field = field.map_err(multipart_error)?;
        budget.fields += 1;
        if budget.fields > budget.limits.max_fields {
            return Err(DomainError::TooLarge(format!(
                "the form has more than {} fields",
                budget.limits.max_fields
            ))
            .into());
        }
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                if staged.is_some() {
                    return Err(invalid(
                        "Too many files",
                        "file",
                        "send one 'file' per upload",
                        Position::Body,
                    ));
                }
                meta.original_filename = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .map(str::to_owned);
                let bytes = field
                    .map_err(|err| {
                        DomainError::invalid(format!("the upload was interrupted: {err}"))
                    })
                    .boxed_local();
                *staged = Some(stage(bytes).await?);
            }
            "prompt" | "title" => meta.title = Some(text(field, &name, &mut budget).await?),
            "model" => meta.model = Some(text(field, &name, &mut budget).await?),
            "description" => meta.description = Some(text(field, &name, &mut budget).await?),
            "tags" => {
                let raw = text(field, &name, &mut budget).await?;
                meta.tags
                    .extend(split_tag_list(&raw).into_iter().map(str::to_owned));
                if meta.tags.len() > MAX_TAGS_PER_ITEM {
                    return Err(DomainError::invalid_field(
                        "tags",
                        format!("at most {MAX_TAGS_PER_ITEM} tags per item"),
                    )
                    .into());
                }
            }
            "project_id" | "job_id" | "image_index" | "group_index" | "version"
            | "input_description" | "inputs" | "download_filename" => {
                let raw = text(field, &name, &mut budget).await?;
                project_field(&mut placement, &name, raw)?;
            }
            // Unknown fields are read and ignored, as form posts from browsers expect.
            _ => drop(text(field, &name, &mut budget).await?),
        }
    }
    Ok((meta, placement))
}

/// Spec 4's fields of an upload, as form text: integers, a JSON object, and `inputs` as a
/// JSON array or a comma-separated list of item IDs.
fn project_field(placement: &mut PlacementPatch, name: &str, raw: String) -> ApiResult<()> {
    let integer = |raw: &str| {
        raw.trim()
            .parse::<i32>()
            .map_err(|_| invalid("Invalid field", name, "must be an integer", Position::Body))
    };
    let fields = &mut placement.placement;
    match name {
        "project_id" => placement.project = Some(Some(integer(&raw)?)),
        "job_id" => fields.job_id = Some(Some(raw)),
        "image_index" => fields.image_index = Some(Some(integer(&raw)?)),
        "group_index" => fields.group_index = Some(Some(integer(&raw)?)),
        "version" => fields.version = Some(integer(&raw)?),
        "download_filename" => fields.download_filename = Some(Some(raw)),
        "input_description" => {
            let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&raw)
                .map_err(|_| {
                    invalid(
                        "Invalid field",
                        name,
                        "must be a JSON object",
                        Position::Body,
                    )
                })?;
            fields.input_description = Some(Some(serde_json::Value::Object(object).to_string()));
        }
        _ => {
            let ids = match serde_json::from_str::<Vec<String>>(&raw) {
                Ok(ids) => ids,
                Err(_) => raw
                    .split(',')
                    .map(str::trim)
                    .filter(|id| !id.is_empty())
                    .map(str::to_owned)
                    .collect(),
            };
            placement.inputs = Some(ids);
        }
    }
    Ok(())
}

async fn text(mut field: Field, name: &str, budget: &mut Budget) -> ApiResult<String> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(multipart_error)?;
        budget.text_bytes += chunk.len();
        if budget.text_bytes > budget.limits.max_text_bytes {
            return Err(DomainError::TooLarge(format!(
                "the form's text fields hold more than {} bytes",
                budget.limits.max_text_bytes
            ))
            .into());
        }
        if buf.len() + chunk.len() > MAX_TEXT_FIELD {
            return Err(invalid(
                "Field too large",
                name,
                format!("at most {MAX_TEXT_FIELD} bytes"),
                Position::Body,
            ));
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf)
        .map_err(|_| invalid("Invalid field", name, "must be UTF-8 text", Position::Body))
}

fn multipart_error(err: actix_multipart::MultipartError) -> ApiError {
    invalid(
        "Invalid multipart body",
        "body",
        format!("expected multipart/form-data with a 'file' field: {err}"),
        Position::Body,
    )
}
