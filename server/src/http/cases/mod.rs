//! Case routes. Every handler first opens the case through [`open_case`], which applies the
//! permission table and the recusals: a case the person may not see answers 404, exactly
//! like one that does not exist, and the refusal is audited.

pub mod allegations;
pub mod details;
pub mod export;
pub mod interviews;
pub mod list;
pub mod notes;
pub mod outcomes;
pub mod parties;
pub mod plan;
pub mod team;

pub use crate::office::validate;

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use axum::Router;
use axum::routing::{get, post};
use probity_app::pages::cases::CasePermissions;
use probity_app::pages::reports::ReportPermissions;
use probity_domain::permissions::{Action, allows};

/// The case routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list::show))
        .route("/cases/search", post(list::search))
        .route("/cases/new", get(details::new_form).post(details::create))
        .route("/cases/{case_id}", get(details::show))
        .route(
            "/cases/{case_id}/edit",
            get(details::edit_form).post(details::update),
        )
        .route(
            "/cases/{case_id}/status",
            get(details::status_form).post(details::move_status),
        )
        .route("/cases/{case_id}/parties", get(details::parties))
        .route("/cases/{case_id}/history", get(details::history))
        .route(
            "/cases/{case_id}/export",
            get(export::form).post(export::download),
        )
        .route("/cases/{case_id}/interviews", get(interviews::list))
        .route(
            "/cases/{case_id}/interviews/new",
            get(interviews::new_form).post(interviews::create),
        )
        .route(
            "/cases/{case_id}/interviews/{interview_id}",
            get(interviews::show),
        )
        .route(
            "/cases/{case_id}/interviews/{interview_id}/edit",
            get(interviews::edit_form).post(interviews::save),
        )
        .route("/cases/{case_id}/outcomes", get(outcomes::show))
        .route(
            "/cases/{case_id}/outcomes/referrals/new",
            get(outcomes::new_referral).post(outcomes::add_referral),
        )
        .route(
            "/cases/{case_id}/outcomes/referrals/{referral_id}/edit",
            get(outcomes::edit_referral).post(outcomes::save_referral),
        )
        .route(
            "/cases/{case_id}/outcomes/money/new",
            get(outcomes::new_money).post(outcomes::add_money),
        )
        .route(
            "/cases/{case_id}/outcomes/money/{money_id}/edit",
            get(outcomes::edit_money).post(outcomes::save_money),
        )
        .route(
            "/cases/{case_id}/outcomes/actions/new",
            get(outcomes::new_outcome).post(outcomes::add_outcome),
        )
        .route(
            "/cases/{case_id}/outcomes/actions/{outcome_id}/edit",
            get(outcomes::edit_outcome).post(outcomes::save_outcome),
        )
        .route("/cases/{case_id}/plan", get(plan::show))
        .route("/cases/{case_id}/plan/reviews", post(plan::add_review))
        .route(
            "/cases/{case_id}/plan/new",
            get(plan::new_task).post(plan::create_task),
        )
        .route(
            "/cases/{case_id}/plan/{task_id}/edit",
            get(plan::edit_task).post(plan::update_task),
        )
        .route(
            "/cases/{case_id}/clocks/{clock}",
            get(plan::clock_form).post(plan::change_clock),
        )
        .route("/cases/{case_id}/complainants", get(plan::complainants))
        .route(
            "/cases/{case_id}/complainants/consents",
            post(plan::record_consent),
        )
        .route(
            "/cases/{case_id}/complainants/consents/{consent_id}/withdraw",
            post(plan::withdraw_consent),
        )
        .route("/cases/{case_id}/team", get(team::show))
        .route("/cases/{case_id}/team/add", post(team::add))
        .route("/cases/{case_id}/team/remove", post(team::remove))
        .route("/cases/{case_id}/team/lead", post(team::lead))
        .route("/cases/{case_id}/team/recuse", post(team::recuse))
        .route("/cases/{case_id}/team/lift", post(team::lift))
        .route("/cases/{case_id}/team/name", post(team::name))
        .route("/cases/{case_id}/team/unname", post(team::unname))
        .route(
            "/cases/{case_id}/parties/new",
            get(parties::new_form).post(parties::create),
        )
        .route(
            "/cases/{case_id}/parties/{party_id}/edit",
            get(parties::edit_form).post(parties::update),
        )
        .route(
            "/cases/{case_id}/allegations/new",
            get(allegations::new_form).post(allegations::create),
        )
        .route(
            "/cases/{case_id}/allegations/{allegation_id}/edit",
            get(allegations::edit_form).post(allegations::update),
        )
        .route(
            "/cases/{case_id}/notes/new",
            get(notes::new_form).post(notes::create),
        )
        .route(
            "/cases/{case_id}/notes/{note_id}/edit",
            get(notes::edit_form).post(notes::update),
        )
        .route(
            "/cases/{case_id}/notes/{note_id}/history",
            get(notes::history),
        )
}

pub use crate::office::cases::OpenCase;

impl OpenCase {
    /// What the person may do on the case page.
    pub fn permissions(&self, actor: &Actor) -> CasePermissions {
        let role = actor.user.role;
        CasePermissions {
            edit: allows(role, Action::EditCase, self.standing),
            move_status: allows(role, Action::MoveStatus, self.standing)
                || allows(role, Action::ReopenCase, self.standing),
            manage_team: allows(role, Action::ManageTeam, self.standing),
        }
    }

    /// What the person may do with the case's report, for the report pages' buttons.
    pub fn report_permissions(&self, actor: &Actor) -> ReportPermissions {
        let role = actor.user.role;
        ReportPermissions {
            draft: allows(role, Action::DraftReport, self.standing),
            review: allows(role, Action::ReviewReport, self.standing),
            publish: allows(role, Action::PublishReport, self.standing),
        }
    }
}

/// Loads a case for an action through the office layer ([`crate::office::cases::open_case`]):
/// 404 when it does not exist or may not be seen, 403 when the action is not allowed, both
/// audited.
pub async fn open_case(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    action: Action,
    audit_action: &'static str,
) -> Result<OpenCase, AppError> {
    Ok(crate::office::cases::open_case(
        &state.store,
        &actor.caller(),
        case_id,
        action,
        audit_action,
    )
    .await?)
}

/// Records a successful read or change of a case.
pub async fn audit_success(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    action: &'static str,
    target: Option<String>,
    detail: Option<String>,
) -> Result<(), AppError> {
    Ok(crate::office::cases::record(
        &state.store,
        &actor.caller(),
        case_id,
        action,
        target,
        detail,
    )
    .await?)
}

/// A case already opened for this request, read again to draw a form (after the office
/// refused what the form sent).
pub async fn find_case(
    state: &AppState,
    case_id: i64,
) -> Result<probity_domain::cases::Case, AppError> {
    state
        .store
        .case_by_id(case_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A form's `version` field; a missing or garbled one can only be stale.
pub fn parse_version(value: &str) -> i64 {
    value.trim().parse().unwrap_or(-1)
}
