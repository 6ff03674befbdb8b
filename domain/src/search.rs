//! One search over everything a person may see: what kinds of thing it finds, how typed
//! words become search terms, and the surrounding words shown with each hit, the matches
//! marked.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What a hit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SearchKind {
    Case,
    Party,
    Allegation,
    Note,
    Exhibit,
    Message,
    Event,
    Finding,
}

impl SearchKind {
    /// Every kind, in the order the results page shows them.
    pub const ALL: [SearchKind; 8] = [
        SearchKind::Case,
        SearchKind::Party,
        SearchKind::Allegation,
        SearchKind::Note,
        SearchKind::Exhibit,
        SearchKind::Message,
        SearchKind::Event,
        SearchKind::Finding,
    ];

    /// The stored and posted name.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Case => "case",
            SearchKind::Party => "party",
            SearchKind::Allegation => "allegation",
            SearchKind::Note => "note",
            SearchKind::Exhibit => "exhibit",
            SearchKind::Message => "message",
            SearchKind::Event => "event",
            SearchKind::Finding => "finding",
        }
    }

    /// Parses a stored or posted name.
    pub fn parse(value: &str) -> Option<SearchKind> {
        SearchKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }

    /// One of them, for a hit with no name of its own (a note).
    pub fn singular(self) -> &'static str {
        match self {
            SearchKind::Case => "Case",
            SearchKind::Party => "Party",
            SearchKind::Allegation => "Allegation",
            SearchKind::Note => "Note",
            SearchKind::Exhibit => "Exhibit",
            SearchKind::Message => "Message",
            SearchKind::Event => "Event",
            SearchKind::Finding => "Finding",
        }
    }

    /// The heading of its group of results.
    pub fn plural(self) -> &'static str {
        match self {
            SearchKind::Case => "Cases",
            SearchKind::Party => "Parties",
            SearchKind::Allegation => "Allegations",
            SearchKind::Note => "Notes",
            SearchKind::Exhibit => "Exhibits and their text",
            SearchKind::Message => "Messages",
            SearchKind::Event => "Timeline events",
            SearchKind::Finding => "Findings",
        }
    }
}

/// The search form as sent (the page's form, the API's query), before validation.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct SearchFields {
    /// The words.
    pub q: String,
    /// One kind ([`SearchKind::as_str`]), or empty for every kind.
    pub kind: String,
    /// One case, by its number, or empty.
    pub case: String,
    /// The first and last day, `YYYY-MM-DD`, or empty.
    pub from: String,
    pub until: String,
}

/// The words of a text as the indexes hold them: runs of letters and digits, lower case.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The longest query, in words; longer ones are cut.
pub const MAX_QUERY_WORDS: usize = 8;

/// The shortest last word of a query that also matches longer words beginning with it.
pub const MIN_PREFIX: usize = 3;

/// What a query looks for: every word, the last also as the beginning of longer words once
/// it is long enough (the word still being typed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terms {
    pub words: Vec<String>,
    pub last_is_prefix: bool,
}

impl Terms {
    /// The terms of a typed query; `None` when it holds no word.
    pub fn parse(text: &str) -> Option<Terms> {
        let mut words = words(text);
        words.truncate(MAX_QUERY_WORDS);
        let last = words.last()?;
        let last_is_prefix = last.chars().count() >= MIN_PREFIX;
        Some(Terms {
            words,
            last_is_prefix,
        })
    }

    /// Whether a word of a text (as [`words`] gives it) is one the query looks for.
    /// Accents are ignored, as the embedded database's index ignores them.
    fn matches(&self, word: &str) -> bool {
        let word = fold(word);
        self.words.iter().enumerate().any(|(i, term)| {
            let term = fold(term);
            word == term
                || (i + 1 == self.words.len() && self.last_is_prefix && word.starts_with(&term))
        })
    }
}

/// A word without its accents, for comparing.
fn fold(word: &str) -> String {
    word.nfkd().filter(|c| !is_combining_mark(*c)).collect()
}

/// A piece of a hit's surrounding words: plain, or a match to mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub matched: bool,
}

/// The words around a hit: up to `width` words of `text` about its first match, the matches
/// marked, "…" where text was left out. Without a match (the hit matched elsewhere, its
/// label), the beginning of the text.
pub fn snippet(text: &str, terms: &Terms, width: usize) -> Vec<SnippetPart> {
    // Words with their byte ranges, so that what is shown is the text as written (its case,
    // punctuation and spacing), not the index's words.
    let mut spans: Vec<(usize, usize, bool)> = Vec::new();
    let mut start = None;
    for (at, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric() && at < text.len(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                let word = text[from..at].to_lowercase();
                spans.push((from, at, terms.matches(&word)));
                start = None;
            }
            _ => {}
        }
    }
    if spans.is_empty() {
        return Vec::new();
    }
    let width = width.max(1);
    let first = spans.iter().position(|span| span.2).unwrap_or(0);
    // A few words of what comes before the match, the rest after it.
    let from = first.saturating_sub(width / 3);
    let to = (from + width).min(spans.len());
    let from = to.saturating_sub(width).min(from);
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut push = |text: &str, matched: bool| {
        if text.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some(last) if last.matched == matched && !matched => last.text.push_str(text),
            _ => parts.push(SnippetPart {
                text: text.to_string(),
                matched,
            }),
        }
    };
    if from > 0 {
        push("… ", false);
    }
    // From the very beginning when nothing is left out before, to the very end likewise.
    let mut at = if from == 0 { 0 } else { spans[from].0 };
    for &(start, end, matched) in &spans[from..to] {
        let between = squash(&text[at..start]);
        push(
            if at == 0 {
                between.trim_start()
            } else {
                &between
            },
            false,
        );
        push(&text[start..end], matched);
        at = end;
    }
    if to < spans.len() {
        push(" …", false);
    } else {
        push(squash(&text[at..]).trim_end(), false);
    }
    parts
}

/// Runs of white space (line breaks, tabs) as one space, so a snippet stays one line; a
/// long run of punctuation between words is cut.
fn squash(between: &str) -> String {
    const MOST: usize = 80;
    let mut out = String::new();
    let mut space = false;
    for (n, c) in between.chars().enumerate() {
        if n == MOST {
            out.push('…');
            break;
        }
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(parts: &[SnippetPart]) -> String {
        parts
            .iter()
            .map(|part| {
                if part.matched {
                    format!("[{}]", part.text)
                } else {
                    part.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn queries_keep_eight_words_and_only_a_long_last_word_is_a_prefix() {
        let terms = Terms::parse("Booking  photo, shared!").expect("words");
        assert_eq!(terms.words, ["booking", "photo", "shared"]);
        assert!(terms.last_is_prefix);
        assert!(!Terms::parse("photo 42").expect("words").last_is_prefix);
        assert_eq!(
            Terms::parse("a b c d e f g h i j")
                .expect("words")
                .words
                .len(),
            8
        );
        assert_eq!(Terms::parse("  <> -- ").map(|t| t.words), None);
    }

    #[test]
    fn a_snippet_marks_every_match_around_the_first_one() {
        let text = "On Tuesday the officer opened the records system and shared the booking \
                    photo with a friend; the friend posted the Photo publicly.";
        let terms = Terms::parse("photo").expect("words");
        let parts = snippet(text, &terms, 8);
        assert_eq!(
            marked(&parts),
            "… the booking [photo] with a friend; the friend …"
        );
        let all = snippet(text, &terms, 100);
        assert_eq!(all.iter().filter(|part| part.matched).count(), 2);
        assert_eq!(
            marked(&all).matches("[Photo]").count(),
            1,
            "case kept as written"
        );
    }

    #[test]
    fn the_last_word_matches_as_a_prefix_and_accents_are_ignored() {
        let terms = Terms::parse("muller shar").expect("words");
        let parts = snippet("Mr. Müller was sharing files", &terms, 10);
        assert_eq!(marked(&parts), "Mr. [Müller] was [sharing] files");
        let short = Terms::parse("sh").expect("words");
        assert!(
            snippet("sharing", &short, 10)
                .iter()
                .all(|part| !part.matched)
        );
    }

    #[test]
    fn hostile_text_is_kept_as_text_and_huge_lines_are_cut() {
        let terms = Terms::parse("script").expect("words");
        let parts = snippet("</textarea><script>alert(1)</script>", &terms, 5);
        // The parts are plain text; the page escapes them. Nothing is dropped or decoded.
        assert_eq!(marked(&parts), "</textarea><[script]>alert(1)</[script]>");
        let huge = "word ".repeat(100_000) + "needle";
        let parts = snippet(&huge, &Terms::parse("needle").expect("words"), 10);
        assert!(marked(&parts).len() < 100, "{}", marked(&parts));
        assert!(marked(&parts).ends_with("[needle]"));
        assert!(snippet("", &terms, 10).is_empty());
        let dots = format!("script{}", "-".repeat(1_000_000));
        assert!(marked(&snippet(&dots, &terms, 10)).len() < 200);
        // Zero-width characters split words, as the indexes split them.
        let split = snippet("pho\u{200b}to", &Terms::parse("photo").expect("words"), 10);
        assert!(split.iter().all(|part| !part.matched));
    }
}
