//! Plain domain types and rules: no actix, no diesel.

pub mod account;
pub mod change_log;
pub mod hierarchy;
pub mod organization;
pub mod staff;
pub mod structure;
pub mod validation;
