//! WhatsApp chat exports (`.txt`): one message per line beginning with a date and time,
//! continued on the following lines until the next such line.
//!
//! Read: `11/21/24, 4:41 PM - Name: text` (Android, US), `21/11/2024, 16:41 - Name: text`
//! (Android, 24-hour), `[21/11/2024, 16:41:23] Name: text` (iPhone), `21.11.24, 16:41 - Name:
//! text` (German); two- or four-digit years, optional seconds, 12- or 24-hour clocks, the
//! invisible marks WhatsApp adds, and system lines without a sender.

use super::{MAX_BODY, ParsedMessage, Problems, ReadOptions, Sink, civil, clip, to_utc};
use std::collections::BTreeSet;
use std::io::BufRead;

/// A line's header: the date parts as written, the time, and the rest.
#[derive(Debug)]
struct Header<'a> {
    first: u32,
    second: u32,
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

/// Splits `a/b/c` or `a.b.c` or `a-b-c`.
fn date_parts(text: &str) -> Option<(u32, u32, i32)> {
    let separator = text.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let mut parts = text.split(separator);
    let first = number(parts.next()?)?;
    let second = number(parts.next()?)?;
    let year_text = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let year = number(year_text)? as i32;
    let year = match year_text.len() {
        2 => 2000 + year,
        4 => year,
        _ => return None,
    };
    // A four-digit first part is a year-first date (2024-11-21).
    Some((first, second, year))
}

/// Reads `4:41 PM`, `16:41`, `16:41:23`, `4:41:23 pm`, `4:41 p. m.`.
fn time_parts(text: &str) -> Option<(u32, u32, u32)> {
    let text = text.trim();
    let lower = text.to_lowercase().replace(['.', ' '], "");
    let (clock, meridiem) = if let Some(clock) = lower.strip_suffix("am") {
        (clock.to_string(), Some(false))
    } else if let Some(clock) = lower.strip_suffix("pm") {
        (clock.to_string(), Some(true))
    } else {
        (lower, None)
    };
    let mut parts = clock.split(':');
    let mut hour = number(parts.next()?)?;
    let minute = number(parts.next()?)?;
    let seconds = match parts.next() {
        Some(text) => number(text)?,
        None => 0,
    };
    if parts.next().is_some() || minute > 59 || seconds > 59 {
        return None;
    }
    match meridiem {
        Some(pm) => {
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour = match (hour, pm) {
                (12, false) => 0,
                (12, true) => 12,
                (h, true) => h + 12,
                (h, false) => h,
            };
        }
        None if hour > 23 => return None,
        None => {}
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
    let (date, time) = stamp.split_once(',').or_else(|| stamp.split_once(' '))?;
    let (first, second, year) = date_parts(date.trim())?;
    let (hour, minute, seconds) = time_parts(time)?;
    if first == 0 || second == 0 {
        return None;
    }
    Some(Header {
        first,
        second,
        year,
        hour,
        minute,
        seconds,
        rest,
    })
}

/// A message being collected, before its date order is known.
struct Pending {
    header_first: u32,
    header_second: u32,
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

    let mut emit = |pending: Pending,
                    day_first: bool,
                    senders: &BTreeSet<String>,
                    problems: &mut Problems|
     -> bool {
        let (day, month) = if day_first {
            (pending.header_first, pending.header_second)
        } else {
            (pending.header_second, pending.header_first)
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
        let recipients: Vec<&str> = senders
            .iter()
            .map(String::as_str)
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
            if day_first.is_none() {
                if found.first > 12 {
                    day_first = Some(true);
                } else if found.second > 12 {
                    day_first = Some(false);
                }
            }
            let (sender, body) = match found.rest.split_once(": ") {
                Some((sender, body)) if !sender.is_empty() && sender.len() <= 200 => {
                    (sender.to_string(), body.to_string())
                }
                // A system line (encryption notice, someone joined): no sender.
                _ => (String::new(), found.rest.to_string()),
            };
            if !sender.is_empty() {
                senders.insert(sender.clone());
            }
            current = Some(Pending {
                header_first: found.first,
                header_second: found.second,
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
