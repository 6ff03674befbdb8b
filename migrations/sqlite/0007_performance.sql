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
