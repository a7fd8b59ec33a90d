//! Spec 4's records, written through our own API: `/api/v1/projects`, `/api/v1/groups`,
//! and the review of a project image under `/api/v1/gallery/{id}`. Field names are
//! snake_case, as spec 4's are; projects and groups have integer IDs.

use crate::openapi::params::{GroupPath, ItemPath, ProjectPath};
use crate::routes::table::Routes;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrine_domain::projects::{
    parse_named, Feedback, Group, NewProject, Project, ProjectPatch, Review, ReviewStatus,
};
use vitrine_domain::DomainError;

use crate::auth::Auth;
use crate::error::{as_sent, json_value as body, ApiResult};
use crate::format::iso8601;
use crate::routes::gallery::present;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .scope("/api/v1/projects", |routes| {
            routes
                .get("", list)
                .post("", create)
                .get("/{id}", get)
                .patch("/{id}", change)
                .delete("/{id}", delete);
        })
        .scope("/api/v1/groups", |routes| {
            routes
                .get("", groups)
                .post("", create_group)
                .post("/{id}/members", add_member)
                .delete("/{id}/members/{user}", remove_member);
        });
}

/// Review routes live under the item's own path (`routes/gallery`).
pub(crate) fn configure_review(routes: &mut Routes) {
    routes
        .put("/{id}/feedback", feedback)
        .put("/{id}/review", review)
        .post("/{id}/claim", claim)
        .delete("/{id}/claim", release);
}

#[derive(Serialize, ToSchema)]
#[schema(as = Project)]
pub(crate) struct ProjectResponse {
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

#[derive(Serialize, ToSchema)]
#[schema(as = Group)]
pub(crate) struct GroupResponse {
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewProject)]
pub(crate) struct CreateBody {
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    key: Option<String>,
    group_id: Option<i32>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ProjectChange)]
pub(crate) struct ChangeBody {
    name: Option<String>,
    key: Option<String>,
    #[serde(default, deserialize_with = "present")]
    group_id: Option<Option<i32>>,
}

/// The projects the caller may see.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects",
    security(("bearer" = ["projects:read"])),
    responses((status = 200, description = "The projects", body = Vec<ProjectResponse>)))]
pub(crate) async fn list(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let all = state.projects.list(&who).await?;
    let all: Vec<ProjectResponse> = all.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(all))
}

/// Makes a project.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects",
    security(("bearer" = ["projects:write"])),
    request_body = CreateBody,
    responses((status = 201, description = "The project", body = ProjectResponse)))]
pub(crate) async fn create(
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

/// One project.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects",
    security(("bearer" = ["projects:read"])),
    params(ProjectPath), responses((status = 200, description = "The project", body = ProjectResponse)))]
pub(crate) async fn get(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id_in_path(&id, "Project")?;
    let project = state.projects.get(&who, id).await?;
    Ok(HttpResponse::Ok().json(ProjectResponse::from(project)))
}

/// Renames a project, changes its key or group.
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "projects",
    security(("bearer" = ["projects:write"])),
    params(ProjectPath), request_body = ChangeBody,
    responses((status = 200, description = "The project", body = ProjectResponse)))]
pub(crate) async fn change(
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

/// Deletes a project; its items stay, outside any project.
#[utoipa::path(delete, path = "/api/v1/projects/{id}", tag = "projects",
    security(("bearer" = ["projects:write"])),
    params(ProjectPath), responses((status = 204, description = "Deleted")))]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id_in_path(&id, "Project")?;
    state.projects.delete(&who, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewGroup)]
pub(crate) struct GroupBody {
    #[schema(min_length = 1, max_length = 200)]
    name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewMember)]
pub(crate) struct MemberBody {
    user: String,
}

/// The groups the caller is in.
#[utoipa::path(get, path = "/api/v1/groups", tag = "projects",
    security(("bearer" = ["projects:read"])),
    responses((status = 200, description = "The groups", body = Vec<GroupResponse>)))]
pub(crate) async fn groups(state: web::Data<AppState>, Auth(who): Auth) -> ApiResult<HttpResponse> {
    let all = state.projects.groups(&who).await?;
    let all: Vec<GroupResponse> = all.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(all))
}

/// Makes a group, with the caller in it.
#[utoipa::path(post, path = "/api/v1/groups", tag = "projects",
    security(("bearer" = ["projects:write"])),
    request_body = GroupBody,
    responses((status = 201, description = "The group", body = GroupResponse)))]
pub(crate) async fn create_group(
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

/// Adds a user to a group.
#[utoipa::path(post, path = "/api/v1/groups/{id}/members", tag = "projects",
    security(("bearer" = ["projects:write"])),
    params(GroupPath), request_body = MemberBody,
    responses((status = 200, description = "The group", body = GroupResponse)))]
pub(crate) async fn add_member(
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

/// Takes a user out of a group.
#[utoipa::path(delete, path = "/api/v1/groups/{id}/members/{user}", tag = "projects",
    security(("bearer" = ["projects:write"])),
    params(GroupPath, ("user" = String, Path, description = "The user's name")),
    responses((status = 200, description = "The group", body = GroupResponse)))]
pub(crate) async fn remove_member(
    state: web::Data<AppState>,
    Auth(who): Auth,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, user) = path.into_inner();
    let id = id_in_path(&id, "Group")?;
    let group = state.projects.remove_member(&who, id, &user).await?;
    Ok(HttpResponse::Ok().json(GroupResponse::from(group)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Feedback)]
pub(crate) struct FeedbackBody {
    /// `like`, `dislike` or null.
    #[schema(value_type = Option<crate::openapi::schemas::Verdict>)]
    feedback: Option<String>,
    comment: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Review)]
pub(crate) struct ReviewBody {
    /// `pending`, `approved`, `rejected` or null.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<crate::openapi::schemas::ReviewStatus>)]
    status: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    /// Any JSON, kept as given.
    annotations: Option<Option<serde_json::Value>>,
}

/// Likes or dislikes an item of a project, with a comment.
#[utoipa::path(put, path = "/api/v1/gallery/{id}/feedback", tag = "projects",
    security(("bearer" = ["projects:write"])),
    params(ItemPath), request_body = FeedbackBody, responses((status = 204, description = "Saved")))]
pub(crate) async fn feedback(
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

/// Sets an item's review status and annotations.
#[utoipa::path(put, path = "/api/v1/gallery/{id}/review", tag = "projects",
    security(("bearer" = ["projects:write"])),
    params(ItemPath), request_body = ReviewBody, responses((status = 204, description = "Saved")))]
pub(crate) async fn review(
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

/// Claims an item for review (409 when someone else holds it).
#[utoipa::path(post, path = "/api/v1/gallery/{id}/claim", tag = "projects",
    security(("bearer" = ["projects:write"])),
    params(ItemPath), responses((status = 204, description = "Claimed")))]
pub(crate) async fn claim(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.projects.claim(&who, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Releases the caller's claim on an item.
#[utoipa::path(delete, path = "/api/v1/gallery/{id}/claim", tag = "projects",
    security(("bearer" = ["projects:write"])),
    params(ItemPath), responses((status = 204, description = "Released")))]
pub(crate) async fn release(
    state: web::Data<AppState>,
    Auth(who): Auth,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.projects.release(&who, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}
