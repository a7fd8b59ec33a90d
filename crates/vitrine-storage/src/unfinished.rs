//! Writes a killed process never finished, which no listing of finished objects shows:
//! a local store's staging files (`KEY#N` beside the object, see object_store's
//! `LocalFileSystem`) and an S3 bucket's open multipart uploads, which cost storage until
//! aborted.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use object_store::aws::AmazonS3;
use object_store::multipart::MultipartStore;
use object_store::path::Path;
use object_store::signer::{Method, SignedUrlOptions, Signer};
use serde::Deserialize;
use vitrine_domain::{DomainError, Result};

/// Where a store keeps what it has not finished writing.
#[derive(Clone)]
pub(crate) enum Unfinished {
    /// The folder a local store lives in.
    Local(PathBuf),
    /// The bucket, and the prefix every key of ours starts with (`""` or `"pre/"`).
    S3 { s3: Arc<AmazonS3>, prefix: String },
    /// Memory keeps nothing unfinished.
    Nowhere,
}

/// One write begun and never finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnfinishedWrite {
    /// Where the bytes so far are: a staging file's path or an object key in the bucket.
    pub location: String,
    /// When the write began.
    pub started: NaiveDateTime,
    /// The multipart upload to abort, on S3.
    upload_id: Option<String>,
}

impl Unfinished {
    /// Unfinished writes whose keys start with `prefix`.
    pub async fn list(&self, prefix: &str) -> Result<Vec<UnfinishedWrite>> {
        match self {
            Unfinished::Local(root) => {
                let dir = root.join(prefix);
                tokio::task::spawn_blocking(move || staging_files(&dir))
                    .await
                    .map_err(DomainError::internal)?
            }
            Unfinished::S3 { s3, prefix: ours } => {
                open_multipart_uploads(s3, &format!("{ours}{prefix}")).await
            }
            Unfinished::Nowhere => Ok(Vec::new()),
        }
    }

    pub async fn remove(&self, write: &UnfinishedWrite) -> Result<()> {
        match (self, &write.upload_id) {
            (Unfinished::S3 { s3, .. }, Some(id)) => s3
                .abort_multipart(&Path::from(write.location.as_str()), id)
                .await
                .or_else(ignore_not_found),
            _ => match tokio::fs::remove_file(&write.location).await {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    Err(DomainError::internal(err))
                }
                _ => Ok(()),
            },
        }
    }
}

fn ignore_not_found(err: object_store::Error) -> Result<()> {
    match err {
        object_store::Error::NotFound { .. } => Ok(()),
        other => Err(DomainError::internal(other)),
    }
}

/// Staging files under `dir`, however deep: their names hold a `#`, which no key of ours
/// does. A file still being written has a recent modification time.
fn staging_files(dir: &std::path::Path) -> Result<Vec<UnfinishedWrite>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(DomainError::internal(err)),
        };
        for entry in entries {
            let entry = entry.map_err(DomainError::internal)?;
            let meta = entry.metadata().map_err(DomainError::internal)?;
            if meta.is_dir() {
                pending.push(entry.path());
            } else if entry.file_name().to_string_lossy().contains('#') {
                let modified = meta.modified().map_err(DomainError::internal)?;
                found.push(UnfinishedWrite {
                    location: entry.path().to_string_lossy().into_owned(),
                    started: DateTime::<Utc>::from(modified).naive_utc(),
                    upload_id: None,
                });
            }
        }
    }
    Ok(found)
}

/// S3's ListMultipartUploads answer, the parts of it we read.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UploadListing {
    #[serde(default)]
    upload: Vec<OpenUpload>,
    #[serde(default)]
    is_truncated: bool,
    next_key_marker: Option<String>,
    next_upload_id_marker: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OpenUpload {
    key: String,
    upload_id: String,
    initiated: String,
}

/// object_store can abort a multipart upload but not list them, so the listing is one
/// presigned GET (signed by object_store with the store's own credentials).
async fn open_multipart_uploads(s3: &AmazonS3, prefix: &str) -> Result<Vec<UnfinishedWrite>> {
    let client = reqwest::Client::new();
    let mut found = Vec::new();
    let mut markers: Option<(String, String)> = None;
    loop {
        let mut query = vec![
            ("uploads".to_owned(), String::new()),
            ("prefix".to_owned(), prefix.to_owned()),
        ];
        if let Some((key, upload)) = &markers {
            query.push(("key-marker".to_owned(), key.clone()));
            query.push(("upload-id-marker".to_owned(), upload.clone()));
        }
        let options = SignedUrlOptions::default().with_query(query);
        let url = s3
            .signed_url_opts(
                Method::GET,
                &Path::default(),
                Duration::from_secs(300),
                &options,
            )
            .await
            .map_err(DomainError::internal)?;
        let answer = client
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|err| DomainError::internal(format!("listing multipart uploads: {err}")))?;
        let text = answer.text().await.map_err(DomainError::internal)?;
        let listing: UploadListing = quick_xml::de::from_str(&text)
            .map_err(|err| DomainError::internal(format!("multipart upload listing: {err}")))?;
        for upload in listing.upload {
            let started = DateTime::parse_from_rfc3339(&upload.initiated)
                .map_err(|err| DomainError::internal(format!("upload start time: {err}")))?;
            found.push(UnfinishedWrite {
                location: upload.key,
                started: started.naive_utc(),
                upload_id: Some(upload.upload_id),
            });
        }
        markers = match (
            listing.is_truncated,
            listing.next_key_marker,
            listing.next_upload_id_marker,
        ) {
            (true, Some(key), Some(upload)) => Some((key, upload)),
            _ => return Ok(found),
        };
    }
}
