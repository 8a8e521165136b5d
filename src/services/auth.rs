//! Authentication: passwords, API tokens and the first administrator.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::crud;
use super::journal::write_tx;
use super::rules::Rules;
use super::views::HeadCache;
use super::watch::{Caller, Watch};
use super::{new_id, sessions, users, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{api_tokens, change_log_head};
use crate::db::DbConn;
use crate::domain::account::{generate_password, random_secret, token_hash, verify_password, Role, User, UserInput};

/// A hash verified against when a login is unknown, so that the answer
/// takes as long as for a known login.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::domain::account::hash_password(&random_secret(16)).unwrap_or_default())
}

/// Checks a login and password; the same refusal for an unknown login and a wrong password.
/// A local account checks its own password; a login the directory made, or one not
/// known here, is asked of the directory when one is configured.
pub fn authenticate(
    conn: &mut DbConn,
    clock: &Clock,
    directory: Option<&super::directory::DirectorySignIn>,
    login: &str,
    password: &str,
) -> Result<User, ServiceError> {
    let known = users::by_login(conn, login)?;
    if let Some((user, hash)) = &known
        && user.directory_dn.is_none()
    {
        return if !verify_password(password, hash) {
            Err(ServiceError::Refused("bad_credentials"))
        } else if !user.active {
            Err(ServiceError::Refused("account_disabled"))
        } else {
            Ok(user.clone())
        };
    }
    let Some(d) = directory else {
        let _ = verify_password(password, dummy_hash());
        return Err(ServiceError::Refused("bad_credentials"));
    };
    match d.server.sign_in(login, password) {
        Ok(Some(person)) => super::directory::admit(conn, clock, &person, &d.roles),
        Ok(None) => Err(ServiceError::Refused("bad_credentials")),
        Err(e) => {
            tracing::warn!(error = %e, "directory sign-in failed");
            Err(ServiceError::Refused("directory_unavailable"))
        }
    }
}

/// Checks that `password` is the user's own again (an electronic signature): the local
/// password, or for a directory account the directory's. `bad_password` otherwise.
pub fn confirm_password(
    conn: &mut DbConn,
    directory: Option<&super::directory::DirectorySignIn>,
    user: &User,
    password: &str,
) -> Result<(), ServiceError> {
    let confirmed = match (&user.directory_dn, directory) {
        (None, _) => {
            let hash: String = crate::db::schema::users::table
                .find(user.id.as_str())
                .select(crate::db::schema::users::password_hash)
                .first(conn)?;
            verify_password(password, &hash)
        }
        (Some(dn), Some(d)) => match d.server.sign_in(&user.login, password) {
            Ok(Some(person)) => {
                crate::domain::directory::normalize_dn(&person.dn) == crate::domain::directory::normalize_dn(dn)
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "directory unreachable for a signature");
                return Err(ServiceError::Refused("directory_unavailable"));
            }
        },
        (Some(_), None) => false,
    };
    if confirmed {
        Ok(())
    } else {
        Err(ServiceError::Refused("bad_password"))
    }
}

/// What a request proves it is: a browser session's secret or an API token.
pub enum Credential {
    Session {
        secret: String,
        now: NaiveDateTime,
        lifetime: sessions::Lifetime,
    },
    Token(String),
}

impl Credential {
    /// The hash the credential is stored under: a session's id, a token's hash.
    pub fn key(&self) -> String {
        match self {
            Credential::Session { secret, .. } => token_hash(secret),
            Credential::Token(token) => token_hash(token),
        }
    }
}

/// The caller as this instance already knows them (`services::watch`), with the head:
/// no trip to the database. `None` when anything is not known, or not fresh.
pub fn known_caller(
    watch: &Watch,
    users: &HeadCache<Option<User>>,
    credential: &Credential,
) -> Option<Option<(User, i64)>> {
    let head = watch.head()?;
    let known = watch.caller(&credential.key())?;
    if let (Credential::Session { now, lifetime, .. }, Some((created, seen))) = (credential, known.session)
        && !sessions::fresh(created, seen, *now, *lifetime)
    {
        return None;
    }
    let user = users.get(head, &known.user_id)?;
    Some(user.map(|u| (u, head)))
}

/// The active user a credential belongs to, and the change log's head read before
/// them (the key of every read view, `services::views`). Users are kept by head too:
/// a change of roles, activity or name moves the head. What was read is remembered
/// in `watch` for the next request.
pub fn caller(
    conn: &mut DbConn,
    users: &HeadCache<Option<User>>,
    watch: &Watch,
    credential: &Credential,
) -> Result<Option<(User, i64)>, ServiceError> {
    let generation = watch.generation();
    let (head, holder) = match credential {
        Credential::Session { secret, now, lifetime } => {
            let (head, live) = sessions::resume(conn, *now, secret, *lifetime)?;
            let holder = live.map(|l| Caller {
                user_id: l.user_id,
                session: Some((l.created, l.seen)),
            });
            (head, holder)
        }
        Credential::Token(token) => {
            let (head, holder) = token_holder(conn, token)?;
            (head, holder.map(|user_id| Caller { user_id, session: None }))
        }
    };
    watch.moved(head);
    let Some(holder) = holder else { return Ok(None) };
    let user = users.get_or_build(head, &holder.user_id, || users::active_user(conn, &holder.user_id))?;
    watch.remember(generation, &credential.key(), holder);
    Ok(user.map(|u| (u, head)))
}

/// Issues a new API token for `user`; the token is returned once and stored hashed.
pub fn issue_token(conn: &mut DbConn, clock: &Clock, user: &User, name: &str) -> Result<String, ServiceError> {
    let token = format!("jd_{}", random_secret(32));
    let name = name.trim();
    let name = if name.is_empty() { "api" } else { name };
    let mut e = crate::domain::validation::FieldErrors::default();
    e.limit("name", name, 100);
    e.into_result()?;
    write_tx(conn, clock, &user.login, |conn, journal| {
        let id = new_id();
        diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::id.eq(&id),
                api_tokens::user_id.eq(&user.id),
                api_tokens::name.eq(name),
                api_tokens::token_hash.eq(token_hash(&token)),
                api_tokens::created_at.eq(journal.at()),
            ))
            .execute(conn)?;
        let after = serde_json::json!({ "user_id": user.id, "name": name });
        journal.note(conn, "api_token", &id, "create", &after)
    })?;
    Ok(token)
}

/// The change log's head and whose a bearer token is, read in one query.
fn token_holder(conn: &mut DbConn, token: &str) -> Result<(i64, Option<String>), ServiceError> {
    Ok(change_log_head::table
        .left_join(api_tokens::table.on(api_tokens::token_hash.eq(token_hash(token))))
        .filter(change_log_head::id.eq(1))
        .select((change_log_head::seq, api_tokens::user_id.nullable()))
        .first(conn)?)
}

/// On an empty database, creates the `admin` account with a generated
/// password and returns it (to be shown once); otherwise does nothing.
pub fn ensure_first_admin(conn: &mut DbConn, clock: &Clock, rules: &Rules) -> Result<Option<String>, ServiceError> {
    if users::count(conn)? > 0 {
        return Ok(None);
    }
    let password = generate_password();
    let input = UserInput {
        login: "admin".into(),
        password: Some(password.clone()),
        roles: vec![Role::Admin.as_str().into()],
        employee_id: None,
        email: None,
    };
    crud::create::<User>(conn, clock, rules, "system", &input)?;
    Ok(Some(password))
}

/// Sets a new password (CLI `user add` on an existing login uses it too).
pub fn set_password(
    conn: &mut DbConn,
    clock: &Clock,
    actor: &str,
    login: &str,
    password: &str,
) -> Result<(), ServiceError> {
    let (user, _) = users::by_login(conn, login)?.ok_or(ServiceError::NotFound)?;
    let input = UserInput {
        login: user.login.clone(),
        password: Some(password.to_string()),
        roles: user.roles.iter().map(|r| r.as_str().to_string()).collect(),
        employee_id: user.employee_id.clone(),
        email: user.email.clone(),
    };
    crud::update::<User>(conn, clock, actor, user.id.as_str(), &input)?;
    Ok(())
}

/// Deletes one of the user's tokens.
pub fn revoke_token(conn: &mut DbConn, clock: &Clock, user: &User, token: &str) -> Result<(), ServiceError> {
    write_tx(conn, clock, &user.login, |conn, journal| {
        let id: String = api_tokens::table
            .filter(api_tokens::token_hash.eq(token_hash(token)))
            .filter(api_tokens::user_id.eq(&user.id))
            .select(api_tokens::id)
            .first(conn)?;
        crate::services::watch::note_ended();
        diesel::delete(api_tokens::table.find(&id)).execute(conn)?;
        journal.deleted(conn, "api_token", &id, &serde_json::json!({ "user_id": user.id }))
    })
}
