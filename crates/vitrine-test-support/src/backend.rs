//! Where a test's metadata lives, one isolated database per test.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

#[derive(Debug, Clone)]
pub enum TestBackend {
    Sqlite,
    /// A PostgreSQL server URL; each test makes a schema of its own there.
    Postgres(String),
}

pub const PG_VAR: &str = "VITRINE_TEST_PG_URL";

impl TestBackend {
    /// The PostgreSQL backend when `VITRINE_TEST_PG_URL` is set; otherwise says, visibly,
    /// that the PostgreSQL run is skipped and how to enable it.
    pub fn postgres_from_env() -> Option<TestBackend> {
        match std::env::var(PG_VAR) {
            Ok(url) if !url.is_empty() => Some(TestBackend::Postgres(url)),
            _ => {
                // Straight to the stderr handle: the test harness captures eprintln! of
                // passing tests, and a skip must be seen.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED on PostgreSQL: set {PG_VAR}=postgres://… to run it"
                );
                None
            }
        }
    }
}

/// A schema that exists for one test and is dropped with it.
pub(crate) struct PgSchema {
    server_url: String,
    name: String,
}

impl PgSchema {
    pub(crate) fn create(server_url: &str) -> PgSchema {
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

    /// The server URL with this schema first on the search path.
    pub(crate) fn url(&self) -> String {
        let separator = if self.server_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}options=-csearch_path%3D{}",
            self.server_url, self.name
        )
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.server_url) {
            let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}
