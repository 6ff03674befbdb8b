//! Imported messages over the API: filtered and paged by key, searched by POST body, and
//! one message at its stable address.

use super::problem::Problem;
use super::{ApiCaller, ApiJson, ApiPath, ApiQuery, SeenCase};
use crate::http::AppState;
use crate::office::{OfficeError, messages};
use axum::Json;
use axum::extract::State;
use probity_domain::messages::{Message, MessageFilterFields};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One message as read from its log.
#[derive(Serialize, ToSchema)]
pub struct MessageOut {
    pub id: i64,
    pub case_id: i64,
    /// The exhibit (message log) it was read from.
    pub exhibit_id: i64,
    /// That exhibit's label, `E-2`.
    pub exhibit_label: String,
    /// Its order in the log.
    pub position: i64,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub sent_at: String,
    pub sender: String,
    pub recipients: String,
    pub body: String,
    /// Where it was in the source file.
    pub source_location: String,
}

impl From<Message> for MessageOut {
    fn from(message: Message) -> MessageOut {
        MessageOut {
            id: message.message_id,
            case_id: message.case_id,
            exhibit_id: message.exhibit_id,
            exhibit_label: format!("E-{}", message.exhibit_number),
            position: message.position,
            sent_at: message.sent_at,
            sender: message.sender,
            recipients: message.recipients,
            body: message.body,
            source_location: message.source_location,
        }
    }
}

/// One page of messages, oldest first.
#[derive(Serialize, ToSchema)]
pub struct MessagePageOut {
    pub items: Vec<MessageOut>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// The filters of the message list.
#[derive(Deserialize, Serialize, Default, IntoParams, ToSchema)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MessageQuery {
    /// Only the messages of this log (an exhibit id).
    pub exhibit: String,
    /// A name or number in the sender or the recipients.
    pub participant: String,
    /// `YYYY-MM-DD`, inclusive, UTC.
    pub from: String,
    /// `YYYY-MM-DD`, inclusive, UTC.
    pub to: String,
    /// The `next` of the previous page.
    pub after: String,
    /// Messages per page, 1 to 500 (default 100).
    pub limit: Option<i64>,
}

/// A message search: words, which never travel in an address, and the list's filters.
#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
pub struct MessageSearchIn {
    /// Words to find in the messages' text.
    #[schema(max_length = 200)]
    pub q: String,
    #[serde(flatten)]
    pub filters: MessageQuery,
}

async fn listing(
    state: &AppState,
    api: &ApiCaller,
    case_id: i64,
    query: &MessageQuery,
    q: &str,
) -> Result<Json<MessagePageOut>, Problem> {
    let fields = MessageFilterFields {
        exhibit: query.exhibit.clone(),
        participant: query.participant.clone(),
        from: query.from.clone(),
        to: query.to.clone(),
        q: q.to_string(),
    };
    let listing = messages::list_messages(
        &state.store,
        &api.caller,
        case_id,
        &fields,
        &query.after,
        query.limit.unwrap_or(100),
    )
    .await?;
    if !listing.errors.is_empty() {
        return Err(OfficeError::Invalid(listing.errors).into());
    }
    Ok(Json(MessagePageOut {
        items: listing.messages.into_iter().map(Into::into).collect(),
        next: listing.next,
    }))
}

/// A case's messages, from the logs you may see, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/messages",
    tag = "messages",
    params(("case_id" = i64, Path, description = "The case's id"), MessageQuery),
    responses(
        (status = 200, description = "One page of messages", body = MessagePageOut),
        (status = 422, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn list(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiQuery(query): ApiQuery<MessageQuery>,
) -> Result<Json<MessagePageOut>, Problem> {
    listing(&state, &api, case_id, &query, "").await
}

/// Searches a case's messages; the words travel in the body.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/messages/search",
    tag = "messages",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = MessageSearchIn,
    responses(
        (status = 200, description = "One page of matching messages", body = MessagePageOut),
        (status = 422, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn search(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(search): ApiJson<MessageSearchIn>,
) -> Result<Json<MessagePageOut>, Problem> {
    listing(&state, &api, case_id, &search.filters, &search.q).await
}

/// One message.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/messages/{message_id}",
    tag = "messages",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("message_id" = i64, Path, description = "The message's id"),
    ),
    responses((status = 200, description = "The message", body = MessageOut)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, message_id))]
pub async fn message(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, message_id)): ApiPath<(i64, i64)>,
) -> Result<Json<MessageOut>, Problem> {
    let (_, message) =
        messages::read_message(&state.store, &api.caller, case_id, message_id).await?;
    Ok(Json(message.into()))
}

/// A message log: an exhibit that is text, with how many messages were read from it.
#[derive(Serialize, ToSchema)]
pub struct MessageLogOut {
    pub exhibit_id: i64,
    /// `E-2`.
    pub label: String,
    pub description: String,
    /// As the uploader's computer named it.
    pub original_filename: String,
    pub media_type: String,
    /// Messages read from it so far (0 until it is imported).
    pub messages: i64,
}

/// A case's message logs: the text exhibits the caller may see, imported or not.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/message-logs",
    tag = "messages",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses((status = 200, description = "The logs, in exhibit order", body = Vec<MessageLogOut>)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn logs(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<MessageLogOut>>, Problem> {
    let logs = messages::message_logs(&state.store, &api.caller, case_id).await?;
    Ok(Json(
        logs.into_iter()
            .map(|log| MessageLogOut {
                exhibit_id: log.exhibit.exhibit_id,
                label: log.exhibit.label(),
                description: log.exhibit.description,
                original_filename: log.exhibit.original_filename,
                media_type: log.exhibit.media_type,
                messages: log.messages,
            })
            .collect(),
    ))
}
