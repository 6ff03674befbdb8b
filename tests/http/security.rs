//! Forged requests, security headers, error pages and health.

use probity_tests::{Backend, GOOD_PASSWORD, TestApp};

#[tokio::test]
async fn a_request_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    let token = app.form_token(&client, "/account").await;

    // Right token, wrong Origin: a page elsewhere posting with the victim's cookies.
    let forged = client
        .post(app.url("/sign-out"))
        .header("origin", "http://evil.example")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), 403);
    assert!(
        forged
            .text()
            .await
            .expect("body")
            .contains("came from another site")
    );

    // Right Origin, no token.
    let tokenless = client
        .post(app.url("/account/password"))
        .header("origin", app.origin())
        .form(&[
            ("current_password", GOOD_PASSWORD),
            ("new_password", "an attacker's passphrase"),
            ("new_password_confirm", "an attacker's passphrase"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(tokenless.status(), 403);

    // Still signed in, password unchanged.
    assert_eq!(
        client.get(app.url("/")).send().await.expect("GET").status(),
        200
    );
    app.signed_in_client("ada", GOOD_PASSWORD).await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    for path in ["/", "/sign-in", "/nope", "/healthz", "/assets/probity.css"] {
        let response = client.get(app.url(path)).send().await.expect("GET");
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no CSP on {path}"));
        assert!(csp.contains("script-src 'self'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert!(headers.contains_key("x-request-id"), "{path}");
        if !path.starts_with("/assets/") {
            assert_eq!(headers["cache-control"], "no-store", "{path}");
        }
    }
}

#[tokio::test]
async fn pages_carry_no_inline_script() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    for path in ["/", "/nope"] {
        let body = client
            .get(app.url(path))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert!(!body.contains("<script"), "{path} has a script tag");
        assert!(!body.contains(" style=\""), "{path} has an inline style");
    }
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_in_the_shell_without_internals() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    let response = client
        .get(app.url("/cases/../../etc/passwd"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 404);
    let body = response.text().await.expect("body");
    assert!(body.contains("Page not found"));
    assert!(
        body.contains("Signed in as"),
        "the shell shows who is signed in"
    );
    assert!(
        body.contains("Reference:"),
        "the request id is shown for support"
    );

    let signed_out = app
        .client()
        .get(app.url("/assets/nothing.css"))
        .send()
        .await
        .expect("GET");
    assert_eq!(signed_out.status(), 404);
}

#[tokio::test]
async fn assets_are_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let css = client
        .get(app.url("/assets/uswds/css/uswds.min.css"))
        .send()
        .await
        .expect("GET");
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css");
    let font = client
        .get(app.url("/assets/uswds/fonts/source-sans-pro/sourcesanspro-regular-webfont.woff2"))
        .send()
        .await
        .expect("GET");
    assert_eq!(font.status(), 200);
}

#[tokio::test]
async fn healthz_answers_while_the_database_does() {
    let app = TestApp::spawn().await;
    let response = app
        .client()
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn healthz_answers_503_when_postgres_is_gone() {
    // Only PostgreSQL can be taken away from under a running server; SQLite is a file the
    // process already holds open.
    if Backend::under_test() != Backend::Postgres {
        return;
    }
    let app = TestApp::spawn().await;
    app.db.cut_off_postgres().await;
    let response = app
        .client()
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn the_server_stops_gracefully() {
    let app = TestApp::spawn().await;
    let addr = app.addr;
    app.stop().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn an_unreadable_form_gets_an_error_page_and_saves_nothing() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    let token = app.form_token(&client, "/account").await;
    let response = client
        .post(app.url("/account/password"))
        .header("origin", app.origin())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf_token={token}&current_password=a&current_password=b"
        ))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(body.contains("The form could not be read"), "{body}");
    assert!(body.contains("<html"), "a page in the shell");
    assert!(!body.to_lowercase().contains("deserialize"), "no internals");
}
