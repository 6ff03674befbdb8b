//! The one search: every kind a person may see, grouped and counted, matches marked; never
//! what they may not see (another team's case, a recused case, a restricted exhibit); words
//! only in POST bodies and never in the audit trail.

use probity_domain::search::{SearchKind, Terms};
use probity_server::storage::search::SearchFilter;
use probity_tests::TestApp;

/// The app with the demo office loaded.
async fn demo_app() -> TestApp {
    let app = TestApp::spawn().await;
    probity_tests::fixtures::demo(&app).await;
    app
}

async fn as_user(app: &TestApp, username: &str) -> reqwest::Client {
    app.signed_in_client(username, probity_server::demo::DEMO_PASSWORD)
        .await
}

/// Posts the search form as a browser would; the status and the page.
async fn search(app: &TestApp, client: &reqwest::Client, fields: &[(&str, &str)]) -> (u16, String) {
    let response = app.post_form(client, "/search", "/search", fields).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn one_search_finds_every_kind_a_person_may_see_and_nothing_else() {
    let app = demo_app().await;
    let store = app.store().await;
    let ines = store
        .user_by_username("ines.investigator")
        .await
        .expect("get")
        .expect("demo user");
    let demo_case = store
        .my_cases(ines.user_id, 10)
        .await
        .expect("cases")
        .into_iter()
        .find(|case| case.title == probity_server::demo::DEMO_CASE_TITLE)
        .expect("demo case");
    // A restricted exhibit whose description holds a word found nowhere else, and a party
    // with hostile text.
    let mut sealed = probity_tests::fixtures::plain_exhibit(
        demo_case.case_id,
        ines.user_id,
        "Sealed quagga memorandum",
        "sealed.txt",
    );
    sealed.restricted = true;
    sealed.access = vec![ines.user_id];
    store
        .create_exhibit(sealed)
        .await
        .expect("restricted exhibit");
    store
        .create_party(
            demo_case.case_id,
            probity_server::storage::cases::PartyInput {
                kind: probity_domain::cases::PartyKind::Person,
                name: "</textarea><script>alert(1)</script> Okapi".into(),
                party_role: probity_domain::cases::PartyRole::Witness,
                details: "=HYPERLINK(\"http://evil\") okapi\u{200b}keeper".into(),
                pseudonym: "Witness O".into(),
                senior_employee: false,
            },
        )
        .await
        .expect("hostile party");

    let lead = as_user(&app, "ines.investigator").await;
    let (status, page) = search(&app, &lead, &[("q", "agents")]).await;
    assert_eq!(status, 200);
    for kind in [
        SearchKind::Case,
        SearchKind::Party,
        SearchKind::Allegation,
        SearchKind::Note,
        SearchKind::Exhibit,
        SearchKind::Event,
        SearchKind::Finding,
    ] {
        assert!(
            page.contains(&format!("id=\"found-{}\"", kind.as_str())),
            "a group of {}",
            kind.plural()
        );
    }
    assert!(page.contains("<mark>agents</mark>"), "the match is marked");
    assert!(page.contains(&format!("/cases/{}/exhibits/", demo_case.case_id)));
    let (_, page) = search(&app, &lead, &[("q", "bus stop")]).await;
    assert!(page.contains("id=\"found-message\""), "messages are found");
    assert!(page.contains("<mark>bus</mark>") && page.contains("<mark>stop</mark>"));

    // Hostile text comes back as text.
    let (_, page) = search(&app, &lead, &[("q", "okapi")]).await;
    assert!(page.contains("id=\"found-party\""));
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;script&gt;"));

    // A restricted exhibit is never found, even by a member named on it.
    let (_, page) = search(&app, &lead, &[("q", "quagga")]).await;
    assert!(
        page.contains("Nothing found."),
        "restricted exhibits stay out"
    );

    // Another team, a recused supervisor: nothing of the demo case. An auditor: refused.
    for outsider in ["nora.investigator", "pat.supervisor"] {
        let client = as_user(&app, outsider).await;
        let (status, page) = search(&app, &client, &[("q", "agents")]).await;
        assert_eq!(status, 200);
        assert!(page.contains("Nothing found."), "{outsider} sees nothing");
        assert!(!page.contains(&demo_case.title), "{outsider}");
    }
    let auditor = as_user(&app, "ade.auditor").await;
    assert_eq!(search(&app, &auditor, &[("q", "agents")]).await.0, 403);
    let anonymous = app.client();
    let response = anonymous.get(app.url("/search")).send().await.expect("GET");
    assert_eq!(response.status(), 303, "anonymous visitors sign in first");

    // Words in an address are ignored: only the form's body is searched.
    let page = lead
        .get(app.url("/search?q=agents"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(!page.contains("found-case"));

    // The filters: kind, dates, case.
    let (_, page) = search(&app, &lead, &[("q", "agents"), ("kind", "event")]).await;
    assert!(page.contains("id=\"found-event\"") && !page.contains("id=\"found-case\""));
    let (_, page) = search(
        &app,
        &lead,
        &[("q", "agents"), ("kind", "event"), ("from", "2024-11-22")],
    )
    .await;
    assert!(
        page.contains("Nothing found."),
        "the demo's events are of 2024-11-21"
    );
    let (_, page) = search(&app, &lead, &[("q", "agents"), ("case", "1999-000001")]).await;
    assert!(page.contains("Nothing found."));
    let (_, page) = search(
        &app,
        &lead,
        &[("q", "agents"), ("case", demo_case.case_number.as_str())],
    )
    .await;
    assert!(page.contains("id=\"found-case\""));

    // Wrong fields: 422, the values kept, nothing run.
    let (status, page) = search(
        &app,
        &lead,
        &[
            ("q", "agents"),
            ("from", "2025-03-01"),
            ("until", "2025-02-01"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("on or after the first day"));
    assert!(page.contains("value=\"agents\""));
    assert_eq!(search(&app, &lead, &[("q", " ,, ")]).await.0, 422);

    // Recorded, without the words.
    let audit = store.recent_audit(200).await.expect("audit");
    let searches: Vec<_> = audit.iter().filter(|e| e.action == "search").collect();
    assert!(searches.len() >= 8);
    for entry in &searches {
        let text = format!("{entry:?}").to_lowercase();
        for word in ["agents", "okapi", "quagga", "bus stop"] {
            assert!(!text.contains(word), "the audit keeps no words: {text}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn pages_of_one_kind_follow_each_other_without_gaps_or_repeats() {
    let app = demo_app().await;
    let store = app.store().await;
    let ines = store
        .user_by_username("ines.investigator")
        .await
        .expect("get")
        .expect("demo user");
    let viewer = probity_server::storage::cases::CaseViewer {
        user_id: ines.user_id,
        office_wide: false,
    };
    for kind in [
        SearchKind::Allegation,
        SearchKind::Event,
        SearchKind::Message,
    ] {
        let filter = SearchFilter {
            terms: Terms::parse(if kind == SearchKind::Message {
                "sorensen"
            } else {
                "the"
            })
            .expect("words"),
            kind: Some(kind),
            case_number: None,
            from: None,
            until: None,
        };
        let mut seen = Vec::new();
        let mut after = None;
        let mut total = None;
        loop {
            let groups = store
                .search(viewer, &filter, after, 1)
                .await
                .expect("search");
            let Some(group) = groups.into_iter().next() else {
                break;
            };
            assert_eq!(group.kind, kind);
            assert_eq!(
                *total.get_or_insert(group.count),
                group.count,
                "one count on every page"
            );
            assert_eq!(group.hits.len(), 1);
            seen.push(group.hits[0].hit_id);
            match group.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert!(seen.len() >= 2, "{kind:?} has several hits: {seen:?}");
        assert!(
            seen.windows(2).all(|pair| pair[0] > pair[1]),
            "newest first, no repeats"
        );
        assert_eq!(Some(seen.len() as i64), total, "{kind:?}: every hit once");
    }
    app.stop().await;
}
