//! jobdesc: job-description authoring and approval.

pub mod db;
pub mod domain;
pub mod services;
