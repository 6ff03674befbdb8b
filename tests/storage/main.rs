//! Storage tests, written once and run against SQLite and PostgreSQL (a fresh database each).

use probity_domain::roles::Role;
use probity_server::storage::{self, DynStore, NewAuditEvent, NewUser, Outcome, StoreError};
use probity_tests::{Backend, TestDatabase};

/// Which database a check runs on, and its URL for direct connections.
#[derive(Clone)]
struct Target {
    backend: Backend,
    url: String,
}

/// Runs `check` once per backend on a fresh, migrated database, dropped afterwards.
async fn on_each_backend<F, Fut>(check: F)
where
    F: Fn(DynStore, Target) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in Backend::ALL {
        let db = TestDatabase::new(backend).await;
        let store = storage::connect(&db.url).await.expect("connect").store;
        store.migrate().await.expect("migrate");
        check(
            store,
            Target {
                backend,
                url: db.url.clone(),
            },
        )
        .await;
        drop(db);
    }
}

fn new_user(username: &str, role: Role) -> NewUser {
    NewUser {
        username: username.to_string(),
        display_name: format!("{username} display"),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".to_string(),
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_the_database_answers() {
    on_each_backend(|store, _db| async move {
        store.migrate().await.expect("second migrate is a no-op");
        store.ping().await.expect("ping");
        assert_eq!(store.count_users().await.expect("count"), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_first_administrator_can_be_created_only_once_even_concurrently() {
    on_each_backend(|store, _db| async move {
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..8 {
            let store = store.clone();
            attempts.spawn(async move {
                store
                    .create_first_admin(new_user(&format!("admin{i}"), Role::Administrator))
                    .await
            });
        }
        let created: Vec<_> = attempts
            .join_all()
            .await
            .into_iter()
            .filter_map(|result| result.expect("no error"))
            .collect();
        assert_eq!(created.len(), 1, "exactly one first administrator");
        assert_eq!(created[0].role, Role::Administrator);
        assert_eq!(store.count_users().await.expect("count"), 1);
        let again = store
            .create_first_admin(new_user("late", Role::Administrator))
            .await
            .expect("no error");
        assert!(again.is_none());
    })
    .await;
}

#[tokio::test]
async fn users_are_created_found_listed_disabled_and_rehashed() {
    on_each_backend(|store, _db| async move {
        let created = store
            .create_user(new_user("jdoe", Role::Investigator))
            .await
            .expect("create");
        assert_eq!(created.username, "jdoe");
        assert!(!created.disabled);
        assert!(created.last_sign_in_at.is_none());

        let duplicate = store.create_user(new_user("jdoe", Role::Auditor)).await;
        assert!(
            matches!(duplicate, Err(StoreError::Conflict)),
            "got {duplicate:?}"
        );

        store
            .create_user(new_user("alice", Role::Commissioner))
            .await
            .expect("create");
        let names: Vec<String> = store
            .list_users()
            .await
            .expect("list")
            .into_iter()
            .map(|user| user.username)
            .collect();
        assert_eq!(names, ["alice", "jdoe"]);

        let found = store
            .user_by_username("jdoe")
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(found.user_id, created.user_id);
        assert_eq!(found.role, Role::Investigator);
        assert!(
            store
                .user_by_username("nobody")
                .await
                .expect("get")
                .is_none()
        );
        assert!(
            store
                .user_by_id(created.user_id + 1000)
                .await
                .expect("get")
                .is_none()
        );

        store
            .set_user_disabled("jdoe", true)
            .await
            .expect("disable");
        assert!(
            store
                .user_by_id(created.user_id)
                .await
                .expect("get")
                .expect("exists")
                .disabled
        );
        assert!(matches!(
            store.set_user_disabled("nobody", true).await,
            Err(StoreError::NotFound)
        ));

        store
            .set_password_hash(created.user_id, "$argon2id$new")
            .await
            .expect("rehash");
        store.record_sign_in(created.user_id).await.expect("record");
        let after = store
            .user_by_id(created.user_id)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(after.password_hash, "$argon2id$new");
        assert!(after.password_changed_at >= created.password_changed_at);
        assert!(after.last_sign_in_at.is_some());
    })
    .await;
}

#[tokio::test]
async fn the_audit_trail_is_append_only() {
    on_each_backend(|store, db| async move {
        for action in ["auth.sign_in", "auth.sign_out"] {
            store
                .append_audit(
                    NewAuditEvent::named("someone", action, Outcome::Refused)
                        .from_addr("192.0.2.1"),
                )
                .await
                .expect("append");
        }
        let recent = store.recent_audit(10).await.expect("read");
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[0].action, "auth.sign_out", "newest first");
        assert_eq!(recent[1].outcome, "refused");

        // Not even a direct connection may rewrite or delete the trail.
        let statements = [
            "update audit_events set actor = 'nobody'",
            "delete from audit_events",
        ];
        for statement in statements {
            let refused = match db.backend {
                Backend::Sqlite => {
                    use sqlx::Connection as _;
                    let mut conn = sqlx::SqliteConnection::connect(&db.url)
                        .await
                        .expect("connect");
                    sqlx::Executor::execute(&mut conn, statement).await.is_err()
                }
                Backend::Postgres => {
                    use sqlx::Connection as _;
                    let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
                    sqlx::Executor::execute(&mut conn, statement).await.is_err()
                }
            };
            assert!(refused, "{statement} must be refused on {:?}", db.backend);
        }
        assert_eq!(store.recent_audit(10).await.expect("read").len(), 2);
    })
    .await;
}

mod volume {
    use super::*;
    use probity_server::storage::cases::{
        CaseCursor, CaseFilter, CaseSort, CaseViewer, GenerateCases,
    };

    const CASES: i64 = 100_000;

    /// Every page of a list, in order, as `(sequence, received_on)`.
    async fn walk(
        store: &DynStore,
        viewer: CaseViewer,
        filter: &CaseFilter,
        sort: CaseSort,
        limit: i64,
    ) -> Vec<(i64, String)> {
        let mut rows = Vec::new();
        let mut after: Option<CaseCursor> = None;
        loop {
            let page = store
                .list_cases(viewer, filter, sort, after.as_ref(), limit)
                .await
                .expect("page");
            assert!(page.items.len() as i64 <= limit);
            for item in &page.items {
                let sequence: i64 = item
                    .case_number
                    .rsplit('-')
                    .next()
                    .expect("number")
                    .parse()
                    .expect("digits");
                rows.push((sequence, item.received_on.clone()));
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        rows
    }

    /// The numbers the generator puts in case `n`'s search document.
    fn numbers(n: i64) -> [String; 5] {
        [
            n.to_string(),
            (n % 97).to_string(),
            (n % 40).to_string(),
            format!("{n:06}"),
            "2001".to_string(),
        ]
    }

    /// The status the generator gives case `n`.
    fn generated_status(n: i64) -> &'static str {
        [
            "intake",
            "open",
            "investigation",
            "findings_drafted",
            "under_review",
            "closed",
        ][(n % 6) as usize]
    }

    fn has_prefix_word(n: i64, prefix: &str) -> bool {
        numbers(n).iter().any(|word| word.starts_with(prefix))
    }

    fn has_word(n: i64, word: &str) -> bool {
        numbers(n).iter().any(|number| number == word)
    }

    #[tokio::test]
    async fn pagination_and_search_stay_correct_over_100000_cases() {
        on_each_backend(|store, target| async move {
            let creator = store
                .create_user(new_user("generator", Role::Supervisor))
                .await
                .expect("user");
            let member = store
                .create_user(new_user("member", Role::Investigator))
                .await
                .expect("user");
            storage::generate_cases(
                &target.url,
                GenerateCases {
                    count: CASES,
                    year: 2001,
                    created_by: creator.user_id,
                    member: Some(member.user_id),
                    member_every: 10,
                    team: Vec::new(),
                    exhibits: 0,
                    events_per_case: 0,
                },
            )
            .await
            .expect("generate");
            let everyone = CaseViewer {
                user_id: creator.user_id,
                office_wide: true,
            };
            let all = CaseFilter::default();

            let newest = walk(&store, everyone, &all, CaseSort::NumberDesc, 1000).await;
            assert_eq!(newest.len() as i64, CASES, "{:?}", target.backend);
            assert!(
                newest.windows(2).all(|pair| pair[0].0 > pair[1].0),
                "strictly newest first, no repeats"
            );

            let received = walk(&store, everyone, &all, CaseSort::ReceivedAsc, 1000).await;
            assert_eq!(received.len() as i64, CASES);
            assert!(
                received.windows(2).all(|pair| pair[0].1 <= pair[1].1),
                "dates never go back"
            );
            let mut seen: Vec<i64> = received.iter().map(|row| row.0).collect();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(
                seen.len() as i64,
                CASES,
                "no case twice across pages with equal dates"
            );

            // A member sees only the cases whose team they are on, page after page.
            let mine = CaseViewer {
                user_id: member.user_id,
                office_wide: false,
            };
            let member_rows = walk(&store, mine, &all, CaseSort::NumberAsc, 50).await;
            assert_eq!(member_rows.len() as i64, CASES / 10);
            assert!(member_rows.iter().all(|row| row.0 % 10 == 0));
            let counts = store.count_by_status(mine).await.expect("counts");
            assert_eq!(
                counts.iter().map(|(_, count)| count).sum::<i64>(),
                CASES / 10
            );

            // The office-wide counts (kept by triggers) match the cases themselves.
            let office = CaseViewer {
                user_id: creator.user_id,
                office_wide: true,
            };
            let office_counts = store.count_by_status(office).await.expect("counts");
            for (status, count) in &office_counts {
                let expected = (1..=CASES)
                    .filter(|n| generated_status(*n) == status.as_str())
                    .count() as i64;
                assert_eq!(*count, expected, "{status:?} on {:?}", target.backend);
            }

            // A recusal removes the case from lists and counts at once.
            let walled = store
                .case_by_number("2001-000010")
                .await
                .expect("get")
                .expect("exists");
            store
                .recuse(walled.case_id, member.user_id, "conflict", creator.user_id)
                .await
                .expect("recuse");
            assert_eq!(
                walk(&store, mine, &all, CaseSort::NumberAsc, 500)
                    .await
                    .len() as i64,
                CASES / 10 - 1
            );

            // A status change moves one case between the office's counts; an office-wide
            // viewer recused from a case no longer counts it.
            let count_of = |counts: &[(probity_domain::cases::CaseStatus, i64)], status| {
                counts
                    .iter()
                    .find(|(s, _)| *s == status)
                    .map(|(_, n)| *n)
                    .unwrap_or(0)
            };
            use probity_domain::cases::CaseStatus;
            let moved = store
                .move_status(
                    walled.case_id,
                    walled.version,
                    walled.status,
                    CaseStatus::Closed,
                    "benchmark",
                    creator.user_id,
                )
                .await
                .expect("move");
            let after = store.count_by_status(office).await.expect("counts");
            assert_eq!(
                count_of(&after, walled.status),
                count_of(&office_counts, walled.status) - 1
            );
            assert_eq!(
                count_of(&after, CaseStatus::Closed),
                count_of(&office_counts, CaseStatus::Closed) + 1
            );
            store
                .recuse(moved.case_id, creator.user_id, "conflict", creator.user_id)
                .await
                .expect("recuse the supervisor");
            let recused = store.count_by_status(office).await.expect("counts");
            assert_eq!(
                count_of(&recused, CaseStatus::Closed),
                count_of(&after, CaseStatus::Closed) - 1
            );

            let closed = CaseFilter {
                status: Some(probity_domain::cases::CaseStatus::Closed),
                ..CaseFilter::default()
            };
            let closed_rows = walk(&store, everyone, &closed, CaseSort::NumberDesc, 1000).await;
            assert_eq!(
                closed_rows.len() as i64,
                (1..=CASES).filter(|n| n % 6 == 5).count() as i64
            );

            // A short last word matches whole words only; from three characters on, it also
            // matches the words it begins.
            let search = CaseFilter {
                text: Some("Contract 42".into()),
                ..CaseFilter::default()
            };
            let found = walk(&store, everyone, &search, CaseSort::NumberDesc, 1000).await;
            let expected = (1..=CASES).filter(|n| has_word(*n, "42")).count();
            assert_eq!(found.len(), expected, "word search on {:?}", target.backend);
            assert!(found.iter().all(|row| has_word(row.0, "42")));
            let search = CaseFilter {
                text: Some("Contract 421".into()),
                ..CaseFilter::default()
            };
            let found = walk(&store, everyone, &search, CaseSort::NumberDesc, 1000).await;
            let expected = (1..=CASES).filter(|n| has_prefix_word(*n, "421")).count();
            assert_eq!(
                found.len(),
                expected,
                "prefix search on {:?}",
                target.backend
            );
            assert!(found.iter().all(|row| has_prefix_word(row.0, "421")));

            let nothing = CaseFilter {
                text: Some("\"; drop table cases; --".into()),
                ..CaseFilter::default()
            };
            let page = store
                .list_cases(everyone, &nothing, CaseSort::NumberDesc, None, 10)
                .await
                .expect("hostile query is harmless");
            assert!(page.items.is_empty());
        })
        .await;
    }
}

#[tokio::test]
async fn start_up_removes_day_old_blobs_no_row_refers_to_and_nothing_else() {
    on_each_backend(|store, _db| async move {
        use probity_server::blobs::BlobStore as _;
        let folder =
            std::env::temp_dir().join(format!("probity-sweep-{}", probity_tests::random_suffix()));
        let blobs = probity_server::blobs::fs::FsBlobStore::open(folder.clone()).expect("blobs");
        let lead = store
            .create_user(new_user("ines", Role::Investigator))
            .await
            .expect("user");
        let case = probity_tests::fixtures::case(&store, &lead, "Sweep").await;
        let kept = blobs
            .put_bytes(b"evidence a row refers to")
            .await
            .expect("put");
        let orphan = blobs
            .put_bytes(b"left by a refused upload")
            .await
            .expect("put");
        let young = blobs
            .put_bytes(b"a write whose row is on its way")
            .await
            .expect("put");
        store
            .create_exhibit(probity_server::storage::evidence::NewExhibit {
                case_id: case.case_id,
                parent_exhibit_id: None,
                description: "kept".into(),
                original_filename: "kept.txt".into(),
                sha256: kept.sha256.clone(),
                size_bytes: kept.size as i64,
                media_type: "text/plain".into(),
                extension_mismatch: false,
                provided_by: String::new(),
                collected_by: String::new(),
                collected_at: String::new(),
                personal_data: false,
                criminal_justice: false,
                booking_photo: false,
                restricted: false,
                captured_by: String::new(),
                captured_at: String::new(),
                capture_device: String::new(),
                capture_shows: String::new(),
                ocr_status: probity_domain::evidence::OcrStatus::NotApplicable,
                uploaded_by: lead.user_id,
                access: Vec::new(),
            })
            .await
            .expect("exhibit");
        let path = |sha: &str| {
            folder
                .join("sha256")
                .join(&sha[0..2])
                .join(&sha[2..4])
                .join(sha)
        };
        let two_days_ago =
            std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
        for sha in [&kept.sha256, &orphan.sha256] {
            std::fs::File::options()
                .write(true)
                .open(path(sha))
                .expect("open")
                .set_modified(two_days_ago)
                .expect("age the file");
        }
        let removed = probity_server::blobs::remove_unreferenced(&blobs, &store)
            .await
            .expect("sweep");
        assert_eq!(removed, 1);
        assert!(path(&kept.sha256).exists(), "a referenced blob stays");
        assert!(!path(&orphan.sha256).exists(), "the day-old orphan goes");
        assert!(path(&young.sha256).exists(), "a young blob stays");
        let _ = std::fs::remove_dir_all(&folder);
    })
    .await;
}

#[tokio::test]
async fn text_read_from_two_exhibits_at_once_is_all_searchable() {
    use probity_server::storage::cases::{CaseFilter, CaseSort, CaseViewer};
    on_each_backend(|store, target| async move {
        let lead = store
            .create_user(new_user("ines", Role::Investigator))
            .await
            .expect("user");
        let case = probity_tests::fixtures::case(&store, &lead, "Two readers").await;
        const ROUNDS: usize = 12;
        let mut exhibits = Vec::new();
        for n in 0..ROUNDS * 2 {
            let mut scan = probity_tests::fixtures::plain_exhibit(
                case.case_id,
                lead.user_id,
                &format!("scan {n}"),
                &format!("scan{n}.png"),
            );
            scan.sha256 = format!("{n:064x}");
            scan.media_type = "image/png".into();
            scan.ocr_status = probity_domain::evidence::OcrStatus::Pending;
            let exhibit = store.create_exhibit(scan).await.expect("exhibit");
            exhibits.push(exhibit);
        }
        // No word begins another, so that each search finds only its own exhibit's text.
        let word = |n: usize| format!("read{n}zz");
        // Two readers finish at the same moment, again and again: neither may drop the
        // other's words from the case's search document.
        for pair in exhibits.chunks(2) {
            let first = pair[0].exhibit_id;
            let second = pair[1].exhibit_id;
            let (a, b) = (word(first as usize), word(second as usize));
            let (one, two) = tokio::join!(
                store.set_ocr(
                    first,
                    probity_domain::evidence::OcrStatus::Done,
                    Some(&a),
                    Some(90)
                ),
                store.set_ocr(
                    second,
                    probity_domain::evidence::OcrStatus::Done,
                    Some(&b),
                    Some(90)
                ),
            );
            one.expect("first");
            two.expect("second");
        }
        let viewer = CaseViewer {
            user_id: lead.user_id,
            office_wide: false,
        };
        for exhibit in &exhibits {
            let filter = CaseFilter {
                text: Some(word(exhibit.exhibit_id as usize)),
                ..CaseFilter::default()
            };
            let found = store
                .list_cases(viewer, &filter, CaseSort::NumberDesc, None, 10)
                .await
                .expect("search");
            assert_eq!(
                found.items.len(),
                1,
                "the text of exhibit {} is searchable on {:?}",
                exhibit.exhibit_id,
                target.backend
            );
        }
    })
    .await;
}
