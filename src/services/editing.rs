//! Editing the text of a draft version or a template: one edit, one transaction,
//! one change-log entry, refused when the client's revision is stale.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::crud::Resource;
use super::journal::{write_tx, Journal};
use super::{new_id, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{jd_versions, templates};
use crate::db::DbConn;
use crate::domain::document::{Clause, Content, EditError, LibraryLink, Move, SectionKind};
use crate::domain::library::{check_clause_text, LibraryClause};
use crate::domain::validation::FieldErrors;
use crate::domain::version::Status;

/// Whose text is edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Version(String),
    Template(String),
}

impl Owner {
    /// Change-log entity name.
    pub fn entity(&self) -> &'static str {
        match self {
            Owner::Version(_) => "version",
            Owner::Template(_) => "template",
        }
    }

    /// The owner's id.
    pub fn id(&self) -> &str {
        match self {
            Owner::Version(id) | Owner::Template(id) => id,
        }
    }
}

/// A text as loaded for editing.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub content: Content,
    pub revision: i64,
    /// The version's status; `None` for templates (always editable).
    pub status: Option<Status>,
}

fn parse_content(owner: &Owner, json: &str) -> Result<Content, ServiceError> {
    serde_json::from_str(json)
        .map_err(|e| ServiceError::Internal(format!("{} {}: stored content: {e}", owner.entity(), owner.id())))
}

/// Loads the text, its revision and (for versions) status.
pub fn load(conn: &mut DbConn, owner: &Owner) -> Result<Loaded, ServiceError> {
    match owner {
        Owner::Version(id) => {
            let (content, revision, status): (String, i64, String) = jd_versions::table
                .find(id)
                .select((jd_versions::content, jd_versions::revision, jd_versions::status))
                .first(conn)?;
            Ok(Loaded {
                content: parse_content(owner, &content)?,
                revision,
                status: Some(
                    Status::parse(&status)
                        .ok_or_else(|| ServiceError::Internal(format!("version {id}: status {status}")))?,
                ),
            })
        }
        Owner::Template(id) => {
            let (content, revision): (String, i64) = templates::table
                .find(id)
                .select((templates::content, templates::revision))
                .first(conn)?;
            Ok(Loaded {
                content: parse_content(owner, &content)?,
                revision,
                status: None,
            })
        }
    }
}

/// Stores a new text if the stored revision is still `expected`; returns the new revision.
fn save(
    conn: &mut DbConn,
    at: chrono::NaiveDateTime,
    owner: &Owner,
    content: &Content,
    expected: i64,
) -> Result<i64, ServiceError> {
    let json = serde_json::to_string(content).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let next = expected + 1;
    let updated = match owner {
        Owner::Version(id) => diesel::update(jd_versions::table.find(id).filter(jd_versions::revision.eq(expected)))
            .set((
                jd_versions::content.eq(&json),
                jd_versions::revision.eq(next),
                jd_versions::updated_at.eq(at),
            ))
            .execute(conn)?,
        Owner::Template(id) => diesel::update(templates::table.find(id).filter(templates::revision.eq(expected)))
            .set((
                templates::content.eq(&json),
                templates::revision.eq(next),
                templates::updated_at.eq(at),
            ))
            .execute(conn)?,
    };
    if updated == 0 {
        let current = load(conn, owner)?.revision;
        return Err(ServiceError::Stale {
            current,
            changes: changes_since(conn, owner, expected)?,
        });
    }
    Ok(next)
}

/// One edit of a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// A new clause at the end of a section or as the last sub-clause of `parent_id`;
    /// its text is `text`, or the library clause's text (keeping the link).
    AddClause {
        section_id: String,
        #[serde(default)]
        parent_id: Option<String>,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        library_id: Option<String>,
    },
    SetText {
        clause_id: String,
        text: String,
    },
    RemoveClause {
        clause_id: String,
    },
    MoveClause {
        clause_id: String,
        direction: Move,
    },
    /// Replaces the clause's text with the current text of its library clause.
    UpdateFromLibrary {
        clause_id: String,
    },
    AddSection {
        kind: SectionKind,
    },
    RemoveSection {
        section_id: String,
    },
    RenameSection {
        section_id: String,
        heading: String,
        #[serde(default = "yes")]
        numbered: bool,
    },
}

fn yes() -> bool {
    true
}

/// The outcome of an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Applied {
    /// The text's revision after the edit: send it with the next edit.
    pub revision: i64,
    /// The clause or section created, if any.
    pub created_id: Option<String>,
}

fn edit_error(e: EditError) -> ServiceError {
    match e {
        EditError::UnknownClause | EditError::UnknownSection => ServiceError::NotFound,
        EditError::AtStart => ServiceError::Refused("move_at_start"),
        EditError::AtEnd => ServiceError::Refused("move_at_end"),
        EditError::NoParent => ServiceError::Refused("indent_no_parent"),
        EditError::TopLevel => ServiceError::Refused("outdent_top_level"),
        EditError::TooDeep => ServiceError::Refused("too_deep"),
        EditError::SectionExists => ServiceError::Refused("section_exists"),
        EditError::SectionRequired => ServiceError::Refused("section_required"),
    }
}

fn clean_text(text: &str) -> Result<String, ServiceError> {
    let mut e = FieldErrors::default();
    check_clause_text("text", text, &mut e);
    e.into_result()?;
    Ok(text.trim().to_string())
}

fn snapshot(content: &Content, clause_id: &str) -> serde_json::Value {
    match content.find(clause_id) {
        Some(l) => {
            json!({ "clause_id": clause_id, "number": l.number, "section": l.section.kind, "text": l.clause.text })
        }
        None => json!({ "clause_id": clause_id }),
    }
}

/// Applies an edit inside an open write transaction. `expected` is the
/// client's revision; `None` skips the check (for bulk library updates).
pub fn apply_with(
    conn: &mut DbConn,
    journal: &mut Journal,
    owner: &Owner,
    expected: Option<i64>,
    edit: &Edit,
) -> Result<Applied, ServiceError> {
    let loaded = load(conn, owner)?;
    // Any edit of a version in agreement sends it back to draft, voiding the round's visas.
    if let Some(status) = loaded.status {
        crate::domain::workflow::status_after_edit(status)
            .map_err(|_| ServiceError::Refused("version_not_editable"))?;
    }
    if let Some(expected) = expected
        && expected != loaded.revision
    {
        return Err(ServiceError::Stale {
            current: loaded.revision,
            changes: changes_since(conn, owner, expected)?,
        });
    }
    let mut content = loaded.content;
    let before_content = content.clone();
    let mut created_id = None;
    let (action, before, after) = match edit {
        Edit::AddClause {
            section_id,
            parent_id,
            text,
            library_id,
        } => {
            let (text, library) = match (library_id, text) {
                (Some(lib), _) => {
                    let l = LibraryClause::get(conn, lib).map_err(|e| match e {
                        ServiceError::NotFound => FieldErrors::single("library_id", "unknown_reference").into(),
                        other => other,
                    })?;
                    (
                        l.text,
                        Some(LibraryLink {
                            clause_id: l.id,
                            revision: l.revision,
                        }),
                    )
                }
                (None, Some(t)) => (clean_text(t)?, None),
                (None, None) => return Err(FieldErrors::single("text", "required").into()),
            };
            let id = new_id();
            let clause = Clause {
                id: id.clone(),
                text,
                library,
                children: Vec::new(),
            };
            content
                .add_clause(section_id, parent_id.as_deref(), clause)
                .map_err(edit_error)?;
            created_id = Some(id.clone());
            ("clause_added", serde_json::Value::Null, snapshot(&content, &id))
        }
        Edit::SetText { clause_id, text } => {
            let text = clean_text(text)?;
            content.set_text(clause_id, &text).map_err(edit_error)?;
            (
                "clause_changed",
                snapshot(&before_content, clause_id),
                snapshot(&content, clause_id),
            )
        }
        Edit::RemoveClause { clause_id } => {
            let removed = content.remove_clause(clause_id).map_err(edit_error)?;
            let mut before = snapshot(&before_content, clause_id);
            before["sub_clauses"] = json!(removed.children.len());
            ("clause_removed", before, serde_json::Value::Null)
        }
        Edit::MoveClause { clause_id, direction } => {
            content.move_clause(clause_id, *direction).map_err(edit_error)?;
            let mut after = snapshot(&content, clause_id);
            after["direction"] = json!(direction);
            ("clause_moved", snapshot(&before_content, clause_id), after)
        }
        Edit::UpdateFromLibrary { clause_id } => {
            let link = before_content
                .find(clause_id)
                .ok_or(ServiceError::NotFound)?
                .clause
                .library
                .clone()
                .ok_or(ServiceError::Refused("clause_not_from_library"))?;
            let lib = LibraryClause::get(conn, &link.clause_id)?;
            content
                .relink(
                    clause_id,
                    &lib.text,
                    LibraryLink {
                        clause_id: lib.id.clone(),
                        revision: lib.revision,
                    },
                )
                .map_err(edit_error)?;
            (
                "clause_library_updated",
                snapshot(&before_content, clause_id),
                snapshot(&content, clause_id),
            )
        }
        Edit::AddSection { kind } => {
            let id = new_id();
            content.add_section(id.clone(), *kind).map_err(edit_error)?;
            created_id = Some(id.clone());
            (
                "section_added",
                serde_json::Value::Null,
                json!({ "section_id": id, "kind": kind }),
            )
        }
        Edit::RemoveSection { section_id } => {
            let s = content.remove_section(section_id).map_err(edit_error)?;
            (
                "section_removed",
                json!({ "section_id": section_id, "kind": s.kind, "heading": s.heading, "clauses": s.clauses.len() }),
                serde_json::Value::Null,
            )
        }
        Edit::RenameSection {
            section_id,
            heading,
            numbered,
        } => {
            let mut e = FieldErrors::default();
            e.text("heading", heading, 200);
            e.into_result()?;
            let old = content
                .rename_section(section_id, heading.trim(), *numbered)
                .map_err(edit_error)?;
            (
                "section_renamed",
                json!({ "section_id": section_id, "heading": old }),
                json!({ "section_id": section_id, "heading": heading.trim(), "numbered": numbered }),
            )
        }
    };
    let revision = save(conn, journal.at(), owner, &content, loaded.revision)?;
    if let Some(status) = loaded.status.filter(|s| *s != Status::Draft) {
        super::workflow::returned_to_draft(conn, journal, owner.id(), status)?;
    }
    // Every entry says which revision it produced, so a stale client can be told what changed.
    let mut after = if after.is_null() { json!({}) } else { after };
    after["revision"] = json!(revision);
    let before = if before.is_null() { None } else { Some(before) };
    journal.record(conn, owner.entity(), owner.id(), action, before.as_ref(), Some(&after))?;
    Ok(Applied { revision, created_id })
}

/// An edit made by someone else since a client's revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StaleChange {
    pub revision: i64,
    pub actor: String,
    pub action: String,
    #[schema(value_type = String)]
    pub at: chrono::NaiveDateTime,
    /// Clause number and text after the edit (before it, for a removal).
    pub number: Option<String>,
    pub text: Option<String>,
}

/// The edits of a text after revision `since`, oldest first.
pub fn changes_since(conn: &mut DbConn, owner: &Owner, since: i64) -> Result<Vec<StaleChange>, ServiceError> {
    let mut out: Vec<StaleChange> = super::journal::recent(conn, Some(owner.id()), 200)?
        .into_iter()
        .filter(|e| e.entity == owner.entity())
        .filter_map(|e| {
            let after: serde_json::Value = serde_json::from_str(e.after_json.as_deref()?).ok()?;
            let revision = after.get("revision")?.as_i64()?;
            if revision <= since {
                return None;
            }
            let before: serde_json::Value = e
                .before_json
                .as_deref()
                .and_then(|b| serde_json::from_str(b).ok())
                .unwrap_or_default();
            let pick = |k: &str| {
                after
                    .get(k)
                    .or_else(|| before.get(k))
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            Some(StaleChange {
                revision,
                actor: e.actor,
                action: e.action,
                at: e.at,
                number: pick("number"),
                text: pick("text"),
            })
        })
        .collect();
    out.sort_by_key(|c| c.revision);
    Ok(out)
}

/// Applies one edit in its own transaction.
pub fn apply(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    owner: &Owner,
    expected: i64,
    edit: &Edit,
) -> Result<Applied, ServiceError> {
    write_tx(conn, clock, actor, |conn, journal| {
        apply_with(conn, journal, owner, Some(expected), edit)
    })
}

/// A text that uses a library clause.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Usage {
    /// `version` or `template`.
    pub owner: &'static str,
    pub id: String,
    pub title: String,
    pub status: Option<Status>,
    pub clause_ids: Vec<String>,
    /// Linked clauses that copied an older library revision.
    pub outdated_clause_ids: Vec<String>,
}

/// Every current text (templates, and versions not superseded or withdrawn) that links to `library_id`.
pub fn usages(conn: &mut DbConn, library_id: &str) -> Result<Vec<Usage>, ServiceError> {
    let current = crate::db::schema::library_clauses::table
        .find(library_id)
        .select(crate::db::schema::library_clauses::revision)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0);
    let mut out = Vec::new();
    let outdated = |content: &Content, ids: &[String]| -> Vec<String> {
        ids.iter()
            .filter(|id| {
                content
                    .find(id)
                    .and_then(|l| l.clause.library.as_ref().map(|k| k.revision < current))
                    .unwrap_or(false)
            })
            .cloned()
            .collect()
    };
    let tpl: Vec<(String, String, String)> = templates::table
        .select((templates::id, templates::name, templates::content))
        .load(conn)?;
    for (id, name, json) in tpl {
        let owner = Owner::Template(id.clone());
        let content = parse_content(&owner, &json)?;
        let ids = super::library::linked_clauses(&content, library_id);
        if !ids.is_empty() {
            out.push(Usage {
                owner: "template",
                outdated_clause_ids: outdated(&content, &ids),
                id,
                title: name,
                status: None,
                clause_ids: ids,
            });
        }
    }
    for v in super::documents::current_versions(conn)? {
        let ids = super::library::linked_clauses(&v.content, library_id);
        if !ids.is_empty() {
            out.push(Usage {
                owner: "version",
                outdated_clause_ids: outdated(&v.content, &ids),
                id: v.id,
                title: format!("{}, ред. {}", v.position_title, v.number),
                status: Some(v.status),
                clause_ids: ids,
            });
        }
    }
    Ok(out)
}

/// Brings every editable text (templates and drafts) up to the library clause's
/// current text, in one transaction; returns how many texts changed.
pub fn propagate(conn: &mut DbConn, clock: &Clock, actor: &str, library_id: &str) -> Result<usize, ServiceError> {
    write_tx(conn, clock, actor, |conn, journal| {
        let mut changed = 0;
        for u in usages(conn, library_id)? {
            if u.outdated_clause_ids.is_empty() || u.status.is_some_and(|s| !s.is_editable()) {
                continue;
            }
            let owner = match u.owner {
                "template" => Owner::Template(u.id.clone()),
                _ => Owner::Version(u.id.clone()),
            };
            for clause_id in &u.outdated_clause_ids {
                apply_with(
                    conn,
                    journal,
                    &owner,
                    None,
                    &Edit::UpdateFromLibrary {
                        clause_id: clause_id.clone(),
                    },
                )?;
            }
            changed += 1;
        }
        Ok(changed)
    })
}
