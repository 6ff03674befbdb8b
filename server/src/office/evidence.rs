//! Evidence: files received as byte streams (the upload form, the API, a message log's
//! attachments all come through here), recorded as exhibits with their hash, custody and
//! audit; opening, viewing and downloading an exhibit with its custody steps and its
//! integrity check.

use super::cases::{open_case, record};
use super::{Caller, OfficeError, validate};
use crate::blobs::{BlobError, BlobReader, BlobStore, BlobWriter, StoredBlob, rehash};
use crate::evidence::ocr::OcrQueue;
use crate::evidence::{media, previews};
use crate::storage::cases::is_iso_date;
use crate::storage::evidence::NewExhibit;
use crate::storage::{DynStore, Outcome};
use probity_domain::cases::Case;
use probity_domain::evidence::{CustodyAction, CustodyEvent, Exhibit, ExhibitFields, OcrStatus};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;
use std::sync::Arc;

/// Most files in one upload.
pub const MAX_FILES: usize = 50;

/// Where evidence goes: the records, the content, and text extraction.
#[derive(Clone, Copy)]
pub struct Vault<'a> {
    pub store: &'a DynStore,
    pub blobs: &'a Arc<dyn BlobStore>,
    pub ocr: &'a OcrQueue,
}

/// One file arriving as a stream of chunks: written to the blob store as it comes, hashed
/// on the way, held to the size limit. The adapter feeds it whatever its wire format gives.
pub struct Intake {
    writer: Option<Box<dyn BlobWriter>>,
    too_large: bool,
}

/// How a received file ended.
pub enum Received {
    /// Durable, under its SHA-256.
    Stored(StoredBlob),
    /// Over the limit: nothing was kept.
    TooLarge,
    /// No bytes: nothing was kept.
    Empty,
}

impl Intake {
    /// Starts receiving one file of at most `limit` bytes.
    pub async fn start(blobs: &Arc<dyn BlobStore>, limit: u64) -> Result<Intake, BlobError> {
        Ok(Intake {
            writer: Some(blobs.writer(limit).await?),
            too_large: false,
        })
    }

    /// Takes the next chunk. `Ok(false)` once the file is over the limit: stop sending.
    pub async fn push(&mut self, chunk: bytes::Bytes) -> Result<bool, BlobError> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(false);
        };
        match writer.write(chunk).await {
            Ok(()) => Ok(true),
            Err(BlobError::TooLarge { .. }) => {
                self.too_large = true;
                if let Some(writer) = self.writer.take() {
                    writer.abort().await;
                }
                Ok(false)
            }
            Err(error) => {
                if let Some(writer) = self.writer.take() {
                    writer.abort().await;
                }
                Err(error)
            }
        }
    }

    /// The stream ended: the file is made durable (or was refused).
    pub async fn finish(mut self) -> Result<Received, BlobError> {
        if self.too_large {
            return Ok(Received::TooLarge);
        }
        let Some(writer) = self.writer.take() else {
            return Ok(Received::TooLarge);
        };
        match writer.finish().await {
            Ok(blob) => Ok(Received::Stored(blob)),
            Err(BlobError::Empty) => Ok(Received::Empty),
            Err(error) => Err(error),
        }
    }

    /// The stream failed or the request was refused: nothing is kept.
    pub async fn abort(mut self) {
        if let Some(writer) = self.writer.take() {
            writer.abort().await;
        }
    }
}

/// The validated details that apply to every file of one upload.
#[derive(Clone, Debug)]
pub struct ExhibitDetails {
    pub description: String,
    pub provided_by: String,
    pub collected_by: String,
    pub collected_at: String,
    pub captured_by: String,
    pub captured_at: String,
    pub capture_device: String,
    pub capture_shows: String,
}

/// Checks an upload's details (before any file is stored).
pub fn validate_details(values: &ExhibitFields) -> Result<ExhibitDetails, FieldErrors> {
    let mut errors = FieldErrors::default();
    let description = validate::text(
        &mut errors,
        "description",
        &values.description,
        false,
        2_000,
        "a description",
    );
    let provided_by = validate::line(
        &mut errors,
        "provided_by",
        &values.provided_by,
        false,
        200,
        "who provided it",
    );
    let collected_by = validate::line(
        &mut errors,
        "collected_by",
        &values.collected_by,
        false,
        200,
        "who collected it",
    );
    let collected_at = values.collected_at.trim().to_string();
    if !collected_at.is_empty() && !is_iso_date(&collected_at) {
        errors.add("collected_at", "Enter the date as YYYY-MM-DD.");
    }
    let captured_by = validate::line(
        &mut errors,
        "captured_by",
        &values.captured_by,
        false,
        200,
        "who captured it",
    );
    let captured_at = validate::line(
        &mut errors,
        "captured_at",
        &values.captured_at,
        false,
        100,
        "when",
    );
    let capture_device = validate::line(
        &mut errors,
        "capture_device",
        &values.capture_device,
        false,
        200,
        "the device",
    );
    let capture_shows = validate::line(
        &mut errors,
        "capture_shows",
        &values.capture_shows,
        false,
        500,
        "what it shows",
    );
    if errors.is_empty() {
        Ok(ExhibitDetails {
            description,
            provided_by,
            collected_by,
            collected_at,
            captured_by,
            captured_at,
            capture_device,
            capture_shows,
        })
    } else {
        Err(errors)
    }
}

/// Records the files of an accepted upload as exhibits, each audited with its hash, then
/// draws thumbnails and queues text extraction. The files are already durable.
#[tracing::instrument(skip_all, fields(case_id, files = stored.len()))]
pub async fn add_exhibits(
    vault: Vault<'_>,
    caller: &Caller,
    case_id: i64,
    values: &ExhibitFields,
    details: &ExhibitDetails,
    stored: Vec<(String, StoredBlob)>,
) -> Result<Vec<Exhibit>, OfficeError> {
    let team = vault.store.team(case_id).await?;
    let mut access: Vec<i64> = values
        .access
        .iter()
        .filter_map(|id| id.trim().parse::<i64>().ok())
        .filter(|id| team.iter().any(|member| member.user_id == *id))
        .collect();
    access.push(caller.user.user_id);
    let mut added = Vec::new();
    for (filename, blob) in stored {
        let detected = media::detect(&blob.head, &filename);
        let exhibit = vault
            .store
            .create_exhibit(NewExhibit {
                case_id,
                parent_exhibit_id: None,
                description: if details.description.is_empty() {
                    filename.clone()
                } else {
                    details.description.clone()
                },
                original_filename: filename,
                sha256: blob.sha256.clone(),
                size_bytes: i64::try_from(blob.size).unwrap_or(i64::MAX),
                media_type: detected.media_type.clone(),
                extension_mismatch: detected.extension_mismatch,
                provided_by: details.provided_by.clone(),
                collected_by: details.collected_by.clone(),
                collected_at: details.collected_at.clone(),
                personal_data: !values.personal_data.is_empty(),
                criminal_justice: !values.criminal_justice.is_empty(),
                booking_photo: !values.booking_photo.is_empty(),
                restricted: !values.restricted.is_empty(),
                captured_by: details.captured_by.clone(),
                captured_at: details.captured_at.clone(),
                capture_device: details.capture_device.clone(),
                capture_shows: details.capture_shows.clone(),
                ocr_status: vault.ocr.initial_status(&detected.media_type),
                uploaded_by: caller.user.user_id,
                access: access.clone(),
            })
            .await?;
        record(
            vault.store,
            caller,
            case_id,
            "exhibit.upload",
            Some(format!("exhibit:{}", exhibit.exhibit_id)),
            Some(format!("{} sha256 {}", exhibit.label(), exhibit.sha256)),
        )
        .await?;
        make_previews(vault, &exhibit).await;
        added.push(exhibit);
    }
    Ok(added)
}

/// Records a file found inside an exhibit (an e-mail's attachment) as its child exhibit,
/// with the parent's sensitivity and restriction.
pub async fn add_attachment(
    vault: Vault<'_>,
    caller: &Caller,
    parent: &Exhibit,
    access: &[i64],
    name: &str,
    blob: &StoredBlob,
) -> Result<Exhibit, OfficeError> {
    let detected = media::detect(&blob.head, name);
    let child = vault
        .store
        .create_exhibit(NewExhibit {
            case_id: parent.case_id,
            parent_exhibit_id: Some(parent.exhibit_id),
            description: format!("Attachment {name} of {}", parent.label()),
            original_filename: name.to_string(),
            sha256: blob.sha256.clone(),
            size_bytes: i64::try_from(blob.size).unwrap_or(i64::MAX),
            media_type: detected.media_type.clone(),
            extension_mismatch: detected.extension_mismatch,
            provided_by: parent.provided_by.clone(),
            collected_by: parent.collected_by.clone(),
            collected_at: parent.collected_at.clone(),
            personal_data: parent.personal_data,
            criminal_justice: parent.criminal_justice,
            booking_photo: parent.booking_photo,
            restricted: parent.restricted,
            captured_by: String::new(),
            captured_at: String::new(),
            capture_device: String::new(),
            capture_shows: String::new(),
            ocr_status: vault.ocr.initial_status(&detected.media_type),
            uploaded_by: caller.user.user_id,
            access: access.to_vec(),
        })
        .await?;
    make_previews(vault, &child).await;
    Ok(child)
}

/// An upload refused after some files were written: what it wrote goes again, unless a
/// record already refers to the same content (another exhibit with identical bytes). The
/// refusal is audited.
pub async fn refuse_upload(
    vault: Vault<'_>,
    caller: &Caller,
    case_id: i64,
    stored: &[(String, StoredBlob)],
) -> Result<(), OfficeError> {
    forget_blobs(vault, stored).await;
    vault
        .store
        .append_audit(
            caller
                .audit("exhibit.upload", Outcome::Refused)
                .case(case_id)
                .detail("invalid upload"),
        )
        .await?;
    Ok(())
}

/// Files written for a request that was then refused go again, unless a record already
/// refers to the same content. A failure is logged: the sweep of unreferenced blobs removes
/// what is left.
pub async fn forget_blobs(vault: Vault<'_>, stored: &[(String, StoredBlob)]) {
    for (_, blob) in stored {
        match vault.store.blob_in_use(&blob.sha256).await {
            Ok(false) => {
                if let Err(error) = vault.blobs.remove(&blob.sha256).await {
                    tracing::warn!(%error, "cannot remove a refused file; the sweep will");
                }
            }
            Ok(true) => {}
            Err(error) => tracing::warn!(%error, "cannot check a refused file; the sweep will"),
        }
    }
}

/// Draws a thumbnail now and queues text extraction; a failure here never fails the upload.
pub(crate) async fn make_previews(vault: Vault<'_>, exhibit: &Exhibit) {
    if exhibit.ocr_status == OcrStatus::Pending
        && let Err(error) = vault.ocr.enqueue(exhibit.case_id, exhibit.exhibit_id).await
    {
        // The exhibit stays pending; the next start submits it again.
        tracing::error!(exhibit_id = exhibit.exhibit_id, %error, "cannot submit text extraction");
    }
    if !previews::is_thumbnailable(&exhibit.media_type) {
        return;
    }
    let Ok(copy) = vault.blobs.local_copy(&exhibit.sha256).await else {
        return;
    };
    match previews::thumbnail(copy.path().to_path_buf()).await {
        Ok(png) => match vault.blobs.put_bytes(&png).await {
            Ok(blob) => {
                if let Err(error) = vault
                    .store
                    .set_thumbnail(exhibit.exhibit_id, &blob.sha256)
                    .await
                {
                    tracing::error!(%error, "cannot record thumbnail");
                }
            }
            Err(error) => tracing::error!(%error, "cannot store thumbnail"),
        },
        Err(error) => tracing::warn!(exhibit_id = exhibit.exhibit_id, %error, "no thumbnail"),
    }
}

/// Opens an exhibit the caller may see: the case first, then the exhibit's own restriction.
/// A restricted exhibit is `NotFound` to anyone not named on it, as if it did not exist.
pub async fn open_exhibit(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    exhibit_id: i64,
    audit_action: &'static str,
) -> Result<(Case, Exhibit, Vec<i64>), OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, audit_action).await?;
    let exhibit = store.exhibit(case_id, exhibit_id).await?;
    let access = match &exhibit {
        Some(exhibit) if exhibit.restricted => store.exhibit_access(exhibit_id).await?,
        _ => Vec::new(),
    };
    match exhibit {
        Some(exhibit) if !exhibit.restricted || access.contains(&caller.user.user_id) => {
            Ok((open.case, exhibit, access))
        }
        _ => {
            store
                .append_audit(
                    caller
                        .audit(audit_action, Outcome::Refused)
                        .case(case_id)
                        .target(format!("exhibit:{exhibit_id}"))
                        .detail("not found or restricted"),
                )
                .await?;
            Err(OfficeError::NotFound)
        }
    }
}

/// Opens an exhibit to look at it: a custody step ("viewed", with what was looked at) and
/// an audit entry.
pub async fn view_exhibit(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    exhibit_id: i64,
    audit_action: &'static str,
    what: &str,
) -> Result<(Case, Exhibit, Vec<i64>), OfficeError> {
    let opened = open_exhibit(store, caller, case_id, exhibit_id, audit_action).await?;
    store
        .append_custody(
            exhibit_id,
            CustodyAction::Viewed,
            caller.user.user_id,
            what,
            &opened.1.sha256,
        )
        .await?;
    record(
        store,
        caller,
        case_id,
        audit_action,
        Some(format!("exhibit:{exhibit_id}")),
        None,
    )
    .await?;
    Ok(opened)
}

/// The exhibits of a case the caller may see (restricted ones only when named), audited.
pub async fn exhibits(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<Exhibit>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "exhibit.list").await?;
    let exhibits = store.exhibits(case_id, caller.user.user_id).await?;
    record(store, caller, case_id, "exhibit.list", None, None).await?;
    Ok(exhibits)
}

/// One page of a case's exhibits the caller may see, `limit` after exhibit number `after`
/// (audited), with the number to continue after when there are more.
pub async fn exhibits_page(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    after: i64,
    limit: i64,
) -> Result<(super::cases::OpenCase, Vec<Exhibit>, Option<i64>), OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "exhibit.list").await?;
    let limit = limit.clamp(1, 500);
    // One more than shown tells whether another page follows.
    let mut exhibits = store
        .exhibits_page(case_id, caller.user.user_id, after.max(0), limit + 1)
        .await?;
    let next = if exhibits.len() as i64 > limit {
        exhibits.truncate(limit as usize);
        exhibits.last().map(|exhibit| exhibit.number)
    } else {
        None
    };
    record(
        store,
        caller,
        case_id,
        "exhibit.list",
        None,
        Some(format!("{} shown", exhibits.len())),
    )
    .await?;
    Ok((open, exhibits, next))
}

/// An exhibit's chain of custody, oldest first, audited.
pub async fn custody(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    exhibit_id: i64,
) -> Result<Vec<CustodyEvent>, OfficeError> {
    open_exhibit(store, caller, case_id, exhibit_id, "exhibit.custody").await?;
    let custody = store.custody(exhibit_id).await?;
    record(
        store,
        caller,
        case_id,
        "exhibit.custody",
        Some(format!("exhibit:{exhibit_id}")),
        None,
    )
    .await?;
    Ok(custody)
}

/// An original ready to send: the exhibit and its content.
pub struct Download {
    pub case: Case,
    pub exhibit: Exhibit,
    pub access: Vec<i64>,
    pub content: Option<BlobReader>,
}

/// Hands out an original for a stated reason, after checking that its content still has
/// its recorded hash. A mismatch refuses the download, enters the integrity alarm in the
/// custody log and the audit trail, and answers `Integrity`. A missing reason is
/// `Invalid`, with the exhibit (for the page to draw again) left out.
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn download(
    vault: Vault<'_>,
    caller: &Caller,
    case_id: i64,
    exhibit_id: i64,
    reason: &str,
) -> Result<Download, OfficeError> {
    let store = vault.store;
    let (case, exhibit, access) =
        open_exhibit(store, caller, case_id, exhibit_id, "exhibit.download").await?;
    // Criminal-justice information leaves the system only after a fresh second factor
    // (CJIS): the check comes after the access check, so others still get "not found".
    if exhibit.criminal_justice && !caller.confirmed {
        return Err(OfficeError::ConfirmationNeeded);
    }
    let mut errors = FieldErrors::default();
    let reason = validate::line(
        &mut errors,
        "reason",
        reason,
        true,
        500,
        "why you need the original",
    );
    if !errors.is_empty() {
        return Err(OfficeError::Invalid(errors));
    }
    // A store on this machine's disk is hashed whole first, so that a changed file is
    // refused with a page; a remote one is checked while it streams (below).
    if vault.blobs.reads_are_local() {
        let actual = match rehash(&**vault.blobs, &exhibit.sha256).await {
            Ok(actual) => actual,
            Err(BlobError::Missing) => "missing".to_string(),
            Err(error) => return Err(OfficeError::Blob(error)),
        };
        if actual != exhibit.sha256 {
            integrity_alarm(store, caller, case_id, exhibit_id, &exhibit.sha256, &actual).await?;
            return Err(OfficeError::Integrity);
        }
    }
    store
        .append_custody(
            exhibit_id,
            CustodyAction::Downloaded,
            caller.user.user_id,
            &reason,
            &exhibit.sha256,
        )
        .await?;
    record(
        store,
        caller,
        case_id,
        "exhibit.download",
        Some(format!("exhibit:{exhibit_id}")),
        None,
    )
    .await?;
    let content = match vault.blobs.open(&exhibit.sha256).await {
        Ok(content) => content,
        Err(BlobError::Missing) => {
            integrity_alarm(
                store,
                caller,
                case_id,
                exhibit_id,
                &exhibit.sha256,
                "missing",
            )
            .await?;
            return Err(OfficeError::Integrity);
        }
        Err(error) => return Err(OfficeError::Blob(error)),
    };
    let content = if vault.blobs.reads_are_local() {
        content
    } else {
        // The hash is known only at the end: the last chunk is held back until it is, and a
        // mismatch cuts the download short of its length and raises the alarm.
        let store = store.clone();
        let caller = caller.clone();
        let expected = exhibit.sha256.clone();
        let alarm: Box<dyn FnOnce(String) + Send> = Box::new(move |actual: String| {
            tokio::spawn(async move {
                let raised =
                    integrity_alarm(&store, &caller, case_id, exhibit_id, &expected, &actual).await;
                if let Err(error) = raised {
                    tracing::error!(exhibit_id, %error, "could not record the integrity alarm");
                }
            });
        });
        crate::blobs::verified(
            content,
            exhibit.sha256.clone(),
            exhibit.size_bytes.max(0) as u64,
            alarm,
        )
    };
    Ok(Download {
        case,
        exhibit,
        access,
        content: Some(content),
    })
}

/// Logs and records that an exhibit's stored content no longer has its hash: a custody entry
/// and a refused download in the audit trail.
pub(crate) async fn integrity_alarm(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    exhibit_id: i64,
    expected: &str,
    actual: &str,
) -> Result<(), OfficeError> {
    tracing::error!(exhibit_id, %expected, %actual, "integrity alarm: stored evidence changed");
    store
        .append_custody(
            exhibit_id,
            CustodyAction::IntegrityFailure,
            caller.user.user_id,
            &format!("Download refused: content now hashes to {actual}"),
            expected,
        )
        .await?;
    store
        .append_audit(
            caller
                .audit("exhibit.download", Outcome::Refused)
                .case(case_id)
                .target(format!("exhibit:{exhibit_id}"))
                .detail("integrity alarm"),
        )
        .await?;
    Ok(())
}

/// Records that an exhibit (or a copy) left the office: to whom and why, as a custody step.
pub async fn record_transfer(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    exhibit_id: i64,
    to_whom: &str,
    why: &str,
) -> Result<(), OfficeError> {
    let (_, exhibit, _) =
        open_exhibit(store, caller, case_id, exhibit_id, "exhibit.transfer").await?;
    open_case(store, caller, case_id, Action::EditCase, "exhibit.transfer").await?;
    let mut errors = FieldErrors::default();
    let to_whom = validate::line(
        &mut errors,
        "to_whom",
        to_whom,
        true,
        200,
        "who received it",
    );
    let why = validate::line(&mut errors, "transfer_reason", why, true, 500, "why");
    if !errors.is_empty() {
        return Err(OfficeError::Invalid(errors));
    }
    store
        .append_custody(
            exhibit_id,
            CustodyAction::Transferred,
            caller.user.user_id,
            &format!("To {to_whom}: {why}"),
            &exhibit.sha256,
        )
        .await?;
    record(
        store,
        caller,
        case_id,
        "exhibit.transfer",
        Some(format!("exhibit:{exhibit_id}")),
        None,
    )
    .await
}
