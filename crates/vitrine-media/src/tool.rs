//! External tools (ffprobe, ffmpeg, heif-convert) under a time limit: a file that makes one
//! hang cannot hold a media worker, because the process is killed when its time is up.
//! What the tools print names temporary paths, so it goes to the log, never to a client.

use std::process::{Output, Stdio};
use std::time::Duration;

use vitrine_domain::{DomainError, Result};

/// How long one run of a tool may take by default.
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(120);

/// What became of one run.
pub(crate) enum Ran {
    Finished(Output),
    /// The program is not installed.
    Missing,
}

/// Runs `command` to its end or for `limit` at most; past it the process is killed and the
/// media is refused (422) as one this server cannot process in time.
pub(crate) async fn run(
    mut command: tokio::process::Command,
    limit: Duration,
    what: &str,
) -> Result<Ran> {
    command.stdin(Stdio::null()).kill_on_drop(true);
    match tokio::time::timeout(limit, command.output()).await {
        Ok(Ok(output)) => Ok(Ran::Finished(output)),
        Ok(Err(err)) if err.kind() == std::io::ErrorKind::NotFound => Ok(Ran::Missing),
        Ok(Err(err)) => Err(DomainError::internal(err)),
        // Dropping the output future dropped the child, which kill_on_drop kills.
        Err(_) => {
            tracing::warn!(
                tool = what,
                limit_secs = limit.as_secs_f64(),
                "a media tool ran out of time and was killed"
            );
            Err(DomainError::Unprocessable(format!(
                "the file took longer than {} s to {what}",
                limit.as_secs()
            )))
        }
    }
}

/// A failed run, logged with what the tool said and answered without it.
pub(crate) fn refusal(output: &Output, tool: &str, what: &str) -> DomainError {
    let said: String = String::from_utf8_lossy(&output.stderr)
        .trim()
        .chars()
        .take(500)
        .collect();
    tracing::warn!(tool, status = %output.status, stderr = %said, "a media tool failed");
    DomainError::Unprocessable(format!("the file cannot be {what}"))
}
