//! The leak check: every public file of a report is searched for every redacted string before
//! it may be published.
//!
//! The PDF is taken apart rather than trusted: the text of each page as a PDF reader extracts
//! it (`pdftotext`, from poppler; without it nothing can be published, because the check
//! cannot be done), every string in it with the key it sits under (the document information,
//! alternative texts), its XMP metadata, and the metadata segments (EXIF, XMP, comments) of
//! every embedded JPEG. At approval the text of each page as Typst laid it out is searched as
//! well. The HTML is read with its
//! character references decoded; the JSON string by string, with the path of each.

use super::redact::Redactor;
use lopdf::{Document, Object};
use probity_domain::reports::LeakHit;

/// Searches the public PDF, HTML and JSON for redacted strings; an empty list means clean.
pub async fn check(redactor: &Redactor, pdf: &[u8], html: &str, json: &str) -> Vec<LeakHit> {
    let mut hits = scan_pdf(redactor, "public PDF", pdf);
    hits.extend(pdftotext_hits(redactor, pdf).await);
    hits.extend(scan_html(redactor, "public HTML", html));
    hits.extend(scan_json(redactor, "public JSON", json));
    hits
}

/// Searches a PDF's text, strings, metadata and embedded images' metadata.
pub fn scan_pdf(redactor: &Redactor, file: &str, pdf: &[u8]) -> Vec<LeakHit> {
    let document = match Document::load_mem(pdf) {
        Ok(document) => document,
        Err(_) => {
            return vec![LeakHit {
                file: file.into(),
                place: "the whole file".into(),
                term: "the file could not be read, so it cannot be checked".into(),
                context: String::new(),
                reason: None,
                release_key: None,
            }];
        }
    };
    // The page text is read by `pdftotext` (see [`check`]); lopdf cannot decode the
    // composite fonts Typst embeds.
    let mut hits = Vec::new();
    let mut image = 0;
    for (id, object) in &document.objects {
        match object {
            Object::Stream(stream) => {
                let dict = &stream.dict;
                let subtype = dict.get(b"Subtype").and_then(Object::as_name).ok();
                let kind = dict.get(b"Type").and_then(Object::as_name).ok();
                if kind == Some(b"Metadata".as_slice()) {
                    let content = stream
                        .decompressed_content()
                        .unwrap_or_else(|_| stream.content.clone());
                    hits.extend(redactor.scan(
                        file,
                        "document metadata (XMP)",
                        &String::from_utf8_lossy(&content),
                    ));
                } else if subtype == Some(b"Image".as_slice()) {
                    image += 1;
                    let dct = match dict.get(b"Filter") {
                        Ok(Object::Name(name)) => name == b"DCTDecode",
                        Ok(Object::Array(names)) => names
                            .iter()
                            .any(|name| name.as_name().is_ok_and(|n| n == b"DCTDecode")),
                        _ => false,
                    };
                    if dct {
                        for (segment, text) in jpeg_metadata(&stream.content) {
                            hits.extend(redactor.scan(
                                file,
                                &format!("embedded image {image} ({segment})"),
                                &text,
                            ));
                        }
                    }
                }
                scan_dictionary(redactor, file, id.0, dict, &mut hits);
            }
            Object::Dictionary(dict) => scan_dictionary(redactor, file, id.0, dict, &mut hits),
            other => scan_object(redactor, file, id.0, "", other, &mut hits),
        }
    }
    hits
}

fn scan_dictionary(
    redactor: &Redactor,
    file: &str,
    object: u32,
    dict: &lopdf::Dictionary,
    hits: &mut Vec<LeakHit>,
) {
    for (key, value) in dict.iter() {
        scan_object(
            redactor,
            file,
            object,
            &String::from_utf8_lossy(key),
            value,
            hits,
        );
    }
}

fn scan_object(
    redactor: &Redactor,
    file: &str,
    object: u32,
    key: &str,
    value: &Object,
    hits: &mut Vec<LeakHit>,
) {
    match value {
        Object::String(..) => {
            let text = lopdf::decode_text_string(value).unwrap_or_else(|_| {
                String::from_utf8_lossy(value.as_str().unwrap_or_default()).into_owned()
            });
            let place = match key {
                "Title" | "Author" | "Subject" | "Keywords" | "Creator" | "Producer" => {
                    format!("document metadata ({key})")
                }
                "Alt" | "ActualText" | "E" => format!("alternative text ({key})"),
                "" => format!("string object {object}"),
                _ => format!("string under /{key} in object {object}"),
            };
            hits.extend(redactor.scan(file, &place, &text));
        }
        Object::Array(items) => {
            for item in items {
                scan_object(redactor, file, object, key, item, hits);
            }
        }
        Object::Dictionary(dict) => scan_dictionary(redactor, file, object, dict, hits),
        _ => {}
    }
}

/// The metadata segments of a JPEG (APPn and comments, up to the image data), as text: EXIF
/// fields read one by one, anything else as it stands.
pub fn jpeg_metadata(jpeg: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(exif) = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(jpeg)) {
        let fields: Vec<String> = exif
            .fields()
            .map(|field| field.display_value().to_string())
            .collect();
        out.push(("EXIF".to_string(), fields.join("\n")));
    }
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let length = u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]) as usize;
        let end = (at + 2 + length).min(jpeg.len());
        if (0xE0..=0xEF).contains(&marker) || marker == 0xFE {
            let name = if marker == 0xFE {
                "comment".to_string()
            } else {
                format!("APP{}", marker - 0xE0)
            };
            out.push((
                name,
                String::from_utf8_lossy(&jpeg[at + 4..end]).into_owned(),
            ));
        }
        at = end;
    }
    out
}

/// The page texts `pdftotext` (poppler) reads, when it is installed: a second reader, so that
/// what one extractor misses the other may find.
async fn pdftotext_hits(redactor: &Redactor, pdf: &[u8]) -> Vec<LeakHit> {
    use tokio::io::AsyncWriteExt;
    let child = tokio::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let unreadable = |why: &str| {
        vec![LeakHit {
            file: "public PDF".into(),
            place: "text of every page".into(),
            term: format!("the text could not be checked: {why}"),
            context: String::new(),
            reason: None,
            release_key: None,
        }]
    };
    let Ok(mut child) = child else {
        return unreadable("pdftotext (poppler-utils) is not installed on the server");
    };
    if let Some(mut stdin) = child.stdin.take() {
        let bytes = pdf.to_vec();
        tokio::spawn(async move {
            let _ = stdin.write_all(&bytes).await;
        });
    }
    let output = match child.wait_with_output().await {
        Ok(output) if output.status.success() => output,
        _ => return unreadable("pdftotext could not read the file"),
    };
    let text = String::from_utf8_lossy(&output.stdout);
    text.split('\u{c}')
        .enumerate()
        .flat_map(|(index, page)| {
            redactor.scan(
                "public PDF",
                &format!("text of page {} (pdftotext)", index + 1),
                page,
            )
        })
        .collect()
}

/// Searches an HTML document, character references decoded.
pub fn scan_html(redactor: &Redactor, file: &str, html: &str) -> Vec<LeakHit> {
    redactor.scan(file, "page text and attributes", &decode_references(html))
}

/// Searches every string (and key) of a JSON document.
pub fn scan_json(redactor: &Redactor, file: &str, json: &str) -> Vec<LeakHit> {
    fn walk(
        redactor: &Redactor,
        file: &str,
        path: &str,
        value: &serde_json::Value,
        hits: &mut Vec<LeakHit>,
    ) {
        match value {
            serde_json::Value::String(text) => hits.extend(redactor.scan(file, path, text)),
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(redactor, file, &format!("{path}[{index}]"), item, hits);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    hits.extend(redactor.scan(file, &format!("{path} (a key)"), key));
                    walk(redactor, file, &format!("{path}.{key}"), item, hits);
                }
            }
            _ => {}
        }
    }
    let mut hits = Vec::new();
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(value) => walk(redactor, file, "$", &value, &mut hits),
        Err(_) => hits.extend(redactor.scan(file, "text", json)),
    }
    hits
}

/// Decodes `&name;`, `&#N;` and `&#xN;` character references.
fn decode_references(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // A reference is short; look for its `;` among the next few characters (never by a
        // byte count, which could fall inside a character).
        let end = rest
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(at, _)| at);
        let decoded = end.and_then(|end| {
            let body = &rest[1..end];
            let c = match body {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => body
                    .strip_prefix("#x")
                    .or_else(|| body.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| body.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use probity_domain::cases::{Party, PartyKind, PartyRole};
    use probity_domain::reports::{ReportExhibit, ReportModel};

    fn redactor() -> Redactor {
        Redactor::for_case(
            &[Party {
                party_id: 1,
                case_id: 1,
                kind: PartyKind::Person,
                name: "Marta Kovacs".into(),
                party_role: PartyRole::Subject,
                details: String::new(),
                pseudonym: "Officer A".into(),
                senior_employee: false,
                version: 1,
            }],
            &[],
        )
    }

    fn model() -> ReportModel {
        ReportModel {
            office_name: "Office of the Inspector General".into(),
            report_number: "2025-0001".into(),
            title: "A clean title about Officer A".into(),
            agency: "Department of Tests".into(),
            ..ReportModel::default()
        }
    }

    #[test]
    fn a_clean_pdf_has_no_hits_and_a_name_in_its_metadata_is_found() {
        let pdf = crate::reports::pdf::render_blocking(&model(), Vec::new())
            .expect("typeset")
            .pdf;
        assert!(scan_pdf(&redactor(), "public PDF", &pdf).is_empty());
        // Plant the name in the document information, as a tool downstream might.
        let mut document = Document::load_mem(&pdf).expect("parse");
        let info = document
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .expect("info dictionary");
        document
            .get_dictionary_mut(info)
            .expect("info")
            .set("Author", Object::string_literal("Marta Kovacs"));
        let mut planted = Vec::new();
        document.save_to(&mut planted).expect("save");
        let hits = scan_pdf(&redactor(), "public PDF", &planted);
        assert!(
            hits.iter()
                .any(|hit| hit.place == "document metadata (Author)"),
            "{hits:?}"
        );
    }

    #[test]
    fn a_name_in_an_embedded_images_exif_is_found() {
        let png = crate::demo::screenshot::text_png("PHOTO", &["A SCREEN"]);
        let jpeg = crate::demo::screenshot::jpeg_with_exif(
            &png,
            &crate::demo::screenshot::CameraExif {
                make: "Marta Kovacs",
                model: "Phone",
                taken: "2024:11:21 10:00:00",
            },
        )
        .expect("jpeg");
        let mut model = model();
        model.exhibits.push(ReportExhibit {
            label: "E-1".into(),
            caption: "A photo of a screen".into(),
            media_type: "image/jpeg".into(),
            withheld: false,
            figure: Some("figure-1.jpg".into()),
        });
        let pdf = crate::reports::pdf::render_blocking(&model, vec![("figure-1.jpg".into(), jpeg)])
            .expect("typeset")
            .pdf;
        let hits = scan_pdf(&redactor(), "public PDF", &pdf);
        assert!(
            hits.iter()
                .any(|hit| hit.place.starts_with("embedded image 1")
                    && hit.term.contains("Officer A")),
            "{hits:?}"
        );
    }

    #[test]
    fn references_are_decoded_before_the_search() {
        assert_eq!(
            decode_references("O&#x27;Brien &amp; &#79;&unknown; &"),
            "O'Brien & O&unknown; &"
        );
        // Multi-byte text right after an `&` (this used to slice inside a character).
        assert_eq!(decode_references("a &ééééééé; b"), "a &ééééééé; b");
        assert_eq!(decode_references("&ПетраковПетраков"), "&ПетраковПетраков");
    }
}
