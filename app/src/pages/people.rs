//! People: the administrator's pages for accounts.

use crate::forms::{CsrfField, ErrorSummary, FieldErrors, SelectField, TextField};
use crate::pages::cases::format_utc;
use crate::shell::Shell;
use crate::types::{PageContext, Role};
use leptos::prelude::*;
use time::OffsetDateTime;

/// One account in the list.
#[derive(Clone, Debug)]
pub struct PersonRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub last_sign_in_at: Option<OffsetDateTime>,
    /// True when an authenticator app is set up.
    pub second_factor: bool,
}

/// A privileged role waiting for a second administrator.
#[derive(Clone, Debug)]
pub struct GrantRow {
    pub role_grant_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub new_account: bool,
    pub requested_by_name: String,
    pub requested_at: OffsetDateTime,
    /// The viewer may decide it (an administrator other than the one who asked).
    pub can_decide: bool,
}

/// The field asking the only administrator for their password before a privileged grant.
#[component]
fn ConfirmPassword(error: Option<String>) -> impl IntoView {
    view! {
        <TextField
            name="confirm_password"
            label="Your own password"
            kind="password"
            hint="Needed when you give someone the supervisor, commissioner or administrator role as the office's only administrator: the grant then takes effect at once and every supervisor is told. With another administrator, they approve it instead."
            autocomplete="current-password"
            maxlength=1024
            error=error
        />
    }
}

/// The role grants waiting for a second administrator, with their decisions.
#[component]
fn PendingGrants(grants: Vec<GrantRow>, token: String) -> impl IntoView {
    (!grants.is_empty()).then(|| {
        let rows = grants
            .into_iter()
            .map(|grant| {
                let approve = format!("/people/grants/{}/approve", grant.role_grant_id);
                let refuse = format!("/people/grants/{}/refuse", grant.role_grant_id);
                let who = format!("{} ({})", grant.display_name, grant.username);
                let what = if grant.new_account {
                    format!("New account as {}", grant.role.label())
                } else {
                    format!("Promotion to {}", grant.role.label())
                };
                let asked = format!("{}, {}", grant.requested_by_name, format_utc(grant.requested_at));
                let decide = if grant.can_decide {
                    let token = token.clone();
                    view! {
                        <form method="post" action=approve class="probity-inline-form">
                            <CsrfField token=token.clone() />
                            <button type="submit" class="usa-button usa-button--unstyled">{format!("Approve for {}", grant.username)}</button>
                        </form>
                        " · "
                        <form method="post" action=refuse class="probity-inline-form">
                            <CsrfField token=token />
                            <button type="submit" class="usa-button usa-button--unstyled">{format!("Refuse for {}", grant.username)}</button>
                        </form>
                    }
                    .into_any()
                } else {
                    view! { "Waits for another administrator" }.into_any()
                };
                view! {
                    <tr><th scope="row">{who}</th><td>{what}</td><td>{asked}</td><td>{decide}</td></tr>
                }
            })
            .collect_view();
        view! {
            <table class="usa-table usa-table--borderless probity-table">
                <caption>"Roles waiting for a second administrator"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Person"</th>
                        <th scope="col">"Change"</th>
                        <th scope="col">"Asked by"</th>
                        <th scope="col">"Decision"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
    })
}

fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|role| (role.as_str().to_string(), role.label().to_string()))
        .collect()
}

/// The list of accounts, with the form to add one.
#[component]
pub fn PeoplePage(
    ctx: PageContext,
    people: Vec<PersonRow>,
    /// What was typed into the add form.
    username: String,
    display_name: String,
    role: String,
    errors: FieldErrors,
    /// A message after a change, e.g. "Account created."
    notice: Option<String>,
    /// Privileged roles waiting for a second administrator.
    #[prop(optional)]
    grants: Vec<GrantRow>,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let token_everyone = ctx.csrf_token.clone();
    let grants = view! { <PendingGrants grants=grants token=token.clone() /> };
    let rows = people
        .into_iter()
        .map(|person| {
            let href = format!("/people/{}", person.user_id);
            view! {
                <tr>
                    <th scope="row"><a class="usa-link" href=href>{person.username}</a></th>
                    <td>{person.display_name}</td>
                    <td>{person.role.label()}</td>
                    <td>{if person.disabled { "Disabled" } else { "Active" }}</td>
                    <td>{if person.second_factor { "Authenticator app" } else { "None" }}</td>
                    <td>{person.last_sign_in_at.map(format_utc).unwrap_or_else(|| "Never".to_string())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Shell ctx=ctx title="People" current="/people">
            <h1>"People"</h1>
            {notice.map(|notice| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{notice}</p></div>
                </div>
            })}
            {grants}
            <p><a class="usa-link" href="/people/tokens">"API access tokens of everyone"</a></p>
            <form method="post" action="/people/sessions/end" class="probity-inline-form">
                <CsrfField token=token_everyone />
                <button type="submit" class="usa-button usa-button--outline">"End everyone's sessions, yours included"</button>
            </form>
            <table class="usa-table usa-table--borderless probity-table">
                <caption class="usa-sr-only">"Accounts"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Username"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Second factor"</th>
                        <th scope="col">"Last sign-in"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h2 id="add-heading">"Add a person"</h2>
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action="/people" novalidate aria-labelledby="add-heading">
                <CsrfField token=token />
                <TextField name="username" label="Username" value=username maxlength=64 autocomplete="off" error=errors.get("username") />
                <TextField name="display_name" label="Full name" value=display_name maxlength=120 autocomplete="off" error=errors.get("display_name") />
                <SelectField name="role" label="Role" options=role_options() selected=role error=errors.get("role") />
                <TextField
                    name="password"
                    label="First password"
                    kind="password"
                    hint="At least 12 characters. Give it to them in person; they can change it on their account page."
                    autocomplete="new-password"
                    maxlength=1024
                    error=errors.get("password")
                />
                <TextField name="password_confirm" label="First password again" kind="password" autocomplete="new-password" maxlength=1024 error=errors.get("password_confirm") />
                <ConfirmPassword error=errors.get("confirm_password") />
                <button type="submit" class="usa-button">"Add person"</button>
            </form>
        </Shell>
    }
}

/// One account: name and role, disable or enable, reset the password.
#[component]
pub fn PersonPage(
    ctx: PageContext,
    person: PersonRow,
    display_name: String,
    role: String,
    errors: FieldErrors,
    notice: Option<String>,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let token_state = ctx.csrf_token.clone();
    let token_sessions = ctx.csrf_token.clone();
    let token_password = ctx.csrf_token.clone();
    let token_factor = ctx.csrf_token.clone();
    let base = format!("/people/{}", person.user_id);
    let title = format!("{} ({})", person.display_name, person.username);
    let (state_action, state_label) = if person.disabled {
        (format!("{base}/enable"), "Enable account")
    } else {
        (
            format!("{base}/disable"),
            "Disable account and end their sessions",
        )
    };
    view! {
        <Shell ctx=ctx title=title.clone() current="/people">
            <p class="probity-breadcrumb"><a class="usa-link" href="/people">"People"</a></p>
            <h1>{title}</h1>
            {notice.map(|notice| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{notice}</p></div>
                </div>
            })}
            <p>{if person.disabled { "This account is disabled." } else { "This account is active." }}</p>
            <p>{if person.second_factor {
                "Second factor: an authenticator app is set up."
            } else {
                "Second factor: none set up yet."
            }}</p>
            <ErrorSummary errors=errors.clone() />
            <div class="grid-row grid-gap">
                <form class="usa-form grid-col-12 tablet:grid-col-6" method="post" action=base.clone() novalidate>
                    <h2>"Name and role"</h2>
                    <CsrfField token=token />
                    <TextField name="display_name" label="Full name" value=display_name maxlength=120 error=errors.get("display_name") />
                    <SelectField name="role" label="Role" options=role_options() selected=role error=errors.get("role") />
                    <ConfirmPassword error=errors.get("confirm_password") />
                    <button type="submit" class="usa-button">"Save"</button>
                </form>
                <form class="usa-form grid-col-12 tablet:grid-col-6" method="post" action=format!("{base}/password") novalidate>
                    <h2>"Reset password"</h2>
                    <CsrfField token=token_password />
                    <TextField name="password" label="New password" kind="password" autocomplete="new-password" maxlength=1024 error=errors.get("password") />
                    <TextField name="password_confirm" label="New password again" kind="password" autocomplete="new-password" maxlength=1024 error=errors.get("password_confirm") />
                    <button type="submit" class="usa-button">"Set password"</button>
                </form>
            </div>
            <form method="post" action=state_action class="probity-danger">
                <CsrfField token=token_state />
                <button type="submit" class="usa-button usa-button--secondary">{state_label}</button>
            </form>
            <form method="post" action=format!("{base}/sessions/end") class="probity-danger">
                <CsrfField token=token_sessions />
                <button type="submit" class="usa-button usa-button--outline">"End all this person's sessions"</button>
            </form>
            {person.second_factor.then(|| view! {
                <form method="post" action=format!("{base}/two-factor/reset") class="probity-danger">
                    <CsrfField token=token_factor />
                    <p class="usa-hint">"For a lost or replaced phone: their sessions end, and they set up an authenticator app again at their next sign-in."</p>
                    <button type="submit" class="usa-button usa-button--outline">"Remove their second factor"</button>
                </form>
            })}
        </Shell>
    }
}

/// Every active API token of the office, for administrators, with a way to revoke each.
#[component]
pub fn TokensPage(
    ctx: PageContext,
    tokens: Vec<crate::pages::account::TokenRow>,
    notice: Option<String>,
) -> impl IntoView {
    let csrf = ctx.csrf_token.clone();
    let list = if tokens.is_empty() {
        view! { <p>"No active access tokens."</p> }.into_any()
    } else {
        let rows = tokens
            .into_iter()
            .map(|row| {
                let action = format!("/people/tokens/{}/revoke", row.id);
                let label = format!("Revoke {} of {}", row.name, row.owner);
                view! {
                    <tr>
                        <th scope="row">{row.owner}</th>
                        <td>{row.name}</td>
                        <td><code>{row.prefix}"\u{2026}"</code></td>
                        <td>{row.scope}</td>
                        <td>{row.created}</td>
                        <td>{row.expires}</td>
                        <td>{row.last_used.unwrap_or_else(|| "Never".into())}</td>
                        <td>
                            <form method="post" action=action class="probity-inline-form">
                                <CsrfField token=csrf.clone() />
                                <button type="submit" class="usa-button usa-button--unstyled" aria-label=label>"Revoke"</button>
                            </form>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="usa-table usa-table--borderless probity-table">
                <caption class="usa-sr-only">"Active access tokens"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Owner"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Starts with"</th>
                        <th scope="col">"May"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col"><span class="usa-sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <Shell ctx=ctx title="API access tokens" current="/people">
            <h1>"API access tokens"</h1>
            <p><a class="usa-link" href="/people">"Back to people"</a></p>
            {notice.map(|notice| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{notice}</p></div>
                </div>
            })}
            <p>"Every token that still opens the API, newest first. A token acts as its owner; disabling an account stops its tokens at once."</p>
            {list}
        </Shell>
    }
}
