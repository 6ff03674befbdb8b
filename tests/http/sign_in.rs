//! Sign-in, sign-out, session limits and password changes.

use probity_tests::{Backend, GOOD_PASSWORD, TestApp, location};

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.contains("probity_session="))
        .map(str::to_string)
}

/// The `Set-Cookie` of the anonymous form token, if any.
fn form_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.contains("probity_form="))
        .map(str::to_string)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.client();
    let wrong = app
        .post_form(
            &client,
            "/sign-in",
            "/sign-in",
            &[("username", "ada"), ("password", "not the password at all")],
        )
        .await;
    let unknown = app
        .post_form(
            &client,
            "/sign-in",
            "/sign-in",
            &[
                ("username", "nobody"),
                ("password", "not the password at all"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(unknown.status(), 422);
    let wrong = wrong.text().await.expect("body");
    let unknown = unknown.text().await.expect("body");
    let message = "The username or password is not right.";
    assert!(wrong.contains(message) && unknown.contains(message));
    assert!(wrong.contains("value=\"ada\""), "the username is kept");
    assert!(!wrong.contains("not the password at all"));
    // Still signed out.
    let home = client.get(app.url("/")).send().await.expect("GET");
    assert_eq!(location(&home), "/sign-in");
    let audit = app.store().await.recent_audit(10).await.expect("audit");
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "auth.sign_in" && e.outcome == "refused")
            .count(),
        2
    );
}

#[tokio::test]
async fn sign_in_changes_the_session_id_and_sets_strict_cookies() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    // No cookie store: the cookies are sent by hand, with a session id an attacker planted.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client.get(app.url("/sign-in")).send().await.expect("GET");
    assert!(
        session_cookie(&page).is_none(),
        "the sign-in page starts no session"
    );
    let form = form_cookie(&page).expect("the form token's cookie");
    let lower = form.to_ascii_lowercase();
    assert!(lower.contains("httponly") && lower.contains("samesite=strict"));
    let before = "probity_session=planted-by-an-attacker".to_string();
    let token = probity_tests::csrf_token(&page.text().await.expect("body")).expect("token");
    let response = client
        .post(app.url("/sign-in"))
        .header("origin", app.origin())
        .header("cookie", format!("{}; {before}", cookie_value(&form)))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "ada"),
            ("password", GOOD_PASSWORD),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 303);
    let after = session_cookie(&response).expect("a new session cookie");
    assert_ne!(
        cookie_value(&before),
        cookie_value(&after),
        "session id must change at sign-in"
    );
    let lower = after.to_ascii_lowercase();
    assert!(lower.contains("httponly"));
    assert!(lower.contains("samesite=strict"));
    assert!(lower.contains("path=/"));
    assert!(!lower.contains("secure"), "plain http: no Secure flag");
}

#[tokio::test]
async fn an_https_public_url_gives_secure_host_prefixed_cookies() {
    let app = TestApp::spawn_with(
        Backend::under_test(),
        &["--public-url", "https://probity.example.org"],
    )
    .await;
    let client = app.client();
    let response = client.get(app.url("/setup")).send().await.expect("GET");
    let cookie = form_cookie(&response).expect("cookie");
    assert!(cookie.starts_with("__Host-probity_form="), "{cookie}");
    assert!(cookie.to_ascii_lowercase().contains("secure"));
    assert!(response.headers().contains_key("strict-transport-security"));
    // Signed in, the session cookie is __Host- and Secure too. (A Secure cookie is not sent
    // back over this test's plain http by a cookie store, so it goes by hand.)
    let store = app.store().await;
    let hash = probity_tests::fixtures::password_hash().await;
    probity_tests::fixtures::user(
        &store,
        &hash,
        "ada",
        probity_domain::roles::Role::Investigator,
    )
    .await;
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = bare.get(app.url("/sign-in")).send().await.expect("GET");
    let form = cookie_value(&form_cookie(&page).expect("form cookie"));
    let token = probity_tests::csrf_token(&page.text().await.expect("body")).expect("token");
    let response = bare
        .post(app.url("/sign-in"))
        .header("origin", "https://probity.example.org")
        .header("cookie", form)
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "ada"),
            ("password", GOOD_PASSWORD),
        ])
        .send()
        .await
        .expect("POST");
    let cookie = session_cookie(&response).expect("session cookie");
    assert!(cookie.starts_with("__Host-probity_session="), "{cookie}");
    assert!(cookie.to_ascii_lowercase().contains("secure"));
}

#[tokio::test]
async fn sign_out_destroys_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    let home = client.get(app.url("/")).send().await.expect("GET");
    let stolen = home
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("probity_session="))
        .map(cookie_value)
        .expect("session cookie");
    let token = probity_tests::csrf_token(&home.text().await.expect("body")).expect("token");
    let out = client
        .post(app.url("/sign-out"))
        .header("origin", app.origin())
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(out.status(), 303);
    assert_eq!(location(&out), "/sign-in?reason=signed-out");

    // Replaying the old cookie from another client gets nothing.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(app.url("/"))
        .header("cookie", stolen)
        .send()
        .await
        .expect("GET");
    assert_eq!(replay.status(), 303);
    assert!(location(&replay).starts_with("/sign-in"));
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::spawn_with(Backend::under_test(), &["--session-idle-seconds", "1"]).await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    assert_eq!(
        client.get(app.url("/")).send().await.expect("GET").status(),
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let after = client.get(app.url("/")).send().await.expect("GET");
    assert_eq!(after.status(), 303);
    assert!(location(&after).starts_with("/sign-in"));
}

#[tokio::test]
async fn activity_keeps_a_session_past_its_idle_limit() {
    let app = TestApp::spawn_with(Backend::under_test(), &["--session-idle-seconds", "2"]).await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    // Five requests 0.8 s apart span 4 s, twice the idle limit.
    for _ in 0..5 {
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        let page = client.get(app.url("/")).send().await.expect("GET");
        assert_eq!(page.status(), 200, "an active session stays signed in");
    }
}

#[tokio::test]
async fn a_session_older_than_the_absolute_limit_ends_even_when_active() {
    // The absolute limit is whole hours; 0 hours ends every session at its next request.
    let app = TestApp::spawn_with(Backend::under_test(), &["--session-max-hours", "0"]).await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let after = client.get(app.url("/")).send().await.expect("GET");
    assert_eq!(after.status(), 303);
    assert_eq!(location(&after), "/sign-in?reason=expired");
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_at_once() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    app.store()
        .await
        .set_user_disabled("ada", true)
        .await
        .expect("disable");
    let after = client.get(app.url("/")).send().await.expect("GET");
    assert_eq!(after.status(), 303);
    assert!(location(&after).starts_with("/sign-in"));
    // And it cannot sign in again.
    let again = app
        .post_form(
            &app.client(),
            "/sign-in",
            "/sign-in",
            &[("username", "ada"), ("password", GOOD_PASSWORD)],
        )
        .await;
    assert_eq!(again.status(), 422);
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_and_follows_the_policy() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    let wrong = app
        .post_form(
            &client,
            "/account",
            "/account/password",
            &[
                ("current_password", "not my password"),
                ("new_password", "a brand new passphrase"),
                ("new_password_confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .expect("body")
            .contains("current password is not right")
    );

    let changed = app
        .post_form(
            &client,
            "/account",
            "/account/password",
            &[
                ("current_password", GOOD_PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("new_password_confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(location(&changed), "/account");
    let account = client
        .get(app.url("/account"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(account.contains("Your password has been changed."));
    app.signed_in_client("ada", "a brand new passphrase").await;
}

#[tokio::test]
async fn repeated_failures_pause_sign_in_for_that_name_only() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.client();
    for _ in 0..5 {
        let wrong = app
            .post_form(
                &client,
                "/sign-in",
                "/sign-in",
                &[("username", "ada"), ("password", "a wrong guess here")],
            )
            .await;
        assert_eq!(wrong.status(), 422);
    }
    let paused = app
        .post_form(
            &client,
            "/sign-in",
            "/sign-in",
            &[("username", "ada"), ("password", GOOD_PASSWORD)],
        )
        .await;
    assert_eq!(paused.status(), 429, "even the right password waits");
    assert!(
        paused
            .text()
            .await
            .expect("body")
            .contains("Too many failed sign-ins")
    );
    // An unknown name is paused the same way, so the pause reveals nothing.
    for _ in 0..5 {
        app.post_form(
            &client,
            "/sign-in",
            "/sign-in",
            &[("username", "nobody"), ("password", "a wrong guess here")],
        )
        .await;
    }
    let unknown = app
        .post_form(
            &client,
            "/sign-in",
            "/sign-in",
            &[("username", "nobody"), ("password", "a wrong guess here")],
        )
        .await;
    assert_eq!(unknown.status(), 429);
    // Other names are not affected.
    let store = app.store().await;
    let hash = probity_tests::fixtures::password_hash().await;
    probity_tests::fixtures::user(
        &store,
        &hash,
        "bo",
        probity_domain::roles::Role::Investigator,
    )
    .await;
    app.signed_in_client("bo", GOOD_PASSWORD).await;
}
