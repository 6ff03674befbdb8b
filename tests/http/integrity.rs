//! Tamper evidence: the audit trail and the chain of custody are hash chains, and
//! `probity verify` finds every change made behind Probity's back (a changed, removed, added
//! or moved entry, a changed custody step, a changed stored file), naming each.

use probity_domain::roles::Role;
use probity_tests::Backend;
use probity_tests::fixtures::{password_hash, team_case, upload_one, user};

/// Runs `probity verify` on the app's database; its exit status and what it printed.
fn verify(db: &probity_tests::TestDatabase) -> (bool, String) {
    let (ok, out, err) = verify_with(db, &[]);
    (ok, format!("{out}{err}"))
}

/// Runs `probity verify` with more arguments; its exit status, standard output and error.
fn verify_with(db: &probity_tests::TestDatabase, extra: &[&str]) -> (bool, String, String) {
    let output = std::process::Command::new(probity_tests::probity_binary())
        .arg("verify")
        .args(extra)
        .arg("--database-url")
        .arg(&db.url)
        .arg("--data-dir")
        .arg(&db.data_dir)
        .env("PROBITY_LOG_FORMAT", "text")
        .env("RUST_LOG", "error")
        .output()
        .expect("run probity verify (cargo build --workspace --bins first)");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs statements on a direct connection, as someone with the database's password would.
async fn behind_probitys_back(db: &probity_tests::TestDatabase, statements: &[String]) {
    use sqlx::Connection as _;
    match db.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("connect");
            for statement in statements {
                sqlx::Executor::execute(&mut conn, statement.as_str())
                    .await
                    .unwrap_or_else(|error| panic!("{statement}: {error}"));
            }
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            for statement in statements {
                sqlx::Executor::execute(&mut conn, statement.as_str())
                    .await
                    .unwrap_or_else(|error| panic!("{statement}: {error}"));
            }
        }
    }
}

async fn ids(db: &probity_tests::TestDatabase, sql: &str) -> Vec<i64> {
    use sqlx::Connection as _;
    match db.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("connect");
            sqlx::query_scalar(sql)
                .fetch_all(&mut conn)
                .await
                .expect("ids")
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            sqlx::query_scalar(sql)
                .fetch_all(&mut conn)
                .await
                .expect("ids")
        }
    }
}

/// The stored file of a blob, wherever the blob store put it.
fn blob_file(folder: &std::path::Path, sha256: &str) -> Option<std::path::PathBuf> {
    for entry in std::fs::read_dir(folder).ok()? {
        let path = entry.ok()?.path();
        if path.is_dir() {
            if let Some(found) = blob_file(&path, sha256) {
                return Some(found);
            }
        } else if path.file_name().is_some_and(|name| name == sha256) {
            return Some(path);
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_names_every_entry_changed_removed_added_or_moved_and_every_changed_file() {
    let team = team_case("Chained case", &[]).await;
    let store = team.app.store().await;
    let hash = password_hash().await;
    user(&store, &hash, "una", Role::Auditor).await;
    let auditor = probity_tests::fixtures::client_for(&team.app, "una").await;
    let first = upload_one(&team, "memo.txt", b"The memo of 3 March.\n", false).await;
    upload_one(&team, "notes.txt", b"Interview notes.\n", false).await;
    for _ in 0..8 {
        let (status, _) = team
            .app
            .get_page(&team.lead, &format!("/cases/{}", team.case_id))
            .await;
        assert_eq!(status, 200);
    }
    let db = &team.app.db;

    // Untouched, the check passes and says what it walked.
    let (ok, text) = verify(db);
    assert!(ok, "{text}");
    assert!(
        text.contains("audit trail:") && text.contains("unbroken"),
        "{text}"
    );
    assert!(
        text.contains("stored files:") && text.contains("all as received"),
        "{text}"
    );
    let (status, page) = team.app.get_page(&auditor, "/audit").await;
    assert_eq!(status, 200);
    assert!(page.contains("nothing changed"), "{page}");

    // A checkpoint of the heads, signed with a key kept outside the database, to keep
    // elsewhere; it checks out while nothing changed.
    let key = db.data_dir.with_extension("checkpoint-key");
    let key_arg = key.to_string_lossy().into_owned();
    let (ok, signed, report) = verify_with(db, &["--checkpoint", "--checkpoint-key", &key_arg]);
    assert!(ok, "{report}");
    let checkpoint: serde_json::Value = serde_json::from_str(&signed).expect("checkpoint JSON");
    let marked = checkpoint["heads"][0]["entry_id"]
        .as_i64()
        .expect("audit head");
    assert_eq!(checkpoint["heads"][0]["chain"], "audit");
    let checkpoint_file = db.data_dir.with_extension("checkpoint.json");
    std::fs::write(&checkpoint_file, &signed).expect("keep checkpoint");
    let against = checkpoint_file.to_string_lossy().into_owned();
    let (ok, out, err) = verify_with(db, &["--against", &against, "--checkpoint-key", &key_arg]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("every entry it names is unchanged"), "{out}");
    // A checkpoint changed after signing is refused.
    let mut forged = checkpoint.clone();
    forged["heads"][0]["entry_id"] = serde_json::json!(marked - 1);
    let forged_file = db.data_dir.with_extension("forged.json");
    std::fs::write(&forged_file, forged.to_string()).expect("forged");
    let forged_arg = forged_file.to_string_lossy().into_owned();
    let (ok, out, _) = verify_with(db, &["--against", &forged_arg]);
    assert!(!ok);
    assert!(out.contains("the signature does not match"), "{out}");

    // Someone with the database's password removes the guards and edits the records.
    let audit = ids(
        db,
        "select audit_event_id from audit_events order by audit_event_id",
    )
    .await;
    assert!(audit.len() >= 12, "{audit:?}");
    let (changed, removed, moved_a, moved_b) = (audit[2], audit[4], audit[7], audit[8]);
    let after_removed = audit[5];
    let custody = ids(
        db,
        "select custody_event_id from custody_events order by custody_event_id",
    )
    .await;
    let custody_changed = custody[0];
    let drop_guards: Vec<String> = match db.backend {
        Backend::Sqlite => [
            "drop trigger audit_events_no_update",
            "drop trigger audit_events_no_delete",
            "drop trigger custody_events_no_update",
        ]
        .map(String::from)
        .to_vec(),
        Backend::Postgres => [
            "drop trigger audit_events_seal_only on audit_events",
            "drop trigger audit_events_no_delete on audit_events",
            "drop trigger custody_events_seal_only on custody_events",
        ]
        .map(String::from)
        .to_vec(),
    };
    behind_probitys_back(db, &drop_guards).await;
    // Two entries swap places: each takes the other's content and hashes.
    let swap = "actor, action, target, outcome, remote_addr, detail, chain_prev, chain_hash";
    let swap_statements: Vec<String> = match db.backend {
        Backend::Sqlite => vec![
            format!(
                "create temporary table held as select {swap} from audit_events where audit_event_id = {moved_a}"
            ),
            format!(
                "update audit_events set ({swap}) = (select {swap} from audit_events where audit_event_id = {moved_b}) where audit_event_id = {moved_a}"
            ),
            format!(
                "update audit_events set ({swap}) = (select {swap} from held) where audit_event_id = {moved_b}"
            ),
        ],
        Backend::Postgres => vec![format!(
            "update audit_events a set ({swap}) = (select {swap} from audit_events b where b.audit_event_id = \
             case a.audit_event_id when {moved_a} then {moved_b} else {moved_a} end) \
             where a.audit_event_id in ({moved_a}, {moved_b})"
        )],
    };
    let now = match db.backend {
        Backend::Sqlite => "'2026-12-01T10:00:00Z'",
        Backend::Postgres => "now()",
    };
    let mut edits = vec![
        format!("update audit_events set actor = 'someone else' where audit_event_id = {changed}"),
        format!("delete from audit_events where audit_event_id = {removed}"),
        format!(
            "update custody_events set reason = 'Never received' where custody_event_id = {custody_changed}"
        ),
    ];
    edits.extend(swap_statements);
    // The entry the checkpoint names gets another hash, as a rewrite of the whole chain
    // would give it.
    edits.push(format!(
        "update audit_events set chain_hash = '{}' where audit_event_id = {marked}",
        "f".repeat(64)
    ));
    edits.push(format!(
        "insert into audit_events (occurred_at, actor, action, outcome) values ({now}, 'ghost', 'case.view', 'success')"
    ));
    behind_probitys_back(db, &edits).await;
    let added = *ids(db, "select max(audit_event_id) from audit_events")
        .await
        .first()
        .expect("max");
    // And one byte of a stored file flips.
    let sha = ids_text(
        db,
        &format!("select sha256 from exhibits where exhibit_id = {first}"),
    )
    .await;
    let file = blob_file(&db.data_dir.join("blobs"), &sha).expect("the blob's file");
    let mut bytes = std::fs::read(&file).expect("read blob");
    bytes[0] ^= 0x01;
    std::fs::write(&file, bytes).expect("write blob");

    let (ok, text) = verify(db);
    assert!(!ok, "verify must fail: {text}");
    let expect = [
        format!("audit trail entry {changed}: content changed"),
        format!("audit trail entry {after_removed}: does not follow"),
        format!("audit trail entry {moved_a}:"),
        format!("audit trail entry {moved_b}:"),
        format!("audit trail entry {added}: has no hash"),
        format!("chain of custody entry {custody_changed}: content changed"),
        format!("file {sha}: hashed again: expected {sha}, found "),
    ];
    for line in &expect {
        assert!(text.contains(line.as_str()), "missing {line:?} in:\n{text}");
    }
    assert!(text.contains("integrity check found"), "{text}");
    let (ok, out, _) = verify_with(db, &["--against", &against]);
    assert!(!ok);
    assert!(
        out.contains(&format!(
            "audit trail entry {marked}: expected {}",
            checkpoint["heads"][0]["hash"].as_str().expect("hash")
        )),
        "{out}"
    );

    // The auditor sees the alarm on the audit page.
    let (status, page) = team.app.get_page(&auditor, "/audit").await;
    assert_eq!(status, 200);
    assert!(page.contains("Integrity alarm"), "{page}");
    assert!(
        page.contains(&format!("audit trail entry {changed}")),
        "{page}"
    );
    team.app.stop().await;
}

async fn ids_text(db: &probity_tests::TestDatabase, sql: &str) -> String {
    use sqlx::Connection as _;
    match db.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("connect");
            sqlx::query_scalar(sql)
                .fetch_one(&mut conn)
                .await
                .expect("text")
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            sqlx::query_scalar(sql)
                .fetch_one(&mut conn)
                .await
                .expect("text")
        }
    }
}

/// Reads RFC 6587 octet-counted frames from a collector's connection until `until` says
/// enough, or ten seconds pass.
async fn frames_until(
    stream: &mut tokio::net::TcpStream,
    until: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    use tokio::io::AsyncReadExt as _;
    let mut buffer = Vec::new();
    let mut frames = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !until(&frames) {
        let mut chunk = [0u8; 4096];
        let read = tokio::time::timeout_at(deadline, stream.read(&mut chunk))
            .await
            .expect("frames in time")
            .expect("read");
        assert!(read > 0, "the collector's connection closed");
        buffer.extend_from_slice(&chunk[..read]);
        while let Some(space) = buffer.iter().position(|b| *b == b' ') {
            let length: usize = std::str::from_utf8(&buffer[..space])
                .expect("length")
                .parse()
                .expect("an octet count");
            if buffer.len() < space + 1 + length {
                break;
            }
            let frame = buffer[space + 1..space + 1 + length].to_vec();
            buffer.drain(..space + 1 + length);
            frames.push(String::from_utf8(frame).expect("UTF-8"));
        }
    }
    frames
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_entries_are_copied_to_a_syslog_collector_and_a_file_as_they_are_written() {
    let collector = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("collector");
    let port = collector.local_addr().expect("port").port();
    let copy = format!("syslog+tcp://127.0.0.1:{port}");
    let team = team_case("Copied case", &["--audit-copy", &copy]).await;
    let (mut stream, _) =
        tokio::time::timeout(std::time::Duration::from_secs(10), collector.accept())
            .await
            .expect("the app connects")
            .expect("accept");
    let (status, _) = team
        .app
        .get_page(&team.lead, &format!("/cases/{}", team.case_id))
        .await;
    assert_eq!(status, 200);
    let frames = frames_until(&mut stream, |frames| {
        frames
            .iter()
            .any(|frame| frame.contains("action=\"case.view\""))
    })
    .await;
    let store = team.app.store().await;
    let trail = store.recent_audit(50).await.expect("trail");
    let sign_in = trail
        .iter()
        .find(|event| event.action == "auth.sign_in" && event.actor == "ines")
        .expect("ines signed in");
    let frame = frames
        .iter()
        .find(|frame| frame.contains(&format!("id=\"{}\"", sign_in.audit_event_id)))
        .unwrap_or_else(|| panic!("no frame for entry {}: {frames:?}", sign_in.audit_event_id));
    // RFC 5424: PRI (facility 13, log audit; informational), version 1, time, host, app, ...
    assert!(frame.starts_with("<110>1 "), "{frame}");
    assert!(frame.contains(" probity "), "{frame}");
    let json = &frame[frame.find("] {").expect("MSG") + 2..];
    let copied: serde_json::Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(copied["actor"], "ines");
    assert_eq!(copied["action"], "auth.sign_in");
    // The copy carries the hash the database's chain holds for the entry.
    let hash = ids_text(
        &team.app.db,
        &format!(
            "select chain_hash from audit_events where audit_event_id = {}",
            sign_in.audit_event_id
        ),
    )
    .await;
    assert_eq!(copied["chain_hash"], hash.as_str());
    team.app.stop().await;

    // To a file: one JSON object per line.
    let file = std::env::temp_dir().join(format!(
        "probity-audit-copy-{}.jsonl",
        probity_tests::random_suffix()
    ));
    let setting = format!("file://{}", file.display());
    let team = team_case("Filed case", &["--audit-copy", &setting]).await;
    let (status, _) = team
        .app
        .get_page(&team.lead, &format!("/cases/{}", team.case_id))
        .await;
    assert_eq!(status, 200);
    let mut lines = Vec::new();
    for _ in 0..100 {
        lines = std::fs::read_to_string(&file)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        if lines.iter().any(|line| line.contains("\"case.view\"")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let entries: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert!(
        entries.iter().any(|entry| entry["action"] == "case.view"),
        "{lines:?}"
    );
    assert!(
        entries
            .iter()
            .all(|entry| entry["chain_hash"].as_str().is_some_and(|h| h.len() == 64))
    );
    team.app.stop().await;
    let _ = std::fs::remove_file(&file);
}
