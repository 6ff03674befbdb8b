//! The secrets of personal access tokens: how one is made, how it is recognised, and what
//! of it is kept.
//!
//! A token is `prb_` followed by 64 hex digits (256 random bits). Only its SHA-256 is
//! stored: with that much randomness nobody can guess a token from its hash, so the slow
//! password hash is not needed and each API request stays cheap.

use sha2::{Digest, Sha256};

/// What every token starts with, so that secret scanners and people recognise one.
pub const TOKEN_PREFIX: &str = "prb_";

/// How many characters of a token are kept in clear to tell tokens apart.
const SHOWN: usize = TOKEN_PREFIX.len() + 8;

/// A new token: the secret (shown once), the part kept in clear, and the stored hash.
pub struct MintedToken {
    pub secret: String,
    pub prefix: String,
    pub hash: String,
}

/// Makes a new token.
pub fn mint() -> MintedToken {
    let secret = format!("{TOKEN_PREFIX}{}", super::random_token());
    MintedToken {
        prefix: secret[..SHOWN].to_string(),
        hash: hash(&secret),
        secret,
    }
}

/// The stored form of a token: hex SHA-256.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether `text` has the shape of a token (checked before any lookup).
pub fn looks_like_token(text: &str) -> bool {
    text.len() == TOKEN_PREFIX.len() + 64
        && text.starts_with(TOKEN_PREFIX)
        && text[TOKEN_PREFIX.len()..]
            .bytes()
            .all(|byte| byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_token_has_its_shape_and_its_hash() {
        let token = mint();
        assert!(looks_like_token(&token.secret));
        assert!(token.secret.starts_with(&token.prefix));
        assert_eq!(token.hash, hash(&token.secret));
        assert_ne!(mint().secret, token.secret);
        assert!(!looks_like_token("prb_xyz"));
        assert!(!looks_like_token(&token.secret.to_uppercase()));
    }
}
