//! jobdesc: job-description authoring and approval.

pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod directory;
pub mod domain;
pub mod i18n;
pub mod import;
pub mod mailer;
pub mod net;
pub mod pdf;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod web;
pub mod webhook_client;
pub mod word;
