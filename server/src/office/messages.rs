//! Reading imported messages: a case's messages filtered, searched and paged by key, only
//! from the logs the caller may see; one message as visible as the exhibit it came from.

use super::cases::{open_case, record};
use super::evidence::Vault;
use super::evidence::open_exhibit;
use super::jobs::{StartedBy, caller_of};
use super::{Caller, OfficeError};
use crate::evidence::media;
use crate::jobs::{JobQueue, Progress};
use crate::messages::import::Keep;
use crate::messages::{Format, ReadOptions};
use crate::storage::DynStore;
use crate::storage::Outcome;
use crate::storage::cases::is_iso_date;
use crate::storage::jobs::NewJob;
use crate::storage::messages::DateGuess;
use crate::storage::messages::{MessageCursor, MessageFilter};
use probity_domain::cases::Case;
use probity_domain::evidence::Exhibit;
use probity_domain::jobs::{ImportReport, Job, JobKind, exhibit_subject};
use probity_domain::messages::ImportValues;
use probity_domain::messages::{Message, MessageFilterFields};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One page of messages.
pub struct MessageListing {
    pub case: Case,
    pub messages: Vec<Message>,
    /// Where the next page starts, encoded.
    pub next: Option<String>,
    /// Filters that could not be read (left out; the rest apply).
    pub errors: FieldErrors,
}

/// A case's messages, oldest first, `limit` at a time from `after`. Audited without the
/// words searched for.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn list_messages(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    fields: &MessageFilterFields,
    after: &str,
    limit: i64,
) -> Result<MessageListing, OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "messages.view").await?;
    let mut errors = FieldErrors::default();
    let date = |errors: &mut FieldErrors, field: &'static str, value: &str| {
        let value = value.trim();
        if value.is_empty() {
            None
        } else if is_iso_date(value) {
            Some(value.to_string())
        } else {
            errors.add(field, "Enter dates as YYYY-MM-DD.");
            None
        }
    };
    let filter = MessageFilter {
        exhibit_id: fields.exhibit.trim().parse().ok(),
        participant: Some(
            fields
                .participant
                .trim()
                .chars()
                .take(100)
                .collect::<String>(),
        )
        .filter(|p| !p.is_empty()),
        from: date(&mut errors, "from", &fields.from),
        to: date(&mut errors, "to", &fields.to),
        text: Some(fields.q.trim().chars().take(200).collect::<String>()).filter(|q| !q.is_empty()),
    };
    let after = MessageCursor::decode(after);
    let (messages, next) = store
        .list_messages(
            case_id,
            caller.user.user_id,
            &filter,
            after.as_ref(),
            limit.clamp(1, 500),
        )
        .await?;
    record(
        store,
        caller,
        case_id,
        "messages.view",
        None,
        Some(format!("{} shown", messages.len())),
    )
    .await?;
    Ok(MessageListing {
        case: open.case,
        messages,
        next: next.map(|cursor| cursor.encode()),
        errors,
    })
}

/// One message, if the caller may see the log it came from (audited), with the case and
/// the caller's standing on it.
#[tracing::instrument(skip_all, fields(case_id, message_id))]
pub async fn read_message(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    message_id: i64,
) -> Result<(super::cases::OpenCase, Message), OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "messages.view").await?;
    let message = store
        .message(case_id, message_id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    // The message is as visible as the exhibit it came from.
    open_exhibit(store, caller, case_id, message.exhibit_id, "messages.view").await?;
    record(
        store,
        caller,
        case_id,
        "messages.view",
        Some(format!("message:{message_id}")),
        None,
    )
    .await?;
    Ok((open, message))
}

/// A message log: an exhibit that is text (a chat export, an SMS backup, a mailbox, a CSV
/// log), with how many messages have been read from it so far.
pub struct MessageLog {
    pub exhibit: Exhibit,
    pub messages: i64,
}

/// The logs of a case that `user_id` may see, in exhibit order. Counting reads every
/// message of the case once (one query, whatever the number of logs), so the viewer's
/// page, drawn often, asks for no counts (they are then 0).
pub async fn logs_of(
    store: &DynStore,
    case_id: i64,
    user_id: i64,
    with_counts: bool,
) -> Result<Vec<MessageLog>, OfficeError> {
    let counts: std::collections::HashMap<i64, i64> = if with_counts {
        store.message_counts(case_id).await?.into_iter().collect()
    } else {
        std::collections::HashMap::new()
    };
    Ok(store
        .exhibits(case_id, user_id)
        .await?
        .into_iter()
        .filter(|exhibit| media::is_text(&exhibit.media_type))
        .map(|exhibit| MessageLog {
            messages: counts.get(&exhibit.exhibit_id).copied().unwrap_or(0),
            exhibit,
        })
        .collect())
}

/// A case's message logs (audited).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn message_logs(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<MessageLog>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "messages.logs").await?;
    let logs = logs_of(store, case_id, caller.user.user_id, true).await?;
    record(
        store,
        caller,
        case_id,
        "messages.logs",
        None,
        Some(format!("{} logs", logs.len())),
    )
    .await?;
    Ok(logs)
}

/// An import as asked for on the form, checked.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ImportRequest {
    pub format: Format,
    /// An IANA time zone name the server knows.
    pub time_zone: String,
    /// `None` to let the file tell (or the import choose).
    pub day_first: Option<bool>,
    pub owner: String,
    /// Keep every message or none (else what can be read).
    pub all_or_nothing: bool,
}

/// Checks the import form's values; the message for the form when they cannot be used.
pub fn read_import(values: &ImportValues) -> Result<ImportRequest, String> {
    let format = Format::parse(&values.format).ok_or("Choose a format.")?;
    let time_zone = jiff::tz::TimeZone::get(values.time_zone.trim()).map_err(|_| {
        format!(
            "\"{}\" is not a time zone name. Use a name such as America/New_York or UTC.",
            values
                .time_zone
                .trim()
                .chars()
                .take(100)
                .collect::<String>()
        )
    })?;
    Ok(ImportRequest {
        format,
        time_zone: time_zone.iana_name().unwrap_or("UTC").to_string(),
        day_first: match values.date_order.as_str() {
            "day" => Some(true),
            "month" => Some(false),
            _ => None,
        },
        owner: values.owner.trim().chars().take(200).collect(),
        all_or_nothing: values.mode != "skip",
    })
}

/// An import job's parameters.
#[derive(Serialize, Deserialize)]
struct ImportParams {
    #[serde(flatten)]
    started: StartedBy,
    request: ImportRequest,
}

/// Why an exhibit's messages cannot be imported now, if they cannot.
async fn import_refused(
    store: &DynStore,
    case_id: i64,
    exhibit: &Exhibit,
) -> Result<Option<&'static str>, OfficeError> {
    if !media::is_text(&exhibit.media_type) {
        return Ok(Some("Only text files can be imported as messages."));
    }
    if store.message_count(exhibit.exhibit_id).await? > 0 {
        return Ok(Some("The messages of this exhibit are already imported."));
    }
    let running = store
        .latest_job(
            case_id,
            &exhibit_subject(exhibit.exhibit_id),
            JobKind::MessageImport,
        )
        .await?
        .is_some_and(|job| !job.state.is_finished());
    Ok(running.then_some("An import of this exhibit is already under way."))
}

/// Starts importing an exhibit's messages in the background and answers at once with the
/// job to follow. Refused (as a conflict) when the file is not text, its messages are
/// imported already or an import of it is under way.
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn start_import(
    store: &DynStore,
    jobs: &JobQueue,
    caller: &Caller,
    case_id: i64,
    exhibit_id: i64,
    request: ImportRequest,
) -> Result<Job, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "messages.import").await?;
    let (_, exhibit, _) =
        open_exhibit(store, caller, case_id, exhibit_id, "messages.import").await?;
    if let Some(why) = import_refused(store, case_id, &exhibit).await? {
        return Err(OfficeError::Conflict(why));
    }
    let params = serde_json::to_string(&ImportParams {
        started: StartedBy::of(caller),
        request,
    })
    .map_err(|error| OfficeError::Failed(error.to_string()))?;
    let job = jobs
        .submit(NewJob {
            kind: JobKind::MessageImport,
            case_id,
            subject: exhibit_subject(exhibit_id),
            params,
            created_by: Some(caller.user.user_id),
        })
        .await?;
    record(
        store,
        caller,
        case_id,
        "job.start",
        Some(format!("exhibit:{exhibit_id}")),
        Some(format!("job {} {}", job.job_id, job.kind.as_str())),
    )
    .await?;
    Ok(job)
}

/// An import job's work: reads the log and keeps its messages (all or nothing, or what can
/// be read), makes exhibits of e-mail attachments, and audits it all as the person who
/// started it. The messages are kept in one transaction at the end, so a job stopped
/// mid-way keeps none and its next start reads the file again.
#[tracing::instrument(skip_all, fields(job_id = job.job_id))]
pub async fn run_import(
    vault: Vault<'_>,
    job: &Job,
    progress: Arc<Progress>,
) -> Result<Option<String>, OfficeError> {
    let params: ImportParams = super::jobs::params(job)?;
    let caller = caller_of(vault.store, job, &params.started).await?;
    let case_id = job.case_id;
    let exhibit_id = job.exhibit_id().ok_or(OfficeError::NotFound)?;
    let store = vault.store;
    open_case(store, &caller, case_id, Action::EditCase, "messages.import").await?;
    let (_, exhibit, access) =
        open_exhibit(store, &caller, case_id, exhibit_id, "messages.import").await?;
    if !media::is_text(&exhibit.media_type) {
        return Err(OfficeError::Conflict(
            "Only text files can be imported as messages.",
        ));
    }
    let existing = store.message_count(exhibit_id).await?;
    if existing > 0 && job.attempts > 1 {
        // An earlier start of this job moved the messages in (one transaction: all of them)
        // and its node stopped before it could say so: the import is done, not refused.
        store
            .append_audit(
                caller
                    .audit("messages.import", Outcome::Success)
                    .case(case_id)
                    .target(format!("exhibit:{exhibit_id}"))
                    .detail(format!(
                        "{existing} imported by an earlier start of this job"
                    )),
            )
            .await?;
        let report = ImportReport {
            imported: existing,
            problems: Vec::new(),
            total_problems: 0,
            rolled_back: false,
            attachments: Vec::new(),
            guessed_day_first: None,
        };
        return serde_json::to_string(&report)
            .map(Some)
            .map_err(|error| OfficeError::Failed(error.to_string()));
    }
    if existing > 0 {
        // An earlier start of this job kept the messages and stopped before it could say so.
        return Err(OfficeError::Conflict(
            "The messages of this exhibit are already imported.",
        ));
    }
    if job.attempts > 1 {
        // An earlier start of this job ran on a node that stopped (its lease ran out): what
        // it staged is nobody's now. Only one import job of an exhibit runs at a time.
        let dropped = store.abandon_imports_of(exhibit_id).await?;
        if dropped > 0 {
            tracing::warn!(
                exhibit_id,
                dropped,
                "dropped what a stopped import had staged"
            );
        }
    }
    let request = params.request;
    let time_zone = jiff::tz::TimeZone::get(&request.time_zone).map_err(|_| {
        OfficeError::Conflict("The time zone chosen for this import is no longer known.")
    })?;
    let options = ReadOptions {
        time_zone,
        day_first: request.day_first,
        owner: request.owner.clone(),
        participants: Vec::new(),
    };
    let outcome = crate::messages::import::run(
        store,
        vault.blobs,
        case_id,
        &exhibit,
        crate::messages::import::Reading {
            format: request.format,
            options,
            keep: if request.all_or_nothing {
                Keep::AllOrNothing
            } else {
                Keep::WhatCanBeRead
            },
        },
        progress.clone(),
    )
    .await
    .map_err(|error| OfficeError::Failed(error.to_string()))?;
    if outcome.imported > 0 {
        store
            .set_date_guess(
                exhibit_id,
                outcome.guessed_day_first.map(|day_first| DateGuess {
                    day_first,
                    time_zone: request.time_zone.clone(),
                }),
            )
            .await?;
    }
    let mut attachments = Vec::new();
    if !outcome.attachments.is_empty() {
        progress.step("Keeping the e-mails' attachments as exhibits");
    }
    for (name, blob) in &outcome.attachments {
        let child =
            super::evidence::add_attachment(vault, &caller, &exhibit, &access, name, blob).await?;
        attachments.push(child.label());
    }
    store
        .append_audit(
            caller
                .audit(
                    "messages.import",
                    if outcome.rolled_back {
                        Outcome::Refused
                    } else {
                        Outcome::Success
                    },
                )
                .case(case_id)
                .target(format!("exhibit:{exhibit_id}"))
                .detail(format!(
                    "{} imported, {} problems, format {}",
                    outcome.imported,
                    outcome.total_problems,
                    request.format.as_str()
                )),
        )
        .await?;
    let report = ImportReport {
        imported: outcome.imported,
        problems: outcome
            .problems
            .into_iter()
            .map(|problem| (problem.location, problem.reason))
            .collect(),
        total_problems: outcome.total_problems,
        rolled_back: outcome.rolled_back,
        attachments,
        guessed_day_first: outcome.guessed_day_first.filter(|_| outcome.imported > 0),
    };
    serde_json::to_string(&report)
        .map(Some)
        .map_err(|error| OfficeError::Failed(error.to_string()))
}

/// The report of a finished import job of this exhibit, for its page.
pub fn import_report(job: &Job, exhibit_id: i64) -> Option<ImportReport> {
    if job.kind != JobKind::MessageImport || job.exhibit_id() != Some(exhibit_id) {
        return None;
    }
    serde_json::from_str(job.result.as_deref()?).ok()
}
