//! Recommendations in the oversight.gov vocabulary: significant, priority, resolution with its
//! management decision, the agency's response due 60 days after publication; the amounts
//! recorded against them; and the public export of the published ones as CSV and JSON, with
//! the published (pseudonymised) text, formulas defused, and nothing unpublished.

use probity_domain::roles::Role;
use probity_tests::fixtures::{client_for, password_hash, team_case, user};
use probity_tests::location;

#[tokio::test]
async fn published_recommendations_are_exported_in_the_oversight_fields() {
    let team = team_case("Lookups for the task force", &[]).await;
    let app = &team.app;
    let lead = &team.lead;
    let id = team.case_id;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "cora", Role::Commissioner).await;
    let commissioner = client_for(app, "cora").await;
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
                ("pseudonym", "the DOC investigator"),
            ],
        )
        .await;
    assert_eq!(party.status(), 303);

    // Resolved without a management decision: refused, what was typed kept.
    let body = "=HYPERLINK(\"http://x\") Nikos Petrakis must lose lookup access";
    let new = format!("{base}/recommendations/new");
    let mut fields = vec![
        ("agency", "Port Halden Department of Correction"),
        ("body", body),
        ("response", ""),
        ("status", "accepted"),
        ("status_on", "2025-02-20"),
        ("note", ""),
        ("significant", "yes"),
        ("priority", "high"),
        ("resolution", "open_resolved"),
        ("decision_on", ""),
        ("response_received_on", "not a day"),
    ];
    let refused = app.post_form(lead, &new, &new, &fields).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("a resolved recommendation has one"), "{page}");
    assert!(
        page.contains("the day the agency&#x27;s response came")
            || page.contains("the day the agency's response came")
    );
    assert!(page.contains("lose lookup access"), "the text is kept");
    assert!(store.recommendations(id).await.expect("list").is_empty());
    fields[9] = ("decision_on", "2025-02-20");
    fields[10] = ("response_received_on", "");
    let saved = app.post_form(lead, &new, &new, &fields).await;
    assert_eq!(saved.status(), 303);
    let r1 = store.recommendations(id).await.expect("list")[0].clone();
    assert!(r1.significant && r1.issued_on.is_none());

    // Funds put to better use recorded against R-1, to the cent.
    let money = format!("{base}/outcomes/money/new");
    let recorded = app
        .post_form(
            lead,
            &money,
            &money,
            &[
                ("kind", "funds_better_use"),
                ("amount", "1,234.56"),
                ("occurred_on", "2025-03-01"),
                ("recommendation", "R-1"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(recorded.status(), 303);
    let (status, page) = app
        .get_page(
            lead,
            &format!("{base}/recommendations/{}", r1.recommendation_id),
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("1,234.56"), "{page}");
    assert!(page.contains("no response is due"), "{page}");

    // Publish the report.
    let report = format!("{base}/report");
    let saved = app
        .post_form(
            lead,
            &format!("{report}/edit"),
            &format!("{report}/edit"),
            &[
                ("based_on", "0"),
                ("summary", "The lookups were passed on."),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let version = format!("{report}/versions/1");
    let submitted = app
        .post_form(lead, &version, &format!("{version}/submit"), &[])
        .await;
    assert_eq!(submitted.status(), 303);
    let approved = app
        .post_form(&commissioner, &version, &format!("{version}/approve"), &[])
        .await;
    assert_eq!(approved.status(), 303);
    app.follow_job(&commissioner, approved).await;
    // Written after the approval froze the report: not in what is published.
    let between = vec![
        ("agency", "Port Halden Department of Correction"),
        ("body", "Written between approval and publication"),
        ("response", ""),
        ("status", "open"),
        ("status_on", "2025-02-20"),
        ("note", ""),
        ("resolution", "open_unresolved"),
    ];
    let saved = app.post_form(lead, &new, &new, &between).await;
    assert_eq!(saved.status(), 303);
    let published = app
        .post_form(&commissioner, &version, &format!("{version}/publish"), &[])
        .await;
    assert_eq!(published.status(), 303);
    let edition = location(&published);

    // A recommendation written after publication is not published.
    fields[1] = ("body", "Unpublished second recommendation");
    fields[3] = ("status", "open");
    fields[8] = ("resolution", "open_unresolved");
    fields[9] = ("decision_on", "");
    let saved = app.post_form(lead, &new, &new, &fields).await;
    assert_eq!(saved.status(), 303);

    // The response is due 60 days after publication, shown on the recommendation.
    let all = store.recommendations(id).await.expect("list");
    assert!(
        all[1].issued_on.is_none(),
        "written after approval, so not issued by this publication"
    );
    let r1 = all[0].clone();
    let due = r1.response_due_on().expect("due once published");
    let today = time::OffsetDateTime::now_utc().date();
    assert_eq!(due, today + time::Duration::days(60));
    let (_, page) = app
        .get_page(
            lead,
            &format!("{base}/recommendations/{}", r1.recommendation_id),
        )
        .await;
    assert!(page.contains(&format!("response is due {due}")), "{page}");

    // The public export, reached from the portal, anonymously.
    let anonymous = app.client();
    let (status, portal) = app.get_page(&anonymous, "/reports").await;
    assert_eq!(status, 200);
    assert!(portal.contains("href=\"/reports/recommendations.csv\""));
    let (status, csv) = app
        .get_page(&anonymous, "/reports/recommendations.csv")
        .await;
    assert_eq!(status, 200, "{csv}");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(
        headers.iter().take(11).collect::<Vec<_>>(),
        [
            "report_number",
            "report_date",
            "report_title",
            "agency",
            "recommendation_number",
            "recommendation",
            "significant",
            "questioned_costs",
            "funds_for_better_use",
            "currency",
            "status"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 1, "only the published recommendation: {csv}");
    let row = &rows[0];
    assert_eq!(&row[1], today.to_string());
    assert_eq!(&row[4], "R-1");
    assert!(
        row[5].starts_with("'="),
        "the formula is defused: {}",
        &row[5]
    );
    assert!(!csv.contains("Nikos") && !csv.contains("Petrakis"), "{csv}");
    assert!(!csv.contains("between approval and publication"), "{csv}");
    assert!(row[5].contains("the DOC investigator"), "{}", &row[5]);
    assert_eq!(&row[6], "yes");
    assert_eq!(&row[7], "0.00");
    assert_eq!(&row[8], "1234.56");
    assert_eq!(&row[10], "Open-Resolved");
    assert!(edition.ends_with(&row[12]), "{edition} {}", &row[12]);

    let (status, json) = app
        .get_page(&anonymous, "/reports/recommendations.json")
        .await;
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let list = json["recommendations"].as_array().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["funds_for_better_use"], "1234.56");
    assert_eq!(list[0]["significant"], true);
    assert_eq!(list[0]["status"], "Open-Resolved");

    // The statistics count it as open, with its potential savings.
    let (_, stats) = app.get_page(&commissioner, "/statistics.csv").await;
    assert!(
        stats.contains("open-recommendations,\"Recommendations still open\",1,"),
        "{stats}"
    );
    assert!(
        stats.contains(
            "open-recommendations-potential-savings,\"Potential savings of the recommendations still open\",1234.56,"
        ),
        "{stats}"
    );
    team.app.stop().await;
}
