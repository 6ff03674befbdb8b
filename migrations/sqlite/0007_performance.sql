-- Indexes the benchmarks showed missing at the size of a large office.

-- The case list's agency filter walks this index one name at a time.
create index cases_agency_idx on cases (subject_agency, case_id);

-- The same columns as the unique constraint on (exhibit_id, position), which already has an
-- index: a second one only slowed every imported message down.
drop index messages_exhibit_idx;

-- Message search keeps which messages hold a word, not where in them: queries are words and
-- prefixes, never phrases, and the smaller index is quicker both to search and to fill.
drop table message_search;

create virtual table message_search using fts5 (
    sender, recipients, body,
    content = 'messages', content_rowid = 'message_id',
    tokenize = 'unicode61 remove_diacritics 2',
    detail = none
);

insert into message_search (message_search) values ('rebuild');

-- How many cases there are in each status, kept by triggers, so that the dashboard's counts do
-- not read every case of the office.
create table case_status_counts (
    status text primary key,
    cases integer not null
);

insert into case_status_counts (status, cases) select status, count(*) from cases group by status;

create trigger cases_count_insert after insert on cases
begin
    insert into case_status_counts (status, cases) values (new.status, 1)
    on conflict (status) do update set cases = case_status_counts.cases + 1;
end;

create trigger cases_count_status after update of status on cases
when old.status <> new.status
begin
    update case_status_counts set cases = cases - 1 where status = old.status;
    insert into case_status_counts (status, cases) values (new.status, 1)
    on conflict (status) do update set cases = case_status_counts.cases + 1;
end;

create trigger cases_count_delete after delete on cases
begin
    update case_status_counts set cases = cases - 1 where status = old.status;
end;
