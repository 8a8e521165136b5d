//! `bulk`: the bulk work of the pages from the command line, each item's outcome on a
//! line of its own; the exit status is non-zero when any item was refused.

use std::path::PathBuf;

use clap::Subcommand;

use super::CliError;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::DbConn;
use crate::services::bulk::{self, BulkResult, DepartmentAcknowledgement, NewDocuments, Outcome, Progress, Versions};
use crate::services::users;

/// Bulk commands.
#[derive(Debug, Subcommand)]
pub enum BulkCommand {
    /// Drafts for several positions (ids) from one template, or each position's category template.
    Documents {
        positions: Vec<String>,
        #[arg(long)]
        template: Option<String>,
    },
    /// Send several drafts (version ids) for agreement, as LOGIN (HR).
    Send {
        versions: Vec<String>,
        #[arg(long = "as")]
        login: String,
    },
    /// Ask every holder of a department's versions in force who was not asked yet, as LOGIN;
    /// with --remind, remind everyone who has not signed too.
    Acknowledge {
        department: String,
        #[arg(long)]
        remind: bool,
        #[arg(long = "as")]
        login: String,
    },
    /// A department's versions in force as one PDF.
    Print {
        department: String,
        /// Parts, comma-separated: document, acknowledgements, register (default: all).
        #[arg(long, default_value = "")]
        parts: String,
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// Runs one bulk command.
pub fn bulk_command(settings: &Settings, c: &mut DbConn, clock: &Clock, action: BulkCommand) -> Result<(), CliError> {
    let user = |c: &mut DbConn, login: &str| {
        users::by_login(c, login)?
            .map(|(u, _)| u)
            .filter(|u| u.active)
            .ok_or_else(|| CliError::Message(format!("no active user {login}")))
    };
    let result = match action {
        BulkCommand::Documents { positions, template } => {
            let input = NewDocuments {
                position_ids: positions,
                template_id: template,
            };
            bulk::create_documents(c, clock, "cli", &input, &mut Lines("documents"))?
        }
        BulkCommand::Send { versions, login } => {
            let actor = user(c, &login)?;
            let input = Versions { version_ids: versions };
            bulk::send_drafts(c, clock, &actor, &input, &mut Lines("send"))?
        }
        BulkCommand::Acknowledge {
            department,
            remind,
            login,
        } => {
            let actor = user(c, &login)?;
            let input = DepartmentAcknowledgement {
                department_id: department,
                remind,
            };
            let mut lines = Lines("acknowledge");
            bulk::acknowledge_department(c, clock, &settings.into(), &actor, &input, &mut lines)?
        }
        BulkCommand::Print {
            department,
            parts,
            output,
        } => {
            let parts = crate::pdf::Part::parse_list(&parts).map_err(|e| CliError::Message(e.to_string()))?;
            let inputs = bulk::print_inputs(c, clock, &settings.public_url, &[], Some(&department))?;
            let rendered = crate::pdf::render_all(&inputs, &parts).map_err(|e| CliError::Message(e.to_string()))?;
            std::fs::write(&output, &rendered.bytes)
                .map_err(|e| CliError::Message(format!("{}: {e}", output.display())))?;
            println!("{} job descriptions written to {}.", inputs.len(), output.display());
            return Ok(());
        }
    };
    report(&result)
}

/// Prints each item's line as soon as it is done: the progress of a long run.
struct Lines(&'static str);

impl Progress for Lines {
    fn item(&mut self, o: &Outcome) {
        let mark = if o.done { "done" } else { "refused" };
        println!("{mark}\t{}\t{}\t{}", o.id, o.label, o.said(self.0));
    }
}

/// The summary after the items' lines; refused items make the command fail.
fn report(result: &BulkResult) -> Result<(), CliError> {
    let summary = result.summary();
    if result.refused > 0 {
        Err(CliError::Message(summary))
    } else {
        println!("{summary}");
        Ok(())
    }
}
