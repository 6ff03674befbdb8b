//! The audit trail for auditors and administrators: filters and key-based pages. Reading it
//! is itself audited.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::storage::{AuditFilter, Outcome};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use probity_app::pages::audit::{AuditForm, AuditPage, AuditRow};
use probity_domain::permissions::Action;
use serde::Deserialize;

/// Entries per page.
const PAGE_SIZE: i64 = 100;

/// The filter form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    csrf_token: String,
    before: String,
    #[serde(flatten)]
    form: AuditForm,
}

/// The newest entries.
#[tracing::instrument(skip_all)]
pub async fn show(State(state): State<AppState>, actor: Actor) -> Result<Response, AppError> {
    actor
        .require(&state, Action::ReadAudit, "audit.view")
        .await?;
    page(&state, &actor, AuditQuery::default()).await
}

/// Entries matching the filters.
#[tracing::instrument(skip_all)]
pub async fn filter(
    State(state): State<AppState>,
    actor: Actor,
    Posted(query): Posted<AuditQuery>,
) -> Result<Response, AppError> {
    actor
        .require(&state, Action::ReadAudit, "audit.view")
        .await?;
    page(&state, &actor, query).await
}

async fn page(state: &AppState, actor: &Actor, query: AuditQuery) -> Result<Response, AppError> {
    let form = query.form;
    let mut problem = None;
    let case_number = form.case_number.trim();
    let case_id = if case_number.is_empty() {
        None
    } else {
        match state.store.case_by_number(case_number).await? {
            Some(case) => Some(case.case_id),
            None => {
                problem = Some(format!("There is no case numbered {case_number}."));
                // Matches nothing rather than everything.
                Some(-1)
            }
        }
    };
    let filter = AuditFilter {
        actor: Some(form.actor.trim().to_lowercase()).filter(|a| !a.is_empty()),
        action: Some(form.action.trim().to_string()).filter(|a| !a.is_empty()),
        case_id,
        outcome: Outcome::parse(form.outcome.trim()),
        before_id: query.before.trim().parse().ok(),
    };
    let events = state.store.list_audit(&filter, PAGE_SIZE + 1).await?;
    let has_more = events.len() as i64 > PAGE_SIZE;
    let rows: Vec<AuditRow> = events
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|event| AuditRow {
            audit_event_id: event.audit_event_id,
            occurred_at: event.occurred_at,
            actor: event.actor,
            action: event.action,
            case_number: event.case_number,
            target: event.target,
            outcome: event.outcome,
            remote_addr: event.remote_addr,
            detail: event.detail,
        })
        .collect();
    let next_before = has_more
        .then(|| rows.last().map(|row| row.audit_event_id))
        .flatten();
    state
        .store
        .append_audit(
            actor
                .audit("audit.view", Outcome::Success)
                .detail(format!("{} shown", rows.len())),
        )
        .await?;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <AuditPage ctx=ctx form=form rows=rows next_before=next_before problem=problem /> }
    }))
}
