//! People administration over HTTP.

use probity_domain::roles::Role;
use probity_tests::fixtures::{client_for, password_hash, user};
use probity_tests::{GOOD_PASSWORD, TestApp, location};

#[tokio::test]
async fn an_administrator_adds_changes_disables_and_resets_accounts() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let admin = user(&store, &hash, "ada", Role::Administrator).await;
    let client = client_for(&app, "ada").await;

    let added = app
        .post_form(
            &client,
            "/people",
            "/people",
            &[
                ("username", "Theo"),
                ("display_name", "Theo Lindqvist"),
                ("role", "investigator"),
                ("password", "theo's first passphrase"),
                ("password_confirm", "theo's first passphrase"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let theo = store
        .user_by_username("theo")
        .await
        .expect("get")
        .expect("created");
    assert_eq!(theo.role, Role::Investigator);

    let duplicate = app
        .post_form(
            &client,
            "/people",
            "/people",
            &[
                ("username", "theo"),
                ("display_name", "Another Theo"),
                ("role", "auditor"),
                ("password", "another passphrase here"),
                ("password_confirm", "another passphrase here"),
            ],
        )
        .await;
    assert_eq!(duplicate.status(), 422);
    let body = duplicate.text().await.expect("body");
    assert!(body.contains("already taken") && body.contains("Another Theo"));

    let theo_client = app
        .signed_in_client("theo", "theo's first passphrase")
        .await;
    let person = format!("/people/{}", theo.user_id);
    let promoted = app
        .post_form(
            &client,
            &person,
            &person,
            &[
                ("display_name", "Theo L."),
                ("role", "supervisor"),
                ("confirm_password", GOOD_PASSWORD),
            ],
        )
        .await;
    assert_eq!(promoted.status(), 303);
    assert_eq!(
        store
            .user_by_id(theo.user_id)
            .await
            .expect("get")
            .expect("exists")
            .role,
        Role::Supervisor
    );

    let disabled = app
        .post_form(&client, &person, &format!("{person}/disable"), &[])
        .await;
    assert_eq!(disabled.status(), 303);
    let after = theo_client.get(app.url("/")).send().await.expect("GET");
    assert!(
        location(&after).starts_with("/sign-in"),
        "a disabled account's session ends at once"
    );

    let reset = app
        .post_form(
            &client,
            &person,
            &format!("{person}/password"),
            &[
                ("password", "a reset passphrase for theo"),
                ("password_confirm", "a reset passphrase for theo"),
            ],
        )
        .await;
    assert_eq!(reset.status(), 303);
    app.post_form(&client, &person, &format!("{person}/enable"), &[])
        .await;
    app.signed_in_client("theo", "a reset passphrase for theo")
        .await;

    // An administrator cannot lock themselves out.
    let me = format!("/people/{}", admin.user_id);
    let self_disable = app
        .post_form(&client, &me, &format!("{me}/disable"), &[])
        .await;
    assert_eq!(self_disable.status(), 422);
    let demote = app
        .post_form(
            &client,
            &me,
            &me,
            &[("display_name", "Ada"), ("role", "auditor")],
        )
        .await;
    assert_eq!(demote.status(), 422);

    let audit = store.recent_audit(50).await.expect("audit");
    for action in [
        "user.create",
        "user.update",
        "user.disable",
        "user.reset_password",
        "user.enable",
    ] {
        assert!(
            audit.iter().any(|e| e.action == action && e.actor == "ada"),
            "{action} audited"
        );
    }
}

#[tokio::test]
async fn privileged_roles_need_a_second_administrator_or_the_only_ones_password() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let store = app.store().await;
    let ada = app.signed_in_client("ada", GOOD_PASSWORD).await;
    let add = |username: &'static str, role: &'static str, confirm: &'static str| {
        vec![
            ("username", username),
            ("display_name", username),
            ("role", role),
            ("password", "a first passphrase here"),
            ("password_confirm", "a first passphrase here"),
            ("confirm_password", confirm),
        ]
    };
    // Alone, Ada must type her password to make a supervisor; a wrong one changes nothing.
    let refused = app
        .post_form(
            &ada,
            "/people",
            "/people",
            &add("sam", "supervisor", "not my password"),
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(store.user_by_username("sam").await.expect("get").is_none());
    let created = app
        .post_form(
            &ada,
            "/people",
            "/people",
            &add("sam", "supervisor", GOOD_PASSWORD),
        )
        .await;
    assert_eq!(created.status(), 303);
    let sam = store
        .user_by_username("sam")
        .await
        .expect("get")
        .expect("sam");
    assert_eq!(sam.role, Role::Supervisor);
    assert!(!sam.disabled);
    // Every supervisor is told on the dashboard.
    let sam_client = app.signed_in_client("sam", "a first passphrase here").await;
    let (_, home) = app.get_page(&sam_client, "/").await;
    assert!(home.contains("Roles granted without a second administrator"));
    assert!(home.contains("made sam (sam) Supervisor"), "{home}");

    // With a second administrator, a new commissioner waits disabled for their approval.
    let created = app
        .post_form(
            &ada,
            "/people",
            "/people",
            &add("bea", "administrator", GOOD_PASSWORD),
        )
        .await;
    assert_eq!(created.status(), 303);
    let bea = store
        .user_by_username("bea")
        .await
        .expect("get")
        .expect("bea");
    assert!(
        !bea.disabled,
        "granted alone: Ada was still the only administrator"
    );
    let created = app
        .post_form(&ada, "/people", "/people", &add("cora", "commissioner", ""))
        .await;
    assert_eq!(created.status(), 303);
    let cora = store
        .user_by_username("cora")
        .await
        .expect("get")
        .expect("cora");
    assert!(cora.disabled, "waits for the second administrator");
    // Ada cannot approve her own request nor enable the account around it.
    let (_, page) = app.get_page(&ada, "/people").await;
    assert!(page.contains("Waits for another administrator"));
    let grant = store
        .role_grants(probity_server::storage::GrantState::Pending, 10)
        .await
        .expect("grants")[0]
        .role_grant_id;
    let own = app
        .post_form(
            &ada,
            "/people",
            &format!("/people/grants/{grant}/approve"),
            &[],
        )
        .await;
    assert_eq!(own.status(), 403);
    let person = format!("/people/{}", cora.user_id);
    let enable = app
        .post_form(&ada, &person, &format!("{person}/enable"), &[])
        .await;
    assert_eq!(enable.status(), 422);
    // Bea approves it: Cora is enabled as commissioner.
    let bea_client = app.signed_in_client("bea", "a first passphrase here").await;
    let (_, page) = app.get_page(&bea_client, "/people").await;
    assert!(page.contains("Approve for cora"));
    let approved = app
        .post_form(
            &bea_client,
            "/people",
            &format!("/people/grants/{grant}/approve"),
            &[],
        )
        .await;
    assert_eq!(approved.status(), 303);
    let cora = store
        .user_by_username("cora")
        .await
        .expect("get")
        .expect("cora");
    assert!(!cora.disabled && cora.role == Role::Commissioner);
    // A promotion asked by Bea keeps the old role until Ada decides; Ada refuses it.
    let theo = probity_tests::fixtures::user(
        &store,
        &probity_tests::fixtures::password_hash().await,
        "theo",
        Role::Investigator,
    )
    .await;
    let theo_page = format!("/people/{}", theo.user_id);
    let asked = app
        .post_form(
            &bea_client,
            &theo_page,
            &theo_page,
            &[("display_name", "Theo"), ("role", "supervisor")],
        )
        .await;
    assert_eq!(asked.status(), 303);
    assert_eq!(
        store
            .user_by_id(theo.user_id)
            .await
            .expect("get")
            .expect("theo")
            .role,
        Role::Investigator
    );
    let grant = store
        .role_grants(probity_server::storage::GrantState::Pending, 10)
        .await
        .expect("grants")[0]
        .role_grant_id;
    let refused = app
        .post_form(
            &ada,
            "/people",
            &format!("/people/grants/{grant}/refuse"),
            &[],
        )
        .await;
    assert_eq!(refused.status(), 303);
    assert_eq!(
        store
            .user_by_id(theo.user_id)
            .await
            .expect("get")
            .expect("theo")
            .role,
        Role::Investigator
    );
    // The audit page lists every change of role under `role.`.
    let changes = store
        .list_audit(
            &probity_server::storage::AuditFilter {
                action: Some("role.".into()),
                ..Default::default()
            },
            50,
        )
        .await
        .expect("audit");
    for action in [
        "role.grant_alone",
        "role.request",
        "role.approve",
        "role.refuse",
    ] {
        assert!(changes.iter().any(|e| e.action == action), "{action}");
    }
}

/// Sets account times directly, as months passing would.
async fn backdate(db: &probity_tests::TestDatabase, username: &str, column: &str, days: i64) {
    use sqlx::Connection as _;
    let at = time::OffsetDateTime::now_utc() - time::Duration::days(days);
    let sql = format!("update users set {column} = $1 where username = $2");
    match db.backend {
        probity_tests::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("connect");
            sqlx::query(&sql)
                .bind(at)
                .bind(username)
                .execute(&mut conn)
                .await
                .expect("backdate");
        }
        probity_tests::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            sqlx::query(&sql)
                .bind(at)
                .bind(username)
                .execute(&mut conn)
                .await
                .expect("backdate");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_unused_for_ninety_days_are_disabled_at_start_and_enabling_one_gives_it_a_fresh_start()
 {
    let mut app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    for name in ["olga", "nina", "bert", "fred"] {
        user(&store, &hash, name, Role::Investigator).await;
    }
    // olga last signed in 100 days ago; nina was created 100 days ago and never signed in;
    // bert last signed in 200 days ago but an administrator enabled him 10 days ago; fred
    // signed in 10 days ago.
    backdate(&app.db, "olga", "last_sign_in_at", 100).await;
    backdate(&app.db, "olga", "created_at", 400).await;
    backdate(&app.db, "nina", "created_at", 100).await;
    backdate(&app.db, "bert", "last_sign_in_at", 200).await;
    backdate(&app.db, "bert", "created_at", 400).await;
    backdate(&app.db, "bert", "reactivated_at", 10).await;
    backdate(&app.db, "fred", "last_sign_in_at", 10).await;
    backdate(&app.db, "fred", "created_at", 400).await;

    // The check runs when a server starts.
    app.restart(&[]).await;
    let disabled = |name: &'static str| {
        let store = store.clone();
        async move {
            store
                .user_by_username(name)
                .await
                .expect("read")
                .expect("exists")
                .disabled
        }
    };
    assert!(disabled("olga").await);
    assert!(disabled("nina").await);
    assert!(!disabled("bert").await, "enabled again 10 days ago");
    assert!(!disabled("fred").await);
    let trail = store.recent_audit(50).await.expect("trail");
    let entry = trail
        .iter()
        .find(|event| {
            event.action == "user.disable" && event.target.as_deref() == Some("user:olga")
        })
        .expect("olga's disabling is audited");
    assert_eq!(entry.actor, "probity");
    assert_eq!(entry.detail.as_deref(), Some("not used for 90 days"));
    // olga can no longer sign in.
    let client = app.client();
    let answer = app
        .post_form(
            &client,
            "/sign-in",
            "/sign-in",
            &[("username", "olga"), ("password", GOOD_PASSWORD)],
        )
        .await;
    assert_ne!(answer.status(), 303, "a disabled account signed in");

    // Enabled again by an administrator, the account starts afresh: the next check leaves it.
    store
        .set_user_disabled("olga", false)
        .await
        .expect("enable");
    app.restart(&[]).await;
    assert!(!disabled("olga").await, "enabled again, so not unused");
    // With the check off, nothing is disabled.
    backdate(&app.db, "fred", "last_sign_in_at", 365).await;
    app.restart(&["--disable-unused-days", "0"]).await;
    assert!(!disabled("fred").await);
    app.stop().await;
}

/// The ids of the "End it" forms on an account page.
fn session_ids(page: &str) -> Vec<String> {
    page.split("name=\"session\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_sees_and_ends_their_sessions_and_an_administrator_ends_anyones() {
    let app = TestApp::spawn().await;
    app.set_up_admin("root", GOOD_PASSWORD).await;
    let admin = app.signed_in_client("root", GOOD_PASSWORD).await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let laptop = client_for(&app, "ines").await;
    let phone = client_for(&app, "ines").await;

    // Both sessions are listed; only the other one can be ended from here.
    let (status, page) = app.get_page(&laptop, "/account").await;
    assert_eq!(status, 200);
    assert!(page.contains("Where you are signed in"), "{page}");
    assert!(page.contains("This session"));
    let others = session_ids(&page);
    assert_eq!(others.len(), 1, "{page}");
    let answer = app
        .post_form(
            &laptop,
            "/account",
            "/account/sessions/end",
            &[("session", &others[0])],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(location(&answer), "/account#sessions");
    // The phone is signed out at its next request; the laptop is not.
    let (_, page) = app.get_page(&phone, "/account").await;
    assert!(
        !page.contains("Where you are signed in"),
        "the ended session still works"
    );
    let (status, page) = app.get_page(&laptop, "/account").await;
    assert_eq!(status, 200);
    assert!(session_ids(&page).is_empty());
    // Ending it again, or a session that is not one's own, finds nothing.
    let answer = app
        .post_form(
            &laptop,
            "/account",
            "/account/sessions/end",
            &[("session", &others[0])],
        )
        .await;
    assert_eq!(answer.status(), 404);

    // Signing out ends the session's row too: it is not listed anywhere.
    let tablet = client_for(&app, "ines").await;
    let answer = app.post_form(&tablet, "/", "/sign-out", &[]).await;
    assert_eq!(answer.status(), 303);
    let (_, page) = app.get_page(&laptop, "/account").await;
    assert!(
        session_ids(&page).is_empty(),
        "a signed-out session is listed"
    );

    // An administrator ends every session of a person.
    let answer = app
        .post_form(
            &admin,
            &format!("/people/{}", ines.user_id),
            &format!("/people/{}/sessions/end", ines.user_id),
            &[],
        )
        .await;
    assert_eq!(answer.status(), 303);
    let (_, page) = app.get_page(&laptop, "/account").await;
    assert!(
        !page.contains("Where you are signed in"),
        "ines is still signed in"
    );
    // Only administrators may.
    let again = client_for(&app, "ines").await;
    let answer = app
        .post_form(
            &again,
            "/",
            &format!("/people/{}/sessions/end", ines.user_id),
            &[],
        )
        .await;
    assert_ne!(answer.status(), 303);
    // And everyone's, the administrator's own included.
    let answer = app
        .post_form(&admin, "/people", "/people/sessions/end", &[])
        .await;
    assert_eq!(answer.status(), 303);
    for client in [&admin, &again] {
        let (_, page) = app.get_page(client, "/account").await;
        assert!(!page.contains("Where you are signed in"));
    }
    let trail = store.recent_audit(100).await.expect("trail");
    for action in ["session.end", "session.end_all", "session.end_everyone"] {
        assert!(
            trail.iter().any(|event| event.action == action),
            "{action} is not audited"
        );
    }
    app.stop().await;
}
