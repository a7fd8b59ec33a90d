//! Spec 4's page in a fixed number of queries, whatever the number of projects and images:
//! the page of projects with their count, their statistics (kept counts), one windowed
//! query for their first images with everything an image shows, then the inputs of those
//! that have some. A page past the end counts the projects on its own.
//!
//! The statements are SQL text: the window function has no diesel DSL. They are written
//! once with `?N` parameters (SQLite's numbered form) and turned into `$N` for PostgreSQL;
//! lists travel as one JSON array parameter, so the parameters never grow with a page.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Integer, Nullable, Text, Timestamp};
use vitrine_domain::projects::{
    parse_named, Board, BoardImage, BoardProject, BoardQuery, Claim, Ownership, SortBy,
};
use vitrine_domain::{DomainError, ItemId, Result};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::typed_sql::{prepared, typed};

/// The binds every statement over visible projects shares, in order from `?1`.
struct Filters {
    viewer: String,
    project: Option<i32>,
    pattern: Option<String>,
    search_id: Option<i32>,
    status: Option<String>,
    feedback: Option<String>,
    ownership: Option<String>,
}

impl Filters {
    fn new(viewer: &str, query: &BoardQuery) -> Self {
        let search = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        Filters {
            viewer: viewer.to_owned(),
            project: query.project,
            pattern: search.map(|s| format!("%{}%", escape_like(&s.to_lowercase()))),
            search_id: search.and_then(|s| s.parse().ok()),
            status: query.status.map(|s| s.as_str().to_owned()),
            feedback: query.feedback.as_ref().map(|wanted| {
                let names: Vec<&str> = wanted
                    .iter()
                    .map(|f| f.map_or("none", |f| f.as_str()))
                    .collect();
                serde_json::to_string(&names).unwrap_or_default()
            }),
            ownership: query.ownership.map(|o| {
                match o {
                    Ownership::Mine => "mine",
                    Ownership::Shared => "shared",
                }
                .to_owned()
            }),
        }
    }
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The values of the JSON array in parameter `n`, as a subquery.
fn json_values(pg: bool, n: usize, integers: bool) -> String {
    match (pg, integers) {
        (true, true) => {
            format!("SELECT CAST(json_array_elements_text(CAST(?{n} AS json)) AS integer)")
        }
        (true, false) => format!("SELECT json_array_elements_text(CAST(?{n} AS json))"),
        (false, _) => format!("SELECT value FROM json_each(?{n})"),
    }
}

/// `column` is one of the integers of the JSON array in parameter `n`. PostgreSQL probes
/// an index with the array (`= ANY`): as `IN` a subquery it hashed the list and read the
/// whole table, which counters updated in place leave spread over many pages (625 pages
/// for `project_counts`' 600 rows after seeding 100,000 items: 6 ms instead of 0.3).
fn in_json_integers(pg: bool, column: &str, n: usize) -> String {
    if pg {
        format!("{column} = ANY(ARRAY({}))", json_values(pg, n, true))
    } else {
        format!("{column} IN ({})", json_values(pg, n, true))
    }
}

/// An image (`i`) that the filters let through: every column it reads is in both
/// indexes, so a walk skips what it filters out without reading the rows.
fn image_matches(pg: bool) -> String {
    format!(
        "i.status = 'active' \
         AND (?5 IS NULL OR i.processing = ?5) \
         AND (?6 IS NULL OR {}) \
         AND (?7 IS NULL OR (?7 = 'mine' AND i.user_id = ?1) OR (?7 = 'shared' AND i.user_id <> ?1))",
        feedback_in(pg)
    )
}

/// The image's feedback (`none` without; the item's copy, in the index) is one of the
/// JSON array `?6`. On PostgreSQL the indexes hold `COALESCE(feedback, 'none')` and its
/// statistics are kept (migration 000019), so `= ANY` an array is checked on the index
/// entries and estimated right; jsonb's `?` was checked on each fetched row, and the rows
/// a filter left out cost most of the walk. The JSON array of names becomes an array
/// literal by its brackets (`["like","none"]` is `{"like","none"}`): a value of the
/// statement, which a subquery building it is not, so the planner can weigh it.
fn feedback_in(pg: bool) -> String {
    let feedback = "COALESCE(i.feedback, 'none')";
    if pg {
        format!("{feedback} = ANY(CAST(translate(?6, '[]', '{{}}') AS text[]))")
    } else {
        format!("{feedback} IN (SELECT value FROM json_each(?6))")
    }
}

/// The order of a project's images, as the indexes on `items` keep it (unscored images
/// count as the lowest score).
fn image_order(sort_by: SortBy, direction: &str) -> String {
    match sort_by {
        SortBy::OriginalFilename => format!("i.original_filename {direction}, i.id {direction}"),
        SortBy::QualityScore => {
            format!("COALESCE(i.quality_score, -1) {direction}, i.id {direction}")
        }
    }
}

/// The columns of `items` (`i`), place and review included, an image shows.
fn image_columns() -> String {
    format!(
        "i.id, i.original_filename, i.processing, i.quality_score, i.created_at, \
         i.processing_ms, {} AS has_thumb, i.job_id, i.image_index, i.group_index, \
         i.version, i.input_description, i.download_filename, i.feedback, \
         i.feedback_comment, i.review_status, i.review_annotations, \
         i.claimed_by AS claimer, i.claimed_at, i.has_inputs",
        has_thumb("i")
    )
}

/// The first `?8` matching images of each project in `?9`: per project, a walk of its
/// index on `items` that stops at `?8`, reading just those rows (an image's place and
/// review are columns of its row: looked up in a table of their own, they were half the
/// statement's time). PostgreSQL: a LATERAL walk numbered in order (`place`). SQLite: a
/// subquery correlated with the project, which it runs once per project, reaching rows
/// by rowid (one search instead of two through the text key); the rows come unnumbered
/// and are ordered in Rust, as SQLite's text order is bytes: a window numbering them
/// sorted every row with all its columns (5 of 7.5 ms of the statement).
fn first_images(pg: bool, order: &str) -> String {
    let (matches, columns) = (image_matches(pg), image_columns());
    if pg {
        format!(
            "SELECT p.id AS project_id, top.* \
             FROM ({}) AS p(id) CROSS JOIN LATERAL (\
               SELECT {columns}, ROW_NUMBER() OVER (ORDER BY {order}) AS place \
               FROM items i WHERE i.project_id = p.id AND {matches} \
               ORDER BY {order} LIMIT ?8) top",
            json_values(pg, 9, true)
        )
    } else {
        format!(
            "SELECT p.value AS project_id, {columns}, 0 AS place \
             FROM json_each(?9) p JOIN items i \
             WHERE i.rowid IN (SELECT i.rowid FROM items i WHERE i.project_id = p.value \
               AND {matches} ORDER BY {order} LIMIT ?8)"
        )
    }
}

/// The inputs of the images in the JSON array `?1` with whether each has a thumb, in
/// order: on PostgreSQL one index scan probing every id (`IN` a subquery hashed every
/// input of every user; a lookup per image inside the images statement cost twice as
/// much), on SQLite a probe per id.
fn inputs_of(pg: bool) -> String {
    let ids = if pg {
        "= ANY(ARRAY(SELECT json_array_elements_text(CAST(?1 AS json))))".to_owned()
    } else {
        format!("IN ({})", json_values(pg, 1, false))
    };
    format!(
        "SELECT ii.item_id, ii.input_id, {} AS has_thumb \
         FROM item_inputs ii JOIN items w ON w.id = ii.input_id \
         WHERE ii.item_id {ids} ORDER BY ii.item_id, ii.position",
        has_thumb("w")
    )
}

/// Projects (`p`) the viewer sees and the filters let through: when an image filter is
/// given, only projects with a matching image. Every statement names every filter
/// parameter (SQLite refuses binds a statement does not use).
fn visible(pg: bool) -> String {
    format!(
        "(p.user_id = ?1 OR p.group_id IN \
         (SELECT m.group_id FROM group_members m WHERE m.user_id = ?1)) \
         AND (?2 IS NULL OR p.id = ?2) \
         AND (?3 IS NULL OR lower(p.name) LIKE ?3 ESCAPE '\\' \
              OR lower(p.project_key) LIKE ?3 ESCAPE '\\' OR p.id = ?4) \
         AND ((?5 IS NULL AND ?6 IS NULL AND ?7 IS NULL) OR EXISTS (SELECT 1 \
              FROM items i WHERE i.project_id = p.id AND {}))",
        image_matches(pg)
    )
}

/// `?N` as PostgreSQL spells it.
fn for_backend(sql: String, pg: bool) -> String {
    if !pg {
        return sql;
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

macro_rules! with_filters {
    ($query:expr, $f:expr) => {
        $query
            .bind::<Text, _>(&$f.viewer)
            .bind::<Nullable<Integer>, _>($f.project)
            .bind::<Nullable<Text>, _>(&$f.pattern)
            .bind::<Nullable<Integer>, _>($f.search_id)
            .bind::<Nullable<Text>, _>(&$f.status)
            .bind::<Nullable<Text>, _>(&$f.feedback)
            .bind::<Nullable<Text>, _>(&$f.ownership)
    };
}

/// Whether item `alias` has a thumb, as 0 or 1 on both backends, from the row itself: an
/// item has a placeholder exactly when it has a thumb, as one rendering makes both and a
/// new one replaces both (media pipeline); so no lookup in `item_variants` per image.
fn has_thumb(alias: &str) -> String {
    format!("CASE WHEN {alias}.placeholder IS NULL THEN 0 ELSE 1 END")
}

#[derive(QueryableByName)]
struct InputLine {
    #[diesel(sql_type = Text)]
    item_id: String,
    #[diesel(sql_type = Text)]
    input_id: String,
    #[diesel(sql_type = Integer)]
    has_thumb: i32,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct ProjectLine {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    project_key: String,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    created_by: String,
    /// All the visible projects, counted with the page.
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
struct Stats {
    #[diesel(sql_type = Integer)]
    project_id: i32,
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = BigInt)]
    completed: i64,
    #[diesel(sql_type = BigInt)]
    failed: i64,
}

/// The SQL types of the images statement's columns, in order.
type ImageColumns = (
    Integer,
    Text,
    Text,
    Text,
    Nullable<Double>,
    Timestamp,
    Nullable<Text>,
    Nullable<Integer>,
    Nullable<Integer>,
    Integer,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Timestamp>,
    Integer,
    Bool,
    Nullable<BigInt>,
    BigInt,
    Nullable<Text>,
);

/// A row of the images statement, its columns in this order (`ImageColumns`).
#[derive(Queryable)]
struct ImageLine {
    project_id: i32,
    id: String,
    original_filename: String,
    processing: String,
    quality_score: Option<f64>,
    created_at: NaiveDateTime,
    job_id: Option<String>,
    image_index: Option<i32>,
    group_index: Option<i32>,
    version: i32,
    input_description: Option<String>,
    download_filename: Option<String>,
    feedback: Option<String>,
    feedback_comment: Option<String>,
    review_status: Option<String>,
    review_annotations: Option<String>,
    claimed_by: Option<String>,
    claimed_at: Option<NaiveDateTime>,
    has_thumb: i32,
    has_inputs: bool,
    processing_ms: Option<i64>,
    /// Its rank in its project's order, from 1 (PostgreSQL; SQLite's are ordered in Rust).
    place: i64,
    /// Why it failed: its latest media job's error, looked up for failed images only.
    error: Option<String>,
}

#[derive(QueryableByName)]
struct ExpiredLine {
    #[diesel(sql_type = Integer)]
    project_id: i32,
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    processing: String,
}

/// The active images of the projects in the JSON array `?1` whose expiry (spec 5) has
/// passed at `?2` but that the sweeper has not deleted yet: few, and found through the
/// partial index of expiring items (`+` hides the project's index, which SQLite chose
/// and walked 10,000 entries for: 5.7 ms instead of 0.01). The board leaves them out and
/// uncounts them.
fn expired_images(pg: bool) -> String {
    format!(
        "SELECT i.project_id, i.id, i.processing FROM items i \
         WHERE i.expires_at <= ?2 AND i.status = 'active' AND +i.project_id IN ({})",
        json_values(pg, 1, true)
    )
}

pub(super) fn board(
    conn: &mut AnyConnection,
    viewer: &str,
    query: &BoardQuery,
    now: NaiveDateTime,
) -> Result<Board> {
    let pg = matches!(conn, AnyConnection::Pg(_));
    let filters = Filters::new(viewer, query);
    let visible = visible(pg);
    let direction = if query.descending { "DESC" } else { "ASC" };

    let page = for_backend(
        format!(
            "SELECT p.id, p.name, p.project_key, p.created_at, u.name AS created_by, \
             COUNT(*) OVER () AS total \
             FROM projects p JOIN users u ON u.id = p.user_id WHERE {visible} \
             ORDER BY p.created_at {direction}, p.id {direction} LIMIT ?8 OFFSET ?9"
        ),
        pg,
    );
    let lines: Vec<ProjectLine> = prepared(
        with_filters!(diesel::sql_query(page), filters)
            .bind::<BigInt, _>(query.per_page)
            .bind::<BigInt, _>((query.page - 1).saturating_mul(query.per_page)),
    )
    .load(conn)
    .map_err(query_err)?;
    let Some(total) = lines.first().map(|line| line.total) else {
        let count = for_backend(
            format!("SELECT COUNT(*) AS n FROM projects p WHERE {visible}"),
            pg,
        );
        let total = prepared(with_filters!(diesel::sql_query(count), filters))
            .get_result::<Count>(conn)
            .map_err(query_err)?
            .n;
        return Ok(Board {
            total,
            projects: Vec::new(),
        });
    };
    let ids: Vec<i32> = lines.iter().map(|p| p.id).collect();
    let ids = serde_json::to_string(&ids).map_err(DomainError::internal)?;

    // Kept per project and processing state by triggers on items (migration
    // 000017_project_counts): a few rows per project, however many images.
    let stats = for_backend(
        format!(
            "SELECT c.project_id, CAST(SUM(c.n) AS BIGINT) AS total, \
             CAST(SUM(CASE WHEN c.processing = 'completed' THEN c.n ELSE 0 END) AS BIGINT) AS completed, \
             CAST(SUM(CASE WHEN c.processing = 'failed' THEN c.n ELSE 0 END) AS BIGINT) AS failed \
             FROM project_counts c WHERE {} \
             GROUP BY c.project_id",
            in_json_integers(pg, "c.project_id", 1)
        ),
        pg,
    );
    let mut stats: HashMap<i32, Stats> = prepared(diesel::sql_query(stats).bind::<Text, _>(&ids))
        .load::<Stats>(conn)
        .map_err(query_err)?
        .into_iter()
        .map(|s| (s.project_id, s))
        .collect();
    let expired: Vec<ExpiredLine> = prepared(
        diesel::sql_query(for_backend(expired_images(pg), pg))
            .bind::<Text, _>(&ids)
            .bind::<Timestamp, _>(now),
    )
    .load(conn)
    .map_err(query_err)?;
    for line in &expired {
        if let Some(stats) = stats.get_mut(&line.project_id) {
            stats.total -= 1;
            stats.completed -= i64::from(line.processing == "completed");
            stats.failed -= i64::from(line.processing == "failed");
        }
    }

    // In no order: sorted here, which costs less than sorting in the statement.
    let images = for_backend(
        format!(
            "SELECT top.project_id, top.id, top.original_filename, top.processing, \
             top.quality_score, top.created_at, top.job_id, top.image_index, \
             top.group_index, top.version, top.input_description, top.download_filename, \
             top.feedback, top.feedback_comment, top.review_status, top.review_annotations, \
             c.name AS claimed_by, top.claimed_at, top.has_thumb, top.has_inputs, \
             top.processing_ms, top.place, \
             CASE WHEN top.processing = 'failed' THEN (SELECT j.error FROM media_jobs j \
               WHERE j.item_id = top.id ORDER BY j.updated_at DESC LIMIT 1) END AS error \
             FROM ({}) top LEFT JOIN users c ON c.id = top.claimer",
            first_images(pg, &image_order(query.sort_by, direction)),
        ),
        pg,
    );
    // Expired images may be among the first: asked for as many more, then left out.
    let images = with_filters!(diesel::sql_query(images), filters)
        .bind::<BigInt, _>(query.max_images + expired.len() as i64)
        .bind::<Text, _>(&ids);
    let mut images: Vec<ImageLine> = typed::<ImageColumns, _>(images)
        .load(conn)
        .map_err(query_err)?;
    if !expired.is_empty() {
        images.retain(|image| !expired.iter().any(|gone| gone.id == image.id));
    }
    if pg {
        images.sort_unstable_by_key(|image| (image.project_id, image.place));
    } else {
        images.sort_unstable_by(|a, b| {
            let order = match query.sort_by {
                SortBy::OriginalFilename => a.original_filename.cmp(&b.original_filename),
                SortBy::QualityScore => {
                    let score = |i: &ImageLine| i.quality_score.unwrap_or(-1.0);
                    score(a).total_cmp(&score(b))
                }
            }
            .then_with(|| a.id.cmp(&b.id));
            let order = if query.descending {
                order.reverse()
            } else {
                order
            };
            a.project_id.cmp(&b.project_id).then(order)
        });
    }

    // Inputs are rare: only the images whose place says they have some are looked up.
    let with_inputs: Vec<&str> = images
        .iter()
        .filter(|i| i.has_inputs)
        .map(|i| i.id.as_str())
        .collect();
    let inputs: Vec<InputLine> = if with_inputs.is_empty() {
        Vec::new()
    } else {
        let ids = serde_json::to_string(&with_inputs).map_err(DomainError::internal)?;
        prepared(diesel::sql_query(for_backend(inputs_of(pg), pg)).bind::<Text, _>(&ids))
            .load(conn)
            .map_err(query_err)?
    };
    let mut inputs_of: HashMap<String, Vec<(ItemId, bool)>> = HashMap::new();
    for line in inputs {
        inputs_of
            .entry(line.item_id)
            .or_default()
            .push((ItemId::from(line.input_id), line.has_thumb == 1));
    }
    let mut by_project: HashMap<i32, Vec<BoardImage>> = HashMap::new();
    for line in images {
        let image = BoardImage {
            has_thumb: line.has_thumb == 1,
            inputs: inputs_of.remove(&line.id).unwrap_or_default(),
            id: ItemId::from(line.id),
            job_id: line.job_id,
            image_index: line.image_index,
            group_index: line.group_index,
            version: line.version,
            original_filename: line.original_filename,
            download_filename: line.download_filename,
            input_description: line.input_description,
            status: line.processing.parse()?,
            quality_score: line.quality_score,
            processing_time: line.processing_ms.map(|ms| ms as f64 / 1000.0),
            error_message: line.error,
            feedback: line
                .feedback
                .map(|f| parse_named(&f, "feedback", "like, dislike"))
                .transpose()?,
            feedback_comment: line.feedback_comment,
            created_at: line.created_at,
            review_status: line
                .review_status
                .map(|s| parse_named(&s, "review_status", "pending, approved, rejected"))
                .transpose()?,
            review_annotations: line.review_annotations,
            retouch_claim: match (line.claimed_by, line.claimed_at) {
                (Some(by), Some(at)) => Some(Claim { by, at }),
                _ => None,
            },
        };
        let shown = by_project.entry(line.project_id).or_default();
        if (shown.len() as i64) < query.max_images {
            shown.push(image);
        }
    }
    let projects = lines
        .into_iter()
        .map(|line| {
            let stats = stats.get(&line.id);
            BoardProject {
                id: line.id,
                name: line.name,
                key: line.project_key,
                created_at: line.created_at,
                created_by: line.created_by,
                total_images: stats.map_or(0, |s| s.total),
                completed_images: stats.map_or(0, |s| s.completed),
                failed_images: stats.map_or(0, |s| s.failed),
                images: by_project.remove(&line.id).unwrap_or_default(),
            }
        })
        .collect();
    Ok(Board { total, projects })
}

#[cfg(test)]
mod tests {
    use super::for_backend;

    #[test]
    fn numbered_parameters_become_dollars_and_operators_stay() {
        let sql = "a = ?1 AND CAST(?6 AS jsonb) ? b AND c IN (?12)".to_owned();
        assert_eq!(
            for_backend(sql.clone(), true),
            "a = $1 AND CAST($6 AS jsonb) ? b AND c IN ($12)"
        );
        assert_eq!(for_backend(sql.clone(), false), sql);
    }
}
