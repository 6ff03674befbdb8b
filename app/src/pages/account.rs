//! The account page: the person's own account, the form to change their password, and
//! their personal access tokens for the API.

use crate::forms::{CsrfField, ErrorSummary, FieldErrors, SelectField, TextField};
use crate::shell::Shell;
use crate::types::{PageContext, Role};
use leptos::prelude::*;

/// One of the person's access tokens, as listed.
#[derive(Clone, Debug)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    /// Its first characters, to tell it apart.
    pub prefix: String,
    pub scope: String,
    pub created: String,
    pub expires: String,
    pub last_used: Option<String>,
    /// `Active`, `Expired` or `Revoked`.
    pub state: &'static str,
    /// The owner's username, on the administrators' list.
    pub owner: String,
}

/// The token form as typed.
#[derive(Clone, Debug, Default)]
pub struct TokenFormValues {
    pub name: String,
    pub scope: String,
    pub days: String,
}

/// What the tokens section shows.
#[derive(Clone, Debug, Default)]
pub struct TokensView {
    pub tokens: Vec<TokenRow>,
    pub values: TokenFormValues,
    pub errors: FieldErrors,
    /// A token just created: `(name, secret)`, shown this once.
    pub created: Option<(String, String)>,
    /// The lives offered, in days.
    pub lives: Vec<i64>,
}

/// One signed-in session, as the account page lists it.
#[derive(Clone, Debug)]
pub struct SessionRow {
    pub user_session_id: i64,
    /// When it began and was last used, already formatted (UTC).
    pub started: String,
    pub last_seen: String,
    pub address: String,
    pub browser: String,
    /// True for the session showing this page.
    pub current: bool,
}

/// Where the person is signed in, with a way to end each session but this one.
#[component]
fn SessionsSection(csrf: String, sessions: Vec<SessionRow>) -> impl IntoView {
    let rows = sessions
        .into_iter()
        .map(|row| {
            let csrf = csrf.clone();
            let label = format!("End it: the session from {} started {}", row.address, row.started);
            let end = if row.current {
                view! { <strong>"This session"</strong> }.into_any()
            } else {
                view! {
                    <form method="post" action="/account/sessions/end" class="probity-inline-form">
                        <CsrfField token=csrf />
                        <input type="hidden" name="session" value=row.user_session_id.to_string() />
                        <button type="submit" class="usa-button usa-button--outline usa-button--unstyled" aria-label=label>"End it"</button>
                    </form>
                }
                .into_any()
            };
            view! {
                <tr>
                    <td>{row.started}</td>
                    <td>{row.last_seen}</td>
                    <td>{row.address}</td>
                    <td class="probity-break">{row.browser}</td>
                    <td>{end}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="sessions-heading" id="sessions">
            <h2 id="sessions-heading">"Where you are signed in"</h2>
            <p>"Each session you have not signed out of. End any you do not recognise, then change your password."</p>
            <div class="usa-table-container--scrollable" tabindex="0">
                <table class="usa-table usa-table--borderless probity-table">
                    <caption class="usa-sr-only">"Your sessions"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Started"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">"From"</th>
                            <th scope="col">"Browser"</th>
                            <th scope="col"><span class="usa-sr-only">"End"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

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
    /// Since when their authenticator app is set up, already formatted, if it is.
    pub second_factor_since: Option<String>,
}

/// The account page.
#[component]
pub fn AccountPage(
    ctx: PageContext,
    account: AccountSummary,
    errors: FieldErrors,
    /// True right after the password was changed.
    password_changed: bool,
    tokens: TokensView,
    /// Where the person is signed in.
    sessions: Vec<SessionRow>,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let tokens_csrf = ctx.csrf_token.clone();
    let sessions_csrf = ctx.csrf_token.clone();
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
                        <dt>"Second factor"</dt>
                        <dd>
                            {match account.second_factor_since {
                                Some(since) => format!("Authenticator app, since {since}. "),
                                None => "None yet. ".to_string(),
                            }}
                            <a class="usa-link" href="/account/two-factor">"Second factor and recovery codes"</a>
                        </dd>
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
            <SessionsSection csrf=sessions_csrf sessions=sessions />
            <TokensSection csrf=tokens_csrf view=tokens />
        </Shell>
    }
}

/// The person's access tokens: the one just made, the list, and the form for a new one.
#[component]
fn TokensSection(csrf: String, view: TokensView) -> impl IntoView {
    let TokensView {
        tokens,
        values,
        errors,
        created,
        lives,
    } = view;
    let created = created.map(|(name, secret)| {
        view! {
            <div class="usa-alert usa-alert--success" role="status">
                <div class="usa-alert__body">
                    <h3 class="usa-alert__heading">"Token \u{201c}" {name} "\u{201d} created"</h3>
                    <p class="usa-alert__text">
                        "Copy it now and keep it like a password: it will not be shown again."
                    </p>
                    <label class="usa-label" for="new-token">"Your new token"</label>
                    <input class="usa-input probity-token-input" id="new-token" type="text" readonly value=secret autocomplete="off" spellcheck="false" />
                </div>
            </div>
        }
    });
    let list = if tokens.is_empty() {
        view! { <p>"You have no access tokens."</p> }.into_any()
    } else {
        let rows = tokens
            .into_iter()
            .map(|row| {
                let action = format!("/account/tokens/{}/revoke", row.id);
                let label = format!("Revoke {}", row.name);
                let revoke = (row.state == "Active").then(|| {
                    view! {
                        <form method="post" action=action class="probity-inline-form">
                            <CsrfField token=csrf.clone() />
                            <button type="submit" class="usa-button usa-button--unstyled" aria-label=label>"Revoke"</button>
                        </form>
                    }
                });
                view! {
                    <tr>
                        <th scope="row">{row.name}</th>
                        <td><code>{row.prefix}"\u{2026}"</code></td>
                        <td>{row.scope}</td>
                        <td>{row.created}</td>
                        <td>{row.expires}</td>
                        <td>{row.last_used.unwrap_or_else(|| "Never".into())}</td>
                        <td>{row.state}</td>
                        <td>{revoke}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="usa-table usa-table--borderless probity-table">
                <caption class="usa-sr-only">"Your access tokens"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Starts with"</th>
                        <th scope="col">"May"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"State"</th>
                        <th scope="col"><span class="usa-sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let scope = if values.scope.is_empty() {
        "read".to_string()
    } else {
        values.scope
    };
    let days = if values.days.is_empty() {
        "30".to_string()
    } else {
        values.days
    };
    let lives = lives
        .into_iter()
        .map(|days| (days.to_string(), format!("{days} days")))
        .collect();
    view! {
        <section aria-labelledby="tokens" class="margin-top-4">
            <h2 id="tokens">"API access tokens"</h2>
            <p>
                "A token lets a script or another system use "
                <a class="usa-link" href="/api">"Probity's API"</a>
                " as you: it sees what you may see, and everything it does is recorded in your name."
            </p>
            {created}
            {list}
            <h3>"Create a token"</h3>
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form" method="post" action="/account/tokens" novalidate>
                <CsrfField token=csrf.clone() />
                <TextField
                    name="name"
                    label="Name"
                    hint="What it is for, e.g. \u{201c}hotline import\u{201d}."
                    value=values.name
                    error=errors.get("name")
                    maxlength=100
                />
                <SelectField
                    name="scope"
                    label="It may"
                    options=vec![
                        ("read".to_string(), "Read".to_string()),
                        ("write".to_string(), "Read and write".to_string()),
                    ]
                    selected=scope
                    error=errors.get("scope")
                />
                <SelectField
                    name="days"
                    label="Expires after"
                    options=lives
                    selected=days
                    error=errors.get("days")
                />
                <button type="submit" class="usa-button">"Create token"</button>
            </form>
        </section>
    }
}
