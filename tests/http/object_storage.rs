//! Evidence in an S3 bucket (a real Garage server on loopback): uploads, downloads checked
//! while they stream, `probity verify`, and `probity blobs migrate` from the data folder.

use object_store::ObjectStoreExt as _;
use probity_tests::fixtures::{TeamCase, team_case, upload_one};
use probity_tests::garage::Garage;
use sha2::Digest as _;

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", sha2::Sha256::digest(bytes))
}

/// The app's settings for a fresh prefix of the test bucket.
fn s3_args(store: &str) -> Vec<String> {
    let mut args = vec!["--blob-store".to_string(), store.to_string()];
    args.extend(Garage::shared().args());
    args
}

/// Runs the real binary with the test server's credentials in its environment, as an
/// operator would.
fn probity(team: &TeamCase, args: &[&str]) -> (bool, String) {
    let mut command = std::process::Command::new(probity_tests::probity_binary());
    command
        .args(args)
        .arg("--database-url")
        .arg(&team.app.db.url)
        .arg("--data-dir")
        .arg(&team.app.db.data_dir)
        .env("PROBITY_LOG_FORMAT", "text")
        .env("RUST_LOG", "error");
    for (name, value) in Garage::shared().env() {
        command.env(name, value);
    }
    let output = command
        .output()
        .expect("run probity (cargo build --workspace --bins first)");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

async fn download(team: &TeamCase, exhibit_id: i64) -> reqwest::Response {
    let path = format!("/cases/{}/exhibits/{exhibit_id}", team.case_id);
    team.app
        .post_form(
            &team.lead,
            &path,
            &format!("{path}/download"),
            &[("reason", "Prosecutor's request")],
        )
        .await
}

fn stored_files(dir: &std::path::Path) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|entry| {
                        let path = entry.path();
                        if path.is_dir() { walk(&path) } else { 1 }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&dir.join("blobs/sha256"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_in_s3_is_stored_whole_and_a_changed_object_is_cut_short_with_an_alarm() {
    let store = Garage::shared().fresh_store();
    let args = s3_args(&store);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let team = team_case("Evidence in a bucket", &args).await;
    // Larger than one part of a multipart upload, and not a multiple of it.
    let video = probity_tests::noise(9 * 1024 * 1024 + 4321, 42);
    let exhibit_id = upload_one(&team, "bodycam.mp4", &video, false).await;
    assert_eq!(
        stored_files(&team.app.db.data_dir),
        0,
        "nothing went to the data folder"
    );

    let whole = download(&team, exhibit_id).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["x-probity-sha256"], sha256(&video).as_str());
    let body = whole.bytes().await.expect("the whole file");
    assert!(body == video, "the original, byte for byte");

    let (ok, report) = probity(&team, &["verify", "--blob-store", &store]);
    assert!(ok, "verify on S3: {report}");

    // Someone with the bucket's keys changes the last byte.
    let garage = Garage::shared();
    let raw = garage.raw_client();
    let hash = sha256(&video);
    let prefix = store.trim_start_matches(&format!("s3://{}/", garage.bucket));
    let key = object_store::path::Path::from(format!("{prefix}/sha256/{}/{hash}", &hash[0..2]));
    let mut changed = video.clone();
    let last = changed.len() - 1;
    changed[last] ^= 0x01;
    raw.put(&key, changed.clone().into()).await.expect("tamper");

    let cut = download(&team, exhibit_id).await;
    assert_eq!(
        cut.status(),
        200,
        "the download starts before the end is known"
    );
    // Either the body fails (the connection is cut short of its length) or it is short.
    if let Ok(bytes) = cut.bytes().await {
        assert!(
            bytes.len() < changed.len(),
            "the whole changed file went out"
        );
    }
    let store_handle = team.app.store().await;
    let mut alarmed = false;
    for _ in 0..50 {
        let custody = store_handle.custody(exhibit_id).await.expect("custody");
        if custody
            .iter()
            .any(|event| event.action.as_str() == "integrity_failure")
        {
            alarmed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(alarmed, "the custody log records the integrity failure");
    let (ok, report) = probity(&team, &["verify", "--blob-store", &store]);
    assert!(!ok, "verify passed on a changed object: {report}");
    assert!(report.contains(&hash), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_migrate_copies_the_data_folder_to_s3_resumably_and_the_app_serves_from_there() {
    let mut team = team_case("Moving to a bucket", &[]).await;
    let log = probity_tests::noise(300_000, 7);
    let video = probity_tests::noise(8 * 1024 * 1024 + 1, 8);
    let first = upload_one(&team, "chat.txt", &log, false).await;
    let second = upload_one(&team, "video.mp4", &video, false).await;
    let files = stored_files(&team.app.db.data_dir);
    assert!(files >= 2);

    let store = Garage::shared().fresh_store();
    let (ok, out) = probity(&team, &["blobs", "migrate", "--to", &store]);
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!("{files} files copied, 0 already there")),
        "{out}"
    );
    // Again, as after an interruption: everything is found there and checked.
    let (ok, out) = probity(&team, &["blobs", "migrate", "--to", &store]);
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!("0 files copied, {files} already there")),
        "{out}"
    );

    // The data folder's copies go; the app now reads the bucket.
    std::fs::remove_dir_all(team.app.db.data_dir.join("blobs/sha256")).expect("remove");
    let args = s3_args(&store);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    team.app.restart(&args).await;
    for (exhibit_id, bytes) in [(first, &log), (second, &video)] {
        let response = download(&team, exhibit_id).await;
        assert_eq!(response.status(), 200);
        assert!(response.bytes().await.expect("body") == bytes.as_slice());
    }
    let (ok, report) = probity(&team, &["verify", "--blob-store", &store]);
    assert!(ok, "{report}");

    // A wrong key fails at once, naming what to check and not the secret.
    let mut command = std::process::Command::new(probity_tests::probity_binary());
    command
        .args(["blobs", "migrate", "--to", &store])
        .arg("--database-url")
        .arg(&team.app.db.url)
        .arg("--data-dir")
        .arg(&team.app.db.data_dir);
    for (name, value) in Garage::shared().env() {
        let value = if name == "AWS_SECRET_ACCESS_KEY" {
            "not-the-secret-0123456789".to_string()
        } else {
            value
        };
        command.env(name, value);
    }
    let output = command.output().expect("run");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(said.contains("does not answer"), "{said}");
    assert!(!said.contains("not-the-secret"), "{said}");
}
