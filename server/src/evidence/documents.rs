//! The text of office documents: Word and other OOXML writers' DOCX, XLSX and PPTX, and
//! OpenDocument text, spreadsheets and presentations (LibreOffice), read in Rust from the
//! XML parts inside their zip container, so no tool has to be installed or run.
//!
//! What a container may do to the reader is bounded: how many bytes each part and all parts
//! together may inflate to (a small zip can inflate to gigabytes), how much text is kept, and
//! the XML is read as a stream, never expanded (entities declared in a document's own DTD,
//! as in the "billion laughs" attack, are left as written).

use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::events::Event;

/// The most any one part may inflate to.
const PART_LIMIT: u64 = 64 * 1024 * 1024;

/// The most all parts together may inflate to.
const TOTAL_LIMIT: u64 = 256 * 1024 * 1024;

/// The most parts read from one document (slides, sheets, headers).
const MAX_PARTS: usize = 2_000;

/// The families of office documents whose text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Office Open XML (DOCX, XLSX, PPTX).
    OfficeOpenXml,
    /// OpenDocument (ODT, ODS, ODP).
    OpenDocument,
}

/// The family of a detected media type, when its text is read.
pub fn family(media_type: &str) -> Option<Family> {
    match media_type {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
            Some(Family::OfficeOpenXml)
        }
        "application/vnd.oasis.opendocument.text"
        | "application/vnd.oasis.opendocument.spreadsheet"
        | "application/vnd.oasis.opendocument.presentation" => Some(Family::OpenDocument),
        _ => None,
    }
}

/// The parts that hold a document's text, in reading order: the body first, then what
/// surrounds it (headers and footers, notes, comments).
fn text_parts(names: &[String], family: Family) -> Vec<String> {
    // Numbered parts (slide2 before slide10) in their numbers' order.
    fn numbered(name: &str) -> (String, u64) {
        let stem = name.trim_end_matches(".xml");
        let digits = stem.len() - stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let number = stem[stem.len() - digits..].parse().unwrap_or(0);
        (stem[..stem.len() - digits].to_string(), number)
    }
    let pick = |prefixes: &[&str]| {
        let mut picked: Vec<String> = names
            .iter()
            .filter(|name| name.ends_with(".xml") && prefixes.iter().any(|p| name.starts_with(p)))
            .cloned()
            .collect();
        picked.sort_by_key(|name| numbered(name));
        picked
    };
    match family {
        Family::OfficeOpenXml => [
            &["word/document.xml"][..],
            &["word/header", "word/footer"],
            &[
                "word/footnotes.xml",
                "word/endnotes.xml",
                "word/comments.xml",
            ],
            &["xl/sharedStrings.xml"],
            &["xl/worksheets/sheet"],
            &["ppt/slides/slide"],
            &["ppt/notesSlides/notesSlide"],
        ]
        .iter()
        .flat_map(|prefixes| pick(prefixes))
        .collect(),
        Family::OpenDocument => pick(&["content.xml"])
            .into_iter()
            .chain(pick(&["styles.xml"]))
            .collect(),
    }
}

/// Reads the text of an office document at `path`, at most `max` bytes of it. Blocking: run
/// it on a blocking thread.
pub fn read(path: &Path, family: Family, max: usize) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|error| error.to_string())?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|error| format!("not a readable zip container: {error}"))?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|name| name.ok().map(|name| name.into_owned()))
        .collect();
    let parts = text_parts(&names, family);
    if parts.is_empty() {
        return Err("the container holds no document text part".into());
    }
    let mut text = String::new();
    let mut budget = TOTAL_LIMIT;
    for name in parts.iter().take(MAX_PARTS) {
        if text.len() >= max || budget == 0 {
            break;
        }
        let part = archive
            .by_name(name)
            .map_err(|error| format!("cannot read {name}: {error}"))?;
        let limit = PART_LIMIT.min(budget);
        let mut counted = Counted {
            inner: part.take(limit),
            read: 0,
        };
        let before = text.len();
        read_part(&mut counted, name, family, &mut text, max)?;
        budget = budget.saturating_sub(counted.read);
        if counted.read >= limit {
            return Err(format!("{name} inflates past {limit} bytes"));
        }
        if text.len() > before && !text.ends_with("\n\n") {
            text.push('\n');
        }
    }
    let text = crate::messages::clip(text.trim_end().to_string(), max);
    Ok(text)
}

/// A reader that counts what passes through it.
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// Appends the text of one XML part: character data of the text elements, a line break
/// after each paragraph, tabs and explicit breaks as written.
fn read_part(
    source: &mut impl Read,
    name: &str,
    family: Family,
    text: &mut String,
    max: usize,
) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(source));
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    // Inside an element whose character data is text: OOXML's `t` (and `delText`, text
    // deleted with tracked changes, which is still in the file); in OpenDocument, anything
    // inside a paragraph or heading.
    let mut in_text = 0usize;
    // OpenDocument's styles part: only its master pages (headers and footers) are text.
    let styles = family == Family::OpenDocument && name == "styles.xml";
    let mut in_master = 0usize;
    let mut in_body = 0usize;
    loop {
        if text.len() >= max {
            return Ok(());
        }
        // Whether character data here is the document's text.
        let visible = match family {
            Family::OfficeOpenXml => in_text > 0,
            Family::OpenDocument if styles => in_text > 0 && in_master > 0,
            Family::OpenDocument => in_text > 0 && in_body > 0,
        };
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|error| format!("{name} is not well-formed XML: {error}"))?;
        match event {
            Event::Eof => return Ok(()),
            Event::Start(element) => {
                let local = element.local_name();
                match (family, local.as_ref()) {
                    (Family::OfficeOpenXml, b"t" | b"delText" | b"instrText") => in_text += 1,
                    (Family::OpenDocument, b"p" | b"h") => in_text += 1,
                    (Family::OpenDocument, b"master-page") => in_master += 1,
                    (Family::OpenDocument, b"body") => in_body += 1,
                    _ => {}
                }
            }
            Event::End(element) => {
                let local = element.local_name();
                match (family, local.as_ref()) {
                    (Family::OfficeOpenXml, b"t" | b"delText" | b"instrText") => {
                        in_text = in_text.saturating_sub(1)
                    }
                    (Family::OfficeOpenXml, b"p" | b"si") => text.push('\n'),
                    (Family::OfficeOpenXml, b"tc") => text.push('\t'),
                    (Family::OpenDocument, b"p" | b"h") => {
                        in_text = in_text.saturating_sub(1);
                        if in_text == 0 && (in_body > 0 || in_master > 0) {
                            text.push('\n');
                        }
                    }
                    (Family::OpenDocument, b"master-page") => {
                        in_master = in_master.saturating_sub(1)
                    }
                    (Family::OpenDocument, b"body") => in_body = in_body.saturating_sub(1),
                    _ => {}
                }
            }
            Event::Empty(element) => {
                let shown =
                    family == Family::OfficeOpenXml || (!styles && in_body > 0) || in_master > 0;
                match element.local_name().as_ref() {
                    b"tab" if shown => text.push('\t'),
                    b"br" | b"cr" | b"line-break" if shown => text.push('\n'),
                    // OpenDocument writes runs of spaces as `<text:s text:c="3"/>`.
                    b"s" if family == Family::OpenDocument && in_text > 0 && shown => {
                        let count = element
                            .attributes()
                            .flatten()
                            .find(|attribute| attribute.key.local_name().as_ref() == b"c")
                            .and_then(|attribute| {
                                std::str::from_utf8(&attribute.value)
                                    .ok()?
                                    .parse::<usize>()
                                    .ok()
                            })
                            .unwrap_or(1)
                            .min(100);
                        text.extend(std::iter::repeat_n(' ', count));
                    }
                    _ => {}
                }
            }
            Event::Text(content) if visible => {
                // An entity the document declares itself is kept as written, not expanded.
                match content.unescape() {
                    Ok(unescaped) => text.push_str(&unescaped),
                    Err(_) => text.push_str(&String::from_utf8_lossy(&content)),
                }
            }
            Event::CData(content) if visible => {
                text.push_str(&String::from_utf8_lossy(&content));
            }
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/documents")
            .join(name)
    }

    /// The family the upload's type detection gives the file, and its text.
    fn text_of(name: &str) -> Result<String, String> {
        let path = fixture(name);
        let head = std::fs::read(&path).expect("fixture");
        let detected = super::super::media::detect(&head[..head.len().min(8192)], name);
        let family = family(&detected.media_type)
            .unwrap_or_else(|| panic!("{name} detected as {}", detected.media_type));
        read(&path, family, 1 << 20)
    }

    #[test]
    fn word_documents_give_their_paragraphs_headers_and_footers() {
        // Word splits a word into runs ("Para" "graph"); the text joins them again.
        let text = text_of("par-known-paragraphs.docx").expect("read");
        assert!(text.contains("Paragraph"), "{text:?}");
        assert!(text.lines().count() >= 2, "a line per paragraph: {text:?}");
        let text = text_of("hdr-header-footer.docx").expect("read");
        assert!(text.contains("Header for section-1"), "{text:?}");
        assert!(
            text.find("section with header") < text.find("Header for section-1"),
            "the body comes first: {text:?}"
        );
        // An empty table is a document without text, not a failure.
        assert_eq!(text_of("tbl-2x2-table.docx").expect("read").trim(), "");
    }

    #[test]
    fn opendocument_text_gives_its_body_then_its_headers_and_footers() {
        let text = text_of("headerfooter.odt").expect("read");
        assert!(text.starts_with("Lorem ipsum"), "{text:?}");
        // Tabs as written (the header is laid out with tab stops).
        assert!(
            text.contains("Header\t1\tTest") && text.contains("Footer\t1\tBottom"),
            "{text:?}"
        );
        // A declared external entity is neither fetched nor expanded.
        let text = text_of("nasty.odt").expect("read");
        assert_eq!(text, "Test: &nasty;");
    }

    #[test]
    fn a_container_that_inflates_too_far_or_is_no_zip_is_refused() {
        use std::io::Write as _;
        let folder = std::env::temp_dir().join(format!("probity-docx-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("folder");
        let bomb = folder.join("bomb.docx");
        {
            let file = std::fs::File::create(&bomb).expect("create");
            let mut zip = zip::ZipWriter::new(file);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            zip.start_file("word/document.xml", options).expect("part");
            zip.write_all(b"<w:document><w:body><w:p><w:r><w:t>")
                .expect("write");
            let zeros = vec![b' '; 1 << 20];
            for _ in 0..(PART_LIMIT >> 20) + 1 {
                zip.write_all(&zeros).expect("write");
            }
            zip.finish().expect("finish");
        }
        assert!(
            std::fs::metadata(&bomb).expect("size").len() < 1 << 20,
            "small on disk"
        );
        let refused = read(&bomb, Family::OfficeOpenXml, 1 << 20).expect_err("bomb");
        assert!(refused.contains("inflates past"), "{refused}");
        let not_zip = folder.join("not.docx");
        std::fs::write(&not_zip, b"PK\x03\x04 but nothing after").expect("write");
        assert!(read(&not_zip, Family::OfficeOpenXml, 1 << 20).is_err());
        let _ = std::fs::remove_dir_all(&folder);
    }

    #[test]
    fn numbered_parts_come_in_their_numbers_order_body_first() {
        let names: Vec<String> = [
            "ppt/slides/slide10.xml",
            "ppt/slides/slide2.xml",
            "ppt/slides/slide1.xml",
            "ppt/slides/_rels/slide1.xml.rels",
            "word/footer1.xml",
            "word/document.xml",
        ]
        .iter()
        .map(|name| name.to_string())
        .collect();
        assert_eq!(
            text_parts(&names, Family::OfficeOpenXml),
            [
                "word/document.xml",
                "word/footer1.xml",
                "ppt/slides/slide1.xml",
                "ppt/slides/slide2.xml",
                "ppt/slides/slide10.xml"
            ]
        );
    }
}
