//! A case's referrals and outcomes: the list, and the forms to record and edit each. The
//! rules are in [`crate::office::outcomes`].

use crate::auth::{set_flash, take_flash};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{WithCsrf, page_context, render};
use crate::http::posted::Posted;
use crate::http::redraw::Redraw;
use crate::office::outcomes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::cases::case_path;
use probity_app::pages::outcomes::{
    MoneyFormPage, OutcomeFormPage, OutcomesPage, ReferralFormPage,
};
use probity_domain::money::MoneyFields;
use probity_domain::outcomes::{OutcomeFields, ReferralFields};

fn outcomes_path(case_id: i64) -> String {
    format!("{}/outcomes", case_path(case_id))
}

/// The case's referrals and outcomes.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let found = outcomes::outcomes(&state.store, &actor.caller(), case_id).await?;
    let notice = take_flash(&actor.session).await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let (case, referrals, list, money, can_edit) = (
        found.open.case,
        found.referrals,
        found.outcomes,
        found.money,
        found.can_edit,
    );
    Ok(render(StatusCode::OK, move || {
        view! { <OutcomesPage ctx=ctx case=case referrals=referrals outcomes=list money=money can_edit=can_edit notice=notice /> }
    }))
}

/// Which form, with what it holds.
enum Form {
    Referral(Option<i64>, ReferralFields),
    Outcome(Option<i64>, OutcomeFields),
    Money(Option<i64>, MoneyFields),
}

async fn form_page(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    form: Form,
    redraw: Redraw,
) -> Result<Response, AppError> {
    let (open, subjects) =
        outcomes::for_editing(&state.store, &actor.caller(), case_id, "case.outcomes.edit").await?;
    let subjects: Vec<(i64, String)> = subjects
        .into_iter()
        .map(|party| (party.party_id, party.name))
        .collect();
    let case = open.case;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let Redraw {
        errors,
        stale,
        status,
    } = redraw;
    Ok(match form {
        Form::Referral(referral_id, values) => render(status, move || {
            view! { <ReferralFormPage ctx=ctx case=case referral_id=referral_id values=values subjects=subjects errors=errors stale=stale /> }
        }),
        Form::Outcome(outcome_id, values) => render(status, move || {
            view! { <OutcomeFormPage ctx=ctx case=case outcome_id=outcome_id values=values subjects=subjects errors=errors stale=stale /> }
        }),
        Form::Money(money_id, values) => {
            let currency = state.settings.currency.clone();
            render(status, move || {
                view! { <MoneyFormPage ctx=ctx case=case money_id=money_id values=values currency=currency errors=errors stale=stale /> }
            })
        }
    })
}

/// The form to record a referral.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn new_referral(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let values = ReferralFields {
        decision: "pending".into(),
        ..ReferralFields::default()
    };
    form_page(
        &state,
        &actor,
        case_id,
        Form::Referral(None, values),
        Redraw::fresh(),
    )
    .await
}

/// Records a referral.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_referral(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<ReferralFields>>,
) -> Result<Response, AppError> {
    match outcomes::add_referral(&state.store, &actor.caller(), case_id, &form.values).await {
        Ok(saved) => {
            set_flash(
                &actor.session,
                &format!("Referral to {} recorded.", saved.office),
            )
            .await?;
            Ok(Redirect::to(&outcomes_path(case_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            form_page(
                &state,
                &actor,
                case_id,
                Form::Referral(None, form.values),
                redraw,
            )
            .await
        }
    }
}

/// The form to edit a referral.
#[tracing::instrument(skip_all, fields(case_id, referral_id))]
pub async fn edit_referral(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, referral_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let found = outcomes::outcomes(&state.store, &actor.caller(), case_id).await?;
    let referral = found
        .referrals
        .iter()
        .find(|r| r.referral_id == referral_id)
        .ok_or(AppError::NotFound)?;
    let values = ReferralFields::from_referral(referral);
    form_page(
        &state,
        &actor,
        case_id,
        Form::Referral(Some(referral_id), values),
        Redraw::fresh(),
    )
    .await
}

/// Saves a referral.
#[tracing::instrument(skip_all, fields(case_id, referral_id))]
pub async fn save_referral(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, referral_id)): Path<(i64, i64)>,
    Posted(form): Posted<WithCsrf<ReferralFields>>,
) -> Result<Response, AppError> {
    match outcomes::save_referral(
        &state.store,
        &actor.caller(),
        case_id,
        referral_id,
        &form.values,
    )
    .await
    {
        Ok(saved) => {
            set_flash(
                &actor.session,
                &format!("Referral to {} saved.", saved.office),
            )
            .await?;
            Ok(Redirect::to(&outcomes_path(case_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            form_page(
                &state,
                &actor,
                case_id,
                Form::Referral(Some(referral_id), form.values),
                redraw,
            )
            .await
        }
    }
}

/// The form to record an outcome.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn new_outcome(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    form_page(
        &state,
        &actor,
        case_id,
        Form::Outcome(None, OutcomeFields::default()),
        Redraw::fresh(),
    )
    .await
}

/// Records an outcome.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_outcome(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<OutcomeFields>>,
) -> Result<Response, AppError> {
    match outcomes::add_outcome(&state.store, &actor.caller(), case_id, &form.values).await {
        Ok(saved) => {
            set_flash(&actor.session, &format!("{} recorded.", saved.kind.label())).await?;
            Ok(Redirect::to(&outcomes_path(case_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            form_page(
                &state,
                &actor,
                case_id,
                Form::Outcome(None, form.values),
                redraw,
            )
            .await
        }
    }
}

/// The form to edit an outcome.
#[tracing::instrument(skip_all, fields(case_id, outcome_id))]
pub async fn edit_outcome(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, outcome_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let found = outcomes::outcomes(&state.store, &actor.caller(), case_id).await?;
    let outcome = found
        .outcomes
        .iter()
        .find(|o| o.outcome_id == outcome_id)
        .ok_or(AppError::NotFound)?;
    let values = OutcomeFields::from_outcome(outcome);
    form_page(
        &state,
        &actor,
        case_id,
        Form::Outcome(Some(outcome_id), values),
        Redraw::fresh(),
    )
    .await
}

/// Saves an outcome.
#[tracing::instrument(skip_all, fields(case_id, outcome_id))]
pub async fn save_outcome(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, outcome_id)): Path<(i64, i64)>,
    Posted(form): Posted<WithCsrf<OutcomeFields>>,
) -> Result<Response, AppError> {
    match outcomes::save_outcome(
        &state.store,
        &actor.caller(),
        case_id,
        outcome_id,
        &form.values,
    )
    .await
    {
        Ok(saved) => {
            set_flash(&actor.session, &format!("{} saved.", saved.kind.label())).await?;
            Ok(Redirect::to(&outcomes_path(case_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            form_page(
                &state,
                &actor,
                case_id,
                Form::Outcome(Some(outcome_id), form.values),
                redraw,
            )
            .await
        }
    }
}

/// The form to record an amount.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn new_money(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    form_page(
        &state,
        &actor,
        case_id,
        Form::Money(None, MoneyFields::default()),
        Redraw::fresh(),
    )
    .await
}

/// Records an amount.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_money(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<MoneyFields>>,
) -> Result<Response, AppError> {
    let currency = state.settings.currency.clone();
    match outcomes::add_money(
        &state.store,
        &actor.caller(),
        case_id,
        &currency,
        &form.values,
    )
    .await
    {
        Ok(saved) => {
            set_flash(&actor.session, &format!("{} recorded.", saved.kind.label())).await?;
            Ok(Redirect::to(&outcomes_path(case_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            form_page(
                &state,
                &actor,
                case_id,
                Form::Money(None, form.values),
                redraw,
            )
            .await
        }
    }
}

/// The form to edit an amount.
#[tracing::instrument(skip_all, fields(case_id, money_id))]
pub async fn edit_money(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, money_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let found = outcomes::outcomes(&state.store, &actor.caller(), case_id).await?;
    let money = found
        .money
        .iter()
        .find(|m| m.money_id == money_id)
        .ok_or(AppError::NotFound)?;
    let values = MoneyFields::from_money(money);
    form_page(
        &state,
        &actor,
        case_id,
        Form::Money(Some(money_id), values),
        Redraw::fresh(),
    )
    .await
}

/// Saves an amount.
#[tracing::instrument(skip_all, fields(case_id, money_id))]
pub async fn save_money(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, money_id)): Path<(i64, i64)>,
    Posted(form): Posted<WithCsrf<MoneyFields>>,
) -> Result<Response, AppError> {
    let currency = state.settings.currency.clone();
    match outcomes::save_money(
        &state.store,
        &actor.caller(),
        case_id,
        money_id,
        &currency,
        &form.values,
    )
    .await
    {
        Ok(saved) => {
            set_flash(&actor.session, &format!("{} saved.", saved.kind.label())).await?;
            Ok(Redirect::to(&outcomes_path(case_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            form_page(
                &state,
                &actor,
                case_id,
                Form::Money(Some(money_id), form.values),
                redraw,
            )
            .await
        }
    }
}
