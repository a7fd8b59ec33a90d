//! Spec 4: `GET /gallery/by-project`, the projects a user sees with their statistics and
//! first images. Parameters, defaults, bounds and field names are spec 4's; every bad
//! parameter is named at once.

use crate::routes::table::Routes;
use actix_web::http::header::ContentType;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use vitrine_domain::item::Processing;
use vitrine_domain::projects::{
    parse_named, BoardImage, BoardProject, BoardQuery, Feedback, Ownership, SortBy,
};
use vitrine_domain::{DomainError, ItemId};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Detail, Position};
use crate::format::iso8601;
use crate::signing::UrlSigner;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.get("/gallery/by-project", by_project);
}

/// Spec 4's parameters with their defaults and bounds; `Err` lists every bad one.
fn board_query(raw: &str) -> Result<BoardQuery, Vec<Detail>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
        .map_err(|err| vec![Detail::new("query", err.to_string(), Position::Query)])?;
    let mut query = BoardQuery {
        page: 1,
        per_page: 20,
        descending: true,
        project: None,
        status: None,
        feedback: None,
        sort_by: SortBy::OriginalFilename,
        ownership: None,
        max_images: 50,
        search: None,
    };
    let mut bad = Vec::new();
    let mut refuse = |field: &str, message: &str| {
        bad.push(Detail::new(field, message, Position::Query));
    };
    let number = |raw: &str, range: std::ops::RangeInclusive<i64>| {
        raw.trim().parse::<i64>().ok().filter(|n| range.contains(n))
    };
    for (name, value) in &pairs {
        match name.as_str() {
            "page" => match number(value, 1..=i64::from(i32::MAX)) {
                Some(n) => query.page = n,
                None => refuse("page", "an integer from 1"),
            },
            "per_page" => match number(value, 1..=100) {
                Some(n) => query.per_page = n,
                None => refuse("per_page", "an integer from 1 to 100"),
            },
            "max_images_per_project" => match number(value, 1..=200) {
                Some(n) => query.max_images = n,
                None => refuse("max_images_per_project", "an integer from 1 to 200"),
            },
            "order" => match value.as_str() {
                "asc" => query.descending = false,
                "desc" => query.descending = true,
                _ => refuse("order", "one of asc, desc"),
            },
            "sort_by" => match value.as_str() {
                "original_filename" => query.sort_by = SortBy::OriginalFilename,
                "quality_score" => query.sort_by = SortBy::QualityScore,
                _ => refuse("sort_by", "one of original_filename, quality_score"),
            },
            "ownership" => match value.as_str() {
                "mine" => query.ownership = Some(Ownership::Mine),
                "shared" => query.ownership = Some(Ownership::Shared),
                _ => refuse("ownership", "one of mine, shared"),
            },
            "project_id" => match value.trim().parse::<i32>() {
                Ok(id) => query.project = Some(id),
                Err(_) => refuse("project_id", "an integer"),
            },
            "status" => match value.parse::<Processing>() {
                Ok(status) => query.status = Some(status),
                Err(_) => refuse("status", "one of pending, processing, completed, failed"),
            },
            "feedback" => {
                let wanted = query.feedback.get_or_insert_with(Vec::new);
                for one in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                    match one {
                        "none" => wanted.push(None),
                        other => match parse_named::<Feedback>(other, "feedback", "") {
                            Ok(f) => wanted.push(Some(f)),
                            Err(_) => refuse("feedback", "each one of like, dislike, none"),
                        },
                    }
                }
            }
            "search" => query.search = Some(value.clone()).filter(|s| !s.trim().is_empty()),
            // Other parameters are left alone, as web forms and links add their own.
            _ => {}
        }
    }
    if bad.is_empty() {
        Ok(query)
    } else {
        Err(bad)
    }
}

/// Spec 4: the projects the caller sees, with their statistics and first images.
#[utoipa::path(get, path = "/gallery/by-project", tag = "projects",
    security(("bearer" = ["projects:read"])),
    params(
        ("page" = Option<i64>, Query, description = "From 1"),
        ("per_page" = Option<i64>, Query, description = "Projects per page, 1 to 100 (20)"),
        ("max_images_per_project" = Option<i64>, Query, description = "1 to 200"),
        ("order" = Option<crate::openapi::schemas::Order>, Query, description = "`desc` by default"),
        ("sort_by" = Option<crate::openapi::schemas::BoardSort>, Query,
            description = "`original_filename` by default"),
        ("ownership" = Option<crate::openapi::schemas::Ownership>, Query),
        ("project_id" = Option<i32>, Query),
        ("status" = Option<crate::openapi::schemas::ProcessingState>, Query),
        ("feedback" = Option<String>, Query, description = "Comma-separated: `like`, `dislike`, `none`"),
        ("search" = Option<String>, Query),
    ),
    responses((status = 200, description = "A page of projects", body = BoardResponse)))]
pub(crate) async fn by_project(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(who): Auth,
) -> ApiResult<HttpResponse> {
    let query = board_query(req.query_string()).map_err(|detail| ApiError::Request {
        message: "Invalid request".into(),
        detail,
    })?;
    let board = state.projects.board(&who, &query).await?;
    let pages = (board.total + query.per_page - 1) / query.per_page;
    let (signer, now) = (&state.signer, state.now_secs());
    let images: usize = board.projects.iter().map(|p| p.images.len()).sum();
    let response = BoardResponse {
        pagination: Pagination {
            page: query.page,
            per_page: query.per_page,
            total: board.total,
            pages,
            has_next: query.page < pages,
            has_prev: query.page > 1,
        },
        projects: board
            .projects
            .into_iter()
            .map(|p| ProjectResponse::new(p, signer, now))
            .collect(),
    };
    // Written once into a buffer of about its size: a default page is ~700 KiB, which
    // a growing buffer copied again at every doubling.
    let mut body = Vec::with_capacity(1024 + images * IMAGE_BYTES);
    serde_json::to_writer(&mut body, &response).map_err(DomainError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(body))
}

/// About the JSON of one image with its two signed URLs (and a project's share).
const IMAGE_BYTES: usize = 800;

#[derive(Serialize, ToSchema)]
#[schema(as = ProjectBoard)]
pub(crate) struct BoardResponse {
    pagination: Pagination,
    projects: Vec<ProjectResponse>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = BoardPagination)]
pub(crate) struct Pagination {
    page: i64,
    per_page: i64,
    total: i64,
    pages: i64,
    has_next: bool,
    has_prev: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(as = BoardProject)]
pub(crate) struct ProjectResponse {
    project_id: i32,
    project_name: String,
    project_key: String,
    created_at: String,
    created_by: String,
    total_images: i64,
    completed_images: i64,
    failed_images: i64,
    images: Vec<ImageResponse>,
}

impl ProjectResponse {
    fn new(p: BoardProject, signer: &UrlSigner, now: i64) -> Self {
        Self {
            project_id: p.id,
            project_name: p.name,
            project_key: p.key,
            created_at: iso8601(p.created_at),
            created_by: p.created_by,
            total_images: p.total_images,
            completed_images: p.completed_images,
            failed_images: p.failed_images,
            images: p
                .images
                .into_iter()
                .map(|i| ImageResponse::new(i, signer, now))
                .collect(),
        }
    }
}

/// Signed URLs of an item's original and its thumb.
#[derive(Serialize, ToSchema)]
#[schema(as = BoardUrls)]
pub(crate) struct Urls {
    full_size: Option<String>,
    thumbnail: Option<String>,
}

impl Urls {
    fn new(id: &ItemId, has_thumb: bool, signer: &UrlSigner, now: i64) -> Self {
        Self {
            full_size: Some(signer.url(id.as_str(), "original", now)),
            thumbnail: has_thumb.then(|| signer.url(id.as_str(), "thumb", now)),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = BoardClaim)]
pub(crate) struct Claimed {
    by: String,
    at: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = BoardImage)]
pub(crate) struct ImageResponse {
    /// The item's own id (beyond spec 4): what feedback, review and claims are sent to.
    id: String,
    job_id: Option<String>,
    image_index: Option<i32>,
    group_index: Option<i32>,
    version: i32,
    original_filename: String,
    download_filename: Option<String>,
    inputs: Vec<Urls>,
    output: Urls,
    input_description: Value,
    status: &'static str,
    quality_score: Option<f64>,
    processing_time: Option<f64>,
    error_message: Option<String>,
    feedback: Option<&'static str>,
    feedback_comment: Option<String>,
    created_at: String,
    review_status: Option<&'static str>,
    review_annotations: Option<Value>,
    retouch_claim: Option<Claimed>,
}

/// Stored JSON text as JSON again.
fn json(text: Option<String>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

impl ImageResponse {
    fn new(i: BoardImage, signer: &UrlSigner, now: i64) -> Self {
        Self {
            output: Urls::new(&i.id, i.has_thumb, signer, now),
            id: i.id.to_string(),
            inputs: i
                .inputs
                .iter()
                .map(|(id, thumb)| Urls::new(id, *thumb, signer, now))
                .collect(),
            job_id: i.job_id,
            image_index: i.image_index,
            group_index: i.group_index,
            version: i.version,
            original_filename: i.original_filename,
            download_filename: i.download_filename,
            input_description: json(i.input_description)
                .unwrap_or_else(|| Value::Object(serde_json::Map::new())),
            status: i.status.as_str(),
            quality_score: i.quality_score,
            processing_time: i.processing_time,
            error_message: i.error_message,
            feedback: i.feedback.map(Feedback::as_str),
            feedback_comment: i.feedback_comment,
            created_at: iso8601(i.created_at),
            review_status: i.review_status.map(|s| s.as_str()),
            review_annotations: json(i.review_annotations),
            retouch_claim: i.retouch_claim.map(|c| Claimed {
                by: c.by,
                at: iso8601(c.at),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_spec_fours() {
        let query = board_query("").unwrap();
        assert_eq!((query.page, query.per_page, query.max_images), (1, 20, 50));
        assert!(query.descending);
        assert_eq!(query.sort_by, SortBy::OriginalFilename);
        assert!(!query.filters_images());
    }

    #[test]
    fn feedback_takes_repeated_and_comma_separated_values() {
        let query = board_query("feedback=like&feedback=none,dislike").unwrap();
        assert_eq!(
            query.feedback,
            Some(vec![Some(Feedback::Like), None, Some(Feedback::Dislike)])
        );
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let bad = board_query("per_page=0&order=up&max_images_per_project=201&status=done&page=x")
            .unwrap_err();
        let mut fields: Vec<&str> = bad.iter().map(|d| d.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "max_images_per_project",
                "order",
                "page",
                "per_page",
                "status"
            ]
        );
        assert!(bad.iter().all(|d| d.position == Position::Query));
    }
}
