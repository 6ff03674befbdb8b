//! Patterns of personal data that no public report may carry unless a commissioner releases
//! them: US social security numbers, telephone numbers, e-mail addresses, dates of birth
//! written next to a word that says so, and booking or inmate numbers (written after such a
//! word, or in a shape the office configures).
//!
//! Each hit has a reason code and a release key: the code and a hash of the value in a
//! canonical form (digits only for numbers, lower case for addresses), so a release covers
//! that value wherever it stands in the report's files, and only that value. The value
//! itself is never stored with the hit; its context is masked.
//!
//! The text is searched after compatibility normalisation with invisible characters
//! removed, so full-width digits or a zero-width space inside a number change nothing.

use super::fold::is_invisible;
use super::redact::masked_context;
use probity_domain::reports::LeakHit;
use regex::Regex;
use sha2::{Digest as _, Sha256};
use std::sync::{Arc, OnceLock};
use unicode_normalization::UnicodeNormalization as _;

/// What kind of personal data a pattern hit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ssn,
    Phone,
    Email,
    DateOfBirth,
    BookingNumber,
}

impl Kind {
    /// The reason code shown with the hit and stored with a release.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Ssn => "ssn",
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::DateOfBirth => "date-of-birth",
            Kind::BookingNumber => "booking-number",
        }
    }

    /// How the leak report names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Ssn => "a social security number",
            Kind::Phone => "a telephone number",
            Kind::Email => "an e-mail address",
            Kind::DateOfBirth => "a date of birth",
            Kind::BookingNumber => "a booking or inmate number",
        }
    }
}

/// The patterns checked: the built-in ones and the office's booking-number shapes.
#[derive(Clone, Debug, Default)]
pub struct Patterns {
    /// Regular expressions for the office's booking or inmate numbers (`--booking-number-pattern`).
    booking: Arc<Vec<Regex>>,
}

impl Patterns {
    /// The built-in patterns plus the office's booking-number shapes, each a regular
    /// expression; an invalid one is an error naming it.
    pub fn new(booking: &[String]) -> Result<Patterns, String> {
        let booking = booking
            .iter()
            .filter(|pattern| !pattern.trim().is_empty())
            .map(|pattern| {
                Regex::new(pattern).map_err(|_| {
                    format!(
                        "the booking-number pattern {pattern:?} is not a valid regular expression"
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Patterns {
            booking: Arc::new(booking),
        })
    }

    /// Every pattern of personal data in `text`.
    pub fn scan(&self, file: &str, place: &str, text: &str) -> Vec<LeakHit> {
        let (plain, offsets) = normalize(text);
        let mut found: Vec<(Kind, usize, usize, String)> = Vec::new();
        let builtin = builtin();
        for capture in builtin.ssn.captures_iter(&plain) {
            let Some(number) = capture.name("n") else {
                continue;
            };
            let digits: String = number
                .as_str()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let keyword = capture.name("k").is_some();
            let separated = number.as_str().len() > 9;
            if (keyword || separated) && valid_ssn(&digits) {
                found.push((Kind::Ssn, number.start(), number.end(), digits));
            }
        }
        for pattern in [&builtin.phone, &builtin.phone_keyword] {
            for capture in pattern.captures_iter(&plain) {
                let Some(number) = capture.name("n") else {
                    continue;
                };
                let digits: String = number
                    .as_str()
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                let national = digits.strip_prefix('1').filter(|_| digits.len() == 11);
                let key = national.unwrap_or(&digits).to_string();
                if !found
                    .iter()
                    .any(|(_, start, _, _)| *start == number.start())
                {
                    found.push((Kind::Phone, number.start(), number.end(), key));
                }
            }
        }
        for address in builtin.email.find_iter(&plain) {
            found.push((
                Kind::Email,
                address.start(),
                address.end(),
                address.as_str().to_lowercase(),
            ));
        }
        for capture in builtin.birth.captures_iter(&plain) {
            if let Some(date) = capture.name("d") {
                let key: String = date.as_str().to_lowercase().split_whitespace().collect();
                found.push((Kind::DateOfBirth, date.start(), date.end(), key));
            }
        }
        for capture in builtin.booking.captures_iter(&plain) {
            if let Some(number) = capture.name("n")
                && number.as_str().chars().any(|c| c.is_ascii_digit())
            {
                found.push((
                    Kind::BookingNumber,
                    number.start(),
                    number.end(),
                    number.as_str().to_uppercase(),
                ));
            }
        }
        for pattern in self.booking.iter() {
            for number in pattern.find_iter(&plain).filter(|m| !m.is_empty()) {
                found.push((
                    Kind::BookingNumber,
                    number.start(),
                    number.end(),
                    number.as_str().to_uppercase(),
                ));
            }
        }
        found.sort_by_key(|(_, start, end, _)| (*start, std::cmp::Reverse(*end)));
        // One hit where patterns overlap (a number both after "booking no." and in the
        // office's shape).
        let mut hits = Vec::new();
        let mut covered = 0;
        for (kind, start, end, value) in found {
            if start < covered {
                continue;
            }
            covered = end;
            let begin = offsets[start];
            let finish = offsets[end - 1]
                + text[offsets[end - 1]..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
            hits.push(LeakHit {
                file: file.to_string(),
                place: place.to_string(),
                term: kind.label().to_string(),
                context: masked_context(text, begin, finish),
                reason: Some(kind.code().to_string()),
                release_key: Some(release_key(kind, &value)),
            });
        }
        hits
    }
}

/// The key a release of one value is stored under: its kind and a hash of its canonical form.
pub fn release_key(kind: Kind, value: &str) -> String {
    release_key_for(kind.code(), value)
}

/// The release key of a value under a reason code.
pub fn release_key_for(code: &str, value: &str) -> String {
    let digest = Sha256::digest(format!("{code}:{value}").as_bytes());
    let hex: String = digest
        .iter()
        .take(12)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{code}:{hex}")
}

/// The text compatibility-normalised (NFKC, character by character) with invisible characters
/// dropped, and for each byte of it the byte offset of its source character.
fn normalize(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len());
    for (offset, c) in text.char_indices() {
        if is_invisible(c) {
            continue;
        }
        let before = out.len();
        if c.is_ascii() {
            out.push(c);
        } else {
            out.extend(std::iter::once(c).nfkc());
        }
        offsets.extend(std::iter::repeat_n(offset, out.len() - before));
    }
    (out, offsets)
}

/// Area, group and serial of a US social security number as the SSA issues them.
fn valid_ssn(digits: &str) -> bool {
    if digits.len() != 9 {
        return false;
    }
    let (area, rest) = digits.split_at(3);
    let (group, serial) = rest.split_at(2);
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

struct Builtin {
    ssn: Regex,
    phone: Regex,
    phone_keyword: Regex,
    email: Regex,
    birth: Regex,
    booking: Regex,
}

fn builtin() -> &'static Builtin {
    static BUILTIN: OnceLock<Builtin> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        let compile = |pattern: &str| match Regex::new(pattern) {
            Ok(regex) => regex,
            // The patterns are constants checked by the unit tests below.
            Err(error) => panic!("built-in pattern does not compile: {error}"),
        };
        let date = r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4})";
        Builtin {
            // Separated (123-45-6789, 123 45 6789), or nine digits after a word that says so.
            ssn: compile(
                r"(?i)(?:(?P<k>\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?|ss\s*#)\s*[:#]?\s*)|\b)(?P<n>\d{3}[\- ]\d{2}[\- ]\d{4}|\d{9})\b",
            ),
            // (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567, +1 555 123 4567,
            // +44 20 7946 0958.
            phone: compile(
                r"(?:^|[^\w+])(?P<n>(?:\+1[\s.\-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.\-])\d{3}[\s.\-]\d{4}|\+(?:[2-9]\d{0,2})[\s.\-]?\d{1,4}(?:[\s.\-]?\d{2,4}){2,4})\b",
            ),
            // Bare digits after a word that says they are a telephone number.
            phone_keyword: compile(
                r"(?i)\b(?:phone|tel|telephone|cell|mobile|fax)\b\.?\s*(?:no\.?|number|#)?\s*[:#]?\s*(?P<n>\+?\d{10,11})\b",
            ),
            email: compile(r"(?i)\b[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}\b"),
            birth: compile(&format!(
                r"(?i)\b(?:born(?:\s+on)?|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s?date|birthday)\s*[:\-]?\s*(?P<d>{date})"
            )),
            booking: compile(
                r"(?i)\b(?:booking|inmate|arrest|b\s?&\s?c|book\s+and\s+case|nysid|prisoner|detainee|jail|din)\s*(?:number|no\.?|num\.?|id|#)\s*[:#]?\s*(?P<n>[a-z0-9][a-z0-9\-]{3,})",
            ),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        Patterns::default()
            .scan("f", "p", text)
            .into_iter()
            .map(|hit| match hit.reason.as_deref() {
                Some("ssn") => "ssn",
                Some("phone") => "phone",
                Some("email") => "email",
                Some("date-of-birth") => "dob",
                Some("booking-number") => "booking",
                _ => "other",
            })
            .collect()
    }

    #[test]
    fn personal_data_is_found_in_its_usual_shapes() {
        for (text, expected) in [
            ("SSN 123-45-6789 on file", vec!["ssn"]),
            ("social security number: 123456789", vec!["ssn"]),
            ("his number 123 45 6789.", vec!["ssn"]),
            ("１２３-４５-６７８９", vec!["ssn"]),
            ("123-4\u{200B}5-6789", vec!["ssn"]),
            ("call (212) 555-0147 now", vec!["phone"]),
            ("212-555-0147", vec!["phone"]),
            ("212.555.0147", vec!["phone"]),
            ("+1 212 555 0147", vec!["phone"]),
            ("+44 20 7946 0958", vec!["phone"]),
            ("phone: 2125550147", vec!["phone"]),
            ("write to j.doe+tips@example.org", vec!["email"]),
            ("DOB 04/12/1988", vec!["dob"]),
            ("born on March 3, 1990", vec!["dob"]),
            ("date of birth: 1988-04-12", vec!["dob"]),
            ("booking no. 2412-00731", vec!["booking"]),
            ("Inmate # 895-24-01234", vec!["booking"]),
        ] {
            assert_eq!(kinds(text), expected, "{text}");
        }
    }

    #[test]
    fn ordinary_report_text_is_not_personal_data() {
        for text in [
            "Report 2025-0142, approved 2025-02-01 at 10:00.",
            "On 2024-11-21 the officer sent 14 messages.",
            "sha256 3f5a0c9e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1",
            "Code § 9-131 applies; 000-12-3456 is not an SSN.",
            "Exhibit E-12, page 3 of 14.",
        ] {
            assert_eq!(kinds(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn the_office_configures_its_booking_number_shape_and_hits_mask_the_value() {
        let patterns = Patterns::new(&[r"\bBK-\d{7}\b".into()]).expect("valid");
        let hits = patterns.scan("f", "p", "held under BK-2024117 since Monday");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert!(!hits[0].context.contains("2024117"), "{}", hits[0].context);
        assert_eq!(
            hits[0].release_key,
            Some(release_key(Kind::BookingNumber, "BK-2024117"))
        );
        assert!(Patterns::new(&["(unclosed".into()]).is_err());
    }
}
