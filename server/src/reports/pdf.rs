//! Report PDFs, typeset in-process by Typst from a fixed template and the report as JSON.
//!
//! The template (`template.typ`) reads everything from `/data.json`; the charts and figures are
//! virtual files. The fonts are Typst's own bundled fonts, loaded once, so the output does not
//! depend on the machine. The PDF is tagged (Typst's default), carries the title and the
//! language, and is deterministic for the same report.

use probity_domain::reports::ReportModel;
use std::collections::HashMap;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("template.typ");
const STATISTICS_TEMPLATE: &str = include_str!("statistics.typ");

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the report could not be typeset: {0}")]
    Typeset(String),
    #[error("the report could not be prepared: {0}")]
    Prepare(String),
}

/// The fonts and the standard library, shared by every rendering.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        let book = FontBook::from_fonts(&fonts);
        Shared {
            library: LazyHash::new(<Library as LibraryExt>::default()),
            book: LazyHash::new(book),
            fonts,
        }
    })
}

/// One report's files, as Typst sees them.
struct ReportWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
}

fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path).map_err(|error| PdfError::Prepare(format!("{error:?}")))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(std::path::PathBuf::new()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(std::path::PathBuf::new()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Reports carry their approval date as data; "today" would make them change by day.
        None
    }
}

/// A typeset report: the PDF and the text of each page as laid out.
pub struct Typeset {
    pub pdf: Vec<u8>,
    /// What Typst placed on each page, for the leak check.
    pub page_texts: Vec<String>,
}

/// Typesets a report. `figures` are `(file name, PNG bytes)` named by the model's exhibits.
/// Runs on the blocking pool: typesetting a large report takes a good part of a second.
pub async fn render(
    model: ReportModel,
    figures: Vec<(String, Vec<u8>)>,
) -> Result<Typeset, PdfError> {
    tokio::task::spawn_blocking(move || render_blocking(&model, figures))
        .await
        .map_err(|error| PdfError::Prepare(error.to_string()))?
}

/// Typesets a report on the current thread.
pub fn render_blocking(
    model: &ReportModel,
    figures: Vec<(String, Vec<u8>)>,
) -> Result<Typeset, PdfError> {
    let data = serde_json::to_vec(model).map_err(|error| PdfError::Prepare(error.to_string()))?;
    let mut files = HashMap::new();
    for (index, incident) in model.incidents.iter().enumerate() {
        files.insert(
            file_id(&format!("/chart-{index}.svg"))?,
            Bytes::new(incident.chart_svg.clone().into_bytes()),
        );
    }
    for (name, bytes) in figures {
        if name.contains('/') || name.contains("..") {
            return Err(PdfError::Prepare("bad figure name".into()));
        }
        files.insert(file_id(&format!("/{name}"))?, Bytes::new(bytes));
    }
    let ident = format!(
        "probity-{}-{}-{}",
        model.report_number,
        model.version,
        if model.internal { "internal" } else { "public" }
    );
    typeset(TEMPLATE, data, files, ident)
}

/// The statistics of a period as a PDF, from its own template and `data` (see
/// `statistics.typ` for the fields).
pub async fn render_statistics(
    data: serde_json::Value,
    ident: String,
) -> Result<Vec<u8>, PdfError> {
    tokio::task::spawn_blocking(move || {
        let data =
            serde_json::to_vec(&data).map_err(|error| PdfError::Prepare(error.to_string()))?;
        typeset(STATISTICS_TEMPLATE, data, HashMap::new(), ident).map(|typeset| typeset.pdf)
    })
    .await
    .map_err(|error| PdfError::Prepare(error.to_string()))?
}

/// Typesets `template` with `data` as `/data.json` beside `files`; `ident` names the PDF
/// so that the same input gives the same bytes.
fn typeset(
    template: &str,
    data: Vec<u8>,
    mut files: HashMap<FileId, Bytes>,
    ident: String,
) -> Result<Typeset, PdfError> {
    files.insert(file_id("/data.json")?, Bytes::new(data));
    let world = ReportWorld {
        main: Source::new(file_id("/main.typ")?, template.to_string()),
        files,
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|errors| {
        PdfError::Typeset(
            errors
                .iter()
                .map(|error| error.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some("Probity".into())),
        ..typst_pdf::PdfOptions::default()
    };
    let page_texts = document
        .pages()
        .iter()
        .map(|page| {
            let mut text = String::new();
            frame_text(&page.frame, &mut text);
            text
        })
        .collect();
    let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| {
        PdfError::Typeset(
            errors
                .iter()
                .map(|error| error.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok(Typeset { pdf, page_texts })
}

/// The text runs of a frame and its groups, in order.
fn frame_text(frame: &typst::layout::Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            typst::layout::FrameItem::Text(text) => {
                out.push_str(&text.text);
                out.push(' ');
            }
            typst::layout::FrameItem::Group(group) => frame_text(&group.frame, out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statistics template typesets whatever the labels hold as text: markup, Typst
    /// syntax and long lines are never code. `PROBITY_STATISTICS_PDF=path` keeps the PDF to
    /// look at.
    #[tokio::test]
    async fn the_statistics_template_sets_hostile_text_as_text() {
        let hostile = "#panic(\"no\") ]<b>x</b> $x$ = formula ".repeat(20);
        let row = serde_json::json!({ "label": hostile, "value": "USD 1,234.56", "rule": hostile });
        let data = serde_json::json!({
            "office_name": "Office of the Inspector General",
            "title": "Statistics for 2025-04-01 to 2025-09-30",
            "period_from": "2025-04-01",
            "period_to": "2025-09-30",
            "currency": "USD",
            "generated_on": "2026-12-04",
            "semiannual": [row.clone(), row.clone()],
            "office": [row],
            "complaints_received": "12",
            "complaint_outcomes": [{ "label": "Closed", "count": "3" }],
            "median": "41 days",
        });
        let pdf = render_statistics(data, "probity-statistics-test".into())
            .await
            .expect("typeset");
        assert!(pdf.starts_with(b"%PDF"));
        if let Ok(path) = std::env::var("PROBITY_STATISTICS_PDF") {
            std::fs::write(path, &pdf).expect("write");
        }
    }
}
