-- Indexes the benchmarks showed missing at the size of a large office.

-- The case list's agency filter walks this index one name at a time.
create index cases_agency_idx on cases (subject_agency, case_id);
