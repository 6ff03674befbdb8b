//! What a file is, judged from its content; never from its name. The name is compared with
//! the content only to flag a mismatch, and is cleaned before it goes into a header.

/// The type detected for an upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detected {
    pub media_type: String,
    /// The file name's extension claims another type than the content has.
    pub extension_mismatch: bool,
}

/// Extensions that name the same type.
const ALIASES: &[&[&str]] = &[
    &["jpg", "jpeg", "jpe", "jfif"],
    &["tif", "tiff"],
    &["htm", "html"],
    &[
        "txt", "text", "log", "csv", "eml", "mbox", "md", "json", "xml", "tsv",
    ],
];

/// Extensions of binary formats, which text content must not carry.
const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "pdf", "zip", "docx", "xlsx",
    "pptx", "doc", "xls", "mp4", "mov", "mp3", "wav", "heic",
];

/// The lower-cased extension of a client's file name, if any.
pub fn extension(filename: &str) -> Option<String> {
    let name = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let (_, ext) = name.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 10).then(|| ext.to_ascii_lowercase())
}

fn same_type(a: &str, b: &str) -> bool {
    a == b
        || ALIASES
            .iter()
            .any(|group| group.contains(&a) && group.contains(&b))
}

/// True when the bytes read as UTF-8 text (a sequence cut at the end of the sample is fine).
fn looks_like_text(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(text) => !text.contains('\0'),
        Err(error) => error.error_len().is_none() && !head[..error.valid_up_to()].contains(&0),
    }
}

/// True when the bytes read as text in a legacy 8-bit charset (Latin-1, Windows-1252): no
/// control characters but tab, line breaks, form feed and escape. Binary formats have them
/// within their first bytes.
fn looks_like_legacy_text(head: &[u8]) -> bool {
    !head.is_empty()
        && head
            .iter()
            .all(|byte| *byte >= 0x20 || matches!(byte, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
}

/// Header names that mark an e-mail message when its first lines are headers.
const MAIL_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "date",
    "subject",
    "received",
    "message-id",
    "mime-version",
    "return-path",
    "delivered-to",
    "reply-to",
    "content-type",
    "x-mailer",
    "dkim-signature",
];

/// An e-mail (`message/rfc822`) or a mailbox (`application/mbox`) told by its first lines:
/// a mailbox begins with a `From ` separator line, a message with header lines of which at
/// least two are mail headers.
fn mail_kind(head: &[u8]) -> Option<&'static str> {
    let first = head.split(|byte| *byte == b'\n').next().unwrap_or(head);
    if first.starts_with(b"From ")
        && first.contains(&b':')
        && first.iter().filter(|byte| byte.is_ascii_digit()).count() >= 6
    {
        // "From sender Tue Nov 19 10:12:00 2024"
        return Some("application/mbox");
    }
    let mut known = 0;
    for line in head.split(|byte| *byte == b'\n').take(40) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            continue; // a folded header
        }
        let colon = line.iter().position(|byte| *byte == b':')?;
        let name = &line[..colon];
        if name.is_empty()
            || !name
                .iter()
                .all(|byte| byte.is_ascii_alphanumeric() || *byte == b'-')
        {
            return None;
        }
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        if MAIL_HEADERS.contains(&name.as_str()) {
            known += 1;
        }
    }
    (known >= 2).then_some("message/rfc822")
}

/// A text file's characters: UTF-8 when it is (a character cut at the end is replaced), else
/// Windows-1252, the superset of Latin-1 that mail clients and old phones write. Only for
/// display: stored evidence keeps its bytes.
pub fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(error) if error.error_len().is_none() => String::from_utf8_lossy(bytes).into_owned(),
        Err(_) => mail_parser::decoders::charsets::map::charset_decoder(b"windows-1252")
            .map(|decode| decode(bytes))
            .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// Detects the type of an upload from its first bytes.
pub fn detect(head: &[u8], filename: &str) -> Detected {
    let ext = extension(filename);
    if let Some(kind) = infer::get(head) {
        let mismatch = ext
            .as_deref()
            .is_some_and(|ext| !same_type(ext, kind.extension()));
        return Detected {
            media_type: kind.mime_type().to_string(),
            extension_mismatch: mismatch,
        };
    }
    if looks_like_text(head) || looks_like_legacy_text(head) {
        let media_type = match (mail_kind(head), ext.as_deref()) {
            (Some(kind), _) => kind,
            (None, ext) => match ext {
                Some("csv") => "text/csv",
                Some("eml") => "message/rfc822",
                Some("mbox") => "application/mbox",
                Some("xml") => "application/xml",
                Some("json") => "application/json",
                _ => "text/plain",
            },
        };
        return Detected {
            media_type: media_type.to_string(),
            extension_mismatch: ext
                .as_deref()
                .is_some_and(|ext| BINARY_EXTENSIONS.contains(&ext)),
        };
    }
    Detected {
        media_type: "application/octet-stream".to_string(),
        extension_mismatch: ext
            .as_deref()
            .is_some_and(|ext| BINARY_EXTENSIONS.contains(&ext) || same_type(ext, "txt")),
    }
}

/// True for types shown as text.
pub fn is_text(media_type: &str) -> bool {
    media_type.starts_with("text/")
        || matches!(
            media_type,
            "message/rfc822" | "application/mbox" | "application/xml" | "application/json"
        )
}

/// A file name safe for a `Content-Disposition` header: ASCII letters, digits, `.`, `-` and
/// `_` only, no leading dot, at most 100 characters; `fallback` when nothing is left.
pub fn safe_filename(filename: &str, fallback: &str) -> String {
    let name = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    let cleaned: String = cleaned.chars().take(100).collect();
    if cleaned.trim_matches('_').is_empty() {
        fallback.to_string()
    } else {
        cleaned
    }
}

/// A file name as a download may carry it in full (`filename*`): the last path part, with
/// control characters and every invisible format character removed, the bidirectional
/// controls among them (a right-to-left override turns `invoice\u{202E}fdp.exe` into what
/// reads as `invoiceexe.pdf`). At most 200 characters; `fallback` when nothing is left.
pub fn download_name(filename: &str, fallback: &str) -> String {
    let name = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control() && !crate::reports::fold::is_invisible(*c))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    if cleaned.is_empty() {
        fallback.to_string()
    } else {
        cleaned.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_lose_bidirectional_and_invisible_controls() {
        assert_eq!(
            download_name("invoice\u{202E}fdp.exe", "x"),
            "invoicefdp.exe"
        );
        assert_eq!(
            download_name("a\u{2066}b\u{2069}\u{200F}.txt", "x"),
            "ab.txt"
        );
        assert_eq!(download_name("../../etc/pass\u{0}wd", "x"), "passwd");
        assert_eq!(download_name("\u{202E}", "fallback"), "fallback");
        assert_eq!(
            download_name("Relevé d’appels.pdf", "x"),
            "Relevé d’appels.pdf"
        );
    }

    #[test]
    fn e_mail_and_legacy_text_are_told_by_their_content() {
        let latin1 = b"From: Jos\xe9 <j@x.example>\r\nTo: a@b.example\r\nSubject: Caf\xe9\r\n\r\nD\xe9tenu lib\xe9r\xe9\r\n";
        assert_eq!(detect(latin1, "mail.bin").media_type, "message/rfc822");
        assert_eq!(detect(latin1, "mail.txt").media_type, "message/rfc822");
        let mbox = b"From j@x.example Tue Nov 19 10:12:00 2024\nFrom: j@x.example\nDate: Tue, 19 Nov 2024 10:12:00 -0500\n\nhi\n";
        assert_eq!(detect(mbox, "box").media_type, "application/mbox");
        assert_eq!(
            detect(b"From the desk of the inspector\n", "note.txt").media_type,
            "text/plain"
        );
        assert_eq!(
            detect(b"11/21/24, 4:41 PM - Ana: hola\n", "chat.txt").media_type,
            "text/plain"
        );
        assert_eq!(
            detect(b"Re\xe7u le 4 f\xe9vrier\n", "note.txt").media_type,
            "text/plain"
        );
        assert_eq!(
            text_of(b"Re\xe7u \x93quoted\x94"),
            "Reçu \u{201c}quoted\u{201d}"
        );
        assert_eq!(text_of("Reçu".as_bytes()), "Reçu");
        assert_eq!(
            detect(&[0x01, 0x02, 0x03, 0xff], "x.txt").media_type,
            "application/octet-stream"
        );
    }

    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    #[test]
    fn the_content_decides_and_a_lying_name_is_flagged() {
        assert_eq!(
            detect(PNG, "shot.png"),
            Detected {
                media_type: "image/png".into(),
                extension_mismatch: false
            }
        );
        assert!(detect(PNG, "report.pdf").extension_mismatch);
        assert!(!detect(PNG, "no-extension").extension_mismatch);
        let text = detect("12/01/2024, 09:15 - Ana: hola".as_bytes(), "chat.txt");
        assert_eq!(text.media_type, "text/plain");
        assert!(!text.extension_mismatch);
        assert!(detect(b"plain words", "photo.jpg").extension_mismatch);
        assert_eq!(detect(b"a,b\n1,2\n", "log.csv").media_type, "text/csv");
        assert_eq!(
            detect(&[0, 159, 146, 150, 1, 2], "x.bin").media_type,
            "application/octet-stream"
        );
        // A multi-byte character cut by the end of the sample is still text.
        let cut = "Détenu".as_bytes();
        assert!(looks_like_text(&cut[..2]));
    }

    #[test]
    fn hostile_names_become_harmless() {
        assert_eq!(safe_filename("../../etc/passwd", "x"), "passwd");
        assert_eq!(
            safe_filename("C:\\Users\\a\\évidence 1.png", "x"),
            "_vidence_1.png"
        );
        assert!(!safe_filename("a\"b\r\nc", "x").contains(['"', '\r', '\n']));
        assert_eq!(safe_filename(".hidden", "x"), "hidden");
        assert_eq!(safe_filename("日本語", "exhibit-E-1"), "exhibit-E-1");
        assert_eq!(extension("archive.TAR.GZ"), Some("gz".into()));
        assert_eq!(extension("dir.d/file"), None);
    }
}
