//! Signed checkpoints of the chain heads. A hash chain shows any change made to some of its
//! entries, but someone able to rewrite the whole database could also rewrite the whole
//! chain. A checkpoint (each chain's last entry and its hash, signed with an Ed25519 key kept
//! outside the database and its backups) that an auditor stores elsewhere proves later that
//! nothing up to those entries changed: `probity verify --against FILE` finds each entry the
//! checkpoint names with the hash it had.

use crate::storage::DynStore;
use crate::storage::chains::Chain;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::path::Path;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The checkpoint format's name and version.
pub const FORMAT: &str = "probity-checkpoint-1";

/// Why a checkpoint could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The key file could not be read or written.
    #[error("the checkpoint key {path}: {source}")]
    KeyFile {
        path: String,
        source: std::io::Error,
    },
    /// The key file does not hold a key.
    #[error("the checkpoint key {0} does not hold an Ed25519 key (64 hexadecimal digits)")]
    BadKey(String),
    /// The checkpoint file is not a checkpoint.
    #[error("not a Probity checkpoint: {0}")]
    BadCheckpoint(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] crate::storage::StoreError),
}

/// One chain's head as the checkpoint saw it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct HeadMark {
    /// `audit` or `custody`.
    pub chain: String,
    /// The chain's last entry.
    pub entry_id: i64,
    /// That entry's hash.
    pub hash: String,
}

/// A signed checkpoint, as written to its file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Checkpoint {
    pub format: String,
    /// When it was made (UTC, RFC 3339).
    pub made_at: String,
    pub heads: Vec<HeadMark>,
    /// The signer's public key, in hex.
    pub public_key: String,
    /// The Ed25519 signature of the fields above, in hex.
    pub signature: String,
}

impl Checkpoint {
    /// The bytes signed: the other fields as one JSON array, so that no two checkpoints
    /// sign alike.
    fn signed_bytes(&self) -> Vec<u8> {
        serde_json::json!([self.format, self.made_at, self.heads, self.public_key])
            .to_string()
            .into_bytes()
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.trim();
    if text.len() != N * 2 || !text.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; N];
    for (at, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[at * 2..at * 2 + 2], 16).ok()?;
    }
    Some(bytes)
}

/// Reads the signing key at `path`, creating it (readable by its owner only) when missing.
pub fn load_or_create_key(path: &Path) -> Result<SigningKey, CheckpointError> {
    let shown = path.display().to_string();
    let failed = |source| CheckpointError::KeyFile {
        path: shown.clone(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => from_hex::<32>(&text)
            .map(|seed| SigningKey::from_bytes(&seed))
            .ok_or_else(|| CheckpointError::BadKey(shown.clone())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed)
                .map_err(|error| failed(std::io::Error::other(error.to_string())))?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt as _;
                options.mode(0o600);
            }
            let mut file = options.open(path).map_err(failed)?;
            std::io::Write::write_all(&mut file, format!("{}\n", to_hex(&seed)).as_bytes())
                .map_err(failed)?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(error) => Err(failed(error)),
    }
}

/// The public key of a signing key, in hex, as checkpoints name it.
pub fn public_key(key: &SigningKey) -> String {
    to_hex(key.verifying_key().as_bytes())
}

/// Signs the chain heads as they are now.
#[tracing::instrument(skip_all)]
pub async fn make(store: &DynStore, key: &SigningKey) -> Result<Checkpoint, CheckpointError> {
    let heads = store
        .chain_heads()
        .await?
        .into_iter()
        .map(|(chain, entry_id, hash)| HeadMark {
            chain: chain.as_str().to_string(),
            entry_id,
            hash,
        })
        .collect();
    let made_at = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .map_err(|error| CheckpointError::BadCheckpoint(error.to_string()))?;
    let mut checkpoint = Checkpoint {
        format: FORMAT.to_string(),
        made_at,
        heads,
        public_key: public_key(key),
        signature: String::new(),
    };
    checkpoint.signature = to_hex(&key.sign(&checkpoint.signed_bytes()).to_bytes());
    Ok(checkpoint)
}

/// Reads a checkpoint file's text.
pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
    let checkpoint: Checkpoint = serde_json::from_str(text)
        .map_err(|error| CheckpointError::BadCheckpoint(error.to_string()))?;
    if checkpoint.format != FORMAT {
        return Err(CheckpointError::BadCheckpoint(format!(
            "format {:?}, expected {FORMAT:?}",
            checkpoint.format
        )));
    }
    Ok(checkpoint)
}

/// Checks a checkpoint against the database: its signature (by `trusted` when given, the
/// office's own key), then each entry it names, which must still be there with the same
/// hash. Returns the problems, one line each.
#[tracing::instrument(skip_all)]
pub async fn check_against(
    store: &DynStore,
    checkpoint: &Checkpoint,
    trusted: Option<&VerifyingKey>,
) -> Result<Vec<String>, CheckpointError> {
    let mut problems = Vec::new();
    let of = format!("checkpoint of {}", checkpoint.made_at);
    let signer = from_hex::<32>(&checkpoint.public_key)
        .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok());
    let signature =
        from_hex::<64>(&checkpoint.signature).map(|bytes| Signature::from_bytes(&bytes));
    match (signer, signature) {
        (Some(signer), Some(signature)) => {
            if trusted.is_some_and(|trusted| *trusted != signer) {
                problems.push(format!(
                    "{of}: signed with another key: expected {}, found {}",
                    trusted
                        .map(|key| to_hex(key.as_bytes()))
                        .unwrap_or_default(),
                    checkpoint.public_key
                ));
            }
            if signer
                .verify(&checkpoint.signed_bytes(), &signature)
                .is_err()
            {
                problems.push(format!(
                    "{of}: the signature does not match its content (the file was changed)"
                ));
            }
        }
        _ => problems.push(format!("{of}: no valid public key or signature")),
    }
    for mark in &checkpoint.heads {
        let Some(chain) = Chain::parse(&mark.chain) else {
            problems.push(format!("{of}: unknown chain {:?}", mark.chain));
            continue;
        };
        if mark.entry_id == 0 {
            // The chain was empty then.
            continue;
        }
        match store.chain_entry_hash(chain, mark.entry_id).await? {
            Some(Some(hash)) if hash == mark.hash => {}
            Some(found) => problems.push(format!(
                "{of}: {} entry {}: expected {}, found {}",
                chain.label(),
                mark.entry_id,
                mark.hash,
                found.as_deref().unwrap_or("no hash")
            )),
            None => problems.push(format!(
                "{of}: {} entry {}: expected {}, found no such entry",
                chain.label(),
                mark.entry_id,
                mark.hash
            )),
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_checkpoint_verifies_and_any_change_breaks_its_signature() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let mut checkpoint = Checkpoint {
            format: FORMAT.into(),
            made_at: "2026-12-01T10:00:00Z".into(),
            heads: vec![HeadMark {
                chain: "audit".into(),
                entry_id: 12,
                hash: "ab".repeat(32),
            }],
            public_key: public_key(&key),
            signature: String::new(),
        };
        checkpoint.signature = to_hex(&key.sign(&checkpoint.signed_bytes()).to_bytes());
        let signer =
            VerifyingKey::from_bytes(&from_hex::<32>(&checkpoint.public_key).expect("hex"))
                .expect("key");
        let signature = Signature::from_bytes(&from_hex::<64>(&checkpoint.signature).expect("hex"));
        assert!(
            signer
                .verify(&checkpoint.signed_bytes(), &signature)
                .is_ok()
        );
        checkpoint.heads[0].entry_id = 11;
        assert!(
            signer
                .verify(&checkpoint.signed_bytes(), &signature)
                .is_err()
        );
        assert_eq!(from_hex::<2>("0aFf"), Some([0x0a, 0xff]));
        assert_eq!(from_hex::<2>("0g00"), None);
        assert_eq!(from_hex::<2>("é0"), None);
    }
}
