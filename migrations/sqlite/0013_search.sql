-- One search over everything a case holds: an entry per case, party, allegation, note (its
-- newest version), exhibit (description and extracted text), event and finding, kept by
-- triggers so that no write path can forget it, with a full-text index over the entries.
-- Messages keep their own index (message_search): a second copy of a million messages would
-- double the database for nothing.

create table search_entries (
    entry_id integer primary key,
    case_id integer not null references cases (case_id),
    kind text not null check (kind in ('case', 'party', 'allegation', 'note', 'exhibit', 'event', 'finding')),
    -- The row the entry is about, in the table its kind names.
    source_id integer not null,
    -- A short name for the hit (case number and title, party name, exhibit number and file).
    label text not null,
    body text not null,
    -- The day the entry is dated by, `YYYY-MM-DD`, for the date filter.
    happened_on text not null,
    -- Restricted exhibits are never found: a search must not reveal what only named
    -- members may read.
    restricted boolean not null default false,
    unique (kind, source_id)
);

create index search_entries_case_idx on search_entries (case_id, kind, entry_id);
create index search_entries_kind_idx on search_entries (kind, entry_id);

create virtual table search_index using fts5 (
    label, body,
    content = 'search_entries', content_rowid = 'entry_id',
    tokenize = 'unicode61 remove_diacritics 2',
    detail = none
);

create trigger search_entries_insert after insert on search_entries
begin
    insert into search_index (rowid, label, body) values (new.entry_id, new.label, new.body);
end;

create trigger search_entries_delete after delete on search_entries
begin
    insert into search_index (search_index, rowid, label, body)
    values ('delete', old.entry_id, old.label, old.body);
end;

create trigger search_entries_update after update on search_entries
begin
    insert into search_index (search_index, rowid, label, body)
    values ('delete', old.entry_id, old.label, old.body);
    insert into search_index (rowid, label, body) values (new.entry_id, new.label, new.body);
end;

-- Cases.
create trigger search_cases_insert after insert on cases
begin
    insert into search_entries (case_id, kind, source_id, label, body, happened_on)
    values (new.case_id, 'case', new.case_id, new.case_number || ' ' || new.title,
            new.summary || ' ' || new.subject_agency, new.received_on);
end;

create trigger search_cases_update after update of title, summary, subject_agency, received_on on cases
begin
    update search_entries set label = new.case_number || ' ' || new.title,
        body = new.summary || ' ' || new.subject_agency, happened_on = new.received_on
    where kind = 'case' and source_id = new.case_id;
end;

-- Parties.
create trigger search_parties_insert after insert on parties
begin
    insert into search_entries (case_id, kind, source_id, label, body, happened_on)
    values (new.case_id, 'party', new.party_id, new.name,
            new.pseudonym || ' ' || new.details, substr(new.created_at, 1, 10));
end;

create trigger search_parties_update after update of name, pseudonym, details on parties
begin
    update search_entries set label = new.name, body = new.pseudonym || ' ' || new.details
    where kind = 'party' and source_id = new.party_id;
end;

create trigger search_parties_delete after delete on parties
begin
    delete from search_entries where kind = 'party' and source_id = old.party_id;
end;

-- Allegations.
create trigger search_allegations_insert after insert on allegations
begin
    insert into search_entries (case_id, kind, source_id, label, body, happened_on)
    values (new.case_id, 'allegation', new.allegation_id, new.rule_at_issue, new.summary,
            substr(new.created_at, 1, 10));
end;

create trigger search_allegations_update after update of summary, rule_at_issue on allegations
begin
    update search_entries set label = new.rule_at_issue, body = new.summary
    where kind = 'allegation' and source_id = new.allegation_id;
end;

create trigger search_allegations_delete after delete on allegations
begin
    delete from search_entries where kind = 'allegation' and source_id = old.allegation_id;
end;

-- Notes: the newest version is what is found.
create trigger search_notes_first after insert on note_versions
when new.version = 1
begin
    insert into search_entries (case_id, kind, source_id, label, body, happened_on)
    values ((select case_id from notes where note_id = new.note_id), 'note', new.note_id, '',
            new.body, substr(new.edited_at, 1, 10));
end;

create trigger search_notes_edit after insert on note_versions
when new.version > 1
begin
    update search_entries set body = new.body, happened_on = substr(new.edited_at, 1, 10)
    where kind = 'note' and source_id = new.note_id;
end;

-- Exhibits: description and the text read from them.
create trigger search_exhibits_insert after insert on exhibits
begin
    insert into search_entries (case_id, kind, source_id, label, body, happened_on, restricted)
    values (new.case_id, 'exhibit', new.exhibit_id, 'E-' || new.number || ' ' || new.original_filename,
            new.description || ' ' || coalesce(new.ocr_text, ''), substr(new.uploaded_at, 1, 10),
            new.restricted);
end;

create trigger search_exhibits_update after update of description, ocr_text, restricted, original_filename on exhibits
begin
    update search_entries set label = 'E-' || new.number || ' ' || new.original_filename,
        body = new.description || ' ' || coalesce(new.ocr_text, ''), restricted = new.restricted
    where kind = 'exhibit' and source_id = new.exhibit_id;
end;

create trigger search_exhibits_delete after delete on exhibits
begin
    delete from search_entries where kind = 'exhibit' and source_id = old.exhibit_id;
end;

-- Timeline events.
create trigger search_events_insert after insert on events
begin
    insert into search_entries (case_id, kind, source_id, label, body, happened_on)
    values (new.case_id, 'event', new.event_id, new.local_start,
            new.narrative || ' ' || new.kind || ' ' || new.channel, substr(new.earliest, 1, 10));
end;

create trigger search_events_update after update of narrative, kind, channel, local_start, earliest on events
begin
    update search_entries set label = new.local_start,
        body = new.narrative || ' ' || new.kind || ' ' || new.channel,
        happened_on = substr(new.earliest, 1, 10)
    where kind = 'event' and source_id = new.event_id;
end;

create trigger search_events_delete after delete on events
begin
    delete from search_entries where kind = 'event' and source_id = old.event_id;
end;

-- Findings.
create trigger search_findings_insert after insert on findings
begin
    insert into search_entries (case_id, kind, source_id, label, body, happened_on)
    values (new.case_id, 'finding', new.finding_id, new.disposition,
            new.basis || ' ' || new.analysis, substr(new.updated_at, 1, 10));
end;

create trigger search_findings_update after update of disposition, basis, analysis on findings
begin
    update search_entries set label = new.disposition, body = new.basis || ' ' || new.analysis,
        happened_on = substr(new.updated_at, 1, 10)
    where kind = 'finding' and source_id = new.finding_id;
end;

-- What the office already holds.
insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select case_id, 'case', case_id, case_number || ' ' || title, summary || ' ' || subject_agency, received_on
from cases order by case_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select case_id, 'party', party_id, name, pseudonym || ' ' || details, substr(created_at, 1, 10)
from parties order by party_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select case_id, 'allegation', allegation_id, rule_at_issue, summary, substr(created_at, 1, 10)
from allegations order by allegation_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select n.case_id, 'note', n.note_id, '', v.body, substr(v.edited_at, 1, 10)
from notes n join note_versions v on v.note_id = n.note_id and v.version = n.version
order by n.note_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on, restricted)
select case_id, 'exhibit', exhibit_id, 'E-' || number || ' ' || original_filename,
       description || ' ' || coalesce(ocr_text, ''), substr(uploaded_at, 1, 10), restricted
from exhibits order by exhibit_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select case_id, 'event', event_id, local_start, narrative || ' ' || kind || ' ' || channel,
       substr(earliest, 1, 10)
from events order by event_id;

insert into search_entries (case_id, kind, source_id, label, body, happened_on)
select case_id, 'finding', finding_id, disposition, basis || ' ' || analysis, substr(updated_at, 1, 10)
from findings order by finding_id;
