//! Error pages: not found, refused, and the page shown when something went wrong inside.
//! They never show internals; the server logs those with the request id shown here.

use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;

/// What an error page says.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    /// The HTTP status code.
    pub status: u16,
    /// A short title, e.g. "Page not found".
    pub title: String,
    /// What happened and what the person can do, in plain words.
    pub message: String,
    /// The request id, so that support can find the log entry.
    pub request_id: Option<String>,
}

/// A page for any error status.
#[component]
pub fn ErrorPage(ctx: PageContext, error: ErrorInfo) -> impl IntoView {
    let home = if ctx.user.is_some() {
        "Go to the home page"
    } else {
        "Go to the sign-in page"
    };
    view! {
        <Shell ctx=ctx title=error.title.clone()>
            <div class="usa-prose">
                <h1>{error.title}</h1>
                <p>{error.message}</p>
                <p>
                    <a class="usa-link" href="/">{home}</a>
                </p>
                {error.request_id.map(|id| view! {
                    <p class="usa-hint">"Reference: " <code>{id}</code> " (error " {error.status} ")"</p>
                })}
            </div>
        </Shell>
    }
}
