//! Message logs over HTTP: importing each format, all-or-nothing and best-effort imports of
//! malformed files, the viewer's filters and search, stable links, and restricted logs.

use probity_tests::csrf_token;
use probity_tests::fixtures::{TeamCase, team_case, upload_one};

async fn import(f: &TeamCase, exhibit_id: i64, fields: &[(&str, &str)]) -> (u16, String) {
    let path = format!("/cases/{}/exhibits/{exhibit_id}", f.case_id);
    let response = f
        .app
        .post_form(&f.lead, &path, &format!("{path}/import"), fields)
        .await;
    f.app.follow_job(&f.lead, response).await
}

const CHAT: &str = "11/21/24, 4:41 PM - Marisol: Petrakis just walked out\n11/21/24, 4:42 PM - Agent Sorensen: Which exit?\n11/21/24, 4:42 PM - Marisol: Main gate\nbus stop side\n3/10/24, 2:30 AM - Marisol: after the spring-forward gap\n";

#[tokio::test]
async fn a_whatsapp_export_is_imported_viewed_filtered_searched_and_linked() {
    let f = team_case("Message case", &[]).await;
    let exhibit = upload_one(&f, "chat.txt", CHAT.as_bytes(), false).await;
    let (status, body) = import(
        &f,
        exhibit,
        &[
            ("format", "whatsapp"),
            ("time_zone", "America/New_York"),
            ("date_order", "auto"),
            ("mode", "all"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("4 messages imported"));
    let store = f.app.store().await;
    let (messages, _) = store
        .list_messages(f.case_id, 1, &Default::default(), None, 100)
        .await
        .expect("list");
    assert_eq!(messages.len(), 4);
    assert_eq!(
        messages[0].sent_at, "2024-03-10T07:30:00Z",
        "a time in the DST gap moves forward, UTC kept in order"
    );
    assert_eq!(messages[1].sent_at, "2024-11-21T21:41:00Z");
    assert_eq!(messages[3].body, "Main gate\nbus stop side");
    assert_eq!(messages[3].source_location, "line 3");

    let again = import(
        &f,
        exhibit,
        &[
            ("format", "whatsapp"),
            ("time_zone", "UTC"),
            ("mode", "all"),
        ],
    )
    .await;
    assert_eq!(again.0, 409, "no second import of the same log");

    let viewer = f
        .lead
        .get(f.app.url(&format!(
            "/cases/{}/messages?participant=sorensen",
            f.case_id
        )))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        viewer.contains("Which exit?") && viewer.contains("Petrakis just walked out"),
        "sender or recipient matches"
    );
    let token = csrf_token(&viewer).expect("token");
    let searched = f
        .lead
        .post(f.app.url(&format!("/cases/{}/messages", f.case_id)))
        .header("origin", f.app.origin())
        .form(&[
            ("csrf_token", token.as_str()),
            ("q", "gate"),
            ("from", "2024-11-21"),
            ("to", "2024-11-21"),
        ])
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("body");
    assert!(searched.contains("Main gate") && !searched.contains("Which exit?"));

    let link = messages[3].path();
    let page = f
        .lead
        .get(f.app.url(&link))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("2024-11-21 21:42:00 UTC") && page.contains("line 3"),
        "a stable page per message"
    );
}

#[tokio::test]
async fn a_malformed_log_imports_all_or_nothing_as_chosen() {
    let f = team_case("Message case", &[]).await;
    let broken = format!("{CHAT}31/31/24, 9:00 AM - X: impossible date\n");
    let exhibit = upload_one(&f, "broken.txt", broken.as_bytes(), false).await;
    let (status, body) = import(
        &f,
        exhibit,
        &[
            ("format", "whatsapp"),
            ("time_zone", "UTC"),
            ("mode", "all"),
        ],
    )
    .await;
    assert_eq!(status, 200, "the import's report, on the exhibit page");
    assert!(
        body.contains("Nothing was imported") && body.contains("line 6"),
        "the report names the line"
    );
    let store = f.app.store().await;
    assert_eq!(
        store.message_count(exhibit).await.expect("count"),
        0,
        "nothing kept"
    );

    let bad_zone = import(
        &f,
        exhibit,
        &[
            ("format", "whatsapp"),
            ("time_zone", "Mars/Olympus"),
            ("mode", "all"),
        ],
    )
    .await;
    assert_eq!(bad_zone.0, 422);
    assert!(bad_zone.1.contains("not a time zone name") && bad_zone.1.contains("Mars/Olympus"));

    let (status, body) = import(
        &f,
        exhibit,
        &[
            ("format", "whatsapp"),
            ("time_zone", "UTC"),
            ("mode", "skip"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("4 messages imported; some parts could not be read"));
    assert_eq!(store.message_count(exhibit).await.expect("count"), 4);
}

#[tokio::test]
async fn sms_csv_and_email_logs_with_attachments_become_messages_and_exhibits() {
    let f = team_case("Message case", &[]).await;
    let sms = r#"<?xml version='1.0' encoding='UTF-8'?><smses count="1"><sms address="+15550100" date="1732225260000" type="1" body="Which exit?" contact_name="Agent" /></smses>"#;
    let exhibit = upload_one(&f, "sms.xml", sms.as_bytes(), false).await;
    let (status, body) = import(
        &f,
        exhibit,
        &[
            ("format", "sms-xml"),
            ("time_zone", "UTC"),
            ("owner", "Marisol"),
            ("mode", "all"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let csv = "timestamp,sender,recipients,body\n2024-11-21 16:41,Marisol,Agent,\"walked out, grey hoodie\"\n";
    let exhibit = upload_one(&f, "log.csv", csv.as_bytes(), false).await;
    assert_eq!(
        import(
            &f,
            exhibit,
            &[
                ("format", "csv"),
                ("time_zone", "America/New_York"),
                ("mode", "all")
            ]
        )
        .await
        .0,
        200
    );

    let eml = "From: Marisol <m@doc.example>\r\nTo: Dana <d@tf.example>\r\nSubject: Custody status\r\nDate: Tue, 19 Nov 2024 10:12:00 -0500\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nBoth are in custody.\r\n--b\r\nContent-Type: text/csv; name=\"names.csv\"\r\nContent-Disposition: attachment; filename=\"names.csv\"\r\n\r\nname\r\nPetrakis\r\n--b--\r\n";
    let exhibit = upload_one(&f, "status.eml", eml.as_bytes(), false).await;
    let (status, body) = import(
        &f,
        exhibit,
        &[("format", "eml"), ("time_zone", "UTC"), ("mode", "all")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Attachments added as exhibits: E-4."));
    let store = f.app.store().await;
    let child = store
        .exhibits(f.case_id, 1)
        .await
        .expect("exhibits")
        .into_iter()
        .find(|e| e.number == 4)
        .expect("child");
    assert_eq!(child.parent_exhibit_id, Some(exhibit));
    assert_eq!(child.original_filename, "names.csv");

    let (messages, _) = store
        .list_messages(f.case_id, 1, &Default::default(), None, 100)
        .await
        .expect("list");
    let times: Vec<&str> = messages.iter().map(|m| m.sent_at.as_str()).collect();
    assert_eq!(
        times,
        [
            "2024-11-19T15:12:00Z",
            "2024-11-21T21:41:00Z",
            "2024-11-21T21:41:00Z"
        ]
    );
    assert!(
        messages
            .iter()
            .any(|m| m.sender == "Agent (+15550100)" && m.recipients == "Marisol")
    );
}

#[tokio::test]
async fn messages_of_a_restricted_log_are_hidden_from_members_not_named_on_it() {
    let f = team_case("Message case", &[]).await;
    let exhibit = upload_one(&f, "secret.txt", CHAT.as_bytes(), true).await;
    assert_eq!(
        import(
            &f,
            exhibit,
            &[
                ("format", "whatsapp"),
                ("time_zone", "UTC"),
                ("mode", "all")
            ]
        )
        .await
        .0,
        200
    );
    let store = f.app.store().await;
    let (messages, _) = store
        .list_messages(f.case_id, 1, &Default::default(), None, 10)
        .await
        .expect("list");
    let viewer = f
        .member
        .get(f.app.url(&format!("/cases/{}/messages", f.case_id)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(!viewer.contains("Petrakis"));
    let direct = f
        .member
        .get(f.app.url(&messages[0].path()))
        .send()
        .await
        .expect("GET");
    assert_eq!(direct.status(), 404);
}

/// The SHA-256 of some bytes, in hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[tokio::test]
async fn e_mail_attachments_are_stored_byte_for_byte_as_sent() {
    let f = team_case("Attachments", &[]).await;
    // A Latin-1 text file (é, è, °, ü, £), attached base64 and quoted-printable.
    let latin1: &[u8] = b"Caf\xe9 cr\xe8me, d\xe9tenu n\xb0 4\r\nZ\xfcrich = \xa3 12\r\n";
    let eml = "From: a@doc.example\r\nTo: b@tf.example\r\nSubject: Lists\r\nDate: Tue, 19 Nov 2024 10:12:00 -0500\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nTwo lists.\r\n\
        --b\r\nContent-Type: text/plain; charset=ISO-8859-1; name=\"b64.txt\"\r\nContent-Disposition: attachment; filename=\"b64.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\nQ2Fm6SBjcuhtZSwgZOl0ZW51IG6wIDQNClr8cmljaCA9IKMgMTINCg==\r\n\
        --b\r\nContent-Type: text/plain; charset=ISO-8859-1; name=\"qp.txt\"\r\nContent-Disposition: attachment; filename=\"qp.txt\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 cr=E8me, d=E9tenu n=B0 4\r\nZ=FCrich =3D =A3 12\r\n\r\n--b--\r\n";
    let exhibit = upload_one(&f, "lists.eml", eml.as_bytes(), false).await;
    let (status, body) = import(
        &f,
        exhibit,
        &[("format", "eml"), ("time_zone", "UTC"), ("mode", "all")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let store = f.app.store().await;
    let children: Vec<_> = store
        .exhibits(f.case_id, 1)
        .await
        .expect("exhibits")
        .into_iter()
        .filter(|e| e.parent_exhibit_id == Some(exhibit))
        .collect();
    assert_eq!(children.len(), 2);
    for child in children {
        assert_eq!(
            child.sha256,
            sha256_hex(latin1),
            "{}",
            child.original_filename
        );
        assert_eq!(child.size_bytes, latin1.len() as i64);
        let path = format!("/cases/{}/exhibits/{}", f.case_id, child.exhibit_id);
        let download = f
            .app
            .post_form(
                &f.lead,
                &path,
                &format!("{path}/download"),
                &[("reason", "Checking the hash")],
            )
            .await;
        assert_eq!(download.status(), 200);
        assert_eq!(download.bytes().await.expect("bytes").as_ref(), latin1);
    }
}

/// Imports, uploads of images (which queue text extraction) and edits at once: SQLite took
/// its write lock late and answered "database is locked" (500) to some of them.
#[tokio::test]
async fn imports_uploads_and_edits_at_once_all_succeed() {
    use futures_util::future::join_all;
    let f = team_case("Busy case", &[]).await;
    let mut chat = String::new();
    for minute in 0..3000 {
        chat.push_str(&format!(
            "11/21/24, {}:{:02} PM - Marisol: line {minute} of a long log\n",
            1 + minute / 60 % 11,
            minute % 60
        ));
    }
    let mut logs = Vec::new();
    for index in 0..10 {
        logs.push(upload_one(&f, &format!("chat-{index}.txt"), chat.as_bytes(), false).await);
    }
    let shared = &f;
    let imports = logs.iter().map(|exhibit| async move {
        import(
            shared,
            *exhibit,
            &[
                ("format", "whatsapp"),
                ("time_zone", "UTC"),
                ("date_order", "mdy"),
                ("mode", "all"),
            ],
        )
        .await
        .0
    });
    let uploads = (0..8).map(|index| {
        let png = probity_server::demo::screenshot::text_png(
            "LOOKUP",
            &[&format!("RECORD {index}"), "STATUS: RELEASED"],
        );
        let f = &f;
        async move {
            probity_tests::fixtures::upload(
                &f.app,
                &f.member,
                f.case_id,
                &[],
                vec![(&format!("shot-{index}.png"), png)],
            )
            .await
            .status()
            .as_u16()
        }
    });
    let notes = (0..16).map(|index| {
        let f = &f;
        async move {
            let path = format!("/cases/{}/notes/new", f.case_id);
            let body = format!("Note {index} written during the imports.");
            f.app
                .post_form(&f.member, &path, &path, &[("body", &body)])
                .await
                .status()
                .as_u16()
        }
    });
    let (imports, uploads, notes) =
        tokio::join!(join_all(imports), join_all(uploads), join_all(notes));
    assert!(imports.iter().all(|status| *status == 200), "{imports:?}");
    assert!(uploads.iter().all(|status| *status == 303), "{uploads:?}");
    assert!(notes.iter().all(|status| *status == 303), "{notes:?}");
    let store = f.app.store().await;
    for exhibit in logs {
        assert_eq!(store.message_count(exhibit).await.expect("count"), 3000);
    }
    assert_eq!(store.notes(f.case_id).await.expect("notes").len(), 16);
}

#[tokio::test]
async fn a_chat_whose_dates_nothing_settles_says_so_and_can_be_read_the_other_way_round() {
    let f = team_case("Ambiguous dates", &[]).await;
    let chat = "03/04/24, 9:05 AM - Ana: first\n03/04/24, 9:06 AM - Bo:\n05/06/24, 10:00 AM - Ana: later\n";
    let exhibit = upload_one(&f, "chat.txt", chat.as_bytes(), false).await;
    let (status, body) = import(
        &f,
        exhibit,
        &[
            ("format", "whatsapp"),
            ("time_zone", "UTC"),
            ("date_order", "auto"),
            ("mode", "all"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("so they were read month first"), "{body}");
    let store = f.app.store().await;
    let times = |store: probity_server::storage::DynStore| async move {
        let (messages, _) = store
            .list_messages(f.case_id, 1, &Default::default(), None, 100)
            .await
            .expect("list");
        messages
            .iter()
            .map(|m| (m.message_id, m.sent_at.clone()))
            .collect::<Vec<_>>()
    };
    let before = times(store.clone()).await;
    assert_eq!(before[0].1, "2024-03-04T09:05:00Z");
    // The empty message keeps its sender and says it has no text.
    let viewer = format!("/cases/{}/messages?exhibit={exhibit}", f.case_id);
    let (_, page) = f.app.get_page(&f.lead, &viewer).await;
    assert!(page.contains("(no text)"));
    // The exhibit page offers the other order; taking it keeps every message and its id.
    let path = format!("/cases/{}/exhibits/{exhibit}", f.case_id);
    let (_, page) = f.app.get_page(&f.lead, &path).await;
    assert!(page.contains("Read the dates day first instead"), "{page}");
    let redated = f
        .app
        .post_form(&f.lead, &path, &format!("{path}/redate"), &[])
        .await;
    assert_eq!(redated.status(), 303);
    let after = times(store.clone()).await;
    let ids = |list: &[(i64, String)]| list.iter().map(|(id, _)| *id).collect::<Vec<_>>();
    let mut sorted_before = ids(&before);
    sorted_before.sort();
    let mut sorted_after = ids(&after);
    sorted_after.sort();
    assert_eq!(sorted_before, sorted_after, "the same messages");
    assert!(after.iter().any(|(_, time)| time == "2024-04-03T09:05:00Z"));
    assert!(after.iter().any(|(_, time)| time == "2024-06-05T10:00:00Z"));
    let (_, page) = f.app.get_page(&f.lead, &path).await;
    assert!(page.contains("Read the dates month first instead"));
    // Someone outside the team gets 404 and changes nothing.
    let store_for_user = f.app.store().await;
    let hash = probity_tests::fixtures::password_hash().await;
    probity_tests::fixtures::user(
        &store_for_user,
        &hash,
        "nora",
        probity_domain::roles::Role::Investigator,
    )
    .await;
    let outsider = probity_tests::fixtures::client_for(&f.app, "nora").await;
    let refused = f
        .app
        .post_form(&outsider, "/", &format!("{path}/redate"), &[])
        .await;
    assert_eq!(refused.status(), 404);
    assert_eq!(times(store).await, after);
}

#[tokio::test]
async fn odd_files_import_or_say_why_not() {
    let f = team_case("Odd files", &[]).await;
    // An image: its page says why it cannot be read as messages.
    let png = probity_server::demo::screenshot::text_png("LOOKUP", &["STATUS"]);
    let image = upload_one(&f, "shot.png", &png, false).await;
    let (_, page) = f
        .app
        .get_page(&f.lead, &format!("/cases/{}/exhibits/{image}", f.case_id))
        .await;
    assert!(page.contains("cannot be read as a message log"), "{page}");
    // A Latin-1 e-mail without a Date: header, named .txt: told as e-mail by its content,
    // imported with its time unknown, its text decoded by its declared charset.
    let eml: &[u8] = b"From: Jos\xe9 <j@x.example>\r\nTo: a@b.example\r\nSubject: Caf\xe9\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nD\xe9tenu lib\xe9r\xe9\r\n";
    let exhibit = upload_one(&f, "mail.txt", eml, false).await;
    let store = f.app.store().await;
    let stored = store
        .exhibit(f.case_id, exhibit)
        .await
        .expect("get")
        .expect("exhibit");
    assert_eq!(stored.media_type, "message/rfc822");
    let (status, body) = import(
        &f,
        exhibit,
        &[("format", "eml"), ("time_zone", "UTC"), ("mode", "all")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, page) = f
        .app
        .get_page(
            &f.lead,
            &format!("/cases/{}/messages?exhibit={exhibit}", f.case_id),
        )
        .await;
    assert!(
        page.contains("Time unknown") && page.contains("Détenu libéré"),
        "{page}"
    );
}

#[tokio::test]
async fn an_import_answers_at_once_with_a_progress_page_only_those_who_may_see_the_log_can_follow()
{
    use probity_domain::roles::Role;
    let f = team_case("Followed import", &[]).await;
    let store = f.app.store().await;
    let hash = probity_tests::fixtures::password_hash().await;
    probity_tests::fixtures::user(&store, &hash, "nora", Role::Investigator).await;
    let pat = probity_tests::fixtures::user(&store, &hash, "pat", Role::Supervisor).await;
    let ines = store
        .user_by_username("ines")
        .await
        .expect("get")
        .expect("ines");
    store
        .recuse(
            f.case_id,
            pat.user_id,
            "Related to the subject",
            ines.user_id,
        )
        .await
        .expect("recuse");
    let mut chat = String::new();
    for minute in 0..2000 {
        chat.push_str(&format!(
            "11/21/24, {}:{:02} PM - Marisol: line {minute} <b>of</b> a log\n",
            1 + minute / 60 % 11,
            minute % 60
        ));
    }
    // A restricted log: only the lead is named on it.
    let exhibit = upload_one(&f, "restricted-chat.txt", chat.as_bytes(), true).await;
    let path = format!("/cases/{}/exhibits/{exhibit}", f.case_id);
    let started = f
        .app
        .post_form(
            &f.lead,
            &path,
            &format!("{path}/import"),
            &[
                ("format", "whatsapp"),
                ("time_zone", "UTC"),
                ("date_order", "month"),
                ("mode", "all"),
            ],
        )
        .await;
    assert_eq!(started.status(), 303, "the request answers at once");
    let progress = probity_tests::location(&started);
    assert!(
        progress.starts_with(&format!("/cases/{}/jobs/", f.case_id)),
        "{progress}"
    );

    // A second import of the same log while the first is under way (or done) is refused.
    let again = f
        .app
        .post_form(
            &f.lead,
            &path,
            &format!("{path}/import"),
            &[
                ("format", "whatsapp"),
                ("time_zone", "UTC"),
                ("mode", "all"),
            ],
        )
        .await;
    assert_eq!(again.status(), 409);

    // Another team, a recused supervisor, a member not named on the restricted log and an
    // anonymous visitor cannot follow it.
    let outsider = probity_tests::fixtures::client_for(&f.app, "nora").await;
    let recused = probity_tests::fixtures::client_for(&f.app, "pat").await;
    for (who, client) in [
        ("outsider", &outsider),
        ("recused", &recused),
        ("not named", &f.member),
    ] {
        let (status, body) = f.app.get_page(client, &progress).await;
        assert_eq!(status, 404, "{who}");
        assert!(!body.contains("restricted-chat"), "{who} learns nothing");
    }
    let anonymous = f.app.client();
    let answer = anonymous
        .get(f.app.url(&progress))
        .send()
        .await
        .expect("GET");
    assert_ne!(answer.status().as_u16(), 200, "anonymous");
    assert!(
        !answer
            .text()
            .await
            .expect("body")
            .contains("restricted-chat")
    );
    // A job of another case is not found under this one.
    let (status, _) = f
        .app
        .get_page(
            &f.lead,
            &progress.replace(&format!("/cases/{}/", f.case_id), "/cases/999999/"),
        )
        .await;
    assert_eq!(status, 404);

    // The lead follows it to its end and lands on the exhibit with the import's report.
    let (status, body) = f.app.follow_job(&f.lead, started).await;
    assert_eq!(status, 200);
    assert!(body.contains("2000 messages imported"), "{body}");
    // Once done, the progress page leads to the result.
    let done = f.lead.get(f.app.url(&progress)).send().await.expect("GET");
    assert_eq!(done.status(), 303);
    assert!(probity_tests::location(&done).contains(&format!("/exhibits/{exhibit}?import=")));
    assert_eq!(store.message_count(exhibit).await.expect("count"), 2000);
    let audit = store.recent_audit(200).await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|event| event.action == "messages.import" && event.actor == "ines"),
        "the import is audited as the person who started it"
    );
}

#[tokio::test]
async fn a_progress_page_shows_its_bar_and_refreshes_itself_until_the_work_ends_and_a_failure_says_why()
 {
    use probity_domain::jobs::{JobKind, exhibit_subject};
    use probity_server::storage::jobs::NewJob;
    let f = team_case("Progress page", &[]).await;
    let store = f.app.store().await;
    let ines = store
        .user_by_username("ines")
        .await
        .expect("get")
        .expect("ines");
    let exhibit = upload_one(&f, "<b>odd</b>.txt", b"not a chat", false).await;
    // A job made directly, with parameters its worker cannot read: it fails, and says so in
    // plain words.
    let job = store
        .create_job(NewJob {
            kind: JobKind::MessageImport,
            case_id: f.case_id,
            subject: exhibit_subject(exhibit),
            params: "{not json".into(),
            created_by: Some(ines.user_id),
        })
        .await
        .expect("job");
    let path = format!("/cases/{}/jobs/{}", f.case_id, job.job_id);
    let mut page = String::new();
    for _ in 0..300 {
        page = f.app.get_page(&f.lead, &path).await.1;
        if !page.contains("http-equiv=\"refresh\"") {
            break;
        }
        assert!(page.contains("<progress"), "a progress bar while it runs");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(page.contains("Failed"), "{page}");
    assert!(page.contains("A step failed on the server"), "{page}");
    assert!(
        !page.contains("not json") && !page.contains("unreadable parameters"),
        "no internals"
    );
    assert!(
        page.contains("&lt;b&gt;odd&lt;/b&gt;.txt"),
        "the file name, escaped"
    );
    assert!(!page.contains("<b>odd</b>"));
    // The exhibit's page offers the import again.
    let (_, exhibit_page) = f
        .app
        .get_page(&f.lead, &format!("/cases/{}/exhibits/{exhibit}", f.case_id))
        .await;
    assert!(exhibit_page.contains("Import messages"));
}
