//! First-run setup.

use probity_tests::{GOOD_PASSWORD, TestApp, location};

#[tokio::test]
async fn a_fresh_install_leads_every_page_to_setup() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for path in ["/", "/sign-in", "/no-such-page"] {
        let response = client.get(app.url(path)).send().await.expect("GET");
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(location(&response), "/setup", "{path}");
    }
    let page = client.get(app.url("/setup")).send().await.expect("GET");
    assert_eq!(page.status(), 200);
    let body = page.text().await.expect("body");
    assert!(body.contains("Create administrator"));
    // The setup token is asked for even from this machine: a proxy or a rebound name makes
    // any request look local.
    assert!(body.contains("name=\"setup_token\""));
}

#[tokio::test]
async fn setup_needs_the_token_even_from_this_machine() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let fields = |token: &'static str| {
        vec![
            ("setup_token", token),
            ("username", "mallory"),
            ("display_name", "Mallory"),
            ("password", GOOD_PASSWORD),
            ("password_confirm", GOOD_PASSWORD),
        ]
    };
    for token in ["", "not-the-token"] {
        let response = app
            .post_form(&client, "/setup", "/setup", &fields(token))
            .await;
        assert_eq!(response.status(), 422, "token {token:?}");
        assert!(response.text().await.expect("body").contains("setup token"));
    }
    assert_eq!(app.store().await.count_users().await.expect("count"), 0);
    // The token is in the data folder, readable by the server's account only.
    let file = app.db.data_dir.join("setup-token");
    assert_eq!(
        std::fs::read_to_string(&file).expect("token file"),
        app.setup_token
    );
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let folder = std::fs::metadata(&app.db.data_dir)
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(folder & 0o777, 0o700, "the data folder is private");
}

#[tokio::test]
async fn a_rebound_host_gets_421_and_a_foreign_origin_cannot_set_up() {
    let app = TestApp::spawn().await;
    let client = app.client();
    // DNS rebinding: the browser sends the attacker's name as Host and Origin alike.
    let page = client
        .get(app.url("/setup"))
        .header("host", "evil.example")
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), 421);
    let token = app.form_token(&client, "/setup").await;
    let posted = client
        .post(app.url("/setup"))
        .header("host", format!("evil.example:{}", app.addr.port()))
        .header("origin", format!("http://evil.example:{}", app.addr.port()))
        .form(&[
            ("csrf_token", token.as_str()),
            ("setup_token", app.setup_token.as_str()),
            ("username", "mallory"),
            ("display_name", "Mallory"),
            ("password", GOOD_PASSWORD),
            ("password_confirm", GOOD_PASSWORD),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(posted.status(), 421);
    // With this server's Host but a foreign Origin, the Origin check refuses it.
    let posted = client
        .post(app.url("/setup"))
        .header("origin", format!("http://evil.example:{}", app.addr.port()))
        .form(&[
            ("csrf_token", token.as_str()),
            ("setup_token", app.setup_token.as_str()),
            ("username", "mallory"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(posted.status(), 403);
    assert_eq!(app.store().await.count_users().await.expect("count"), 0);
    // localhost is served when listening on loopback; /healthz answers any host.
    let local = client
        .get(app.url("/setup"))
        .header("host", format!("localhost:{}", app.addr.port()))
        .send()
        .await
        .expect("GET");
    assert_eq!(local.status(), 200);
    let health = client
        .get(app.url("/healthz"))
        .header("host", "10.0.0.1")
        .send()
        .await
        .expect("GET");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn setup_creates_the_administrator_who_can_then_sign_in() {
    let app = TestApp::spawn().await;
    app.set_up_admin("Ada", GOOD_PASSWORD).await;
    let client = app.signed_in_client("ada", GOOD_PASSWORD).await;
    let home = client.get(app.url("/")).send().await.expect("GET");
    assert_eq!(home.status(), 200);
    let body = home.text().await.expect("body");
    assert!(body.contains("Welcome, Ada Admin"));
    assert!(body.contains("Administrator"));

    let users = app.store().await.list_users().await.expect("list");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].username, "ada", "usernames are stored lower-cased");
    assert!(
        users[0]
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    );
}

#[tokio::test]
async fn bad_setup_input_is_shown_next_to_the_fields_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/setup",
            "/setup",
            &[
                ("setup_token", app.setup_token.as_str()),
                ("username", "Bad Name!"),
                ("display_name", "Kept Name"),
                ("password", "password1234"),
                ("password_confirm", "password1234"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(body.contains("There is a problem"));
    assert!(body.contains("Use letters, digits"));
    assert!(body.contains("commonly used passwords"));
    assert!(
        body.contains("value=\"Bad Name!\""),
        "typed values are kept"
    );
    assert!(body.contains("value=\"Kept Name\""));
    assert!(!body.contains("password1234"), "passwords are never echoed");
    assert_eq!(app.store().await.count_users().await.expect("count"), 0);

    let mismatch = app
        .post_form(
            &client,
            "/setup",
            "/setup",
            &[
                ("setup_token", app.setup_token.as_str()),
                ("username", "ada"),
                ("password", GOOD_PASSWORD),
                ("password_confirm", "something else entirely"),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), 422);
    assert!(
        mismatch
            .text()
            .await
            .expect("body")
            .contains("not the same")
    );
    assert_eq!(app.store().await.count_users().await.expect("count"), 0);
}

#[tokio::test]
async fn the_setup_page_is_refused_once_an_administrator_exists() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let client = app.client();
    let page = client.get(app.url("/setup")).send().await.expect("GET");
    assert_eq!(page.status(), 403);
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("already been set up")
    );

    // A second administrator cannot be slipped in with a token from another page.
    let response = app
        .post_form(
            &client,
            "/sign-in",
            "/setup",
            &[
                ("username", "mallory"),
                ("display_name", "Mallory"),
                ("password", GOOD_PASSWORD),
                ("password_confirm", GOOD_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), 403);
    let users = app.store().await.list_users().await.expect("list");
    assert_eq!(users.len(), 1);
    let refused = app.store().await.recent_audit(5).await.expect("audit");
    assert!(
        refused
            .iter()
            .any(|e| e.action == "setup.create_admin" && e.outcome == "refused")
    );
}

/// SQLite serves one node: a second server on the same database refuses to start, names the
/// lock and its holder, and the first keeps serving. On PostgreSQL a second node starts: that
/// is how the office scales out.
#[tokio::test]
async fn a_second_server_on_the_same_sqlite_database_refuses_to_start() {
    let app = TestApp::spawn().await;
    let mut second = std::process::Command::new(probity_tests::probity_binary())
        .arg("--database-url")
        .arg(&app.db.url)
        .arg("--data-dir")
        .arg(&app.db.data_dir)
        .arg("--listen")
        .arg("127.0.0.1:0")
        .env("PROBITY_LOG_FORMAT", "text")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run probity (cargo build --workspace --bins first)");
    let mut exited = None;
    for _ in 0..50 {
        if let Some(status) = second.try_wait().expect("wait") {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    match app.db.backend {
        probity_tests::Backend::Sqlite => {
            let status = exited.expect("the second server stops by itself");
            assert!(!status.success());
            let mut message = String::new();
            std::io::Read::read_to_string(&mut second.stderr.take().expect("stderr"), &mut message)
                .expect("read");
            assert!(
                message.contains("another Probity server is already using the database")
                    && message.contains("probity.db.lock")
                    && message.contains("process "),
                "{message}"
            );
        }
        probity_tests::Backend::Postgres => {
            assert!(
                exited.is_none(),
                "a second node on PostgreSQL keeps running"
            );
            second.kill().expect("kill");
            let _ = second.wait();
        }
    }
    let (status, _) = app.get_page(&app.client(), "/healthz").await;
    assert_eq!(status, 200, "the first server still serves");
    app.stop().await;
}
