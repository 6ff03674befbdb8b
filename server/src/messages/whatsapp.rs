//! WhatsApp chat exports (`.txt`): one message per line beginning with a date and time,
//! continued on the following lines until the next such line.
//!
//! Read: `11/21/24, 4:41 PM - Name: text` (Android, US), `21/11/2024, 16:41 - Name: text`
//! (Android, 24-hour), `[21/11/2024, 16:41:23] Name: text` (iPhone), `21.11.24, 16:41 - Name:
//! text` (German), `2024-11-21 16:41 - Name: text` and `[2024/11/21 16:41:23] Name: text`
//! (year first), `2024. 11. 21. 16:41 - Name: text` (Hungarian); two- or four-digit years,
//! optional seconds, 12- or 24-hour clocks with the day-half written after or before the time
//! in the ways phones write it ([`DAY_HALVES`]), the invisible marks WhatsApp adds, and system
//! lines without a sender.
//!
//! [`survey`] reads a file once to learn its senders and whether the day or the month comes
//! first; [`read`] then hands each message on as soon as it ends.

use super::{MAX_BODY, ParsedMessage, Problems, ReadOptions, Sink, civil, clip, to_utc};
use std::collections::BTreeSet;
use std::io::BufRead;

/// A line's header: the date parts as written, the time, and the rest.
#[derive(Debug)]
struct Header<'a> {
    shape: DateShape,
    year: i32,
    hour: u32,
    minute: u32,
    seconds: u32,
    rest: &'a str,
}

/// Removes the direction marks and odd spaces WhatsApp writes.
fn clean(line: &str) -> String {
    line.chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200e}' | '\u{200f}' | '\u{feff}' | '\u{202a}' | '\u{202c}'
            )
        })
        .map(|c| {
            if matches!(c, '\u{202f}' | '\u{a0}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A date as written: its order known (year first is always year, month, day) or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DateShape {
    /// Year first: month and day.
    YearFirst { month: u32, day: u32 },
    /// Day and month in an order the file must tell.
    Either { first: u32, second: u32 },
}

/// Splits `a/b/c`, `a.b.c`, `a-b-c` or `a. b. c.`, with the year last (two or four digits) or
/// first (four digits).
fn date_parts(text: &str) -> Option<(DateShape, i32)> {
    let compact: String = text
        .trim()
        .trim_end_matches('.')
        .chars()
        .filter(|c| *c != ' ')
        .collect();
    let separator = compact.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let mut parts = compact.split(separator);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (x, y, z) = (number(a)?, number(b)?, number(c)?);
    let shape = if a.len() == 4 {
        (DateShape::YearFirst { month: y, day: z }, x as i32)
    } else {
        let year = match c.len() {
            2 => 2000 + z as i32,
            4 => z as i32,
            _ => return None,
        };
        (
            DateShape::Either {
                first: x,
                second: y,
            },
            year,
        )
    };
    // Year, day, month (rare, but other parsers list it) shows itself by a month above 12.
    let shape = match shape {
        (DateShape::YearFirst { month, day }, year) if month > 12 && day <= 12 => (
            DateShape::YearFirst {
                month: day,
                day: month,
            },
            year,
        ),
        other => other,
    };
    match shape.0 {
        DateShape::YearFirst { month, day } if month == 0 || day == 0 => None,
        DateShape::Either { first, second } if first == 0 || second == 0 => None,
        _ => Some(shape),
    }
}

/// The day-halves a 12-hour clock is written with, after or before the time, as they read
/// once lower-cased with dots and spaces taken out: English and Spanish (`a. m.`), Arabic,
/// Chinese, Japanese, Korean, German, Greek, Portuguese and Italian forms.
pub const DAY_HALVES: [(&str, bool); 16] = [
    ("am", false),
    ("pm", true),
    ("ص", false),
    ("م", true),
    ("上午", false),
    ("下午", true),
    ("午前", false),
    ("午後", true),
    ("오전", false),
    ("오후", true),
    ("vorm", false),
    ("nachm", true),
    ("πμ", false),
    ("μμ", true),
    ("da manhã", false),
    ("da tarde", true),
];

/// Reads `4:41 PM`, `16:41`, `16:41:23`, `4:41:23 pm`, `4:41 p. m.`, `00:08 a. m.`,
/// `下午4:41`. An hour 0 with a day-half is read as written by phones that count 0 to 11
/// (`0:08 午後` is 12:08).
fn time_parts(text: &str) -> Option<(u32, u32, u32)> {
    let lower: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '.' | ' '))
        .collect();
    let mut clock = lower.as_str();
    let mut meridiem = None;
    for (half, pm) in DAY_HALVES {
        let half = half.replace(' ', "");
        if let Some(rest) = clock.strip_suffix(half.as_str()) {
            (clock, meridiem) = (rest, Some(pm));
            break;
        }
        if let Some(rest) = clock.strip_prefix(half.as_str()) {
            (clock, meridiem) = (rest, Some(pm));
            break;
        }
    }
    let mut parts = clock.split(':');
    let mut hour = number(parts.next()?)?;
    let minute = number(parts.next()?)?;
    let seconds = match parts.next() {
        Some(text) => number(text)?,
        None => 0,
    };
    if parts.next().is_some() || minute > 59 || seconds > 59 || hour > 23 {
        return None;
    }
    if let Some(pm) = meridiem {
        hour = match (hour, pm) {
            (12, false) => 0,
            (0..=11, true) => hour + 12,
            // 13 to 23 with "pm" is a 24-hour time with a redundant day-half.
            (13.., false) => return None,
            _ => hour,
        };
    }
    Some((hour, minute, seconds))
}

/// Recognises the start of a message line.
fn header(line: &str) -> Option<Header<'_>> {
    let (stamp, rest) = if let Some(inner) = line.strip_prefix('[') {
        // iPhone: [date, time] Name: text
        let end = inner.find(']')?;
        (&inner[..end], inner[end + 1..].trim_start())
    } else {
        // Android: date, time - Name: text
        let end = line.find(" - ")?;
        (&line[..end], &line[end + 3..])
    };
    // The time is the word holding the first colon, with a day-half written before it; the
    // date is what comes before, less its comma.
    let colon = stamp.find(':')?;
    let mut start = stamp[..colon]
        .rfind([' ', ','])
        .map(|at| at + 1)
        .unwrap_or(0);
    let head = stamp[..start].trim_end_matches([' ', ',']);
    if let Some(word) = head.rsplit([' ', ',']).next()
        && DAY_HALVES
            .iter()
            .any(|(half, _)| word.to_lowercase().replace('.', "") == half.replace(' ', ""))
    {
        start = head.len() - word.len();
    }
    let (date, time) = stamp.split_at(start);
    let date = date.trim().trim_end_matches(',').trim();
    if date.is_empty() {
        return None;
    }
    let (shape, year) = date_parts(date)?;
    let (hour, minute, seconds) = time_parts(time)?;
    Some(Header {
        shape,
        year,
        hour,
        minute,
        seconds,
        rest,
    })
}

/// A header's sender and text; a system line (encryption notice, someone joined) has no
/// sender. `Name:` with nothing after (the space trimmed) is a message with no text.
fn sender_and_body(rest: &str) -> (String, String) {
    match rest.split_once(": ") {
        Some((sender, body)) if !sender.is_empty() && sender.len() <= 200 => {
            (sender.to_string(), body.to_string())
        }
        _ => match rest.strip_suffix(':') {
            Some(sender) if !sender.is_empty() && sender.len() <= 200 && !sender.contains(':') => {
                (sender.to_string(), String::new())
            }
            _ => (String::new(), rest.to_string()),
        },
    }
}

/// Most senders a survey keeps (beyond that, listing them as recipients says nothing).
const MAX_PARTICIPANTS: usize = 1000;

/// What one pass over a file found out before it is read.
#[derive(Debug, Default)]
pub struct Survey {
    /// Everyone who wrote a message, by name.
    pub senders: BTreeSet<String>,
    /// Whether the day comes first, when some date tells (a part above 12).
    pub day_first: Option<bool>,
    /// Lines that start a message.
    pub messages: usize,
    /// Dates whose day and month could be either way round.
    pub ambiguous_dates: usize,
}

/// Reads the file once for its senders and its date order, keeping nothing else.
pub fn survey(source: impl BufRead) -> std::io::Result<Survey> {
    let mut survey = Survey::default();
    let mut raw = Vec::new();
    let mut source = source;
    loop {
        match super::read_line(&mut source, &mut raw, super::MAX_LINE)? {
            super::LineRead::End => break,
            super::LineRead::TooLong => continue,
            super::LineRead::Line => {}
        }
        let text = String::from_utf8_lossy(&raw);
        let line = clean(text.trim_end_matches(['\n', '\r']));
        let Some(found) = header(&line) else {
            continue;
        };
        survey.messages += 1;
        if let DateShape::Either { first, second } = found.shape {
            survey.ambiguous_dates += 1;
            if survey.day_first.is_none() {
                if first > 12 {
                    survey.day_first = Some(true);
                } else if second > 12 {
                    survey.day_first = Some(false);
                }
            }
        }
        let (sender, _) = sender_and_body(found.rest);
        if !sender.is_empty() && survey.senders.len() < MAX_PARTICIPANTS {
            survey.senders.insert(sender);
        }
    }
    Ok(survey)
}

/// The line shapes [`read`] knows, for the problem when no line matches.
pub const SHAPES_TRIED: &str = "11/21/24, 4:41 PM - Name: text; 21/11/2024, 16:41 - Name: text; \
    [21/11/2024, 16:41:23] Name: text; 21.11.24, 16:41 - Name: text; 2024-11-21 16:41 - Name: \
    text; [2024/11/21 16:41:23] Name: text; 2024. 11. 21. 16:41 - Name: text";

/// A message being collected, before its date order is known.
struct Pending {
    shape: DateShape,
    year: i32,
    hour: u32,
    minute: u32,
    seconds: u32,
    sender: String,
    body: String,
    line: usize,
}

/// Reads a WhatsApp export. Dates are held until the file has shown whether the day or the
/// month comes first (a part above 12 tells), unless the options say.
pub fn read(
    source: impl BufRead,
    options: &ReadOptions,
    sink: &mut Sink<'_>,
    problems: &mut Problems,
) {
    let mut day_first = options.day_first;
    let mut held: Vec<Pending> = Vec::new();
    let mut current: Option<Pending> = None;
    let mut senders: BTreeSet<String> = BTreeSet::new();
    let mut finished: Vec<Pending> = Vec::new();
    let mut stopped = false;
    let mut any_header = false;

    let mut emit = |pending: Pending,
                    day_first: bool,
                    senders: &BTreeSet<String>,
                    problems: &mut Problems|
     -> bool {
        let (day, month) = match pending.shape {
            DateShape::YearFirst { month, day } => (day, month),
            DateShape::Either { first, second } if day_first => (first, second),
            DateShape::Either { first, second } => (second, first),
        };
        let location = format!("line {}", pending.line);
        let Some(local) = civil(
            pending.year,
            month,
            day,
            pending.hour,
            pending.minute,
            pending.seconds,
        ) else {
            problems.add(location, "the date does not exist");
            return true;
        };
        let Some(sent_at) = to_utc(&options.time_zone, local) else {
            problems.add(location, "the time does not exist in the chosen time zone");
            return true;
        };
        // Everyone in the chat but the sender: the survey's participants when known, else
        // those seen so far.
        let recipients: Vec<&str> = if options.participants.is_empty() {
            senders.iter().map(String::as_str).collect()
        } else {
            options.participants.iter().map(String::as_str).collect()
        };
        let recipients: Vec<&str> = recipients
            .into_iter()
            .filter(|name| *name != pending.sender)
            .collect();
        let mut body = pending.body;
        if body.len() > MAX_BODY {
            problems.add(
                location.clone(),
                "the message is longer than 64 KB and was cut",
            );
            body = clip(body, MAX_BODY);
        }
        sink(ParsedMessage {
            sent_at,
            sender: pending.sender,
            recipients: recipients.join(", "),
            body,
            location,
            attachments: Vec::new(),
        })
    };

    let mut line_number = 0usize;
    let mut raw = Vec::new();
    let mut source = source;
    loop {
        match super::read_line(&mut source, &mut raw, super::MAX_LINE) {
            Ok(super::LineRead::End) => break,
            Ok(super::LineRead::Line) => {}
            Ok(super::LineRead::TooLong) => {
                line_number += 1;
                problems.add(
                    format!("line {line_number}"),
                    "the line is longer than 1 MiB and was not read",
                );
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
        let text = String::from_utf8_lossy(&raw);
        let line = clean(text.trim_end_matches(['\n', '\r']));
        if let Some(found) = header(&line) {
            if let Some(done) = current.take() {
                finished.push(done);
            }
            match found.shape {
                DateShape::Either { first, .. } if day_first.is_none() && first > 12 => {
                    day_first = Some(true)
                }
                DateShape::Either { second, .. } if day_first.is_none() && second > 12 => {
                    day_first = Some(false)
                }
                _ => {}
            }
            any_header = true;
            let (sender, body) = sender_and_body(found.rest);
            if !sender.is_empty() {
                senders.insert(sender.clone());
            }
            current = Some(Pending {
                shape: found.shape,
                year: found.year,
                hour: found.hour,
                minute: found.minute,
                seconds: found.seconds,
                sender,
                body,
                line: line_number,
            });
        } else if let Some(open) = current.as_mut() {
            // A continuation of a multi-line message.
            if open.body.len() <= MAX_BODY {
                open.body.push('\n');
                open.body.push_str(&line);
            }
        } else if !line.trim().is_empty() {
            problems.add(
                format!("line {line_number}"),
                "no date and time at the start of the line",
            );
        }
        // Messages are handed on as soon as the date order is known; until then they wait.
        if let Some(order) = day_first {
            for pending in held.drain(..).chain(finished.drain(..)) {
                if !emit(pending, order, &senders, problems) {
                    stopped = true;
                    break;
                }
            }
            if stopped {
                return;
            }
        } else {
            held.append(&mut finished);
        }
    }
    if let Some(done) = current.take() {
        finished.push(done);
    }
    if !any_header && line_number > 0 {
        problems.add(
            "the whole file",
            format!("no line starts with a date and time as WhatsApp writes them; the shapes tried: {SHAPES_TRIED}"),
        );
    }
    let order = day_first.unwrap_or(false);
    for pending in held.into_iter().chain(finished) {
        if !emit(pending, order, &senders, problems) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::{Problems, ReadOptions};
    use jiff::tz::TimeZone;

    fn parse(text: &str, day_first: Option<bool>) -> (Vec<ParsedMessage>, Problems) {
        let options = ReadOptions {
            time_zone: TimeZone::get("America/New_York").expect("zone"),
            day_first,
            owner: String::new(),
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
    fn android_us_with_multiline_messages() {
        let (messages, problems) = parse(
            "11/21/24, 4:41 PM - Ana Ruiz: he just walked out\n11/21/24, 4:42 PM - Bo: which exit?\nmain gate\nbus stop side\n",
            None,
        );
        assert!(problems.kept.is_empty(), "{:?}", problems.kept);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].sent_at, "2024-11-21T21:41:00Z");
        assert_eq!(messages[0].sender, "Ana Ruiz");
        assert_eq!(messages[0].recipients, "Bo");
        assert_eq!(messages[1].body, "which exit?\nmain gate\nbus stop side");
        assert_eq!(messages[1].location, "line 2");
    }

    #[test]
    fn iphone_german_and_24_hour_formats() {
        let (messages, _) = parse("[21/11/2024, 16:41:23] Ana: hola\n", None);
        assert_eq!(messages[0].sent_at, "2024-11-21T21:41:23Z");
        let (messages, _) = parse("21.11.24, 16:41 - Ana: hallo\n", None);
        assert_eq!(messages[0].sent_at, "2024-11-21T21:41:00Z");
        let (messages, _) = parse(
            "2/3/24, 9:05 AM - Ana: ambiguous\n13/3/24, 9:05 - Ana: day first\n",
            None,
        );
        assert_eq!(
            messages[0].sent_at, "2024-03-02T14:05:00Z",
            "the later line shows the day comes first"
        );
        let (messages, _) = parse("2/3/24, 9:05 AM - Ana: ambiguous\n", Some(false));
        assert_eq!(messages[0].sent_at, "2024-02-03T14:05:00Z");
        let (messages, _) = parse(
            "11/21/24, 4:41\u{202f}PM - \u{200e}Ana: new export spacing\n",
            None,
        );
        assert_eq!(messages[0].sent_at, "2024-11-21T21:41:00Z");
        assert_eq!(messages[0].sender, "Ana");
    }

    #[test]
    fn year_first_dates_and_the_shapes_tried() {
        let (messages, problems) = parse(
            "2024-04-28 22:35 - Ana: one\n[2024/04/28 22:35:10] Bo: two\n[2024-04-28, 22:36:00] Ana: three\n2024. 04. 28. 22:37 - Bo: négy\n2024. 4. 28. 오후 10:38 - Ana: 다섯\n",
            None,
        );
        assert!(problems.kept.is_empty(), "{:?}", problems.kept);
        let times: Vec<&str> = messages.iter().map(|m| m.sent_at.as_str()).collect();
        assert_eq!(
            times,
            [
                "2024-04-29T02:35:00Z",
                "2024-04-29T02:35:10Z",
                "2024-04-29T02:36:00Z",
                "2024-04-29T02:37:00Z",
                "2024-04-29T02:38:00Z"
            ]
        );
        let (messages, problems) = parse("hello\nnot a chat at all\n", None);
        assert!(messages.is_empty());
        let whole = problems
            .kept
            .iter()
            .find(|p| p.location == "the whole file")
            .expect("one problem for the whole file");
        assert!(
            whole.reason.contains("2024-11-21 16:41 - Name: text"),
            "{}",
            whole.reason
        );
    }

    /// Every header shape other chat parsers list as real (their test grids): year, day or
    /// month first; `-`, `/` or `.` between; comma and dash (Android) or brackets (iPhone);
    /// with or without seconds; 12- or 24-hour clocks.
    #[test]
    fn the_grid_of_header_shapes_other_parsers_list() {
        let mut checked = 0;
        for separator in ['-', '/', '.'] {
            for (order, date) in [
                ("ymd", format!("2024{separator}11{separator}21")),
                ("ydm", format!("2024{separator}21{separator}11")),
                ("dmy", format!("21{separator}11{separator}24")),
                ("dmY", format!("21{separator}11{separator}2024")),
                ("mdy", format!("11{separator}21{separator}24")),
            ] {
                for seconds in [false, true] {
                    for twelve in [false, true] {
                        let clock = match (twelve, seconds) {
                            (false, false) => "16:41".to_string(),
                            (false, true) => "16:41:07".to_string(),
                            (true, false) => "4:41 PM".to_string(),
                            (true, true) => "4:41:07 PM".to_string(),
                        };
                        let expected = if seconds {
                            "2024-11-21T21:41:07Z"
                        } else {
                            "2024-11-21T21:41:00Z"
                        };
                        for line in [
                            format!("{date}, {clock} - Ana Ruiz: text {order}"),
                            format!("[{date} {clock}] Ana Ruiz: text {order}"),
                            format!("[{date}, {clock}] Ana Ruiz: text {order}"),
                        ] {
                            let (messages, problems) = parse(&format!("{line}\n"), None);
                            assert!(problems.kept.is_empty(), "{line}: {:?}", problems.kept);
                            assert_eq!(messages[0].sent_at, expected, "{line}");
                            assert_eq!(messages[0].sender, "Ana Ruiz", "{line}");
                            assert_eq!(messages[0].body, format!("text {order}"), "{line}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 180);
    }

    #[test]
    fn twelve_hour_clocks_as_phones_write_them() {
        let (messages, problems) = parse(
            "21/11/2024, 11:59 p. m. - Ana: late\n22/11/2024, 00:08 a. m. - Bo: after midnight\n22/11/2024, 12:30 a.m. - Ana: half past midnight\n22/11/2024, 0:15 PM - Bo: noon in a 0-11 clock\n2024/11/22 下午4:41 - Ana: 下午\n22/11/2024, 4:42 nachm. - Bo: nachmittags\n",
            Some(true),
        );
        assert!(problems.kept.is_empty(), "{:?}", problems.kept);
        let times: Vec<&str> = messages.iter().map(|m| m.sent_at.as_str()).collect();
        assert_eq!(
            times,
            [
                "2024-11-22T04:59:00Z",
                "2024-11-22T05:08:00Z",
                "2024-11-22T05:30:00Z",
                "2024-11-22T17:15:00Z",
                "2024-11-22T21:41:00Z",
                "2024-11-22T21:42:00Z"
            ]
        );
        assert_eq!(
            messages[1].sender, "Bo",
            "a new message, not glued to the last"
        );
    }

    #[test]
    fn a_dot_or_nothing_keeps_its_sender() {
        let (messages, _) = parse(
            "11/21/24, 4:41 PM - Ana: .\n11/21/24, 4:42 PM - Bo:\n[11/21/2024, 16:43:00] Ana: .\n",
            Some(false),
        );
        let pairs: Vec<(&str, &str)> = messages
            .iter()
            .map(|m| (m.sender.as_str(), m.body.as_str()))
            .collect();
        assert_eq!(pairs, [("Ana", "."), ("Bo", ""), ("Ana", ".")]);
    }

    #[test]
    fn every_participant_is_a_recipient_of_every_message_but_their_own() {
        let chat = "11/21/24, 4:41 PM - Ana: first\n11/21/24, 4:42 PM - Bo: second\n11/21/24, 4:43 PM - Cy: joined late\n";
        let found = survey(chat.as_bytes()).expect("survey");
        assert_eq!(found.messages, 3);
        assert_eq!(found.day_first, Some(false));
        let mut participants: Vec<String> = found.senders.into_iter().collect();
        participants.push("Owner".into());
        let options = ReadOptions {
            time_zone: TimeZone::UTC,
            day_first: Some(false),
            owner: String::new(),
            participants,
        };
        let mut messages = Vec::new();
        read(
            chat.as_bytes(),
            &options,
            &mut |m| {
                messages.push(m);
                true
            },
            &mut Problems::default(),
        );
        assert_eq!(messages[0].recipients, "Bo, Cy, Owner");
        assert_eq!(messages[2].recipients, "Ana, Bo, Owner");
        let ambiguous = survey("2/3/24, 9:05 AM - Ana: x\n".as_bytes()).expect("survey");
        assert_eq!((ambiguous.day_first, ambiguous.ambiguous_dates), (None, 1));
    }

    #[test]
    fn a_line_longer_than_the_limit_is_reported_and_the_rest_read() {
        let huge = "x".repeat(crate::messages::MAX_LINE + 1);
        let text = format!(
            "11/21/24, 4:41 PM - Ana: before\n11/21/24, 4:42 PM - Bo: {huge}\n11/21/24, 4:43 PM - Ana: after\n"
        );
        let (messages, problems) = parse(&text, Some(false));
        let bodies: Vec<&str> = messages.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(bodies, ["before", "after"]);
        assert!(
            problems
                .kept
                .iter()
                .any(|p| p.location == "line 2" && p.reason.contains("longer than 1 MiB")),
            "{:?}",
            problems.kept
        );
    }

    #[test]
    fn system_lines_non_ascii_and_malformed_lines() {
        let (messages, problems) = parse(
            "garbage before the chat\n11/21/24, 4:41 PM - Messages are end-to-end encrypted.\n11/21/24, 4:42 PM - Zoë Ñúñez: Détenu libéré ✔\n13/13/24, 4:42 PM - X: bad date\n",
            None,
        );
        assert_eq!(problems.total, 2, "{:?}", problems.kept);
        assert_eq!(problems.kept[0].location, "line 1");
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].sender, "");
        assert_eq!(messages[1].body, "Détenu libéré ✔");
    }

    /// Lines made of the characters headers are made of, in random order: the parser and
    /// the survey never panic (the fuzz target does this at length).
    #[test]
    fn random_header_like_lines_never_panic() {
        let alphabet: Vec<char> = "0123456789/.-:, []APMapm.下午오후\u{202f}\u{200e}é"
            .chars()
            .collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut text = String::new();
        for _ in 0..20_000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let length = (seed >> 59) as usize + 3;
            for _ in 0..length {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            text.push_str(" - X: y\n");
        }
        let _ = parse(&text, None);
        let _ = survey(text.as_bytes());
    }

    #[test]
    fn nothing_panics_on_odd_input() {
        for text in [
            "",
            "\n\n",
            "[",
            "[]",
            "] - :",
            "1/1/1, 1:1 - :",
            "99/99/9999, 99:99 PM - a: b",
            "\u{ffff}\u{0}",
            "1/2/24,  - x",
        ] {
            let _ = parse(text, None);
        }
    }
}
