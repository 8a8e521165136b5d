//! What waits for whom: visas, approvals and acknowledgements per user; what is
//! in flight and stuck for HR; reviews that are due.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::views::HeadCache;
use super::{acknowledgements, facts, users, versions, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{jd_versions, job_descriptions as jd, positions};
use crate::db::DbConn;
use crate::domain::account::{User, UserId};
use crate::domain::version::Status;

/// Days an agreer or approver has to act after the version reaches them.
pub const VISA_DAYS: i64 = 5;

/// One task waiting for a user.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Task {
    /// `visa`, `approval` or `acknowledgement`.
    pub kind: &'static str,
    pub version_id: String,
    pub acknowledgement_id: Option<String>,
    pub title: String,
    pub due_date: NaiveDate,
    pub overdue: bool,
    /// The user in whose name the task is done, when acting as substitute.
    pub on_behalf_of: Option<UserId>,
}

/// A version in agreement or awaiting approval.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InFlight {
    pub version_id: String,
    pub title: String,
    pub status: Status,
    /// Logins of those the version waits for.
    pub waiting_for: Vec<String>,
    #[schema(value_type = Option<String>)]
    pub sent_at: Option<NaiveDateTime>,
    pub days: i64,
    /// Waiting longer than the due period.
    pub stuck: bool,
}

/// The versions waiting for someone, judged together, with their titles ("Title, ред. N"),
/// in title order.
fn waiting(conn: &mut DbConn) -> Result<Vec<(facts::Facts, String)>, ServiceError> {
    let statuses = [Status::InAgreement.as_str(), Status::AwaitingApproval.as_str()];
    let titles: Vec<(String, String, i32)> = jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .filter(jd_versions::status.eq_any(statuses))
        .order((positions::title.asc(), jd_versions::number.asc()))
        .select((jd_versions::id, positions::title, jd_versions::number))
        .load(conn)?;
    let states = versions::states_in(conn, &[Status::InAgreement, Status::AwaitingApproval])?;
    let mut by_id: HashMap<String, facts::Facts> = facts::Facts::of_many(conn, states)?
        .into_iter()
        .map(|f| (f.state.id.clone(), f))
        .collect();
    Ok(titles
        .into_iter()
        .filter_map(|(id, title, number)| by_id.remove(&id).map(|f| (f, format!("{title}, ред. {number}"))))
        .collect())
}

/// The versions waiting for someone with their facts, judged together.
type Waiting = Arc<Vec<(facts::Facts, String)>>;

/// The versions waiting for someone, as last read, under the change log's head
/// at that moment (see `services::views`): the inbox and the in-flight list read
/// the head (one row) instead of judging every version in agreement on each request.
#[derive(Debug, Default)]
pub struct WaitingCache {
    views: HeadCache<Waiting>,
}

impl WaitingCache {
    /// The versions waiting now: from the cache while nothing has changed.
    pub fn get(&self, conn: &mut DbConn) -> Result<Waiting, ServiceError> {
        let head = super::journal::head(conn)?.0;
        self.views.get_or_build(head, "", || Ok(Arc::new(waiting(conn)?)))
    }
}

/// Everything waiting for `user` today.
pub fn inbox(conn: &mut DbConn, clock: &Clock, cache: &WaitingCache, user: &User) -> Result<Vec<Task>, ServiceError> {
    let waiting = cache.get(conn)?;
    tasks_of(conn, clock, user, &waiting)
}

/// The dashboard's two lists from one reading of the versions in agreement.
pub fn inbox_and_in_flight(
    conn: &mut DbConn,
    clock: &Clock,
    cache: &WaitingCache,
    user: &User,
) -> Result<(Vec<Task>, Vec<InFlight>), ServiceError> {
    let waiting = cache.get(conn)?;
    Ok((
        tasks_of(conn, clock, user, &waiting)?,
        flights_of(conn, clock, &waiting)?,
    ))
}

fn tasks_of(
    conn: &mut DbConn,
    clock: &Clock,
    user: &User,
    waiting: &[(facts::Facts, String)],
) -> Result<Vec<Task>, ServiceError> {
    let today = clock.today();
    let actor = facts::Actor::load(conn, user, today)?;
    let caller = actor.caller();
    let mut out = Vec::new();
    for (facts, title) in waiting {
        let s = &facts.state;
        let Some(route) = &s.route else { continue };
        let due = s.sent_at.map(|t| clock.date_of(t)).unwrap_or(today) + chrono::Duration::days(VISA_DAYS);
        let mut push = |kind, principal: &UserId| {
            out.push(Task {
                kind,
                version_id: s.id.clone(),
                acknowledgement_id: None,
                title: title.clone(),
                due_date: due,
                overdue: due < today,
                on_behalf_of: (principal != &user.id).then(|| principal.clone()),
            })
        };
        let may = facts.situation().actions(&caller);
        for p in &may.visa_for {
            push("visa", p);
        }
        if may.approve {
            push("approval", &route.approver);
        }
    }
    if let Some(employee) = &user.employee_id {
        for a in acknowledgements::of_employee(conn, employee)? {
            if a.signed_at.is_none() && a.version_status == Status::Approved {
                out.push(Task {
                    kind: "acknowledgement",
                    version_id: a.version_id.clone(),
                    acknowledgement_id: Some(a.id.clone()),
                    title: format!("{}, ред. {}", a.position_title, a.version_number),
                    due_date: a.due_date,
                    overdue: a.due_date < today,
                    on_behalf_of: None,
                });
            }
        }
    }
    Ok(out)
}

/// Every version in agreement or awaiting approval, and whom it waits for.
pub fn in_flight(conn: &mut DbConn, clock: &Clock, cache: &WaitingCache) -> Result<Vec<InFlight>, ServiceError> {
    let waiting = cache.get(conn)?;
    flights_of(conn, clock, &waiting)
}

fn flights_of(
    conn: &mut DbConn,
    clock: &Clock,
    waiting: &[(facts::Facts, String)],
) -> Result<Vec<InFlight>, ServiceError> {
    let today = clock.today();
    let waited: Vec<Vec<UserId>> = waiting.iter().map(|(f, _)| f.situation().waiting_for()).collect();
    let everyone: Vec<&UserId> = waited.iter().flatten().collect::<HashSet<_>>().into_iter().collect();
    let logins = users::logins(conn, &everyone)?;
    Ok(waiting
        .iter()
        .zip(waited)
        .map(|((facts, title), ids)| {
            let s = &facts.state;
            let days = s.sent_at.map(|t| (today - clock.date_of(t)).num_days()).unwrap_or(0);
            InFlight {
                version_id: s.id.clone(),
                title: title.clone(),
                status: s.status,
                waiting_for: ids.iter().filter_map(|id| logins.get(id).cloned()).collect(),
                sent_at: s.sent_at,
                days,
                stuck: days > VISA_DAYS,
            }
        })
        .collect())
}

/// A job description whose review date has passed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewDue {
    pub job_description_id: String,
    pub position_title: String,
    pub review_date: NaiveDate,
}

/// Job descriptions due for review on or before `today`, longest overdue first.
pub fn reviews_due(conn: &mut DbConn, today: NaiveDate) -> Result<Vec<ReviewDue>, ServiceError> {
    Ok(reviews_due_first(conn, today, i64::MAX)?.0)
}

/// The first `n` job descriptions due for review, and how many are due in all.
pub fn reviews_due_first(conn: &mut DbConn, today: NaiveDate, n: i64) -> Result<(Vec<ReviewDue>, i64), ServiceError> {
    let total = jd::table.filter(jd::review_date.le(today)).count().get_result(conn)?;
    let rows: Vec<(String, String, Option<NaiveDate>)> = jd::table
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .filter(jd::review_date.le(today))
        .order((jd::review_date.asc(), jd::id.asc()))
        .limit(n)
        .select((jd::id, positions::title, jd::review_date))
        .load(conn)?;
    let due = rows
        .into_iter()
        .filter_map(|(id, title, date)| {
            date.map(|review_date| ReviewDue {
                job_description_id: id,
                position_title: title,
                review_date,
            })
        })
        .collect();
    Ok((due, total))
}
