//! People administration over HTTP.

use probity_app::types::Role;
use probity_tests::fixtures::{client_for, password_hash, user};
use probity_tests::{TestApp, location};

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
            &[("display_name", "Theo L."), ("role", "supervisor")],
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
