//! Referrals and outcomes over HTTP: the team records a referral to a prosecutor and, later,
//! its declination; a suspension of the subject with its days and the exhibit that shows it;
//! hostile text comes back escaped, bad days and strangers' parties are refused with what was
//! typed kept, stale saves answer 409; a member off the team and an outsider get 404, and a
//! commissioner (who reads every case) may not record.

use probity_domain::roles::Role;
use probity_tests::fixtures::{case, client_for, password_hash, user};
use probity_tests::{Backend, TestApp};

#[tokio::test]
async fn a_referral_its_declination_and_a_suspension_are_recorded_by_the_team() {
    let app = TestApp::spawn_with(Backend::under_test(), &[]).await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let _olga = user(&store, &hash, "olga", Role::Investigator).await;
    let _cora = user(&store, &hash, "cora", Role::Commissioner).await;
    let opened = case(&store, &ines, "Custody status passed to federal agents").await;
    let id = opened.case_id;
    let subject = store
        .create_party(
            id,
            probity_server::storage::cases::PartyInput {
                kind: probity_domain::cases::PartyKind::Person,
                name: "Marta Kovacs".into(),
                party_role: probity_domain::cases::PartyRole::Subject,
                details: String::new(),
                pseudonym: "Investigator A".into(),
                senior_employee: false,
            },
        )
        .await
        .expect("party");
    let other = case(&store, &ines, "Another case").await;
    let stranger = store
        .create_party(
            other.case_id,
            probity_server::storage::cases::PartyInput {
                kind: probity_domain::cases::PartyKind::Person,
                name: "Someone Else".into(),
                party_role: probity_domain::cases::PartyRole::Subject,
                details: String::new(),
                pseudonym: String::new(),
                senior_employee: false,
            },
        )
        .await
        .expect("party");
    let lead = client_for(&app, "ines").await;
    let base = format!("/cases/{id}/outcomes");

    // The section is reached from the case's navigation.
    let (status, overview) = app.get_page(&lead, &format!("/cases/{id}")).await;
    assert_eq!(status, 200);
    assert!(overview.contains(&format!("href=\"{base}\"")));

    // A bad referral: another case's party, a future day, an answer before the referral.
    let hostile = "</textarea><script>alert(1)</script> the lookups \u{200b}";
    let refused = app
        .post_form(
            &lead,
            &format!("{base}/referrals/new"),
            &format!("{base}/referrals/new"),
            &[
                ("party_id", &stranger.party_id.to_string()),
                ("level", "federal"),
                ("office", "U.S. Attorney's Office, District of Port Halden"),
                ("referred_on", "2999-01-01"),
                ("what", hostile),
                ("decision", "declined"),
                ("decided_on", ""),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(
        page.contains("Choose one of the case&#x27;s subjects")
            || page.contains("Choose one of the case's subjects")
    );
    assert!(page.contains("The day cannot be in the future."));
    assert!(!page.contains("<script>alert(1)"), "escaped");
    assert!(page.contains("U.S. Attorney"), "what was typed stays");

    let recorded = app
        .post_form(
            &lead,
            &format!("{base}/referrals/new"),
            &format!("{base}/referrals/new"),
            &[
                ("party_id", &subject.party_id.to_string()),
                ("level", "federal"),
                ("office", "U.S. Attorney's Office, District of Port Halden"),
                ("referred_on", "2025-06-02"),
                ("what", hostile),
                ("decision", "pending"),
            ],
        )
        .await;
    assert_eq!(recorded.status(), 303);
    let referral = store.referrals(id).await.expect("referrals").remove(0);
    assert_eq!(referral.what, hostile.trim(), "stored as typed");

    // The declination, later; a stale save is refused.
    let edit = format!("{base}/referrals/{}/edit", referral.referral_id);
    let declined = [
        ("party_id", subject.party_id.to_string()),
        ("level", "federal".to_string()),
        (
            "office",
            "U.S. Attorney's Office, District of Port Halden".to_string(),
        ),
        ("referred_on", "2025-06-02".to_string()),
        (
            "what",
            "Unauthorised disclosure of custody status".to_string(),
        ),
        ("decision", "declined".to_string()),
        ("decided_on", "2025-08-14".to_string()),
    ];
    let mut stale: Vec<(&str, &str)> = declined.iter().map(|(k, v)| (*k, v.as_str())).collect();
    stale.push(("version", "99"));
    let answer = app.post_form(&lead, &edit, &edit, &stale).await;
    assert_eq!(answer.status(), 409);
    let mut fresh: Vec<(&str, &str)> = declined.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let version = referral.version.to_string();
    fresh.push(("version", &version));
    let answer = app.post_form(&lead, &edit, &edit, &fresh).await;
    assert_eq!(answer.status(), 303);

    // A suspension needs its days.
    let no_days = app
        .post_form(
            &lead,
            &format!("{base}/actions/new"),
            &format!("{base}/actions/new"),
            &[
                ("party_id", &subject.party_id.to_string()),
                ("kind", "suspension"),
                ("occurred_on", "2025-09-01"),
            ],
        )
        .await;
    assert_eq!(no_days.status(), 422);
    let suspended = app
        .post_form(
            &lead,
            &format!("{base}/actions/new"),
            &format!("{base}/actions/new"),
            &[
                ("party_id", &subject.party_id.to_string()),
                ("kind", "suspension"),
                ("occurred_on", "2025-09-01"),
                ("suspension_days", "30"),
                (
                    "detail",
                    "Thirty days without pay; removed from the task force.",
                ),
            ],
        )
        .await;
    assert_eq!(suspended.status(), 303);
    let (status, page) = app.get_page(&lead, &base).await;
    assert_eq!(status, 200);
    assert!(page.contains("Declined on 2025-08-14"), "{page}");
    assert!(page.contains("Suspension (30 days)"));
    assert!(page.contains("Marta Kovacs"));

    // Amounts are exact decimals; a bad one, or a recommendation of another case, is refused.
    let money = format!("{base}/money/new");
    for (amount, recommendation) in [
        ("1.234", ""),
        ("-5", ""),
        ("=1+1", ""),
        ("12,500.25", "R-99"),
    ] {
        let refused = app
            .post_form(
                &lead,
                &money,
                &money,
                &[
                    ("kind", "questioned_cost"),
                    ("amount", amount),
                    ("occurred_on", "2025-09-01"),
                    ("recommendation", recommendation),
                ],
            )
            .await;
        assert_eq!(refused.status(), 422, "{amount} {recommendation}");
    }
    for (kind, amount) in [
        ("questioned_cost", "12,500.25"),
        ("questioned_cost", "0.10"),
        ("unsupported_cost", "0.20"),
    ] {
        let saved = app
            .post_form(
                &lead,
                &money,
                &money,
                &[
                    ("kind", kind),
                    ("amount", amount),
                    ("occurred_on", "2025-09-01"),
                ],
            )
            .await;
        assert_eq!(saved.status(), 303, "{kind} {amount}");
    }
    let (_, page) = app.get_page(&lead, &base).await;
    assert!(page.contains("USD 12,500.25"));
    assert!(
        page.contains("Questioned cost: USD 12,500.35"),
        "exact total: {page}"
    );
    let stored = store.money(id).await.expect("money");
    assert_eq!(
        stored.iter().map(|m| m.amount_minor).sum::<i64>(),
        1_250_055
    );

    // A subject marked as a senior employee on the party form.
    let added = app
        .post_form(
            &lead,
            &format!("/cases/{id}/parties/new"),
            &format!("/cases/{id}/parties/new"),
            &[
                ("kind", "person"),
                ("name", "Deputy Warden Okoro"),
                ("party_role", "subject"),
                ("senior_employee", "yes"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let (_, parties) = app.get_page(&lead, &format!("/cases/{id}/parties")).await;
    assert!(parties.contains("(senior employee)"));
    let seniors: Vec<bool> = store
        .parties(id)
        .await
        .expect("parties")
        .iter()
        .map(|p| p.senior_employee)
        .collect();
    assert_eq!(seniors, vec![false, true]);

    // Who may not: an investigator off the team (404), a commissioner (reads, may not record).
    let olga = client_for(&app, "olga").await;
    for path in [base.clone(), format!("{base}/referrals/new"), edit.clone()] {
        let (status, _) = app.get_page(&olga, &path).await;
        assert_eq!(status, 404, "{path}");
    }
    let cora = client_for(&app, "cora").await;
    let (status, page) = app.get_page(&cora, &base).await;
    assert_eq!(status, 200);
    assert!(!page.contains("Record a referral"));
    let (status, _) = app.get_page(&cora, &format!("{base}/actions/new")).await;
    assert_eq!(status, 403);

    // Closing shows the checklist, and closing despite its gaps is recorded with the reason.
    let status_path = format!("/cases/{id}/status");
    let (_, form) = app.get_page(&lead, &status_path).await;
    assert!(form.contains("Before closing: the quality standards checklist"));
    assert!(form.contains("No allegation is recorded."));
    assert!(form.contains("No report has been drafted."));
    assert!(form.contains("The answer to each of 1 referrals is recorded."));
    let version = store
        .case_by_id(id)
        .await
        .expect("case")
        .expect("case")
        .version
        .to_string();
    let closed = app
        .post_form(
            &lead,
            &status_path,
            &status_path,
            &[
                ("version", version.as_str()),
                ("from", "intake"),
                ("to", "closed"),
                (
                    "reason",
                    "Declined by the prosecutor; the Department suspended the subject.",
                ),
            ],
        )
        .await;
    assert_eq!(closed.status(), 303);
    let audit = store
        .list_audit(
            &probity_server::storage::AuditFilter {
                action: Some("case.closed_with_gaps".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "ines");
    let detail = audit[0].detail.clone().unwrap_or_default();
    assert!(
        detail.contains("No allegation is recorded.")
            && detail.contains("Reason given: Declined by the prosecutor"),
        "{detail}"
    );
    app.stop().await;
}
