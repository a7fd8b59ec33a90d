//! The only readers of the system time; everything else is handed a `Clock`.

use std::sync::Mutex;

use chrono::{Duration, Utc};
use vitrine_domain::clock::{stored, Clock};

/// The wall clock, in UTC.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> chrono::NaiveDateTime {
        stored(Utc::now().naive_utc())
    }
}

/// The wall clock plus an offset that tests move forward, to expire links, tokens and
/// trash without waiting.
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
    fn now(&self) -> chrono::NaiveDateTime {
        let offset = self.offset.lock().map(|o| *o).unwrap_or_default();
        SystemClock.now() + offset
    }
}
