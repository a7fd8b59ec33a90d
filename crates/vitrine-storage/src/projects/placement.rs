//! An item's place in a project and its inputs, written in the item's own transaction
//! (upload or PATCH), so an item never half joins a project. The place is columns of the
//! item (migration 000020): set while `project_id` is, cleared when it leaves.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::projects::{Placement, ProjectChange};
use vitrine_domain::{DomainError, ItemId, Result};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{item_inputs, items};

/// The fields given; absent ones stay (diesel skips `None`).
#[derive(AsChangeset, Default)]
#[diesel(table_name = items)]
struct PlacementChanges {
    project_id: Option<i32>,
    job_id: Option<Option<String>>,
    image_index: Option<Option<i32>>,
    group_index: Option<Option<i32>>,
    version: Option<i32>,
    input_description: Option<Option<String>>,
    download_filename: Option<Option<String>>,
}

impl PlacementChanges {
    fn new(project: Option<i32>, p: &Placement) -> Self {
        Self {
            project_id: project,
            job_id: p.job_id.clone(),
            image_index: p.image_index,
            group_index: p.group_index,
            version: p.version,
            input_description: p.input_description.clone(),
            download_filename: p.download_filename.clone(),
        }
    }
}

/// A project the item was to join was deleted meanwhile.
fn gone(err: DomainError) -> DomainError {
    match err {
        DomainError::Conflict(_) => DomainError::NotFound("Project"),
        other => other,
    }
}

pub(crate) fn place(conn: &mut AnyConnection, item: &str, change: &ProjectChange) -> Result<()> {
    match change {
        ProjectChange::Leave => {
            diesel::update(items::table.find(item))
                .set(left_project())
                .execute(conn)
                .map_err(query_err)?;
        }
        ProjectChange::Join(project, placement) => {
            // Into the project (an item in none has its place cleared, so the fields not
            // given keep their defaults), or moved to it with its review kept.
            diesel::update(items::table.find(item))
                .set(PlacementChanges::new(Some(*project), placement))
                .execute(conn)
                .map_err(query_err)
                .map_err(gone)?;
        }
        ProjectChange::Edit(placement) => {
            let changed = diesel::update(
                items::table
                    .find(item)
                    .filter(items::project_id.is_not_null()),
            )
            .set(PlacementChanges::new(None, placement))
            .execute(conn)
            .map_err(query_err)?;
            if changed == 0 {
                return Err(DomainError::invalid_field(
                    "project_id",
                    "the item is in no project: give project_id with these fields",
                ));
            }
        }
    }
    Ok(())
}

/// An item out of any project: no place, no review, no claim (its inputs stay its own).
#[allow(clippy::type_complexity)]
pub(crate) fn left_project() -> (
    diesel::dsl::Eq<items::project_id, Option<i32>>,
    diesel::dsl::Eq<items::job_id, Option<String>>,
    diesel::dsl::Eq<items::image_index, Option<i32>>,
    diesel::dsl::Eq<items::group_index, Option<i32>>,
    diesel::dsl::Eq<items::version, i32>,
    diesel::dsl::Eq<items::input_description, Option<String>>,
    diesel::dsl::Eq<items::download_filename, Option<String>>,
    diesel::dsl::Eq<items::feedback, Option<String>>,
    diesel::dsl::Eq<items::feedback_comment, Option<String>>,
    diesel::dsl::Eq<items::review_status, Option<String>>,
    diesel::dsl::Eq<items::review_annotations, Option<String>>,
    diesel::dsl::Eq<items::claimed_by, Option<String>>,
    diesel::dsl::Eq<items::claimed_at, Option<NaiveDateTime>>,
) {
    (
        items::project_id.eq(None),
        items::job_id.eq(None),
        items::image_index.eq(None),
        items::group_index.eq(None),
        items::version.eq(1),
        items::input_description.eq(None),
        items::download_filename.eq(None),
        items::feedback.eq(None),
        items::feedback_comment.eq(None),
        items::review_status.eq(None),
        items::review_annotations.eq(None),
        items::claimed_by.eq(None),
        items::claimed_at.eq(None),
    )
}

/// Replaces the item's inputs with `inputs`, in that order, and records on the item
/// whether it has some (spec 4's page looks up the inputs of those images only).
pub(crate) fn set_inputs(conn: &mut AnyConnection, item: &str, inputs: &[ItemId]) -> Result<()> {
    diesel::delete(item_inputs::table.filter(item_inputs::item_id.eq(item)))
        .execute(conn)
        .map_err(query_err)?;
    // At most MAX_INPUTS rows; one statement each (multi-row VALUES does not go through
    // the two-backend connection).
    for (position, input) in inputs.iter().enumerate() {
        diesel::insert_into(item_inputs::table)
            .values((
                item_inputs::item_id.eq(item),
                item_inputs::input_id.eq(input.as_str()),
                item_inputs::position.eq(i32::try_from(position).map_err(DomainError::internal)?),
            ))
            .execute(conn)
            .map_err(query_err)?;
    }
    diesel::update(items::table.find(item))
        .set(items::has_inputs.eq(!inputs.is_empty()))
        .execute(conn)
        .map_err(query_err)
        .map(drop)
}
