//! The review's medium and low findings, each through the real routes: sessions after a
//! password change, the sign-in pause per name and address, password hashing under a flood,
//! recusal rules, CSV formulas, thumbnail views, refused uploads and download names.

use probity_domain::roles::Role;
use probity_tests::fixtures::{client_for, password_hash, team_case, upload, upload_one, user};
use probity_tests::{GOOD_PASSWORD, TestApp, browser_client, location};

/// A browser-like client whose connections come from another loopback address.
fn client_from(address: &str) -> reqwest::Client {
    browser_client()
        .local_address(address.parse::<std::net::IpAddr>().expect("address"))
        .build()
        .expect("client")
}

async fn sign_in(app: &TestApp, client: &reqwest::Client, name: &str, password: &str) -> u16 {
    app.post_form(
        client,
        "/sign-in",
        "/sign-in",
        &[("username", name), ("password", password)],
    )
    .await
    .status()
    .as_u16()
}

async fn status_of(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.expect("GET");
    let status = response.status().as_u16();
    let location = location(&response);
    (status, location)
}

#[tokio::test]
async fn a_password_change_or_reset_ends_the_accounts_other_sessions() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let store = app.store().await;
    let hash = password_hash().await;
    let theo = user(&store, &hash, "theo", Role::Investigator).await;
    let laptop = app.signed_in_client("theo", GOOD_PASSWORD).await;
    let phone = app.signed_in_client("theo", GOOD_PASSWORD).await;
    let changed = app
        .post_form(
            &laptop,
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
    assert_eq!(
        status_of(&app, &laptop, "/").await.0,
        200,
        "this session goes on"
    );
    let (status, to) = status_of(&app, &phone, "/").await;
    assert_eq!(status, 303);
    assert!(to.starts_with("/sign-in"), "the other session ended");

    // An administrator's reset ends every session and lifts the pause on the name.
    let attacker = client_from("127.0.0.9");
    for _ in 0..5 {
        assert_eq!(
            sign_in(&app, &attacker, "theo", "a wrong guess here").await,
            422
        );
    }
    assert_eq!(
        sign_in(&app, &attacker, "theo", "a brand new passphrase").await,
        429,
        "paused from that address"
    );
    let admin = app.signed_in_client("ada", GOOD_PASSWORD).await;
    let person = format!("/people/{}", theo.user_id);
    let reset = app
        .post_form(
            &admin,
            &person,
            &format!("{person}/password"),
            &[
                ("password", "a reset passphrase for theo"),
                ("password_confirm", "a reset passphrase for theo"),
            ],
        )
        .await;
    assert_eq!(reset.status(), 303);
    let (status, _) = status_of(&app, &laptop, "/").await;
    assert_eq!(status, 303, "a reset ends the remaining session too");
    assert_eq!(
        sign_in(&app, &attacker, "theo", "a reset passphrase for theo").await,
        303,
        "the reset lifted the pause"
    );
}

#[tokio::test]
async fn failures_pause_the_name_from_that_address_only_and_spraying_pauses_the_address() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "ines", Role::Investigator).await;
    // Someone elsewhere cannot lock ines out by failing on purpose.
    let attacker = client_from("127.0.0.2");
    for _ in 0..6 {
        sign_in(&app, &attacker, "ines", "a wrong guess here").await;
    }
    assert_eq!(sign_in(&app, &attacker, "ines", GOOD_PASSWORD).await, 429);
    let ines = client_from("127.0.0.3");
    assert_eq!(sign_in(&app, &ines, "ines", GOOD_PASSWORD).await, 303);
    // Password spraying: one address, many names, a few tries each.
    let sprayer = client_from("127.0.0.4");
    let mut statuses = Vec::new();
    for round in 0..40 {
        let name = format!("user{round}");
        statuses.push(sign_in(&app, &sprayer, &name, "Winter2025!Winter2025").await);
    }
    assert!(
        statuses[..30].iter().all(|status| *status == 422),
        "{statuses:?}"
    );
    assert!(
        statuses[30..].iter().all(|status| *status == 429),
        "{statuses:?}"
    );
    assert_eq!(
        sign_in(&app, &sprayer, "ines", GOOD_PASSWORD).await,
        429,
        "the address is paused for every name"
    );
    // What was typed for an unknown name is not in the audit trail; a hash stands for it.
    let audit = store.recent_audit(200).await.expect("audit");
    assert!(audit.iter().all(|event| !event.actor.contains("user1")));
    assert!(
        audit
            .iter()
            .any(|event| event.actor.starts_with("unknown name #"))
    );
    assert!(audit.iter().any(|event| event.actor == "ines"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_sign_ins_is_queued_or_refused_with_retry_after() {
    let app = TestApp::spawn().await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let mut tasks = Vec::new();
    for index in 0..300 {
        let url = app.url("/sign-in");
        let origin = app.origin();
        tasks.push(tokio::spawn(async move {
            // Each from its own address, so the pause does not answer first.
            let client = client_from(&format!("127.0.{}.{}", 10 + index / 200, 1 + index % 200));
            // All at once, as a flood would come.
            let token = probity_tests::page_token(&client, &url).await;
            let response = client
                .post(&url)
                .header("origin", origin)
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("username", &format!("nobody{index}")),
                    ("password", "a wrong guess here"),
                ])
                .send()
                .await
                .expect("POST");
            let retry = response.headers().get("retry-after").is_some();
            (response.status().as_u16(), retry)
        }));
    }
    let mut busy = 0;
    for task in tasks {
        let (status, retry) = task.await.expect("task");
        assert!(status == 422 || status == 503, "{status}");
        if status == 503 {
            assert!(retry, "a refusal says when to try again");
            busy += 1;
        }
    }
    assert!(
        busy > 0,
        "more sign-ins than may wait are refused, not queued without end"
    );
}

/// Posts a team change (`recuse`, `lift`) from the team page; its status.
async fn team_change(
    app: &TestApp,
    client: &reqwest::Client,
    base: &str,
    change: &str,
    fields: &[(&str, &str)],
) -> u16 {
    app.post_form(
        client,
        &format!("{base}/team"),
        &format!("{base}/team/{change}"),
        fields,
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn only_a_supervisor_recuses_never_their_own_and_history_is_kept() {
    let team = team_case("Recusals", &[]).await;
    let app = &team.app;
    let store = app.store().await;
    let hash = password_hash().await;
    let sam = user(&store, &hash, "sam", Role::Supervisor).await;
    let cora = user(&store, &hash, "cora", Role::Commissioner).await;
    let supervisor = client_for(app, "sam").await;
    let base = format!("/cases/{}", team.case_id);
    let theo = store
        .user_by_username("theo")
        .await
        .expect("get")
        .expect("theo");
    // The lead can neither recuse nor lift.
    let cora_id = cora.user_id.to_string();
    let theo_id = theo.user_id.to_string();
    for (change, field) in [("recuse", "recuse_user_id"), ("lift", "user_id")] {
        let status = team_change(
            app,
            &team.lead,
            &base,
            change,
            &[(field, &cora_id), ("reason", "Conflict")],
        )
        .await;
        assert_eq!(status, 403, "the lead may not {change}");
    }
    // A supervisor may not recuse themselves, nor the office's only commissioner.
    for target in [sam.user_id.to_string(), cora_id.clone()] {
        let status = team_change(
            app,
            &supervisor,
            &base,
            "recuse",
            &[("recuse_user_id", &target), ("reason", "Conflict")],
        )
        .await;
        assert_eq!(status, 422);
    }
    // Recusing theo, then lifting it with a reason: both stay on the team page.
    let recuse_theo = [
        ("recuse_user_id", theo_id.as_str()),
        ("reason", "Related to the subject"),
    ];
    assert_eq!(
        team_change(app, &supervisor, &base, "recuse", &recuse_theo).await,
        303
    );
    assert_eq!(
        status_of(app, &team.member, &base).await.0,
        404,
        "walled off"
    );
    let no_reason = [("user_id", theo_id.as_str())];
    assert_eq!(
        team_change(app, &supervisor, &base, "lift", &no_reason).await,
        422
    );
    let lift_theo = [
        ("user_id", theo_id.as_str()),
        ("lift_reason", "Conflict cleared by counsel"),
    ];
    assert_eq!(
        team_change(app, &supervisor, &base, "lift", &lift_theo).await,
        303
    );
    let (_, page) = app.get_page(&supervisor, &format!("{base}/team")).await;
    assert!(page.contains("Lifted recusals"));
    assert!(
        page.contains("Related to the subject") && page.contains("Conflict cleared by counsel")
    );
    assert!(page.contains("Who can see this case") && page.contains("cora (test)"));
    let history = store.lifted_recusals(team.case_id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].recused_by_name, "sam (test)");
    assert_eq!(history[0].lifted_by_name, "sam (test)");
    // With a second commissioner, the first may be recused by a supervisor.
    user(&store, &hash, "carl", Role::Commissioner).await;
    let recuse_cora = [
        ("recuse_user_id", cora_id.as_str()),
        ("reason", "Former colleague"),
    ];
    assert_eq!(
        team_change(app, &supervisor, &base, "recuse", &recuse_cora).await,
        303
    );
}

#[tokio::test]
async fn csv_exports_defuse_formulas() {
    let team = team_case("Formulas", &[]).await;
    let app = &team.app;
    let base = format!("/cases/{}", team.case_id);
    let made = app
        .post_form(
            &team.lead,
            &format!("{base}/incidents/new"),
            &format!("{base}/incidents/new"),
            &[
                ("title", "=HYPERLINK(\"http://evil.example\",\"open\")"),
                ("summary", ""),
            ],
        )
        .await;
    let incident = location(&made);
    let added = app
        .post_form(
            &team.lead,
            &format!("{incident}/events/new"),
            &format!("{incident}/events/new"),
            &[
                ("precision", "minute"),
                ("start", "2024-11-21 16:41"),
                ("time_zone", "UTC"),
                ("kind", "communication"),
                ("channel", "phone"),
                ("permitted_basis", "unknown"),
                ("narrative", "@SUM(1+1)*cmd|' /C calc'!A0"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let csv = team
        .lead
        .get(app.url(&format!("{base}/events.csv")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        for cell in record.expect("row").iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
    }
    assert!(csv.contains("'=HYPERLINK") && csv.contains("'@SUM"));
}

#[tokio::test]
async fn thumbnails_are_audited_refused_uploads_leave_nothing_and_names_lose_controls() {
    let team = team_case("Evidence hygiene", &[]).await;
    let app = &team.app;
    let store = app.store().await;
    let png = probity_server::demo::screenshot::text_png("BOOKING", &["PHOTO"]);
    let exhibit = upload_one(&team, "photo\u{202E}gnp.exe", &png, false).await;
    let base = format!("/cases/{}/exhibits/{exhibit}", team.case_id);
    let shown = team
        .lead
        .get(app.url(&format!("{base}/thumbnail")))
        .send()
        .await
        .expect("GET");
    assert_eq!(shown.status(), 200);
    let custody = store.custody(exhibit).await.expect("custody");
    assert!(
        custody
            .iter()
            .any(|step| step.reason == "Viewed the thumbnail")
    );
    let audit = store.recent_audit(50).await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|event| event.action == "exhibit.thumbnail")
    );
    // The download's name carries no right-to-left override.
    let download = app
        .post_form(
            &team.lead,
            &base,
            &format!("{base}/download"),
            &[("reason", "Review")],
        )
        .await;
    assert_eq!(download.status(), 200);
    let disposition = download
        .headers()
        .get("content-disposition")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(!disposition.contains("%E2%80%AE"), "{disposition}");
    assert!(disposition.contains("photogn"), "{disposition}");
    // A refused upload (its second file is empty) leaves the first one's file behind no more.
    let blobs = team.app.db.data_dir.join("blobs").join("sha256");
    let count = || walk(&blobs);
    let before = count();
    let refused = upload(
        app,
        &team.lead,
        team.case_id,
        &[],
        vec![
            ("fresh.txt", b"content stored nowhere else".to_vec()),
            ("empty.txt", Vec::new()),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(count(), before, "the refused upload's file is gone");
    // The same bytes as a kept exhibit are not removed with a refused upload.
    let refused = upload(
        app,
        &team.lead,
        team.case_id,
        &[],
        vec![("again.png", png.clone()), ("empty.txt", Vec::new())],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let kept = team
        .lead
        .get(app.url(&format!("{base}/thumbnail")))
        .send()
        .await
        .expect("GET");
    assert_eq!(kept.status(), 200);
    assert_eq!(count(), before, "the exhibit's own file stays");
}

/// Files under a folder, at any depth.
fn walk(folder: &std::path::Path) -> usize {
    std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| {
                    let path = entry.path();
                    if path.is_dir() { walk(&path) } else { 1 }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Rows in the session table, read straight from the test database.
async fn session_rows(app: &TestApp) -> i64 {
    use sqlx::Connection as _;
    match app.db.backend {
        probity_tests::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&app.db.url)
                .await
                .expect("sqlite");
            sqlx::query_scalar("select count(*) from tower_sessions")
                .fetch_one(&mut conn)
                .await
                .expect("count")
        }
        probity_tests::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&app.db.url)
                .await
                .expect("postgres");
            sqlx::query_scalar("select count(*) from tower_sessions.session")
                .fetch_one(&mut conn)
                .await
                .expect("count")
        }
    }
}

#[tokio::test]
async fn anonymous_visits_write_no_session_rows_and_sign_in_still_works() {
    let app = TestApp::spawn().await;
    // Setup itself is anonymous too: its form token is a cookie of its own.
    let before_setup = session_rows(&app).await;
    let visitor = app.client();
    let page = visitor.get(app.url("/setup")).send().await.expect("GET");
    assert_eq!(page.status(), 200);
    assert_eq!(session_rows(&app).await, before_setup, "the setup page");
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let before = session_rows(&app).await;
    for _ in 0..20 {
        let anonymous = app.client();
        for path in [
            "/",
            "/sign-in",
            "/no-such-page",
            "/reports",
            "/cases/1",
            "/healthz",
        ] {
            anonymous.get(app.url(path)).send().await.expect("GET");
        }
        // A failed sign-in writes none either.
        sign_in(&app, &anonymous, "nobody", "a wrong guess here").await;
    }
    assert_eq!(
        session_rows(&app).await,
        before,
        "anonymous visits write no session rows"
    );
    // Signing in does, once; a forged form token is refused.
    let client = app.client();
    let forged = client
        .post(app.url("/sign-in"))
        .header("origin", app.origin())
        .form(&[
            ("csrf_token", "0".repeat(64).as_str()),
            ("username", "ada"),
            ("password", GOOD_PASSWORD),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), 403);
    assert_eq!(sign_in(&app, &client, "ada", GOOD_PASSWORD).await, 303);
    assert_eq!(session_rows(&app).await, before + 1);
    assert_eq!(status_of(&app, &client, "/").await.0, 200);
}

#[tokio::test]
async fn a_highly_confidential_case_is_seen_by_its_team_and_those_named_only() {
    let team = team_case("Sealed inquiry", &[]).await;
    let app = &team.app;
    let store = app.store().await;
    let hash = password_hash().await;
    let sam = user(&store, &hash, "sam", Role::Supervisor).await;
    let pat = user(&store, &hash, "pat", Role::Supervisor).await;
    let cora = user(&store, &hash, "cora", Role::Commissioner).await;
    let carl = user(&store, &hash, "carl", Role::Commissioner).await;
    let (supervisor, other_supervisor) =
        (client_for(app, "sam").await, client_for(app, "pat").await);
    let (commissioner, other_commissioner) =
        (client_for(app, "cora").await, client_for(app, "carl").await);
    let base = format!("/cases/{}", team.case_id);
    let pages = [
        base.clone(),
        format!("{base}/team"),
        format!("{base}/exhibits/new"),
        format!("{base}/timeline"),
    ];
    assert_eq!(
        status_of(app, &commissioner, &base).await.0,
        200,
        "not sealed yet"
    );

    // Sam, a supervisor not on the team, seals the case: he is named and keeps seeing it.
    let case = store
        .case_by_id(team.case_id)
        .await
        .expect("get")
        .expect("case");
    let version = case.version.to_string();
    let sealed = app
        .post_form(
            &supervisor,
            &format!("{base}/edit"),
            &format!("{base}/edit"),
            &[
                ("title", "Sealed inquiry"),
                ("summary", "Concerns the office's own staff."),
                ("subject_agency", "Department of Tests"),
                ("intake_channel", "complaint"),
                ("received_on", "2025-01-15"),
                ("priority", "normal"),
                ("confidentiality", "highly_confidential"),
                ("time_zone", "UTC"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(sealed.status(), 303);
    let (_, page) = app.get_page(&supervisor, &base).await;
    assert!(page.contains("You were named"), "the sealer is told");
    // Everyone else outside the team: 404 on every page, and absent from lists and counts.
    for client in [&other_supervisor, &commissioner, &other_commissioner] {
        for path in &pages {
            assert_eq!(status_of(app, client, path).await.0, 404, "{path}");
        }
        let (_, list) = app.get_page(client, "/cases?q=Sealed").await;
        assert!(
            !list.contains("Sealed inquiry"),
            "listed to an unnamed person"
        );
        let (_, list) = app.get_page(client, "/cases").await;
        assert!(!list.contains("Sealed inquiry"));
    }
    let counts = |user_id: i64| {
        let store = &store;
        async move {
            store
                .count_by_status(probity_server::storage::cases::CaseViewer {
                    user_id,
                    office_wide: true,
                })
                .await
                .expect("counts")
                .iter()
                .map(|(_, count)| count)
                .sum::<i64>()
        }
    };
    assert_eq!(counts(sam.user_id).await, 1);
    assert_eq!(
        counts(cora.user_id).await,
        0,
        "the dashboard counts only what she may see"
    );
    for client in [&team.lead, &team.member, &supervisor] {
        for path in &pages {
            assert_eq!(status_of(app, client, path).await.0, 200, "{path}");
        }
    }

    // The team page says who sees it and why, and warns that no commissioner can.
    let (_, page) = app.get_page(&team.lead, &format!("{base}/team")).await;
    assert!(page.contains("named to see this highly confidential case"));
    assert!(page.contains("No commissioner can see this case"));
    assert!(!page.contains("pat (test): sees every case"));
    // The lead names Cora; an investigator cannot be named.
    let cora_id = cora.user_id.to_string();
    let name = |id: &str| [("overseer_user_id", id.to_string())];
    for (who, status) in [
        (team_member_id(&store, "theo").await, 422),
        (cora_id.clone(), 303),
    ] {
        let fields = name(&who);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            team_change(app, &team.lead, &base, "name", &fields).await,
            status
        );
    }
    assert_eq!(status_of(app, &commissioner, &base).await.0, 200);
    assert_eq!(status_of(app, &other_commissioner, &base).await.0, 404);
    assert_eq!(counts(cora.user_id).await, 1);

    // The last named supervisor or commissioner cannot be taken off.
    for id in [sam.user_id, cora.user_id] {
        let id = id.to_string();
        assert_eq!(
            team_change(app, &team.lead, &base, "unname", &[("user_id", &id)]).await,
            422
        );
    }
    // With Pat and Carl named, Sam and Cora may go, and lose the case.
    for id in [pat.user_id, carl.user_id] {
        let id = id.to_string();
        assert_eq!(
            team_change(
                app,
                &supervisor,
                &base,
                "name",
                &[("overseer_user_id", &id)]
            )
            .await,
            303
        );
    }
    for id in [cora.user_id, sam.user_id] {
        let id = id.to_string();
        assert_eq!(
            team_change(app, &other_supervisor, &base, "unname", &[("user_id", &id)]).await,
            303
        );
    }
    assert_eq!(status_of(app, &commissioner, &base).await.0, 404);
    assert_eq!(status_of(app, &supervisor, &base).await.0, 404);
    assert_eq!(status_of(app, &other_commissioner, &base).await.0, 200);
    // Each naming is in the audit trail.
    let trail = store
        .list_audit(&probity_server::storage::AuditFilter::default(), 500)
        .await
        .expect("audit");
    let named = trail
        .iter()
        .filter(|event| event.action.starts_with("case.name_overseer"))
        .count();
    let unnamed = trail
        .iter()
        .filter(|event| event.action == "case.unname_overseer" && event.outcome == "success")
        .count();
    assert_eq!((named >= 4, unnamed), (true, 2));
}

async fn team_member_id(store: &probity_server::storage::DynStore, username: &str) -> String {
    store
        .user_by_username(username)
        .await
        .expect("get")
        .expect("user")
        .user_id
        .to_string()
}
