//! A copy of the audit trail outside the database, written as entries are: JSON lines
//! appended to a file, or RFC 5424 syslog messages over TCP (octet-counted frames, RFC 6587)
//! to a collector. Each entry carries its chain hash, so the copy also shows what the
//! database's chain said at the time.
//!
//! Requests never wait for the copy: entries go through a bounded queue to one task that
//! writes them, reconnecting to the collector when the connection drops (the entry that
//! failed is sent again). When the queue is full the entry is not copied and the loss is
//! logged; the database keeps every entry whatever happens to the copy.

use crate::storage::chains::{AuditCopy, SealedAuditEntry};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::AsyncWriteExt as _;
use tokio::sync::mpsc;

/// Entries waiting for the writer before new ones are dropped.
const QUEUE: usize = 10_000;

/// Syslog facility 13, "log audit" (RFC 5424, table 1).
const FACILITY: u8 = 13;

/// The enterprise number of the structured data's name: 32473 is the one RFC 5612 sets
/// aside for documentation and private use.
const SD_ID: &str = "probity@32473";

/// Where the copy goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// JSON lines appended to a file.
    File(PathBuf),
    /// RFC 5424 messages over TCP to `host:port`.
    SyslogTcp(String),
}

impl Target {
    /// Reads the setting: `file:///path/audit.jsonl` or `syslog+tcp://host:port` (port 601,
    /// syslog over TCP, when left out).
    pub fn parse(setting: &str) -> Result<Target, String> {
        let url = url::Url::parse(setting).map_err(|error| {
            format!("--audit-copy {setting:?} is not a URL ({error}); use file:///path or syslog+tcp://host:port")
        })?;
        match url.scheme() {
            "file" => url
                .to_file_path()
                .map(Target::File)
                .map_err(|()| format!("--audit-copy {setting:?}: not a file path")),
            "syslog+tcp" | "syslog" => {
                let host = url
                    .host_str()
                    .filter(|host| !host.is_empty())
                    .ok_or_else(|| format!("--audit-copy {setting:?}: no host"))?;
                Ok(Target::SyslogTcp(format!(
                    "{host}:{}",
                    url.port().unwrap_or(601)
                )))
            }
            other => Err(format!(
                "--audit-copy: unknown scheme {other:?}; use file:///path or syslog+tcp://host:port"
            )),
        }
    }
}

/// The queue to the writer task.
#[derive(Debug)]
pub struct Copier {
    sender: mpsc::Sender<SealedAuditEntry>,
    dropped: AtomicU64,
}

impl AuditCopy for Copier {
    fn send(&self, entry: SealedAuditEntry) {
        if self.sender.try_send(entry).is_err() {
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            // Every power of two: a stalled collector does not flood the log.
            if dropped.is_power_of_two() {
                tracing::warn!(
                    dropped,
                    "the audit copy is behind or stopped; entries were not copied (the database keeps them all)"
                );
            }
        }
    }
}

/// Starts the writer task and returns its queue.
pub fn start(target: Target) -> Arc<Copier> {
    let (sender, receiver) = mpsc::channel(QUEUE);
    match target {
        Target::File(path) => {
            tokio::spawn(write_file(path, receiver));
        }
        Target::SyslogTcp(address) => {
            tokio::spawn(write_syslog(address, receiver));
        }
    }
    Arc::new(Copier {
        sender,
        dropped: AtomicU64::new(0),
    })
}

async fn write_file(path: PathBuf, mut receiver: mpsc::Receiver<SealedAuditEntry>) {
    let mut file: Option<tokio::fs::File> = None;
    while let Some(entry) = receiver.recv().await {
        let Ok(mut line) = serde_json::to_string(&entry) else {
            continue;
        };
        line.push('\n');
        for _ in 0..2 {
            if file.is_none() {
                let mut options = tokio::fs::OpenOptions::new();
                options.create(true).append(true);
                #[cfg(unix)]
                options.mode(0o600);
                match options.open(&path).await {
                    Ok(opened) => file = Some(opened),
                    Err(error) => {
                        tracing::error!(%error, path = %path.display(), "cannot open the audit copy");
                        break;
                    }
                }
            }
            if let Some(open) = file.as_mut() {
                match open.write_all(line.as_bytes()).await {
                    Ok(()) => {
                        let _ = open.flush().await;
                        break;
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot write the audit copy; opening it again");
                        file = None;
                    }
                }
            }
        }
    }
}

async fn write_syslog(address: String, mut receiver: mpsc::Receiver<SealedAuditEntry>) {
    let host = hostname();
    let mut connection: Option<tokio::net::TcpStream> = None;
    let mut wait = Duration::from_secs(1);
    while let Some(entry) = receiver.recv().await {
        let message = syslog_message(&entry, &host);
        // RFC 6587 octet counting: the length in bytes, a space, the message.
        let frame = format!("{} {message}", message.len());
        loop {
            if connection.is_none() {
                match tokio::net::TcpStream::connect(&address).await {
                    Ok(stream) => {
                        connection = Some(stream);
                        wait = Duration::from_secs(1);
                    }
                    Err(error) => {
                        tracing::warn!(%error, %address, "cannot reach the syslog collector; trying again");
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(Duration::from_secs(30));
                        continue;
                    }
                }
            }
            if let Some(stream) = connection.as_mut() {
                match stream.write_all(frame.as_bytes()).await {
                    Ok(()) => break,
                    Err(error) => {
                        tracing::warn!(%error, "the syslog connection dropped; sending again");
                        connection = None;
                    }
                }
            }
        }
    }
}

/// This machine's name for the HOSTNAME field, or the nil value.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| {
            !name.is_empty() && name.len() <= 255 && name.bytes().all(|b| b.is_ascii_graphic())
        })
        .unwrap_or_else(|| "-".to_string())
}

/// Escapes an SD-PARAM value (RFC 5424, 6.3.3).
fn param_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(']', "\\]")
}

/// One entry as an RFC 5424 message: notice for refused attempts, informational otherwise;
/// the entry as JSON in MSG (one line: JSON escapes every control character).
pub fn syslog_message(entry: &SealedAuditEntry, host: &str) -> String {
    let severity = if entry.outcome == "refused" { 5 } else { 6 };
    let time = entry
        .occurred_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "-".to_string());
    let json = serde_json::to_string(entry).unwrap_or_default();
    format!(
        "<{}>1 {time} {host} probity {} audit [{SD_ID} id=\"{}\" action=\"{}\" chain_hash=\"{}\"] {json}",
        u16::from(FACILITY) * 8 + severity,
        std::process::id(),
        entry.audit_event_id,
        param_value(&entry.action),
        param_value(&entry.chain_hash),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_name_a_file_or_a_collector() {
        assert_eq!(
            Target::parse("file:///var/log/probity/audit.jsonl"),
            Ok(Target::File("/var/log/probity/audit.jsonl".into()))
        );
        assert_eq!(
            Target::parse("syslog+tcp://logs.example:6514"),
            Ok(Target::SyslogTcp("logs.example:6514".into()))
        );
        assert_eq!(
            Target::parse("syslog+tcp://logs.example"),
            Ok(Target::SyslogTcp("logs.example:601".into()))
        );
        assert!(Target::parse("http://logs.example").is_err());
        assert!(Target::parse("audit.jsonl").is_err());
    }

    #[test]
    fn a_message_has_the_rfc_5424_header_and_the_entry_on_one_line() {
        let entry = SealedAuditEntry {
            audit_event_id: 7,
            occurred_at: time::macros::datetime!(2026-12-02 10:00:00.5 UTC),
            actor_user_id: Some(1),
            actor: "ines".into(),
            action: "case.view".into(),
            case_id: Some(3),
            target: None,
            outcome: "refused".into(),
            remote_addr: Some("192.0.2.1".into()),
            detail: Some("line one\nline two ] \"quoted\"".into()),
            via: None,
            chain_prev: "0".repeat(64),
            chain_hash: "a".repeat(64),
        };
        let message = syslog_message(&entry, "ig-1");
        assert!(
            message.starts_with("<109>1 2026-12-02T10:00:00.5Z ig-1 probity "),
            "{message}"
        );
        assert!(message.contains(" audit [probity@32473 id=\"7\" action=\"case.view\""));
        assert!(!message.contains('\n'));
        let json = &message[message.find("] {").expect("MSG") + 2..];
        let back: serde_json::Value = serde_json::from_str(json).expect("JSON");
        assert_eq!(back["detail"], "line one\nline two ] \"quoted\"");
        assert_eq!(back["chain_hash"], "a".repeat(64));
    }
}
