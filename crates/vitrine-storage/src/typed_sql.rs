//! Raw SQL read by position. `diesel::sql_query` rows are `QueryableByName`: every field
//! finds its column by name, comparing it with each column's name in turn, which was ~8 %
//! of the server's work on spec 4's page (1,000 rows of 24 columns). Wrapped here with
//! the SQL types of its columns, the same statement and binds load into a `Queryable`
//! struct, field by field in the order of its columns.

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

impl<Q, ST, DB> QueryFragment<DB> for Typed<Q, ST>
where
    Q: QueryFragment<DB>,
    DB: Backend,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(pass)
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
