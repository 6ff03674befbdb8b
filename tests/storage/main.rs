//! Storage tests, written once and run against SQLite and PostgreSQL (a fresh database each).

use probity_app::types::Role;
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
                    NewAuditEvent::named("someone", action, Outcome::Refused).from_addr("192.0.2.1"),
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
