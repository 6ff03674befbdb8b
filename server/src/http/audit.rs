//! The audit trail for auditors and administrators: filters and key-based pages. Reading it
//! is itself audited.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use probity_app::pages::audit::{AuditForm, AuditPage, AuditRow, IntegrityNotice};
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
    page(&state, &actor, AuditQuery::default()).await
}

/// Entries matching the filters.
#[tracing::instrument(skip_all)]
pub async fn filter(
    State(state): State<AppState>,
    actor: Actor,
    Posted(query): Posted<AuditQuery>,
) -> Result<Response, AppError> {
    page(&state, &actor, query).await
}

async fn page(state: &AppState, actor: &Actor, query: AuditQuery) -> Result<Response, AppError> {
    let form = query.form;
    let trail = crate::office::audit::read_trail(
        &state.store,
        &actor.caller(),
        &crate::office::audit::TrailQuery {
            actor: form.actor.clone(),
            action: form.action.clone(),
            case_number: form.case_number.clone(),
            outcome: form.outcome.clone(),
            before: query.before.trim().parse().ok(),
        },
        PAGE_SIZE,
    )
    .await?;
    let problem = trail
        .unknown_case
        .map(|number| format!("There is no case numbered {number}."));
    let rows: Vec<AuditRow> = trail
        .events
        .into_iter()
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
            via: event.via,
        })
        .collect();
    let next_before = trail.next_before;
    let integrity = trail.integrity.map(|check| IntegrityNotice {
        checked_at: check.checked_at,
        audit_entries: check.audit_entries,
        custody_entries: check.custody_entries,
        blobs: check.blobs,
        problems: check.problems,
        summary: check.summary,
    });
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <AuditPage ctx=ctx form=form rows=rows next_before=next_before problem=problem integrity=integrity /> }
    }))
}
