//! The statistics pages: the counts of a period, the cases behind one count, and the CSV.
//! The period travels in the address (two days, nothing sensitive); the rules are in
//! [`crate::office::statistics`].

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{attachment, page_context, render};
use crate::office::statistics;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use probity_app::pages::statistics::{StatCasesPage, StatisticsPage};
use probity_domain::statistics::StatItem;
use serde::Deserialize;

/// The period asked for.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PeriodQuery {
    from: String,
    to: String,
}

/// The statistics of a period (the current semiannual one by default).
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let caller = actor.caller();
    let (stats, errors, status) = match statistics::period(&query.from, &query.to) {
        Ok(period) => (
            Some(
                statistics::statistics(&state.store, &caller, period, &state.settings.stat_rules())
                    .await?,
            ),
            Default::default(),
            StatusCode::OK,
        ),
        Err(errors) => {
            // The role is checked before the form's problems are shown.
            statistics::require(&state.store, &caller, "statistics.view").await?;
            (None, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
    };
    let (from, to) = match &stats {
        Some(s) => (s.period.from.to_string(), s.period.to.to_string()),
        None => (query.from, query.to),
    };
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <StatisticsPage ctx=ctx statistics=stats from=from to=to errors=errors /> }
    }))
}

/// The cases behind one count.
#[tracing::instrument(skip_all)]
pub async fn cases(
    State(state): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let item = StatItem::parse(&key).ok_or(AppError::NotFound)?;
    let period = statistics::period(&query.from, &query.to).map_err(|_| AppError::NotFound)?;
    let (cases, total) = statistics::drill_down(
        &state.store,
        &actor.caller(),
        item,
        period,
        &state.settings.stat_rules(),
    )
    .await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let currency = state.settings.currency.clone();
    Ok(render(StatusCode::OK, move || {
        view! { <StatCasesPage ctx=ctx item=item period=period cases=cases total=total currency=currency /> }
    }))
}

/// The statistics of a period as CSV.
#[tracing::instrument(skip_all)]
pub async fn csv(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let period = statistics::period(&query.from, &query.to).map_err(|_| AppError::NotFound)?;
    let stats = statistics::statistics(
        &state.store,
        &actor.caller(),
        period,
        &state.settings.stat_rules(),
    )
    .await?;
    Ok(attachment(
        statistics::csv(&stats),
        "text/csv; charset=utf-8",
        &format!("statistics-{}-{}.csv", period.from, period.to),
    ))
}

/// The statistics of a period as PDF.
#[tracing::instrument(skip_all)]
pub async fn pdf(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let period = statistics::period(&query.from, &query.to).map_err(|_| AppError::NotFound)?;
    let stats = statistics::statistics(
        &state.store,
        &actor.caller(),
        period,
        &state.settings.stat_rules(),
    )
    .await?;
    let data = statistics::pdf_data(&stats, &state.settings.office_name);
    let bytes = crate::reports::pdf::render_statistics(
        data,
        format!("probity-statistics-{}-{}", period.from, period.to),
    )
    .await
    .map_err(|error| AppError::Internal(error.to_string()))?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("statistics-{}-{}.pdf", period.from, period.to),
    ))
}
