//! Videos through ffprobe (duration, size, codec) and ffmpeg (a still). Where they are
//! not installed, videos are stored without a still and the server says so once.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use vitrine_domain::ports::{ByteStream, VideoInfo};
use vitrine_domain::{DomainError, Result};

use crate::tool::{self, Ran};

/// Where the tools are (`ffmpeg`/`ffprobe` on the PATH by default) and how long one run may
/// take before it is killed.
#[derive(Debug, Clone)]
pub struct VideoTools {
    pub ffmpeg: String,
    pub ffprobe: String,
    pub timeout: Duration,
}

impl Default for VideoTools {
    fn default() -> Self {
        Self {
            ffmpeg: "ffmpeg".to_owned(),
            ffprobe: "ffprobe".to_owned(),
            timeout: tool::DEFAULT_TOOL_TIMEOUT,
        }
    }
}

static WARNED: AtomicBool = AtomicBool::new(false);

#[derive(Deserialize)]
struct Probed {
    #[serde(default)]
    streams: Vec<Stream>,
    format: Option<Format>,
}

#[derive(Deserialize)]
struct Stream {
    codec_type: Option<String>,
    codec_name: Option<String>,
    width: Option<i32>,
    height: Option<i32>,
}

#[derive(Deserialize)]
struct Format {
    duration: Option<String>,
}

/// The stream in a temporary file: ffmpeg wants to seek.
async fn to_temp_file(mut bytes: ByteStream) -> Result<tempfile::NamedTempFile> {
    let file = tempfile::NamedTempFile::new().map_err(DomainError::internal)?;
    let mut out = tokio::fs::File::from_std(file.reopen().map_err(DomainError::internal)?);
    while let Some(chunk) = bytes.next().await {
        out.write_all(&chunk?)
            .await
            .map_err(DomainError::internal)?;
    }
    out.flush().await.map_err(DomainError::internal)?;
    Ok(file)
}

impl VideoTools {
    /// Remuxes without global, stream and chapter metadata; the streams are copied.
    pub async fn strip(&self, bytes: ByteStream, max_bytes: u64) -> Result<Vec<u8>> {
        let input = to_temp_file(bytes).await?;
        let dir = tempfile::tempdir().map_err(DomainError::internal)?;
        let output_path = dir.path().join("stripped.mp4");
        let mut command = tokio::process::Command::new(&self.ffmpeg);
        command
            .args(["-v", "error", "-i"])
            .arg(input.path())
            .args(["-map", "0", "-map_metadata", "-1", "-map_chapters", "-1"])
            .args(["-map_metadata:s", "-1", "-c", "copy", "-f", "mp4"])
            .arg(&output_path);
        let output = match tool::run(command, self.timeout, "rewrite without metadata").await? {
            Ran::Finished(output) => output,
            Ran::Missing => {
                return Err(DomainError::Unprocessable(
                    "this server cannot remove a video's metadata (no ffmpeg)".to_owned(),
                ))
            }
        };
        if !output.status.success() {
            return Err(tool::refusal(
                &output,
                "ffmpeg",
                "rewritten without metadata",
            ));
        }
        let size = tokio::fs::metadata(&output_path)
            .await
            .map_err(DomainError::internal)?
            .len();
        if size > max_bytes {
            return Err(DomainError::TooLarge(format!(
                "the video is over the {max_bytes} bytes that can be rewritten on request"
            )));
        }
        tokio::fs::read(&output_path)
            .await
            .map_err(DomainError::internal)
    }

    pub async fn inspect(&self, bytes: ByteStream) -> Result<Option<VideoInfo>> {
        let file = to_temp_file(bytes).await?;
        let path = file.path();
        let Some(probed) = self.run_ffprobe(path).await? else {
            return Ok(None);
        };
        let video = probed
            .streams
            .iter()
            .find(|s| s.codec_type.as_deref() == Some("video"));
        let duration_secs = probed
            .format
            .and_then(|f| f.duration)
            .and_then(|d| d.parse::<f64>().ok());
        let at = duration_secs.map_or(0.0, |d| (d / 2.0).min(1.0));
        Ok(Some(VideoInfo {
            width: video.and_then(|s| s.width),
            height: video.and_then(|s| s.height),
            codec: video.and_then(|s| s.codec_name.clone()),
            duration_secs,
            frame: self.still(path, at).await,
        }))
    }

    async fn run_ffprobe(&self, path: &Path) -> Result<Option<Probed>> {
        let mut command = tokio::process::Command::new(&self.ffprobe);
        command
            .args([
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
            ])
            .arg(path);
        let output = match tool::run(command, self.timeout, "read as a video").await? {
            Ran::Finished(output) => output,
            Ran::Missing => {
                if !WARNED.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        ffprobe = %self.ffprobe,
                        "ffprobe/ffmpeg not found: videos are stored without duration or still"
                    );
                }
                return Ok(None);
            }
        };
        if !output.status.success() {
            return Err(tool::refusal(&output, "ffprobe", "read as a video"));
        }
        serde_json::from_slice(&output.stdout)
            .map(Some)
            .map_err(DomainError::internal)
    }

    /// One frame as JPEG; `None` when ffmpeg cannot take one (the job still completes).
    async fn still(&self, path: &Path, at: f64) -> Option<Vec<u8>> {
        let mut command = tokio::process::Command::new(&self.ffmpeg);
        command
            .args(["-v", "error", "-ss", &format!("{at:.3}"), "-i"])
            .arg(path)
            .args([
                "-frames:v",
                "1",
                "-f",
                "image2",
                "-c:v",
                "mjpeg",
                "-q:v",
                "3",
                "pipe:1",
            ]);
        let Ok(Ran::Finished(output)) = tool::run(command, self.timeout, "take a still").await
        else {
            return None;
        };
        if output.status.success() && output.stdout.starts_with(&[0xFF, 0xD8]) {
            Some(output.stdout)
        } else {
            drop(tool::refusal(&output, "ffmpeg", "made into a still"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// A stand-in for ffprobe: a shell script that does `body`.
    fn fake_tool(dir: &Path, body: &str) -> String {
        let path = dir.join("ffprobe");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.display().to_string()
    }

    fn clip() -> ByteStream {
        Box::pin(futures::stream::iter([Ok(bytes::Bytes::from_static(
            b"not really a video",
        ))]))
    }

    #[tokio::test]
    async fn a_tool_that_hangs_is_killed_when_its_time_is_up() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let tools = VideoTools {
            ffprobe: fake_tool(
                dir.path(),
                &format!("echo $$ > {}\nexec sleep 30", pid_file.display()),
            ),
            timeout: Duration::from_millis(500),
            ..VideoTools::default()
        };
        let started = std::time::Instant::now();
        let refused = tools.inspect(clip()).await;
        assert!(
            matches!(&refused, Err(DomainError::Unprocessable(m)) if m.contains("longer than")),
            "{refused:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "it waited for the tool"
        );
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        // Killed and reaped: the process is gone, not left sleeping.
        let proc_dir = format!("/proc/{}", pid.trim());
        for _ in 0..50 {
            if !Path::new(&proc_dir).exists() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let state = std::fs::read_to_string(format!("{proc_dir}/stat")).unwrap_or_default();
        assert!(state.contains(") Z "), "the tool still runs: {state}");
    }

    #[tokio::test]
    async fn what_a_tool_says_never_reaches_the_client() {
        let dir = tempfile::tempdir().unwrap();
        let tools = VideoTools {
            ffprobe: fake_tool(
                dir.path(),
                "echo \"$1: /tmp/secret-upload-path invalid\" >&2; exit 1",
            ),
            ..VideoTools::default()
        };
        let refused = tools.inspect(clip()).await;
        let Err(DomainError::Unprocessable(message)) = refused else {
            panic!("{refused:?}");
        };
        assert!(!message.contains("/tmp"), "{message}");
        assert!(!message.contains("secret"), "{message}");
    }
}
