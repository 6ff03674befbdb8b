-- A message import reads its log into this table in short transactions, then moves the rows
-- into messages in one: the database's write lock is held only for that move, never while a
-- large file is read, so uploads, edits and background text extraction are not kept waiting.
create table message_imports (
    import_id integer primary key autoincrement,
    exhibit_id integer not null references exhibits (exhibit_id),
    started_at text not null
);

create table message_staging (
    import_id integer not null references message_imports (import_id),
    exhibit_id integer not null,
    position integer not null,
    sent_at text not null,
    sender text not null,
    recipients text not null,
    body text not null,
    source_location text not null,
    primary key (import_id, position)
);

-- A chat log whose dates could be read day first or month first and that nothing in the file
-- settled: the order the import chose, so the exhibit page can offer the other.
create table message_date_guesses (
    exhibit_id integer primary key references exhibits (exhibit_id),
    day_first boolean not null,
    -- The zone the import read the times in, for reading them again.
    time_zone text not null,
    guessed_at text not null
);

-- The text engine's mean word confidence (0 to 100) in the text it read from an image.
alter table exhibits add column ocr_confidence integer;
