//! The OpenAPI description as JSON, and the documentation page drawn from it.

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::pages::{render, viewer_context};
use crate::http::viewer::Viewer;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use probity_app::pages::api_docs::{ApiDocs, ApiDocsPage, ApiOperation, ApiParameter, ApiTag};
use serde_json::Value;
use std::sync::{Arc, OnceLock};

/// The description, serialised once.
static DESCRIPTION: OnceLock<Arc<Value>> = OnceLock::new();

/// Keeps the description built with the router, for the two handlers here.
pub fn keep(openapi: &utoipa::openapi::OpenApi) {
    let value = serde_json::to_value(openapi).unwrap_or(Value::Null);
    let _ = DESCRIPTION.set(Arc::new(value));
}

fn description() -> Arc<Value> {
    DESCRIPTION
        .get_or_init(|| {
            let (_, openapi) = super::router();
            Arc::new(serde_json::to_value(&openapi).unwrap_or(Value::Null))
        })
        .clone()
}

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 description, with this server's address.
#[tracing::instrument(skip_all)]
pub async fn openapi_json(State(state): State<AppState>) -> Response {
    let mut value = (*description()).clone();
    let base = state.public_url.as_str().trim_end_matches('/').to_string();
    value["servers"] = serde_json::json!([{ "url": base }]);
    let body = serde_json::to_vec_pretty(&value).unwrap_or_default();
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A description as the page shows it: the code marks of the doc comments left out.
fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().replace('`', "")
}

/// The name a `$ref` points to.
fn ref_name(schema: &Value) -> Option<String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.rsplit('/').next().map(str::to_string);
    }
    if let Some(items) = schema.get("items") {
        return ref_name(items).map(|name| format!("list of {name}"));
    }
    None
}

fn json_schema_of(content: &Value) -> Option<String> {
    content
        .as_object()?
        .values()
        .next()
        .and_then(|media| media.get("schema"))
        .and_then(ref_name)
}

/// The page's content, from the description.
pub fn docs_from(value: &Value, base_url: &str) -> ApiDocs {
    let tag_list: Vec<(String, String)> = value["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .map(|tag| (text(&tag["name"]), text(&tag["description"])))
                .collect()
        })
        .unwrap_or_default();
    let mut tags: Vec<ApiTag> = tag_list
        .into_iter()
        .map(|(name, description)| ApiTag {
            name,
            description,
            operations: Vec::new(),
        })
        .collect();
    if let Some(paths) = value["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                let Some(op) = item.get(method) else { continue };
                let parameters = op["parameters"]
                    .as_array()
                    .map(|parameters| {
                        parameters
                            .iter()
                            .map(|parameter| ApiParameter {
                                name: text(&parameter["name"]),
                                location: text(&parameter["in"]),
                                required: parameter["required"].as_bool().unwrap_or(false),
                                description: text(&parameter["description"]),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let responses = op["responses"]
                    .as_object()
                    .map(|responses| {
                        responses
                            .iter()
                            .map(|(status, response)| {
                                (
                                    status.clone(),
                                    text(&response["description"]),
                                    json_schema_of(&response["content"]),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let operation = ApiOperation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: text(&op["summary"]),
                    description: text(&op["description"]),
                    parameters,
                    request: json_schema_of(&op["requestBody"]["content"]),
                    responses,
                    needs_token: op.get("security").is_some(),
                };
                let tag = op["tags"][0].as_str().unwrap_or_default();
                match tags.iter_mut().find(|known| known.name == tag) {
                    Some(known) => known.operations.push(operation),
                    None => tags.push(ApiTag {
                        name: tag.to_string(),
                        description: tag.to_string(),
                        operations: vec![operation],
                    }),
                }
            }
        }
    }
    let schemas = value["components"]["schemas"]
        .as_object()
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, schema)| {
                    (
                        name.clone(),
                        serde_json::to_string_pretty(schema).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    ApiDocs {
        title: text(&value["info"]["title"]),
        description: text(&value["info"]["description"]),
        tags,
        schemas,
        base_url: base_url.to_string(),
    }
}

/// `GET /api`: the documentation page.
#[tracing::instrument(skip_all)]
pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let docs = docs_from(&description(), state.public_url.as_str());
    let ctx = viewer_context(&state, &viewer).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <ApiDocsPage ctx=ctx docs=docs /> }
    }))
}
