//! HTML pages.

pub mod accounts;
pub mod dashboard;
pub mod documents;
pub mod editor;
pub mod evidence;
pub mod imports;
pub mod library;
pub mod log;
pub mod login;
pub mod organization;
pub mod pdf;
pub mod resources;
pub mod workflow;
