//! The home page: the person's cases, counts by status and the oldest open cases.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::cases::list::case_viewer;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::storage::Outcome;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use probity_app::pages::dashboard::{DashboardPage, DashboardView};
use probity_domain::permissions::{Action, Grant, grant};
use probity_domain::reports::ReportState;
use probity_domain::roles::Role;

/// Cases shown in each list of the dashboard.
const LIST_SIZE: i64 = 10;

/// Shows the dashboard.
#[tracing::instrument(skip_all)]
pub async fn show(State(state): State<AppState>, actor: Actor) -> Result<Response, AppError> {
    let mut dashboard = DashboardView {
        display_name: actor.user.display_name.clone(),
        can_create: grant(actor.user.role, Action::CreateCase) == Grant::OfficeWide,
        ..DashboardView::default()
    };
    if let Some(viewer) = case_viewer(&actor) {
        let store = &state.store;
        let (mine, counts, oldest) = tokio::try_join!(
            store.my_cases(actor.user.user_id, LIST_SIZE),
            store.count_by_status(viewer),
            store.oldest_open(viewer, LIST_SIZE),
        )?;
        dashboard.my_cases = mine;
        dashboard.counts = counts;
        dashboard.oldest_open = oldest;
        dashboard.sees_cases = true;
        store
            .append_audit(actor.audit("case.dashboard", Outcome::Success))
            .await?;
    }
    // Work queues, each for the roles whose work it is.
    let role = actor.user.role;
    if let Some(viewer) = case_viewer(&actor)
        && grant(role, Action::ReviewReport) != Grant::Never
    {
        dashboard.to_review = Some(
            state
                .store
                .report_queue(viewer, ReportState::Submitted, LIST_SIZE)
                .await?,
        );
    }
    if grant(role, Action::DraftReport) != Grant::Never {
        let team = crate::storage::cases::CaseViewer {
            user_id: actor.user.user_id,
            office_wide: false,
        };
        dashboard.returned = Some(
            state
                .store
                .report_queue(team, ReportState::Returned, LIST_SIZE)
                .await?,
        );
    }
    dashboard.intake = crate::office::complaints::counts(&state.store, &actor.caller()).await?;
    let caller = actor.caller();
    let (my_tasks, clocks_due) = tokio::try_join!(
        crate::office::plan::my_tasks(&state.store, &caller),
        crate::office::plan::clocks_due(&state.store, &caller),
    )?;
    dashboard.my_tasks = my_tasks;
    dashboard.clocks_due = clocks_due;
    dashboard.today = Some(crate::office::plan::today());
    if matches!(role, Role::Auditor | Role::Administrator) {
        dashboard.alarms = Some(state.store.integrity_alarms(LIST_SIZE).await?);
    }
    // Supervisors are told of every privileged role the only administrator gave alone.
    if role == Role::Supervisor {
        dashboard.role_notices = state
            .store
            .role_grants(crate::storage::GrantState::Alone, 20)
            .await?
            .into_iter()
            .map(|grant| {
                format!(
                    "{} made {} ({}) {} on {}, as the only administrator.",
                    grant.requested_by_name,
                    grant.display_name,
                    grant.username,
                    grant.role.label(),
                    probity_app::pages::cases::format_utc(grant.requested_at)
                )
            })
            .collect();
    }
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <DashboardPage ctx=ctx dashboard=dashboard /> }
    }))
}
