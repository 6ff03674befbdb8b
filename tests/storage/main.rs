//! Storage tests, written once and run against SQLite and PostgreSQL (a fresh database each).

mod blobs;

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
            // A sealed entry's hash is written once.
            "update audit_events set chain_hash = 'x', chain_prev = 'y'",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_writers_keep_one_unbroken_chain_of_audit_and_custody_entries() {
    use probity_server::storage::chains::Chain;
    on_each_backend(|store, _| async move {
        let lead = store
            .create_user(new_user("ines", Role::Investigator))
            .await
            .expect("user");
        let case = probity_tests::fixtures::case(&store, &lead, "Chained").await;
        let mut exhibits = Vec::new();
        for n in 0..4 {
            let mut file = probity_tests::fixtures::plain_exhibit(
                case.case_id,
                lead.user_id,
                &format!("file {n}"),
                &format!("file{n}.pdf"),
            );
            file.sha256 = format!("{n:064x}");
            exhibits.push(
                store
                    .create_exhibit(file)
                    .await
                    .expect("exhibit")
                    .exhibit_id,
            );
        }
        const WRITERS: usize = 8;
        const EACH: usize = 25;
        let mut writers = Vec::new();
        for writer in 0..WRITERS {
            let store = store.clone();
            let exhibit = exhibits[writer % exhibits.len()];
            let user = lead.user_id;
            writers.push(tokio::spawn(async move {
                for n in 0..EACH {
                    store
                        .append_audit(
                            NewAuditEvent::named(
                                format!("writer{writer}"),
                                "case.view",
                                Outcome::Success,
                            )
                            .detail(format!("{n}")),
                        )
                        .await
                        .expect("audit");
                    store
                        .append_custody(
                            exhibit,
                            probity_domain::evidence::CustodyAction::Viewed,
                            user,
                            &format!("look {n}"),
                            &format!("{:064x}", writer % 4),
                        )
                        .await
                        .expect("custody");
                }
            }));
        }
        for writer in writers {
            writer.await.expect("writer");
        }
        let audit = store
            .verify_chain(Chain::Audit, 10)
            .await
            .expect("verify audit");
        assert!(audit.breaks.is_empty(), "{:?}", audit.breaks);
        assert!(
            audit.entries >= (WRITERS * EACH) as i64,
            "{}",
            audit.entries
        );
        let custody = store
            .verify_chain(Chain::Custody, 10)
            .await
            .expect("verify custody");
        assert!(custody.breaks.is_empty(), "{:?}", custody.breaks);
        // Four receipts and every look.
        assert_eq!(custody.entries, (4 + WRITERS * EACH) as i64);
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

#[tokio::test]
async fn a_job_is_claimed_once_renewed_taken_over_when_its_lease_runs_out_and_given_up_after_three_starts()
 {
    use probity_domain::jobs::{JobKind, JobState, MAX_ATTEMPTS, exhibit_subject};
    use probity_server::storage::jobs::{JobProgress, NewJob};
    on_each_backend(|store, _target| async move {
        let lead = store
            .create_user(new_user("ines", Role::Investigator))
            .await
            .expect("user");
        let case = probity_tests::fixtures::case(&store, &lead, "Background work").await;
        let new_job = |subject: String| NewJob {
            kind: JobKind::MessageImport,
            case_id: case.case_id,
            subject,
            params: r#"{"addr":"127.0.0.1"}"#.into(),
            created_by: Some(lead.user_id),
        };
        let first = store
            .create_job(new_job(exhibit_subject(1)))
            .await
            .expect("job");
        let second = store
            .create_job(new_job(exhibit_subject(2)))
            .await
            .expect("job");
        assert_eq!(first.state, JobState::Queued);
        assert_eq!(first.attempts, 0);
        let now = 1_000_000;

        // Two workers at once take two different jobs, the oldest first.
        let (a, b) = tokio::join!(
            store.claim_job(now, now + 60),
            store.claim_job(now, now + 60)
        );
        let (a, b) = (
            a.expect("claim").expect("a job"),
            b.expect("claim").expect("a job"),
        );
        let mut taken = [a.job_id, b.job_id];
        taken.sort();
        assert_eq!(taken, [first.job_id, second.job_id], "each job once");
        assert!(
            store
                .claim_job(now, now + 60)
                .await
                .expect("claim")
                .is_none()
        );
        let a = if a.job_id == first.job_id { a } else { b };
        assert_eq!((a.state, a.attempts), (JobState::Running, 1));

        // Progress is written and the lease renewed by the attempt that holds the job.
        let progress = JobProgress {
            done: 40,
            total: Some(100),
            step: "Reading messages".into(),
        };
        assert!(
            store
                .report_progress(a.job_id, 1, &progress, now + 120)
                .await
                .expect("beat")
        );
        let read = store.job(a.job_id).await.expect("job").expect("there");
        assert_eq!((read.done_count, read.total_count), (40, Some(100)));
        assert_eq!(read.step, "Reading messages");
        assert_eq!(read.percent(), Some(40));

        // The lease runs out: another worker takes the job over from the beginning, and the
        // first attempt can no longer change it.
        let later = now + 200;
        let again = store
            .claim_job(later, later + 60)
            .await
            .expect("claim")
            .expect("taken over");
        assert_eq!((again.job_id, again.attempts), (first.job_id, 2));
        assert_eq!(again.done_count, 0, "progress starts again");
        assert!(
            !store
                .report_progress(a.job_id, 1, &progress, later + 60)
                .await
                .expect("beat")
        );
        assert!(
            !store
                .finish_job(a.job_id, 1, Ok(None))
                .await
                .expect("finish")
        );

        // Done by the attempt that holds it, with its result; counts reach the total.
        assert!(
            store
                .report_progress(a.job_id, 2, &progress, later + 60)
                .await
                .expect("beat")
        );
        assert!(
            store
                .finish_job(a.job_id, 2, Ok(Some(r#"{"imported":3}"#.into())))
                .await
                .expect("finish")
        );
        let done = store.job(a.job_id).await.expect("job").expect("there");
        assert_eq!(done.state, JobState::Done);
        assert_eq!(done.result.as_deref(), Some(r#"{"imported":3}"#));
        assert_eq!(done.done_count, 100);
        assert!(done.finished_at.is_some());
        assert!(
            !store
                .finish_job(a.job_id, 2, Err("late".into()))
                .await
                .expect("finish")
        );

        // The other job's worker keeps stopping: after its last start it is given up.
        let mut clock = later;
        let mut attempts = 1;
        while attempts < MAX_ATTEMPTS {
            clock += 100;
            assert!(store.give_up_jobs(clock).await.expect("give up").is_empty());
            let job = store
                .claim_job(clock, clock + 60)
                .await
                .expect("claim")
                .expect("again");
            assert_eq!(job.job_id, second.job_id);
            attempts = job.attempts;
        }
        clock += 100;
        assert!(
            store
                .claim_job(clock, clock + 60)
                .await
                .expect("claim")
                .is_none(),
            "no fourth start"
        );
        let given_up = store.give_up_jobs(clock).await.expect("give up");
        assert_eq!(given_up.len(), 1);
        assert_eq!(given_up[0].job_id, second.job_id);
        assert_eq!(given_up[0].state, JobState::Failed);
        assert!(
            given_up[0]
                .error
                .as_deref()
                .is_some_and(|why| why.contains("nothing of it was kept"))
        );
        assert!(store.give_up_jobs(clock).await.expect("give up").is_empty());

        // The newest job of a subject is found for its pages.
        let latest = store
            .latest_job(case.case_id, &exhibit_subject(2), JobKind::MessageImport)
            .await
            .expect("latest")
            .expect("there");
        assert_eq!(latest.job_id, second.job_id);
        assert!(
            store
                .latest_job(case.case_id, &exhibit_subject(2), JobKind::TextExtraction)
                .await
                .expect("latest")
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn exhibits_waiting_for_their_text_without_a_job_get_one_at_start() {
    use probity_domain::jobs::{JobKind, JobState, exhibit_subject};
    on_each_backend(|store, _target| async move {
        let lead = store
            .create_user(new_user("ines", Role::Investigator))
            .await
            .expect("user");
        let case = probity_tests::fixtures::case(&store, &lead, "Waiting text").await;
        let mut scan =
            probity_tests::fixtures::plain_exhibit(case.case_id, lead.user_id, "scan", "scan.png");
        scan.media_type = "image/png".into();
        scan.ocr_status = probity_domain::evidence::OcrStatus::Pending;
        let exhibit = store.create_exhibit(scan).await.expect("exhibit");
        assert_eq!(store.resubmit_pending_text().await.expect("resubmit"), 1);
        assert_eq!(
            store.resubmit_pending_text().await.expect("resubmit"),
            0,
            "once"
        );
        let job = store
            .latest_job(
                case.case_id,
                &exhibit_subject(exhibit.exhibit_id),
                JobKind::TextExtraction,
            )
            .await
            .expect("latest")
            .expect("a job");
        assert_eq!(job.state, JobState::Queued);
    })
    .await;
}

#[tokio::test]
async fn every_node_shares_the_first_setup_token_until_it_is_cleared() {
    on_each_backend(|store, _db| async move {
        assert_eq!(store.setup_token("first").await.expect("store"), "first");
        // A second node starting on the same database gets the first node's token.
        assert_eq!(store.setup_token("second").await.expect("read"), "first");
        store.clear_setup_token().await.expect("clear");
        assert_eq!(store.setup_token("third").await.expect("store"), "third");
    })
    .await;
}
