//! Second factors over HTTP: the enrolment gate of `--require-mfa`, codes accepted once and
//! within one step, recovery codes, wrong codes paused like wrong passwords, the
//! confirmation before sensitive steps, and an administrator's (and the shell's) removal.

use probity_domain::roles::Role;
use probity_tests::fixtures::{password_hash, upload, user};
use probity_tests::{Backend, GOOD_PASSWORD, TestApp, code_after, csrf_token, location};

const MFA_ON: &[&str] = &["--require-mfa", "true"];

/// Signs in with the password only; answers the client and where it was sent.
async fn password_step(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/sign-in",
            "/sign-in",
            &[("username", username), ("password", GOOD_PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), 303, "the password is right");
    let next = location(&response);
    (client, next)
}

/// The secret shown on the enrolment page, without its spaces.
fn shown_secret(page: &str) -> String {
    let start = page
        .find("class=\"probity-secret\">")
        .expect("the secret is shown")
        + "class=\"probity-secret\">".len();
    let end = start + page[start..].find('<').expect("end of the secret");
    page[start..end].replace(' ', "")
}

/// Sends a code to the step after the password.
async fn send_code(app: &TestApp, client: &reqwest::Client, code: &str) -> reqwest::Response {
    app.post_form(
        client,
        "/sign-in/second-factor",
        "/sign-in/second-factor",
        &[("code", code)],
    )
    .await
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.post_form(client, "/account/two-factor", path, fields)
        .await
}

/// Enrols `client`'s account through the pages; answers the secret and the recovery codes.
async fn enrol(app: &TestApp, client: &reqwest::Client) -> (String, Vec<String>) {
    let started = post(app, client, "/account/two-factor/start", &[]).await;
    assert_eq!(started.status(), 303);
    let (status, page) = app.get_page(client, "/account/two-factor").await;
    assert_eq!(status, 200);
    assert!(page.contains("<svg"), "the QR code is drawn on the server");
    let secret = shown_secret(&page);
    let code = code_after(&secret, 0).await;
    let confirmed = post(
        app,
        client,
        "/account/two-factor/confirm",
        &[("code", &code)],
    )
    .await;
    assert_eq!(confirmed.status(), 200);
    let page = confirmed.text().await.expect("body");
    let codes: Vec<String> = page
        .split("<li><code>")
        .skip(1)
        .map(|rest| rest[..rest.find('<').expect("end")].to_string())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes are shown once");
    (secret, codes)
}

async fn last_step(app: &TestApp, username: &str) -> i64 {
    let store = app.store().await;
    let user = store
        .user_by_username(username)
        .await
        .expect("get")
        .expect("user");
    store
        .totp_factor(user.user_id)
        .await
        .expect("get")
        .expect("factor")
        .last_step
}

#[tokio::test]
async fn without_a_second_factor_a_person_reaches_nothing_but_enrolment() {
    let app = TestApp::spawn_with(Backend::under_test(), MFA_ON).await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let case = probity_tests::fixtures::case(&store, &ines, "Gate test").await;

    let (client, next) = password_step(&app, "ines").await;
    assert_eq!(next, "/account/two-factor");
    for path in [
        "/".to_string(),
        "/cases".to_string(),
        format!("/cases/{}", case.case_id),
        "/search".to_string(),
        "/account".to_string(),
    ] {
        let response = client.get(app.url(&path)).send().await.expect("GET");
        assert_eq!(response.status(), 303, "{path} is closed before enrolment");
        assert_eq!(location(&response), "/account/two-factor", "{path}");
    }
    // The sign-in page, too, leads back to enrolment.
    let response = client.get(app.url("/sign-in")).send().await.expect("GET");
    assert_eq!(location(&response), "/account/two-factor");

    // A wrong first code turns nothing on.
    assert_eq!(
        post(&app, &client, "/account/two-factor/start", &[])
            .await
            .status(),
        303
    );
    let wrong = post(
        &app,
        &client,
        "/account/two-factor/confirm",
        &[("code", "000000")],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .expect("body")
            .contains("That code is not right")
    );
    let response = client.get(app.url("/cases")).send().await.expect("GET");
    assert_eq!(response.status(), 303, "still closed");

    // Starting again gives a new secret; the right code opens everything.
    let (secret, codes) = enrol(&app, &client).await;
    assert!(secret.len() >= 32, "160-bit secret");
    let (status, page) = app
        .get_page(&client, &format!("/cases/{}", case.case_id))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Gate test"));
    let (_, account) = app.get_page(&client, "/account").await;
    assert!(account.contains("Authenticator app, since"));

    // Stored: the secret, the step of the code used, and only hashes of the recovery codes.
    let factor = store
        .totp_factor(ines.user_id)
        .await
        .expect("get")
        .expect("factor");
    assert!(factor.confirmed_at.is_some());
    assert!(factor.last_step > 0);
    assert_eq!(
        store.recovery_codes_left(ines.user_id).await.expect("n"),
        10
    );
    let audit = store.recent_audit(50).await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "auth.mfa_enrol" && e.outcome == "success")
    );
    assert!(
        audit
            .iter()
            .any(|e| e.action == "auth.mfa_enrol" && e.outcome == "refused")
    );
    for code in &codes {
        assert!(
            !audit
                .iter()
                .any(|e| e.detail.as_deref().unwrap_or("").contains(code.as_str())),
            "no recovery code in the audit trail"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_code_opens_one_sign_in_within_one_step_and_recovery_codes_once() {
    let app = TestApp::spawn_with(Backend::under_test(), MFA_ON).await;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "ines", Role::Investigator).await;
    let (client, _) = password_step(&app, "ines").await;
    let (secret, codes) = enrol(&app, &client).await;
    let used = last_step(&app, "ines").await;

    // The password alone signs nobody in.
    let (second, next) = password_step(&app, "ines").await;
    assert_eq!(next, "/sign-in/second-factor");
    let response = second.get(app.url("/cases")).send().await.expect("GET");
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/sign-in"));

    // The code already used at enrolment is refused (replay), and so is one from a minute
    // and a half ago.
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(&secret).expect("secret"))
        .build()
        .expect("totp");
    let replay = totp.generate(used as u64 * 30).to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let stale = totp.generate(now - 90).to_string();
    for (code, why) in [(replay.as_str(), "replayed"), (stale.as_str(), "too old")] {
        let refused = send_code(&app, &second, code).await;
        assert_eq!(refused.status(), 422, "a {why} code is refused");
    }
    let fresh = code_after(&secret, used).await;
    let accepted = send_code(&app, &second, fresh.as_str()).await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(location(&accepted), "/");
    assert_eq!(app.get_page(&second, "/cases").await.0, 200);

    // The same code cannot open a second session.
    let (third, _) = password_step(&app, "ines").await;
    let again = send_code(&app, &third, fresh.as_str()).await;
    assert_eq!(again.status(), 422);

    // A recovery code, typed in lower case with spaces, opens one sign-in; then never again.
    let typed = codes[3].to_lowercase().replace('-', " ");
    let recovered = send_code(&app, &third, typed.as_str()).await;
    assert_eq!(recovered.status(), 303);
    assert_eq!(location(&recovered), "/");
    let (fourth, _) = password_step(&app, "ines").await;
    let reused = send_code(&app, &fourth, codes[3].as_str()).await;
    assert_eq!(reused.status(), 422);
    let ines = store
        .user_by_username("ines")
        .await
        .expect("get")
        .expect("user");
    assert_eq!(store.recovery_codes_left(ines.user_id).await.expect("n"), 9);

    // New codes replace the old ones, shown once.
    let (status, page) = {
        let response = app
            .post_form(
                &second,
                "/account/two-factor",
                "/account/two-factor/recovery-codes",
                &[],
            )
            .await;
        (
            response.status().as_u16(),
            response.text().await.expect("body"),
        )
    };
    assert_eq!(status, 200);
    assert_eq!(page.matches("<li><code>").count(), 10);
    assert!(!page.contains(codes[0].as_str()));
    assert_eq!(
        store.recovery_codes_left(ines.user_id).await.expect("n"),
        10
    );
    app.stop().await;
}

#[tokio::test]
async fn wrong_codes_pause_sign_in_like_wrong_passwords() {
    let app = TestApp::spawn_with(Backend::under_test(), MFA_ON).await;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "ines", Role::Investigator).await;
    let (client, _) = password_step(&app, "ines").await;
    let (secret, _) = enrol(&app, &client).await;

    let (guesser, _) = password_step(&app, "ines").await;
    for guess in ["111111", "222222", "333333", "444444", "555555"] {
        let refused = send_code(&app, &guesser, guess).await;
        assert_eq!(refused.status(), 422, "{guess}");
    }
    // Paused now, even for the right code and even after the password again.
    let right = code_after(&secret, last_step(&app, "ines").await).await;
    let paused = send_code(&app, &guesser, right.as_str()).await;
    assert_eq!(paused.status(), 429);
    let fresh = app.client();
    let response = app
        .post_form(
            &fresh,
            "/sign-in",
            "/sign-in",
            &[("username", "ines"), ("password", GOOD_PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), 429, "the password step is paused too");
    let audit = store.recent_audit(50).await.expect("audit");
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "auth.second_factor" && e.outcome == "refused")
            .count(),
        5
    );
    app.stop().await;
}

#[tokio::test]
async fn sensitive_steps_ask_for_a_fresh_code_and_then_go_ahead() {
    let app = TestApp::spawn_with(
        Backend::under_test(),
        &["--require-mfa", "true", "--confirmation-seconds", "1"],
    )
    .await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let case = probity_tests::fixtures::case(&store, &ines, "Confirm test").await;
    let (client, _) = password_step(&app, "ines").await;
    let (secret, _) = enrol(&app, &client).await;

    // A criminal-justice exhibit, uploaded while the enrolment is fresh.
    let uploaded = upload(
        &app,
        &client,
        case.case_id,
        &[
            ("criminal_justice", "yes"),
            ("description", "NCIC printout"),
        ],
        vec![("ncic.txt", b"criminal history record".to_vec())],
    )
    .await;
    assert_eq!(uploaded.status(), 303);
    let exhibit_id = store
        .exhibits(case.case_id, ines.user_id)
        .await
        .expect("exhibits")[0]
        .exhibit_id;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    // Creating a token: the confirmation page, carrying the form, and nothing created.
    let asked = app
        .post_form(
            &client,
            "/account",
            "/account/tokens",
            &[
                ("name", "nightly <export>"),
                ("scope", "read"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(asked.status(), 403);
    let page = asked.text().await.expect("body");
    assert!(page.contains("Confirm it is you"));
    assert!(page.contains("name=\"reauth_next\" value=\"/account/tokens\""));
    assert!(
        page.contains("value=\"nightly &lt;export&gt;\""),
        "the field is carried, escaped"
    );
    assert!(
        store
            .tokens_of(ines.user_id)
            .await
            .expect("tokens")
            .is_empty()
    );

    // A wrong code: asked again, the fields still carried.
    let token = csrf_token(&page).expect("token");
    let form = |code: String| {
        vec![
            ("csrf_token".to_string(), token.clone()),
            ("reauth_next".to_string(), "/account/tokens".to_string()),
            ("name".to_string(), "nightly <export>".to_string()),
            ("scope".to_string(), "read".to_string()),
            ("days".to_string(), "30".to_string()),
            ("reauth_code".to_string(), code),
        ]
    };
    let wrong = client
        .post(app.url("/account/confirm"))
        .header("origin", app.origin())
        .form(&form("123456".into()))
        .send()
        .await
        .expect("POST");
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .expect("body")
            .contains("nightly &lt;export&gt;")
    );

    // The right code: a 307 back to the step, which the browser sends again as it was.
    let code = code_after(&secret, last_step(&app, "ines").await).await;
    let body = form(code);
    let confirmed = client
        .post(app.url("/account/confirm"))
        .header("origin", app.origin())
        .form(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(confirmed.status(), 307);
    assert_eq!(location(&confirmed), "/account/tokens");
    let created = client
        .post(app.url("/account/tokens"))
        .header("origin", app.origin())
        .form(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(created.status(), 200);
    assert_eq!(
        store.tokens_of(ines.user_id).await.expect("tokens").len(),
        1
    );

    // An address of another site is never followed.
    let mut evil = body.clone();
    evil[1].1 = "//evil.example/steal".into();
    let refused = client
        .post(app.url("/account/confirm"))
        .header("origin", app.origin())
        .form(&evil)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 404);

    // The criminal-justice original: asked for a fresh code, the reason carried.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let download_path = format!("/cases/{}/exhibits/{exhibit_id}/download", case.case_id);
    let asked = app
        .post_form(
            &client,
            &format!("/cases/{}/exhibits/{exhibit_id}", case.case_id),
            &download_path,
            &[("reason", "court disclosure")],
        )
        .await;
    assert_eq!(asked.status(), 403);
    let page = asked.text().await.expect("body");
    assert!(page.contains("value=\"court disclosure\""));
    assert!(!page.contains("criminal history record"));
    let token = csrf_token(&page).expect("token");
    let code = code_after(&secret, last_step(&app, "ines").await).await;
    let body = [
        ("csrf_token", token.as_str()),
        ("reauth_next", download_path.as_str()),
        ("reason", "court disclosure"),
        ("reauth_code", code.as_str()),
    ];
    let confirmed = client
        .post(app.url("/account/confirm"))
        .header("origin", app.origin())
        .form(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(confirmed.status(), 307);
    let original = client
        .post(app.url(&download_path))
        .header("origin", app.origin())
        .form(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(original.status(), 200);
    assert_eq!(
        original.bytes().await.expect("bytes").as_ref(),
        b"criminal history record"
    );
    app.stop().await;
}

#[tokio::test]
async fn administrators_and_the_shell_remove_a_persons_second_factors() {
    let app = TestApp::spawn_with(Backend::under_test(), MFA_ON).await;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "ada", Role::Administrator).await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let theo = user(&store, &hash, "theo", Role::Investigator).await;
    let (admin, _) = password_step(&app, "ada").await;
    enrol(&app, &admin).await;
    let (ines_client, _) = password_step(&app, "ines").await;
    enrol(&app, &ines_client).await;
    let (theo_client, _) = password_step(&app, "theo").await;
    enrol(&app, &theo_client).await;

    // Another investigator may not.
    let refused = app
        .post_form(
            &theo_client,
            "/account",
            &format!("/people/{}/two-factor/reset", ines.user_id),
            &[],
        )
        .await;
    assert_ne!(refused.status(), 303);
    assert!(
        probity_server::office::second_factor::has_second_factor(&store, ines.user_id)
            .await
            .expect("read")
    );

    // The people page offers it; the person's sessions end and enrolment comes back.
    let (_, page) = app
        .get_page(&admin, &format!("/people/{}", ines.user_id))
        .await;
    assert!(page.contains(&format!("/people/{}/two-factor/reset", ines.user_id)));
    let removed = app
        .post_form(
            &admin,
            &format!("/people/{}", ines.user_id),
            &format!("/people/{}/two-factor/reset", ines.user_id),
            &[],
        )
        .await;
    assert_eq!(removed.status(), 303);
    assert!(
        !probity_server::office::second_factor::has_second_factor(&store, ines.user_id)
            .await
            .expect("read")
    );
    let ended = ines_client
        .get(app.url("/cases"))
        .send()
        .await
        .expect("GET");
    assert!(location(&ended).starts_with("/sign-in"));
    let (_, next) = password_step(&app, "ines").await;
    assert_eq!(next, "/account/two-factor");

    // The shell does the same, audited as `cli`.
    let output = std::process::Command::new(probity_tests::probity_binary())
        .args(["user", "reset-mfa", "THEO", "--database-url", &app.db.url])
        .args(["--data-dir", &app.db.data_dir.display().to_string()])
        .output()
        .expect("run probity");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("second factors of theo removed"));
    assert!(
        !probity_server::office::second_factor::has_second_factor(&store, theo.user_id)
            .await
            .expect("read")
    );
    let audit = store.recent_audit(80).await.expect("audit");
    assert!(audit.iter().any(|e| e.action == "user.reset_mfa"
        && e.actor == "ada"
        && e.target.as_deref() == Some("user:ines")));
    assert!(audit.iter().any(|e| e.action == "user.reset_mfa"
        && e.actor == "cli"
        && e.target.as_deref() == Some("user:theo")));
    app.stop().await;
}

#[tokio::test]
async fn the_demo_accounts_sign_in_with_codes_from_their_printed_secrets() {
    let app = TestApp::spawn_with(Backend::under_test(), MFA_ON).await;
    probity_tests::fixtures::demo(&app).await;
    // signed_in_client answers the second-factor step from the stored secret: check that the
    // secret `probity demo` prints is that one.
    let store = app.store().await;
    for (username, _, _) in probity_server::demo::DEMO_USERS {
        let user = store
            .user_by_username(username)
            .await
            .expect("get")
            .expect("user");
        let factor = store
            .totp_factor(user.user_id)
            .await
            .expect("get")
            .expect("enrolled");
        assert_eq!(
            factor.secret,
            probity_server::demo::demo_totp_secret(username)
        );
    }
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/sign-in",
            "/sign-in",
            &[
                ("username", "cora.commissioner"),
                ("password", probity_server::demo::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&response), "/sign-in/second-factor");
    let code = code_after(
        &probity_server::demo::demo_totp_secret("cora.commissioner"),
        0,
    )
    .await;
    let response = send_code(&app, &client, code.as_str()).await;
    assert_eq!(location(&response), "/");
    assert_eq!(app.get_page(&client, "/").await.0, 200);
    app.stop().await;
}
