//! Reading imported messages: a case's messages filtered, searched and paged by key, only
//! from the logs the caller may see; one message as visible as the exhibit it came from.

use super::cases::{open_case, record};
use super::evidence::open_exhibit;
use super::{Caller, OfficeError};
use crate::evidence::media;
use crate::storage::DynStore;
use crate::storage::cases::is_iso_date;
use crate::storage::messages::{MessageCursor, MessageFilter};
use probity_domain::cases::Case;
use probity_domain::evidence::Exhibit;
use probity_domain::messages::{Message, MessageFilterFields};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;

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
