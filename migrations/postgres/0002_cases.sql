-- Cases and what hangs off them: team, recusals, status history, parties, allegations, notes.

-- The last case number handed out per year; bumped in the same transaction as the insert.
create table case_sequences (
    year bigint primary key,
    last_number bigint not null
);

create table cases (
    case_id bigint generated always as identity primary key,
    case_number text not null unique,
    year bigint not null,
    sequence bigint not null,
    title text not null,
    summary text not null,
    subject_agency text not null,
    intake_channel text not null check (intake_channel in ('complaint', 'referral', 'self_initiated')),
    received_on text not null,
    priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
    confidentiality text not null check (confidentiality in ('standard', 'confidential', 'highly_confidential')),
    status text not null check (status in ('intake', 'open', 'investigation', 'findings_drafted', 'under_review', 'closed')),
    lead_user_id bigint references users (user_id),
    created_by bigint not null references users (user_id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    -- Bumped by every change; an edit based on an older version is refused.
    version bigint not null default 1,
    -- Full-text search over number, title, summary, agency, parties and allegations; the
    -- application rewrites it whenever any of those change.
    search_vector tsvector not null default ''::tsvector,
    unique (year, sequence)
);

-- Indexes for each sort order of the case list, with the id as the tie-breaker of the key.
create index cases_number_idx on cases (year, sequence);
create index cases_updated_idx on cases (updated_at, case_id);
create index cases_received_idx on cases (received_on, case_id);
create index cases_status_idx on cases (status, received_on, case_id);
create index cases_lead_idx on cases (lead_user_id, updated_at);
create index cases_search_idx on cases using gin (search_vector);

create table case_members (
    case_id bigint not null references cases (case_id),
    user_id bigint not null references users (user_id),
    added_by bigint not null references users (user_id),
    added_at timestamptz not null,
    primary key (case_id, user_id)
);

create index case_members_user_idx on case_members (user_id, case_id);

-- A recused user is walled off from the case whatever their role.
create table case_recusals (
    case_id bigint not null references cases (case_id),
    user_id bigint not null references users (user_id),
    reason text not null,
    recused_by bigint not null references users (user_id),
    recused_at timestamptz not null,
    primary key (case_id, user_id)
);

create index case_recusals_user_idx on case_recusals (user_id, case_id);

create table case_status_changes (
    case_status_change_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    from_status text,
    to_status text not null,
    reason text not null,
    changed_by bigint not null references users (user_id),
    changed_at timestamptz not null
);

create index case_status_changes_case_idx on case_status_changes (case_id, case_status_change_id);

create table parties (
    party_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    kind text not null check (kind in ('person', 'organisation')),
    name text not null,
    party_role text not null check (party_role in ('subject', 'complainant', 'witness', 'affected_person', 'agency', 'law_enforcement_partner')),
    details text not null,
    pseudonym text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null default 1
);

create index parties_case_idx on parties (case_id, party_id);

create table allegations (
    allegation_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    subject_party_id bigint references parties (party_id),
    summary text not null,
    rule_at_issue text not null,
    status text not null check (status in ('open', 'under_investigation', 'referred', 'withdrawn', 'resolved')),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null default 1
);

create index allegations_case_idx on allegations (case_id, allegation_id);

create table notes (
    note_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    author_user_id bigint not null references users (user_id),
    created_at timestamptz not null,
    -- The number of the newest row in note_versions.
    version bigint not null default 1
);

create index notes_case_idx on notes (case_id, note_id);

-- Every version of every note; an edit adds a row, nothing is overwritten.
create table note_versions (
    note_id bigint not null references notes (note_id),
    version bigint not null,
    body text not null,
    edited_by bigint not null references users (user_id),
    edited_at timestamptz not null,
    primary key (note_id, version)
);

-- The audit trail learns which case an entry is about, and a short detail.
alter table audit_events add column case_id bigint;
alter table audit_events add column detail text;
create index audit_events_case_idx on audit_events (case_id, audit_event_id);
create index audit_events_action_idx on audit_events (action, audit_event_id);
