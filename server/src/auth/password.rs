//! Passwords: the policy (length, common passwords) and argon2id hashing, which runs on the
//! blocking pool so that it never stalls the async workers.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use std::sync::OnceLock;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 12;
/// Most characters a password may have.
pub const MAX_CHARS: usize = 256;

/// Known common passwords of twelve characters or more, lower-cased and sorted bytewise.
static COMMON: &str = include_str!("common_passwords.txt");

/// Why a new password was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyError {
    TooShort,
    TooLong,
    Common,
    SameAsUsername,
}

impl PolicyError {
    /// The message shown next to the password field.
    pub fn message(self) -> String {
        match self {
            PolicyError::TooShort => format!("Use at least {MIN_CHARS} characters."),
            PolicyError::TooLong => format!("Use at most {MAX_CHARS} characters."),
            PolicyError::Common => {
                "This password is on a list of commonly used passwords. Choose another.".to_string()
            }
            PolicyError::SameAsUsername => "Do not use your username as your password.".to_string(),
        }
    }
}

/// Checks a new password against the policy.
pub fn check_policy(password: &str, username: &str) -> Result<(), PolicyError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PolicyError::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PolicyError::TooLong);
    }
    let lower = password.to_lowercase();
    if !username.is_empty()
        && lower.contains(&username.to_lowercase())
        && lower.len() < username.len() + 4
    {
        return Err(PolicyError::SameAsUsername);
    }
    if is_common(&lower) {
        return Err(PolicyError::Common);
    }
    Ok(())
}

/// True when the (lower-cased) password is on the common list.
fn is_common(lower: &str) -> bool {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| COMMON.lines().collect());
    list.binary_search(&lower).is_ok()
}

/// The hasher with the parameters the office's policy sets: argon2id, 19 MiB, 2 passes, 1 lane.
fn hasher() -> Result<Argon2<'static>, argon2::Error> {
    Ok(Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19_456, 2, 1, None)?,
    ))
}

/// Hashing could not be done.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// The blocking pool or the hasher failed.
    #[error("password hashing failed: {0}")]
    Failed(String),
    /// Too many hashes are running or waiting; try again shortly.
    #[error("too many password checks at once")]
    Busy,
}

/// Hashes that may wait for a turn; beyond that, requests are refused at once (503).
const MAX_WAITING: usize = 64;
/// How long a hash may wait for its turn before the request is refused.
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Turns at password hashing for one server: each argon2 run takes 19 MiB and a core, so at
/// most one per core runs at once, whatever the number of parallel sign-ins (200 of them used
/// to take 4 GB); a few dozen more wait, and the rest are refused at once. Each turn reuses
/// one of the gate's working memories: memory allocated afresh for every check stayed with
/// the process (glibc keeps freed blocks of that size in its arenas), so a flood of sign-ins
/// grew it by hundreds of MiB even with two checks at a time.
pub struct HashGate {
    permits: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    max_waiting: usize,
    memories: std::sync::Mutex<Vec<Vec<argon2::Block>>>,
}

/// A turn: the permit and the working memory, given back when dropped.
struct Turn<'a> {
    _permit: tokio::sync::SemaphorePermit<'a>,
    gate: &'a HashGate,
    memory: Option<Vec<argon2::Block>>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let (Some(memory), Ok(mut memories)) = (self.memory.take(), self.gate.memories.lock()) {
            memories.push(memory);
        }
    }
}

impl HashGate {
    /// One turn per core of this machine.
    pub fn for_this_machine() -> HashGate {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        HashGate::new(cores, MAX_WAITING)
    }

    /// `running` hashes at once, `max_waiting` more waiting.
    pub fn new(running: usize, max_waiting: usize) -> HashGate {
        HashGate {
            permits: tokio::sync::Semaphore::new(running.max(1)),
            waiting: std::sync::atomic::AtomicUsize::new(0),
            max_waiting,
            memories: std::sync::Mutex::new(Vec::new()),
        }
    }

    async fn turn(&self) -> Result<Turn<'_>, HashError> {
        use std::sync::atomic::Ordering;
        let permit = match self.permits.try_acquire() {
            Ok(permit) => permit,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(HashError::Busy);
                }
                let waited = tokio::time::timeout(MAX_WAIT, self.permits.acquire()).await;
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                match waited {
                    Ok(Ok(permit)) => permit,
                    _ => return Err(HashError::Busy),
                }
            }
        };
        let memory = self
            .memories
            .lock()
            .ok()
            .and_then(|mut memories| memories.pop())
            .unwrap_or_else(|| vec![argon2::Block::default(); MEMORY_BLOCKS]);
        Ok(Turn {
            _permit: permit,
            gate: self,
            memory: Some(memory),
        })
    }

    /// [`hash`], in turn.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let _turn = self.turn().await?;
        hash(password).await
    }

    /// [`verify`], in turn, in the turn's working memory.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        let mut turn = self.turn().await?;
        let mut memory = turn.memory.take().unwrap_or_default();
        let (matched, memory) = tokio::task::spawn_blocking(move || {
            let matched = match stored {
                Some(hash) => verify_in(&mut memory, password.as_bytes(), &hash),
                None => {
                    let _ = verify_in(&mut memory, password.as_bytes(), dummy_hash());
                    false
                }
            };
            (matched, memory)
        })
        .await
        .map_err(|error| HashError::Failed(error.to_string()))?;
        turn.memory = Some(memory);
        Ok(matched)
    }
}

/// The working memory of one check with the office's parameters, in 1 KiB blocks.
const MEMORY_BLOCKS: usize = 19_456;

/// Checks `password` against a PHC string, computing in `memory` when it is large enough for
/// the string's parameters (a hash made with other parameters gets memory of its own).
fn verify_in(memory: &mut [argon2::Block], password: &[u8], stored: &str) -> bool {
    use argon2::password_hash::phc::PasswordHash;
    use subtle::ConstantTimeEq as _;
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let blocks = params.block_count();
    let hasher = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    let computed = if blocks <= memory.len() {
        hasher.hash_password_into_with_memory(
            password,
            salt.as_ref(),
            &mut out,
            &mut memory[..blocks],
        )
    } else {
        hasher.hash_password_into(password, salt.as_ref(), &mut out)
    };
    computed.is_ok() && bool::from(out.ct_eq(expected.as_bytes()))
}

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || {
        let hasher = hasher().map_err(|error| HashError::Failed(error.to_string()))?;
        hasher
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|error| HashError::Failed(error.to_string()))
    })
    .await
    .map_err(|error| HashError::Failed(error.to_string()))?
}

/// Checks a password against a stored hash. With no hash (unknown user) it checks against a
/// dummy hash, so that an unknown user and a wrong password take the same time. Request
/// handlers go through a [`HashGate`].
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let Ok(hasher) = hasher() else {
            return false;
        };
        match stored {
            Some(hash) => hasher
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok(),
            None => {
                let _ = hasher.verify_password(password.as_bytes(), dummy_hash());
                false
            }
        }
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random string with the same parameters, made once.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hasher()
            .and_then(|hasher| {
                hasher
                    .hash_password(super::random_token().as_bytes())
                    .map(|hash| hash.to_string())
                    .map_err(|_| argon2::Error::OutOfMemory)
            })
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_list_is_sorted_for_binary_search() {
        let lines: Vec<&str> = COMMON.lines().collect();
        assert!(lines.len() > 40_000);
        assert!(lines.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn policy_refuses_short_long_common_and_username() {
        assert_eq!(check_policy("short", "x"), Err(PolicyError::TooShort));
        assert_eq!(
            check_policy(&"a".repeat(257), "x"),
            Err(PolicyError::TooLong)
        );
        assert!(check_policy(&"é".repeat(128), "x").is_ok());
        assert_eq!(check_policy("Qwerty123456", "x"), Err(PolicyError::Common));
        assert_eq!(check_policy("1qaz2wsx3edc", "x"), Err(PolicyError::Common));
        assert_eq!(
            check_policy("jdoe.smith12!", "jdoe.smith12"),
            Err(PolicyError::SameAsUsername)
        );
        assert!(check_policy("correct horse battery staple", "jdoe").is_ok());
    }

    #[tokio::test]
    async fn hash_and_verify() {
        let stored = hash("a long enough passphrase".into()).await.expect("hash");
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("a long enough passphrase".into(), Some(stored.clone())).await);
        assert!(!verify("a wrong passphrase here".into(), Some(stored.clone())).await);
        assert!(!verify("anything at all here".into(), None).await);
        // The gate's check, in its reused memory, agrees.
        let gate = HashGate::new(1, 1);
        for _ in 0..2 {
            assert!(
                gate.verify("a long enough passphrase".into(), Some(stored.clone()))
                    .await
                    .expect("turn")
            );
            assert!(
                !gate
                    .verify("a wrong passphrase here".into(), Some(stored.clone()))
                    .await
                    .expect("turn")
            );
            assert!(!gate.verify("x".into(), None).await.expect("turn"));
            assert!(
                !gate
                    .verify("x".into(), Some("not a hash".into()))
                    .await
                    .expect("turn")
            );
        }
        // A hash with other parameters (more memory) is still checked.
        let other = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(32_768, 1, 1, None).expect("params"),
        )
        .hash_password(b"another passphrase here")
        .expect("hash")
        .to_string();
        assert!(
            gate.verify("another passphrase here".into(), Some(other))
                .await
                .expect("turn")
        );
    }

    #[tokio::test]
    async fn the_gate_lets_some_wait_and_refuses_the_rest() {
        let gate = std::sync::Arc::new(HashGate::new(1, 1));
        let first = gate.turn().await.expect("a free turn");
        let waiting = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.turn().await.map(|_| ()) })
        };
        while gate.waiting.load(std::sync::atomic::Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        assert!(
            matches!(gate.turn().await, Err(HashError::Busy)),
            "no room to wait"
        );
        drop(first);
        assert!(
            waiting.await.expect("task").is_ok(),
            "the one waiting gets its turn"
        );
    }
}
