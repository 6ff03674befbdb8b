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
    if !safe && !same_origin(request.headers(), &state.public_url, &state.hosts) {
        tracing::warn!(path = request.uri().path(), "cross-site request refused");
        return AppError::CrossSite.into_response();
    }
    next.run(request).await
}

/// True when the request's Origin or Referer names this site (the public URL, or one of the
/// host names it is served under, with the public URL's scheme), or when it carries neither
/// (clients other than browsers; the form token still protects them). The request's own
/// `Host` counts for nothing: an attacker's page reached through DNS rebinding sends its own.
fn same_origin(headers: &HeaderMap, public_url: &Url, hosts: &AllowedHosts) -> bool {
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
    if claimed.origin() == public_url.origin() {
        return true;
    }
    let Some(claimed_host) = claimed.host_str() else {
        return false;
    };
    let authority = match claimed.port_or_known_default() {
        Some(port) => format!("{claimed_host}:{port}"),
        None => claimed_host.to_string(),
    };
    claimed.scheme() == public_url.scheme() && hosts.allows(&authority)
}

/// The host names (with ports) Probity answers under: the public URL's, the listen address
/// and, when it listens on loopback, `localhost`. Anything else is a proxy or a rebound name
/// that was not configured.
#[derive(Clone, Debug)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    /// The hosts for a public URL and the address actually listened on.
    pub fn new(public_url: &Url, listen: std::net::SocketAddr) -> AllowedHosts {
        let mut hosts = Vec::new();
        if let Some(host) = public_url.host_str() {
            let port = public_url.port_or_known_default().unwrap_or(80);
            hosts.push(format!("{}:{port}", host.to_ascii_lowercase()));
        }
        if !listen.ip().is_unspecified() {
            hosts.push(listen.to_string());
        }
        if listen.ip().is_loopback() {
            hosts.push(format!("localhost:{}", listen.port()));
        }
        AllowedHosts(hosts)
    }

    /// True for `host[:port]` (the port defaults to the public URL's scheme's).
    fn allows(&self, authority: &str) -> bool {
        let authority = authority.to_ascii_lowercase();
        self.0.contains(&authority)
    }

    /// True when a request's `Host` header names an allowed host. Without a port, the default
    /// port of `scheme` is meant.
    pub fn allows_host_header(&self, host: &str, scheme: &str) -> bool {
        let has_port = host
            .rsplit_once(':')
            .is_some_and(|(_, port)| !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()))
            && !host.ends_with(']');
        if has_port {
            self.allows(host)
        } else {
            let port = if scheme == "https" { 443 } else { 80 };
            self.allows(&format!("{host}:{port}"))
        }
    }
}

/// Answers 421 (Misdirected Request) to a request whose `Host` is not one Probity is
/// configured for. `/healthz` answers any host, for load balancers that address it by IP.
pub async fn check_host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    let allowed = host.as_deref().is_some_and(|host| {
        state
            .hosts
            .allows_host_header(host, state.public_url.scheme())
    });
    if !allowed && request.uri().path() != "/healthz" {
        tracing::warn!("request for a host this server is not configured for refused");
        return crate::http::error::error_response(
            axum::http::StatusCode::MISDIRECTED_REQUEST,
            "Wrong address",
            "This server does not answer under the address you used. Use the address your office gave you.",
        );
    }
    next.run(request).await
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

    fn hosts() -> AllowedHosts {
        AllowedHosts::new(
            &Url::parse("http://127.0.0.1:3000/").expect("url"),
            "127.0.0.1:3000".parse().expect("addr"),
        )
    }

    #[test]
    fn origin_rules() {
        let public = Url::parse("http://127.0.0.1:3000/").expect("url");
        let hosts = hosts();
        assert!(same_origin(
            &headers(&[("origin", "http://127.0.0.1:3000")]),
            &public,
            &hosts
        ));
        assert!(same_origin(
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            &public,
            &hosts
        ));
        // A rebound name: Host and Origin agree, but neither is this server's.
        assert!(!same_origin(
            &headers(&[
                ("origin", "http://evil.example:3000"),
                ("host", "evil.example:3000")
            ]),
            &public,
            &hosts
        ));
        assert!(!same_origin(
            &headers(&[
                ("origin", "http://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            &public,
            &hosts
        ));
        assert!(!same_origin(
            &headers(&[("origin", "null")]),
            &public,
            &hosts
        ));
        assert!(!same_origin(
            &headers(&[
                ("referer", "http://evil.example/page"),
                ("host", "127.0.0.1:3000")
            ]),
            &public,
            &hosts
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &public,
            &hosts
        ));
        assert!(same_origin(&headers(&[]), &public, &hosts));
        let https = Url::parse("https://probity.example.org/").expect("url");
        let https_hosts = AllowedHosts::new(&https, "0.0.0.0:3000".parse().expect("addr"));
        assert!(!same_origin(
            &headers(&[
                ("origin", "http://probity.example.org"),
                ("host", "probity.example.org")
            ]),
            &https,
            &https_hosts
        ));
        assert!(same_origin(
            &headers(&[("origin", "https://probity.example.org")]),
            &https,
            &https_hosts
        ));
    }

    #[test]
    fn only_configured_hosts_are_served() {
        let hosts = hosts();
        assert!(hosts.allows_host_header("127.0.0.1:3000", "http"));
        assert!(hosts.allows_host_header("LOCALHOST:3000", "http"));
        assert!(!hosts.allows_host_header("evil.example:3000", "http"));
        assert!(!hosts.allows_host_header("127.0.0.1", "http"));
        let https = AllowedHosts::new(
            &Url::parse("https://probity.example.org/").expect("url"),
            "0.0.0.0:8443".parse().expect("addr"),
        );
        assert!(https.allows_host_header("probity.example.org", "https"));
        assert!(https.allows_host_header("probity.example.org:443", "https"));
        assert!(!https.allows_host_header("0.0.0.0:8443", "https"));
        assert!(!https.allows_host_header("10.1.2.3:8443", "https"));
    }
}
