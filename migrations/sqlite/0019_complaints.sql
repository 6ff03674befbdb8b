-- The front door (issue 17): complaints from the public form, calls, letters and referrals;
-- the files that came with them (blobs under their SHA-256, as received); the conversation
-- with the complainant; and each triage step.

create table complaint_sequences (
    year integer primary key,
    last_number integer not null
);

create table complaints (
    complaint_id integer primary key autoincrement,
    -- C-2026-0042: the office's reference, for staff and letters; not a secret.
    reference text not null unique,
    status text not null check (status in ('new', 'under_review', 'needs_information',
        'opened_as_case', 'merged', 'referred', 'closed')),
    channel text not null check (channel in ('web_form', 'hotline', 'letter', 'referral')),
    what_happened text not null,
    agency text not null,
    people_involved text not null,
    when_happened text not null,
    where_happened text not null,
    how_known text,
    wants_contact boolean not null,
    -- Given only if the complainant chose to; never the client's address or browser.
    contact_name text not null,
    contact_details text not null,
    -- The receipt code's first group, in clear, to find the row; the whole code only as an
    -- argon2 hash.
    receipt_lookup text not null,
    receipt_hash text not null,
    received_at text not null,
    updated_at text not null,
    version integer not null default 1,
    logged_by integer references users (user_id),
    case_id integer references cases (case_id),
    referred_to text not null default '',
    referred_on text not null default '',
    referral_sent text not null default '',
    close_reason text check (close_reason in ('no_jurisdiction', 'insufficient_information',
        'filed_for_reference')),
    outcome_note text not null default '',
    decided_by integer references users (user_id),
    decided_at text
);

create index complaints_queue_idx on complaints (status, received_at, complaint_id);
create index complaints_received_idx on complaints (received_at, complaint_id);
create index complaints_decided_idx on complaints (decided_at);
create index complaints_lookup_idx on complaints (receipt_lookup);
create index complaints_case_idx on complaints (case_id);

create table complaint_files (
    complaint_file_id integer primary key autoincrement,
    complaint_id integer not null references complaints (complaint_id),
    -- The sender's file name, kept as data only; never used as a path.
    original_filename text not null,
    sha256 text not null,
    size_bytes integer not null,
    media_type text not null,
    received_at text not null,
    from_complainant boolean not null,
    added_by integer references users (user_id)
);

create index complaint_files_complaint_idx on complaint_files (complaint_id, complaint_file_id);
create index complaint_files_sha256_idx on complaint_files (sha256);

create table complaint_messages (
    complaint_message_id integer primary key autoincrement,
    complaint_id integer not null references complaints (complaint_id),
    from_office boolean not null,
    author_user_id integer references users (user_id),
    body text not null,
    sent_at text not null
);

create index complaint_messages_complaint_idx on complaint_messages (complaint_id, complaint_message_id);

create table complaint_steps (
    complaint_step_id integer primary key autoincrement,
    complaint_id integer not null references complaints (complaint_id),
    from_status text,
    to_status text not null,
    note text not null,
    by_user_id integer references users (user_id),
    at text not null
);

create index complaint_steps_complaint_idx on complaint_steps (complaint_id, complaint_step_id);
