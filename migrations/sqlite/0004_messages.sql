-- Messages imported from message logs (chat exports, SMS backups, e-mail, CSV).

create table messages (
    message_id integer primary key autoincrement,
    case_id integer not null references cases (case_id),
    -- The exhibit the message was read from.
    exhibit_id integer not null references exhibits (exhibit_id),
    -- Its order within that exhibit, from 1.
    position integer not null,
    -- UTC, `YYYY-MM-DDTHH:MM:SSZ`: fixed width, so text order is time order.
    sent_at text not null,
    sender text not null,
    recipients text not null,
    body text not null,
    -- Where in the source file it was, e.g. `line 12` or `message 3`.
    source_location text not null,
    unique (exhibit_id, position)
);

create index messages_case_time_idx on messages (case_id, sent_at, message_id);
create index messages_exhibit_idx on messages (exhibit_id, position);

create virtual table message_search using fts5 (
    sender, recipients, body,
    content = 'messages', content_rowid = 'message_id',
    tokenize = 'unicode61 remove_diacritics 2'
);

create trigger messages_search_insert after insert on messages
begin
    insert into message_search (rowid, sender, recipients, body)
    values (new.message_id, new.sender, new.recipients, new.body);
end;
