-- Background work in one durable table: message imports, text extraction and report
-- approval. A worker claims a job by setting its lease (`lease_until`, Unix seconds) and
-- renews it while it works; a job whose lease ran out was left by a worker that stopped, and
-- is started again or, after three starts, marked failed. Each job keeps nothing until its
-- last step, so a job stopped mid-way is never half-applied.
create table jobs (
    job_id bigserial primary key,
    kind text not null check (kind in ('message_import', 'text_extraction', 'report_approval')),
    case_id bigint not null references cases (case_id),
    subject text not null,
    params text not null default '{}',
    state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
    attempts bigint not null default 0,
    done_count bigint not null default 0,
    total_count bigint,
    step text not null default '',
    result text,
    error text,
    created_by bigint references users (user_id),
    created_at timestamptz not null,
    started_at timestamptz,
    lease_until bigint,
    finished_at timestamptz
);

-- What workers look for (waiting jobs in order), and what pages look for (a subject's jobs).
create index jobs_waiting_idx on jobs (state, job_id);
create index jobs_subject_idx on jobs (case_id, subject, job_id);

-- Exhibits waiting for text extraction before this table existed become its first jobs.
insert into jobs (kind, case_id, subject, created_at)
select 'text_extraction', case_id, 'exhibit:' || exhibit_id, now()
from exhibits where ocr_status = 'pending' order by exhibit_id;
