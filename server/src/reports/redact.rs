//! Redaction for publication: which strings a public report must not contain, what replaces
//! them, and the scan that finds any that slipped through.
//!
//! Replacement works on whole words and ignores case: a party's name becomes its pseudonym, a
//! redacted span becomes `[Redacted: reason]`. The scan is stricter than the replacement on
//! purpose: it also looks for each part of a person's name on its own ("Kovacs" when only
//! "Marta Kovacs" was replaced) and compares letters and digits only, so a name broken across
//! lines or spaced out in a PDF is still found.

use probity_app::cases::{Party, PartyKind};
use probity_app::reports::{LeakHit, Redaction};

/// Words that are part of many names and titles but identify nobody.
const COMMON_WORDS: [&str; 24] = [
    "the",
    "and",
    "of",
    "for",
    "mr",
    "mrs",
    "ms",
    "dr",
    "officer",
    "sergeant",
    "sgt",
    "lieutenant",
    "captain",
    "detective",
    "inspector",
    "deputy",
    "warden",
    "agent",
    "department",
    "office",
    "unit",
    "division",
    "team",
    "staff",
];

/// A string the public version must not contain.
#[derive(Clone, Debug)]
pub struct Term {
    /// How the leak report names it, without the string itself.
    pub label: String,
    /// Lower-case letters and digits only.
    normalized: String,
    /// Match as a whole word of the text (name parts) rather than anywhere.
    whole_word: bool,
}

/// The redactions of one case.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// `(needle, replacement)`, longest needle first.
    replacements: Vec<(Vec<char>, String)>,
    terms: Vec<Term>,
}

impl Redactor {
    /// The redactions for a case: every person's name (and every organisation's that has a
    /// pseudonym) and every redacted span.
    pub fn for_case(parties: &[Party], redactions: &[Redaction]) -> Redactor {
        let mut redactor = Redactor::default();
        let pseudonym_words: Vec<String> = parties
            .iter()
            .flat_map(|party| words(&party.pseudonym))
            .collect();
        for party in parties {
            let name = party.name.trim();
            if name.is_empty() {
                continue;
            }
            let pseudonym = party.pseudonym.trim();
            if party.kind == PartyKind::Organisation && pseudonym.is_empty() {
                continue;
            }
            let shown = if pseudonym.is_empty() {
                "[Redacted: personal data]".to_string()
            } else {
                pseudonym.to_string()
            };
            let who = if pseudonym.is_empty() {
                format!("party #{}", party.party_id)
            } else {
                format!("\"{pseudonym}\"")
            };
            redactor.replace(name, &shown);
            redactor.term(format!("name of {who}"), name, false);
            if party.kind == PartyKind::Person {
                for part in words(name) {
                    if part.chars().count() >= 3
                        && !COMMON_WORDS.contains(&part.as_str())
                        && !pseudonym_words.contains(&part)
                    {
                        redactor.term(format!("part of the name of {who}"), &part, true);
                    }
                }
            }
        }
        for redaction in redactions {
            let text = redaction.text.trim();
            if text.is_empty() {
                continue;
            }
            redactor.replace(text, &format!("[Redacted: {}]", redaction.reason.label()));
            redactor.term(
                format!(
                    "redacted text #{} ({})",
                    redaction.redaction_id,
                    redaction.reason.label()
                ),
                text,
                false,
            );
        }
        redactor
            .replacements
            .sort_by_key(|(needle, _)| std::cmp::Reverse(needle.len()));
        redactor
    }

    fn replace(&mut self, needle: &str, replacement: &str) {
        let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
        if !needle.is_empty() && !self.replacements.iter().any(|(n, _)| *n == needle) {
            self.replacements.push((needle, replacement.to_string()));
        }
    }

    /// Adds a string for the leak check only (tests use it to plant one).
    pub fn term(&mut self, label: String, text: &str, whole_word: bool) {
        let normalized = normalize(text).0;
        if normalized.is_empty() || self.terms.iter().any(|t| t.normalized == normalized) {
            return;
        }
        self.terms.push(Term {
            label,
            normalized,
            whole_word,
        });
    }

    /// The strings the leak check looks for.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// `text` with every redacted string replaced, matched as whole words ignoring case.
    pub fn apply(&self, text: &str) -> String {
        if self.replacements.is_empty() {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let lower: Vec<char> = chars
            .iter()
            .map(|c| c.to_lowercase().next().unwrap_or(*c))
            .collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        'outer: while i < chars.len() {
            let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
            if starts_word {
                for (needle, replacement) in &self.replacements {
                    let end = i + needle.len();
                    if end <= lower.len()
                        && lower[i..end] == needle[..]
                        && (end == chars.len() || !chars[end].is_alphanumeric())
                    {
                        out.push_str(replacement);
                        i = end;
                        continue 'outer;
                    }
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        out
    }

    /// Every redacted string found in `text`, as hits in `file` at `place`.
    pub fn scan(&self, file: &str, place: &str, text: &str) -> Vec<LeakHit> {
        let (normalized, positions) = normalize(text);
        let mut hits = Vec::new();
        for term in &self.terms {
            let mut from = 0;
            while let Some(found) = normalized[from..].find(&term.normalized) {
                let start = from + found;
                let end = start + term.normalized.len();
                from = end;
                if term.whole_word {
                    let begin = positions[start];
                    let finish = positions[end - 1];
                    let before = text[..begin].chars().next_back();
                    let after = text[finish..].chars().nth(1);
                    if before.is_some_and(char::is_alphanumeric)
                        || after.is_some_and(char::is_alphanumeric)
                        || !same_word(text, begin, finish)
                    {
                        continue;
                    }
                }
                hits.push(LeakHit {
                    file: file.to_string(),
                    place: place.to_string(),
                    term: term.label.clone(),
                    context: masked_context(text, positions[start], positions[end - 1]),
                });
            }
        }
        hits
    }
}

/// True when no space or punctuation lies between two byte offsets (a name part must be one
/// word of the text, not letters gathered across words).
fn same_word(text: &str, begin: usize, last: usize) -> bool {
    text[begin..]
        .char_indices()
        .take_while(|(offset, _)| begin + offset <= last)
        .all(|(_, c)| c.is_alphanumeric())
}

/// Lower-case letters and digits of `text`, with the byte offset of each in `text`.
fn normalize(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut positions = Vec::with_capacity(text.len());
    for (offset, c) in text.char_indices() {
        if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                let before = out.len();
                out.push(lower);
                for _ in before..out.len() {
                    positions.push(offset);
                }
            }
        }
    }
    (out, positions)
}

/// Lower-case words of a name.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Up to 40 characters either side, the found string masked.
fn masked_context(text: &str, start: usize, last: usize) -> String {
    let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
    let before: String = text[..start]
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[end..].chars().take(40).collect();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("…{} ███ {}…", squash(&before), squash(&after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use probity_app::cases::PartyRole;
    use probity_app::reports::RedactionReason;

    fn party(id: i64, kind: PartyKind, name: &str, pseudonym: &str) -> Party {
        Party {
            party_id: id,
            case_id: 1,
            kind,
            name: name.into(),
            party_role: PartyRole::Subject,
            details: String::new(),
            pseudonym: pseudonym.into(),
            version: 1,
        }
    }

    fn redactor() -> Redactor {
        Redactor::for_case(
            &[
                party(1, PartyKind::Person, "Marta Kovacs", "Officer A"),
                party(2, PartyKind::Person, "Ann Lee", ""),
                party(3, PartyKind::Organisation, "Department of Correction", ""),
            ],
            &[Redaction {
                redaction_id: 7,
                text: "cell block 4".into(),
                reason: RedactionReason::Security,
                created_by_name: "x".into(),
            }],
        )
    }

    #[test]
    fn names_and_spans_are_replaced_as_whole_words() {
        let r = redactor();
        assert_eq!(
            r.apply("MARTA KOVACS met Ann Lee in Cell Block 4; Annex stays."),
            "Officer A met [Redacted: personal data] in [Redacted: Security of a facility or system]; Annex stays."
        );
        // Organisations without a pseudonym are public.
        assert_eq!(
            r.apply("Department of Correction"),
            "Department of Correction"
        );
    }

    #[test]
    fn the_scan_finds_names_split_spaced_and_in_parts() {
        let r = redactor();
        assert_eq!(r.scan("f", "p", "Officer A met the warden.").len(), 0);
        let hits = r.scan("f", "p", "as Marta\nKo-vacs said");
        assert!(
            hits.iter().any(|h| h.term == "name of \"Officer A\""),
            "{hits:?}"
        );
        let hits = r.scan("f", "p", "then Kovacs left");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].term, "part of the name of \"Officer A\"");
        assert!(
            hits[0].context.contains("then ███ left"),
            "{}",
            hits[0].context
        );
        assert!(!hits[0].context.contains("Kovacs"));
        // A name part inside a longer word is not a hit; a span is found anywhere.
        assert_eq!(r.scan("f", "p", "Kovacsville").len(), 0);
        assert_eq!(r.scan("f", "p", "cellblock4").len(), 1);
    }
}
