//! Groups, projects and the review of project images (spec 4). An item's place in a
//! project is written with the item (`placement.rs`); spec 4's page is `board.rs`.

mod board;
pub(crate) mod placement;

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::ports::ProjectRepository;
use vitrine_domain::projects::{
    key_from_name, Board, BoardQuery, Feedback, Group, GroupId, Project, ProjectId, Review,
};
use vitrine_domain::{DomainError, ItemId, Result, UserId};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{group_members, items, projects, user_groups, users};
use crate::tx::lock_named;
use crate::Db;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = user_groups)]
pub(crate) struct GroupRow {
    pub(crate) id: i32,
    pub(crate) name: String,
    pub(crate) created_by: String,
    pub(crate) created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = projects)]
pub(crate) struct ProjectRow {
    pub(crate) id: i32,
    pub(crate) user_id: String,
    pub(crate) name: String,
    pub(crate) project_key: String,
    pub(crate) group_id: Option<i32>,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) updated_at: Option<NaiveDateTime>,
}

fn to_project((row, owner_name): (ProjectRow, String)) -> Project {
    Project {
        id: row.id,
        owner: UserId::from(row.user_id),
        owner_name,
        name: row.name,
        key: row.project_key,
        group: row.group_id,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// The item, while it is in a project: feedback, review and claims are written on its
/// place only (one that left meanwhile keeps nothing).
fn placed(
    item: &str,
) -> diesel::dsl::Filter<
    diesel::dsl::Find<items::table, &str>,
    diesel::dsl::IsNotNull<items::project_id>,
> {
    items::table
        .find(item)
        .filter(items::project_id.is_not_null())
}

const KEY_TAKEN: &str = "Project key already exists";

fn load_group(conn: &mut AnyConnection, id: GroupId) -> Result<Group> {
    let (row, creator): (GroupRow, String) = user_groups::table
        .inner_join(users::table)
        .filter(user_groups::id.eq(id))
        .select((GroupRow::as_select(), users::name))
        .first(conn)
        .optional()
        .map_err(query_err)?
        .ok_or(DomainError::NotFound("Group"))?;
    let members: Vec<String> = group_members::table
        .inner_join(users::table)
        .filter(group_members::group_id.eq(id))
        .order(users::name)
        .select(users::name)
        .load(conn)
        .map_err(query_err)?;
    Ok(Group {
        id: row.id,
        name: row.name,
        created_by: UserId::from(row.created_by),
        created_by_name: creator,
        created_at: row.created_at,
        members,
    })
}

/// A project `viewer` sees: their own, or shared with one of their groups.
fn visible_project(conn: &mut AnyConnection, viewer: &str, id: ProjectId) -> Result<Project> {
    let mine = group_members::table
        .filter(group_members::user_id.eq(viewer))
        .select(group_members::group_id.nullable());
    projects::table
        .inner_join(users::table)
        .filter(projects::id.eq(id))
        .filter(
            projects::user_id
                .eq(viewer)
                .or(projects::group_id.eq_any(mine)),
        )
        .select((ProjectRow::as_select(), users::name))
        .first(conn)
        .optional()
        .map_err(query_err)?
        .map(to_project)
        .ok_or(DomainError::NotFound("Project"))
}

/// A unique index said no: say which rule.
fn key_conflict(err: DomainError) -> DomainError {
    match err {
        DomainError::Conflict(_) => DomainError::Conflict(KEY_TAKEN.to_owned()),
        other => other,
    }
}

/// `base`, or `base-2`, `base-3`… whichever the owner has not used.
fn free_key(conn: &mut AnyConnection, owner: &str, base: &str) -> Result<String> {
    let taken: Vec<String> = projects::table
        .filter(projects::user_id.eq(owner))
        .filter(projects::project_key.like(format!("{base}%")))
        .select(projects::project_key)
        .load(conn)
        .map_err(query_err)?;
    Ok(std::iter::once(base.to_owned())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|key| !taken.contains(key))
        .unwrap_or_else(|| base.to_owned()))
}

#[async_trait]
impl ProjectRepository for Db {
    async fn insert_group(&self, name: &str, creator: &UserId, at: NaiveDateTime) -> Result<Group> {
        let (name, creator) = (name.to_owned(), creator.to_string());
        self.write(move |conn| {
            let values = (
                user_groups::name.eq(&name),
                user_groups::created_by.eq(&creator),
                user_groups::created_at.eq(at),
            );
            let insert = diesel::insert_into(user_groups::table)
                .values(values)
                .returning(user_groups::id);
            let id: i32 = match conn {
                AnyConnection::Pg(c) => insert.get_result(c),
                AnyConnection::Sqlite(c) => insert.get_result(c),
            }
            .map_err(query_err)?;
            diesel::insert_into(group_members::table)
                .values((
                    group_members::group_id.eq(id),
                    group_members::user_id.eq(&creator),
                    group_members::added_at.eq(at),
                ))
                .execute(conn)
                .map_err(query_err)?;
            load_group(conn, id)
        })
        .await
    }

    async fn groups_of(&self, user: &UserId) -> Result<Vec<Group>> {
        let user = user.to_string();
        self.run(move |conn| {
            let ids: Vec<i32> = group_members::table
                .inner_join(user_groups::table)
                .filter(group_members::user_id.eq(&user))
                .order((user_groups::created_at, user_groups::id))
                .select(user_groups::id)
                .load(conn)
                .map_err(query_err)?;
            ids.into_iter().map(|id| load_group(conn, id)).collect()
        })
        .await
    }

    async fn group(&self, id: GroupId) -> Result<Group> {
        self.run(move |conn| load_group(conn, id)).await
    }

    async fn add_member(&self, group: GroupId, user: &UserId, at: NaiveDateTime) -> Result<()> {
        let user = user.to_string();
        self.write(move |conn| {
            let insert = diesel::insert_into(group_members::table)
                .values((
                    group_members::group_id.eq(group),
                    group_members::user_id.eq(&user),
                    group_members::added_at.eq(at),
                ))
                .on_conflict_do_nothing();
            match conn {
                AnyConnection::Pg(c) => insert.execute(c),
                AnyConnection::Sqlite(c) => insert.execute(c),
            }
            .map_err(query_err)
            .map(drop)
        })
        .await
    }

    async fn remove_member(&self, group: GroupId, user: &UserId) -> Result<()> {
        let user = user.to_string();
        self.write(move |conn| {
            let removed = diesel::delete(
                group_members::table
                    .filter(group_members::group_id.eq(group))
                    .filter(group_members::user_id.eq(&user)),
            )
            .execute(conn)
            .map_err(query_err)?;
            match removed {
                0 => Err(DomainError::NotFound("Member")),
                _ => Ok(()),
            }
        })
        .await
    }

    async fn is_member(&self, group: GroupId, user: &UserId) -> Result<bool> {
        let user = user.to_string();
        self.run(move |conn| {
            let found: i64 = group_members::table
                .filter(group_members::group_id.eq(group))
                .filter(group_members::user_id.eq(&user))
                .count()
                .get_result(conn)
                .map_err(query_err)?;
            Ok(found > 0)
        })
        .await
    }

    async fn insert_project(
        &self,
        owner: &UserId,
        name: &str,
        key: Option<String>,
        group: Option<GroupId>,
        at: NaiveDateTime,
    ) -> Result<Project> {
        let (owner, name) = (owner.to_string(), name.to_owned());
        self.write(move |conn| {
            let key = match key {
                Some(key) => key,
                None => {
                    // Creates of one owner take turns, so two never derive the same key.
                    lock_named(conn, &format!("project-keys:{owner}"))?;
                    free_key(conn, &owner, &key_from_name(&name))?
                }
            };
            let values = (
                projects::user_id.eq(&owner),
                projects::name.eq(&name),
                projects::project_key.eq(&key),
                projects::group_id.eq(group),
                projects::created_at.eq(at),
            );
            let insert = diesel::insert_into(projects::table)
                .values(values)
                .returning(projects::id);
            let id: i32 = match conn {
                AnyConnection::Pg(c) => insert.get_result(c),
                AnyConnection::Sqlite(c) => insert.get_result(c),
            }
            .map_err(query_err)
            .map_err(key_conflict)?;
            visible_project(conn, &owner, id)
        })
        .await
    }

    async fn visible_projects(&self, viewer: &UserId) -> Result<Vec<Project>> {
        let viewer = viewer.to_string();
        self.run(move |conn| {
            let mine = group_members::table
                .filter(group_members::user_id.eq(&viewer))
                .select(group_members::group_id.nullable());
            let rows: Vec<(ProjectRow, String)> = projects::table
                .inner_join(users::table)
                .filter(
                    projects::user_id
                        .eq(&viewer)
                        .or(projects::group_id.eq_any(mine)),
                )
                .order((projects::created_at, projects::id))
                .select((ProjectRow::as_select(), users::name))
                .load(conn)
                .map_err(query_err)?;
            Ok(rows.into_iter().map(to_project).collect())
        })
        .await
    }

    async fn project(&self, viewer: &UserId, id: ProjectId) -> Result<Project> {
        let viewer = viewer.to_string();
        self.run(move |conn| visible_project(conn, &viewer, id))
            .await
    }

    async fn update_project(&self, project: &Project) -> Result<()> {
        let project = project.clone();
        self.write(move |conn| {
            diesel::update(
                projects::table
                    .filter(projects::id.eq(project.id))
                    .filter(projects::user_id.eq(project.owner.as_str())),
            )
            .set((
                projects::name.eq(&project.name),
                projects::project_key.eq(&project.key),
                projects::group_id.eq(project.group),
                projects::updated_at.eq(project.updated_at),
            ))
            .execute(conn)
            .map_err(query_err)
            .map_err(key_conflict)?;
            Ok(())
        })
        .await
    }

    async fn delete_project(&self, owner: &UserId, id: ProjectId) -> Result<()> {
        let owner = owner.to_string();
        self.write(move |conn| {
            // Taken first, the project's row waits for uploads joining it to commit and
            // makes later ones fail (their foreign key check needs a share of it), so the
            // clearing below sees every item placed in it. SQLite writes one at a time.
            if let AnyConnection::Pg(pg) = conn {
                diesel::sql_query("SELECT id FROM projects WHERE id = $1 FOR UPDATE")
                    .bind::<diesel::sql_types::Integer, _>(id)
                    .execute(pg)
                    .map_err(query_err)?;
            }
            let owned: i64 = projects::table
                .filter(projects::id.eq(id))
                .filter(projects::user_id.eq(&owner))
                .count()
                .get_result(conn)
                .map_err(query_err)?;
            if owned == 0 {
                return Err(DomainError::NotFound("Project"));
            }
            // Its items stay, out of any project.
            diesel::update(items::table.filter(items::project_id.eq(id)))
                .set(placement::left_project())
                .execute(conn)
                .map_err(query_err)?;
            diesel::delete(projects::table.find(id))
                .execute(conn)
                .map_err(query_err)
                .map(drop)
        })
        .await
    }

    async fn project_of(&self, item: &ItemId) -> Result<Option<Project>> {
        let item = item.to_string();
        self.run(move |conn| {
            let row: Option<(ProjectRow, String)> = items::table
                .inner_join(projects::table.inner_join(users::table))
                .filter(items::id.eq(&item))
                .select((ProjectRow::as_select(), users::name))
                .first(conn)
                .optional()
                .map_err(query_err)?;
            Ok(row.map(to_project))
        })
        .await
    }

    async fn set_feedback(
        &self,
        item: &ItemId,
        feedback: Option<Feedback>,
        comment: Option<String>,
    ) -> Result<()> {
        let item = item.to_string();
        self.write(move |conn| {
            let feedback = feedback.map(Feedback::as_str);
            diesel::update(placed(&item))
                .set((
                    items::feedback.eq(feedback),
                    items::feedback_comment.eq(comment),
                ))
                .execute(conn)
                .map_err(query_err)
                .map(drop)
        })
        .await
    }

    async fn set_review(&self, item: &ItemId, review: Review) -> Result<()> {
        let item = item.to_string();
        self.write(move |conn| {
            if let Some(status) = review.status {
                diesel::update(placed(&item))
                    .set(items::review_status.eq(status.map(|s| s.as_str())))
                    .execute(conn)
                    .map_err(query_err)?;
            }
            if let Some(annotations) = review.annotations {
                diesel::update(placed(&item))
                    .set(items::review_annotations.eq(annotations))
                    .execute(conn)
                    .map_err(query_err)?;
            }
            Ok(())
        })
        .await
    }

    async fn claim(&self, item: &ItemId, user: &UserId, at: NaiveDateTime) -> Result<()> {
        let (item, user) = (item.to_string(), user.to_string());
        self.write(move |conn| {
            // One statement: of two members claiming at once, one finds it taken.
            let taken = diesel::update(
                placed(&item).filter(items::claimed_by.is_null().or(items::claimed_by.eq(&user))),
            )
            .set((items::claimed_by.eq(&user), items::claimed_at.eq(at)))
            .execute(conn)
            .map_err(query_err)?;
            match taken {
                0 => Err(DomainError::Conflict(
                    "Another member has claimed this image".into(),
                )),
                _ => Ok(()),
            }
        })
        .await
    }

    async fn release(&self, item: &ItemId, user: &UserId, anyone: bool) -> Result<()> {
        let (item, user) = (item.to_string(), user.to_string());
        self.write(move |conn| {
            let target = placed(&item);
            let clear = (
                items::claimed_by.eq(None::<String>),
                items::claimed_at.eq(None::<NaiveDateTime>),
            );
            let released = if anyone {
                diesel::update(target).set(clear).execute(conn)
            } else {
                diesel::update(
                    target.filter(items::claimed_by.is_null().or(items::claimed_by.eq(&user))),
                )
                .set(clear)
                .execute(conn)
            }
            .map_err(query_err)?;
            match released {
                0 => Err(DomainError::Conflict(
                    "Another member has claimed this image".into(),
                )),
                _ => Ok(()),
            }
        })
        .await
    }

    async fn board(
        &self,
        viewer: &UserId,
        query: &BoardQuery,
        now: NaiveDateTime,
    ) -> Result<Board> {
        let (viewer, query) = (viewer.to_string(), query.clone());
        // As listings: planned for its own parameters, and never JIT-compiled (the
        // compile took longer than the query).
        self.run(move |conn| match conn {
            AnyConnection::Pg(_) => crate::listing::with_custom_plans(conn, |conn| {
                board::board(conn, &viewer, &query, now)
            }),
            AnyConnection::Sqlite(_) => board::board(conn, &viewer, &query, now),
        })
        .await
    }
}
