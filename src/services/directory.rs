//! Accounts that come from the directory: made at the first sign-in, their roles,
//! address and employee following the directory at every sign-in after.

use diesel::prelude::*;

use super::journal::write_tx;
use super::{new_id, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{employees, users};
use crate::db::DbConn;
use crate::domain::account::{Role, User, UserId};
use crate::domain::directory::{Person, RoleMap};
use crate::domain::mail::clean_address;
use crate::services::crud::Resource;

/// The directory people sign in at, and which of its groups gives which role.
pub struct DirectorySignIn {
    pub server: std::sync::Arc<dyn crate::domain::directory::Directory>,
    pub roles: RoleMap,
}

/// Who signs in at the change log for accounts the directory made or changed.
const ACTOR: &str = "directory";

/// The local account of a person the directory accepted, made or brought up to date.
/// Refused (`directory_no_role`) when none of their groups gives a role, and
/// (`account_disabled`) when an administrator disabled the account here.
pub fn admit(conn: &mut DbConn, clock: &Clock, person: &Person, map: &RoleMap) -> Result<User, ServiceError> {
    let login = person.login.trim().to_lowercase();
    let mut roles = map.roles_for(&person.groups);
    let existing: Option<(UserId, bool, Option<String>)> = users::table
        .filter(users::login.eq(&login))
        .select((users::id, users::active, users::directory_dn))
        .first(conn)
        .optional()?;
    if let Some((_, active, dn)) = &existing {
        // A local account of the same login is never taken over by the directory.
        if dn.is_none() {
            return Err(ServiceError::Refused("bad_credentials"));
        }
        if !active {
            return Err(ServiceError::Refused("account_disabled"));
        }
    }
    if roles.is_empty() {
        return Err(ServiceError::Refused("directory_no_role"));
    }
    let employee_id: Option<String> = match &person.personnel_number {
        Some(n) => employees::table
            .filter(employees::personnel_number.eq(n))
            .select(employees::id)
            .first(conn)
            .optional()?,
        None => None,
    };
    let email = person.email.as_deref().and_then(|e| clean_address(e).ok().flatten());
    match existing {
        Some((id, ..)) => {
            let before = User::get(conn, id.as_str())?;
            // The directory may not take the last administrator's rights away: the
            // system would be left with no one to manage it.
            if before.has(Role::Admin) && !roles.contains(&Role::Admin) {
                match super::users::keep_an_admin(conn, id.as_str(), false) {
                    Ok(()) => {}
                    Err(ServiceError::Refused(_)) => {
                        tracing::warn!(login, "the directory's groups drop the last administrator: admin kept");
                        roles.push(Role::Admin);
                        roles.sort();
                    }
                    Err(e) => return Err(e),
                }
            }
            let changed = before.roles != roles
                || before.email != email
                || before.directory_dn.as_deref() != Some(person.dn.as_str())
                || (employee_id.is_some() && before.employee_id != employee_id);
            if !changed {
                return Ok(before);
            }
            write_tx(conn, clock, ACTOR, |conn, journal| {
                if before.roles != roles {
                    // New rights: other sessions of the account sign in again.
                    super::sessions::end_all(conn, &id)?;
                }
                diesel::update(users::table.find(id.as_str()))
                    .set((
                        users::roles.eq(Role::join(&roles)),
                        users::email.eq(&email),
                        users::directory_dn.eq(&person.dn),
                        users::employee_id.eq(employee_id.clone().or(before.employee_id.clone())),
                        users::updated_at.eq(journal.at()),
                    ))
                    .execute(conn)?;
                let after = User::get(conn, id.as_str())?;
                journal.record(conn, "user", id.as_str(), "directory_sync", Some(&before), Some(&after))?;
                Ok(after)
            })
        }
        None => {
            let id = new_id();
            write_tx(conn, clock, ACTOR, |conn, journal| {
                diesel::insert_into(users::table)
                    .values((
                        users::id.eq(&id),
                        users::login.eq(&login),
                        // No local password: the account signs in at the directory only.
                        users::password_hash.eq(""),
                        users::roles.eq(Role::join(&roles)),
                        users::employee_id.eq(&employee_id),
                        users::email.eq(&email),
                        users::directory_dn.eq(&person.dn),
                        users::updated_at.eq(journal.at()),
                    ))
                    .execute(conn)?;
                let after = User::get(conn, &id)?;
                journal.record(conn, "user", &id, "create", None::<&User>, Some(&after))?;
                Ok(after)
            })
        }
    }
}
