//! Walks every case route and office page for every role, as a team member, a lead, a
//! non-member and a recused user, and checks the answer against the permission table:
//! 404 where the case may not be seen, 403 where it may be seen but not changed, and the
//! page or form answer otherwise. Refusals are audited.

use probity_domain::permissions::{Action, Grant, Standing, allows, grant};
use probity_domain::roles::Role;
use probity_tests::TestApp;
use probity_tests::fixtures::{case, client_for, password_hash, user};

/// A person in the walk.
struct Subject {
    username: &'static str,
    role: Role,
    standing: Standing,
}

const fn standing(member: bool, lead: bool, recused: bool) -> Standing {
    Standing {
        member,
        lead,
        recused,
        sealed: false,
        named: false,
    }
}

const SUBJECTS: [Subject; 10] = [
    Subject {
        username: "lead",
        role: Role::Investigator,
        standing: standing(true, true, false),
    },
    Subject {
        username: "member",
        role: Role::Investigator,
        standing: standing(true, false, false),
    },
    Subject {
        username: "outsider",
        role: Role::Investigator,
        standing: standing(false, false, false),
    },
    Subject {
        username: "supervisor",
        role: Role::Supervisor,
        standing: standing(false, false, false),
    },
    Subject {
        username: "recused.supervisor",
        role: Role::Supervisor,
        standing: standing(false, false, true),
    },
    Subject {
        username: "commissioner",
        role: Role::Commissioner,
        standing: standing(false, false, false),
    },
    Subject {
        username: "auditor.member",
        role: Role::Auditor,
        standing: standing(true, false, false),
    },
    Subject {
        username: "admin",
        role: Role::Administrator,
        standing: standing(false, false, false),
    },
    Subject {
        username: "admin.member",
        role: Role::Administrator,
        standing: standing(true, false, false),
    },
    Subject {
        username: "admin.recused",
        role: Role::Administrator,
        standing: standing(false, false, true),
    },
];

/// One case route: method, path (with `{case}`, `{party}`, `{allegation}`, `{note}`), the
/// action it needs, and the form it sends (left invalid so that nothing changes).
struct Route {
    method: &'static str,
    path: &'static str,
    action: Action,
    form: &'static [(&'static str, &'static str)],
}

const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/cases/{case}/export",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/export",
        action: Action::ReadCase,
        form: &[("reason", "")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/plan/reviews",
        action: Action::ReviewCase,
        form: &[("note", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/interviews",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/interviews/{interview}",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/interviews/new",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/interviews/new",
        action: Action::EditCase,
        form: &[("place", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/interviews/{interview}/edit",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/interviews/{interview}/edit",
        action: Action::EditCase,
        form: &[("place", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/outcomes",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/outcomes/referrals/new",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/outcomes/referrals/new",
        action: Action::EditCase,
        form: &[("office", "")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/outcomes/money/new",
        action: Action::EditCase,
        form: &[("amount", "")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/outcomes/actions/new",
        action: Action::EditCase,
        form: &[("kind", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/plan",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/plan/new",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/plan/new",
        action: Action::EditCase,
        form: &[("title", "")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/complainants/consents",
        action: Action::RecordConsent,
        form: &[("complaint_id", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/team",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/parties",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/exhibits",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/history",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/notes/{note}/history",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/edit",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/edit",
        action: Action::EditCase,
        form: &[("title", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/status",
        action: Action::MoveStatus,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/status",
        action: Action::MoveStatus,
        form: &[("to", ""), ("reason", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/parties/new",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/parties/new",
        action: Action::EditCase,
        form: &[("name", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/parties/{party}/edit",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/parties/{party}/edit",
        action: Action::EditCase,
        form: &[("name", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/allegations/new",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/allegations/new",
        action: Action::EditCase,
        form: &[("summary", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/allegations/{allegation}/edit",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/allegations/{allegation}/edit",
        action: Action::EditCase,
        form: &[("summary", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/notes/new",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/notes/new",
        action: Action::EditCase,
        form: &[("body", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/notes/{note}/edit",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/notes/{note}/edit",
        action: Action::EditCase,
        form: &[("body", "")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/team/add",
        action: Action::ManageTeam,
        form: &[("user_id", "x")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/team/remove",
        action: Action::ManageTeam,
        form: &[("user_id", "x")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/team/lead",
        action: Action::ManageTeam,
        form: &[("user_id", "x")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/team/recuse",
        action: Action::ManageRecusals,
        form: &[("recuse_user_id", "x")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/team/lift",
        action: Action::ManageRecusals,
        form: &[("user_id", "x")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/exhibits/new",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "MULTIPART",
        path: "/cases/{case}/exhibits",
        action: Action::EditCase,
        form: &[("description", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/exhibits/{exhibit}",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/exhibits/{exhibit}/download",
        action: Action::ReadCase,
        form: &[("reason", "")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/exhibits/{exhibit}/transfer",
        action: Action::EditCase,
        form: &[("to_whom", "")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/exhibits/{exhibit}/import",
        action: Action::EditCase,
        form: &[("format", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/messages",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/messages",
        action: Action::ReadCase,
        form: &[("q", "quillfeather")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/incidents/new",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/incidents/new",
        action: Action::EditCase,
        form: &[("title", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/incidents/{incident}",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/incidents/{incident}/timeline.svg",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/incidents/{incident}/events.csv",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/incidents/{incident}/events.json",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/incidents/{incident}/events/new",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/incidents/{incident}/events/new",
        action: Action::EditCase,
        form: &[("narrative", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/timeline",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/timeline.svg",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/events.csv",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/events.json",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/events/{event}",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/events/{event}/history",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/events/{event}/edit",
        action: Action::EditCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/events/{event}/edit",
        action: Action::EditCase,
        form: &[("narrative", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/findings",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/findings/{allegation}",
        action: Action::DraftReport,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/findings/{allegation}",
        action: Action::DraftReport,
        form: &[("disposition", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/recommendations",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/recommendations/new",
        action: Action::DraftReport,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/recommendations/new",
        action: Action::DraftReport,
        form: &[("agency", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/recommendations/{recommendation}",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/recommendations/{recommendation}",
        action: Action::DraftReport,
        form: &[("agency", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/redactions",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/redactions",
        action: Action::DraftReport,
        form: &[("text", "")],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/redactions/0/remove",
        action: Action::DraftReport,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/redactions/release",
        action: Action::DraftReport,
        form: &[("exhibit_id", "")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/report",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/report/edit",
        action: Action::DraftReport,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/report/edit",
        action: Action::DraftReport,
        form: &[("based_on", "0")],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/report/compare?from=1&to=2",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/report/versions/1",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "GET",
        path: "/cases/{case}/report/versions/1/preview",
        action: Action::ReadCase,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/report/versions/1/submit",
        action: Action::DraftReport,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/report/versions/1/return",
        action: Action::ReviewReport,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/report/versions/1/approve",
        action: Action::ReviewReport,
        form: &[],
    },
    Route {
        method: "POST",
        path: "/cases/{case}/report/versions/1/publish",
        action: Action::PublishReport,
        form: &[],
    },
];

/// Office pages: path, method, action.
const OFFICE: &[(&str, &str, Action)] = &[
    ("GET", "/people", Action::ManagePeople),
    ("GET", "/audit", Action::ReadAudit),
    ("GET", "/cases/new", Action::CreateCase),
    ("GET", "/complaints", Action::TriageComplaints),
    ("GET", "/complaints/new", Action::TriageComplaints),
];

/// The walls the walks run against: every subject's account, and a case led by the first
/// with the standing each subject's entry says, filled with one record of every kind.
async fn walled_case(
    store: &probity_server::storage::DynStore,
) -> (
    Vec<probity_server::storage::User>,
    i64,
    probity_tests::fixtures::WalkRecords,
) {
    let hash = password_hash().await;
    let mut users = Vec::new();
    for subject in &SUBJECTS {
        users.push(user(store, &hash, subject.username, subject.role).await);
    }
    let lead = &users[0];
    let opened = case(store, lead, "Walled-off case about Quillfeather").await;
    let id = opened.case_id;
    for (subject, account) in SUBJECTS.iter().zip(&users) {
        if subject.standing.member && !subject.standing.lead {
            store
                .add_member(id, account.user_id, lead.user_id)
                .await
                .expect("member");
        }
        if subject.standing.recused {
            store
                .add_member(id, account.user_id, lead.user_id)
                .await
                .expect("member first");
            store
                .recuse(id, account.user_id, "conflict of interest", lead.user_id)
                .await
                .expect("recuse");
        }
    }
    let records = probity_tests::fixtures::walk_records(store, id, lead).await;
    // Check the fixture: standings in the database are what the walk assumes.
    for (subject, account) in SUBJECTS.iter().zip(&users) {
        assert_eq!(
            store.standing(id, account.user_id).await.expect("standing"),
            subject.standing,
            "{}",
            subject.username
        );
    }
    (users, id, records)
}

/// A route's path with the fixture's ids in place of its names.
fn concrete(path: &str, id: i64, records: &probity_tests::fixtures::WalkRecords) -> String {
    path.replace("{case}", &id.to_string())
        .replace("{party}", &records.party.party_id.to_string())
        .replace(
            "{allegation}",
            &records.allegation.allegation_id.to_string(),
        )
        .replace("{note}", &records.note.note_id.to_string())
        .replace("{interview}", &records.interview.interview_id.to_string())
        .replace("{exhibit}", &records.exhibit.exhibit_id.to_string())
        .replace("{incident}", &records.incident.incident_id.to_string())
        .replace("{event}", &records.event_id.to_string())
        .replace(
            "{recommendation}",
            &records.recommendation.recommendation_id.to_string(),
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_as_the_permission_table_says_for_every_role_and_standing() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let (users, id, records) = walled_case(&store).await;
    let _ = &users;

    let mut mismatches = Vec::new();
    let mut checked = 0;
    for subject in &SUBJECTS {
        let client = client_for(&app, subject.username).await;
        let token = app.form_token(&client, "/account").await;
        let may_read = allows(subject.role, Action::ReadCase, subject.standing);
        for route in ROUTES {
            let path = concrete(route.path, id, &records);
            let response = if route.method == "GET" {
                client.get(app.url(&path)).send().await.expect("GET")
            } else if route.method == "MULTIPART" {
                let mut form = reqwest::multipart::Form::new().text("csrf_token", token.clone());
                for (name, value) in route.form {
                    form = form.text(*name, *value);
                }
                client
                    .post(app.url(&path))
                    .header("origin", app.origin())
                    .multipart(form)
                    .send()
                    .await
                    .expect("POST")
            } else {
                let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
                form.extend_from_slice(route.form);
                client
                    .post(app.url(&path))
                    .header("origin", app.origin())
                    .form(&form)
                    .send()
                    .await
                    .expect("POST")
            };
            let status = response.status().as_u16();
            // Moving status counts as allowed when moving or reopening is.
            let allowed = allows(subject.role, route.action, subject.standing)
                || (route.action == Action::MoveStatus
                    && allows(subject.role, Action::ReopenCase, subject.standing));
            let ok = if !may_read {
                status == 404
            } else if !allowed {
                status == 403
            } else {
                matches!(status, 200 | 409 | 422)
            };
            checked += 1;
            if !ok {
                mismatches.push(format!(
                    "{} ({:?}, {:?}) {} {} -> {status} (read {may_read}, allowed {allowed})",
                    subject.username, subject.role, subject.standing, route.method, path
                ));
            }
            // The same form without its anti-forgery token, and with another session's, is
            // refused before anything else is looked at.
            if route.method == "POST" {
                for forged in ["", "0123456789abcdef"] {
                    let mut form: Vec<(&str, &str)> = vec![("csrf_token", forged)];
                    form.extend_from_slice(route.form);
                    let refused = client
                        .post(app.url(&path))
                        .header("origin", app.origin())
                        .form(&form)
                        .send()
                        .await
                        .expect("POST")
                        .status()
                        .as_u16();
                    checked += 1;
                    if refused != 403 {
                        mismatches.push(format!(
                            "{} POST {path} with token {forged:?} -> {refused} (expected 403)",
                            subject.username
                        ));
                    }
                }
            }
            if !may_read {
                let body = response.text().await.expect("body");
                assert!(
                    !body.contains("Quillfeather"),
                    "{} sees the case at {path}",
                    subject.username
                );
            }
        }
        for (method, path, action) in OFFICE {
            let response = client.get(app.url(path)).send().await.expect("GET");
            let expected = if grant(subject.role, *action) == Grant::OfficeWide {
                200
            } else {
                403
            };
            checked += 1;
            if response.status().as_u16() != expected {
                mismatches.push(format!(
                    "{} {method} {path} -> {} (expected {expected})",
                    subject.username,
                    response.status()
                ));
            }
        }
        // Lists, counts and search: the case shows exactly where it may be read.
        let list = client.get(app.url("/cases")).send().await.expect("GET");
        let sees_cases = grant(subject.role, Action::ReadCase) != Grant::Never;
        assert_eq!(
            list.status().as_u16(),
            if sees_cases { 200 } else { 403 },
            "{} /cases",
            subject.username
        );
        if sees_cases {
            let listed = list.text().await.expect("body").contains("Quillfeather");
            assert_eq!(listed, may_read, "{} in the list", subject.username);
            let search = client
                .post(app.url("/cases/search"))
                .header("origin", app.origin())
                .form(&[("csrf_token", token.as_str()), ("q", "quillfeather")])
                .send()
                .await
                .expect("POST");
            let found = search.text().await.expect("body").contains("Quillfeather");
            assert_eq!(found, may_read, "{} in search", subject.username);
            // The one search over everything, likewise.
            let everything = client
                .post(app.url("/search"))
                .header("origin", app.origin())
                .form(&[("csrf_token", token.as_str()), ("q", "quillfeather")])
                .send()
                .await
                .expect("POST");
            assert_eq!(everything.status(), 200, "{} /search", subject.username);
            let found = everything
                .text()
                .await
                .expect("body")
                .contains("Quillfeather");
            assert_eq!(found, may_read, "{} in the one search", subject.username);
            let home = client
                .get(app.url("/"))
                .send()
                .await
                .expect("GET")
                .text()
                .await
                .expect("body");
            assert_eq!(
                home.contains("Quillfeather"),
                may_read,
                "{} on the dashboard",
                subject.username
            );
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {checked} answers differ from the table:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );

    // Every refusal left an audit entry.
    let refused = store
        .list_audit(
            &probity_server::storage::AuditFilter {
                outcome: Some(probity_server::storage::Outcome::Refused),
                case_id: Some(id),
                ..Default::default()
            },
            10_000,
        )
        .await
        .expect("audit");
    let outsider_refusals = refused
        .iter()
        .filter(|event| event.actor == "outsider")
        .count();
    assert_eq!(
        outsider_refusals,
        ROUTES.len(),
        "each refused route is audited once"
    );
    assert!(refused.iter().any(|event| event.actor == "admin.recused"));
}

/// The links of a page, as paths on this server (fragments dropped, `&amp;` read).
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = rest[..end].replace("&amp;", "&");
        rest = &rest[end..];
        let href = href.split('#').next().unwrap_or_default().to_string();
        if href.starts_with('/') && !href.starts_with("//") {
            found.push(href);
        }
    }
    found
}

/// Pages reached from `/` by following links only, as `client` sees them: every path
/// linked (files included), and the pages fetched to read their links.
async fn crawl(app: &TestApp, client: &reqwest::Client) -> std::collections::BTreeSet<String> {
    let mut reached = std::collections::BTreeSet::new();
    let mut queue = std::collections::VecDeque::from(["/".to_string()]);
    reached.insert("/".to_string());
    let mut fetched = 0;
    while let Some(path) = queue.pop_front() {
        // Files and machine formats are reached by their link; only pages are read on.
        let bare = path.split('?').next().unwrap_or_default();
        let file = [".csv", ".json", ".svg", ".pdf", ".html", "/thumbnail"]
            .iter()
            .any(|end| bare.ends_with(end))
            || bare.starts_with("/assets/")
            || bare.starts_with("/api/v1/")
            // Each period links the one before it: one period's page is read, the
            // others are only reached.
            || (bare == "/statistics" && path.contains('?'));
        if file {
            continue;
        }
        fetched += 1;
        assert!(fetched < 2_000, "the crawl does not end");
        let response = client.get(app.url(&path)).send().await.expect("GET");
        if response.status() != 200 {
            continue;
        }
        let html = response.text().await.expect("body");
        for link in links(&html) {
            if reached.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    reached
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_a_role_may_use_is_reached_from_home_by_following_links() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let (_users, id, records) = walled_case(&store).await;
    let mut missing = Vec::new();
    for subject in &SUBJECTS {
        let client = client_for(&app, subject.username).await;
        let reached = crawl(&app, &client).await;
        let reached_bare: std::collections::BTreeSet<String> = reached
            .iter()
            .map(|path| path.split('?').next().unwrap_or_default().to_string())
            .collect();
        let may_read = allows(subject.role, Action::ReadCase, subject.standing);
        for route in ROUTES.iter().filter(|route| route.method == "GET") {
            let allowed = may_read
                && (allows(subject.role, route.action, subject.standing)
                    || (route.action == Action::MoveStatus
                        && allows(subject.role, Action::ReopenCase, subject.standing)));
            let path = concrete(route.path, id, &records);
            let bare = path.split('?').next().unwrap_or_default().to_string();
            if allowed && !reached_bare.contains(&bare) {
                missing.push(format!("{} cannot reach {path}", subject.username));
            }
            if !may_read && reached_bare.contains(&bare) {
                missing.push(format!("{} is shown a link to {path}", subject.username));
            }
        }
        for (_, path, action) in OFFICE {
            if grant(subject.role, *action) == Grant::OfficeWide && !reached.contains(*path) {
                missing.push(format!("{} cannot reach {path}", subject.username));
            }
        }
        for path in ["/account", "/api", "/reports"] {
            if !reached.contains(path) {
                missing.push(format!("{} cannot reach {path}", subject.username));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} pages are not reached by links:\n{}",
        missing.len(),
        missing.join("\n")
    );
    app.stop().await;
}
