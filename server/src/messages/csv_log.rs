//! CSV message logs with a header row naming the columns: timestamp, sender, recipients and
//! body (also accepted: time/date/sent_at, from, to, message/text). Times are RFC 3339 with an
//! offset, or `YYYY-MM-DD HH:MM[:SS]` in the time zone chosen at import.

use super::{MAX_BODY, ParsedMessage, Problems, ReadOptions, Sink, clip, format_utc, to_utc};
use std::io::BufRead;

fn column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    headers
        .iter()
        .position(|header| names.contains(&header.trim().to_ascii_lowercase().as_str()))
}

/// Reads a timestamp written with an offset, or as a local time in `zone`.
pub fn parse_time(text: &str, zone: &jiff::tz::TimeZone) -> Option<String> {
    let text = text.trim();
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        return Some(format_utc(timestamp));
    }
    let normalized = text.replacen('T', " ", 1);
    let local = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", &normalized)
        .or_else(|_| jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", &normalized))
        .ok()?;
    to_utc(zone, local)
}

/// Reads a CSV log.
pub fn read(
    source: impl BufRead,
    options: &ReadOptions,
    sink: &mut Sink<'_>,
    problems: &mut Problems,
) {
    let mut limited = super::LineLimited::new(source, super::MAX_LINE);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&mut limited);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            problems.add("row 1", format!("no header row: {error}"));
            return;
        }
    };
    let time = column(
        &headers,
        &["timestamp", "time", "date", "sent_at", "datetime"],
    );
    let sender = column(&headers, &["sender", "from"]);
    let recipients = column(&headers, &["recipients", "recipient", "to"]);
    let body = column(&headers, &["body", "message", "text"]);
    let (Some(time), Some(sender), Some(body)) = (time, sender, body) else {
        problems.add(
            "row 1",
            "the header row must name timestamp, sender and body columns (recipients is optional)",
        );
        return;
    };
    for (index, record) in reader.records().enumerate() {
        // Row 1 is the header.
        let location = format!("row {}", index + 2);
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.add(location, format!("unreadable row: {error}"));
                continue;
            }
        };
        let field = |i: usize| record.get(i).unwrap_or("").to_string();
        let Some(sent_at) = parse_time(&field(time), &options.time_zone) else {
            problems.add(
                location,
                format!("unreadable timestamp \"{}\"", clip(field(time), 60)),
            );
            continue;
        };
        let mut text = field(body);
        if text.len() > MAX_BODY {
            problems.add(
                location.clone(),
                "the message is longer than 64 KB and was cut",
            );
            text = clip(text, MAX_BODY);
        }
        let keep_going = sink(ParsedMessage {
            sent_at,
            sender: clip(field(sender), 500),
            recipients: clip(recipients.map(field).unwrap_or_default(), 2000),
            body: text,
            location,
            attachments: Vec::new(),
        });
        if !keep_going {
            return;
        }
    }
    drop(reader);
    limited.report(problems);
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn parse(text: &str) -> (Vec<ParsedMessage>, Problems) {
        let options = ReadOptions {
            time_zone: TimeZone::get("Europe/Paris").expect("zone"),
            day_first: None,
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
    fn an_over_long_line_is_reported_and_the_rest_read() {
        let huge = "x".repeat(crate::messages::MAX_LINE + 10);
        let (messages, problems) = parse(&format!(
            "timestamp,sender,body\n2024-11-21 16:41,Ana,{huge}\n2024-11-21 16:42,Bo,after\n"
        ));
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].body, "after");
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
    fn columns_by_name_times_with_and_without_offsets() {
        let (messages, problems) = parse(
            "Body,From,To,Timestamp\n\"Line one\nline two\",Ana,\"Bo, Cy\",2024-11-21 16:41\nhola,Bo,Ana,2024-11-21T22:00:00Z\nbad,Bo,Ana,yesterday\n",
        );
        assert_eq!(messages.len(), 2);
        assert_eq!(
            messages[0].sent_at, "2024-11-21T15:41:00Z",
            "Paris is UTC+1 in November"
        );
        assert_eq!(messages[0].body, "Line one\nline two");
        assert_eq!(messages[0].recipients, "Bo, Cy");
        assert_eq!(messages[1].sent_at, "2024-11-21T22:00:00Z");
        assert_eq!(problems.total, 1);
        assert_eq!(problems.kept[0].location, "row 4");
    }

    #[test]
    fn a_file_without_the_columns_is_refused() {
        let (messages, problems) = parse("a,b\n1,2\n");
        assert!(messages.is_empty());
        assert!(problems.kept[0].reason.contains("header row"));
        for text in [
            "",
            "\"",
            "timestamp,sender,body\n\"unclosed",
            "timestamp,sender,body\n,,\n",
        ] {
            let _ = parse(text);
        }
    }
}
