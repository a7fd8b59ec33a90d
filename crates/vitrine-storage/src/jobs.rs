//! The media job queue. A claim is one UPDATE of the most urgent ready row: on PostgreSQL
//! its subquery takes the row `FOR UPDATE SKIP LOCKED`, so concurrent workers pass over
//! each other's rows; SQLite runs every write transaction alone (`BEGIN IMMEDIATE`).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text, Timestamp};
use vitrine_domain::item::{MediaJob, MediaKind, ProcessedMedia, Processing};
use vitrine_domain::ports::JobRepository;
use vitrine_domain::{DomainError, ItemId, Result};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{item_variants, items, media_jobs, users};
use crate::Db;

const VARIANTS: &str = "variants";

pub(crate) fn insert_job(
    conn: &mut AnyConnection,
    item_id: &str,
    priority: i32,
    now: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(media_jobs::table)
        .values((
            media_jobs::id.eq(uuid::Uuid::new_v4().simple().to_string()),
            media_jobs::item_id.eq(item_id),
            media_jobs::kind.eq(VARIANTS),
            media_jobs::priority.eq(priority),
            media_jobs::status.eq(Processing::Pending.as_str()),
            media_jobs::attempts.eq(0),
            media_jobs::created_at.eq(now),
            media_jobs::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(query_err)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    item_id: String,
    #[diesel(sql_type = Integer)]
    attempts: i32,
}

fn claim_sql(skip_locked: bool) -> String {
    let lock = if skip_locked {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    format!(
        "UPDATE media_jobs SET status = 'processing', attempts = attempts + 1, \
         lease_until = $1, updated_at = $2 \
         WHERE id = (SELECT id FROM media_jobs \
           WHERE (status = 'pending' OR (status = 'processing' AND lease_until < $2)) \
             AND attempts < $3 \
           ORDER BY priority, created_at, id LIMIT 1 {lock}) \
         RETURNING id, item_id, attempts"
    )
}

/// Why a worker's result was not recorded.
pub const LEASE_LOST: &str = "the job's lease ran out and another worker took it over";

/// The job's row while the claim that made `job` still holds it: every claim counts an
/// attempt, so a later claim changes `attempts`.
#[diesel::dsl::auto_type(no_type_alias)]
fn still_held<'a>(id: &'a str, attempts: i32) -> _ {
    let processing: &'static str = Processing::Processing.as_str();
    media_jobs::table
        .find(id)
        .filter(media_jobs::status.eq(processing))
        .filter(media_jobs::attempts.eq(attempts))
}

/// The item's processing state; the time it took is written when it completes, in
/// `finish_job`.
fn set_item_processing(conn: &mut AnyConnection, item_id: &str, state: Processing) -> Result<()> {
    diesel::update(items::table.find(item_id))
        .set((
            items::processing.eq(state.as_str()),
            items::processing_ms.eq(None::<i64>),
        ))
        .execute(conn)
        .map_err(query_err)?;
    Ok(())
}

#[async_trait]
impl JobRepository for Db {
    async fn claim_job(
        &self,
        now: NaiveDateTime,
        lease_until: NaiveDateTime,
        max_attempts: i32,
    ) -> Result<Option<MediaJob>> {
        self.write(move |conn| {
            let sql = claim_sql(matches!(conn, AnyConnection::Pg(_)));
            let claimed = diesel::sql_query(sql)
                .bind::<Nullable<Timestamp>, _>(Some(lease_until))
                .bind::<Timestamp, _>(now)
                .bind::<Integer, _>(max_attempts)
                .get_result::<Claimed>(conn)
                .optional()
                .map_err(query_err)?;
            let Some(claimed) = claimed else {
                return Ok(None);
            };
            set_item_processing(conn, &claimed.item_id, Processing::Processing)?;
            Ok(Some(MediaJob {
                id: claimed.id,
                item: ItemId::from(claimed.item_id),
                attempts: claimed.attempts,
            }))
        })
        .await
    }

    async fn finish_job(
        &self,
        job: &MediaJob,
        processed: ProcessedMedia,
        now: NaiveDateTime,
        duration_ms: i64,
    ) -> Result<Vec<String>> {
        let job = job.clone();
        self.write(move |conn| {
            // First, and only while the lease is still this worker's: a worker whose lease
            // ran out must not write over the result of the one that took the job over.
            let held = diesel::update(still_held(&job.id, job.attempts))
                .set((
                    media_jobs::status.eq(Processing::Completed.as_str()),
                    media_jobs::lease_until.eq(None::<NaiveDateTime>),
                    media_jobs::error.eq(None::<String>),
                    media_jobs::duration_ms.eq(Some(duration_ms)),
                    media_jobs::updated_at.eq(now),
                ))
                .execute(conn)
                .map_err(query_err)?;
            if held == 0 {
                return Err(DomainError::Conflict(LEASE_LOST.to_owned()));
            }
            let item_id = job.item.to_string();
            let owner: String = items::table
                .find(&item_id)
                .select(items::user_id)
                .first(conn)
                .map_err(query_err)?;
            // New variants replace old ones (regeneration); usage follows both ways.
            let (released_bytes, mut freed) = crate::variants::release_variants(conn, &item_id)?;
            let added: i64 = processed.variants.iter().map(|v| v.blob.size).sum();
            freed.extend(crate::variants::insert_variants(
                conn,
                &item_id,
                &processed.variants,
                now,
            )?);
            diesel::update(users::table.find(&owner))
                .set(users::bytes_used.eq(users::bytes_used + added - released_bytes))
                .execute(conn)
                .map_err(query_err)?;
            diesel::update(items::table.find(&item_id))
                .set((
                    items::processing.eq(Processing::Completed.as_str()),
                    items::placeholder.eq(processed.placeholder),
                    items::duration_secs.eq(processed.duration_secs),
                    items::codec.eq(processed.codec),
                    items::is_animated.eq(processed.is_animated),
                    items::phash.eq(processed.phash),
                    items::quality_score.eq(processed.quality_score),
                    items::processing_ms.eq(Some(duration_ms)),
                    items::taken_at.eq(processed.facts.taken_at),
                    items::camera.eq(processed.facts.camera),
                    items::is_360.eq(processed.facts.is_360),
                ))
                .execute(conn)
                .map_err(query_err)?;
            if let (Some(width), Some(height)) = (processed.width, processed.height) {
                diesel::update(items::table.find(&item_id))
                    .set((items::width.eq(width), items::height.eq(height)))
                    .execute(conn)
                    .map_err(query_err)?;
            }
            Ok(freed)
        })
        .await
    }

    async fn release_job(&self, job: &MediaJob, now: NaiveDateTime) -> Result<()> {
        let job = job.clone();
        self.write(move |conn| {
            // Still `processing` with its attempt counted: the next claim takes it as an
            // expired lease, and this worker's late result is refused like any lost lease.
            diesel::update(still_held(&job.id, job.attempts))
                .set((
                    media_jobs::lease_until.eq(Some(now)),
                    media_jobs::updated_at.eq(now),
                ))
                .execute(conn)
                .map_err(query_err)
                .map(drop)
        })
        .await
    }

    async fn fail_job(
        &self,
        job: &MediaJob,
        error: &str,
        give_up: bool,
        now: NaiveDateTime,
    ) -> Result<()> {
        let (job, error) = (job.clone(), error.chars().take(2000).collect::<String>());
        self.write(move |conn| {
            let state = if give_up {
                Processing::Failed
            } else {
                Processing::Pending
            };
            let held = diesel::update(still_held(&job.id, job.attempts))
                .set((
                    media_jobs::status.eq(state.as_str()),
                    media_jobs::lease_until.eq(None::<NaiveDateTime>),
                    media_jobs::error.eq(Some(error)),
                    media_jobs::updated_at.eq(now),
                ))
                .execute(conn)
                .map_err(query_err)?;
            if held == 0 {
                return Err(DomainError::Conflict(LEASE_LOST.to_owned()));
            }
            set_item_processing(conn, job.item.as_str(), state)
        })
        .await
    }

    async fn enqueue_job(&self, item: &ItemId, priority: i32, now: NaiveDateTime) -> Result<()> {
        let item = item.to_string();
        self.write(move |conn| {
            insert_job(conn, &item, priority, now)?;
            set_item_processing(conn, &item, Processing::Pending)
        })
        .await
    }

    async fn items_for_regeneration(&self, missing_only: bool) -> Result<Vec<ItemId>> {
        self.run(move |conn| {
            let mut query = items::table
                .select(items::id)
                .order(items::created_at.desc())
                .into_boxed();
            if missing_only {
                let with_thumb = item_variants::table
                    .filter(item_variants::variant.eq("thumb"))
                    .select(item_variants::item_id);
                // Images the quality score came after are missing it.
                let unscored_image = items::kind
                    .eq(MediaKind::Image.as_str())
                    .and(items::quality_score.is_null());
                query = query.filter(items::id.ne_all(with_thumb).or(unscored_image));
            }
            let ids: Vec<String> = query.load(conn).map_err(query_err)?;
            Ok(ids.into_iter().map(ItemId::from).collect())
        })
        .await
    }
}

/// Media jobs by state (pending, processing, completed, failed) and when the oldest
/// pending one was queued: what `/metrics` reports of the queue. One grouped scan of
/// `media_jobs`, once per metrics read.
pub(crate) fn queue_counts(
    conn: &mut AnyConnection,
) -> Result<(i64, i64, i64, i64, Option<NaiveDateTime>)> {
    let by_state: Vec<(String, i64, Option<NaiveDateTime>)> = media_jobs::table
        .group_by(media_jobs::status)
        .select((
            media_jobs::status,
            diesel::dsl::count_star(),
            diesel::dsl::min(media_jobs::created_at),
        ))
        .load(conn)
        .map_err(query_err)?;
    let count = |state: Processing| {
        by_state
            .iter()
            .find(|(status, _, _)| status == state.as_str())
            .map_or(0, |(_, n, _)| *n)
    };
    let oldest = by_state
        .iter()
        .find(|(status, _, _)| status == Processing::Pending.as_str())
        .and_then(|(_, _, at)| *at);
    Ok((
        count(Processing::Pending),
        count(Processing::Processing),
        count(Processing::Completed),
        count(Processing::Failed),
        oldest,
    ))
}
