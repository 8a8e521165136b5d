//! Imported files: the candidate structure kept for review, and the draft made from it.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::journal::write_tx;
use super::rules::Rules;
use super::{crud, documents, new_id, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{imports, library_clauses as lc};
use crate::db::DbConn;
use crate::domain::document::LibraryLink;
use crate::domain::structure::{Position, PositionInput};
use crate::domain::validation::FieldErrors;
use crate::import::model::{CandidateDocument, ImportResult};
use crate::import::{draft, ReadError};

/// Where an imported text came from; written to the change log with the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ImportSource)]
pub struct Source {
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
}

impl Source {
    /// Name, size and SHA-256 of an uploaded or read file.
    pub fn of(file_name: &str, bytes: &[u8]) -> Source {
        Source {
            file_name: file_name.to_string(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
        }
    }
}

/// A file read and parsed, waiting for HR to review it and make drafts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Import {
    pub id: String,
    pub source: Source,
    /// The paragraphs as read, for showing the structure beside its source.
    #[schema(value_type = Vec<Object>)]
    pub lines: Vec<crate::import::model::Paragraph>,
    #[schema(value_type = Object)]
    pub result: ImportResult,
}

/// Reads and parses a file; a file that cannot be read is a field error on `file`.
pub fn parse_file(
    file_name: &str,
    bytes: &[u8],
) -> Result<(Vec<crate::import::model::Paragraph>, ImportResult), ServiceError> {
    let refuse = |e: ReadError| {
        let code = match e {
            ReadError::Empty => "import_empty",
            ReadError::Binary => "import_binary",
            ReadError::Unsupported(_) => "import_unsupported",
            ReadError::TooLarge { .. } | ReadError::TooManyEntries => "import_too_large",
            ReadError::Encrypted => "import_encrypted",
            _ => "import_unreadable",
        };
        ServiceError::Validation(FieldErrors::single("file", code).with_detail(e.to_string()))
    };
    let paragraphs = crate::import::read(file_name, bytes).map_err(refuse)?;
    let result = crate::import::parse::parse(&paragraphs);
    Ok((paragraphs, result))
}

/// Stores a parsed file for review.
pub fn store(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<Import, ServiceError> {
    let (lines, result) = parse_file(file_name, bytes)?;
    let import = Import {
        id: new_id(),
        source: Source::of(file_name, bytes),
        lines,
        result,
    };
    diesel::insert_into(imports::table)
        .values((
            imports::id.eq(&import.id),
            imports::created_by.eq(actor),
            imports::created_at.eq(clock.now()),
            imports::source.eq(to_json(&import.source)?),
            imports::lines.eq(to_json(&import.lines)?),
            imports::result.eq(to_json(&import.result)?),
        ))
        .execute(conn)?;
    Ok(import)
}

/// A stored import, only for the one who made it.
pub fn get(conn: &mut DbConn, actor: &str, id: &str) -> Result<Import, ServiceError> {
    let (source, lines, result): (String, String, String) = imports::table
        .find(id)
        .filter(imports::created_by.eq(actor))
        .select((imports::source, imports::lines, imports::result))
        .first(conn)?;
    let bad = |e: serde_json::Error| ServiceError::Internal(format!("stored import: {e}"));
    Ok(Import {
        id: id.to_string(),
        source: serde_json::from_str(&source).map_err(bad)?,
        lines: serde_json::from_str(&lines).map_err(bad)?,
        result: serde_json::from_str(&result).map_err(bad)?,
    })
}

/// Library clauses by their normalised text.
pub fn library_index(conn: &mut DbConn) -> Result<HashMap<String, LibraryLink>, ServiceError> {
    let rows: Vec<(String, String, i64)> = lc::table.select((lc::id, lc::text, lc::revision)).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(clause_id, text, revision)| (draft::normalised(&text), LibraryLink { clause_id, revision }))
        .collect())
}

/// A library clause close to an imported one, offered to the reviewer (never linked by itself).
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// Source line of the imported clause.
    pub line: usize,
    pub library_id: String,
    pub text: String,
}

/// How alike a clause and a library clause must be to be suggested.
const SUGGEST_FROM: f32 = 0.6;

/// Near matches in the library for the clauses of `doc` (exact matches are linked on import instead).
pub fn suggestions(conn: &mut DbConn, doc: &CandidateDocument) -> Result<Vec<Suggestion>, ServiceError> {
    let library: Vec<(String, String)> = lc::table.select((lc::id, lc::text)).load(conn)?;
    let mut out = Vec::new();
    let mut visit = |c: &crate::import::model::CandidateClause| {
        let own = draft::normalised(&c.text);
        let best = library
            .iter()
            .filter(|(_, t)| draft::normalised(t) != own)
            .map(|(id, t)| (draft::likeness(&c.text, t), id, t))
            .filter(|(score, _, _)| *score >= SUGGEST_FROM)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, id, text)) = best {
            out.push(Suggestion {
                line: c.line,
                library_id: id.clone(),
                text: text.clone(),
            });
        }
    };
    fn walk(cs: &[crate::import::model::CandidateClause], f: &mut dyn FnMut(&crate::import::model::CandidateClause)) {
        for c in cs {
            f(c);
            walk(&c.children, f);
        }
    }
    for s in &doc.sections {
        walk(&s.clauses, &mut visit);
    }
    Ok(out)
}

/// The position an imported draft describes.
#[derive(Debug, Clone)]
pub enum PositionChoice {
    Existing(String),
    /// Made in the same transaction as the draft, so both exist or neither.
    New(PositionInput),
}

/// Makes the draft of a position from a reviewed candidate, logging where it came from.
pub fn create_draft(
    conn: &mut DbConn,
    clock: &Clock,
    rules: &Rules,
    actor: &str,
    position: &PositionChoice,
    doc: &CandidateDocument,
    source: &Source,
) -> Result<documents::JobDescription, ServiceError> {
    write_tx(conn, clock, actor, |conn, journal| {
        let position_id = match position {
            PositionChoice::Existing(id) => id.trim().to_string(),
            PositionChoice::New(input) => crud::create_with::<Position>(conn, journal, rules, input)?.id,
        };
        let mut e = FieldErrors::default();
        documents::check_position(conn, &position_id, &mut e)?;
        if doc.sections.iter().all(|s| s.clauses.is_empty()) {
            e.add("sections", "import_nothing_found");
        }
        e.into_result()?;
        let content = draft::content(doc, &library_index(conn)?, new_id);
        let origin = json!({ "import": source, "warnings": doc.warnings.len(), "by": actor });
        documents::insert(conn, journal, &position_id, &content, origin)
    })
}

fn to_json<T: Serialize>(v: &T) -> Result<String, ServiceError> {
    serde_json::to_string(v).map_err(|e| ServiceError::Internal(e.to_string()))
}
