-- Background work in one durable table: message imports, text extraction and report
-- approval. A worker claims a job by setting its lease (`lease_until`, Unix seconds) and
-- renews it while it works; a job whose lease ran out was left by a worker that stopped, and
-- is started again or, after three starts, marked failed. Each job keeps nothing until its
-- last step, so a job stopped mid-way is never half-applied.
create table jobs (
    job_id integer primary key autoincrement,
    kind text not null check (kind in ('message_import', 'text_extraction', 'report_approval')),
    case_id integer not null references cases (case_id),
    subject text not null,
    params text not null default '{}',
    state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
    attempts integer not null default 0,
    done_count integer not null default 0,
    total_count integer,
    step text not null default '',
    result text,
    error text,
    created_by integer references users (user_id),
    created_at text not null,
    started_at text,
    lease_until integer,
    finished_at text
);

-- What workers look for (waiting jobs in order), and what pages look for (a subject's jobs).
create index jobs_waiting_idx on jobs (state, job_id);
create index jobs_subject_idx on jobs (case_id, subject, job_id);

-- Exhibits waiting for text extraction before this table existed become its first jobs.
insert into jobs (kind, case_id, subject, created_at)
select 'text_extraction', case_id, 'exhibit:' || exhibit_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
from exhibits where ocr_status = 'pending' order by exhibit_id;
