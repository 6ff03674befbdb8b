//! Memoranda of interview: the team records who was interviewed, when, where, with whom and
//! under which warning, the recording and transcript exhibits, and writes the memorandum;
//! every save keeps a new version of it. Reading them is reading the case, and is audited;
//! every change is audited.

use super::cases::{OpenCase, open_case, record};
use super::outcomes::{day, exhibit_field, version};
use super::{Caller, OfficeError, validate};
use crate::storage::DynStore;
use crate::storage::interviews::InterviewInput;
use crate::storage::timeline::Citing;
use probity_domain::cases::{Party, TeamMember};
use probity_domain::interviews::{
    Attendee, AttendeeRole, Interview, InterviewFields, InterviewWarning, MemorandumVersion,
};
use probity_domain::permissions::{Action, allows};
use probity_domain::validation::FieldErrors;

/// The longest memorandum kept: far beyond any real one, short of filling the page.
pub const MEMORANDUM_MAX: usize = 100_000;

/// A case's interviews.
pub struct CaseInterviews {
    pub open: OpenCase,
    pub interviews: Vec<Interview>,
    pub can_edit: bool,
}

/// A case's interviews, audited as a read.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn interviews(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<CaseInterviews, OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "interview.list").await?;
    let interviews = store.interviews(case_id).await?;
    record(store, caller, case_id, "interview.list", None, None).await?;
    let can_edit = allows(caller.user.role, Action::EditCase, open.standing);
    Ok(CaseInterviews {
        open,
        interviews,
        can_edit,
    })
}

/// One interview with every version of its memorandum and the events citing it.
pub struct InterviewRecord {
    pub open: OpenCase,
    pub interview: Interview,
    pub versions: Vec<MemorandumVersion>,
    pub cited_by: Vec<Citing>,
    pub can_edit: bool,
}

/// One interview, audited as a read.
#[tracing::instrument(skip_all, fields(case_id, interview_id))]
pub async fn interview(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    interview_id: i64,
) -> Result<InterviewRecord, OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "interview.view").await?;
    let interview = store
        .interview(case_id, interview_id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    let (versions, cited_by) = tokio::try_join!(
        store.memoranda(interview_id),
        store.events_citing_interview(interview_id)
    )?;
    record(
        store,
        caller,
        case_id,
        "interview.view",
        Some(format!("interview:{interview_id}")),
        None,
    )
    .await?;
    let can_edit = allows(caller.user.role, Action::EditCase, open.standing);
    Ok(InterviewRecord {
        open,
        interview,
        versions,
        cited_by,
        can_edit,
    })
}

/// What the interview form offers: the case's parties and its team.
pub struct InterviewChoices {
    pub open: OpenCase,
    pub parties: Vec<Party>,
    pub team: Vec<TeamMember>,
    /// The interview being edited, as saved now.
    pub interview: Option<Interview>,
}

/// Opens a case to record or edit an interview, with what the form offers.
pub async fn for_editing(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    interview_id: Option<i64>,
) -> Result<InterviewChoices, OfficeError> {
    let audit = if interview_id.is_some() {
        "interview.update"
    } else {
        "interview.create"
    };
    let open = open_case(store, caller, case_id, Action::EditCase, audit).await?;
    let interview = match interview_id {
        Some(id) => Some(
            store
                .interview(case_id, id)
                .await?
                .ok_or(OfficeError::NotFound)?,
        ),
        None => None,
    };
    let (parties, team) = tokio::try_join!(store.parties(case_id), store.team(case_id))?;
    Ok(InterviewChoices {
        open,
        parties,
        team,
        interview,
    })
}

/// Names a form field lists, separated by semicolons (or lines for `others`).
fn names(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    separator: char,
    role: AttendeeRole,
    into: &mut Vec<Attendee>,
) {
    let listed: Vec<&str> = value
        .split(separator)
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    if listed.len() > 20 {
        errors.add(field, "Name at most 20 people here.");
        return;
    }
    for name in listed {
        if name.chars().count() > 200 {
            errors.add(field, "Each name must be 200 characters or fewer.");
            return;
        }
        if name.chars().any(char::is_control) {
            errors.add(field, "Remove the control characters.");
            return;
        }
        into.push(Attendee {
            role,
            user_id: None,
            name: name.to_string(),
        });
    }
}

/// Checks an interview as sent against its case: the interviewee is one of its parties, the
/// investigators are on its team (or were recorded on this interview before they left it),
/// the exhibits are its own and ones the caller may see.
pub async fn validate_interview(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    existing: Option<&Interview>,
    fields: &InterviewFields,
) -> Result<InterviewInput, OfficeError> {
    let mut errors = FieldErrors::default();
    let (parties, team, visible) = tokio::try_join!(
        store.parties(case_id),
        store.team(case_id),
        store.exhibits(case_id, caller.user.user_id)
    )?;
    let party = fields
        .party_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| parties.iter().find(|p| p.party_id == id));
    if party.is_none() {
        errors.add(
            "party_id",
            "Choose who was interviewed from the case's parties.",
        );
    }
    let mut interviewee_role = validate::line(
        &mut errors,
        "interviewee_role",
        &fields.interviewee_role,
        false,
        200,
        "their role",
    );
    if interviewee_role.is_empty()
        && let Some(party) = party
    {
        interviewee_role = party.party_role.label().to_string();
    }
    let held_on = day(&mut errors, "held_on", &fields.held_on, true);
    let place = validate::line(
        &mut errors,
        "place",
        &fields.place,
        true,
        300,
        "where the interview took place",
    );
    let warning = validate::choice(
        &mut errors,
        "warning",
        &fields.warning,
        InterviewWarning::parse,
        "the warning given",
    );
    let mut recording =
        exhibit_field(store, &mut errors, case_id, "recording", &fields.recording).await?;
    let mut transcript = exhibit_field(
        store,
        &mut errors,
        case_id,
        "transcript",
        &fields.transcript,
    )
    .await?;
    // A restricted exhibit the caller may not see is named as if the case had none, unless
    // it is the one already recorded (not theirs to change).
    for (field, chosen, saved) in [
        (
            "recording",
            &mut recording,
            existing.and_then(|i| i.recording),
        ),
        (
            "transcript",
            &mut transcript,
            existing.and_then(|i| i.transcript),
        ),
    ] {
        if let Some(id) = *chosen
            && !visible.iter().any(|e| e.exhibit_id == id)
            && saved.map(|(saved, _)| saved) != Some(id)
        {
            *chosen = None;
            errors.add(
                field,
                "Enter the number of one of this case's exhibits, for example E-4.",
            );
        }
    }
    let mut attendees: Vec<Attendee> = Vec::new();
    // Someone recorded as present stays so after leaving the team: the record is of the day.
    let earlier: Vec<(i64, String)> = existing
        .map(|i| {
            i.attendees
                .iter()
                .filter_map(|a| a.user_id.map(|id| (id, a.name.clone())))
                .collect()
        })
        .unwrap_or_default();
    for id in &fields.investigators {
        let found = id.trim().parse::<i64>().ok().and_then(|id| {
            team.iter()
                .find(|m| m.user_id == id)
                .map(|m| (m.user_id, m.display_name.clone()))
                .or_else(|| earlier.iter().find(|(user, _)| *user == id).cloned())
        });
        match found {
            Some((user_id, _)) if attendees.iter().any(|a| a.user_id == Some(user_id)) => {}
            Some((user_id, name)) => attendees.push(Attendee {
                role: AttendeeRole::Investigator,
                user_id: Some(user_id),
                name,
            }),
            None => errors.add(
                "investigators",
                "Choose the investigators from the case's team.",
            ),
        }
    }
    names(
        &mut errors,
        "counsel",
        &fields.counsel,
        ';',
        AttendeeRole::Counsel,
        &mut attendees,
    );
    names(
        &mut errors,
        "union_representative",
        &fields.union_representative,
        ';',
        AttendeeRole::UnionRepresentative,
        &mut attendees,
    );
    names(
        &mut errors,
        "interpreter",
        &fields.interpreter,
        ';',
        AttendeeRole::Interpreter,
        &mut attendees,
    );
    names(
        &mut errors,
        "others",
        &fields.others,
        '\n',
        AttendeeRole::Other,
        &mut attendees,
    );
    // The memorandum keeps its inner spacing and lines as written; only the ends are trimmed.
    let memorandum = validate::text(
        &mut errors,
        "memorandum",
        &fields.memorandum,
        false,
        MEMORANDUM_MAX,
        "the memorandum",
    );
    match (party, held_on, warning) {
        (Some(party), Some(held_on), Some(warning)) if errors.is_empty() => Ok(InterviewInput {
            party_id: party.party_id,
            interviewee_role,
            held_on,
            place,
            warning,
            recording_exhibit_id: recording,
            transcript_exhibit_id: transcript,
            attendees,
            memorandum,
        }),
        _ => Err(OfficeError::Invalid(errors)),
    }
}

/// Records an interview.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_interview(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    fields: &InterviewFields,
) -> Result<Interview, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "interview.create").await?;
    let input = validate_interview(store, caller, case_id, None, fields).await?;
    let saved = store
        .create_interview(case_id, &input, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "interview.create",
        Some(format!("interview:{}", saved.interview_id)),
        Some(saved.warning.as_str().to_string()),
    )
    .await?;
    Ok(saved)
}

/// Saves an interview based on the version the form showed; the memorandum gains a version.
#[tracing::instrument(skip_all, fields(case_id, interview_id))]
pub async fn save_interview(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    interview_id: i64,
    fields: &InterviewFields,
) -> Result<Interview, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "interview.update").await?;
    let existing = store
        .interview(case_id, interview_id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    let input = validate_interview(store, caller, case_id, Some(&existing), fields).await?;
    let based_on = version(&fields.version)?;
    let saved = store
        .update_interview(case_id, interview_id, based_on, &input, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "interview.update",
        Some(format!("interview:{interview_id}")),
        Some(format!("version {}", saved.version)),
    )
    .await?;
    Ok(saved)
}
