//! A complaint's receipt code: what an anonymous complainant keeps to come back. Five groups
//! of four characters of Crockford's base32 (`K7QD-M9XD-4HJT-PW3B-2NFA`): the first group
//! (20 bits) is kept in clear to find the complaint, the whole code only as an argon2 hash,
//! so the part that is never stored in clear holds 80 random bits. Guessing one means
//! trying 2^80 codes through a throttled, argon2-paced form.

use super::recovery::{canonical, random_groups};

/// Groups of a receipt code.
const GROUPS: usize = 5;

/// A new receipt code.
#[derive(Clone, Debug)]
pub struct Receipt {
    /// As shown to the complainant, with dashes.
    pub shown: String,
    /// Its first group: stored in clear to find the complaint.
    pub lookup: String,
    /// The canonical form that is hashed.
    pub canonical: String,
}

/// A code as typed, once read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedReceipt {
    pub lookup: String,
    pub canonical: String,
}

/// Draws a new receipt code.
pub fn new_receipt() -> Receipt {
    let shown = random_groups(GROUPS);
    let canonical = shown.replace('-', "");
    Receipt {
        lookup: canonical[..4].to_string(),
        canonical,
        shown,
    }
}

/// Reads a code as typed (any case, with or without dashes and spaces, O for 0 and I or L
/// for 1); `None` when it cannot be a receipt code.
pub fn read(typed: &str) -> Option<TypedReceipt> {
    if typed.len() > 100 {
        return None;
    }
    let canonical = canonical(typed, GROUPS * 4)?;
    Some(TypedReceipt {
        lookup: canonical[..4].to_string(),
        canonical,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_reads_back_however_it_is_typed() {
        let receipt = new_receipt();
        assert_eq!(receipt.shown.len(), 24);
        assert_eq!(receipt.shown.matches('-').count(), 4);
        let typed = read(&receipt.shown.to_lowercase().replace('-', "  ")).expect("a code");
        assert_eq!(typed.canonical, receipt.canonical);
        assert_eq!(typed.lookup, receipt.lookup);
        assert_eq!(read("ABCD-EFGH-JKMN-PQRS"), None);
        assert_eq!(read("ABCD-EFGH-JKMN-PQRS-TVWX-YZ01"), None);
        assert_eq!(read("ABCD-EFGH-JKMN-PQRS-TVW\u{200b}X"), None);
        assert_ne!(new_receipt().canonical, new_receipt().canonical);
    }
}
