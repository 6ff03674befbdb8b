//! The one search over everything a person may see: the form (words, kind, case, dates) and
//! the results grouped by kind with their counts, each hit with its surrounding words and
//! the matches marked. Every search travels in a POST body, so words never reach an address.

use crate::forms::{CsrfField, ErrorSummary, SelectField, TextField};
use crate::pages::case_nav::CaseSection;
use crate::pages::cases::case_path;
use crate::pages::evidence::exhibit_path;
use crate::pages::timeline::event_path;
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;
use probity_domain::search::{SearchFields, SearchKind, SnippetPart};
use probity_domain::validation::FieldErrors;

/// One hit as the page shows it.
#[derive(Clone, Debug)]
pub struct HitView {
    pub kind: SearchKind,
    pub case_id: i64,
    pub case_number: String,
    pub case_title: String,
    pub source_id: i64,
    /// Its short name, the matches in it marked.
    pub title: Vec<SnippetPart>,
    /// The words around the match in its text (the beginning when only the name matched).
    pub snippet: Vec<SnippetPart>,
    pub happened_on: String,
}

/// The hits of one kind.
#[derive(Clone, Debug)]
pub struct GroupView {
    pub kind: SearchKind,
    pub count: i64,
    pub more: bool,
    pub hits: Vec<HitView>,
    /// Where its next page starts.
    pub next: Option<i64>,
}

/// What the search page shows.
#[derive(Clone, Debug, Default)]
pub struct SearchView {
    pub form: SearchFields,
    pub errors: FieldErrors,
    pub searched: bool,
    pub groups: Vec<GroupView>,
    /// True when this is a later page of one kind.
    pub paged: bool,
}

/// Where a hit is read in full.
pub fn hit_path(hit: &HitView) -> String {
    match hit.kind {
        SearchKind::Case => case_path(hit.case_id),
        SearchKind::Party | SearchKind::Allegation => CaseSection::Parties.path(hit.case_id),
        SearchKind::Note => format!("{}#notes", case_path(hit.case_id)),
        SearchKind::Exhibit => exhibit_path(hit.case_id, hit.source_id),
        SearchKind::Message => format!("{}/messages/{}", case_path(hit.case_id), hit.source_id),
        SearchKind::Event => event_path(hit.case_id, hit.source_id),
        SearchKind::Finding => CaseSection::Findings.path(hit.case_id),
    }
}

/// The hidden fields that repeat a search (another kind, the next page).
#[component]
fn Repeat(form: SearchFields, #[prop(into)] kind: String) -> impl IntoView {
    view! {
        <input type="hidden" name="q" value=form.q />
        <input type="hidden" name="kind" value=kind />
        <input type="hidden" name="case" value=form.case />
        <input type="hidden" name="from" value=form.from />
        <input type="hidden" name="until" value=form.until />
    }
}

/// A snippet with its matches in `<mark>`.
#[component]
fn Snippet(parts: Vec<SnippetPart>) -> impl IntoView {
    parts
        .into_iter()
        .map(|part| {
            if part.matched {
                view! { <mark>{part.text}</mark> }.into_any()
            } else {
                view! { <span>{part.text}</span> }.into_any()
            }
        })
        .collect_view()
}

/// The search page.
#[component]
pub fn SearchPage(ctx: PageContext, search: SearchView) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let f = search.form.clone();
    let kinds: Vec<(String, String)> = SearchKind::ALL
        .iter()
        .map(|kind| (kind.as_str().to_string(), kind.plural().to_string()))
        .collect();
    let total: i64 = search.groups.iter().map(|group| group.count).sum();
    let one_kind = !search.form.kind.is_empty();
    let summary = search.searched.then(|| {
        let counts = search
            .groups
            .iter()
            .map(|group| {
                let count = if group.more {
                    format!("more than {}", group.count)
                } else {
                    group.count.to_string()
                };
                let anchor = format!("#found-{}", group.kind.as_str());
                view! { <li><a class="usa-link" href=anchor>{group.kind.plural()}": "{count}</a></li> }
            })
            .collect_view();
        view! {
            <p class="probity-search-summary" role="status">
                {match (total, search.groups.len()) {
                    (0, _) => "Nothing found.".to_string(),
                    (_, 1) => "Found in one kind.".to_string(),
                    (_, kinds) => format!("Found in {kinds} kinds."),
                }}
            </p>
            <ul class="usa-list probity-search-counts">{counts}</ul>
        }
    });
    let groups = search
        .groups
        .iter()
        .cloned()
        .map(|group| {
            let heading_id = format!("found-{}", group.kind.as_str());
            let count = if group.more {
                format!("more than {}", group.count)
            } else {
                group.count.to_string()
            };
            let shown = group.hits.len() as i64;
            let all_form = (!one_kind && (shown < group.count || group.more)).then(|| {
                let form = search.form.clone();
                let token = ctx.csrf_token.clone();
                let label = format!("Show all {} {}", count, group.kind.plural().to_lowercase());
                view! {
                    <form method="post" action="/search" class="probity-inline-form">
                        <CsrfField token=token />
                        <Repeat form=form kind=group.kind.as_str() />
                        <button type="submit" class="usa-button usa-button--outline">{label}</button>
                    </form>
                }
            });
            let next_form = group.next.filter(|_| one_kind).map(|after| {
                let form = search.form.clone();
                let token = ctx.csrf_token.clone();
                view! {
                    <form method="post" action="/search" class="probity-inline-form">
                        <CsrfField token=token />
                        <Repeat form=form kind=group.kind.as_str() />
                        <input type="hidden" name="after" value=after.to_string() />
                        <button type="submit" class="usa-button usa-button--outline">"Next page"</button>
                    </form>
                }
            });
            let hits = group
                .hits
                .into_iter()
                .map(|hit| {
                    let href = hit_path(&hit);
                    let case_href = case_path(hit.case_id);
                    let title = if hit.title.is_empty() {
                        view! { <span>{group.kind.singular()}</span> }.into_any()
                    } else {
                        view! { <Snippet parts=hit.title /> }.into_any()
                    };
                    view! {
                        <li class="probity-hit">
                            <p class="probity-hit__title">
                                <a class="usa-link" href=href>{title}</a>
                            </p>
                            <p class="probity-hit__snippet"><Snippet parts=hit.snippet /></p>
                            <p class="probity-hit__meta">
                                <a class="usa-link" href=case_href>{hit.case_number}" "{hit.case_title}</a>
                                " · "{hit.happened_on}
                            </p>
                        </li>
                    }
                })
                .collect_view();
            let labelled_by = heading_id.clone();
            view! {
                <section class="probity-search-group" aria-labelledby=labelled_by>
                    <h2 id=heading_id>{group.kind.plural()}" ("{count}")"</h2>
                    <ol class="usa-list usa-list--unstyled probity-hits">{hits}</ol>
                    <div class="probity-pager">{all_form}{next_form}</div>
                </section>
            }
        })
        .collect_view();
    view! {
        <Shell ctx=ctx title="Search" current="/search">
            <h1>"Search"</h1>
            <p class="usa-intro">
                "One search over the cases you may see: their parties, allegations, notes, exhibits \
                 and the text read from them, messages, timeline events and findings."
            </p>
            <ErrorSummary errors=search.errors.clone() />
            // A POST form, so that names typed into the search never appear in addresses,
            // browser history or logs.
            <form method="post" action="/search" class="usa-form probity-filters" role="search">
                <CsrfField token=token />
                <TextField
                    name="q"
                    label="Words"
                    hint="Every word must appear; the last also finds words it begins."
                    value=f.q
                    maxlength=200
                    error=search.errors.get("q")
                />
                <div class="probity-filter-grid">
                    <SelectField
                        name="kind"
                        label="Kind"
                        options=kinds
                        selected=f.kind
                        empty="Every kind"
                        error=search.errors.get("kind")
                    />
                    <TextField
                        name="case"
                        label="Case number"
                        hint="For example 2025-000123."
                        value=f.case
                        maxlength=40
                        error=search.errors.get("case")
                    />
                    <TextField
                        name="from"
                        label="From"
                        kind="date"
                        value=f.from
                        error=search.errors.get("from")
                    />
                    <TextField
                        name="until"
                        label="Until"
                        kind="date"
                        value=f.until
                        error=search.errors.get("until")
                    />
                </div>
                <button type="submit" class="usa-button">"Search"</button>
                <a class="usa-button usa-button--unstyled probity-reset" href="/search">"Clear"</a>
            </form>
            {summary}
            {groups}
            {search.paged.then(|| view! {
                <p><a class="usa-link" href="/search">"New search"</a></p>
            })}
        </Shell>
    }
}
