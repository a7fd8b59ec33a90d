//! Share links and the wrong-password counters that slow down guessing.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::ports::{AttemptRepository, ShareRepository};
use vitrine_domain::shares::{Share, ShareTarget};
use vitrine_domain::{CollectionId, DomainError, ItemId, Result, ShareId, UserId};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{share_failures, shares};
use crate::Db;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = shares)]
pub(crate) struct ShareRow {
    pub(crate) id: String,
    pub(crate) token_hash: String,
    pub(crate) user_id: String,
    pub(crate) item_id: Option<String>,
    pub(crate) collection_id: Option<String>,
    pub(crate) password_hash: Option<String>,
    pub(crate) allow_download: bool,
    pub(crate) hide_metadata: bool,
    pub(crate) expires_at: Option<NaiveDateTime>,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) revoked_at: Option<NaiveDateTime>,
}

fn to_share(row: ShareRow) -> Result<Share> {
    let target = match (row.item_id, row.collection_id) {
        (Some(item), None) => ShareTarget::Item(ItemId::from(item)),
        (None, Some(collection)) => ShareTarget::Collection(CollectionId::from(collection)),
        _ => {
            return Err(DomainError::internal(format!(
                "share {} has no target",
                row.id
            )))
        }
    };
    Ok(Share {
        id: ShareId::from(row.id),
        owner: UserId::from(row.user_id),
        target,
        password_hash: row.password_hash,
        allow_download: row.allow_download,
        hide_metadata: row.hide_metadata,
        expires_at: row.expires_at,
        created_at: row.created_at,
        revoked_at: row.revoked_at,
    })
}

fn target_columns(target: &ShareTarget) -> (Option<String>, Option<String>) {
    match target {
        ShareTarget::Item(id) => (Some(id.to_string()), None),
        ShareTarget::Collection(id) => (None, Some(id.to_string())),
    }
}

fn target_key(target: &ShareTarget) -> String {
    match target {
        ShareTarget::Item(id) => format!("item:{id}"),
        ShareTarget::Collection(id) => format!("collection:{id}"),
    }
}

/// Marks the target's live shares revoked.
fn revoke(
    conn: &mut AnyConnection,
    owner: &str,
    target: &ShareTarget,
    at: NaiveDateTime,
) -> Result<usize> {
    let live = shares::table
        .filter(shares::user_id.eq(owner))
        .filter(shares::revoked_at.is_null())
        .into_boxed();
    let live = match target_columns(target) {
        (Some(item), _) => live.filter(shares::item_id.eq(item)),
        (_, Some(collection)) => live.filter(shares::collection_id.eq(collection)),
        (None, None) => return Ok(0),
    };
    let ids: Vec<String> = live.select(shares::id).load(conn).map_err(query_err)?;
    diesel::update(shares::table.filter(shares::id.eq_any(&ids)))
        .set(shares::revoked_at.eq(Some(at)))
        .execute(conn)
        .map_err(query_err)
}

#[async_trait]
impl ShareRepository for Db {
    async fn insert_share(&self, share: &Share, token_hash: &str) -> Result<()> {
        let (item_id, collection_id) = target_columns(&share.target);
        let row = ShareRow {
            id: share.id.to_string(),
            token_hash: token_hash.to_owned(),
            user_id: share.owner.to_string(),
            item_id,
            collection_id,
            password_hash: share.password_hash.clone(),
            allow_download: share.allow_download,
            hide_metadata: share.hide_metadata,
            expires_at: share.expires_at,
            created_at: share.created_at,
            revoked_at: None,
        };
        let target = share.target.clone();
        self.write(move |conn| {
            // Two links made at once for one target: the second waits for the first and
            // then revokes it, so one stays live (the partial unique indexes of migration
            // 000011 stand behind this).
            crate::tx::lock_named(conn, &format!("share-target:{}", target_key(&target)))?;
            revoke(conn, &row.user_id, &target, row.created_at)?;
            diesel::insert_into(shares::table)
                .values(&row)
                .execute(conn)
                .map_err(query_err)?;
            Ok(())
        })
        .await
    }

    async fn share_by_token(&self, token_hash: &str) -> Result<Option<Share>> {
        let token_hash = token_hash.to_owned();
        self.run(move |conn| {
            shares::table
                .filter(shares::token_hash.eq(token_hash))
                .select(ShareRow::as_select())
                .first(conn)
                .optional()
                .map_err(query_err)?
                .map(to_share)
                .transpose()
        })
        .await
    }

    async fn revoke_shares(
        &self,
        owner: &UserId,
        target: &ShareTarget,
        at: NaiveDateTime,
    ) -> Result<usize> {
        let (owner, target) = (owner.to_string(), target.clone());
        self.write(move |conn| revoke(conn, &owner, &target, at))
            .await
    }

    async fn live_shares(&self, owner: &UserId, now: NaiveDateTime) -> Result<Vec<Share>> {
        let owner = owner.to_string();
        self.run(move |conn| {
            shares::table
                .filter(shares::user_id.eq(owner))
                .filter(shares::revoked_at.is_null())
                .filter(shares::expires_at.is_null().or(shares::expires_at.gt(now)))
                .order((shares::created_at.desc(), shares::id))
                .limit(LIVE_SHARES_LISTED)
                .select(ShareRow::as_select())
                .load(conn)
                .map_err(query_err)?
                .into_iter()
                .map(to_share)
                .collect()
        })
        .await
    }
}

/// A user's live links listed at most: one per item or collection, so a bound that no
/// real library reaches, yet keeps one answer small.
const LIVE_SHARES_LISTED: i64 = 1000;

#[async_trait]
impl AttemptRepository for Db {
    async fn count_attempt(
        &self,
        buckets: &[String],
        since: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<Vec<i64>> {
        let buckets = buckets.to_vec();
        self.write(move |conn| {
            let mut counts = Vec::with_capacity(buckets.len());
            for bucket in &buckets {
                // A stale window restarts; a current one counts up.
                diesel::delete(
                    share_failures::table
                        .filter(share_failures::bucket.eq(bucket))
                        .filter(share_failures::window_start.lt(since)),
                )
                .execute(conn)
                .map_err(query_err)?;
                // One statement that counts and answers, so concurrent attempts each see
                // their own number and two first attempts cannot both insert.
                let row = (
                    share_failures::bucket.eq(bucket),
                    share_failures::window_start.eq(now),
                    share_failures::failures.eq(1),
                );
                let bump = share_failures::failures.eq(share_failures::failures + 1);
                let count: i64 = match conn {
                    AnyConnection::Pg(c) => diesel::insert_into(share_failures::table)
                        .values(row)
                        .on_conflict(share_failures::bucket)
                        .do_update()
                        .set(bump)
                        .returning(share_failures::failures)
                        .get_result(c),
                    AnyConnection::Sqlite(c) => diesel::insert_into(share_failures::table)
                        .values(row)
                        .on_conflict(share_failures::bucket)
                        .do_update()
                        .set(bump)
                        .returning(share_failures::failures)
                        .get_result(c),
                }
                .map_err(query_err)?;
                counts.push(count);
            }
            Ok(counts)
        })
        .await
    }

    async fn refund_attempt(&self, buckets: &[String], since: NaiveDateTime) -> Result<()> {
        let buckets = buckets.to_vec();
        self.write(move |conn| {
            // Bucket by bucket in the order `count_attempt` takes them: one statement over
            // both rows may lock them the other way round and deadlock with a count.
            for bucket in &buckets {
                diesel::update(
                    share_failures::table
                        .filter(share_failures::bucket.eq(bucket))
                        .filter(share_failures::window_start.ge(since))
                        .filter(share_failures::failures.gt(0)),
                )
                .set(share_failures::failures.eq(share_failures::failures - 1))
                .execute(conn)
                .map_err(query_err)?;
            }
            Ok(())
        })
        .await
    }
}
