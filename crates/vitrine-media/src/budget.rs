//! A memory budget for full-resolution decodes. A 100-megapixel image is a few hundred
//! kilobytes on the wire and 400 MB once decoded, so uploads that each pass the pixel
//! limit can still add up past the machine's memory. Every decode reserves what it will
//! hold (`BYTES_PER_PIXEL`, in MiB) before it starts and gives it back when it ends;
//! decodes that do not fit wait. One image larger than the whole budget still runs, alone.
//! Decodes run on a few threads of their own (`decoders.rs`), so the memory one frees is
//! what the next one uses.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use vitrine_domain::{DomainError, Result};

use crate::decoders::Decoders;

/// 512 MiB of decode memory in flight at once.
pub const DEFAULT_DECODE_BUDGET_BYTES: u64 = 512 * 1024 * 1024;

/// What a decode holds per pixel at its peak, with room to spare: RGB pixels (3), an RGBA
/// image's own pixels while they are flattened onto white (4 + 3), the resize's
/// intermediate rows (measured: one 100-megapixel PNG renders in 330 MB).
const BYTES_PER_PIXEL: u64 = 8;

const MIB: u64 = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct DecodeBudget {
    mib: u32,
    permits: Arc<Semaphore>,
    decoders: Decoders,
    /// Decodes holding a reservation now, and the most there ever were (for tests).
    in_flight: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

/// A decode's reservation; dropping it gives the memory back.
pub(crate) struct Reservation {
    _permit: OwnedSemaphorePermit,
    in_flight: Arc<AtomicUsize>,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Default for DecodeBudget {
    fn default() -> Self {
        Self::new(DEFAULT_DECODE_BUDGET_BYTES)
    }
}

impl DecodeBudget {
    /// At most `bytes` of decoded pixels at once (at least 1 MiB).
    pub fn new(bytes: u64) -> Self {
        let mib = u32::try_from((bytes / MIB).max(1)).unwrap_or(u32::MAX);
        Self {
            mib,
            permits: Arc::new(Semaphore::new(mib as usize)),
            decoders: Decoders::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
            ),
            in_flight: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Runs `decode` of a `width × height` image once its memory fits in the budget, on a
    /// decode thread.
    pub(crate) async fn decode<T: Send + 'static>(
        &self,
        width: u32,
        height: u32,
        decode: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let _reserved = self.reserve(width, height).await?;
        self.decoders.run(decode).await
    }

    /// Waits until `width × height` pixels fit, then holds them until the reservation
    /// is dropped.
    pub(crate) async fn reserve(&self, width: u32, height: u32) -> Result<Reservation> {
        let bytes = u64::from(width) * u64::from(height) * BYTES_PER_PIXEL;
        let wanted = u32::try_from(bytes.div_ceil(MIB).max(1))
            .unwrap_or(u32::MAX)
            .min(self.mib);
        let permit = self
            .permits
            .clone()
            .acquire_many_owned(wanted)
            .await
            .map_err(DomainError::internal)?;
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        Ok(Reservation {
            _permit: permit,
            in_flight: self.in_flight.clone(),
        })
    }

    /// The most decodes that ever held reservations at once.
    pub fn peak_decodes(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use vitrine_domain::limits::ImageLimits;
    use vitrine_domain::ports::MediaProber;

    use super::*;
    use crate::Prober;

    fn png(side: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(side, side, image::Rgb([40, 90, 200]));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    /// Three 31 MiB decodes against a 40 MiB budget run one after another, and all finish.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn decodes_past_the_budget_wait_their_turn() {
        let budget = DecodeBudget::new(40 * MIB);
        let prober = Prober::default().with_decode_budget(budget.clone());
        let bytes = png(2000);
        let limits = ImageLimits::default();
        let render = || prober.render(bytes.clone(), "image/png", &limits);
        let (a, b, c) = tokio::join!(render(), render(), render());
        for rendered in [a, b, c] {
            assert!(rendered.unwrap().is_some());
        }
        assert_eq!(budget.peak_decodes(), 1);

        // An image bigger than the whole budget still renders, alone.
        let small = DecodeBudget::new(MIB);
        let prober = Prober::default().with_decode_budget(small.clone());
        assert!(prober
            .render(bytes.clone(), "image/png", &limits)
            .await
            .unwrap()
            .is_some());
    }

    /// Room for all three: they may overlap.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn decodes_within_the_budget_run_together() {
        let budget = DecodeBudget::new(128 * MIB);
        let prober = Prober::default().with_decode_budget(budget.clone());
        let bytes = png(2000);
        let limits = ImageLimits::default();
        let first = budget.reserve(2000, 2000).await.unwrap();
        let second = budget.reserve(2000, 2000).await.unwrap();
        assert_eq!(
            budget.peak_decodes(),
            2,
            "two 31 MiB reservations fit in 128"
        );
        drop((first, second));
        assert!(prober
            .render(bytes, "image/png", &limits)
            .await
            .unwrap()
            .is_some());
    }
}
