//! The sign-in page, with the office's system-use notice.

use crate::forms::{CsrfField, ErrorSummary, FieldErrors, TextField};
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;

/// Why someone arrived at the sign-in page, when it is worth telling them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInReason {
    /// They just signed out.
    SignedOut,
    /// Their session ended (idle too long, or older than the absolute limit).
    Expired,
    /// The first administrator was just created.
    SetupDone,
}

impl SignInReason {
    /// The value used in the sign-in page's `reason` query parameter.
    pub fn as_query(self) -> &'static str {
        match self {
            SignInReason::SignedOut => "signed-out",
            SignInReason::Expired => "expired",
            SignInReason::SetupDone => "setup-done",
        }
    }

    /// Parses the `reason` query parameter.
    pub fn from_query(value: &str) -> Option<Self> {
        [
            SignInReason::SignedOut,
            SignInReason::Expired,
            SignInReason::SetupDone,
        ]
        .into_iter()
        .find(|reason| reason.as_query() == value)
    }

    fn message(self) -> &'static str {
        match self {
            SignInReason::SignedOut => "You have signed out.",
            SignInReason::Expired => {
                "Your session has ended, either after a period without activity or because it reached its time limit. Please sign in again."
            }
            SignInReason::SetupDone => {
                "The administrator account has been created. Sign in with it to continue."
            }
        }
    }
}

/// The sign-in form.
#[component]
pub fn SignInPage(
    ctx: PageContext,
    /// The system-use notice configured for this office.
    #[prop(into)]
    notice: String,
    /// The username typed last time.
    #[prop(into)]
    username: String,
    /// Why the person is here, if worth saying.
    reason: Option<SignInReason>,
    errors: FieldErrors,
    /// True when the office lets people sign in with a passkey alone (offered with script).
    #[prop(default = false)]
    passkey: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let passkey_token = ctx.csrf_token.clone();
    let passkey = passkey.then(|| {
        view! {
            <div data-passkey-first="" hidden>
                <input type="hidden" name="csrf_token" value=passkey_token />
                <p>"Or, on a device that holds your passkey:"</p>
                <p><button type="button" class="usa-button usa-button--outline">"Sign in with a passkey"</button></p>
                <div class="usa-alert usa-alert--error usa-alert--slim" data-passkey-message="" hidden tabindex="-1" role="alert">
                    <div class="usa-alert__body"><p class="usa-alert__text"></p></div>
                </div>
            </div>
            <script src="/assets/passkeys.js" defer></script>
        }
    });
    view! {
        <Shell ctx=ctx title="Sign in">
            <div class="grid-row grid-gap">
                <div class="grid-col-12 tablet:grid-col-8 desktop:grid-col-6">
                    <h1>"Sign in"</h1>
                    {reason.map(|reason| view! {
                        <div class="usa-alert usa-alert--info usa-alert--slim" role="status">
                            <div class="usa-alert__body">
                                <p class="usa-alert__text">{reason.message()}</p>
                            </div>
                        </div>
                    })}
                    <section class="usa-summary-box probity-notice" aria-labelledby="system-use-notice">
                        <div class="usa-summary-box__body">
                            <h2 class="usa-summary-box__heading" id="system-use-notice">"System use notice"</h2>
                            <div class="usa-summary-box__text">
                                <p>{notice}</p>
                            </div>
                        </div>
                    </section>
                    <ErrorSummary errors=errors.clone() />
                    <form class="usa-form usa-form--large" method="post" action="/sign-in" novalidate>
                        <CsrfField token=token />
                        <TextField
                            name="username"
                            label="Username"
                            value=username
                            autocomplete="username"
                            error=errors.get("username")
                            maxlength=64
                        />
                        <TextField
                            name="password"
                            label="Password"
                            kind="password"
                            autocomplete="current-password"
                            error=errors.get("password")
                            maxlength=1024
                        />
                        <button type="submit" class="usa-button">"Sign in"</button>
                    </form>
                    {passkey}
                </div>
            </div>
        </Shell>
    }
}
