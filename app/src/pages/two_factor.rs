//! Second factors: setting up an authenticator app (QR code and secret, confirmed by one
//! code), the recovery codes shown once, the code asked for after the password, and the page
//! that asks a person to confirm it is them before a sensitive step. All plain forms.

use crate::forms::{CsrfField, ErrorSummary, FieldErrors, TextField};
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;

/// What the second-factor page shows.
#[derive(Clone, Debug, Default)]
pub struct TwoFactorView {
    /// When the app was confirmed, formatted, if it is.
    pub enrolled_at: Option<String>,
    pub recovery_left: i64,
    /// An enrolment waiting for its first code: `(secret in groups, QR code SVG)`.
    pub waiting: Option<(String, String)>,
    pub errors: FieldErrors,
    /// True when the person can reach nothing else until this is done.
    pub required: bool,
    /// The person's passkeys.
    pub passkeys: Vec<PasskeyRow>,
    /// False when Probity is reached at an address where WebAuthn cannot work (an IP).
    pub passkeys_available: bool,
    /// True right after a passkey was added.
    pub passkey_added: bool,
}

/// One passkey, as listed.
#[derive(Clone, Debug)]
pub struct PasskeyRow {
    pub id: i64,
    pub name: String,
    /// When it was added and last used, formatted.
    pub added: String,
    pub last_used: Option<String>,
}

/// The passkeys of a person with an authenticator app: listed with a way to remove each,
/// and (with script) a way to add one.
#[component]
fn PasskeysSection(
    token: String,
    passkeys: Vec<PasskeyRow>,
    available: bool,
    added: bool,
) -> impl IntoView {
    let rows = passkeys
        .into_iter()
        .map(|key| {
            let token = token.clone();
            let action = format!("/account/passkeys/{}/remove", key.id);
            view! {
                <tr>
                    <th scope="row">{key.name}</th>
                    <td>{key.added}</td>
                    <td>{key.last_used.unwrap_or_else(|| "Never".to_string())}</td>
                    <td>
                        <form method="post" action=action class="probity-inline-form">
                            <CsrfField token=token />
                            <button type="submit" class="usa-button usa-button--unstyled">"Remove"</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let adding = if available {
        view! {
            <form class="usa-form" data-passkey-add="" hidden>
                <CsrfField token=token.clone() />
                <TextField
                    name="passkey_name"
                    label="A name for the new passkey"
                    hint="For example: office laptop, blue security key."
                    maxlength=80
                />
                <button type="submit" class="usa-button usa-button--outline">"Add a passkey or security key"</button>
                <div class="usa-alert usa-alert--error usa-alert--slim" data-passkey-message="" hidden tabindex="-1" role="alert">
                    <div class="usa-alert__body"><p class="usa-alert__text"></p></div>
                </div>
            </form>
            <p class="usa-hint" data-passkey-needs-script="">"Adding a passkey needs JavaScript in a browser that supports passkeys; your authenticator app works without it."</p>
            <script src="/assets/passkeys.js" defer></script>
        }
        .into_any()
    } else {
        view! {
            <p class="usa-hint">"Passkeys need Probity reached at a domain name (ask your administrator to set the office's public address)."</p>
        }
        .into_any()
    };
    view! {
        <h2>"Passkeys and security keys"</h2>
        {added.then(|| view! {
            <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                <div class="usa-alert__body"><p class="usa-alert__text">"The passkey was added. At sign-in you may use it in place of the app's code."</p></div>
            </div>
        })}
        <p>"A passkey on this device, or a security key, can stand in for the app's code after your password."</p>
        <table class="usa-table usa-table--borderless probity-table">
            <caption class="usa-sr-only">"Your passkeys"</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Added"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col"><span class="usa-sr-only">"Remove"</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {adding}
    }
}

/// The second-factor page: set up an authenticator app, or see where it stands.
#[component]
pub fn TwoFactorPage(ctx: PageContext, view: TwoFactorView) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let body = match (&view.enrolled_at, view.waiting.clone()) {
        (Some(since), _) => {
            let since = since.clone();
            let left = view.recovery_left;
            let passkeys = view! {
                <PasskeysSection
                    token=token.clone()
                    passkeys=view.passkeys.clone()
                    available=view.passkeys_available
                    added=view.passkey_added
                />
            };
            view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body">
                        <p class="usa-alert__text">{format!("Your authenticator app is set up (since {since}). Each sign-in asks for its code after your password.")}</p>
                    </div>
                </div>
                <h2>"Recovery codes"</h2>
                <p>{format!("You have {left} unused recovery code{} of ten. Each opens one sign-in if your phone is lost.", if left == 1 { "" } else { "s" })}</p>
                <form method="post" action="/account/two-factor/recovery-codes" class="usa-form">
                    <CsrfField token=token.clone() />
                    <button type="submit" class="usa-button usa-button--outline">"Make ten new recovery codes"</button>
                </form>
                <p class="usa-hint">"New codes replace every code you had. To move to a new phone, ask an administrator to remove your authenticator app, then set it up again here."</p>
                {passkeys}
            }
            .into_any()
        }
        (None, Some((secret, qr))) => view! {
            <h2>"Step 1: add Probity to your authenticator app"</h2>
            <p>"Open an authenticator app on your phone (any app for time-based codes), choose to add an account, and scan this code."</p>
            <div class="probity-qr" role="img" aria-label="QR code holding the secret written below">
                <div inner_html=qr></div>
            </div>
            <p>"If you cannot scan it, type this secret into the app instead (time-based, six digits):"</p>
            <p><code class="probity-secret">{secret}</code></p>
            <h2>"Step 2: type the code the app shows"</h2>
            <ErrorSummary errors=view.errors.clone() />
            <form method="post" action="/account/two-factor/confirm" class="usa-form" novalidate>
                <CsrfField token=token.clone() />
                <TextField
                    name="code"
                    label="Six-digit code"
                    autocomplete="one-time-code"
                    hint="The code changes every 30 seconds; type the one shown now."
                    error=view.errors.get("code")
                    maxlength=12
                />
                <button type="submit" class="usa-button">"Turn on"</button>
            </form>
        }
        .into_any(),
        (None, None) => view! {
            <p>"After your password, Probity asks for a code from an authenticator app on your phone, so a stolen password alone opens nothing."</p>
            <form method="post" action="/account/two-factor/start" class="usa-form">
                <CsrfField token=token.clone() />
                <button type="submit" class="usa-button">"Set up an authenticator app"</button>
            </form>
        }
        .into_any(),
    };
    let required = view.required.then(|| {
        view! {
            <div class="usa-alert usa-alert--warning usa-alert--slim" role="status">
                <div class="usa-alert__body">
                    <p class="usa-alert__text">"This office asks everyone for a second factor. Set one up to continue: nothing else opens until you have."</p>
                </div>
            </div>
        }
    });
    view! {
        <Shell ctx=ctx title="Second factor">
            <div class="grid-row grid-gap">
                <div class="grid-col-12 tablet:grid-col-10 desktop:grid-col-8">
                    <h1>"Second factor"</h1>
                    {required}
                    {body}
                </div>
            </div>
        </Shell>
    }
}

/// The recovery codes, shown this once.
#[component]
pub fn RecoveryCodesPage(ctx: PageContext, codes: Vec<String>, first: bool) -> impl IntoView {
    let items = codes
        .into_iter()
        .map(|code| view! { <li><code>{code}</code></li> })
        .collect_view();
    view! {
        <Shell ctx=ctx title="Your recovery codes">
            <h1>"Your recovery codes"</h1>
            {first.then(|| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body">
                        <p class="usa-alert__text">"Your authenticator app is set up."</p>
                    </div>
                </div>
            })}
            <p>"Print or write down these codes now and keep them somewhere safe: they are shown this once. Each one opens one sign-in in place of the app's code."</p>
            <ol class="probity-recovery-codes">{items}</ol>
            <p><a class="usa-button" href="/">"Continue"</a></p>
        </Shell>
    }
}

/// The step after the password: the code from the app, or a recovery code.
#[component]
pub fn SecondFactorPage(
    ctx: PageContext,
    errors: FieldErrors,
    /// True when the person has a passkey to offer (with script).
    passkey: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let passkey_token = ctx.csrf_token.clone();
    let passkey = passkey.then(|| {
        view! {
            <div data-passkey-sign-in="" hidden>
                <input type="hidden" name="csrf_token" value=passkey_token />
                <p><button type="button" class="usa-button usa-button--outline">"Use a passkey or security key"</button></p>
                <div class="usa-alert usa-alert--error usa-alert--slim" data-passkey-message="" hidden tabindex="-1" role="alert">
                    <div class="usa-alert__body"><p class="usa-alert__text"></p></div>
                </div>
            </div>
            <script src="/assets/passkeys.js" defer></script>
        }
    });
    view! {
        <Shell ctx=ctx title="Sign in: second factor">
            <div class="grid-row grid-gap">
                <div class="grid-col-12 tablet:grid-col-8 desktop:grid-col-6">
                    <h1>"Your code"</h1>
                    <p>"Type the six-digit code your authenticator app shows for Probity, or one of your recovery codes."</p>
                    <ErrorSummary errors=errors.clone() />
                    <form class="usa-form" method="post" action="/sign-in/second-factor" novalidate>
                        <CsrfField token=token />
                        <TextField
                            name="code"
                            label="Code"
                            autocomplete="one-time-code"
                            error=errors.get("code")
                            maxlength=32
                        />
                        <button type="submit" class="usa-button">"Sign in"</button>
                    </form>
                    {passkey}
                    <p><a class="usa-link" href="/sign-in">"Start again with your password"</a></p>
                </div>
            </div>
        </Shell>
    }
}

/// What the confirmation page carries through to the step it guards.
#[derive(Clone, Debug, Default)]
pub struct ConfirmView {
    /// The path of the form the person sent, sent again once they have confirmed.
    pub next: String,
    /// That form's fields, carried along unchanged.
    pub carried: Vec<(String, String)>,
    /// True when the person has a second factor (its code is asked); otherwise the password.
    pub has_factor: bool,
    /// True when the person has a passkey to offer instead (with script).
    pub passkey: bool,
    pub errors: FieldErrors,
}

/// Asks the person to confirm it is them before a sensitive step, then sends the step on.
#[component]
pub fn ConfirmPage(ctx: PageContext, view: ConfirmView) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let passkey_token = ctx.csrf_token.clone();
    let passkey = view.passkey.then(|| {
        view! {
            <div data-passkey-confirm="" hidden>
                <input type="hidden" name="csrf_token" value=passkey_token />
                <p><button type="button" class="usa-button usa-button--outline">"Confirm with a passkey or security key"</button></p>
                <div class="usa-alert usa-alert--error usa-alert--slim" data-passkey-message="" hidden tabindex="-1" role="alert">
                    <div class="usa-alert__body"><p class="usa-alert__text"></p></div>
                </div>
            </div>
            <script src="/assets/passkeys.js" defer></script>
        }
    });
    let carried = view
        .carried
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view();
    let field = if view.has_factor {
        view! {
            <TextField
                name="reauth_code"
                label="Code from your authenticator app"
                autocomplete="one-time-code"
                hint="Or one of your recovery codes."
                error=view.errors.get("reauth_code")
                maxlength=32
            />
        }
        .into_any()
    } else {
        view! {
            <TextField
                name="reauth_password"
                label="Your password"
                kind="password"
                autocomplete="current-password"
                error=view.errors.get("reauth_password")
                maxlength=1024
            />
        }
        .into_any()
    };
    view! {
        <Shell ctx=ctx title="Confirm it is you">
            <div class="grid-row grid-gap">
                <div class="grid-col-12 tablet:grid-col-8 desktop:grid-col-6">
                    <h1>"Confirm it is you"</h1>
                    <p>"This step needs a fresh confirmation (at most ten minutes old). Nothing has been done yet: once you confirm, what you asked for goes ahead."</p>
                    <ErrorSummary errors=view.errors.clone() />
                    <form class="usa-form" method="post" action="/account/confirm" novalidate>
                        <CsrfField token=token />
                        <input type="hidden" name="reauth_next" value=view.next />
                        {carried}
                        {field}
                        <button type="submit" class="usa-button">"Confirm and continue"</button>
                    </form>
                    {passkey}
                </div>
            </div>
        </Shell>
    }
}
