//! The case list: filters, sort orders, key-based pagination and text search, limited to
//! the cases the person may see.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::storage::cases::{CaseSort, CaseViewer};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use probity_app::pages::cases::{CaseListForm, CaseListPage, CaseListView};
use probity_domain::permissions::{Action, Grant, grant};
use probity_domain::roles::Role;
use serde::Deserialize;

/// Cases per page.
pub const PAGE_SIZE: i64 = 50;

/// The list's filters plus where the page starts.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    csrf_token: String,
    after: String,
    #[serde(flatten)]
    form: CaseListForm,
}

/// Which cases a person sees in lists; `None` for roles that see none.
pub fn case_viewer(actor: &Actor) -> Option<CaseViewer> {
    crate::office::cases::case_viewer(&actor.user)
}

/// The list from a link (filters in the address; never the search words).
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Query(mut query): Query<ListQuery>,
) -> Result<Response, AppError> {
    // Search words only ever travel in a POST body.
    query.form.q.clear();
    list(&state, &actor, query).await
}

/// The list from the filter form, with search.
#[tracing::instrument(skip_all)]
pub async fn search(
    State(state): State<AppState>,
    actor: Actor,
    Posted(query): Posted<ListQuery>,
) -> Result<Response, AppError> {
    list(&state, &actor, query).await
}

async fn list(state: &AppState, actor: &Actor, query: ListQuery) -> Result<Response, AppError> {
    let caller = actor.caller();
    let store = &state.store;
    let listing =
        crate::office::cases::list_cases(store, &caller, &query.form, &query.after, PAGE_SIZE)
            .await?;
    let viewer = case_viewer(actor).ok_or(AppError::Forbidden(
        "Your role does not give access to cases.",
    ))?;
    let (agencies, users) = tokio::try_join!(store.agencies(viewer), store.list_users())?;
    let form = query.form;
    let leads = users
        .into_iter()
        .filter(|user| !user.disabled && matches!(user.role, Role::Investigator | Role::Supervisor))
        .map(|user| (user.user_id.to_string(), user.display_name))
        .collect();
    let can_create = grant(actor.user.role, Action::CreateCase) == Grant::OfficeWide;
    let mut form = form;
    form.sort = listing.sort.as_str().to_string();
    let view_data = CaseListView {
        form,
        errors: listing.errors,
        sorts: CaseSort::ALL
            .iter()
            .map(|sort| (sort.as_str().to_string(), sort.label().to_string()))
            .collect(),
        agencies,
        leads,
        cases: listing.page.items,
        next: listing.page.next.map(|cursor| cursor.encode()),
        paged: listing.paged,
        can_create,
    };
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <CaseListPage ctx=ctx list=view_data /> }
    }))
}
