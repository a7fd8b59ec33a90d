//! Where a test's metadata lives, one isolated database per test.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};

#[derive(Debug, Clone)]
pub enum TestBackend {
    Sqlite,
    /// A PostgreSQL server URL; each test makes a schema of its own there.
    Postgres(String),
}

pub const PG_VAR: &str = "VITRINE_TEST_PG_URL";
pub const S3_VAR: &str = "VITRINE_TEST_S3_URL";

/// The bucket every S3 test shares; each test works under a prefix of its own.
pub const S3_TEST_BUCKET: &str = "vitrine-test";

/// Where a test's blobs live.
#[derive(Debug, Clone)]
pub enum TestStore {
    /// A folder in the test's temp dir.
    Local,
    /// An S3-compatible endpoint on loopback, e.g. `http://127.0.0.1:5055`.
    S3(String),
}

impl TestStore {
    /// The S3 store when `VITRINE_TEST_S3_URL` is set; otherwise reports the skip.
    pub fn s3_from_env() -> Option<TestStore> {
        match std::env::var(S3_VAR) {
            Ok(url) if !url.is_empty() => Some(TestStore::S3(url)),
            _ => {
                skipped(&format!(
                    "on S3: set {S3_VAR}=http://127.0.0.1:PORT (an S3-compatible server) to run it"
                ));
                None
            }
        }
    }
}

/// Says a run (or part of one) was skipped where it is seen: straight to the stderr
/// handle, because the test harness captures `eprintln!` of passing tests.
pub fn skipped(what: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {what}");
}

impl TestBackend {
    /// The PostgreSQL backend when `VITRINE_TEST_PG_URL` is set; otherwise says, visibly,
    /// that the PostgreSQL run is skipped and how to enable it.
    pub fn postgres_from_env() -> Option<TestBackend> {
        match std::env::var(PG_VAR) {
            Ok(url) if !url.is_empty() => Some(TestBackend::Postgres(url)),
            _ => {
                skipped(&format!(
                    "on PostgreSQL: set {PG_VAR}=postgres://… to run it"
                ));
                None
            }
        }
    }
}

/// A schema that exists for one test and is dropped with it.
pub struct PgSchema {
    server_url: String,
    name: String,
}

impl PgSchema {
    pub fn create(server_url: &str) -> PgSchema {
        let name = format!("vitrine_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(server_url)
            .unwrap_or_else(|err| panic!("{PG_VAR}={server_url}: {err}"));
        conn.batch_execute(&format!("CREATE SCHEMA {name}"))
            .unwrap_or_else(|err| panic!("creating schema {name}: {err}"));
        PgSchema {
            server_url: server_url.to_owned(),
            name,
        }
    }

    /// The server URL with this schema first on the search path; its connections carry
    /// the schema's name as their application name, so a test can find its own.
    pub fn url(&self) -> String {
        let separator = if self.server_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}options=-csearch_path%3D{name}&application_name={name}",
            self.server_url,
            name = self.name
        )
    }

    /// Has the server close every connection made with this schema's URL, as a restart
    /// would; the number closed.
    pub fn close_connections(&self) -> usize {
        let mut conn = PgConnection::establish(&self.server_url)
            .unwrap_or_else(|err| panic!("{PG_VAR}={}: {err}", self.server_url));
        diesel::sql_query(format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = '{}'",
            self.name
        ))
        .execute(&mut conn)
        .unwrap_or_else(|err| panic!("closing connections: {err}"))
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.server_url) {
            let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}
