//! One search over everything the caller may see: the words and filters checked, the
//! search run over the cases the caller's role and team allow (never recused cases,
//! restricted exhibits or their messages), and the search recorded without its words.

use super::cases::{case_viewer, require};
use super::{Caller, OfficeError};
use crate::storage::cases::is_iso_date;
use crate::storage::search::{SearchFilter, SearchGroup};
use crate::storage::{DynStore, Outcome};
use probity_domain::permissions::Action;
use probity_domain::search::{SearchFields, SearchKind, Terms};
use probity_domain::validation::FieldErrors;

/// Hits of each kind on the page of every kind.
pub const PER_KIND: i64 = 5;

/// Hits on a page of one kind.
pub const PAGE_SIZE: i64 = 25;

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// What a search found, or why it did not run.
#[derive(Debug, Default)]
pub struct SearchResults {
    /// Empty when the fields were wrong (then `errors` says why) or nothing was asked.
    pub groups: Vec<SearchGroup>,
    pub errors: FieldErrors,
    /// The words looked for, to mark them in what is shown.
    pub terms: Option<Terms>,
    /// True when the search ran.
    pub searched: bool,
}

/// Checks the fields: the filter to run, or what was wrong.
fn filter(fields: &SearchFields) -> Result<SearchFilter, FieldErrors> {
    let mut errors = FieldErrors::default();
    let terms = if fields.q.chars().count() > MAX_QUERY_CHARS {
        errors.add("q", "Use at most 200 characters.");
        None
    } else {
        let terms = Terms::parse(&fields.q);
        if terms.is_none() {
            errors.add("q", "Enter a word to search for.");
        }
        terms
    };
    let kind = match fields.kind.trim() {
        "" => None,
        value => {
            let kind = SearchKind::parse(value);
            if kind.is_none() {
                errors.add("kind", "Choose a kind from the list.");
            }
            kind
        }
    };
    let case_number = fields.case.trim();
    if case_number.chars().count() > 40 {
        errors.add("case", "Enter a case number such as 2025-000123.");
    }
    let mut day = |field: &'static str, value: &str| {
        let value = value.trim();
        if value.is_empty() {
            None
        } else if is_iso_date(value) {
            Some(value.to_string())
        } else {
            errors.add(field, "Enter a date as YYYY-MM-DD.");
            None
        }
    };
    let from = day("from", &fields.from);
    let until = day("until", &fields.until);
    if let (Some(from), Some(until)) = (&from, &until)
        && from > until
    {
        errors.add("until", "Enter a last day on or after the first day.");
    }
    match terms {
        Some(terms) if errors.is_empty() => Ok(SearchFilter {
            terms,
            kind,
            case_number: Some(case_number.to_string()).filter(|number| !number.is_empty()),
            from,
            until,
        }),
        _ => Err(errors),
    }
}

/// Runs a search for the caller: a few hits of every kind, or with a kind chosen, one page
/// of that kind from `after` (the id the previous page gave). Audited with the kind and how
/// much was found, never the words or the filters' values.
#[tracing::instrument(skip_all)]
pub async fn search(
    store: &DynStore,
    caller: &Caller,
    fields: &SearchFields,
    after: Option<i64>,
) -> Result<SearchResults, OfficeError> {
    let Some(viewer) = case_viewer(&caller.user) else {
        require(store, caller, Action::ReadCase, "search").await?;
        return Err(OfficeError::Forbidden(
            "Your role does not give access to cases.",
        ));
    };
    let filter = match filter(fields) {
        Ok(filter) => filter,
        Err(errors) => {
            return Ok(SearchResults {
                errors,
                ..SearchResults::default()
            });
        }
    };
    let limit = if filter.kind.is_some() {
        PAGE_SIZE
    } else {
        PER_KIND
    };
    let groups = store.search(viewer, &filter, after, limit).await?;
    let shown: usize = groups.iter().map(|group| group.hits.len()).sum();
    let detail = format!(
        "{} shown in {} kinds{}",
        shown,
        groups.len(),
        filter
            .kind
            .map(|kind| format!(", {} only", kind.as_str()))
            .unwrap_or_default()
    );
    store
        .append_audit(caller.audit("search", Outcome::Success).detail(detail))
        .await?;
    Ok(SearchResults {
        groups,
        errors: FieldErrors::default(),
        terms: Some(filter.terms),
        searched: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(q: &str) -> SearchFields {
        SearchFields {
            q: q.into(),
            ..SearchFields::default()
        }
    }

    #[test]
    fn the_fields_are_checked_and_each_wrong_one_says_why() {
        assert!(filter(&fields("booking photo")).is_ok());
        let errors = filter(&fields("  ,, ")).expect_err("no word");
        assert!(errors.get("q").is_some());
        let errors = filter(&fields(&"a".repeat(201))).expect_err("too long");
        assert!(errors.get("q").is_some());
        let wrong = SearchFields {
            q: "photo".into(),
            kind: "secret".into(),
            from: "2025-02-30".into(),
            until: "yesterday".into(),
            ..SearchFields::default()
        };
        let errors = filter(&wrong).expect_err("wrong filters");
        for field in ["kind", "from", "until"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let backwards = SearchFields {
            q: "photo".into(),
            from: "2025-03-01".into(),
            until: "2025-02-01".into(),
            ..SearchFields::default()
        };
        assert!(
            filter(&backwards)
                .expect_err("backwards")
                .get("until")
                .is_some()
        );
    }
}
