//! Memoranda of interview over HTTP: the team records an interview with its attendees,
//! warning, recording exhibit and memorandum; bad values are refused with what was typed
//! kept and nothing saved; each save keeps a version; a stale save answers 409 beside the
//! saved text; an event cites the interview and the interview lists it; the closure
//! checklist asks for the memoranda; strangers get 404 and every read is audited.

use probity_domain::roles::Role;
use probity_tests::fixtures::{client_for, password_hash, team_case, upload, user};
use probity_tests::location;

#[tokio::test]
async fn an_interview_is_recorded_versioned_cited_and_walled_off() {
    let team = team_case("Interviews of the lookup case", &[]).await;
    let app = &team.app;
    let lead = &team.lead;
    let id = team.case_id;
    let store = app.store().await;
    let hash = password_hash().await;
    let olga = user(&store, &hash, "olga", Role::Investigator).await;
    let _cora = user(&store, &hash, "cora", Role::Commissioner).await;
    let base = format!("/cases/{id}");
    let party = app
        .post_form(
            lead,
            &format!("{base}/parties/new"),
            &format!("{base}/parties/new"),
            &[
                ("kind", "person"),
                ("name", "Nikos Petrakis"),
                ("party_role", "subject"),
            ],
        )
        .await;
    assert_eq!(party.status(), 303);
    let party_id = store.parties(id).await.expect("parties")[0].party_id;
    let uploaded = upload(
        app,
        lead,
        id,
        &[("description", "Recording of the interview")],
        vec![("interview.txt", b"Recording notes".to_vec())],
    )
    .await;
    assert_eq!(uploaded.status(), 303);
    let theo = store
        .user_by_username("theo")
        .await
        .expect("user")
        .expect("theo");
    let ines = store
        .user_by_username("ines")
        .await
        .expect("user")
        .expect("ines");

    // Reached from the case's navigation; the form starts with the recorder present.
    let (_, overview) = app.get_page(lead, &base).await;
    assert!(overview.contains(&format!("href=\"{base}/interviews\"")));
    let new = format!("{base}/interviews/new");
    let (status, form) = app.get_page(lead, &new).await;
    assert_eq!(status, 200);
    let tag = form
        .split(&format!("id=\"investigators-{}\"", ines.user_id))
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the recorder's checkbox");
    assert!(tag.contains("checked"), "{tag}");

    // Refused: a future day, no place, no warning, an exhibit the case lacks, someone off
    // the team; the memorandum (with a hostile end tag) is kept and escaped.
    let memorandum =
        "Q: Did you look up the detainee?\nA: </textarea><b>Yes</b>, at the task force's request.";
    let olga_id = olga.user_id.to_string();
    let refused = app
        .post_form(
            lead,
            &new,
            &new,
            &[
                ("party_id", &party_id.to_string()),
                ("held_on", "2999-01-01"),
                ("place", ""),
                ("warning", ""),
                ("recording", "E-99"),
                ("investigators", &olga_id),
                ("memorandum", memorandum),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("The day cannot be in the future."), "{page}");
    assert!(page.contains("Choose the warning given."));
    assert!(page.contains("for example E-4"));
    assert!(page.contains("Choose the investigators from the case"));
    assert!(
        page.contains("&lt;/textarea&gt;&lt;b&gt;Yes&lt;/b&gt;"),
        "kept, escaped"
    );
    assert!(!page.contains("<b>Yes</b>"));
    assert!(store.interviews(id).await.expect("list").is_empty());

    let ines_id = ines.user_id.to_string();
    let theo_id = theo.user_id.to_string();
    let party_text = party_id.to_string();
    let mut fields = vec![
        ("party_id", party_text.as_str()),
        ("interviewee_role", ""),
        ("held_on", "2025-03-04"),
        ("place", "OIG office, Port Halden"),
        ("warning", "administrative_compelled"),
        ("recording", "E-1"),
        ("investigators", ines_id.as_str()),
        ("investigators", theo_id.as_str()),
        ("union_representative", "Dana Whitfield"),
        ("counsel", "R. Osei; M. Laine"),
        ("memorandum", memorandum),
    ];
    let saved = app.post_form(lead, &new, &new, &fields).await;
    assert_eq!(saved.status(), 303);
    let page_path = location(&saved);
    let interview = store.interviews(id).await.expect("list").remove(0);
    assert_eq!(interview.label(), "I-1");
    assert_eq!(
        interview.interviewee_role, "Subject",
        "the party's role by default"
    );
    assert_eq!(interview.attendees.len(), 5);
    assert_eq!(interview.recording.map(|(_, n)| n), Some(1));
    assert_eq!(
        page_path,
        format!("{base}/interviews/{}", interview.interview_id)
    );
    let (status, page) = app.get_page(lead, &page_path).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Union representative: Dana Whitfield"),
        "{page}"
    );
    assert!(page.contains("Counsel: R. Osei, M. Laine"));
    assert!(page.contains("Kalkines"));
    assert!(page.contains("&lt;/textarea&gt;&lt;b&gt;Yes&lt;/b&gt;"));
    assert!(!page.contains("<b>Yes</b>"));

    // A second version; the first stays readable; a save based on it is stale.
    let edit = format!("{page_path}/edit");
    fields.push(("version", "1"));
    let v2 = "Q: Did you look up the detainee?\nA: Yes. (Corrected after review of the recording.)";
    fields[10] = ("memorandum", v2);
    let saved = app.post_form(lead, &edit, &edit, &fields).await;
    assert_eq!(saved.status(), 303);
    let (_, page) = app.get_page(lead, &page_path).await;
    assert!(page.contains("Corrected after review"));
    assert!(page.contains("Version 1, by"), "{page}");
    fields[10] = ("memorandum", "A stale text");
    let stale = app.post_form(lead, &edit, &edit, &fields).await;
    assert_eq!(stale.status(), 409);
    let page = stale.text().await.expect("body");
    assert!(page.contains("A stale text") && page.contains("Corrected after review"));
    assert_eq!(
        store
            .memoranda(interview.interview_id)
            .await
            .expect("versions")
            .len(),
        2
    );

    // Theo leaves the team; the interview still records him, and saving it keeps him.
    store.remove_member(id, theo.user_id).await.expect("remove");
    let (_, form) = app.get_page(lead, &edit).await;
    assert!(form.contains("(no longer on the team)"), "{form}");
    let current = store.interviews(id).await.expect("list")[0]
        .version
        .to_string();
    let mut kept = fields.clone();
    let at = kept
        .iter()
        .position(|(k, _)| *k == "version")
        .expect("version");
    kept[at] = ("version", current.as_str());
    kept[10] = ("memorandum", v2);
    let saved = app.post_form(lead, &edit, &edit, &kept).await;
    assert_eq!(saved.status(), 303);
    let again = store.interviews(id).await.expect("list").remove(0);
    assert!(
        again
            .attendees
            .iter()
            .any(|a| a.user_id == Some(theo.user_id))
    );

    // An event cites it; the interview lists the event.
    let made = app
        .post_form(
            lead,
            &format!("{base}/incidents/new"),
            &format!("{base}/incidents/new"),
            &[("title", "The lookup"), ("summary", "")],
        )
        .await;
    assert_eq!(made.status(), 303);
    let incident = location(&made);
    let (_, event_form) = app.get_page(lead, &format!("{incident}/events/new")).await;
    assert!(
        event_form.contains("I-1, Nikos Petrakis, 2025-03-04"),
        "{event_form}"
    );
    let interview_id = interview.interview_id.to_string();
    let cited = app
        .post_form(
            lead,
            &format!("{incident}/events/new"),
            &format!("{incident}/events/new"),
            &[
                ("precision", "day"),
                ("start", "2025-01-10"),
                ("time_zone", "UTC"),
                ("kind", "communication"),
                ("channel", "phone"),
                ("permitted_basis", "unknown"),
                ("narrative", "The subject admits the lookup in interview."),
                ("interviews", &interview_id),
            ],
        )
        .await;
    assert_eq!(cited.status(), 303);
    let event = store
        .events(id, None, ines.user_id)
        .await
        .expect("events")
        .remove(0);
    assert_eq!(event.interviews.len(), 1);
    let (_, page) = app.get_page(lead, &page_path).await;
    assert!(
        page.contains(&format!("/events/{}", event.event_id)),
        "{page}"
    );
    let (_, event_page) = app
        .get_page(lead, &format!("{base}/events/{}", event.event_id))
        .await;
    assert!(event_page.contains(&page_path));

    // The closure checklist asks for the memoranda.
    let (_, status_page) = app.get_page(lead, &format!("{base}/status")).await;
    assert!(
        status_page.contains("All 1 interviews have a memorandum."),
        "{status_page}"
    );

    // Someone off the team gets 404 everywhere; a commissioner reads but may not record.
    let outsider = client_for(app, "olga").await;
    for path in [
        format!("{base}/interviews"),
        page_path.clone(),
        edit.clone(),
        new.clone(),
    ] {
        let (status, _) = app.get_page(&outsider, &path).await;
        assert_eq!(status, 404, "{path}");
    }
    let commissioner = client_for(app, "cora").await;
    let (status, _) = app.get_page(&commissioner, &page_path).await;
    assert_eq!(status, 200);
    let (status, _) = app.get_page(&commissioner, &edit).await;
    assert_eq!(status, 403);

    // Every read is audited with the interview.
    let audit = store
        .list_audit(
            &probity_server::storage::AuditFilter {
                case_id: Some(id),
                ..Default::default()
            },
            1_000,
        )
        .await
        .expect("audit");
    assert!(audit.iter().any(|e| e.action == "interview.view"
        && e.target.as_deref() == Some(&format!("interview:{}", interview.interview_id))));
    assert!(audit.iter().any(|e| e.action == "interview.update"));
    team.app.stop().await;
}
