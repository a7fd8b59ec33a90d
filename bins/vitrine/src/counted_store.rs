//! The blob store with its traffic counted for `/metrics`: bytes written and read, and
//! operations that failed (a missing object is an answer, not a failure). It wraps
//! whichever store the process runs on, so local folders and S3 count alike.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::NaiveDateTime;
use futures::stream::{BoxStream, StreamExt};
use vitrine_domain::ports::{BlobStore, BlobWriter, ByteStream, StoredObject};
use vitrine_domain::{DomainError, Result};
use vitrine_http::Metrics;

pub struct CountedStore {
    inner: Arc<dyn BlobStore>,
    metrics: Arc<Metrics>,
}

impl CountedStore {
    pub fn new(inner: Arc<dyn BlobStore>, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }

    fn counted<T>(&self, result: Result<T>) -> Result<T> {
        if matches!(&result, Err(err) if !matches!(err, DomainError::NotFound(_))) {
            self.metrics.blob_error();
        }
        result
    }

    fn counted_stream(&self, stream: Result<ByteStream>) -> Result<ByteStream> {
        let metrics = self.metrics.clone();
        self.counted(stream).map(|stream| {
            stream
                .inspect(move |chunk| match chunk {
                    Ok(bytes) => metrics.blob_read(bytes.len() as u64),
                    Err(_) => metrics.blob_error(),
                })
                .boxed()
        })
    }
}

#[async_trait]
impl BlobStore for CountedStore {
    async fn create(&self, key: &str) -> Result<Box<dyn BlobWriter>> {
        let writer = self.counted(self.inner.create(key).await)?;
        Ok(Box::new(CountedWriter {
            inner: writer,
            metrics: self.metrics.clone(),
        }))
    }

    async fn open(&self, key: &str) -> Result<ByteStream> {
        self.counted_stream(self.inner.open(key).await)
    }

    async fn open_range(&self, key: &str, range: std::ops::Range<u64>) -> Result<ByteStream> {
        self.counted_stream(self.inner.open_range(key, range).await)
    }

    async fn delete(&self, key: &str) -> Result<()> {
        self.counted(self.inner.delete(key).await)
    }

    fn list(&self, prefix: &str) -> BoxStream<'static, Result<StoredObject>> {
        self.inner.list(prefix)
    }

    async fn remove_unfinished(&self, prefix: &str, before: NaiveDateTime) -> Result<usize> {
        self.counted(self.inner.remove_unfinished(prefix, before).await)
    }
}

struct CountedWriter {
    inner: Box<dyn BlobWriter>,
    metrics: Arc<Metrics>,
}

#[async_trait]
impl BlobWriter for CountedWriter {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        let len = chunk.len() as u64;
        let written = self.inner.write(chunk).await;
        match &written {
            Ok(()) => self.metrics.blob_written(len),
            Err(_) => self.metrics.blob_error(),
        }
        written
    }

    async fn finish(self: Box<Self>) -> Result<()> {
        let finished = self.inner.finish().await;
        if finished.is_err() {
            self.metrics.blob_error();
        }
        finished
    }

    async fn abort(self: Box<Self>) {
        self.inner.abort().await;
    }
}
