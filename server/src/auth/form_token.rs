//! The anti-forgery token of the forms an anonymous visitor fills in (sign-in and setup). It
//! travels in a cookie of its own and comes back in the form (a double-submit token), so an
//! anonymous visit writes no session row: a flood of anonymous requests cannot fill the
//! session table. The `Origin` check applies to these forms as to every other. Once someone
//! signs in, the session's own token takes over.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

/// The form cookie's name: `__Host-` pins it to this host and path, over https only.
fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-probity_form"
    } else {
        "probity_form"
    }
}

/// The token for an anonymous form: the visitor's cookie when it holds one, else a new one,
/// which [`FormToken::attach`] sets.
pub struct FormToken {
    pub token: String,
    fresh: bool,
    secure: bool,
}

impl FormToken {
    /// The visitor's token, or a new one.
    pub fn for_request(headers: &HeaderMap, secure: bool) -> FormToken {
        match cookie_value(headers, cookie_name(secure)) {
            Some(token) => FormToken {
                token,
                fresh: false,
                secure,
            },
            None => FormToken {
                token: super::random_token(),
                fresh: true,
                secure,
            },
        }
    }

    /// True when `submitted` is the token of the visitor's cookie.
    pub fn matches(headers: &HeaderMap, secure: bool, submitted: &str) -> bool {
        cookie_value(headers, cookie_name(secure))
            .is_some_and(|token| super::secrets_match(submitted, &token))
    }

    /// Sets the cookie on the response when the token is new.
    pub fn attach(&self, response: &mut Response) {
        if !self.fresh {
            return;
        }
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200{secure}",
            cookie_name(self.secure),
            self.token
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
}

/// A well-formed token from the named cookie (64 hex digits, as made here).
fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_round_trips_and_nothing_else_matches() {
        let fresh = FormToken::for_request(&HeaderMap::new(), false);
        let mut response = Response::new(axum::body::Body::empty());
        fresh.attach(&mut response);
        let set = response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("ascii");
        assert!(
            set.starts_with("probity_form=")
                && set.contains("HttpOnly")
                && set.contains("SameSite=Strict")
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("other=1; probity_form={}", fresh.token))
                .expect("header"),
        );
        assert!(FormToken::matches(&headers, false, &fresh.token));
        assert!(!FormToken::matches(&headers, false, "forged"));
        assert!(
            !FormToken::matches(&headers, true, &fresh.token),
            "https uses the __Host- cookie"
        );
        let again = FormToken::for_request(&headers, false);
        assert_eq!(again.token, fresh.token);
        let mut response = Response::new(axum::body::Body::empty());
        again.attach(&mut response);
        assert!(
            response.headers().get(header::SET_COOKIE).is_none(),
            "no new cookie"
        );
    }
}
