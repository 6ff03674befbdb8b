//! Form building blocks in the USWDS style: labelled fields that show their error next to
//! them, an error summary at the top of the form, and the anti-forgery field.
//!
//! Validation happens on the server; a form with errors is drawn again with the values the
//! person typed, so nothing is lost.

use leptos::prelude::*;

/// The name of the hidden field that carries the anti-forgery token.
pub const CSRF_FIELD: &str = "csrf_token";

pub use probity_domain::validation::{FieldError, FieldErrors};

/// The box at the top of a form that lists its errors, each linking to its field.
#[component]
pub fn ErrorSummary(errors: FieldErrors) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        let items = errors
            .0
            .into_iter()
            .map(|error| {
                view! {
                    <li>
                        <a class="usa-link" href=format!("#{}", error.field)>
                            {error.message}
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="usa-alert usa-alert--error" role="alert" aria-labelledby="error-summary-heading">
                <div class="usa-alert__body">
                    <h2 class="usa-alert__heading" id="error-summary-heading">
                        "There is a problem"
                    </h2>
                    <ul class="usa-list">{items}</ul>
                </div>
            </div>
        }
    })
}

/// A labelled text-like input with an optional hint and error message.
#[component]
pub fn TextField(
    /// The field's `name` and `id`.
    name: &'static str,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The value to show (what the person typed last time).
    #[prop(into, optional)]
    value: String,
    /// The input type: text, password, ...
    #[prop(default = "text")]
    kind: &'static str,
    /// The `autocomplete` token.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// A hint shown under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The error for this field, if any.
    #[prop(optional_no_strip)]
    error: Option<String>,
    /// The maximum length accepted.
    #[prop(optional)]
    maxlength: Option<usize>,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = described_by(hint.is_some(), error.is_some(), &hint_id, &error_id);
    let has_error = error.is_some();
    // Password fields never echo what was typed back into the page.
    let value = (kind != "password").then_some(value);
    view! {
        <div class=if has_error { "usa-form-group usa-form-group--error" } else { "usa-form-group" }>
            <label class=if has_error { "usa-label usa-label--error" } else { "usa-label" } for=name>
                {label}
            </label>
            {hint.map(|hint| view! { <div class="usa-hint" id=hint_id.clone()>{hint}</div> })}
            {error.map(|message| view! {
                <span class="usa-error-message" id=error_id.clone()>{message}</span>
            })}
            <input
                class=if has_error { "usa-input usa-input--error" } else { "usa-input" }
                id=name
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                maxlength=maxlength
                aria-describedby=described_by
                aria-invalid=has_error.then_some("true")
            />
        </div>
    }
}

/// The hidden anti-forgery field every state-changing form carries.
#[component]
pub fn CsrfField(#[prop(into)] token: String) -> impl IntoView {
    view! { <input type="hidden" name=CSRF_FIELD value=token /> }
}

/// A labelled drop-down list.
#[component]
pub fn SelectField(
    /// The field's `name` and `id`.
    name: &'static str,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// `(value, label)` pairs.
    options: Vec<(String, String)>,
    /// The value to preselect.
    #[prop(into, optional)]
    selected: String,
    /// A first, empty choice (e.g. "Any status"), when the field may be left unset.
    #[prop(optional)]
    empty: Option<&'static str>,
    /// A hint shown under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The error for this field, if any.
    #[prop(optional_no_strip)]
    error: Option<String>,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = described_by(hint.is_some(), error.is_some(), &hint_id, &error_id);
    let has_error = error.is_some();
    let empty = empty.map(|text| {
        let chosen = selected.is_empty();
        view! { <option value="" selected=chosen>{text}</option> }
    });
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let chosen = value == selected;
            view! { <option value=value selected=chosen>{text}</option> }
        })
        .collect_view();
    view! {
        <div class=if has_error { "usa-form-group usa-form-group--error" } else { "usa-form-group" }>
            <label class=if has_error { "usa-label usa-label--error" } else { "usa-label" } for=name>
                {label}
            </label>
            {hint.map(|hint| view! { <div class="usa-hint" id=hint_id.clone()>{hint}</div> })}
            {error.map(|message| view! {
                <span class="usa-error-message" id=error_id.clone()>{message}</span>
            })}
            <select
                class=if has_error { "usa-select usa-input--error" } else { "usa-select" }
                id=name
                name=name
                aria-describedby=described_by
                aria-invalid=has_error.then_some("true")
            >
                {empty}
                {options}
            </select>
        </div>
    }
}

/// A labelled multi-line text field.
#[component]
pub fn TextArea(
    /// The field's `name` and `id`.
    name: &'static str,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The text to show.
    #[prop(into, optional)]
    value: String,
    /// A hint shown under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The error for this field, if any.
    #[prop(optional_no_strip)]
    error: Option<String>,
    /// The maximum length accepted.
    #[prop(optional)]
    maxlength: Option<usize>,
    /// Visible lines.
    #[prop(default = 5)]
    rows: u32,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = described_by(hint.is_some(), error.is_some(), &hint_id, &error_id);
    let has_error = error.is_some();
    // Leptos writes a textarea's children without escaping them (as it does for `<script>`),
    // so a stored `</textarea>` would end the box and the rest would become live markup.
    let value = escape_text(&value);
    view! {
        <div class=if has_error { "usa-form-group usa-form-group--error" } else { "usa-form-group" }>
            <label class=if has_error { "usa-label usa-label--error" } else { "usa-label" } for=name>
                {label}
            </label>
            {hint.map(|hint| view! { <div class="usa-hint" id=hint_id.clone()>{hint}</div> })}
            {error.map(|message| view! {
                <span class="usa-error-message" id=error_id.clone()>{message}</span>
            })}
            <textarea
                class=if has_error { "usa-textarea usa-input--error" } else { "usa-textarea" }
                id=name
                name=name
                rows=rows
                maxlength=maxlength
                aria-describedby=described_by
                aria-invalid=has_error.then_some("true")
            >
                {value}
            </textarea>
        </div>
    }
}

/// Text made safe to write where the renderer does not escape it (a textarea's content):
/// `&`, `<` and `>` become character references, which the browser turns back into the
/// same characters, so the box holds exactly the stored text.
pub fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// The `aria-describedby` of a field with an optional hint and error.
fn described_by(hint: bool, error: bool, hint_id: &str, error_id: &str) -> Option<String> {
    let ids: Vec<&str> = [(hint, hint_id), (error, error_id)]
        .into_iter()
        .filter_map(|(present, id)| present.then_some(id))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// Options for a [`SelectField`] from a list of `(stored name, label)` pairs.
pub fn options<T: Copy>(
    values: &[T],
    stored: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    values
        .iter()
        .map(|value| (stored(*value).to_string(), label(*value).to_string()))
        .collect()
}

/// A warning box shown when a save was refused because someone else changed the record.
#[component]
pub fn StaleWarning(stale: bool) -> impl IntoView {
    stale.then(|| {
        view! {
            <div class="usa-alert usa-alert--warning" role="alert">
                <div class="usa-alert__body">
                    <h2 class="usa-alert__heading">"Someone else changed this while you were editing"</h2>
                    <p class="usa-alert__text">
                        "Nothing was saved. The form still holds what you typed; the current saved version is shown beside it. Check both, then save again."
                    </p>
                </div>
            </div>
        }
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_text_box_holds_hostile_markup_as_text() {
        let hostile = "a & b </textarea><button formaction=\"/x\">Save</button> <meta http-equiv=\"refresh\">";
        let html = view! { <TextArea name="summary" label="Summary" value=hostile /> }.to_html();
        assert!(!html.contains("</textarea><button"), "{html}");
        assert!(!html.contains("<meta"), "{html}");
        assert!(
            html.contains("a &amp; b &lt;/textarea&gt;&lt;button"),
            "{html}"
        );
        assert_eq!(html.matches("</textarea>").count(), 1, "{html}");
    }
}
