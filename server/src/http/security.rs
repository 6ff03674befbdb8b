//! Request and response guards: security headers on every response, the Origin check on
//! every state-changing request, and the first-run redirect to setup.

use crate::http::AppState;
use crate::http::error::AppError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use url::Url;

/// No inline script or style, nothing from elsewhere, no framing, forms only to ourselves.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers to every response.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_asset = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A handler may set a stricter policy of its own (the standalone report HTML).
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin`, not `no-referrer`: with no-referrer browsers send `Origin: null` on our
    // own form posts, which the Origin check would then have to accept.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if state.settings.is_https() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !is_asset {
        // Pages may hold case data: never keep them in a cache, shared or private.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Refuses state-changing requests whose Origin (or, failing that, Referer) is not this
/// site. The anti-forgery token in each form is checked by the handlers on top of this.
pub async fn check_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !same_origin(request.headers(), &state.public_url) {
        tracing::warn!(path = request.uri().path(), "cross-site request refused");
        return AppError::CrossSite.into_response();
    }
    next.run(request).await
}

/// True when the request's Origin or Referer names this site, or when it carries neither
/// (clients other than browsers; the form token still protects them).
fn same_origin(headers: &HeaderMap, public_url: &Url) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok());
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|value| value.to_str().ok());
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return false;
    }
    let Some(claimed) = claimed else {
        return true;
    };
    let Ok(claimed) = Url::parse(claimed) else {
        // Includes `Origin: null`, sent by sandboxed frames and privacy-stripped requests.
        return false;
    };
    let claimed_origin = claimed.origin();
    if claimed_origin == public_url.origin() {
        return true;
    }
    // The site as addressed by this very request (e.g. localhost instead of 127.0.0.1).
    match (host, claimed.host_str()) {
        (Some(host), Some(claimed_host)) => {
            let claimed_authority = match claimed.port() {
                Some(port) => format!("{claimed_host}:{port}"),
                None => claimed_host.to_string(),
            };
            claimed_authority.eq_ignore_ascii_case(host) && claimed.scheme() == public_url.scheme()
        }
        _ => false,
    }
}

/// While no account exists, sends every page to the setup page.
pub async fn require_setup(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let exempt = path == "/setup" || path == "/healthz" || path.starts_with("/assets/");
    if !exempt {
        match state.setup.is_done(&*state.store).await {
            Ok(true) => {}
            Ok(false) => return Redirect::to("/setup").into_response(),
            Err(error) => return AppError::from(error).into_response(),
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        map
    }

    #[test]
    fn origin_rules() {
        let public = Url::parse("http://127.0.0.1:3000/").expect("url");
        assert!(same_origin(
            &headers(&[("origin", "http://127.0.0.1:3000")]),
            &public
        ));
        assert!(same_origin(
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            &public
        ));
        assert!(!same_origin(
            &headers(&[
                ("origin", "http://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            &public
        ));
        assert!(!same_origin(&headers(&[("origin", "null")]), &public));
        assert!(!same_origin(
            &headers(&[
                ("referer", "http://evil.example/page"),
                ("host", "127.0.0.1:3000")
            ]),
            &public
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &public
        ));
        assert!(same_origin(&headers(&[]), &public));
        let https = Url::parse("https://probity.example.org/").expect("url");
        assert!(!same_origin(
            &headers(&[
                ("origin", "http://probity.example.org"),
                ("host", "probity.example.org")
            ]),
            &https
        ));
    }
}
