//! Signed-in sessions under the person's and the office's control: a person lists where
//! they are signed in and ends any of those sessions; administrators end every session of
//! a person, or everyone's. Each ending is audited; an ended session answers its next request
//! with the sign-in page.

use super::cases::require;
use super::{Caller, OfficeError};
use crate::storage::{DynStore, Outcome, UserSession};
use probity_domain::permissions::Action;

/// The person's sessions still valid (not ended, within the absolute limit of
/// `max_seconds`), most recently used first.
#[tracing::instrument(skip_all)]
pub async fn my_sessions(
    store: &DynStore,
    caller: &Caller,
    max_seconds: i64,
) -> Result<Vec<UserSession>, OfficeError> {
    let since = time::OffsetDateTime::now_utc() - time::Duration::seconds(max_seconds);
    Ok(store.user_sessions(caller.user.user_id, since).await?)
}

/// Ends one of the person's own sessions; another person's answers NotFound.
#[tracing::instrument(skip_all, fields(user_session_id))]
pub async fn end_mine(
    store: &DynStore,
    caller: &Caller,
    user_session_id: i64,
) -> Result<(), OfficeError> {
    let ended = store
        .end_user_sessions(
            Some(caller.user.user_id),
            Some(user_session_id),
            &caller.user.username,
        )
        .await?;
    if ended == 0 {
        return Err(OfficeError::NotFound);
    }
    store
        .append_audit(
            caller
                .audit("session.end", Outcome::Success)
                .target(format!("session:{user_session_id}")),
        )
        .await?;
    Ok(())
}

/// Ends every session of a person (administrators); returns how many.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn end_all_of(
    store: &DynStore,
    caller: &Caller,
    user_id: i64,
) -> Result<u64, OfficeError> {
    require(store, caller, Action::ManagePeople, "session.end_all").await?;
    let person = super::people::person(store, user_id).await?;
    let ended = store
        .end_user_sessions(Some(user_id), None, &caller.user.username)
        .await?;
    store
        .append_audit(
            caller
                .audit("session.end_all", Outcome::Success)
                .target(format!("user:{}", person.username))
                .detail(format!("{ended} ended")),
        )
        .await?;
    Ok(ended)
}

/// Ends every session of everyone, the administrator's own included (administrators);
/// returns how many.
#[tracing::instrument(skip_all)]
pub async fn end_everyones(store: &DynStore, caller: &Caller) -> Result<u64, OfficeError> {
    require(store, caller, Action::ManagePeople, "session.end_everyone").await?;
    let ended = store
        .end_user_sessions(None, None, &caller.user.username)
        .await?;
    store
        .append_audit(
            caller
                .audit("session.end_everyone", Outcome::Success)
                .detail(format!("{ended} ended")),
        )
        .await?;
    Ok(ended)
}

/// The browser as the sessions list names it: the User-Agent header without control or
/// invisible characters, at most 200 characters.
pub fn browser_of(user_agent: &str) -> String {
    user_agent
        .chars()
        .filter(|c| !c.is_control() && !crate::reports::fold::is_invisible(*c))
        .take(200)
        .collect::<String>()
        .trim()
        .to_string()
}
