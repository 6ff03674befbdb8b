//! SMS Backup & Restore XML: `<sms>` elements (and the text parts of `<mms>`), each with its
//! time in milliseconds since 1970, so no time zone is needed.

use super::{MAX_BODY, ParsedMessage, Problems, ReadOptions, Sink, clip, format_utc};
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;

/// The attributes of one element, unescaped.
fn attributes(element: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|error| error.to_string())?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let raw = String::from_utf8_lossy(attribute.value.as_ref());
        let value = unescape(&raw)?;
        out.push((key, value));
    }
    Ok(out)
}

/// Undoes XML escapes: the five named entities and character references. SMS Backup &
/// Restore writes characters outside the Basic Multilingual Plane (emoji) as two references
/// to UTF-16 surrogates (`&#55357;&#56396;`), which XML itself does not allow; a pair is
/// joined into its character, and a surrogate without its partner becomes U+FFFD.
fn unescape(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut high: Option<u32> = None;
    while let Some(at) = rest.find('&') {
        let before = &rest[..at];
        if !before.is_empty() && high.take().is_some() {
            out.push('\u{fffd}');
        }
        out.push_str(before);
        let after = &rest[at + 1..];
        let end = after.find(';').filter(|end| *end <= 12).ok_or_else(|| {
            format!(
                "an unfinished escape at \"&{}\"",
                clip(after.to_string(), 12)
            )
        })?;
        let name = &after[..end];
        rest = &after[end + 1..];
        let code = if let Some(number) = name.strip_prefix('#') {
            let parsed = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => number.parse::<u32>(),
            };
            parsed.map_err(|_| format!("an unreadable character reference \"&{name};\""))?
        } else {
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => return Err(format!("an unknown entity \"&{name};\"")),
            };
            if high.take().is_some() {
                out.push('\u{fffd}');
            }
            out.push(c);
            continue;
        };
        match (high.take(), code) {
            (None, 0xD800..=0xDBFF) => high = Some(code),
            (Some(first), 0xDC00..=0xDFFF) => {
                let joined = 0x10000 + ((first - 0xD800) << 10) + (code - 0xDC00);
                out.push(char::from_u32(joined).unwrap_or('\u{fffd}'));
            }
            (Some(_), 0xD800..=0xDBFF) => {
                out.push('\u{fffd}');
                high = Some(code);
            }
            (previous, code) => {
                if previous.is_some() {
                    out.push('\u{fffd}');
                }
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
        }
    }
    if high.is_some() {
        out.push('\u{fffd}');
    }
    out.push_str(rest);
    Ok(out)
}

/// True when a message's box (`type` of an SMS, `msg_box` of an MMS) is one the phone's owner
/// wrote: sent (2), draft (3), outbox (4), failed (5) or queued (6). Only 1 is received.
fn from_owner(value: Option<&str>) -> bool {
    matches!(value.map(str::trim), Some("2" | "3" | "4" | "5" | "6"))
}

fn get<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The other party: the contact's name with the number, or the number alone.
fn party(attributes: &[(String, String)]) -> String {
    let address = get(attributes, "address").unwrap_or("").trim();
    match get(attributes, "contact_name").map(str::trim) {
        Some(name) if !name.is_empty() && name != "(Unknown)" => format!("{name} ({address})"),
        _ => address.to_string(),
    }
}

/// An MMS being read: its attributes and the text of its parts.
struct Mms {
    attributes: Vec<(String, String)>,
    text: String,
    index: usize,
}

/// Longest element the reader holds (an MMS part carries its picture, base64, in one
/// attribute): one huge element must not take the server's memory.
pub const MAX_TAG: usize = 16 << 20;

/// A source that fails once more than `max` bytes pass without a `>`: the XML reader holds a
/// whole element in memory, so an element's size is what must be bounded.
struct TagLimited<R> {
    source: R,
    max: usize,
    since_close: usize,
}

impl<R: BufRead> TagLimited<R> {
    fn new(source: R, max: usize) -> Self {
        TagLimited {
            source,
            max,
            since_close: 0,
        }
    }
}

impl<R: BufRead> std::io::Read for TagLimited<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(out.len());
        out[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

impl<R: BufRead> BufRead for TagLimited<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.since_close > self.max {
            return Err(std::io::Error::other(format!(
                "an element is longer than {} MiB",
                self.max >> 20
            )));
        }
        // Handed on in small pieces, so that the count is checked while an element grows.
        let available = self.source.fill_buf()?;
        Ok(&available[..available.len().min(64 * 1024)])
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buffered) = self.source.fill_buf() {
            let taken = &buffered[..amount.min(buffered.len())];
            match taken.iter().rposition(|byte| *byte == b'>') {
                Some(at) => self.since_close = taken.len() - at - 1,
                None => self.since_close += taken.len(),
            }
        }
        self.source.consume(amount);
    }
}

/// Reads an SMS Backup & Restore file.
pub fn read(
    source: impl BufRead,
    options: &ReadOptions,
    sink: &mut Sink<'_>,
    problems: &mut Problems,
) {
    let owner = if options.owner.trim().is_empty() {
        "Phone owner".to_string()
    } else {
        options.owner.trim().to_string()
    };
    let mut reader = quick_xml::Reader::from_reader(TagLimited::new(source, MAX_TAG));
    reader.config_mut().trim_text(true);
    let mut buffer = Vec::new();
    let mut index = 0usize;
    let mut mms: Option<Mms> = None;
    let mut saw_root = false;
    let emit = |attributes: &[(String, String)],
                body: String,
                location: String,
                kind_key: &str,
                problems: &mut Problems,
                sink: &mut Sink<'_>|
     -> bool {
        let Some(millis) = get(attributes, "date").and_then(|d| d.trim().parse::<i64>().ok())
        else {
            problems.add(location, "no readable date");
            return true;
        };
        let Ok(timestamp) = jiff::Timestamp::from_millisecond(millis) else {
            problems.add(location, "the date is out of range");
            return true;
        };
        let sent = from_owner(get(attributes, kind_key));
        let other = party(attributes);
        let (sender, recipients) = if sent {
            (owner.clone(), other)
        } else {
            (other, owner.clone())
        };
        let mut body = body;
        if body.len() > MAX_BODY {
            problems.add(
                location.clone(),
                "the message is longer than 64 KB and was cut",
            );
            body = clip(body, MAX_BODY);
        }
        sink(ParsedMessage {
            sent_at: format_utc(timestamp),
            sender,
            recipients,
            body,
            location,
            attachments: Vec::new(),
        })
    };
    loop {
        buffer.clear();
        let event = match reader.read_event_into(&mut buffer) {
            Ok(event) => event,
            Err(error) => {
                problems.add(
                    format!("byte {}", reader.buffer_position()),
                    format!("the XML is broken here: {error}"),
                );
                return;
            }
        };
        match event {
            Event::Eof => break,
            Event::Start(element) | Event::Empty(element) => {
                let name = element.name();
                let name = name.as_ref();
                match name {
                    b"smses" | b"allsms" => saw_root = true,
                    b"sms" => {
                        index += 1;
                        let location = format!("message {index}");
                        match attributes(&element) {
                            Ok(attrs) => {
                                let body = get(&attrs, "body").unwrap_or("").to_string();
                                if !emit(&attrs, body, location, "type", problems, sink) {
                                    return;
                                }
                            }
                            Err(error) => {
                                problems.add(location, format!("unreadable attributes: {error}"))
                            }
                        }
                    }
                    b"mms" => {
                        index += 1;
                        match attributes(&element) {
                            Ok(attrs) => {
                                mms = Some(Mms {
                                    attributes: attrs,
                                    text: String::new(),
                                    index,
                                })
                            }
                            Err(error) => problems.add(
                                format!("message {index}"),
                                format!("unreadable attributes: {error}"),
                            ),
                        }
                    }
                    b"part" => {
                        if let (Some(open), Ok(attrs)) = (mms.as_mut(), attributes(&element))
                            && get(&attrs, "ct") == Some("text/plain")
                        {
                            if !open.text.is_empty() {
                                open.text.push('\n');
                            }
                            open.text.push_str(get(&attrs, "text").unwrap_or(""));
                        }
                    }
                    _ => {}
                }
            }
            Event::End(element) if element.name().as_ref() == b"mms" => {
                if let Some(done) = mms.take() {
                    let location = format!("message {}", done.index);
                    if !emit(
                        &done.attributes,
                        done.text,
                        location,
                        "msg_box",
                        problems,
                        sink,
                    ) {
                        return;
                    }
                }
            }
            _ => {}
        }
    }
    if !saw_root {
        problems.add(
            "start of file",
            "this is not an SMS Backup & Restore file (no <smses> element)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    #[test]
    fn a_huge_element_stops_the_reader_with_a_clear_problem() {
        let huge = "x".repeat(MAX_TAG + 10);
        let text = format!(
            "<smses>\n<sms date=\"1732225260000\" type=\"1\" address=\"1\" body=\"first\" />\n<sms date=\"1732225260000\" body=\"{huge}\" />\n</smses>"
        );
        let (messages, problems) = parse(&text);
        assert_eq!(messages.len(), 1);
        assert!(
            problems
                .kept
                .iter()
                .any(|p| p.reason.contains("longer than 16 MiB")),
            "{:?}",
            problems.kept
        );
    }

    #[test]
    fn every_box_but_the_inbox_is_the_owners_and_emoji_survive_as_surrogate_pairs() {
        let mut text = String::from(
            "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"7\">\n",
        );
        for kind in 1..=6 {
            text.push_str(&format!(
                "<sms protocol=\"0\" address=\"+15550100\" date=\"1732225260000\" type=\"{kind}\" body=\"box {kind} &#55357;&#56396; &amp; &#233;\" contact_name=\"Agent\" />\n"
            ));
        }
        text.push_str("<sms address=\"1\" date=\"1732225260000\" type=\"1\" body=\"lone &#55357; x\" />\n</smses>\n");
        let (messages, problems) = parse(&text);
        assert!(problems.kept.is_empty(), "{:?}", problems.kept);
        assert_eq!(messages.len(), 7);
        assert_eq!(messages[0].sender, "Agent (+15550100)");
        for message in &messages[1..6] {
            assert_eq!(message.sender, "Marisol", "{}", message.body);
        }
        assert_eq!(messages[0].body, "box 1 \u{1F44C} & é");
        assert_eq!(messages[6].body, "lone \u{fffd} x");
        assert!(unescape("&bogus;").is_err());
        assert!(unescape("a & b").is_err());
    }

    fn parse(text: &str) -> (Vec<ParsedMessage>, Problems) {
        let options = ReadOptions {
            time_zone: TimeZone::UTC,
            day_first: None,
            owner: "Marisol".into(),
            participants: Vec::new(),
        };
        let mut messages = Vec::new();
        let mut problems = Problems::default();
        read(
            text.as_bytes(),
            &options,
            &mut |m| {
                messages.push(m);
                true
            },
            &mut problems,
        );
        (messages, problems)
    }

    #[test]
    fn sms_and_mms_in_both_directions() {
        let (messages, problems) = parse(
            r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="3">
  <sms protocol="0" address="+15550100" date="1732225260000" type="1" body="Which exit?" contact_name="Agent Sorensen" />
  <sms protocol="0" address="+15550100" date="1732225320000" type="2" body="Main gate &amp; bus stop" contact_name="Agent Sorensen" />
  <mms date="1732225500000" msg_box="2" address="+15550100" contact_name="(Unknown)">
    <parts><part ct="image/jpeg" name="x.jpg" /><part ct="text/plain" text="Détenu libéré" /></parts>
  </mms>
</smses>"#,
        );
        assert!(problems.kept.is_empty(), "{:?}", problems.kept);
        assert_eq!(messages.len(), 3);
        assert_eq!(messages[0].sent_at, "2024-11-21T21:41:00Z");
        assert_eq!(messages[0].sender, "Agent Sorensen (+15550100)");
        assert_eq!(messages[0].recipients, "Marisol");
        assert_eq!(messages[1].sender, "Marisol");
        assert_eq!(messages[1].body, "Main gate & bus stop");
        assert_eq!(messages[2].body, "Détenu libéré");
        assert_eq!(messages[2].recipients, "+15550100");
        assert_eq!(messages[2].location, "message 3");
    }

    #[test]
    fn broken_files_are_reported_not_panicked_on() {
        let (messages, problems) =
            parse("<smses><sms date=\"x\" body=\"no date\"/><sms date=\"1\" body=\"ok\"/><sms");
        assert_eq!(messages.len(), 1);
        assert!(problems.total >= 2);
        let (_, problems) = parse("just text");
        assert!(
            problems
                .kept
                .iter()
                .any(|p| p.reason.contains("not an SMS"))
        );
        for text in [
            "",
            "<",
            "<smses",
            "<sms date='99999999999999999999'/>",
            "<smses><mms><part ct='text/plain'/></mms></smses>",
        ] {
            let _ = parse(text);
        }
    }
}
