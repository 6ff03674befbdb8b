//! Report routes of a case: findings, recommendations, redactions, report versions with their
//! review, approval and publication, and the approved files. Every route opens the case through
//! [`open_case`], so permissions, recusals and the audit trail apply as everywhere else.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::cases::{OpenCase, audit_success, open_case, parse_version};
use crate::http::error::AppError;
use crate::http::pages::{WithCsrf, page_context, render};
use crate::http::posted::{Posted, PostedPairs};
use crate::http::redraw::Redraw;
use crate::office::{OfficeError, reports as office_reports};
use crate::reports::{self, Loaded, compose};
use crate::storage::reports::FindingInput;
use crate::storage::{Outcome, StoreError};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use probity_app::pages::cases::case_path;
use probity_app::pages::reports::*;
use probity_domain::cases::Case;
use probity_domain::permissions::Action;
use probity_domain::reports::{
    LeakHit, RecommendationStatus, RedactionReason, ReportState, ReportVersion, SECTIONS,
};
use probity_domain::validation::FieldErrors;
use serde::Deserialize;

/// The report routes under a case.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{case_id}/findings", get(findings))
        .route(
            "/cases/{case_id}/findings/{allegation_id}",
            get(finding_form).post(save_finding),
        )
        .route("/cases/{case_id}/recommendations", get(recommendations))
        .route(
            "/cases/{case_id}/recommendations/new",
            get(new_recommendation).post(create_recommendation),
        )
        .route(
            "/cases/{case_id}/recommendations/{recommendation_id}",
            get(recommendation).post(update_recommendation),
        )
        .route(
            "/cases/{case_id}/redactions",
            get(redactions).post(add_redaction),
        )
        .route(
            "/cases/{case_id}/redactions/{redaction_id}/remove",
            post(remove_redaction),
        )
        .route("/cases/{case_id}/redactions/release", post(release))
        .route("/cases/{case_id}/report", get(report))
        .route(
            "/cases/{case_id}/report/edit",
            get(edit_form).post(save_version),
        )
        .route("/cases/{case_id}/report/compare", get(compare))
        .route("/cases/{case_id}/report/versions/{version}", get(version))
        .route(
            "/cases/{case_id}/report/versions/{version}/preview",
            get(preview),
        )
        .route(
            "/cases/{case_id}/report/versions/{version}/submit",
            post(submit),
        )
        .route(
            "/cases/{case_id}/report/versions/{version}/return",
            post(return_version),
        )
        .route(
            "/cases/{case_id}/report/versions/{version}/approve",
            post(approve),
        )
        .route(
            "/cases/{case_id}/report/versions/{version}/publish",
            post(publish),
        )
        .route(
            "/cases/{case_id}/report/versions/{version}/release",
            post(release_hit),
        )
        .route(
            "/cases/{case_id}/report/versions/{version}/{file}",
            get(download),
        )
        .route("/recommendations", get(open_recommendations))
}

async fn audit(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    action: &'static str,
    target: String,
    detail: Option<String>,
) -> Result<(), AppError> {
    audit_success(state, actor, case_id, action, Some(target), detail).await
}

// ---------------------------------------------------------------------------------------------
// Findings

async fn citation_labels(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
) -> Result<(Vec<(i64, String)>, Vec<(i64, String)>), AppError> {
    let events = state
        .store
        .events(case_id, None, actor.user.user_id)
        .await?;
    let exhibits = state.store.exhibits(case_id, actor.user.user_id).await?;
    let events = events
        .into_iter()
        .map(|event| {
            let narrative: String = event.narrative.chars().take(60).collect();
            (
                event.event_id,
                format!(
                    "{} — {}: {narrative}",
                    event.incident_title, event.local_start
                ),
            )
        })
        .collect();
    let exhibits = exhibits
        .into_iter()
        .map(|exhibit| {
            let description: String = exhibit.description.chars().take(60).collect();
            (
                exhibit.exhibit_id,
                format!("E-{}: {description}", exhibit.number),
            )
        })
        .collect();
    Ok((events, exhibits))
}

/// A case's findings.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn findings(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "finding.list").await?;
    let allegations = state.store.allegations(case_id).await?;
    let findings = state.store.findings(case_id).await?;
    let (event_labels, exhibit_labels) = citation_labels(&state, &actor, case_id).await?;
    audit(
        &state,
        &actor,
        case_id,
        "finding.list",
        "findings".into(),
        None,
    )
    .await?;
    let can_edit = open.report_permissions(&actor).draft;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <FindingsPage ctx=ctx case=case allegations=allegations findings=findings event_labels=event_labels exhibit_labels=exhibit_labels can_edit=can_edit /> }
    }))
}

#[allow(clippy::too_many_arguments)]
async fn finding_page(
    state: &AppState,
    actor: &Actor,
    case: Case,
    allegation_id: i64,
    values: FindingFormValues,
    errors: FieldErrors,
    stale: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let case_id = case.case_id;
    let allegation = state
        .store
        .allegations(case_id)
        .await?
        .into_iter()
        .find(|a| a.allegation_id == allegation_id)
        .ok_or(AppError::NotFound)?;
    let current = state
        .store
        .findings(case_id)
        .await?
        .into_iter()
        .find(|f| f.allegation_id == allegation_id);
    let (event_choices, exhibit_choices) = citation_labels(state, actor, case_id).await?;
    let dispositions = state.settings.disposition_list();
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! {
            <FindingFormPage ctx=ctx case=case allegation=allegation dispositions=dispositions
                event_choices=event_choices exhibit_choices=exhibit_choices values=values errors=errors
                stale=stale current=current />
        }
    }))
}

/// The form to record or edit a finding.
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn finding_form(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, allegation_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::DraftReport, "finding.view").await?;
    let finding = state
        .store
        .findings(case_id)
        .await?
        .into_iter()
        .find(|f| f.allegation_id == allegation_id);
    let values = match &finding {
        Some(f) => FindingFormValues {
            disposition: f.disposition.clone(),
            basis: f.basis.clone(),
            analysis: f.analysis.clone(),
            version: f.version.to_string(),
            events: f.event_ids.iter().map(i64::to_string).collect(),
            exhibits: f.exhibit_ids.iter().map(i64::to_string).collect(),
        },
        None => FindingFormValues {
            version: "0".into(),
            ..FindingFormValues::default()
        },
    };
    audit(
        &state,
        &actor,
        case_id,
        "finding.view",
        format!("allegation:{allegation_id}"),
        None,
    )
    .await?;
    finding_page(
        &state,
        &actor,
        open.case,
        allegation_id,
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .unwrap_or("")
}

fn ids(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .collect()
}

fn length(errors: &mut FieldErrors, name: &'static str, value: &str, max: usize, label: &str) {
    if value.chars().count() > max {
        errors.add(name, format!("{label} must be {max} characters or fewer"));
    }
}

/// Saves a finding, unless someone else saved first.
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn save_finding(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, allegation_id)): Path<(i64, i64)>,
    PostedPairs(pairs): PostedPairs,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::DraftReport, "finding.save").await?;
    let values = FindingFormValues {
        disposition: field(&pairs, "disposition").trim().to_string(),
        basis: field(&pairs, "basis").trim().to_string(),
        analysis: field(&pairs, "analysis").trim().to_string(),
        version: field(&pairs, "version").to_string(),
        events: ids(&pairs, "events"),
        exhibits: ids(&pairs, "exhibits"),
    };
    let mut errors = FieldErrors::default();
    if !state
        .settings
        .disposition_list()
        .contains(&values.disposition)
    {
        errors.add("disposition", "Choose a finding");
    }
    if values.basis.is_empty() {
        errors.add("basis", "Enter the legal or policy basis");
    }
    length(&mut errors, "basis", &values.basis, 500, "The basis");
    length(
        &mut errors,
        "analysis",
        &values.analysis,
        20000,
        "The analysis",
    );
    let (event_choices, exhibit_choices) = citation_labels(&state, &actor, case_id).await?;
    let pick = |wanted: &[String], choices: &[(i64, String)]| -> Option<Vec<i64>> {
        wanted
            .iter()
            .map(|id| {
                id.parse::<i64>()
                    .ok()
                    .filter(|id| choices.iter().any(|(c, _)| c == id))
            })
            .collect()
    };
    let event_ids = pick(&values.events, &event_choices);
    let exhibit_ids = pick(&values.exhibits, &exhibit_choices);
    if event_ids.is_none() || exhibit_ids.is_none() {
        errors.add("analysis", "A cited event or exhibit is not in this case");
    }
    if !errors.is_empty() {
        return finding_page(
            &state,
            &actor,
            open.case,
            allegation_id,
            values,
            errors,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if !state
        .store
        .allegations(case_id)
        .await?
        .iter()
        .any(|a| a.allegation_id == allegation_id)
    {
        return Err(AppError::NotFound);
    }
    let input = FindingInput {
        disposition: values.disposition.clone(),
        basis: values.basis.clone(),
        analysis: values.analysis.clone(),
        event_ids: event_ids.unwrap_or_default(),
        exhibit_ids: exhibit_ids.unwrap_or_default(),
    };
    match state
        .store
        .save_finding(
            case_id,
            allegation_id,
            parse_version(&values.version),
            input,
            actor.user.user_id,
        )
        .await
    {
        Ok(()) => {
            audit(
                &state,
                &actor,
                case_id,
                "finding.save",
                format!("allegation:{allegation_id}"),
                Some(values.disposition),
            )
            .await?;
            Ok(Redirect::to(&format!("{}/findings", case_path(case_id))).into_response())
        }
        Err(StoreError::Stale) => {
            let mut values = values;
            values.version = state
                .store
                .findings(case_id)
                .await?
                .iter()
                .find(|f| f.allegation_id == allegation_id)
                .map(|f| f.version.to_string())
                .unwrap_or_else(|| "0".into());
            finding_page(
                &state,
                &actor,
                open.case,
                allegation_id,
                values,
                FieldErrors::default(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Recommendations

/// A case's recommendations.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn recommendations(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_case(
        &state,
        &actor,
        case_id,
        Action::ReadCase,
        "recommendation.list",
    )
    .await?;
    let list = state.store.recommendations(case_id).await?;
    audit(
        &state,
        &actor,
        case_id,
        "recommendation.list",
        "recommendations".into(),
        None,
    )
    .await?;
    let can_edit = open.report_permissions(&actor).draft;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <RecommendationsPage ctx=ctx case=case recommendations=list can_edit=can_edit /> }
    }))
}

fn today() -> String {
    let today = time::OffsetDateTime::now_utc().date();
    format!(
        "{:04}-{:02}-{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    )
}

#[allow(clippy::too_many_arguments)]
async fn recommendation_page(
    state: &AppState,
    actor: &Actor,
    open: OpenCase,
    recommendation_id: Option<i64>,
    values: RecommendationFormValues,
    errors: FieldErrors,
    stale: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let can_edit = open.report_permissions(actor).draft;
    let case = open.case;
    let (recommendation, history) = match recommendation_id {
        Some(id) => {
            let found = state
                .store
                .recommendations(case.case_id)
                .await?
                .into_iter()
                .find(|r| r.recommendation_id == id)
                .ok_or(AppError::NotFound)?;
            (Some(found), state.store.recommendation_history(id).await?)
        }
        None => (None, Vec::new()),
    };
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <RecommendationFormPage ctx=ctx case=case recommendation=recommendation history=history values=values errors=errors stale=stale can_edit=can_edit /> }
    }))
}

/// The form to add a recommendation.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn new_recommendation(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_case(
        &state,
        &actor,
        case_id,
        Action::DraftReport,
        "recommendation.create",
    )
    .await?;
    let values = RecommendationFormValues {
        agency: open.case.subject_agency.clone(),
        status: RecommendationStatus::Open.as_str().into(),
        status_on: today(),
        ..RecommendationFormValues::default()
    };
    recommendation_page(
        &state,
        &actor,
        open,
        None,
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Adds a recommendation.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn create_recommendation(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<RecommendationFormValues>>,
) -> Result<Response, AppError> {
    let added =
        office_reports::add_recommendation(&state.store, &actor.caller(), case_id, &form.values)
            .await;
    let redraw = match added {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("{}/recommendations", case_path(case_id))).into_response(),
            );
        }
        Err(error) => Redraw::from_office(error)?,
    };
    let open = open_case(
        &state,
        &actor,
        case_id,
        Action::ReadCase,
        "recommendation.create",
    )
    .await?;
    recommendation_page(
        &state,
        &actor,
        open,
        None,
        form.values,
        redraw.errors,
        false,
        redraw.status,
    )
    .await
}

/// A recommendation with its history (and the form, for those who may change it).
#[tracing::instrument(skip_all, fields(case_id, recommendation_id))]
pub async fn recommendation(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, recommendation_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let open = open_case(
        &state,
        &actor,
        case_id,
        Action::ReadCase,
        "recommendation.view",
    )
    .await?;
    let found = state
        .store
        .recommendations(case_id)
        .await?
        .into_iter()
        .find(|r| r.recommendation_id == recommendation_id)
        .ok_or(AppError::NotFound)?;
    audit(
        &state,
        &actor,
        case_id,
        "recommendation.view",
        format!("recommendation:{recommendation_id}"),
        None,
    )
    .await?;
    let values = RecommendationFormValues {
        agency: found.agency,
        body: found.body,
        response: found.response,
        status: found.status.as_str().into(),
        status_on: found.status_on,
        note: String::new(),
        version: found.version.to_string(),
    };
    recommendation_page(
        &state,
        &actor,
        open,
        Some(recommendation_id),
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Saves a recommendation: text, the agency's response, its status and date.
#[tracing::instrument(skip_all, fields(case_id, recommendation_id))]
pub async fn update_recommendation(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, recommendation_id)): Path<(i64, i64)>,
    Posted(form): Posted<WithCsrf<RecommendationFormValues>>,
) -> Result<Response, AppError> {
    let saved = office_reports::update_recommendation(
        &state.store,
        &actor.caller(),
        case_id,
        recommendation_id,
        parse_version(&form.values.version),
        &form.values,
    )
    .await;
    let redraw = match saved {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("{}/recommendations", case_path(case_id))).into_response(),
            );
        }
        Err(error) => Redraw::from_office(error)?,
    };
    let open = open_case(
        &state,
        &actor,
        case_id,
        Action::ReadCase,
        "recommendation.update",
    )
    .await?;
    let mut values = form.values;
    if redraw.stale {
        values.version = state
            .store
            .recommendations(case_id)
            .await?
            .iter()
            .find(|r| r.recommendation_id == recommendation_id)
            .map(|r| r.version.to_string())
            .unwrap_or_default();
    }
    recommendation_page(
        &state,
        &actor,
        open,
        Some(recommendation_id),
        values,
        redraw.errors,
        redraw.stale,
        redraw.status,
    )
    .await
}

/// Where the office's open recommendations list starts.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpenQuery {
    agency: String,
    after: String,
}

/// Open recommendations of every case the person may see, by agency.
#[tracing::instrument(skip_all)]
pub async fn open_recommendations(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<OpenQuery>,
) -> Result<Response, AppError> {
    const PAGE: i64 = 100;
    let Some(viewer) = crate::http::cases::list::case_viewer(&actor) else {
        actor
            .require(&state, Action::ReadCase, "recommendation.open_list")
            .await?;
        return Err(AppError::NotFound);
    };
    let after = query
        .after
        .parse::<i64>()
        .ok()
        .map(|id| (query.agency.clone(), id));
    let list = state
        .store
        .open_recommendations(&viewer, after, PAGE)
        .await?;
    state
        .store
        .append_audit(
            actor
                .audit("recommendation.open_list", Outcome::Success)
                .detail(format!("{} shown", list.len())),
        )
        .await?;
    let next = (list.len() as i64 == PAGE)
        .then(|| list.last())
        .flatten()
        .map(|last| {
            format!(
                "/recommendations?agency={}&after={}",
                url::form_urlencoded::byte_serialize(last.agency.as_bytes()).collect::<String>(),
                last.recommendation_id
            )
        });
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <OpenRecommendationsPage ctx=ctx recommendations=list next=next /> }
    }))
}

// ---------------------------------------------------------------------------------------------
// Redactions

async fn redactions_page(
    state: &AppState,
    actor: &Actor,
    open: OpenCase,
    values: RedactionFormValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let can_edit = open.report_permissions(actor).draft;
    let case = open.case;
    let case_id = case.case_id;
    let parties = state.store.parties(case_id).await?;
    let redactions = state.store.redactions(case_id).await?;
    let released = state.store.releases(case_id).await?;
    let sensitive = state
        .store
        .exhibits(case_id, actor.user.user_id)
        .await?
        .into_iter()
        .filter(compose::is_sensitive)
        .map(|exhibit| {
            let mut why = Vec::new();
            if exhibit.booking_photo {
                why.push("booking photo");
            }
            if exhibit.personal_data {
                why.push("personal data");
            }
            if exhibit.restricted {
                why.push("restricted");
            }
            (
                exhibit.exhibit_id,
                format!("E-{}: {}", exhibit.number, exhibit.description),
                why.join(", "),
                released.contains(&exhibit.exhibit_id),
            )
        })
        .collect();
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <RedactionsPage ctx=ctx case=case parties=parties redactions=redactions sensitive=sensitive values=values errors=errors can_edit=can_edit /> }
    }))
}

/// A case's redactions.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn redactions(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "redaction.list").await?;
    audit(
        &state,
        &actor,
        case_id,
        "redaction.list",
        "redactions".into(),
        None,
    )
    .await?;
    redactions_page(
        &state,
        &actor,
        open,
        RedactionFormValues::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Adds a redaction.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_redaction(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<RedactionFormValues>>,
) -> Result<Response, AppError> {
    let open = open_case(
        &state,
        &actor,
        case_id,
        Action::DraftReport,
        "redaction.add",
    )
    .await?;
    let text = form.values.text.trim().to_string();
    let mut errors = FieldErrors::default();
    if text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        errors.add(
            "text",
            "Enter the text to redact: at least two letters or digits",
        );
    }
    length(&mut errors, "text", &text, 300, "The text");
    let reason = RedactionReason::parse(&form.values.reason);
    if reason.is_none() {
        errors.add("reason", "Choose a reason");
    }
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        return redactions_page(
            &state,
            &actor,
            open,
            form.values,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state
        .store
        .add_redaction(case_id, &text, reason, actor.user.user_id)
        .await
    {
        Ok(id) => {
            audit(
                &state,
                &actor,
                case_id,
                "redaction.add",
                format!("redaction:{id}"),
                Some(reason.as_str().into()),
            )
            .await?;
            Ok(Redirect::to(&format!("{}/redactions", case_path(case_id))).into_response())
        }
        Err(StoreError::Conflict) => {
            errors.add("text", "This text is already redacted");
            redactions_page(
                &state,
                &actor,
                open,
                form.values,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// A form with only its anti-forgery token.
#[derive(Deserialize)]
pub struct TokenOnly {}

/// Removes a redaction.
#[tracing::instrument(skip_all, fields(case_id, redaction_id))]
pub async fn remove_redaction(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, redaction_id)): Path<(i64, i64)>,
    Posted(_form): Posted<TokenOnly>,
) -> Result<Response, AppError> {
    let open = open_case(
        &state,
        &actor,
        case_id,
        Action::DraftReport,
        "redaction.remove",
    )
    .await?;
    match state.store.remove_redaction(case_id, redaction_id).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => {
            let mut errors = FieldErrors::default();
            errors.add("text", "That redaction was already removed");
            return redactions_page(
                &state,
                &actor,
                open,
                RedactionFormValues::default(),
                errors,
                StatusCode::CONFLICT,
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    }
    audit(
        &state,
        &actor,
        case_id,
        "redaction.remove",
        format!("redaction:{redaction_id}"),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("{}/redactions", case_path(case_id))).into_response())
}

/// The release form.
#[derive(Deserialize)]
pub struct ReleaseForm {
    #[serde(default)]
    exhibit_id: String,
    #[serde(default)]
    released: String,
}

/// Releases a sensitive exhibit for publication, or withholds it again.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn release(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<ReleaseForm>,
) -> Result<Response, AppError> {
    let open = open_case(
        &state,
        &actor,
        case_id,
        Action::DraftReport,
        "redaction.release",
    )
    .await?;
    // Only an exhibit of this case that the person may see.
    let exhibit_id = form.exhibit_id.parse::<i64>().ok();
    let visible = state
        .store
        .exhibits(case_id, actor.user.user_id)
        .await?
        .iter()
        .any(|exhibit| Some(exhibit.exhibit_id) == exhibit_id);
    let Some(exhibit_id) = exhibit_id.filter(|_| visible) else {
        let mut errors = FieldErrors::default();
        errors.add("text", "Choose an exhibit of this case");
        return redactions_page(
            &state,
            &actor,
            open,
            RedactionFormValues::default(),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let released = form.released == "1";
    state
        .store
        .set_release(case_id, exhibit_id, released, actor.user.user_id)
        .await?;
    audit(
        &state,
        &actor,
        case_id,
        "redaction.release",
        format!("exhibit:{exhibit_id}"),
        Some(if released { "released" } else { "withheld" }.into()),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/redactions", case_path(case_id))).into_response())
}

// ---------------------------------------------------------------------------------------------
// Report versions

/// A case's report versions.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn report(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "report.list").await?;
    let versions = state.store.report_versions(case_id).await?;
    let published = state.store.published_for_case(case_id).await?;
    audit(
        &state,
        &actor,
        case_id,
        "report.list",
        "report".into(),
        None,
    )
    .await?;
    let permissions = open.report_permissions(&actor);
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <ReportPage ctx=ctx case=case versions=versions published=published permissions=permissions /> }
    }))
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    state: &AppState,
    actor: &Actor,
    case: Case,
    based_on: i64,
    values: Vec<(String, String)>,
    errors: FieldErrors,
    stale: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let newest = state.store.report_versions(case.case_id).await?;
    let comments = match newest.first() {
        Some(v) if v.state == ReportState::Returned => {
            state.store.report_comments(v.report_version_id).await?
        }
        _ => Vec::new(),
    };
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <ReportEditPage ctx=ctx case=case based_on=based_on values=values comments=comments errors=errors stale=stale /> }
    }))
}

/// The form to write a new draft, filled with the newest version.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn edit_form(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::DraftReport, "report.edit").await?;
    let versions = state.store.report_versions(case_id).await?;
    let (based_on, values) = match versions.first() {
        Some(v) => (v.version, v.sections.clone()),
        None => (
            0,
            SECTIONS
                .iter()
                .map(|(key, _, _)| {
                    let text = if *key == "summary" {
                        open.case.summary.clone()
                    } else {
                        String::new()
                    };
                    (key.to_string(), text)
                })
                .collect(),
        ),
    };
    audit(
        &state,
        &actor,
        case_id,
        "report.edit",
        "report".into(),
        None,
    )
    .await?;
    edit_page(
        &state,
        &actor,
        open.case,
        based_on,
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Saves the narrative as a new version.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn save_version(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    PostedPairs(pairs): PostedPairs,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::DraftReport, "report.save").await?;
    let based_on = parse_version(field(&pairs, "based_on"));
    let values: Vec<(String, String)> = SECTIONS
        .iter()
        .map(|(key, _, _)| (key.to_string(), field(&pairs, key).replace("\r\n", "\n")))
        .collect();
    let mut errors = FieldErrors::default();
    for (key, title, _) in SECTIONS {
        length(
            &mut errors,
            key,
            field(&pairs, key),
            50000,
            &format!("“{title}”"),
        );
    }
    if values.iter().all(|(_, text)| text.trim().is_empty()) {
        errors.add("summary", "Write at least the summary");
    }
    if !errors.is_empty() {
        return edit_page(
            &state,
            &actor,
            open.case,
            based_on,
            values,
            errors,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state
        .store
        .save_report_version(case_id, based_on, &values, actor.user.user_id)
        .await
    {
        Ok(version) => {
            audit(
                &state,
                &actor,
                case_id,
                "report.save",
                format!("report_version:{version}"),
                None,
            )
            .await?;
            Ok(Redirect::to(&version_path(case_id, version)).into_response())
        }
        Err(StoreError::Stale) => {
            let newest = state
                .store
                .report_versions(case_id)
                .await?
                .first()
                .map(|v| v.version)
                .unwrap_or(0);
            edit_page(
                &state,
                &actor,
                open.case,
                newest,
                values,
                FieldErrors::default(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

async fn find_version(
    state: &AppState,
    case_id: i64,
    version: i64,
) -> Result<ReportVersion, AppError> {
    state
        .store
        .report_version(case_id, version)
        .await?
        .ok_or(AppError::NotFound)
}

#[allow(clippy::too_many_arguments)]
async fn version_page(
    state: &AppState,
    actor: &Actor,
    open: OpenCase,
    version: ReportVersion,
    message: Option<String>,
    blocking: Vec<LeakHit>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let case_id = open.case.case_id;
    let newest = state
        .store
        .report_versions(case_id)
        .await?
        .first()
        .map(|v| v.version)
        == Some(version.version);
    let comments = state
        .store
        .report_comments(version.report_version_id)
        .await?;
    let correction = !state.store.published_for_case(case_id).await?.is_empty();
    let releases = state.store.leak_releases(case_id).await?;
    let permissions = open.report_permissions(actor);
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(status, move || {
        view! { <ReportVersionPage ctx=ctx case=case version=version comments=comments newest=newest permissions=permissions correction=correction message=message blocking=blocking releases=releases /> }
    }))
}

/// Redraws a version's page saying why an action on it was refused.
async fn refuse(
    state: &AppState,
    actor: &Actor,
    open: OpenCase,
    version: ReportVersion,
    message: &str,
    status: StatusCode,
) -> Result<Response, AppError> {
    version_page(
        state,
        actor,
        open,
        version,
        Some(message.into()),
        Vec::new(),
        status,
    )
    .await
}

/// One version.
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn version(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, number)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "report.view").await?;
    let found = find_version(&state, case_id, number).await?;
    audit(
        &state,
        &actor,
        case_id,
        "report.view",
        format!("report_version:{number}"),
        None,
    )
    .await?;
    version_page(
        &state,
        &actor,
        open,
        found,
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// Which versions to compare.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CompareQuery {
    from: String,
    to: String,
}

/// Two versions compared.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn compare(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Query(query): Query<CompareQuery>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "report.compare").await?;
    let from = find_version(&state, case_id, parse_version(&query.from)).await?;
    let to = find_version(&state, case_id, parse_version(&query.to)).await?;
    audit(
        &state,
        &actor,
        case_id,
        "report.compare",
        format!("report_version:{}", to.version),
        Some(format!("against {}", from.version)),
    )
    .await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <ComparePage ctx=ctx case=case from=from to=to /> }
    }))
}

/// The internal and public versions of a version, drawn from the case as it is now.
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn preview(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, number)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "report.preview").await?;
    let found = find_version(&state, case_id, number).await?;
    let loaded = Loaded::read(&state.store, case_id, actor.user.user_id).await?;
    let sources = loaded.sources(
        &state.settings.office_name,
        &open.case,
        &found.sections,
        number,
        "",
    );
    let redactor = loaded.redactor();
    let internal = compose::compose(&sources, None).model;
    let public = compose::compose(&sources, Some(&redactor)).model;
    audit(
        &state,
        &actor,
        case_id,
        "report.preview",
        format!("report_version:{number}"),
        None,
    )
    .await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <PreviewPage ctx=ctx case=case version=number internal=internal public=public /> }
    }))
}

/// Submits the newest draft for review.
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn submit(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, number)): Path<(i64, i64)>,
    Posted(_form): Posted<TokenOnly>,
) -> Result<Response, AppError> {
    let done = office_reports::submit(&state.store, &actor.caller(), case_id, number).await;
    after_review(&state, &actor, case_id, number, done).await
}

/// A version's page after a review step: back to it when done, or drawn again saying why
/// the step was refused.
async fn after_review(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    number: i64,
    done: Result<(), OfficeError>,
) -> Result<Response, AppError> {
    let (message, status) = match done {
        Ok(()) => return Ok(Redirect::to(&version_path(case_id, number)).into_response()),
        Err(OfficeError::Conflict(message)) => (message.to_string(), StatusCode::CONFLICT),
        Err(OfficeError::Invalid(errors)) => (
            errors
                .0
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(error) => return Err(error.into()),
    };
    let open = open_case(state, actor, case_id, Action::ReadCase, "report.view").await?;
    let found = find_version(state, case_id, number).await?;
    refuse(state, actor, open, found, &message, status).await
}

/// Returns a submitted version with comments anchored to its sections.
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn return_version(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, number)): Path<(i64, i64)>,
    PostedPairs(pairs): PostedPairs,
) -> Result<Response, AppError> {
    let comments: Vec<(String, String)> = SECTIONS
        .iter()
        .map(|(key, _, _)| {
            (
                key.to_string(),
                field(&pairs, &format!("comment_{key}")).to_string(),
            )
        })
        .collect();
    let done = office_reports::return_version(
        &state.store,
        &actor.caller(),
        case_id,
        number,
        field(&pairs, "note"),
        &comments,
    )
    .await;
    after_review(&state, &actor, case_id, number, done).await
}

/// Approves a submitted version: renders and freezes its files and runs the leak check.
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn approve(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, number)): Path<(i64, i64)>,
    Posted(_form): Posted<TokenOnly>,
) -> Result<Response, AppError> {
    let done = office_reports::approve(
        &state.store,
        state.approver(),
        &actor.caller(),
        case_id,
        number,
    )
    .await;
    after_review(&state, &actor, case_id, number, done).await
}

/// Publishes an approved version once its public files pass the leak check again.
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn publish(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, number)): Path<(i64, i64)>,
    Posted(_form): Posted<TokenOnly>,
) -> Result<Response, AppError> {
    let open = open_case(
        &state,
        &actor,
        case_id,
        Action::PublishReport,
        "report.publish",
    )
    .await?;
    let found = find_version(&state, case_id, number).await?;
    let outcome = reports::publish(
        &state.store,
        state.blobs.as_ref(),
        case_id,
        &found,
        actor.user.user_id,
        &state.patterns,
    )
    .await
    .map_err(|error| AppError::Internal(error.to_string()))?;
    let (message, hits, status) = match outcome {
        reports::PublishOutcome::Published(published) => {
            let published = *published;
            audit(
                &state,
                &actor,
                case_id,
                "report.publish",
                format!("report_version:{number}"),
                Some(format!(
                    "report {} edition {}",
                    published.report_number, published.edition
                )),
            )
            .await?;
            return Ok(
                Redirect::to(&portal_path(&published.report_number, published.edition))
                    .into_response(),
            );
        }
        reports::PublishOutcome::NotApproved => (
            "Only an approved version that is not yet published can be published.",
            Vec::new(),
            StatusCode::CONFLICT,
        ),
        reports::PublishOutcome::CorrectionNoteMissing => (
            "An edition of this report is already published, so this one is a correction: its “Corrections” section must say what changed. Write it in a new draft.",
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        reports::PublishOutcome::Leaks(hits) => (
            "The leak check found redacted strings or personal data in the public files.",
            hits,
            StatusCode::CONFLICT,
        ),
    };
    state
        .store
        .append_audit(
            actor
                .audit("report.publish", Outcome::Refused)
                .case(case_id)
                .target(format!("report_version:{number}"))
                .detail(format!("{message} ({} leak-check hits)", hits.len())),
        )
        .await?;
    version_page(
        &state,
        &actor,
        open,
        found,
        Some(message.into()),
        hits,
        status,
    )
    .await
}

/// A release of one personal-data hit as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReleaseHitForm {
    csrf_token: String,
    release_key: String,
    reason: String,
}

/// A commissioner releases one value of personal data the leak check found at approval (a
/// telephone number the report may show, a figure they looked at), with a reason; audited.
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn release_hit(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, number)): Path<(i64, i64)>,
    Posted(form): Posted<ReleaseHitForm>,
) -> Result<Response, AppError> {
    let open = open_case(
        &state,
        &actor,
        case_id,
        Action::PublishReport,
        "report.release_hit",
    )
    .await?;
    let found = find_version(&state, case_id, number).await?;
    // Only a key the leak check gave one of this version's hits.
    let known = found
        .leak_hits
        .iter()
        .flatten()
        .any(|hit| hit.release_key.as_deref() == Some(form.release_key.as_str()));
    let reason: String = form.reason.trim().chars().take(1_000).collect();
    if !known || found.state != ReportState::Approved {
        return refuse(
            &state,
            &actor,
            open,
            found,
            "That hit cannot be released: only a personal-data hit of an approved, unpublished version can.",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if reason.is_empty() {
        return refuse(
            &state,
            &actor,
            open,
            found,
            "Say why the value may be published; nothing was released.",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state
        .store
        .release_leak_hit(case_id, &form.release_key, &reason, actor.user.user_id)
        .await?;
    audit(
        &state,
        &actor,
        case_id,
        "report.release_hit",
        format!("report_version:{number}"),
        Some(format!("{}; reason: {reason}", form.release_key)),
    )
    .await?;
    Ok(Redirect::to(&version_path(case_id, number)).into_response())
}

/// Streams a stored file with a fixed name and type.
pub async fn stored_file(
    state: &AppState,
    sha256: &str,
    content_type: &'static str,
    file_name: &str,
    inline: bool,
) -> Result<Response, AppError> {
    let reader = state
        .blobs
        .open(sha256)
        .await
        .map_err(|error| AppError::Internal(error.to_string()))?;
    let mut response = Body::from_stream(tokio_util::io::ReaderStream::new(reader)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!(
        "{}; filename=\"{file_name}\"",
        if inline { "inline" } else { "attachment" }
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if content_type.starts_with("text/html") {
        // The standalone HTML carries its own style and no script.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
        );
    }
    if let Ok(value) = HeaderValue::from_str(sha256) {
        headers.insert("x-probity-sha256", value);
    }
    Ok(response)
}

/// An approved version's files.
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, number, file)): Path<(i64, i64, String)>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "report.download").await?;
    let found = find_version(&state, case_id, number).await?;
    let (sha256, content_type) = match file.as_str() {
        "internal.pdf" => (found.internal_pdf_sha256, "application/pdf"),
        "public.pdf" => (found.public_pdf_sha256, "application/pdf"),
        "public.html" => (found.public_html_sha256, "text/html; charset=utf-8"),
        "public.json" => (found.public_json_sha256, "application/json"),
        _ => return Err(AppError::NotFound),
    };
    let sha256 = sha256.ok_or(AppError::NotFound)?;
    audit(
        &state,
        &actor,
        case_id,
        "report.download",
        format!("report_version:{number}"),
        Some(file.clone()),
    )
    .await?;
    let name = format!("report-{}-v{number}-{file}", open.case.case_number);
    stored_file(&state, &sha256, content_type, &name, false).await
}
