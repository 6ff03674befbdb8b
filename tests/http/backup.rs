//! `probity backup` and `probity restore` with the real binary: a backup made while the app
//! is written to restores into an empty database and data folder with every table and file,
//! `sha256sum -c` checks its manifest, and a damaged backup restores nothing.

use probity_domain::roles::Role;
use probity_tests::fixtures::{case, password_hash, team_case, upload_one, user};
use probity_tests::{Backend, TestDatabase};
use std::collections::BTreeMap;
use std::path::Path;

/// Runs the real binary on a database and data folder.
fn probity(db: &TestDatabase, args: &[&str]) -> (bool, String) {
    let output = std::process::Command::new(probity_tests::probity_binary())
        .args(args)
        .arg("--database-url")
        .arg(&db.url)
        .arg("--data-dir")
        .arg(&db.data_dir)
        .env("PROBITY_LOG_FORMAT", "text")
        .env("RUST_LOG", "error")
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

/// Every row of every table, as text, sorted: the whole content of a database.
async fn tables(db: &TestDatabase) -> BTreeMap<String, Vec<String>> {
    use sqlx::Connection as _;
    let mut all = BTreeMap::new();
    match db.backend {
        Backend::Sqlite => {
            if !db.data_dir.join("probity.db").exists() {
                return all;
            }
            let mut conn = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("connect");
            let names: Vec<String> = sqlx::query_scalar(
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' \
                 and name not like '%_fts%' and sql not like 'create virtual%' \
                 and sql not like 'CREATE VIRTUAL%'",
            )
            .fetch_all(&mut conn)
            .await
            .expect("tables");
            for name in names {
                let columns: Vec<String> =
                    sqlx::query_scalar(&format!("select name from pragma_table_info('{name}')"))
                        .fetch_all(&mut conn)
                        .await
                        .expect("columns");
                let row = columns
                    .iter()
                    .map(|column| format!("quote(\"{column}\")"))
                    .collect::<Vec<_>>()
                    .join(" || ',' || ");
                let mut rows: Vec<String> =
                    sqlx::query_scalar(&format!("select {row} from \"{name}\""))
                        .fetch_all(&mut conn)
                        .await
                        .unwrap_or_else(|error| panic!("{name}: {error}"));
                rows.sort();
                all.insert(name, rows);
            }
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            let names: Vec<String> = sqlx::query_scalar(
                "select tablename::text from pg_tables where schemaname = 'public'",
            )
            .fetch_all(&mut conn)
            .await
            .expect("tables");
            for name in names {
                let mut rows: Vec<String> =
                    sqlx::query_scalar(&format!("select (t.*)::text from \"{name}\" t"))
                        .fetch_all(&mut conn)
                        .await
                        .unwrap_or_else(|error| panic!("{name}: {error}"));
                rows.sort();
                all.insert(name, rows);
            }
        }
    }
    all
}

/// The files under a folder, by path relative to it, with their bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                let name = path
                    .strip_prefix(root)
                    .expect("inside")
                    .display()
                    .to_string();
                into.insert(name, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(dir, dir, &mut found);
    found
}

/// Waits until no job is queued or running (text extraction after uploads).
async fn settle(db: &TestDatabase) {
    use sqlx::Connection as _;
    let sql = "select count(*) from jobs where state in ('queued', 'running')";
    for _ in 0..300 {
        let busy: i64 = match db.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&db.url)
                    .await
                    .expect("connect");
                sqlx::query_scalar(sql)
                    .fetch_one(&mut conn)
                    .await
                    .expect("jobs")
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
                sqlx::query_scalar(sql)
                    .fetch_one(&mut conn)
                    .await
                    .expect("jobs")
            }
        };
        if busy == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("jobs did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_writing_restores_elsewhere_with_every_table_and_file() {
    let team = team_case("Backed-up case", &[]).await;
    for index in 0..4u64 {
        upload_one(
            &team,
            &format!("log-{index}.bin"),
            &probity_tests::noise(200_000 + index as usize * 777, index + 1),
            false,
        )
        .await;
    }
    settle(&team.app.db).await;
    let db = &team.app.db;
    let backups = std::env::temp_dir().join(format!(
        "probity-backups-{}",
        probity_tests::random_suffix()
    ));

    // A quiet backup restores to exactly what was there.
    let quiet = backups.join("quiet");
    let (ok, out) = probity(db, &["backup", quiet.to_str().expect("path")]);
    assert!(ok, "{out}");
    assert!(out.contains("sha256sum -c manifest-sha256.txt"), "{out}");
    let checked = std::process::Command::new("sha256sum")
        .args(["-c", "--strict", "manifest-sha256.txt"])
        .current_dir(&quiet)
        .output()
        .expect("sha256sum");
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    let before = tables(db).await;
    let live_files = files(&db.data_dir.join("blobs/sha256"));

    let target = TestDatabase::new(db.backend).await;
    let (ok, out) = probity(&target, &["restore", quiet.to_str().expect("path")]);
    assert!(ok, "{out}");
    assert!(out.contains("the integrity check passed"), "{out}");
    let after = tables(&target).await;
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (name, rows) in &before {
        let restored = &after[name];
        match name.as_str() {
            // The restore's own entry, and its integrity check.
            "audit_events" => {
                assert_eq!(restored.len(), rows.len() + 1, "audit_events");
                assert!(rows.iter().all(|row| restored.contains(row)));
                assert!(
                    restored.iter().any(|row| row.contains("system.restore")),
                    "the restore is in the audit trail"
                );
            }
            "integrity_checks" | "chain_heads" => {}
            _ => assert!(restored == rows, "table {name} differs after restore"),
        }
    }
    assert!(
        before["audit_events"]
            .iter()
            .any(|row| row.contains("system.backup")),
        "the backup holds the record of its own making"
    );
    let restored_files = files(&target.data_dir.join("blobs/sha256"));
    for (path, bytes) in &live_files {
        assert!(
            restored_files.get(path) == Some(bytes),
            "{path} restored differently"
        );
    }
    assert_eq!(restored_files.len(), live_files.len());

    // A backup while cases are opened and files uploaded: it restores, and verifies.
    let store = team.app.store().await;
    let hash = password_hash().await;
    let writer_user = user(&store, &hash, "wanda", Role::Investigator).await;
    let busy = backups.join("busy");
    let writing = {
        let store = store.clone();
        let writer_user = writer_user.clone();
        tokio::spawn(async move {
            for index in 0..40 {
                case(
                    &store,
                    &writer_user,
                    &format!("Opened during the backup {index}"),
                )
                .await;
            }
        })
    };
    let uploading = async {
        for index in 0..6u64 {
            upload_one(
                &team,
                &format!("late-{index}.bin"),
                &probity_tests::noise(150_000, index + 50),
                false,
            )
            .await;
        }
    };
    let busy_path = busy.clone();
    let db_url = db.url.clone();
    let data_dir = db.data_dir.clone();
    let backing_up = tokio::task::spawn_blocking(move || {
        std::process::Command::new(probity_tests::probity_binary())
            .arg("backup")
            .arg(&busy_path)
            .arg("--database-url")
            .arg(db_url)
            .arg("--data-dir")
            .arg(data_dir)
            .env("RUST_LOG", "error")
            .output()
            .expect("backup runs")
    });
    uploading.await;
    writing.await.expect("writer");
    let output = backing_up.await.expect("backup task");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let second = TestDatabase::new(db.backend).await;
    let (ok, out) = probity(&second, &["restore", busy.to_str().expect("path")]);
    assert!(
        ok,
        "a backup taken while writing restores and verifies: {out}"
    );
    let live = tables(db).await;
    let restored = tables(&second).await;
    // The append-only tables: every restored row is a row the office had, none missing from
    // before the backup (cases and exhibits change as work goes on, so they are counted).
    for name in ["audit_events", "custody_events"] {
        let extra: Vec<&String> = restored[name]
            .iter()
            .filter(|row| !live[name].contains(row))
            .collect();
        let expected_extra = usize::from(name == "audit_events");
        assert_eq!(extra.len(), expected_extra, "{name}: {extra:?}");
    }
    for name in ["cases", "exhibits", "custody_events"] {
        assert!(restored[name].len() >= before[name].len(), "{name}");
        assert!(restored[name].len() <= live[name].len(), "{name}");
    }

    // A damaged backup restores nothing and names what is damaged.
    let (_, blob) = files(&quiet.join("blobs"))
        .into_iter()
        .next()
        .expect("a file in the backup");
    let damaged_path = files(&quiet.join("blobs"))
        .into_keys()
        .next()
        .expect("a file");
    let mut damaged = blob.clone();
    damaged[0] ^= 0xff;
    std::fs::write(quiet.join("blobs").join(&damaged_path), damaged).expect("damage");
    let third = TestDatabase::new(db.backend).await;
    let (ok, out) = probity(&third, &["restore", quiet.to_str().expect("path")]);
    assert!(!ok, "a damaged backup was restored: {out}");
    assert!(
        out.contains("damaged") && out.contains(&damaged_path),
        "{out}"
    );
    assert!(tables(&third).await.is_empty(), "nothing was restored");
    // And a backup is never written over an earlier one.
    let (ok, out) = probity(db, &["backup", busy.to_str().expect("path")]);
    assert!(!ok && out.contains("not empty"), "{out}");
    let _ = std::fs::remove_dir_all(&backups);
}
