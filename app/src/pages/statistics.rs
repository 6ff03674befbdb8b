//! The office's semiannual statistics and the cases behind each count.

use crate::forms::{ErrorSummary, TextField};
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;
use probity_domain::statistics::{Period, StatCase, StatItem, Statistics};

/// A count as shown: a number, or an amount in the office's currency.
fn shown(item: StatItem, value: i64, currency: &str) -> String {
    item.display(value, currency)
}
use probity_domain::validation::FieldErrors;

/// The statistics page's address for a period.
pub fn statistics_path(period: Period) -> String {
    format!("/statistics?from={}&to={}", period.from, period.to)
}

/// The page: the period form, the 405(b) counts and the office's totals, each count linked
/// to the cases behind it.
#[component]
pub fn StatisticsPage(
    ctx: PageContext,
    statistics: Option<Statistics>,
    /// What the period form holds.
    from: String,
    to: String,
    errors: FieldErrors,
) -> impl IntoView {
    let body = statistics.map(|stats| {
        let period = stats.period;
        let query = format!("from={}&to={}", period.from, period.to);
        let currency = stats.currency.clone();
        let row = |item: StatItem, total: i64| {
            let href = format!("/statistics/{}?{query}", item.key());
            let value = shown(item, total, &currency);
            let label = format!("{value}: the cases behind \u{201c}{}\u{201d}", item.label());
            view! {
                <tr>
                    <th scope="row">{item.label()}</th>
                    <td class="probity-number"><a class="usa-link" href=href aria-label=label>{value}</a></td>
                    <td>{item.rule()}</td>
                </tr>
            }
        };
        let semiannual = stats
            .counts
            .iter()
            .filter(|c| !c.item.is_office_total())
            .map(|c| row(c.item, c.total))
            .collect_view();
        let office = stats
            .counts
            .iter()
            .filter(|c| c.item.is_office_total())
            .map(|c| row(c.item, c.total))
            .collect_view();
        let outcomes = stats
            .complaint_outcomes
            .iter()
            .map(|(status, n)| {
                let label = probity_domain::complaints::ComplaintStatus::parse(status)
                    .map_or(status.clone(), |s| s.label().to_string());
                view! { <li>{format!("{label}: {n}")}</li> }
            })
            .collect_view();
        let median = stats
            .median_days_to_close
            .map_or("No case closed in the period".to_string(), |m| format!("{m} days"));
        let csv = format!("/statistics.csv?{query}");
        let pdf = format!("/statistics.pdf?{query}");
        let previous = statistics_path(period.previous());
        view! {
            <p>{format!("From {} to {}, both days included. ", period.from, period.to)}
                <a class="usa-link" href=previous>"The period before"</a>" · "
                <a class="usa-link" href=csv>"Download as CSV"</a>" · "
                <a class="usa-link" href=pdf>"Download as PDF"</a>
            </p>
            <table class="usa-table usa-table--borderless probity-table">
                <caption>"Semiannual report to the legislature (5 U.S.C. 405(b))"</caption>
                <thead><tr><th scope="col">"Item"</th><th scope="col">"Count"</th><th scope="col">"How it is counted"</th></tr></thead>
                <tbody>{semiannual}</tbody>
            </table>
            <table class="usa-table usa-table--borderless probity-table">
                <caption>"The office's own totals"</caption>
                <thead><tr><th scope="col">"Item"</th><th scope="col">"Count"</th><th scope="col">"How it is counted"</th></tr></thead>
                <tbody>
                    {office}
                    <tr>
                        <th scope="row">"Complaints received"</th>
                        <td class="probity-number">{stats.complaints_received}</td>
                        <td>"complaints received in the period, every channel"</td>
                    </tr>
                    <tr>
                        <th scope="row">"Median days to close"</th>
                        <td class="probity-number">{median}</td>
                        <td>"from receipt to closing, cases closed in the period"</td>
                    </tr>
                </tbody>
            </table>
            <h2>"Complaints decided in the period"</h2>
            <ul class="usa-list">{outcomes}</ul>
        }
    });
    view! {
        <Shell ctx=ctx title="Statistics" current="/statistics">
            <h1>"Statistics"</h1>
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form probity-filters" method="get" action="/statistics">
                <TextField name="from" label="First day" kind="date" value=from error=errors.get("from") />
                <TextField name="to" label="Last day" kind="date" value=to error=errors.get("to") />
                <button type="submit" class="usa-button">"Show the period"</button>
            </form>
            {body}
        </Shell>
    }
}

/// The cases behind one count.
#[component]
pub fn StatCasesPage(
    ctx: PageContext,
    item: StatItem,
    period: Period,
    cases: Vec<StatCase>,
    total: i64,
    currency: String,
) -> impl IntoView {
    let listed: i64 = cases.iter().map(|c| c.count).sum();
    let hidden = total - listed;
    let hidden_note = if item.is_money() {
        format!(
            "{} of it is on cases you may not see; it is counted but not listed.",
            shown(item, hidden, &currency)
        )
    } else {
        format!("{hidden} of them are on cases you may not see; they are counted but not listed.")
    };
    let total_shown = shown(item, total, &currency);
    let rows = cases
        .into_iter()
        .map(|c| {
            let href = format!("/cases/{}", c.case_id);
            view! {
                <tr>
                    <th scope="row"><a class="usa-link" href=href>{c.case_number}</a></th>
                    <td>
                        {c.title}
                        {(!c.details.is_empty()).then(|| view! {
                            <ul class="probity-details">
                                {c.details.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                            </ul>
                        })}
                    </td>
                    <td class="probity-number">{shown(item, c.count, &currency)}</td>
                </tr>
            }
        })
        .collect_view();
    let back = statistics_path(period);
    view! {
        <Shell ctx=ctx title=item.label() current="/statistics">
            <p class="probity-breadcrumb"><a class="usa-link" href=back>"Statistics"</a></p>
            <h1>{item.label()}</h1>
            <p>{format!("{total_shown} from {} to {}: {}.", period.from, period.to, item.rule())}</p>
            {(hidden > 0).then(|| view! { <p>{hidden_note}</p> })}
            <table class="usa-table usa-table--borderless probity-table">
                <caption class="usa-sr-only">"The cases behind the count"</caption>
                <thead><tr><th scope="col">"Case"</th><th scope="col">"Title"</th><th scope="col">"Counted"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </Shell>
    }
}
