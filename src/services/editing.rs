//! Editing the text of a draft version or a template: one edit, one transaction,
//! one change-log entry, refused when the client's revision is stale.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::crud::Resource;
use super::journal::{write_tx, Journal};
use super::library::usages;
use super::texts::{changes_since, load, save, Owner};
use super::{new_id, versions, ServiceError};
use crate::clock::Clock;
use crate::db::DbConn;
use crate::domain::change_log::Entry;
use crate::domain::document::{Clause, Content, EditError, LibraryLink, Move, Place, SectionKind};
use crate::domain::library::{check_clause_text, still_follows, LibraryClause};
use crate::domain::validation::FieldErrors;
use crate::domain::version::Status;

/// One edit of a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// A new clause at the end of a section, as the last sub-clause of `parent_id`, or
    /// right after `after_id`;
    /// its text is `text`, or the library clause's text (keeping the link).
    AddClause {
        section_id: String,
        #[serde(default)]
        parent_id: Option<String>,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        library_id: Option<String>,
        /// Right after this clause, at its level, instead of at the end.
        #[serde(default)]
        after_id: Option<String>,
    },
    SetText {
        clause_id: String,
        text: String,
    },
    RemoveClause {
        clause_id: String,
    },
    /// Puts a removed clause back where it stood, with its sub-clauses (undo of `remove_clause`).
    RestoreClause {
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
    /// The language the text is written and printed in (`ru`, `bg`).
    SetLanguage {
        language: crate::domain::language::DocLanguage,
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
        EditError::ClauseExists => ServiceError::Refused("clause_exists"),
    }
}

/// What the change log keeps of a removal: enough to show it and to undo it.
#[derive(Deserialize)]
struct Removed {
    clause_id: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    text: String,
    place: Place,
    removed: Clause,
}

/// The removal an entry records, if it is one (entries before undo existed are not).
fn removed_in(e: &Entry, owner: &Owner) -> Option<Removed> {
    (e.entity == owner.entity() && e.action == "clause_removed").then_some(())?;
    serde_json::from_str(e.before_json.as_deref()?).ok()
}

/// The latest removal of a clause from a text: where it stood and what it was.
fn removed_clause(conn: &mut DbConn, owner: &Owner, clause_id: &str) -> Result<(Place, Clause), ServiceError> {
    super::journal::recent(conn, Some(owner.id()), 200)?
        .iter()
        .filter_map(|e| removed_in(e, owner))
        .find(|r| r.clause_id == clause_id)
        .map(|r| (r.place, r.removed))
        .ok_or(ServiceError::NotFound)
}

/// A removal that can still be undone in one step: the text's latest edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removal {
    pub clause_id: String,
    pub section_id: String,
    pub number: String,
    pub text: String,
    /// Who removed it.
    pub actor: String,
}

/// The removal to offer an undo for: the text's latest change-log entry, if it is one.
pub fn last_removal(conn: &mut DbConn, owner: &Owner) -> Result<Option<Removal>, ServiceError> {
    Ok(super::journal::recent(conn, Some(owner.id()), 1)?
        .into_iter()
        .next()
        .and_then(|e| {
            let r = removed_in(&e, owner)?;
            Some(Removal {
                clause_id: r.clause_id,
                section_id: r.place.section_id,
                number: r.number,
                text: r.text,
                actor: e.actor,
            })
        }))
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
            after_id,
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
            match after_id {
                Some(after) => content.insert_after(after, clause),
                None => content.add_clause(section_id, parent_id.as_deref(), clause),
            }
            .map_err(edit_error)?;
            created_id = Some(id.clone());
            ("clause_added", serde_json::Value::Null, snapshot(&content, &id))
        }
        Edit::SetText { clause_id, text } => {
            let text = clean_text(text)?;
            content.set_text(clause_id, &text).map_err(edit_error)?;
            let link = before_content.find(clause_id).and_then(|l| l.clause.library.clone());
            let mut after_edit = snapshot(&content, clause_id);
            if let Some(link) = link {
                let follows = match LibraryClause::get(conn, &link.clause_id) {
                    Ok(l) => still_follows(&text, &l.text),
                    Err(ServiceError::NotFound) => false,
                    Err(e) => return Err(e),
                };
                if !follows {
                    content.unlink(clause_id).map_err(edit_error)?;
                    after_edit["unlinked_from_library"] = json!(link.clause_id);
                }
            }
            ("clause_changed", snapshot(&before_content, clause_id), after_edit)
        }
        Edit::RemoveClause { clause_id } => {
            let place = content.place_of(clause_id).ok_or(ServiceError::NotFound)?;
            let removed = content.remove_clause(clause_id).map_err(edit_error)?;
            let mut before = snapshot(&before_content, clause_id);
            before["sub_clauses"] = json!(removed.children.len());
            // What an undo needs: the clause with its sub-clauses, and where it stood.
            before["place"] = json!(place);
            before["removed"] = json!(removed);
            ("clause_removed", before, serde_json::Value::Null)
        }
        Edit::RestoreClause { clause_id } => {
            let (place, clause) = removed_clause(conn, owner, clause_id)?;
            content.restore_clause(&place, clause).map_err(edit_error)?;
            (
                "clause_restored",
                serde_json::Value::Null,
                snapshot(&content, clause_id),
            )
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
        Edit::SetLanguage { language } => {
            // The same language again changes nothing, so it must not return a text in agreement to draft.
            if content.language == *language {
                return Err(ServiceError::Refused("language_unchanged"));
            }
            let old = std::mem::replace(&mut content.language, *language);
            (
                "language_set",
                json!({ "language": old }),
                json!({ "language": language }),
            )
        }
    };
    let revision = save(conn, journal.at(), owner, &content, loaded.revision)?;
    if let Some(status) = loaded.status.filter(|s| *s != Status::Draft) {
        versions::returned_to_draft(conn, journal, owner.id(), status)?;
    }
    // Every entry says which revision it produced, so a stale client can be told what changed.
    let mut after = if after.is_null() { json!({}) } else { after };
    after["revision"] = json!(revision);
    let before = if before.is_null() { None } else { Some(before) };
    journal.record(conn, owner.entity(), owner.id(), action, before.as_ref(), Some(&after))?;
    Ok(Applied { revision, created_id })
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
