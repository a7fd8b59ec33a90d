//! The Vitrine server put together: the one place that builds the repositories, the blob
//! store, the media pipeline and the use cases (`app`), runs the background loops
//! (`background`) and reads the system time (`clock`). `main.rs` and the test harness
//! both assemble the server through it, so tests run exactly what `vitrine serve` runs.

pub mod app;
pub mod background;
pub mod clock;
pub mod counted_store;
pub mod passwords;
