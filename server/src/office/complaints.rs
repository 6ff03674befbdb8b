//! The front door: complaints from the public form (no account), calls and letters that
//! staff log, the anonymous complainant's follow-up with a receipt code, and triage: the
//! queue, questions to the complainant, and each complaint's outcome (a new case, merged
//! into a case, referred, or closed with a reason).
//!
//! A complainant's identity is protected as the IG Act asks: the audit trail records what
//! was done to which complaint, never the address of an anonymous complainant; contact
//! details stay on the complaint record, which only intake staff see, and never go into the
//! case's exhibits.

use super::cases::{open_case, record, require};
use super::evidence::{Vault, make_previews};
use super::{Caller, OfficeError, validate};
use crate::auth::password::HashGate;
use crate::auth::receipt::{self, Receipt};
use crate::blobs::StoredBlob;
use crate::evidence::media;
use crate::storage::cases::is_iso_date;
use crate::storage::complaints::{CaseTarget, Decision, NewComplaint, NewComplaintFile};
use crate::storage::evidence::NewExhibit;
use crate::storage::{DynStore, NewAuditEvent, Outcome};
use probity_domain::cases::{CaseFields, IntakeChannel};
use probity_domain::complaints::{
    CloseReason, Complaint, ComplaintChannel, ComplaintFields, ComplaintFile, ComplaintMessage,
    ComplaintStatus, HowKnown, IntakeCounts, TriageStep,
};
use probity_domain::permissions::{Action, Grant, grant};
use probity_domain::validation::FieldErrors;
use time::OffsetDateTime;

/// The name the audit trail gives a complainant who came through the public pages.
pub const COMPLAINANT: &str = "complainant";

/// Longest account of what happened, in characters.
pub const MAX_ACCOUNT: usize = 20_000;

/// Longest message in the conversation, in characters.
pub const MAX_MESSAGE: usize = 10_000;

/// A complaint's form values, checked.
#[derive(Clone, Debug)]
pub struct ValidComplaint {
    pub channel: ComplaintChannel,
    pub what_happened: String,
    pub agency: String,
    pub people_involved: String,
    pub when_happened: String,
    pub where_happened: String,
    pub how_known: Option<HowKnown>,
    pub wants_contact: bool,
    pub contact_name: String,
    pub contact_details: String,
    pub received_at: OffsetDateTime,
}

/// Checks a complaint's form: the public form (`staff` false) or a call or letter logged by
/// staff, which also says how it came and when.
pub fn validate_complaint(
    fields: &ComplaintFields,
    staff: bool,
) -> Result<ValidComplaint, FieldErrors> {
    let mut errors = FieldErrors::default();
    let what_happened = validate::text(
        &mut errors,
        "what_happened",
        &fields.what_happened,
        true,
        MAX_ACCOUNT,
        "what happened",
    );
    let agency = validate::line(
        &mut errors,
        "agency",
        &fields.agency,
        false,
        200,
        "the agency",
    );
    let people_involved = validate::text(
        &mut errors,
        "people_involved",
        &fields.people_involved,
        false,
        2_000,
        "who was involved",
    );
    let when_happened = validate::line(
        &mut errors,
        "when_happened",
        &fields.when_happened,
        false,
        200,
        "when it happened",
    );
    let where_happened = validate::line(
        &mut errors,
        "where_happened",
        &fields.where_happened,
        false,
        300,
        "where it happened",
    );
    let how_known = match fields.how_known.trim() {
        "" => None,
        value => validate::choice(
            &mut errors,
            "how_known",
            value,
            HowKnown::parse,
            "how you know",
        ),
    };
    let wants_contact = fields.wants_contact.trim() == "yes";
    let contact_name = validate::line(
        &mut errors,
        "contact_name",
        &fields.contact_name,
        false,
        200,
        "your name",
    );
    let contact_details = validate::text(
        &mut errors,
        "contact_details",
        &fields.contact_details,
        false,
        500,
        "how to reach you",
    );
    if wants_contact && contact_details.is_empty() && !staff {
        errors.add(
            "contact_details",
            "Enter how we can reach you, or choose not to be contacted (you can still follow up with your receipt code).",
        );
    }
    let mut channel = ComplaintChannel::WebForm;
    let mut received_at = OffsetDateTime::now_utc();
    if staff {
        channel = validate::choice(
            &mut errors,
            "channel",
            &fields.channel,
            |value| ComplaintChannel::parse(value).filter(|c| ComplaintChannel::LOGGED.contains(c)),
            "how it came in",
        )
        .unwrap_or(ComplaintChannel::Hotline);
        let received_on = fields.received_on.trim();
        if !is_iso_date(received_on) {
            errors.add(
                "received_on",
                "Enter the date it was received as YYYY-MM-DD.",
            );
        } else if let Some(day) = parse_day(received_on) {
            if day > received_at.date() {
                errors.add("received_on", "The date received cannot be in the future.");
            } else if day != received_at.date() {
                received_at = day.midnight().assume_utc();
            }
        }
    }
    if errors.is_empty() {
        Ok(ValidComplaint {
            channel,
            what_happened,
            agency,
            people_involved,
            when_happened,
            where_happened,
            how_known,
            wants_contact,
            contact_name,
            contact_details,
            received_at,
        })
    } else {
        Err(errors)
    }
}

fn parse_day(value: &str) -> Option<time::Date> {
    time::Date::parse(
        value,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// A file received with a complaint or a follow-up, its blob durable.
pub fn received_file(name: &str, blob: &StoredBlob, by: Option<i64>) -> NewComplaintFile {
    NewComplaintFile {
        original_filename: name.to_string(),
        sha256: blob.sha256.clone(),
        size_bytes: i64::try_from(blob.size).unwrap_or(i64::MAX),
        media_type: media::detect(&blob.head, name).media_type,
        from_complainant: by.is_none(),
        added_by: by,
    }
}

/// A complaint just recorded, with the receipt code shown once.
pub struct Submitted {
    pub complaint: Complaint,
    pub receipt: String,
}

/// Records a complaint from the public form (`logged_by` none) or one staff log, with its
/// files, and draws its receipt code (kept only as an argon2 hash). The audit entry of a
/// public complaint carries no address.
#[tracing::instrument(skip_all)]
pub async fn submit(
    store: &DynStore,
    hashing: &HashGate,
    valid: ValidComplaint,
    files: Vec<NewComplaintFile>,
    logged_by: Option<&Caller>,
) -> Result<Submitted, OfficeError> {
    if let Some(caller) = logged_by {
        require(store, caller, Action::TriageComplaints, "complaint.log").await?;
    }
    let Receipt {
        shown,
        lookup,
        canonical,
    } = receipt::new_receipt();
    let receipt_hash = hashing.hash(canonical).await?;
    let complaint = store
        .create_complaint(NewComplaint {
            channel: valid.channel,
            what_happened: valid.what_happened,
            agency: valid.agency,
            people_involved: valid.people_involved,
            when_happened: valid.when_happened,
            where_happened: valid.where_happened,
            how_known: valid.how_known,
            wants_contact: valid.wants_contact,
            contact_name: valid.contact_name,
            contact_details: valid.contact_details,
            receipt_lookup: lookup,
            receipt_hash,
            logged_by: logged_by.map(|caller| caller.user.user_id),
            received_at: valid.received_at,
            files,
        })
        .await?;
    let target = format!("complaint:{}", complaint.complaint_id);
    let event = match logged_by {
        Some(caller) => caller
            .audit("complaint.log", Outcome::Success)
            .target(target)
            .detail(complaint.channel.as_str()),
        None => {
            NewAuditEvent::named(COMPLAINANT, "complaint.submit", Outcome::Success).target(target)
        }
    };
    store.append_audit(event).await?;
    Ok(Submitted {
        complaint,
        receipt: shown,
    })
}

/// Finds the complaint a receipt code belongs to. A wrong code costs the same argon2 check
/// as a right one, and is audited (without the address).
#[tracing::instrument(skip_all)]
pub async fn find_by_receipt(
    store: &DynStore,
    hashing: &HashGate,
    typed: &str,
) -> Result<i64, OfficeError> {
    let refuse = || async {
        store
            .append_audit(
                NewAuditEvent::named(COMPLAINANT, "complaint.follow_up", Outcome::Refused)
                    .detail("wrong receipt code"),
            )
            .await?;
        Err::<i64, OfficeError>(OfficeError::NotFound)
    };
    let Some(typed) = receipt::read(typed) else {
        hashing.verify(String::new(), None).await?;
        return refuse().await;
    };
    let candidates = store.receipts(&typed.lookup).await?;
    if candidates.is_empty() {
        hashing.verify(typed.canonical.clone(), None).await?;
    }
    for (complaint_id, hash) in candidates {
        if hashing.verify(typed.canonical.clone(), Some(hash)).await? {
            store
                .append_audit(
                    NewAuditEvent::named(COMPLAINANT, "complaint.follow_up", Outcome::Success)
                        .target(format!("complaint:{complaint_id}")),
                )
                .await?;
            return Ok(complaint_id);
        }
    }
    refuse().await
}

/// What a complainant sees with their code: a neutral status and the conversation, never
/// who in the office wrote or what became of the complaint.
pub struct ComplainantView {
    pub reference: String,
    pub received_at: OffsetDateTime,
    pub status: ComplaintStatus,
    pub messages: Vec<ComplaintMessage>,
    pub files: Vec<ComplaintFile>,
}

/// The complaint as its complainant sees it.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn complainant_view(
    store: &DynStore,
    complaint_id: i64,
) -> Result<ComplainantView, OfficeError> {
    let complaint = store
        .complaint(complaint_id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    let mut messages = store.complaint_messages(complaint_id).await?;
    for message in &mut messages {
        message.author_name = None;
    }
    let files = store
        .complaint_files(complaint_id)
        .await?
        .into_iter()
        .filter(|file| file.from_complainant)
        .collect();
    Ok(ComplainantView {
        reference: complaint.reference,
        received_at: complaint.received_at,
        status: complaint.status,
        messages,
        files,
    })
}

/// Checks a message's text: it may be empty only when files come with it.
pub fn validate_message(body: &str, with_files: bool) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::default();
    let body = validate::text(
        &mut errors,
        "body",
        body,
        !with_files,
        MAX_MESSAGE,
        "your message",
    );
    if errors.is_empty() {
        Ok(body)
    } else {
        Err(errors)
    }
}

/// The complainant answers (or adds files): a complaint waiting on them goes back to review.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn complainant_reply(
    store: &DynStore,
    complaint_id: i64,
    body: &str,
    files: Vec<NewComplaintFile>,
) -> Result<(), OfficeError> {
    let body = validate_message(body, !files.is_empty()).map_err(OfficeError::Invalid)?;
    store
        .add_complaint_message(
            complaint_id,
            None,
            &body,
            &files,
            Some(ComplaintStatus::UnderReview),
        )
        .await?;
    store
        .append_audit(
            NewAuditEvent::named(COMPLAINANT, "complaint.reply", Outcome::Success)
                .target(format!("complaint:{complaint_id}"))
                .detail(format!("{} files", files.len())),
        )
        .await?;
    Ok(())
}

/// True when the caller's role works the complaint queue.
pub fn may_triage(caller: &Caller) -> bool {
    grant(caller.user.role, Action::TriageComplaints) == Grant::OfficeWide
}

/// One page of the queue.
pub struct QueuePage {
    pub complaints: Vec<Complaint>,
    /// The key the next page starts after.
    pub next: Option<(OffsetDateTime, i64)>,
    pub counts: Vec<(ComplaintStatus, i64)>,
}

/// The triage queue: complaints in `status` (or all still in the queue), oldest first.
#[tracing::instrument(skip_all)]
pub async fn queue(
    store: &DynStore,
    caller: &Caller,
    status: Option<ComplaintStatus>,
    after: Option<(OffsetDateTime, i64)>,
    limit: i64,
) -> Result<QueuePage, OfficeError> {
    require(store, caller, Action::TriageComplaints, "complaint.list").await?;
    let statuses: Vec<ComplaintStatus> = match status {
        Some(status) => vec![status],
        None => ComplaintStatus::OPEN.to_vec(),
    };
    let mut complaints = store.complaint_queue(&statuses, after, limit + 1).await?;
    let next = if complaints.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        complaints.pop();
        complaints
            .last()
            .map(|complaint| (complaint.received_at, complaint.complaint_id))
    } else {
        None
    };
    let counts = store.complaint_status_counts().await?;
    store
        .append_audit(
            caller
                .audit("complaint.list", Outcome::Success)
                .detail(status.map_or("queue", ComplaintStatus::as_str)),
        )
        .await?;
    Ok(QueuePage {
        complaints,
        next,
        counts,
    })
}

/// A complaint with everything intake staff see.
pub struct ComplaintRecord {
    pub complaint: Complaint,
    pub files: Vec<ComplaintFile>,
    pub messages: Vec<ComplaintMessage>,
    pub steps: Vec<TriageStep>,
}

/// Intake staff's complaint: others are told it does not exist.
async fn open_complaint(
    store: &DynStore,
    caller: &Caller,
    complaint_id: i64,
    audit_action: &'static str,
) -> Result<Complaint, OfficeError> {
    let complaint = if may_triage(caller) {
        store.complaint(complaint_id).await?
    } else {
        None
    };
    match complaint {
        Some(complaint) => Ok(complaint),
        None => {
            store
                .append_audit(
                    caller
                        .audit(audit_action, Outcome::Refused)
                        .target(format!("complaint:{complaint_id}"))
                        .detail("not found or no access"),
                )
                .await?;
            Err(OfficeError::NotFound)
        }
    }
}

async fn audit_complaint(
    store: &DynStore,
    caller: &Caller,
    complaint_id: i64,
    action: &'static str,
    detail: Option<String>,
) -> Result<(), OfficeError> {
    let mut event = caller
        .audit(action, Outcome::Success)
        .target(format!("complaint:{complaint_id}"));
    event.detail = detail;
    store.append_audit(event).await?;
    Ok(())
}

/// One complaint with its files, conversation and steps, audited as read.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn read_complaint(
    store: &DynStore,
    caller: &Caller,
    complaint_id: i64,
) -> Result<ComplaintRecord, OfficeError> {
    let mut complaint = open_complaint(store, caller, complaint_id, "complaint.view").await?;
    guard_identity(store, caller, &mut complaint).await?;
    let files = store.complaint_files(complaint_id).await?;
    let messages = store.complaint_messages(complaint_id).await?;
    let steps = store.complaint_steps(complaint_id).await?;
    audit_complaint(store, caller, complaint_id, "complaint.view", None).await?;
    Ok(ComplaintRecord {
        complaint,
        files,
        messages,
        steps,
    })
}

/// Whether the caller may know who a complainant is. While the complaint is in the queue (or
/// was referred or closed), intake staff may; once it is case work, only supervisors, the
/// case's lead, and its team when the complainant agreed the team may know (IG Act: no
/// disclosure without consent beyond those who need it).
pub fn may_know_identity(
    caller: &Caller,
    complaint: &Complaint,
    standing: probity_domain::permissions::Standing,
    consents: &[probity_domain::complaints::Consent],
) -> bool {
    let case_work = matches!(
        complaint.status,
        ComplaintStatus::OpenedAsCase | ComplaintStatus::Merged
    );
    if !case_work {
        return may_triage(caller);
    }
    if standing.recused {
        return false;
    }
    let team_consent = consents.iter().any(|c| {
        c.complaint_id == complaint.complaint_id
            && c.in_force()
            && c.scope == probity_domain::complaints::ConsentScope::Team
    });
    caller.user.role == probity_domain::roles::Role::Supervisor
        || standing.lead
        || (standing.member && team_consent)
}

/// Leaves the complainant's name and contact details out of a complaint the caller may not
/// know the identity of.
async fn guard_identity(
    store: &DynStore,
    caller: &Caller,
    complaint: &mut Complaint,
) -> Result<(), OfficeError> {
    if !complaint.identified() {
        return Ok(());
    }
    let (standing, consents) = match complaint.outcome.case_id {
        Some(case_id) => (
            store.standing(case_id, caller.user.user_id).await?,
            store.consents(case_id).await?,
        ),
        None => Default::default(),
    };
    if !may_know_identity(caller, complaint, standing, &consents) {
        complaint.contact_name.clear();
        complaint.contact_details.clear();
        complaint.identity_withheld = true;
    }
    Ok(())
}

/// One file of a complaint, for download by intake staff (audited).
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn complaint_file(
    store: &DynStore,
    caller: &Caller,
    complaint_id: i64,
    file_id: i64,
) -> Result<ComplaintFile, OfficeError> {
    open_complaint(store, caller, complaint_id, "complaint.file").await?;
    let file = store
        .complaint_files(complaint_id)
        .await?
        .into_iter()
        .find(|file| file.complaint_file_id == file_id)
        .ok_or(OfficeError::NotFound)?;
    audit_complaint(
        store,
        caller,
        complaint_id,
        "complaint.file",
        Some(format!("sha256 {}", file.sha256)),
    )
    .await?;
    Ok(file)
}

/// Writes to the complainant (a question: the complaint then waits on them), with any files
/// staff add (a letter's scan). No outcome is needed: a closed complaint may still be
/// answered.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn write_to_complainant(
    store: &DynStore,
    caller: &Caller,
    complaint_id: i64,
    body: &str,
    files: Vec<NewComplaintFile>,
) -> Result<(), OfficeError> {
    open_complaint(store, caller, complaint_id, "complaint.message").await?;
    let body = validate_message(body, !files.is_empty()).map_err(OfficeError::Invalid)?;
    let move_to = (!body.is_empty()).then_some(ComplaintStatus::NeedsInformation);
    store
        .add_complaint_message(
            complaint_id,
            Some(caller.user.user_id),
            &body,
            &files,
            move_to,
        )
        .await?;
    audit_complaint(
        store,
        caller,
        complaint_id,
        "complaint.message",
        Some(format!("{} files", files.len())),
    )
    .await
}

/// Starts or resumes review (`under_review`), or puts it back as new.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn move_complaint(
    store: &DynStore,
    caller: &Caller,
    complaint_id: i64,
    version: i64,
    to: ComplaintStatus,
) -> Result<(), OfficeError> {
    open_complaint(store, caller, complaint_id, "complaint.triage").await?;
    if to.is_outcome() {
        return Err(OfficeError::Conflict(
            "Use the outcome forms to decide a complaint.",
        ));
    }
    let note = format!("Marked {}", to.label().to_lowercase());
    store
        .move_complaint(complaint_id, version, to, &note, caller.user.user_id)
        .await?;
    audit_complaint(
        store,
        caller,
        complaint_id,
        "complaint.triage",
        Some(to.as_str().to_string()),
    )
    .await
}

/// The referral form's values as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReferralFields {
    pub referred_to: String,
    pub referred_on: String,
    pub referral_sent: String,
    pub note: String,
}

/// Refers a complaint to another agency: to whom, when, what was sent.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn refer(
    store: &DynStore,
    caller: &Caller,
    complaint_id: i64,
    version: i64,
    fields: &ReferralFields,
) -> Result<(), OfficeError> {
    open_complaint(store, caller, complaint_id, "complaint.refer").await?;
    let mut errors = FieldErrors::default();
    let referred_to = validate::line(
        &mut errors,
        "referred_to",
        &fields.referred_to,
        true,
        300,
        "the agency it was referred to",
    );
    let referred_on = fields.referred_on.trim().to_string();
    if !is_iso_date(&referred_on) {
        errors.add("referred_on", "Enter the date it was sent as YYYY-MM-DD.");
    }
    let referral_sent = validate::text(
        &mut errors,
        "referral_sent",
        &fields.referral_sent,
        true,
        2_000,
        "what was sent",
    );
    let note = validate::text(&mut errors, "note", &fields.note, false, 2_000, "a note");
    if !errors.is_empty() {
        return Err(OfficeError::Invalid(errors));
    }
    store
        .decide_complaint(
            complaint_id,
            version,
            ComplaintStatus::Referred,
            &Decision {
                referred_to,
                referred_on,
                referral_sent,
                close_reason: None,
                note,
            },
            caller.user.user_id,
        )
        .await?;
    audit_complaint(store, caller, complaint_id, "complaint.refer", None).await
}

/// Closes a complaint without a case, with its reason.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn close(
    store: &DynStore,
    caller: &Caller,
    complaint_id: i64,
    version: i64,
    reason: &str,
    note: &str,
) -> Result<(), OfficeError> {
    open_complaint(store, caller, complaint_id, "complaint.close").await?;
    let mut errors = FieldErrors::default();
    let reason = validate::choice(
        &mut errors,
        "close_reason",
        reason,
        CloseReason::parse,
        "a reason",
    );
    let note = validate::text(&mut errors, "close_note", note, false, 2_000, "a note");
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        return Err(OfficeError::Invalid(errors));
    };
    store
        .decide_complaint(
            complaint_id,
            version,
            ComplaintStatus::Closed,
            &Decision {
                close_reason: Some(reason),
                note,
                ..Decision::default()
            },
            caller.user.user_id,
        )
        .await?;
    audit_complaint(
        store,
        caller,
        complaint_id,
        "complaint.close",
        Some(reason.as_str().to_string()),
    )
    .await
}

/// The text of a complaint's intake record exhibit: the complaint as received and the
/// conversation, without the complainant's name or contact details (those stay on the
/// complaint record).
pub fn intake_record(record: &ComplaintRecord, now: OffsetDateTime) -> String {
    let c = &record.complaint;
    let when = |at: OffsetDateTime| {
        at.format(&time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default()
    };
    let mut out = String::new();
    out.push_str(&format!("Complaint {}\n", c.reference));
    out.push_str(&format!(
        "Received: {} by {}\n",
        when(c.received_at),
        c.channel.label()
    ));
    out.push_str(&format!("Intake record written: {}\n\n", when(now)));
    let fields = [
        ("What happened", c.what_happened.as_str()),
        ("Agency", c.agency.as_str()),
        ("Who was involved", c.people_involved.as_str()),
        ("When", c.when_happened.as_str()),
        ("Where", c.where_happened.as_str()),
        (
            "How the complainant knows",
            c.how_known.map_or("", HowKnown::label),
        ),
    ];
    for (label, value) in fields {
        out.push_str(&format!(
            "{label}:\n{}\n\n",
            if value.is_empty() {
                "(not given)"
            } else {
                value
            }
        ));
    }
    out.push_str(&format!(
        "Wishes to be contacted: {}\nIdentity: {}\n\n",
        if c.wants_contact { "yes" } else { "no" },
        if c.identified() {
            "given; kept on the complaint record only (intake staff and the case's lead)"
        } else {
            "anonymous"
        }
    ));
    out.push_str("Files received:\n");
    if record.files.is_empty() {
        out.push_str("(none)\n");
    }
    for file in &record.files {
        out.push_str(&format!(
            "- {} ({} bytes, {}), sha256 {}, received {}\n",
            file.original_filename,
            file.size_bytes,
            file.media_type,
            file.sha256,
            when(file.received_at)
        ));
    }
    out.push_str("\nConversation:\n");
    if record.messages.is_empty() {
        out.push_str("(none)\n");
    }
    for message in &record.messages {
        let who = if message.from_office {
            format!(
                "Office ({})",
                message.author_name.as_deref().unwrap_or("staff")
            )
        } else {
            "Complainant".to_string()
        };
        out.push_str(&format!(
            "\n[{}] {who}:\n{}\n",
            when(message.sent_at),
            message.body
        ));
    }
    out
}

/// Where a complaint's records go: a new case (the caller its lead) or an existing one.
pub enum IntoCase<'a> {
    New {
        fields: &'a CaseFields,
        prefix: &'a str,
        types: &'a probity_domain::clocks::CaseTypes,
    },
    Existing {
        case_number: &'a str,
    },
}

/// Opens a case from a complaint, or merges it into an existing case: the intake record
/// (the complaint and its conversation as a text file) and each file received become the
/// case's exhibits, with their hashes and a custody step saying where they came from; the
/// complaint gets its outcome. One transaction.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn into_case(
    vault: Vault<'_>,
    caller: &Caller,
    complaint_id: i64,
    version: i64,
    target: IntoCase<'_>,
) -> Result<i64, OfficeError> {
    let store = vault.store;
    let action = match target {
        IntoCase::New { .. } => "complaint.open_case",
        IntoCase::Existing { .. } => "complaint.merge",
    };
    open_complaint(store, caller, complaint_id, action).await?;
    let target = match target {
        IntoCase::New {
            fields,
            prefix,
            types,
        } => {
            require(store, caller, Action::CreateCase, action).await?;
            CaseTarget::New(Box::new(super::cases::new_case(
                fields,
                types,
                caller.user.user_id,
                prefix,
            )?))
        }
        IntoCase::Existing { case_number } => {
            let number = case_number.trim();
            let found = if number.is_empty() {
                None
            } else {
                store.case_by_number(number).await?
            };
            let Some(case) = found else {
                let mut errors = FieldErrors::default();
                errors.add("case_number", "Enter the number of a case you work on.");
                return Err(OfficeError::Invalid(errors));
            };
            match open_case(store, caller, case.case_id, Action::EditCase, action).await {
                Ok(_) => CaseTarget::Existing(case.case_id),
                Err(OfficeError::NotFound | OfficeError::Forbidden(_)) => {
                    let mut errors = FieldErrors::default();
                    errors.add(
                        "case_number",
                        "Enter the number of a case you may add evidence to.",
                    );
                    return Err(OfficeError::Invalid(errors));
                }
                Err(other) => return Err(other),
            }
        }
    };
    let record = ComplaintRecord {
        complaint: store
            .complaint(complaint_id)
            .await?
            .ok_or(OfficeError::NotFound)?,
        files: store.complaint_files(complaint_id).await?,
        messages: store.complaint_messages(complaint_id).await?,
        steps: Vec::new(),
    };
    if record.complaint.version != version || record.complaint.status.is_outcome() {
        return Err(OfficeError::Stale);
    }
    let now = OffsetDateTime::now_utc();
    let reference = record.complaint.reference.clone();
    let text = intake_record(&record, now);
    let blob = vault
        .blobs
        .put_bytes(text.as_bytes())
        .await
        .map_err(OfficeError::Blob)?;
    let received_on = record.complaint.received_at.date().to_string();
    let by = caller.user.display_name.clone();
    let exhibit =
        |description: String, filename: String, sha256: String, size: i64, media_type: String| {
            NewExhibit {
                case_id: 0,
                parent_exhibit_id: None,
                description,
                original_filename: filename,
                sha256,
                size_bytes: size,
                media_type: media_type.clone(),
                extension_mismatch: false,
                provided_by: "The complainant".to_string(),
                collected_by: by.clone(),
                collected_at: received_on.clone(),
                personal_data: true,
                criminal_justice: false,
                booking_photo: false,
                restricted: false,
                captured_by: String::new(),
                captured_at: String::new(),
                capture_device: String::new(),
                capture_shows: String::new(),
                ocr_status: vault.ocr.initial_status(&media_type),
                uploaded_by: caller.user.user_id,
                access: Vec::new(),
            }
        };
    let mut exhibits = vec![(
        exhibit(
            format!(
                "Intake record of complaint {reference}: the complaint as received and the conversation with the complainant"
            ),
            format!("complaint-{reference}.txt"),
            blob.sha256.clone(),
            i64::try_from(blob.size).unwrap_or(i64::MAX),
            "text/plain".to_string(),
        ),
        format!("Written from complaint {reference} when it was taken into the case by {by}"),
    )];
    for file in &record.files {
        let sender = if file.from_complainant {
            format!(
                "from the complainant ({})",
                record.complaint.channel.label().to_lowercase()
            )
        } else {
            "added by intake staff".to_string()
        };
        exhibits.push((
            exhibit(
                format!("File received with complaint {reference}"),
                file.original_filename.clone(),
                file.sha256.clone(),
                file.size_bytes,
                file.media_type.clone(),
            ),
            format!(
                "Received {} {sender} with complaint {reference} as {}, sha256 {}; taken into the case by {by}",
                file.received_at.date(),
                file.original_filename,
                file.sha256
            ),
        ));
    }
    let note = format!("Taken into case work by {by}");
    let (case_id, added) = store
        .complaint_to_case(
            complaint_id,
            version,
            target,
            exhibits,
            &note,
            caller.user.user_id,
        )
        .await?;
    audit_complaint(
        store,
        caller,
        complaint_id,
        action,
        Some(format!("case:{case_id}")),
    )
    .await?;
    record_case_intake(vault, caller, case_id, &reference, &added).await?;
    Ok(case_id)
}

/// The case side of taking a complaint in: audited on the case, and each new exhibit's
/// thumbnail and text extraction started.
async fn record_case_intake(
    vault: Vault<'_>,
    caller: &Caller,
    case_id: i64,
    reference: &str,
    added: &[i64],
) -> Result<(), OfficeError> {
    record(
        vault.store,
        caller,
        case_id,
        "case.intake",
        None,
        Some(format!("from complaint {reference}")),
    )
    .await?;
    for exhibit_id in added {
        if let Some(exhibit) = vault.store.exhibit(case_id, *exhibit_id).await? {
            make_previews(vault, &exhibit).await;
        }
    }
    Ok(())
}

/// The complaints a case came from, for its overview (intake staff only).
pub async fn complaints_of_case(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<Complaint>, OfficeError> {
    if !may_triage(caller) {
        return Ok(Vec::new());
    }
    Ok(store.complaints_of_case(case_id).await?)
}

/// The dashboard's intake counts, for intake staff.
pub async fn counts(
    store: &DynStore,
    caller: &Caller,
) -> Result<Option<IntakeCounts>, OfficeError> {
    if !may_triage(caller) {
        return Ok(None);
    }
    let today = OffsetDateTime::now_utc();
    let month_start = today
        .replace_day(1)
        .unwrap_or(today)
        .replace_time(time::Time::MIDNIGHT);
    Ok(Some(store.intake_counts(month_start).await?))
}

/// The channel a case opened from a complaint records.
pub fn case_channel(channel: ComplaintChannel) -> IntakeChannel {
    match channel {
        ComplaintChannel::Referral => IntakeChannel::Referral,
        _ => IntakeChannel::Complaint,
    }
}
