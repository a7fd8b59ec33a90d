//! The domain's units of work over one database transaction: `Transactions` opens it,
//! `TxConn` carries the steps. The steps of each aggregate live beside its repository
//! (`folders.rs`, `collections.rs`).

use std::any::Any;

use async_trait::async_trait;
use diesel::sql_types::Text;
use diesel::RunQueryDsl;
use vitrine_domain::tx::{BoxedWork, Lock, Transactions, Tx};
use vitrine_domain::Result;

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::Db;

/// An open write transaction, as the domain's steps see it.
pub(crate) struct TxConn<'a> {
    pub(crate) conn: &'a mut AnyConnection,
}

impl Tx for TxConn<'_> {
    fn lock(&mut self, lock: &Lock) -> Result<()> {
        lock_named(self.conn, &lock.key())
    }
}

/// Holds a lock named `key` until the transaction ends. PostgreSQL takes a transaction-
/// scoped advisory lock on the name's 64-bit hash (two names sharing a hash only wait for
/// each other); SQLite's write transactions begin `IMMEDIATE` and so already run one at a
/// time.
pub(crate) fn lock_named(conn: &mut AnyConnection, key: &str) -> Result<()> {
    if let AnyConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))::text")
            .bind::<Text, _>(key)
            .execute(pg)
            .map_err(query_err)?;
    }
    Ok(())
}

#[async_trait]
impl Transactions for Db {
    async fn run_boxed(&self, work: BoxedWork) -> Result<Box<dyn Any + Send>> {
        self.write(move |conn| work(&mut TxConn { conn })).await
    }
}
