//! Probity's user interface: the page shell, the pages and the types they share with the
//! server.
//!
//! Pages are Leptos components rendered on the server; every page and form works without
//! JavaScript. The server crate owns the routes that serve them and the form handlers.

#![forbid(unsafe_code)]

pub mod cases;
pub mod evidence;
pub mod forms;
pub mod messages;
pub mod pages;
pub mod permissions;
pub mod reports;
pub mod shell;
pub mod timeline;
pub mod types;

#[cfg(feature = "ssr")]
pub mod render;
