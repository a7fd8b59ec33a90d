//! Listing items: every filter of spec 1 and spec 2 as one query, and a total that does
//! not count a million rows when it does not have to. `plan.rs` decides how a query is
//! answered, from the query and a few counters; this module reads those counters and runs
//! the plan. A collection listed by type alone is `collection.rs`'s, tag candidates
//! `tag_plan.rs`'s, size totals `size_total.rs`'s and text matching `text_search.rs`'s.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use vitrine_domain::item::{FolderFilter, Item, ItemQuery, KindFilter, MimeFilter, Page};
use vitrine_domain::Result;

use crate::connection::{on_backend, AnyConnection};
use crate::error::query_err;
use crate::items::{whole_item, ItemArrays, ItemRow, BLOB_COLUMNS};
use crate::schema::{blobs, collection_items, item_counts, item_tags, items};
use crate::typed_sql::prepared;

mod collection;
mod expired_probe;
mod id_list;
mod plan;
mod size_total;
mod tag_plan;
mod text_search;

use expired_probe::has_expired_items;
use id_list::ItemIdIn;
use plan::{Access, Counters, Plan, TagAccess, Total};
use tag_plan::TagPlan;
use text_search::OwnerRange;

pub(crate) type DbBackend = <AnyConnection as diesel::Connection>::Backend;
pub(crate) type Filter = Box<dyn BoxableExpression<items::table, DbBackend, SqlType = Bool>>;

/// Which SQL dialect a raw fragment must be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub(crate) fn of(conn: &AnyConnection) -> Self {
        match conn {
            AnyConnection::Sqlite(_) => Dialect::Sqlite,
            AnyConnection::Pg(_) => Dialect::Postgres,
        }
    }
}

pub(crate) fn list_items(
    conn: &mut AnyConnection,
    owner: &str,
    query: &ItemQuery,
    now: NaiveDateTime,
) -> Result<Page<Item>> {
    let listing = Listing::prepare(conn, owner, query, now)?;
    let (total, page_ids) = listing.page(conn)?;
    let items = items_by_ids(conn, &page_ids)?;
    Ok(Page {
        items,
        total,
        page: query.page,
        page_size: query.page_size,
    })
}

/// A listing with what its filters resolved to, and the plan chosen from them.
struct Listing<'a> {
    owner: &'a str,
    query: &'a ItemQuery,
    dialect: Dialect,
    tags: TagPlan,
    counters: Counters,
    plan: Plan,
    /// The IDs of the items carrying the query's tags, newest first, when they are few:
    /// the listing starts there.
    tagged: Option<Vec<String>>,
    /// SQLite: where the owner's rows are in the text index.
    text_owner: Option<OwnerRange>,
    /// The moment items expire at (spec 5), when some of the owner's have expired and
    /// await the sweeper: then every match is checked against it.
    expired_at: Option<NaiveDateTime>,
}

impl<'a> Listing<'a> {
    /// Reads what the planner needs (tag IDs and counters, the tags' candidates when they
    /// may be few, SQLite's index range) and plans.
    fn prepare(
        conn: &mut AnyConnection,
        owner: &'a str,
        query: &'a ItemQuery,
        now: NaiveDateTime,
    ) -> Result<Self> {
        let dialect = Dialect::of(conn);
        let tags = TagPlan::resolve(conn, owner, query)?;
        let mut counters = tags.counters();
        counters.expired_pending = has_expired_items(conn, owner, now)?;
        let tagged = if plan::wants_candidates(query, &counters) {
            tags.tagged_items(conn, dialect, query.status)?
                .map(|items| {
                    items
                        .into_iter()
                        .map(|item| item.item_id)
                        .collect::<Vec<_>>()
                })
        } else {
            None
        };
        counters.candidates = tagged.as_ref().map(Vec::len);
        let text_owner = if plan::searches_text_index(query, dialect) {
            Some(OwnerRange::of(conn, owner, query.status)?)
        } else {
            None
        };
        Ok(Listing {
            owner,
            query,
            dialect,
            plan: plan::plan(query, dialect, &counters),
            expired_at: counters.expired_pending.then_some(now),
            tags,
            counters,
            tagged,
            text_owner,
        })
    }

    /// The total and the page's IDs, newest first.
    fn page(&self, conn: &mut AnyConnection) -> Result<(i64, Vec<String>)> {
        let query = self.query;
        let offset = i64::from(query.page.saturating_sub(1)) * i64::from(query.page_size);
        let total = match self.plan {
            Plan::Nothing => return Ok((0, Vec::new())),
            Plan::CollectionMembers => return collection::page(conn, self.owner, query),
            Plan::Candidates { tags_only } => return self.candidates_page(conn, tags_only),
            Plan::WordsPage => {
                let (AnyConnection::Pg(pg), Some(search)) = (&mut *conn, &query.search) else {
                    return Err(vitrine_domain::DomainError::internal(
                        "a words page planned without PostgreSQL or words",
                    ));
                };
                return text_search::words_page(pg, self.owner, query, search);
            }
            Plan::CountThenPage(total) => self.total(conn, total)?,
        };
        if total == 0 || offset >= total {
            return Ok((total, Vec::new()));
        }
        let wanted = offset + i64::from(query.page_size);
        let listed = if plan::access_needs_listed(query, self.dialect, &self.counters) {
            let by_status = ItemQuery {
                status: query.status,
                ..ItemQuery::default()
            };
            counted(conn, self.owner, &by_status)?
        } else {
            0
        };
        let access = plan::access(query, self.dialect, &self.counters, wanted, listed, total);
        // The page's IDs first, then its rows: the ID query can be answered from an index
        // alone, so the rows an OFFSET skips are never read, only the page's own.
        let ids = self
            .filtered(access)
            .order((items::created_at.desc(), items::id.desc()))
            .limit(i64::from(query.page_size))
            .offset(offset)
            .select(items::id)
            .load(conn)
            .map_err(query_err)?;
        Ok((total, ids))
    }

    /// Few candidates: every match in order at once, and the total is their number. By
    /// tags alone, `item_tags` has already answered.
    fn candidates_page(
        &self,
        conn: &mut AnyConnection,
        tags_only: bool,
    ) -> Result<(i64, Vec<String>)> {
        let query = self.query;
        let offset = i64::from(query.page.saturating_sub(1)) * i64::from(query.page_size);
        let checked;
        let all = match (&self.tagged, tags_only) {
            (Some(tagged), true) => tagged,
            _ => {
                checked = self
                    .filtered(Access::FROM_CANDIDATES)
                    .order((items::created_at.desc(), items::id.desc()))
                    .select(items::id)
                    .load::<String>(conn)
                    .map_err(query_err)?;
                &checked
            }
        };
        let page = all
            .iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(query.page_size as usize);
        Ok((all.len() as i64, page.cloned().collect()))
    }

    /// The number of matching items, the planned way.
    fn total(&self, conn: &mut AnyConnection, total: Total) -> Result<i64> {
        let query = self.query;
        match (total, &query.search, self.text_owner) {
            (Total::OneTag(n), _, _) => Ok(n),
            (Total::Counters, _, _) => counted(conn, self.owner, query),
            (Total::SizeClasses, _, _) => size_total::total_by_size(conn, self.owner, query),
            (Total::TextIndex, Some(search), Some(owner)) => {
                text_search::count_in_index(conn, search, owner)
            }
            // Every match is visited anyway, so start from the fewest candidates.
            _ => self
                .filtered(Access::FROM_CANDIDATES)
                .count()
                .get_result(conn)
                .map_err(query_err),
        }
    }
}

/// The items with these IDs, in their order, with tags, collections and variants (one
/// statement, prepared once, as `load_item` reads one); IDs that name no item are skipped.
/// Callers have already decided which IDs the caller may see.
pub(crate) fn items_by_ids(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<Item>> {
    let ordered = matches!(conn, AnyConnection::Pg(_));
    let wanted = ItemIdIn::new(ids);
    let mut rows = on_backend!(&mut *conn, |conn| items::table
        .inner_join(blobs::table)
        .filter(wanted)
        .select((ItemRow::as_select(), BLOB_COLUMNS, ItemArrays))
        .load::<(ItemRow, (String, String, String), String)>(conn))
    .map_err(query_err)?;
    let position: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    rows.sort_by_key(|(row, _, _)| position.get(row.id.as_str()).copied());
    rows.into_iter()
        .map(|(row, blob, arrays)| whole_item(row, blob, &arrays, ordered))
        .collect()
}

/// Runs `f` in a read transaction that plans every statement for its own parameters.
/// diesel keeps statements prepared, and after five runs PostgreSQL may settle on one
/// generic plan for all parameters. Listing parameters are skewed: a collection holds 1 %
/// of a library, a tag 40 %, and a page's OFFSET may be 0 or 10,000. Generic plans took
/// 1.1 s for a collection filter (0.1 s planned for its values) and 2.3 s for page 200
/// (a sort of every row instead of an index walk). Only listings pay for the planning.
/// Nor do listings start parallel workers: for a 10–30 ms query their start-up costs more
/// than they save (a two-tag listing's merge took 28 ms in parallel, 13–17 ms alone), and
/// a server answering many listings at once has no idle cores to lend them. Nor is a
/// listing compiled (JIT): a search whose rows may fall back to a subquery is estimated
/// at hundreds of millions, and compiling took 131 ms of a query that runs in 4.
pub(crate) fn with_custom_plans<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T>,
) -> Result<T> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute(
        "BEGIN READ ONLY; SET LOCAL plan_cache_mode = force_custom_plan; \
         SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off",
    )
    .map_err(query_err)?;
    let result = f(conn);
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    conn.batch_execute(end).map_err(query_err)?;
    result
}

/// The total from `item_counts`, for a query `countable_from_counters` accepts.
fn counted(conn: &mut AnyConnection, owner: &str, query: &ItemQuery) -> Result<i64> {
    let kind = query.effective_kind();
    let mut counters = item_counts::table
        .filter(item_counts::user_id.eq(owner))
        .into_boxed::<DbBackend>();
    if let Some(status) = query.status {
        counters = counters.filter(item_counts::status.eq(status.as_str()));
    }
    match &query.folder {
        FolderFilter::Any => {}
        FolderFilter::Root => counters = counters.filter(item_counts::folder_key.eq("")),
        FolderFilter::In(id) => {
            counters = counters.filter(item_counts::folder_key.eq(id.to_string()))
        }
    }
    if let KindFilter::Only(kind) = kind {
        counters = counters.filter(item_counts::kind.eq(kind.as_str()));
    }
    if let Some(favorite) = query.favorite {
        counters = counters.filter(item_counts::favorite.eq(favorite));
    }
    // Summed here: SUM(BIGINT) is NUMERIC on PostgreSQL, which does not cross both backends.
    // Prepared once per connection: its text is one of the 16 sets of filters above.
    let counts: Vec<i64> = prepared(counters.select(item_counts::n))
        .load(conn)
        .map_err(query_err)?;
    Ok(counts.into_iter().sum())
}

impl Listing<'_> {
    /// The user's items that match every filter of the query, unordered.
    fn filtered(&self, access: Access) -> items::BoxedQuery<'_, DbBackend> {
        let query = self.query;
        let mut q = items::table
            .filter(items::user_id.eq(self.owner))
            .into_boxed();
        if let Some(status) = query.status {
            q = q.filter(items::status.eq(status.as_str()));
        }
        match query.effective_kind() {
            KindFilter::Any => {}
            KindFilter::Only(kind) => q = q.filter(items::kind.eq(kind.as_str())),
            KindFilter::Nothing => q = q.filter(sql::<Bool>("1 = 0")),
        }
        match &query.mime {
            Some(MimeFilter::Prefix(prefix)) if prefix != "image/" && prefix != "video/" => {
                q = q.filter(
                    items::mime
                        .like(format!("{}%", escape_like(prefix)))
                        .escape('\\'),
                );
            }
            Some(MimeFilter::Other) => {
                for class in ["image/%", "video/%", "application/%"] {
                    q = q.filter(items::mime.not_like(class));
                }
            }
            _ => {}
        }
        match &query.folder {
            FolderFilter::Any => {}
            FolderFilter::Root => q = q.filter(items::folder_id.is_null()),
            FolderFilter::In(id) => q = q.filter(items::folder_id.eq(id.as_str())),
        }
        if let Some(collection) = &query.collection {
            let members = collection_items::table
                .filter(collection_items::collection_id.eq(collection.as_str()))
                .select(collection_items::item_id);
            q = q.filter(items::id.eq_any(members));
        }
        if let Some(favorite) = query.favorite {
            q = q.filter(items::favorite.eq(favorite));
        }
        if let Some(category) = query.category {
            q = q.filter(items::category_id.eq(category));
        }
        if let Some(nsfw) = query.nsfw {
            q = q.filter(items::nsfw.eq(nsfw));
        }
        if let Some(tagged) = &self.tagged {
            q = q.filter(items::id.eq_any(tagged.as_slice()));
        } else {
            for (position, (tag, _)) in self.tags.include.iter().enumerate() {
                if position == 0 && access.tags == TagAccess::FromRarestTag {
                    let tagged = item_tags::table
                        .filter(item_tags::tag_id.eq(tag.clone()))
                        .select(item_tags::item_id);
                    q = q.filter(items::id.eq_any(tagged));
                } else {
                    q = q.filter(has_tag("EXISTS", tag));
                }
            }
            for tag in &self.tags.exclude {
                q = q.filter(has_tag("NOT EXISTS", tag));
            }
        }
        if let Some(search) = &query.search {
            q = q.filter(text_search::text_filter(
                search,
                self.tags.search_tag.as_deref(),
                self.dialect,
                self.text_owner,
                access.walk_by_date,
            ));
        }
        if let Some(from) = query.created_from {
            q = q.filter(items::created_at.ge(from));
        }
        if let Some(before) = query.created_before {
            q = q.filter(items::created_at.lt(before));
        }
        // `+items.size` (unary plus, the same on both backends) hides the column from the
        // planner: it then walks by date and checks sizes on the way, instead of reading
        // every match through the size index and sorting them.
        let size = if access.walk_by_date {
            "+items.size"
        } else {
            "items.size"
        };
        if let Some(min) = query.min_size {
            q = q.filter(sql::<Bool>(&format!("{size} >= ")).bind::<BigInt, _>(min));
        }
        if let Some(max) = query.max_size {
            q = q.filter(sql::<Bool>(&format!("{size} <= ")).bind::<BigInt, _>(max));
        }
        if let Some(now) = self.expired_at {
            q = q.filter(items::expires_at.is_null().or(items::expires_at.gt(now)));
        }
        q
    }
}

/// A correlated probe of the item's tags: with the `(item_id, tag_id)` primary key it is
/// one index lookup per item visited. Raw SQL because diesel's DSL has no correlated
/// subqueries.
fn has_tag(exists: &str, tag: &str) -> Filter {
    Box::new(
        sql::<Bool>(&format!(
            "{exists} (SELECT 1 FROM item_tags WHERE item_tags.item_id = items.id \
             AND item_tags.tag_id = "
        ))
        .bind::<Text, _>(tag.to_owned())
        .sql(")"),
    )
}

fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
