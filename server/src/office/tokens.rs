//! Personal access tokens: a person creates them for their own scripts and integrations,
//! sees them listed with their last use, and revokes them; administrators list every active
//! token and revoke any. Every step is audited; the secret is shown once and never stored.

use super::cases::require;
use super::{Caller, OfficeError, validate};
use crate::auth::api_token;
use crate::storage::tokens::{ApiToken, NewApiToken, TokenScope};
use crate::storage::{DynStore, Outcome};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;
use time::{Duration, OffsetDateTime};

/// Longest life of a token, in days.
pub const MAX_DAYS: i64 = 90;

/// The lives a token may be given, in days, as offered on the account page.
pub const LIVES: [i64; 4] = [7, 30, 60, 90];

/// A token as asked for, before validation.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TokenFields {
    pub name: String,
    /// `read` or `write`.
    pub scope: String,
    /// Days until it expires, 1 to 90.
    pub days: String,
}

/// A token just made: its stored form and the secret, to show once.
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

/// Creates a token for the caller.
#[tracing::instrument(skip_all)]
pub async fn create_token(
    store: &DynStore,
    caller: &Caller,
    fields: &TokenFields,
) -> Result<CreatedToken, OfficeError> {
    let mut errors = FieldErrors::default();
    let name = validate::line(
        &mut errors,
        "name",
        &fields.name,
        true,
        100,
        "a name that says what the token is for",
    );
    let scope = validate::choice(
        &mut errors,
        "scope",
        &fields.scope,
        TokenScope::parse,
        "what the token may do",
    );
    let days = match fields.days.trim().parse::<i64>() {
        Ok(days) if (1..=MAX_DAYS).contains(&days) => Some(days),
        _ => {
            errors.add("days", format!("Choose a life of 1 to {MAX_DAYS} days."));
            None
        }
    };
    let (Some(scope), Some(days)) = (scope, days) else {
        return Err(OfficeError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(OfficeError::Invalid(errors));
    }
    let minted = api_token::mint();
    let token = store
        .create_token(NewApiToken {
            user_id: caller.user.user_id,
            name,
            prefix: minted.prefix,
            token_hash: minted.hash,
            scope,
            expires_at: OffsetDateTime::now_utc() + Duration::days(days),
        })
        .await?;
    store
        .append_audit(
            caller
                .audit("token.create", Outcome::Success)
                .target(format!("token:{}", token.api_token_id))
                .detail(format!(
                    "\"{}\", {}, {days} days",
                    token.name,
                    scope.as_str()
                )),
        )
        .await?;
    Ok(CreatedToken {
        token,
        secret: minted.secret,
    })
}

/// The caller's own tokens, newest first.
pub async fn my_tokens(store: &DynStore, caller: &Caller) -> Result<Vec<ApiToken>, OfficeError> {
    Ok(store.tokens_of(caller.user.user_id).await?)
}

/// Revokes one of the caller's own tokens; another person's answers `NotFound`.
#[tracing::instrument(skip_all, fields(api_token_id))]
pub async fn revoke_mine(
    store: &DynStore,
    caller: &Caller,
    api_token_id: i64,
) -> Result<ApiToken, OfficeError> {
    let revoked = store
        .revoke_token(api_token_id, Some(caller.user.user_id), caller.user.user_id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    audit_revoke(store, caller, &revoked).await?;
    Ok(revoked)
}

/// Every active token of the office, for administrators.
pub async fn active_tokens(
    store: &DynStore,
    caller: &Caller,
) -> Result<Vec<ApiToken>, OfficeError> {
    require(store, caller, Action::ManagePeople, "token.list").await?;
    let tokens = store.active_tokens(OffsetDateTime::now_utc(), 500).await?;
    store
        .append_audit(
            caller
                .audit("token.list", Outcome::Success)
                .detail(format!("{} shown", tokens.len())),
        )
        .await?;
    Ok(tokens)
}

/// Revokes anyone's token, for administrators.
#[tracing::instrument(skip_all, fields(api_token_id))]
pub async fn revoke_any(
    store: &DynStore,
    caller: &Caller,
    api_token_id: i64,
) -> Result<ApiToken, OfficeError> {
    require(store, caller, Action::ManagePeople, "token.revoke").await?;
    let revoked = store
        .revoke_token(api_token_id, None, caller.user.user_id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    audit_revoke(store, caller, &revoked).await?;
    Ok(revoked)
}

async fn audit_revoke(
    store: &DynStore,
    caller: &Caller,
    token: &ApiToken,
) -> Result<(), OfficeError> {
    store
        .append_audit(
            caller
                .audit("token.revoke", Outcome::Success)
                .target(format!("token:{}", token.api_token_id))
                .detail(format!("\"{}\" of {}", token.name, token.username)),
        )
        .await?;
    Ok(())
}
