//! HTML pages.

pub mod dashboard;
pub mod log;
pub mod login;
pub mod organization;
pub mod resources;
