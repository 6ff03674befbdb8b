//! The semiannual statistics on a generated office: several hundred cases with referrals and
//! outcomes spread over two periods, counted by the page's CSV and compared with counts
//! computed here from what was generated; the drill-down lists only the cases the reader may
//! see while the total counts them all; investigators are refused.

use probity_domain::outcomes::{OutcomeKind, ProsecutorLevel, ReferralDecision};
use probity_domain::roles::Role;
use probity_server::storage::cases::{CaseDetails, NewCase, PartyInput};
use probity_server::storage::outcomes::{MoneyInput, OutcomeInput, ReferralInput};
use probity_tests::fixtures::{client_for, password_hash, user};
use probity_tests::{Backend, TestApp};
use std::collections::{BTreeMap, HashSet};

/// A small deterministic generator (no dependency, same numbers on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }

    /// A day of 2025 as `YYYY-MM-DD` (days 1 to 28 of any month).
    fn day(&mut self) -> String {
        format!("2025-{:02}-{:02}", self.next(12) + 1, self.next(28) + 1)
    }
}

fn in_period(day: &str) -> bool {
    ("2025-04-01"..="2025-09-30").contains(&day)
}

#[tokio::test]
async fn the_counts_of_a_generated_office_match_counts_made_independently() {
    let app = TestApp::spawn_with(Backend::under_test(), &[]).await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let _cora = user(&store, &hash, "cora", Role::Commissioner).await;
    let mut rng = Lcg(20_261_203);
    let mut expected: BTreeMap<&str, i64> = BTreeMap::new();
    let mut sealed_federal = 0;
    let mut money_expected: BTreeMap<&str, i64> = BTreeMap::new();
    let cases = 320;
    // Closed today (so counted in the current period): senior subjects with a substantiated
    // finding, and substantiated findings in reprisal cases.
    let mut senior_now = 0;
    let mut retaliation_now = 0;
    for n in 0..cases {
        // Every 40th case is highly confidential and the commissioner is not named on it.
        let sealed = n % 40 == 7;
        let case = store
            .create_case(NewCase {
                details: CaseDetails {
                    title: format!("Generated case {n}"),
                    summary: "Generated for the statistics test.".into(),
                    subject_agency: "Department of Tests".into(),
                    intake_channel: probity_domain::cases::IntakeChannel::Complaint,
                    received_on: "2025-01-15".into(),
                    priority: probity_domain::cases::Priority::Normal,
                    confidentiality: if sealed {
                        probity_domain::cases::Confidentiality::HighlyConfidential
                    } else {
                        probity_domain::cases::Confidentiality::Confidential
                    },
                    time_zone: "UTC".into(),
                },
                created_by: ines.user_id,
                year: 2025,
                prefix: "GEN-".into(),
                case_type: if n % 5 == 3 {
                    "whistleblower_reprisal".into()
                } else {
                    probity_domain::clocks::GENERAL.into()
                },
                plan: Default::default(),
            })
            .await
            .expect("case");
        let mut subjects = Vec::new();
        for s in 0..=rng.next(2) {
            let party = store
                .create_party(
                    case.case_id,
                    PartyInput {
                        kind: probity_domain::cases::PartyKind::Person,
                        name: format!("Subject {n}-{s}"),
                        party_role: probity_domain::cases::PartyRole::Subject,
                        details: String::new(),
                        pseudonym: String::new(),
                        senior_employee: rng.next(4) == 0,
                    },
                )
                .await
                .expect("party");
            subjects.push((party.party_id, party.senior_employee));
        }
        // An allegation against each subject, some substantiated (the first disposition;
        // spelled in another case to show the match ignores it), and some cases closed.
        let closes = rng.next(2) == 0;
        let mut senior_substantiated = HashSet::new();
        let mut substantiated = 0;
        for (party_id, senior) in &subjects {
            let allegation = store
                .create_allegation(
                    case.case_id,
                    probity_server::storage::cases::AllegationInput {
                        subject_party_id: Some(*party_id),
                        summary: "Generated allegation".into(),
                        rule_at_issue: "Rule 1".into(),
                        status: probity_domain::cases::AllegationStatus::Open,
                    },
                )
                .await
                .expect("allegation");
            let disposition = match rng.next(3) {
                0 => "Substantiated",
                1 => "SUBSTANTIATED",
                _ => "Unsubstantiated",
            };
            store
                .save_finding(
                    case.case_id,
                    allegation.allegation_id,
                    0,
                    probity_server::storage::reports::FindingInput {
                        disposition: disposition.into(),
                        basis: "Generated".into(),
                        analysis: String::new(),
                        event_ids: Vec::new(),
                        exhibit_ids: Vec::new(),
                    },
                    ines.user_id,
                )
                .await
                .expect("finding");
            if disposition != "Unsubstantiated" {
                substantiated += 1;
                if *senior {
                    senior_substantiated.insert(*party_id);
                }
            }
        }
        if closes {
            store
                .move_status(
                    case.case_id,
                    case.version,
                    probity_domain::cases::CaseStatus::Intake,
                    probity_domain::cases::CaseStatus::Closed,
                    "Generated closing",
                    ines.user_id,
                )
                .await
                .expect("close");
            senior_now += senior_substantiated.len() as i64;
            if n % 5 == 3 {
                retaliation_now += substantiated;
            }
        }
        let subjects: Vec<i64> = subjects.iter().map(|(id, _)| *id).collect();
        let mut federal: HashSet<Option<i64>> = HashSet::new();
        let mut state_local: HashSet<Option<i64>> = HashSet::new();
        for _ in 0..rng.next(4) {
            let level = ProsecutorLevel::ALL[rng.next(3) as usize];
            let party = match rng.next(3) {
                0 => None,
                i => subjects.get(i as usize - 1).copied(),
            };
            let referred_on = rng.day();
            let declined = rng.next(2) == 0;
            let decided_on = declined.then(|| {
                // On or after the referral, still in 2025.
                let later = rng.day();
                if later < referred_on {
                    referred_on.clone()
                } else {
                    later
                }
            });
            store
                .create_referral(
                    case.case_id,
                    &ReferralInput {
                        party_id: party,
                        level,
                        office: "A prosecutor's office".into(),
                        referred_on: referred_on.clone(),
                        what: "Generated".into(),
                        decision: if declined {
                            ReferralDecision::Declined
                        } else {
                            ReferralDecision::Pending
                        },
                        decided_on: decided_on.clone(),
                        source_exhibit_id: None,
                    },
                    ines.user_id,
                )
                .await
                .expect("referral");
            if in_period(&referred_on) {
                if level == ProsecutorLevel::Federal {
                    federal.insert(party);
                } else {
                    state_local.insert(party);
                }
            }
            if decided_on.as_deref().is_some_and(in_period) {
                *expected.entry("declinations").or_default() += 1;
            }
        }
        // Amounts in cents, some in another currency (never summed with the office's).
        for _ in 0..rng.next(3) {
            let kind = probity_domain::money::MoneyKind::ALL[rng.next(6) as usize];
            let amount_minor = rng.next(100_000_000) as i64 + 1;
            let occurred_on = rng.day();
            let currency = if rng.next(10) == 0 { "EUR" } else { "USD" };
            store
                .create_money(
                    case.case_id,
                    &MoneyInput {
                        kind,
                        amount_minor,
                        currency: currency.into(),
                        occurred_on: occurred_on.clone(),
                        recommendation_id: None,
                        note: String::new(),
                    },
                    ines.user_id,
                )
                .await
                .expect("money");
            if in_period(&occurred_on) && currency == "USD" {
                use probity_domain::money::MoneyKind::*;
                let key = match kind {
                    QuestionedCost => "questioned-costs",
                    UnsupportedCost => "unsupported-costs",
                    FundsBetterUse => "funds-put-to-better-use",
                    _ => "recoveries-restitution-fines",
                };
                *money_expected.entry(key).or_default() += amount_minor;
            }
        }
        *expected.entry("referred-federal").or_default() += federal.len() as i64;
        *expected.entry("referred-state-local").or_default() += state_local.len() as i64;
        if sealed {
            sealed_federal += federal.len() as i64;
        }
        for _ in 0..rng.next(4) {
            let kind = OutcomeKind::ALL[rng.next(OutcomeKind::ALL.len() as u64) as usize];
            let occurred_on = rng.day();
            store
                .create_outcome(
                    case.case_id,
                    &OutcomeInput {
                        party_id: subjects[0],
                        kind,
                        occurred_on: occurred_on.clone(),
                        detail: String::new(),
                        suspension_days: (kind == OutcomeKind::Suspension).then_some(10),
                        source_exhibit_id: None,
                    },
                    ines.user_id,
                )
                .await
                .expect("outcome");
            if in_period(&occurred_on) {
                let key = if kind.is_charge() {
                    Some("indictments-and-informations")
                } else if matches!(kind, OutcomeKind::Conviction | OutcomeKind::Plea) {
                    Some("convictions-and-pleas")
                } else if kind.is_administrative() {
                    Some("administrative-actions")
                } else {
                    None
                };
                if let Some(key) = key {
                    *expected.entry(key).or_default() += 1;
                }
            }
        }
    }

    // The CSV of the period, as a commissioner downloads it.
    let cora = client_for(&app, "cora").await;
    let (status, csv) = app
        .get_page(&cora, "/statistics.csv?from=2025-04-01&to=2025-09-30")
        .await;
    assert_eq!(status, 200, "{csv}");
    let counted: BTreeMap<String, i64> = csv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.split(',');
            let key = cells.next()?.to_string();
            // The label and rule are quoted and hold no comma before the count.
            let count = line.split("\",").nth(1)?.split(',').next()?.parse().ok()?;
            Some((key, count))
        })
        .collect();
    for (key, want) in &expected {
        assert_eq!(counted.get(*key), Some(want), "{key} in {csv}");
    }
    // Amounts to the cent: the CSV prints them as plain decimals.
    assert!(!money_expected.is_empty());
    for (key, cents) in &money_expected {
        let line = csv
            .lines()
            .find(|line| line.starts_with(&format!("{key},")))
            .unwrap_or_else(|| panic!("{key} in {csv}"));
        let value = line
            .split("\",")
            .nth(1)
            .and_then(|rest| rest.split(',').next());
        let want = format!("{}.{:02}", cents / 100, cents % 100);
        assert_eq!(value, Some(want.as_str()), "{key}");
    }
    assert_eq!(
        counted.get("cases-opened"),
        Some(&0),
        "opened today, not in 2025"
    );
    assert_eq!(counted.get("reports-issued"), Some(&0));

    // The PDF prints the same numbers with their rules.
    let response = cora
        .get(app.url("/statistics.pdf?from=2025-04-01&to=2025-09-30"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.expect("body");
    assert!(pdf.starts_with(b"%PDF"));
    let text = probity_tests::fixtures::pdf_text(&pdf);
    assert!(
        text.contains("Statistics for 2025-04-01 to 2025-09-30"),
        "{text}"
    );
    assert!(
        text.contains("Amounts are") && text.contains("USD"),
        "{text}"
    );
    let federal = expected["referred-federal"];
    assert!(
        text.contains("Persons referred to federal prosecutors")
            && text.contains(&format!("{federal} subjects")),
        "{federal} in {text}"
    );
    let questioned = money_expected["questioned-costs"];
    assert!(
        text.contains(&probity_domain::money::format_amount(questioned)),
        "the questioned costs to the cent in {text}"
    );

    // The page shows the same numbers; the drill-down lists what the reader may see.
    let (status, page) = app
        .get_page(&cora, "/statistics?from=2025-04-01&to=2025-09-30")
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Persons referred to federal prosecutors"));
    let (status, drill) = app
        .get_page(
            &cora,
            "/statistics/referred-federal?from=2025-04-01&to=2025-09-30",
        )
        .await;
    assert_eq!(status, 200);
    let listed: i64 = drill.matches("href=\"/cases/").count() as i64;
    assert!(
        listed > 0 && !drill.contains("Generated case 7<"),
        "the sealed case is not listed"
    );
    if sealed_federal > 0 {
        assert!(
            drill.contains(&format!(
                "{sealed_federal} of them are on cases you may not see"
            )),
            "{drill}"
        );
    }
    let (status, _) = app
        .get_page(
            &cora,
            "/statistics/no-such-count?from=2025-04-01&to=2025-09-30",
        )
        .await;
    assert_eq!(status, 404);
    let (status, page) = app
        .get_page(&cora, "/statistics?from=2025-09-30&to=2025-04-01")
        .await;
    assert_eq!(status, 422, "a period that ends before it starts");
    assert!(page.contains("must end on or after"));

    // The current period counts the cases opened today; investigators may not see it.
    let (_, csv) = app.get_page(&cora, "/statistics.csv").await;
    assert!(
        csv.contains(&format!("cases-opened,\"Cases opened\",{cases},")),
        "{csv}"
    );
    assert!(senior_now > 0 && retaliation_now > 0);
    assert!(
        csv.contains(&format!(
            "senior-employees-substantiated,\"Senior employees against whom misconduct was substantiated\",{senior_now},"
        )),
        "{senior_now} in {csv}"
    );
    assert!(
        csv.contains(&format!(
            "whistleblower-retaliation-substantiated,\"Whistleblower retaliation substantiated\",{retaliation_now},"
        )),
        "{retaliation_now} in {csv}"
    );
    // The senior employees' cases list each referral with its dates; the retaliation cases
    // list the consequences.
    let (status, drill) = app
        .get_page(&cora, "/statistics/senior-employees-substantiated")
        .await;
    assert_eq!(status, 200);
    assert!(
        drill.contains("referred 2025-") || drill.contains("No referral recorded"),
        "{drill}"
    );
    let (status, drill) = app
        .get_page(&cora, "/statistics/whistleblower-retaliation-substantiated")
        .await;
    assert_eq!(status, 200);
    assert!(drill.contains(" for Subject "), "{drill}");
    let investigator = client_for(&app, "ines").await;
    let (status, _) = app.get_page(&investigator, "/statistics").await;
    assert_eq!(status, 403);
    app.stop().await;
}
