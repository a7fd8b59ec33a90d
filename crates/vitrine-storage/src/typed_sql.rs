//! Raw SQL read by position. `diesel::sql_query` rows are `QueryableByName`: every field
//! finds its column by name, comparing it with each column's name in turn, which was ~8 %
//! of the server's work on spec 4's page (1,000 rows of 24 columns). Wrapped here with
//! the SQL types of its columns, the same statement and binds load into a `Queryable`
//! struct, field by field in the order of its columns.
//!
//! Either way the statement is prepared once per connection and kept (diesel keeps
//! `sql_query` statements for no one, as it cannot know their text is one of few): the
//! statements wrapped here are built from a handful of variants, so the cache stays
//! small, and SQLite parses and PostgreSQL analyses each variant once, not on every page.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// `query` (an `sql_query` with its binds) whose rows have the SQL types `ST`, in order.
pub(crate) struct Typed<Q, ST> {
    query: Q,
    row: PhantomData<ST>,
}

pub(crate) fn typed<ST, Q>(query: Q) -> Typed<Q, ST> {
    Typed {
        query,
        row: PhantomData,
    }
}

/// `query` as it is (rows by name), prepared once per connection.
pub(crate) fn prepared<Q: Query>(query: Q) -> Typed<Q, Q::SqlType> {
    typed(query)
}

impl<Q, ST, DB> QueryFragment<DB> for Typed<Q, ST>
where
    Q: QueryFragment<DB>,
    DB: Backend,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(pass)
    }

    /// Kept in the connection's statement cache, keyed by its text and bind types. Only
    /// statements whose text comes from a few variants are wrapped here (module doc).
    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q, ST> QueryId for Typed<Q, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, ST> Query for Typed<Q, ST> {
    type SqlType = ST;
}

impl<Q, ST, Conn> RunQueryDsl<Conn> for Typed<Q, ST> {}
