//! Plain domain types and rules: no actix, no diesel.

pub mod account;
pub mod actions;
pub mod change_log;
pub mod checks;
pub mod declension;
pub mod delivery;
pub mod diff;
pub mod directory;
pub mod document;
pub mod hierarchy;
pub mod language;
pub mod library;
pub mod mail;
pub mod organization;
pub mod placeholders;
pub mod preview;
pub mod register;
pub mod staff;
pub mod structure;
pub mod throttle;
pub mod validation;
pub mod version;
pub mod webhook;
pub mod workflow;
