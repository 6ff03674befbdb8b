-- Accounts of the office's staff. Usernames are stored lower-cased so sign-in ignores case.
create table users (
    user_id bigint generated always as identity primary key,
    username text not null unique check (length(username) between 1 and 64),
    display_name text not null check (length(display_name) between 1 and 120),
    role text not null check (role in ('administrator', 'supervisor', 'investigator', 'commissioner', 'auditor')),
    -- argon2id PHC string
    password_hash text not null,
    disabled boolean not null default false,
    created_at timestamptz not null,
    password_changed_at timestamptz not null,
    last_sign_in_at timestamptz
);

-- The audit trail: who did what, when (UTC), from where, and how it ended.
-- Append-only: the triggers refuse any update or delete, whoever asks.
create table audit_events (
    audit_event_id bigint generated always as identity primary key,
    occurred_at timestamptz not null,
    actor_user_id bigint references users (user_id),
    actor text not null,
    action text not null,
    target text,
    outcome text not null check (outcome in ('success', 'refused')),
    remote_addr text
);

create index audit_events_actor_idx on audit_events (actor_user_id, audit_event_id);

create function audit_events_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_events is append-only';
end;
$$;

create trigger audit_events_no_update before update or delete on audit_events
    for each statement execute function audit_events_append_only();

create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only();
