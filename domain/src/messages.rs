//! Messages imported from message logs.

/// One message.
#[derive(Clone, Debug)]
pub struct Message {
    pub message_id: i64,
    pub case_id: i64,
    /// The exhibit it was read from, and that exhibit's number in the case.
    pub exhibit_id: i64,
    pub exhibit_number: i64,
    /// Its order in that exhibit.
    pub position: i64,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub sent_at: String,
    pub sender: String,
    pub recipients: String,
    pub body: String,
    /// Where it was in the source file.
    pub source_location: String,
}

impl Message {
    /// The stable address of the message.
    pub fn path(&self) -> String {
        format!("/cases/{}/messages/{}", self.case_id, self.message_id)
    }

    /// The time as shown: `2024-11-21 21:41:00 UTC`.
    pub fn shown_time(&self) -> String {
        if self.sent_at.is_empty() {
            // An e-mail with neither a Date: nor a Received: header.
            return "Time unknown".to_string();
        }
        self.sent_at.replace('T', " ").replace('Z', " UTC")
    }

    /// The text as shown: an empty message says so instead of showing a blank.
    pub fn shown_body(&self) -> &str {
        if self.body.trim().is_empty() {
            "(no text)"
        } else {
            &self.body
        }
    }
}

/// The message viewer's filters as sent (its form, the API), before validation.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MessageFilterFields {
    pub exhibit: String,
    pub participant: String,
    pub from: String,
    pub to: String,
    pub q: String,
}

/// The import form's values as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ImportValues {
    pub format: String,
    pub time_zone: String,
    pub date_order: String,
    pub owner: String,
    pub mode: String,
}
