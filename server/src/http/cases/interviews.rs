//! A case's interviews: the list, one interview, and the forms to record and edit one. The
//! rules are in [`crate::office::interviews`].

use crate::auth::{set_flash, take_flash};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::PostedPairs;
use crate::http::redraw::Redraw;
use crate::office::interviews;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::cases::case_path;
use probity_app::pages::interviews::{InterviewFormPage, InterviewPage, InterviewsPage};
use probity_domain::interviews::InterviewFields;

fn interview_path(case_id: i64, interview_id: i64) -> String {
    format!("{}/interviews/{interview_id}", case_path(case_id))
}

/// The case's interviews.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let found = interviews::interviews(&state.store, &actor.caller(), case_id).await?;
    let notice = take_flash(&actor.session).await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let (case, list, can_edit) = (found.open.case, found.interviews, found.can_edit);
    Ok(render(StatusCode::OK, move || {
        view! { <InterviewsPage ctx=ctx case=case interviews=list can_edit=can_edit notice=notice /> }
    }))
}

/// One interview.
#[tracing::instrument(skip_all, fields(case_id, interview_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, interview_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let found = interviews::interview(&state.store, &actor.caller(), case_id, interview_id).await?;
    let notice = take_flash(&actor.session).await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let cited_by: Vec<(i64, String)> = found
        .cited_by
        .into_iter()
        .map(|c| {
            let short: String = c.narrative.chars().take(120).collect();
            (
                c.event_id,
                format!("{}, {}: {short}", c.incident_title, c.local_start),
            )
        })
        .collect();
    let (case, interview, versions, can_edit) = (
        found.open.case,
        found.interview,
        found.versions,
        found.can_edit,
    );
    Ok(render(StatusCode::OK, move || {
        view! { <InterviewPage ctx=ctx case=case interview=interview versions=versions cited_by=cited_by can_edit=can_edit notice=notice /> }
    }))
}

async fn form_page(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    interview_id: Option<i64>,
    values: Option<InterviewFields>,
    redraw: Redraw,
) -> Result<Response, AppError> {
    let choices =
        interviews::for_editing(&state.store, &actor.caller(), case_id, interview_id).await?;
    let mut values = match (values, &choices.interview) {
        (Some(values), _) => values,
        (None, Some(saved)) => InterviewFields::of(saved),
        (None, None) => InterviewFields::default(),
    };
    // Someone saved first: what was typed stays, shown beside the saved memorandum, and the
    // next save is based on the saved version.
    let saved_memorandum = match (&choices.interview, redraw.stale) {
        (Some(saved), true) => {
            values.version = saved.version.to_string();
            Some(saved.memorandum.clone())
        }
        _ => None,
    };
    let parties = choices
        .parties
        .iter()
        .map(|p| {
            (
                p.party_id.to_string(),
                format!("{} ({})", p.name, p.party_role.label()),
            )
        })
        .collect();
    let mut team: Vec<(String, String)> = choices
        .team
        .iter()
        .map(|m| (m.user_id.to_string(), m.display_name.clone()))
        .collect();
    // Investigators recorded as present who have since left the team stay choosable.
    if let Some(saved) = &choices.interview {
        for attendee in &saved.attendees {
            if let Some(id) = attendee.user_id
                && !choices.team.iter().any(|m| m.user_id == id)
            {
                team.push((
                    id.to_string(),
                    format!("{} (no longer on the team)", attendee.name),
                ));
            }
        }
    }
    let interview = choices
        .interview
        .as_ref()
        .map(|i| (i.interview_id, i.label()));
    let case = choices.open.case;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let Redraw {
        errors,
        stale,
        status,
    } = redraw;
    Ok(render(status, move || {
        view! { <InterviewFormPage ctx=ctx case=case interview=interview values=values parties=parties team=team errors=errors stale=stale saved_memorandum=saved_memorandum /> }
    }))
}

/// Reads the interview form (the investigators' checkboxes repeat their name).
fn read_form(pairs: Vec<(String, String)>) -> InterviewFields {
    let mut v = InterviewFields::default();
    for (key, value) in pairs {
        match key.as_str() {
            "party_id" => v.party_id = value,
            "interviewee_role" => v.interviewee_role = value,
            "held_on" => v.held_on = value,
            "place" => v.place = value,
            "warning" => v.warning = value,
            "recording" => v.recording = value,
            "transcript" => v.transcript = value,
            "investigators" => v.investigators.push(value),
            "counsel" => v.counsel = value,
            "union_representative" => v.union_representative = value,
            "interpreter" => v.interpreter = value,
            "others" => v.others = value,
            "memorandum" => v.memorandum = value,
            "version" => v.version = value,
            _ => {}
        }
    }
    v
}

/// The form to record an interview.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn new_form(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    // The person recording it was most likely there.
    let values = InterviewFields {
        investigators: vec![actor.user.user_id.to_string()],
        ..InterviewFields::default()
    };
    form_page(&state, &actor, case_id, None, Some(values), Redraw::fresh()).await
}

/// Records an interview.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    PostedPairs(pairs): PostedPairs,
) -> Result<Response, AppError> {
    let values = read_form(pairs);
    match interviews::add_interview(&state.store, &actor.caller(), case_id, &values).await {
        Ok(saved) => {
            set_flash(
                &actor.session,
                &format!("{} of {} recorded.", saved.label(), saved.interviewee_name),
            )
            .await?;
            Ok(Redirect::to(&interview_path(case_id, saved.interview_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            form_page(&state, &actor, case_id, None, Some(values), redraw).await
        }
    }
}

/// The form to edit an interview.
#[tracing::instrument(skip_all, fields(case_id, interview_id))]
pub async fn edit_form(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, interview_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    form_page(
        &state,
        &actor,
        case_id,
        Some(interview_id),
        None,
        Redraw::fresh(),
    )
    .await
}

/// Saves an interview.
#[tracing::instrument(skip_all, fields(case_id, interview_id))]
pub async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, interview_id)): Path<(i64, i64)>,
    PostedPairs(pairs): PostedPairs,
) -> Result<Response, AppError> {
    let values = read_form(pairs);
    match interviews::save_interview(
        &state.store,
        &actor.caller(),
        case_id,
        interview_id,
        &values,
    )
    .await
    {
        Ok(saved) => {
            set_flash(
                &actor.session,
                &format!("{} saved as version {}.", saved.label(), saved.version),
            )
            .await?;
            Ok(Redirect::to(&interview_path(case_id, interview_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            form_page(
                &state,
                &actor,
                case_id,
                Some(interview_id),
                Some(values),
                redraw,
            )
            .await
        }
    }
}
