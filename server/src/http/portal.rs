//! The public portal: published reports, open to anyone without signing in. It reads only the
//! `published_reports` table and the files frozen at approval, so nothing unpublished can be
//! reached from here.

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::pages::{render, viewer_context};
use crate::http::reports::stored_file;
use crate::http::viewer::Viewer;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use leptos::prelude::*;
use probity_app::pages::cases::format_utc;
use probity_app::pages::reports::{PortalListPage, PortalReportPage};
use probity_domain::reports::ReportModel;
use serde::Deserialize;

/// The portal routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list))
        .route("/reports/recommendations.csv", get(recommendations_csv))
        .route("/reports/recommendations.json", get(recommendations_json))
        .route("/reports/{number}/{edition}", get(show))
        .route("/reports/{number}/{edition}/{file}", get(file))
}

/// The list's search words and where the page starts. Published reports are public, so the
/// words may sit in the address.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    before: String,
}

/// Published reports, newest first.
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let words: String = query.q.trim().chars().take(200).collect();
    let page = state
        .store
        .published_reports(
            (!words.is_empty()).then_some(words.as_str()),
            query.before.parse().ok(),
            20,
        )
        .await?;
    let next = page.next.map(|before| {
        let q: String = url::form_urlencoded::byte_serialize(words.as_bytes()).collect();
        format!("/reports?q={q}&before={before}")
    });
    let ctx = portal_context(&state, &viewer).await?;
    let reports = page.items;
    Ok(render(StatusCode::OK, move || {
        view! { <PortalListPage ctx=ctx reports=reports query=words next=next /> }
    }))
}

/// The page context of a portal page. An anonymous visitor gets no session: the portal has no
/// form that posts, so there is no anti-forgery token to keep, and public traffic never writes
/// to the session store.
pub(crate) async fn portal_context(
    state: &AppState,
    viewer: &Viewer,
) -> Result<probity_app::types::PageContext, AppError> {
    if viewer.user.is_some() {
        return viewer_context(state, viewer).await;
    }
    Ok(probity_app::types::PageContext {
        office_name: state.settings.office_name.clone(),
        user: None,
        csrf_token: String::new(),
        enrolling: false,
    })
}

async fn published(
    state: &AppState,
    number: &str,
    edition: &str,
) -> Result<probity_domain::reports::PublishedReport, AppError> {
    let edition: i64 = edition.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .published_report(number, edition)
        .await?
        .ok_or(AppError::NotFound)
}

/// One published edition as a page.
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((number, edition)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let report = published(&state, &number, &edition).await?;
    let bytes = crate::reports::read_blob(state.blobs.as_ref(), &report.public_model_sha256)
        .await
        .map_err(|error| AppError::Internal(error.to_string()))?;
    let model: ReportModel =
        serde_json::from_slice(&bytes).map_err(|error| AppError::Internal(error.to_string()))?;
    let editions = state
        .store
        .published_for_case(report.case_id)
        .await?
        .into_iter()
        .filter(|p| p.report_number == report.report_number)
        .map(|p| (p.edition, format_utc(p.published_at)))
        .collect();
    let ctx = portal_context(&state, &viewer).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <PortalReportPage ctx=ctx report=report model=model editions=editions /> }
    }))
}

/// A published edition's PDF, HTML or JSON.
#[tracing::instrument(skip_all)]
pub async fn file(
    State(state): State<AppState>,
    Path((number, edition, file)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let report = published(&state, &number, &edition).await?;
    let (sha256, content_type, inline) = match file.as_str() {
        "report.pdf" => (&report.public_pdf_sha256, "application/pdf", true),
        "report.html" => (&report.public_html_sha256, "text/html; charset=utf-8", true),
        "report.json" => (&report.public_json_sha256, "application/json", true),
        _ => return Err(AppError::NotFound),
    };
    let name = format!(
        "report-{}-edition-{}.{}",
        report.report_number,
        report.edition,
        file.rsplit('.').next().unwrap_or("bin")
    );
    stored_file(&state, sha256, content_type, &name, inline).await
}

/// Every published recommendation in the oversight.gov fields, as CSV.
#[tracing::instrument(skip_all)]
pub async fn recommendations_csv(State(state): State<AppState>) -> Result<Response, AppError> {
    let rows = crate::office::recommendations::published_recommendations(
        &state.store,
        state.blobs.as_ref(),
        &state.settings.currency,
    )
    .await?;
    let body = crate::office::recommendations::published_csv(&rows)?;
    Ok(crate::http::pages::attachment(
        body,
        "text/csv; charset=utf-8",
        "recommendations.csv",
    ))
}

/// Every published recommendation in the oversight.gov fields, as JSON.
#[tracing::instrument(skip_all)]
pub async fn recommendations_json(State(state): State<AppState>) -> Result<Response, AppError> {
    let rows = crate::office::recommendations::published_recommendations(
        &state.store,
        state.blobs.as_ref(),
        &state.settings.currency,
    )
    .await?;
    let body = serde_json::to_vec_pretty(&serde_json::json!({ "recommendations": rows }))
        .map_err(|error| AppError::Internal(error.to_string()))?;
    Ok(crate::http::pages::attachment(
        body,
        "application/json",
        "recommendations.json",
    ))
}
