//! One connection type over both backends, chosen from the URL scheme by our own code.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::StorageError;

pub(crate) const SQLITE_MIGRATIONS: EmbeddedMigrations =
    embed_migrations!("../../migrations/sqlite");
pub(crate) const POSTGRES_MIGRATIONS: EmbeddedMigrations =
    embed_migrations!("../../migrations/postgres");

/// Serialises migrations of instances that start together on one PostgreSQL database.
const MIGRATION_LOCK_KEY: i64 = 0x0056_4954_5249_4e45; // "VITRINE" in ASCII

/// A connection to whichever backend the URL chose; diesel code runs on both.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// PostgreSQL.
    Pg(PgConnection),
    /// SQLite (the embedded default).
    Sqlite(SqliteConnection),
}

/// Runs the same diesel code on the backend's own connection. Through `AnyConnection` a
/// query is wrapped for whichever backend runs it, and the wrapper has no type to find
/// its prepared statement by: diesel writes the query's whole SQL text on every call to
/// look it up (a third of a GET item's CPU). On the concrete connection the statement is
/// found by the query's type. For the hottest reads; the body is compiled once per backend.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::connection::AnyConnection::Pg($c) => $body,
            $crate::connection::AnyConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `postgres://` or `postgresql://`.
    Postgres,
    /// `sqlite://PATH` or a plain path.
    Sqlite,
}

impl Backend {
    /// Reads the scheme: `postgres://`/`postgresql://`, `sqlite://PATH`, or a plain path.
    pub fn from_url(url: &str) -> Result<(Backend, String), StorageError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok((Backend::Postgres, with_connect_timeout(url)));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Ok((Backend::Sqlite, path.to_owned()));
        }
        if url.contains("://") || url.is_empty() {
            return Err(StorageError::UnsupportedUrl(url.to_owned()));
        }
        Ok((Backend::Sqlite, url.to_owned()))
    }

    /// SQLite answers a read in microseconds from the calling thread, so a few
    /// connections keep both cores busy; PostgreSQL's are mostly waiting on the socket,
    /// so more of them are needed to keep its server busy, but not so many that its
    /// processes fight over the cores (docs/OPERATIONS.md, "Database connections").
    pub fn default_pool_size(self, cores: usize) -> u32 {
        let cores = u32::try_from(cores).unwrap_or(u32::MAX);
        match self {
            Backend::Sqlite => cores.saturating_mul(2).max(4),
            Backend::Postgres => cores.saturating_mul(4).max(8),
        }
    }
}

/// libpq waits for the kernel's TCP timeout by default; a service should fail fast instead.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&connect_timeout=5")
    } else {
        format!("{url}?connect_timeout=5")
    }
}

/// r2d2 manager that knows which backend it makes, so errors are the real ones.
#[derive(Debug, Clone)]
pub(crate) struct Manager {
    backend: Backend,
    url: String,
}

impl Manager {
    pub(crate) fn new(backend: Backend, url: String) -> Self {
        Self { backend, url }
    }

    pub(crate) fn connect(&self) -> Result<AnyConnection, StorageError> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.url)
                .map(AnyConnection::Pg)
                .map_err(|err| StorageError::Connect(err.to_string())),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url)
                    .map_err(|err| StorageError::Connect(err.to_string()))?;
                // Per connection: a fresh SQLite connection has foreign keys off, and
                // WAL plus a busy timeout lets readers and one writer work side by side.
                // Listings visit rows scattered over a large file: memory-mapping it (2 GiB
                // of address space, not of memory) and a 32 MiB page cache spare a read
                // system call per page, which is most of a filtered query's time at a
                // million items.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                     PRAGMA mmap_size = 2147483648; PRAGMA cache_size = -32768;",
                )
                .map_err(|err| StorageError::Connect(err.to_string()))?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }
}

/// A pooled connection and what the pool knows of its health.
pub(crate) struct Pooled {
    pub(crate) conn: AnyConnection,
    /// When it was last given back, or made.
    returned_at: Instant,
    /// Its last work failed in a way a lost connection would explain.
    pub(crate) suspect: bool,
}

/// A connection given back this recently and not suspect is handed out again without a
/// `SELECT 1`, which on PostgreSQL is a round trip per request; one idle longer (a
/// restarted server, a proxy's idle timeout) or whose last work failed is tested first.
/// Under load connections come back within milliseconds, so the test is skipped there.
const TRUSTED_FOR: Duration = Duration::from_secs(1);

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = StorageError;

    fn connect(&self) -> Result<Pooled, StorageError> {
        Ok(Pooled {
            conn: Manager::connect(self)?,
            returned_at: Instant::now(),
            suspect: false,
        })
    }

    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), StorageError> {
        if !pooled.suspect && pooled.returned_at.elapsed() < TRUSTED_FOR {
            return Ok(());
        }
        pooled
            .conn
            .batch_execute("SELECT 1")
            .map_err(StorageError::Query)?;
        pooled.suspect = false;
        Ok(())
    }

    /// A connection given back mid-transaction (its work panicked) is closed, never
    /// handed out again with the half-done transaction still open.
    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        pooled.returned_at = Instant::now();
        let depth = match &mut pooled.conn {
            AnyConnection::Pg(c) => {
                AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
            }
            AnyConnection::Sqlite(c) => {
                AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
            }
        };
        std::thread::panicking() || !matches!(depth, Ok(None))
    }
}

pub(crate) type Pool = r2d2::Pool<Manager>;

/// Whether the linked SQLite plans a statement once, whatever is bound to it: built with
/// SQLITE_ENABLE_QPSG, as this workspace builds it (`.cargo/config.toml`). Without it a
/// statement with a `LIMIT ?` is parsed and planned again on every call.
pub(crate) fn sqlite_plans_once(conn: &mut AnyConnection) -> bool {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(
        "SELECT count(*) AS n FROM pragma_compile_options WHERE compile_options = 'ENABLE_QPSG'",
    )
    .get_result::<Found>(conn)
    .is_ok_and(|found| found.n == 1)
}

/// Brings the schema up to date; on PostgreSQL under an advisory lock so several
/// instances starting at once do not race each other.
pub(crate) fn migrate(conn: &mut AnyConnection) -> Result<(), StorageError> {
    let failed =
        |err: Box<dyn std::error::Error + Send + Sync>| StorageError::Migrate(err.to_string());
    match conn {
        AnyConnection::Sqlite(conn) => {
            conn.run_pending_migrations(SQLITE_MIGRATIONS)
                .map_err(failed)?;
        }
        AnyConnection::Pg(conn) => {
            conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let outcome = conn.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ());
            conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            outcome.map_err(failed)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_backend() {
        assert_eq!(
            Backend::from_url("postgres://h/db").unwrap().0,
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("sqlite:///tmp/x.db").unwrap(),
            (Backend::Sqlite, "/tmp/x.db".into())
        );
        assert_eq!(Backend::from_url("data/x.db").unwrap().0, Backend::Sqlite);
        assert!(Backend::from_url("mysql://h/db").is_err());
    }

    /// The flag in `.cargo/config.toml` reaches the bundled SQLite; without it every
    /// `.first()` is parsed again on each call (docs/BENCHMARKS.md).
    #[test]
    fn the_bundled_sqlite_plans_each_statement_once() {
        let manager = Manager::new(Backend::Sqlite, ":memory:".to_owned());
        let mut conn = Manager::connect(&manager).unwrap_or_else(|err| panic!("{err}"));
        assert!(sqlite_plans_once(&mut conn));
    }

    #[test]
    fn postgres_urls_get_a_connect_timeout() {
        let (_, url) = Backend::from_url("postgres://h/db?sslmode=disable").unwrap();
        assert_eq!(url, "postgres://h/db?sslmode=disable&connect_timeout=5");
    }
}
