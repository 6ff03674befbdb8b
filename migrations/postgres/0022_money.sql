-- Monetary results of a case (issue 18): exact amounts in minor units (cents), never
-- floating point, each with its day and the recommendation it comes from.

create table case_money (
    money_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    kind text not null check (kind in ('questioned_cost', 'unsupported_cost', 'funds_better_use',
        'recovery', 'restitution', 'fine')),
    amount_minor bigint not null check (amount_minor > 0),
    currency text not null,
    occurred_on text not null,
    finding_id bigint references findings (finding_id),
    recommendation_id bigint references recommendations (recommendation_id),
    note text not null,
    recorded_by bigint not null references users (user_id),
    recorded_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null default 1
);

create index case_money_case_idx on case_money (case_id, money_id);
create index case_money_occurred_idx on case_money (occurred_on, kind, case_id);
