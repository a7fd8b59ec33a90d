//! An item's place in a project and its inputs, written in the item's own transaction
//! (upload or PATCH), so an item never half joins a project.

use diesel::prelude::*;
use vitrine_domain::projects::{Placement, ProjectChange};
use vitrine_domain::{DomainError, ItemId, Result};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{item_inputs, items, project_items};

/// The fields given; absent ones stay (diesel skips `None`).
#[derive(AsChangeset, Default)]
#[diesel(table_name = project_items)]
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
            diesel::delete(project_items::table.find(item))
                .execute(conn)
                .map_err(query_err)?;
            set_project(conn, item, None)?;
        }
        ProjectChange::Join(project, placement) => {
            // Into the project, or moved to it with its review kept: one statement.
            let values = (
                project_items::item_id.eq(item),
                project_items::project_id.eq(*project),
                project_items::job_id.eq(placement.job_id.clone().flatten()),
                project_items::image_index.eq(placement.image_index.flatten()),
                project_items::group_index.eq(placement.group_index.flatten()),
                project_items::version.eq(placement.version.unwrap_or(1)),
                project_items::input_description.eq(placement.input_description.clone().flatten()),
                project_items::download_filename.eq(placement.download_filename.clone().flatten()),
            );
            let changes = PlacementChanges::new(Some(*project), placement);
            let upsert = diesel::insert_into(project_items::table)
                .values(values)
                .on_conflict(project_items::item_id)
                .do_update()
                .set(changes);
            match conn {
                AnyConnection::Pg(c) => upsert.execute(c),
                AnyConnection::Sqlite(c) => upsert.execute(c),
            }
            .map_err(query_err)
            .map_err(gone)?;
            set_project(conn, item, Some(*project))?;
        }
        ProjectChange::Edit(placement) => {
            let changed = diesel::update(project_items::table.find(item))
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

/// The item's own copy of its project (for the indexes spec 4's page walks); out of a
/// project, its copy of the feedback goes with the review.
fn set_project(conn: &mut AnyConnection, item: &str, project: Option<i32>) -> Result<()> {
    let target = diesel::update(items::table.find(item));
    match project {
        Some(_) => target.set(items::project_id.eq(project)).execute(conn),
        None => target
            .set((
                items::project_id.eq(None::<i32>),
                items::feedback.eq(None::<String>),
            ))
            .execute(conn),
    }
    .map_err(query_err)
    .map_err(gone)
    .map(drop)
}

/// Replaces the item's inputs with `inputs`, in that order.
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
    Ok(())
}

/// Records on the item's place whether it has inputs (spec 4's page looks up the inputs of
/// those images only); called after its place or inputs were written.
pub(crate) fn mark_inputs(conn: &mut AnyConnection, item: &str) -> Result<()> {
    let has_inputs = diesel::dsl::exists(item_inputs::table.filter(item_inputs::item_id.eq(item)));
    diesel::update(project_items::table.find(item))
        .set(project_items::has_inputs.eq(has_inputs))
        .execute(conn)
        .map_err(query_err)
        .map(drop)
}
