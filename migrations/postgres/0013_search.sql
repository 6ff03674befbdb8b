-- One search over everything a case holds: an entry per case, party, allegation, note (its
-- newest version), exhibit (description and extracted text), event and finding, kept by
-- triggers so that no write path can forget it, with a full-text index over the entries.
-- Messages keep their own index (messages.search_vector): a second copy of a million
-- messages would double the database for nothing.

create table search_entries (
    entry_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    kind text not null check (kind in ('case', 'party', 'allegation', 'note', 'exhibit', 'event', 'finding')),
    -- The row the entry is about, in the table its kind names.
    source_id bigint not null,
    -- A short name for the hit (case number and title, party name, exhibit number and file).
    label text not null,
    body text not null,
    -- The day the entry is dated by, `YYYY-MM-DD`, for the date filter.
    happened_on text not null,
    -- Restricted exhibits are never found: a search must not reveal what only named
    -- members may read.
    restricted boolean not null default false,
    search_vector tsvector generated always as (to_tsvector('simple', label || ' ' || body)) stored,
    unique (kind, source_id)
);

create index search_entries_case_idx on search_entries (case_id, kind, entry_id);
create index search_entries_kind_idx on search_entries (kind, entry_id);
create index search_entries_search_idx on search_entries using gin (search_vector);

-- Writes (or removes) the entry of one row; every trigger below calls it.
create function search_entry_put(
    p_case_id bigint, p_kind text, p_source_id bigint, p_label text, p_body text,
    p_happened_on text, p_restricted boolean
) returns void language sql as $$
    -- A tsvector holds at most a megabyte: the first 200,000 characters of a long text are
    -- what is found (a PDF of a hundred pages).

    insert into search_entries (case_id, kind, source_id, label, body, happened_on, restricted)
    values (p_case_id, p_kind, p_source_id, p_label, left(p_body, 200000), p_happened_on, p_restricted)
    on conflict (kind, source_id) do update set label = excluded.label, body = excluded.body,
        happened_on = excluded.happened_on, restricted = excluded.restricted;
$$;

create function search_day(at timestamptz) returns text language sql immutable as $$
    select to_char(at at time zone 'UTC', 'YYYY-MM-DD');
$$;

create function search_cases_sync() returns trigger language plpgsql as $$
begin
    perform search_entry_put(new.case_id, 'case', new.case_id, new.case_number || ' ' || new.title,
        new.summary || ' ' || new.subject_agency, new.received_on, false);
    return null;
end $$;

create trigger search_cases_insert after insert on cases
for each row execute function search_cases_sync();
create trigger search_cases_update after update of title, summary, subject_agency, received_on on cases
for each row execute function search_cases_sync();

create function search_parties_sync() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        delete from search_entries where kind = 'party' and source_id = old.party_id;
    else
        perform search_entry_put(new.case_id, 'party', new.party_id, new.name,
            new.pseudonym || ' ' || new.details, search_day(new.created_at), false);
    end if;
    return null;
end $$;

create trigger search_parties_sync after insert or delete or update of name, pseudonym, details on parties
for each row execute function search_parties_sync();

create function search_allegations_sync() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        delete from search_entries where kind = 'allegation' and source_id = old.allegation_id;
    else
        perform search_entry_put(new.case_id, 'allegation', new.allegation_id, new.rule_at_issue,
            new.summary, search_day(new.created_at), false);
    end if;
    return null;
end $$;

create trigger search_allegations_sync after insert or delete or update of summary, rule_at_issue on allegations
for each row execute function search_allegations_sync();

-- Notes: the newest version is what is found.
create function search_notes_sync() returns trigger language plpgsql as $$
begin
    perform search_entry_put((select case_id from notes where note_id = new.note_id), 'note',
        new.note_id, '', new.body, search_day(new.edited_at), false);
    return null;
end $$;

create trigger search_notes_sync after insert on note_versions
for each row execute function search_notes_sync();

create function search_exhibits_sync() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        delete from search_entries where kind = 'exhibit' and source_id = old.exhibit_id;
    else
        perform search_entry_put(new.case_id, 'exhibit', new.exhibit_id,
            'E-' || new.number || ' ' || new.original_filename,
            new.description || ' ' || coalesce(new.ocr_text, ''), search_day(new.uploaded_at),
            new.restricted);
    end if;
    return null;
end $$;

create trigger search_exhibits_sync
after insert or delete or update of description, ocr_text, restricted, original_filename on exhibits
for each row execute function search_exhibits_sync();

create function search_events_sync() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        delete from search_entries where kind = 'event' and source_id = old.event_id;
    else
        perform search_entry_put(new.case_id, 'event', new.event_id, new.local_start,
            new.narrative || ' ' || new.kind || ' ' || new.channel, substr(new.earliest, 1, 10), false);
    end if;
    return null;
end $$;

create trigger search_events_sync
after insert or delete or update of narrative, kind, channel, local_start, earliest on events
for each row execute function search_events_sync();

create function search_findings_sync() returns trigger language plpgsql as $$
begin
    perform search_entry_put(new.case_id, 'finding', new.finding_id, new.disposition,
        new.basis || ' ' || new.analysis, search_day(new.updated_at), false);
    return null;
end $$;

create trigger search_findings_sync after insert or update of disposition, basis, analysis on findings
for each row execute function search_findings_sync();

-- What the office already holds.
insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select case_id, 'case', case_id, case_number || ' ' || title, summary || ' ' || subject_agency, received_on
from cases order by case_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select case_id, 'party', party_id, name, pseudonym || ' ' || details, search_day(created_at)
from parties order by party_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select case_id, 'allegation', allegation_id, rule_at_issue, summary, search_day(created_at)
from allegations order by allegation_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select n.case_id, 'note', n.note_id, '', v.body, search_day(v.edited_at)
from notes n join note_versions v on v.note_id = n.note_id and v.version = n.version
order by n.note_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on, restricted)
select case_id, 'exhibit', exhibit_id, 'E-' || number || ' ' || original_filename,
       description || ' ' || coalesce(ocr_text, ''), search_day(uploaded_at), restricted
from exhibits order by exhibit_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select case_id, 'event', event_id, local_start, narrative || ' ' || kind || ' ' || channel,
       substr(earliest, 1, 10)
from events order by event_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select case_id, 'finding', finding_id, disposition, basis || ' ' || analysis, search_day(updated_at)
from findings order by finding_id;
