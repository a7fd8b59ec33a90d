//! Videos through ffprobe (duration, size, codec) and ffmpeg (a still). Where they are
//! not installed, videos are stored without a still and the server says so once.

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::StreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use vitrine_domain::ports::{ByteStream, VideoInfo};
use vitrine_domain::{DomainError, Result};

/// Where the tools are; `ffmpeg`/`ffprobe` on the PATH by default.
#[derive(Debug, Clone)]
pub struct VideoTools {
    pub ffmpeg: String,
    pub ffprobe: String,
}

impl Default for VideoTools {
    fn default() -> Self {
        Self {
            ffmpeg: "ffmpeg".to_owned(),
            ffprobe: "ffprobe".to_owned(),
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
        let output = tokio::process::Command::new(&self.ffmpeg)
            .args(["-v", "error", "-i"])
            .arg(input.path())
            .args(["-map", "0", "-map_metadata", "-1", "-map_chapters", "-1"])
            .args(["-map_metadata:s", "-1", "-c", "copy", "-f", "mp4"])
            .arg(&output_path)
            .output()
            .await
            .map_err(|err| {
                DomainError::Unprocessable(format!(
                    "this server cannot remove a video's metadata ({}: {err})",
                    self.ffmpeg
                ))
            })?;
        if !output.status.success() {
            return Err(DomainError::Unprocessable(format!(
                "the video's metadata cannot be removed: {}",
                stderr(&output)
            )));
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
        let output = tokio::process::Command::new(&self.ffprobe)
            .args([
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
            ])
            .arg(path)
            .output()
            .await;
        let output = match output {
            Ok(output) => output,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if !WARNED.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        ffprobe = %self.ffprobe,
                        "ffprobe/ffmpeg not found: videos are stored without duration or still"
                    );
                }
                return Ok(None);
            }
            Err(err) => return Err(DomainError::internal(err)),
        };
        if !output.status.success() {
            return Err(DomainError::Unprocessable(format!(
                "the video cannot be read: {}",
                stderr(&output)
            )));
        }
        serde_json::from_slice(&output.stdout)
            .map(Some)
            .map_err(DomainError::internal)
    }

    /// One frame as JPEG; `None` when ffmpeg cannot take one (the job still completes).
    async fn still(&self, path: &Path, at: f64) -> Option<Vec<u8>> {
        let output = tokio::process::Command::new(&self.ffmpeg)
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
            ])
            .output()
            .await
            .ok()?;
        if output.status.success() && output.stdout.starts_with(&[0xFF, 0xD8]) {
            Some(output.stdout)
        } else {
            tracing::warn!(error = %stderr(&output), "ffmpeg could not take a still");
            None
        }
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .trim()
        .chars()
        .take(500)
        .collect()
}
