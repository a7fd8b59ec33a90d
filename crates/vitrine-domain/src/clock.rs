//! Where "now" comes from. Every use case takes its time from one injected `Clock` and
//! passes timestamps into the ports, so expiry and retention are tested by moving a clock
//! instead of waiting. Only the binary reads the system time (its `SystemClock`).

use chrono::{NaiveDateTime, SubsecRound};

/// Where use cases get the time: one clock, so tests can move it.
pub trait Clock: Send + Sync {
    /// UTC, truncated to microseconds like every stored timestamp (see [`stored`]).
    fn now(&self) -> NaiveDateTime;
}

/// `at` as both backends store it: to the microsecond and no finer, so a value read back
/// equals the one written.
pub fn stored(at: NaiveDateTime) -> NaiveDateTime {
    at.trunc_subsecs(6)
}
