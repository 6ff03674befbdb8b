//! The case export page: what a case's BagIt bag holds, and the reason asked before it is
//! made. The bag itself is a download (a ZIP), streamed by the server.

use crate::cases::Case;
use crate::forms::{CsrfField, ErrorSummary, TextField};
use crate::pages::case_nav::{CaseSection, CaseShell};
use crate::pages::cases::case_path;
use crate::types::PageContext;
use leptos::prelude::*;
use probity_domain::validation::FieldErrors;

/// The export page of a case.
#[component]
pub fn CaseExportPage(
    ctx: PageContext,
    case: Case,
    /// How many exhibits the person may see (and so will export).
    exhibits: usize,
    /// The reason as typed last time.
    reason: String,
    errors: FieldErrors,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let title = format!("Export {} as a BagIt bag", case.case_number);
    let action = format!("{}/export", case_path(case.case_id));
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case section=CaseSection::Evidence>
            <h1>{title}</h1>
            <p>"A bag in the BagIt format (RFC 8493) that a prosecutor, a court or an archive can check without Probity: every file is listed with its SHA-256 in "<code>"manifest-sha256.txt"</code>", which "<code>"sha256sum -c"</code>" or any BagIt validator verifies."</p>
            <p>"It holds what you may see of this case: "{exhibits}" exhibits as received (restricted ones only if you are named on them), the messages read from them (CSV and JSON), the timeline (CSV and JSON), the findings, the published report PDFs, each exhibit's chain of custody and the case's audit trail (JSON lines), and "<code>"bag-info.txt"</code>" with the case number, your name and the time."</p>
            <p>"The export is recorded in each exhibit's chain of custody and in the audit trail, with the reason you give."</p>
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <TextField
                    name="reason"
                    label="Why the case is exported, and for whom"
                    value=reason
                    hint="For example: disclosure to the county prosecutor, case 24-CR-1187."
                    error=errors.get("reason")
                    maxlength=500
                />
                <button type="submit" class="usa-button">"Export the case (ZIP)"</button>
            </form>
        </CaseShell>
    }
}
