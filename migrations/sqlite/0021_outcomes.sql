-- What came of a case (issue 18): referrals to prosecutors with their answers, and what
-- followed for each subject; and which subjects are senior employees.

alter table parties add column senior_employee boolean not null default false;

create table case_referrals (
    referral_id integer primary key autoincrement,
    case_id integer not null references cases (case_id),
    party_id integer references parties (party_id),
    level text not null check (level in ('federal', 'state', 'local')),
    office text not null,
    referred_on text not null,
    what text not null,
    decision text not null check (decision in ('pending', 'accepted', 'declined')),
    decided_on text,
    source_exhibit_id integer references exhibits (exhibit_id),
    recorded_by integer not null references users (user_id),
    recorded_at text not null,
    updated_at text not null,
    version integer not null default 1
);

create index case_referrals_case_idx on case_referrals (case_id, referral_id);
create index case_referrals_referred_idx on case_referrals (referred_on, case_id);

create table case_outcomes (
    outcome_id integer primary key autoincrement,
    case_id integer not null references cases (case_id),
    party_id integer not null references parties (party_id),
    kind text not null check (kind in ('indictment', 'information', 'conviction', 'plea',
        'sentence', 'civil_settlement', 'removal', 'suspension', 'reprimand', 'resignation',
        'training', 'none', 'debarment')),
    occurred_on text not null,
    detail text not null,
    suspension_days integer,
    source_exhibit_id integer references exhibits (exhibit_id),
    recorded_by integer not null references users (user_id),
    recorded_at text not null,
    updated_at text not null,
    version integer not null default 1
);

create index case_outcomes_case_idx on case_outcomes (case_id, outcome_id);
create index case_outcomes_occurred_idx on case_outcomes (occurred_on, kind, case_id);
