//! Two app nodes as one office: two real `probity serve` processes on one PostgreSQL database
//! and one S3 bucket share the setup token, sessions and the job queue; one is killed with
//! SIGKILL in the middle of imports and text extraction, and every job still finishes once,
//! with nothing lost or doubled. (On SQLite a second node refuses to start: `setup.rs`.)

use probity_domain::roles::Role;
use probity_tests::garage::Garage;
use probity_tests::{Backend, TestDatabase, csrf_token, location};
use std::process::{Child, Command, Stdio};

/// A `probity serve` process.
struct Node {
    base: String,
    child: Child,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_node(db: &TestDatabase, store: &str, data_dir: &std::path::Path) -> Node {
    let port = probity_tests::free_port();
    let mut command = Command::new(probity_tests::probity_binary());
    command
        .arg("serve")
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--database-url")
        .arg(&db.url)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--blob-store", store, "--require-mfa", "false"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (name, value) in Garage::shared().env() {
        command.env(name, value);
    }
    let child = command.spawn().expect("probity serve");
    let node = Node {
        base: format!("http://127.0.0.1:{port}"),
        child,
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("{}/healthz", node.base)).send().await
            && response.status() == 200
        {
            return node;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the node on port {port} did not start");
}

/// Sends a form from `page` (for its token) to `path` on a node.
async fn post(
    client: &reqwest::Client,
    node: &Node,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = client
        .get(format!("{}{page}", node.base))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let token = csrf_token(&html).unwrap_or_else(|| panic!("no token on {page}"));
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    client
        .post(format!("{}{path}", node.base))
        .header("origin", &node.base)
        .form(&form)
        .send()
        .await
        .expect("POST")
}

async fn upload(
    client: &reqwest::Client,
    node: &Node,
    case_id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    use reqwest::multipart::{Form, Part};
    let page = format!("/cases/{case_id}/exhibits/new");
    let html = client
        .get(format!("{}{page}", node.base))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let token = csrf_token(&html).expect("token");
    let form = Form::new()
        .text("csrf_token", token)
        .part("files", Part::bytes(bytes).file_name(name.to_string()));
    client
        .post(format!("{}/cases/{case_id}/exhibits", node.base))
        .header("origin", &node.base)
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

async fn count(db: &TestDatabase, sql: &str) -> i64 {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    sqlx::query_scalar(sql)
        .fetch_one(&mut conn)
        .await
        .expect(sql)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_the_office_and_a_killed_nodes_jobs_finish_once_on_the_other() {
    if Backend::under_test() != Backend::Postgres {
        // SQLite serves one node; the refusal of a second is tested in setup.rs.
        return;
    }
    let db = TestDatabase::new(Backend::Postgres).await;
    let store_address = Garage::shared().fresh_store();
    let dir_a = db.data_dir.join("node-a");
    let dir_b = db.data_dir.join("node-b");
    let node_a = start_node(&db, &store_address, &dir_a).await;
    let node_b = start_node(&db, &store_address, &dir_b).await;
    // Both ask for the same first-run token, whichever the proxy picks.
    let token_a = std::fs::read_to_string(dir_a.join("setup-token")).expect("token a");
    let token_b = std::fs::read_to_string(dir_b.join("setup-token")).expect("token b");
    assert_eq!(token_a, token_b, "one setup token for the office");

    let store = probity_server::storage::connect(&db.url)
        .await
        .expect("connect")
        .store;
    let hash = probity_tests::fixtures::password_hash().await;
    let ines = probity_tests::fixtures::user(&store, &hash, "ines", Role::Investigator).await;
    let case_id = probity_tests::fixtures::case(&store, &ines, "Two-node case")
        .await
        .case_id;

    // Signed in on node A, the same session works on node B.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let signed_in = post(
        &client,
        &node_a,
        "/sign-in",
        "/sign-in",
        &[
            ("username", "ines"),
            ("password", probity_tests::GOOD_PASSWORD),
        ],
    )
    .await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/");
    let on_b = client
        .get(format!("{}/cases/{case_id}", node_b.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(on_b.status(), 200, "the session is shared");

    // Uploads through both nodes: chat logs to import, and screenshots to read.
    let mut chat = String::new();
    for minute in 0..3000 {
        chat.push_str(&format!(
            "11/21/24, {}:{:02} PM - Marisol: line {minute} of a long log\n",
            1 + minute / 60 % 11,
            minute % 60
        ));
    }
    let nodes = [&node_a, &node_b];
    for index in 0..6 {
        let node = nodes[index % 2];
        let mut log = chat.clone();
        log.push_str(&format!("11/21/24, 11:59 PM - Marisol: log {index}\n"));
        let sent = upload(
            &client,
            node,
            case_id,
            &format!("chat-{index}.txt"),
            log.into_bytes(),
        )
        .await;
        assert_eq!(sent.status(), 303);
    }
    for index in 0..4 {
        let node = nodes[index % 2];
        let png = probity_server::demo::screenshot::text_png(
            "LOOKUP",
            &[&format!("RECORD {index}"), "STATUS: RELEASED"],
        );
        let sent = upload(&client, node, case_id, &format!("shot-{index}.png"), png).await;
        assert_eq!(sent.status(), 303);
    }
    let exhibits = store
        .exhibits(case_id, ines.user_id)
        .await
        .expect("exhibits");
    let logs: Vec<i64> = exhibits
        .iter()
        .filter(|exhibit| exhibit.original_filename.starts_with("chat-"))
        .map(|exhibit| exhibit.exhibit_id)
        .collect();
    assert_eq!(logs.len(), 6);
    for (index, exhibit_id) in logs.iter().enumerate() {
        let node = nodes[index % 2];
        let path = format!("/cases/{case_id}/exhibits/{exhibit_id}");
        let started = post(
            &client,
            node,
            &path,
            &format!("{path}/import"),
            &[
                ("format", "whatsapp"),
                ("time_zone", "UTC"),
                ("date_order", "mdy"),
                ("mode", "all"),
            ],
        )
        .await;
        assert_eq!(started.status(), 303, "import {index} started");
    }

    // Kill node A as soon as work is under way: whatever it held is reclaimed by node B once
    // its lease runs out.
    for _ in 0..200 {
        if count(&db, "select count(*) from jobs where state = 'running'").await > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let mut node_a = node_a;
    node_a.child.kill().expect("SIGKILL node A");
    node_a.child.wait().expect("node A ended");

    let total = count(&db, "select count(*) from jobs").await;
    assert!(total >= 6, "{total} jobs");
    let mut finished = false;
    for _ in 0..1800 {
        if count(
            &db,
            "select count(*) from jobs where state in ('queued', 'running')",
        )
        .await
            == 0
        {
            finished = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(finished, "the jobs did not finish on node B");
    assert_eq!(
        count(&db, "select count(*) from jobs where state <> 'done'").await,
        0,
        "every job done"
    );
    for exhibit_id in &logs {
        assert_eq!(
            store.message_count(*exhibit_id).await.expect("count"),
            3001,
            "each log imported once, nothing lost or doubled"
        );
    }
    assert_eq!(
        count(&db, "select count(*) from messages").await,
        6 * 3001,
        "no message twice"
    );
    assert_eq!(count(&db, "select count(*) from message_staging").await, 0);
    // Node B still serves every file (all in the shared bucket).
    let again = client
        .get(format!("{}/cases/{case_id}/exhibits", node_b.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), 200);
    drop(node_b);
}
