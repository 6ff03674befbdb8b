-- Messages imported from message logs (chat exports, SMS backups, e-mail, CSV).

create table messages (
    message_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    -- The exhibit the message was read from.
    exhibit_id bigint not null references exhibits (exhibit_id),
    -- Its order within that exhibit, from 1.
    position bigint not null,
    -- UTC, `YYYY-MM-DDTHH:MM:SSZ`: fixed width, so text order is time order.
    sent_at text not null,
    sender text not null,
    recipients text not null,
    body text not null,
    -- Where in the source file it was, e.g. `line 12` or `message 3`.
    source_location text not null,
    search_vector tsvector generated always as
        (to_tsvector('simple', sender || ' ' || recipients || ' ' || body)) stored,
    unique (exhibit_id, position)
);

create index messages_case_time_idx on messages (case_id, sent_at, message_id);
create index messages_exhibit_idx on messages (exhibit_id, position);
create index messages_search_idx on messages using gin (search_vector);
