//! A whole case handed over as a BagIt bag (RFC 8493, the digital-preservation standard), for
//! a prosecutor, a court or an archive: anyone can check with `sha256sum -c` or a BagIt
//! validator that nothing changed since it left the office.
//!
//! The bag holds what the person exporting may see, and nothing else: the exhibits as received
//! (restricted ones only for those named on them), the messages read from them (CSV and JSON),
//! the timeline (CSV and JSON), the findings, the published report PDFs, each exhibit's chain
//! of custody and the case's audit trail as JSON lines, and a list of the exhibits with their
//! hashes. The export is a recorded act: it enters every exported exhibit's custody log as
//! "exported" (with the stated reason) and the audit trail as `case.export`, before any byte
//! leaves, so the bag's own custody file shows it. Criminal-justice exhibits need a fresh
//! second factor, as their download does. [`Bag`] is the plan; the HTTP adapter streams it
//! as one ZIP (`crate::http::cases::export`), hashing each file as it goes.

use super::cases::open_case;
use super::{Caller, OfficeError, validate};
use crate::storage::messages::MessageFilter;
use crate::storage::{AuditFilter, DynStore, Outcome};
use bytes::Bytes;
use probity_domain::cases::Case;
use probity_domain::evidence::CustodyAction;
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;

/// What one file of the bag holds.
#[derive(Clone, Debug)]
pub enum BagContent {
    /// Generated here (a list, a log): small enough to hold.
    Bytes(Bytes),
    /// An exhibit's original: streamed from the blob store and checked against its hash.
    Exhibit {
        exhibit_id: i64,
        sha256: String,
        size: u64,
    },
    /// A stored file the office made (a published report's PDF), streamed and checked.
    Stored { sha256: String },
}

/// One file of the bag, by its path inside it (`data/...`).
#[derive(Clone, Debug)]
pub struct BagFile {
    pub path: String,
    pub content: BagContent,
}

/// A case's bag, ready to stream.
#[derive(Debug)]
pub struct Bag {
    pub case: Case,
    /// The bag's folder name (the case number, made safe).
    pub name: String,
    /// The payload files, in the order they are written.
    pub files: Vec<BagFile>,
    /// `bag-info.txt`'s lines other than the payload size (known once streamed).
    pub info: Vec<(String, String)>,
}

/// A path part made of letters, digits, dots, hyphens and underscores only, so that the
/// manifest needs no escaping and no tool reads a path differently.
fn safe_part(text: &str, fallback: &str) -> String {
    crate::evidence::media::safe_filename(text, fallback)
}

/// A file of the bag that could not be written (the detail is for the log).
fn failed(error: impl std::fmt::Display) -> OfficeError {
    OfficeError::Failed(format!("the case export: {error}"))
}

/// A JSON line per item.
fn json_lines(items: impl Iterator<Item = serde_json::Value>) -> Bytes {
    let mut out = String::new();
    for item in items {
        out.push_str(&item.to_string());
        out.push('\n');
    }
    Bytes::from(out)
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Plans the export of a case by `caller`, recording it; `reason` says why (required).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn prepare(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    reason: &str,
    office_name: &str,
) -> Result<Bag, OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "case.export").await?;
    let case = open.case;
    let user_id = caller.user.user_id;
    let exhibits = store.exhibits(case_id, user_id).await?;
    // Criminal-justice information leaves only after a fresh second factor (CJIS), checked
    // after the access check so that others still get "not found".
    if exhibits.iter().any(|exhibit| exhibit.criminal_justice) && !caller.confirmed {
        return Err(OfficeError::ConfirmationNeeded);
    }
    let mut errors = FieldErrors::default();
    let reason = validate::line(
        &mut errors,
        "reason",
        reason,
        true,
        500,
        "why the case is exported and for whom",
    );
    if !errors.is_empty() {
        return Err(OfficeError::Invalid(errors));
    }
    let now = time::OffsetDateTime::now_utc();
    // Recorded before anything leaves, so the bag's custody file holds the export itself.
    for exhibit in &exhibits {
        store
            .append_custody(
                exhibit.exhibit_id,
                CustodyAction::Exported,
                user_id,
                &format!("Exported with the case as a BagIt bag: {reason}"),
                &exhibit.sha256,
            )
            .await?;
    }
    store
        .append_audit(
            caller
                .audit("case.export", Outcome::Success)
                .case(case_id)
                .target(format!("case:{case_id}"))
                .detail(format!("BagIt bag, {} exhibits", exhibits.len())),
        )
        .await?;

    let mut files = Vec::new();
    // The exhibits, as received.
    let mut listing = csv::Writer::from_writer(Vec::new());
    let safe = crate::timeline::spreadsheet_safe;
    listing
        .write_record([
            "exhibit",
            "file",
            "original_file_name",
            "sha256",
            "size_bytes",
            "media_type",
            "description",
            "provided_by",
            "collected_by",
            "collected_at",
            "restricted",
            "criminal_justice",
        ])
        .map_err(failed)?;
    for exhibit in &exhibits {
        let label = format!("E-{}", exhibit.number);
        let path = format!(
            "data/exhibits/{label}-{}",
            safe_part(&exhibit.original_filename, "file")
        );
        listing
            .write_record([
                label.as_str(),
                path.as_str(),
                &safe(&exhibit.original_filename),
                &exhibit.sha256,
                &exhibit.size_bytes.to_string(),
                &exhibit.media_type,
                &safe(&exhibit.description),
                &safe(&exhibit.provided_by),
                &safe(&exhibit.collected_by),
                &safe(&exhibit.collected_at),
                if exhibit.restricted { "yes" } else { "no" },
                if exhibit.criminal_justice {
                    "yes"
                } else {
                    "no"
                },
            ])
            .map_err(failed)?;
        files.push(BagFile {
            path,
            content: BagContent::Exhibit {
                exhibit_id: exhibit.exhibit_id,
                sha256: exhibit.sha256.clone(),
                size: exhibit.size_bytes.max(0) as u64,
            },
        });
    }
    files.push(BagFile {
        path: "data/exhibits.csv".into(),
        content: BagContent::Bytes(Bytes::from(listing.into_inner().map_err(failed)?)),
    });

    // Each exhibit's chain of custody, the export included.
    let mut custody = Vec::new();
    for exhibit in &exhibits {
        for step in store.custody(exhibit.exhibit_id).await? {
            custody.push(serde_json::json!({
                "exhibit": format!("E-{}", exhibit.number),
                "action": step.action.as_str(),
                "by": step.user_name,
                "at": rfc3339(step.occurred_at),
                "reason": step.reason,
                "sha256": step.sha256,
            }));
        }
    }
    files.push(BagFile {
        path: "data/custody.jsonl".into(),
        content: BagContent::Bytes(json_lines(custody.into_iter())),
    });

    // The messages the caller may see, oldest first, read a page at a time.
    let mut messages = Vec::new();
    let mut after = None;
    loop {
        let (page, next) = store
            .list_messages(
                case_id,
                user_id,
                &MessageFilter::default(),
                after.as_ref(),
                1000,
            )
            .await?;
        messages.extend(page);
        match next {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    let mut messages_csv = csv::Writer::from_writer(Vec::new());
    messages_csv
        .write_record([
            "message_id",
            "exhibit",
            "position",
            "sent_at_utc",
            "sender",
            "recipients",
            "body",
            "source_location",
        ])
        .map_err(failed)?;
    for message in &messages {
        messages_csv
            .write_record([
                message.message_id.to_string().as_str(),
                &format!("E-{}", message.exhibit_number),
                &message.position.to_string(),
                &message.sent_at,
                &safe(&message.sender),
                &safe(&message.recipients),
                &safe(&message.body),
                &safe(&message.source_location),
            ])
            .map_err(failed)?;
    }
    let messages_json: Vec<serde_json::Value> = messages
        .iter()
        .map(|message| {
            serde_json::json!({
                "message_id": message.message_id,
                "exhibit": format!("E-{}", message.exhibit_number),
                "position": message.position,
                "sent_at_utc": message.sent_at,
                "sender": message.sender,
                "recipients": message.recipients,
                "body": message.body,
                "source_location": message.source_location,
            })
        })
        .collect();
    files.push(BagFile {
        path: "data/messages.csv".into(),
        content: BagContent::Bytes(Bytes::from(messages_csv.into_inner().map_err(failed)?)),
    });
    files.push(BagFile {
        path: "data/messages.json".into(),
        content: BagContent::Bytes(Bytes::from(
            serde_json::to_vec_pretty(&messages_json).map_err(failed)?,
        )),
    });

    // The timeline.
    let events = store.events(case_id, None, user_id).await?;
    files.push(BagFile {
        path: "data/timeline.csv".into(),
        content: BagContent::Bytes(Bytes::from(
            crate::timeline::events_csv(&events).map_err(failed)?,
        )),
    });
    files.push(BagFile {
        path: "data/timeline.json".into(),
        content: BagContent::Bytes(Bytes::from(
            crate::timeline::events_json(&events).map_err(failed)?,
        )),
    });

    // The findings.
    let findings: Vec<serde_json::Value> = store
        .findings(case_id)
        .await?
        .into_iter()
        .map(|finding| {
            serde_json::json!({
                "finding_id": finding.finding_id,
                "allegation_id": finding.allegation_id,
                "disposition": finding.disposition,
                "basis": finding.basis,
                "analysis": finding.analysis,
                "events": finding.event_ids,
                "exhibits": finding.exhibit_ids,
                "updated_by": finding.updated_by_name,
                "updated_at": rfc3339(finding.updated_at),
            })
        })
        .collect();
    files.push(BagFile {
        path: "data/findings.json".into(),
        content: BagContent::Bytes(Bytes::from(
            serde_json::to_vec_pretty(&findings).map_err(failed)?,
        )),
    });

    // The published reports, as the public read them.
    for published in store.published_for_case(case_id).await? {
        files.push(BagFile {
            path: format!(
                "data/reports/{}-edition-{}.pdf",
                safe_part(&published.report_number, "report"),
                published.edition
            ),
            content: BagContent::Stored {
                sha256: published.public_pdf_sha256.clone(),
            },
        });
    }

    // The case's audit trail, oldest first, read a page at a time (this export included).
    let mut audit = Vec::new();
    let mut before_id = None;
    loop {
        let page = store
            .list_audit(
                &AuditFilter {
                    case_id: Some(case_id),
                    before_id,
                    ..AuditFilter::default()
                },
                1000,
            )
            .await?;
        let Some(last) = page.last() else { break };
        before_id = Some(last.audit_event_id);
        audit.extend(page);
    }
    audit.reverse();
    files.push(BagFile {
        path: "data/audit.jsonl".into(),
        content: BagContent::Bytes(json_lines(audit.into_iter().map(|entry| {
            serde_json::json!({
                "id": entry.audit_event_id,
                "at": rfc3339(entry.occurred_at),
                "actor": entry.actor,
                "action": entry.action,
                "target": entry.target,
                "outcome": entry.outcome,
                "detail": entry.detail,
                "via": entry.via,
            })
        }))),
    });

    let name = safe_part(&case.case_number, "case");
    let info = vec![
        ("Source-Organization".to_string(), office_name.to_string()),
        ("External-Identifier".to_string(), case.case_number.clone()),
        (
            "External-Description".to_string(),
            format!("Case {}: {}", case.case_number, case.title),
        ),
        (
            "Bagging-Date".to_string(),
            rfc3339(now).chars().take(10).collect(),
        ),
        (
            "Bag-Software-Agent".to_string(),
            format!("Probity {}", env!("CARGO_PKG_VERSION")),
        ),
        ("Contact-Name".to_string(), caller.user.display_name.clone()),
        ("Exported-By".to_string(), caller.user.username.clone()),
        ("Exported-At".to_string(), rfc3339(now)),
        ("Export-Reason".to_string(), reason),
    ];
    Ok(Bag {
        case,
        name,
        files,
        info,
    })
}

/// A `bag-info.txt` value on one line, as the format asks (no line breaks, no control
/// characters).
pub fn info_value(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
