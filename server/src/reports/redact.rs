//! Redaction for publication: which strings a public report must not contain, what replaces
//! them, and the scan that finds any that slipped through.
//!
//! Both compare text in its folded form ([`super::fold`]): case, accents, look-alike letters
//! of other scripts, full-width forms, invisible characters, and spacing or punctuation
//! between letters make no difference. Replacement works on whole words: a party's name
//! becomes its pseudonym, a redacted span becomes `[Redacted: reason]`. The scan is stricter
//! than the replacement on purpose: it also looks for each part of a person's name of three
//! letters or more on its own ("Kovacs" when only "Marta Kovacs" was replaced), also when
//! glued to another part of the name, and for patterns of personal data
//! ([`super::personal`]).

use super::fold::{Folded, fold, is_invisible};
use super::personal::Patterns;
use probity_domain::cases::{Party, PartyKind};
use probity_domain::reports::{LeakHit, Redaction};

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
    /// The string in folded form ([`fold`]).
    folded: String,
    /// For a part of a person's name, the other parts of the same name (folded): the part
    /// must stand as a word of its own, or glued to one of these (`ReyesCalder`). Whole
    /// names and redacted spans (`None`) are found anywhere.
    siblings: Option<Vec<String>>,
}

/// The redactions of one case.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// `(folded needle, replacement)`, longest needle first.
    replacements: Vec<(String, String)>,
    terms: Vec<Term>,
    /// The personal-data patterns every public text is checked for.
    patterns: Patterns,
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
                let parts: Vec<String> = words(name)
                    .into_iter()
                    .filter(|part| {
                        part.chars().count() >= 3
                            && !COMMON_WORDS.contains(&part.as_str())
                            && !pseudonym_words.contains(part)
                    })
                    .collect();
                let all_parts: Vec<String> = words(name).iter().map(|part| fold(part)).collect();
                for part in &parts {
                    let folded = fold(part);
                    let siblings = all_parts
                        .iter()
                        .filter(|other| **other != folded && !other.is_empty())
                        .cloned()
                        .collect();
                    redactor.add_term(format!("part of the name of {who}"), folded, Some(siblings));
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

    /// The same redactor withholding the case's complainants too: each name as a person's
    /// name (whole and in parts), each piece of contact details (a line, or a part between
    /// commas or semicolons) as redacted text. A complainant's identity is never in a report
    /// unless they consented to be named (those are left out by the caller).
    pub fn withholding_complainants(mut self, identities: &[(String, String)]) -> Redactor {
        let people: Vec<Party> = identities
            .iter()
            .enumerate()
            .filter(|(_, (name, _))| !name.trim().is_empty())
            .map(|(index, (name, _))| Party {
                party_id: -(i64::try_from(index).unwrap_or(0) + 1),
                case_id: 0,
                kind: PartyKind::Person,
                name: name.clone(),
                party_role: probity_domain::cases::PartyRole::Complainant,
                details: String::new(),
                pseudonym: String::new(),
                senior_employee: false,
                version: 0,
            })
            .collect();
        let named = Redactor::for_case(&people, &[]);
        for term in named.terms {
            let label = term.label.replace("party #-", "complainant ");
            self.add_term(label, term.folded, term.siblings);
        }
        self.replacements.extend(named.replacements);
        for (index, (_, details)) in identities.iter().enumerate() {
            for piece in details.split(['\n', ',', ';']) {
                let piece = piece.trim();
                if piece.chars().count() < 4 {
                    continue;
                }
                self.replace(piece, "[Redacted: complainant's contact details]");
                self.term(
                    format!("contact details of complainant {}", index + 1),
                    piece,
                    false,
                );
            }
        }
        self.replacements
            .sort_by_key(|(needle, _)| std::cmp::Reverse(needle.len()));
        self
    }

    /// The same redactor checking the office's own patterns (booking numbers) as well.
    pub fn with_patterns(mut self, patterns: Patterns) -> Redactor {
        self.patterns = patterns;
        self
    }

    fn replace(&mut self, needle: &str, replacement: &str) {
        let needle = fold(needle);
        if !needle.is_empty() && !self.replacements.iter().any(|(n, _)| *n == needle) {
            self.replacements.push((needle, replacement.to_string()));
        }
    }

    /// Adds a string for the leak check only (tests use it to plant one). A `whole_word`
    /// string must stand as a word of its own.
    pub fn term(&mut self, label: String, text: &str, whole_word: bool) {
        self.add_term(label, fold(text), whole_word.then(Vec::new));
    }

    fn add_term(&mut self, label: String, folded: String, siblings: Option<Vec<String>>) {
        if folded.is_empty() || self.terms.iter().any(|t| t.folded == folded) {
            return;
        }
        self.terms.push(Term {
            label,
            folded,
            siblings,
        });
    }

    /// The strings the leak check looks for.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// `text` with every redacted string replaced. Strings are compared in folded form, so
    /// a variant (other case, accents, look-alike letters, invisible characters, spacing or
    /// hyphens between letters) is replaced too; a match must begin and end on a word
    /// boundary of the text.
    pub fn apply(&self, text: &str) -> String {
        if self.replacements.is_empty() {
            return text.to_string();
        }
        let folded = Folded::new(text);
        let mut out = String::with_capacity(text.len());
        let mut copied = 0; // bytes of `text` already written
        let mut at = 0; // bytes of the folded text already searched
        while at < folded.text.len() {
            let found = self
                .replacements
                .iter()
                .filter(|(needle, _)| folded.text[at..].starts_with(needle.as_str()))
                .find(|(needle, _)| bounded(text, &folded, at, at + needle.len()));
            match found {
                Some((needle, replacement)) => {
                    let (start, end) = folded.source_range(text, at, at + needle.len());
                    out.push_str(&text[copied..start]);
                    out.push_str(replacement);
                    copied = end;
                    at += needle.len();
                    // Skip what remains of the last replaced character's folded form.
                    while at < folded.text.len() && folded.offsets[at] < end {
                        at += 1;
                    }
                }
                None => {
                    at += folded.text[at..].chars().next().map_or(1, char::len_utf8);
                }
            }
        }
        out.push_str(&text[copied..]);
        out
    }

    /// Every redacted string and every pattern of personal data found in `text`, as hits in
    /// `file` at `place`.
    pub fn scan(&self, file: &str, place: &str, text: &str) -> Vec<LeakHit> {
        let folded = Folded::new(text);
        let mut hits = Vec::new();
        for term in &self.terms {
            let mut from = 0;
            while let Some(found) = folded.text[from..].find(&term.folded) {
                let start = from + found;
                let end = start + term.folded.len();
                from = start
                    + folded.text[start..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
                if let Some(siblings) = &term.siblings
                    && !part_stands_alone(text, &folded, start, end, siblings)
                {
                    continue;
                }
                let (begin, finish) = folded.source_range(text, start, end);
                hits.push(LeakHit {
                    file: file.to_string(),
                    place: place.to_string(),
                    term: term.label.clone(),
                    context: masked_context(text, begin, finish),
                    reason: None,
                    release_key: None,
                });
            }
        }
        hits.extend(self.patterns.scan(file, place, text));
        hits
    }
}

/// True when the original characters just before and just after the folded bytes
/// `[start, end)` are not letters or digits (invisible characters do not count).
fn bounded(text: &str, folded: &Folded, start: usize, end: usize) -> bool {
    // A match must begin on the first byte of a character's folded form and end on its last.
    if start > 0 && folded.offsets[start - 1] == folded.offsets[start] {
        return false;
    }
    if end < folded.offsets.len() && folded.offsets[end] == folded.offsets[end - 1] {
        return false;
    }
    let (begin, finish) = folded.source_range(text, start, end);
    let before = text[..begin].chars().rev().find(|c| !is_invisible(*c));
    let after = text[finish..].chars().find(|c| !is_invisible(*c));
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Whether a name part found at the folded bytes `[start, end)` counts: it stands as a word
/// of its own (letters spaced out or hyphenated still count as one word), or is glued to
/// another part of the same name before or after it (`ReyesCalder`, `CalderonReyes`).
fn part_stands_alone(
    text: &str,
    folded: &Folded,
    start: usize,
    end: usize,
    siblings: &[String],
) -> bool {
    if bounded(text, folded, start, end) {
        return true;
    }
    let (begin, finish) = folded.source_range(text, start, end);
    let before = text[..begin].chars().rev().find(|c| !is_invisible(*c));
    let after = text[finish..].chars().find(|c| !is_invisible(*c));
    let left_ok = !before.is_some_and(char::is_alphanumeric)
        || siblings
            .iter()
            .any(|sibling| folded.text[..start].ends_with(sibling.as_str()));
    let right_ok = !after.is_some_and(char::is_alphanumeric)
        || siblings.iter().any(|sibling| {
            // A glued neighbour may be cut short (`Calder` for `Calderón`): its first three
            // letters are enough.
            let head: String = sibling.chars().take(3).collect();
            folded.text[end..].starts_with(head.as_str())
        });
    left_ok && right_ok
}

/// Lower-case words of a name.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && !is_invisible(c))
        .map(|word| {
            word.chars()
                .filter(|c| !is_invisible(*c))
                .collect::<String>()
        })
        .filter(|word| !word.is_empty())
        .map(|word| word.to_lowercase())
        .collect()
}

/// Up to 40 characters either side of the original's bytes `[start, end)`, which are masked.
pub(crate) fn masked_context(text: &str, start: usize, end: usize) -> String {
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
    use probity_domain::cases::PartyRole;
    use probity_domain::reports::RedactionReason;

    fn party(id: i64, kind: PartyKind, name: &str, pseudonym: &str) -> Party {
        Party {
            party_id: id,
            case_id: 1,
            kind,
            name: name.into(),
            party_role: PartyRole::Subject,
            details: String::new(),
            pseudonym: pseudonym.into(),
            senior_employee: false,
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
    fn complainants_are_withheld_like_names_and_their_contact_details_like_redactions() {
        let r = redactor().withholding_complainants(&[(
            "Rosalind Quarrington".into(),
            "rq.reprisal@example.org, 555-0142\nFlat 4, 12 Harbour Lane".into(),
        )]);
        let text = "Rosalind Quarrington (rq.reprisal@example.org) of 12 Harbour Lane said so.";
        let applied = r.apply(text);
        assert!(
            !applied.contains("Quarrington") && !applied.contains("rq.reprisal"),
            "{applied}"
        );
        let hits = r.scan(
            "f",
            "p",
            "as QUARRINGTON wrote from rq.reprisal@example.org",
        );
        let terms: Vec<&str> = hits.iter().map(|h| h.term.as_str()).collect();
        assert!(
            terms.iter().any(|t| t.contains("complainant 1")),
            "{terms:?}"
        );
        assert!(
            terms
                .iter()
                .any(|t| t.contains("contact details of complainant 1")),
            "{terms:?}"
        );
        // A piece of under four characters ("B12") would match everywhere: not a term.
        let short = redactor().withholding_complainants(&[(String::new(), "B12".into())]);
        assert!(!short.terms().iter().any(|t| t.label.contains("contact")));
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
