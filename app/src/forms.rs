//! Form building blocks in the USWDS style: labelled fields that show their error next to
//! them, an error summary at the top of the form, and the anti-forgery field.
//!
//! Validation happens on the server; a form with errors is drawn again with the values the
//! person typed, so nothing is lost.

use leptos::prelude::*;

/// The name of the hidden field that carries the anti-forgery token.
pub const CSRF_FIELD: &str = "csrf_token";

/// One message about one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The `name` (and `id`) of the field.
    pub field: &'static str,
    /// What is wrong, in words the person can act on.
    pub message: String,
}

/// The messages of one submitted form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Records a message for a field.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// The first message for a field, if any.
    pub fn get(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.clone())
    }

    /// True when the form had no errors.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

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
    let described_by = {
        let mut ids = Vec::new();
        if hint.is_some() {
            ids.push(hint_id.clone());
        }
        if error.is_some() {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
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
