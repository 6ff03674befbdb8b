-- Indexes the benchmarks showed missing at the size of a large office.

-- The case list's agency filter walks this index one name at a time.
create index cases_agency_idx on cases (subject_agency, case_id);

-- The same columns as the unique constraint on (exhibit_id, position), which already has an
-- index: a second one only slowed every imported message down.
drop index messages_exhibit_idx;

-- How many cases there are in each status, kept by triggers, so that the dashboard's counts
-- do not read every case of the office.
create table case_status_counts (
    status text primary key,
    cases bigint not null
);

insert into case_status_counts (status, cases) select status, count(*) from cases group by status;

-- Statement-level triggers over the changed rows as a whole: a bulk insert of 100,000 cases
-- updates each status's row once, not 100,000 times.
create function cases_count_inserted() returns trigger
language plpgsql as $$
begin
    insert into case_status_counts (status, cases)
    select status, count(*) from inserted group by status
    on conflict (status) do update set cases = case_status_counts.cases + excluded.cases;
    return null;
end;
$$;

create function cases_count_updated() returns trigger
language plpgsql as $$
begin
    update case_status_counts c set cases = c.cases - moved.cases
    from (select o.status, count(*) as cases from old_rows o
          join new_rows r on r.case_id = o.case_id
          where o.status <> r.status group by o.status) as moved
    where c.status = moved.status;
    insert into case_status_counts (status, cases)
    select r.status, count(*) from old_rows o
    join new_rows r on r.case_id = o.case_id
    where o.status <> r.status group by r.status
    on conflict (status) do update set cases = case_status_counts.cases + excluded.cases;
    return null;
end;
$$;

create function cases_count_deleted() returns trigger
language plpgsql as $$
begin
    update case_status_counts c set cases = c.cases - gone.cases
    from (select status, count(*) as cases from deleted group by status) as gone
    where c.status = gone.status;
    return null;
end;
$$;

create trigger cases_count_insert after insert on cases
    referencing new table as inserted
    for each statement execute function cases_count_inserted();

create trigger cases_count_update after update on cases
    referencing old table as old_rows new table as new_rows
    for each statement execute function cases_count_updated();

create trigger cases_count_delete after delete on cases
    referencing old table as deleted
    for each statement execute function cases_count_deleted();
