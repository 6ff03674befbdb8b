//! Reading an upload's multipart body, for the upload page and the API alike: its text
//! fields (each small, read with a cap) and its files, each streamed into the office's
//! evidence intake as it arrives, so that no file is ever held in memory.

use crate::blobs::{BlobStore, StoredBlob};
use crate::office::evidence::{ExhibitDetails, Intake, MAX_FILES, Received, validate_details};
use axum::extract::Multipart;
use axum::extract::multipart::Field;
use probity_domain::evidence::{ExhibitFields, format_size};
use probity_domain::validation::FieldErrors;
use std::sync::Arc;

/// Longest text field of an upload, in bytes.
const MAX_TEXT_FIELD: usize = 64 * 1024;

/// What an upload's body held.
pub struct ReadUpload {
    pub values: ExhibitFields,
    /// The details, once valid (checked before the first file is stored).
    pub details: Option<ExhibitDetails>,
    /// The files stored, with the names the client gave them.
    pub stored: Vec<(String, StoredBlob)>,
    /// What was wrong; when not empty, the stored files must be refused.
    pub errors: FieldErrors,
}

/// Why a body could not be read at all.
#[derive(Debug)]
pub enum Unreadable {
    /// The client sent something that is not a readable multipart body.
    Body(String),
    /// The blob store failed.
    Storage(String),
}

/// Reads a small text field without letting a hostile client fill the memory.
pub async fn small_text(field: &mut Field<'_>) -> Result<String, Unreadable> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|error| Unreadable::Body(error.to_string()))?
    {
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD {
            return Err(Unreadable::Body("a text field is too long".into()));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| Unreadable::Body("a text field is not UTF-8".into()))
}

/// Reads the rest of an upload's body: text fields into `values`, each `files` part into
/// the blob store. Stops at the first problem a person can fix (invalid details, a file too
/// large or empty, too many files), with the files stored so far.
pub async fn read_upload(
    multipart: &mut Multipart,
    blobs: &Arc<dyn BlobStore>,
    limit: u64,
) -> Result<ReadUpload, (Unreadable, Vec<(String, StoredBlob)>)> {
    let mut read = ReadUpload {
        values: ExhibitFields::default(),
        details: None,
        stored: Vec::new(),
        errors: FieldErrors::default(),
    };
    loop {
        let next = multipart.next_field().await;
        let mut field = match next {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Err((Unreadable::Body(error.to_string()), read.stored)),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name != "files" {
            let text = match small_text(&mut field).await {
                Ok(text) => text,
                Err(error) => return Err((error, read.stored)),
            };
            let values = &mut read.values;
            match name.as_str() {
                "description" => values.description = text,
                "provided_by" => values.provided_by = text,
                "collected_by" => values.collected_by = text,
                "collected_at" => values.collected_at = text,
                "personal_data" => values.personal_data = text,
                "criminal_justice" => values.criminal_justice = text,
                "booking_photo" => values.booking_photo = text,
                "restricted" => values.restricted = text,
                "access" => values.access.push(text),
                "captured_by" => values.captured_by = text,
                "captured_at" => values.captured_at = text,
                "capture_device" => values.capture_device = text,
                "capture_shows" => values.capture_shows = text,
                _ => {}
            }
            continue;
        }
        if read.details.is_none() {
            match validate_details(&read.values) {
                Ok(valid) => read.details = Some(valid),
                Err(found) => {
                    read.errors = found;
                    break;
                }
            }
        }
        // The client's name is data: kept for the record, never used as a path.
        let filename: String = field
            .file_name()
            .unwrap_or_default()
            .chars()
            .take(255)
            .collect();
        if filename.is_empty() {
            // A file input left empty still sends an empty part.
            loop {
                match field.chunk().await {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(error) => return Err((Unreadable::Body(error.to_string()), read.stored)),
                }
            }
            continue;
        }
        if read.stored.len() >= MAX_FILES {
            read.errors.add(
                "files",
                format!("Send at most {MAX_FILES} files at a time."),
            );
            break;
        }
        let mut intake = match Intake::start(blobs, limit).await {
            Ok(intake) => intake,
            Err(error) => return Err((Unreadable::Storage(error.to_string()), read.stored)),
        };
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => match intake.push(chunk).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(error) => {
                        return Err((Unreadable::Storage(error.to_string()), read.stored));
                    }
                },
                Ok(None) => break,
                Err(error) => {
                    intake.abort().await;
                    return Err((Unreadable::Body(error.to_string()), read.stored));
                }
            }
        }
        match intake.finish().await {
            Ok(Received::Stored(blob)) => read.stored.push((filename, blob)),
            Ok(Received::TooLarge) => {
                read.errors.add(
                    "files",
                    format!(
                        "{filename} is larger than the limit of {}. Nothing was saved.",
                        format_size(i64::try_from(limit).unwrap_or(i64::MAX))
                    ),
                );
                break;
            }
            Ok(Received::Empty) => {
                read.errors
                    .add("files", format!("{filename} is empty. Nothing was saved."));
                break;
            }
            Err(error) => return Err((Unreadable::Storage(error.to_string()), read.stored)),
        }
    }
    if read.errors.is_empty() && read.details.is_some() {
        // Fields sent after the files are checked too: the whole upload stands or falls.
        match validate_details(&read.values) {
            Ok(valid) => read.details = Some(valid),
            Err(found) => read.errors = found,
        }
    }
    if read.errors.is_empty() && read.stored.is_empty() {
        read.errors.add("files", "Choose at least one file.");
    }
    Ok(read)
}
