//! The investigative plan: a case's tasks ("interview the task-force supervisor", "request
//! the lookup system's access log"), each with an assignee from the team, a due day, a
//! status, notes and what fulfilled it (an exhibit or a timeline event).

use crate::cases::text_enum;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

text_enum!(
    /// Where a task stands.
    TaskStatus {
        Open = "open" / "Open",
        InProgress = "in_progress" / "In progress",
        Done = "done" / "Done",
        Dropped = "dropped" / "Dropped",
    }
);

impl TaskStatus {
    /// Still to be done.
    pub fn is_open(self) -> bool {
        matches!(self, TaskStatus::Open | TaskStatus::InProgress)
    }
}

/// A task of a case's plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub task_id: i64,
    pub case_id: i64,
    pub title: String,
    pub notes: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_on: Option<String>,
    pub status: TaskStatus,
    /// The exhibit that fulfilled it, as its id and number (`E-4`).
    pub fulfilled_exhibit: Option<(i64, i64)>,
    /// The timeline event that fulfilled it, as its id and title.
    pub fulfilled_event: Option<(i64, String)>,
    pub created_by_name: String,
    pub updated_by_name: String,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl Task {
    /// Still open and past its due day (`today` as `YYYY-MM-DD`).
    pub fn overdue(&self, today: &str) -> bool {
        self.status.is_open() && self.due_on.as_deref().is_some_and(|due| due < today)
    }
}

/// A task on someone's dashboard, with its case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MyTask {
    pub task: Task,
    pub case_number: String,
    pub case_title: String,
}

/// A task form as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskFields {
    pub title: String,
    pub notes: String,
    /// A team member's user id, or empty.
    pub assignee: String,
    pub due_on: String,
    pub status: String,
    /// An exhibit number (`E-4` or `4`), or empty.
    pub exhibit: String,
    /// A timeline event's id, or empty.
    pub event: String,
    pub version: String,
}

impl TaskFields {
    /// The fields filled from a saved task.
    pub fn from_task(task: &Task) -> Self {
        TaskFields {
            title: task.title.clone(),
            notes: task.notes.clone(),
            assignee: task
                .assignee_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            due_on: task.due_on.clone().unwrap_or_default(),
            status: task.status.as_str().into(),
            exhibit: task
                .fulfilled_exhibit
                .map(|(_, number)| format!("E-{number}"))
                .unwrap_or_default(),
            event: task
                .fulfilled_event
                .as_ref()
                .map(|(id, _)| id.to_string())
                .unwrap_or_default(),
            version: task.version.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_open_tasks_past_their_day_are_overdue() {
        let mut task = Task {
            task_id: 1,
            case_id: 1,
            title: "Interview".into(),
            notes: String::new(),
            assignee_id: None,
            assignee_name: None,
            due_on: Some("2026-03-01".into()),
            status: TaskStatus::Open,
            fulfilled_exhibit: None,
            fulfilled_event: None,
            created_by_name: "A".into(),
            updated_by_name: "A".into(),
            updated_at: OffsetDateTime::UNIX_EPOCH,
            version: 1,
        };
        assert!(task.overdue("2026-03-02"));
        assert!(!task.overdue("2026-03-01"));
        task.status = TaskStatus::Done;
        assert!(!task.overdue("2026-03-02"));
    }
}

/// A supervisor's recorded review of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisoryReview {
    pub review_id: i64,
    pub reviewer_name: String,
    pub reviewed_at: OffsetDateTime,
    /// What they looked at and asked for.
    pub note: String,
}
