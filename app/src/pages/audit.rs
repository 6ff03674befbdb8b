//! The audit trail, for auditors and administrators.

use crate::forms::{CsrfField, SelectField, TextField};
use crate::pages::cases::format_utc;
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;
use time::OffsetDateTime;

/// One entry as shown.
#[derive(Clone, Debug)]
pub struct AuditRow {
    pub audit_event_id: i64,
    pub occurred_at: OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub case_number: Option<String>,
    pub target: Option<String>,
    pub outcome: String,
    pub remote_addr: Option<String>,
    pub detail: Option<String>,
    /// The channel when not the pages (an API token's name).
    pub via: Option<String>,
}

/// The newest integrity check, for the top of the page.
#[derive(Clone, Debug)]
pub struct IntegrityNotice {
    pub checked_at: OffsetDateTime,
    pub audit_entries: i64,
    pub custody_entries: i64,
    pub blobs: i64,
    pub problems: i64,
    /// The first problems, in words.
    pub summary: String,
}

/// The outcome of the newest integrity check: an alarm when it found anything.
#[component]
fn IntegrityPanel(notice: Option<IntegrityNotice>) -> impl IntoView {
    match notice {
        None => view! {
            <p class="probity-integrity">"The integrity check (audit trail, chain of custody, stored files) has not run yet; the server runs it a minute after start, then daily, and " <code>"probity verify"</code> " runs it at once."</p>
        }
        .into_any(),
        Some(notice) if notice.problems > 0 => view! {
            <div class="usa-alert usa-alert--error" role="alert" id="integrity-alarm">
                <div class="usa-alert__body">
                    <h2 class="usa-alert__heading">"Integrity alarm: the records were changed outside Probity"</h2>
                    <p class="usa-alert__text">
                        "The integrity check of " {format_utc(notice.checked_at)} " found "
                        {notice.problems.to_string()} " problems: " {notice.summary}
                        ". Run " <code>"probity verify"</code> " on the server for the full list, and keep a copy of the database as it is now."
                    </p>
                </div>
            </div>
        }
        .into_any(),
        Some(notice) => view! {
            <p class="probity-integrity">
                "Integrity check of " {format_utc(notice.checked_at)} ": nothing changed ("
                {notice.audit_entries.to_string()} " audit entries, "
                {notice.custody_entries.to_string()} " custody entries, "
                {notice.blobs.to_string()} " stored files)."
            </p>
        }
        .into_any(),
    }
}

/// The audit filters as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AuditForm {
    pub actor: String,
    pub action: String,
    pub case_number: String,
    pub outcome: String,
}

/// The audit trail page.
#[component]
pub fn AuditPage(
    ctx: PageContext,
    form: AuditForm,
    rows: Vec<AuditRow>,
    /// The id to continue from for the next page.
    next_before: Option<i64>,
    /// A message about the filters, e.g. an unknown case number.
    problem: Option<String>,
    /// The newest integrity check.
    integrity: Option<IntegrityNotice>,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let token_roles = ctx.csrf_token.clone();
    let next_token = ctx.csrf_token.clone();
    let hidden = form.clone();
    let rows = rows
        .into_iter()
        .map(|row| {
            view! {
                <tr>
                    <td>{format_utc(row.occurred_at)}</td>
                    <td>{row.actor}</td>
                    <td><code>{row.action}</code></td>
                    <td>{row.case_number.unwrap_or_default()}</td>
                    <td>{row.target.unwrap_or_default()}</td>
                    <td>{row.outcome}</td>
                    <td>{row.remote_addr.unwrap_or_default()}</td>
                    <td>
                        {row.detail.unwrap_or_default()}
                        {row.via.map(|via| view! { " (via " {via} ")" })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let outcomes = vec![
        ("success".to_string(), "Success".to_string()),
        ("refused".to_string(), "Refused".to_string()),
    ];
    view! {
        <Shell ctx=ctx title="Audit trail" current="/audit">
            <h1>"Audit trail"</h1>
            <p>"Every sign-in, every read and change of case data and every refused attempt, newest first. Entries cannot be changed or deleted, and each carries the hash of the one before it, so that a change made outside Probity shows."</p>
            <IntegrityPanel notice=integrity />
            {problem.map(|problem| view! {
                <div class="usa-alert usa-alert--warning usa-alert--slim" role="alert">
                    <div class="usa-alert__body"><p class="usa-alert__text">{problem}</p></div>
                </div>
            })}
            <form class="usa-form probity-filters" method="post" action="/audit">
                <CsrfField token=token />
                <div class="probity-filter-grid">
                    <TextField name="actor" label="Who" hint="A username, exactly." value=form.actor maxlength=64 error=None />
                    <TextField name="action" label="Action" hint="For example case.view, case. for all case actions, or role. for every change of role." value=form.action maxlength=64 error=None />
                    <TextField name="case_number" label="Case number" value=form.case_number maxlength=64 error=None />
                    <SelectField name="outcome" label="Outcome" options=outcomes selected=form.outcome empty="Any outcome" error=None />
                </div>
                <button type="submit" class="usa-button">"Show entries"</button>
            </form>
            <form method="post" action="/audit" class="probity-inline-form">
                <CsrfField token=token_roles />
                <input type="hidden" name="action" value="role." />
                <button type="submit" class="usa-button usa-button--outline">"Show every change of role"</button>
            </form>
            <div class="usa-table-container--scrollable" tabindex="0">
                <table class="usa-table usa-table--borderless usa-table--compact probity-table">
                    <caption class="usa-sr-only">"Audit entries, newest first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Who"</th>
                            <th scope="col">"Action"</th>
                            <th scope="col">"Case"</th>
                            <th scope="col">"Target"</th>
                            <th scope="col">"Outcome"</th>
                            <th scope="col">"From"</th>
                            <th scope="col">"Detail"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {next_before.map(|before| view! {
                <form method="post" action="/audit" class="probity-inline-form">
                    <CsrfField token=next_token />
                    <input type="hidden" name="actor" value=hidden.actor />
                    <input type="hidden" name="action" value=hidden.action />
                    <input type="hidden" name="case_number" value=hidden.case_number />
                    <input type="hidden" name="outcome" value=hidden.outcome />
                    <input type="hidden" name="before" value=before.to_string() />
                    <button type="submit" class="usa-button usa-button--outline">"Older entries"</button>
                </form>
            })}
        </Shell>
    }
}
