//! HTTP tests against the real server on a free port, on the database chosen by
//! `PROBITY_TEST_DATABASE`.

mod api;
mod cases;
mod complaints;
mod demo;
mod evidence;
mod hardening;
mod hostile;
mod integrity;
mod interviews;
mod leaks;
mod messages;
mod object_storage;
mod outcomes;
mod people;
mod permissions;
mod plan;
mod recommendations;
mod reports;
mod search;
mod second_factor;
mod security;
mod setup;
mod sign_in;
mod statistics;
mod timeline;
