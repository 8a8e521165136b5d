//! In-app notifications: reminders to acknowledge a job description, and overdue
//! acknowledgements escalated to the head of the department. Each reminder is a
//! change-log entry, so who was reminded of what, and when, is on record.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::journal::write_tx;
use super::{acknowledgements, new_id, versions, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{notifications, positions, users};
use crate::db::DbConn;
use crate::domain::account::User;

/// A notification as its reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: String,
    pub text: String,
    pub link: Option<String>,
    /// When it was sent, as people read it.
    pub at: String,
}

/// What a reminder did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Reminded {
    /// Employees notified in the system.
    pub notified: usize,
    /// Employees who have no account: HR reminds them in person.
    pub without_account: Vec<String>,
    /// Notifications to heads of the department about overdue acknowledgements.
    pub escalated: usize,
    /// Overdue acknowledgements whose department has no head with an account.
    pub no_head: bool,
}

/// Reminds everyone who has not acknowledged `version_id`, and tells the heads of the
/// position's department about those past their due date.
pub fn remind(conn: &mut DbConn, clock: &Clock, actor: &User, version_id: &str) -> Result<Reminded, ServiceError> {
    let t = crate::i18n::organisation();
    write_tx(conn, clock, &actor.login, |conn, journal| {
        let today = journal.today();
        let version = versions::get(conn, version_id)?;
        let unsigned: Vec<_> = acknowledgements::of_versions(conn, &[version_id.to_string()])?
            .into_iter()
            .filter(|a| a.signed_at.is_none())
            .collect();
        if unsigned.is_empty() {
            return Err(ServiceError::Refused("nobody_to_remind"));
        }
        let employees: Vec<&str> = unsigned.iter().map(|a| a.employee_id.as_str()).collect();
        let accounts: Vec<(String, Option<String>)> = users::table
            .filter(users::employee_id.eq_any(&employees))
            .filter(users::active.eq(true))
            .select((users::id, users::employee_id))
            .load(conn)?;
        let mut out = Reminded::default();
        let mut rows = Vec::new();
        for a in &unsigned {
            let due = a.due_date.format("%d.%m.%Y").to_string();
            let readers: Vec<&String> = accounts
                .iter()
                .filter(|(_, e)| e.as_deref() == Some(a.employee_id.as_str()))
                .map(|(u, _)| u)
                .collect();
            if readers.is_empty() {
                out.without_account.push(a.employee_name.clone());
            } else {
                out.notified += 1;
            }
            let text = t
                .get("notify.remind")
                .replace("{title}", &version.position_title)
                .replace("{due}", &due);
            for u in readers {
                rows.push((u.clone(), text.clone(), format!("/acknowledgements/{}", a.id)));
            }
        }
        let overdue: Vec<_> = unsigned.iter().filter(|a| a.due_date < today).collect();
        if !overdue.is_empty() {
            let heads = department_heads(conn, version_id, today)?;
            out.no_head = heads.is_empty();
            for a in &overdue {
                let text = t
                    .get("notify.overdue")
                    .replace("{name}", &a.employee_name)
                    .replace("{title}", &version.position_title)
                    .replace("{due}", &a.due_date.format("%d.%m.%Y").to_string());
                for h in &heads {
                    rows.push((h.clone(), text.clone(), "/coverage".to_string()));
                    out.escalated += 1;
                }
            }
        }
        for (user_id, text, link) in &rows {
            notify(conn, journal.at(), user_id, text, link)?;
        }
        journal.note(
            conn,
            "version",
            version_id,
            "reminded",
            &json!({ "notified": out.notified, "without_account": out.without_account, "escalated": out.escalated }),
        )?;
        Ok(out)
    })
}

/// Leaves `text` for `user_id`, linking to the page it is about.
pub fn notify(conn: &mut DbConn, at: NaiveDateTime, user_id: &str, text: &str, link: &str) -> Result<(), ServiceError> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(new_id()),
            notifications::user_id.eq(user_id),
            notifications::text.eq(text),
            notifications::link.eq(Some(link)),
            notifications::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Users who hold, today, a manager's position in the department of the version's
/// position: the heads an overdue acknowledgement is escalated to.
fn department_heads(
    conn: &mut DbConn,
    version_id: &str,
    today: chrono::NaiveDate,
) -> Result<Vec<String>, ServiceError> {
    let position = versions::position_of(conn, version_id)?;
    let department: String = positions::table
        .find(&position)
        .select(positions::department_id)
        .first(conn)?;
    let managers: Vec<String> = positions::table
        .filter(positions::department_id.eq(&department))
        .filter(positions::category.eq("manager"))
        .select(positions::id)
        .load(conn)?;
    let holders = acknowledgements::holders(conn, &managers, today)?;
    let heads: BTreeSet<String> = users::table
        .filter(users::employee_id.eq_any(&holders))
        .filter(users::active.eq(true))
        .select(users::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    Ok(heads.into_iter().collect())
}

/// The caller's unread notifications, newest first (at most `limit`).
pub fn unread(conn: &mut DbConn, clock: &Clock, user_id: &str, limit: i64) -> Result<Vec<Notification>, ServiceError> {
    let rows: Vec<(String, String, Option<String>, NaiveDateTime)> = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .order(notifications::created_at.desc())
        .limit(limit)
        .select((
            notifications::id,
            notifications::text,
            notifications::link,
            notifications::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, text, link, at)| Notification {
            id,
            text,
            link,
            at: clock.stamp(at),
        })
        .collect())
}

/// Marks all of the caller's notifications read; returns how many were unread.
pub fn mark_read(conn: &mut DbConn, clock: &Clock, user: &User) -> Result<usize, ServiceError> {
    write_tx(conn, clock, &user.login, |conn, journal| {
        let n = diesel::update(
            notifications::table
                .filter(notifications::user_id.eq(user.id.as_str()))
                .filter(notifications::read_at.is_null()),
        )
        .set(notifications::read_at.eq(Some(journal.at())))
        .execute(conn)?;
        if n > 0 {
            // The dashboard is kept per change-log head: the entry also retires it.
            journal.note(
                conn,
                "user",
                user.id.as_str(),
                "notifications_read",
                &json!({ "count": n }),
            )?;
        }
        Ok(n)
    })
}
