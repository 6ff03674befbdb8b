//! The case export: the demo case as a BagIt bag that `sha256sum -c` and the Library of
//! Congress's `bagit` validator (PyPI) accept, recorded in every exhibit's custody; restricted
//! exhibits only for those named on them; a recused person, an outsider and an anonymous
//! visitor get 404.

use probity_domain::evidence::CustodyAction;
use probity_domain::roles::Role;
use probity_tests::TestApp;
use probity_tests::fixtures::{TeamCase, team_case, upload_one, user};
use std::path::{Path, PathBuf};

/// Unpacks a ZIP with Python's standard library (as a recipient without Probity would).
fn unzip(bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("probity-bag-{}", probity_tests::random_suffix()));
    std::fs::create_dir_all(&dir).expect("dir");
    let zip = dir.join("bag.zip");
    std::fs::write(&zip, bytes).expect("zip");
    let out = dir.join("out");
    let status = std::process::Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(&zip)
        .arg(&out)
        .status()
        .expect("python3");
    assert!(status.success(), "the ZIP unpacks");
    out
}

/// The one folder of an unpacked bag.
fn bag_root(out: &Path) -> PathBuf {
    let entries: Vec<PathBuf> = std::fs::read_dir(out)
        .expect("read")
        .flatten()
        .map(|entry| entry.path())
        .collect();
    assert_eq!(entries.len(), 1, "one top-level folder: {entries:?}");
    entries[0].clone()
}

/// `sha256sum -c` on the payload manifest, and the `bagit` validator on the whole bag.
fn validate(root: &Path) {
    let checked = std::process::Command::new("sha256sum")
        .args(["-c", "--strict", "manifest-sha256.txt"])
        .current_dir(root)
        .output()
        .expect("sha256sum");
    assert!(
        checked.status.success(),
        "sha256sum: {}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    let validated = std::process::Command::new("python3")
        .args([
            "-c",
            "import bagit, sys; bag = bagit.Bag(sys.argv[1]); bag.validate(); print('valid', len(list(bag.payload_files())))",
        ])
        .arg(root)
        .output()
        .expect("python3 with bagit (pip install bagit; .ci/run does)");
    assert!(
        validated.status.success(),
        "bagit: {}{}",
        String::from_utf8_lossy(&validated.stdout),
        String::from_utf8_lossy(&validated.stderr)
    );
}

async fn export(
    app: &TestApp,
    client: &reqwest::Client,
    case_id: i64,
    reason: &str,
) -> reqwest::Response {
    let path = format!("/cases/{case_id}/export");
    app.post_form(client, &path, &path, &[("reason", reason)])
        .await
}

#[tokio::test]
async fn the_demo_case_exports_as_a_bag_that_sha256sum_and_bagit_accept() {
    let app = TestApp::spawn().await;
    probity_tests::fixtures::demo(&app).await;
    let store = app.store().await;
    let ines = store
        .user_by_username("ines.investigator")
        .await
        .expect("get")
        .expect("demo user");
    let case_id = store
        .my_cases(ines.user_id, 10)
        .await
        .expect("cases")
        .into_iter()
        .find(|c| c.title == probity_server::demo::DEMO_CASE_TITLE)
        .expect("the demo case")
        .case_id;
    let password = probity_server::demo::DEMO_PASSWORD;
    let lead = app.signed_in_client("ines.investigator", password).await;

    // Reachable by clicking: the evidence page links the export page.
    let (status, evidence) = app
        .get_page(&lead, &format!("/cases/{case_id}/exhibits"))
        .await;
    assert_eq!(status, 200);
    assert!(evidence.contains(&format!("/cases/{case_id}/export")));
    let (status, page) = app
        .get_page(&lead, &format!("/cases/{case_id}/export"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("BagIt"));

    // No reason: asked again, nothing recorded.
    let refused = export(&app, &lead, case_id, "").await;
    assert_eq!(refused.status(), 422);
    // The demo holds criminal-justice exhibits: they leave only after a fresh second factor,
    // which the sign-in with one just gave (the confirmation flow itself is tested with the
    // criminal-justice download in second_factor.rs).
    let reason = "Disclosure to the county prosecutor <24-CR-1187>";
    let bag = export(&app, &lead, case_id, reason).await;
    assert_eq!(bag.status(), 200);
    assert_eq!(bag.headers()["content-type"], "application/zip");
    let bytes = bag.bytes().await.expect("the whole bag");
    let root = bag_root(&unzip(&bytes));
    validate(&root);

    // The exhibits as received, byte for byte, and the rest of the case.
    let exhibits = store
        .exhibits(case_id, ines.user_id)
        .await
        .expect("exhibits");
    let manifest = std::fs::read_to_string(root.join("manifest-sha256.txt")).expect("manifest");
    for exhibit in &exhibits {
        assert!(
            manifest.contains(&format!(
                "{}  data/exhibits/E-{}-",
                exhibit.sha256, exhibit.number
            )),
            "E-{} with its recorded hash",
            exhibit.number
        );
    }
    for file in [
        "data/exhibits.csv",
        "data/messages.csv",
        "data/messages.json",
        "data/timeline.csv",
        "data/timeline.json",
        "data/findings.json",
        "data/custody.jsonl",
        "data/audit.jsonl",
    ] {
        assert!(root.join(file).is_file(), "{file}");
    }
    let messages: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("data/messages.json")).expect("messages"),
    )
    .expect("JSON");
    assert!(
        !messages.as_array().expect("list").is_empty(),
        "the demo's messages"
    );
    let info = std::fs::read_to_string(root.join("bag-info.txt")).expect("bag-info");
    let case = store
        .case_by_id(case_id)
        .await
        .expect("case")
        .expect("case");
    assert!(info.contains(&format!("External-Identifier: {}", case.case_number)));
    assert!(info.contains("Exported-By: ines.investigator"));
    assert!(info.contains("Export-Reason: Disclosure to the county prosecutor <24-CR-1187>"));
    assert!(info.contains("Payload-Oxum: "));
    // The export is in every exhibit's custody, inside the bag too, and audited.
    for exhibit in &exhibits {
        let custody = store.custody(exhibit.exhibit_id).await.expect("custody");
        let last = custody.last().expect("a step");
        assert_eq!(last.action, CustodyAction::Exported);
        assert!(last.reason.contains("24-CR-1187"));
    }
    let custody = std::fs::read_to_string(root.join("data/custody.jsonl")).expect("custody");
    assert!(
        custody
            .lines()
            .any(|line| line.contains("\"exported\"") && line.contains("24-CR-1187"))
    );
    let audit = std::fs::read_to_string(root.join("data/audit.jsonl")).expect("audit");
    assert!(audit.lines().any(|line| line.contains("case.export")));

    // Changing the bag is caught by the validator's own check.
    let csv = root.join("data/exhibits.csv");
    let mut changed = std::fs::read(&csv).expect("csv");
    changed.push(b'\n');
    std::fs::write(&csv, changed).expect("change");
    let checked = std::process::Command::new("sha256sum")
        .args(["-c", "--quiet", "manifest-sha256.txt"])
        .current_dir(&root)
        .output()
        .expect("sha256sum");
    assert!(
        !checked.status.success(),
        "a changed file fails the manifest"
    );
}

#[tokio::test]
async fn restricted_exhibits_stay_out_and_those_who_may_not_see_the_case_get_404() {
    let TeamCase {
        app,
        case_id,
        lead,
        member,
    } = team_case("Exported case", &[]).await;
    let team = TeamCase {
        app,
        case_id,
        lead,
        member,
    };
    let visible = upload_one(
        &team,
        "chat log </textarea>.txt",
        b"line one\n=cmd|' /C calc'!A0\n",
        false,
    )
    .await;
    let restricted = upload_one(&team, "informant.txt", b"restricted content", true).await;
    let store = team.app.store().await;

    // The member is not named on the restricted exhibit: it is not in their bag.
    let bag = export(&team.app, &team.member, case_id, "Court order 17").await;
    assert_eq!(bag.status(), 200);
    let root = bag_root(&unzip(&bag.bytes().await.expect("bag")));
    validate(&root);
    let manifest = std::fs::read_to_string(root.join("manifest-sha256.txt")).expect("manifest");
    // A hostile name becomes a plain file name (the part after its last slash).
    assert!(
        manifest.contains("data/exhibits/E-1-textarea_.txt"),
        "{manifest}"
    );
    assert!(!manifest.contains("informant"), "{manifest}");
    let listing = std::fs::read_to_string(root.join("data/exhibits.csv")).expect("csv");
    assert!(!listing.contains("informant"));
    assert!(!listing.contains(",=cmd"), "cells are defused");
    let restricted_custody = store.custody(restricted).await.expect("custody");
    assert!(
        restricted_custody
            .iter()
            .all(|step| step.action != CustodyAction::Exported),
        "the restricted exhibit was not exported"
    );
    let visible_custody = store.custody(visible).await.expect("custody");
    assert_eq!(
        visible_custody.last().expect("step").action,
        CustodyAction::Exported
    );
    // The lead is named on it: theirs has it.
    let bag = export(&team.app, &team.lead, case_id, "Court order 17").await;
    let root = bag_root(&unzip(&bag.bytes().await.expect("bag")));
    validate(&root);
    assert!(
        std::fs::read_to_string(root.join("manifest-sha256.txt"))
            .expect("manifest")
            .contains("informant.txt")
    );

    // An outsider and a recused member: 404 on the page and the export; anonymous: sign in.
    let hash = probity_tests::fixtures::password_hash().await;
    user(&store, &hash, "olga", Role::Investigator).await;
    let olga = probity_tests::fixtures::client_for(&team.app, "olga").await;
    let theo = store
        .user_by_username("theo")
        .await
        .expect("get")
        .expect("theo");
    let ines = store
        .user_by_username("ines")
        .await
        .expect("get")
        .expect("ines");
    store
        .recuse(
            case_id,
            theo.user_id,
            "related to the subject",
            ines.user_id,
        )
        .await
        .expect("recuse");
    for client in [&olga, &team.member] {
        let (status, _) = team
            .app
            .get_page(client, &format!("/cases/{case_id}/export"))
            .await;
        assert_eq!(status, 404);
        let path = format!("/cases/{case_id}/export");
        let response = team
            .app
            .post_form(client, "/cases", &path, &[("reason", "curious")])
            .await;
        assert_eq!(response.status(), 404);
    }
    let anonymous = team.app.client();
    let response = anonymous
        .get(team.app.url(&format!("/cases/{case_id}/export")))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 303);
}
