//! `probity demo`: the fictional case loads once, with every feature, and is browsable.

use probity_tests::TestApp;

#[tokio::test]
async fn the_demo_case_loads_once_and_shows_every_part() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let settings_blobs =
        probity_server::blobs::fs::FsBlobStore::open(app.db.data_dir.join("blobs")).expect("blobs");
    let blobs: std::sync::Arc<dyn probity_server::blobs::BlobStore> =
        std::sync::Arc::new(settings_blobs);
    let password = probity_server::demo::DEMO_PASSWORD;
    probity_server::demo::load(
        &store,
        &blobs,
        password,
        "",
        "Office of the Inspector General",
    )
    .await
    .expect("demo");
    probity_server::demo::load(
        &store,
        &blobs,
        password,
        "",
        "Office of the Inspector General",
    )
    .await
    .expect("demo again changes nothing");

    let ines = store
        .user_by_username("ines.investigator")
        .await
        .expect("get")
        .expect("demo user");
    let all = store.my_cases(ines.user_id, 10).await.expect("cases");
    assert_eq!(
        all.len(),
        3,
        "the demo case and the two queue cases, once each"
    );
    // The smaller cases fill the dashboard's queues: a draft to review, one returned.
    for (title, state) in [
        (
            probity_server::demo::DEMO_REVIEW_TITLE,
            probity_domain::reports::ReportState::Submitted,
        ),
        (
            probity_server::demo::DEMO_RETURNED_TITLE,
            probity_domain::reports::ReportState::Returned,
        ),
    ] {
        let queued = all.iter().find(|c| c.title == title).expect(title);
        let versions = store
            .report_versions(queued.case_id)
            .await
            .expect("versions");
        assert_eq!(versions[0].state, state, "{title}");
    }
    let cases: Vec<_> = all
        .into_iter()
        .filter(|c| c.title == probity_server::demo::DEMO_CASE_TITLE)
        .collect();
    assert_eq!(cases.len(), 1, "one demo case, not two");
    let case_id = cases[0].case_id;
    assert_eq!(
        store
            .exhibits(case_id, ines.user_id)
            .await
            .expect("exhibits")
            .len(),
        3
    );
    assert_eq!(
        store
            .message_count(store.exhibits(case_id, ines.user_id).await.expect("e")[1].exhibit_id)
            .await
            .expect("count"),
        7
    );
    assert_eq!(store.incidents(case_id).await.expect("incidents").len(), 2);
    let events = store
        .events(case_id, None, ines.user_id)
        .await
        .expect("events");
    assert_eq!(events.len(), 6);
    assert!(
        events.iter().any(|event| event.is_range()),
        "uncertain events are ranges"
    );
    assert!(events.iter().all(|e| !e.exhibits.is_empty()
        || !e.messages.is_empty()
        || e.narrative.contains("not recorded")));

    // Findings, recommendations, and a published report whose public files name nobody.
    assert_eq!(store.findings(case_id).await.expect("findings").len(), 3);
    assert_eq!(store.recommendations(case_id).await.expect("recs").len(), 2);
    let versions = store.report_versions(case_id).await.expect("versions");
    assert_eq!(
        versions.iter().map(|v| v.state).collect::<Vec<_>>(),
        [
            probity_domain::reports::ReportState::Approved,
            probity_domain::reports::ReportState::Published,
            probity_domain::reports::ReportState::Returned,
        ]
    );
    let anonymous = app.client();
    let portal = anonymous
        .get(app.url("/reports"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(portal.contains(probity_server::demo::DEMO_CASE_TITLE));
    let parties = store.parties(case_id).await.expect("parties");
    let number = cases[0].case_number.clone();
    for file in ["", "/report.html", "/report.json", "/report.pdf"] {
        let response = anonymous
            .get(app.url(&format!("/reports/{number}/1{file}")))
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 200, "{file}");
        let body = response.bytes().await.expect("body").to_vec();
        let text = if file == "/report.pdf" {
            probity_tests::fixtures::pdf_text(&body)
        } else {
            String::from_utf8_lossy(&body).into_owned()
        };
        assert!(text.contains("Detainee A"), "{file} uses pseudonyms");
        for party in parties
            .iter()
            .filter(|p| p.kind == probity_domain::cases::PartyKind::Person)
        {
            for part in party.name.split([' ', '-']) {
                assert!(!text.contains(part), "{part} in the published {file}");
            }
        }
        assert!(!text.contains("RC-4471"), "redacted text in {file}");
    }

    // Publication entered the listed exhibits' chains of custody.
    let mut exported = 0;
    for exhibit in store
        .exhibits(case_id, ines.user_id)
        .await
        .expect("exhibits")
    {
        exported += store
            .custody(exhibit.exhibit_id)
            .await
            .expect("custody")
            .iter()
            .filter(|step| step.action == probity_domain::evidence::CustodyAction::Exported)
            .count();
    }
    assert!(exported > 0, "exported entries in the custody logs");

    // Browsable by the lead, walled off from the recused supervisor and the outsider.
    let lead = app.signed_in_client("ines.investigator", password).await;
    for path in [
        format!("/cases/{case_id}"),
        format!("/cases/{case_id}/timeline"),
        format!("/cases/{case_id}/messages"),
        format!("/cases/{case_id}/exhibits/1"),
    ] {
        let response = lead.get(app.url(&path)).send().await.expect("GET");
        assert_eq!(response.status(), 200, "{path}");
    }
    for outsider in ["pat.supervisor", "nora.investigator"] {
        let client = app.signed_in_client(outsider, password).await;
        let response = client
            .get(app.url(&format!("/cases/{case_id}")))
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 404, "{outsider}");
    }
    // The team page keeps the lifted recusal with both reasons.
    let team = lead
        .get(app.url(&format!("/cases/{case_id}/team")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(team.contains("Lifted recusals") && team.contains("conflict cleared by counsel"));
    // The plan: tasks of both investigators, one fulfilled by an exhibit; the lead's
    // dashboard lists her open tasks.
    let (status, plan) = app.get_page(&lead, &format!("/cases/{case_id}/plan")).await;
    assert_eq!(status, 200);
    assert!(plan.contains("Interview the task-force supervisor"));
    assert!(
        plan.contains("Exhibit E-1"),
        "a task fulfilled by an exhibit"
    );
    let (_, home) = app.get_page(&lead, "/").await;
    assert!(home.contains("Obtain the task-force memorandum of understanding"));
    // What came of it: the declined referral and the suspension.
    let (status, outcomes) = app
        .get_page(&lead, &format!("/cases/{case_id}/outcomes"))
        .await;
    assert_eq!(status, 200);
    assert!(outcomes.contains("Declined on 2025-07-03"), "{outcomes}");
    assert!(outcomes.contains("Suspension (30 days)"));
    assert!(
        outcomes.contains("USD 184,500.00"),
        "funds put to better use"
    );
    // Two interviews: the subject's, revised once, cited by the first event; the captain's.
    let (status, interviews) = app
        .get_page(&lead, &format!("/cases/{case_id}/interviews"))
        .await;
    assert_eq!(status, 200);
    assert!(interviews.contains("Marisol Reyes-Calder") && interviews.contains("Alma Whitcombe"));
    let listed = store.interviews(case_id).await.expect("interviews");
    assert_eq!(listed.len(), 2);
    let (_, first) = app
        .get_page(
            &lead,
            &format!("/cases/{case_id}/interviews/{}", listed[0].interview_id),
        )
        .await;
    assert!(
        first.contains("Kalkines") && first.contains("Version 1, by"),
        "{first}"
    );
    assert!(first.contains("/events/"), "cited by an event");
    // The recommendations: significant and resolved, the training one with its savings, in
    // the public export.
    let (status, csv) = app
        .get_page(&app.client(), "/reports/recommendations.csv")
        .await;
    assert_eq!(status, 200);
    assert!(
        csv.contains("Open-Resolved") && csv.contains("184500.00"),
        "{csv}"
    );
    // The semiannual statistics of April to September 2025 count what came of the case.
    let cora = app.signed_in_client("cora.commissioner", password).await;
    let (status, stats) = app
        .get_page(&cora, "/statistics.csv?from=2025-04-01&to=2025-09-30")
        .await;
    assert_eq!(status, 200);
    for line in [
        "referred-federal,\"Persons referred to federal prosecutors\",1,",
        "declinations,\"Referrals declined by prosecutors\",1,",
        "administrative-actions,\"Administrative actions\",1,",
        "funds-put-to-better-use,\"Funds put to better use\",184500.00,",
    ] {
        assert!(stats.contains(line), "{line} in {stats}");
    }
    let (status, drill) = app
        .get_page(
            &cora,
            "/statistics/declinations?from=2025-04-01&to=2025-09-30",
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        drill.contains(&format!("href=\"/cases/{case_id}\"")),
        "{drill}"
    );
    // The reprisal case runs its determination clock, extended with consent.
    let sam = app.signed_in_client("sam.supervisor", password).await;
    let (_, home) = app.get_page(&sam, "/").await;
    assert!(home.contains("Clocks by days left"), "{home}");
    let reprisal = store
        .list_cases(
            probity_server::storage::cases::CaseViewer {
                user_id: 1,
                office_wide: true,
            },
            &Default::default(),
            probity_server::storage::cases::CaseSort::default(),
            None,
            100,
        )
        .await
        .expect("cases")
        .items
        .into_iter()
        .find(|case| case.title.starts_with("Dispatcher moved to night shifts"))
        .expect("the reprisal case");
    let (status, plan) = app
        .get_page(&sam, &format!("/cases/{}/plan", reprisal.case_id))
        .await;
    assert_eq!(status, 200);
    assert!(
        plan.contains("Extended by 60 days (complainant consented on"),
        "{plan}"
    );
    assert!(
        plan.contains("90 days left"),
        "150 of 240 days used: {plan}"
    );
}
