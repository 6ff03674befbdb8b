//! Report routes of a case: findings, recommendations, redactions, report versions with their
//! review, approval and publication, and the approved files. Every route opens the case through
//! [`open_case`], so permissions, recusals and the audit trail apply as everywhere else.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::cases::{OpenCase, audit_success, open_case, parse_version};
use crate::http::error::AppError;
use crate::http::pages::{WithCsrf, page_context, render};
use crate::http::posted::{Confirmed, Posted, PostedPairs};
use crate::http::redraw::Redraw;
use crate::office::{
    OfficeError, findings as office_findings, recommendations as office_recommendations,
    redactions as office_redactions, reports as office_reports,
};
use crate::reports::{Loaded, compose};
use crate::storage::Outcome;
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
use probity_domain::reports::{LeakHit, RecommendationStatus, ReportVersion, SECTIONS};
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

/// A case's findings.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn findings(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let (open, findings) =
        office_findings::findings(&state.store, &actor.caller(), case_id).await?;
    let allegations = state.store.allegations(case_id).await?;
    let citations = office_findings::citations(&state.store, case_id, actor.user.user_id).await?;
    let can_edit = open.report_permissions(&actor).draft;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    let (event_labels, exhibit_labels) = (citations.events, citations.exhibits);
    Ok(render(StatusCode::OK, move || {
        view! { <FindingsPage ctx=ctx case=case allegations=allegations findings=findings event_labels=event_labels exhibit_labels=exhibit_labels can_edit=can_edit /> }
    }))
}

/// The finding form with what was typed, and its problems or the news that someone saved
/// first.
async fn finding_page(
    state: &AppState,
    actor: &Actor,
    draft: office_findings::FindingDraft,
    values: FindingFormValues,
    redraw: Redraw,
) -> Result<Response, AppError> {
    let case = draft.open.case;
    let citations =
        office_findings::citations(&state.store, case.case_id, actor.user.user_id).await?;
    let dispositions = state.settings.disposition_list();
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let (allegation, current) = (draft.allegation, draft.finding);
    let (event_choices, exhibit_choices) = (citations.events, citations.exhibits);
    let Redraw {
        errors,
        stale,
        status,
    } = redraw;
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
    let draft =
        office_findings::draft(&state.store, &actor.caller(), case_id, allegation_id).await?;
    let values = match &draft.finding {
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
    finding_page(&state, &actor, draft, values, Redraw::fresh()).await
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

/// Saves a finding, unless someone else saved first.
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn save_finding(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, allegation_id)): Path<(i64, i64)>,
    PostedPairs(pairs): PostedPairs,
) -> Result<Response, AppError> {
    let mut values = FindingFormValues {
        disposition: field(&pairs, "disposition").trim().to_string(),
        basis: field(&pairs, "basis").trim().to_string(),
        analysis: field(&pairs, "analysis").trim().to_string(),
        version: field(&pairs, "version").to_string(),
        events: ids(&pairs, "events"),
        exhibits: ids(&pairs, "exhibits"),
    };
    let caller = actor.caller();
    let saved = office_findings::save_finding(
        &state.store,
        &state.settings.disposition_list(),
        &caller,
        case_id,
        allegation_id,
        parse_version(&values.version),
        &values,
    )
    .await;
    let redraw = match saved {
        Ok(_) => {
            return Ok(Redirect::to(&format!("{}/findings", case_path(case_id))).into_response());
        }
        Err(error) => Redraw::from_office(error)?,
    };
    let open = open_case(&state, &actor, case_id, Action::DraftReport, "finding.save").await?;
    let finding = office_findings::finding_of(&state.store, case_id, allegation_id).await?;
    if redraw.stale {
        values.version = finding
            .as_ref()
            .map(|f| f.version.to_string())
            .unwrap_or_else(|| "0".into());
    }
    let allegation =
        crate::office::records::find_allegation(&state.store, case_id, allegation_id).await?;
    let draft = office_findings::FindingDraft {
        open,
        allegation,
        finding,
    };
    finding_page(&state, &actor, draft, values, redraw).await
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
    let currency = state.settings.currency.clone();
    Ok(render(status, move || {
        view! { <RecommendationFormPage ctx=ctx case=case recommendation=recommendation history=history values=values errors=errors stale=stale can_edit=can_edit currency=currency /> }
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
    let added = office_recommendations::add_recommendation(
        &state.store,
        &actor.caller(),
        case_id,
        &form.values,
    )
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
    let values = RecommendationFormValues::of(&found);
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
    let saved = office_recommendations::update_recommendation(
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
    list: office_redactions::RedactionList,
    values: RedactionFormValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let can_edit = list.open.report_permissions(actor).draft;
    let case = list.open.case;
    let parties = state.store.parties(case.case_id).await?;
    let redactions = list.redactions;
    let sensitive = list
        .sensitive
        .into_iter()
        .map(|exhibit| {
            (
                exhibit.exhibit_id,
                format!("E-{}: {}", exhibit.number, exhibit.description),
                exhibit.why(),
                exhibit.released,
            )
        })
        .collect();
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <RedactionsPage ctx=ctx case=case parties=parties redactions=redactions sensitive=sensitive values=values errors=errors can_edit=can_edit /> }
    }))
}

/// The redactions page again after the office refused a change: the form with what was
/// typed and why (every problem shown at the text field, the form's one input).
async fn refused_redaction(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    values: RedactionFormValues,
    error: OfficeError,
) -> Result<Response, AppError> {
    let (errors, status) = match error {
        OfficeError::Invalid(errors) => {
            let mut shown = FieldErrors::default();
            for error in errors.0 {
                let field = if error.field == "reason" {
                    "reason"
                } else {
                    "text"
                };
                shown.add(field, error.message);
            }
            (shown, StatusCode::UNPROCESSABLE_ENTITY)
        }
        OfficeError::Conflict(message) => {
            let mut errors = FieldErrors::default();
            errors.add("text", message);
            (errors, StatusCode::CONFLICT)
        }
        other => return Err(other.into()),
    };
    let open = open_case(state, actor, case_id, Action::DraftReport, "redaction.view").await?;
    let list = office_redactions::listing(&state.store, &actor.caller(), open).await?;
    redactions_page(state, actor, list, values, errors, status).await
}

fn to_redactions(case_id: i64) -> Response {
    Redirect::to(&format!("{}/redactions", case_path(case_id))).into_response()
}

/// A case's redactions.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn redactions(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let list = office_redactions::redactions(&state.store, &actor.caller(), case_id).await?;
    redactions_page(
        &state,
        &actor,
        list,
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
    match office_redactions::add_redaction(&state.store, &actor.caller(), case_id, &form.values)
        .await
    {
        Ok(_) => Ok(to_redactions(case_id)),
        Err(error) => refused_redaction(&state, &actor, case_id, form.values, error).await,
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
    match office_redactions::remove_redaction(&state.store, &actor.caller(), case_id, redaction_id)
        .await
    {
        Ok(()) => Ok(to_redactions(case_id)),
        Err(error) => {
            refused_redaction(
                &state,
                &actor,
                case_id,
                RedactionFormValues::default(),
                error,
            )
            .await
        }
    }
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
    match office_redactions::set_release(
        &state.store,
        &actor.caller(),
        case_id,
        form.exhibit_id.trim().parse().ok(),
        form.released == "1",
    )
    .await
    {
        Ok(()) => Ok(to_redactions(case_id)),
        Err(error) => {
            refused_redaction(
                &state,
                &actor,
                case_id,
                RedactionFormValues::default(),
                error,
            )
            .await
        }
    }
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

async fn edit_page(
    state: &AppState,
    actor: &Actor,
    case: Case,
    based_on: i64,
    values: Vec<(String, String)>,
    comments: Vec<probity_domain::reports::ReviewComment>,
    redraw: Redraw,
) -> Result<Response, AppError> {
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let Redraw {
        errors,
        stale,
        status,
    } = redraw;
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
    let draft = office_reports::draft(&state.store, &actor.caller(), case_id).await?;
    edit_page(
        &state,
        &actor,
        draft.open.case,
        draft.based_on,
        draft.sections,
        draft.comments,
        Redraw::fresh(),
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
    let mut based_on = parse_version(field(&pairs, "based_on"));
    let sent: Vec<(String, String)> = SECTIONS
        .iter()
        .map(|(key, _, _)| (key.to_string(), field(&pairs, key).replace("\r\n", "\n")))
        .collect();
    let saved =
        office_reports::save_version(&state.store, &actor.caller(), case_id, based_on, &sent).await;
    let redraw = match saved {
        Ok(version) => return Ok(Redirect::to(&version_path(case_id, version)).into_response()),
        Err(error) => Redraw::from_office(error)?,
    };
    let open = open_case(&state, &actor, case_id, Action::DraftReport, "report.save").await?;
    if redraw.stale {
        based_on = office_reports::newest_version(&state.store, case_id).await?;
    }
    let comments = office_reports::open_comments(&state.store, case_id).await?;
    edit_page(&state, &actor, open.case, based_on, sent, comments, redraw).await
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
    let (message, status, hits) = match done {
        Ok(()) => return Ok(Redirect::to(&version_path(case_id, number)).into_response()),
        Err(OfficeError::Conflict(message)) => {
            (message.to_string(), StatusCode::CONFLICT, Vec::new())
        }
        Err(OfficeError::Leaked(hits)) => (
            office_reports::LEAKED.to_string(),
            StatusCode::CONFLICT,
            hits,
        ),
        Err(OfficeError::Invalid(errors)) => (
            errors
                .0
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Vec::new(),
        ),
        Err(error) => return Err(error.into()),
    };
    let open = open_case(state, actor, case_id, Action::ReadCase, "report.view").await?;
    let found = find_version(state, case_id, number).await?;
    version_page(state, actor, open, found, Some(message), hits, status).await
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

/// Approves a submitted version in the background: renders and freezes its files and runs
/// the leak check.
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn approve(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, number)): Path<(i64, i64)>,
    Confirmed(_form): Confirmed<TokenOnly>,
) -> Result<Response, AppError> {
    // Rendering takes a while: the approval runs as a job and this answers at once with
    // its progress page.
    let started =
        office_reports::start_approval(&state.store, &state.jobs, &actor.caller(), case_id, number)
            .await;
    match started {
        Ok(job) => Ok(
            Redirect::to(&probity_app::pages::jobs::job_path(case_id, job.job_id)).into_response(),
        ),
        Err(error) => after_review(&state, &actor, case_id, number, Err(error)).await,
    }
}

/// Publishes an approved version once its public files pass the leak check again.
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn publish(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, number)): Path<(i64, i64)>,
    Confirmed(_form): Confirmed<TokenOnly>,
) -> Result<Response, AppError> {
    let done = office_reports::publish(
        &state.store,
        state.approver(),
        &actor.caller(),
        case_id,
        number,
    )
    .await;
    match done {
        Ok(published) => Ok(Redirect::to(&portal_path(
            &published.report_number,
            published.edition,
        ))
        .into_response()),
        Err(error) => after_review(&state, &actor, case_id, number, Err(error)).await,
    }
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
    let done = office_reports::release_hit(
        &state.store,
        &actor.caller(),
        case_id,
        number,
        &form.release_key,
        &form.reason,
    )
    .await;
    after_review(&state, &actor, case_id, number, done).await
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
