//! The folded form in which redaction and the leak check compare text.
//!
//! A name must be found however it is written: `Pétrakis`, `PETRAKIS`, `Ｐｅｔｒａｋｉｓ`
//! (full-width), `Рetrakis` (a Cyrillic `Р`), `Pet\u{00AD}rakis` (a soft hyphen),
//! `Pet-rakis` or `P e t r a k i s`. Each character of the text goes through, in order:
//! compatibility decomposition (NFKD, which also splits accented letters), removal of
//! combining marks (the accents) and of format characters (Unicode `Cf`: soft hyphen,
//! zero-width space and joiners, bidirectional controls), lower-casing (with `ß` as `ss`), the
//! Unicode confusables skeleton of UTS #39 (from the `unicode-security` crate: `Р` becomes
//! `p`, `0` becomes `o`), lower-casing again; only letters and digits are kept, so spacing
//! and punctuation between letters do not count.
//!
//! The folded text keeps, for each of its bytes, the byte offset of the character of the
//! original it came from, so a match can be masked or replaced in the original. Offsets are
//! always character boundaries of the original; nothing here slices text at any other offset.

use std::sync::OnceLock;
use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

/// A text in folded form with, for each byte of it, where in the original it came from.
#[derive(Clone, Debug, Default)]
pub struct Folded {
    /// Letters and digits only, folded.
    pub text: String,
    /// For each byte of `text`, the byte offset of its source character in the original.
    pub offsets: Vec<usize>,
}

impl Folded {
    /// Folds `original`.
    pub fn new(original: &str) -> Folded {
        let mut folded = Folded {
            text: String::with_capacity(original.len()),
            offsets: Vec::with_capacity(original.len()),
        };
        let mut scratch = String::new();
        for (offset, c) in original.char_indices() {
            scratch.clear();
            fold_char(c, &mut scratch);
            folded.text.push_str(&scratch);
            folded
                .offsets
                .extend(std::iter::repeat_n(offset, scratch.len()));
        }
        folded
    }

    /// The original's byte range `[start, end)` covered by the folded bytes `[from, to)`:
    /// from the first source character to the end of the last one.
    pub fn source_range(&self, original: &str, from: usize, to: usize) -> (usize, usize) {
        let start = self.offsets[from];
        let last = self.offsets[to - 1];
        let end = last + original[last..].chars().next().map_or(0, char::len_utf8);
        (start, end)
    }
}

/// `text` folded, without offsets (for the strings searched for).
pub fn fold(text: &str) -> String {
    Folded::new(text).text
}

/// True for characters that are dropped without separating words: format characters
/// (zero-width, soft hyphen, bidirectional controls) and combining marks.
pub fn is_invisible(c: char) -> bool {
    is_combining_mark(c) || get_general_category(c) == GeneralCategory::Format
}

/// Appends the folded form of one character.
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push_str(ascii_table()[c as usize]);
        return;
    }
    for decomposed in std::iter::once(c).nfkd() {
        if is_invisible(decomposed) {
            continue;
        }
        for lower in decomposed.to_lowercase() {
            if lower == 'ß' {
                out.push_str("ss");
                continue;
            }
            let mut buffer = [0u8; 4];
            for prototype in unicode_security::skeleton(lower.encode_utf8(&mut buffer)) {
                for folded in prototype.to_lowercase() {
                    if folded.is_alphanumeric() && !is_invisible(folded) {
                        out.push(folded);
                    }
                }
            }
        }
    }
}

/// The folded form of every ASCII character, computed once: most text is ASCII, and the
/// skeleton maps some ASCII too (`0` to `o`, `1` to `l`, `m` to `rn`).
fn ascii_table() -> &'static [&'static str; 128] {
    static TABLE: OnceLock<[&'static str; 128]> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|code| {
            let c = char::from(code as u8);
            let mut out = String::new();
            if c.is_ascii_alphanumeric() {
                let lower = c.to_ascii_lowercase();
                let mut buffer = [0u8; 4];
                for prototype in unicode_security::skeleton(lower.encode_utf8(&mut buffer)) {
                    for folded in prototype.to_lowercase() {
                        if folded.is_alphanumeric() {
                            out.push(folded);
                        }
                    }
                }
            }
            &*Box::leak(out.into_boxed_str())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_a_name_fold_alike() {
        let plain = fold("Petrakis");
        for variant in [
            "PETRAKIS",
            "Pétrakis",
            "Pe\u{0301}trakis",
            "Pet\u{00AD}rakis",
            "Pe\u{200D}trakis",
            "Pe\u{200B}tr\u{2060}akis",
            "\u{0420}etrakis",
            "Ｐｅｔｒａｋｉｓ",
            "Pet-rakis",
            "P e t r a k i s",
            "P\u{202E}etrakis",
        ] {
            assert_eq!(fold(variant), plain, "{variant:?}");
        }
        assert_eq!(fold("Straße"), fold("Strasse"));
        assert_eq!(fold("K0vacs"), fold("Kovacs"));
        assert_ne!(fold("Petrakos"), plain);
    }

    #[test]
    fn offsets_point_at_the_original_characters() {
        let original = "é Ｐx";
        let folded = Folded::new(original);
        assert_eq!(folded.text.len(), folded.offsets.len());
        let (start, end) = folded.source_range(original, 1, folded.text.len());
        assert_eq!(&original[start..end], "Ｐx");
        for offset in folded.offsets {
            assert!(original.is_char_boundary(offset));
        }
    }
}
