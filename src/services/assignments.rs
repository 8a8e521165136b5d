//! Assignments: which employee holds which position, and when.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::crud::Resource;
use super::{Page, Paged, ServiceError};
use crate::db::schema::{assignments, employees, positions};
use crate::db::DbConn;
use crate::domain::staff::{Assignment, AssignmentInput, ValidAssignment};
use crate::domain::validation::FieldErrors;

/// A row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = assignments)]
struct AssignmentRow {
    id: String,
    employee_id: String,
    position_id: String,
    date_from: NaiveDate,
    date_to: Option<NaiveDate>,
}

fn to_assignments(conn: &mut DbConn, rows: Vec<AssignmentRow>) -> Result<Vec<Assignment>, ServiceError> {
    let emp_ids: Vec<&String> = rows.iter().map(|r| &r.employee_id).collect();
    let names: HashMap<String, String> = super::employees::full_names(conn, &emp_ids)?;
    let pos_ids: Vec<&String> = rows.iter().map(|r| &r.position_id).collect();
    let titles: HashMap<String, String> = positions::table
        .filter(positions::id.eq_any(pos_ids))
        .select((positions::id, positions::title))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |AssignmentRow {
                 id,
                 employee_id,
                 position_id,
                 date_from,
                 date_to,
             }| Assignment {
                id,
                employee_name: names.get(&employee_id).cloned().unwrap_or_default(),
                position_title: titles.get(&position_id).cloned().unwrap_or_default(),
                employee_id,
                position_id,
                date_from,
                date_to,
            },
        )
        .collect())
}

/// The stored columns of an assignment, written the same way on create and change.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = assignments, treat_none_as_null = true)]
struct Changes<'a> {
    employee_id: &'a str,
    position_id: &'a str,
    date_from: NaiveDate,
    date_to: Option<NaiveDate>,
    updated_at: NaiveDateTime,
}

impl<'a> Changes<'a> {
    fn of(a: &'a ValidAssignment, at: NaiveDateTime) -> Self {
        Changes {
            employee_id: &a.employee_id,
            position_id: &a.position_id,
            date_from: a.date_from,
            date_to: a.date_to,
            updated_at: at,
        }
    }
}

fn check(conn: &mut DbConn, input: &AssignmentInput) -> Result<ValidAssignment, ServiceError> {
    let a = input.clean()?;
    let mut e = FieldErrors::default();
    if !crate::exists!(conn, employees, &a.employee_id)? {
        e.add("employee_id", "unknown_reference");
    }
    if !crate::exists!(conn, positions, &a.position_id)? {
        e.add("position_id", "unknown_reference");
    }
    e.into_result()?;
    Ok(a)
}

impl Resource for Assignment {
    type Input = AssignmentInput;
    const ENTITY: &'static str = "assignment";

    fn id(&self) -> &str {
        &self.id
    }

    fn list(conn: &mut DbConn, page: Page) -> Result<Paged<Self>, ServiceError> {
        let total = assignments::table.count().get_result(conn)?;
        let rows = assignments::table
            .order((assignments::date_from.desc(), assignments::id.asc()))
            .limit(page.per_page)
            .offset(page.offset())
            .select(AssignmentRow::as_select())
            .load(conn)?;
        Ok(Paged {
            items: to_assignments(conn, rows)?,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    fn get(conn: &mut DbConn, id: &str) -> Result<Self, ServiceError> {
        let row = assignments::table
            .find(id)
            .select(AssignmentRow::as_select())
            .first(conn)?;
        to_assignments(conn, vec![row])?.pop().ok_or(ServiceError::NotFound)
    }

    fn insert(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &AssignmentInput) -> Result<(), ServiceError> {
        let a = check(conn, input)?;
        diesel::insert_into(assignments::table)
            .values((assignments::id.eq(id), Changes::of(&a, at)))
            .execute(conn)?;
        Ok(())
    }

    fn update(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &AssignmentInput) -> Result<(), ServiceError> {
        let a = check(conn, input)?;
        diesel::update(assignments::table.find(id))
            .set(Changes::of(&a, at))
            .execute(conn)?;
        Ok(())
    }

    fn delete(conn: &mut DbConn, id: &str) -> Result<(), ServiceError> {
        diesel::delete(assignments::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// A new holder of a position with a version in force is asked to acknowledge it.
    fn after_create(
        conn: &mut DbConn,
        journal: &mut super::journal::Journal,
        rules: &super::rules::Rules,
        a: &Assignment,
    ) -> Result<(), ServiceError> {
        super::acknowledgements::request_for_new_holder(conn, journal, rules, a)
    }
}

/// The positions an employee holds on `day`.
pub fn positions_held(conn: &mut DbConn, employee_id: &str, day: NaiveDate) -> Result<Vec<String>, ServiceError> {
    Ok(assignments::table
        .filter(assignments::employee_id.eq(employee_id))
        .filter(assignments::date_from.le(day))
        .filter(assignments::date_to.is_null().or(assignments::date_to.ge(day)))
        .select(assignments::position_id)
        .load(conn)?)
}

/// Titles of the positions an employee holds on `day`.
pub fn current_titles(conn: &mut DbConn, employee_id: &str, day: NaiveDate) -> Result<Vec<String>, ServiceError> {
    let position_ids = positions_held(conn, employee_id, day)?;
    Ok(positions::table
        .filter(positions::id.eq_any(position_ids))
        .order(positions::title.asc())
        .select(positions::title)
        .load(conn)?)
}
