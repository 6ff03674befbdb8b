-- Statutory clocks, the investigative plan and complainants' consents (issue 17).

-- The office's case type (a key of the case-types file); fixed when the case opens.
alter table cases add column case_type text not null default 'general';

-- A case's clocks, copied from its type's rules when it opened, so that a later change to
-- the rules does not rewrite a running clock. `due_on` is kept current by every change
-- (start + days + extensions + paused days) so that the dashboard can sort by it.
create table case_clocks (
    case_id bigint not null references cases (case_id),
    clock text not null,
    label text not null,
    started_on text not null,
    base_days bigint not null,
    extension_limit_days bigint not null,
    extension_needs_consent boolean not null,
    extended_days bigint not null default 0,
    paused_since text,
    paused_days bigint not null default 0,
    stopped_on text,
    due_on text not null,
    primary key (case_id, clock)
);

create index case_clocks_due_idx on case_clocks (due_on, case_id);

-- Every extension, pause and resumption of a clock: who, when and why.
create table case_clock_changes (
    change_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    clock text not null,
    kind text not null check (kind in ('extend', 'pause', 'resume', 'stop', 'restart')),
    days bigint not null default 0,
    reason text not null,
    consent_on text,
    changed_by bigint not null references users (user_id),
    changed_at timestamptz not null
);

create index case_clock_changes_case_idx on case_clock_changes (case_id, change_id);

-- The investigative plan: what is to be done, by whom and by when, and what fulfilled it.
create table case_tasks (
    task_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    title text not null,
    notes text not null default '',
    assignee_id bigint references users (user_id),
    due_on text,
    status text not null check (status in ('open', 'in_progress', 'done', 'dropped')),
    fulfilled_exhibit_id bigint references exhibits (exhibit_id),
    fulfilled_event_id bigint references events (event_id),
    created_by bigint not null references users (user_id),
    created_at timestamptz not null,
    updated_by bigint not null references users (user_id),
    updated_at timestamptz not null,
    version bigint not null default 1
);

create index case_tasks_case_idx on case_tasks (case_id, task_id);
create index case_tasks_assignee_idx on case_tasks (assignee_id, status, due_on);

-- A complainant's consent to disclose their identity beyond intake staff and the lead.
create table complainant_consents (
    consent_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    complaint_id bigint not null references complaints (complaint_id),
    scope text not null check (scope in ('team', 'report', 'referral')),
    given_on text not null,
    how_given text not null,
    recorded_by bigint not null references users (user_id),
    recorded_at timestamptz not null,
    withdrawn_on text
);

create index complainant_consents_case_idx on complainant_consents (case_id, complaint_id);
