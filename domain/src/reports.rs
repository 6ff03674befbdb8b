//! The vocabulary of an office's product: findings on allegations, recommendations to
//! agencies, report versions with their review, redactions and published reports, and the
//! report document itself ([`ReportModel`]) that the HTML page, the PDF and the JSON export are
//! all drawn from.

use crate::cases::text_enum;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The dispositions offered when none are configured.
pub const DEFAULT_DISPOSITIONS: [&str; 4] = [
    "Substantiated",
    "Unsubstantiated",
    "Unfounded",
    "Exonerated",
];

text_enum!(
    /// Where a recommendation stands with the agency.
    RecommendationStatus {
        Open = "open" / "Open",
        Accepted = "accepted" / "Accepted",
        PartiallyImplemented = "partially_implemented" / "Partially implemented",
        Implemented = "implemented" / "Implemented",
        Rejected = "rejected" / "Rejected",
    }
);

impl RecommendationStatus {
    /// True while the agency still owes action.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RecommendationStatus::Open
                | RecommendationStatus::Accepted
                | RecommendationStatus::PartiallyImplemented
        )
    }
}

text_enum!(
    /// How urgent the office rates a recommendation.
    RecommendationPriority {
        None = "none" / "Not rated",
        High = "high" / "High",
        Medium = "medium" / "Medium",
        Low = "low" / "Low",
    }
);

text_enum!(
    /// Where a recommendation stands in the oversight.gov vocabulary: unresolved until the
    /// agency's management decides what it will do, resolved once it has and the action is
    /// still to come, closed when the office closes it.
    RecommendationResolution {
        OpenUnresolved = "open_unresolved" / "Open, unresolved",
        OpenResolved = "open_resolved" / "Open, resolved",
        Closed = "closed" / "Closed",
    }
);

impl RecommendationResolution {
    /// The oversight.gov words, as its recommendation data spells them.
    pub fn oversight_term(self) -> &'static str {
        match self {
            RecommendationResolution::OpenUnresolved => "Open-Unresolved",
            RecommendationResolution::OpenResolved => "Open-Resolved",
            RecommendationResolution::Closed => "Closed",
        }
    }
}

/// Days the agency has to answer a recommendation, from the report's first publication.
pub const RESPONSE_DAYS: i64 = 60;

text_enum!(
    /// Where a report version is in review.
    ReportState {
        Draft = "draft" / "Draft",
        Submitted = "submitted" / "Submitted for review",
        Returned = "returned" / "Returned with comments",
        Approved = "approved" / "Approved",
        Published = "published" / "Published",
    }
);

text_enum!(
    /// Why text is left out of the public version; shown in its place.
    RedactionReason {
        PersonalData = "personal_data" / "Personal data",
        WitnessSafety = "witness_safety" / "Witness safety",
        LawEnforcement = "law_enforcement" / "Law-enforcement sensitive",
        Security = "security" / "Security of a facility or system",
        Deliberative = "deliberative" / "Deliberative",
        Other = "other" / "Other",
    }
);

/// The narrative sections the team writes, as `(key, title, hint)`, in report order. The
/// generated parts (incidents, findings, recommendations, exhibits) sit between them.
pub const SECTIONS: [(&str, &str, &str); 6] = [
    (
        "summary",
        "Summary",
        "What was alleged, what the office found and what it recommends, in a few paragraphs.",
    ),
    (
        "background",
        "Background",
        "The agency, the people's roles (by pseudonym) and how the matter came to the office.",
    ),
    (
        "scope",
        "Scope and method",
        "What the office examined and how: records, interviews, systems.",
    ),
    (
        "agency_response",
        "Agency response",
        "The agency's comments on the draft and the office's reply.",
    ),
    (
        "conclusion",
        "Conclusion",
        "What follows from the findings.",
    ),
    (
        "corrections",
        "Corrections",
        "Only for a corrected edition of a published report: what changed and why.",
    ),
];

/// The title of a section key, or the key itself.
pub fn section_title(key: &str) -> &str {
    SECTIONS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, title, _)| *title)
        .unwrap_or(key)
}

/// A finding on one allegation, as the findings page shows it.
#[derive(Clone, Debug)]
pub struct Finding {
    pub finding_id: i64,
    pub allegation_id: i64,
    pub disposition: String,
    /// The law or policy the disposition rests on.
    pub basis: String,
    /// Markdown subset.
    pub analysis: String,
    pub event_ids: Vec<i64>,
    pub exhibit_ids: Vec<i64>,
    pub updated_by_name: String,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// A recommendation to an agency.
#[derive(Clone, Debug)]
pub struct Recommendation {
    pub recommendation_id: i64,
    pub case_id: i64,
    pub case_number: String,
    /// 1 for R-1.
    pub number: i64,
    pub agency: String,
    pub body: String,
    pub response: String,
    pub status: RecommendationStatus,
    /// `YYYY-MM-DD`.
    pub status_on: String,
    pub version: i64,
    /// Counted as significant in the office's reporting.
    pub significant: bool,
    pub priority: RecommendationPriority,
    pub resolution: RecommendationResolution,
    /// `YYYY-MM-DD`: when the agency's management decided (resolved it).
    pub decision_on: Option<String>,
    /// `YYYY-MM-DD`: when the agency's response came.
    pub response_received_on: Option<String>,
    /// `YYYY-MM-DD`: the first publication of the case's report, when it has been published
    /// (the recommendation is issued then).
    pub issued_on: Option<String>,
    /// Questioned costs recorded against it, in minor units of the office's currency.
    pub questioned_minor: i64,
    /// Of those, unsupported.
    pub unsupported_minor: i64,
    /// Funds put to better use recorded against it.
    pub better_use_minor: i64,
}

impl Recommendation {
    /// `R-3`.
    pub fn label(&self) -> String {
        format!("R-{}", self.number)
    }

    /// The day the agency's response is due: 60 days after the report's first publication;
    /// none before it is published.
    pub fn response_due_on(&self) -> Option<time::Date> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let issued = time::Date::parse(self.issued_on.as_deref()?, &format).ok()?;
        issued.checked_add(time::Duration::days(RESPONSE_DAYS))
    }

    /// True when the response is due before `today` and has not come.
    pub fn response_overdue(&self, today: time::Date) -> bool {
        self.response_received_on.is_none() && self.response_due_on().is_some_and(|due| due < today)
    }
}

/// A published recommendation in the fields oversight.gov publishes for every IG
/// recommendation: the report, the recommendation's number and published (redacted) text,
/// whether it is significant, its amounts, and its status. Amounts are plain decimals in
/// `currency`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedRecommendation {
    pub report_number: String,
    /// `YYYY-MM-DD`: the first edition's publication.
    pub report_date: String,
    pub report_title: String,
    /// The agency the recommendation is addressed to, as published.
    pub agency: String,
    /// `R-1`.
    pub recommendation_number: String,
    pub recommendation: String,
    pub significant: bool,
    pub questioned_costs: String,
    pub funds_for_better_use: String,
    pub currency: String,
    /// `Open-Unresolved`, `Open-Resolved` or `Closed`.
    pub status: String,
    /// The edition whose text this is, and its address on the portal.
    pub edition: i64,
    pub report_url: String,
}

impl PublishedRecommendation {
    /// The column names of the CSV export, in order.
    pub const CSV_COLUMNS: [&'static str; 13] = [
        "report_number",
        "report_date",
        "report_title",
        "agency",
        "recommendation_number",
        "recommendation",
        "significant",
        "questioned_costs",
        "funds_for_better_use",
        "currency",
        "status",
        "edition",
        "report_url",
    ];

    /// The cells of its CSV row, in [`Self::CSV_COLUMNS`] order.
    pub fn csv_cells(&self) -> [String; 13] {
        [
            self.report_number.clone(),
            self.report_date.clone(),
            self.report_title.clone(),
            self.agency.clone(),
            self.recommendation_number.clone(),
            self.recommendation.clone(),
            if self.significant { "yes" } else { "no" }.to_string(),
            self.questioned_costs.clone(),
            self.funds_for_better_use.clone(),
            self.currency.clone(),
            self.status.clone(),
            self.edition.to_string(),
            self.report_url.clone(),
        ]
    }
}

/// One step of a recommendation's history.
#[derive(Clone, Debug)]
pub struct RecommendationUpdate {
    pub status: RecommendationStatus,
    pub status_on: String,
    pub note: String,
    pub updated_by_name: String,
    pub updated_at: OffsetDateTime,
}

/// A string left out of public versions.
#[derive(Clone, Debug)]
pub struct Redaction {
    pub redaction_id: i64,
    pub text: String,
    pub reason: RedactionReason,
    pub created_by_name: String,
}

/// One saved version of a case's report.
#[derive(Clone, Debug)]
pub struct ReportVersion {
    pub report_version_id: i64,
    pub case_id: i64,
    pub version: i64,
    pub state: ReportState,
    /// `(key, Markdown)` in [`SECTIONS`] order.
    pub sections: Vec<(String, String)>,
    pub created_by_name: String,
    pub created_at: OffsetDateTime,
    pub submitted_by_name: Option<String>,
    pub submitted_at: Option<OffsetDateTime>,
    pub reviewed_by_name: Option<String>,
    pub reviewed_at: Option<OffsetDateTime>,
    pub review_note: String,
    pub internal_pdf_sha256: Option<String>,
    pub public_pdf_sha256: Option<String>,
    pub public_html_sha256: Option<String>,
    pub public_json_sha256: Option<String>,
    pub public_model_sha256: Option<String>,
    /// What the leak check found at approval; `None` before approval.
    pub leak_hits: Option<Vec<LeakHit>>,
}

impl ReportVersion {
    /// The text of a section; empty when not written.
    pub fn section(&self, key: &str) -> &str {
        self.sections
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, text)| text.as_str())
            .unwrap_or("")
    }
}

/// A reviewer's comment on one section.
#[derive(Clone, Debug)]
pub struct ReviewComment {
    pub section: String,
    pub body: String,
    pub author_name: String,
    pub created_at: OffsetDateTime,
}

/// A redacted string found in a public file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakHit {
    /// Which file: `public PDF`, `public HTML`, `public JSON`.
    pub file: String,
    /// Where in it: `text of page 2`, `document metadata`, `embedded image 1 (EXIF)`.
    pub place: String,
    /// Which redacted string, e.g. `name of party "Detainee A"`; never the string itself, so
    /// the report can be shown to anyone who may review.
    pub term: String,
    /// The surroundings with the string itself masked.
    pub context: String,
    /// For a pattern of personal data (a telephone number, say), its reason code:
    /// `ssn`, `phone`, `email`, `date-of-birth`, `booking-number`, `figure-unread`.
    #[serde(default)]
    pub reason: Option<String>,
    /// For a hit a commissioner may release, the key a release is recorded under (the
    /// reason code and a hash of the value); redacted names and spans have none.
    #[serde(default)]
    pub release_key: Option<String>,
}

/// A commissioner's release of one personal-data hit: the value may appear in the public
/// report, for the reason given.
#[derive(Clone, Debug)]
pub struct LeakRelease {
    /// The hit's [`LeakHit::release_key`].
    pub release_key: String,
    pub reason: String,
    pub released_by_name: String,
    pub released_at: OffsetDateTime,
}

/// A published report as the portal lists it.
#[derive(Clone, Debug)]
pub struct PublishedReport {
    pub published_id: i64,
    pub case_id: i64,
    pub report_version_id: i64,
    pub report_number: String,
    pub edition: i64,
    pub title: String,
    pub agency: String,
    pub summary: String,
    pub correction_note: String,
    pub published_at: OffsetDateTime,
    pub public_pdf_sha256: String,
    pub public_html_sha256: String,
    pub public_json_sha256: String,
    pub public_model_sha256: String,
}

/// A whole report, ready to render: everything in it is already redacted for the public
/// version (or marked internal). The server freezes it as JSON at approval.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportModel {
    /// True for the team's own copy, which is marked as such on every page.
    pub internal: bool,
    pub office_name: String,
    /// The case number; published editions share it.
    pub report_number: String,
    pub title: String,
    pub agency: String,
    /// `YYYY-MM-DD` the case was received.
    pub received_on: String,
    /// `YYYY-MM-DD` of approval, or empty for a draft.
    pub approved_on: String,
    /// The report version it was drawn from.
    pub version: i64,
    pub sections: Vec<ReportSection>,
    pub incidents: Vec<ReportIncident>,
    pub findings: Vec<ReportFinding>,
    pub recommendations: Vec<ReportRecommendation>,
    pub exhibits: Vec<ReportExhibit>,
}

impl ReportModel {
    /// A narrative section's blocks; empty when it was not written.
    pub fn section(&self, key: &str) -> Option<&ReportSection> {
        self.sections
            .iter()
            .find(|section| section.key == key && !section.blocks.is_empty())
    }
}

/// A narrative section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportSection {
    pub key: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// An incident with its timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportIncident {
    pub title: String,
    pub summary: String,
    /// The timeline chart, a standalone SVG document.
    pub chart_svg: String,
    pub events: Vec<ReportEvent>,
}

/// One event of an incident's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportEvent {
    pub number: usize,
    pub when: String,
    pub actors: String,
    pub recipients: String,
    pub kind: String,
    pub narrative: String,
    pub cites: String,
}

/// A finding on one allegation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportFinding {
    pub allegation: String,
    pub subject: String,
    pub rule: String,
    pub disposition: String,
    pub basis: String,
    pub analysis: Vec<Block>,
    pub cites: String,
}

/// A recommendation with the agency's response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportRecommendation {
    pub label: String,
    pub agency: String,
    pub body: String,
    pub status: String,
    pub status_on: String,
    pub response: String,
}

/// An exhibit in the list of exhibits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportExhibit {
    pub label: String,
    /// The exhibit's description, or why it is withheld.
    pub caption: String,
    pub media_type: String,
    /// Left out of this version (a sensitive exhibit not released).
    pub withheld: bool,
    /// A metadata-free PNG of the image, for released images; file name inside the PDF.
    pub figure: Option<String>,
}

/// A block of the Markdown subset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Heading {
        text: Vec<Inline>,
    },
    Paragraph {
        text: Vec<Inline>,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    Quote {
        text: Vec<Inline>,
    },
}

/// A run of text inside a block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "style", content = "text", rename_all = "snake_case")]
pub enum Inline {
    Plain(String),
    Strong(String),
    Emphasis(String),
}

/// Parses the Markdown subset the report's narrative uses: paragraphs (separated by a blank
/// line), `### ` headings, `- ` or `* ` bullet lists, `1. ` numbered lists, `> ` quotes, and
/// inline `**strong**` and `*emphasis*`. Anything else is plain text: no HTML, no links, no
/// images, so a narrative cannot pull anything into a report.
pub fn parse_markdown(source: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<Vec<Inline>>)> = None;
    let mut quote: Vec<&str> = Vec::new();

    fn flush(
        blocks: &mut Vec<Block>,
        paragraph: &mut Vec<&str>,
        list: &mut Option<(bool, Vec<Vec<Inline>>)>,
        quote: &mut Vec<&str>,
    ) {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph {
                text: parse_inline(&paragraph.join(" ")),
            });
            paragraph.clear();
        }
        if let Some((ordered, items)) = list.take() {
            blocks.push(Block::List { ordered, items });
        }
        if !quote.is_empty() {
            blocks.push(Block::Quote {
                text: parse_inline(&quote.join(" ")),
            });
            quote.clear();
        }
    }

    for raw in source.lines() {
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut blocks, &mut paragraph, &mut list, &mut quote);
            continue;
        }
        if let Some(rest) = line
            .strip_prefix("### ")
            .or_else(|| line.strip_prefix("## "))
        {
            flush(&mut blocks, &mut paragraph, &mut list, &mut quote);
            blocks.push(Block::Heading {
                text: parse_inline(rest.trim()),
            });
            continue;
        }
        if let Some(rest) = line.strip_prefix("> ") {
            if !paragraph.is_empty() || list.is_some() {
                flush(&mut blocks, &mut paragraph, &mut list, &mut quote);
            }
            quote.push(rest);
            continue;
        }
        let item = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .map(|rest| (false, rest))
            .or_else(|| numbered_item(line).map(|rest| (true, rest)));
        if let Some((ordered, rest)) = item {
            if !paragraph.is_empty() || !quote.is_empty() {
                flush(&mut blocks, &mut paragraph, &mut list, &mut quote);
            }
            match &mut list {
                Some((kind, items)) if *kind == ordered => items.push(parse_inline(rest)),
                _ => {
                    flush(&mut blocks, &mut paragraph, &mut list, &mut quote);
                    list = Some((ordered, vec![parse_inline(rest)]));
                }
            }
            continue;
        }
        if let Some((_, items)) = &mut list {
            // A continuation line of the last item.
            if raw.starts_with(' ') || raw.starts_with('\t') {
                if let Some(last) = items.last_mut() {
                    last.push(Inline::Plain(" ".into()));
                    last.extend(parse_inline(line));
                }
                continue;
            }
        }
        if !quote.is_empty() || list.is_some() {
            flush(&mut blocks, &mut paragraph, &mut list, &mut quote);
        }
        paragraph.push(line);
    }
    flush(&mut blocks, &mut paragraph, &mut list, &mut quote);
    blocks
}

fn numbered_item(line: &str) -> Option<&str> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    line[digits..].strip_prefix(". ")
}

/// Splits a line into plain, `**strong**` and `*emphasis*` runs; unmatched markers stay text.
pub fn parse_inline(text: &str) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**") {
            if let Some(end) = after.find("**").filter(|&end| end > 0) {
                push_plain(&mut out, &mut plain);
                out.push(Inline::Strong(after[..end].to_string()));
                rest = &after[end + 2..];
                continue;
            }
        } else if let Some(after) = rest.strip_prefix('*')
            && let Some(end) = after
                .find('*')
                .filter(|&end| end > 0 && !after.starts_with(' '))
        {
            push_plain(&mut out, &mut plain);
            out.push(Inline::Emphasis(after[..end].to_string()));
            rest = &after[end + 1..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            plain.push(c);
        }
        rest = chars.as_str();
    }
    push_plain(&mut out, &mut plain);
    out
}

fn push_plain(out: &mut Vec<Inline>, plain: &mut String) {
    if !plain.is_empty() {
        out.push(Inline::Plain(std::mem::take(plain)));
    }
}

/// The text of inline runs without markers.
pub fn inline_text(runs: &[Inline]) -> String {
    runs.iter()
        .map(|run| match run {
            Inline::Plain(text) | Inline::Strong(text) | Inline::Emphasis(text) => text.as_str(),
        })
        .collect()
}

/// The plain text of blocks, without markers. Lines: paragraphs apart by a blank line and
/// list items on lines of their own starting with "- ". One line: everything joined by spaces,
/// list items by "; " (for summaries in lists).
pub fn blocks_text(blocks: &[Block], one_line: bool) -> String {
    let (between, item_prefix, between_items) = if one_line {
        (" ", "", "; ")
    } else {
        ("\n\n", "- ", "\n")
    };
    blocks
        .iter()
        .map(|block| match block {
            Block::Heading { text } | Block::Paragraph { text } | Block::Quote { text } => {
                inline_text(text)
            }
            Block::List { items, .. } => items
                .iter()
                .map(|item| format!("{item_prefix}{}", inline_text(item)))
                .collect::<Vec<_>>()
                .join(between_items),
        })
        .collect::<Vec<_>>()
        .join(between)
}

/// One line of a comparison between two versions of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffLine {
    Same(String),
    Added(String),
    Removed(String),
}

/// A line-by-line comparison (longest common subsequence; texts here are a few hundred lines
/// at most, and longer ones fall back to "all removed, all added").
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len() * b.len() > 4_000_000 {
        return a
            .iter()
            .map(|line| DiffLine::Removed(line.to_string()))
            .chain(b.iter().map(|line| DiffLine::Added(line.to_string())))
            .collect();
    }
    let mut table = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(DiffLine::Same(a[i].to_string()));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            out.push(DiffLine::Removed(a[i].to_string()));
            i += 1;
        } else {
            out.push(DiffLine::Added(b[j].to_string()));
            j += 1;
        }
    }
    out.extend(
        a[i..]
            .iter()
            .map(|line| DiffLine::Removed(line.to_string())),
    );
    out.extend(b[j..].iter().map(|line| DiffLine::Added(line.to_string())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_subset_blocks_and_inlines() {
        let blocks = parse_markdown(
            "### Scope\nWe read **all** logs\nand *two* e-mails.\n\n- one\n- two\n  continued\n1. first\n> quoted\n\n<script>x</script>",
        );
        assert_eq!(blocks.len(), 6, "{blocks:?}");
        assert_eq!(
            blocks[1],
            Block::Paragraph {
                text: vec![
                    Inline::Plain("We read ".into()),
                    Inline::Strong("all".into()),
                    Inline::Plain(" logs and ".into()),
                    Inline::Emphasis("two".into()),
                    Inline::Plain(" e-mails.".into()),
                ]
            }
        );
        match &blocks[2] {
            Block::List { ordered, items } => {
                assert!(!ordered);
                assert_eq!(inline_text(&items[1]), "two continued");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&blocks[3], Block::List { ordered: true, .. }));
        assert!(matches!(&blocks[4], Block::Quote { .. }));
        // HTML stays text.
        assert_eq!(
            blocks[5],
            Block::Paragraph {
                text: vec![Inline::Plain("<script>x</script>".into())]
            }
        );
        assert_eq!(
            parse_inline("2 * 3 and **open"),
            vec![Inline::Plain("2 * 3 and **open".into())]
        );
    }

    #[test]
    fn line_diff_marks_changes() {
        let diff = diff_lines("a\nb\nc", "a\nc\nd");
        assert_eq!(
            diff,
            vec![
                DiffLine::Same("a".into()),
                DiffLine::Removed("b".into()),
                DiffLine::Same("c".into()),
                DiffLine::Added("d".into()),
            ]
        );
    }
}

/// A recommendation as sent (its form, the API), before validation.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct RecommendationFields {
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub response: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub status_on: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: String,
    /// `yes` when significant (a checkbox).
    #[serde(default)]
    pub significant: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub resolution: String,
    /// The day management decided; empty when it has not.
    #[serde(default)]
    pub decision_on: String,
    /// The day the agency's response came; empty when it has not.
    #[serde(default)]
    pub response_received_on: String,
}

impl RecommendationFields {
    /// The values of a saved recommendation, for its edit form.
    pub fn of(found: &Recommendation) -> RecommendationFields {
        RecommendationFields {
            agency: found.agency.clone(),
            body: found.body.clone(),
            response: found.response.clone(),
            status: found.status.as_str().into(),
            status_on: found.status_on.clone(),
            note: String::new(),
            version: found.version.to_string(),
            significant: if found.significant { "yes" } else { "" }.into(),
            priority: found.priority.as_str().into(),
            resolution: found.resolution.as_str().into(),
            decision_on: found.decision_on.clone().unwrap_or_default(),
            response_received_on: found.response_received_on.clone().unwrap_or_default(),
        }
    }
}

/// A finding as sent (its form, the API), before validation.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct FindingFields {
    #[serde(default)]
    pub disposition: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub analysis: String,
    #[serde(default)]
    pub version: String,
    /// Cited events' ids as sent (checkboxes repeat the name, so forms read them apart).
    #[serde(skip)]
    pub events: Vec<String>,
    /// Cited exhibits' ids as sent.
    #[serde(skip)]
    pub exhibits: Vec<String>,
}

/// A redaction as sent, before validation.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct RedactionFields {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub reason: String,
}
