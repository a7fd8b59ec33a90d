//! Spec 4's records, written through our own API: `/api/v1/projects`, `/api/v1/groups`,
//! and the review of a project image under `/api/v1/gallery/{id}`. Field names are
//! snake_case, as spec 4's are; projects and groups have integer IDs.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use vitrine_domain::projects::{
    parse_named, Feedback, Group, NewProject, Project, ProjectPatch, Review, ReviewStatus,
};
use vitrine_domain::DomainError;

use crate::auth::Auth;
use crate::error::{as_sent, json_value as body, ApiResult};
use crate::format::iso8601;
use crate::routes::gallery::present;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/projects")
            .route("", web::get().to(list))
            .route("", web::post().to(create))
            .route("/{id}", web::get().to(get))
            .route("/{id}", web::patch().to(change))
            .route("/{id}", web::delete().to(delete)),
    )
    .service(
        web::scope("/api/v1/groups")
            .route("", web::get().to(groups))
            .route("", web::post().to(create_group))
            .route("/{id}/members", web::post().to(add_member))
            .route("/{id}/members/{user}", web::delete().to(remove_member)),
    );
}

/// Review routes live under the item's own path (`routes/gallery`).
pub(crate) fn configure_review(cfg: &mut web::ServiceConfig) {
    cfg.route("/{id}/feedback", web::put().to(feedback))
        .route("/{id}/review", web::put().to(review))
        .route("/{id}/claim", web::post().to(claim))
        .route("/{id}/claim", web::delete().to(release));
}

#[derive(Serialize)]
struct ProjectResponse {
    id: i32,
    name: String,
    key: String,
    group_id: Option<i32>,
    created_by: String,
    created_at: String,
    updated_at: Option<String>,
}

impl From<Project> for ProjectResponse {
    fn from(p: Project) -> Self {
        Self {
            id: p.id,
            name: p.name,
            key: p.key,
            group_id: p.group,
            created_by: p.owner_name,
            created_at: iso8601(p.created_at),
            updated_at: p.updated_at.map(iso8601),
        }
    }
}

#[derive(Serialize)]
struct GroupResponse {
    id: i32,
    name: String,
    created_by: String,
    created_at: String,
    members: Vec<String>,
}

impl From<Group> for GroupResponse {
    fn from(g: Group) -> Self {
        Self {
            id: g.id,
            name: g.name,
            created_by: g.created_by_name,
            created_at: iso8601(g.created_at),
            members: g.members,
        }
    }
}

/// An integer ID from the path; anything else names no record (404, as for others').
fn id_in_path(raw: &str, what: &'static str) -> ApiResult<i32> {
    raw.parse().map_err(|_| DomainError::NotFound(what).into())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    name: String,
    key: Option<String>,
    group_id: Option<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeBody {
    name: Option<String>,
    key: Option<String>,
    #[serde(default, deserialize_with = "present")]
    group_id: Option<Option<i32>>,
}

async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let all = state.projects.list(&who).await?;
    let all: Vec<ProjectResponse> = all.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(all))
}

async fn create(
    state: web::Data<AppState>,
    Auth(who): Auth,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let new: CreateBody = body(&bytes)?;
    let new = NewProject {
        name: new.name,
        key: new.key,
        group: new.group_id,
    };
    let project = state.projects.create(&who, new).await.map_err(as_sent)?;
    Ok(HttpResponse::Created().json(ProjectResponse::from(project)))
}

async fn get(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id_in_path(&id, "Project")?;
    let project = state.projects.get(&who, id).await?;
    Ok(HttpResponse::Ok().json(ProjectResponse::from(project)))
}

async fn change(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let id = id_in_path(&id, "Project")?;
    let change: ChangeBody = body(&bytes)?;
    let patch = ProjectPatch {
        name: change.name,
        key: change.key,
        group: change.group_id,
    };
    let project = state
        .projects
        .update(&who, id, patch)
        .await
        .map_err(as_sent)?;
    Ok(HttpResponse::Ok().json(ProjectResponse::from(project)))
}

async fn delete(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id_in_path(&id, "Project")?;
    state.projects.delete(&who, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupBody {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberBody {
    user: String,
}

async fn groups(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let all = state.projects.groups(&who).await?;
    let all: Vec<GroupResponse> = all.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(all))
}

async fn create_group(
    state: web::Data<AppState>,
    Auth(who): Auth,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let new: GroupBody = body(&bytes)?;
    let group = state
        .projects
        .create_group(&who, &new.name)
        .await
        .map_err(as_sent)?;
    Ok(HttpResponse::Created().json(GroupResponse::from(group)))
}

async fn add_member(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let id = id_in_path(&id, "Group")?;
    let member: MemberBody = body(&bytes)?;
    let group = state.projects.add_member(&who, id, &member.user).await?;
    Ok(HttpResponse::Ok().json(GroupResponse::from(group)))
}

async fn remove_member(
    state: web::Data<AppState>,
    Auth(who): Auth,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, user) = path.into_inner();
    let id = id_in_path(&id, "Group")?;
    let group = state.projects.remove_member(&who, id, &user).await?;
    Ok(HttpResponse::Ok().json(GroupResponse::from(group)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedbackBody {
    feedback: Option<String>,
    comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    #[serde(default, deserialize_with = "present")]
    status: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    annotations: Option<Option<serde_json::Value>>,
}

async fn feedback(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let given: FeedbackBody = body(&bytes)?;
    let feedback = given
        .feedback
        .map(|f| parse_named::<Feedback>(&f, "feedback", "like, dislike, null"))
        .transpose()
        .map_err(as_sent)?;
    state
        .projects
        .feedback(&who, &id, feedback, given.comment)
        .await
        .map_err(as_sent)?;
    Ok(HttpResponse::NoContent().finish())
}

async fn review(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> ApiResult<HttpResponse> {
    let given: ReviewBody = body(&bytes)?;
    let status = match given.status {
        Some(Some(raw)) => Some(Some(
            parse_named::<ReviewStatus>(&raw, "status", "pending, approved, rejected, null")
                .map_err(as_sent)?,
        )),
        Some(None) => Some(None),
        None => None,
    };
    let review = Review {
        status,
        annotations: given.annotations.map(|a| a.map(|a| a.to_string())),
    };
    state
        .projects
        .review(&who, &id, review)
        .await
        .map_err(as_sent)?;
    Ok(HttpResponse::NoContent().finish())
}

async fn claim(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.projects.claim(&who, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn release(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.projects.release(&who, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}
