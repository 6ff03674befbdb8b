//! Draws a case's report ([`ReportModel`]) from its records and a report version's narrative,
//! either for the team (nothing redacted, marked internal) or for the public (every text passed
//! through the case's [`Redactor`], sensitive exhibits withheld unless released).

use super::redact::Redactor;
use probity_domain::cases::{Allegation, Case};
use probity_domain::evidence::Exhibit;
use probity_domain::reports::{
    Finding, Recommendation, ReportEvent, ReportExhibit, ReportFinding, ReportIncident,
    ReportModel, ReportRecommendation, ReportSection, SECTIONS, parse_markdown,
};
use probity_domain::timeline::{Event, Incident};
use std::collections::HashMap;

/// Everything a report is drawn from.
pub struct Sources<'a> {
    pub office_name: &'a str,
    pub case: &'a Case,
    pub sections: &'a [(String, String)],
    pub version: i64,
    /// `YYYY-MM-DD`, empty before approval.
    pub approved_on: &'a str,
    pub allegations: &'a [Allegation],
    pub findings: &'a [Finding],
    pub incidents: &'a [Incident],
    pub events: &'a [Event],
    pub recommendations: &'a [Recommendation],
    pub exhibits: &'a [Exhibit],
    /// Sensitive exhibits released for publication.
    pub released: &'a [i64],
}

/// True when an exhibit stays out of public versions unless released.
pub fn is_sensitive(exhibit: &Exhibit) -> bool {
    exhibit.booking_photo || exhibit.personal_data || exhibit.restricted
}

/// A report model and the figures it names: `(file name, thumbnail blob hash)`.
pub struct Composed {
    pub model: ReportModel,
    pub figures: Vec<(String, String)>,
}

/// Draws the report. `redactor` is `None` for the internal version.
pub fn compose(sources: &Sources<'_>, redactor: Option<&Redactor>) -> Composed {
    let none = Redactor::default();
    let r = redactor.unwrap_or(&none);
    let public = redactor.is_some();
    let case = sources.case;

    let mut event_labels: HashMap<i64, String> = HashMap::new();
    let mut incidents = Vec::new();
    for (index, incident) in sources.incidents.iter().enumerate() {
        let mut events: Vec<Event> = sources
            .events
            .iter()
            .filter(|event| event.incident_id == incident.incident_id)
            .cloned()
            .collect();
        for event in &mut events {
            for party in event.actors.iter_mut().chain(event.recipients.iter_mut()) {
                party.name = r.apply(&party.name);
            }
        }
        let title = r.apply(&incident.title);
        let rows = events
            .iter()
            .enumerate()
            .map(|(number, event)| {
                event_labels.insert(
                    event.event_id,
                    format!("incident {}, event {}", index + 1, number + 1),
                );
                let names = |parties: &[probity_domain::timeline::EventParty]| {
                    parties
                        .iter()
                        .map(|party| party.name.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let cites: Vec<String> = event
                    .exhibits
                    .iter()
                    .map(|(_, label)| label.clone())
                    .chain(event.messages.iter().map(|(id, _)| format!("message {id}")))
                    // The interview's number only: its caption names the interviewee.
                    .chain(event.interviews.iter().map(|(_, caption)| {
                        let label = caption.split(',').next().unwrap_or_default();
                        format!("interview {label}")
                    }))
                    .collect();
                ReportEvent {
                    number: number + 1,
                    when: event.shown_time(),
                    actors: names(&event.actors),
                    recipients: names(&event.recipients),
                    kind: event.kind.label().to_string(),
                    narrative: r.apply(&event.narrative),
                    cites: cites.join(", "),
                }
            })
            .collect();
        incidents.push(ReportIncident {
            chart_svg: crate::timeline::chart_svg(&events, &title, &case.time_zone, true),
            title,
            summary: r.apply(&incident.summary),
            events: rows,
        });
    }

    let exhibit_labels: HashMap<i64, String> = sources
        .exhibits
        .iter()
        .map(|exhibit| (exhibit.exhibit_id, format!("E-{}", exhibit.number)))
        .collect();
    let findings = sources
        .allegations
        .iter()
        .map(|allegation| {
            let finding = sources
                .findings
                .iter()
                .find(|finding| finding.allegation_id == allegation.allegation_id);
            let cites: Vec<String> = finding
                .map(|finding| {
                    finding
                        .event_ids
                        .iter()
                        .filter_map(|id| event_labels.get(id).cloned())
                        .chain(
                            finding
                                .exhibit_ids
                                .iter()
                                .filter_map(|id| exhibit_labels.get(id).cloned()),
                        )
                        .collect()
                })
                .unwrap_or_default();
            ReportFinding {
                allegation: r.apply(&allegation.summary),
                subject: allegation
                    .subject_name
                    .as_deref()
                    .map(|name| r.apply(name))
                    .unwrap_or_else(|| "Not named".into()),
                rule: r.apply(&allegation.rule_at_issue),
                disposition: finding
                    .map(|finding| finding.disposition.clone())
                    .unwrap_or_else(|| "No finding recorded".into()),
                basis: finding
                    .map(|finding| r.apply(&finding.basis))
                    .unwrap_or_default(),
                analysis: finding
                    .map(|finding| parse_markdown(&r.apply(&finding.analysis)))
                    .unwrap_or_default(),
                cites: cites.join(", "),
            }
        })
        .collect();

    let recommendations = sources
        .recommendations
        .iter()
        .map(|recommendation| ReportRecommendation {
            label: recommendation.label(),
            agency: r.apply(&recommendation.agency),
            body: r.apply(&recommendation.body),
            status: recommendation.status.label().to_string(),
            status_on: recommendation.status_on.clone(),
            response: r.apply(&recommendation.response),
        })
        .collect();

    let mut figures = Vec::new();
    let exhibits = sources
        .exhibits
        .iter()
        .map(|exhibit| {
            let label = format!("E-{}", exhibit.number);
            let withheld =
                public && is_sensitive(exhibit) && !sources.released.contains(&exhibit.exhibit_id);
            let figure = match (&exhibit.thumbnail_sha256, withheld) {
                (Some(sha256), false) => {
                    let name = format!("figure-{}.png", exhibit.number);
                    figures.push((name.clone(), sha256.clone()));
                    Some(name)
                }
                _ => None,
            };
            ReportExhibit {
                caption: if withheld {
                    "Withheld from publication to protect personal or sensitive information.".into()
                } else {
                    r.apply(&exhibit.description)
                },
                media_type: if withheld {
                    String::new()
                } else {
                    exhibit.media_type.clone()
                },
                label,
                withheld,
                figure,
            }
        })
        .collect();

    let sections = SECTIONS
        .iter()
        .map(|(key, title, _)| {
            let text = sources
                .sections
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, text)| text.as_str())
                .unwrap_or("");
            ReportSection {
                key: key.to_string(),
                title: title.to_string(),
                blocks: parse_markdown(&r.apply(text)),
            }
        })
        .collect();

    Composed {
        model: ReportModel {
            internal: !public,
            office_name: sources.office_name.to_string(),
            report_number: case.case_number.clone(),
            title: r.apply(&case.title),
            agency: r.apply(&case.subject_agency),
            received_on: case.received_on.clone(),
            approved_on: sources.approved_on.to_string(),
            version: sources.version,
            sections,
            incidents,
            findings,
            recommendations,
            exhibits,
        },
        figures,
    }
}

/// The JSON export: the report's facts for machines (number, title, agency, dates, findings,
/// recommendations with status, sections as text), without the drawings.
pub fn export_json(model: &ReportModel) -> String {
    use probity_domain::reports::blocks_text;
    let text = |blocks: &[probity_domain::reports::Block]| blocks_text(blocks, false);
    let value = serde_json::json!({
        "report_number": model.report_number,
        "title": model.title,
        "office": model.office_name,
        "agency": model.agency,
        "received_on": model.received_on,
        "approved_on": model.approved_on,
        "version": model.version,
        "internal": model.internal,
        "sections": model.sections.iter().filter(|s| !s.blocks.is_empty()).map(|s| serde_json::json!({
            "key": s.key, "title": s.title, "text": text(&s.blocks),
        })).collect::<Vec<_>>(),
        "incidents": model.incidents.iter().map(|incident| serde_json::json!({
            "title": incident.title,
            "summary": incident.summary,
            "events": incident.events,
        })).collect::<Vec<_>>(),
        "findings": model.findings.iter().map(|finding| serde_json::json!({
            "allegation": finding.allegation,
            "subject": finding.subject,
            "rule": finding.rule,
            "disposition": finding.disposition,
            "basis": finding.basis,
            "analysis": text(&finding.analysis),
            "evidence": finding.cites,
        })).collect::<Vec<_>>(),
        "recommendations": model.recommendations,
        "exhibits": model.exhibits.iter().map(|exhibit| serde_json::json!({
            "label": exhibit.label,
            "caption": exhibit.caption,
            "media_type": exhibit.media_type,
            "withheld": exhibit.withheld,
        })).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into())
}

/// A report with `events` events (in incidents of 100) and `exhibits` exhibits, drawn the way a
/// real one is (charts included), for the benchmark.
pub fn synthetic_model(events: usize, exhibits: usize) -> ReportModel {
    use probity_domain::cases::{
        AllegationStatus, CaseStatus, Confidentiality, IntakeChannel, Priority,
    };
    use probity_domain::timeline::{Channel, EventKind, EventParty, PermittedBasis, Precision};
    let now = time::OffsetDateTime::UNIX_EPOCH;
    let case = Case {
        case_id: 1,
        case_number: "2025-0001".into(),
        title: "A large case".into(),
        summary: "Benchmark".into(),
        subject_agency: "Agency 1".into(),
        intake_channel: IntakeChannel::Complaint,
        received_on: "2025-01-01".into(),
        priority: Priority::Normal,
        confidentiality: Confidentiality::Standard,
        status: CaseStatus::Investigation,
        time_zone: "UTC".into(),
        case_type: "general".into(),
        lead_user_id: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let incident_count = events.div_ceil(100).max(1);
    let incidents: Vec<Incident> = (0..incident_count)
        .map(|n| Incident {
            incident_id: n as i64 + 1,
            case_id: 1,
            title: format!("Incident {}", n + 1),
            summary: "A stretch of related events.".into(),
            event_count: 0,
        })
        .collect();
    let all_events: Vec<Event> = (0..events)
        .map(|n| {
            let day = format!("2024-{:02}-{:02}", n % 12 + 1, n % 28 + 1);
            Event {
                event_id: n as i64 + 1,
                case_id: 1,
                incident_id: (n / 100) as i64 + 1,
                incident_title: format!("Incident {}", n / 100 + 1),
                earliest: format!("{day}T00:00:00Z"),
                latest: format!("{day}T23:59:59Z"),
                precision: Precision::Day,
                local_start: day,
                local_end: String::new(),
                time_zone: "UTC".into(),
                discovered_on: String::new(),
                kind: EventKind::Other,
                channel: Channel::NotApplicable,
                information: Vec::new(),
                permitted_basis: PermittedBasis::Unknown,
                narrative: format!("Event {n}: a message was sent and answered the same day."),
                actors: vec![EventParty {
                    party_id: (n % 5) as i64,
                    name: format!("Person {}", n % 5),
                }],
                recipients: Vec::new(),
                exhibits: vec![(
                    (n % exhibits.max(1)) as i64 + 1,
                    format!("E-{}", n % exhibits.max(1) + 1),
                )],
                messages: Vec::new(),
                interviews: Vec::new(),
                updated_at: now,
                version: 1,
                case_time: String::new(),
            }
        })
        .collect();
    let allegations = vec![Allegation {
        allegation_id: 1,
        case_id: 1,
        subject_party_id: None,
        subject_name: Some("Person 0".into()),
        summary: "Disclosed records".into(),
        rule_at_issue: "Rule 1".into(),
        status: AllegationStatus::UnderInvestigation,
        version: 1,
    }];
    let exhibit_list: Vec<Exhibit> = (0..exhibits)
        .map(|n| synthetic_exhibit(n as i64 + 1))
        .collect();
    let sections = vec![("summary".to_string(), "A benchmark report.".to_string())];
    let sources = Sources {
        office_name: "Office of the Inspector General",
        case: &case,
        sections: &sections,
        version: 1,
        approved_on: "2025-01-01",
        allegations: &allegations,
        findings: &[],
        incidents: &incidents,
        events: &all_events,
        recommendations: &[],
        exhibits: &exhibit_list,
        released: &[],
    };
    compose(&sources, None).model
}

/// A plain text exhibit numbered `number`, for the benchmark and tests.
pub fn synthetic_exhibit(number: i64) -> Exhibit {
    Exhibit {
        exhibit_id: number,
        case_id: 1,
        number,
        parent_exhibit_id: None,
        description: format!("Exhibit {number} of the benchmark case"),
        original_filename: format!("file-{number}.txt"),
        sha256: "0".repeat(64),
        size_bytes: 10,
        media_type: "text/plain".into(),
        extension_mismatch: false,
        provided_by: String::new(),
        collected_by: String::new(),
        collected_at: String::new(),
        personal_data: false,
        criminal_justice: false,
        booking_photo: false,
        restricted: false,
        captured_by: String::new(),
        captured_at: String::new(),
        capture_device: String::new(),
        capture_shows: String::new(),
        thumbnail_sha256: None,
        ocr_status: probity_domain::evidence::OcrStatus::NotApplicable,
        ocr_text: None,
        ocr_confidence: None,
        uploaded_by_name: String::new(),
        uploaded_at: time::OffsetDateTime::UNIX_EPOCH,
    }
}
