//! Reports: drawing a case's report from its records ([`compose`]), redaction ([`redact`]),
//! typesetting the PDF ([`pdf`]), the leak check ([`leak`]), and approval, which renders the
//! internal and public files once, stores them in the blob store and records their hashes, so
//! what was approved is exactly what gets published.

pub mod compose;
pub mod fold;
pub mod leak;
pub mod pdf;
pub mod personal;
pub mod redact;

use crate::blobs::BlobStore;
use crate::storage::reports::Approval;
use crate::storage::{DynStore, StoreError};
use compose::{Composed, Sources};
use probity_domain::cases::{Allegation, Case, Party};
use probity_domain::evidence::Exhibit;
use probity_domain::reports::{Finding, LeakHit, Recommendation, Redaction, ReportModel};
use probity_domain::timeline::{Event, Incident};
use redact::Redactor;
use tokio::io::AsyncReadExt as _;

/// Why report files could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error("blob store: {0}")]
    Blob(#[from] crate::blobs::BlobError),
    #[error("input/output: {0}")]
    Io(#[from] std::io::Error),
}

/// A case's records as a report needs them, read once.
pub struct Loaded {
    pub parties: Vec<Party>,
    pub allegations: Vec<Allegation>,
    pub findings: Vec<Finding>,
    pub incidents: Vec<Incident>,
    pub events: Vec<Event>,
    pub recommendations: Vec<Recommendation>,
    pub exhibits: Vec<Exhibit>,
    pub released: Vec<i64>,
    pub redactions: Vec<Redaction>,
    /// The complainants' names and contact details to withhold.
    pub complainants: Vec<(String, String)>,
}

/// The complainants' names and contact details a report of the case must not show: every
/// complainant of the case but those with a consent in force to be named in the report.
pub async fn withheld_identities(
    store: &DynStore,
    case_id: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    use probity_domain::complaints::ConsentScope;
    let complaints = store.complaints_of_case(case_id).await?;
    if complaints.is_empty() {
        return Ok(Vec::new());
    }
    let consents = store.consents(case_id).await?;
    Ok(complaints
        .into_iter()
        .filter(|complaint| {
            !consents.iter().any(|c| {
                c.complaint_id == complaint.complaint_id
                    && c.in_force()
                    && c.scope == ConsentScope::Report
            })
        })
        .map(|complaint| (complaint.contact_name, complaint.contact_details))
        .filter(|(name, details)| !name.trim().is_empty() || !details.trim().is_empty())
        .collect())
}

impl Loaded {
    /// Reads what a report of `case_id` shows, as `viewer` may see it (restricted exhibits
    /// and citations they may not see stay out).
    pub async fn read(store: &DynStore, case_id: i64, viewer: i64) -> Result<Loaded, StoreError> {
        Ok(Loaded {
            parties: store.parties(case_id).await?,
            allegations: store.allegations(case_id).await?,
            findings: store.findings(case_id).await?,
            incidents: store.incidents(case_id).await?,
            events: store.events(case_id, None, viewer).await?,
            recommendations: store.recommendations(case_id).await?,
            exhibits: store.exhibits(case_id, viewer).await?,
            released: store.releases(case_id).await?,
            redactions: store.redactions(case_id).await?,
            complainants: withheld_identities(store, case_id).await?,
        })
    }

    /// The case's redactions.
    pub fn redactor(&self) -> Redactor {
        Redactor::for_case(&self.parties, &self.redactions)
            .withholding_complainants(&self.complainants)
    }

    /// The sources of one version's report.
    pub fn sources<'a>(
        &'a self,
        office_name: &'a str,
        case: &'a Case,
        sections: &'a [(String, String)],
        version: i64,
        approved_on: &'a str,
    ) -> Sources<'a> {
        Sources {
            office_name,
            case,
            sections,
            version,
            approved_on,
            allegations: &self.allegations,
            findings: &self.findings,
            incidents: &self.incidents,
            events: &self.events,
            recommendations: &self.recommendations,
            exhibits: &self.exhibits,
            released: &self.released,
        }
    }
}

/// A report's rendered files.
pub struct Files {
    pub model: ReportModel,
    pub pdf: Vec<u8>,
    /// The text of each page as typeset (empty for files read back from the store).
    pub page_texts: Vec<String>,
    pub html: String,
    pub json: String,
    /// The model itself, which the portal page is drawn from.
    pub model_json: String,
}

/// Reads a small stored file (a thumbnail) into memory.
pub async fn read_blob(blobs: &dyn BlobStore, sha256: &str) -> Result<Vec<u8>, ReportError> {
    let mut reader = blobs.open(sha256).await?;
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).await?;
    Ok(bytes)
}

/// Renders a composed report as PDF, standalone HTML and JSON.
pub async fn render(blobs: &dyn BlobStore, composed: Composed) -> Result<Files, ReportError> {
    let mut figures = Vec::with_capacity(composed.figures.len());
    for (name, sha256) in &composed.figures {
        figures.push((name.clone(), read_blob(blobs, sha256).await?));
    }
    let model = composed.model;
    let typeset = pdf::render(model.clone(), figures).await?;
    let html = probity_app::pages::reports::standalone_html(&model);
    let json = compose::export_json(&model);
    let model_json = serde_json::to_string(&model).map_err(std::io::Error::other)?;
    Ok(Files {
        model,
        pdf: typeset.pdf,
        page_texts: typeset.page_texts,
        html,
        json,
        model_json,
    })
}

/// Runs the leak check over a public version's files.
pub async fn leak_check(redactor: &Redactor, files: &Files) -> Vec<LeakHit> {
    let mut hits = leak::check(redactor, &files.pdf, &files.html, &files.json).await;
    for (index, text) in files.page_texts.iter().enumerate() {
        hits.extend(redactor.scan(
            "public PDF",
            &format!("text of page {} (as typeset)", index + 1),
            text,
        ));
    }
    hits.extend(leak::scan_json(
        redactor,
        "report data (texts and charts)",
        &files.model_json,
    ));
    hits
}

/// What OCR read in the images a public report shows as figures: a name on a photographed
/// screen is in the figure's pixels, where no text search of the PDF can see it. A figure
/// whose text could not be read (extraction pending, failed or not installed) is a hit of its
/// own, which a commissioner may release after looking at the picture.
pub fn figure_hits(redactor: &Redactor, model: &ReportModel, exhibits: &[Exhibit]) -> Vec<LeakHit> {
    use probity_domain::evidence::OcrStatus;
    let mut hits = Vec::new();
    for listed in model
        .exhibits
        .iter()
        .filter(|listed| listed.figure.is_some())
    {
        let exhibit = exhibits
            .iter()
            .find(|exhibit| format!("E-{}", exhibit.number) == listed.label);
        let place = format!("figure {} (text read from the image)", listed.label);
        match exhibit {
            Some(exhibit) if exhibit.ocr_status == OcrStatus::Done => {
                if let Some(text) = exhibit.ocr_text.as_deref() {
                    hits.extend(redactor.scan("public PDF and HTML", &place, text));
                }
            }
            _ => {
                let why = match exhibit.map(|exhibit| exhibit.ocr_status) {
                    Some(OcrStatus::Pending) => "its text has not been read yet",
                    Some(OcrStatus::Failed) => "reading its text failed",
                    Some(OcrStatus::Unavailable) => "text extraction is not installed",
                    _ => "its text cannot be read",
                };
                let identity = exhibit.map_or(listed.label.as_str(), |e| e.sha256.as_str());
                hits.push(LeakHit {
                    file: "public PDF and HTML".into(),
                    place,
                    term: format!("an unchecked figure ({why})"),
                    context: format!(
                        "{}: confirm the picture shows no personal data",
                        listed.label
                    ),
                    reason: Some("figure-unread".into()),
                    release_key: Some(personal::release_key_for("figure-unread", identity)),
                });
            }
        }
    }
    hits
}

/// The hits no commissioner has released.
pub fn unreleased(
    hits: Vec<LeakHit>,
    releases: &[probity_domain::reports::LeakRelease],
) -> Vec<LeakHit> {
    hits.into_iter()
        .filter(|hit| {
            !hit.release_key
                .as_ref()
                .is_some_and(|key| releases.iter().any(|release| &release.release_key == key))
        })
        .collect()
}

/// Renders and stores both versions of an approved report and checks the public one.
#[allow(clippy::too_many_arguments)]
pub async fn approve(
    store: &DynStore,
    blobs: &dyn BlobStore,
    office_name: &str,
    case: &Case,
    sections: &[(String, String)],
    version: i64,
    approver: i64,
    patterns: &personal::Patterns,
) -> Result<Approval, ReportError> {
    let loaded = Loaded::read(store, case.case_id, approver).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let approved_on = format!(
        "{:04}-{:02}-{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    let sources = loaded.sources(office_name, case, sections, version, &approved_on);
    let redactor = loaded.redactor().with_patterns(patterns.clone());
    let internal = render(blobs, compose::compose(&sources, None)).await?;
    let public = render(blobs, compose::compose(&sources, Some(&redactor))).await?;
    let mut leak_hits = leak_check(&redactor, &public).await;
    leak_hits.extend(figure_hits(&redactor, &public.model, &loaded.exhibits));
    Ok(Approval {
        internal_pdf_sha256: blobs.put_bytes(&internal.pdf).await?.sha256,
        public_pdf_sha256: blobs.put_bytes(&public.pdf).await?.sha256,
        public_html_sha256: blobs.put_bytes(public.html.as_bytes()).await?.sha256,
        public_json_sha256: blobs.put_bytes(public.json.as_bytes()).await?.sha256,
        public_model_sha256: blobs.put_bytes(public.model_json.as_bytes()).await?.sha256,
        leak_hits,
    })
}

/// Checks an approved version's stored public files again, against the redactions as they are
/// now (a name added since approval counts too).
#[allow(clippy::too_many_arguments)]
pub async fn recheck(
    store: &DynStore,
    blobs: &dyn BlobStore,
    case_id: i64,
    viewer: i64,
    pdf_sha256: &str,
    html_sha256: &str,
    json_sha256: &str,
    model_sha256: &str,
    patterns: &personal::Patterns,
) -> Result<Vec<LeakHit>, ReportError> {
    let parties = store.parties(case_id).await?;
    let redactions = store.redactions(case_id).await?;
    let complainants = withheld_identities(store, case_id).await?;
    let redactor = Redactor::for_case(&parties, &redactions)
        .withholding_complainants(&complainants)
        .with_patterns(patterns.clone());
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    let model_json = text(read_blob(blobs, model_sha256).await?);
    let model: ReportModel = serde_json::from_str(&model_json).map_err(std::io::Error::other)?;
    let files = Files {
        model,
        pdf: read_blob(blobs, pdf_sha256).await?,
        page_texts: Vec::new(),
        html: text(read_blob(blobs, html_sha256).await?),
        json: text(read_blob(blobs, json_sha256).await?),
        model_json,
    };
    let mut hits = leak_check(&redactor, &files).await;
    let exhibits = store.exhibits(case_id, viewer).await?;
    hits.extend(figure_hits(&redactor, &files.model, &exhibits));
    Ok(hits)
}

/// What an attempt to publish came to.
pub enum PublishOutcome {
    /// Published as this edition.
    Published(Box<probity_domain::reports::PublishedReport>),
    /// The version is not approved (or already published).
    NotApproved,
    /// An edition is already out and this version's "Corrections" section is empty.
    CorrectionNoteMissing,
    /// The public files contain redacted strings or unreleased personal data.
    Leaks(Vec<LeakHit>),
}

/// The plain text of a model's narrative section, on one line.
fn section_text(model: &ReportModel, key: &str) -> String {
    model
        .section(key)
        .map(|section| probity_domain::reports::blocks_text(&section.blocks, true))
        .unwrap_or_default()
}

/// Publishes an approved version: checks its stored public files once more against the
/// redactions as they are now, then records the edition. Title, agency and summary shown by the
/// portal's list come from the public (redacted) model.
pub async fn publish(
    store: &DynStore,
    blobs: &dyn BlobStore,
    case_id: i64,
    version: &probity_domain::reports::ReportVersion,
    by: i64,
    patterns: &personal::Patterns,
) -> Result<PublishOutcome, ReportError> {
    use crate::storage::reports::Publication;
    let files = (
        version.public_pdf_sha256.as_deref(),
        version.public_html_sha256.as_deref(),
        version.public_json_sha256.as_deref(),
        version.public_model_sha256.as_deref(),
    );
    let (Some(pdf), Some(html), Some(json), Some(model_sha)) = files else {
        return Ok(PublishOutcome::NotApproved);
    };
    if version.state != probity_domain::reports::ReportState::Approved {
        return Ok(PublishOutcome::NotApproved);
    }
    let earlier = store.published_for_case(case_id).await?;
    if !earlier.is_empty() && version.section("corrections").trim().is_empty() {
        return Ok(PublishOutcome::CorrectionNoteMissing);
    }
    let hits = recheck(
        store, blobs, case_id, by, pdf, html, json, model_sha, patterns,
    )
    .await?;
    let hits = unreleased(hits, &store.leak_releases(case_id).await?);
    if !hits.is_empty() {
        return Ok(PublishOutcome::Leaks(hits));
    }
    let model: ReportModel = serde_json::from_slice(&read_blob(blobs, model_sha).await?)
        .map_err(std::io::Error::other)?;
    let mut summary = section_text(&model, "summary");
    if summary.chars().count() > 600 {
        summary = summary.chars().take(597).collect::<String>() + "...";
    }
    let publication = Publication {
        report_number: model.report_number.clone(),
        title: model.title.clone(),
        agency: model.agency.clone(),
        summary,
        correction_note: if earlier.is_empty() {
            String::new()
        } else {
            section_text(&model, "corrections")
        },
    };
    match store
        .publish_report(case_id, version.version, by, publication)
        .await
    {
        Ok(published) => {
            // Each exhibit the public report lists or shows enters its chain of custody.
            let exhibits = store.exhibits(case_id, by).await?;
            for listed in model.exhibits.iter().filter(|listed| !listed.withheld) {
                let Some(exhibit) = exhibits
                    .iter()
                    .find(|exhibit| format!("E-{}", exhibit.number) == listed.label)
                else {
                    continue;
                };
                let how = if listed.figure.is_some() {
                    "shown as a figure"
                } else {
                    "listed with its description"
                };
                store
                    .append_custody(
                        exhibit.exhibit_id,
                        probity_domain::evidence::CustodyAction::Exported,
                        by,
                        &format!(
                            "{how} in published report {} edition {}",
                            published.report_number, published.edition
                        ),
                        &exhibit.sha256,
                    )
                    .await?;
            }
            Ok(PublishOutcome::Published(Box::new(published)))
        }
        Err(StoreError::Stale) => Ok(PublishOutcome::NotApproved),
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_read_from_a_figure_blocks_publication() {
        let redactor = Redactor::for_case(
            &[Party {
                party_id: 1,
                case_id: 1,
                kind: probity_domain::cases::PartyKind::Person,
                name: "Marta Kovacs".into(),
                party_role: probity_domain::cases::PartyRole::Subject,
                details: String::new(),
                pseudonym: "Officer A".into(),
                senior_employee: false,
                version: 1,
            }],
            &[],
        );
        let mut model = compose::synthetic_model(0, 1);
        model.exhibits[0].figure = Some("figure-1.png".into());
        let mut exhibit = compose::synthetic_exhibit(1);
        // Until its text is read, the figure blocks publication on its own.
        exhibit.ocr_status = probity_domain::evidence::OcrStatus::Pending;
        let hits = figure_hits(&redactor, &model, &[exhibit.clone()]);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].reason.as_deref(), Some("figure-unread"));
        assert!(hits[0].release_key.is_some());
        exhibit.ocr_status = probity_domain::evidence::OcrStatus::Done;
        exhibit.ocr_text = Some("LOOKUP\nNAME: KOVACS, MARTA".into());
        let hits = figure_hits(&redactor, &model, &[exhibit.clone()]);
        assert!(
            hits.iter().any(|hit| hit.place.starts_with("figure E-1")),
            "{hits:?}"
        );
        exhibit.ocr_text = Some("NAME: OFFICER A".into());
        assert!(figure_hits(&redactor, &model, &[exhibit]).is_empty());
    }
}
