//! Hostile markup through every form that has a text box, read back on every page that shows
//! it: it must come back as text, never as markup (a `</textarea>` that closes the box and
//! draws a button, a `<meta>` refresh that sends the browser away).

use probity_domain::roles::Role;
use probity_tests::fixtures::{client_for, password_hash, team_case, upload, user};
use probity_tests::{TestApp, location};

/// What an attacker types into a text box.
const HOSTILE: &str = "Notes </textarea><button formaction=\"/cases/1/team/add\" name=\"user_id\" value=\"9\">Save changes</button>\n<meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\"><img src=x onerror=alert(1)> &amp; done";

/// The text-box attack on one line, for reasons (which are one line long).
const HOSTILE_REASON: &str = "Conflict </textarea><button formaction=\"/cases/1/team/add\" name=\"user_id\" value=\"9\">Save changes</button><meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\">";

/// The same on one line, for single-line fields.
const HOSTILE_LINE: &str =
    "Title \"><meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\"><b>bold</b>";

/// Fails when the page carries any of the hostile text as live markup.
fn assert_inert(path: &str, html: &str) {
    for marker in [
        "<button formaction=\"/cases/1/team/add\"",
        "<meta http-equiv=\"refresh\"",
        "<img src=x",
        "<b>bold</b>",
    ] {
        assert!(
            !html.contains(marker),
            "{path} carries live markup {marker:?}:\n{html}"
        );
    }
    assert_eq!(
        html.matches("<textarea").count(),
        html.matches("</textarea>").count(),
        "{path}: every text box is closed by its own end tag"
    );
}

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    app.get_page(client, path).await
}

/// GETs a page, checks it is inert and that it shows `expected` (the hostile text as text,
/// in the escaped form the page must hold).
async fn read_back(app: &TestApp, client: &reqwest::Client, path: &str, expected: &[&str]) {
    let (status, html) = get(app, client, path).await;
    assert_eq!(status, 200, "{path}");
    assert_inert(path, &html);
    for text in expected {
        assert!(html.contains(text), "{path} should show {text:?}:\n{html}");
    }
}

/// POSTs a form and expects `status`; the redrawn page (an error) must be inert too.
async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
    status: u16,
) -> reqwest::Response {
    let response = app.post_form(client, page, path, fields).await;
    assert_eq!(response.status().as_u16(), status, "POST {path}");
    response
}

/// How the hostile text must appear inside a text box: escaped.
const IN_BOX: &str = "Notes &lt;/textarea&gt;&lt;button formaction=";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_markup_in_every_text_box_comes_back_as_text() {
    let team = team_case("Hostile text", &[]).await;
    let app = &team.app;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "sam", Role::Supervisor).await;
    user(&store, &hash, "sue", Role::Supervisor).await;
    user(&store, &hash, "cora", Role::Commissioner).await;
    user(&store, &hash, "carl", Role::Commissioner).await;
    let supervisor = client_for(app, "sam").await;
    let commissioner = client_for(app, "cora").await;
    let lead = &team.lead;
    let case_id = team.case_id;
    let base = format!("/cases/{case_id}");

    // A new case: title and summary.
    let created = submit(
        app,
        lead,
        "/cases/new",
        "/cases/new",
        &[
            ("title", HOSTILE_LINE),
            ("summary", HOSTILE),
            ("subject_agency", "Department of Buildings"),
            ("intake_channel", "complaint"),
            ("received_on", "2025-02-03"),
            ("priority", "high"),
            ("confidentiality", "confidential"),
        ],
        303,
    )
    .await;
    let other = location(&created);
    read_back(app, lead, &other, &[]).await;
    read_back(app, lead, &format!("{other}/edit"), &[IN_BOX]).await;
    // Refused (no title): the redrawn form keeps the text, as text.
    let refused = submit(
        app,
        lead,
        "/cases/new",
        "/cases/new",
        &[("title", ""), ("summary", HOSTILE)],
        422,
    )
    .await;
    assert_inert("/cases/new (refused)", &refused.text().await.expect("body"));

    // Edit the team case's summary.
    let case = store.case_by_id(case_id).await.expect("get").expect("case");
    let version = case.version.to_string();
    submit(
        app,
        lead,
        &format!("{base}/edit"),
        &format!("{base}/edit"),
        &[
            ("title", "Hostile text"),
            ("summary", HOSTILE),
            ("subject_agency", "Department of Tests"),
            ("intake_channel", "complaint"),
            ("received_on", "2025-01-15"),
            ("priority", "normal"),
            ("confidentiality", "confidential"),
            ("time_zone", "UTC"),
            ("version", &version),
        ],
        303,
    )
    .await;

    // A party with hostile details, an allegation, a note.
    submit(
        app,
        lead,
        &format!("{base}/parties/new"),
        &format!("{base}/parties/new"),
        &[
            ("kind", "person"),
            ("name", "Ruth Okonjo"),
            ("party_role", "subject"),
            ("details", HOSTILE),
            ("pseudonym", "Officer B"),
        ],
        303,
    )
    .await;
    let party = store.parties(case_id).await.expect("parties")[0].party_id;
    submit(
        app,
        lead,
        &format!("{base}/allegations/new"),
        &format!("{base}/allegations/new"),
        &[
            ("subject_party_id", &party.to_string()),
            ("summary", HOSTILE),
            ("rule_at_issue", HOSTILE_LINE),
            ("status", "under_investigation"),
        ],
        303,
    )
    .await;
    let allegation = store.allegations(case_id).await.expect("allegations")[0].allegation_id;
    submit(
        app,
        lead,
        &format!("{base}/notes/new"),
        &format!("{base}/notes/new"),
        &[("body", HOSTILE)],
        303,
    )
    .await;
    let note = store.notes(case_id).await.expect("notes")[0].note_id;
    // A refused status change keeps its hostile reason.
    let version = store
        .case_by_id(case_id)
        .await
        .expect("get")
        .expect("case")
        .version
        .to_string();
    let refused = submit(
        app,
        lead,
        &format!("{base}/status"),
        &format!("{base}/status"),
        &[
            ("to", "under_review"),
            ("from", "intake"),
            ("version", &version),
            ("reason", HOSTILE),
        ],
        422,
    )
    .await;
    let html = refused.text().await.expect("body");
    assert_inert("status change (refused)", &html);
    assert!(html.contains(IN_BOX));

    // Evidence: an upload description.
    let uploaded = upload(
        app,
        lead,
        case_id,
        &[("description", HOSTILE)],
        vec![("log.txt", b"lookup 1\n".to_vec())],
    )
    .await;
    assert_eq!(uploaded.status(), 303);
    let ines = store
        .user_by_username("ines")
        .await
        .expect("get")
        .expect("ines");
    let newest_exhibit = || async {
        let id = store
            .exhibits(case_id, ines.user_id)
            .await
            .expect("exhibits")
            .into_iter()
            .map(|exhibit| exhibit.exhibit_id)
            .max()
            .expect("an exhibit");
        format!("{base}/exhibits/{id}")
    };
    let exhibit = newest_exhibit().await;

    // A chat export whose line is markup; its message's "Add to a timeline" form is prefilled.
    let chat = format!(
        "11/21/24, 4:41 PM - Marisol: {HOSTILE_LINE}\n11/21/24, 4:42 PM - Agent: </textarea><meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\">\n"
    );
    let uploaded = upload(
        app,
        lead,
        case_id,
        &[],
        vec![("chat.txt", chat.into_bytes())],
    )
    .await;
    assert_eq!(uploaded.status(), 303);
    let chat_exhibit = newest_exhibit().await;
    let imported = app
        .post_form(
            lead,
            &chat_exhibit,
            &format!("{chat_exhibit}/import"),
            &[
                ("format", "whatsapp"),
                ("time_zone", "America/New_York"),
                ("mode", "all"),
            ],
        )
        .await;
    let (status, body) = app.follow_job(lead, imported).await;
    assert_eq!(status, 200);
    assert!(body.contains("imported"), "the import's report: {body}");

    // An incident with a hostile summary, and an event with a hostile narrative.
    let made = submit(
        app,
        lead,
        &format!("{base}/incidents/new"),
        &format!("{base}/incidents/new"),
        &[("title", HOSTILE_LINE), ("summary", HOSTILE)],
        303,
    )
    .await;
    let incident = location(&made);
    submit(
        app,
        lead,
        &format!("{incident}/events/new"),
        &format!("{incident}/events/new"),
        &[
            ("precision", "minute"),
            ("start", "2024-11-21 16:41"),
            ("time_zone", "UTC"),
            ("kind", "communication"),
            ("channel", "phone"),
            ("permitted_basis", "unknown"),
            ("actors", &party.to_string()),
            ("narrative", HOSTILE),
        ],
        303,
    )
    .await;
    let (messages, _) = store
        .list_messages(case_id, 1, &Default::default(), None, 10)
        .await
        .expect("messages");
    assert!(messages.len() >= 2, "both chat lines imported");

    // Findings, a recommendation with a response, the report's sections.
    submit(
        app,
        lead,
        &format!("{base}/findings/{allegation}"),
        &format!("{base}/findings/{allegation}"),
        &[
            ("version", "0"),
            ("disposition", "Substantiated"),
            ("basis", HOSTILE_LINE),
            ("analysis", HOSTILE),
        ],
        303,
    )
    .await;
    submit(
        app,
        lead,
        &format!("{base}/recommendations/new"),
        &format!("{base}/recommendations/new"),
        &[
            ("agency", "Department of Tests"),
            ("body", HOSTILE),
            ("response", HOSTILE),
            ("status", "open"),
            ("status_on", "2025-02-01"),
        ],
        303,
    )
    .await;
    let recommendation = store.recommendations(case_id).await.expect("recs")[0].recommendation_id;
    submit(
        app,
        lead,
        &format!("{base}/interviews/new"),
        &format!("{base}/interviews/new"),
        &[
            ("party_id", &party.to_string()),
            ("interviewee_role", HOSTILE_LINE),
            ("held_on", "2025-02-01"),
            ("place", HOSTILE_LINE),
            ("warning", "voluntary"),
            ("counsel", HOSTILE_LINE),
            ("others", HOSTILE),
            ("memorandum", HOSTILE),
        ],
        303,
    )
    .await;
    let interview = store.interviews(case_id).await.expect("interviews")[0].interview_id;
    submit(
        app,
        lead,
        &format!("{base}/report/edit"),
        &format!("{base}/report/edit"),
        &[
            ("based_on", "0"),
            ("summary", HOSTILE),
            ("background", HOSTILE),
        ],
        303,
    )
    .await;
    let v1 = format!("{base}/report/versions/1");
    submit(app, lead, &v1, &format!("{v1}/submit"), &[], 303).await;
    submit(
        app,
        &commissioner,
        &v1,
        &format!("{v1}/return"),
        &[("note", HOSTILE), ("comment_summary", HOSTILE)],
        303,
    )
    .await;

    // A recusal by a supervisor with a hostile reason, lifted with another.
    let theo = store
        .user_by_username("theo")
        .await
        .expect("get")
        .expect("theo");
    submit(
        app,
        &supervisor,
        &format!("{base}/team"),
        &format!("{base}/team/recuse"),
        &[
            ("recuse_user_id", &theo.user_id.to_string()),
            ("reason", HOSTILE_REASON),
        ],
        303,
    )
    .await;
    read_back(app, &supervisor, &format!("{base}/team"), &[]).await;
    submit(
        app,
        &supervisor,
        &format!("{base}/team"),
        &format!("{base}/team/lift"),
        &[
            ("user_id", &theo.user_id.to_string()),
            ("lift_reason", HOSTILE_REASON),
        ],
        303,
    )
    .await;

    // Every page that shows what was typed, to the lead and to the supervisor.
    let message = messages
        .iter()
        .find(|m| m.body.contains("</textarea>"))
        .expect("the hostile message");
    let prefill = format!("{incident}/events/new?message={}", message.message_id);
    read_back(
        app,
        lead,
        &prefill,
        &["&lt;/textarea&gt;&lt;meta http-equiv="],
    )
    .await;
    let event = store
        .events(case_id, None, theo.user_id)
        .await
        .expect("events")
        .into_iter()
        .next()
        .expect("an event");
    for (client, path, expected) in [
        (lead, base.clone(), vec![]),
        (lead, format!("{base}/edit"), vec![IN_BOX]),
        (lead, format!("{base}/parties/{party}/edit"), vec![IN_BOX]),
        (
            lead,
            format!("{base}/allegations/{allegation}/edit"),
            vec![IN_BOX],
        ),
        (lead, format!("{base}/notes/{note}/edit"), vec![IN_BOX]),
        (lead, format!("{base}/notes/{note}/history"), vec![]),
        (lead, exhibit.clone(), vec![]),
        (lead, chat_exhibit.clone(), vec![]),
        (lead, format!("{base}/messages"), vec![]),
        (lead, message.path(), vec![]),
        (lead, incident.clone(), vec![IN_BOX]),
        (lead, format!("{base}/events/{}", event.event_id), vec![]),
        (
            lead,
            format!("{base}/events/{}/edit", event.event_id),
            vec![IN_BOX],
        ),
        (lead, format!("{base}/timeline"), vec![]),
        (lead, format!("{base}/findings"), vec![]),
        (lead, format!("{base}/findings/{allegation}"), vec![IN_BOX]),
        (lead, format!("{base}/recommendations"), vec![]),
        (
            lead,
            format!("{base}/recommendations/{recommendation}"),
            vec![IN_BOX],
        ),
        (lead, "/recommendations".to_string(), vec![]),
        (lead, format!("{base}/interviews"), vec![]),
        (lead, format!("{base}/interviews/{interview}"), vec![]),
        (
            lead,
            format!("{base}/interviews/{interview}/edit"),
            vec![IN_BOX],
        ),
        (lead, format!("{base}/report"), vec![]),
        (lead, format!("{base}/report/edit"), vec![IN_BOX]),
        (lead, v1.clone(), vec![]),
        (lead, format!("{v1}/preview"), vec![]),
        (lead, "/cases".to_string(), vec![]),
        (lead, "/".to_string(), vec![]),
        (&supervisor, format!("{base}/team"), vec![]),
        (&supervisor, base.clone(), vec![]),
        (&commissioner, v1.clone(), vec![]),
    ] {
        read_back(app, client, &path, &expected).await;
    }
}
