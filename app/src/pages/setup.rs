//! The one-time setup page that creates the first administrator.

use crate::forms::{CsrfField, ErrorSummary, FieldErrors, TextField};
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;

/// What was typed into the setup form (never the passwords).
#[derive(Clone, Debug, Default)]
pub struct SetupValues {
    /// The administrator's sign-in name.
    pub username: String,
    /// The administrator's display name.
    pub display_name: String,
    /// The setup token as typed, kept when the form is drawn again.
    pub setup_token: String,
}

/// The setup form.
#[component]
pub fn SetupPage(
    ctx: PageContext,
    values: SetupValues,
    errors: FieldErrors,
    /// True when the request does not come from this machine, so the setup token is needed.
    token_required: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    view! {
        <Shell ctx=ctx title="Set up Probity">
            <div class="grid-row">
                <div class="grid-col-12 tablet:grid-col-8 desktop:grid-col-6">
                    <h1>"Set up Probity"</h1>
                    <p class="usa-intro">
                        "No account exists yet. Create the first administrator; they can then add everyone else."
                    </p>
                    <ErrorSummary errors=errors.clone() />
                    <form class="usa-form usa-form--large" method="post" action="/setup" novalidate>
                        <CsrfField token=token />
                        {token_required.then(|| view! {
                            <TextField
                                name="setup_token"
                                label="Setup token"
                                value=values.setup_token.clone()
                                hint="Printed in the server log when it started, and written to the file setup-token in its data folder."
                                autocomplete="off"
                                error=errors.get("setup_token")
                                maxlength=128
                            />
                        })}
                        <TextField
                            name="username"
                            label="Username"
                            hint="Letters, digits, dots, hyphens and underscores; up to 64 characters."
                            value=values.username
                            autocomplete="username"
                            error=errors.get("username")
                            maxlength=64
                        />
                        <TextField
                            name="display_name"
                            label="Full name"
                            value=values.display_name
                            autocomplete="name"
                            error=errors.get("display_name")
                            maxlength=120
                        />
                        <TextField
                            name="password"
                            label="Password"
                            kind="password"
                            hint="At least 12 characters. Avoid common passwords; a phrase of several words works well."
                            autocomplete="new-password"
                            error=errors.get("password")
                            maxlength=1024
                        />
                        <TextField
                            name="password_confirm"
                            label="Password again"
                            kind="password"
                            autocomplete="new-password"
                            error=errors.get("password_confirm")
                            maxlength=1024
                        />
                        <button type="submit" class="usa-button">"Create administrator"</button>
                    </form>
                </div>
            </div>
        </Shell>
    }
}
