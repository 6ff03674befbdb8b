-- Evidence: exhibits, who may see restricted ones, and the chain of custody.

-- The last exhibit number handed out in each case (E-1, E-2, ...).
alter table cases add column last_exhibit_number integer not null default 0;

create table exhibits (
    exhibit_id integer primary key autoincrement,
    case_id integer not null references cases (case_id),
    number integer not null,
    -- An e-mail's attachment points at the e-mail it came in.
    parent_exhibit_id integer references exhibits (exhibit_id),
    description text not null,
    -- The client's file name, kept as data only; never used as a path.
    original_filename text not null,
    sha256 text not null,
    size_bytes integer not null,
    -- Detected from the content, not the name.
    media_type text not null,
    extension_mismatch boolean not null,
    provided_by text not null,
    collected_by text not null,
    collected_at text not null,
    personal_data boolean not null,
    criminal_justice boolean not null,
    booking_photo boolean not null,
    restricted boolean not null,
    captured_by text not null,
    captured_at text not null,
    capture_device text not null,
    capture_shows text not null,
    thumbnail_sha256 text,
    ocr_status text not null check (ocr_status in ('not_applicable', 'pending', 'done', 'failed', 'unavailable')),
    ocr_text text,
    uploaded_by integer not null references users (user_id),
    uploaded_at text not null,
    unique (case_id, number)
);

create index exhibits_case_idx on exhibits (case_id, number);
create index exhibits_sha_idx on exhibits (sha256);
create index exhibits_ocr_idx on exhibits (ocr_status);

-- The case members who may see a restricted exhibit.
create table exhibit_access (
    exhibit_id integer not null references exhibits (exhibit_id),
    user_id integer not null references users (user_id),
    primary key (exhibit_id, user_id)
);

-- Who received, viewed, downloaded, exported or transferred an exhibit, when, why, and the
-- hash at that moment. Append-only, like the audit trail.
create table custody_events (
    custody_event_id integer primary key autoincrement,
    exhibit_id integer not null references exhibits (exhibit_id),
    action text not null check (action in ('received', 'viewed', 'downloaded', 'exported', 'transferred', 'integrity_failure')),
    user_id integer not null references users (user_id),
    occurred_at text not null,
    reason text not null,
    sha256 text not null
);

create index custody_events_exhibit_idx on custody_events (exhibit_id, custody_event_id);

create trigger custody_events_no_update before update on custody_events
begin
    select raise(abort, 'custody_events is append-only');
end;

create trigger custody_events_no_delete before delete on custody_events
begin
    select raise(abort, 'custody_events is append-only');
end;
