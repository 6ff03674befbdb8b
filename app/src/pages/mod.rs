//! The pages, one module each.

pub mod account;
pub mod api_docs;
pub mod audit;
pub mod case_nav;
pub mod cases;
pub mod complaints;
pub mod dashboard;
pub mod errors;
pub mod evidence;
pub mod export;
pub mod interviews;
pub mod jobs;
pub mod messages;
pub mod outcomes;
pub mod people;
pub mod plan;
pub mod reports;
pub mod search;
pub mod setup;
pub mod sign_in;
pub mod statistics;
pub mod timeline;
pub mod two_factor;
