//! Redactions: the strings a case's public report leaves out (a name, a badge number), each
//! with its reason, and the sensitive exhibits (booking photos, personal data, restricted
//! files) a writer releases for publication one by one. The leak check at approval and at
//! publication reads both.

use super::cases::{OpenCase, open_case, record};
use super::{Caller, OfficeError};
use crate::reports::compose;
use crate::storage::{DynStore, StoreError};
use probity_domain::permissions::Action;
use probity_domain::reports::{Redaction, RedactionFields, RedactionReason};
use probity_domain::validation::FieldErrors;

/// An exhibit the public report withholds unless it is released, and why.
#[derive(Clone, Debug)]
pub struct SensitiveExhibit {
    pub exhibit_id: i64,
    /// 1 for E-1.
    pub number: i64,
    pub description: String,
    pub booking_photo: bool,
    pub personal_data: bool,
    pub restricted: bool,
    /// Released for publication.
    pub released: bool,
}

impl SensitiveExhibit {
    /// Why it is sensitive, in words: "booking photo, personal data".
    pub fn why(&self) -> String {
        let mut why = Vec::new();
        if self.booking_photo {
            why.push("booking photo");
        }
        if self.personal_data {
            why.push("personal data");
        }
        if self.restricted {
            why.push("restricted");
        }
        why.join(", ")
    }
}

/// A case's redactions and the sensitive exhibits the caller may see.
pub struct RedactionList {
    pub open: OpenCase,
    pub redactions: Vec<Redaction>,
    pub sensitive: Vec<SensitiveExhibit>,
}

/// A case's redactions and its sensitive exhibits with their releases (audited).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn redactions(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<RedactionList, OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "redaction.list").await?;
    let list = listing(store, caller, open).await?;
    record(
        store,
        caller,
        case_id,
        "redaction.list",
        Some("redactions".into()),
        None,
    )
    .await?;
    Ok(list)
}

/// The list for a case already opened (a form drawn again after a refusal).
pub async fn listing(
    store: &DynStore,
    caller: &Caller,
    open: OpenCase,
) -> Result<RedactionList, OfficeError> {
    let case_id = open.case.case_id;
    let redactions = store.redactions(case_id).await?;
    let released = store.releases(case_id).await?;
    let sensitive = store
        .exhibits(case_id, caller.user.user_id)
        .await?
        .into_iter()
        .filter(compose::is_sensitive)
        .map(|exhibit| SensitiveExhibit {
            released: released.contains(&exhibit.exhibit_id),
            exhibit_id: exhibit.exhibit_id,
            number: exhibit.number,
            description: exhibit.description,
            booking_photo: exhibit.booking_photo,
            personal_data: exhibit.personal_data,
            restricted: exhibit.restricted,
        })
        .collect();
    Ok(RedactionList {
        open,
        redactions,
        sensitive,
    })
}

/// Checks a redaction as sent: the text (trimmed) and its reason.
pub fn validate_redaction(
    fields: &RedactionFields,
) -> Result<(String, RedactionReason), FieldErrors> {
    let text = fields.text.trim().to_string();
    let mut errors = FieldErrors::default();
    if text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        errors.add(
            "text",
            "Enter the text to redact: at least two letters or digits",
        );
    }
    if text.chars().count() > 300 {
        errors.add("text", "The text must be 300 characters or fewer");
    }
    let reason = RedactionReason::parse(fields.reason.trim());
    if reason.is_none() {
        errors.add("reason", "Choose a reason");
    }
    match reason {
        Some(reason) if errors.is_empty() => Ok((text, reason)),
        _ => Err(errors),
    }
}

/// Adds a redaction; answers its id. The same text twice is refused as invalid.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_redaction(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    fields: &RedactionFields,
) -> Result<i64, OfficeError> {
    open_case(store, caller, case_id, Action::DraftReport, "redaction.add").await?;
    let (text, reason) = validate_redaction(fields).map_err(OfficeError::Invalid)?;
    // Redactions apply ignoring case, so one differing only in case adds nothing.
    let already = |errors: &mut FieldErrors| errors.add("text", "This text is already redacted");
    let lowered = text.to_lowercase();
    if store
        .redactions(case_id)
        .await?
        .iter()
        .any(|r| r.text.to_lowercase() == lowered)
    {
        let mut errors = FieldErrors::default();
        already(&mut errors);
        return Err(OfficeError::Invalid(errors));
    }
    let id = match store
        .add_redaction(case_id, &text, reason, caller.user.user_id)
        .await
    {
        Ok(id) => id,
        Err(StoreError::Conflict) => {
            let mut errors = FieldErrors::default();
            already(&mut errors);
            return Err(OfficeError::Invalid(errors));
        }
        Err(error) => return Err(error.into()),
    };
    record(
        store,
        caller,
        case_id,
        "redaction.add",
        Some(format!("redaction:{id}")),
        Some(reason.as_str().into()),
    )
    .await?;
    Ok(id)
}

/// Removes a redaction. One that is no longer there is a conflict (someone removed it
/// first), not a missing case.
#[tracing::instrument(skip_all, fields(case_id, redaction_id))]
pub async fn remove_redaction(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    redaction_id: i64,
) -> Result<(), OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::DraftReport,
        "redaction.remove",
    )
    .await?;
    match store.remove_redaction(case_id, redaction_id).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => {
            return Err(OfficeError::Conflict(
                "That redaction is not there: it was already removed.",
            ));
        }
        Err(error) => return Err(error.into()),
    }
    record(
        store,
        caller,
        case_id,
        "redaction.remove",
        Some(format!("redaction:{redaction_id}")),
        None,
    )
    .await
}

/// Releases a sensitive exhibit of the case for publication, or withholds it again. Only an
/// exhibit the caller may see; any other is refused as invalid (`exhibit_id`).
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn set_release(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    exhibit_id: Option<i64>,
    released: bool,
) -> Result<(), OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::DraftReport,
        "redaction.release",
    )
    .await?;
    let visible = store
        .exhibits(case_id, caller.user.user_id)
        .await?
        .iter()
        .any(|exhibit| Some(exhibit.exhibit_id) == exhibit_id);
    let Some(exhibit_id) = exhibit_id.filter(|_| visible) else {
        let mut errors = FieldErrors::default();
        errors.add("exhibit_id", "Choose an exhibit of this case");
        return Err(OfficeError::Invalid(errors));
    };
    store
        .set_release(case_id, exhibit_id, released, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "redaction.release",
        Some(format!("exhibit:{exhibit_id}")),
        Some(if released { "released" } else { "withheld" }.into()),
    )
    .await
}
