//! User accounts.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::crud::{unique_as_field, Resource};
use super::{Page, Paged, ServiceError};
use crate::db::schema::{assignments, employees, positions, users};
use crate::db::DbConn;
use crate::domain::account::{hash_password, Role, User, UserId, UserInput, ValidUser};
use crate::domain::validation::FieldErrors;

/// A row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: UserId,
    login: String,
    roles: String,
    employee_id: Option<String>,
    active: bool,
    email: Option<String>,
    mail_digest: bool,
    directory_dn: Option<String>,
    locale: String,
}

fn to_users(conn: &mut DbConn, rows: Vec<UserRow>) -> Result<Vec<User>, ServiceError> {
    let ids: Vec<&String> = rows.iter().filter_map(|r| r.employee_id.as_ref()).collect();
    let names: HashMap<String, String> = super::employees::full_names(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(
            |UserRow {
                 id,
                 login,
                 roles,
                 employee_id,
                 active,
                 email,
                 mail_digest,
                 directory_dn,
                 locale,
             }| User {
                id,
                login,
                roles: Role::parse_list(&roles),
                employee_name: employee_id.as_ref().and_then(|e| names.get(e).cloned()),
                employee_id,
                active,
                email,
                mail_digest,
                directory_dn,
                locale,
            },
        )
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

/// Active users with an address who want the daily digest.
pub fn digest_readers(conn: &mut DbConn) -> Result<Vec<User>, ServiceError> {
    let rows = users::table
        .filter(users::active.eq(true))
        .filter(users::mail_digest.eq(true))
        .filter(users::email.is_not_null())
        .order(users::login.asc())
        .select(UserRow::as_select())
        .load(conn)?;
    to_users(conn, rows)
}

/// Finds a user by login.
pub fn by_login(conn: &mut DbConn, login: &str) -> Result<Option<(User, String)>, ServiceError> {
    let row: Option<(UserRow, String)> = users::table
        .filter(users::login.eq(login.trim().to_lowercase()))
        .select((UserRow::as_select(), users::password_hash))
        .first(conn)
        .optional()?;
    let Some((row, password_hash)) = row else {
        return Ok(None);
    };
    let user = to_users(conn, vec![row])?.pop().ok_or(ServiceError::NotFound)?;
    Ok(Some((user, password_hash)))
}

/// Refuses a change that would leave no active administrator.
pub(super) fn keep_an_admin(conn: &mut DbConn, id: &str, still_admin: bool) -> Result<(), ServiceError> {
    if still_admin {
        return Ok(());
    }
    let others: Vec<String> = users::table
        .filter(users::id.ne(id))
        .filter(users::active.eq(true))
        .select(users::roles)
        .load(conn)?;
    if others.iter().any(|r| Role::parse_list(r).contains(&Role::Admin)) {
        Ok(())
    } else {
        Err(ServiceError::Refused("last_admin"))
    }
}

/// Sets the language of a person's pages (`ru` or `en`); an unknown code is a field error.
pub fn set_locale(
    conn: &mut DbConn,
    clock: &crate::clock::Clock,
    actor: &str,
    id: &UserId,
    locale: &str,
) -> Result<User, ServiceError> {
    let Some(locale) = crate::i18n::Locale::parse(locale) else {
        return Err(FieldErrors::single("locale", "unknown_locale").into());
    };
    let id = id.as_str();
    super::journal::write_tx(conn, clock, actor, |conn, journal| {
        let before = User::get(conn, id)?;
        if before.locale != locale.code() {
            diesel::update(users::table.find(id))
                .set(users::locale.eq(locale.code()))
                .execute(conn)?;
            journal.note(
                conn,
                User::ENTITY,
                id,
                "locale",
                &serde_json::json!({ "locale": locale.code() }),
            )?;
        }
        User::get(conn, id)
    })
}

/// Disables or enables an account; disabling ends its sessions and tokens.
pub fn set_active(
    conn: &mut DbConn,
    clock: &crate::clock::Clock,
    actor: &str,
    id: &UserId,
    active: bool,
) -> Result<User, ServiceError> {
    let id = id.as_str();
    super::journal::write_tx(conn, clock, actor, |conn, journal| {
        let before = User::get(conn, id)?;
        if !active && before.has(Role::Admin) {
            keep_an_admin(conn, id, false)?;
        }
        diesel::update(users::table.find(id))
            .set((users::active.eq(active), users::updated_at.eq(journal.at())))
            .execute(conn)?;
        if !active {
            super::sessions::end_all(conn, &UserId::from(id))?;
        }
        let after = User::get(conn, id)?;
        let action = if active { "enable" } else { "disable" };
        journal.record(conn, User::ENTITY, id, action, Some(&before), Some(&after))?;
        Ok(after)
    })
}

/// Number of accounts.
pub fn count(conn: &mut DbConn) -> Result<i64, ServiceError> {
    Ok(users::table.count().get_result(conn)?)
}

impl Resource for User {
    type Input = UserInput;
    const ENTITY: &'static str = "user";

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn list(conn: &mut DbConn, page: Page) -> Result<Paged<Self>, ServiceError> {
        let total = users::table.count().get_result(conn)?;
        let rows = users::table
            .order(users::login.asc())
            .limit(page.per_page)
            .offset(page.offset())
            .select(UserRow::as_select())
            .load(conn)?;
        Ok(Paged {
            items: to_users(conn, rows)?,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    fn get(conn: &mut DbConn, id: &str) -> Result<Self, ServiceError> {
        let row = users::table.find(id).select(UserRow::as_select()).first(conn)?;
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
                users::email.eq(&u.email),
                users::updated_at.eq(at),
            ))
            .execute(conn)
            .map_err(unique_as_field("login"))?;
        Ok(())
    }

    fn update(conn: &mut DbConn, at: NaiveDateTime, id: &str, input: &UserInput) -> Result<(), ServiceError> {
        let u = check(conn, input, false)?;
        let before = User::get(conn, id)?;
        if before.has(Role::Admin) && before.active {
            keep_an_admin(conn, id, u.roles.contains(&Role::Admin))?;
        }
        // New rights or a new password: whoever holds an old session or token signs in again.
        if before.roles != u.roles || u.password.is_some() {
            super::sessions::end_all(conn, &UserId::from(id))?;
        }
        diesel::update(users::table.find(id))
            .set((
                users::login.eq(&u.login),
                users::roles.eq(Role::join(&u.roles)),
                users::employee_id.eq(&u.employee_id),
                users::email.eq(&u.email),
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
        use crate::db::schema::substitutes;
        let before = User::get(conn, id)?;
        if before.has(Role::Admin) && before.active {
            keep_an_admin(conn, id, false)?;
        }
        let substitutions: bool = diesel::select(diesel::dsl::exists(
            substitutes::table.filter(substitutes::user_id.eq(id).or(substitutes::substitute_id.eq(id))),
        ))
        .get_result(conn)?;
        if substitutions {
            return Err(ServiceError::Refused("user_has_substitutes"));
        }
        // Routes name users by id inside their JSON.
        let in_route: bool = diesel::select(diesel::dsl::exists(
            crate::db::schema::department_routes::table
                .filter(crate::db::schema::department_routes::route.like(format!("%\"{id}\"%"))),
        ))
        .get_result(conn)?;
        if in_route {
            return Err(ServiceError::Refused("user_in_route"));
        }
        diesel::delete(users::table.find(id)).execute(conn)?;
        Ok(())
    }
}

/// Logins of users by id, for showing who did what.
pub fn logins(conn: &mut DbConn, ids: &[&UserId]) -> Result<HashMap<UserId, String>, ServiceError> {
    Ok(users::table
        .filter(users::id.eq_any(ids.iter().map(|i| i.as_str())))
        .select((users::id, users::login))
        .load::<(UserId, String)>(conn)?
        .into_iter()
        .collect())
}

/// A person to choose in a form: login, name and position.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    pub login: String,
    pub name: String,
    pub position: String,
}

/// Active users holding `role` (and any of `also`, whatever their role), by name: the
/// people a route form offers.
pub fn people_with(conn: &mut DbConn, role: Role, also: &[String]) -> Result<Vec<Person>, ServiceError> {
    let rows: Vec<(UserId, String, String)> = users::table
        .filter(users::active.eq(true))
        .filter(
            users::roles
                .like(format!("%{}%", role.as_str()))
                .or(users::login.eq_any(also)),
        )
        .select((users::id, users::login, users::roles))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, login, roles) in rows {
        if !Role::parse_list(&roles).contains(&role) && !also.contains(&login) {
            continue;
        }
        let Signatory { name, position } = signatory(conn, &id)?;
        out.push(Person { login, name, position });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.login.cmp(&b.login)));
    Ok(out)
}

/// The ids of the users with these logins, by login.
pub fn ids_by_login(conn: &mut DbConn, logins: &[String]) -> Result<HashMap<String, UserId>, ServiceError> {
    let mut out = HashMap::new();
    for chunk in logins.chunks(super::versions::CHUNK) {
        let rows: Vec<(String, UserId)> = users::table
            .filter(users::login.eq_any(chunk))
            .select((users::login, users::id))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Ids of the users with these logins.
pub fn ids_of_logins(conn: &mut DbConn, logins: &[String]) -> Result<Vec<UserId>, ServiceError> {
    Ok(users::table
        .filter(users::login.eq_any(logins))
        .select(users::id)
        .load(conn)?)
}

/// The user with this id, if it still exists and is not disabled.
pub fn active_user(conn: &mut DbConn, id: &str) -> Result<Option<User>, ServiceError> {
    match User::get(conn, id) {
        Ok(u) if u.active => Ok(Some(u)),
        Ok(_) | Err(ServiceError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// How a user is printed on a document: the linked employee's name and position.
pub struct Signatory {
    pub name: String,
    pub position: String,
}

impl Signatory {
    /// «Name, Position», or the name alone when there is no position.
    pub fn shown(&self) -> String {
        if self.position.is_empty() {
            self.name.clone()
        } else {
            format!("{}, {}", self.name, self.position)
        }
    }
}

/// A user's printed name and position: the linked employee's, else the login.
pub fn signatory(conn: &mut DbConn, user_id: &UserId) -> Result<Signatory, ServiceError> {
    let user: Option<(String, Option<String>)> = users::table
        .filter(users::id.eq(user_id))
        .select((users::login, users::employee_id))
        .first(conn)
        .optional()?;
    let Some((login, employee)) = user else {
        return Ok(Signatory {
            name: user_id.to_string(),
            position: String::new(),
        });
    };
    let Some(employee) = employee else {
        return Ok(Signatory {
            name: login,
            position: String::new(),
        });
    };
    let name: Option<(String, String, String)> = employees::table
        .find(&employee)
        .select((employees::surname, employees::name, employees::patronymic))
        .first(conn)
        .optional()?;
    let title: Option<String> = assignments::table
        .inner_join(positions::table.on(positions::id.eq(assignments::position_id)))
        .filter(assignments::employee_id.eq(&employee))
        .filter(assignments::date_to.is_null())
        .select(positions::title)
        .first(conn)
        .optional()?;
    let full = name
        .map(|(s, n, p)| format!("{s} {n} {p}").trim().to_string())
        .unwrap_or(login);
    let mut position = title.unwrap_or_default();
    if let Some(first) = position.chars().next() {
        position = first.to_uppercase().chain(position.chars().skip(1)).collect();
    }
    Ok(Signatory { name: full, position })
}
