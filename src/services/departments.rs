//! Departments: a tree of structural units.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::crud::Resource;
use super::{Page, Paged, ServiceError};
use crate::db::schema::{departments, positions};
use crate::db::DbConn;
use crate::domain::hierarchy::creates_cycle;
use crate::domain::structure::{Department, DepartmentInput};
use crate::domain::validation::FieldErrors;

/// A row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = departments)]
struct DepartmentRow {
    id: String,
    name: String,
    parent_id: Option<String>,
}

fn with_parent_names(conn: &mut DbConn, rows: Vec<DepartmentRow>) -> Result<Vec<Department>, ServiceError> {
    let ids: Vec<String> = rows.iter().filter_map(|r| r.parent_id.clone()).collect();
    let names: HashMap<String, String> = departments::table
        .filter(departments::id.eq_any(ids))
        .select((departments::id, departments::name))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|DepartmentRow { id, name, parent_id }| Department {
            parent_name: parent_id.as_ref().and_then(|p| names.get(p).cloned()),
            id,
            name,
            parent_id,
        })
        .collect())
}

/// Every department, by name (for pickers).
pub fn all(conn: &mut DbConn) -> Result<Vec<Department>, ServiceError> {
    let rows = departments::table
        .order(departments::name.asc())
        .select(DepartmentRow::as_select())
        .load(conn)?;
    with_parent_names(conn, rows)
}

/// The stored columns of a department, written the same way on create and change.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = departments, treat_none_as_null = true)]
struct Changes<'a> {
    name: &'a str,
    parent_id: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> Changes<'a> {
    fn of(d: &'a DepartmentInput, at: NaiveDateTime) -> Self {
        Changes {
            name: &d.name,
            parent_id: d.parent_id.as_deref(),
            updated_at: at,
        }
    }
}

fn check(conn: &mut DbConn, id: &str, input: &DepartmentInput) -> Result<DepartmentInput, ServiceError> {
    let input = input.clean()?;
    if let Some(parent) = &input.parent_id {
        if !crate::exists!(conn, departments, parent)? {
            return Err(FieldErrors::single("parent_id", "unknown_reference").into());
        }
        let parents: HashMap<String, String> = departments::table
            .filter(departments::parent_id.is_not_null())
            .select((departments::id, departments::parent_id.assume_not_null()))
            .load(conn)?
            .into_iter()
            .collect();
        if creates_cycle(id, Some(parent), &parents) {
            return Err(FieldErrors::single("parent_id", "cycle").into());
        }
    }
    Ok(input)
}

impl Resource for Department {
    type Input = DepartmentInput;
    const ENTITY: &'static str = "department";

    fn id(&self) -> &str {
        &self.id
    }

    fn list(conn: &mut DbConn, page: Page) -> Result<Paged<Self>, ServiceError> {
        let total = departments::table.count().get_result(conn)?;
        let rows = departments::table
            .order((departments::name.asc(), departments::id.asc()))
            .limit(page.per_page)
            .offset(page.offset())
            .select(DepartmentRow::as_select())
            .load(conn)?;
        Ok(Paged {
            items: with_parent_names(conn, rows)?,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    fn get(conn: &mut DbConn, id: &str) -> Result<Self, ServiceError> {
        let row = departments::table
            .find(id)
            .select(DepartmentRow::as_select())
            .first(conn)?;
        with_parent_names(conn, vec![row])?.pop().ok_or(ServiceError::NotFound)
    }

    fn insert(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &DepartmentInput) -> Result<(), ServiceError> {
        let d = check(conn, id, input)?;
        diesel::insert_into(departments::table)
            .values((departments::id.eq(id), Changes::of(&d, at)))
            .execute(conn)?;
        Ok(())
    }

    fn update(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &DepartmentInput) -> Result<(), ServiceError> {
        let d = check(conn, id, input)?;
        diesel::update(departments::table.find(id))
            .set(Changes::of(&d, at))
            .execute(conn)?;
        Ok(())
    }

    fn delete(conn: &mut DbConn, id: &str) -> Result<(), ServiceError> {
        let has_positions: bool = diesel::select(diesel::dsl::exists(
            positions::table.filter(positions::department_id.eq(id)),
        ))
        .get_result(conn)?;
        if has_positions {
            return Err(ServiceError::Refused("department_has_positions"));
        }
        let has_children: bool = diesel::select(diesel::dsl::exists(
            departments::table.filter(departments::parent_id.eq(id)),
        ))
        .get_result(conn)?;
        if has_children {
            return Err(ServiceError::Refused("department_has_children"));
        }
        use crate::db::schema::department_routes as routes;
        let has_route: bool = diesel::select(diesel::dsl::exists(routes::table.find(id))).get_result(conn)?;
        if has_route {
            return Err(ServiceError::Refused("department_has_route"));
        }
        diesel::delete(departments::table.find(id)).execute(conn)?;
        Ok(())
    }
}
