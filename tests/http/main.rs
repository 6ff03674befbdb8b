//! HTTP tests against the real server on a free port, on the database chosen by
//! `PROBITY_TEST_DATABASE`.

mod api;
mod cases;
mod demo;
mod evidence;
mod hardening;
mod hostile;
mod leaks;
mod messages;
mod people;
mod permissions;
mod reports;
mod search;
mod security;
mod setup;
mod sign_in;
mod timeline;
