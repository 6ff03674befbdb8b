//! Findings, recommendations, report versions, review, approval, the leak check and the public
//! portal, through the real routes.

use probity_domain::roles::Role;
use probity_tests::fixtures::{client_for, password_hash, team_case, upload, user};
use probity_tests::{TestApp, location};

/// The names planted in the case; none may reach a public file.
const NAME: &str = "Marta Kovacs";

/// `pdftotext` of a PDF.
fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) is installed");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(pdf)
        .expect("write");
    let output = child.wait_with_output().expect("pdftotext");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    app.get_page(client, path).await
}

async fn bytes(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, Vec<u8>) {
    let response = client.get(app.url(path)).send().await.expect("GET");
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("body").to_vec())
}

/// Adds the subject party and an allegation against them; returns the allegation's id.
async fn party_and_allegation(team: &probity_tests::fixtures::TeamCase) -> i64 {
    let app = &team.app;
    let base = format!("/cases/{}", team.case_id);
    let response = app
        .post_form(
            &team.lead,
            &format!("{base}/parties/new"),
            &format!("{base}/parties/new"),
            &[
                ("kind", "person"),
                ("name", NAME),
                ("party_role", "subject"),
                ("details", "Badge 4471"),
                ("pseudonym", "Officer A"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "party");
    let store = app.store().await;
    let party = store.parties(team.case_id).await.expect("parties")[0].party_id;
    let response = app
        .post_form(
            &team.lead,
            &format!("{base}/allegations/new"),
            &format!("{base}/allegations/new"),
            &[
                ("subject_party_id", &party.to_string()),
                (
                    "summary",
                    "Marta Kovacs shared custody records with outside agents.",
                ),
                ("rule_at_issue", "Code § 9-131"),
                ("status", "under_investigation"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "allegation");
    store.allegations(team.case_id).await.expect("allegations")[0].allegation_id
}

async fn save_version(
    team: &probity_tests::fixtures::TeamCase,
    based_on: i64,
    summary: &str,
    corrections: &str,
) -> reqwest::Response {
    let base = format!("/cases/{}/report", team.case_id);
    team.app
        .post_form(
            &team.lead,
            &format!("{base}/edit"),
            &format!("{base}/edit"),
            &[
                ("based_on", &based_on.to_string()),
                ("summary", summary),
                ("background", "Officer A worked at the **intake desk**."),
                ("corrections", corrections),
            ],
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_goes_from_draft_through_review_to_a_redacted_publication() {
    let team = team_case("Disclosure by an intake officer", &[]).await;
    let app = &team.app;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "cora", Role::Commissioner).await;
    user(&store, &hash, "sam", Role::Supervisor).await;
    let commissioner = client_for(app, "cora").await;
    let case_id = team.case_id;
    let base = format!("/cases/{case_id}");
    let allegation = party_and_allegation(&team).await;

    // A finding with a disposition from the configured list; a made-up one is refused.
    let finding_path = format!("{base}/findings/{allegation}");
    let response = app
        .post_form(
            &team.lead,
            &finding_path,
            &finding_path,
            &[
                ("version", "0"),
                ("disposition", "Proven beyond doubt"),
                ("basis", "Code § 9-131"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(body.contains("Choose a finding") && body.contains("Code § 9-131"));
    let response = app
        .post_form(
            &team.lead,
            &finding_path,
            &finding_path,
            &[
                ("version", "0"),
                ("disposition", "Substantiated"),
                ("basis", "Code § 9-131"),
                ("analysis", "The records show **Officer A** sent the list."),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);

    // Two recommendations; one moves to accepted with a date, kept in its history.
    for body in ["Remove lookup access.", "Train task-force staff."] {
        let response = app
            .post_form(
                &team.lead,
                &format!("{base}/recommendations/new"),
                &format!("{base}/recommendations/new"),
                &[
                    ("agency", "Department of Tests"),
                    ("body", body),
                    ("status", "open"),
                    ("status_on", "2025-02-01"),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "recommendation");
    }
    let first = store.recommendations(case_id).await.expect("recs")[0].clone();
    let rec_path = format!("{base}/recommendations/{}", first.recommendation_id);
    let response = app
        .post_form(
            &team.lead,
            &rec_path,
            &rec_path,
            &[
                ("version", &first.version.to_string()),
                ("agency", "Department of Tests"),
                ("body", "Remove lookup access."),
                ("response", "Agreed."),
                ("status", "accepted"),
                ("status_on", "2025-02-20"),
                ("note", "Letter of 20 February"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, page) = get(app, &team.lead, &rec_path).await;
    assert!(page.contains("Letter of 20 February") && page.contains("2025-02-01"));
    let (status, open_list) = get(app, &commissioner, "/recommendations").await;
    assert_eq!(status, 200);
    assert!(
        open_list.contains("Remove lookup access.")
            && open_list.contains("Train task-force staff.")
    );

    // Version 1; the commissioner may not draft, the team may not approve.
    let response = save_version(&team, 0, "We found that Officer A shared records.", "").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("{base}/report/versions/1"));
    let (status, _) = get(app, &commissioner, &format!("{base}/report/edit")).await;
    assert_eq!(status, 403);
    let v1 = format!("{base}/report/versions/1");
    let response = app
        .post_form(&team.lead, &v1, &format!("{v1}/approve"), &[])
        .await;
    assert_eq!(response.status(), 403, "the team cannot approve");
    // Not submitted yet: nothing to approve.
    let response = app
        .post_form(&commissioner, &v1, &format!("{v1}/approve"), &[])
        .await;
    assert_eq!(response.status(), 409);
    let response = app
        .post_form(&team.lead, &v1, &format!("{v1}/submit"), &[])
        .await;
    assert_eq!(response.status(), 303);
    // Returned with a comment on the summary, shown to the team on the next draft.
    let response = app
        .post_form(
            &commissioner,
            &v1,
            &format!("{v1}/return"),
            &[
                ("note", "Not ready."),
                ("comment_summary", "State the recommendations too."),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, edit) = get(app, &team.lead, &format!("{base}/report/edit")).await;
    assert!(edit.contains("State the recommendations too."));

    // A save based on an old version is stale and keeps the typed text.
    let response = save_version(
        &team,
        1,
        "Officer A shared records; we recommend two changes.",
        "",
    )
    .await;
    assert_eq!(response.status(), 303);
    let response = save_version(&team, 1, "A stale summary typed meanwhile.", "").await;
    assert_eq!(response.status(), 409);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("A stale summary typed meanwhile.")
    );
    let (status, compare) = get(
        app,
        &team.lead,
        &format!("{base}/report/compare?from=1&to=2"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(compare.contains("<ins>") && compare.contains("<del>"));

    // Submitted and approved: the files are frozen with their hashes.
    let v2 = format!("{base}/report/versions/2");
    let response = app
        .post_form(&team.lead, &v2, &format!("{v2}/submit"), &[])
        .await;
    assert_eq!(response.status(), 303);
    let response = app
        .post_form(&commissioner, &v2, &format!("{v2}/approve"), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        location(&response).contains("/jobs/"),
        "approval runs as a job"
    );
    let (status, page) = app.follow_job(&commissioner, response).await;
    assert_eq!(status, 200);
    assert!(page.contains("Approved"), "the approved version's page");
    let approved = store
        .report_version(case_id, 2)
        .await
        .expect("get")
        .expect("v2");
    assert_eq!(
        approved.state,
        probity_domain::reports::ReportState::Approved
    );
    assert_eq!(approved.leak_hits.as_deref(), Some(&[][..]));
    let (status, public_pdf) = bytes(app, &team.lead, &format!("{v2}/public.pdf")).await;
    assert_eq!(status, 200);
    assert!(public_pdf.starts_with(b"%PDF"));
    use sha2::Digest as _;
    assert_eq!(
        format!("{:x}", sha2::Sha256::digest(&public_pdf)),
        approved.public_pdf_sha256.clone().expect("hash")
    );
    let (_, internal_pdf) = bytes(app, &team.lead, &format!("{v2}/internal.pdf")).await;
    let internal_text = pdf_text(&internal_pdf);
    assert!(internal_text.contains("INTERNAL"));
    assert!(
        internal_text.contains("Kovacs"),
        "the team's copy names names"
    );
    let public_text = pdf_text(&public_pdf);
    assert!(public_text.contains("Officer A") && !public_text.contains("Kovacs"));
    assert!(!public_text.contains("INTERNAL"));
    let (_, preview) = get(app, &team.lead, &format!("{v2}/preview")).await;
    assert!(preview.contains("Internal") && preview.contains("Public") && preview.contains(NAME));

    // Nothing unpublished on the portal.
    let anonymous = app.client();
    let (_, portal) = get(app, &anonymous, "/reports").await;
    assert!(!portal.contains("Disclosure by an intake officer"));
    let (status, _) = get(app, &anonymous, "/reports/2025-0001/1").await;
    assert_eq!(status, 404);
    let (status, _) = get(app, &anonymous, "/reports/2025-0001/1/report.pdf").await;
    assert_eq!(status, 404);

    // Only the commissioner publishes.
    let response = app
        .post_form(&team.lead, &v2, &format!("{v2}/publish"), &[])
        .await;
    assert_eq!(response.status(), 403);
    let supervisor = client_for(app, "sam").await;
    let response = app
        .post_form(&supervisor, &v2, &format!("{v2}/publish"), &[])
        .await;
    assert_eq!(response.status(), 403);
    let response = app
        .post_form(&commissioner, &v2, &format!("{v2}/publish"), &[])
        .await;
    assert_eq!(response.status(), 303);
    let portal_path = location(&response);
    assert_eq!(portal_path, "/reports/2025-0001/1");

    // The portal: list, search, page, PDF, HTML and JSON; no redacted name anywhere.
    // Anonymous visitors get no session cookie: public traffic writes nothing.
    let response = app
        .client()
        .get(app.url(&portal_path))
        .send()
        .await
        .expect("GET");
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no session for anonymous readers"
    );
    let (_, list) = get(app, &anonymous, "/reports?q=intake+officer").await;
    assert!(list.contains("Disclosure by an intake officer"));
    let (_, none) = get(app, &anonymous, "/reports?q=zebra").await;
    assert!(!none.contains("Disclosure by an intake officer"));
    let (status, page) = get(app, &anonymous, &portal_path).await;
    assert_eq!(status, 200);
    assert!(page.contains("Officer A") && page.contains("Substantiated"));
    let (_, pdf) = bytes(app, &anonymous, &format!("{portal_path}/report.pdf")).await;
    assert_eq!(pdf, public_pdf, "the published PDF is the approved one");
    let (_, html) = get(app, &anonymous, &format!("{portal_path}/report.html")).await;
    let (_, json) = get(app, &anonymous, &format!("{portal_path}/report.json")).await;
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["report_number"], "2025-0001");
    assert_eq!(json["findings"][0]["disposition"], "Substantiated");
    assert_eq!(json["recommendations"][0]["status"], "Accepted");
    for (file, text) in [
        ("page", page.as_str()),
        ("pdf", pdf_text(&pdf).as_str()),
        ("html", html.as_str()),
        ("json", &json.to_string()),
    ] {
        for part in ["Marta", "Kovacs", "4471"] {
            assert!(!text.contains(part), "{part} in the published {file}");
        }
    }

    // Published reports never change: a later draft is a new version, and publishing it
    // needs a correction note.
    let response = save_version(
        &team,
        2,
        "Officer A shared records; two recommendations.",
        "",
    )
    .await;
    assert_eq!(response.status(), 303);
    let v3 = format!("{base}/report/versions/3");
    app.post_form(&team.lead, &v3, &format!("{v3}/submit"), &[])
        .await;
    let response = app
        .post_form(&commissioner, &v3, &format!("{v3}/approve"), &[])
        .await;
    app.follow_job(&commissioner, response).await;
    let response = app
        .post_form(&commissioner, &v3, &format!("{v3}/publish"), &[])
        .await;
    assert_eq!(response.status(), 422, "a correction must say what changed");
    let response = save_version(
        &team,
        3,
        "Officer A shared records; two recommendations.",
        "Corrected the date of the agency's letter.",
    )
    .await;
    assert_eq!(response.status(), 303);
    let v4 = format!("{base}/report/versions/4");
    app.post_form(&team.lead, &v4, &format!("{v4}/submit"), &[])
        .await;
    let response = app
        .post_form(&commissioner, &v4, &format!("{v4}/approve"), &[])
        .await;
    app.follow_job(&commissioner, response).await;
    let response = app
        .post_form(&commissioner, &v4, &format!("{v4}/publish"), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/reports/2025-0001/2");
    let (_, second) = get(app, &anonymous, "/reports/2025-0001/2").await;
    assert!(second.contains("Corrected the date of the agency"));
    let (_, first_again) = bytes(app, &anonymous, "/reports/2025-0001/1/report.pdf").await;
    assert_eq!(first_again, public_pdf, "the first edition is unchanged");
    // The database refuses to change a published report or a version's text.
    assert!(
        store
            .save_report_version(case_id, 3, &[("summary".into(), "x".into())], 1)
            .await
            .is_err(),
        "a save must name the newest version"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leak_check_blocks_a_name_left_in_a_narrative_or_a_caption() {
    let team = team_case("Lookups by an intake officer", &[]).await;
    let app = &team.app;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "cora", Role::Commissioner).await;
    let commissioner = client_for(app, "cora").await;
    let case_id = team.case_id;
    let base = format!("/cases/{case_id}");
    party_and_allegation(&team).await;
    // A caption naming the officer by surname (the exhibit is not sensitive, so it is listed).
    let response = upload(
        app,
        &team.lead,
        case_id,
        &[("description", "Access log printed by Kovacs")],
        vec![("log.txt", b"lookup 1\nlookup 2\n".to_vec())],
    )
    .await;
    assert_eq!(response.status(), 303);
    // A narrative using the surname alone: replaced names are whole names, so this stays.
    let response = save_version(&team, 0, "Kovacs admitted the lookups.", "").await;
    assert_eq!(response.status(), 303);
    let v1 = format!("{base}/report/versions/1");
    app.post_form(&team.lead, &v1, &format!("{v1}/submit"), &[])
        .await;
    let response = app
        .post_form(&commissioner, &v1, &format!("{v1}/approve"), &[])
        .await;
    assert_eq!(response.status(), 303);
    app.follow_job(&commissioner, response).await;
    let version = store
        .report_version(case_id, 1)
        .await
        .expect("get")
        .expect("v1");
    let hits = version.leak_hits.expect("checked at approval");
    assert!(
        hits.iter()
            .any(|hit| hit.file == "public PDF" && hit.place.starts_with("text of page")),
        "{hits:?}"
    );
    assert!(hits.iter().any(|hit| hit.file == "public HTML"), "{hits:?}");
    assert!(
        hits.iter()
            .any(|hit| hit.context.contains("Access log printed by ███")),
        "the caption is found: {hits:?}"
    );
    assert!(
        hits.iter().any(|hit| hit.context.contains("███ admitted")),
        "the narrative is found: {hits:?}"
    );
    assert!(
        hits.iter().all(|hit| !hit.context.contains("Kovacs")),
        "hits mask the name"
    );
    let (_, page) = get(app, &commissioner, &v1).await;
    assert!(page.contains("Publication is blocked"));
    let response = app
        .post_form(&commissioner, &v1, &format!("{v1}/publish"), &[])
        .await;
    assert_eq!(response.status(), 409);
    let (_, portal) = get(app, &app.client(), "/reports").await;
    assert!(!portal.contains("Lookups by an intake officer"));
    let refused = store
        .list_audit(
            &probity_server::storage::AuditFilter {
                action: Some("report.publish".into()),
                outcome: Some(probity_server::storage::Outcome::Refused),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
    assert_eq!(refused.len(), 1, "the blocked publication is audited");
}

/// The part of a dashboard under one of its headings, up to the next section.
fn queue<'a>(page: &'a str, heading: &str) -> Option<&'a str> {
    let start = page.find(heading)?;
    let rest = &page[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    Some(&rest[..end])
}

#[tokio::test]
async fn the_dashboard_queues_drafts_to_review_returned_drafts_and_integrity_alarms() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    user(&store, &hash, "theo", Role::Investigator).await;
    let cora = user(&store, &hash, "cora", Role::Commissioner).await;
    let pat = user(&store, &hash, "pat", Role::Commissioner).await;
    user(&store, &hash, "ade", Role::Auditor).await;
    let opened = probity_tests::fixtures::case(&store, &ines, "Queued release-date case").await;
    let id = opened.case_id;
    store
        .add_member(id, pat.user_id, ines.user_id)
        .await
        .expect("member");
    store
        .recuse(id, pat.user_id, "a relative works there", ines.user_id)
        .await
        .expect("recuse");
    let sections = vec![("summary".to_string(), "What we found.".to_string())];
    store
        .save_report_version(id, 0, &sections, ines.user_id)
        .await
        .expect("draft");
    use probity_domain::reports::ReportState;
    store
        .review_report(
            id,
            1,
            ReportState::Draft,
            ReportState::Submitted,
            ines.user_id,
            "",
            &[],
        )
        .await
        .expect("submit");
    let dashboard = |name: &'static str| {
        let app = &app;
        async move {
            let client = client_for(app, name).await;
            let (status, page) = app.get_page(&client, "/").await;
            assert_eq!(status, 200, "{name}");
            page
        }
    };
    let review = "Drafts waiting for your review";
    let returned = "Drafts returned to your team";
    let cora_page = dashboard("cora").await;
    let waiting = queue(&cora_page, review).expect("the commissioner's queue");
    assert!(waiting.contains("Queued release-date case"), "{waiting}");
    assert!(waiting.contains(&format!("/cases/{id}/report")));
    let pat_page = dashboard("pat").await;
    assert!(
        !queue(&pat_page, review)
            .expect("queue")
            .contains("Queued release-date"),
        "a recused commissioner is not asked to review"
    );
    let ines_page = dashboard("ines").await;
    assert!(
        queue(&ines_page, review).is_none(),
        "investigators do not review"
    );
    assert!(
        !queue(&ines_page, returned)
            .expect("queue")
            .contains("Queued release-date"),
        "nothing returned yet"
    );
    store
        .review_report(
            id,
            1,
            ReportState::Submitted,
            ReportState::Returned,
            cora.user_id,
            "Name the agency.",
            &[],
        )
        .await
        .expect("return");
    let ines_page = dashboard("ines").await;
    assert!(
        queue(&ines_page, returned)
            .expect("queue")
            .contains("Queued release-date case")
    );
    let theo_page = dashboard("theo").await;
    assert!(
        !theo_page.contains("Queued release-date"),
        "another team does not see it"
    );
    let cora_page = dashboard("cora").await;
    assert!(
        queue(&cora_page, review)
            .expect("queue")
            .contains("No draft waits for review.")
    );
    // An integrity alarm shows to the auditor, not to the team's investigator.
    let uploaded = upload(
        &app,
        &client_for(&app, "ines").await,
        id,
        &[("description", "Ledger")],
        vec![("ledger.txt", b"ledger".to_vec())],
    )
    .await;
    assert_eq!(uploaded.status(), 303);
    let exhibits = store.exhibits(id, ines.user_id).await.expect("exhibits");
    store
        .append_custody(
            exhibits[0].exhibit_id,
            probity_domain::evidence::CustodyAction::IntegrityFailure,
            ines.user_id,
            "Download refused: content now hashes to missing",
            &exhibits[0].sha256,
        )
        .await
        .expect("alarm");
    let ade_page = dashboard("ade").await;
    let alarms = queue(&ade_page, "Integrity alarms").expect("the auditor's alarms");
    assert!(
        alarms.contains(&opened.case_number) && alarms.contains("E-1"),
        "{alarms}"
    );
    assert!(alarms.contains("hashes to missing"));
    assert!(queue(&dashboard("ines").await, "Integrity alarms").is_none());
    app.stop().await;
}
