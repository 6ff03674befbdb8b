//! Following background work: a job is seen by whoever may see what it works on (the case,
//! and the exhibit when it works on one), and runs as the person who started it, with that
//! person's permissions checked again when it runs.

use super::cases::{OpenCase, open_case};
use super::evidence::open_exhibit;
use super::{Caller, OfficeError};
use crate::storage::DynStore;
use probity_domain::jobs::Job;
use probity_domain::permissions::Action;
use serde::{Deserialize, Serialize};

/// Who started a job and from where, kept in its parameters so that its work is done (and
/// audited) as theirs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StartedBy {
    pub addr: String,
    #[serde(default)]
    pub via: Option<String>,
}

impl StartedBy {
    /// The caller's part of a job's parameters.
    pub fn of(caller: &Caller) -> StartedBy {
        StartedBy {
            addr: caller.addr.to_string(),
            via: caller.via.clone(),
        }
    }
}

/// The person a job acts for, as they are now: a disabled account's work stops.
pub async fn caller_of(
    store: &DynStore,
    job: &Job,
    started: &StartedBy,
) -> Result<Caller, OfficeError> {
    let user_id = job.created_by.ok_or(OfficeError::NotFound)?;
    let user = store
        .user_by_id(user_id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    if user.disabled {
        return Err(OfficeError::Forbidden(
            "The account that started this work is disabled.",
        ));
    }
    Ok(Caller {
        user,
        addr: started
            .addr
            .parse()
            .unwrap_or(std::net::IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)),
        via: started.via.clone(),
        // Background work never takes the steps that ask for a fresh confirmation.
        confirmed: false,
    })
}

/// Reads a job's parameters; a job whose parameters cannot be read fails.
pub fn params<T: serde::de::DeserializeOwned>(job: &Job) -> Result<T, OfficeError> {
    serde_json::from_str(&job.params).map_err(|error| {
        OfficeError::Failed(format!(
            "job {} has unreadable parameters: {error}",
            job.job_id
        ))
    })
}

/// A job of a case, if the caller may see the case and what the job works on. Progress pages
/// are drawn every few seconds while a job runs, so looking at one is not audited (the
/// result it leads to is); a refusal is.
#[tracing::instrument(skip_all, fields(case_id, job_id))]
pub async fn follow(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    job_id: i64,
) -> Result<(OpenCase, Job), OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "job.view").await?;
    let job = store
        .job(job_id)
        .await?
        .filter(|job| job.case_id == case_id)
        .ok_or(OfficeError::NotFound)?;
    if let Some(exhibit_id) = job.exhibit_id() {
        open_exhibit(store, caller, case_id, exhibit_id, "job.view").await?;
    }
    Ok((open, job))
}
