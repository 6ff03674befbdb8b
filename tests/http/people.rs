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
