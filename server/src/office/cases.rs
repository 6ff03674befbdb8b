//! Opening a case for an action: the one place the permission table and the recusals are
//! applied to a case, and where every read and refusal is recorded.

use super::{Caller, OfficeError};
use crate::storage::{DynStore, Outcome};
use probity_domain::cases::Case;
use probity_domain::permissions::{Action, Standing, allows};

/// A case the caller may act on, with their standing on it.
pub struct OpenCase {
    pub case: Case,
    pub standing: Standing,
}

/// Loads a case for an action. Not found, or not readable by the caller: `NotFound`
/// (audited as refused, "not found or no access"), so a case one may not see looks exactly
/// like one that does not exist. Readable but the action not allowed: `Forbidden` (audited).
#[tracing::instrument(skip_all, fields(case_id, action = audit_action))]
pub async fn open_case(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    action: Action,
    audit_action: &'static str,
) -> Result<OpenCase, OfficeError> {
    let case = store.case_by_id(case_id).await?;
    let standing = match &case {
        Some(_) => store.standing(case_id, caller.user.user_id).await?,
        None => Standing::default(),
    };
    let role = caller.user.role;
    let Some(case) = case.filter(|_| allows(role, Action::ReadCase, standing)) else {
        store
            .append_audit(
                caller
                    .audit(audit_action, Outcome::Refused)
                    .case(case_id)
                    .detail("not found or no access"),
            )
            .await?;
        return Err(OfficeError::NotFound);
    };
    if !allows(role, action, standing) {
        store
            .append_audit(
                caller
                    .audit(audit_action, Outcome::Refused)
                    .case(case_id)
                    .detail("not allowed"),
            )
            .await?;
        return Err(OfficeError::Forbidden(
            "You can see this case, but your role or place on its team does not allow this change.",
        ));
    }
    Ok(OpenCase { case, standing })
}

/// Records a successful read or change of a case.
#[tracing::instrument(skip_all, fields(case_id, action))]
pub async fn record(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    action: &'static str,
    target: Option<String>,
    detail: Option<String>,
) -> Result<(), OfficeError> {
    let mut event = caller.audit(action, Outcome::Success).case(case_id);
    event.target = target;
    event.detail = detail;
    store.append_audit(event).await?;
    Ok(())
}
