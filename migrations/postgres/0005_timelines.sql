-- Incidents and their timelines: events with uncertain times, actors and recipients, and the
-- exhibits and messages each event cites.

create table incidents (
    incident_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    title text not null,
    summary text not null,
    created_at timestamptz not null
);

create index incidents_case_idx on incidents (case_id, incident_id);

create table events (
    event_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    incident_id bigint not null references incidents (incident_id),
    -- The earliest and latest instants the event may have happened at, UTC,
    -- `YYYY-MM-DDTHH:MM:SSZ` (fixed width: text order is time order).
    earliest text not null,
    latest text not null,
    -- How exactly the time is known: minute, day, month or approximate (a range).
    precision text not null check (precision in ('minute', 'day', 'month', 'approximate')),
    -- What was typed, in the zone it was observed in, to show and edit it as entered.
    local_start text not null,
    local_end text not null,
    time_zone text not null,
    discovered_on text not null,
    kind text not null,
    channel text not null,
    -- Comma-separated kinds of information disclosed.
    information text not null,
    permitted_basis text not null,
    narrative text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null default 1
);

create index events_incident_idx on events (incident_id, earliest, latest, event_id);
create index events_case_idx on events (case_id, earliest, latest, event_id);

create table event_parties (
    event_id bigint not null references events (event_id),
    party_id bigint not null references parties (party_id),
    part text not null check (part in ('actor', 'recipient')),
    primary key (event_id, party_id, part)
);

create index event_parties_party_idx on event_parties (party_id);

create table event_exhibits (
    event_id bigint not null references events (event_id),
    exhibit_id bigint not null references exhibits (exhibit_id),
    primary key (event_id, exhibit_id)
);

create index event_exhibits_exhibit_idx on event_exhibits (exhibit_id);

create table event_messages (
    event_id bigint not null references events (event_id),
    message_id bigint not null references messages (message_id),
    primary key (event_id, message_id)
);

create index event_messages_message_idx on event_messages (message_id);

-- Every saved version of every event, as a readable summary, for its history.
create table event_versions (
    event_id bigint not null references events (event_id),
    version bigint not null,
    summary text not null,
    edited_by bigint not null references users (user_id),
    edited_at timestamptz not null,
    primary key (event_id, version)
);

-- The zone a case's times are shown in.
alter table cases add column time_zone text not null default 'UTC';

-- Failed sign-ins per name, for throttling.
create index audit_events_actor_name_idx on audit_events (actor, action, audit_event_id);
