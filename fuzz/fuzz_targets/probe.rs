//! The upload's first look at a file: type from the first bytes, the end check on the
//! last ones, and the header checks (size, pixels, frames) before anything decodes.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use vitrine_domain::ports::MediaProber;
use vitrine_media::{check_limits, ImageLimits, Prober};

/// One prober, as a server has: making one starts its decode threads.
static PROBER: LazyLock<Prober> = LazyLock::new(Prober::default);

fuzz_target!(|data: &[u8]| {
    let prober = &*PROBER;
    let head = &data[..data.len().min(prober.head_len())];
    let Ok(probe) = prober.probe(head) else {
        return;
    };
    let tail = &data[data.len().saturating_sub(prober.tail_len())..];
    let _ = prober.check_end(&probe, tail);
    let _ = check_limits(data, probe.mime, &ImageLimits::default());
});
