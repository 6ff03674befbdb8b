-- What the outside security review asked for.

-- A commissioner's release of one value of personal data the leak check found (a telephone
-- number that may be published, say): the key is the hit's reason code and a hash of the
-- value, never the value itself.
create table report_leak_releases (
    case_id bigint not null references cases (case_id),
    release_key text not null,
    reason text not null,
    released_by bigint not null references users (user_id),
    released_at timestamptz not null,
    primary key (case_id, release_key)
);

-- Lifted recusals keep their history: who imposed each, when and why, and who lifted it,
-- when and why. The active ones stay in case_recusals, which every access check reads.
create table case_recusals_lifted (
    case_recusal_lifted_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    user_id bigint not null references users (user_id),
    reason text not null,
    recused_by bigint not null references users (user_id),
    recused_at timestamptz not null,
    lifted_by bigint not null references users (user_id),
    lifted_at timestamptz not null,
    lift_reason text not null
);

create index case_recusals_lifted_case_idx on case_recusals_lifted (case_id, lifted_at);

-- The sign-in pause counts refused sign-ins per client address across names (password
-- spraying) and per name with its address; the first index answers the address count, the
-- second the search for an administrator's reset of a name's password.
create index audit_events_sign_in_addr_idx on audit_events (remote_addr, occurred_at)
    where action = 'auth.sign_in' and outcome = 'refused';
create index audit_events_target_idx on audit_events (target, action, audit_event_id);

-- Granting a privileged role (supervisor, commissioner, administrator) by creating or
-- promoting an account: pending until a second administrator decides, or, where the office
-- has a single administrator, confirmed with that administrator's password ("alone") and
-- shown on every supervisor's dashboard. A new account waits disabled.
create table role_grants (
    role_grant_id bigint generated always as identity primary key,
    user_id bigint not null references users (user_id),
    role text not null check (role in ('administrator', 'supervisor', 'commissioner')),
    new_account boolean not null,
    requested_by bigint not null references users (user_id),
    requested_at timestamptz not null,
    state text not null check (state in ('pending', 'approved', 'refused', 'alone')),
    decided_by bigint references users (user_id),
    decided_at timestamptz
);

create index role_grants_state_idx on role_grants (state, role_grant_id);
