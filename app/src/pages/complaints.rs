//! The front door's pages: the public complaint form, the receipt shown once, the
//! complainant's follow-up with their code; and for intake staff the triage queue, one
//! complaint with its outcome forms, and the form to log a call or letter.

use crate::forms::{ErrorSummary, SelectField, TextArea, TextField, options};
use crate::pages::cases::{case_path, format_utc};
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;
use probity_domain::cases::CaseFields;
use probity_domain::complaints::{
    CloseReason, Complaint, ComplaintChannel, ComplaintFields, ComplaintFile, ComplaintMessage,
    ComplaintStatus, HowKnown, TriageStep,
};
use probity_domain::evidence::format_size;
use probity_domain::validation::FieldErrors;

/// The public complaint form.
pub const COMPLAIN_PATH: &str = "/complain";
/// Where a complainant comes back with their code.
pub const FOLLOW_UP_PATH: &str = "/complain/follow-up";
/// The triage queue.
pub const QUEUE_PATH: &str = "/complaints";

/// One complaint's page for intake staff.
pub fn complaint_path(complaint_id: i64) -> String {
    format!("{QUEUE_PATH}/{complaint_id}")
}

/// A queue view's address.
pub fn queue_status_path(status: Option<ComplaintStatus>) -> String {
    match status {
        Some(status) => format!("{QUEUE_PATH}?status={}", status.as_str()),
        None => QUEUE_PATH.to_string(),
    }
}

/// What the public form says is kept, in plain words.
#[component]
fn WhatWeKeep() -> impl IntoView {
    view! {
        <div class="usa-summary-box" role="region" aria-labelledby="what-we-keep">
            <div class="usa-summary-box__body">
                <h2 class="usa-summary-box__heading" id="what-we-keep">"What we keep"</h2>
                <ul class="usa-list">
                    <li>"What you write here and the files you send, exactly as you send them."</li>
                    <li>"Your name and contact details only if you choose to give them. Reporting anonymously is the default."</li>
                    <li>"Not your network address, not your browser, no cookie: we do not record who sent an anonymous complaint, and our logs do not record addresses for these pages."</li>
                    <li>"The law protects your identity: we do not disclose it without your consent."</li>
                </ul>
            </div>
        </div>
    }
}

/// The public complaint form.
#[component]
pub fn ComplainPage(
    ctx: PageContext,
    values: ComplaintFields,
    errors: FieldErrors,
    /// The form's time token.
    form_time: String,
    /// The most the files may total, for people.
    limit: String,
    /// A problem that is not one field's (the form expired, too many sent from here).
    #[prop(default = None)]
    problem: Option<String>,
) -> impl IntoView {
    let field_errors = errors.clone();
    let e = move |field: &str| field_errors.get(field);
    let how = options(HowKnown::ALL, HowKnown::as_str, HowKnown::label);
    let wants = values.wants_contact == "yes";
    let files_error = e("files");
    let files_error_shown = files_error.is_some();
    let files_hint = format!(
        "Optional. Screenshots, documents, recordings: up to {limit} in all. If the form is refused, choose them again."
    );
    view! {
        <Shell ctx=ctx title="Report wrongdoing" current=COMPLAIN_PATH>
            <h1>"Report wrongdoing"</h1>
            <p class="usa-intro">
                "Tell us about misconduct, fraud, waste or abuse in a public agency. You do not have to give your name. After you send this form you will get a receipt code: with it you can come back, read our questions and answer them."
            </p>
            <WhatWeKeep />
            {problem.map(|message| view! {
                <div class="usa-alert usa-alert--warning" role="alert">
                    <div class="usa-alert__body"><p class="usa-alert__text">{message}</p></div>
                </div>
            })}
            <ErrorSummary errors=errors.clone() />
            <form method="post" action=COMPLAIN_PATH enctype="multipart/form-data" class="usa-form usa-form--large">
                <input type="hidden" name="form_time" value=form_time />
                <TextArea name="what_happened" label="What happened?" value=values.what_happened.clone()
                    hint="In your own words: what was done, by whom, and why you think it is wrong."
                    error=e("what_happened") maxlength=20000 rows=10 />
                <TextField name="agency" label="Which agency or department?" value=values.agency.clone()
                    error=e("agency") maxlength=200 />
                <TextArea name="people_involved" label="Who was involved?" value=values.people_involved.clone()
                    hint="Names, job titles or descriptions, if you know them." error=e("people_involved") maxlength=2000 rows=3 />
                <TextField name="when_happened" label="When did it happen?" value=values.when_happened.clone()
                    hint="A date, a period, or \u{201c}still going on\u{201d}." error=e("when_happened") maxlength=200 />
                <TextField name="where_happened" label="Where did it happen?" value=values.where_happened.clone()
                    error=e("where_happened") maxlength=300 />
                <SelectField name="how_known" label="How do you know about it?" options=how
                    selected=values.how_known.clone() empty="Choose one (optional)" error=e("how_known") />
                <div class=if files_error_shown { "usa-form-group usa-form-group--error" } else { "usa-form-group" }>
                    <label class="usa-label" for="files">"Files"</label>
                    <div class="usa-hint" id="files-hint">{files_hint}</div>
                    {files_error.map(|message| view! { <span class="usa-error-message" id="files-error">{message}</span> })}
                    <input class="usa-file-input" id="files" name="files" type="file" multiple=true aria-describedby="files-hint" />
                </div>
                <fieldset class="usa-fieldset">
                    <legend class="usa-legend">"May we contact you?"</legend>
                    <div class="usa-radio">
                        <input class="usa-radio__input" id="wants_contact_no" type="radio" name="wants_contact" value="no" checked=!wants />
                        <label class="usa-radio__label" for="wants_contact_no">"No. I will follow up with my receipt code."</label>
                    </div>
                    <div class="usa-radio">
                        <input class="usa-radio__input" id="wants_contact_yes" type="radio" name="wants_contact" value="yes" checked=wants />
                        <label class="usa-radio__label" for="wants_contact_yes">"Yes, you may contact me."</label>
                    </div>
                </fieldset>
                <TextField name="contact_name" label="Your name (optional)" value=values.contact_name.clone()
                    error=e("contact_name") maxlength=200 autocomplete="off" />
                <TextArea name="contact_details" label="How we can reach you (optional)" value=values.contact_details.clone()
                    hint="An e-mail address or telephone number, and when it is safe to call. Only our intake staff and the investigator who leads a case see it."
                    error=e("contact_details") maxlength=500 rows=2 />
                <button class="usa-button" type="submit">"Send the complaint"</button>
            </form>
            <p>"Already sent one? " <a class="usa-link" href=FOLLOW_UP_PATH>"Follow up with your receipt code"</a></p>
        </Shell>
    }
}

/// The receipt, shown once.
#[component]
pub fn ReceiptPage(
    ctx: PageContext,
    receipt: String,
    logged: bool,
    /// Where staff go next: the complaint they logged.
    #[prop(default = None)]
    complaint: Option<(String, String)>,
) -> impl IntoView {
    let intro = if logged {
        "The complaint is in the queue. Read this receipt code to the person, or put it in the reply letter: with it they can follow up on the public pages. It is shown only this once."
    } else {
        "Your complaint has been received. Keep this receipt code somewhere safe: it is the only way to come back to your complaint, read our questions and answer them. We cannot show it again or recover it, and we do not know who you are."
    };
    view! {
        <Shell ctx=ctx title="Complaint received" current=COMPLAIN_PATH>
            <h1>"Complaint received"</h1>
            <p class="usa-intro">{intro}</p>
            <div class="usa-summary-box probity-receipt" role="region" aria-labelledby="receipt-heading">
                <div class="usa-summary-box__body">
                    <h2 class="usa-summary-box__heading" id="receipt-heading">"Receipt code"</h2>
                    <p class="probity-receipt__code"><code id="receipt-code">{receipt}</code></p>
                    <p>"Write it down or copy it. Letters and digits only; case and dashes do not matter."</p>
                </div>
            </div>
            {match complaint {
                Some((href, label)) => view! { <p><a class="usa-link" href=href>{label}</a></p> }.into_any(),
                None => view! { <p><a class="usa-link" href=FOLLOW_UP_PATH>"Follow up on a complaint"</a></p> }.into_any(),
            }}
        </Shell>
    }
}

/// Where a complainant types their code.
#[component]
pub fn FollowUpSignInPage(
    ctx: PageContext,
    errors: FieldErrors,
    form_time: String,
    #[prop(default = None)] problem: Option<String>,
) -> impl IntoView {
    let error = errors.get("receipt");
    view! {
        <Shell ctx=ctx title="Follow up on a complaint" current=FOLLOW_UP_PATH>
            <h1>"Follow up on a complaint"</h1>
            <p class="usa-intro">"Type the receipt code you were given when you sent your complaint. You will see its status and our messages, and you can answer and add files."</p>
            {problem.map(|message| view! {
                <div class="usa-alert usa-alert--warning" role="alert">
                    <div class="usa-alert__body"><p class="usa-alert__text">{message}</p></div>
                </div>
            })}
            <ErrorSummary errors=errors.clone() />
            <form method="post" action=FOLLOW_UP_PATH class="usa-form">
                <input type="hidden" name="form_time" value=form_time />
                <TextField name="receipt" label="Receipt code" error=error maxlength=60
                    hint="For example K7QD-M9XD-4HJT-PW3B-2NFA" autocomplete="off" />
                <button class="usa-button" type="submit">"Open my complaint"</button>
            </form>
            <p><a class="usa-link" href=COMPLAIN_PATH>"Send a new complaint"</a></p>
        </Shell>
    }
}

/// The conversation, as a list.
#[component]
fn Conversation(messages: Vec<ComplaintMessage>, staff: bool) -> impl IntoView {
    let empty = messages.is_empty();
    view! {
        {empty.then(|| view! { <p>"No messages yet."</p> })}
        <ol class="probity-conversation">
            {messages.into_iter().map(|message| {
                let who = match (message.from_office, staff) {
                    (true, true) => format!("Office ({})", message.author_name.unwrap_or_default()),
                    (true, false) => "The office".to_string(),
                    (false, true) => "Complainant".to_string(),
                    (false, false) => "You".to_string(),
                };
                let class = if message.from_office { "probity-message probity-message--office" } else { "probity-message" };
                view! {
                    <li class=class>
                        <p class="probity-message__meta"><strong>{who}</strong>" \u{b7} "{format_utc(message.sent_at)}</p>
                        <p class="probity-pre">{message.body}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// A file input for a form that also takes files.
#[component]
fn FilesField(error: Option<String>, hint: String) -> impl IntoView {
    let shown = error.is_some();
    view! {
        <div class=if shown { "usa-form-group usa-form-group--error" } else { "usa-form-group" }>
            <label class="usa-label" for="files">"Files (optional)"</label>
            <div class="usa-hint" id="files-hint">{hint}</div>
            {error.map(|message| view! { <span class="usa-error-message" id="files-error">{message}</span> })}
            <input class="usa-file-input" id="files" name="files" type="file" multiple=true aria-describedby="files-hint" />
        </div>
    }
}

/// The complainant's view of their complaint.
#[component]
pub fn FollowUpPage(
    ctx: PageContext,
    reference: String,
    received_at: String,
    status: ComplaintStatus,
    messages: Vec<ComplaintMessage>,
    files: Vec<ComplaintFile>,
    /// The signed pass that lets the forms on this page act for the complaint.
    pass: String,
    body: String,
    errors: FieldErrors,
    limit: String,
    #[prop(default = None)] notice: Option<String>,
) -> impl IntoView {
    let question = status == ComplaintStatus::NeedsInformation;
    view! {
        <Shell ctx=ctx title="Your complaint" current=FOLLOW_UP_PATH>
            <h1>{format!("Your complaint {reference}")}</h1>
            {notice.map(|message| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{message}</p></div>
                </div>
            })}
            <dl class="probity-facts">
                <dt>"Received"</dt><dd>{received_at}</dd>
                <dt>"Status"</dt><dd><strong>{status.public_label()}</strong></dd>
            </dl>
            {question.then(|| view! {
                <div class="usa-alert usa-alert--info" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">"We have asked you a question. Read it below and answer when you can."</p></div>
                </div>
            })}
            <h2>"Messages"</h2>
            <Conversation messages=messages staff=false />
            <h2>"Files you sent"</h2>
            {files.is_empty().then(|| view! { <p>"None."</p> })}
            <ul class="usa-list">
                {files.into_iter().map(|file| view! {
                    <li>{format!("{} ({}), received {}", file.original_filename, format_size(file.size_bytes), format_utc(file.received_at))}</li>
                }).collect_view()}
            </ul>
            <h2>"Answer or add files"</h2>
            <ErrorSummary errors=errors.clone() />
            <form method="post" action=format!("{FOLLOW_UP_PATH}/reply") enctype="multipart/form-data" class="usa-form usa-form--large">
                <input type="hidden" name="pass" value=pass />
                <TextArea name="body" label="Your message" value=body error=errors.get("body") maxlength=10000 rows=6 />
                <FilesField error=errors.get("files") hint=format!("Up to {limit} left for this complaint.") />
                <button class="usa-button" type="submit">"Send"</button>
            </form>
            <p>"When you leave, close this window: the page is not kept, and you will need your code to come back."</p>
        </Shell>
    }
}

/// A complaint's status tag.
#[component]
fn StatusTag(status: ComplaintStatus) -> impl IntoView {
    let class = if status.is_outcome() {
        "usa-tag probity-tag probity-tag--closed"
    } else {
        "usa-tag probity-tag probity-tag--plain"
    };
    view! { <span class=class>{status.label()}</span> }
}

/// The triage queue.
#[component]
pub fn ComplaintQueuePage(
    ctx: PageContext,
    complaints: Vec<Complaint>,
    status: Option<ComplaintStatus>,
    counts: Vec<(ComplaintStatus, i64)>,
    next: Option<String>,
    /// Now, for ages.
    now: time::OffsetDateTime,
) -> impl IntoView {
    let count_of = |wanted: ComplaintStatus| {
        counts
            .iter()
            .find(|(s, _)| *s == wanted)
            .map_or(0, |(_, n)| *n)
    };
    let in_queue: i64 = ComplaintStatus::OPEN.iter().map(|s| count_of(*s)).sum();
    let mut views = vec![(None, format!("In the queue ({in_queue})"))];
    for s in ComplaintStatus::ALL {
        views.push((Some(*s), format!("{} ({})", s.label(), count_of(*s))));
    }
    let heading = status.map_or("Complaints in the queue".to_string(), |s| {
        format!("Complaints: {}", s.label().to_lowercase())
    });
    let empty = complaints.is_empty();
    view! {
        <Shell ctx=ctx title="Complaints" current=QUEUE_PATH>
            <div class="probity-title-row">
                <h1>{heading}</h1>
                <a class="usa-button usa-button--outline" href=format!("{QUEUE_PATH}/new")>"Log a call or letter"</a>
            </div>
            <nav aria-label="Complaint views">
                <ul class="probity-case-nav__list">
                    {views.into_iter().map(|(view_status, label)| {
                        let here = view_status == status;
                        view! {
                            <li>
                                <a class=if here { "probity-case-nav__link usa-current" } else { "probity-case-nav__link" }
                                   href=queue_status_path(view_status)
                                   aria-current=here.then_some("page")>{label}</a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            {empty.then(|| view! { <p>"No complaint here."</p> })}
            {(!empty).then(|| view! {
                <table class="usa-table usa-table--borderless probity-table">
                    <caption class="usa-sr-only">"Complaints, oldest first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Reference"</th>
                            <th scope="col">"Received"</th>
                            <th scope="col">"Age"</th>
                            <th scope="col">"How"</th>
                            <th scope="col">"Agency"</th>
                            <th scope="col">"What happened"</th>
                            <th scope="col">"Status"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {complaints.into_iter().map(|c| {
                            let age = c.age_days(now);
                            let summary = c.summary(90);
                            view! {
                                <tr>
                                    <th scope="row"><a class="usa-link" href=complaint_path(c.complaint_id)>{c.reference.clone()}</a></th>
                                    <td>{format_utc(c.received_at)}</td>
                                    <td>{if age == 1 { "1 day".to_string() } else { format!("{age} days") }}</td>
                                    <td>{c.channel.label()}</td>
                                    <td>{c.agency.clone()}</td>
                                    <td>{summary}</td>
                                    <td><StatusTag status=c.status /></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {next.map(|href| view! { <p class="probity-pager"><a class="usa-link" href=href>"Next page"</a></p> })}
        </Shell>
    }
}

/// Which of a complaint page's forms was sent back with problems.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ComplaintForm {
    #[default]
    None,
    Message,
    OpenCase,
    Merge,
    Refer,
    Close,
}

/// What the complaint page's forms hold when drawn again.
#[derive(Clone, Debug, Default)]
pub struct ComplaintFormValues {
    pub form: ComplaintForm,
    pub errors: FieldErrors,
    pub message: String,
    pub case: CaseFields,
    pub case_number: String,
    pub referred_to: String,
    pub referred_on: String,
    pub referral_sent: String,
    pub referral_note: String,
    pub close_reason: String,
    pub close_note: String,
    /// Someone else moved the complaint first.
    pub stale: bool,
}

/// One complaint, for intake staff.
#[component]
pub fn ComplaintRecordPage(
    ctx: PageContext,
    complaint: Complaint,
    files: Vec<ComplaintFile>,
    messages: Vec<ComplaintMessage>,
    steps: Vec<TriageStep>,
    forms: ComplaintFormValues,
    /// Agencies and time zones etc. for the case form: the priority and confidentiality
    /// choices.
    priorities: Vec<(String, String)>,
    confidentialities: Vec<(String, String)>,
    /// The office's case types, `(key, label)`.
    case_types: Vec<(String, String)>,
    limit: String,
    #[prop(default = None)] notice: Option<String>,
) -> impl IntoView {
    let id = complaint.complaint_id;
    let base = complaint_path(id);
    let token = ctx.csrf_token.clone();
    let version = complaint.version.to_string();
    let open = !complaint.status.is_outcome();
    let errors_for = |form: ComplaintForm| {
        if forms.form == form {
            forms.errors.clone()
        } else {
            FieldErrors::default()
        }
    };
    let message_errors = errors_for(ComplaintForm::Message);
    let open_errors = errors_for(ComplaintForm::OpenCase);
    let merge_errors = errors_for(ComplaintForm::Merge);
    let refer_errors = errors_for(ComplaintForm::Refer);
    let close_errors = errors_for(ComplaintForm::Close);
    let c = complaint.clone();
    let how = c.how_known.map_or("Not given", HowKnown::label);
    let contact = if c.identity_withheld {
        "Withheld: the complaint became case work; only the case's lead, supervisors and those the complainant agreed may know see who they are.".to_string()
    } else if c.identified() {
        format!(
            "{}{}{}",
            c.contact_name,
            if c.contact_name.is_empty() || c.contact_details.is_empty() {
                ""
            } else {
                " \u{2014} "
            },
            c.contact_details
        )
    } else {
        "Anonymous".to_string()
    };
    let outcome = complaint.status.is_outcome().then(|| {
        let o = complaint.outcome.clone();
        let what = match complaint.status {
            ComplaintStatus::OpenedAsCase | ComplaintStatus::Merged => {
                let number = o.case_number.clone().unwrap_or_default();
                let href = o.case_id.map(case_path).unwrap_or_default();
                view! { <p>{complaint.status.label()}" "<a class="usa-link" href=href>{number}</a>"."</p> }.into_any()
            }
            ComplaintStatus::Referred => view! {
                <p>{format!("Referred to {} on {}. Sent: {}", o.referred_to, o.referred_on, o.referral_sent)}</p>
            }.into_any(),
            _ => view! {
                <p>{format!("Closed: {}.", o.close_reason.map_or("", CloseReason::label))}</p>
            }.into_any(),
        };
        let by = format!(
            "Decided by {} on {}.",
            o.decided_by_name.unwrap_or_default(),
            o.decided_at.map(format_utc).unwrap_or_default()
        );
        let note = o.note.clone();
        view! {
            <div class="usa-alert usa-alert--info" role="status">
                <div class="usa-alert__body">
                    <h2 class="usa-alert__heading">"Outcome"</h2>
                    {what}
                    <p>{by}</p>
                    {(!note.is_empty()).then(|| view! { <p class="probity-pre">{note}</p> })}
                </div>
            </div>
        }
    });
    let stale = forms.stale;
    let review_form = (open && complaint.status != ComplaintStatus::UnderReview).then(|| {
        let token = token.clone();
        let version = version.clone();
        view! {
            <form method="post" action=format!("{base}/review") class="probity-inline-form">
                <input type="hidden" name="csrf_token" value=token />
                <input type="hidden" name="version" value=version />
                <button class="usa-button usa-button--outline" type="submit">"Start review"</button>
            </form>
        }
    });
    let decisions = open.then(|| {
        let case = forms.case.clone();
        let reasons = options(CloseReason::ALL, CloseReason::as_str, CloseReason::label);
        let tz = case.time_zone.clone();
        view! {
            <h2>"Decide"</h2>
            <div class="probity-decisions">
                <section aria-labelledby="open-case-heading">
                    <h3 id="open-case-heading">"Open a case"</h3>
                    <p>"You become the case's lead. The complaint as received, the conversation and every file become its exhibits, with their hashes."</p>
                    <ErrorSummary errors=open_errors.clone() />
                    <form method="post" action=format!("{base}/open-case") class="usa-form">
                        <input type="hidden" name="csrf_token" value=token.clone() />
                        <input type="hidden" name="version" value=version.clone() />
                        <input type="hidden" name="intake_channel" value=case.intake_channel.clone() />
                        <input type="hidden" name="received_on" value=case.received_on.clone() />
                        <input type="hidden" name="time_zone" value=tz />
                        <TextField name="title" label="Case title" value=case.title.clone() error=open_errors.get("title") maxlength=200 />
                        <TextArea name="summary" label="Summary" value=case.summary.clone() error=open_errors.get("summary") rows=4 />
                        <TextField name="subject_agency" label="Agency" value=case.subject_agency.clone() error=open_errors.get("subject_agency") maxlength=200 />
                        <SelectField name="case_type" label="Case type" hint="A type with a statutory clock starts it from the day the complaint was received." options=case_types selected=case.case_type.clone() error=open_errors.get("case_type") />
                        <SelectField name="priority" label="Priority" options=priorities selected=case.priority.clone() error=open_errors.get("priority") />
                        <SelectField name="confidentiality" label="Confidentiality" options=confidentialities selected=case.confidentiality.clone() error=open_errors.get("confidentiality") />
                        <button class="usa-button" type="submit">"Open the case"</button>
                    </form>
                </section>
                <section aria-labelledby="merge-heading">
                    <h3 id="merge-heading">"Merge into a case"</h3>
                    <ErrorSummary errors=merge_errors.clone() />
                    <form method="post" action=format!("{base}/merge") class="usa-form">
                        <input type="hidden" name="csrf_token" value=token.clone() />
                        <input type="hidden" name="version" value=version.clone() />
                        <TextField name="case_number" label="Case number" value=forms.case_number.clone()
                            hint="A case you may add evidence to." error=merge_errors.get("case_number") maxlength=40 />
                        <button class="usa-button usa-button--outline" type="submit">"Merge"</button>
                    </form>
                </section>
                <section aria-labelledby="refer-heading">
                    <h3 id="refer-heading">"Refer to another agency"</h3>
                    <ErrorSummary errors=refer_errors.clone() />
                    <form method="post" action=format!("{base}/refer") class="usa-form">
                        <input type="hidden" name="csrf_token" value=token.clone() />
                        <input type="hidden" name="version" value=version.clone() />
                        <TextField name="referred_to" label="Referred to" value=forms.referred_to.clone() error=refer_errors.get("referred_to") maxlength=300 />
                        <TextField name="referred_on" label="Date sent" kind="date" value=forms.referred_on.clone() hint="YYYY-MM-DD" error=refer_errors.get("referred_on") />
                        <TextArea name="referral_sent" label="What was sent" value=forms.referral_sent.clone() error=refer_errors.get("referral_sent") rows=3 />
                        <TextArea name="note" label="Note (optional)" value=forms.referral_note.clone() error=refer_errors.get("note") rows=2 />
                        <button class="usa-button usa-button--outline" type="submit">"Refer"</button>
                    </form>
                </section>
                <section aria-labelledby="close-heading">
                    <h3 id="close-heading">"Close without a case"</h3>
                    <ErrorSummary errors=close_errors.clone() />
                    <form method="post" action=format!("{base}/close") class="usa-form">
                        <input type="hidden" name="csrf_token" value=token.clone() />
                        <input type="hidden" name="version" value=version.clone() />
                        <SelectField name="close_reason" label="Reason" options=reasons selected=forms.close_reason.clone() empty="Choose a reason" error=close_errors.get("close_reason") />
                        <TextArea name="close_note" label="Note (optional)" value=forms.close_note.clone() error=close_errors.get("close_note") rows=2 />
                        <button class="usa-button usa-button--secondary" type="submit">"Close the complaint"</button>
                    </form>
                </section>
            </div>
        }
    });
    view! {
        <Shell ctx=ctx title=format!("Complaint {}", complaint.reference) current=QUEUE_PATH>
            <p><a class="usa-link" href=QUEUE_PATH>"Back to the queue"</a></p>
            <div class="probity-title-row">
                <h1>{format!("Complaint {}", complaint.reference)}</h1>
                <StatusTag status=complaint.status />
            </div>
            {notice.map(|message| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{message}</p></div>
                </div>
            })}
            {stale.then(|| view! {
                <div class="usa-alert usa-alert--warning" role="alert">
                    <div class="usa-alert__body"><p class="usa-alert__text">"Someone else moved this complaint while you were reading it. Nothing was saved; this is how it stands now."</p></div>
                </div>
            })}
            {outcome}
            {review_form}
            <dl class="probity-facts">
                <dt>"Received"</dt><dd>{format!("{} ({}){}", format_utc(c.received_at), c.channel.label(), c.logged_by_name.clone().map(|n| format!(", logged by {n}")).unwrap_or_default())}</dd>
                <dt>"Age"</dt><dd>{format!("{} days", c.age_days(time::OffsetDateTime::now_utc()))}</dd>
                <dt>"Agency"</dt><dd>{c.agency.clone()}</dd>
                <dt>"Who was involved"</dt><dd class="probity-pre">{c.people_involved.clone()}</dd>
                <dt>"When"</dt><dd>{c.when_happened.clone()}</dd>
                <dt>"Where"</dt><dd>{c.where_happened.clone()}</dd>
                <dt>"How they know"</dt><dd>{how}</dd>
                <dt>"Wants to be contacted"</dt><dd>{if c.wants_contact { "Yes" } else { "No" }}</dd>
                <dt>"Complainant"</dt><dd>{contact}</dd>
            </dl>
            <h2>"What happened"</h2>
            <p class="probity-pre">{c.what_happened.clone()}</p>
            <h2>"Files"</h2>
            {files.is_empty().then(|| view! { <p>"None."</p> })}
            {(!files.is_empty()).then(|| view! {
                <table class="usa-table usa-table--borderless probity-table">
                    <caption class="usa-sr-only">"Files received with the complaint"</caption>
                    <thead><tr><th scope="col">"File"</th><th scope="col">"Size"</th><th scope="col">"Type"</th><th scope="col">"SHA-256"</th><th scope="col">"Received"</th></tr></thead>
                    <tbody>
                        {files.into_iter().map(|f| view! {
                            <tr>
                                <th scope="row"><a class="usa-link" href=format!("{base}/files/{}", f.complaint_file_id)>{f.original_filename.clone()}</a></th>
                                <td>{format_size(f.size_bytes)}</td>
                                <td>{f.media_type.clone()}</td>
                                <td><code class="probity-hash">{f.sha256.clone()}</code></td>
                                <td>{format!("{}{}", format_utc(f.received_at), if f.from_complainant { "" } else { " (added by staff)" })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <h2>"Conversation with the complainant"</h2>
            <Conversation messages=messages staff=true />
            <ErrorSummary errors=message_errors.clone() />
            <form method="post" action=format!("{base}/messages") enctype="multipart/form-data" class="usa-form usa-form--large">
                <input type="hidden" name="csrf_token" value=token.clone() />
                <TextArea name="body" label="Write to the complainant" value=forms.message.clone()
                    hint="They read it with their receipt code. A question puts the complaint in \u{201c}needs information\u{201d} until they answer. Your name is not shown to them."
                    error=message_errors.get("body") maxlength=10000 rows=4 />
                <FilesField error=message_errors.get("files") hint=format!("A letter's scan or what came by post; up to {limit}.") />
                <button class="usa-button" type="submit">"Send"</button>
            </form>
            {decisions}
            <h2>"Steps"</h2>
            <ol class="usa-list">
                {steps.into_iter().map(|s| view! {
                    <li>{format!("{} \u{b7} {}{} \u{b7} {}", format_utc(s.at), s.to_status.label(), s.by_name.map(|n| format!(" by {n}")).unwrap_or_default(), s.note)}</li>
                }).collect_view()}
            </ol>
        </Shell>
    }
}

/// The form to log a call, letter or referral.
#[component]
pub fn LogComplaintPage(
    ctx: PageContext,
    values: ComplaintFields,
    errors: FieldErrors,
) -> impl IntoView {
    let field_errors = errors.clone();
    let e = move |field: &str| field_errors.get(field);
    let how = options(HowKnown::ALL, HowKnown::as_str, HowKnown::label);
    let channels = options(
        &ComplaintChannel::LOGGED,
        ComplaintChannel::as_str,
        ComplaintChannel::label,
    );
    let token = ctx.csrf_token.clone();
    let wants = values.wants_contact == "yes";
    view! {
        <Shell ctx=ctx title="Log a call or letter" current=QUEUE_PATH>
            <p><a class="usa-link" href=QUEUE_PATH>"Back to the queue"</a></p>
            <h1>"Log a call, letter or referral"</h1>
            <p>"It joins the queue like a complaint from the web form. You get a receipt code to give the person, so they can follow up on the public pages."</p>
            <ErrorSummary errors=errors.clone() />
            <form method="post" action=format!("{QUEUE_PATH}/new") class="usa-form usa-form--large">
                <input type="hidden" name="csrf_token" value=token />
                <SelectField name="channel" label="How it came in" options=channels selected=values.channel.clone() empty="Choose one" error=e("channel") />
                <TextField name="received_on" label="Date received" kind="date" value=values.received_on.clone() hint="YYYY-MM-DD" error=e("received_on") />
                <TextArea name="what_happened" label="What happened" value=values.what_happened.clone() error=e("what_happened") maxlength=20000 rows=8 />
                <TextField name="agency" label="Agency" value=values.agency.clone() error=e("agency") maxlength=200 />
                <TextArea name="people_involved" label="Who was involved" value=values.people_involved.clone() error=e("people_involved") maxlength=2000 rows=3 />
                <TextField name="when_happened" label="When it happened" value=values.when_happened.clone() error=e("when_happened") maxlength=200 />
                <TextField name="where_happened" label="Where it happened" value=values.where_happened.clone() error=e("where_happened") maxlength=300 />
                <SelectField name="how_known" label="How they know" options=how selected=values.how_known.clone() empty="Not said" error=e("how_known") />
                <div class="usa-checkbox">
                    <input class="usa-checkbox__input" id="wants_contact" type="checkbox" name="wants_contact" value="yes" checked=wants />
                    <label class="usa-checkbox__label" for="wants_contact">"They want to be contacted"</label>
                </div>
                <TextField name="contact_name" label="Their name (if given)" value=values.contact_name.clone() error=e("contact_name") maxlength=200 />
                <TextArea name="contact_details" label="How to reach them (if given)" value=values.contact_details.clone() error=e("contact_details") maxlength=500 rows=2 />
                <button class="usa-button" type="submit">"Add to the queue"</button>
            </form>
        </Shell>
    }
}
