//! A case's records that people write by hand: parties, allegations and versioned notes.
//! Each change opens the case for editing, validates what was sent, saves it based on the
//! version the sender saw, and is audited.

use super::cases::{open_case, record};
use super::{Caller, OfficeError, validate};
use crate::storage::DynStore;
use probity_domain::cases::{Allegation, AllegationFields, Note, NoteVersion, Party, PartyFields};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;

/// Longest note, in characters.
pub const NOTE_MAX: usize = 20_000;

/// A case's parties, for a reader of the case (audited).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn parties(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<Party>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "party.list").await?;
    let parties = store.parties(case_id).await?;
    record(store, caller, case_id, "party.list", None, None).await?;
    Ok(parties)
}

/// One party of a case, or `NotFound`.
pub async fn find_party(
    store: &DynStore,
    case_id: i64,
    party_id: i64,
) -> Result<Party, OfficeError> {
    store
        .parties(case_id)
        .await?
        .into_iter()
        .find(|party| party.party_id == party_id)
        .ok_or(OfficeError::NotFound)
}

/// Adds a party.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_party(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    fields: &PartyFields,
) -> Result<Party, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "party.create").await?;
    let input = validate::party(fields).map_err(OfficeError::Invalid)?;
    let party = store.create_party(case_id, input).await?;
    let target = format!("party:{}", party.party_id);
    record(store, caller, case_id, "party.create", Some(target), None).await?;
    Ok(party)
}

/// Changes a party, based on `version`.
#[tracing::instrument(skip_all, fields(case_id, party_id))]
pub async fn update_party(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    party_id: i64,
    version: i64,
    fields: &PartyFields,
) -> Result<Party, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "party.update").await?;
    find_party(store, case_id, party_id).await?;
    let input = validate::party(fields).map_err(OfficeError::Invalid)?;
    let party = store
        .update_party(case_id, party_id, version, input)
        .await?;
    let target = format!("party:{party_id}");
    record(store, caller, case_id, "party.update", Some(target), None).await?;
    Ok(party)
}

/// A case's allegations, for a reader of the case (audited).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn allegations(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<Allegation>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "allegation.list").await?;
    let allegations = store.allegations(case_id).await?;
    record(store, caller, case_id, "allegation.list", None, None).await?;
    Ok(allegations)
}

/// One allegation of a case, or `NotFound`.
pub async fn find_allegation(
    store: &DynStore,
    case_id: i64,
    allegation_id: i64,
) -> Result<Allegation, OfficeError> {
    store
        .allegations(case_id)
        .await?
        .into_iter()
        .find(|allegation| allegation.allegation_id == allegation_id)
        .ok_or(OfficeError::NotFound)
}

async fn party_ids(store: &DynStore, case_id: i64) -> Result<Vec<i64>, OfficeError> {
    Ok(store
        .parties(case_id)
        .await?
        .iter()
        .map(|party| party.party_id)
        .collect())
}

/// Adds an allegation; its subject must be one of the case's parties.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_allegation(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    fields: &AllegationFields,
) -> Result<Allegation, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::EditCase,
        "allegation.create",
    )
    .await?;
    let ids = party_ids(store, case_id).await?;
    let input = validate::allegation(fields, &ids).map_err(OfficeError::Invalid)?;
    let allegation = store.create_allegation(case_id, input).await?;
    let target = format!("allegation:{}", allegation.allegation_id);
    record(
        store,
        caller,
        case_id,
        "allegation.create",
        Some(target),
        None,
    )
    .await?;
    Ok(allegation)
}

/// Changes an allegation, based on `version`.
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn update_allegation(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    allegation_id: i64,
    version: i64,
    fields: &AllegationFields,
) -> Result<Allegation, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::EditCase,
        "allegation.update",
    )
    .await?;
    find_allegation(store, case_id, allegation_id).await?;
    let ids = party_ids(store, case_id).await?;
    let input = validate::allegation(fields, &ids).map_err(OfficeError::Invalid)?;
    let allegation = store
        .update_allegation(case_id, allegation_id, version, input)
        .await?;
    let target = format!("allegation:{allegation_id}");
    record(
        store,
        caller,
        case_id,
        "allegation.update",
        Some(target),
        None,
    )
    .await?;
    Ok(allegation)
}

/// A case's notes, for a reader of the case (audited).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn notes(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<Note>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "note.list").await?;
    let notes = store.notes(case_id).await?;
    record(store, caller, case_id, "note.list", None, None).await?;
    Ok(notes)
}

/// One note of a case, or `NotFound`.
pub async fn find_note(store: &DynStore, case_id: i64, note_id: i64) -> Result<Note, OfficeError> {
    store
        .notes(case_id)
        .await?
        .into_iter()
        .find(|note| note.note_id == note_id)
        .ok_or(OfficeError::NotFound)
}

fn note_body(value: &str) -> Result<String, OfficeError> {
    let mut errors = FieldErrors::default();
    let body = validate::text(&mut errors, "body", value, true, NOTE_MAX, "the note");
    if errors.is_empty() {
        Ok(body)
    } else {
        Err(OfficeError::Invalid(errors))
    }
}

/// Adds a note by the caller.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_note(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    body: &str,
) -> Result<Note, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "note.create").await?;
    let body = note_body(body)?;
    let note = store
        .create_note(case_id, caller.user.user_id, &body)
        .await?;
    let target = format!("note:{}", note.note_id);
    record(store, caller, case_id, "note.create", Some(target), None).await?;
    Ok(note)
}

/// Adds a new version of a note, based on `version`; every earlier version is kept.
#[tracing::instrument(skip_all, fields(case_id, note_id))]
pub async fn edit_note(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    note_id: i64,
    version: i64,
    body: &str,
) -> Result<Note, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "note.update").await?;
    find_note(store, case_id, note_id).await?;
    let body = note_body(body)?;
    let note = store
        .edit_note(case_id, note_id, version, &body, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "note.update",
        Some(format!("note:{note_id}")),
        Some(format!("version {}", note.version)),
    )
    .await?;
    Ok(note)
}

/// Every version of a note, newest first (audited).
#[tracing::instrument(skip_all, fields(case_id, note_id))]
pub async fn note_history(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    note_id: i64,
) -> Result<Vec<NoteVersion>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "note.history").await?;
    let versions = store.note_versions(case_id, note_id).await?;
    if versions.is_empty() {
        return Err(OfficeError::NotFound);
    }
    record(
        store,
        caller,
        case_id,
        "note.history",
        Some(format!("note:{note_id}")),
        None,
    )
    .await?;
    Ok(versions)
}
