//! The API's documentation page, drawn on the server from the OpenAPI description so that
//! it never disagrees with the API and needs no script.

use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;

/// One parameter of an operation.
#[derive(Clone, Debug)]
pub struct ApiParameter {
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    pub required: bool,
    pub description: String,
}

/// One operation.
#[derive(Clone, Debug)]
pub struct ApiOperation {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<ApiParameter>,
    /// The request body's schema name.
    pub request: Option<String>,
    /// `(status, description, schema name)`.
    pub responses: Vec<(String, String, Option<String>)>,
    pub needs_token: bool,
}

/// A group of operations.
#[derive(Clone, Debug)]
pub struct ApiTag {
    pub name: String,
    pub description: String,
    pub operations: Vec<ApiOperation>,
}

/// What the documentation page shows.
#[derive(Clone, Debug)]
pub struct ApiDocs {
    pub title: String,
    pub description: String,
    pub tags: Vec<ApiTag>,
    /// `(name, JSON Schema pretty-printed)`.
    pub schemas: Vec<(String, String)>,
    /// The public address of the server, for the examples.
    pub base_url: String,
}

/// The kinds of problem the API answers with, for the anchors its problem types point to.
const PROBLEMS: &[(&str, &str)] = &[
    (
        "unauthorized",
        "401: no token, an unknown, expired or revoked one, or the account is disabled.",
    ),
    (
        "forbidden",
        "403: you may see this but not do it, or the token may only read.",
    ),
    (
        "not-found",
        "404: no such thing, or one you may not see (the two answer alike).",
    ),
    (
        "bad-request",
        "400: the body or query cannot be read (malformed JSON, wrong types).",
    ),
    ("media-type", "415: send the body as application/json."),
    (
        "stale",
        "409: someone changed it since the version in If-Match; current_version says which is saved.",
    ),
    (
        "invalid",
        "422: some values break a rule; errors lists each field and what to fix.",
    ),
    (
        "if-match-required",
        "428: edits must send the ETag they are based on as If-Match.",
    ),
    (
        "rate-limited",
        "429: this token made too many requests; wait the seconds in Retry-After.",
    ),
    (
        "internal",
        "500: something failed on our side; nothing about it is told, the log has it.",
    ),
];

fn schema_anchor(name: &str) -> String {
    format!("schema-{name}")
}

/// The API documentation page.
#[component]
pub fn ApiDocsPage(ctx: PageContext, docs: ApiDocs) -> impl IntoView {
    let signed_in = ctx.user.is_some();
    let base = docs.base_url.trim_end_matches('/').to_string();
    let example = format!(
        "curl -H \"Authorization: Bearer $PROBITY_TOKEN\" {base}/api/v1/cases\n\
         curl -X POST -H \"Authorization: Bearer $PROBITY_TOKEN\" -H 'Content-Type: application/json' \\\n     \
         -d '{{\"q\": \"custody\"}}' {base}/api/v1/cases/search"
    );
    let toc = docs
        .tags
        .iter()
        .map(|tag| {
            let href = format!("#tag-{}", tag.name);
            view! { <li><a class="usa-link" href=href>{tag.description.clone()}</a></li> }
        })
        .collect_view();
    let tags = docs
        .tags
        .into_iter()
        .map(|tag| {
            let id = format!("tag-{}", tag.name);
            let labelled_by = id.clone();
            let operations = tag.operations.into_iter().map(operation).collect_view();
            view! {
                <section aria-labelledby=labelled_by>
                    <h2 id=id>{tag.description}</h2>
                    {operations}
                </section>
            }
        })
        .collect_view();
    let schemas = docs
        .schemas
        .into_iter()
        .map(|(name, json)| {
            view! {
                <h3 id=schema_anchor(&name)>{name.clone()}</h3>
                <pre class="probity-code" tabindex="0" aria-label=format!("JSON Schema of {name}")>{json}</pre>
            }
        })
        .collect_view();
    let problems = PROBLEMS
        .iter()
        .map(|(slug, text)| {
            view! { <li id=format!("problem-{slug}")><code>{*slug}</code> " — " {*text}</li> }
        })
        .collect_view();
    view! {
        <Shell ctx=ctx title=docs.title.clone()>
            <div class="usa-prose">
                <h1>{docs.title}</h1>
                <p>{docs.description}</p>
                <h2>"Getting started"</h2>
                <ol>
                    <li>
                        {if signed_in {
                            view! { <span>"Create a personal access token on "<a class="usa-link" href="/account#tokens">"your account page"</a>"."</span> }.into_any()
                        } else {
                            view! { <span>"Sign in and create a personal access token on your account page."</span> }.into_any()
                        }}
                        " It is shown once; keep it like a password."
                    </li>
                    <li>"Send it with every request as " <code>"Authorization: Bearer prb_..."</code> "."</li>
                    <li>
                        "The machine-readable description (OpenAPI 3.1) is at "
                        <a class="usa-link" href="/api/v1/openapi.json">"/api/v1/openapi.json"</a> "."
                    </li>
                </ol>
                <pre class="probity-code" tabindex="0" aria-label="Example requests">{example}</pre>
                <nav aria-label="API sections">
                    <ul>{toc}<li><a class="usa-link" href="#problems">"Problems"</a></li><li><a class="usa-link" href="#schemas">"Schemas"</a></li></ul>
                </nav>
            </div>
            {tags}
            <div class="usa-prose">
                <h2 id="problems">"Problems"</h2>
                <p>"Errors are RFC 9457 problem documents (" <code>"application/problem+json"</code> ") whose " <code>"type"</code> " points here."</p>
                <ul>{problems}</ul>
                <h2 id="schemas">"Schemas"</h2>
            </div>
            {schemas}
        </Shell>
    }
}

fn operation(op: ApiOperation) -> impl IntoView {
    let heading = format!("{} {}", op.method, op.path);
    let parameters = (!op.parameters.is_empty()).then(|| {
        let rows = op
            .parameters
            .into_iter()
            .map(|parameter| {
                view! {
                    <tr>
                        <th scope="row"><code>{parameter.name}</code></th>
                        <td>{parameter.location}</td>
                        <td>{if parameter.required { "yes" } else { "no" }}</td>
                        <td>{parameter.description}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="usa-table usa-table--compact usa-table--borderless">
                <caption>"Parameters"</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"In"</th><th scope="col">"Required"</th><th scope="col">"Description"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let request = op.request.map(|name| {
        let href = format!("#{}", schema_anchor(&name));
        view! { <p>"Body: " <a class="usa-link" href=href>{name}</a> " (JSON)"</p> }
    });
    let responses = op
        .responses
        .into_iter()
        .map(|(status, description, schema)| {
            let schema = schema.map(|name| {
                let href = format!("#{}", schema_anchor(&name));
                view! { " — " <a class="usa-link" href=href>{name}</a> }
            });
            view! { <li><strong>{status}</strong> " " {description} {schema}</li> }
        })
        .collect_view();
    view! {
        <div class="usa-prose probity-api-operation">
            <h3><code>{heading}</code></h3>
            <p>{op.summary}</p>
            {(!op.description.is_empty()).then(|| view! { <p>{op.description}</p> })}
            <p class="usa-hint">{if op.needs_token { "Needs a token." } else { "Open to anyone; no token." }}</p>
            {parameters}
            {request}
            <p>"Answers:"</p>
            <ul>{responses}</ul>
        </div>
    }
}
