//! Timelines over HTTP: building an incident from a message, ordering across zones and
//! precisions, citations both ways, restricted citations, history, the chart and its download.

use probity_tests::fixtures::{TeamCase, team_case, upload_one};
use probity_tests::location;

/// A team case with two parties, for actors and recipients.
struct Fixture {
    team: TeamCase,
    party_a: i64,
    party_b: i64,
}

impl std::ops::Deref for Fixture {
    type Target = TeamCase;

    fn deref(&self) -> &TeamCase {
        &self.team
    }
}

async fn fixture() -> Fixture {
    let team = team_case("Timeline case", &[]).await;
    let store = team.app.store().await;
    let mut ids = Vec::new();
    for (name, role) in [
        ("Marisol", probity_domain::cases::PartyRole::Subject),
        (
            "Agent Sorensen",
            probity_domain::cases::PartyRole::LawEnforcementPartner,
        ),
    ] {
        let party = store
            .create_party(
                team.case_id,
                probity_server::storage::cases::PartyInput {
                    kind: probity_domain::cases::PartyKind::Person,
                    name: name.into(),
                    party_role: role,
                    details: String::new(),
                    pseudonym: String::new(),
                    senior_employee: false,
                },
            )
            .await
            .expect("party");
        ids.push(party.party_id);
    }
    Fixture {
        team,
        party_a: ids[0],
        party_b: ids[1],
    }
}

async fn incident(f: &Fixture, title: &str) -> String {
    let base = format!("/cases/{}/incidents/new", f.case_id);
    let response = f
        .app
        .post_form(&f.lead, &base, &base, &[("title", title), ("summary", "")])
        .await;
    assert_eq!(response.status(), 303);
    location(&response)
}

async fn add_event(f: &Fixture, incident: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let path = format!("{incident}/events/new");
    f.app.post_form(&f.lead, &path, &path, fields).await
}

#[tokio::test]
async fn an_incident_is_built_from_a_message_and_citations_show_both_ways() {
    let f = fixture().await;
    let chat = "11/21/24, 4:41 PM - Marisol: Petrakis just walked out\n11/21/24, 4:42 PM - Agent Sorensen: Which exit?\n";
    let exhibit = upload_one(&f, "chat.txt", chat.as_bytes(), false).await;
    let path = format!("/cases/{}/exhibits/{exhibit}", f.case_id);
    let imported = f
        .app
        .post_form(
            &f.lead,
            &path,
            &format!("{path}/import"),
            &[
                ("format", "whatsapp"),
                ("time_zone", "America/New_York"),
                ("mode", "all"),
            ],
        )
        .await;
    let (status, body) = f.app.follow_job(&f.lead, imported).await;
    assert_eq!(status, 200);
    assert!(body.contains("2 messages imported"), "{body}");
    let store = f.app.store().await;
    let (messages, _) = store
        .list_messages(f.case_id, 1, &Default::default(), None, 10)
        .await
        .expect("messages");
    let first = &messages[0];
    let incident_path = incident(&f, "Disclosure 1: release time of Detainee A").await;

    // The message page offers to add it to the incident; the form comes prefilled.
    let message_page = f
        .lead
        .get(f.app.url(&first.path()))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let add = format!("{incident_path}/events/new?message={}", first.message_id);
    assert!(message_page.contains(&add.replace('&', "&amp;")) || message_page.contains(&add));
    let form = f
        .lead
        .get(f.app.url(&add))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        form.contains("value=\"2024-11-21 21:41\""),
        "the time comes from the message (UTC)"
    );
    assert!(form.contains("Petrakis just walked out"));

    let message_id = first.message_id.to_string();
    let exhibit_id = exhibit.to_string();
    let (a, b) = (f.party_a.to_string(), f.party_b.to_string());
    let created = add_event(
        &f,
        &incident_path,
        &[
            ("precision", "minute"),
            ("start", "2024-11-21 21:41"),
            ("time_zone", "UTC"),
            ("kind", "disclosure"),
            ("channel", "text"),
            ("information", "release_time"),
            ("information", "location"),
            ("permitted_basis", "none"),
            ("actors", &a),
            ("recipients", &b),
            (
                "narrative",
                "Told the agents Detainee A had just been released",
            ),
            ("exhibits", &exhibit_id),
            ("messages", &message_id),
        ],
    )
    .await;
    assert_eq!(created.status(), 303);
    let events = store.events(f.case_id, None, 1).await.expect("events");
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.information.len(), 2);
    assert_eq!(event.actors[0].name, "Marisol");
    assert_eq!(event.recipients[0].name, "Agent Sorensen");
    assert_eq!(event.messages.len(), 1);
    assert_eq!(event.exhibits.len(), 1);

    let event_page = f
        .lead
        .get(
            f.app
                .url(&format!("/cases/{}/events/{}", f.case_id, event.event_id)),
        )
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(event_page.contains("Petrakis just walked out") && event_page.contains("E-1"));
    let message_page = f
        .lead
        .get(f.app.url(&first.path()))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(message_page.contains("Cited by events") && message_page.contains("Disclosure 1"));
    let exhibit_page = f
        .lead
        .get(f.app.url(&path))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(exhibit_page.contains("Disclosure 1: release time of Detainee A"));

    let timeline = f
        .lead
        .get(f.app.url(&incident_path))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        timeline.contains("<svg")
            && timeline.contains("role=\"img\"")
            && timeline.contains("<circle")
    );
    assert!(
        timeline.contains("Told the agents"),
        "the table gives the same events"
    );
    let svg = f
        .lead
        .get(f.app.url(&format!("{incident_path}/timeline.svg")))
        .send()
        .await
        .expect("GET");
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let svg = svg.text().await.expect("svg");
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\"") && svg.contains("Marisol"));
}

#[tokio::test]
async fn events_order_across_zones_and_precisions_and_ranges_are_drawn_as_bars() {
    let f = fixture().await;
    let incident_path = incident(&f, "Ordering").await;
    let a = f.party_a.to_string();
    for (precision, start, end, zone, narrative) in [
        ("minute", "2024-11-21 16:41", "", "Europe/Paris", "paris"), // 15:41Z
        (
            "minute",
            "2024-11-21 10:00",
            "",
            "America/New_York",
            "newyork",
        ), // 15:00Z
        ("day", "2024-11-21", "", "UTC", "day"),                     // 00:00Z-23:59Z
        ("month", "2024-11", "", "UTC", "month"),                    // from 1 Nov
        (
            "approximate",
            "2024-11-21 15:10",
            "2024-11-21 15:20",
            "UTC",
            "range",
        ),
    ] {
        let response = add_event(
            &f,
            &incident_path,
            &[
                ("precision", precision),
                ("start", start),
                ("end", end),
                ("time_zone", zone),
                ("kind", "communication"),
                ("channel", "phone"),
                ("permitted_basis", "unknown"),
                ("actors", &a),
                ("narrative", narrative),
            ],
        )
        .await;
        assert_eq!(response.status(), 303, "{narrative}");
    }
    let store = f.app.store().await;
    let order: Vec<String> = store
        .events(f.case_id, None, 1)
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.narrative)
        .collect();
    assert_eq!(order, ["month", "day", "newyork", "range", "paris"]);
    let svg = f
        .lead
        .get(f.app.url(&format!("{incident_path}/timeline.svg")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("svg");
    assert_eq!(
        svg.matches("class=\"chart-range\"").count(),
        3,
        "month, day and range are bars"
    );
    assert_eq!(
        svg.matches("<circle").count(),
        2,
        "the two exact times are dots"
    );
}

#[tokio::test]
async fn bad_events_keep_their_values_stale_edits_are_refused_and_versions_kept() {
    let f = fixture().await;
    let incident_path = incident(&f, "Validation").await;
    let wrong = add_event(
        &f,
        &incident_path,
        &[
            ("precision", "minute"),
            ("start", "2024-11-21"),
            ("time_zone", "Mars/Base"),
            ("kind", "arrest"),
            ("channel", "in_person"),
            ("permitted_basis", "judicial_warrant"),
            ("narrative", "kept narrative"),
            ("messages", "abc"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let body = wrong.text().await.expect("body");
    assert!(
        body.contains("time zone name")
            && body.contains("kept narrative")
            && body.contains("not a message number")
    );

    let created = add_event(
        &f,
        &incident_path,
        &[
            ("precision", "day"),
            ("start", "2024-11-21"),
            ("time_zone", "UTC"),
            ("kind", "arrest"),
            ("channel", "in_person"),
            ("permitted_basis", "judicial_warrant"),
            ("narrative", "first words"),
        ],
    )
    .await;
    assert_eq!(created.status(), 303);
    let store = f.app.store().await;
    let event = store
        .events(f.case_id, None, 1)
        .await
        .expect("events")
        .remove(0);
    let edit = format!("/cases/{}/events/{}/edit", f.case_id, event.event_id);
    let fields = |narrative: &'static str, version: &'static str| {
        vec![
            ("precision", "day"),
            ("start", "2024-11-22"),
            ("time_zone", "UTC"),
            ("kind", "arrest"),
            ("channel", "in_person"),
            ("permitted_basis", "judicial_warrant"),
            ("narrative", narrative),
            ("version", version),
        ]
    };
    assert_eq!(
        f.app
            .post_form(&f.lead, &edit, &edit, &fields("second words", "1"))
            .await
            .status(),
        303
    );
    let stale = f
        .app
        .post_form(&f.member, &edit, &edit, &fields("theo's words", "1"))
        .await;
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.expect("body").contains("theo"));
    let versions = store
        .event_versions(f.case_id, event.event_id)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    assert!(
        versions[0].summary.contains("second words") && versions[1].summary.contains("first words")
    );
    let history = f
        .lead
        .get(f.app.url(&format!(
            "/cases/{}/events/{}/history",
            f.case_id, event.event_id
        )))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(history.contains("Version 2") && history.contains("first words"));
}

#[tokio::test]
async fn citations_of_a_restricted_exhibit_are_hidden_from_members_not_named_on_it() {
    let f = fixture().await;
    let secret = upload_one(&f, "booking.txt", b"booking record", true).await;
    let incident_path = incident(&f, "Restricted").await;
    let exhibit = secret.to_string();
    let created = add_event(
        &f,
        &incident_path,
        &[
            ("precision", "day"),
            ("start", "2024-11-21"),
            ("time_zone", "UTC"),
            ("kind", "disclosure"),
            ("channel", "email"),
            ("permitted_basis", "none"),
            ("narrative", "sent the record"),
            ("exhibits", &exhibit),
        ],
    )
    .await;
    assert_eq!(created.status(), 303);
    let lead_view = f
        .lead
        .get(f.app.url(&incident_path))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let member_view = f
        .member
        .get(f.app.url(&incident_path))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        member_view.contains("sent the record"),
        "the event itself is visible to the team"
    );
    let store = f.app.store().await;
    let theo = store
        .user_by_username("theo")
        .await
        .expect("get")
        .expect("exists");
    let seen_by_theo = store
        .events(f.case_id, None, theo.user_id)
        .await
        .expect("events");
    assert!(
        seen_by_theo[0].exhibits.is_empty(),
        "but not its restricted citation"
    );
    assert!(
        lead_view.contains("<td data-label=\"Citations\">1</td>"),
        "the lead sees one citation"
    );
    assert!(member_view.contains("<td data-label=\"Citations\">0</td>"));
    // Theo edits the event: the citation he cannot see is kept, not silently dropped.
    let event = &seen_by_theo[0];
    let edit = format!("/cases/{}/events/{}/edit", f.case_id, event.event_id);
    let version = event.version.to_string();
    let edited = f
        .app
        .post_form(
            &f.member,
            &edit,
            &edit,
            &[
                ("precision", "day"),
                ("start", "2024-11-21"),
                ("time_zone", "UTC"),
                ("kind", "disclosure"),
                ("channel", "email"),
                ("permitted_basis", "none"),
                ("narrative", "sent the record, as the log shows"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(edited.status(), 303);
    let lead = store
        .user_by_username("ines")
        .await
        .expect("get")
        .expect("exists");
    let seen_by_lead = store
        .events(f.case_id, None, lead.user_id)
        .await
        .expect("events");
    assert_eq!(
        seen_by_lead[0].narrative,
        "sent the record, as the log shows"
    );
    assert_eq!(
        seen_by_lead[0].exhibits.len(),
        1,
        "the restricted citation survives the member's edit"
    );
}

#[tokio::test]
async fn filters_and_exports_give_the_same_events_round_trip() {
    let f = fixture().await;
    let incident_path = incident(&f, "Exports").await;
    let (a, b) = (f.party_a.to_string(), f.party_b.to_string());
    for (actor, kind, start, narrative) in [
        (
            &a,
            "disclosure",
            "2024-11-21 09:00",
            "first, with \"quotes\", commas\nand a line",
        ),
        (&b, "arrest", "2024-12-02 14:10", "second"),
    ] {
        let response = add_event(
            &f,
            &incident_path,
            &[
                ("precision", "minute"),
                ("start", start),
                ("time_zone", "America/New_York"),
                ("kind", kind),
                ("channel", "phone"),
                ("permitted_basis", "none"),
                ("actors", actor),
                ("narrative", narrative),
            ],
        )
        .await;
        assert_eq!(response.status(), 303);
    }
    let filtered = f
        .lead
        .get(f.app.url(&format!("{incident_path}?kind=arrest")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(filtered.contains("second") && !filtered.contains("first, with"));
    let by_actor = f
        .lead
        .get(f.app.url(&format!("{incident_path}?actor={a}")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        by_actor.contains("first, with") && !by_actor.contains("<td class=\"probity-pre\">second")
    );
    let dated = f
        .lead
        .get(f.app.url(&format!(
            "{incident_path}/events.json?from=2024-12-01&to=2024-12-31"
        )))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("json");
    let dated: serde_json::Value = serde_json::from_str(&dated).expect("json");
    assert_eq!(dated["events"].as_array().expect("array").len(), 1);

    let json = f
        .lead
        .get(f.app.url(&format!("{incident_path}/events.json")))
        .send()
        .await
        .expect("GET");
    assert_eq!(json.headers()["content-type"], "application/json");
    let json: serde_json::Value =
        serde_json::from_str(&json.text().await.expect("body")).expect("json");
    let store = f.app.store().await;
    let events = store.events(f.case_id, None, 1).await.expect("events");
    let exported = json["events"].as_array().expect("array");
    assert_eq!(exported.len(), events.len());
    for (row, event) in exported.iter().zip(&events) {
        assert_eq!(row["event_id"], event.event_id);
        assert_eq!(row["earliest_utc"], event.earliest);
        assert_eq!(row["narrative"], event.narrative);
        assert_eq!(row["actors"][0]["name"], event.actors[0].name);
    }
    assert_eq!(exported[0]["earliest_utc"], "2024-11-21T14:00:00Z");

    let csv = f
        .lead
        .get(f.app.url(&format!("/cases/{}/events.csv", f.case_id)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        &rows[0][16], "first, with \"quotes\", commas\nand a line",
        "text survives the round trip"
    );
    assert_eq!(&rows[1][3], "2024-12-02T19:10:00Z");
}
