//! Evidence pages: the upload form and an exhibit's page with its previews, metadata and
//! chain of custody.

use crate::cases::Case;
use crate::evidence::{CustodyAction, CustodyEvent, Exhibit, format_size};
use crate::forms::{CsrfField, ErrorSummary, FieldErrors, TextArea, TextField};
use crate::pages::case_nav::{CaseSection, CaseShell};
use crate::pages::cases::{case_path, format_utc};
use crate::types::PageContext;
use leptos::prelude::*;
pub use probity_domain::evidence::ExhibitFields as UploadValues;

/// The path of an exhibit's page.
pub fn exhibit_path(case_id: i64, exhibit_id: i64) -> String {
    format!("{}/exhibits/{exhibit_id}", case_path(case_id))
}

/// A checkbox with its label.
#[component]
fn Checkbox(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(into)] value: String,
    checked: bool,
    #[prop(optional)] id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| name.to_string());
    view! {
        <div class="usa-checkbox">
            <input class="usa-checkbox__input" id=id.clone() type="checkbox" name=name value=value checked=checked />
            <label class="usa-checkbox__label" for=id>{label}</label>
        </div>
    }
}

/// The upload form.
#[component]
pub fn UploadPage(
    ctx: PageContext,
    case: Case,
    values: UploadValues,
    /// `(user id, name)` of the case's team, for restricted exhibits.
    team: Vec<(String, String)>,
    errors: FieldErrors,
    /// The largest file accepted, for people.
    limit: String,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let action = format!("{base}/exhibits");
    let title = format!("Add evidence to {}", case.case_number);
    let v = values.clone();
    let members = team
        .into_iter()
        .map(|(id, name)| {
            let checked = values.access.contains(&id);
            let input_id = format!("access-{id}");
            view! { <Checkbox name="access" label=name value=id checked=checked id=input_id /> }
        })
        .collect_view();
    let hint = format!(
        "One or more files, up to {limit} each. The files are kept exactly as sent; their SHA-256 is recorded."
    );
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Evidence>
            <h1>{title}</h1>
            <ErrorSummary errors=errors.clone() />
            // The token and the details come before the files, so the server reads them first.
            <form class="usa-form usa-form--large" method="post" action=action enctype="multipart/form-data" novalidate>
                <CsrfField token=token />
                <TextArea name="description" label="Description" hint="What the files are. Left empty, each file's name is used." value=v.description maxlength=2000 rows=3 error=errors.get("description") />
                <TextField name="provided_by" label="Provided by" hint="Who gave it to the office." value=v.provided_by maxlength=200 error=errors.get("provided_by") />
                <TextField name="collected_by" label="Collected by" value=v.collected_by maxlength=200 error=errors.get("collected_by") />
                <TextField name="collected_at" label="Collected on" kind="date" value=v.collected_at error=errors.get("collected_at") />
                <fieldset class="usa-fieldset">
                    <legend class="usa-legend">"Sensitivity"</legend>
                    <Checkbox name="personal_data" label="Personal data" value="yes" checked=!values.personal_data.is_empty() />
                    <Checkbox name="criminal_justice" label="Criminal-justice information" value="yes" checked=!values.criminal_justice.is_empty() />
                    <Checkbox name="booking_photo" label="Booking photo" value="yes" checked=!values.booking_photo.is_empty() />
                    <Checkbox name="restricted" label="Restricted: only the team members named below may see it" value="yes" checked=!values.restricted.is_empty() />
                </fieldset>
                <fieldset class="usa-fieldset" aria-describedby="access-hint">
                    <legend class="usa-legend">"Who may see a restricted exhibit"</legend>
                    <div class="usa-hint" id="access-hint">"You are always included."</div>
                    {errors.get("access").map(|message| view! { <span class="usa-error-message">{message}</span> })}
                    {members}
                </fieldset>
                <fieldset class="usa-fieldset">
                    <legend class="usa-legend">"For screenshots: where they come from"</legend>
                    <TextField name="captured_by" label="Captured by" value=v.captured_by maxlength=200 error=errors.get("captured_by") />
                    <TextField name="captured_at" label="Captured on" hint="Date and time, as known." value=v.captured_at maxlength=100 error=errors.get("captured_at") />
                    <TextField name="capture_device" label="Device or application" value=v.capture_device maxlength=200 error=errors.get("capture_device") />
                    <TextField name="capture_shows" label="What it shows" hint="A web address, or a screen of a named system." value=v.capture_shows maxlength=500 error=errors.get("capture_shows") />
                </fieldset>
                <div class=if errors.get("files").is_some() { "usa-form-group usa-form-group--error" } else { "usa-form-group" }>
                    <label class="usa-label" for="files">"Files"</label>
                    <div class="usa-hint" id="files-hint">{hint}</div>
                    {errors.get("files").map(|message| view! { <span class="usa-error-message" id="files-error">{message}</span> })}
                    <input class="usa-file-input probity-file" id="files" name="files" type="file" multiple=true aria-describedby="files-hint" />
                </div>
                <button type="submit" class="usa-button">"Upload"</button>
                <a class="usa-button usa-button--unstyled" href=base>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// Everything on an exhibit's page.
#[derive(Clone, Debug)]
pub struct ExhibitView {
    pub case: Case,
    pub exhibit: Exhibit,
    pub custody: Vec<CustodyEvent>,
    pub exif: Vec<(String, String)>,
    /// The start of a text file, and whether it goes on.
    pub text: Option<(String, bool)>,
    /// Names of the members who may see it, when restricted.
    pub access_names: Vec<String>,
    /// A message after an action, e.g. an integrity alarm.
    pub notice: Option<String>,
    /// Importing the exhibit as a message log, for text files.
    pub import: Option<crate::pages::messages::ImportPanel>,
    /// `(event id, label)` of the events citing it.
    pub cited_by: Vec<(i64, String)>,
    /// The progress page of the job reading its text, while it waits or runs.
    pub text_job: Option<String>,
}

/// An exhibit's page.
#[component]
pub fn ExhibitPage(ctx: PageContext, view: ExhibitView, errors: FieldErrors) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let token_transfer = ctx.csrf_token.clone();
    let exhibit = view.exhibit.clone();
    let base = exhibit_path(view.case.case_id, exhibit.exhibit_id);
    let title = format!("{} in {}", exhibit.label(), view.case.case_number);
    let alarm = view
        .custody
        .iter()
        .any(|event| event.action == CustodyAction::IntegrityFailure);
    let tags = exhibit.tags().join(", ");
    let custody = view
        .custody
        .into_iter()
        .map(|event| {
            view! {
                <tr>
                    <td>{format_utc(event.occurred_at)}</td>
                    <td>{event.action.label()}</td>
                    <td>{event.user_name}</td>
                    <td>{event.reason}</td>
                    <td><code class="probity-hash">{event.sha256}</code></td>
                </tr>
            }
        })
        .collect_view();
    let exif = (!view.exif.is_empty()).then(|| {
        let rows = view
            .exif
            .into_iter()
            .map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> })
            .collect_view();
        view! {
            <section aria-labelledby="exif-heading">
                <h2 id="exif-heading">"Metadata in the file (EXIF)"</h2>
                <dl class="probity-facts">{rows}</dl>
            </section>
        }
    });
    let thumbnail = exhibit.thumbnail_sha256.as_ref().map(|_| {
        let alt = format!("Preview of {}: {}", exhibit.label(), exhibit.description);
        view! { <img class="probity-thumbnail" src=format!("{base}/thumbnail") alt=alt /> }
    });
    let text = view.text.map(|(text, more)| {
        view! {
            <section aria-labelledby="text-heading">
                <h2 id="text-heading">"Content"</h2>
                {more.then(|| view! { <p class="usa-hint">"The first 64 KB are shown; download the original for the rest."</p> })}
                <pre class="probity-text" tabindex="0">{text}</pre>
            </section>
        }
    });
    let ocr = match exhibit.ocr_status {
        crate::evidence::OcrStatus::NotApplicable => None,
        status => Some(view! {
            <section aria-labelledby="ocr-heading">
                <h2 id="ocr-heading">{if exhibit.media_type.starts_with("image/") { "Text in the image" } else { "Text in the document" }}</h2>
                <p>
                    {status.label()}
                    {view.text_job.clone().map(|href| view! { " " <a class="usa-link" href=href>"Follow its progress"</a> })}
                </p>
                {exhibit.ocr_confidence.filter(|_| exhibit.ocr_text.as_deref().is_some_and(|text| !text.is_empty())).map(|confidence| view! {
                    <p class="usa-hint">{format!(
                        "Read by machine with {confidence}% confidence{}. Check it against the image before relying on it.",
                        if confidence < 80 { ", which is low" } else { "" }
                    )}</p>
                })}
                {exhibit.ocr_text.clone().filter(|text| !text.is_empty()).map(|text| view! {
                    <pre class="probity-text" tabindex="0">{text}</pre>
                })}
            </section>
        }),
    };
    let provenance = exhibit.has_provenance().then(|| {
        let e = exhibit.clone();
        view! {
            <section aria-labelledby="provenance-heading">
                <h2 id="provenance-heading">"Where the screenshot comes from"</h2>
                <dl class="probity-facts">
                    <dt>"Captured by"</dt><dd>{e.captured_by}</dd>
                    <dt>"Captured on"</dt><dd>{e.captured_at}</dd>
                    <dt>"Device or application"</dt><dd>{e.capture_device}</dd>
                    <dt>"What it shows"</dt><dd>{e.capture_shows}</dd>
                </dl>
            </section>
        }
    });
    let e = exhibit.clone();
    let access = (!view.access_names.is_empty()).then(|| view.access_names.join(", "));
    let import_token = ctx.csrf_token.clone();
    let import = view.import.map(
        |panel| view! { <crate::pages::messages::ImportSection panel=panel token=import_token /> },
    );
    view! {
        <CaseShell ctx=ctx title=title.clone() case=view.case.clone() section=CaseSection::Evidence>
            <h1>{format!("{}: {}", e.label(), e.description)}</h1>
            {alarm.then(|| view! {
                <div class="usa-alert usa-alert--error" role="alert">
                    <div class="usa-alert__body">
                        <h2 class="usa-alert__heading">"Integrity alarm"</h2>
                        <p class="usa-alert__text">"The stored content of this exhibit no longer matches the SHA-256 recorded when it was received. Downloads are refused. The alarm is in the chain of custody below; tell your supervisor."</p>
                    </div>
                </div>
            })}
            {view.notice.map(|notice| view! {
                <div class="usa-alert usa-alert--info usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{notice}</p></div>
                </div>
            })}
            {e.extension_mismatch.then(|| view! {
                <div class="usa-alert usa-alert--warning usa-alert--slim">
                    <div class="usa-alert__body"><p class="usa-alert__text">"The file's name says one type, its content another. The type below is the one detected from the content."</p></div>
                </div>
            })}
            <ErrorSummary errors=errors.clone() />
            <div class="grid-row grid-gap">
                <section class="grid-col-12 tablet:grid-col-7" aria-labelledby="facts-heading">
                    <h2 id="facts-heading">"Details"</h2>
                    <dl class="probity-facts">
                        <dt>"File name as received"</dt><dd>{e.original_filename.clone()}</dd>
                        <dt>"Type (from the content)"</dt><dd>{e.media_type.clone()}</dd>
                        <dt>"Size"</dt><dd>{format!("{} ({} bytes)", format_size(e.size_bytes), e.size_bytes)}</dd>
                        <dt>"SHA-256"</dt><dd><code class="probity-hash">{e.sha256.clone()}</code></dd>
                        <dt>"Provided by"</dt><dd>{e.provided_by.clone()}</dd>
                        <dt>"Collected by"</dt><dd>{e.collected_by.clone()}</dd>
                        <dt>"Collected on"</dt><dd>{e.collected_at.clone()}</dd>
                        <dt>"Sensitivity"</dt><dd>{if tags.is_empty() { "None marked".to_string() } else { tags }}</dd>
                        <dt>"Uploaded"</dt><dd>{format!("{}, {}", e.uploaded_by_name, format_utc(e.uploaded_at))}</dd>
                        {access.map(|names| view! { <dt>"Visible to"</dt><dd>{names}</dd> })}
                    </dl>
                </section>
                <div class="grid-col-12 tablet:grid-col-5">{thumbnail}</div>
            </div>
            {provenance}
            {exif}
            <crate::pages::timeline::CitedBy case_id=view.case.case_id citing=view.cited_by />
            {import}
            {text}
            {ocr}
            <div class="grid-row grid-gap">
                <form class="usa-form grid-col-12 tablet:grid-col-6" method="post" action=format!("{base}/download")>
                    <h2>"Download the original"</h2>
                    <CsrfField token=token />
                    <TextField name="reason" label="Why you need it" hint="Recorded in the chain of custody." maxlength=500 error=errors.get("reason") />
                    <button type="submit" class="usa-button">"Download"</button>
                </form>
                <form class="usa-form grid-col-12 tablet:grid-col-6" method="post" action=format!("{base}/transfer")>
                    <h2>"Record a transfer"</h2>
                    <CsrfField token=token_transfer />
                    <TextField name="to_whom" label="Given to" hint="A person or body outside Probity." maxlength=200 error=errors.get("to_whom") />
                    <TextField name="transfer_reason" label="Why" maxlength=500 error=errors.get("transfer_reason") />
                    <button type="submit" class="usa-button usa-button--outline">"Record transfer"</button>
                </form>
            </div>
            <section aria-labelledby="custody-heading">
                <h2 id="custody-heading">"Chain of custody"</h2>
                <div class="usa-table-container--scrollable" tabindex="0">
                    <table class="usa-table usa-table--borderless usa-table--compact probity-table">
                        <caption class="usa-sr-only">"Chain of custody, oldest first"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"What"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"Why"</th>
                                <th scope="col">"SHA-256 at the time"</th>
                            </tr>
                        </thead>
                        <tbody>{custody}</tbody>
                    </table>
                </div>
            </section>
        </CaseShell>
    }
}

/// The evidence table of a case.
#[component]
pub fn EvidenceTable(case_id: i64, exhibits: Vec<Exhibit>) -> impl IntoView {
    let rows = exhibits
        .into_iter()
        .map(|exhibit| {
            let href = exhibit_path(case_id, exhibit.exhibit_id);
            let tags = exhibit.tags().join(", ");
            view! {
                <tr>
                    <th scope="row" data-label="Exhibit"><a class="usa-link" href=href>{exhibit.label()}</a></th>
                    <td data-label="Description" class="probity-wrap">{exhibit.description.clone()}</td>
                    <td data-label="Type">{exhibit.media_type.clone()}</td>
                    <td data-label="Size">{format_size(exhibit.size_bytes)}</td>
                    <td data-label="Sensitivity">{tags}</td>
                    <td data-label="Uploaded">{format_utc(exhibit.uploaded_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="usa-table usa-table--borderless usa-table--stacked probity-table">
            <caption class="usa-sr-only">"Exhibits"</caption>
            <thead>
                <tr>
                    <th scope="col">"Exhibit"</th>
                    <th scope="col">"Description"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Size"</th>
                    <th scope="col">"Sensitivity"</th>
                    <th scope="col">"Uploaded"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// A case's evidence section: its exhibits, a page at a time in exhibit order.
#[component]
pub fn CaseEvidencePage(
    ctx: PageContext,
    case: Case,
    exhibits: Vec<Exhibit>,
    /// The next page's address, when there is one.
    next: Option<String>,
    /// This is not the first page.
    later_page: bool,
    can_edit: bool,
    /// A message after an action, e.g. the exhibits just added.
    notice: Option<String>,
) -> impl IntoView {
    let id = case.case_id;
    let title = format!("Evidence of {}", case.case_number);
    let empty = exhibits.is_empty();
    let first = crate::pages::case_nav::CaseSection::Evidence.path(id);
    view! {
        <crate::pages::case_nav::CaseShell ctx=ctx title=title case=case section=crate::pages::case_nav::CaseSection::Evidence>
            <div class="probity-title-row">
                <h1>"Evidence"</h1>
                {can_edit.then(|| view! {
                    <a class="usa-button" href=format!("{}/exhibits/new", case_path(id))>"Add evidence"</a>
                })}
            </div>
            {notice.map(|notice| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{notice}</p></div>
                </div>
            })}
            <p><a class="usa-link" href=format!("{}/export", case_path(id))>"Export the whole case as a BagIt bag"</a>" (for a prosecutor, a court or an archive; verifiable with sha256sum)"</p>
            {if empty {
                view! { <p>{if later_page { "No more exhibits." } else { "No evidence has been added yet." }}</p> }.into_any()
            } else {
                view! { <EvidenceTable case_id=id exhibits=exhibits /> }.into_any()
            }}
            <nav class="probity-pager" aria-label="Pages of exhibits">
                {later_page.then(|| view! { <a class="usa-link" href=first.clone()>"First page"</a> })}
                " "
                {next.map(|href| view! { <a class="usa-link" href=href>"Next exhibits"</a> })}
            </nav>
        </crate::pages::case_nav::CaseShell>
    }
}
