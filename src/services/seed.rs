//! Shipped content: the clause library and the category templates from `fixtures/`,
//! loaded once into a database that has neither.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::crud::create_with;
use super::journal::write_tx;
use super::rules::Rules;
use super::{new_id, templates, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{library_clauses, templates as templates_t};
use crate::db::DbConn;
use crate::domain::document::{Clause, Content, LibraryLink, Section, SectionKind};
use crate::domain::library::{LibraryClause, LibraryInput};
use crate::domain::structure::Category;

const LIBRARY_JSON: &str = include_str!("../../fixtures/library.json");
const TEMPLATES_JSON: &str = include_str!("../../fixtures/templates.json");

#[derive(Deserialize)]
struct SeedClause {
    key: String,
    section: String,
    categories: Vec<String>,
    source: String,
    text: String,
}

#[derive(Deserialize)]
struct SeedTemplate {
    name: String,
    category: String,
    #[serde(default)]
    language: crate::domain::language::DocLanguage,
    sections: Vec<SeedSection>,
}

#[derive(Deserialize)]
struct SeedSection {
    kind: String,
    heading: String,
    numbered: bool,
    clauses: Vec<SeedItem>,
}

#[derive(Deserialize)]
struct SeedItem {
    #[serde(default)]
    library: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    children: Vec<SeedItem>,
}

fn bad(what: String) -> ServiceError {
    ServiceError::Internal(format!("shipped fixtures: {what}"))
}

fn build_clause(item: &SeedItem, library: &HashMap<String, LibraryClause>) -> Result<Clause, ServiceError> {
    let (text, link) = match (&item.library, &item.text) {
        (Some(key), _) => {
            let l = library
                .get(key)
                .ok_or_else(|| bad(format!("unknown library key {key}")))?;
            (
                l.text.clone(),
                Some(LibraryLink {
                    clause_id: l.id.clone(),
                    revision: l.revision,
                }),
            )
        }
        (None, Some(t)) => (t.clone(), None),
        (None, None) => return Err(bad("a clause with neither library nor text".into())),
    };
    Ok(Clause {
        id: new_id(),
        text,
        library: link,
        children: item
            .children
            .iter()
            .map(|c| build_clause(c, library))
            .collect::<Result<_, _>>()?,
    })
}

/// Loads the shipped library and templates if the database has no library and no templates.
/// Returns true when it loaded them.
pub fn ensure_shipped_content(conn: &mut DbConn, clock: &Clock, rules: &Rules) -> Result<bool, ServiceError> {
    write_tx(conn, clock, "system", |conn, journal| {
        let has_library: i64 = library_clauses::table.count().get_result(conn)?;
        let has_templates: i64 = templates_t::table.count().get_result(conn)?;
        if has_library > 0 || has_templates > 0 {
            return Ok(false);
        }
        let seeds: Vec<SeedClause> =
            serde_json::from_str(LIBRARY_JSON).map_err(|e| bad(format!("library.json: {e}")))?;
        let mut library = HashMap::new();
        for s in seeds {
            let input = LibraryInput {
                section: s.section,
                categories: s.categories,
                source: s.source,
                text: s.text,
            };
            let created = create_with::<LibraryClause>(conn, journal, rules, &input)
                .map_err(|e| bad(format!("{}: {e:?}", s.key)))?;
            library.insert(s.key, created);
        }
        let seeds: Vec<SeedTemplate> =
            serde_json::from_str(TEMPLATES_JSON).map_err(|e| bad(format!("templates.json: {e}")))?;
        for tpl in seeds {
            let sections = tpl
                .sections
                .iter()
                .map(|s| {
                    Ok(Section {
                        id: new_id(),
                        kind: SectionKind::parse(&s.kind).ok_or_else(|| bad(format!("section kind {}", s.kind)))?,
                        heading: s.heading.clone(),
                        numbered: s.numbered,
                        clauses: s
                            .clauses
                            .iter()
                            .map(|c| build_clause(c, &library))
                            .collect::<Result<_, _>>()?,
                    })
                })
                .collect::<Result<Vec<_>, ServiceError>>()?;
            let content = Content {
                language: tpl.language,
                sections,
            };
            let id = new_id();
            let category = Category::parse(&tpl.category);
            templates::insert_with_content(conn, journal.at(), &id, &tpl.name, category, &content)?;
            journal.note(
                conn,
                "template",
                &id,
                "create",
                &json!({
                "name": tpl.name, "category": tpl.category, "clauses": content.clause_count() }),
            )?;
        }
        Ok(true)
    })
}
