-- "Highly confidential" limits a case to its team plus the supervisors and commissioners
-- named here; every access check reads this table beside case_recusals.
create table case_overseers (
    case_id bigint not null references cases (case_id),
    user_id bigint not null references users (user_id),
    named_by bigint not null references users (user_id),
    named_at timestamptz not null,
    primary key (case_id, user_id)
);

create index case_overseers_user_idx on case_overseers (user_id, case_id);

-- The office-wide case counts subtract the highly confidential cases a person may not see;
-- this index keeps that to the few such cases instead of every case.
create index cases_highly_confidential_idx on cases (case_id, status)
    where confidentiality = 'highly_confidential';
