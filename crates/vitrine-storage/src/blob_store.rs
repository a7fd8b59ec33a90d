//! The domain's `BlobStore` over any `object_store`: a local folder, S3, or memory.

use std::io::SeekFrom;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::NaiveDateTime;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{GetOptions, GetResult, GetResultPayload, ObjectStore, ObjectStoreExt};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio_util::io::ReaderStream;
use vitrine_domain::ports::{BlobStore, BlobWriter, ByteStream, StoredObject};
use vitrine_domain::{DomainError, Result};

use crate::error::StorageError;
use crate::unfinished::{Unfinished, UnfinishedWrite};

/// Where blobs live, parsed from `--store`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// A folder: `file://PATH` or a plain path.
    Local(PathBuf),
    /// `s3://BUCKET/PREFIX`, with `S3Settings` for the endpoint and credentials.
    S3 {
        /// The bucket's name.
        bucket: String,
        /// Keys start with this (no slashes at either end); may be empty.
        prefix: String,
    },
    /// `memory://`: gone with the process (tests).
    Memory,
}

impl StoreUrl {
    /// Reads a `--store` value; anything else than the forms above is refused.
    pub fn parse(raw: &str) -> Result<StoreUrl, StorageError> {
        if let Some(rest) = raw.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(StorageError::UnsupportedStore(raw.to_owned()));
            }
            return Ok(StoreUrl::S3 {
                bucket: bucket.to_owned(),
                prefix: prefix.trim_matches('/').to_owned(),
            });
        }
        if raw == "memory://" {
            return Ok(StoreUrl::Memory);
        }
        let path = raw.strip_prefix("file://").unwrap_or(raw);
        if path.is_empty() || path.contains("://") {
            return Err(StorageError::UnsupportedStore(raw.to_owned()));
        }
        Ok(StoreUrl::Local(PathBuf::from(path)))
    }
}

/// How to reach S3-compatible storage. `from_env` reads the usual `AWS_*` variables;
/// tests fill it in directly.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    /// `AWS_ENDPOINT_URL`: an S3-compatible server instead of AWS.
    pub endpoint: Option<String>,
    /// `AWS_ALLOW_HTTP`: permit plain HTTP, for a server on loopback.
    pub allow_http: bool,
    /// `AWS_REGION` (or `AWS_DEFAULT_REGION`).
    pub region: Option<String>,
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: Option<String>,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: Option<String>,
}

impl S3Settings {
    /// From the usual `AWS_*` variables; unset or empty ones stay `None`.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self {
            endpoint: var("AWS_ENDPOINT_URL").or_else(|| var("AWS_ENDPOINT")),
            allow_http: var("AWS_ALLOW_HTTP").is_some_and(|v| v == "true" || v == "1"),
            region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
            access_key_id: var("AWS_ACCESS_KEY_ID"),
            secret_access_key: var("AWS_SECRET_ACCESS_KEY"),
        }
    }
}

/// Opens the store and proves it writable with a probe object, so a missing bucket or
/// wrong credentials fail at start-up rather than at the first upload. (A HEAD is not
/// enough: S3 answers 404 for a missing bucket and a missing object alike.)
pub async fn open_store(
    url: &StoreUrl,
    s3_settings: &S3Settings,
) -> Result<ObjectBlobStore, StorageError> {
    let (store, unfinished): (Arc<dyn ObjectStore>, _) = match url {
        StoreUrl::Local(dir) => (Arc::new(local(dir)?), Unfinished::Local(dir.clone())),
        StoreUrl::Memory => (Arc::new(InMemory::new()), Unfinished::Nowhere),
        StoreUrl::S3 { bucket, prefix } => {
            let s3 = Arc::new(s3(bucket, s3_settings)?);
            let unfinished = Unfinished::S3 {
                s3: s3.clone(),
                prefix: if prefix.is_empty() {
                    String::new()
                } else {
                    format!("{prefix}/")
                },
            };
            let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                s3
            } else {
                Arc::new(PrefixStore::new(s3, prefix.as_str()))
            };
            (store, unfinished)
        }
    };
    let probe = Path::from(format!("probes/{}", uuid::Uuid::new_v4().simple()));
    let failed = |err: object_store::Error| StorageError::Store(format!("{url}: {err}"));
    store
        .put(&probe, Bytes::from_static(b"ok").into())
        .await
        .map_err(failed)?;
    store.delete(&probe).await.map_err(failed)?;
    let local_root = match url {
        StoreUrl::Local(dir) => Some(dir.clone()),
        _ => None,
    };
    Ok(ObjectBlobStore {
        store,
        unfinished,
        local_root,
    })
}

impl std::fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreUrl::Local(dir) => write!(f, "{}", dir.display()),
            StoreUrl::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
            StoreUrl::Memory => f.write_str("memory://"),
        }
    }
}

fn local(dir: &FsPath) -> Result<LocalFileSystem, StorageError> {
    std::fs::create_dir_all(dir)
        .map_err(|err| StorageError::Store(format!("{}: {err}", dir.display())))?;
    LocalFileSystem::new_with_prefix(dir).map_err(|err| StorageError::Store(err.to_string()))
}

/// An S3-compatible endpoint usually wants path-style requests; AWS itself does not.
fn s3(bucket: &str, settings: &S3Settings) -> Result<object_store::aws::AmazonS3, StorageError> {
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_region(settings.region.as_deref().unwrap_or("us-east-1"))
        .with_allow_http(settings.allow_http);
    if let Some(endpoint) = &settings.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_virtual_hosted_style_request(false);
    }
    if let (Some(id), Some(secret)) = (&settings.access_key_id, &settings.secret_access_key) {
        builder = builder
            .with_access_key_id(id)
            .with_secret_access_key(secret);
    }
    builder
        .build()
        .map_err(|err| StorageError::Store(err.to_string()))
}

/// The domain's `BlobStore` over any `object_store`: a folder, S3 or memory.
#[derive(Clone)]
pub struct ObjectBlobStore {
    store: Arc<dyn ObjectStore>,
    unfinished: Unfinished,
    /// A local store's folder: its files are opened directly (`open_local`).
    local_root: Option<PathBuf>,
}

impl ObjectBlobStore {
    /// The `object_store` underneath, for what the port does not cover (transfers).
    pub fn inner(&self) -> Arc<dyn ObjectStore> {
        self.store.clone()
    }

    /// The file behind `key` in a local store, when the key maps to a path plainly, as
    /// every key Vitrine writes does (`objects/blb_…`); any other goes through
    /// object_store's own mapping.
    fn local_path(&self, key: &str) -> Option<PathBuf> {
        let root = self.local_root.as_ref()?;
        let plain_part = |part: &str| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        };
        key.split('/').all(plain_part).then(|| root.join(key))
    }

    /// Writes under `prefix` begun and never finished, old and new.
    pub async fn unfinished_writes(&self, prefix: &str) -> Result<Vec<UnfinishedWrite>> {
        self.unfinished.list(prefix).await
    }
}

fn store_err(err: object_store::Error) -> DomainError {
    match err {
        object_store::Error::NotFound { .. } => DomainError::NotFound("blob"),
        other => DomainError::Internal(other.to_string()),
    }
}

#[async_trait]
impl BlobStore for ObjectBlobStore {
    async fn create(&self, key: &str) -> Result<Box<dyn BlobWriter>> {
        // BufWriter sends small objects in one PUT and large ones as a multipart upload,
        // holding at most one part in memory.
        let writer = BufWriter::with_capacity(self.store.clone(), Path::from(key), 8 * 1024 * 1024);
        Ok(Box::new(ObjectWriter { writer }))
    }

    async fn open(&self, key: &str) -> Result<ByteStream> {
        if let Some(path) = self.local_path(key) {
            return open_local(path, None).await;
        }
        let found = self.store.get(&Path::from(key)).await.map_err(store_err)?;
        Ok(byte_stream(found))
    }

    async fn open_range(&self, key: &str, range: std::ops::Range<u64>) -> Result<ByteStream> {
        if let Some(path) = self.local_path(key) {
            return open_local(path, Some(range)).await;
        }
        let options = GetOptions {
            range: Some(range.into()),
            ..GetOptions::default()
        };
        let found = self
            .store
            .get_opts(&Path::from(key), options)
            .await
            .map_err(store_err)?;
        Ok(byte_stream(found))
    }

    async fn delete(&self, key: &str) -> Result<()> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(store_err(err)),
        }
    }

    fn list(&self, prefix: &str) -> BoxStream<'static, Result<StoredObject>> {
        self.store
            .list(Some(&Path::from(prefix)))
            .map_ok(|meta| StoredObject {
                key: meta.location.to_string(),
                written: meta.last_modified.naive_utc(),
            })
            .map_err(store_err)
            .boxed()
    }

    async fn remove_unfinished(&self, prefix: &str, before: NaiveDateTime) -> Result<usize> {
        let mut removed = 0;
        for write in self.unfinished.list(prefix).await? {
            if write.started < before {
                self.unfinished.remove(&write).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// How much of a local file each read takes.
const FILE_CHUNK: usize = 1024 * 1024;

/// A local file up to this size (a thumbnail, a small image) is read whole in the same
/// blocking step that opens it: through object_store it took four (open, seek, read, the
/// read that finds the end), each a hand-off to a blocking thread and back, which cost
/// more than the reading.
const READ_WHOLE_UP_TO: u64 = 256 * 1024;

/// A local store hands back an open file, which object_store would stream 8 KiB per
/// blocking task: ~270 MiB/s here, the ceiling of every download and ZIP. Reading it a
/// mebibyte at a time serves it at the speed of the disk.
fn byte_stream(found: GetResult) -> ByteStream {
    let range = found.range.clone();
    match found.payload {
        GetResultPayload::File(file, _) => file_stream(file, range),
        GetResultPayload::Stream(stream) => stream.map_err(store_err).boxed(),
    }
}

/// A local file as opened: small ones already read.
enum Opened {
    Whole(Bytes),
    File(std::fs::File, std::ops::Range<u64>),
}

/// Opens a local blob (`range` of it, or all) in one blocking step.
async fn open_local(path: PathBuf, range: Option<std::ops::Range<u64>>) -> Result<ByteStream> {
    let opened = tokio::task::spawn_blocking(move || -> std::io::Result<Opened> {
        use std::io::{Read, Seek};
        let mut file = std::fs::File::open(&path)?;
        let size = file.metadata()?.len();
        let range = range.unwrap_or(0..size);
        if range.start > range.end || range.end > size {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("bytes {range:?} of a {size}-byte blob"),
            ));
        }
        if range.end - range.start > READ_WHOLE_UP_TO {
            return Ok(Opened::File(file, range));
        }
        file.seek(SeekFrom::Start(range.start))?;
        let mut bytes = vec![0; (range.end - range.start) as usize];
        file.read_exact(&mut bytes)?;
        Ok(Opened::Whole(Bytes::from(bytes)))
    })
    .await
    .map_err(DomainError::internal)?;
    match opened {
        Ok(Opened::Whole(bytes)) => Ok(futures::stream::once(async move { Ok(bytes) }).boxed()),
        Ok(Opened::File(file, range)) => Ok(file_stream(file, range)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Err(DomainError::NotFound("blob"))
        }
        Err(err) => Err(DomainError::internal(err)),
    }
}

fn file_stream(file: std::fs::File, range: std::ops::Range<u64>) -> ByteStream {
    futures::stream::once(async move {
        let mut file = tokio::fs::File::from_std(file);
        file.seek(SeekFrom::Start(range.start)).await?;
        let wanted = file.take(range.end - range.start);
        Ok::<_, std::io::Error>(ReaderStream::with_capacity(wanted, FILE_CHUNK))
    })
    .try_flatten()
    .map_err(DomainError::internal)
    .boxed()
}

struct ObjectWriter {
    writer: BufWriter,
}

#[async_trait]
impl BlobWriter for ObjectWriter {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        self.writer.put(chunk).await.map_err(store_err)
    }

    async fn finish(mut self: Box<Self>) -> Result<()> {
        self.writer.shutdown().await.map_err(DomainError::internal)
    }

    async fn abort(mut self: Box<Self>) {
        if let Err(err) = self.writer.abort().await {
            tracing::warn!(error = %err, "aborting a blob upload failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls_parse() {
        assert_eq!(
            StoreUrl::parse("s3://media/vitrine/").unwrap(),
            StoreUrl::S3 {
                bucket: "media".into(),
                prefix: "vitrine".into()
            }
        );
        assert_eq!(
            StoreUrl::parse("./data/blobs").unwrap(),
            StoreUrl::Local("./data/blobs".into())
        );
        assert_eq!(StoreUrl::parse("memory://").unwrap(), StoreUrl::Memory);
        assert!(StoreUrl::parse("ftp://x").is_err());
    }

    async fn read(stream: ByteStream) -> Result<Vec<u8>> {
        let chunks: Vec<Bytes> = stream.try_collect().await?;
        Ok(chunks.concat())
    }

    /// Local blobs are opened directly: small and large, whole and in part, the same bytes
    /// as written; a missing one is "not found"; a key that does not map plainly to a path
    /// still reads through object_store.
    #[tokio::test]
    async fn local_blobs_read_back_whole_and_in_ranges() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let url = StoreUrl::Local(dir.path().to_path_buf());
        let store = open_store(&url, &S3Settings::default())
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        let large: Vec<u8> = (0..READ_WHOLE_UP_TO as usize * 3 + 7)
            .map(|i| (i % 251) as u8)
            .collect();
        for (key, bytes) in [
            ("objects/small", b"0123456789".to_vec()),
            ("objects/large", large.clone()),
            ("odd key/with space", b"spaced".to_vec()),
        ] {
            let mut writer = store
                .create(key)
                .await
                .unwrap_or_else(|err| panic!("{err}"));
            writer
                .write(Bytes::from(bytes))
                .await
                .unwrap_or_else(|err| panic!("{err}"));
            writer.finish().await.unwrap_or_else(|err| panic!("{err}"));
        }
        let store = &store;
        let whole = |key: &'static str| async move { read(store.open(key).await?).await };
        assert_eq!(
            whole("objects/small").await.ok(),
            Some(b"0123456789".to_vec())
        );
        assert_eq!(whole("objects/large").await.ok(), Some(large.clone()));
        assert_eq!(
            whole("odd key/with space").await.ok(),
            Some(b"spaced".to_vec())
        );
        let part = |key: &'static str, range: std::ops::Range<u64>| async move {
            read(store.open_range(key, range).await?).await
        };
        assert_eq!(
            part("objects/small", 2..5).await.ok(),
            Some(b"234".to_vec())
        );
        let (from, to) = (READ_WHOLE_UP_TO - 3, READ_WHOLE_UP_TO * 2 + 5);
        assert_eq!(
            part("objects/large", from..to).await.ok(),
            Some(large[from as usize..to as usize].to_vec())
        );
        assert!(matches!(
            store.open("objects/missing").await.err(),
            Some(DomainError::NotFound(_))
        ));
        assert!(part("objects/small", 5..11).await.is_err(), "past the end");
    }
}
