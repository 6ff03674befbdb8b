//! The search page: the empty form from a link, the results from the form (words only ever
//! in the POST body). The office layer runs and records the search; this draws it.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::office::search::SearchResults;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use probity_app::pages::search::{GroupView, HitView, SearchPage, SearchView};
use probity_domain::search::{SearchFields, snippet};
use serde::Deserialize;

/// Words shown around a hit.
const SNIPPET_WORDS: usize = 24;

/// Words of a hit's name shown (a case title, a file name).
const TITLE_WORDS: usize = 16;

/// The form as posted: the fields, and where a page of one kind starts.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchPost {
    after: String,
    #[serde(flatten)]
    fields: SearchFields,
}

/// The empty search form.
#[tracing::instrument(skip_all)]
pub async fn show(State(state): State<AppState>, actor: Actor) -> Result<Response, AppError> {
    if crate::office::cases::case_viewer(&actor.user).is_none() {
        return Err(AppError::Forbidden(
            "Your role does not give access to cases.",
        ));
    }
    draw(&state, &actor, SearchView::default(), StatusCode::OK).await
}

/// A search from the form.
#[tracing::instrument(skip_all)]
pub async fn search(
    State(state): State<AppState>,
    actor: Actor,
    Posted(posted): Posted<SearchPost>,
) -> Result<Response, AppError> {
    let after = posted.after.trim().parse::<i64>().ok();
    let results =
        crate::office::search::search(&state.store, &actor.caller(), &posted.fields, after).await?;
    let status = if results.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = view_of(posted.fields, results, after.is_some());
    draw(&state, &actor, view, status).await
}

/// The results as the page shows them: each hit's surrounding words with the matches marked.
fn view_of(form: SearchFields, results: SearchResults, paged: bool) -> SearchView {
    let terms = results.terms.clone();
    let groups = results
        .groups
        .into_iter()
        .map(|group| GroupView {
            kind: group.kind,
            count: group.count,
            more: group.more,
            next: group.next,
            hits: group
                .hits
                .into_iter()
                .map(|hit| HitView {
                    kind: hit.kind,
                    case_id: hit.case_id,
                    case_number: hit.case_number,
                    case_title: hit.case_title,
                    source_id: hit.source_id,
                    title: terms
                        .as_ref()
                        .map(|terms| snippet(&hit.label, terms, TITLE_WORDS))
                        .unwrap_or_default(),
                    snippet: terms
                        .as_ref()
                        .map(|terms| snippet(&hit.body, terms, SNIPPET_WORDS))
                        .unwrap_or_default(),
                    // A message's UTC time, readable; the other kinds' days as they are.
                    happened_on: match hit.happened_on.strip_suffix('Z') {
                        Some(time) => format!("{} UTC", time.replacen('T', " ", 1)),
                        None => hit.happened_on,
                    },
                })
                .collect(),
        })
        .collect();
    SearchView {
        form,
        errors: results.errors,
        searched: results.searched,
        groups,
        paged,
    }
}

async fn draw(
    state: &AppState,
    actor: &Actor,
    view: SearchView,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <SearchPage ctx=ctx search=view /> }
    }))
}
