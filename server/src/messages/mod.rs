//! Message logs: parsers for WhatsApp chat exports, SMS Backup & Restore XML, e-mail (`.eml`
//! and `.mbox`) and CSV. Each reads its source as a stream and hands out messages one at a
//! time, with their time in UTC and where they were in the file; what cannot be read becomes
//! a [`Problem`] with its location. Parsers never panic on any input (each is fuzzed).

pub mod csv_log;
pub mod email;
pub mod import;
pub mod sms;
pub mod whatsapp;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// One message read from a log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedMessage {
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub sent_at: String,
    pub sender: String,
    pub recipients: String,
    pub body: String,
    /// Where it was in the source, e.g. `line 12`.
    pub location: String,
    /// Files attached to an e-mail: `(file name, content)`.
    pub attachments: Vec<(String, Vec<u8>)>,
}

/// Something in the source that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub location: String,
    pub reason: String,
}

/// The formats Probity reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    WhatsApp,
    SmsXml,
    Email,
    Mbox,
    Csv,
}

impl Format {
    /// Every format, as offered in the import form.
    pub const ALL: [Format; 5] = [
        Format::WhatsApp,
        Format::SmsXml,
        Format::Email,
        Format::Mbox,
        Format::Csv,
    ];

    /// The form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::WhatsApp => "whatsapp",
            Format::SmsXml => "sms-xml",
            Format::Email => "eml",
            Format::Mbox => "mbox",
            Format::Csv => "csv",
        }
    }

    /// The label shown.
    pub fn label(self) -> &'static str {
        match self {
            Format::WhatsApp => "WhatsApp chat export (.txt)",
            Format::SmsXml => "SMS Backup & Restore (.xml)",
            Format::Email => "E-mail (.eml)",
            Format::Mbox => "Mailbox (.mbox)",
            Format::Csv => "CSV: timestamp, sender, recipients, body",
        }
    }

    /// Parses the form value.
    pub fn parse(value: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str() == value)
    }

    /// A guess from the exhibit's type and name.
    pub fn guess(media_type: &str, filename: &str) -> Format {
        let lower = filename.to_ascii_lowercase();
        match media_type {
            "message/rfc822" => Format::Email,
            "application/mbox" => Format::Mbox,
            "application/xml" | "text/xml" => Format::SmsXml,
            "text/csv" => Format::Csv,
            _ if lower.ends_with(".eml") => Format::Email,
            _ if lower.ends_with(".mbox") => Format::Mbox,
            _ if lower.ends_with(".xml") => Format::SmsXml,
            _ if lower.ends_with(".csv") => Format::Csv,
            _ => Format::WhatsApp,
        }
    }
}

/// How to read dates written without a time zone or an unambiguous order.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The zone the times in the file were written in.
    pub time_zone: TimeZone,
    /// For dates such as 03/04/24: true when the day comes first; `None` to work it out
    /// from the file (month first when nothing tells).
    pub day_first: Option<bool>,
    /// The phone owner's name, for SMS backups (sent messages come from them) and chat
    /// exports (a recipient of every message they did not send).
    pub owner: String,
    /// Everyone in a chat, when a first pass over the file found them; each message's
    /// recipients are all of them but its sender.
    pub participants: Vec<String>,
}

/// UTC text of a local time in a zone; `None` for impossible dates.
pub fn to_utc(zone: &TimeZone, local: DateTime) -> Option<String> {
    let zoned = local.to_zoned(zone.clone()).ok()?;
    Some(format_utc(zoned.timestamp()))
}

/// The stored form of an instant.
pub fn format_utc(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A civil date-time from parts, if they make one.
pub fn civil(
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> Option<DateTime> {
    let year = i16::try_from(year).ok()?;
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    let hour = i8::try_from(hour).ok()?;
    let minute = i8::try_from(minute).ok()?;
    let second = i8::try_from(second).ok()?;
    DateTime::new(year, month, day, hour, minute, second, 0).ok()
}

/// The most problems reported for one import; the rest are counted.
pub const MAX_PROBLEMS: usize = 200;

/// What a parser hands its messages to.
pub type Sink<'a> = dyn FnMut(ParsedMessage) -> bool + 'a;

/// Reads a whole source with the parser for `format`. `sink` gets each message and returns
/// false to stop early. Returns the problems and how many there were in all.
pub fn read(
    format: Format,
    source: impl std::io::BufRead,
    options: &ReadOptions,
    sink: &mut Sink<'_>,
) -> (Vec<Problem>, usize) {
    let mut problems = Problems::default();
    match format {
        Format::WhatsApp => whatsapp::read(source, options, sink, &mut problems),
        Format::SmsXml => sms::read(source, options, sink, &mut problems),
        Format::Email => email::read_eml(source, sink, &mut problems),
        Format::Mbox => email::read_mbox(source, sink, &mut problems),
        Format::Csv => csv_log::read(source, options, sink, &mut problems),
    }
    (problems.kept, problems.total)
}

/// Problems found so far: the first [`MAX_PROBLEMS`] kept, all counted.
#[derive(Default)]
pub struct Problems {
    pub kept: Vec<Problem>,
    pub total: usize,
}

impl Problems {
    /// Records a problem.
    pub fn add(&mut self, location: impl Into<String>, reason: impl Into<String>) {
        self.total += 1;
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(Problem {
                location: location.into(),
                reason: reason.into(),
            });
        }
    }
}

/// Cuts text to at most `max` bytes at a character boundary.
pub fn clip(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

/// Longest message body kept (longer ones are cut and reported).
pub const MAX_BODY: usize = 64 * 1024;

/// Longest line a line-based parser reads (longer ones are skipped and reported): one huge
/// line must cost no more memory than this, whatever its size (a 700 MB line took 2.4 GB).
pub const MAX_LINE: usize = 1 << 20;

/// What [`read_line`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineRead {
    /// A line, in the buffer with its `\n` (none at the end of the file).
    Line,
    /// A line longer than the limit: read to its end, not kept (the buffer is empty).
    TooLong,
    /// The end of the file.
    End,
}

/// Reads the next line into `line`, keeping at most `max` bytes of it. A longer line is read
/// to its end in pieces, none kept.
pub fn read_line(
    source: &mut impl std::io::BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<LineRead> {
    line.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let (used, done) = {
            let available = source.fill_buf()?;
            if available.is_empty() {
                break;
            }
            any = true;
            let (chunk, done) = match available.iter().position(|byte| *byte == b'\n') {
                Some(at) => (&available[..=at], true),
                None => (available, false),
            };
            if !too_long {
                if line.len() + chunk.len() > max {
                    too_long = true;
                    line.clear();
                    line.shrink_to(max.min(64 * 1024));
                } else {
                    line.extend_from_slice(chunk);
                }
            }
            (chunk.len(), done)
        };
        source.consume(used);
        if done {
            break;
        }
    }
    Ok(match (any, too_long) {
        (false, _) => LineRead::End,
        (true, true) => LineRead::TooLong,
        (true, false) => LineRead::Line,
    })
}

/// A source whose lines longer than a limit are left out (each as an empty line, so line
/// numbers stay true), for parsers that read the source themselves (CSV, XML). The numbers
/// of the lines left out are kept for the problem report.
pub struct LineLimited<R> {
    source: R,
    max: usize,
    line: Vec<u8>,
    at: usize,
    number: usize,
    skipped: Vec<usize>,
    failed: Option<std::io::Error>,
}

impl<R: std::io::BufRead> LineLimited<R> {
    /// Wraps `source`, leaving out lines longer than `max` bytes.
    pub fn new(source: R, max: usize) -> Self {
        LineLimited {
            source,
            max,
            line: Vec::new(),
            at: 0,
            number: 0,
            skipped: Vec::new(),
            failed: None,
        }
    }

    /// The numbers (from 1) of the lines left out.
    pub fn skipped(&self) -> &[usize] {
        &self.skipped
    }

    /// Reports each line left out as a problem.
    pub fn report(&self, problems: &mut Problems) {
        for number in &self.skipped {
            problems.add(
                format!("line {number}"),
                "the line is longer than 1 MiB and was not read",
            );
        }
    }
}

impl<R: std::io::BufRead> std::io::Read for LineLimited<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = std::io::BufRead::fill_buf(self)?;
        let count = available.len().min(out.len());
        out[..count].copy_from_slice(&available[..count]);
        std::io::BufRead::consume(self, count);
        Ok(count)
    }
}

impl<R: std::io::BufRead> std::io::BufRead for LineLimited<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at >= self.line.len() {
            if let Some(error) = self.failed.take() {
                return Err(error);
            }
            self.at = 0;
            match read_line(&mut self.source, &mut self.line, self.max) {
                Ok(LineRead::Line) => self.number += 1,
                Ok(LineRead::TooLong) => {
                    self.number += 1;
                    self.skipped.push(self.number);
                    self.line.push(b'\n');
                }
                Ok(LineRead::End) => self.line.clear(),
                Err(error) => {
                    self.line.clear();
                    return Err(error);
                }
            }
        }
        Ok(&self.line[self.at..])
    }

    fn consume(&mut self, amount: usize) {
        self.at = (self.at + amount).min(self.line.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_become_utc_across_daylight_saving() {
        let zone = TimeZone::get("America/New_York").expect("zone");
        // Winter: UTC-5. Summer: UTC-4.
        assert_eq!(
            to_utc(&zone, civil(2024, 11, 21, 16, 41, 0).expect("date")).as_deref(),
            Some("2024-11-21T21:41:00Z")
        );
        assert_eq!(
            to_utc(&zone, civil(2024, 7, 1, 9, 0, 0).expect("date")).as_deref(),
            Some("2024-07-01T13:00:00Z")
        );
        assert!(civil(2024, 2, 30, 0, 0, 0).is_none());
        assert!(civil(2024, 1, 1, 25, 0, 0).is_none());
    }

    #[test]
    fn a_huge_line_is_read_through_but_not_kept() {
        let mut text = b"first\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 5000));
        text.extend_from_slice(b"\nlast");
        let mut source = std::io::BufReader::with_capacity(64, text.as_slice());
        let mut line = Vec::new();
        assert_eq!(
            read_line(&mut source, &mut line, 100).expect("read"),
            LineRead::Line
        );
        assert_eq!(line, b"first\n");
        assert_eq!(
            read_line(&mut source, &mut line, 100).expect("read"),
            LineRead::TooLong
        );
        assert!(line.is_empty() && line.capacity() <= 100);
        assert_eq!(
            read_line(&mut source, &mut line, 100).expect("read"),
            LineRead::Line
        );
        assert_eq!(line, b"last");
        assert_eq!(
            read_line(&mut source, &mut line, 100).expect("read"),
            LineRead::End
        );

        let limited = LineLimited::new(std::io::BufReader::with_capacity(64, text.as_slice()), 100);
        let mut all = String::new();
        let mut limited = limited;
        std::io::Read::read_to_string(&mut limited, &mut all).expect("read");
        assert_eq!(all, "first\n\nlast");
        assert_eq!(limited.skipped(), &[2]);
    }

    #[test]
    fn clipping_respects_characters() {
        assert_eq!(clip("ééé".to_string(), 3), "é");
    }
}
