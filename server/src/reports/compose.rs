//! Draws a case's report ([`ReportModel`]) from its records and a report version's narrative,
//! either for the team (nothing redacted, marked internal) or for the public (every text passed
//! through the case's [`Redactor`], sensitive exhibits withheld unless released).

use super::redact::Redactor;
use probity_app::cases::{Allegation, Case};
use probity_app::evidence::Exhibit;
use probity_app::reports::{
    Finding, Recommendation, ReportEvent, ReportExhibit, ReportFinding, ReportIncident,
    ReportModel, ReportRecommendation, ReportSection, SECTIONS, parse_markdown,
};
use probity_app::timeline::{Event, Incident};
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
                let names = |parties: &[probity_app::timeline::EventParty]| {
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
            chart_svg: crate::timeline::chart_svg(&events, &title, true),
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
    use probity_app::reports::{Block, inline_text};
    let text = |blocks: &[Block]| -> String {
        blocks
            .iter()
            .map(|block| match block {
                Block::Heading { text } | Block::Paragraph { text } | Block::Quote { text } => {
                    inline_text(text)
                }
                Block::List { items, .. } => items
                    .iter()
                    .map(|item| format!("- {}", inline_text(item)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    };
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
