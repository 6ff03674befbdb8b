//! The front door over HTTP: an anonymous complaint with a file, its receipt code, the
//! office's question and the complainant's answer with a second file, and the case opened
//! from it with the files' hashes; wrong codes throttled and audited; oversized and forged
//! submissions refused with the text kept; the per-address limit; nothing of the
//! complainant's address kept; the queue closed to other roles.

use probity_domain::roles::Role;
use probity_tests::fixtures::{password_hash, user};
use probity_tests::{
    Backend, GOOD_PASSWORD, TestApp, csrf_token, first_complaint_id, hidden, location,
};
use reqwest::multipart::{Form, Part};
use sha2::Digest as _;

/// Settings for tests that submit at once (a person needs a few seconds; the refusal of a
/// form sent back too fast is a unit test of the form clock).
const QUICK: &[&str] = &["--complaint-form-seconds", "0"];

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The receipt code shown once.
fn receipt(page: &str) -> String {
    let marker = "<code id=\"receipt-code\">";
    let start = page.find(marker).expect("a receipt code") + marker.len();
    let end = start + page[start..].find('<').expect("end of the code");
    page[start..end].to_string()
}

/// The public form, filled, with these files.
async fn complaint_form(
    app: &TestApp,
    client: &reqwest::Client,
    what: &str,
    files: &[(&str, Vec<u8>)],
) -> Form {
    let (status, page) = app.get_page(client, "/complain").await;
    assert_eq!(status, 200);
    let mut form = Form::new()
        .text("form_time", hidden(&page, "form_time"))
        .text("what_happened", what.to_string())
        .text("agency", "Port Halden Parks Department")
        .text("people_involved", "The depot manager")
        .text("when_happened", "May 2025")
        .text("where_happened", "North depot")
        .text("how_known", "witnessed")
        .text("wants_contact", "no");
    for (name, bytes) in files {
        form = form.part(
            "files",
            Part::bytes(bytes.clone()).file_name(name.to_string()),
        );
    }
    form
}

async fn send_complaint(app: &TestApp, client: &reqwest::Client, form: Form) -> (u16, String) {
    let response = client
        .post(app.url("/complain"))
        .header("origin", app.origin())
        .multipart(form)
        .send()
        .await
        .expect("POST /complain");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// Types a receipt code at the follow-up page.
async fn follow_up(app: &TestApp, client: &reqwest::Client, code: &str) -> (u16, String) {
    let (_, page) = app.get_page(client, "/complain/follow-up").await;
    let response = client
        .post(app.url("/complain/follow-up"))
        .header("origin", app.origin())
        .form(&[
            ("form_time", hidden(&page, "form_time").as_str()),
            ("receipt", code),
        ])
        .send()
        .await
        .expect("POST follow-up");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn an_anonymous_complaint_is_answered_with_its_code_and_becomes_a_case_with_its_files() {
    let app = TestApp::spawn_with(Backend::under_test(), QUICK).await;
    let store = app.store().await;
    let hash = password_hash().await;
    let ivy = user(&store, &hash, "ivy", Role::Investigator).await;
    let first = b"%PDF-1.4 not really, but bytes as sent \x00\xff\r\n".to_vec();
    let second = "Reçu n° 42 \u{200b} </textarea><script>alert(1)</script>"
        .as_bytes()
        .to_vec();

    // The complainant, anonymous, with a file.
    let public = app.client();
    let form = complaint_form(
        &app,
        &public,
        "The depot manager sells city fuel to a private haulier. =HYPERLINK(\"x\") </textarea>",
        &[("fuel log.pdf", first.clone())],
    )
    .await;
    let (status, page) = send_complaint(&app, &public, form).await;
    assert_eq!(status, 200, "{page}");
    let code = receipt(&page);
    assert_eq!(code.len(), 24, "five groups of four: {code}");
    assert!(!page.contains("set-cookie"));

    // Intake staff see it in the queue, with the file's hash, and ask a question.
    let staff = app.signed_in_client("ivy", GOOD_PASSWORD).await;
    let (status, queue) = app.get_page(&staff, "/complaints").await;
    assert_eq!(status, 200);
    let id = first_complaint_id(&queue);
    let path = format!("/complaints/{id}");
    let (status, record) = app.get_page(&staff, &path).await;
    assert_eq!(status, 200);
    assert!(
        record.contains(&sha256_hex(&first)),
        "the file's hash is shown"
    );
    assert!(
        !record.contains("</textarea><script"),
        "hostile text is escaped"
    );
    let token = csrf_token(&record).expect("token");
    let asked = staff
        .post(app.url(&format!("{path}/messages")))
        .header("origin", app.origin())
        .multipart(
            Form::new()
                .text("csrf_token", token)
                .text("body", "Which days did you see this?"),
        )
        .send()
        .await
        .expect("ask");
    assert_eq!(asked.status(), 303);

    // The complainant comes back with the code (typed loosely), reads it, answers with a file.
    let loose = code.to_lowercase().replace('-', " ");
    let (status, view) = follow_up(&app, &public, &loose).await;
    assert_eq!(status, 200, "{view}");
    assert!(view.contains("Which days did you see this?"));
    assert!(view.contains("We have asked you a question"));
    assert!(
        !view.contains("ivy"),
        "the staff member's name is not shown"
    );
    let pass = hidden(&view, "pass");
    let answered = public
        .post(app.url("/complain/follow-up/reply"))
        .header("origin", app.origin())
        .multipart(
            Form::new()
                .text("pass", pass)
                .text("body", "The 14th and the 21st.")
                .part(
                    "files",
                    Part::bytes(second.clone()).file_name("receipt.txt"),
                ),
        )
        .send()
        .await
        .expect("reply");
    assert_eq!(answered.status(), 200);
    let answered = answered.text().await.expect("body");
    assert!(
        answered.contains("Your message and 1 file were sent."),
        "{answered}"
    );

    // Intake opens a case from it: the intake record and both files become exhibits.
    let (_, record) = app.get_page(&staff, &path).await;
    assert!(record.contains("The 14th and the 21st."));
    assert!(
        record.contains("Under review"),
        "an answer puts it back in review"
    );
    let version = hidden(&record, "version");
    let opened = app
        .post_form(
            &staff,
            &path,
            &format!("{path}/open-case"),
            &[
                ("version", version.as_str()),
                ("title", "Fuel sold from the north depot"),
                ("summary", "From an anonymous complaint."),
                ("subject_agency", "Port Halden Parks Department"),
                ("intake_channel", "complaint"),
                ("received_on", &probity_server::office::validate::today()),
                ("priority", "normal"),
                ("confidentiality", "confidential"),
                ("time_zone", ""),
            ],
        )
        .await;
    assert_eq!(opened.status(), 303);
    let case_path = location(&opened);
    let case_id: i64 = case_path
        .trim_start_matches("/cases/")
        .parse()
        .expect("a case address");
    let exhibits = store
        .exhibits(case_id, ivy.user_id)
        .await
        .expect("exhibits");
    let hashes: Vec<&str> = exhibits.iter().map(|e| e.sha256.as_str()).collect();
    assert_eq!(exhibits.len(), 3, "intake record and two files");
    assert!(hashes.contains(&sha256_hex(&first).as_str()));
    assert!(hashes.contains(&sha256_hex(&second).as_str()));
    let file = exhibits
        .iter()
        .find(|e| e.sha256 == sha256_hex(&first))
        .expect("the first file");
    assert_eq!(file.original_filename, "fuel log.pdf");
    let custody = store.custody(file.exhibit_id).await.expect("custody");
    assert!(
        custody[0].reason.contains("complaint C-"),
        "{:?}",
        custody[0].reason
    );
    let record_exhibit = exhibits
        .iter()
        .find(|e| e.original_filename.starts_with("complaint-C-"))
        .expect("the intake record");
    let blobs =
        probity_server::blobs::fs::FsBlobStore::open(app.db.data_dir.join("blobs")).expect("blobs");
    let text = probity_server::reports::read_blob(&blobs, &record_exhibit.sha256)
        .await
        .expect("the record's text");
    let text = String::from_utf8(text).expect("utf-8");
    assert!(
        text.contains("Which days did you see this?") && text.contains("The 14th and the 21st.")
    );
    // The blob store holds the files byte for byte.
    assert!(text.contains(&sha256_hex(&second)));

    // The complaint is decided; the complainant sees only a neutral word.
    let (_, record) = app.get_page(&staff, &path).await;
    assert!(record.contains("Opened as a case"));
    let (_, view) = follow_up(&app, &public, &code).await;
    assert!(view.contains("Review completed"));
    assert!(!view.contains("Fuel sold from the north depot"));
    // A second decision on the same complaint is refused as stale.
    let again = app
        .post_form(
            &staff,
            &path,
            &format!("{path}/close"),
            &[
                ("version", version.as_str()),
                ("close_reason", "no_jurisdiction"),
            ],
        )
        .await;
    assert_eq!(again.status(), 409);
    app.stop().await;
}

#[tokio::test]
async fn wrong_codes_are_refused_then_throttled_and_every_one_is_audited() {
    let app = TestApp::spawn_with(Backend::under_test(), QUICK).await;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "ivy", Role::Investigator).await;
    let public = app.client();
    let form = complaint_form(&app, &public, "Something wrong at the depot.", &[]).await;
    let (_, page) = send_complaint(&app, &public, form).await;
    let code = receipt(&page);
    // A guess with the right first group (the part kept in clear) is as wrong as any.
    let guess = format!("{}-0000-0000-0000-0000", &code[..4]);
    for wrong in [
        guess.as_str(),
        "AAAA-BBBB-CCCC-DDDD-EEEE",
        "not a code",
        "",
        &"Z".repeat(5000),
    ] {
        let (status, page) = follow_up(&app, &public, wrong).await;
        assert_eq!(status, 422, "{wrong}");
        assert!(page.contains("does not match a complaint"));
    }
    // The sixth try, even with the right code, waits.
    let (status, page) = follow_up(&app, &public, &code).await;
    assert_eq!(status, 429, "{page}");
    assert!(page.contains("Too many wrong codes"));
    let refused = store
        .recent_audit(200)
        .await
        .expect("audit")
        .into_iter()
        .filter(|event| event.action == "complaint.follow_up" && event.outcome == "refused")
        .collect::<Vec<_>>();
    assert_eq!(refused.len(), 5);
    assert!(refused.iter().all(|event| event.remote_addr.is_none()));
    app.stop().await;
}

#[tokio::test]
async fn oversized_forged_and_flooding_submissions_are_refused_with_the_text_kept() {
    let app = TestApp::spawn_with(
        Backend::under_test(),
        &[
            "--complaint-form-seconds",
            "0",
            "--complaint-upload-limit",
            "4KiB",
            "--complaints-per-hour",
            "2",
        ],
    )
    .await;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "ivy", Role::Investigator).await;
    let public = app.client();
    let big = vec![b'x'; 3 * 1024];
    let form = complaint_form(
        &app,
        &public,
        "Too much attached & kept <b>as typed</b>",
        &[("a.bin", big.clone()), ("b.bin", big.clone())],
    )
    .await;
    let (status, page) = send_complaint(&app, &public, form).await;
    assert_eq!(status, 422);
    assert!(page.contains("larger than the limit"), "{page}");
    assert!(page.contains("Too much attached &amp; kept &lt;b&gt;as typed&lt;/b&gt;"));
    let (status, page) = send_complaint(
        &app,
        &public,
        Form::new()
            .text("form_time", "1700000000.0123abcd")
            .text("what_happened", "Forged clock"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("The form had expired") && page.contains("Forged clock"));
    let none = store
        .complaint_status_counts()
        .await
        .expect("counts")
        .iter()
        .map(|(_, n)| n)
        .sum::<i64>();
    assert_eq!(none, 0, "nothing was half-saved");
    let kept = std::fs::read_dir(app.db.data_dir.join("blobs"))
        .map(|dir| dir.count())
        .unwrap_or(0);
    // The store's own folders only: no refused file's content is kept.
    for entry in walk(&app.db.data_dir.join("blobs")) {
        let bytes = std::fs::read(&entry).expect("read");
        assert_ne!(bytes, big, "a refused file was kept at {}", entry.display());
    }
    let _ = kept;
    // Two complaints an hour from one address, then a wait with the text kept.
    for n in 0..2 {
        let form = complaint_form(&app, &public, &format!("Complaint {n}"), &[]).await;
        assert_eq!(send_complaint(&app, &public, form).await.0, 200);
    }
    let form = complaint_form(&app, &public, "A third within the hour", &[]).await;
    let (status, page) = send_complaint(&app, &public, form).await;
    assert_eq!(status, 429);
    assert!(page.contains("Too many complaints") && page.contains("A third within the hour"));
    app.stop().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[tokio::test]
async fn the_queue_is_for_intake_staff_only() {
    let app = TestApp::spawn_with(Backend::under_test(), QUICK).await;
    let store = app.store().await;
    let hash = password_hash().await;
    for (name, role) in [
        ("ivy", Role::Investigator),
        ("cora", Role::Commissioner),
        ("ade", Role::Auditor),
        ("alex", Role::Administrator),
    ] {
        user(&store, &hash, name, role).await;
    }
    let public = app.client();
    let form = complaint_form(&app, &public, "A complaint", &[]).await;
    assert_eq!(send_complaint(&app, &public, form).await.0, 200);
    let ivy = app.signed_in_client("ivy", GOOD_PASSWORD).await;
    let (_, queue) = app.get_page(&ivy, "/complaints").await;
    let id = first_complaint_id(&queue);
    for name in ["cora", "ade", "alex"] {
        let client = app.signed_in_client(name, GOOD_PASSWORD).await;
        assert_eq!(app.get_page(&client, "/complaints").await.0, 403, "{name}");
        for path in [
            format!("/complaints/{id}"),
            format!("/complaints/{id}/files/1"),
        ] {
            assert_eq!(app.get_page(&client, &path).await.0, 404, "{name} {path}");
        }
        let (_, home) = app.get_page(&client, "/").await;
        assert!(!home.contains("href=\"/complaints\""), "{name}");
    }
    let (status, _) = app.get_page(&public, &format!("/complaints/{id}")).await;
    assert_eq!(status, 303, "anonymous visitors are sent to sign in");
    app.stop().await;
}

#[tokio::test]
async fn a_hotline_call_is_logged_with_a_receipt_and_closed_with_a_reason() {
    let app = TestApp::spawn_with(Backend::under_test(), QUICK).await;
    let store = app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "sam", Role::Supervisor).await;
    let staff = app.signed_in_client("sam", GOOD_PASSWORD).await;
    let refused = app
        .post_form(
            &staff,
            "/complaints/new",
            "/complaints/new",
            &[
                ("channel", "web_form"),
                ("received_on", "2999-01-01"),
                ("what_happened", ""),
                ("agency", "</textarea><script>alert(1)</script>"),
                ("contact_name", "Ｊｏ\u{200b} Caller <b>"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    // What was typed comes back, escaped: no raw markup, the text area not closed early.
    let refused = refused.text().await.expect("body");
    assert!(!refused.contains("<script>alert(1)</script>"));
    assert!(
        refused.contains("&lt;/textarea&gt;&lt;script&gt;") || refused.contains("&lt;/textarea>")
    );
    assert!(!refused.contains("Caller <b>"));
    let logged = app
        .post_form(
            &staff,
            "/complaints/new",
            "/complaints/new",
            &[
                ("channel", "hotline"),
                ("received_on", &probity_server::office::validate::today()),
                ("what_happened", "Caller reports a noisy neighbour."),
                ("contact_name", "Jo Caller"),
                ("contact_details", "555-0100"),
            ],
        )
        .await;
    assert_eq!(logged.status(), 200);
    let page = logged.text().await.expect("body");
    let code = receipt(&page);
    let (_, queue) = app.get_page(&staff, "/complaints").await;
    let id = first_complaint_id(&queue);
    let path = format!("/complaints/{id}");
    let (_, record) = app.get_page(&staff, &path).await;
    assert!(record.contains("Jo Caller") && record.contains("Hotline call"));
    let version = hidden(&record, "version");
    let missing = app
        .post_form(
            &staff,
            &path,
            &format!("{path}/close"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(missing.status(), 422);
    let closed = app
        .post_form(
            &staff,
            &path,
            &format!("{path}/close"),
            &[
                ("version", version.as_str()),
                ("close_reason", "no_jurisdiction"),
            ],
        )
        .await;
    assert_eq!(closed.status(), 303);
    let (_, record) = app.get_page(&staff, &path).await;
    assert!(record.contains("Closed: No jurisdiction."));
    // The caller follows up with the code they were read.
    let public = app.client();
    let (status, view) = follow_up(&app, &public, &code).await;
    assert_eq!(status, 200);
    assert!(view.contains("Review completed") && !view.contains("Jo Caller"));
    app.stop().await;
}

#[tokio::test]
async fn no_log_record_or_page_keeps_an_anonymous_complainants_address() {
    let db = probity_tests::TestDatabase::new(Backend::under_test()).await;
    let store = probity_server::storage::connect(&db.url)
        .await
        .expect("connect")
        .store;
    store.migrate().await.expect("migrate");
    let hash = password_hash().await;
    user(&store, &hash, "ivy", Role::Investigator).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let log_path = db.data_dir.join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let binary = probity_tests::probity_binary();
    let mut server = std::process::Command::new(&binary)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &db.url,
        ])
        .args(["--require-mfa", "false", "--complaint-form-seconds", "0"])
        .arg("--data-dir")
        .arg(&db.data_dir)
        // Everything Probity itself logs, at its most talkative.
        .env(
            "RUST_LOG",
            "debug,sqlx=warn,tower_sessions=warn,h2=warn,hyper=info",
        )
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {} ({error})", binary.display()));
    let base = format!("http://127.0.0.1:{port}");
    let health = reqwest::Client::new();
    let mut up = false;
    for _ in 0..200 {
        if health
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(up, "probity did not start");
    // The complainant comes from an address of their own on the loopback network.
    let from = std::net::IpAddr::from([127, 0, 0, 7]);
    let public = probity_tests::browser_client()
        .local_address(from)
        .build()
        .expect("client");
    let (_, page) = {
        let response = public
            .get(format!("{base}/complain"))
            .send()
            .await
            .expect("GET");
        (response.status(), response.text().await.expect("body"))
    };
    let form = Form::new()
        .text("form_time", hidden(&page, "form_time"))
        .text("what_happened", "The depot manager sells fuel.")
        .part("files", Part::bytes(b"log".to_vec()).file_name("log.txt"));
    let response = public
        .post(format!("{base}/complain"))
        .header("origin", &base)
        .multipart(form)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 200);
    let receipt_page = response.text().await.expect("body");
    let code = receipt(&receipt_page);
    let (_, page) = {
        let response = public
            .get(format!("{base}/complain/follow-up"))
            .send()
            .await
            .expect("GET");
        (response.status(), response.text().await.expect("body"))
    };
    for typed in ["AAAA-BBBB-CCCC-DDDD-EEEE", code.as_str()] {
        let response = public
            .post(format!("{base}/complain/follow-up"))
            .header("origin", &base)
            .form(&[
                ("form_time", hidden(&page, "form_time").as_str()),
                ("receipt", typed),
            ])
            .send()
            .await
            .expect("POST");
        let body = response.text().await.expect("body");
        assert!(!body.contains("127.0.0.7"));
    }
    let _ = server.kill();
    let _ = server.wait();
    let log = std::fs::read_to_string(&log_path).expect("the log");
    assert!(log.contains("/complain"), "the log records requests: {log}");
    assert!(
        !log.contains("127.0.0.7"),
        "the log holds the address:\n{log}"
    );
    let audit = store.recent_audit(500).await.expect("audit");
    assert!(audit.iter().any(|event| event.action == "complaint.submit"));
    for event in &audit {
        assert_ne!(event.remote_addr.as_deref(), Some("127.0.0.7"), "{event:?}");
    }
    assert!(!receipt_page.contains("127.0.0.7"));
}
