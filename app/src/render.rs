//! Turns a page component into the HTML document the server sends.

use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

/// Renders a view to a complete HTML document.
///
/// No hydration scripts are emitted: until a WASM bundle ships, pages are plain HTML and the
/// Content-Security-Policy allows no inline script.
pub fn document<V: IntoView + 'static>(page: impl FnOnce() -> V) -> String {
    let owner = Owner::new();
    let html = owner.with(|| page().into_view().to_html());
    owner.unset();
    format!("<!DOCTYPE html>{html}")
}
