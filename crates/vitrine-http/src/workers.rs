//! Background work every serving process runs beside its HTTP workers.

use std::time::Duration;

use vitrine_domain::library::jobs::JobSettings;
use vitrine_domain::library::Library;

/// Starts `count` media workers on the current actix runtime. Each claims one job at a
/// time; when the queue is empty it looks again after `idle`.
pub fn spawn_media_workers(library: Library, count: usize, settings: JobSettings, idle: Duration) {
    for _ in 0..count {
        let (library, settings) = (library.clone(), settings.clone());
        actix_web::rt::spawn(async move {
            loop {
                match library.run_one_job(&settings).await {
                    Ok(true) => {}
                    Ok(false) => actix_web::rt::time::sleep(idle).await,
                    Err(err) => {
                        tracing::warn!(error = %err, "the media queue is unreachable; retrying");
                        actix_web::rt::time::sleep(idle).await;
                    }
                }
            }
        });
    }
}
