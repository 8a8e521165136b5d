//! Sign-in attempts: every one is recorded, and recent failures throttle the next.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::sessions::Client;
use super::{auth, new_id, ServiceError};
use crate::clock::Clock;
use crate::db::schema::sign_ins;
use crate::db::DbConn;
use crate::domain::account::User;
use crate::domain::throttle;

/// Where the credentials were presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Page,
    Api,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Page => "page",
            Channel::Api => "api",
        }
    }
}

/// One recorded attempt, as an administrator reads it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignIn {
    #[schema(value_type = String)]
    pub at: NaiveDateTime,
    pub login: String,
    pub address: String,
    pub user_agent: String,
    /// `page` or `api`.
    pub channel: String,
    /// `ok`, `bad_credentials`, `account_disabled`, `throttled`, `directory_no_role` or
    /// `directory_unavailable`.
    pub outcome: String,
}

/// Why a sign-in did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Wrong login or password, or a disabled account (`code` says which).
    Refused(&'static str),
    /// Too many recent failures: try again after this wait.
    Throttled(Duration),
}

/// Failure times before the most recent success (throttled attempts do not count).
fn since_success(rows: Vec<(NaiveDateTime, String)>) -> Vec<NaiveDateTime> {
    rows.into_iter()
        .take_while(|(_, o)| o != "ok")
        .map(|(at, _)| at)
        .collect()
}

/// How long the next attempt for this login or from this address must wait, if at all.
pub fn wait(
    conn: &mut DbConn,
    now: NaiveDateTime,
    login: &str,
    address: &str,
) -> Result<Option<Duration>, ServiceError> {
    let recent = sign_ins::at
        .gt(now - throttle::PER_LOGIN.window.max(throttle::PER_ADDRESS.window))
        .and(sign_ins::outcome.ne("throttled"))
        // The directory being down is not the person's failure.
        .and(sign_ins::outcome.ne("directory_unavailable"));
    let by_login = sign_ins::table
        .filter(sign_ins::login.eq(login))
        .filter(recent)
        .order(sign_ins::at.desc())
        .limit(200)
        .select((sign_ins::at, sign_ins::outcome))
        .load(conn)?;
    let by_address = sign_ins::table
        .filter(sign_ins::address.eq(address))
        .filter(recent)
        .order(sign_ins::at.desc())
        .limit(200)
        .select((sign_ins::at, sign_ins::outcome))
        .load(conn)?;
    Ok(
        throttle::wait(throttle::PER_LOGIN, &since_success(by_login), now).max(throttle::wait(
            throttle::PER_ADDRESS,
            &since_success(by_address),
            now,
        )),
    )
}

fn record(
    conn: &mut DbConn,
    now: NaiveDateTime,
    login: &str,
    user_id: Option<&str>,
    client: &Client,
    channel: Channel,
    outcome: &str,
) -> Result<(), ServiceError> {
    diesel::insert_into(sign_ins::table)
        .values((
            sign_ins::id.eq(new_id()),
            sign_ins::at.eq(now),
            sign_ins::login.eq(login),
            sign_ins::user_id.eq(user_id),
            sign_ins::address.eq(&client.address),
            sign_ins::user_agent.eq(&client.user_agent),
            sign_ins::channel.eq(channel.as_str()),
            sign_ins::outcome.eq(outcome),
        ))
        .execute(conn)?;
    Ok(())
}

/// Checks a login and password unless throttled, and records the attempt either way.
pub fn attempt(
    conn: &mut DbConn,
    clock: &Clock,
    directory: Option<&super::directory::DirectorySignIn>,
    login: &str,
    password: &str,
    client: &Client,
    channel: Channel,
) -> Result<Result<User, Refusal>, ServiceError> {
    let now = clock.now();
    // Stored as typed, bounded, so a flood of odd logins cannot bloat the table.
    let login: String = login.trim().to_lowercase().chars().take(100).collect();
    if let Some(w) = wait(conn, now, &login, &client.address)? {
        record(conn, now, &login, None, client, channel, "throttled")?;
        return Ok(Err(Refusal::Throttled(w)));
    }
    match auth::authenticate(conn, clock, directory, &login, password) {
        Ok(user) => {
            record(conn, now, &login, Some(user.id.as_str()), client, channel, "ok")?;
            Ok(Ok(user))
        }
        Err(ServiceError::Refused(code)) => {
            record(conn, now, &login, None, client, channel, code)?;
            Ok(Err(Refusal::Refused(code)))
        }
        Err(e) => Err(e),
    }
}

/// The most recent attempts, newest first.
pub fn recent(conn: &mut DbConn, limit: i64) -> Result<Vec<SignIn>, ServiceError> {
    let rows: Vec<(NaiveDateTime, String, String, String, String, String)> = sign_ins::table
        .order(sign_ins::at.desc())
        .limit(limit.clamp(1, 1000))
        .select((
            sign_ins::at,
            sign_ins::login,
            sign_ins::address,
            sign_ins::user_agent,
            sign_ins::channel,
            sign_ins::outcome,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(at, login, address, user_agent, channel, outcome)| SignIn {
            at,
            login,
            address,
            user_agent,
            channel,
            outcome,
        })
        .collect())
}
