//! E-mail: one message (`.eml`) or a mailbox (`.mbox`, messages separated by `From ` lines).
//! The time comes from the `Date:` header with its offset; attachments are handed on to
//! become child exhibits.

use super::{MAX_BODY, ParsedMessage, Problems, Sink, clip};
use mail_parser::MimeHeaders as _;
use std::io::{BufRead, Read as _};

/// Largest single e-mail read (larger ones are reported and skipped).
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

fn addresses(list: Option<&mail_parser::Address<'_>>) -> String {
    let Some(list) = list else {
        return String::new();
    };
    list.iter()
        .map(|addr| match (addr.name(), addr.address()) {
            (Some(name), Some(address)) => format!("{name} <{address}>"),
            (None, Some(address)) => address.to_string(),
            (Some(name), None) => name.to_string(),
            (None, None) => String::new(),
        })
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses one e-mail's bytes.
fn parse_one(bytes: &[u8], location: String, problems: &mut Problems) -> Option<ParsedMessage> {
    let Some(message) = mail_parser::MessageParser::default().parse(bytes) else {
        problems.add(location, "not an e-mail message");
        return None;
    };
    // The time it was written (`Date:`), else when it was received (the first `Received:`
    // header, the hop nearest the mailbox), else unknown: stored empty and shown as such.
    let date = message
        .date()
        .copied()
        .or_else(|| message.received().and_then(|received| received.date()));
    let sent_at = match date.map(|date| jiff::Timestamp::from_second(date.to_timestamp())) {
        Some(Ok(timestamp)) => super::format_utc(timestamp),
        Some(Err(_)) => {
            problems.add(location, "the Date: header is out of range");
            return None;
        }
        None => String::new(),
    };
    let mut recipients = addresses(message.to());
    let cc = addresses(message.cc());
    if !cc.is_empty() {
        recipients = if recipients.is_empty() {
            cc
        } else {
            format!("{recipients}, {cc}")
        };
    }
    let subject = message.subject().unwrap_or("").to_string();
    let text = body_text(&message);
    let mut body = if subject.is_empty() {
        text
    } else {
        format!("Subject: {subject}\n\n{text}")
    };
    if body.len() > MAX_BODY {
        problems.add(
            location.clone(),
            "the text is longer than 64 KB and was cut; the original stays in the exhibit",
        );
        body = clip(body, MAX_BODY);
    }
    let attachments = message
        .attachments()
        .enumerate()
        .map(|(index, part)| {
            let name = part
                .attachment_name()
                .map(str::to_string)
                .unwrap_or_else(|| format!("attachment-{}", index + 1));
            (name, as_sent(&message, part))
        })
        .filter(|(_, contents)| !contents.is_empty())
        .collect();
    Some(ParsedMessage {
        sent_at,
        sender: addresses(message.from()),
        recipients,
        body,
        location,
        attachments,
    })
}

/// The message's first text body for display: decoded by its declared charset (the parser
/// does that), or, when none is declared and the bytes are not UTF-8, as Windows-1252 (the
/// parser would replace every such byte).
fn body_text(message: &mail_parser::Message<'_>) -> String {
    let Some(part) = message.text_body.first().and_then(|id| message.part(*id)) else {
        return message
            .body_text(0)
            .map(|body| body.into_owned())
            .unwrap_or_default();
    };
    let declared = part
        .content_type()
        .and_then(|content_type| content_type.attribute("charset"))
        .is_some();
    let parsed = message
        .body_text(0)
        .map(|body| body.into_owned())
        .unwrap_or_default();
    if declared || !parsed.contains('\u{fffd}') {
        return parsed;
    }
    crate::evidence::media::text_of(&as_sent(message, part))
}

/// An attachment's bytes as sent: its body in the raw message with the transfer encoding
/// (base64, quoted-printable) undone and nothing else. The parser's own `contents()` turns
/// text parts into UTF-8 by their declared charset, which would change a Latin-1 file's bytes
/// and so its hash; evidence keeps the bytes, and only the viewer converts.
fn as_sent(message: &mail_parser::Message<'_>, part: &mail_parser::MessagePart<'_>) -> Vec<u8> {
    use mail_parser::decoders::{base64::base64_decode, quoted_printable::quoted_printable_decode};
    let raw = message
        .raw_message
        .get(part.raw_body_offset() as usize..part.raw_end_offset() as usize);
    let Some(raw) = raw else {
        return part.contents().to_vec();
    };
    // The parser ends a part before the line break that belongs to the next boundary
    // (RFC 2046 5.1.1), so `raw` is the body exactly.
    let decoded = match part.encoding {
        mail_parser::Encoding::Base64 => base64_decode(raw),
        mail_parser::Encoding::QuotedPrintable => quoted_printable_decode(raw),
        mail_parser::Encoding::None => Some(raw.to_vec()),
    };
    // A body the decoder refuses is kept as the parser recovered it.
    decoded.unwrap_or_else(|| part.contents().to_vec())
}

/// Reads a single `.eml`.
pub fn read_eml(source: impl BufRead, sink: &mut Sink<'_>, problems: &mut Problems) {
    let mut bytes = Vec::new();
    let mut limited = source.take(MAX_MESSAGE as u64 + 1);
    if let Err(error) = limited.read_to_end(&mut bytes) {
        problems.add("message 1", format!("the file could not be read: {error}"));
        return;
    }
    if bytes.len() > MAX_MESSAGE {
        problems.add("message 1", "the e-mail is larger than 64 MB");
        return;
    }
    if let Some(message) = parse_one(&bytes, "message 1".to_string(), problems) {
        sink(message);
    }
}

/// Reads an mbox, one message at a time.
pub fn read_mbox(mut source: impl BufRead, sink: &mut Sink<'_>, problems: &mut Problems) {
    let mut current: Vec<u8> = Vec::new();
    let mut index = 0usize;
    let mut start_line = 0usize;
    let mut line_number = 0usize;
    let mut previous_blank = true;
    let mut oversized = false;
    let mut line = Vec::new();
    let mut flush = |current: &mut Vec<u8>,
                     index: usize,
                     start_line: usize,
                     oversized: bool,
                     problems: &mut Problems|
     -> bool {
        if index == 0 {
            return true;
        }
        let location = format!("message {index} (line {start_line})");
        let bytes = std::mem::take(current);
        if oversized {
            problems.add(location, "the e-mail is larger than 64 MB");
            return true;
        }
        match parse_one(&bytes, location, problems) {
            Some(message) => sink(message),
            None => true,
        }
    };
    loop {
        // A line longer than a whole message may be makes its message oversized; it is read
        // through, never held.
        match super::read_line(&mut source, &mut line, MAX_MESSAGE) {
            Ok(super::LineRead::End) => break,
            Ok(super::LineRead::Line) => {}
            Ok(super::LineRead::TooLong) => {
                line_number += 1;
                if index > 0 {
                    oversized = true;
                }
                previous_blank = false;
                continue;
            }
            Err(error) => {
                problems.add(
                    format!("line {}", line_number + 1),
                    format!("the file could not be read: {error}"),
                );
                break;
            }
        }
        line_number += 1;
        if previous_blank && line.starts_with(b"From ") {
            if !flush(&mut current, index, start_line, oversized, problems) {
                return;
            }
            index += 1;
            start_line = line_number;
            oversized = false;
        } else if index == 0 {
            if !line.iter().all(u8::is_ascii_whitespace) {
                problems.add(
                    format!("line {line_number}"),
                    "text before the first \"From \" line",
                );
            }
        } else if current.len() + line.len() > MAX_MESSAGE {
            oversized = true;
        } else {
            // mboxrd escapes body lines starting with "From " as ">From ".
            let unescaped = line
                .strip_prefix(b">")
                .filter(|rest| {
                    rest.trim_ascii_start().starts_with(b"From ") || rest.starts_with(b">From ")
                })
                .unwrap_or(&line);
            current.extend_from_slice(unescaped);
        }
        previous_blank = line.iter().all(u8::is_ascii_whitespace);
    }
    flush(&mut current, index, start_line, oversized, problems);
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMAIL: &str = "From: Marisol <m@doc.example>\r\nTo: Dana <d@tf.example>\r\nCc: x@y.example\r\nSubject: Custody status\r\nDate: Tue, 19 Nov 2024 10:12:00 -0500\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBoth are in custody. Détenu A.\r\n--b\r\nContent-Type: text/csv; name=\"list.csv\"\r\nContent-Disposition: attachment; filename=\"list.csv\"\r\n\r\na,b\r\n--b--\r\n";

    fn collect(run: impl FnOnce(&mut Sink<'_>, &mut Problems)) -> (Vec<ParsedMessage>, Problems) {
        let mut messages = Vec::new();
        let mut problems = Problems::default();
        run(
            &mut |m| {
                messages.push(m);
                true
            },
            &mut problems,
        );
        (messages, problems)
    }

    #[test]
    fn an_eml_with_an_attachment() {
        let (messages, problems) =
            collect(|sink, problems| read_eml(EMAIL.as_bytes(), sink, problems));
        assert!(problems.kept.is_empty(), "{:?}", problems.kept);
        let message = &messages[0];
        assert_eq!(message.sent_at, "2024-11-19T15:12:00Z");
        assert_eq!(message.sender, "Marisol <m@doc.example>");
        assert_eq!(message.recipients, "Dana <d@tf.example>, x@y.example");
        assert!(
            message
                .body
                .starts_with("Subject: Custody status\n\nBoth are in custody. Détenu A.")
        );
        assert_eq!(message.attachments.len(), 1);
        assert_eq!(message.attachments[0].0, "list.csv");
    }

    /// A Latin-1 text file attached three ways: its stored bytes are the file's, never
    /// re-encoded as UTF-8.
    #[test]
    fn attachments_keep_their_bytes_whatever_their_charset() {
        let latin1: &[u8] = b"Caf\xe9 cr\xe8me, d\xe9tenu n\xb0 4\r\nZ\xfcrich = \xa3 12\r\n";
        let base64 = "Q2Fm6SBjcuhtZSwgZOl0ZW51IG6wIDQNClr8cmljaCA9IKMgMTINCg==";
        let quoted = "Caf=E9 cr=E8me, d=E9tenu n=B0 4\r\nZ=FCrich =3D =A3 12\r\n";
        let mut eight_bit = b"From: a@b.example\r\nDate: Tue, 19 Nov 2024 10:12:00 -0500\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the three files.\r\n".to_vec();
        for (name, encoding, body) in [
            ("b64.txt", "base64", base64.as_bytes()),
            ("qp.txt", "quoted-printable", quoted.as_bytes()),
            ("8bit.txt", "8bit", latin1),
        ] {
            eight_bit.extend_from_slice(
                format!("--b\r\nContent-Type: text/plain; charset=iso-8859-1; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n").as_bytes(),
            );
            eight_bit.extend_from_slice(body);
            eight_bit.extend_from_slice(b"\r\n");
        }
        eight_bit.extend_from_slice(b"--b--\r\n");
        let (messages, problems) =
            collect(|sink, problems| read_eml(eight_bit.as_slice(), sink, problems));
        assert!(problems.kept.is_empty(), "{:?}", problems.kept);
        let attachments = &messages[0].attachments;
        assert_eq!(attachments.len(), 3);
        for (name, bytes) in attachments {
            assert_eq!(bytes.as_slice(), latin1, "{name}");
        }
    }

    #[test]
    fn no_date_header_and_bodies_not_in_utf8() {
        let received = b"Received: from mx.example by mail.example; Tue, 19 Nov 2024 10:12:00 -0500\r\nFrom: a@b.example\r\nSubject: late\r\n\r\nno date\r\n";
        let (messages, problems) =
            collect(|sink, problems| read_eml(&received[..], sink, problems));
        assert!(problems.kept.is_empty(), "{:?}", problems.kept);
        assert_eq!(messages[0].sent_at, "2024-11-19T15:12:00Z");
        let none = b"From: a@b.example\r\nSubject: undated\r\n\r\nwhen?\r\n";
        let (messages, _) = collect(|sink, problems| read_eml(&none[..], sink, problems));
        assert_eq!(messages[0].sent_at, "", "unknown, not refused");
        let declared = b"From: a@b.example\r\nDate: Tue, 19 Nov 2024 10:12:00 -0500\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nD\xe9tenu lib\xe9r\xe9\r\n";
        let (messages, _) = collect(|sink, problems| read_eml(&declared[..], sink, problems));
        assert!(
            messages[0].body.contains("Détenu libéré"),
            "{}",
            messages[0].body
        );
        let undeclared = b"From: a@b.example\r\nDate: Tue, 19 Nov 2024 10:12:00 -0500\r\n\r\n\x93Re\xe7u\x94 le 4 f\xe9vrier\r\n";
        let (messages, _) = collect(|sink, problems| read_eml(&undeclared[..], sink, problems));
        assert!(
            messages[0]
                .body
                .contains("\u{201c}Reçu\u{201d} le 4 février"),
            "{}",
            messages[0].body
        );
    }

    #[test]
    fn an_mbox_of_several_messages_with_a_broken_one() {
        let mbox = format!(
            "From m@doc.example Tue Nov 19 10:12:00 2024\n{}\nFrom x Wed Nov 20 00:00:00 2024\nSubject: no date\n\nbody\n\nFrom m@doc.example Thu Nov 21 10:12:00 2024\nFrom: a@b.example\nDate: Thu, 21 Nov 2024 16:41:00 -0500\n\n>From the gate\n",
            EMAIL.replace("\r\n", "\n")
        );
        let (messages, problems) =
            collect(|sink, problems| read_mbox(mbox.as_bytes(), sink, problems));
        // The second has no date: imported with its time unknown.
        assert_eq!(messages.len(), 3, "{:?}", problems.kept);
        assert_eq!(problems.total, 0);
        assert_eq!(messages[1].sent_at, "");
        assert!(messages[1].location.starts_with("message 2"));
        assert_eq!(messages[2].sent_at, "2024-11-21T21:41:00Z");
        assert!(messages[2].body.contains("From the gate"));
    }

    #[test]
    fn nothing_panics_on_odd_input() {
        for text in [
            "",
            "From ",
            "\n\nFrom x\n",
            "Date: nonsense\n\n",
            "From a\nContent-Type: multipart/mixed; boundary=\"\"\n\n--\n",
        ] {
            let _ = collect(|sink, problems| read_mbox(text.as_bytes(), sink, problems));
            let _ = collect(|sink, problems| read_eml(text.as_bytes(), sink, problems));
        }
    }
}
