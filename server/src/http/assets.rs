//! Static assets (USWDS and Probity's own stylesheet), compiled into the binary so that the
//! release binary runs from any folder.

use crate::http::error::AppError;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

/// Everything under `style/`.
#[derive(Embed)]
#[folder = "../style/"]
#[exclude = "*.md"]
#[exclude = "VERSION"]
struct Assets;

/// Serves one asset, cacheable for a day.
pub async fn asset(Path(path): Path<String>) -> Result<Response, AppError> {
    let Some(file) = Assets::get(&path) else {
        return Err(AppError::NotFound);
    };
    let mime = file.metadata.mimetype();
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(mime) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(response)
}
