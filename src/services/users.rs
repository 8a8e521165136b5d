//! User accounts.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::crud::{unique_as_field, Resource};
use super::{Page, Paged, ServiceError};
use crate::db::schema::{employees, users};
use crate::db::DbConn;
use crate::domain::account::{hash_password, Role, User, UserInput, ValidUser};
use crate::domain::validation::FieldErrors;

type Row = (String, String, String, Option<String>);
const COLUMNS: (users::id, users::login, users::roles, users::employee_id) =
    (users::id, users::login, users::roles, users::employee_id);

fn to_users(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<User>, ServiceError> {
    let ids: Vec<&String> = rows.iter().filter_map(|r| r.3.as_ref()).collect();
    let names: HashMap<String, String> = super::employees::full_names(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(id, login, roles, employee_id)| User {
            id,
            login,
            roles: Role::parse_list(&roles),
            employee_name: employee_id.as_ref().and_then(|e| names.get(e).cloned()),
            employee_id,
        })
        .collect())
}

fn check(conn: &mut DbConn, input: &UserInput, creating: bool) -> Result<ValidUser, ServiceError> {
    let u = input.clean(creating)?;
    if let Some(emp) = &u.employee_id
        && !crate::exists!(conn, employees, emp)?
    {
        return Err(FieldErrors::single("employee_id", "unknown_reference").into());
    }
    Ok(u)
}

fn hash(password: &str) -> Result<String, ServiceError> {
    hash_password(password).map_err(|e| ServiceError::Internal(format!("password hashing: {e}")))
}

/// Finds a user by login.
pub fn by_login(conn: &mut DbConn, login: &str) -> Result<Option<(User, String)>, ServiceError> {
    let row: Option<(String, String, String, Option<String>, String)> = users::table
        .filter(users::login.eq(login.trim().to_lowercase()))
        .select((
            users::id,
            users::login,
            users::roles,
            users::employee_id,
            users::password_hash,
        ))
        .first(conn)
        .optional()?;
    let Some((id, login, roles, employee_id, password_hash)) = row else {
        return Ok(None);
    };
    let user = to_users(conn, vec![(id, login, roles, employee_id)])?
        .pop()
        .ok_or(ServiceError::NotFound)?;
    Ok(Some((user, password_hash)))
}

/// Number of accounts.
pub fn count(conn: &mut DbConn) -> Result<i64, ServiceError> {
    Ok(users::table.count().get_result(conn)?)
}

impl Resource for User {
    type Input = UserInput;
    const ENTITY: &'static str = "user";

    fn id(&self) -> &str {
        &self.id
    }

    fn list(conn: &mut DbConn, page: Page) -> Result<Paged<Self>, ServiceError> {
        let total = users::table.count().get_result(conn)?;
        let rows = users::table
            .order(users::login.asc())
            .limit(page.per_page)
            .offset(page.offset())
            .select(COLUMNS)
            .load(conn)?;
        Ok(Paged {
            items: to_users(conn, rows)?,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    fn get(conn: &mut DbConn, id: &str) -> Result<Self, ServiceError> {
        let row = users::table.find(id).select(COLUMNS).first(conn)?;
        to_users(conn, vec![row])?.pop().ok_or(ServiceError::NotFound)
    }

    fn insert(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &UserInput) -> Result<(), ServiceError> {
        let u = check(conn, input, true)?;
        let password = u
            .password
            .as_deref()
            .ok_or_else(|| FieldErrors::single("password", "required"))?;
        diesel::insert_into(users::table)
            .values((
                users::id.eq(id),
                users::login.eq(&u.login),
                users::password_hash.eq(hash(password)?),
                users::roles.eq(Role::join(&u.roles)),
                users::employee_id.eq(&u.employee_id),
                users::updated_at.eq(at),
            ))
            .execute(conn)
            .map_err(unique_as_field("login"))?;
        Ok(())
    }

    fn update(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &UserInput) -> Result<(), ServiceError> {
        let u = check(conn, input, false)?;
        diesel::update(users::table.find(id))
            .set((
                users::login.eq(&u.login),
                users::roles.eq(Role::join(&u.roles)),
                users::employee_id.eq(&u.employee_id),
                users::updated_at.eq(at),
            ))
            .execute(conn)
            .map_err(unique_as_field("login"))?;
        if let Some(p) = &u.password {
            diesel::update(users::table.find(id))
                .set(users::password_hash.eq(hash(p)?))
                .execute(conn)?;
        }
        Ok(())
    }

    fn delete(conn: &mut DbConn, id: &str) -> Result<(), ServiceError> {
        diesel::delete(users::table.find(id)).execute(conn)?;
        Ok(())
    }
}
