//! Browser sessions kept in the database: the cookie holds a random secret, the table
//! its SHA-256. Any instance can end a session, and an ended one stays ended.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::ServiceError;
use crate::db::schema::{api_tokens, change_log_head, sessions};
use crate::db::DbConn;
use crate::domain::account::{random_secret, token_hash, User, UserId};

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct Lifetime {
    /// Unused this long, a session ends.
    pub idle: Duration,
    /// A session ends this long after sign-in.
    pub absolute: Duration,
}

/// Where a request came from, as recorded with sessions and sign-ins.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub address: String,
    pub user_agent: String,
}

impl Client {
    /// The stored form: bounded lengths, no control characters.
    pub fn new(address: &str, user_agent: &str) -> Client {
        let clean = |s: &str, n: usize| s.chars().filter(|c| !c.is_control()).take(n).collect::<String>();
        Client {
            address: clean(address, 100),
            user_agent: clean(user_agent, 500),
        }
    }
}

/// One signed-in session, as its owner sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    #[schema(value_type = String)]
    pub created_at: NaiveDateTime,
    #[schema(value_type = String)]
    pub last_seen_at: NaiveDateTime,
    pub address: String,
    pub user_agent: String,
}

/// `last_seen_at` is written at most this often, so reading pages does not mean a write each time.
const TOUCH_EVERY: i64 = 60;

/// Starts a session for `user`; returns the secret for the cookie (shown nowhere else).
pub fn start(conn: &mut DbConn, now: NaiveDateTime, user: &User, client: &Client) -> Result<String, ServiceError> {
    let secret = random_secret(32);
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(token_hash(&secret)),
            sessions::user_id.eq(&user.id),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::address.eq(&client.address),
            sessions::user_agent.eq(&client.user_agent),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// A live session as read from the database: whose it is, when it started and when it
/// was last seen (after this read's touch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    pub user_id: String,
    pub created: NaiveDateTime,
    pub seen: NaiveDateTime,
}

/// Whether a session last seen by the database at `seen` may be resumed at `now` without
/// asking it again: within its lifetime and before it is due to be touched. A session
/// instance remembers (`services::watch`) is thus read again at least once a minute.
pub fn fresh(created: NaiveDateTime, seen: NaiveDateTime, now: NaiveDateTime, lifetime: Lifetime) -> bool {
    let idle = now - seen;
    idle >= Duration::zero()
        && idle.num_seconds() < TOUCH_EVERY
        && idle <= lifetime.idle
        && now - created <= lifetime.absolute
}

/// The change log's head and the live session of `secret`, read in one query (every
/// request reads both: the head keys the read views); refreshes the session's idle
/// timer, and deletes an expired session.
pub fn resume(
    conn: &mut DbConn,
    now: NaiveDateTime,
    secret: &str,
    lifetime: Lifetime,
) -> Result<(i64, Option<Live>), ServiceError> {
    let id = token_hash(secret);
    let (head, user_id, created, seen): (i64, Option<String>, Option<NaiveDateTime>, Option<NaiveDateTime>) =
        change_log_head::table
            .left_join(sessions::table.on(sessions::id.eq(&id)))
            .filter(change_log_head::id.eq(1))
            .select((
                change_log_head::seq,
                sessions::user_id.nullable(),
                sessions::created_at.nullable(),
                sessions::last_seen_at.nullable(),
            ))
            .first(conn)?;
    let (Some(user_id), Some(created), Some(mut seen)) = (user_id, created, seen) else {
        return Ok((head, None));
    };
    if now - seen > lifetime.idle || now - created > lifetime.absolute {
        crate::services::watch::note_ended();
        diesel::delete(sessions::table.find(&id)).execute(conn)?;
        return Ok((head, None));
    }
    if (now - seen).num_seconds() >= TOUCH_EVERY {
        diesel::update(sessions::table.find(&id))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
        seen = now;
    }
    Ok((head, Some(Live { user_id, created, seen })))
}

/// Ends one session.
pub fn end(conn: &mut DbConn, secret: &str) -> Result<(), ServiceError> {
    crate::services::watch::note_ended();
    diesel::delete(sessions::table.find(token_hash(secret))).execute(conn)?;
    Ok(())
}

/// Ends every session and revokes every API token of a user; returns how many ended.
pub fn end_all(conn: &mut DbConn, user_id: &UserId) -> Result<usize, ServiceError> {
    crate::services::watch::note_ended();
    let s = diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    let t = diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(user_id))).execute(conn)?;
    Ok(s + t)
}

/// A user's open sessions, newest first.
pub fn of_user(conn: &mut DbConn, user_id: &UserId) -> Result<Vec<SessionInfo>, ServiceError> {
    let rows: Vec<(NaiveDateTime, NaiveDateTime, String, String)> = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .order(sessions::last_seen_at.desc())
        .select((
            sessions::created_at,
            sessions::last_seen_at,
            sessions::address,
            sessions::user_agent,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(created_at, last_seen_at, address, user_agent)| SessionInfo {
            created_at,
            last_seen_at,
            address,
            user_agent,
        })
        .collect())
}
