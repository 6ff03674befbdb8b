//! Cases: opening one for an action (the one place the permission table and the recusals
//! are applied to a case, and where every read and refusal is recorded), listing them,
//! opening a new one, editing its details and moving its status.

use super::{Caller, OfficeError, validate};
use crate::storage::cases::{
    CaseCursor, CaseFilter, CasePage, CaseSort, CaseViewer, NewCase, is_iso_date,
};
use crate::storage::plan::CasePlan;
use crate::storage::{DynStore, Outcome};
use probity_domain::cases::{
    Case, CaseFields, CaseListFields, CaseStatus, Confidentiality, Priority,
};
use probity_domain::clocks::CaseTypes;
use probity_domain::permissions::{Action, Grant, Standing, allows, grant};
use probity_domain::validation::FieldErrors;

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

/// Which cases a person sees in lists; `None` for roles that see none.
pub fn case_viewer(user: &crate::storage::User) -> Option<CaseViewer> {
    match grant(user.role, Action::ReadCase) {
        Grant::Never => None,
        Grant::OfficeWide => Some(CaseViewer {
            user_id: user.user_id,
            office_wide: true,
        }),
        Grant::OnTeam | Grant::AsLead => Some(CaseViewer {
            user_id: user.user_id,
            office_wide: false,
        }),
    }
}

/// One page of a case list, with what was wrong in the filters (those filters are left
/// out; the rest apply).
pub struct CaseListing {
    pub page: CasePage,
    pub errors: FieldErrors,
    pub sort: CaseSort,
    /// True when this is not the first page.
    pub paged: bool,
}

/// Refuses (and audits) an office-level action the caller's role does not allow.
pub async fn require(
    store: &DynStore,
    caller: &Caller,
    action: Action,
    audit_action: &'static str,
) -> Result<(), OfficeError> {
    if grant(caller.user.role, action) == Grant::OfficeWide {
        return Ok(());
    }
    store
        .append_audit(caller.audit(audit_action, Outcome::Refused))
        .await?;
    Err(OfficeError::Forbidden(
        "Your role does not allow this. Ask an administrator if you think it should.",
    ))
}

/// The cases the caller may see, filtered, sorted and one page at a time from `after` (a
/// cursor the previous page gave). Audited; the words searched for are not recorded, only
/// that a search ran.
#[tracing::instrument(skip_all)]
pub async fn list_cases(
    store: &DynStore,
    caller: &Caller,
    fields: &CaseListFields,
    after: &str,
    limit: i64,
) -> Result<CaseListing, OfficeError> {
    let Some(viewer) = case_viewer(&caller.user) else {
        // Roles that see no case (auditors): refused and audited like any office-level action.
        require(store, caller, Action::ReadCase, "case.list").await?;
        return Err(OfficeError::Forbidden(
            "Your role does not give access to cases.",
        ));
    };
    let mut errors = FieldErrors::default();
    let date = |errors: &mut FieldErrors, field: &'static str, value: &str| {
        let value = value.trim();
        if value.is_empty() {
            None
        } else if is_iso_date(value) {
            Some(value.to_string())
        } else {
            errors.add(field, "Enter a date as YYYY-MM-DD.");
            None
        }
    };
    let received_from = date(&mut errors, "received_from", &fields.received_from);
    let received_to = date(&mut errors, "received_to", &fields.received_to);
    if fields.q.chars().count() > 200 {
        errors.add("q", "Use at most 200 characters.");
    }
    let filter = CaseFilter {
        status: CaseStatus::parse(&fields.status),
        agency: Some(fields.agency.trim().to_string()).filter(|agency| !agency.is_empty()),
        lead_user_id: fields.lead.trim().parse().ok(),
        priority: Priority::parse(&fields.priority),
        received_from,
        received_to,
        text: Some(fields.q.trim().to_string()).filter(|q| !q.is_empty() && errors.is_empty()),
    };
    let sort = CaseSort::parse(&fields.sort).unwrap_or_default();
    let after = CaseCursor::decode(after);
    let page = store
        .list_cases(viewer, &filter, sort, after.as_ref(), limit.clamp(1, 200))
        .await?;
    let detail = format!(
        "{} shown{}",
        page.items.len(),
        if filter.text.is_some() {
            ", text search"
        } else {
            ""
        }
    );
    store
        .append_audit(caller.audit("case.list", Outcome::Success).detail(detail))
        .await?;
    Ok(CaseListing {
        page,
        errors,
        sort,
        paged: after.is_some(),
    })
}

/// A case about to be opened by `created_by` from checked fields: its details, its type
/// (general when none is chosen) with the type's clocks and template tasks.
pub fn new_case(
    fields: &CaseFields,
    types: &CaseTypes,
    created_by: i64,
    number_prefix: &str,
) -> Result<NewCase, OfficeError> {
    let details = validate::case_details(fields);
    let key = match fields.case_type.trim() {
        "" => probity_domain::clocks::GENERAL,
        key => key,
    };
    let case_type = types.get(key);
    let details = match (details, case_type) {
        (Ok(details), Some(_)) => details,
        (details, case_type) => {
            let mut errors = details.err().unwrap_or_default();
            if case_type.is_none() {
                errors.add("case_type", "Choose one of the office's case types.");
            }
            return Err(OfficeError::Invalid(errors));
        }
    };
    let plan = case_type.map_or_else(CasePlan::default, |t| CasePlan {
        clocks: t.clocks.clone(),
        tasks: t.tasks.clone(),
    });
    Ok(NewCase {
        details,
        created_by,
        year: time::OffsetDateTime::now_utc().year(),
        prefix: number_prefix.to_string(),
        case_type: key.to_string(),
        plan,
    })
}

/// Opens a new case with the caller as its lead.
#[tracing::instrument(skip_all)]
pub async fn create_case(
    store: &DynStore,
    caller: &Caller,
    number_prefix: &str,
    types: &CaseTypes,
    fields: &CaseFields,
) -> Result<Case, OfficeError> {
    require(store, caller, Action::CreateCase, "case.create").await?;
    let new = new_case(fields, types, caller.user.user_id, number_prefix)?;
    let case = store.create_case(new).await?;
    record(store, caller, case.case_id, "case.create", None, None).await?;
    Ok(case)
}

/// A case as its reader sees it, audited as read.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn read_case(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<OpenCase, OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "case.view").await?;
    record(store, caller, case_id, "case.view", None, None).await?;
    Ok(open)
}

/// A case's details after an edit.
pub struct CaseSaved {
    pub case: Case,
    /// The caller, a supervisor not on the team, sealed the case and was named to keep
    /// seeing it.
    pub named_when_sealing: bool,
}

/// Saves a case's details, based on `version`; `Stale` when someone saved first.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn update_case(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    version: i64,
    fields: &CaseFields,
) -> Result<CaseSaved, OfficeError> {
    let OpenCase { case, standing } =
        open_case(store, caller, case_id, Action::EditCase, "case.update").await?;
    let details = validate::case_details(fields).map_err(OfficeError::Invalid)?;
    let saved = store.update_case(case_id, version, details).await?;
    record(store, caller, case_id, "case.update", None, None).await?;
    // A supervisor who seals a case they are not on stays able to see it: they are named,
    // instead of locking themselves out mid-edit.
    let sealed_now = saved.confidentiality == Confidentiality::HighlyConfidential
        && case.confidentiality != Confidentiality::HighlyConfidential;
    let named_when_sealing = sealed_now && !(standing.member || standing.lead);
    if named_when_sealing {
        store
            .name_overseer(case_id, caller.user.user_id, caller.user.user_id)
            .await?;
        record(
            store,
            caller,
            case_id,
            "case.name_overseer",
            Some(format!("user:{}", caller.user.username)),
            Some("named when sealing the case".into()),
        )
        .await?;
    }
    Ok(CaseSaved {
        case: saved,
        named_when_sealing,
    })
}

/// The statuses the caller may move the case to now.
pub fn status_choices(open: &OpenCase, caller: &Caller) -> Vec<CaseStatus> {
    let role = caller.user.role;
    open.case
        .status
        .next()
        .iter()
        .copied()
        .filter(|to| {
            if open.case.status.is_reopening(*to) {
                allows(role, Action::ReopenCase, open.standing)
            } else {
                allows(role, Action::MoveStatus, open.standing)
            }
        })
        .collect()
}

/// Opens a case for a status move: allowed to move, or (from closed) to reopen.
pub async fn open_for_status(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    audit_action: &'static str,
) -> Result<OpenCase, OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, audit_action).await?;
    let role = caller.user.role;
    if !allows(role, Action::MoveStatus, open.standing)
        && !allows(role, Action::ReopenCase, open.standing)
    {
        // Readable, but neither moving nor reopening is allowed: refused like other changes.
        return open_case(store, caller, case_id, Action::MoveStatus, audit_action).await;
    }
    Ok(open)
}

/// A status move as asked for.
pub struct StatusMove<'a> {
    /// The status the caller saw, when they said (the form sends it).
    pub from: Option<&'a str>,
    pub version: i64,
    pub to: &'a str,
    pub reason: &'a str,
}

/// Moves a case along its workflow. An illegal move is `Invalid` with a message; a move
/// based on an old version or status is `Stale`.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn move_status(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    asked: StatusMove<'_>,
) -> Result<Case, OfficeError> {
    let open = open_for_status(store, caller, case_id, "case.move_status").await?;
    let mut errors = FieldErrors::default();
    let reason = validate::text(
        &mut errors,
        "reason",
        asked.reason,
        true,
        2_000,
        "why the case moves",
    );
    let from = open.case.status;
    let to = CaseStatus::parse(asked.to.trim());
    let stale =
        asked.from.is_some_and(|seen| seen != from.as_str()) || asked.version != open.case.version;
    match to {
        None => errors.add("to", "Choose the new status."),
        Some(to) if !from.can_move_to(to) => errors.add(
            "to",
            format!(
                "A case cannot move from {} to {}.",
                from.label(),
                to.label()
            ),
        ),
        Some(to) if !status_choices(&open, caller).contains(&to) => {
            store
                .append_audit(
                    caller
                        .audit("case.move_status", Outcome::Refused)
                        .case(case_id)
                        .detail(format!("{} -> {}", from.as_str(), to.as_str())),
                )
                .await?;
            errors.add("to", "Only a supervisor can reopen a closed case.");
        }
        Some(_) => {}
    }
    if stale {
        return Err(OfficeError::Stale);
    }
    let Some(to) = to.filter(|_| errors.is_empty()) else {
        return Err(OfficeError::Invalid(errors));
    };
    // Closing with gaps in the checklist is allowed, and recorded: who, which gaps, and why
    // (the reason given).
    let gaps: Vec<String> = if to == CaseStatus::Closed {
        super::outcomes::closure_checks(store, case_id)
            .await?
            .into_iter()
            .filter(|check| !check.met)
            .map(|check| check.detail)
            .collect()
    } else {
        Vec::new()
    };
    let moved = store
        .move_status(
            case_id,
            open.case.version,
            from,
            to,
            &reason,
            caller.user.user_id,
        )
        .await?;
    if !gaps.is_empty() {
        record(
            store,
            caller,
            case_id,
            "case.closed_with_gaps",
            None,
            Some(format!("{} Reason given: {reason}", gaps.join(" "))),
        )
        .await?;
    }
    record(
        store,
        caller,
        case_id,
        "case.move_status",
        None,
        Some(format!("{} -> {}", from.as_str(), to.as_str())),
    )
    .await?;
    Ok(moved)
}

/// A case's team, lead first, for a reader of the case (audited).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn team(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<probity_domain::cases::TeamMember>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "case.view_team").await?;
    let team = store.team(case_id).await?;
    record(store, caller, case_id, "case.view_team", None, None).await?;
    Ok(team)
}
