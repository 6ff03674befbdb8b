//! Clocks, the investigative plan and complainants' consents over HTTP: a reprisal complaint
//! opened as a case starts its 180-day clock and its template tasks; only the lead (or a
//! supervisor) extends it, and an extension needs the day of the complainant's consent;
//! tasks carry hostile text safely, reach the assignee's dashboard flagged overdue, and
//! refuse stale saves; the complainant's identity is seen by intake and the lead only until
//! a consent to tell the team is recorded; outsiders get 404 throughout.

use probity_domain::roles::Role;
use probity_tests::fixtures::{password_hash, user};
use probity_tests::{Backend, GOOD_PASSWORD, TestApp, first_complaint_id, hidden, location};
use reqwest::multipart::Form;

const QUICK: &[&str] = &["--complaint-form-seconds", "0"];

/// Sends an identified reprisal complaint through the public form; returns its id.
async fn reprisal_complaint(app: &TestApp, staff: &reqwest::Client) -> i64 {
    let public = app.client();
    let (status, page) = app.get_page(&public, "/complain").await;
    assert_eq!(status, 200);
    let form = Form::new()
        .text("form_time", hidden(&page, "form_time"))
        .text(
            "what_happened",
            "I was moved to night shifts a week after I reported overtime fraud.",
        )
        .text("agency", "Port Halden Sanitation Department")
        .text("people_involved", "My shift supervisor")
        .text("when_happened", "June 2026")
        .text("where_happened", "East garage")
        .text("how_known", "involved")
        .text("wants_contact", "yes")
        .text("contact_name", "Rosalind Quarrington")
        .text("contact_details", "rq.reprisal@example.org, 555-0142");
    let response = public
        .post(app.url("/complain"))
        .header("origin", app.origin())
        .multipart(form)
        .send()
        .await
        .expect("POST /complain");
    assert_eq!(response.status(), 200);
    let (_, queue) = app.get_page(staff, "/complaints").await;
    first_complaint_id(&queue)
}

#[tokio::test]
async fn a_reprisal_case_runs_its_clock_plan_and_consents_as_the_office_rules_say() {
    let app = TestApp::spawn_with(Backend::under_test(), QUICK).await;
    let store = app.store().await;
    let hash = password_hash().await;
    let _ivy = user(&store, &hash, "ivy", Role::Investigator).await;
    let max = user(&store, &hash, "max", Role::Investigator).await;
    let _olga = user(&store, &hash, "olga", Role::Investigator).await;
    let ivy = app.signed_in_client("ivy", GOOD_PASSWORD).await;

    // Intake opens the complaint as a reprisal case.
    let complaint_id = reprisal_complaint(&app, &ivy).await;
    let path = format!("/complaints/{complaint_id}");
    let (_, record) = app.get_page(&ivy, &path).await;
    assert!(
        record.contains("Whistleblower reprisal"),
        "the case type is offered"
    );
    let version = hidden(&record, "version");
    let today = probity_server::office::validate::today();
    let opened = app
        .post_form(
            &ivy,
            &path,
            &format!("{path}/open-case"),
            &[
                ("version", version.as_str()),
                ("title", "Night shifts after a fraud report"),
                ("summary", "Reprisal complaint."),
                ("subject_agency", "Port Halden Sanitation Department"),
                ("intake_channel", "complaint"),
                ("received_on", today.as_str()),
                ("priority", "normal"),
                ("confidentiality", "confidential"),
                ("case_type", "whistleblower_reprisal"),
                ("time_zone", ""),
            ],
        )
        .await;
    assert_eq!(opened.status(), 303);
    let case = location(&opened);
    let case_id: i64 = case.trim_start_matches("/cases/").parse().expect("case id");

    // The overview shows the clock; the plan holds the type's tasks.
    let (status, overview) = app.get_page(&ivy, &case).await;
    assert_eq!(status, 200);
    assert!(
        overview.contains("Determination") && overview.contains("180 days left"),
        "{overview}"
    );
    assert!(
        overview.contains("/complainants"),
        "the lead is led to the complainant"
    );
    let (status, plan) = app.get_page(&ivy, &format!("{case}/plan")).await;
    assert_eq!(status, 200);
    assert!(plan.contains("Interview the complainant about the protected disclosure"));
    assert!(plan.contains("Obtain the personnel action"));

    // A team member who is not the lead may not change the clock; an outsider sees nothing.
    store
        .add_member(case_id, max.user_id, max.user_id)
        .await
        .expect("member");
    let member = app.signed_in_client("max", GOOD_PASSWORD).await;
    let clock = format!("{case}/clocks/determination");
    let (status, _) = app.get_page(&member, &clock).await;
    assert_eq!(status, 403);
    let outsider = app.signed_in_client("olga", GOOD_PASSWORD).await;
    for page in [
        format!("{case}/plan"),
        clock.clone(),
        format!("{case}/complainants"),
    ] {
        let (status, _) = app.get_page(&outsider, &page).await;
        assert_eq!(status, 404, "{page}");
    }

    // An extension needs the day of the complainant's consent; what was typed stays.
    let refused = app
        .post_form(
            &ivy,
            &clock,
            &clock,
            &[
                ("kind", "extend"),
                ("days", "30"),
                (
                    "reason",
                    "Complainant agreed to more time for the interviews.",
                ),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("body");
    assert!(body.contains("Complainant agreed to more time for the interviews."));
    assert!(body.contains("the day the complainant consented"));
    let too_long = app
        .post_form(
            &ivy,
            &clock,
            &clock,
            &[
                ("kind", "extend"),
                ("days", "181"),
                ("reason", "x"),
                ("consent_on", today.as_str()),
            ],
        )
        .await;
    assert_eq!(too_long.status(), 422, "at most 180 days");
    let extended = app
        .post_form(
            &ivy,
            &clock,
            &clock,
            &[
                ("kind", "extend"),
                ("days", "30"),
                (
                    "reason",
                    "Complainant agreed to more time for the interviews.",
                ),
                ("consent_on", today.as_str()),
            ],
        )
        .await;
    assert_eq!(extended.status(), 303);
    let (_, plan) = app.get_page(&ivy, &format!("{case}/plan")).await;
    assert!(plan.contains("210 days left"), "{plan}");
    assert!(plan.contains(&format!(
        "Extended by 30 days (complainant consented on {today})"
    )));
    let audit = store
        .list_audit(
            &probity_server::storage::AuditFilter {
                action: Some("case.clock.change".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
    assert_eq!(audit.len(), 1, "the extension is audited");

    // A task with hostile text, assigned to the member and overdue, reaches their dashboard.
    let hostile = "Interview </textarea><script>alert(1)</script> the supervisor\u{200b}";
    let added = app
        .post_form(
            &ivy,
            &format!("{case}/plan"),
            &format!("{case}/plan/new"),
            &[
                ("title", hostile),
                ("assignee", &max.user_id.to_string()),
                ("due_on", "2020-01-01"),
                ("status", "open"),
                ("notes", "=HYPERLINK(\"x\")"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let bad = app
        .post_form(
            &ivy,
            &format!("{case}/plan"),
            &format!("{case}/plan/new"),
            &[
                ("title", "Ask for the roster"),
                ("assignee", "999999"),
                ("exhibit", "E-999"),
            ],
        )
        .await;
    assert_eq!(
        bad.status(),
        422,
        "an outsider as assignee and a missing exhibit are refused"
    );
    let bad = bad.text().await.expect("body");
    assert!(bad.contains("Ask for the roster"), "what was typed stays");
    let (_, home) = app.get_page(&member, "/").await;
    assert!(
        home.contains("My tasks") && home.contains("Overdue"),
        "{home}"
    );
    assert!(!home.contains("<script>alert(1)"), "the title is escaped");
    let task = store
        .tasks(case_id)
        .await
        .expect("tasks")
        .into_iter()
        .find(|t| t.title.starts_with("Interview </textarea>"))
        .expect("the task as typed");
    let edit = format!("{case}/plan/{}/edit", task.task_id);
    let stale = app
        .post_form(
            &ivy,
            &edit,
            &edit,
            &[
                ("title", "Interview the supervisor"),
                ("status", "done"),
                ("version", "99"),
            ],
        )
        .await;
    assert_eq!(stale.status(), 409);
    let done = app
        .post_form(
            &member,
            &edit,
            &edit,
            &[
                ("title", "Interview the supervisor"),
                ("status", "done"),
                ("assignee", &max.user_id.to_string()),
                ("version", &task.version.to_string()),
            ],
        )
        .await;
    assert_eq!(done.status(), 303);
    let (_, home) = app.get_page(&member, "/").await;
    assert!(
        !home.contains("Interview the supervisor"),
        "a done task leaves the dashboard"
    );

    // The complainant's identity: the lead sees it, the member does not until consent.
    let people = format!("{case}/complainants");
    let (_, lead_view) = app.get_page(&ivy, &people).await;
    assert!(lead_view.contains("Rosalind Quarrington"));
    let (status, member_view) = app.get_page(&member, &people).await;
    assert_eq!(status, 200);
    assert!(!member_view.contains("Rosalind Quarrington") && !member_view.contains("rq.reprisal"));
    assert!(member_view.contains("Identity withheld"));
    let (status, queue_view) = app.get_page(&member, &path).await;
    assert_eq!(status, 200, "an investigator works intake too");
    assert!(
        !queue_view.contains("Rosalind Quarrington") && queue_view.contains("Withheld"),
        "once case work, the complaint record withholds the identity as well"
    );
    let refused = app
        .post_form(
            &member,
            &people,
            &format!("{people}/consents"),
            &[
                ("complaint_id", &complaint_id.to_string()),
                ("scope", "team"),
                ("given_on", today.as_str()),
                ("how_given", "e-mail"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403, "only the lead records consent");
    let recorded = app
        .post_form(
            &ivy,
            &people,
            &format!("{people}/consents"),
            &[
                ("complaint_id", &complaint_id.to_string()),
                ("scope", "team"),
                ("given_on", today.as_str()),
                ("how_given", "Signed consent form"),
            ],
        )
        .await;
    assert_eq!(recorded.status(), 303);
    let (_, member_view) = app.get_page(&member, &people).await;
    assert!(
        member_view.contains("Rosalind Quarrington"),
        "consent to tell the team"
    );
    assert!(member_view.contains("Signed consent form"));

    // Closing the case stops the clock.
    let closed = store
        .move_status(
            case_id,
            store
                .case_by_id(case_id)
                .await
                .expect("case")
                .expect("case")
                .version,
            probity_domain::cases::CaseStatus::Intake,
            probity_domain::cases::CaseStatus::Closed,
            "Determination made",
            max.user_id,
        )
        .await;
    assert!(closed.is_ok(), "{closed:?}");
    let clocks = store.case_clocks(case_id).await.expect("clocks");
    assert!(clocks[0].stopped_on.is_some());
    let (_, plan) = app.get_page(&ivy, &format!("{case}/plan")).await;
    assert!(plan.contains("Stopped with 210 days to spare"), "{plan}");
    app.stop().await;
}

/// A supervisor records reviews of a case on its plan page; the lead investigator may not;
/// a hostile note comes back as text; an empty one is refused with 422; the closure
/// checklist then finds the review; an investigator off the team gets 404.
#[tokio::test]
async fn a_supervisor_records_reviews_that_the_closure_checklist_finds() {
    let team = probity_tests::fixtures::team_case("Reviewed case", &[]).await;
    let app = &team.app;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "sam", Role::Supervisor).await;
    user(&store, &hash, "olga", Role::Investigator).await;
    let supervisor = probity_tests::fixtures::client_for(app, "sam").await;
    let outsider = probity_tests::fixtures::client_for(app, "olga").await;
    let plan = format!("/cases/{}/plan", team.case_id);
    let reviews = format!("{plan}/reviews");

    let (_, page) = app.get_page(&team.lead, &plan).await;
    assert!(page.contains("No supervisor has recorded a review"));
    assert!(!page.contains("Record the review"), "the lead has no form");
    let refused = app
        .post_form(&team.lead, &plan, &reviews, &[("note", "My own review")])
        .await;
    assert_eq!(refused.status(), 403);
    let empty = app
        .post_form(&supervisor, &plan, &reviews, &[("note", "  ")])
        .await;
    assert_eq!(empty.status(), 422);
    assert!(
        store
            .reviews(team.case_id)
            .await
            .expect("reviews")
            .is_empty()
    );

    let note = "Looked at E-1 </textarea><b>and</b> asked for the gate log.";
    let recorded = app
        .post_form(&supervisor, &plan, &reviews, &[("note", note)])
        .await;
    assert_eq!(recorded.status(), 303);
    let (_, page) = app.get_page(&team.lead, &plan).await;
    assert!(
        page.contains("&lt;/textarea&gt;&lt;b&gt;and&lt;/b&gt;"),
        "{page}"
    );
    assert!(!page.contains("<b>and</b>"));
    let (_, status_page) = app
        .get_page(&supervisor, &format!("/cases/{}/status", team.case_id))
        .await;
    assert!(status_page.contains("Is a supervisory review recorded?"));
    assert!(
        status_page.contains("1 reviews; the last by"),
        "{status_page}"
    );

    let stranger = app
        .post_form(&outsider, "/account", &reviews, &[("note", "x")])
        .await;
    assert_eq!(stranger.status(), 404);
    team.app.stop().await;
}
