//! The account page: the person's own account and the form to change their password.

use crate::forms::{CsrfField, ErrorSummary, FieldErrors, TextField};
use crate::shell::Shell;
use crate::types::{PageContext, Role};
use leptos::prelude::*;

/// What the account page shows.
#[derive(Clone, Debug)]
pub struct AccountSummary {
    /// The sign-in name.
    pub username: String,
    /// The name shown to colleagues.
    pub display_name: String,
    /// What they do in the office.
    pub role: Role,
    /// When the account was created, already formatted (UTC).
    pub created_at: String,
    /// When the password was last set, already formatted (UTC).
    pub password_changed_at: String,
    /// When they signed in before this session, already formatted (UTC).
    pub previous_sign_in: Option<String>,
}

/// The account page.
#[component]
pub fn AccountPage(
    ctx: PageContext,
    account: AccountSummary,
    errors: FieldErrors,
    /// True right after the password was changed.
    password_changed: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let previous = account
        .previous_sign_in
        .unwrap_or_else(|| "This is your first sign-in.".to_string());
    view! {
        <Shell ctx=ctx title="Your account" current="/account">
            <h1>"Your account"</h1>
            {password_changed.then(|| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body">
                        <p class="usa-alert__text">"Your password has been changed."</p>
                    </div>
                </div>
            })}
            <div class="grid-row grid-gap">
                <section class="grid-col-12 tablet:grid-col-6" aria-labelledby="account-heading">
                    <h2 id="account-heading">"Details"</h2>
                    <dl class="probity-facts">
                        <dt>"Name"</dt>
                        <dd>{account.display_name}</dd>
                        <dt>"Username"</dt>
                        <dd>{account.username.clone()}</dd>
                        <dt>"Role"</dt>
                        <dd>{account.role.label()}</dd>
                        <dt>"Account created"</dt>
                        <dd>{account.created_at}</dd>
                        <dt>"Password last changed"</dt>
                        <dd>{account.password_changed_at}</dd>
                        <dt>"Previous sign-in"</dt>
                        <dd>{previous}</dd>
                    </dl>
                </section>
                <section class="grid-col-12 tablet:grid-col-6" aria-labelledby="password-heading">
                    <h2 id="password-heading">"Change your password"</h2>
                    <ErrorSummary errors=errors.clone() />
                    <form class="usa-form" method="post" action="/account/password" novalidate>
                        <CsrfField token=token />
                        // Lets password managers file the new password under the right account.
                        <input type="hidden" name="username" autocomplete="username" value=account.username />
                        <TextField
                            name="current_password"
                            label="Current password"
                            kind="password"
                            autocomplete="current-password"
                            error=errors.get("current_password")
                            maxlength=1024
                        />
                        <TextField
                            name="new_password"
                            label="New password"
                            kind="password"
                            hint="At least 12 characters, and not a common password."
                            autocomplete="new-password"
                            error=errors.get("new_password")
                            maxlength=1024
                        />
                        <TextField
                            name="new_password_confirm"
                            label="New password again"
                            kind="password"
                            autocomplete="new-password"
                            error=errors.get("new_password_confirm")
                            maxlength=1024
                        />
                        <button type="submit" class="usa-button">"Change password"</button>
                    </form>
                </section>
            </div>
        </Shell>
    }
}
