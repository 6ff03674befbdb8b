//! Background work: the workers that take jobs from the durable job table
//! ([`crate::storage::jobs`]) and run them, and the handle the office uses to start one.
//!
//! Each worker claims the oldest waiting job, runs it in its own task (a panic fails the job,
//! not the worker) and, every [`BEAT`], writes what the job reports of its progress and renews
//! its lease. A job whose lease runs out (its server stopped) is claimed again by any worker
//! of any server, up to [`MAX_ATTEMPTS`](probity_domain::jobs::MAX_ATTEMPTS) starts. Workers
//! wait for a wake-up from [`JobQueue::submit`] or, for jobs other servers submitted, look
//! again every [`POLL`].

use crate::blobs::BlobStore;
use crate::evidence::ocr::OcrQueue;
use crate::office::OfficeError;
use crate::storage::jobs::{JobProgress, NewJob};
use crate::storage::{DynStore, StoreResult};
use probity_domain::jobs::{Job, JobKind};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// How long a claim lasts without renewal, in seconds: a job whose worker stopped is started
/// again after this.
pub const LEASE_SECONDS: i64 = 60;
/// How often a running job's progress is written and its lease renewed.
pub const BEAT: Duration = Duration::from_secs(2);
/// How often idle workers look for jobs they were not woken for.
pub const POLL: Duration = Duration::from_secs(2);

/// Starts jobs: stores them and wakes a worker.
#[derive(Clone)]
pub struct JobQueue {
    store: DynStore,
    wake: Arc<Notify>,
}

impl JobQueue {
    /// A queue over the job table (workers start with [`start`]).
    pub fn new(store: DynStore) -> JobQueue {
        JobQueue {
            store,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Stores a waiting job and wakes a worker for it.
    #[tracing::instrument(skip_all, fields(kind = job.kind.as_str(), case_id = job.case_id))]
    pub async fn submit(&self, job: NewJob) -> StoreResult<Job> {
        let job = self.store.create_job(job).await?;
        self.wake.notify_one();
        Ok(job)
    }
}

/// What a running job has done, as it tells it; the heartbeat writes it to the job's row.
#[derive(Debug)]
pub struct Progress {
    done: AtomicI64,
    /// Negative while unknown.
    total: AtomicI64,
    step: std::sync::Mutex<String>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            done: AtomicI64::new(0),
            total: AtomicI64::new(-1),
            step: std::sync::Mutex::new(String::new()),
        }
    }
}

impl Progress {
    /// How much work there is in all.
    pub fn set_total(&self, total: i64) {
        self.total.store(total.max(0), Ordering::Relaxed);
    }

    /// How much is done.
    pub fn set_done(&self, done: i64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// Adds to what is done.
    pub fn add(&self, done: i64) {
        self.done.fetch_add(done, Ordering::Relaxed);
    }

    /// What is being done now, in words for the progress page.
    pub fn step(&self, words: impl Into<String>) {
        let mut step = self
            .step
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *step = words.into();
    }

    /// The progress as the job table keeps it.
    pub fn snapshot(&self) -> JobProgress {
        let total = self.total.load(Ordering::Relaxed);
        JobProgress {
            done: self.done.load(Ordering::Relaxed),
            total: (total >= 0).then_some(total),
            step: self
                .step
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone(),
        }
    }
}

/// What the jobs need: the records, the files and the report settings.
#[derive(Clone)]
pub struct Workshop {
    pub store: DynStore,
    pub blobs: Arc<dyn BlobStore>,
    pub ocr: OcrQueue,
    pub office_name: String,
    pub patterns: crate::reports::personal::Patterns,
}

impl Workshop {
    fn vault(&self) -> crate::office::evidence::Vault<'_> {
        crate::office::evidence::Vault {
            store: &self.store,
            blobs: &self.blobs,
            ocr: &self.ocr,
        }
    }

    fn approver(&self) -> crate::office::reports::Approver<'_> {
        crate::office::reports::Approver {
            blobs: self.blobs.as_ref(),
            office_name: &self.office_name,
            patterns: &self.patterns,
        }
    }
}

/// Starts `workers` workers on the queue's table.
pub fn start(workshop: Workshop, queue: &JobQueue, workers: usize) {
    for _ in 0..workers.max(1) {
        tokio::spawn(work(workshop.clone(), queue.wake.clone()));
    }
}

/// The time as the leases count it.
fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// One worker: claims, runs, repeats.
async fn work(workshop: Workshop, wake: Arc<Notify>) {
    loop {
        let now = unix_now();
        match workshop.store.give_up_jobs(now).await {
            Ok(given_up) => {
                for job in given_up {
                    tracing::warn!(
                        job_id = job.job_id,
                        kind = job.kind.as_str(),
                        "job given up"
                    );
                    after_failure(&workshop, &job).await;
                }
            }
            Err(error) => tracing::error!(%error, "cannot look for abandoned jobs"),
        }
        match workshop.store.claim_job(now, now + LEASE_SECONDS).await {
            Ok(Some(job)) => run(&workshop, job).await,
            Ok(None) => {
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
            Err(error) => {
                tracing::error!(%error, "cannot claim a job");
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

/// Runs one claimed job to its end, with its heartbeat.
#[tracing::instrument(skip_all, fields(job_id = job.job_id, kind = job.kind.as_str(), attempt = job.attempts))]
async fn run(workshop: &Workshop, job: Job) {
    let progress = Arc::new(Progress::default());
    let beat = {
        let (store, progress, job_id, attempt) = (
            workshop.store.clone(),
            progress.clone(),
            job.job_id,
            job.attempts,
        );
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(BEAT);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let lease = unix_now() + LEASE_SECONDS;
                match store
                    .report_progress(job_id, attempt, &progress.snapshot(), lease)
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(job_id, "the job's lease was lost");
                        break;
                    }
                    Err(error) => tracing::warn!(job_id, %error, "cannot record progress"),
                }
            }
        })
    };
    let task = tokio::spawn(perform(workshop.clone(), job.clone(), progress.clone()));
    let outcome = match task.await {
        Ok(outcome) => outcome,
        Err(error) => {
            tracing::error!(%error, "a job's task failed");
            Err("The work failed on the server; nothing of it was kept.".to_string())
        }
    };
    beat.abort();
    let store = &workshop.store;
    let lease = unix_now() + LEASE_SECONDS;
    if let Err(error) = store
        .report_progress(job.job_id, job.attempts, &progress.snapshot(), lease)
        .await
    {
        tracing::warn!(%error, "cannot record the last progress");
    }
    if outcome.is_err() {
        after_failure(workshop, &job).await;
    }
    match store.finish_job(job.job_id, job.attempts, outcome).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!("the job was taken over before it ended"),
        Err(error) => tracing::error!(%error, "cannot record the end of a job"),
    }
}

/// Does a job's work.
async fn perform(
    workshop: Workshop,
    job: Job,
    progress: Arc<Progress>,
) -> Result<Option<String>, String> {
    let done = match job.kind {
        JobKind::TextExtraction => {
            return crate::evidence::ocr::extract(&workshop.store, &workshop.blobs, &job).await;
        }
        JobKind::MessageImport => {
            crate::office::messages::run_import(workshop.vault(), &job, progress).await
        }
        JobKind::ReportApproval => {
            crate::office::reports::run_approval(&workshop.store, workshop.approver(), &job).await
        }
    };
    done.map_err(|error| in_words(&job, error))
}

/// What a failed job's owner reads: never an internal detail (that goes to the log).
fn in_words(job: &Job, error: OfficeError) -> String {
    match error {
        OfficeError::NotFound => {
            "What this work was for is gone, or no longer open to the person who started it."
                .to_string()
        }
        OfficeError::Forbidden(why) | OfficeError::Conflict(why) => why.to_string(),
        OfficeError::Invalid(errors) => errors
            .0
            .first()
            .map(|error| error.message.clone())
            .unwrap_or_else(|| "What was asked for is not valid.".to_string()),
        OfficeError::Stale => "Someone changed it while the work ran; nothing was kept.".into(),
        OfficeError::Leaked(_) => crate::office::reports::LEAKED.to_string(),
        OfficeError::Integrity => {
            "The stored file no longer has the hash recorded when it was received; an integrity alarm is recorded."
                .to_string()
        }
        OfficeError::Busy => "The server was too busy; start the work again.".to_string(),
        other => {
            tracing::error!(job_id = job.job_id, error = %other, "a job failed");
            "A step failed on the server; nothing of it was kept. Start it again, or ask an administrator to look at the server's log.".to_string()
        }
    }
}

/// What a job leaves behind when it fails: an exhibit waiting for its text says it failed.
async fn after_failure(workshop: &Workshop, job: &Job) {
    if job.kind == JobKind::TextExtraction
        && let Some(exhibit_id) = job.exhibit_id()
        && let Err(error) = workshop
            .store
            .set_ocr(
                exhibit_id,
                probity_domain::evidence::OcrStatus::Failed,
                None,
                None,
            )
            .await
    {
        tracing::error!(exhibit_id, %error, "cannot record failed text extraction");
    }
}
