//! Our Voice (សំឡេងយើង), the citizen app, as a library: the root component and its screens,
//! so that the phone and desktop builds, the liveview test harness and the component tests
//! all run the same code.
//!
//! Guarantees: the UI reads and writes only through `ourvoice-outbox` and `ourvoice-sync`
//! (never SQLite or HTTP directly); every string it shows comes from `locales/`.

pub mod app;
pub mod components;
pub mod device;
pub mod i18n;
pub mod platform;
pub mod state;
pub mod style;
pub mod views;

pub use app::App;

/// Sent with every submission.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
