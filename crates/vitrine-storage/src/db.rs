//! The database handle: a pool, and the ways to use it: off the async runtime (`run`,
//! `write`), or in place for a point read on SQLite (`look_up`).

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use vitrine_domain::ports::Vitals;
use vitrine_domain::{DomainError, Result};

use crate::connection::{migrate, sqlite_plans_once, AnyConnection, Backend, Manager, Pool};
use crate::error::StorageError;

/// The database: a pool of connections to SQLite or PostgreSQL, and every repository port
/// of the domain implemented over it.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    /// One permit per pooled connection: a request waits for one here, as a future,
    /// before it takes a blocking thread, so no more threads wait on the database than it
    /// has connections (before, every waiting request parked a blocking thread on the
    /// pool's condition variable).
    permits: Arc<tokio::sync::Semaphore>,
    /// How often a caller found no permit free and waited (`/metrics`).
    waits: Arc<std::sync::atomic::AtomicU64>,
    size: u32,
}

/// How a `Db` sizes its pool.
#[derive(Debug, Clone, Copy, Default)]
pub struct DbOptions {
    /// Connections held at most; default `Backend::default_pool_size`.
    pub max_connections: Option<u32>,
}

impl Db {
    /// Connects (once, directly, to report the real error fast), migrates, builds the pool.
    pub fn connect(url: &str) -> Result<Db, StorageError> {
        Db::connect_with(url, DbOptions::default())
    }

    /// `connect`, with the pool sized by `options`.
    pub fn connect_with(url: &str, options: DbOptions) -> Result<Db, StorageError> {
        let (backend, url) = Backend::from_url(url)?;
        if backend == Backend::Sqlite {
            if let Some(dir) = std::path::Path::new(&url).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|err| {
                        StorageError::Connect(format!("{}: {err}", dir.display()))
                    })?;
                }
            }
        }
        let manager = Manager::new(backend, url);
        let mut first = manager.connect()?;
        migrate(&mut first)?;
        if backend == Backend::Sqlite && !sqlite_plans_once(&mut first) {
            tracing::warn!(
                "SQLite was built without SQLITE_ENABLE_QPSG: statements with a LIMIT are \
                 planned again on every call (build with LIBSQLITE3_FLAGS=-DSQLITE_ENABLE_QPSG)"
            );
        }
        drop(first);
        // Connections are opened as they are needed, not 16 at once on r2d2's background
        // threads: a short command (`key create`) would otherwise exit while those threads
        // were still inside libpq, and its exit handlers crashed the process (SIGSEGV) in
        // about one run of five.
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let size = options
            .max_connections
            .unwrap_or_else(|| backend.default_pool_size(cores))
            .max(1);
        let pool = Pool::builder()
            .max_size(size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(10))
            .build_unchecked(manager);
        let permits = Arc::new(tokio::sync::Semaphore::new(size as usize));
        Ok(Db {
            pool,
            backend,
            permits,
            waits: Arc::default(),
            size,
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs `f` with a pooled connection on the blocking pool; the connection goes back to
    /// the pool before the future resolves, so none is ever held across an `.await`.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T> + Send + 'static,
    {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                self.count_wait();
                self.permits
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(DomainError::internal)?
            }
        };
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            with_pooled(&pool, f)
        })
        .await
        .map_err(DomainError::internal)?
    }

    /// A read of one row or a few by key (an item, a media file's blob). On SQLite it runs
    /// in place, on the calling task's thread: such a read takes tens of microseconds and
    /// a reader in WAL mode never waits for a writer, while the hand-off to a blocking
    /// thread and back cost more than the read itself (docs/ARCHITECTURE.md, "Point reads
    /// in place"). On PostgreSQL it is `run`: a network round trip must not hold an async
    /// worker. Never for scans, whose time grows with the library.
    pub async fn look_up<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T> + Send + 'static,
    {
        if self.backend != Backend::Sqlite {
            return self.run(f).await;
        }
        let _permit = match self.permits.try_acquire() {
            Ok(permit) => permit,
            Err(_) => {
                self.count_wait();
                self.permits
                    .acquire()
                    .await
                    .map_err(DomainError::internal)?
            }
        };
        with_pooled(&self.pool, f)
    }

    fn count_wait(&self) {
        self.waits
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Like `run`, inside a write transaction. SQLite's deferred transactions fail with
    /// "database is locked" when a reader upgrades to a writer under contention; starting
    /// with `BEGIN IMMEDIATE` makes writers queue on the busy timeout instead.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T> + Send + 'static,
    {
        self.run(move |conn| write_transaction(conn, f)).await
    }
}

#[async_trait::async_trait]
impl vitrine_domain::ports::Health for Db {
    async fn ping(&self) -> Result<()> {
        self.run(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SELECT 1")
                .map_err(crate::error::query_err)
        })
        .await
    }

    async fn vitals(&self) -> Result<Vitals> {
        let (pending, processing, completed, failed, oldest) =
            self.run(crate::jobs::queue_counts).await?;
        let free = self.permits.available_permits() as u64;
        Ok(Vitals {
            connections_max: u64::from(self.size),
            connections_in_use: u64::from(self.size).saturating_sub(free),
            connections_idle: u64::from(self.pool.state().idle_connections),
            connection_waits: self.waits.load(std::sync::atomic::Ordering::Relaxed),
            jobs_pending: pending,
            jobs_processing: processing,
            jobs_completed: completed,
            jobs_failed: failed,
            oldest_pending_job: oldest,
        })
    }
}

fn write_transaction<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T>,
) -> Result<T> {
    type Manager = <AnyConnection as Connection>::TransactionManager;
    let begun = match conn {
        AnyConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")
        }
        AnyConnection::Pg(_) => Manager::begin_transaction(conn),
    };
    begun.map_err(crate::error::query_err)?;
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn).map_err(crate::error::query_err)?;
            Ok(value)
        }
        Err(err) => {
            if let Err(rollback) = Manager::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(err)
        }
    }
}

/// Runs `f` on a connection from the pool, where a permit says one is free. Refusals and
/// absences are answers; anything else may be a lost connection, which the pool tests
/// before handing this one out again.
fn with_pooled<T>(pool: &Pool, f: impl FnOnce(&mut AnyConnection) -> Result<T>) -> Result<T> {
    let mut pooled = pool
        .get()
        .map_err(|e| DomainError::from(StorageError::from(e)))?;
    let outcome = f(&mut pooled.conn);
    pooled.suspect = matches!(outcome, Err(DomainError::Internal(_)));
    outcome
}
