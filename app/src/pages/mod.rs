//! The pages, one module each.

pub mod errors;
pub mod home;
pub mod setup;
pub mod sign_in;
