//! Copies a whole installation, rows and blobs, to another database and store: how a
//! laptop install moves to PostgreSQL + S3.
//!
//! Every step is idempotent, so an interrupted transfer resumes by running again:
//! objects are (re)copied unless the target already holds bytes with the right SHA-256,
//! and rows are inserted with `ON CONFLICT DO NOTHING`, tables in foreign-key order.
//! `item_counts` and the search indexes are not copied: the target's triggers build them
//! as the items arrive.

use bytes::Bytes;
use diesel::prelude::*;
use futures::StreamExt;
use object_store::path::Path;
use object_store::ObjectStoreExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use vitrine_domain::{DomainError, Result};

use crate::blob_refs::BlobRow;
use crate::collections::{CollectionItemRow, CollectionRow};
use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::folders::FolderRow;
use crate::galleries::{GalleryRow, LanguageRow, MediaRow, TranslationRow};
use crate::items::ItemRow;
use crate::projects::{GroupRow, ProjectRow};
use crate::schema::{
    api_keys, blobs, collection_items, collections, folders, galleries, gallery_media,
    gallery_translations, group_members, item_inputs, item_tags, item_variants, items, languages,
    projects, settings, shares, tags, user_groups, users,
};
use crate::shares::ShareRow;
use crate::users::UserRow;
use crate::variants::VariantRow;
use crate::{Db, ObjectBlobStore};

const PAGE: i64 = 500;

/// Told how far the transfer is; the command line draws progress bars with it.
pub trait Progress: Send + Sync {
    /// A phase begins (`objects`, then each table) with `total` steps.
    fn phase(&self, name: &str, total: u64);
    /// `by` more steps of the phase are done.
    fn advance(&self, by: u64);
}

/// What a transfer did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TransferReport {
    /// Objects copied to the target store.
    pub objects_copied: u64,
    /// Objects the target had already, checked by SHA-256 (a resumed transfer).
    pub objects_verified_in_place: u64,
    /// Bytes copied.
    pub bytes_copied: u64,
    /// Rows copied per table.
    pub rows: Vec<(&'static str, i64)>,
}

/// A copy of one installation (database and store) into another.
pub struct Transfer<'a> {
    /// Where from.
    pub from_db: &'a Db,
    /// Where the bytes come from.
    pub from_store: &'a ObjectBlobStore,
    /// Where to; empty unless the transfer resumes.
    pub to_db: &'a Db,
    /// Where the bytes go.
    pub to_store: &'a ObjectBlobStore,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
struct ApiKeyRow {
    key_hash: String,
    user_id: String,
    scopes: String,
    created_at: chrono::NaiveDateTime,
    revoked_at: Option<chrono::NaiveDateTime>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = settings)]
struct SettingRow {
    name: String,
    value: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = tags)]
struct TagRow {
    id: String,
    user_id: String,
    name: String,
    name_key: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = item_tags)]
struct ItemTagRow {
    item_id: String,
    tag_id: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = group_members)]
struct MemberRow {
    group_id: i32,
    user_id: String,
    added_at: chrono::NaiveDateTime,
}

/// An item's place in its project and its review (columns of `items` that `ItemRow`, read
/// on every item's way out, leaves aside).
#[derive(Queryable, Selectable, AsChangeset)]
#[diesel(table_name = items, treat_none_as_null = true)]
struct PlaceRow {
    #[diesel(skip_update)]
    id: String,
    job_id: Option<String>,
    image_index: Option<i32>,
    group_index: Option<i32>,
    version: i32,
    input_description: Option<String>,
    download_filename: Option<String>,
    feedback_comment: Option<String>,
    review_status: Option<String>,
    review_annotations: Option<String>,
    claimed_by: Option<String>,
    claimed_at: Option<chrono::NaiveDateTime>,
    has_inputs: bool,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = item_inputs)]
struct InputRow {
    item_id: String,
    input_id: String,
    position: i32,
}

/// Copies one table page by page in primary-key order; rows already there are kept.
macro_rules! copy_table {
    ($self:ident, $progress:ident, $table:ident, $row:ty, $order:expr) => {{
        let total: i64 = $self
            .from_db
            .run(|conn| $table::table.count().get_result(conn).map_err(query_err))
            .await?;
        $progress.phase(stringify!($table), total as u64);
        let mut offset = 0;
        while offset < total {
            let rows: Vec<$row> = $self
                .from_db
                .run(move |conn| {
                    $table::table
                        .order($order)
                        .limit(PAGE)
                        .offset(offset)
                        .select(<$row>::as_select())
                        .load(conn)
                        .map_err(query_err)
                })
                .await?;
            let count = rows.len() as i64;
            $self
                .to_db
                .write(move |conn| {
                    for row in &rows {
                        match conn {
                            AnyConnection::Pg(c) => diesel::insert_into($table::table)
                                .values(row)
                                .on_conflict_do_nothing()
                                .execute(c),
                            AnyConnection::Sqlite(c) => diesel::insert_into($table::table)
                                .values(row)
                                .on_conflict_do_nothing()
                                .execute(c),
                        }
                        .map_err(query_err)?;
                    }
                    Ok(())
                })
                .await?;
            $progress.advance(count as u64);
            offset += count.max(1);
        }
        let copied: i64 = $self
            .to_db
            .run(|conn| $table::table.count().get_result(conn).map_err(query_err))
            .await?;
        if copied < total {
            return Err(DomainError::Internal(format!(
                "{}: {copied} of {total} rows reached the target",
                stringify!($table)
            )));
        }
        (stringify!($table), copied)
    }};
}

impl Transfer<'_> {
    /// Whether the target already holds an installation (users or items).
    pub async fn target_is_empty(&self) -> Result<bool> {
        self.to_db
            .run(|conn| {
                let users: i64 = users::table.count().get_result(conn).map_err(query_err)?;
                let items: i64 = items::table.count().get_result(conn).map_err(query_err)?;
                Ok(users == 0 && items == 0)
            })
            .await
    }

    /// Copies every object (verified), then every table in dependency order.
    pub async fn run(&self, progress: &dyn Progress) -> Result<TransferReport> {
        let mut report = TransferReport::default();
        // Objects first: a row in the target must never point at bytes it lacks.
        self.copy_objects(progress, &mut report).await?;
        report.rows = vec![
            copy_table!(self, progress, users, UserRow, users::id),
            copy_table!(self, progress, settings, SettingRow, settings::name),
            copy_table!(self, progress, api_keys, ApiKeyRow, api_keys::key_hash),
            copy_table!(self, progress, blobs, BlobRow, blobs::id),
            self.copy_folders(progress).await?,
            // Items name their project: groups and projects go first.
            copy_table!(self, progress, user_groups, GroupRow, user_groups::id),
            copy_table!(
                self,
                progress,
                group_members,
                MemberRow,
                (group_members::group_id, group_members::user_id)
            ),
            copy_table!(self, progress, projects, ProjectRow, projects::id),
            copy_table!(self, progress, items, ItemRow, items::id),
            copy_table!(
                self,
                progress,
                item_variants,
                VariantRow,
                (item_variants::item_id, item_variants::variant)
            ),
            copy_table!(self, progress, tags, TagRow, tags::id),
            copy_table!(
                self,
                progress,
                item_tags,
                ItemTagRow,
                (item_tags::item_id, item_tags::tag_id)
            ),
            copy_table!(self, progress, collections, CollectionRow, collections::id),
            copy_table!(
                self,
                progress,
                collection_items,
                CollectionItemRow,
                (collection_items::collection_id, collection_items::item_id)
            ),
            copy_table!(self, progress, shares, ShareRow, shares::id),
            copy_table!(self, progress, languages, LanguageRow, languages::id),
            copy_table!(self, progress, galleries, GalleryRow, galleries::id),
            copy_table!(
                self,
                progress,
                gallery_translations,
                TranslationRow,
                gallery_translations::id
            ),
            copy_table!(
                self,
                progress,
                gallery_media,
                MediaRow,
                (gallery_media::gallery_id, gallery_media::item_id)
            ),
            self.copy_places(progress).await?,
            copy_table!(
                self,
                progress,
                item_inputs,
                InputRow,
                (item_inputs::item_id, item_inputs::input_id)
            ),
        ];
        self.continue_integer_ids().await?;
        Ok(report)
    }

    /// Groups and projects were copied with their IDs; PostgreSQL's identity sequences
    /// must go on after the highest, or the next create would take an ID that exists.
    /// (SQLite's AUTOINCREMENT follows inserted IDs by itself.)
    async fn continue_integer_ids(&self) -> Result<()> {
        self.to_db
            .run(|conn| {
                if let AnyConnection::Pg(pg) = conn {
                    for table in ["user_groups", "projects"] {
                        diesel::sql_query(format!(
                            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                             COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                        ))
                        .execute(pg)
                        .map_err(query_err)?;
                    }
                }
                Ok(())
            })
            .await
    }

    /// Folders parents first, whatever their IDs: a folder may have moved under a newer one.
    async fn copy_folders(&self, progress: &dyn Progress) -> Result<(&'static str, i64)> {
        let rows: Vec<FolderRow> = self
            .from_db
            .run(|conn| {
                folders::table
                    .select(FolderRow::as_select())
                    .load(conn)
                    .map_err(query_err)
            })
            .await?;
        let total = rows.len() as i64;
        progress.phase("folders", total as u64);
        let ordered = parents_first(rows);
        self.to_db
            .write(move |conn| {
                for row in &ordered {
                    match conn {
                        AnyConnection::Pg(c) => diesel::insert_into(folders::table)
                            .values(row)
                            .on_conflict_do_nothing()
                            .execute(c),
                        AnyConnection::Sqlite(c) => diesel::insert_into(folders::table)
                            .values(row)
                            .on_conflict_do_nothing()
                            .execute(c),
                    }
                    .map_err(query_err)?;
                }
                Ok(())
            })
            .await?;
        progress.advance(total as u64);
        Ok(("folders", total))
    }

    /// The places of the items in a project or with inputs, onto the items copied.
    async fn copy_places(&self, progress: &dyn Progress) -> Result<(&'static str, i64)> {
        let placed = || {
            items::table.filter(
                items::project_id
                    .is_not_null()
                    .or(items::has_inputs.eq(true)),
            )
        };
        let total: i64 = self
            .from_db
            .run(move |conn| placed().count().get_result(conn).map_err(query_err))
            .await?;
        progress.phase("item places", total as u64);
        let mut after = String::new();
        loop {
            let from = after.clone();
            let rows: Vec<PlaceRow> = self
                .from_db
                .run(move |conn| {
                    placed()
                        .filter(items::id.gt(&from))
                        .order(items::id)
                        .limit(PAGE)
                        .select(PlaceRow::as_select())
                        .load(conn)
                        .map_err(query_err)
                })
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.id.clone();
            let count = rows.len() as u64;
            self.to_db
                .write(move |conn| {
                    for row in &rows {
                        diesel::update(items::table.find(&row.id))
                            .set(row)
                            .execute(conn)
                            .map_err(query_err)?;
                    }
                    Ok(())
                })
                .await?;
            progress.advance(count);
        }
        Ok(("item places", total))
    }

    async fn copy_objects(
        &self,
        progress: &dyn Progress,
        report: &mut TransferReport,
    ) -> Result<()> {
        // SUM(BIGINT) is NUMERIC on PostgreSQL, which does not cross both backends;
        // a list of sizes is 8 bytes a blob and does.
        let sizes: Vec<i64> = self
            .from_db
            .run(|conn| {
                blobs::table
                    .select(blobs::size)
                    .load(conn)
                    .map_err(query_err)
            })
            .await?;
        let total_bytes: i64 = sizes.iter().sum();
        progress.phase("objects", total_bytes as u64);
        let mut offset = 0;
        loop {
            let page: Vec<(String, String, i64)> = self
                .from_db
                .run(move |conn| {
                    blobs::table
                        .order(blobs::id)
                        .limit(PAGE)
                        .offset(offset)
                        .select((blobs::object_key, blobs::sha256, blobs::size))
                        .load(conn)
                        .map_err(query_err)
                })
                .await?;
            if page.is_empty() {
                return Ok(());
            }
            offset += page.len() as i64;
            for (key, sha256, size) in page {
                if self.target_holds(&key, &sha256).await? {
                    report.objects_verified_in_place += 1;
                } else {
                    self.copy_object(&key, &sha256).await?;
                    report.objects_copied += 1;
                    report.bytes_copied += size as u64;
                }
                progress.advance(size as u64);
            }
        }
    }

    /// True when the target has the object and its bytes hash to `sha256`.
    async fn target_holds(&self, key: &str, sha256: &str) -> Result<bool> {
        let store = self.to_store.inner();
        let found = match store.get(&Path::from(key)).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(err) => return Err(DomainError::internal(err)),
        };
        let mut hasher = Sha256::new();
        let mut stream = found.into_stream();
        while let Some(chunk) = stream.next().await {
            hasher.update(chunk.map_err(DomainError::internal)?);
        }
        Ok(hex::encode(hasher.finalize()) == sha256)
    }

    /// Streams one object across, hashing on the way; a mismatch removes the copy.
    async fn copy_object(&self, key: &str, sha256: &str) -> Result<()> {
        let path = Path::from(key);
        let source = self.from_store.inner().get(&path).await.map_err(|err| {
            DomainError::Internal(format!("reading {key} from the source: {err}"))
        })?;
        let mut writer = object_store::buffered::BufWriter::with_capacity(
            self.to_store.inner(),
            path.clone(),
            8 * 1024 * 1024,
        );
        let mut hasher = Sha256::new();
        let mut stream = source.into_stream();
        while let Some(chunk) = stream.next().await {
            let chunk: Bytes = chunk.map_err(DomainError::internal)?;
            hasher.update(&chunk);
            writer.put(chunk).await.map_err(DomainError::internal)?;
        }
        if hex::encode(hasher.finalize()) != sha256 {
            let _ = writer.abort().await;
            return Err(DomainError::Internal(format!(
                "{key}: the source bytes do not match their recorded SHA-256"
            )));
        }
        writer.shutdown().await.map_err(DomainError::internal)
    }
}

/// Orders folders so that each comes after its parent.
fn parents_first(rows: Vec<FolderRow>) -> Vec<FolderRow> {
    let mut placed: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut pending = rows;
    let mut ordered = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let (ready, rest): (Vec<FolderRow>, Vec<FolderRow>) = pending
            .into_iter()
            .partition(|row| row.parent_id.as_ref().is_none_or(|p| placed.contains(p)));
        if ready.is_empty() {
            // A parent outside the set cannot happen with the foreign key; keep the rest
            // as they are rather than loop forever.
            ordered.extend(rest);
            break;
        }
        placed.extend(ready.iter().map(|row| row.id.clone()));
        ordered.extend(ready);
        pending = rest;
    }
    ordered
}
