//! A case's statutory clocks (extending, pausing and resuming them, each recorded with who,
//! when and why), its investigative plan (tasks), and its complainants' identities with the
//! consents that allow disclosing them. Every read of these is part of reading the case and
//! every change is audited on it.

use super::cases::{OpenCase, open_case, record};
use super::{Caller, OfficeError, validate};
use crate::storage::DynStore;
use crate::storage::plan::{ClockChangeInput, ConsentInput, TaskInput};
use probity_domain::cases::TeamMember;
use probity_domain::clocks::{CaseClock, ClockChange, ClockChangeKind, ClockDue};
use probity_domain::complaints::{Complainant, Consent, ConsentScope};
use probity_domain::permissions::Action;
use probity_domain::plan::{MyTask, SupervisoryReview, Task, TaskFields, TaskStatus};
use probity_domain::validation::FieldErrors;
use serde::Deserialize;

/// Today, in UTC: the day clocks are counted on.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// A clock change as a form or program sent it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClockChangeFields {
    /// `extend`, `pause` or `resume`.
    pub kind: String,
    pub days: String,
    pub reason: String,
    /// The day the complainant consented (an extension that needs it).
    pub consent_on: String,
}

/// A case's clocks and every change to them, for its clocks page.
pub struct CaseClocks {
    pub open: OpenCase,
    pub clocks: Vec<CaseClock>,
    pub changes: Vec<ClockChange>,
    /// The caller may extend, pause and resume them.
    pub can_change: bool,
}

/// A case's clocks page, audited as a read.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn clocks(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<CaseClocks, OfficeError> {
    let open = open_case(
        store,
        caller,
        case_id,
        Action::ManageClocks,
        "case.clocks.view",
    )
    .await?;
    let (clocks, changes) =
        tokio::try_join!(store.case_clocks(case_id), store.clock_changes(case_id))?;
    record(store, caller, case_id, "case.clocks.view", None, None).await?;
    let can_change =
        probity_domain::permissions::allows(caller.user.role, Action::ManageClocks, open.standing);
    Ok(CaseClocks {
        open,
        clocks,
        changes,
        can_change,
    })
}

/// Checks a clock change against the clock as it stands.
pub fn validate_clock_change(
    clock: &CaseClock,
    fields: &ClockChangeFields,
    today: time::Date,
) -> Result<ClockChangeInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let kind = match fields.kind.trim() {
        "extend" => Some(ClockChangeKind::Extend),
        "pause" => Some(ClockChangeKind::Pause),
        "resume" => Some(ClockChangeKind::Resume),
        _ => {
            errors.add("kind", "Choose extend, pause or resume.");
            None
        }
    };
    let reason = validate::text(&mut errors, "reason", &fields.reason, true, 2000, "why");
    let mut days = 0;
    let mut consent_on = None;
    match kind {
        Some(ClockChangeKind::Extend) => {
            let left = clock.extension_left();
            match fields.days.trim().parse::<i64>() {
                _ if clock.stopped_on.is_some() => {
                    errors.add("days", "The clock has stopped: the case is closed.");
                }
                _ if left == 0 => errors.add(
                    "days",
                    "This clock cannot be extended further: its extensions are used up.",
                ),
                Ok(value) if (1..=left).contains(&value) => days = value,
                _ => errors.add("days", format!("Enter a number of days from 1 to {left}.")),
            }
            let consent = fields.consent_on.trim();
            if clock.extension_needs_consent || !consent.is_empty() {
                if !crate::storage::cases::is_iso_date(consent) {
                    errors.add(
                        "consent_on",
                        "Enter the day the complainant consented, for example 2026-03-04.",
                    );
                } else if consent > today.to_string().as_str() {
                    errors.add("consent_on", "The day of consent cannot be in the future.");
                } else {
                    consent_on = Some(consent.to_string());
                }
            }
        }
        Some(ClockChangeKind::Pause)
            if clock.stopped_on.is_some() || clock.paused_since.is_some() =>
        {
            errors.add("kind", "The clock is not running, so it cannot be paused.");
        }
        Some(ClockChangeKind::Resume)
            if clock.paused_since.is_none() || clock.stopped_on.is_some() =>
        {
            errors.add("kind", "The clock is not paused.");
        }
        _ => {}
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(ClockChangeInput {
            kind,
            days,
            reason,
            consent_on,
        }),
        _ => Err(errors),
    }
}

/// Extends, pauses or resumes one of a case's clocks.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn change_clock(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    clock_key: &str,
    fields: &ClockChangeFields,
) -> Result<CaseClock, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::ManageClocks,
        "case.clock.change",
    )
    .await?;
    let clock = store
        .case_clocks(case_id)
        .await?
        .into_iter()
        .find(|clock| clock.clock == clock_key)
        .ok_or(OfficeError::NotFound)?;
    let today = today();
    let change = validate_clock_change(&clock, fields, today).map_err(OfficeError::Invalid)?;
    let saved = store
        .change_clock(case_id, clock_key, &change, caller.user.user_id, today)
        .await?;
    let detail = match change.kind {
        ClockChangeKind::Extend => format!(
            "{} extended by {} days{}",
            clock.label,
            change.days,
            change
                .consent_on
                .as_deref()
                .map(|day| format!(", complainant's consent of {day}"))
                .unwrap_or_default()
        ),
        kind => format!("{} {}", clock.label, kind.label().to_lowercase()),
    };
    record(
        store,
        caller,
        case_id,
        "case.clock.change",
        Some(format!("clock:{clock_key}")),
        Some(detail),
    )
    .await?;
    Ok(saved)
}

/// The dashboard's running clocks of the cases the caller may see, soonest due first.
pub async fn clocks_due(store: &DynStore, caller: &Caller) -> Result<Vec<ClockDue>, OfficeError> {
    match super::cases::case_viewer(&caller.user) {
        Some(viewer) => Ok(store.clocks_due(viewer, 10).await?),
        None => Ok(Vec::new()),
    }
}

/// A case's plan and clocks.
pub struct CasePlan {
    pub open: OpenCase,
    pub tasks: Vec<Task>,
    pub clocks: Vec<CaseClock>,
    pub changes: Vec<ClockChange>,
    pub reviews: Vec<SupervisoryReview>,
    pub can_edit: bool,
    pub can_change_clocks: bool,
    pub can_review: bool,
}

/// A case's plan and clocks, audited as a read.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn plan(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<CasePlan, OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "case.plan.view").await?;
    let (tasks, clocks, changes, reviews) = tokio::try_join!(
        store.tasks(case_id),
        store.case_clocks(case_id),
        store.clock_changes(case_id),
        store.reviews(case_id)
    )?;
    record(store, caller, case_id, "case.plan.view", None, None).await?;
    let allows =
        |action| probity_domain::permissions::allows(caller.user.role, action, open.standing);
    let (can_edit, can_change_clocks, can_review) = (
        allows(Action::EditCase),
        allows(Action::ManageClocks),
        allows(Action::ReviewCase),
    );
    Ok(CasePlan {
        open,
        tasks,
        clocks,
        changes,
        reviews,
        can_edit,
        can_change_clocks,
        can_review,
    })
}

/// Records a supervisor's review of the case with what they noted (audited).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_review(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    note: &str,
) -> Result<(), OfficeError> {
    open_case(store, caller, case_id, Action::ReviewCase, "case.review").await?;
    let mut errors = FieldErrors::default();
    let note = validate::text(
        &mut errors,
        "note",
        note,
        true,
        4000,
        "what you reviewed and what you asked for",
    );
    if !errors.is_empty() {
        return Err(OfficeError::Invalid(errors));
    }
    store
        .add_review(case_id, caller.user.user_id, &note)
        .await?;
    record(store, caller, case_id, "case.review", None, None).await
}

/// What the task form offers: the team to assign to and the timeline's events.
pub struct TaskChoices {
    pub team: Vec<TeamMember>,
    pub events: Vec<(i64, String, String)>,
}

/// Opens a case to add or edit a task, with the form's choices.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn task_form(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    task_id: Option<i64>,
) -> Result<(OpenCase, Option<Task>, TaskChoices), OfficeError> {
    let open = open_case(store, caller, case_id, Action::EditCase, "case.task.edit").await?;
    let task = match task_id {
        Some(task_id) => Some(
            store
                .task(case_id, task_id)
                .await?
                .ok_or(OfficeError::NotFound)?,
        ),
        None => None,
    };
    let (team, events) = tokio::try_join!(store.team(case_id), store.event_choices(case_id))?;
    Ok((open, task, TaskChoices { team, events }))
}

/// Checks a task form against the case's team, exhibits and events.
async fn validate_task(
    store: &DynStore,
    case_id: i64,
    fields: &TaskFields,
) -> Result<TaskInput, OfficeError> {
    let mut errors = FieldErrors::default();
    let title = validate::line(
        &mut errors,
        "title",
        &fields.title,
        true,
        300,
        "what is to be done",
    );
    let notes = validate::text(&mut errors, "notes", &fields.notes, false, 10_000, "notes");
    let status = if fields.status.trim().is_empty() {
        Some(TaskStatus::Open)
    } else {
        validate::choice(
            &mut errors,
            "status",
            &fields.status,
            TaskStatus::parse,
            "a status",
        )
    };
    let due = fields.due_on.trim();
    let due_on = if due.is_empty() {
        None
    } else if crate::storage::cases::is_iso_date(due) {
        Some(due.to_string())
    } else {
        errors.add(
            "due_on",
            "Enter the due day as a date, for example 2026-03-04.",
        );
        None
    };
    let assignee_id = match fields.assignee.trim() {
        "" => None,
        value => {
            let team = store.team(case_id).await?;
            match value
                .parse::<i64>()
                .ok()
                .filter(|id| team.iter().any(|m| m.user_id == *id))
            {
                Some(id) => Some(id),
                None => {
                    errors.add("assignee", "Choose someone on the case's team.");
                    None
                }
            }
        }
    };
    let fulfilled_exhibit_id =
        super::outcomes::exhibit(store, &mut errors, case_id, &fields.exhibit).await?;
    let fulfilled_event_id = match fields.event.trim() {
        "" => None,
        value => {
            let events = store.event_choices(case_id).await?;
            match value
                .parse::<i64>()
                .ok()
                .filter(|id| events.iter().any(|(e, _, _)| e == id))
            {
                Some(id) => Some(id),
                None => {
                    errors.add("event", "Choose one of this case's events.");
                    None
                }
            }
        }
    };
    match status {
        Some(status) if errors.is_empty() => Ok(TaskInput {
            title,
            notes,
            assignee_id,
            due_on,
            status,
            fulfilled_exhibit_id,
            fulfilled_event_id,
        }),
        _ => Err(OfficeError::Invalid(errors)),
    }
}

/// Adds a task to a case's plan.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn create_task(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    fields: &TaskFields,
) -> Result<Task, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "case.task.create").await?;
    let input = validate_task(store, case_id, fields).await?;
    let task = store
        .create_task(case_id, &input, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "case.task.create",
        Some(format!("task:{}", task.task_id)),
        None,
    )
    .await?;
    Ok(task)
}

/// Saves a task of a case's plan, based on the version the form showed.
#[tracing::instrument(skip_all, fields(case_id, task_id))]
pub async fn update_task(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    task_id: i64,
    fields: &TaskFields,
) -> Result<Task, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "case.task.update").await?;
    let version = fields
        .version
        .trim()
        .parse::<i64>()
        .map_err(|_| OfficeError::Stale)?;
    let input = validate_task(store, case_id, fields).await?;
    let task = store
        .update_task(case_id, task_id, version, &input, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "case.task.update",
        Some(format!("task:{task_id}")),
        Some(format!("status {}", task.status.as_str())),
    )
    .await?;
    Ok(task)
}

/// The caller's open tasks, soonest due first.
pub async fn my_tasks(store: &DynStore, caller: &Caller) -> Result<Vec<MyTask>, OfficeError> {
    Ok(store.my_tasks(caller.user.user_id, 20).await?)
}

/// The complaints a case came from, with each complainant's identity shown only to intake
/// staff, the case's lead, and (with a consent in force to disclose it to the team) the
/// team; `None` when the case came from no complaint.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn complainants(
    store: &DynStore,
    caller: &Caller,
    open: &OpenCase,
) -> Result<Vec<Complainant>, OfficeError> {
    let case_id = open.case.case_id;
    let (complaints, consents) =
        tokio::try_join!(store.complaints_of_case(case_id), store.consents(case_id))?;
    let out = complaints
        .into_iter()
        .map(|mut complaint| {
            let consents: Vec<Consent> = consents
                .iter()
                .filter(|c| c.complaint_id == complaint.complaint_id)
                .cloned()
                .collect();
            let may_know =
                super::complaints::may_know_identity(caller, &complaint, open.standing, &consents);
            let given = !complaint.contact_name.trim().is_empty()
                || !complaint.contact_details.trim().is_empty();
            let identity = (may_know && given).then(|| {
                (
                    complaint.contact_name.clone(),
                    complaint.contact_details.clone(),
                )
            });
            if !may_know {
                complaint.contact_name.clear();
                complaint.contact_details.clear();
                complaint.identity_withheld = given;
            }
            Complainant {
                complaint,
                identity,
                consents,
            }
        })
        .collect();
    Ok(out)
}

/// A consent as the form sent it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsentFields {
    pub complaint_id: String,
    pub scope: String,
    pub given_on: String,
    pub how_given: String,
}

/// Records a complainant's consent to disclose their identity (the lead or a supervisor).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn record_consent(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    fields: &ConsentFields,
) -> Result<(), OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::RecordConsent,
        "case.consent.record",
    )
    .await?;
    let mut errors = FieldErrors::default();
    let complaints = store.complaints_of_case(case_id).await?;
    let complaint = fields
        .complaint_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| complaints.iter().find(|c| c.complaint_id == id));
    if complaint.is_none() {
        errors.add(
            "complaint_id",
            "Choose the complaint whose complainant consented.",
        );
    }
    let scope = validate::choice(
        &mut errors,
        "scope",
        &fields.scope,
        ConsentScope::parse,
        "what they agreed to",
    );
    let given_on = fields.given_on.trim();
    if !crate::storage::cases::is_iso_date(given_on) {
        errors.add(
            "given_on",
            "Enter the day they consented, for example 2026-03-04.",
        );
    } else if given_on > today().to_string().as_str() {
        errors.add("given_on", "The day of consent cannot be in the future.");
    }
    let how_given = validate::line(
        &mut errors,
        "how_given",
        &fields.how_given,
        true,
        500,
        "how the consent was given (a signed form, an e-mail, a call)",
    );
    let (Some(complaint), Some(scope), true) = (complaint, scope, errors.is_empty()) else {
        return Err(OfficeError::Invalid(errors));
    };
    let input = ConsentInput {
        complaint_id: complaint.complaint_id,
        scope,
        given_on: given_on.to_string(),
        how_given,
    };
    store
        .record_consent(case_id, &input, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "case.consent.record",
        Some(format!("complaint:{}", complaint.complaint_id)),
        Some(format!("scope {} given {}", scope.as_str(), input.given_on)),
    )
    .await?;
    Ok(())
}

/// Records that a complainant withdrew a consent, as of today.
#[tracing::instrument(skip_all, fields(case_id, consent_id))]
pub async fn withdraw_consent(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    consent_id: i64,
) -> Result<(), OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::RecordConsent,
        "case.consent.withdraw",
    )
    .await?;
    store
        .withdraw_consent(case_id, consent_id, &today().to_string())
        .await?;
    record(
        store,
        caller,
        case_id,
        "case.consent.withdraw",
        Some(format!("consent:{consent_id}")),
        None,
    )
    .await?;
    Ok(())
}
