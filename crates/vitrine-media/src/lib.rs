#![doc = include_str!("../README.md")]

mod probe;

pub use probe::Prober;
