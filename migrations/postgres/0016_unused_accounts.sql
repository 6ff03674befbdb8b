-- Accounts unused for a while are disabled (`--disable-unused-days`). An administrator who
-- enables one again gives it a fresh start: the check counts from then, not from the last
-- sign-in, until the person signs in.
alter table users add column reactivated_at timestamptz;
