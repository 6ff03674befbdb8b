-- Monetary results of a case (issue 18): exact amounts in minor units (cents), never
-- floating point, each with its day and the recommendation it comes from.

create table case_money (
    money_id integer primary key autoincrement,
    case_id integer not null references cases (case_id),
    kind text not null check (kind in ('questioned_cost', 'unsupported_cost', 'funds_better_use',
        'recovery', 'restitution', 'fine')),
    amount_minor integer not null check (amount_minor > 0),
    currency text not null,
    occurred_on text not null,
    finding_id integer references findings (finding_id),
    recommendation_id integer references recommendations (recommendation_id),
    note text not null,
    recorded_by integer not null references users (user_id),
    recorded_at text not null,
    updated_at text not null,
    version integer not null default 1
);

create index case_money_case_idx on case_money (case_id, money_id);
create index case_money_occurred_idx on case_money (occurred_on, kind, case_id);
