//! Where "now" comes from, so expiry can be tested by moving a clock instead of waiting.

use std::sync::Mutex;

use chrono::{Duration, NaiveDateTime};

pub trait Clock: Send + Sync {
    /// UTC, truncated to microseconds like every stored timestamp.
    fn now(&self) -> NaiveDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        crate::library::now()
    }
}

/// The system clock plus an offset that tests move forward.
#[derive(Default)]
pub struct ShiftedClock {
    offset: Mutex<Duration>,
}

impl ShiftedClock {
    pub fn advance(&self, by: Duration) {
        if let Ok(mut offset) = self.offset.lock() {
            *offset += by;
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> NaiveDateTime {
        let offset = self.offset.lock().map(|o| *o).unwrap_or_default();
        crate::library::now() + offset
    }
}
