//! Recovery codes: ten single-use codes a person keeps on paper for the day their
//! authenticator is lost. Each holds 80 random bits in Crockford's base32 (16 characters in
//! groups of four), so a plain SHA-256 is a safe way to store it: unlike a password there is
//! nothing to guess from, and a slow hash would make checking ten of them a denial of service.

use sha2::Digest as _;

/// How many codes a person gets.
pub const COUNT: usize = 10;

/// Crockford's base32 alphabet: no I, L, O or U, which people misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new code, as shown: `ABCD-EFGH-JKMN-PQRS`.
pub fn new_code() -> String {
    random_groups(4)
}

/// `groups` groups of four random characters of Crockford's base32 (20 bits each), joined
/// by dashes: what people are asked to copy down.
pub(crate) fn random_groups(groups: usize) -> String {
    let chars: Vec<u8> = (0..groups * 4)
        .map(|_| {
            let mut byte = [0u8; 1];
            getrandom::fill(&mut byte).expect("the operating system's random source failed");
            // 256 is a multiple of 32: the low five bits of a random byte are uniform.
            ALPHABET[usize::from(byte[0] & 31)]
        })
        .collect();
    chars
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed, in its one canonical form: upper case, without spaces or dashes, with
/// the letters people type for digits read as those digits. `None` when it cannot be a code.
pub fn normalise(typed: &str) -> Option<String> {
    canonical(typed, 16)
}

/// [`normalise`] for codes of `len` characters.
pub(crate) fn canonical(typed: &str, len: usize) -> Option<String> {
    let mut out = String::with_capacity(len);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        if out.len() == len {
            return None;
        }
        out.push(c);
    }
    (out.len() == len).then_some(out)
}

/// The stored form of a code: hex SHA-256 of its canonical form.
pub fn hash(canonical: &str) -> String {
    sha2::Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_however_they_are_typed() {
        let code = new_code();
        assert_eq!(code.len(), 19);
        let canonical = normalise(&code).expect("a code");
        assert_eq!(
            normalise(&code.to_lowercase().replace('-', " ")),
            Some(canonical.clone())
        );
        assert_eq!(
            normalise("oooo-iiii-llll-0000"),
            normalise("0000-1111-1111-0000")
        );
        assert_eq!(normalise("ABCD-EFGH"), None);
        assert_eq!(normalise("ABCD-EFGH-JKMN-PQRU"), None);
        assert_eq!(normalise("ÄBCD-EFGH-JKMN-PQRS"), None);
        assert_ne!(new_code(), new_code());
        assert_eq!(hash(&canonical).len(), 64);
    }
}
