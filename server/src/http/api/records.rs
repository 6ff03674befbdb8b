//! A case's parties, allegations and notes over the API.

use super::problem::Problem;
use super::schema::{
    AllegationIn, AllegationOut, NoteIn, NoteOut, NoteVersionOut, PartyIn, PartyOut,
};
use super::{ApiCaller, ApiJson, ApiPath, SeenCase, Writer, if_match, tagged};
use crate::http::AppState;
use crate::office::{OfficeError, records};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

/// The parties of a case.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/parties",
    tag = "records",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The parties", body = Vec<PartyOut>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn parties(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<PartyOut>>, Problem> {
    let parties = records::parties(&state.store, &api.caller, case_id).await?;
    Ok(Json(parties.into_iter().map(Into::into).collect()))
}

/// One party.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/parties/{party_id}",
    tag = "records",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("party_id" = i64, Path, description = "The party's id"),
    ),
    responses(
        (status = 200, description = "The party", body = PartyOut,
            headers(("ETag" = String, description = "The party's version"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, party_id))]
pub async fn party(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, party_id)): ApiPath<(i64, i64)>,
) -> Result<Response, Problem> {
    let party = records::parties(&state.store, &api.caller, case_id)
        .await?
        .into_iter()
        .find(|party| party.party_id == party_id)
        .ok_or_else(Problem::not_found)?;
    Ok(tagged(StatusCode::OK, party.version, PartyOut::from(party)))
}

/// Adds a party.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/parties",
    tag = "records",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = PartyIn,
    responses(
        (status = 201, description = "The new party", body = PartyOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_party(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<PartyIn>,
) -> Result<Response, Problem> {
    let party = records::add_party(&state.store, &caller, case_id, &body.fields()).await?;
    Ok(tagged(
        StatusCode::CREATED,
        party.version,
        PartyOut::from(party),
    ))
}

/// Changes a party, based on the version in `If-Match`.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}/parties/{party_id}",
    tag = "records",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("party_id" = i64, Path, description = "The party's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on"),
    ),
    request_body = PartyIn,
    responses(
        (status = 200, description = "The party as saved", body = PartyOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, party_id))]
pub async fn update_party(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, party_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PartyIn>,
) -> Result<Response, Problem> {
    let version = if_match(&headers)?;
    match records::update_party(
        &state.store,
        &caller,
        case_id,
        party_id,
        version,
        &body.fields(),
    )
    .await
    {
        Ok(party) => Ok(tagged(StatusCode::OK, party.version, PartyOut::from(party))),
        Err(OfficeError::Stale) => {
            let current = records::find_party(&state.store, case_id, party_id).await?;
            Err(Problem::stale(Some(current.version)))
        }
        Err(error) => Err(error.into()),
    }
}

/// The allegations of a case.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/allegations",
    tag = "records",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The allegations", body = Vec<AllegationOut>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn allegations(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<AllegationOut>>, Problem> {
    let allegations = records::allegations(&state.store, &api.caller, case_id).await?;
    Ok(Json(allegations.into_iter().map(Into::into).collect()))
}

/// One allegation.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/allegations/{allegation_id}",
    tag = "records",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("allegation_id" = i64, Path, description = "The allegation's id"),
    ),
    responses(
        (status = 200, description = "The allegation", body = AllegationOut,
            headers(("ETag" = String, description = "The allegation's version"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn allegation(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, allegation_id)): ApiPath<(i64, i64)>,
) -> Result<Response, Problem> {
    let allegation = records::allegations(&state.store, &api.caller, case_id)
        .await?
        .into_iter()
        .find(|allegation| allegation.allegation_id == allegation_id)
        .ok_or_else(Problem::not_found)?;
    Ok(tagged(
        StatusCode::OK,
        allegation.version,
        AllegationOut::from(allegation),
    ))
}

/// Adds an allegation.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/allegations",
    tag = "records",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = AllegationIn,
    responses(
        (status = 201, description = "The new allegation", body = AllegationOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_allegation(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<AllegationIn>,
) -> Result<Response, Problem> {
    let allegation =
        records::add_allegation(&state.store, &caller, case_id, &body.fields()).await?;
    Ok(tagged(
        StatusCode::CREATED,
        allegation.version,
        AllegationOut::from(allegation),
    ))
}

/// Changes an allegation, based on the version in `If-Match`.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}/allegations/{allegation_id}",
    tag = "records",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("allegation_id" = i64, Path, description = "The allegation's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on"),
    ),
    request_body = AllegationIn,
    responses(
        (status = 200, description = "The allegation as saved", body = AllegationOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn update_allegation(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, allegation_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AllegationIn>,
) -> Result<Response, Problem> {
    let version = if_match(&headers)?;
    let saved = records::update_allegation(
        &state.store,
        &caller,
        case_id,
        allegation_id,
        version,
        &body.fields(),
    )
    .await;
    match saved {
        Ok(allegation) => Ok(tagged(
            StatusCode::OK,
            allegation.version,
            AllegationOut::from(allegation),
        )),
        Err(OfficeError::Stale) => {
            let current = records::find_allegation(&state.store, case_id, allegation_id).await?;
            Err(Problem::stale(Some(current.version)))
        }
        Err(error) => Err(error.into()),
    }
}

/// The notes of a case, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/notes",
    tag = "records",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The notes", body = Vec<NoteOut>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn notes(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<NoteOut>>, Problem> {
    let notes = records::notes(&state.store, &api.caller, case_id).await?;
    Ok(Json(notes.into_iter().map(Into::into).collect()))
}

/// Adds a note.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/notes",
    tag = "records",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = NoteIn,
    responses(
        (status = 201, description = "The new note", body = NoteOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The note is not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_note(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<NoteIn>,
) -> Result<Response, Problem> {
    let note = records::add_note(&state.store, &caller, case_id, &body.body).await?;
    Ok(tagged(
        StatusCode::CREATED,
        note.version,
        NoteOut::from(note),
    ))
}

/// Adds a new version of a note, based on the version in `If-Match`.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}/notes/{note_id}",
    tag = "records",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("note_id" = i64, Path, description = "The note's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on"),
    ),
    request_body = NoteIn,
    responses(
        (status = 200, description = "The note as saved", body = NoteOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The note is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, note_id))]
pub async fn update_note(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, note_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NoteIn>,
) -> Result<Response, Problem> {
    let version = if_match(&headers)?;
    match records::edit_note(&state.store, &caller, case_id, note_id, version, &body.body).await {
        Ok(note) => Ok(tagged(StatusCode::OK, note.version, NoteOut::from(note))),
        Err(OfficeError::Stale) => {
            let current = records::find_note(&state.store, case_id, note_id).await?;
            Err(Problem::stale(Some(current.version)))
        }
        Err(error) => Err(error.into()),
    }
}

/// Every version of a note, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/notes/{note_id}/versions",
    tag = "records",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("note_id" = i64, Path, description = "The note's id"),
    ),
    responses(
        (status = 200, description = "The versions", body = Vec<NoteVersionOut>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, note_id))]
pub async fn note_history(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, note_id)): ApiPath<(i64, i64)>,
) -> Result<Json<Vec<NoteVersionOut>>, Problem> {
    let versions = records::note_history(&state.store, &api.caller, case_id, note_id).await?;
    Ok(Json(versions.into_iter().map(Into::into).collect()))
}
