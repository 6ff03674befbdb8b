-- Accounts of the office's staff. Usernames are stored lower-cased so sign-in ignores case.
create table users (
    user_id integer primary key autoincrement,
    username text not null unique check (length(username) between 1 and 64),
    display_name text not null check (length(display_name) between 1 and 120),
    role text not null check (role in ('administrator', 'supervisor', 'investigator', 'commissioner', 'auditor')),
    -- argon2id PHC string
    password_hash text not null,
    disabled boolean not null default false,
    created_at text not null,
    password_changed_at text not null,
    last_sign_in_at text
);

-- The audit trail: who did what, when (UTC), from where, and how it ended.
-- Append-only: the triggers refuse any update or delete, whoever asks.
create table audit_events (
    audit_event_id integer primary key autoincrement,
    occurred_at text not null,
    actor_user_id integer references users (user_id),
    actor text not null,
    action text not null,
    target text,
    outcome text not null check (outcome in ('success', 'refused')),
    remote_addr text
);

create index audit_events_actor_idx on audit_events (actor_user_id, audit_event_id);

create trigger audit_events_no_update before update on audit_events
begin
    select raise(abort, 'audit_events is append-only');
end;

create trigger audit_events_no_delete before delete on audit_events
begin
    select raise(abort, 'audit_events is append-only');
end;
