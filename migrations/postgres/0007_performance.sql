-- Indexes the benchmarks showed missing at the size of a large office.

-- The case list's agency filter walks this index one name at a time.
create index cases_agency_idx on cases (subject_agency, case_id);

-- The same columns as the unique constraint on (exhibit_id, position), which already has an
-- index: a second one only slowed every imported message down.
drop index messages_exhibit_idx;
