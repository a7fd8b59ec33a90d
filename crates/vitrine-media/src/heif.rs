//! AVIF and HEIC through libheif's `heif-convert` (Debian's `libheif-examples`): `image`
//! decodes neither without system libraries, and ffmpeg 5 reads no HEIC. libheif applies
//! the container's rotation and mirroring and copies the EXIF into its JPEG with the
//! orientation reset, so the rest of the pipeline treats the result like any upright JPEG.
//! Where the tool is missing, such images are kept without variants and the server says so
//! once.

use std::sync::atomic::{AtomicBool, Ordering};

use vitrine_domain::{DomainError, Result};

use crate::tool::{self, Ran};

/// The MIME types decoded here, as the prober names them.
pub(crate) const HEIF_TYPES: &[&str] = &["image/avif", "image/heif"];

/// Quality of the intermediate JPEG: high, since the variants are encoded again from it.
const QUALITY: &str = "95";

static WARNED: AtomicBool = AtomicBool::new(false);

/// The primary image as JPEG; `None` when `heif-convert` is not installed.
pub(crate) async fn to_jpeg(
    program: &str,
    bytes: &[u8],
    limit: std::time::Duration,
) -> Result<Option<Vec<u8>>> {
    let dir = tempfile::tempdir().map_err(DomainError::internal)?;
    let input = dir.path().join("original");
    let output = dir.path().join("decoded.jpg");
    tokio::fs::write(&input, bytes)
        .await
        .map_err(DomainError::internal)?;
    let mut command = tokio::process::Command::new(program);
    command
        .args(["--quiet", "-q", QUALITY])
        .arg(&input)
        .arg(&output);
    let run = match tool::run(command, limit, "decode").await? {
        Ran::Finished(run) => run,
        Ran::Missing => {
            if !WARNED.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    heif_convert = %program,
                    "heif-convert not found: AVIF and HEIC images are stored without variants"
                );
            }
            return Ok(None);
        }
    };
    if !run.status.success() {
        return Err(tool::refusal(&run, "heif-convert", "decoded"));
    }
    // A file with several top-level images comes out as `decoded-1.jpg`, `decoded-2.jpg`…
    for name in ["decoded.jpg", "decoded-1.jpg"] {
        match tokio::fs::read(dir.path().join(name)).await {
            Ok(jpeg) => return Ok(Some(jpeg)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(DomainError::internal(err)),
        }
    }
    Err(DomainError::Unprocessable(
        "the image holds no picture that can be decoded".into(),
    ))
}
