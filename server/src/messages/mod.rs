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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// The phone owner's name, for SMS backups (sent messages come from them).
    pub owner: String,
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
    fn clipping_respects_characters() {
        assert_eq!(clip("ééé".to_string(), 3), "é");
    }
}
