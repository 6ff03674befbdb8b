//! A case's memoranda of interview: the list, one interview with its memorandum, the
//! versions kept of it and the events citing it, and the form to record or edit one.

use crate::cases::Case;
use crate::forms::{
    CsrfField, ErrorSummary, SelectField, StaleWarning, TextArea, TextField, options,
};
use crate::pages::case_nav::{CaseSection, CaseShell};
use crate::pages::cases::{case_path, format_utc};
use crate::pages::timeline::{Checkboxes, event_path};
use crate::types::PageContext;
use leptos::prelude::*;
use probity_domain::interviews::{
    AttendeeRole, Interview, InterviewFields, InterviewWarning, MemorandumVersion,
};
use probity_domain::validation::FieldErrors;

fn interviews_path(case_id: i64) -> String {
    format!("{}/interviews", case_path(case_id))
}

fn exhibit_link(case_id: i64, exhibit: Option<(i64, i64)>) -> AnyView {
    match exhibit {
        Some((id, number)) => {
            let href = format!("{}/exhibits/{id}", case_path(case_id));
            view! { <a class="usa-link" href=href>{format!("E-{number}")}</a> }.into_any()
        }
        None => view! { "None" }.into_any(),
    }
}

/// Who attended, by role, as one line.
fn attendee_line(interview: &Interview) -> String {
    let mut parts = Vec::new();
    for role in AttendeeRole::ALL {
        let names: Vec<&str> = interview
            .attendees
            .iter()
            .filter(|a| a.role == *role)
            .map(|a| a.name.as_str())
            .collect();
        if !names.is_empty() {
            parts.push(format!("{}: {}", role.label(), names.join(", ")));
        }
    }
    if parts.is_empty() {
        "No one recorded".into()
    } else {
        parts.join("; ")
    }
}

/// A case's interviews.
#[component]
pub fn InterviewsPage(
    ctx: PageContext,
    case: Case,
    interviews: Vec<Interview>,
    can_edit: bool,
    #[prop(optional_no_strip)] notice: Option<String>,
) -> impl IntoView {
    let case_id = case.case_id;
    let title = format!("Interviews in {}", case.case_number);
    let empty = interviews.is_empty();
    let rows = interviews
        .into_iter()
        .map(|i| {
            let href = format!("{}/{}", interviews_path(case_id), i.interview_id);
            let documented = if i.is_documented() {
                view! { <span>"Written"</span> }.into_any()
            } else {
                view! { <span class="usa-tag probity-tag--overdue">"Not written"</span> }.into_any()
            };
            view! {
                <tr>
                    <th scope="row"><a class="usa-link" href=href>{i.label()}</a></th>
                    <td>{i.interviewee_name.clone()}<br /><span class="usa-hint">{i.interviewee_role.clone()}</span></td>
                    <td>{i.held_on.clone()}</td>
                    <td>{i.warning.short()}</td>
                    <td>{documented}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Interviews>
            <h1>{title}</h1>
            {notice.map(|text| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{text}</p></div>
                </div>
            })}
            <p>"Each interview's memorandum records who was interviewed, who attended, the warning given and what was said; every saved version is kept."</p>
            {can_edit.then(|| view! {
                <p><a class="usa-button" href=format!("{}/new", interviews_path(case_id))>"Record an interview"</a></p>
            })}
            {if empty {
                view! { <p>"No interview is recorded."</p> }.into_any()
            } else {
                view! {
                    <table class="usa-table usa-table--borderless probity-table">
                        <caption class="usa-sr-only">"The case's interviews"</caption>
                        <thead><tr>
                            <th scope="col">"No."</th><th scope="col">"Interviewed"</th><th scope="col">"Day"</th>
                            <th scope="col">"Warning"</th><th scope="col">"Memorandum"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }}
        </CaseShell>
    }
}

/// One interview: its facts, the memorandum, the versions kept and the events citing it.
#[component]
pub fn InterviewPage(
    ctx: PageContext,
    case: Case,
    interview: Interview,
    versions: Vec<MemorandumVersion>,
    /// `(event id, where and when)` of the events citing it.
    cited_by: Vec<(i64, String)>,
    can_edit: bool,
    #[prop(optional_no_strip)] notice: Option<String>,
) -> impl IntoView {
    let case_id = case.case_id;
    let base = format!("{}/{}", interviews_path(case_id), interview.interview_id);
    let title = format!(
        "{}: interview of {}",
        interview.label(),
        interview.interviewee_name
    );
    let attendees = attendee_line(&interview);
    let memorandum = interview.memorandum.clone();
    let documented = interview.is_documented();
    let cited = cited_by
        .into_iter()
        .map(|(event_id, label)| {
            let href = event_path(case_id, event_id);
            view! { <li><a class="usa-link" href=href>{label}</a></li> }
        })
        .collect_view();
    let older = versions
        .into_iter()
        .skip(1)
        .map(|v| {
            let summary = format!(
                "Version {}, by {}, {}",
                v.version,
                v.written_by_name,
                format_utc(v.written_at)
            );
            view! {
                <details class="probity-version">
                    <summary>{summary}</summary>
                    <div class="probity-pre">{v.body}</div>
                </details>
            }
        })
        .collect_view();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Interviews>
            <p class="probity-breadcrumb"><a class="usa-link" href=interviews_path(case_id)>"All interviews"</a></p>
            <h1>{title}</h1>
            {notice.map(|text| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{text}</p></div>
                </div>
            })}
            {can_edit.then(|| view! {
                <p><a class="usa-button usa-button--outline" href=format!("{base}/edit")>"Edit the interview"</a></p>
            })}
            <dl class="probity-facts">
                <dt>"Interviewed"</dt><dd>{format!("{} ({})", interview.interviewee_name, interview.interviewee_role)}</dd>
                <dt>"Day"</dt><dd>{interview.held_on.clone()}</dd>
                <dt>"Place"</dt><dd>{interview.place.clone()}</dd>
                <dt>"Warning given"</dt><dd>{interview.warning.label()}</dd>
                <dt>"Attended"</dt><dd>{attendees}</dd>
                <dt>"Recording"</dt><dd>{exhibit_link(case_id, interview.recording)}</dd>
                <dt>"Transcript"</dt><dd>{exhibit_link(case_id, interview.transcript)}</dd>
                <dt>"Last written"</dt><dd>{format!("Version {}, by {}, {}", interview.version, interview.written_by_name, format_utc(interview.updated_at))}</dd>
            </dl>
            <h2>"Memorandum of interview"</h2>
            {if documented {
                view! { <div class="probity-pre probity-memorandum">{memorandum}</div> }.into_any()
            } else {
                view! { <p>"The memorandum is not written yet."</p> }.into_any()
            }}
            <h2>"Events citing this interview"</h2>
            <ul class="usa-list">{cited}</ul>
            <h2>"Earlier versions"</h2>
            {older}
        </CaseShell>
    }
}

/// Recording or editing an interview.
#[component]
pub fn InterviewFormPage(
    ctx: PageContext,
    case: Case,
    /// The interview's id and label when editing.
    interview: Option<(i64, String)>,
    values: InterviewFields,
    /// `(party id, name and role)` of the case's parties.
    parties: Vec<(String, String)>,
    /// `(user id, name)` of the case's team.
    team: Vec<(String, String)>,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
    /// The memorandum as saved by someone else meanwhile.
    #[prop(optional_no_strip)]
    saved_memorandum: Option<String>,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let list = interviews_path(case.case_id);
    let (heading, action, back) = match &interview {
        Some((id, label)) => (
            format!("Edit {label}"),
            format!("{list}/{id}/edit"),
            format!("{list}/{id}"),
        ),
        None => (
            "Record an interview".to_string(),
            format!("{list}/new"),
            list.clone(),
        ),
    };
    view! {
        <CaseShell ctx=ctx title=format!("{heading}: {}", case.case_number) case=case.clone() section=CaseSection::Interviews>
            <h1>{heading}</h1>
            <StaleWarning stale=stale />
            {saved_memorandum.map(|text| view! {
                <h2>"The memorandum as saved now"</h2>
                <div class="probity-pre probity-memorandum">{text}</div>
            })}
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=values.version.clone() />
                <SelectField name="party_id" label="Who was interviewed" options=parties selected=values.party_id.clone() empty="Choose a party of the case" error=errors.get("party_id") />
                <TextField name="interviewee_role" label="Their role in the matter" hint="For example subject, witness, records custodian; the party's role when left empty." value=values.interviewee_role.clone() maxlength=200 error=errors.get("interviewee_role") />
                <TextField name="held_on" label="Day of the interview" kind="date" value=values.held_on.clone() error=errors.get("held_on") />
                <TextField name="place" label="Place" value=values.place.clone() maxlength=300 error=errors.get("place") />
                <SelectField name="warning" label="Warning given" options=options(InterviewWarning::ALL, InterviewWarning::as_str, InterviewWarning::label) selected=values.warning.clone() empty="Choose one" error=errors.get("warning") />
                <Checkboxes name="investigators" legend="Investigators present" choices=team checked=values.investigators.clone() hint="Members of the case's team." />
                {errors.get("investigators").map(|message| view! { <span class="usa-error-message">{message}</span> })}
                <TextField name="counsel" label="Counsel" hint="Names separated by semicolons." value=values.counsel.clone() maxlength=2000 error=errors.get("counsel") />
                <TextField name="union_representative" label="Union representative" hint="Names separated by semicolons." value=values.union_representative.clone() maxlength=2000 error=errors.get("union_representative") />
                <TextField name="interpreter" label="Interpreter" hint="Names separated by semicolons." value=values.interpreter.clone() maxlength=2000 error=errors.get("interpreter") />
                <TextArea name="others" label="Anyone else present" hint="One per line, with their role." value=values.others.clone() maxlength=4000 rows=2 error=errors.get("others") />
                <TextField name="recording" label="Recording" hint="The exhibit holding the recording, for example E-7." value=values.recording.clone() maxlength=20 error=errors.get("recording") />
                <TextField name="transcript" label="Transcript" hint="The exhibit holding the transcript, for example E-8." value=values.transcript.clone() maxlength=20 error=errors.get("transcript") />
                <TextArea name="memorandum" label="Memorandum of interview" hint="What was asked and said. Each save keeps a new version; earlier ones stay readable." value=values.memorandum.clone() maxlength=100000 rows=14 error=errors.get("memorandum") />
                <button type="submit" class="usa-button">"Save the interview"</button>
                <a class="usa-button usa-button--unstyled" href=back>"Cancel"</a>
            </form>
        </CaseShell>
    }
}
