-- The dashboard's work queues: drafts by the state of a case's newest version, and the
-- office's integrity alarms, each found without reading every row.
create index report_versions_state_idx on report_versions (state, case_id, version);
create index custody_events_action_idx on custody_events (action, custody_event_id);
