//! Employees: people who hold positions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::crud::{unique_as_field, Resource};
use super::{Page, Paged, ServiceError};
use crate::db::schema::{assignments, employees, users};
use crate::db::DbConn;
use crate::domain::staff::{Employee, EmployeeInput};

/// A row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = employees)]
struct EmployeeRow {
    id: String,
    surname: String,
    name: String,
    patronymic: String,
    personnel_number: String,
    email: Option<String>,
}

fn to_employee(
    EmployeeRow {
        id,
        surname,
        name,
        patronymic,
        personnel_number,
        email,
    }: EmployeeRow,
) -> Employee {
    Employee {
        id,
        surname,
        name,
        patronymic,
        personnel_number,
        email,
    }
}

/// "Фамилия Имя Отчество" of some employees, by id.
pub fn full_names(
    conn: &mut DbConn,
    ids: &[&String],
) -> Result<std::collections::HashMap<String, String>, ServiceError> {
    let rows: Vec<EmployeeRow> = employees::table
        .filter(employees::id.eq_any(ids))
        .select(EmployeeRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(to_employee)
        .map(|e| (e.id.clone(), e.full_name()))
        .collect())
}

/// Every employee, by surname (for pickers).
pub fn all(conn: &mut DbConn) -> Result<Vec<Employee>, ServiceError> {
    let rows: Vec<EmployeeRow> = employees::table
        .order((employees::surname.asc(), employees::name.asc()))
        .select(EmployeeRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(to_employee).collect())
}

/// The stored columns of an employee, written the same way on create and change.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = employees, treat_none_as_null = true)]
struct Changes<'a> {
    surname: &'a str,
    name: &'a str,
    patronymic: &'a str,
    personnel_number: &'a str,
    email: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> Changes<'a> {
    fn of(e: &'a EmployeeInput, at: NaiveDateTime) -> Self {
        Changes {
            surname: &e.surname,
            name: &e.name,
            patronymic: e.patronymic.as_deref().unwrap_or(""),
            personnel_number: &e.personnel_number,
            email: e.email.as_deref(),
            updated_at: at,
        }
    }
}

impl Resource for Employee {
    type Input = EmployeeInput;
    const ENTITY: &'static str = "employee";

    fn id(&self) -> &str {
        &self.id
    }

    fn list(conn: &mut DbConn, page: Page) -> Result<Paged<Self>, ServiceError> {
        let total = employees::table.count().get_result(conn)?;
        let rows: Vec<EmployeeRow> = employees::table
            .order((employees::surname.asc(), employees::name.asc(), employees::id.asc()))
            .limit(page.per_page)
            .offset(page.offset())
            .select(EmployeeRow::as_select())
            .load(conn)?;
        Ok(Paged {
            items: rows.into_iter().map(to_employee).collect(),
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    fn get(conn: &mut DbConn, id: &str) -> Result<Self, ServiceError> {
        Ok(to_employee(
            employees::table.find(id).select(EmployeeRow::as_select()).first(conn)?,
        ))
    }

    fn insert(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &EmployeeInput) -> Result<(), ServiceError> {
        let e = input.clean()?;
        diesel::insert_into(employees::table)
            .values((employees::id.eq(id), Changes::of(&e, at)))
            .execute(conn)
            .map_err(unique_as_field("personnel_number"))?;
        Ok(())
    }

    fn update(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &EmployeeInput) -> Result<(), ServiceError> {
        let e = input.clean()?;
        diesel::update(employees::table.find(id))
            .set(Changes::of(&e, at))
            .execute(conn)
            .map_err(unique_as_field("personnel_number"))?;
        Ok(())
    }

    fn delete(conn: &mut DbConn, id: &str) -> Result<(), ServiceError> {
        let assigned: bool = diesel::select(diesel::dsl::exists(
            assignments::table.filter(assignments::employee_id.eq(id)),
        ))
        .get_result(conn)?;
        if assigned {
            return Err(ServiceError::Refused("employee_has_assignments"));
        }
        let has_user: bool =
            diesel::select(diesel::dsl::exists(users::table.filter(users::employee_id.eq(id)))).get_result(conn)?;
        if has_user {
            return Err(ServiceError::Refused("employee_has_user"));
        }
        use crate::db::schema::acknowledgements as ack;
        let acknowledged: bool =
            diesel::select(diesel::dsl::exists(ack::table.filter(ack::employee_id.eq(id)))).get_result(conn)?;
        if acknowledged {
            return Err(ServiceError::Refused("employee_has_acknowledgements"));
        }
        diesel::delete(employees::table.find(id)).execute(conn)?;
        Ok(())
    }
}
