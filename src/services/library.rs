//! The clause library: reusable clauses, their search, and where documents use them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::crud::Resource;
use super::{texts, versions, Page, Paged, ServiceError};
use crate::db::schema::{library_clauses as lc, templates};
use crate::db::DbConn;
use crate::domain::document::{Content, SectionKind};
use crate::domain::library::{linked_clauses, matches, LibraryClause, LibraryInput, Source};
use crate::domain::structure::Category;
use crate::domain::version::Status;
use serde::Serialize;

/// A library clause row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = lc)]
struct ClauseRow {
    id: String,
    section_kind: String,
    categories: String,
    source: String,
    text: String,
    revision: i64,
}

fn to_clause(r: ClauseRow) -> Result<LibraryClause, ServiceError> {
    let ClauseRow {
        id,
        section_kind: section,
        categories,
        source,
        text,
        revision,
    } = r;
    let bad = |what: &str| ServiceError::Internal(format!("library clause {id}: bad {what}"));
    Ok(LibraryClause {
        section: SectionKind::parse(&section).ok_or_else(|| bad("section"))?,
        categories: categories
            .split(',')
            .filter(|c| !c.is_empty())
            .filter_map(Category::parse)
            .collect(),
        source: Source::parse(&source).ok_or_else(|| bad("source"))?,
        id,
        text,
        revision,
    })
}

/// What to look for in the library.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub words: String,
    pub section: Option<SectionKind>,
    pub category: Option<Category>,
}

/// The category of the position whose job description `version_id` is a version of.
pub fn category_of_version(
    conn: &mut DbConn,
    version_id: &str,
) -> Result<crate::domain::structure::Category, ServiceError> {
    use super::crud::Resource;
    let position = super::versions::position_of(conn, version_id)?;
    Ok(crate::domain::structure::Position::get(conn, &position)?.category)
}

/// Library clauses matching the query, by section then text.
pub fn search(conn: &mut DbConn, q: &Query, page: Page) -> Result<Paged<LibraryClause>, ServiceError> {
    let mut query = lc::table.into_boxed();
    if let Some(s) = q.section {
        query = query.filter(lc::section_kind.eq(s.as_str()));
    }
    let rows: Vec<ClauseRow> = query.select(ClauseRow::as_select()).load(conn)?;
    // Word-form matching and Cyrillic case folding happen here, not in SQL
    // (SQLite's lower() folds ASCII only); the library is small enough.
    let mut found: Vec<LibraryClause> = rows
        .into_iter()
        .map(to_clause)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|c| {
            q.category
                .is_none_or(|cat| c.categories.is_empty() || c.categories.contains(&cat))
        })
        .filter(|c| matches(&c.text, &q.words))
        .collect();
    found.sort_by(|a, b| a.section.cmp(&b.section).then_with(|| a.text.cmp(&b.text)));
    Ok(Paged::cut(found, page))
}

/// Every library clause by id, for checking links.
pub fn revisions(conn: &mut DbConn) -> Result<std::collections::HashMap<String, i64>, ServiceError> {
    Ok(lc::table
        .select((lc::id, lc::revision))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect())
}

impl Resource for LibraryClause {
    type Input = LibraryInput;
    const ENTITY: &'static str = "library_clause";

    fn id(&self) -> &str {
        &self.id
    }

    fn list(conn: &mut DbConn, page: Page) -> Result<Paged<Self>, ServiceError> {
        search(conn, &Query::default(), page)
    }

    fn get(conn: &mut DbConn, id: &str) -> Result<Self, ServiceError> {
        to_clause(lc::table.find(id).select(ClauseRow::as_select()).first(conn)?)
    }

    fn insert(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &LibraryInput) -> Result<(), ServiceError> {
        let v = input.clean()?;
        diesel::insert_into(lc::table)
            .values((
                lc::id.eq(id),
                lc::section_kind.eq(v.section.as_str()),
                lc::categories.eq(v.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")),
                lc::source.eq(v.source.as_str()),
                lc::text.eq(&v.text),
                lc::revision.eq(1),
                lc::updated_at.eq(at),
            ))
            .execute(conn)?;
        Ok(())
    }

    fn update(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &LibraryInput) -> Result<(), ServiceError> {
        let v = input.clean()?;
        let old = Self::get(conn, id)?;
        // Only a change of text makes linked documents outdated.
        let revision = if old.text == v.text {
            old.revision
        } else {
            old.revision + 1
        };
        diesel::update(lc::table.find(id))
            .set((
                lc::section_kind.eq(v.section.as_str()),
                lc::categories.eq(v.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")),
                lc::source.eq(v.source.as_str()),
                lc::text.eq(&v.text),
                lc::revision.eq(revision),
                lc::updated_at.eq(at),
            ))
            .execute(conn)?;
        Ok(())
    }

    fn delete(conn: &mut DbConn, id: &str) -> Result<(), ServiceError> {
        if !usages(conn, id)?.is_empty() {
            return Err(ServiceError::Refused("library_clause_in_use"));
        }
        diesel::delete(lc::table.find(id)).execute(conn)?;
        Ok(())
    }
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
    let current = lc::table
        .find(library_id)
        .select(lc::revision)
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
        let owner = texts::Owner::Template(id.clone());
        let content = texts::parse_content(&owner, &json)?;
        let ids = linked_clauses(&content, library_id);
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
    for v in versions::current(conn)? {
        let ids = linked_clauses(&v.content, library_id);
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
