//! Streamed ZIP downloads. Entries are `Stored` (media is compressed already) and written
//! as the blobs stream in, so memory stays flat whatever the archive's size. Stream
//! entries carry ZIP64 records, so files and archives over 4 GiB work.
//!
//! A failure halfway (a blob gone, the store down) ends the response with an error, so
//! the client sees a broken transfer, never a truncated archive that looks complete.

use actix_web::http::header;
use actix_web::HttpResponse;
use async_zip::base::write::ZipFileWriter;
use async_zip::{Compression, ZipDateTime, ZipEntryBuilder};
use futures::{AsyncWriteExt, StreamExt};
use tokio_util::io::ReaderStream;
use vitrine_domain::archive::{entry_names, neutral_name};
use vitrine_domain::item::Item;
use vitrine_domain::library::Library;
use vitrine_domain::{DomainError, Result};

use super::stream::{content_disposition, Disposition};
use crate::error::ApiError;

/// Bytes buffered between the ZIP writer and the response, and the most one body chunk
/// holds: enough to keep both sides busy (4 KiB chunks held a 2 GB ZIP to a third of
/// the speed), small enough that many downloads at once stay cheap.
const PIPE_BYTES: usize = 512 * 1024;
const BODY_CHUNK: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ZipOptions {
    /// Files go in without their metadata (a share that hides it).
    pub strip_metadata: bool,
}

pub(crate) fn zip_response(
    library: Library,
    items: Vec<Item>,
    filename: &str,
    options: ZipOptions,
) -> HttpResponse {
    let (writer, reader) = tokio::io::duplex(PIPE_BYTES);
    let writing = tokio::spawn(async move {
        let result = write_zip(&library, &items, writer, options).await;
        if let Err(err) = &result {
            tracing::warn!(error = %err, "a ZIP download failed mid-stream");
        }
        result
    });
    let outcome = futures::stream::once(async move {
        match writing.await {
            Ok(Ok(())) => None,
            Ok(Err(err)) => Some(Err(ApiError::Domain(err).into())),
            Err(join) => Some(Err(ApiError::Domain(DomainError::internal(join)).into())),
        }
    })
    .filter_map(futures::future::ready);
    let body = ReaderStream::with_capacity(reader, BODY_CHUNK)
        .map(|chunk| chunk.map_err(actix_web::Error::from))
        .chain(outcome);
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/zip"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            content_disposition(Disposition::Attachment, filename),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .streaming(body)
}

async fn write_zip(
    library: &Library,
    items: &[Item],
    writer: tokio::io::DuplexStream,
    options: ZipOptions,
) -> Result<()> {
    let mut zip = ZipFileWriter::with_tokio(writer);
    // Hidden metadata hides the names too: `image-1.jpg`, `video-2.mp4`, … in order.
    let names = if options.strip_metadata {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| neutral_name(item.kind, &item.mime, Some(i + 1)))
            .collect()
    } else {
        entry_names(items.iter().map(|item| item.original_filename.as_str()))
    };
    for (item, name) in items.iter().zip(names) {
        let modified = item.created_at.and_utc();
        let entry = ZipEntryBuilder::new(name.into(), Compression::Stored)
            .last_modification_date(ZipDateTime::from_chrono(&modified))
            .unix_permissions(0o644);
        if options.strip_metadata {
            let stripped = library.original_without_metadata(item).await?;
            zip.write_entry_whole(entry, &stripped)
                .await
                .map_err(zip_err)?;
            continue;
        }
        let mut bytes = library.open_blob(&item.blob_key, None).await?;
        let mut entry_writer = zip.write_entry_stream(entry).await.map_err(zip_err)?;
        while let Some(chunk) = bytes.next().await {
            entry_writer
                .write_all(&chunk?)
                .await
                .map_err(DomainError::internal)?;
        }
        entry_writer.close().await.map_err(zip_err)?;
    }
    zip.close().await.map_err(zip_err)?;
    Ok(())
}

fn zip_err(err: async_zip::error::ZipError) -> DomainError {
    DomainError::internal(err)
}
