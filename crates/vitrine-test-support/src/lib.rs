#![doc = include_str!("../README.md")]

mod app;
mod backend;
pub mod fixtures;

pub use app::{TestApp, TestAppBuilder, TestUser};
pub use backend::TestBackend;

/// Runs an async scenario `fn(TestApp)` once per backend, as separate tests.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::TestApp::builder($crate::TestBackend::Sqlite).spawn().await;
                    super::$name(app).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(backend) = $crate::TestBackend::postgres_from_env() else {
                        return;
                    };
                    let app = $crate::TestApp::builder(backend).spawn().await;
                    super::$name(app).await;
                }
            )+
        }
    };
}
