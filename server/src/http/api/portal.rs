//! The public portal's published reports over the API: open to anyone, no token. Like the
//! portal's pages, it reads only what was published.

use super::problem::Problem;
use super::{ApiPath, ApiQuery};
use crate::http::AppState;
use axum::Json;
use axum::extract::State;
use probity_domain::reports::PublishedReport;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

/// The list's search words and where the page starts. Published reports are public, so the
/// words may sit in the address.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Words to find in the number, title, agency or summary.
    q: String,
    /// The `next_before` of the previous page.
    before: Option<i64>,
}

/// A published edition of a report.
#[derive(Serialize, ToSchema)]
pub struct PublishedReportOut {
    pub report_number: String,
    pub edition: i64,
    pub title: String,
    pub agency: String,
    pub summary: String,
    /// What this edition corrects, for editions after the first.
    pub correction_note: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// The public PDF, and its SHA-256.
    pub pdf_url: String,
    pub pdf_sha256: String,
    /// The public HTML version, and its SHA-256.
    pub html_url: String,
    pub html_sha256: String,
    /// The machine-readable report, and its SHA-256.
    pub json_url: String,
    pub json_sha256: String,
}

impl From<PublishedReport> for PublishedReportOut {
    fn from(report: PublishedReport) -> PublishedReportOut {
        let base = format!(
            "/reports/{}/{}",
            url::form_urlencoded::byte_serialize(report.report_number.as_bytes())
                .collect::<String>(),
            report.edition
        );
        PublishedReportOut {
            pdf_url: format!("{base}/report.pdf"),
            html_url: format!("{base}/report.html"),
            json_url: format!("{base}/report.json"),
            report_number: report.report_number,
            edition: report.edition,
            title: report.title,
            agency: report.agency,
            summary: report.summary,
            correction_note: report.correction_note,
            published_at: report.published_at,
            pdf_sha256: report.public_pdf_sha256,
            html_sha256: report.public_html_sha256,
            json_sha256: report.public_json_sha256,
        }
    }
}

/// One page of published reports.
#[derive(Serialize, ToSchema)]
pub struct PublishedPageOut {
    pub items: Vec<PublishedReportOut>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<i64>,
}

/// Published reports, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/public/reports",
    tag = "public",
    params(ReportParams),
    responses(
        (status = 200, description = "One page of published reports", body = PublishedPageOut),
        (status = 400, description = "The query cannot be read", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn reports(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ReportParams>,
) -> Result<Json<PublishedPageOut>, Problem> {
    let words: String = params.q.trim().chars().take(200).collect();
    let page = state
        .store
        .published_reports(
            (!words.is_empty()).then_some(words.as_str()),
            params.before,
            20,
        )
        .await?;
    Ok(Json(PublishedPageOut {
        items: page.items.into_iter().map(Into::into).collect(),
        next_before: page.next,
    }))
}

/// One published edition.
#[utoipa::path(
    get,
    path = "/api/v1/public/reports/{report_number}/{edition}",
    tag = "public",
    params(
        ("report_number" = String, Path, description = "The report's number"),
        ("edition" = i64, Path, description = "The edition, from 1"),
    ),
    responses(
        (status = 200, description = "The edition", body = PublishedReportOut),
        (status = 404, description = "No such published edition", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn report(
    State(state): State<AppState>,
    ApiPath((number, edition)): ApiPath<(String, i64)>,
) -> Result<Json<PublishedReportOut>, Problem> {
    let report = state
        .store
        .published_report(&number, edition)
        .await?
        .ok_or_else(Problem::not_found)?;
    Ok(Json(report.into()))
}
