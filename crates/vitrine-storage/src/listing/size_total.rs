//! The total of a listing filtered by size and at most status and type: whole size
//! classes summed from `item_size_counts` (kept by triggers, migration 000009), and only
//! the items between a bound and its class's end counted in `items`.

use diesel::prelude::*;
use vitrine_domain::item::{ItemQuery, ItemStatus, KindFilter, MediaKind};
use vitrine_domain::Result;

use super::DbBackend;
use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{item_size_counts, items};

/// A size cut to its two leading decimal digits (1,234,567 → 1,200,000; below 100, the
/// size itself): 90 classes per power of ten, each at most a tenth of its sizes wide.
/// Migration 000009 computes the same in SQL; the two must agree.
pub(crate) fn size_class(size: i64) -> i64 {
    if size < 100 {
        return size;
    }
    let unit = 10_i64.pow(size.ilog10() - 1);
    size / unit * unit
}

/// The first class start at or above `size`; `None` past the last class.
fn class_start_from(size: i64) -> Option<i64> {
    let class = size_class(size);
    if class == size {
        return Some(size);
    }
    class.checked_add(10_i64.pow(class.ilog10() - 1))
}

/// The number of the owner's items in the query's status and kind with a size within the
/// query's bounds. The planner chose it (`Total::SizeClasses`).
pub(crate) fn total_by_size(
    conn: &mut AnyConnection,
    owner: &str,
    query: &ItemQuery,
) -> Result<i64> {
    let at_least = |conn: &mut AnyConnection, size: i64| at_least(conn, owner, query, size);
    let from = at_least(conn, query.min_size.unwrap_or(0).max(0))?;
    let past = match query.max_size.and_then(|max| max.checked_add(1)) {
        Some(above) if above > 0 => at_least(conn, above)?,
        Some(_) => from,
        None => 0,
    };
    Ok(from - past)
}

/// How many of the listed items are `size` bytes or larger.
fn at_least(conn: &mut AnyConnection, owner: &str, query: &ItemQuery, size: i64) -> Result<i64> {
    let statuses: Vec<&str> = match query.status {
        Some(status) => vec![status.as_str()],
        None => vec![ItemStatus::Active.as_str(), ItemStatus::Trash.as_str()],
    };
    // Every kind named, so both backends seek the index (user, status, kind, size) per
    // kind rather than read all of the owner's sizes.
    let kinds: Vec<&str> = match query.effective_kind() {
        KindFilter::Only(kind) => vec![kind.as_str()],
        KindFilter::Any => vec![MediaKind::Image.as_str(), MediaKind::Video.as_str()],
        KindFilter::Nothing => return Ok(0),
    };
    let start = class_start_from(size);
    let mut whole = 0;
    if let Some(start) = start {
        let counts: Vec<i64> = item_size_counts::table
            .filter(item_size_counts::user_id.eq(owner))
            .filter(item_size_counts::status.eq_any(&statuses))
            .filter(item_size_counts::kind.eq_any(&kinds))
            .filter(item_size_counts::size_class.ge(start))
            .select(item_size_counts::n)
            .load(conn)
            .map_err(query_err)?;
        whole = counts.into_iter().sum();
    }
    if start == Some(size) {
        return Ok(whole);
    }
    let mut partial = items::table
        .filter(items::user_id.eq(owner))
        .filter(items::status.eq_any(&statuses))
        .filter(items::kind.eq_any(&kinds))
        .filter(items::size.ge(size))
        .into_boxed::<DbBackend>();
    if let Some(start) = start {
        partial = partial.filter(items::size.lt(start));
    }
    let partial: i64 = partial.count().get_result(conn).map_err(query_err)?;
    Ok(whole + partial)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_keep_two_leading_digits() {
        assert_eq!(size_class(0), 0);
        assert_eq!(size_class(99), 99);
        assert_eq!(size_class(100), 100);
        assert_eq!(size_class(1_234_567), 1_200_000);
        assert_eq!(size_class(100_000_000), 100_000_000);
        assert_eq!(size_class(i64::MAX), 9_200_000_000_000_000_000);
    }

    #[test]
    fn a_bound_inside_a_class_starts_counting_at_the_next() {
        assert_eq!(class_start_from(42), Some(42));
        assert_eq!(class_start_from(100_000_000), Some(100_000_000));
        assert_eq!(class_start_from(123_456_789), Some(130_000_000));
        assert_eq!(class_start_from(999), Some(1_000));
        assert_eq!(class_start_from(i64::MAX), None);
    }
}
