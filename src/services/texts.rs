//! The text of a version or a template: loading it, saving it under optimistic
//! locking, and telling a stale client what changed since its revision.

use diesel::prelude::*;
use serde::Serialize;

use super::ServiceError;
use crate::db::schema::{jd_version_texts, jd_versions, templates};
use crate::db::DbConn;
use crate::domain::document::Content;
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

pub fn parse_content(owner: &Owner, json: &str) -> Result<Content, ServiceError> {
    serde_json::from_str(json)
        .map_err(|e| ServiceError::Internal(format!("{} {}: stored content: {e}", owner.entity(), owner.id())))
}

/// Loads the text, its revision and (for versions) status.
pub fn load(conn: &mut DbConn, owner: &Owner) -> Result<Loaded, ServiceError> {
    match owner {
        Owner::Version(id) => {
            let (content, revision, status): (String, i64, String) = jd_versions::table
                .inner_join(jd_version_texts::table.on(jd_version_texts::version_id.eq(jd_versions::id)))
                .filter(jd_versions::id.eq(id))
                .select((jd_version_texts::content, jd_versions::revision, jd_versions::status))
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
pub fn save(
    conn: &mut DbConn,
    at: chrono::NaiveDateTime,
    owner: &Owner,
    content: &Content,
    expected: i64,
) -> Result<i64, ServiceError> {
    let json = serde_json::to_string(content).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let next = expected + 1;
    let updated = match owner {
        Owner::Version(id) => {
            // The revision guards the text: it moves first, and only then the text, together.
            conn.transaction(|conn| {
                let moved = diesel::update(jd_versions::table.find(id).filter(jd_versions::revision.eq(expected)))
                    .set((jd_versions::revision.eq(next), jd_versions::updated_at.eq(at)))
                    .execute(conn)?;
                if moved > 0 {
                    diesel::update(jd_version_texts::table.find(id))
                        .set(jd_version_texts::content.eq(&json))
                        .execute(conn)?;
                }
                Ok::<_, diesel::result::Error>(moved)
            })?
        }
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
