//! Evidence over HTTP: streaming upload, type detection, previews, the chain of custody,
//! integrity checks at download, restricted exhibits and bad uploads.

use probity_domain::roles::Role;
use probity_tests::fixtures::{TeamCase, case, password_hash, team_case, upload, user};
use probity_tests::{Backend, csrf_token, location};
use reqwest::multipart::{Form, Part};
use sha2::Digest as _;

/// A PNG of the given size.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode");
    out.into_inner()
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn an_uploaded_screenshot_and_chat_log_are_stored_hashed_previewed_and_downloaded_intact() {
    let TeamCase {
        app, case_id, lead, ..
    } = team_case("Evidence case", &[]).await;
    let picture = png(900, 500);
    let chat = "12/01/2025, 09:15 - Ana: la llamada fue a las 9\n12/01/2025, 09:16 - Bo: Détenu libéré ✔\n".as_bytes().to_vec();
    let response = upload(
        &app,
        &lead,
        case_id,
        &[
            ("description", ""),
            ("provided_by", "Complainant"),
            ("collected_at", "2025-01-13"),
            ("personal_data", "yes"),
            ("captured_by", "Complainant"),
            ("capture_shows", "Inmate lookup screen"),
        ],
        vec![
            ("screen shot.png", picture.clone()),
            ("chat.txt", chat.clone()),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let case_page = lead
        .get(app.url(&location(&response)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(case_page.contains("Evidence added: E-1, E-2."));

    let store = app.store().await;
    let ines = store
        .user_by_username("ines")
        .await
        .expect("get")
        .expect("exists");
    let exhibits = store
        .exhibits(case_id, ines.user_id)
        .await
        .expect("exhibits");
    assert_eq!(exhibits.len(), 2);
    let (shot, log) = (&exhibits[0], &exhibits[1]);
    assert_eq!(
        (shot.label(), log.label()),
        ("E-1".to_string(), "E-2".to_string())
    );
    assert_eq!(shot.sha256, sha256(&picture));
    assert_eq!(shot.media_type, "image/png");
    assert_eq!(
        shot.description, "screen shot.png",
        "the file name stands in for an empty description"
    );
    assert!(shot.personal_data && !shot.restricted);
    assert!(shot.thumbnail_sha256.is_some());
    assert_eq!(log.media_type, "text/plain");
    assert_eq!(log.sha256, sha256(&chat));

    let page = lead
        .get(app.url(&format!("/cases/{case_id}/exhibits/{}", shot.exhibit_id)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(page.contains(&shot.sha256));
    assert!(
        page.contains("Inmate lookup screen"),
        "screenshot provenance"
    );
    assert!(page.contains("/thumbnail"));
    let thumb = lead
        .get(app.url(&format!(
            "/cases/{case_id}/exhibits/{}/thumbnail",
            shot.exhibit_id
        )))
        .send()
        .await
        .expect("GET");
    assert_eq!(thumb.headers()["content-type"], "image/png");
    let thumb = image::load_from_memory(&thumb.bytes().await.expect("bytes")).expect("a PNG");
    assert!(thumb.width() <= 480 && thumb.height() <= 480);

    let text_page = lead
        .get(app.url(&format!("/cases/{case_id}/exhibits/{}", log.exhibit_id)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(text_page.contains("Détenu libéré"), "text preview");

    let token = csrf_token(&text_page).expect("token");
    let no_reason = lead
        .post(app.url(&format!(
            "/cases/{case_id}/exhibits/{}/download",
            shot.exhibit_id
        )))
        .header("origin", app.origin())
        .form(&[("csrf_token", token.as_str()), ("reason", "")])
        .send()
        .await
        .expect("POST");
    assert_eq!(no_reason.status(), 422);
    let download = lead
        .post(app.url(&format!(
            "/cases/{case_id}/exhibits/{}/download",
            shot.exhibit_id
        )))
        .header("origin", app.origin())
        .form(&[
            ("csrf_token", token.as_str()),
            ("reason", "Interview preparation"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"screen_shot.png\""),
        "{disposition}"
    );
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        download.headers()["content-type"],
        "application/octet-stream"
    );
    let bytes = download.bytes().await.expect("bytes");
    assert_eq!(sha256(&bytes), shot.sha256, "the original, byte for byte");

    let custody = store.custody(shot.exhibit_id).await.expect("custody");
    let steps: Vec<&str> = custody.iter().map(|event| event.action.as_str()).collect();
    // The exhibit page and its thumbnail are each a view.
    assert_eq!(steps, ["received", "viewed", "viewed", "downloaded"]);
    assert_eq!(custody[2].reason, "Viewed the thumbnail");
    assert!(custody.iter().all(|event| event.sha256 == shot.sha256));
    assert_eq!(custody[3].reason, "Interview preparation");
}

#[tokio::test]
async fn a_changed_byte_in_a_stored_blob_is_caught_at_download() {
    let TeamCase {
        app, case_id, lead, ..
    } = team_case("Evidence case", &[]).await;
    let content = b"Original message log line\n".repeat(100);
    assert_eq!(
        upload(
            &app,
            &lead,
            case_id,
            &[],
            vec![("log.txt", content.clone())]
        )
        .await
        .status(),
        303
    );
    let store = app.store().await;
    let exhibit = store
        .exhibits(case_id, 1)
        .await
        .expect("exhibits")
        .remove(0);
    let blob = app
        .db
        .data_dir
        .join("blobs/sha256")
        .join(&exhibit.sha256[0..2])
        .join(&exhibit.sha256[2..4])
        .join(&exhibit.sha256);
    let mut tampered = std::fs::read(&blob).expect("blob");
    tampered[10] ^= 0x01;
    std::fs::write(&blob, tampered).expect("tamper");

    let path = format!("/cases/{case_id}/exhibits/{}", exhibit.exhibit_id);
    let refused = app
        .post_form(
            &lead,
            &path,
            &format!("{path}/download"),
            &[("reason", "Review")],
        )
        .await;
    assert_eq!(refused.status(), 409);
    assert!(
        refused
            .text()
            .await
            .expect("body")
            .contains("Integrity alarm")
    );
    let custody = store.custody(exhibit.exhibit_id).await.expect("custody");
    assert!(
        custody
            .iter()
            .any(|event| event.action.as_str() == "integrity_failure")
    );
    assert!(
        !custody
            .iter()
            .any(|event| event.action.as_str() == "downloaded")
    );
    let page = lead
        .get(app.url(&path))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("Integrity alarm"),
        "the alarm shows on the exhibit page"
    );
}

#[tokio::test]
async fn a_restricted_exhibit_is_hidden_from_members_not_named_on_it() {
    let TeamCase {
        app,
        case_id,
        lead,
        member,
    } = team_case("Evidence case", &[]).await;
    let response = upload(
        &app,
        &lead,
        case_id,
        &[
            ("description", "Booking photo of Detainee A"),
            ("booking_photo", "yes"),
            ("restricted", "yes"),
        ],
        vec![("booking.png", png(40, 40))],
    )
    .await;
    assert_eq!(response.status(), 303);
    let store = app.store().await;
    let ines = store
        .user_by_username("ines")
        .await
        .expect("get")
        .expect("exists");
    let exhibit = store
        .exhibits(case_id, ines.user_id)
        .await
        .expect("exhibits")
        .remove(0);
    assert!(exhibit.restricted);

    let case_page = member
        .get(app.url(&format!("/cases/{case_id}")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        !case_page.contains("Booking photo of Detainee A"),
        "not listed"
    );
    for suffix in ["", "/thumbnail"] {
        let hidden = member
            .get(app.url(&format!(
                "/cases/{case_id}/exhibits/{}{suffix}",
                exhibit.exhibit_id
            )))
            .send()
            .await
            .expect("GET");
        assert_eq!(hidden.status(), 404, "{suffix}");
    }
    let own = lead
        .get(app.url(&format!("/cases/{case_id}/exhibits/{}", exhibit.exhibit_id)))
        .send()
        .await
        .expect("GET");
    assert_eq!(own.status(), 200);
}

#[tokio::test]
async fn bad_uploads_are_refused_clearly_and_leave_nothing_behind() {
    let TeamCase {
        app, case_id, lead, ..
    } = team_case("Evidence case", &["--upload-limit", "1KiB"]).await;
    let empty = upload(
        &app,
        &lead,
        case_id,
        &[("description", "kept description")],
        vec![("empty.txt", Vec::new())],
    )
    .await;
    assert_eq!(empty.status(), 422);
    let body = empty.text().await.expect("body");
    assert!(body.contains("empty.txt is empty"));
    assert!(body.contains("kept description"), "typed values are kept");

    let large = upload(
        &app,
        &lead,
        case_id,
        &[],
        vec![("large.bin", vec![7u8; 5000])],
    )
    .await;
    assert_eq!(large.status(), 422);
    assert!(
        large
            .text()
            .await
            .expect("body")
            .contains("larger than the limit of 1.0 KB")
    );

    let none = upload(&app, &lead, case_id, &[], Vec::new()).await;
    assert_eq!(none.status(), 422);

    let bad_date = upload(
        &app,
        &lead,
        case_id,
        &[("collected_at", "yesterday")],
        vec![("a.txt", b"abc".to_vec())],
    )
    .await;
    assert_eq!(bad_date.status(), 422);

    // A forged upload (no token) stores nothing.
    let forged = lead
        .post(app.url(&format!("/cases/{case_id}/exhibits")))
        .header("origin", app.origin())
        .multipart(Form::new().part("files", Part::bytes(b"sneaky".to_vec()).file_name("x.txt")))
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), 403);

    let store = app.store().await;
    assert!(
        store
            .exhibits(case_id, 1)
            .await
            .expect("exhibits")
            .is_empty()
    );
    let leftovers = std::fs::read_dir(app.db.data_dir.join("blobs/tmp"))
        .expect("tmp")
        .count();
    assert_eq!(leftovers, 0, "no partial files");

    // A hostile name is kept as data and cleaned for the download header; the type comes
    // from the content and a lying extension is flagged.
    let hostile = upload(
        &app,
        &lead,
        case_id,
        &[],
        vec![("../../etc/passwd.pdf", png(8, 8))],
    )
    .await;
    assert_eq!(hostile.status(), 303);
    let exhibit = store
        .exhibits(case_id, 1)
        .await
        .expect("exhibits")
        .remove(0);
    assert_eq!(exhibit.original_filename, "../../etc/passwd.pdf");
    assert_eq!(exhibit.media_type, "image/png");
    assert!(exhibit.extension_mismatch);
    assert!(!app.db.data_dir.join("etc").exists());
}

use probity_tests::probity_binary;

async fn wait_healthy(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("probity did not start at {base}");
}

fn spawn_binary(db: &probity_tests::TestDatabase, port: u16) -> std::process::Child {
    let binary = probity_binary();
    std::process::Command::new(&binary)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &db.url,
            // Its account has no second factor; this test is about uploads.
            "--require-mfa",
            "false",
        ])
        .arg("--data-dir")
        .arg(&db.data_dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run {} ({error}); build it with cargo build -p probity-server",
                binary.display()
            )
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_server_during_uploads_leaves_no_exhibit_without_its_blob() {
    let db = probity_tests::TestDatabase::new(Backend::under_test()).await;
    let store = probity_server::storage::connect(&db.url)
        .await
        .expect("connect")
        .store;
    store.migrate().await.expect("migrate");
    let hash = password_hash().await;
    let ines = user(&store, &hash, "ines", Role::Investigator).await;
    let opened = case(&store, &ines, "Crash case").await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = spawn_binary(&db, port);
    wait_healthy(&base).await;

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let sign_in = client
        .get(format!("{base}/sign-in"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let token = csrf_token(&sign_in).expect("token");
    let signed = client
        .post(format!("{base}/sign-in"))
        .header("origin", &base)
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "ines"),
            ("password", probity_tests::GOOD_PASSWORD),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(signed.status(), 303);
    let page = client
        .get(format!("{base}/cases/{}/exhibits/new", opened.case_id))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let token = csrf_token(&page).expect("token");
    let url = format!("{base}/cases/{}/exhibits", opened.case_id);

    let mut uploads = tokio::task::JoinSet::new();
    for i in 0..6u8 {
        let (client, url, token, origin) =
            (client.clone(), url.clone(), token.clone(), base.clone());
        uploads.spawn(async move {
            // Two small files finish; four large ones are still streaming at the kill.
            let chunks: usize = if i < 2 { 1 } else { 400 };
            let stream = futures_util::stream::unfold(0usize, move |sent| async move {
                if sent == chunks {
                    return None;
                }
                if chunks > 1 {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
                Some((Ok::<Vec<u8>, std::io::Error>(vec![i; 64 * 1024]), sent + 1))
            });
            let part =
                Part::stream(reqwest::Body::wrap_stream(stream)).file_name(format!("file-{i}.bin"));
            let form = Form::new().text("csrf_token", token).part("files", part);
            client
                .post(url)
                .header("origin", origin)
                .multipart(form)
                .send()
                .await
                .map(|r| r.status().as_u16())
        });
    }
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let outcomes = uploads.join_all().await;
    let finished = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, Ok(303)))
        .count();
    assert!(
        finished >= 2,
        "the small uploads finished before the kill: {outcomes:?}"
    );

    // Restart: partial files are removed, and every recorded exhibit has its intact blob.
    let mut child = spawn_binary(&db, port);
    wait_healthy(&base).await;
    let leftovers = std::fs::read_dir(db.data_dir.join("blobs/tmp"))
        .expect("tmp")
        .count();
    assert_eq!(leftovers, 0, "start-up removes partial uploads");
    let blobs =
        probity_server::blobs::fs::FsBlobStore::open(db.data_dir.join("blobs")).expect("blobs");
    let exhibits = store
        .exhibits(opened.case_id, ines.user_id)
        .await
        .expect("exhibits");
    assert_eq!(
        exhibits.len(),
        finished,
        "a row for each finished upload, none for the others"
    );
    for exhibit in &exhibits {
        let actual = probity_server::blobs::rehash(&blobs, &exhibit.sha256)
            .await
            .expect("blob present");
        assert_eq!(actual, exhibit.sha256);
        let custody = store.custody(exhibit.exhibit_id).await.expect("custody");
        assert_eq!(custody[0].action.as_str(), "received");
    }
    child.kill().expect("stop");
    child.wait().expect("reap");
}

#[tokio::test]
async fn text_in_an_image_is_extracted_in_the_background_and_searchable() {
    let TeamCase {
        app, case_id, lead, ..
    } = team_case("Evidence case", &[]).await;
    // The demo's lookup screen, photographed on a phone (a JPEG), as in the demo case: it
    // was read as "MAME: PETRAEIS: JONAH" before images were prepared for the engine.
    let image = probity_server::demo::screenshot::text_png(
        "PHDOC INMATE LOOKUP - DETAINEE DETAIL",
        &[
            "NAME: PETRAKIS, JONAH",
            "BOOKING NO: 2410-88213",
            "FACILITY: HARBOUR ISLAND",
            "STATUS: RELEASED 11/21/2024 16:40",
        ],
    );
    let image = probity_server::demo::screenshot::jpeg_with_exif(
        &image,
        &probity_server::demo::screenshot::CameraExif {
            make: "Harbour Phones",
            model: "HP-3",
            taken: "2024:11:21 16:43:10",
        },
    )
    .expect("jpeg");
    assert_eq!(
        upload(
            &app,
            &lead,
            case_id,
            &[("description", "Lookup screen")],
            vec![("lookup.jpg", image)]
        )
        .await
        .status(),
        303
    );
    let store = app.store().await;
    let exhibit = store
        .exhibits(case_id, 1)
        .await
        .expect("exhibits")
        .remove(0);
    let installed = std::process::Command::new("tesseract")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    let page_path = format!("/cases/{case_id}/exhibits/{}", exhibit.exhibit_id);
    if !installed {
        assert_eq!(exhibit.ocr_status.as_str(), "unavailable");
        let page = lead
            .get(app.url(&page_path))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert!(
            page.contains("not installed"),
            "the page says why there is no text"
        );
        return;
    }
    let mut status = exhibit.ocr_status;
    for _ in 0..300 {
        status = store
            .exhibit(case_id, exhibit.exhibit_id)
            .await
            .expect("get")
            .expect("exists")
            .ocr_status;
        if status.as_str() != "pending" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status.as_str(), "done");
    let page = lead
        .get(app.url(&page_path))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    for line in [
        "NAME: PETRAKIS, JONAH",
        "BOOKING NO: 2410-88213",
        "FACILITY: HARBOUR ISLAND",
        "STATUS: RELEASED 11/21/2024 16:40",
    ] {
        assert!(page.contains(line), "{line} is read: {page}");
    }
    assert!(
        page.contains("% confidence"),
        "the engine's confidence is shown"
    );
    let token = csrf_token(&page).expect("token");
    let found = lead
        .post(app.url("/cases/search"))
        .header("origin", app.origin())
        .form(&[("csrf_token", token.as_str()), ("q", "harbour")])
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("body");
    assert!(
        found.contains("Evidence case"),
        "the case is found by text in its image"
    );
}

#[tokio::test]
async fn a_phone_photo_shows_its_exif_metadata() {
    let TeamCase {
        app, case_id, lead, ..
    } = team_case("Evidence case", &[]).await;
    let png = probity_server::demo::screenshot::text_png("PHOTO", &["OF A SCREEN"]);
    let jpeg = probity_server::demo::screenshot::jpeg_with_exif(
        &png,
        &probity_server::demo::screenshot::CameraExif {
            make: "Probity Phones",
            model: "Model 7",
            taken: "2024:11:21 16:45:10",
        },
    )
    .expect("jpeg");
    assert_eq!(
        upload(&app, &lead, case_id, &[], vec![("IMG_0001.JPG", jpeg)])
            .await
            .status(),
        303
    );
    let store = app.store().await;
    let exhibit = store
        .exhibits(case_id, 1)
        .await
        .expect("exhibits")
        .remove(0);
    assert_eq!(exhibit.media_type, "image/jpeg");
    assert!(
        !exhibit.extension_mismatch,
        "JPG and jpeg name the same type"
    );
    let page = lead
        .get(app.url(&format!("/cases/{case_id}/exhibits/{}", exhibit.exhibit_id)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(page.contains("Metadata in the file (EXIF)"));
    assert!(
        page.contains("Probity Phones")
            && page.contains("Model 7")
            && page.contains("2024-11-21 16:45:10")
    );
}

/// Waits for an exhibit's text extraction to leave `pending`.
async fn extracted(
    store: &probity_server::storage::DynStore,
    case_id: i64,
    exhibit_id: i64,
) -> probity_domain::evidence::Exhibit {
    for _ in 0..300 {
        let exhibit = store
            .exhibit(case_id, exhibit_id)
            .await
            .expect("get")
            .expect("exists");
        if exhibit.ocr_status.as_str() != "pending" {
            return exhibit;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("extraction never finished");
}

#[tokio::test]
async fn the_text_of_a_pdf_is_extracted_in_the_background_and_a_broken_one_fails_cleanly() {
    let TeamCase {
        app, case_id, lead, ..
    } = team_case("Evidence case", &[]).await;
    // A PDF written by Typst (the typesetter the reports use), with its own fonts.
    let model = probity_server::reports::compose::synthetic_model(3, 0);
    let pdf = probity_server::reports::pdf::render_blocking(&model, Vec::new())
        .expect("typeset")
        .pdf;
    // A file that claims to be a PDF but is not one.
    let mut broken = b"%PDF-1.7\n".to_vec();
    broken.extend(std::iter::repeat_n(b'x', 4_000));
    assert_eq!(
        upload(
            &app,
            &lead,
            case_id,
            &[("description", "Memo and a damaged copy")],
            vec![("memo.pdf", pdf), ("damaged.pdf", broken)],
        )
        .await
        .status(),
        303
    );
    let store = app.store().await;
    let exhibits = store.exhibits(case_id, 1).await.expect("exhibits");
    assert!(exhibits.iter().all(|e| e.media_type == "application/pdf"));
    let installed = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !installed {
        assert!(
            exhibits
                .iter()
                .all(|e| e.ocr_status.as_str() == "unavailable")
        );
        return;
    }
    let memo = extracted(&store, case_id, exhibits[0].exhibit_id).await;
    assert_eq!(memo.ocr_status.as_str(), "done");
    let text = memo.ocr_text.clone().unwrap_or_default();
    assert!(
        text.contains("A large case"),
        "the title is in the text: {text}"
    );
    assert_eq!(
        memo.ocr_confidence, None,
        "a text layer is not a machine reading"
    );
    let page = lead
        .get(app.url(&format!("/cases/{case_id}/exhibits/{}", memo.exhibit_id)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(page.contains("Text in the document") && page.contains("A large case"));
    // Like text read from images, it finds the case.
    let token = csrf_token(&page).expect("token");
    let found = lead
        .post(app.url("/cases/search"))
        .header("origin", app.origin())
        .form(&[("csrf_token", token.as_str()), ("q", "large")])
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("body");
    assert!(
        found.contains("Evidence case"),
        "found by the text of its PDF"
    );
    let damaged = extracted(&store, case_id, exhibits[1].exhibit_id).await;
    assert_eq!(damaged.ocr_status.as_str(), "failed");
    assert_eq!(damaged.ocr_text, None);
    // The files themselves are untouched: stored byte for byte as received.
    assert_eq!(damaged.size_bytes, 4_009);
    app.stop().await;
}

#[tokio::test]
async fn the_text_of_word_and_opendocument_files_is_read_and_found() {
    let TeamCase {
        app, case_id, lead, ..
    } = team_case("Documents case", &[]).await;
    let fixture = |name: &str| {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/documents")
                .join(name),
        )
        .expect("fixture")
    };
    let files = vec![
        ("hdr-header-footer.docx", fixture("hdr-header-footer.docx")),
        ("headerfooter.odt", fixture("headerfooter.odt")),
    ];
    let sizes: Vec<usize> = files.iter().map(|(_, bytes)| bytes.len()).collect();
    assert_eq!(
        upload(&app, &lead, case_id, &[("description", "Two memos")], files)
            .await
            .status(),
        303
    );
    let store = app.store().await;
    let exhibits = store.exhibits(case_id, 1).await.expect("exhibits");
    let word = extracted(&store, case_id, exhibits[0].exhibit_id).await;
    let writer = extracted(&store, case_id, exhibits[1].exhibit_id).await;
    for (exhibit, size) in [(&word, sizes[0]), (&writer, sizes[1])] {
        assert_eq!(
            exhibit.ocr_status.as_str(),
            "done",
            "{}",
            exhibit.media_type
        );
        assert_eq!(exhibit.ocr_confidence, None);
        assert_eq!(exhibit.size_bytes as usize, size, "stored as received");
    }
    assert!(
        word.ocr_text
            .as_deref()
            .is_some_and(|text| text.contains("Header for section-1"))
    );
    assert!(
        writer
            .ocr_text
            .as_deref()
            .is_some_and(|text| text.contains("Lorem ipsum"))
    );
    let page = lead
        .get(app.url(&format!("/cases/{case_id}/exhibits/{}", writer.exhibit_id)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(page.contains("Text in the document") && page.contains("Lorem ipsum"));
    // The one search finds the words of both, in their exhibits.
    let found = app
        .post_form(&lead, "/search", "/search", &[("q", "lorem section")])
        .await
        .text()
        .await
        .expect("body");
    assert!(found.contains("Nothing found."), "no file holds both words");
    for (words, exhibit) in [("lorem ipsum", &writer), ("header section", &word)] {
        let found = app
            .post_form(
                &lead,
                "/search",
                "/search",
                &[("q", words), ("kind", "exhibit")],
            )
            .await
            .text()
            .await
            .expect("body");
        assert!(
            found.contains(&format!(
                "/cases/{case_id}/exhibits/{}\"",
                exhibit.exhibit_id
            )),
            "{words} finds its exhibit"
        );
    }
    app.stop().await;
}
