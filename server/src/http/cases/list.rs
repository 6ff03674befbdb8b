//! The case list: filters, sort orders, key-based pagination and text search, limited to
//! the cases the person may see.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::storage::cases::{CaseCursor, CaseFilter, CaseSort, CaseViewer, is_iso_date};
use crate::storage::{NewAuditEvent, Outcome};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use probity_app::pages::cases::{CaseListForm, CaseListPage, CaseListView};
use probity_domain::cases::{CaseStatus, Priority};
use probity_domain::permissions::{Action, Grant, grant};
use probity_domain::roles::Role;
use probity_domain::validation::FieldErrors;
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
    match grant(actor.user.role, Action::ReadCase) {
        Grant::Never => None,
        Grant::OfficeWide => Some(CaseViewer {
            user_id: actor.user.user_id,
            office_wide: true,
        }),
        Grant::OnTeam | Grant::AsLead => Some(CaseViewer {
            user_id: actor.user.user_id,
            office_wide: false,
        }),
    }
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
    let Some(viewer) = case_viewer(actor) else {
        // Roles that see no case (auditors): refused and audited like any office-level action.
        actor.require(state, Action::ReadCase, "case.list").await?;
        return Err(AppError::Forbidden(
            "Your role does not give access to cases.",
        ));
    };
    let form = query.form;
    let mut errors = FieldErrors::default();
    let date = |errors: &mut FieldErrors, field: &'static str, value: &str| {
        let value = value.trim();
        if value.is_empty() {
            None
        } else if is_iso_date(value) {
            Some(value.to_string())
        } else {
            errors.add(field, "Enter a date as YYYY-MM-DD.");
            None
        }
    };
    let received_from = date(&mut errors, "received_from", &form.received_from);
    let received_to = date(&mut errors, "received_to", &form.received_to);
    if form.q.chars().count() > 200 {
        errors.add("q", "Use at most 200 characters.");
    }
    let filter = CaseFilter {
        status: CaseStatus::parse(&form.status),
        agency: Some(form.agency.trim().to_string()).filter(|agency| !agency.is_empty()),
        lead_user_id: form.lead.trim().parse().ok(),
        priority: Priority::parse(&form.priority),
        received_from,
        received_to,
        text: Some(form.q.trim().to_string()).filter(|q| !q.is_empty() && errors.is_empty()),
    };
    let sort = CaseSort::parse(&form.sort).unwrap_or_default();
    let after = CaseCursor::decode(&query.after);
    let store = &state.store;
    let (page, agencies, users) = tokio::try_join!(
        store.list_cases(viewer, &filter, sort, after.as_ref(), PAGE_SIZE),
        store.agencies(viewer),
        store.list_users(),
    )?;
    // The words searched for are personal data too: the audit records that a search ran,
    // not what was typed.
    let detail = format!(
        "{} shown{}",
        page.items.len(),
        if filter.text.is_some() {
            ", text search"
        } else {
            ""
        }
    );
    store
        .append_audit(
            NewAuditEvent::by(&actor.user, "case.list", Outcome::Success)
                .from_addr(actor.addr)
                .detail(detail),
        )
        .await?;
    let leads = users
        .into_iter()
        .filter(|user| !user.disabled && matches!(user.role, Role::Investigator | Role::Supervisor))
        .map(|user| (user.user_id.to_string(), user.display_name))
        .collect();
    let can_create = grant(actor.user.role, Action::CreateCase) == Grant::OfficeWide;
    let mut form = form;
    form.sort = sort.as_str().to_string();
    let view_data = CaseListView {
        form,
        errors,
        sorts: CaseSort::ALL
            .iter()
            .map(|sort| (sort.as_str().to_string(), sort.label().to_string()))
            .collect(),
        agencies,
        leads,
        cases: page.items,
        next: page.next.map(|cursor| cursor.encode()),
        paged: after.is_some(),
        can_create,
    };
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <CaseListPage ctx=ctx list=view_data /> }
    }))
}
