-- Tamper evidence: every audit and custody entry carries the SHA-256 of its canonical content
-- and of the entry before it (one chain per table), so that a changed, removed, added or
-- reordered entry breaks the chain where `probity verify` finds it.
alter table audit_events add column chain_prev text;
alter table audit_events add column chain_hash text;
alter table custody_events add column chain_prev text;
alter table custody_events add column chain_hash text;

-- The last entry of each chain. Writers take turns on it: the next entry links to it.
create table chain_heads (
    chain text primary key check (chain in ('audit', 'custody')),
    last_id integer not null,
    last_hash text not null,
    -- The entries written before this migration, sealed once at the next start; any other
    -- entry without a hash was added outside Probity.
    legacy_until integer not null
);

insert into chain_heads (chain, last_id, last_hash, legacy_until) values
    ('audit', 0, '0000000000000000000000000000000000000000000000000000000000000000',
     (select coalesce(max(audit_event_id), 0) from audit_events)),
    ('custody', 0, '0000000000000000000000000000000000000000000000000000000000000000',
     (select coalesce(max(custody_event_id), 0) from custody_events));

-- Still append-only, with one exception: an entry without its hash may be sealed once (its
-- two chain columns set), in the transaction that wrote it, or at start-up for the entries
-- written before the chain existed. Nothing else of an entry ever changes.
drop trigger audit_events_no_update;
create trigger audit_events_no_update before update on audit_events
when old.chain_hash is not null or new.chain_hash is null
    or new.audit_event_id is not old.audit_event_id or new.occurred_at is not old.occurred_at
    or new.actor_user_id is not old.actor_user_id or new.actor is not old.actor
    or new.action is not old.action or new.target is not old.target
    or new.outcome is not old.outcome or new.remote_addr is not old.remote_addr
    or new.case_id is not old.case_id or new.detail is not old.detail or new.via is not old.via
begin
    select raise(abort, 'audit_events is append-only');
end;

drop trigger custody_events_no_update;
create trigger custody_events_no_update before update on custody_events
when old.chain_hash is not null or new.chain_hash is null
    or new.custody_event_id is not old.custody_event_id or new.exhibit_id is not old.exhibit_id
    or new.action is not old.action or new.user_id is not old.user_id
    or new.occurred_at is not old.occurred_at or new.reason is not old.reason
    or new.sha256 is not old.sha256
begin
    select raise(abort, 'custody_events is append-only');
end;

-- What the integrity checks (at start-up, daily, and `probity verify`) found.
create table integrity_checks (
    integrity_check_id integer primary key autoincrement,
    checked_at text not null,
    audit_entries integer not null,
    custody_entries integer not null,
    blobs integer not null,
    problems integer not null,
    -- The first problems, in words, for the audit page.
    summary text not null
);
