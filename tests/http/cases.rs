//! Cases over HTTP: opening, validation, the status workflow, concurrent edits, notes with
//! versions, and the audit entries they leave.

use probity_domain::roles::Role;
use probity_tests::fixtures::{case, client_for, password_hash, user};
use probity_tests::{TestApp, location};

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    token_from: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.post_form(client, token_from, path, fields).await
}

fn case_form<'a>(title: &'a str, version: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("title", title),
        ("summary", "Summary line one\nline two"),
        ("subject_agency", "Department of Buildings"),
        ("intake_channel", "complaint"),
        ("received_on", "2025-02-03"),
        ("priority", "high"),
        ("confidentiality", "confidential"),
        ("version", version),
    ]
}

#[tokio::test]
async fn an_investigator_opens_a_case_and_bad_input_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "ines", Role::Investigator).await;
    let client = client_for(&app, "ines").await;

    let mut bad = case_form("", "");
    bad[4] = ("received_on", "2025-02-30");
    let refused = post(&app, &client, "/cases/new", "/cases/new", &bad).await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("body");
    assert!(body.contains("Enter a title."));
    assert!(body.contains("YYYY-MM-DD"));
    assert!(
        body.contains("Department of Buildings"),
        "typed values are kept"
    );
    assert!(
        store.my_cases(1, 10).await.expect("cases").is_empty(),
        "nothing half-saved"
    );

    let created = post(
        &app,
        &client,
        "/cases/new",
        "/cases/new",
        &case_form("Permit bribery", ""),
    )
    .await;
    assert_eq!(created.status(), 303);
    let path = location(&created);
    let page = client
        .get(app.url(&path))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let year = time::OffsetDateTime::now_utc().year();
    assert!(
        page.contains(&format!("{year}-0001: Permit bribery")),
        "numbered per year"
    );
    assert!(page.contains("Intake"));
    assert!(page.contains("Case opened"), "the history starts");

    let second = post(
        &app,
        &client,
        "/cases/new",
        "/cases/new",
        &case_form("Second case", ""),
    )
    .await;
    let page = client
        .get(app.url(&location(&second)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(page.contains(&format!("{year}-0002")));

    let views = store
        .list_audit(
            &probity_server::storage::AuditFilter {
                action: Some("case.view".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
    assert_eq!(views.len(), 2, "each read of a case is audited");
    assert!(
        views
            .iter()
            .all(|event| event.actor == "ines" && event.remote_addr.is_some())
    );
}

#[tokio::test]
async fn the_workflow_allows_only_its_transitions_and_reopening_needs_a_supervisor() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let lead = user(&store, &hash, "ines", Role::Investigator).await;
    user(&store, &hash, "sam", Role::Supervisor).await;
    let opened = case(&store, &lead, "Workflow case").await;
    let status_path = format!("/cases/{}/status", opened.case_id);
    let client = client_for(&app, "ines").await;

    let illegal = post(
        &app,
        &client,
        &status_path,
        &status_path,
        &[
            ("to", "under_review"),
            ("from", "intake"),
            ("version", "1"),
            ("reason", "skip ahead"),
        ],
    )
    .await;
    assert_eq!(illegal.status(), 422);
    let body = illegal.text().await.expect("body");
    assert!(body.contains("A case cannot move from Intake to Under review."));
    assert!(body.contains("skip ahead"), "the reason typed is kept");

    let no_reason = post(
        &app,
        &client,
        &status_path,
        &status_path,
        &[
            ("to", "open"),
            ("from", "intake"),
            ("version", "1"),
            ("reason", " "),
        ],
    )
    .await;
    assert_eq!(no_reason.status(), 422);

    let steps = [
        ("open", "intake"),
        ("investigation", "open"),
        ("closed", "investigation"),
    ];
    for (version, (to, from)) in (1..).zip(steps) {
        let version = version.to_string();
        let moved = post(
            &app,
            &client,
            &status_path,
            &status_path,
            &[
                ("to", to),
                ("from", from),
                ("version", &version),
                ("reason", "next step"),
            ],
        )
        .await;
        assert_eq!(moved.status(), 303, "{from} -> {to}");
    }
    let history = store.status_history(opened.case_id).await.expect("history");
    assert_eq!(history.len(), 4);
    assert!(
        history
            .iter()
            .skip(1)
            .all(|step| step.reason == "next step" && step.changed_by_name.starts_with("ines"))
    );

    // The investigator may not reopen.
    let reopen = post(
        &app,
        &client,
        &status_path,
        &status_path,
        &[
            ("to", "open"),
            ("from", "closed"),
            ("version", "4"),
            ("reason", "new evidence"),
        ],
    )
    .await;
    assert_eq!(reopen.status(), 422);
    assert!(
        reopen
            .text()
            .await
            .expect("body")
            .contains("Only a supervisor can reopen")
    );
    // The supervisor may.
    let supervisor = client_for(&app, "sam").await;
    let reopened = post(
        &app,
        &supervisor,
        &status_path,
        &status_path,
        &[
            ("to", "open"),
            ("from", "closed"),
            ("version", "4"),
            ("reason", "new evidence"),
        ],
    )
    .await;
    assert_eq!(reopened.status(), 303);
    let case = store
        .case_by_id(opened.case_id)
        .await
        .expect("case")
        .expect("exists");
    assert_eq!(case.status, probity_domain::cases::CaseStatus::Open);
    let refusals = store
        .list_audit(
            &probity_server::storage::AuditFilter {
                action: Some("case.move_status".into()),
                outcome: Some(probity_server::storage::Outcome::Refused),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
    assert_eq!(refusals.len(), 1, "the refused reopening is audited");
}

#[tokio::test]
async fn a_save_based_on_an_old_version_is_refused_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let lead = user(&store, &hash, "ines", Role::Investigator).await;
    let theo = user(&store, &hash, "theo", Role::Investigator).await;
    let opened = case(&store, &lead, "Original title").await;
    store
        .add_member(opened.case_id, theo.user_id, lead.user_id)
        .await
        .expect("member");
    let edit = format!("/cases/{}/edit", opened.case_id);
    let first = client_for(&app, "ines").await;
    let second = client_for(&app, "theo").await;

    let saved = post(&app, &first, &edit, &edit, &case_form("Ines's title", "1")).await;
    assert_eq!(saved.status(), 303);
    let stale = post(&app, &second, &edit, &edit, &case_form("Theo's title", "1")).await;
    assert_eq!(stale.status(), 409);
    let body = stale.text().await.expect("body");
    assert!(body.contains("Someone else changed this while you were editing"));
    assert!(
        body.contains("value=\"Theo&#x27;s title\"") || body.contains("value=\"Theo's title\""),
        "Theo's text is kept"
    );
    assert!(
        body.contains("Ines&#x27;s title") || body.contains("Ines's title"),
        "the saved version is shown"
    );
    let case = store
        .case_by_id(opened.case_id)
        .await
        .expect("case")
        .expect("exists");
    assert_eq!(case.title, "Ines's title", "nothing silently overwritten");
    assert_eq!(case.version, 2);
    // Saving again from the refreshed form (now based on version 2) works.
    let retried = post(&app, &second, &edit, &edit, &case_form("Theo's title", "2")).await;
    assert_eq!(retried.status(), 303);
}

#[tokio::test]
async fn notes_keep_every_version_and_parties_and_allegations_are_searchable() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let lead = user(&store, &hash, "ines", Role::Investigator).await;
    let opened = case(&store, &lead, "Notes case").await;
    let base = format!("/cases/{}", opened.case_id);
    let client = client_for(&app, "ines").await;

    let party = post(
        &app,
        &client,
        &format!("{base}/parties/new"),
        &format!("{base}/parties/new"),
        &[
            ("name", "Zebulon Marchetti"),
            ("kind", "person"),
            ("party_role", "subject"),
            ("pseudonym", "Officer Z"),
            ("details", ""),
        ],
    )
    .await;
    assert_eq!(party.status(), 303);
    let parties = store.parties(opened.case_id).await.expect("parties");
    let party_id = parties[0].party_id.to_string();
    let allegation = post(
        &app,
        &client,
        &format!("{base}/allegations/new"),
        &format!("{base}/allegations/new"),
        &[
            ("subject_party_id", &party_id),
            ("summary", "Accepted gratuities from contractors"),
            ("rule_at_issue", "Conflicts of Interest Law"),
            ("status", "open"),
        ],
    )
    .await;
    assert_eq!(allegation.status(), 303);
    let foreign = post(
        &app,
        &client,
        &format!("{base}/allegations/new"),
        &format!("{base}/allegations/new"),
        &[
            ("subject_party_id", "999999"),
            ("summary", "x"),
            ("rule_at_issue", "y"),
            ("status", "open"),
        ],
    )
    .await;
    assert_eq!(
        foreign.status(),
        422,
        "a subject from another case is refused"
    );

    let token = app.form_token(&client, "/cases").await;
    for words in ["marchetti", "officer z", "gratuities", "conflicts interest"] {
        let found = client
            .post(app.url("/cases/search"))
            .header("origin", app.origin())
            .form(&[("csrf_token", token.as_str()), ("q", words)])
            .send()
            .await
            .expect("POST")
            .text()
            .await
            .expect("body");
        assert!(found.contains("Notes case"), "search for {words}");
    }

    let added = post(
        &app,
        &client,
        &format!("{base}/notes/new"),
        &format!("{base}/notes/new"),
        &[("body", "First words")],
    )
    .await;
    assert_eq!(added.status(), 303);
    let note = store.notes(opened.case_id).await.expect("notes").remove(0);
    let edit = format!("{base}/notes/{}/edit", note.note_id);
    let edited = post(
        &app,
        &client,
        &edit,
        &edit,
        &[("body", "Second words"), ("version", "1")],
    )
    .await;
    assert_eq!(edited.status(), 303);
    let stale = post(
        &app,
        &client,
        &edit,
        &edit,
        &[("body", "Third words"), ("version", "1")],
    )
    .await;
    assert_eq!(stale.status(), 409);
    let history = client
        .get(app.url(&format!("{base}/notes/{}/history", note.note_id)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(history.contains("First words") && history.contains("Second words"));
    assert!(!history.contains("Third words"));
}
