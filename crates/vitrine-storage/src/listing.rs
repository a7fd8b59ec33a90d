//! Listing items: every filter of spec 1 and spec 2 as one query, and a total that does
//! not count a million rows when it does not have to. A collection listed by type alone
//! is answered by `collection_listing`; text matching is `text_search`'s.

use std::collections::HashMap;

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use vitrine_domain::item::{
    FolderFilter, Item, ItemQuery, KindFilter, MimeFilter, Page, TextSearch,
};
use vitrine_domain::Result;

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::items::{to_item, ItemRow, BLOB_COLUMNS};
use crate::schema::{blobs, collection_items, item_counts, item_tags, items, tags};
use crate::tag_plan::{TagAccess, TagPlan};
use crate::text_search::{self, OwnerRange};

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
) -> Result<Page<Item>> {
    let (total, page_ids) = match crate::collection_listing::page(conn, owner, query)? {
        Some(found) => found,
        None => Listing::prepare(conn, owner, query)?.page(conn)?,
    };
    let items = items_by_ids(conn, &page_ids)?;
    Ok(Page {
        items,
        total,
        page: query.page,
        page_size: query.page_size,
    })
}

/// A listing of `items` with what its filters resolved to before the queries run.
struct Listing<'a> {
    owner: &'a str,
    query: &'a ItemQuery,
    dialect: Dialect,
    tags: TagPlan,
    /// The IDs of the items carrying the query's tags, newest first, when they are few:
    /// the listing starts there.
    tagged: Option<Vec<String>>,
    /// SQLite: where the owner's rows are in the text index.
    text_owner: Option<OwnerRange>,
}

impl<'a> Listing<'a> {
    fn prepare(conn: &mut AnyConnection, owner: &'a str, query: &'a ItemQuery) -> Result<Self> {
        let dialect = Dialect::of(conn);
        let tags = TagPlan::resolve(conn, owner, query)?;
        let tagged = if tags.impossible || tags.counted_total(query).is_some() {
            None
        } else {
            tags.tagged_items(conn, dialect, query.status)?
                .map(|items| items.into_iter().map(|item| item.item_id).collect())
        };
        let text_owner = match (&query.search, dialect) {
            (Some(search), Dialect::Sqlite) if !search.words.is_empty() => {
                Some(OwnerRange::of(conn, owner, query.status)?)
            }
            _ => None,
        };
        Ok(Listing {
            owner,
            query,
            dialect,
            tags,
            tagged,
            text_owner,
        })
    }

    /// The total and the page's IDs, newest first.
    fn page(&self, conn: &mut AnyConnection) -> Result<(i64, Vec<String>)> {
        let query = self.query;
        if self.tags.impossible || query.effective_kind() == KindFilter::Nothing {
            return Ok((0, Vec::new()));
        }
        let offset = i64::from(query.page.saturating_sub(1)) * i64::from(query.page_size);
        if let Some(tagged) = &self.tagged {
            // Few candidates: every match in order at once, and the total is their number.
            // By tags alone, `item_tags` has already answered.
            let checked;
            let all = if self.tags_only() {
                tagged
            } else {
                checked = self
                    .filtered(Access::FROM_CANDIDATES)
                    .order((items::created_at.desc(), items::id.desc()))
                    .select(items::id)
                    .load::<String>(conn)
                    .map_err(query_err)?;
                &checked
            };
            let page = all
                .iter()
                .skip(offset as usize)
                .take(query.page_size as usize);
            return Ok((all.len() as i64, page.cloned().collect()));
        }
        if let (AnyConnection::Pg(pg), Some(search)) = (&mut *conn, self.text_only()) {
            return text_search::words_page(pg, self.owner, query, search);
        }
        let total = match self.tags.counted_total(query) {
            Some(counted) => counted,
            None => self.total(conn)?,
        };
        if total == 0 || offset >= total {
            return Ok((total, Vec::new()));
        }
        let access = self.page_access(conn, offset, total)?;
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

    /// The number of matching items. When every filter is one `item_counts` is keyed by,
    /// the total is a sum over a handful of counter rows, and for size bounds with status
    /// and type, over size classes (`size_total`); when the only filter besides status is
    /// text, SQLite counts inside its text index; otherwise the matching rows are counted,
    /// which the other filters' indexes keep to the rows they select.
    fn total(&self, conn: &mut AnyConnection) -> Result<i64> {
        let query = self.query;
        if query.countable_from_counters() {
            return counted(conn, self.owner, query);
        }
        if query.countable_by_size() {
            return crate::size_total::total_by_size(conn, self.owner, query);
        }
        if let (Some(search), Some(owner)) = (self.text_only(), self.text_owner) {
            return text_search::count_in_index(conn, search, owner);
        }
        // Every match is visited anyway, so start from the fewest candidates.
        self.filtered(Access::FROM_CANDIDATES)
            .count()
            .get_result(conn)
            .map_err(query_err)
    }

    /// Whether tags and status are the listing's only filters.
    fn tags_only(&self) -> bool {
        let query = self.query;
        *query
            == ItemQuery {
                status: query.status,
                tags: query.tags.clone(),
                exclude_tags: query.exclude_tags.clone(),
                page: query.page,
                page_size: query.page_size,
                ..ItemQuery::default()
            }
    }

    /// The words, when they and the status are the listing's only filters (and, for
    /// spec 2's `q`, no tag is named like the query).
    fn text_only(&self) -> Option<&TextSearch> {
        let query = self.query;
        let search = query.search.as_ref().filter(|s| !s.words.is_empty())?;
        let bare = ItemQuery {
            status: query.status,
            search: query.search.clone(),
            page: query.page,
            page_size: query.page_size,
            ..ItemQuery::default()
        };
        (*query == bare && self.tags.search_tag.is_none()).then_some(search)
    }

    /// Chooses how the page query reaches its rows. The total is known before the page is
    /// fetched, so the choice follows the share of the listed items that match; only tag,
    /// size and (on SQLite) text filters have a choice to make, so only they pay for the
    /// extra counter read.
    fn page_access(&self, conn: &mut AnyConnection, offset: i64, total: i64) -> Result<Access> {
        let query = self.query;
        let has_choice = !self.tags.include.is_empty()
            || query.min_size.is_some()
            || query.max_size.is_some()
            || self.text_owner.is_some();
        if !has_choice {
            return Ok(Access {
                tags: TagAccess::ProbeEachItem,
                walk_by_date: false,
            });
        }
        let listed = counted(
            conn,
            self.owner,
            &ItemQuery {
                status: query.status,
                ..ItemQuery::default()
            },
        )?;
        let wanted = offset + i64::from(query.page_size);
        // Walking newest first visits about wanted / share rows; reading every match
        // through another index and sorting visits `total`. A text match is checked on
        // the index entry alone (its rowid), which costs about a quarter of reading a
        // row: 4 ms instead of 9 for two words matching 4,000 of a million items.
        let entry_cost =
            if self.text_owner.is_some() && query.min_size.is_none() && query.max_size.is_none() {
                1
            } else {
                4
            };
        let walked = (wanted as i128) * (listed as i128) * entry_cost;
        Ok(Access {
            tags: self.tags.access(wanted, listed),
            walk_by_date: walked < 4 * (total as i128) * (total as i128),
        })
    }
}

/// The items with these IDs, in their order, with tags and collections; IDs that name
/// no item are skipped. Callers have already decided which IDs the caller may see.
pub(crate) fn items_by_ids(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<Item>> {
    let mut rows: Vec<(ItemRow, (String, String, String))> = Vec::with_capacity(ids.len());
    // In slices: SQLite and PostgreSQL both cap the bound parameters of one statement.
    for slice in ids.chunks(500) {
        rows.extend(
            items::table
                .inner_join(blobs::table)
                .filter(items::id.eq_any(slice))
                .select((ItemRow::as_select(), BLOB_COLUMNS))
                .load::<(ItemRow, (String, String, String))>(conn)
                .map_err(query_err)?,
        );
    }
    let position: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    rows.sort_by_key(|(row, _)| position.get(row.id.as_str()).copied());
    let mut tags = HashMap::new();
    let mut collections = HashMap::new();
    let mut variants = HashMap::new();
    for slice in rows.chunks(500) {
        let ids: Vec<&str> = slice.iter().map(|(row, _)| row.id.as_str()).collect();
        tags.extend(tags_by_item(conn, &ids)?);
        collections.extend(collections_by_item(conn, &ids)?);
        variants.extend(crate::variants::variants_by_item(conn, &ids)?);
    }
    rows.into_iter()
        .map(|(row, blob)| {
            let item_tags = tags.remove(&row.id).unwrap_or_default();
            let item_collections = collections.remove(&row.id).unwrap_or_default();
            let item_variants = variants.remove(&row.id).unwrap_or_default();
            to_item(row, blob, item_tags, item_collections, item_variants)
        })
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

/// The page's tags in one query, not one per item: on PostgreSQL each round trip costs
/// more than the query itself.
pub(crate) fn tags_by_item(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<HashMap<String, Vec<String>>> {
    let pairs: Vec<(String, String)> = item_tags::table
        .inner_join(tags::table)
        .filter(item_tags::item_id.eq_any(ids))
        .order((item_tags::item_id, tags::name_key))
        .select((item_tags::item_id, tags::name))
        .load(conn)
        .map_err(query_err)?;
    Ok(group(pairs))
}

pub(crate) fn collections_by_item(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<HashMap<String, Vec<String>>> {
    let pairs: Vec<(String, String)> = collection_items::table
        .filter(collection_items::item_id.eq_any(ids))
        .order((
            collection_items::item_id,
            collection_items::added_at,
            collection_items::collection_id,
        ))
        .select((collection_items::item_id, collection_items::collection_id))
        .load(conn)
        .map_err(query_err)?;
    Ok(group(pairs))
}

fn group(pairs: Vec<(String, String)>) -> HashMap<String, Vec<String>> {
    let mut grouped: HashMap<String, Vec<String>> = HashMap::new();
    for (key, value) in pairs {
        grouped.entry(key).or_default().push(value);
    }
    grouped
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
    let counts: Vec<i64> = counters
        .select(item_counts::n)
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
        q
    }
}

/// How the page query reaches its rows.
#[derive(Debug, Clone, Copy)]
struct Access {
    tags: TagAccess,
    /// Matches are common: walk the user's items newest first rather than use a
    /// filter's own index.
    walk_by_date: bool,
}

impl Access {
    /// Every match is visited (a total, or all candidates): start from the fewest.
    const FROM_CANDIDATES: Access = Access {
        tags: TagAccess::FromRarestTag,
        walk_by_date: false,
    };
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
