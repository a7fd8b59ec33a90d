#![doc = include_str!("../README.md")]

mod app;
mod backend;
pub mod fixtures;
mod process;
mod visitor;

pub use app::{s3_test_settings, TestApp, TestAppBuilder, TestUser};
pub use backend::{skipped, PgSchema, TestBackend, TestStore, PG_VAR, S3_TEST_BUCKET, S3_VAR};
pub use process::{get_json, ServerProcess, Vitrine};
pub use visitor::Visitor;

/// Runs each async scenario `fn(TestApp)` once per database and blob store, as separate
/// tests: `sqlite_local`, `sqlite_s3`, `postgres_local`, `postgres_s3`. The PostgreSQL and
/// S3 runs need `VITRINE_TEST_PG_URL` / `VITRINE_TEST_S3_URL` and say so when skipped.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        $crate::backend_tests!(@combo sqlite_local, Some($crate::TestBackend::Sqlite), Some($crate::TestStore::Local), $($name),+);
        $crate::backend_tests!(@combo sqlite_s3, Some($crate::TestBackend::Sqlite), $crate::TestStore::s3_from_env(), $($name),+);
        $crate::backend_tests!(@combo postgres_local, $crate::TestBackend::postgres_from_env(), Some($crate::TestStore::Local), $($name),+);
        $crate::backend_tests!(@combo postgres_s3, $crate::TestBackend::postgres_from_env(), $crate::TestStore::s3_from_env(), $($name),+);
    };
    (@combo $module:ident, $database:expr, $store:expr, $($name:ident),+) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (Some(database), Some(store)) = ($database, $store) else {
                        return;
                    };
                    let app = $crate::TestApp::builder(database).with_store(store).spawn().await;
                    super::$name(app).await;
                }
            )+
        }
    };
}

/// Runs each async scenario `fn(TestBackend)` once per database, as `sqlite::NAME` and
/// `postgres::NAME`: for scenarios that build their own `TestApp` (custom limits, no
/// media workers) or need no blob store. The PostgreSQL run needs `VITRINE_TEST_PG_URL`.
#[macro_export]
macro_rules! database_tests {
    ($($name:ident),+ $(,)?) => {
        $crate::database_tests!(@run sqlite, Some($crate::TestBackend::Sqlite), $($name),+);
        $crate::database_tests!(@run postgres, $crate::TestBackend::postgres_from_env(), $($name),+);
    };
    (@run $module:ident, $database:expr, $($name:ident),+) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(database) = $database {
                        super::$name(database).await;
                    }
                }
            )+
        }
    };
}
