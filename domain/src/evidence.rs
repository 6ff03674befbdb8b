//! The vocabulary of evidence: exhibits, their sensitivity, OCR and the chain of custody.

use crate::cases::text_enum;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

text_enum!(
    /// A step in an exhibit's chain of custody.
    CustodyAction {
        Received = "received" / "Received",
        Viewed = "viewed" / "Viewed",
        Downloaded = "downloaded" / "Downloaded",
        Exported = "exported" / "Exported",
        Transferred = "transferred" / "Transferred",
        IntegrityFailure = "integrity_failure" / "Integrity alarm",
    }
);

text_enum!(
    /// Where text extraction from an image stands.
    OcrStatus {
        NotApplicable = "not_applicable" / "Not an image",
        Pending = "pending" / "Waiting for text extraction",
        Done = "done" / "Text extracted",
        Failed = "failed" / "Text extraction failed",
        Unavailable = "unavailable" / "Text extraction is not installed on this server",
    }
);

/// One exhibit.
#[derive(Clone, Debug)]
pub struct Exhibit {
    pub exhibit_id: i64,
    pub case_id: i64,
    /// 1 for E-1.
    pub number: i64,
    pub parent_exhibit_id: Option<i64>,
    pub description: String,
    /// As the uploader's computer named it; data only.
    pub original_filename: String,
    pub sha256: String,
    pub size_bytes: i64,
    /// Detected from the content.
    pub media_type: String,
    /// The file name's extension does not match the content.
    pub extension_mismatch: bool,
    pub provided_by: String,
    pub collected_by: String,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, as typed.
    pub collected_at: String,
    pub personal_data: bool,
    pub criminal_justice: bool,
    pub booking_photo: bool,
    /// Visible only to the case members named on it.
    pub restricted: bool,
    pub captured_by: String,
    pub captured_at: String,
    pub capture_device: String,
    pub capture_shows: String,
    pub thumbnail_sha256: Option<String>,
    pub ocr_status: OcrStatus,
    pub ocr_text: Option<String>,
    /// The engine's mean word confidence in that text, 0 to 100.
    pub ocr_confidence: Option<i64>,
    pub uploaded_by_name: String,
    pub uploaded_at: OffsetDateTime,
}

impl Exhibit {
    /// `E-3`.
    pub fn label(&self) -> String {
        format!("E-{}", self.number)
    }

    /// The sensitivity tags that apply, as labels.
    pub fn tags(&self) -> Vec<&'static str> {
        [
            (self.personal_data, "Personal data"),
            (self.criminal_justice, "Criminal-justice information"),
            (self.booking_photo, "Booking photo"),
            (self.restricted, "Restricted"),
        ]
        .into_iter()
        .filter_map(|(set, label)| set.then_some(label))
        .collect()
    }

    /// True for screenshots with provenance recorded.
    pub fn has_provenance(&self) -> bool {
        !(self.captured_by.is_empty()
            && self.captured_at.is_empty()
            && self.capture_device.is_empty()
            && self.capture_shows.is_empty())
    }
}

/// One step of the chain of custody.
#[derive(Clone, Debug)]
pub struct CustodyEvent {
    pub action: CustodyAction,
    pub user_name: String,
    pub occurred_at: OffsetDateTime,
    pub reason: String,
    pub sha256: String,
}

/// A size for people: `1.4 MB`.
pub fn format_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(format_size(0), "0 bytes");
        assert_eq!(format_size(999), "999 bytes");
        assert_eq!(format_size(1_400_000), "1.4 MB");
        assert_eq!(format_size(2_147_483_648), "2.1 GB");
    }
}

/// An exhibit's details as sent with its files (the upload form, the API), before
/// validation; they apply to every file of one upload. Checkboxes are non-empty when ticked.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExhibitFields {
    pub description: String,
    pub provided_by: String,
    pub collected_by: String,
    pub collected_at: String,
    pub personal_data: String,
    pub criminal_justice: String,
    pub booking_photo: String,
    pub restricted: String,
    /// User ids named on a restricted exhibit.
    pub access: Vec<String>,
    pub captured_by: String,
    pub captured_at: String,
    pub capture_device: String,
    pub capture_shows: String,
}

/// Stored evidence that no longer hashes to what was received, as the custody log recorded
/// it when a download was refused.
#[derive(Clone, Debug)]
pub struct IntegrityAlarm {
    pub occurred_at: OffsetDateTime,
    /// What the content hashes to now.
    pub detail: String,
    pub exhibit_id: i64,
    /// 1 for E-1.
    pub exhibit_number: i64,
    pub case_id: i64,
    pub case_number: String,
}
