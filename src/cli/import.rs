//! `jobdesc import FILE...`: the structure as JSON (no database), or drafts.

use std::path::{Path, PathBuf};

use diesel::Connection;
use serde::Serialize;
use serde_json::{json, Value};

use super::CliError;
use crate::clock::Clock;
use crate::db::DbConn;
use crate::domain::structure::{Position, PositionInput};
use crate::import::model::{CandidateDocument, ImportResult};
use crate::services::imports::PositionChoice;
use crate::services::imports::{self, Source};
use crate::services::rules::Rules;
use crate::services::{crud, positions, ServiceError};

/// One file as `--json` prints it.
#[derive(Serialize)]
struct FileOut<'a> {
    file: String,
    #[serde(flatten)]
    result: &'a ImportResult,
}

fn read(path: &Path) -> Result<(String, Vec<u8>), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((name, bytes))
}

/// Prints what each file holds; fails (after printing the rest) when any file could not be read.
pub fn to_json(files: &[PathBuf]) -> Result<(), CliError> {
    let mut out = Vec::new();
    let mut failed = 0;
    for path in files {
        let value = match read(path).and_then(|(name, bytes)| {
            crate::import::import(&name, &bytes).map_err(|e| format!("{}: {e}", path.display()))
        }) {
            Ok(result) => serde_json::to_value(FileOut {
                file: path.display().to_string(),
                result: &result,
            })
            .map_err(|e| CliError::Message(e.to_string()))?,
            Err(message) => {
                failed += 1;
                eprintln!("error: {message}");
                json!({ "file": path.display().to_string(), "error": message })
            }
        };
        out.push(value);
    }
    let doc = if out.len() == 1 {
        out.remove(0)
    } else {
        Value::Array(out)
    };
    let text = serde_json::to_string_pretty(&doc).map_err(|e| CliError::Message(e.to_string()))?;
    println!("{text}");
    match failed {
        0 => Ok(()),
        n => Err(CliError::Message(format!(
            "{n} of {} files could not be read",
            files.len()
        ))),
    }
}

/// What to do with positions.
pub struct Target {
    pub position: Option<String>,
    pub create_in: Option<String>,
}

/// One line of the summary.
struct Row {
    file: String,
    outcome: Result<Vec<String>, String>,
}

/// Makes a draft of every job description found; prints a summary table.
pub fn drafts(
    conn: &mut DbConn,
    clock: &Clock,
    rules: &Rules,
    files: &[PathBuf],
    target: &Target,
) -> Result<(), CliError> {
    let mut rows = Vec::new();
    for (i, path) in files.iter().enumerate() {
        if files.len() > 1 {
            eprint!("\r[{}/{}] {}", i + 1, files.len(), path.display());
        }
        rows.push(Row {
            file: path.display().to_string(),
            outcome: one_file(conn, clock, rules, path, target),
        });
    }
    if files.len() > 1 {
        eprintln!();
    }
    let width = rows.iter().map(|r| r.file.chars().count()).max().unwrap_or(4).max(4);
    println!("{:width$}  result", "file");
    for r in &rows {
        match &r.outcome {
            Ok(made) => println!("{:width$}  {} draft(s): {}", r.file, made.len(), made.join(", ")),
            Err(e) => println!("{:width$}  failed: {e}", r.file),
        }
    }
    let failed = rows.iter().filter(|r| r.outcome.is_err()).count();
    match failed {
        0 => Ok(()),
        n => Err(CliError::Message(format!(
            "{n} of {} files failed; the others were imported",
            rows.len()
        ))),
    }
}

/// Drafts of one file: all of them or, in one transaction, none (positions included).
fn one_file(
    conn: &mut DbConn,
    clock: &Clock,
    rules: &Rules,
    path: &Path,
    target: &Target,
) -> Result<Vec<String>, String> {
    let (name, bytes) = read(path)?;
    let (_, result) = imports::parse_file(&name, &bytes).map_err(|e| message(&e))?;
    if result.documents.is_empty() {
        return Err("no job description found".into());
    }
    if target.position.is_some() && result.documents.len() > 1 {
        return Err(format!(
            "{} job descriptions found but one --position given",
            result.documents.len()
        ));
    }
    let mut plan = Vec::new();
    for doc in &result.documents {
        plan.push((position_for(conn, doc, target)?, doc));
    }
    let source = Source::of(&name, &bytes);
    conn.transaction::<_, ServiceError, _>(|conn| {
        let mut made = Vec::new();
        for (position, doc) in plan {
            let id = match position {
                Chosen::Existing(id) => id,
                Chosen::New(input) => crud::create::<Position>(conn, clock, rules, "cli", &input)?.id,
            };
            made.push(
                imports::create_draft(
                    conn,
                    clock,
                    rules,
                    "cli",
                    &PositionChoice::Existing(id.clone()),
                    doc,
                    &source,
                )?
                .position_title,
            );
        }
        Ok(made)
    })
    .map_err(|e| message(&e))
}

enum Chosen {
    Existing(String),
    New(PositionInput),
}

fn position_for(conn: &mut DbConn, doc: &CandidateDocument, target: &Target) -> Result<Chosen, String> {
    if let Some(id) = &target.position {
        return Ok(Chosen::Existing(id.clone()));
    }
    let title = doc.position_title.clone().unwrap_or_default();
    if title.trim().is_empty() {
        return Err("the position title was not found; give --position".into());
    }
    let all = positions::all(conn).map_err(|e| message(&e))?;
    let wanted = title.trim().to_lowercase();
    if let Some(p) = all.iter().find(|p| p.title.to_lowercase() == wanted) {
        return Ok(Chosen::Existing(p.id.clone()));
    }
    match &target.create_in {
        Some(department) => Ok(Chosen::New(PositionInput {
            title: title.trim().to_string(),
            title_genitive: doc
                .position_title_genitive
                .clone()
                .unwrap_or_else(|| title.trim().to_string()),
            category: "specialist".into(),
            department_id: department.clone(),
            reports_to_id: None,
        })),
        None => Err(format!(
            "no position «{title}»; give --position or --create-positions --department ID"
        )),
    }
}

fn message(e: &ServiceError) -> String {
    match e {
        ServiceError::Validation(errors) => errors
            .0
            .iter()
            .map(|f| match &f.detail {
                Some(d) => format!("{}: {} ({d})", f.field, f.code),
                None => format!("{}: {}", f.field, f.code),
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
