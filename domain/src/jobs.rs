//! The vocabulary of background work: message imports, text extraction and report approval
//! run as jobs kept in one table, so a restart finds them again and a person can follow one
//! on its progress page.

use crate::cases::text_enum;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

text_enum!(
    /// What a job does.
    JobKind {
        MessageImport = "message_import" / "Importing messages",
        TextExtraction = "text_extraction" / "Reading the text of a file",
        ReportApproval = "report_approval" / "Approving a report version",
    }
);

text_enum!(
    /// Where a job stands.
    JobState {
        Queued = "queued" / "Waiting to start",
        Running = "running" / "Running",
        Done = "done" / "Done",
        Failed = "failed" / "Failed",
    }
);

impl JobState {
    /// True once nothing more will happen to the job.
    pub fn is_finished(self) -> bool {
        matches!(self, JobState::Done | JobState::Failed)
    }
}

/// How many times a job is started before it is marked failed: a job whose worker stopped
/// mid-way (the process was killed, the machine restarted) is started again from the
/// beginning, which is safe because each job keeps nothing until its last step.
pub const MAX_ATTEMPTS: i64 = 3;

/// One job as stored.
#[derive(Clone, Debug)]
pub struct Job {
    pub job_id: i64,
    pub kind: JobKind,
    pub case_id: i64,
    /// What it works on: `exhibit:12` or `report_version:3`.
    pub subject: String,
    /// The job's input as JSON, read only by its worker.
    pub params: String,
    pub state: JobState,
    /// How many times it has been started.
    pub attempts: i64,
    /// Units of work done so far (bytes read, files read), out of `total_count` when known.
    pub done_count: i64,
    pub total_count: Option<i64>,
    /// What is being done now, in words.
    pub step: String,
    /// The outcome as JSON, when done.
    pub result: Option<String>,
    /// Why it failed, in plain words.
    pub error: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: OffsetDateTime,
    pub started_at: Option<OffsetDateTime>,
    pub finished_at: Option<OffsetDateTime>,
}

impl Job {
    /// The exhibit it works on, when it works on one.
    pub fn exhibit_id(&self) -> Option<i64> {
        self.subject.strip_prefix("exhibit:")?.parse().ok()
    }

    /// The report version it works on, when it works on one.
    pub fn report_version(&self) -> Option<i64> {
        self.subject.strip_prefix("report_version:")?.parse().ok()
    }

    /// Progress as a whole percentage, when the total is known.
    pub fn percent(&self) -> Option<i64> {
        let total = self.total_count.filter(|total| *total > 0)?;
        Some((self.done_count.clamp(0, total) * 100) / total)
    }
}

/// The subject naming an exhibit.
pub fn exhibit_subject(exhibit_id: i64) -> String {
    format!("exhibit:{exhibit_id}")
}

/// The subject naming a report version.
pub fn report_subject(number: i64) -> String {
    format!("report_version:{number}")
}

/// What a message import did, kept as its job's result and shown on the exhibit page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub imported: i64,
    /// `(location, reason)` of the first problems.
    pub problems: Vec<(String, String)>,
    pub total_problems: usize,
    /// True when problems made an all-or-nothing import keep nothing.
    pub rolled_back: bool,
    /// Labels of exhibits made from e-mail attachments.
    pub attachments: Vec<String>,
    /// When nothing in the file told whether the day or the month comes first: true when
    /// the import read them day first.
    pub guessed_day_first: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(done: i64, total: Option<i64>, subject: &str) -> Job {
        Job {
            job_id: 1,
            kind: JobKind::MessageImport,
            case_id: 1,
            subject: subject.into(),
            params: "{}".into(),
            state: JobState::Running,
            attempts: 1,
            done_count: done,
            total_count: total,
            step: String::new(),
            result: None,
            error: None,
            created_by: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            started_at: None,
            finished_at: None,
        }
    }

    #[test]
    fn progress_and_subjects_read_back() {
        assert_eq!(job(50, Some(200), "exhibit:7").percent(), Some(25));
        assert_eq!(job(500, Some(200), "exhibit:7").percent(), Some(100));
        assert_eq!(job(5, None, "exhibit:7").percent(), None);
        assert_eq!(job(5, Some(0), "exhibit:7").percent(), None);
        assert_eq!(job(0, None, &exhibit_subject(7)).exhibit_id(), Some(7));
        assert_eq!(job(0, None, &report_subject(3)).report_version(), Some(3));
        assert_eq!(job(0, None, "exhibit:x").exhibit_id(), None);
        assert_eq!(job(0, None, "report_version:3").exhibit_id(), None);
        assert!(JobState::Failed.is_finished() && !JobState::Running.is_finished());
    }
}
