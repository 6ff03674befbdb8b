-- Tamper evidence: every audit and custody entry carries the SHA-256 of its canonical content
-- and of the entry before it (one chain per table), so that a changed, removed, added or
-- reordered entry breaks the chain where `probity verify` finds it.
alter table audit_events add column chain_prev text;
alter table audit_events add column chain_hash text;
alter table custody_events add column chain_prev text;
alter table custody_events add column chain_hash text;

-- The last entry of each chain. Writers take turns on it (`for update`): the next entry
-- links to it, so concurrent writers cannot fork the chain.
create table chain_heads (
    chain text primary key check (chain in ('audit', 'custody')),
    last_id bigint not null,
    last_hash text not null,
    -- The entries written before this migration, sealed once at the next start; any other
    -- entry without a hash was added outside Probity.
    legacy_until bigint not null
);

insert into chain_heads (chain, last_id, last_hash, legacy_until) values
    ('audit', 0, '0000000000000000000000000000000000000000000000000000000000000000',
     (select coalesce(max(audit_event_id), 0) from audit_events)),
    ('custody', 0, '0000000000000000000000000000000000000000000000000000000000000000',
     (select coalesce(max(custody_event_id), 0) from custody_events));

-- Still append-only, with one exception: an entry without its hash may be sealed once (its
-- two chain columns set), in the transaction that wrote it, or at start-up for the entries
-- written before the chain existed. Nothing else of an entry ever changes; the comparison
-- covers every column, those added later included.
create function chain_seal_only() returns trigger
language plpgsql as $$
begin
    if old.chain_hash is not null or new.chain_hash is null
        or (to_jsonb(new) - 'chain_prev' - 'chain_hash')
           is distinct from (to_jsonb(old) - 'chain_prev' - 'chain_hash') then
        raise exception '% is append-only', tg_table_name;
    end if;
    return new;
end;
$$;

drop trigger audit_events_no_update on audit_events;
create trigger audit_events_no_delete before delete on audit_events
    for each statement execute function audit_events_append_only();
create trigger audit_events_seal_only before update on audit_events
    for each row execute function chain_seal_only();

drop trigger custody_events_no_change on custody_events;
create trigger custody_events_no_delete before delete on custody_events
    for each statement execute function custody_events_append_only();
create trigger custody_events_seal_only before update on custody_events
    for each row execute function chain_seal_only();

-- What the integrity checks (at start-up, daily, and `probity verify`) found.
create table integrity_checks (
    integrity_check_id bigint generated always as identity primary key,
    checked_at timestamptz not null,
    audit_entries bigint not null,
    custody_entries bigint not null,
    blobs bigint not null,
    problems bigint not null,
    -- The first problems, in words, for the audit page.
    summary text not null
);
