//! The integrity check: both chains (audit trail, chain of custody) walked from their first
//! entry, and every stored file hashed again against the rows that name it. Run by
//! `probity verify`, by the server at start and then daily; each run is kept, and the audit
//! page shows the newest.

use super::OfficeError;
use crate::blobs::{BlobError, BlobStore, rehash};
use crate::storage::DynStore;
use crate::storage::chains::{Chain, ChainBreak, ChainReport, IntegrityCheck};
use time::OffsetDateTime;

/// Problems kept in full per part of the check; the rest are counted.
const KEEP: usize = 200;

/// A stored file that no longer has its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobProblem {
    /// The file's name: the SHA-256 its rows recorded.
    pub expected: String,
    /// What hashing it again gave, or why it could not be read.
    pub found: String,
}

/// What one run found.
#[derive(Clone, Debug)]
pub struct IntegrityReport {
    pub checked_at: OffsetDateTime,
    pub chains: Vec<ChainReport>,
    /// Files hashed again.
    pub blobs: i64,
    pub blob_problems: Vec<BlobProblem>,
    pub more_blob_problems: i64,
}

impl IntegrityReport {
    /// How many problems, those not kept in full included.
    pub fn problems(&self) -> i64 {
        let chains: i64 = self
            .chains
            .iter()
            .map(|chain| chain.breaks.len() as i64 + chain.more_breaks)
            .sum();
        chains + self.blob_problems.len() as i64 + self.more_blob_problems
    }

    fn entries(&self, chain: Chain) -> i64 {
        self.chains
            .iter()
            .find(|report| report.chain == chain)
            .map_or(0, |report| report.entries)
    }

    /// Every problem kept, one line each, with the entry or file it concerns, what was
    /// expected and what was found.
    pub fn problem_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .chains
            .iter()
            .flat_map(|report| report.breaks.iter().map(break_line))
            .collect();
        lines.extend(self.blob_problems.iter().map(|problem| {
            format!(
                "file {}: hashed again: expected {}, found {}",
                problem.expected, problem.expected, problem.found
            )
        }));
        let more: i64 =
            self.chains.iter().map(|c| c.more_breaks).sum::<i64>() + self.more_blob_problems;
        if more > 0 {
            lines.push(format!("and {more} more problems"));
        }
        lines
    }

    /// The whole report as `probity verify` prints it.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for report in &self.chains {
            let broken = report.breaks.len() as i64 + report.more_breaks;
            text.push_str(&format!(
                "{}: {} entries, {}\n",
                report.chain.label(),
                report.entries,
                if broken == 0 {
                    "unbroken".to_string()
                } else {
                    format!("{broken} broken")
                }
            ));
        }
        let bad = self.blob_problems.len() as i64 + self.more_blob_problems;
        text.push_str(&format!(
            "stored files: {} hashed again, {}\n",
            self.blobs,
            if bad == 0 {
                "all as received".to_string()
            } else {
                format!("{bad} changed or missing")
            }
        ));
        for line in self.problem_lines() {
            text.push_str("  ");
            text.push_str(&line);
            text.push('\n');
        }
        text
    }

    /// The run as kept for the audit page.
    pub fn record(&self) -> IntegrityCheck {
        let lines = self.problem_lines();
        let mut summary = lines.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
        if lines.len() > 5 {
            summary.push_str(&format!("; and {} more", self.problems() - 5));
        }
        IntegrityCheck {
            checked_at: self.checked_at,
            audit_entries: self.entries(Chain::Audit),
            custody_entries: self.entries(Chain::Custody),
            blobs: self.blobs,
            problems: self.problems(),
            summary,
        }
    }
}

fn break_line(found: &ChainBreak) -> String {
    format!(
        "{} entry {}: {}: expected {}, found {}",
        found.chain.label(),
        found.entry_id,
        found.kind.label(),
        found.expected,
        found.found
    )
}

/// Walks both chains and hashes every stored file again, without recording anything.
#[tracing::instrument(skip_all)]
pub async fn check(
    store: &DynStore,
    blobs: &dyn BlobStore,
) -> Result<IntegrityReport, OfficeError> {
    let checked_at = OffsetDateTime::now_utc();
    let mut chains = Vec::new();
    for chain in Chain::ALL {
        chains.push(store.verify_chain(chain, KEEP).await?);
    }
    let mut names: Vec<String> = store.referenced_blobs().await?.into_iter().collect();
    names.sort();
    let mut report = IntegrityReport {
        checked_at,
        chains,
        blobs: 0,
        blob_problems: Vec::new(),
        more_blob_problems: 0,
    };
    for name in names {
        report.blobs += 1;
        let found = match rehash(blobs, &name).await {
            Ok(hash) if hash == name => continue,
            Ok(hash) => hash,
            Err(BlobError::Missing) => "no such file".to_string(),
            Err(BlobError::BadName) => "not a SHA-256".to_string(),
            Err(error) => return Err(OfficeError::Blob(error)),
        };
        if report.blob_problems.len() < KEEP {
            report.blob_problems.push(BlobProblem {
                expected: name,
                found,
            });
        } else {
            report.more_blob_problems += 1;
        }
    }
    Ok(report)
}

/// Runs the check and keeps its outcome for the audit page; a run that found problems is
/// logged as an alarm (counts only: the lines name entries, not their content).
#[tracing::instrument(skip_all)]
pub async fn check_and_record(
    store: &DynStore,
    blobs: &dyn BlobStore,
) -> Result<IntegrityReport, OfficeError> {
    let report = check(store, blobs).await?;
    store.record_integrity_check(&report.record()).await?;
    let problems = report.problems();
    if problems > 0 {
        tracing::error!(
            problems,
            "integrity check: the audit trail, the custody log or stored files were changed"
        );
    } else {
        tracing::info!(
            audit = report.entries(Chain::Audit),
            custody = report.entries(Chain::Custody),
            files = report.blobs,
            "integrity check: nothing changed"
        );
    }
    Ok(report)
}
