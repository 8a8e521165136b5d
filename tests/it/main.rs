//! Integration tests: the real server on port 0, a fresh database per test,
//! every test on SQLite and (with JOBDESC_TEST_POSTGRES_URL) on PostgreSQL.

mod helpers;

mod api_errors;
mod architecture;
mod authoring;
mod browser;
mod bulgarian;
mod bulk;
mod change_log;
mod cli;
mod clock;
mod directory;
mod editor_pages;
mod employee_pages;
mod evidence;
mod faults;
mod feedback;
mod finding;
mod hardening;
mod import;
mod language;
mod mail;
mod orders;
mod organization;
mod pages;
mod pdf;
mod permissions;
mod reminders;
mod resources_api;
mod scale;
mod sessions;
mod slapd;
mod smtp;
mod watch;
mod webhooks;
mod word;
mod workflow;
mod workflow_pages;
