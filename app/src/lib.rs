//! Probity's user interface: the page shell, form widgets and the pages. The vocabulary they
//! draw comes from the domain crate.
//!
//! Pages are Leptos components rendered on the server; every page and form works without
//! JavaScript. The server crate owns the routes that serve them and the form handlers.

#![forbid(unsafe_code)]

// The vocabulary lives in the domain crate; these names keep every `probity_app::cases::...`
// path working while callers move to `probity_domain` directly.
pub use probity_domain::{cases, evidence, messages, permissions, reports, timeline};

pub mod forms;
pub mod pages;
pub mod shell;
pub mod types;

#[cfg(feature = "ssr")]
pub mod render;
