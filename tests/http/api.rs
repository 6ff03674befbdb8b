//! The JSON API: tokens made on the account page, every resource read and changed through
//! it, its problem documents, ETags and rate limit, its OpenAPI description and page, and
//! the permission walk over every API route for every role and standing.

use probity_domain::permissions::{Action, Standing, allows};
use probity_domain::roles::Role;
use probity_tests::fixtures::{api_token, case, client_for, password_hash, user};
use probity_tests::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A client with no cookies; the token is the only credential.
fn api_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn body(response: reqwest::Response) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, value)
}

fn content_type(headers: &reqwest::header::HeaderMap) -> &str {
    headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

/// The token shown once on the account page after creating one.
fn shown_token(html: &str) -> Option<String> {
    let at = html.find("value=\"prb_")?;
    let start = at + "value=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

#[tokio::test]
async fn a_token_made_on_the_account_page_opens_the_api_as_its_owner_until_revoked() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let opened = case(&store, &ines, "Custody disclosure").await;
    let browser = client_for(&app, "ines").await;

    // A bad life and a hostile name: the form comes back with what was typed, escaped.
    let refused = app
        .post_form(
            &browser,
            "/account",
            "/account/tokens",
            &[
                ("name", "<script>x</script>"),
                ("scope", "write"),
                ("days", "365"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("page");
    assert!(page.contains("Choose a life of 1 to 90 days."));
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert!(!page.contains("<script>x"));
    assert!(shown_token(&page).is_none());
    assert!(
        store
            .tokens_of(ines.user_id)
            .await
            .expect("tokens")
            .is_empty()
    );

    let created = app
        .post_form(
            &browser,
            "/account",
            "/account/tokens",
            &[
                ("name", "hotline import"),
                ("scope", "write"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let page = created.text().await.expect("page");
    let secret = shown_token(&page).expect("the new token is shown once");
    assert!(page.contains("it will not be shown again"));
    // Only its hash is stored.
    let stored = store.tokens_of(ines.user_id).await.expect("tokens");
    assert_eq!(stored.len(), 1);
    assert!(secret.starts_with(&stored[0].prefix));
    assert!(stored[0].last_used_at.is_none());
    // The account page lists it again without the secret.
    let (_, listed) = app.get_page(&browser, "/account").await;
    assert!(listed.contains("hotline import"));
    assert!(!listed.contains(&secret));

    let api = api_client();
    let (status, _, cases) = body(
        api.get(app.url("/api/v1/cases"))
            .bearer_auth(&secret)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200, "{cases}");
    assert_eq!(cases["items"][0]["id"], opened.case_id);
    assert_eq!(cases["items"][0]["title"], "Custody disclosure");
    let used = store.tokens_of(ines.user_id).await.expect("tokens");
    assert!(used[0].last_used_at.is_some(), "last use is recorded");

    // The read is audited in the owner's name, with the token's name.
    let trail = store.recent_audit(5).await.expect("audit");
    let listed = trail
        .iter()
        .find(|event| event.action == "case.list")
        .expect("case.list audited");
    assert_eq!(listed.actor, "ines");
    assert!(
        listed
            .via
            .as_deref()
            .is_some_and(|via| via.contains("hotline import")),
        "{:?}",
        listed.via
    );

    // Revoked on the account page: the next request is refused.
    let revoke = app
        .post_form(
            &browser,
            "/account",
            &format!("/account/tokens/{}/revoke", stored[0].api_token_id),
            &[],
        )
        .await;
    assert_eq!(revoke.status(), 303);
    let (status, headers, problem) = body(
        api.get(app.url("/api/v1/cases"))
            .bearer_auth(&secret)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(content_type(&headers), "application/problem+json");
    assert!(headers.contains_key("www-authenticate"));
    assert_eq!(problem["status"], 401);
    app.stop().await;
}

#[tokio::test]
async fn cases_and_their_records_are_read_and_changed_through_the_api_with_etags() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let token = api_token(&store, &ines, true, 30).await;
    let api = api_client();
    let send = |request: reqwest::RequestBuilder| {
        let token = token.clone();
        async move { body(request.bearer_auth(token).send().await.expect("send")).await }
    };
    let case_body = json!({
        "title": "Booking data shared with immigration",
        "summary": "Line one\nline two",
        "subject_agency": "Department of Correction",
        "intake_channel": "complaint",
        "received_on": "2025-02-03",
        "priority": "high",
        "confidentiality": "confidential"
    });

    // Invalid values answer 422 with a message per field, and nothing is saved.
    let (status, headers, problem) = send(
        api.post(app.url("/api/v1/cases"))
            .json(&json!({"title": "", "summary": "", "subject_agency": "x", "intake_channel": "pigeon",
                "received_on": "3025-01-01", "priority": "high", "confidentiality": "confidential"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(content_type(&headers), "application/problem+json");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|error| error["field"].as_str())
        .collect();
    for field in ["title", "summary", "intake_channel", "received_on"] {
        assert!(fields.contains(&field), "{field} in {problem}");
    }

    let (status, headers, created) =
        send(api.post(app.url("/api/v1/cases")).json(&case_body)).await;
    assert_eq!(status, 201, "{created}");
    let case_id = created["id"].as_i64().expect("id");
    assert_eq!(created["status"], "intake");
    assert_eq!(created["time_zone"], "UTC");
    let etag = headers["etag"].to_str().expect("etag").to_string();
    assert_eq!(etag, format!("\"{}\"", created["version"]));

    let (status, headers, read) = send(api.get(app.url(&format!("/api/v1/cases/{case_id}")))).await;
    assert_eq!(status, 200);
    assert_eq!(read["summary"], "Line one\nline two");
    assert_eq!(headers["etag"].to_str().expect("etag"), etag);

    // An edit without If-Match is refused; one on an old version answers 409 with the
    // current version; one on the current version saves.
    let mut edited = case_body.clone();
    edited["title"] = json!("Booking data shared (edited)");
    let url = app.url(&format!("/api/v1/cases/{case_id}"));
    let (status, _, _) = send(api.put(&url).json(&edited)).await;
    assert_eq!(status, 428);
    let (status, _, saved) = send(api.put(&url).header("if-match", &etag).json(&edited)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["title"], "Booking data shared (edited)");
    let (status, headers, problem) =
        send(api.put(&url).header("if-match", &etag).json(&case_body)).await;
    assert_eq!(status, 409);
    assert_eq!(problem["current_version"], saved["version"]);
    assert!(headers.contains_key("etag"));
    let current = store
        .case_by_id(case_id)
        .await
        .expect("read")
        .expect("case");
    assert_eq!(
        current.title, "Booking data shared (edited)",
        "the stale edit changed nothing"
    );

    // Status moves: an illegal one is 422, a legal one moves.
    let status_url = app.url(&format!("/api/v1/cases/{case_id}/status"));
    let tag = format!("\"{}\"", saved["version"]);
    let (status, _, problem) = send(
        api.post(&status_url)
            .header("if-match", &tag)
            .json(&json!({"to": "under_review", "reason": "skip ahead"})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let (status, _, moved) = send(
        api.post(&status_url)
            .header("if-match", &tag)
            .json(&json!({"to": "open", "reason": "screened in"})),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["status"], "open");

    // Parties, allegations and notes.
    let (status, _, party) = send(
        api.post(app.url(&format!("/api/v1/cases/{case_id}/parties")))
            .json(&json!({"kind": "person", "name": "Officer R.", "role": "subject", "pseudonym": "Officer A"})),
    )
    .await;
    assert_eq!(status, 201, "{party}");
    let party_id = party["id"].as_i64().expect("party id");
    let (status, _, allegation) = send(
        api.post(app.url(&format!("/api/v1/cases/{case_id}/allegations")))
            .json(
                &json!({"subject_party_id": party_id, "summary": "Passed booking data",
                "rule_at_issue": "City sanctuary law", "status": "open"}),
            ),
    )
    .await;
    assert_eq!(status, 201, "{allegation}");
    // A subject from no party of this case is refused.
    let (status, _, _) = send(
        api.post(app.url(&format!("/api/v1/cases/{case_id}/allegations")))
            .json(&json!({"subject_party_id": 999999, "summary": "x", "rule_at_issue": "y", "status": "open"})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, headers, _) =
        send(api.get(app.url(&format!("/api/v1/cases/{case_id}/parties/{party_id}")))).await;
    assert_eq!(status, 200);
    let party_tag = headers["etag"].to_str().expect("etag").to_string();
    let (status, _, renamed) = send(
        api.put(app.url(&format!("/api/v1/cases/{case_id}/parties/{party_id}")))
            .header("if-match", &party_tag)
            .json(&json!({"kind": "person", "name": "Officer R. Smith", "role": "subject"})),
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["name"], "Officer R. Smith");

    let (status, _, note) = send(
        api.post(app.url(&format!("/api/v1/cases/{case_id}/notes")))
            .json(&json!({"body": "Called the records unit </textarea><b>x</b>"})),
    )
    .await;
    assert_eq!(status, 201, "{note}");
    let note_id = note["id"].as_i64().expect("note id");
    let (status, _, note2) = send(
        api.put(app.url(&format!("/api/v1/cases/{case_id}/notes/{note_id}")))
            .header("if-match", format!("\"{}\"", note["version"]))
            .json(&json!({"body": "Called the records unit twice"})),
    )
    .await;
    assert_eq!(status, 200, "{note2}");
    let (status, _, versions) =
        send(api.get(app.url(&format!("/api/v1/cases/{case_id}/notes/{note_id}/versions")))).await;
    assert_eq!(status, 200);
    assert_eq!(versions.as_array().map(Vec::len), Some(2));
    assert_eq!(
        versions[1]["body"],
        "Called the records unit </textarea><b>x</b>"
    );
    let (status, _, team) = send(api.get(app.url(&format!("/api/v1/cases/{case_id}/team")))).await;
    assert_eq!(status, 200);
    assert_eq!(team[0]["username"], "ines");
    assert_eq!(team[0]["is_lead"], true);

    // Search travels in the body; the list pages by key.
    let second = case(&store, &ines, "Quillfeather overtime").await;
    let (status, _, found) = send(
        api.post(app.url("/api/v1/cases/search"))
            .json(&json!({"q": "quillfeather"})),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(found["items"][0]["id"], second.case_id);
    let (status, _, first_page) = send(api.get(app.url("/api/v1/cases?limit=1"))).await;
    assert_eq!(status, 200);
    let next = first_page["next"]
        .as_str()
        .expect("a next page")
        .to_string();
    let (status, _, second_page) = send(
        api.get(app.url("/api/v1/cases"))
            .query(&[("limit", "1"), ("after", next.as_str())]),
    )
    .await;
    assert_eq!(status, 200);
    assert_ne!(first_page["items"][0]["id"], second_page["items"][0]["id"]);
    let (status, _, problem) =
        send(api.get(app.url("/api/v1/cases?received_from=yesterday"))).await;
    assert_eq!(status, 422, "{problem}");
    app.stop().await;
}

#[tokio::test]
async fn the_api_answers_problems_never_internals() {
    let app = TestApp::spawn_with(Backend::under_test(), &["--api-rate-limit", "5"]).await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let reader = api_token(&store, &ines, false, 30).await;
    let writer = api_token(&store, &ines, true, 30).await;
    let api = api_client();
    for (request, expected) in [
        (api.get(app.url("/api/v1/cases")), 401),
        (
            api.get(app.url("/api/v1/cases"))
                .bearer_auth("prb_nonsense"),
            401,
        ),
        (
            api.get(app.url("/api/v1/cases"))
                .bearer_auth(format!("prb_{}", "0".repeat(64))),
            401,
        ),
        (
            api.get(app.url("/api/v1/nothing-here"))
                .bearer_auth(&reader),
            404,
        ),
        (
            api.get(app.url("/api/v1/cases/abc")).bearer_auth(&reader),
            404,
        ),
        (
            api.get(app.url("/api/v1/cases/999999"))
                .bearer_auth(&reader),
            404,
        ),
        (
            api.post(app.url("/api/v1/cases"))
                .bearer_auth(&reader)
                .json(&json!({})),
            403,
        ),
    ] {
        let (status, headers, problem) = body(request.send().await.expect("send")).await;
        assert_eq!(status.as_u16(), expected, "{problem}");
        assert_eq!(content_type(&headers), "application/problem+json");
        assert_eq!(problem["status"], expected);
        assert!(problem["title"].is_string());
    }
    // Malformed and mistyped bodies.
    let (status, headers, _) = body(
        api.post(app.url("/api/v1/cases"))
            .bearer_auth(&writer)
            .header("content-type", "application/json")
            .body("{\"title\": ")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(content_type(&headers), "application/problem+json");
    let (status, _, _) = body(
        api.post(app.url("/api/v1/cases"))
            .bearer_auth(&writer)
            .body("title=x")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 415);
    // Three of the reader's five requests a minute are spent; two more pass, the sixth
    // waits, with Retry-After.
    for _ in 0..2 {
        let status = api
            .get(app.url("/api/v1/cases"))
            .bearer_auth(&reader)
            .send()
            .await
            .expect("send")
            .status();
        assert_eq!(status, 200);
    }
    let (status, headers, problem) = body(
        api.get(app.url("/api/v1/cases"))
            .bearer_auth(&reader)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 429, "{problem}");
    assert!(headers.contains_key("retry-after"));
    // Another token has its own allowance.
    let (status, _, _) = body(
        api.get(app.url("/api/v1/cases"))
            .bearer_auth(&writer)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200);

    // An expired token and a disabled account's token stop at once.
    let expired = api_token(&store, &ines, false, -1).await;
    let (status, _, _) = body(
        api.get(app.url("/api/v1/cases"))
            .bearer_auth(&expired)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 401);
    store
        .set_user_disabled("ines", true)
        .await
        .expect("disable");
    let (status, _, _) = body(
        api.get(app.url("/api/v1/cases"))
            .bearer_auth(&writer)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 401);
    app.stop().await;
}

#[tokio::test]
async fn the_openapi_description_and_its_page_cover_every_route() {
    let app = TestApp::spawn().await;
    // Past the first-run setup, which every page but it waits for.
    let store = app.store().await;
    user(&store, &password_hash().await, "ines", Role::Investigator).await;
    let api = api_client();
    let (status, headers, description) = body(
        api.get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(content_type(&headers).starts_with("application/json"));
    assert_eq!(description["openapi"], "3.1.0");
    assert_eq!(description["servers"][0]["url"], app.origin());
    let paths = description["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/cases",
        "/api/v1/cases/search",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/status",
        "/api/v1/cases/{case_id}/team",
        "/api/v1/cases/{case_id}/parties",
        "/api/v1/cases/{case_id}/parties/{party_id}",
        "/api/v1/cases/{case_id}/allegations",
        "/api/v1/cases/{case_id}/allegations/{allegation_id}",
        "/api/v1/cases/{case_id}/notes",
        "/api/v1/cases/{case_id}/notes/{note_id}",
        "/api/v1/cases/{case_id}/notes/{note_id}/versions",
        "/api/v1/cases/{case_id}/exhibits",
        "/api/v1/cases/{case_id}/exhibits/{exhibit_id}",
        "/api/v1/cases/{case_id}/exhibits/{exhibit_id}/custody",
        "/api/v1/cases/{case_id}/exhibits/{exhibit_id}/download",
        "/api/v1/cases/{case_id}/messages",
        "/api/v1/cases/{case_id}/messages/search",
        "/api/v1/cases/{case_id}/messages/{message_id}",
        "/api/v1/cases/{case_id}/incidents",
        "/api/v1/cases/{case_id}/events",
        "/api/v1/cases/{case_id}/incidents/{incident_id}/events",
        "/api/v1/cases/{case_id}/events/{event_id}",
        "/api/v1/cases/{case_id}/findings",
        "/api/v1/cases/{case_id}/findings/{allegation_id}",
        "/api/v1/cases/{case_id}/redactions",
        "/api/v1/cases/{case_id}/redactions/{redaction_id}",
        "/api/v1/cases/{case_id}/releases/{exhibit_id}",
        "/api/v1/cases/{case_id}/message-logs",
        "/api/v1/cases/{case_id}/report/versions/{version}/publish",
        "/api/v1/cases/{case_id}/report/versions/{version}/releases",
        "/api/v1/cases/{case_id}/recommendations",
        "/api/v1/cases/{case_id}/recommendations/{recommendation_id}",
        "/api/v1/cases/{case_id}/report/versions",
        "/api/v1/cases/{case_id}/report/versions/{version}",
        "/api/v1/cases/{case_id}/report/versions/{version}/submit",
        "/api/v1/cases/{case_id}/report/versions/{version}/return",
        "/api/v1/cases/{case_id}/report/versions/{version}/approve",
        "/api/v1/cases/{case_id}/team/{user_id}",
        "/api/v1/cases/{case_id}/team/lead",
        "/api/v1/cases/{case_id}/walls",
        "/api/v1/cases/{case_id}/recusals",
        "/api/v1/cases/{case_id}/recusals/{user_id}/lift",
        "/api/v1/cases/{case_id}/overseers",
        "/api/v1/cases/{case_id}/overseers/{user_id}",
        "/api/v1/audit",
        "/api/v1/public/reports",
        "/api/v1/public/reports/{report_number}/{edition}",
    ] {
        assert!(paths.contains_key(path), "{path} described");
    }
    // The closed sets come from the domain's own lists.
    let statuses = &description["components"]["schemas"]["CaseOut"]["properties"]["status"]["enum"];
    assert_eq!(
        statuses.as_array().map(Vec::len),
        Some(probity_domain::cases::CaseStatus::ALL.len())
    );
    let client = app.client();
    let (status, page) = app.get_page(&client, "/api").await;
    assert_eq!(status, 200);
    assert!(page.contains("GET /api/v1/cases"));
    assert!(page.contains("PUT /api/v1/cases/{case_id}"));
    assert!(page.contains("id=\"problem-stale\""));
    assert!(page.contains("id=\"schema-CaseOut\""));
    assert!(
        !page.contains("<script"),
        "the documentation needs no script"
    );
    // Published reports need no token.
    let (status, _, reports) = body(
        api.get(app.url("/api/v1/public/reports"))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(reports["items"].is_array());
    app.stop().await;
}

#[tokio::test]
async fn evidence_is_uploaded_read_and_downloaded_through_the_api_with_its_custody() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let theo = user(&store, &hash, "theo", Role::Investigator).await;
    let nora = user(&store, &hash, "nora", Role::Investigator).await;
    let opened = case(&store, &ines, "Custody disclosure").await;
    store
        .add_member(opened.case_id, theo.user_id, ines.user_id)
        .await
        .expect("member");
    let case_id = opened.case_id;
    let lead = api_token(&store, &ines, true, 30).await;
    let member = api_token(&store, &theo, false, 30).await;
    let outsider = api_token(&store, &nora, true, 30).await;
    let api = api_client();
    let base = format!("/api/v1/cases/{case_id}/exhibits");
    let screenshot = b"\x89PNG not really, but bytes as received \r\n\x00\xff".to_vec();
    let log = "When,Who,What\n2024-11-21 09:14,R.,=HYPERLINK(\"x\")\n"
        .as_bytes()
        .to_vec();
    let form = || {
        reqwest::multipart::Form::new()
            .text("description", "Screenshots sent by the complainant")
            .text("personal_data", "yes")
            .part(
                "files",
                reqwest::multipart::Part::bytes(screenshot.clone()).file_name("../../etc/passwd"),
            )
            .part(
                "files",
                reqwest::multipart::Part::bytes(log.clone()).file_name("log.csv"),
            )
    };
    // An outsider learns nothing and stores nothing; a read token may not upload.
    for (token, expected) in [(&outsider, 404), (&member, 403)] {
        let status = api
            .post(app.url(&base))
            .bearer_auth(token)
            .multipart(form())
            .send()
            .await
            .expect("POST")
            .status();
        assert_eq!(status.as_u16(), expected);
    }
    assert!(
        store
            .exhibits(case_id, ines.user_id)
            .await
            .expect("list")
            .is_empty()
    );
    // A bad detail refuses the whole upload, and keeps nothing.
    let (status, _, problem) = body(
        api.post(app.url(&base))
            .bearer_auth(&lead)
            .multipart(form().text("collected_at", "last tuesday"))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    // Details after the files are read too late to stop them: the upload is refused whole.
    assert_eq!(status, 422, "{problem}");
    assert!(
        store
            .exhibits(case_id, ines.user_id)
            .await
            .expect("list")
            .is_empty()
    );

    let (status, _, added) = body(
        api.post(app.url(&base))
            .bearer_auth(&lead)
            .multipart(form())
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 201, "{added}");
    let added = added.as_array().expect("exhibits").clone();
    assert_eq!(added.len(), 2);
    assert_eq!(added[0]["label"], "E-1");
    assert_eq!(added[0]["original_filename"], "../../etc/passwd");
    use sha2::Digest as _;
    let expected_sha = format!("{:x}", sha2::Sha256::digest(&screenshot));
    assert_eq!(added[0]["sha256"], expected_sha.as_str());
    assert_eq!(added[0]["personal_data"], true);
    let exhibit_id = added[0]["id"].as_i64().expect("id");

    let (status, _, listed) = body(
        api.get(app.url(&base))
            .bearer_auth(&member)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    let one = format!("{base}/{exhibit_id}");
    let (status, _, read) = body(
        api.get(app.url(&one))
            .bearer_auth(&member)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["description"], "Screenshots sent by the complainant");

    // Downloads need a reason; a read token may download; the bytes are those received.
    let download = format!("{one}/download");
    let (status, _, problem) = body(
        api.post(app.url(&download))
            .bearer_auth(&member)
            .json(&json!({"reason": "  "}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let original = api
        .post(app.url(&download))
        .bearer_auth(&member)
        .json(&json!({"reason": "compare with the agency's copy"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(original.status(), 200);
    assert_eq!(
        original.headers()["x-probity-sha256"]
            .to_str()
            .expect("sha"),
        expected_sha
    );
    assert_eq!(original.bytes().await.expect("bytes").to_vec(), screenshot);
    let (status, _, custody) = body(
        api.get(app.url(&format!("{one}/custody")))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = custody
        .as_array()
        .expect("custody")
        .iter()
        .filter_map(|step| step["action"].as_str())
        .collect();
    assert_eq!(actions, ["received", "viewed", "downloaded"], "{custody}");
    assert_eq!(custody[2]["reason"], "compare with the agency's copy");
    assert_eq!(custody[2]["user_name"], "theo (test)");

    // Changed on disk: the download is refused with the integrity alarm, before any byte.
    let blob = app
        .db
        .data_dir
        .join("blobs/sha256")
        .join(&expected_sha[0..2])
        .join(&expected_sha[2..4])
        .join(&expected_sha);
    let mut tampered = std::fs::read(&blob).expect("blob");
    tampered[3] ^= 0x01;
    std::fs::write(&blob, tampered).expect("tamper");
    let (status, headers, problem) = body(
        api.post(app.url(&download))
            .bearer_auth(&lead)
            .json(&json!({"reason": "again"}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(content_type(&headers), "application/problem+json");
    assert_eq!(problem["type"], "/api#problem-integrity");
    let custody = store.custody(exhibit_id).await.expect("custody");
    assert_eq!(
        custody.last().map(|step| step.action.as_str()),
        Some("integrity_failure")
    );

    // A restricted exhibit is invisible to a team member not named on it.
    let (status, _, restricted) = body(
        api.post(app.url(&base))
            .bearer_auth(&lead)
            .multipart(
                reqwest::multipart::Form::new()
                    .text("restricted", "yes")
                    .part(
                        "files",
                        reqwest::multipart::Part::bytes(b"witness statement".to_vec())
                            .file_name("statement.txt"),
                    ),
            )
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 201, "{restricted}");
    let hidden = restricted[0]["id"].as_i64().expect("id");
    let status = api
        .get(app.url(&format!("{base}/{hidden}")))
        .bearer_auth(&member)
        .send()
        .await
        .expect("GET")
        .status();
    assert_eq!(status, 404);
    let (_, _, listed) = body(
        api.get(app.url(&base))
            .bearer_auth(&member)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert!(
        !listed
            .as_array()
            .expect("list")
            .iter()
            .any(|item| item["id"] == hidden)
    );
    app.stop().await;
}

#[tokio::test]
async fn a_report_is_submitted_returned_and_approved_through_the_api() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let cora = user(&store, &hash, "cora", Role::Commissioner).await;
    let opened = case(&store, &ines, "Custody disclosure").await;
    let case_id = opened.case_id;
    let sections = vec![(
        "summary".to_string(),
        "The office found that custody data was shared.".to_string(),
    )];
    store
        .save_report_version(case_id, 0, &sections, ines.user_id)
        .await
        .expect("version 1");
    let lead = api_token(&store, &ines, true, 30).await;
    let reviewer = api_token(&store, &cora, true, 30).await;
    let api = api_client();
    let at = |path: &str| app.url(&format!("/api/v1/cases/{case_id}/report/versions{path}"));
    // The lead may not review; the commissioner may not submit.
    let (status, _, _) = body(
        api.post(at("/1/approve"))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, submitted) = body(
        api.post(at("/1/submit"))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(submitted["state"], "submitted");
    // Submitting twice is a conflict, said in words.
    let (status, _, problem) = body(
        api.post(at("/1/submit"))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("newest version"))
    );
    // A return needs a reason.
    let (status, _, _) = body(
        api.post(at("/1/return"))
            .bearer_auth(&reviewer)
            .json(&json!({"note": " ", "comments": {"summary": ""}}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _, returned) = body(
        api.post(at("/1/return"))
            .bearer_auth(&reviewer)
            .json(&json!({"comments": {"summary": "Name the agency <b>precisely</b>."}}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 200, "{returned}");
    assert_eq!(returned["state"], "returned");
    let (status, _, one) = body(
        api.get(at("/1"))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(one["comments"][0]["section"], "summary");
    assert_eq!(
        one["comments"][0]["body"],
        "Name the agency <b>precisely</b>."
    );
    // A second version, submitted and approved: its files are frozen.
    store
        .save_report_version(case_id, 1, &sections, ines.user_id)
        .await
        .expect("version 2");
    let (status, _, _) = body(
        api.post(at("/2/submit"))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, approved) = body(
        api.post(at("/2/approve"))
            .bearer_auth(&reviewer)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["state"], "approved");
    assert!(
        approved["public_pdf_sha256"]
            .as_str()
            .is_some_and(|sha| sha.len() == 64)
    );
    let (status, _, listed) = body(
        api.get(at(""))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(listed[0]["version"], 2);
    // The audit trail names the token for each step.
    let trail = store.recent_audit(50).await.expect("audit");
    for action in ["report.submit", "report.return", "report.approve"] {
        assert!(
            trail
                .iter()
                .any(|event| event.action == action && event.via.is_some()),
            "{action}"
        );
    }
    // A recommendation, then its status moved with If-Match; the history keeps both steps.
    let (status, _, created) = body(
        api.post(app.url(&format!("/api/v1/cases/{case_id}/recommendations")))
            .bearer_auth(&lead)
            .json(
                &json!({"agency": "Department of Correction", "body": "Stop sharing release dates.",
                "status": "open", "status_on": "2025-03-01"}),
            )
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["label"], "R-1");
    let rec = format!("/api/v1/cases/{case_id}/recommendations/{}", created["id"]);
    let moved = json!({"agency": "Department of Correction", "body": "Stop sharing release dates.",
        "response": "Agreed.", "status": "accepted", "status_on": "2025-04-15", "note": "letter of 15 April"});
    let (status, _, _) = body(
        api.put(app.url(&rec))
            .bearer_auth(&lead)
            .header("if-match", "\"999\"")
            .json(&moved)
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _, saved) = body(
        api.put(app.url(&rec))
            .bearer_auth(&lead)
            .header("if-match", format!("\"{}\"", created["version"]))
            .json(&moved)
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["status"], "accepted");
    assert_eq!(
        saved["history"].as_array().map(Vec::len),
        Some(2),
        "{saved}"
    );
    // Findings, incidents, events and messages read as empty lists.
    for path in ["findings", "incidents", "events"] {
        let (status, _, items) = body(
            api.get(app.url(&format!("/api/v1/cases/{case_id}/{path}")))
                .bearer_auth(&lead)
                .send()
                .await
                .expect("GET"),
        )
        .await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(items, json!([]), "{path}");
    }
    let (status, _, messages) = body(
        api.get(app.url(&format!("/api/v1/cases/{case_id}/messages")))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(messages["items"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn a_finding_and_a_report_are_written_redacted_and_published_through_the_api() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let cora = user(&store, &hash, "cora", Role::Commissioner).await;
    let opened = case(&store, &ines, "Release dates shared").await;
    let case_id = opened.case_id;
    let allegation = store
        .create_allegation(
            case_id,
            probity_server::storage::cases::AllegationInput {
                subject_party_id: None,
                summary: "Shared release dates".into(),
                rule_at_issue: "Policy 4.2".into(),
                status: probity_domain::cases::AllegationStatus::Open,
            },
        )
        .await
        .expect("allegation");
    let lead = api_token(&store, &ines, true, 30).await;
    let reviewer = api_token(&store, &cora, true, 30).await;
    let api = api_client();
    let at = |path: &str| app.url(&format!("/api/v1/cases/{case_id}{path}"));
    let finding = format!("/findings/{}", allegation.allegation_id);
    let good = json!({"disposition": "Substantiated", "basis": "Policy 4.2 </textarea><b>",
        "analysis": "The log shows it.\u{200b}", "event_ids": [], "exhibit_ids": []});
    // A finding needs If-Match ("0" for the first), a known disposition and citations of
    // this case only.
    let (status, _, _) = body(
        api.put(at(&finding))
            .bearer_auth(&lead)
            .json(&good)
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, 428);
    let mut bad = good.clone();
    bad["disposition"] = json!("=HYPERLINK(\"x\")");
    bad["exhibit_ids"] = json!([999_999]);
    let (status, _, problem) = body(
        api.put(at(&finding))
            .bearer_auth(&lead)
            .header("if-match", "\"0\"")
            .json(&bad)
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&"disposition") && fields.contains(&"analysis"));
    assert!(store.findings(case_id).await.expect("findings").is_empty());
    let response = api
        .put(at(&finding))
        .bearer_auth(&lead)
        .header("if-match", "\"0\"")
        .json(&good)
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.headers()["etag"], "\"1\"");
    let (status, _, saved) = body(response).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["basis"], "Policy 4.2 </textarea><b>");
    let (status, _, problem) = body(
        api.put(at(&finding))
            .bearer_auth(&lead)
            .header("if-match", "\"0\"")
            .json(&good)
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(problem["current_version"], 1);
    // Redactions: added once, refused twice, listed.
    let (status, _, redaction) = body(
        api.post(at("/redactions"))
            .bearer_auth(&lead)
            .json(&json!({"text": "Quillon Marsh", "reason": "personal_data"}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 201, "{redaction}");
    for sent in [
        json!({"text": "quillon marsh", "reason": "personal_data"}),
        json!({"text": "Elsewhere", "reason": "gossip"}),
        json!({"text": "\u{200b}.", "reason": "other"}),
    ] {
        let (status, _, _) = body(
            api.post(at("/redactions"))
                .bearer_auth(&lead)
                .json(&sent)
                .send()
                .await
                .expect("POST"),
        )
        .await;
        assert_eq!(status, 422, "{sent}");
    }
    let (status, _, listed) = body(
        api.get(at("/redactions"))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(listed["redactions"].as_array().map(Vec::len), Some(1));
    let (status, _, _) = body(
        api.put(at("/releases/999999"))
            .bearer_auth(&lead)
            .json(&json!({"released": true}))
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, 422);
    // A draft saved through the API; a second one based on the same version is stale.
    let draft = json!({"based_on": 0, "sections": {
        "summary": "Quillon Marsh's release date reached Ward Nine staff.",
        "unknown": "ignored"}});
    let (status, _, version) = body(
        api.post(at("/report/versions"))
            .bearer_auth(&lead)
            .json(&draft)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 201, "{version}");
    assert_eq!(version["version"], 1);
    assert_eq!(version["state"], "draft");
    assert!(version["sections"].get("unknown").is_none());
    let (status, _, problem) = body(
        api.post(at("/report/versions"))
            .bearer_auth(&lead)
            .json(&draft)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(problem["current_version"], 1);
    let (status, _, _) = body(
        api.post(at("/report/versions"))
            .bearer_auth(&lead)
            .json(&json!({"based_on": 1, "sections": {"summary": "  "}}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 422);
    for (token, step) in [(&lead, "submit"), (&reviewer, "approve")] {
        let (status, _, done) = body(
            api.post(at(&format!("/report/versions/1/{step}")))
                .bearer_auth(token)
                .send()
                .await
                .expect("POST"),
        )
        .await;
        assert_eq!(status, 200, "{step}: {done}");
    }
    // A redaction added after approval: the public files now leak it, so publication is
    // refused with what the check found, until the redaction goes.
    let (status, _, late) = body(
        api.post(at("/redactions"))
            .bearer_auth(&lead)
            .json(&json!({"text": "Ward Nine", "reason": "security"}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _, _) = body(
        api.post(at("/report/versions/1/publish"))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 403, "the team may not publish");
    let (status, _, problem) = body(
        api.post(at("/report/versions/1/publish"))
            .bearer_auth(&reviewer)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    let leaks = problem["leaks"].as_array().expect("leaks");
    assert!(!leaks.is_empty());
    assert!(
        !problem.to_string().contains("Ward Nine"),
        "the hits never show the redacted string"
    );
    assert!(
        store
            .published_for_case(case_id)
            .await
            .expect("published")
            .is_empty()
    );
    let remove = at(&format!("/redactions/{}", late["id"]));
    let (status, _, _) = body(
        api.delete(&remove)
            .bearer_auth(&lead)
            .send()
            .await
            .expect("DELETE"),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _, _) = body(
        api.delete(&remove)
            .bearer_auth(&lead)
            .send()
            .await
            .expect("DELETE"),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _, published) = body(
        api.post(at("/report/versions/1/publish"))
            .bearer_auth(&reviewer)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["edition"], 1);
    let (status, _, public) = body(
        api.get(app.url("/api/v1/public/reports"))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        public["items"][0]["report_number"],
        published["report_number"]
    );
    assert!(!public.to_string().contains("Quillon Marsh"));
    // The logs list answers even when no log was imported.
    let (status, _, logs) = body(
        api.get(at("/message-logs"))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(logs, json!([]));
    let trail = store.recent_audit(80).await.expect("audit");
    for action in [
        "finding.save",
        "redaction.add",
        "redaction.remove",
        "report.save",
        "report.publish",
        "messages.logs",
    ] {
        assert!(
            trail
                .iter()
                .any(|event| event.action == action && event.via.is_some()),
            "{action}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn the_team_and_its_walls_are_managed_through_the_api_by_the_team_pages_rules() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let theo = user(&store, &hash, "theo", Role::Investigator).await;
    let sam = user(&store, &hash, "sam", Role::Supervisor).await;
    let pat = user(&store, &hash, "pat", Role::Supervisor).await;
    let opened = case(&store, &ines, "Custody disclosure").await;
    let case_id = opened.case_id;
    let lead = api_token(&store, &ines, true, 30).await;
    let supervisor = api_token(&store, &sam, true, 30).await;
    let api = api_client();
    let url = |path: &str| app.url(&format!("/api/v1/cases/{case_id}{path}"));
    let status = |response: reqwest::Response| response.status().as_u16();
    // The lead adds theo and makes him lead; an unknown person is a field error.
    assert_eq!(
        status(
            api.post(url("/team"))
                .bearer_auth(&lead)
                .json(&json!({"user_id": 999999}))
                .send()
                .await
                .expect("POST")
        ),
        422
    );
    assert_eq!(
        status(
            api.post(url("/team"))
                .bearer_auth(&lead)
                .json(&json!({"user_id": theo.user_id}))
                .send()
                .await
                .expect("POST")
        ),
        204
    );
    assert_eq!(
        status(
            api.put(url("/team/lead"))
                .bearer_auth(&lead)
                .json(&json!({"user_id": theo.user_id}))
                .send()
                .await
                .expect("PUT")
        ),
        204
    );
    let (_, _, team) = body(
        api.get(url("/team"))
            .bearer_auth(&lead)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert!(
        team.as_array()
            .expect("team")
            .iter()
            .any(|m| m["username"] == "theo" && m["is_lead"] == true)
    );
    // Recusals are the supervisors': the lead may not; nobody recuses themselves; a reason
    // is needed.
    let recusal = json!({"user_id": ines.user_id, "reason": "her brother works at the agency"});
    assert_eq!(
        status(
            api.post(url("/recusals"))
                .bearer_auth(&lead)
                .json(&recusal)
                .send()
                .await
                .expect("POST")
        ),
        403
    );
    assert_eq!(
        status(
            api.post(url("/recusals"))
                .bearer_auth(&supervisor)
                .json(&json!({"user_id": sam.user_id, "reason": "x"}))
                .send()
                .await
                .expect("POST")
        ),
        422
    );
    assert_eq!(
        status(
            api.post(url("/recusals"))
                .bearer_auth(&supervisor)
                .json(&json!({"user_id": ines.user_id, "reason": " "}))
                .send()
                .await
                .expect("POST")
        ),
        422
    );
    assert_eq!(
        status(
            api.post(url("/recusals"))
                .bearer_auth(&supervisor)
                .json(&recusal)
                .send()
                .await
                .expect("POST")
        ),
        204
    );
    // ines is walled off at once: her token now gets 404 for the case.
    assert_eq!(
        status(
            api.get(url(""))
                .bearer_auth(&lead)
                .send()
                .await
                .expect("GET")
        ),
        404
    );
    let (status_code, _, walls) = body(
        api.get(url("/walls"))
            .bearer_auth(&supervisor)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status_code, 200);
    assert_eq!(
        walls["recusals"][0]["reason"],
        "her brother works at the agency"
    );
    assert_eq!(
        status(
            api.post(url(&format!("/recusals/{}/lift", ines.user_id)))
                .bearer_auth(&supervisor)
                .json(&json!({"reason": "cleared by counsel"}))
                .send()
                .await
                .expect("POST")
        ),
        204
    );
    let (_, _, walls) = body(
        api.get(url("/walls"))
            .bearer_auth(&supervisor)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(walls["lifted"][0]["lift_reason"], "cleared by counsel");
    // Naming needs a highly confidential case.
    assert_eq!(
        status(
            api.post(url("/overseers"))
                .bearer_auth(&supervisor)
                .json(&json!({"user_id": pat.user_id}))
                .send()
                .await
                .expect("POST")
        ),
        422
    );
    let trail = store.recent_audit(100).await.expect("audit");
    for action in [
        "case.team_add",
        "case.team_lead",
        "case.recuse",
        "case.lift_recusal",
    ] {
        assert!(
            trail.iter().any(|e| e.action == action && e.via.is_some()),
            "{action}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn incidents_and_events_are_written_through_the_api_with_their_citations() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let opened = case(&store, &ines, "Custody disclosure").await;
    let case_id = opened.case_id;
    let party = store
        .create_party(
            case_id,
            probity_server::storage::cases::PartyInput {
                kind: probity_domain::cases::PartyKind::Person,
                name: "Officer R.".into(),
                party_role: probity_domain::cases::PartyRole::Subject,
                details: String::new(),
                pseudonym: "Officer A".into(),
                senior_employee: false,
            },
        )
        .await
        .expect("party");
    let token = api_token(&store, &ines, true, 30).await;
    let api = api_client();
    let url = |path: &str| app.url(&format!("/api/v1/cases/{case_id}{path}"));
    let (status, _, incident) = body(
        api.post(url("/incidents"))
            .bearer_auth(&token)
            .json(&json!({"title": "Disclosure of 21 November", "summary": "<script>x</script>"}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 201, "{incident}");
    let incident_id = incident["id"].as_i64().expect("id");
    let mut event = json!({
        "start": "2024-11-21 09:14", "precision": "minute", "time_zone": "Nowhere/Land",
        "kind": "disclosure", "channel": "email", "information": ["custody_status"],
        "permitted_basis": "none", "narrative": "Sent the release date by e-mail.",
        "actors": [party.party_id], "messages": [424242]
    });
    let (status, _, problem) = body(
        api.post(url(&format!("/incidents/{incident_id}/events")))
            .bearer_auth(&token)
            .json(&event)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"time_zone") && fields.contains(&"messages"),
        "{problem}"
    );
    event["time_zone"] = json!("America/New_York");
    event["messages"] = json!([]);
    let (status, headers, created) = body(
        api.post(url(&format!("/incidents/{incident_id}/events")))
            .bearer_auth(&token)
            .json(&event)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["earliest"], "2024-11-21T14:14:00Z");
    assert_eq!(created["actors"][0]["name"], "Officer R.");
    let tag = headers["etag"].to_str().expect("etag").to_string();
    let event_id = created["id"].as_i64().expect("id");
    event["narrative"] = json!("Sent the release date by e-mail, twice.");
    let (status, _, saved) = body(
        api.put(url(&format!("/events/{event_id}")))
            .bearer_auth(&token)
            .header("if-match", &tag)
            .json(&event)
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["version"], 2);
    let (status, _, problem) = body(
        api.put(url(&format!("/events/{event_id}")))
            .bearer_auth(&token)
            .header("if-match", &tag)
            .json(&event)
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(problem["current_version"], 2);
    let (status, _, events) = body(
        api.get(url(&format!("/incidents/{incident_id}/events")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        events[0]["narrative"],
        "Sent the release date by e-mail, twice."
    );
    let (_, _, incidents) = body(
        api.get(url("/incidents"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(incidents[0]["summary"], "<script>x</script>");
    assert_eq!(incidents[0]["event_count"], 1);
    app.stop().await;
}

/// A person in the API walk (the standings of the pages' walk).
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

const SUBJECTS: [Subject; 8] = [
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
];

/// An event body with every field empty: refused before anything is saved.
const EVENT: &str = r#"{"start":"","precision":"","time_zone":"","kind":"","channel":"","permitted_basis":"","narrative":""}"#;

/// Every case route of the API: method, path, the action it needs, and a body left invalid
/// so that nothing changes. A route with a body changes something, but for a download.
const ROUTES: &[(&str, &str, Action, Option<&str>)] = &[
    ("GET", "/api/v1/cases/{case}/plan", Action::ReadCase, None),
    (
        "GET",
        "/api/v1/cases/{case}/interviews",
        Action::ReadCase,
        None,
    ),
    (
        "GET",
        "/api/v1/cases/{case}/interviews/{interview}",
        Action::ReadCase,
        None,
    ),
    (
        "POST",
        "/api/v1/cases/{case}/interviews",
        Action::EditCase,
        Some(r#"{"party_id":0,"held_on":"","place":"","warning":""}"#),
    ),
    (
        "PUT",
        "/api/v1/cases/{case}/interviews/{interview}",
        Action::EditCase,
        Some(r#"{"party_id":0,"held_on":"","place":"","warning":""}"#),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/tasks",
        Action::EditCase,
        Some(r#"{"title":""}"#),
    ),
    (
        "PUT",
        "/api/v1/cases/{case}/tasks/1",
        Action::EditCase,
        Some(r#"{"title":""}"#),
    ),
    (
        "GET",
        "/api/v1/cases/{case}/exhibits",
        Action::ReadCase,
        None,
    ),
    (
        "GET",
        "/api/v1/cases/{case}/exhibits/{exhibit}",
        Action::ReadCase,
        None,
    ),
    (
        "GET",
        "/api/v1/cases/{case}/exhibits/{exhibit}/custody",
        Action::ReadCase,
        None,
    ),
    (
        "POST",
        "/api/v1/cases/{case}/exhibits/{exhibit}/download",
        Action::ReadCase,
        Some(r#"{"reason":""}"#),
    ),
    (
        "MULTIPART",
        "/api/v1/cases/{case}/exhibits",
        Action::EditCase,
        Some("collected_at"),
    ),
    ("GET", "/api/v1/cases/{case}", Action::ReadCase, None),
    ("GET", "/api/v1/cases/{case}/team", Action::ReadCase, None),
    (
        "GET",
        "/api/v1/cases/{case}/parties",
        Action::ReadCase,
        None,
    ),
    (
        "GET",
        "/api/v1/cases/{case}/parties/{party}",
        Action::ReadCase,
        None,
    ),
    (
        "GET",
        "/api/v1/cases/{case}/allegations",
        Action::ReadCase,
        None,
    ),
    (
        "GET",
        "/api/v1/cases/{case}/allegations/{allegation}",
        Action::ReadCase,
        None,
    ),
    ("GET", "/api/v1/cases/{case}/notes", Action::ReadCase, None),
    (
        "GET",
        "/api/v1/cases/{case}/notes/{note}/versions",
        Action::ReadCase,
        None,
    ),
    (
        "PUT",
        "/api/v1/cases/{case}",
        Action::EditCase,
        Some(
            r#"{"title":"","summary":"","subject_agency":"","intake_channel":"","received_on":"","priority":"","confidentiality":""}"#,
        ),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/status",
        Action::MoveStatus,
        Some(r#"{"to":"","reason":""}"#),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/parties",
        Action::EditCase,
        Some(r#"{"kind":"","name":"","role":""}"#),
    ),
    (
        "PUT",
        "/api/v1/cases/{case}/parties/{party}",
        Action::EditCase,
        Some(r#"{"kind":"","name":"","role":""}"#),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/allegations",
        Action::EditCase,
        Some(r#"{"summary":"","rule_at_issue":"","status":""}"#),
    ),
    (
        "PUT",
        "/api/v1/cases/{case}/allegations/{allegation}",
        Action::EditCase,
        Some(r#"{"summary":"","rule_at_issue":"","status":""}"#),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/notes",
        Action::EditCase,
        Some(r#"{"body":""}"#),
    ),
    (
        "PUT",
        "/api/v1/cases/{case}/notes/{note}",
        Action::EditCase,
        Some(r#"{"body":""}"#),
    ),
    ("GET", "/api/v1/cases/{case}/walls", Action::ReadCase, None),
    (
        "POST",
        "/api/v1/cases/{case}/team",
        Action::ManageTeam,
        Some(r#"{"user_id":0}"#),
    ),
    (
        "DELETE",
        "/api/v1/cases/{case}/team/0",
        Action::ManageTeam,
        Some(""),
    ),
    (
        "PUT",
        "/api/v1/cases/{case}/team/lead",
        Action::ManageTeam,
        Some(r#"{"user_id":0}"#),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/recusals",
        Action::ManageRecusals,
        Some(r#"{"user_id":0,"reason":""}"#),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/recusals/0/lift",
        Action::ManageRecusals,
        Some(r#"{"reason":""}"#),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/overseers",
        Action::ManageTeam,
        Some(r#"{"user_id":0}"#),
    ),
    (
        "DELETE",
        "/api/v1/cases/{case}/overseers/0",
        Action::ManageTeam,
        Some(""),
    ),
    (
        "GET",
        "/api/v1/cases/{case}/messages",
        Action::ReadCase,
        None,
    ),
    (
        "POST",
        "/api/v1/cases/{case}/messages/search",
        Action::ReadCase,
        Some(r#"{"q":"x","from":"bad"}"#),
    ),
    (
        "GET",
        "/api/v1/cases/{case}/incidents",
        Action::ReadCase,
        None,
    ),
    (
        "POST",
        "/api/v1/cases/{case}/incidents",
        Action::EditCase,
        Some(r#"{"title":""}"#),
    ),
    ("GET", "/api/v1/cases/{case}/events", Action::ReadCase, None),
    (
        "GET",
        "/api/v1/cases/{case}/events/{event}",
        Action::ReadCase,
        None,
    ),
    (
        "PUT",
        "/api/v1/cases/{case}/events/{event}",
        Action::EditCase,
        Some(EVENT),
    ),
    (
        "GET",
        "/api/v1/cases/{case}/incidents/{incident}/events",
        Action::ReadCase,
        None,
    ),
    (
        "POST",
        "/api/v1/cases/{case}/incidents/{incident}/events",
        Action::EditCase,
        Some(EVENT),
    ),
    (
        "GET",
        "/api/v1/cases/{case}/findings",
        Action::ReadCase,
        None,
    ),
    (
        "GET",
        "/api/v1/cases/{case}/recommendations",
        Action::ReadCase,
        None,
    ),
    (
        "GET",
        "/api/v1/cases/{case}/recommendations/{recommendation}",
        Action::ReadCase,
        None,
    ),
    (
        "GET",
        "/api/v1/cases/{case}/report/versions",
        Action::ReadCase,
        None,
    ),
    (
        "GET",
        "/api/v1/cases/{case}/report/versions/1",
        Action::ReadCase,
        None,
    ),
    (
        "POST",
        "/api/v1/cases/{case}/report/versions/1/submit",
        Action::DraftReport,
        Some(""),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/report/versions/1/return",
        Action::ReviewReport,
        Some("{}"),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/report/versions/1/approve",
        Action::ReviewReport,
        Some(""),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/recommendations",
        Action::DraftReport,
        Some(r#"{"agency":"","body":"","status":"","status_on":""}"#),
    ),
    (
        "PUT",
        "/api/v1/cases/{case}/recommendations/{recommendation}",
        Action::DraftReport,
        Some(r#"{"agency":"","body":"","status":"","status_on":""}"#),
    ),
    (
        "GET",
        "/api/v1/cases/{case}/message-logs",
        Action::ReadCase,
        None,
    ),
    (
        "PUT",
        "/api/v1/cases/{case}/findings/{allegation}",
        Action::DraftReport,
        Some(r#"{"disposition":"","basis":""}"#),
    ),
    (
        "GET",
        "/api/v1/cases/{case}/redactions",
        Action::ReadCase,
        None,
    ),
    (
        "POST",
        "/api/v1/cases/{case}/redactions",
        Action::DraftReport,
        Some(r#"{"text":"","reason":""}"#),
    ),
    (
        "DELETE",
        "/api/v1/cases/{case}/redactions/0",
        Action::DraftReport,
        Some(""),
    ),
    (
        "PUT",
        "/api/v1/cases/{case}/releases/0",
        Action::DraftReport,
        Some(r#"{"released":true}"#),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/report/versions",
        Action::DraftReport,
        Some(r#"{"based_on":0,"sections":{}}"#),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/report/versions/1/publish",
        Action::PublishReport,
        Some(""),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/report/versions/1/releases",
        Action::PublishReport,
        Some(r#"{"release_key":"","reason":""}"#),
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_route_answers_as_the_permission_table_says_for_every_role_and_standing() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let mut users = Vec::new();
    for subject in &SUBJECTS {
        users.push(user(&store, &hash, subject.username, subject.role).await);
    }
    let lead = &users[0];
    let opened = case(&store, lead, "Walled-off case about Quillfeather").await;
    let id = opened.case_id;
    for (subject, account) in SUBJECTS.iter().zip(&users) {
        if subject.standing.member && !subject.standing.lead || subject.standing.recused {
            store
                .add_member(id, account.user_id, lead.user_id)
                .await
                .expect("member");
        }
        if subject.standing.recused {
            store
                .recuse(id, account.user_id, "conflict of interest", lead.user_id)
                .await
                .expect("recuse");
        }
    }
    let probity_tests::fixtures::WalkRecords {
        party,
        allegation,
        note,
        exhibit,
        incident,
        event_id,
        recommendation,
        interview,
    } = probity_tests::fixtures::walk_records(&store, id, lead).await;
    for (subject, account) in SUBJECTS.iter().zip(&users) {
        assert_eq!(
            store.standing(id, account.user_id).await.expect("standing"),
            subject.standing
        );
    }

    let api = api_client();
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for (subject, account) in SUBJECTS.iter().zip(&users) {
        let writer = api_token(&store, account, true, 30).await;
        let reader = api_token(&store, account, false, 30).await;
        let may_read = allows(subject.role, Action::ReadCase, subject.standing);
        for (method, path, action, payload) in ROUTES {
            let path = path
                .replace("{case}", &id.to_string())
                .replace("{party}", &party.party_id.to_string())
                .replace("{allegation}", &allegation.allegation_id.to_string())
                .replace("{note}", &note.note_id.to_string())
                .replace("{exhibit}", &exhibit.exhibit_id.to_string())
                .replace("{incident}", &incident.incident_id.to_string())
                .replace("{event}", &event_id.to_string())
                .replace("{interview}", &interview.interview_id.to_string())
                .replace(
                    "{recommendation}",
                    &recommendation.recommendation_id.to_string(),
                );
            let reads = path.ends_with("/download") || path.ends_with("/search");
            let allowed = allows(subject.role, *action, subject.standing)
                || (*action == Action::MoveStatus
                    && allows(subject.role, Action::ReopenCase, subject.standing));
            let tokens: &[(&str, bool)] = if payload.is_some() && !reads {
                &[(writer.as_str(), true), (reader.as_str(), false)]
            } else {
                &[(reader.as_str(), false)]
            };
            for (token, writes) in tokens {
                let mut request = match *method {
                    "GET" => api.get(app.url(&path)),
                    "PUT" => api.put(app.url(&path)),
                    "DELETE" => api.delete(app.url(&path)),
                    _ => api.post(app.url(&path)),
                }
                .bearer_auth(token)
                .header("if-match", "\"1\"");
                if *method == "MULTIPART" {
                    // An invalid detail before the file: refused before anything is stored.
                    request = request.multipart(
                        reqwest::multipart::Form::new()
                            .text("collected_at", "not a date")
                            .part(
                                "files",
                                reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt"),
                            ),
                    );
                } else if let Some(payload) = payload {
                    request = request
                        .header("content-type", "application/json")
                        .body(payload.to_string());
                }
                let response = request.send().await.expect("send");
                let status = response.status().as_u16();
                let ok = if payload.is_some() && !writes && !reads {
                    // A read token may change nothing, wherever it points.
                    status == 403
                } else if !may_read {
                    status == 404
                } else if !allowed {
                    status == 403
                } else {
                    matches!(status, 200 | 409 | 422)
                };
                checked += 1;
                if !ok {
                    mismatches.push(format!(
                        "{} ({:?}, {:?}) {method} {path} writes={writes} -> {status}",
                        subject.username, subject.role, subject.standing
                    ));
                }
            }
        }
        // The list shows the case only to those who may read it; the auditor's role sees no
        // cases at all.
        let response = api
            .get(app.url("/api/v1/cases"))
            .bearer_auth(&reader)
            .send()
            .await
            .expect("list");
        let status = response.status().as_u16();
        let listed: Value = response.json().await.unwrap_or(Value::Null);
        let shows = listed["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|item| item["id"] == id));
        checked += 1;
        if subject.role == Role::Auditor {
            if status != 403 {
                mismatches.push(format!("{} list -> {status}", subject.username));
            }
        } else if status != 200 || shows != may_read {
            mismatches.push(format!(
                "{} list -> {status}, shows the case: {shows}",
                subject.username
            ));
        }
        // The audit trail: auditors and administrators only.
        let status = api
            .get(app.url("/api/v1/audit"))
            .bearer_auth(&reader)
            .send()
            .await
            .expect("audit")
            .status()
            .as_u16();
        let expected = if probity_domain::permissions::grant(subject.role, Action::ReadAudit)
            == probity_domain::permissions::Grant::OfficeWide
        {
            200
        } else {
            403
        };
        checked += 1;
        if status != expected {
            mismatches.push(format!("{} audit -> {status}", subject.username));
        }
    }
    // Nothing changed: every write was invalid or refused.
    let after = store.case_by_id(id).await.expect("read").expect("case");
    assert_eq!(after.version, opened.version);
    assert!(checked > 200, "{checked}");
    assert!(
        mismatches.is_empty(),
        "mismatches:\n{}",
        mismatches.join("\n")
    );
    // Refusals were audited through the API.
    let trail = store.recent_audit(500).await.expect("audit");
    assert!(trail.iter().any(|event| event.actor == "outsider"
        && event.outcome == "refused"
        && event.via.is_some()));
    app.stop().await;
}

#[tokio::test]
async fn a_reprisal_cases_clock_and_plan_are_read_and_changed_through_the_api() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let theo = user(&store, &hash, "theo", Role::Investigator).await;
    let api = api_client();
    let lead = api_token(&store, &ines, true, 30).await;
    let member = api_token(&store, &theo, true, 30).await;
    let today = probity_server::office::validate::today();

    let (status, _, created) = body(
        api.post(app.url("/api/v1/cases"))
            .bearer_auth(&lead)
            .json(&json!({
                "title": "Reprisal against a dispatcher",
                "summary": "Moved to nights after a disclosure.",
                "subject_agency": "Sanitation",
                "intake_channel": "complaint",
                "received_on": today,
                "priority": "normal",
                "confidentiality": "confidential",
                "case_type": "whistleblower_reprisal",
            }))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("case id");
    assert_eq!(created["case_type"], "whistleblower_reprisal");
    let (status, _, wrong_type) = body(
        api.post(app.url("/api/v1/cases"))
            .bearer_auth(&lead)
            .json(&json!({
                "title": "x", "summary": "x", "subject_agency": "x",
                "intake_channel": "complaint", "received_on": today,
                "priority": "normal", "confidentiality": "confidential",
                "case_type": "</textarea>nope",
            }))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong_type}");

    let plan_url = app.url(&format!("/api/v1/cases/{id}/plan"));
    let (status, _, plan) = body(
        api.get(&plan_url)
            .bearer_auth(&lead)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(plan["case_type"], "whistleblower_reprisal");
    assert_eq!(plan["clocks"][0]["days_left"], 180);
    assert_eq!(
        plan["tasks"].as_array().expect("tasks").len(),
        3,
        "the type's tasks"
    );

    store
        .add_member(id, theo.user_id, ines.user_id)
        .await
        .expect("member");
    let clock_url = app.url(&format!("/api/v1/cases/{id}/clocks/determination"));
    let extension =
        json!({"kind": "extend", "days": 45, "reason": "Consent by e-mail", "consent_on": today});
    let (status, _, _) = body(
        api.post(&clock_url)
            .bearer_auth(&member)
            .json(&extension)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the lead or a supervisor"
    );
    let (status, _, refused) = body(
        api.post(&clock_url)
            .bearer_auth(&lead)
            .json(&json!({"kind": "extend", "days": 45, "reason": "No consent yet"}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, _, clock) = body(
        api.post(&clock_url)
            .bearer_auth(&lead)
            .json(&extension)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{clock}");
    assert_eq!(clock["days_allowed"], 225);
    assert_eq!(clock["extension_left"], 135);

    let tasks_url = app.url(&format!("/api/v1/cases/{id}/tasks"));
    let (status, headers, task) = body(
        api.post(&tasks_url)
            .bearer_auth(&member)
            .json(&json!({"title": "Get the roster", "assignee_id": theo.user_id, "due_on": "2020-01-01"}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    assert_eq!(task["overdue"], true);
    let etag = headers
        .get("etag")
        .expect("etag")
        .to_str()
        .expect("etag")
        .to_string();
    let task_url = app.url(&format!("/api/v1/cases/{id}/tasks/{}", task["task_id"]));
    let (status, _, _) = body(
        api.put(&task_url)
            .bearer_auth(&member)
            .header("if-match", "\"99\"")
            .json(&json!({"title": "Get the roster", "status": "done"}))
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _, saved) = body(
        api.put(&task_url)
            .bearer_auth(&member)
            .header("if-match", etag)
            .json(&json!({"title": "Get the roster", "status": "done"}))
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["status"], "done");
    assert_eq!(saved["overdue"], false);
    app.stop().await;
}

#[tokio::test]
async fn an_interview_is_recorded_and_versioned_through_the_api() {
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let api = api_client();
    let lead = api_token(&store, &ines, true, 30).await;
    let reader = api_token(&store, &ines, false, 30).await;
    let opened = probity_tests::fixtures::case(&store, &ines, "Interviews over the API").await;
    let id = opened.case_id;
    let party = store
        .create_party(
            id,
            probity_server::storage::cases::PartyInput {
                kind: probity_domain::cases::PartyKind::Person,
                name: "Alma Whitcombe".into(),
                party_role: probity_domain::cases::PartyRole::Witness,
                details: String::new(),
                pseudonym: String::new(),
                senior_employee: false,
            },
        )
        .await
        .expect("party");
    let url = app.url(&format!("/api/v1/cases/{id}/interviews"));
    let interview = json!({
        "party_id": party.party_id,
        "held_on": "2025-04-15",
        "place": "By telephone",
        "warning": "voluntary",
        "investigators": [ines.user_id],
        "counsel": ["R. Osei; with a semicolon"],
        "memorandum": "She approved no request.",
    });
    let (status, _, refused) = body(
        api.post(&url)
            .bearer_auth(&lead)
            .json(&json!({"party_id": party.party_id, "held_on": "2999-01-01", "place": "", "warning": "loud"}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, _, _) = body(
        api.post(&url)
            .bearer_auth(&reader)
            .json(&interview)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a read token records nothing"
    );
    let (status, _, created) = body(
        api.post(&url)
            .bearer_auth(&lead)
            .json(&interview)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["label"], "I-1");
    assert_eq!(created["interviewee_role"], "Witness");
    assert_eq!(created["attendees"].as_array().expect("attendees").len(), 2);
    assert_eq!(created["attendees"][1]["name"], "R. Osei  with a semicolon");
    let one = format!("{url}/{}", created["interview_id"]);
    let mut revised = interview.clone();
    revised["memorandum"] = json!("She approved no request, and was not told of the calls.");
    let (status, _, saved) = body(
        api.put(&one)
            .bearer_auth(&lead)
            .header("if-match", "\"1\"")
            .json(&revised)
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    let (status, _, _) = body(
        api.put(&one)
            .bearer_auth(&lead)
            .header("if-match", "\"1\"")
            .json(&revised)
            .send()
            .await
            .expect("PUT"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _, record) = body(
        api.get(&one)
            .bearer_auth(&reader)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(record["versions"].as_array().expect("versions").len(), 2);
    assert_eq!(record["versions"][1]["body"], "She approved no request.");
    let (status, _, list) = body(
        api.get(&url)
            .bearer_auth(&reader)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().expect("list").len(), 1);
    app.stop().await;
}
