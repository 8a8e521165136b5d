//! Templates: structured starting points for job descriptions, one per category at least.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::crud::{unique_as_field, Resource};
use super::{new_id, Page, Paged, ServiceError};
use crate::db::schema::templates as t;
use crate::db::DbConn;
use crate::domain::document::{Content, Section, SectionKind};
use crate::domain::structure::Category;
use crate::domain::validation::{clean_opt, FieldErrors, NAME_MAX};

/// A template as listed (its text is edited like a draft's).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub category: Option<Category>,
    pub revision: i64,
    pub clause_count: usize,
}

/// Name and category of a template.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TemplateInput {
    #[serde(default)]
    pub name: String,
    /// `manager`, `specialist`, `clerk`, `worker`, or empty for any.
    #[serde(default)]
    pub category: Option<String>,
}

impl TemplateInput {
    fn clean(&self) -> Result<(String, Option<Category>), FieldErrors> {
        let mut e = FieldErrors::default();
        e.text("name", &self.name, NAME_MAX);
        let category = match clean_opt(&self.category) {
            None => None,
            Some(c) => {
                let parsed = Category::parse(&c);
                if parsed.is_none() {
                    e.add("category", "unknown_category");
                }
                parsed
            }
        };
        e.into_result()?;
        Ok((self.name.trim().to_string(), category))
    }
}

/// The sections a new blank template starts with.
pub fn blank_content() -> Content {
    let kinds = [
        SectionKind::General,
        SectionKind::Duties,
        SectionKind::Rights,
        SectionKind::Responsibility,
        SectionKind::Safety,
        SectionKind::Final,
    ];
    Content {
        language: Default::default(),
        sections: kinds
            .into_iter()
            .map(|kind| Section {
                id: new_id(),
                kind,
                heading: kind.default_heading().to_string(),
                numbered: true,
                clauses: Vec::new(),
            })
            .collect(),
    }
}

/// A row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = t)]
struct TemplateRow {
    id: String,
    name: String,
    category: Option<String>,
    revision: i64,
    content: String,
}

fn to_template(
    TemplateRow {
        id,
        name,
        category,
        revision,
        content,
    }: TemplateRow,
) -> Result<Template, ServiceError> {
    let content: Content =
        serde_json::from_str(&content).map_err(|e| ServiceError::Internal(format!("template {id}: {e}")))?;
    Ok(Template {
        clause_count: content.clause_count(),
        category: category.as_deref().and_then(Category::parse),
        id,
        name,
        revision,
    })
}

/// Inserts a template with a given text (for shipped content and copies).
pub fn insert_with_content(
    conn: &mut DbConn,
    at: NaiveDateTime,
    id: &str,
    name: &str,
    category: Option<Category>,
    content: &Content,
) -> Result<(), ServiceError> {
    let json = serde_json::to_string(content).map_err(|e| ServiceError::Internal(e.to_string()))?;
    diesel::insert_into(t::table)
        .values((
            t::id.eq(id),
            t::name.eq(name),
            t::category.eq(category.map(Category::as_str)),
            t::content.eq(json),
            t::revision.eq(1),
            t::updated_at.eq(at),
        ))
        .execute(conn)
        .map_err(unique_as_field("name"))?;
    Ok(())
}

/// Every template, by name (for pickers).
pub fn all(conn: &mut DbConn) -> Result<Vec<Template>, ServiceError> {
    let rows: Vec<TemplateRow> = t::table
        .order(t::name.asc())
        .select(TemplateRow::as_select())
        .load(conn)?;
    rows.into_iter().map(to_template).collect()
}

impl Resource for Template {
    type Input = TemplateInput;
    const ENTITY: &'static str = "template";

    fn id(&self) -> &str {
        &self.id
    }

    fn list(conn: &mut DbConn, page: Page) -> Result<Paged<Self>, ServiceError> {
        let total = t::table.count().get_result(conn)?;
        let rows: Vec<TemplateRow> = t::table
            .order((t::name.asc(), t::id.asc()))
            .limit(page.per_page)
            .offset(page.offset())
            .select(TemplateRow::as_select())
            .load(conn)?;
        Ok(Paged {
            items: rows.into_iter().map(to_template).collect::<Result<_, _>>()?,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    fn get(conn: &mut DbConn, id: &str) -> Result<Self, ServiceError> {
        to_template(t::table.find(id).select(TemplateRow::as_select()).first(conn)?)
    }

    fn insert(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &TemplateInput) -> Result<(), ServiceError> {
        let (name, category) = input.clean()?;
        insert_with_content(conn, at, id, &name, category, &blank_content())
    }

    fn update(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &TemplateInput) -> Result<(), ServiceError> {
        let (name, category) = input.clean()?;
        diesel::update(t::table.find(id))
            .set((
                t::name.eq(&name),
                t::category.eq(category.map(Category::as_str)),
                t::updated_at.eq(at),
            ))
            .execute(conn)
            .map_err(unique_as_field("name"))?;
        Ok(())
    }

    fn delete(conn: &mut DbConn, id: &str) -> Result<(), ServiceError> {
        diesel::delete(t::table.find(id)).execute(conn)?;
        Ok(())
    }
}
