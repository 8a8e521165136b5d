//! The first page after signing in: what there is and what waits, by role.

use actix_session::Session;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::clock::Clock;
use crate::domain::account::User;
use crate::domain::staff::{Assignment, Employee};
use crate::domain::structure::{Department, Position};
use crate::i18n::strings;
use crate::services::inbox::WaitingCache;
use crate::services::{assignments, organization, Page, ServiceError};
use crate::web::auth::{CurrentUser, ReadAt};
use crate::web::error::PageError;
use crate::web::kept;
use crate::web::resources::{WebResource, STRUCTURE_VIEW};
use crate::web::routes::{Access, Router};
use crate::web::state::AppState;

/// Registers the dashboard.
pub fn routes(r: &mut Router) {
    r.nav_page("/", Access::Authenticated, "nav.dashboard", show);
}

#[derive(Serialize)]
struct Count {
    href: String,
    label: String,
    count: i64,
}

fn count<R: WebResource>(conn: &mut crate::db::DbConn) -> Result<Count, ServiceError> {
    Ok(Count {
        href: format!("/{}", R::PATH),
        label: strings().get(&format!("title.{}", R::PATH)),
        count: R::list(conn, Page::new(Some(1), Some(1)))?.total,
    })
}

struct Summary {
    organization: Option<String>,
    positions: Vec<String>,
    counts: Vec<Count>,
    tasks: Vec<crate::services::inbox::Task>,
    in_flight: Vec<crate::services::inbox::InFlight>,
    notifications: Vec<crate::services::notifications::Notification>,
}

fn summary(
    conn: &mut crate::db::DbConn,
    clock: &Clock,
    waiting: &WaitingCache,
    user: &User,
) -> Result<Summary, ServiceError> {
    let today = clock.today();
    let organization = organization::get(conn)?.map(|o| o.short_name);
    let positions = match &user.employee_id {
        Some(id) => assignments::current_titles(conn, id, today)?,
        None => Vec::new(),
    };
    let counts = if Access::Roles(STRUCTURE_VIEW).allows(Some(user)) {
        vec![
            count::<Department>(conn)?,
            count::<Position>(conn)?,
            count::<Employee>(conn)?,
            count::<Assignment>(conn)?,
        ]
    } else {
        Vec::new()
    };
    let (tasks, in_flight) = if Access::Roles(crate::web::resources::DOC_EDIT).allows(Some(user)) {
        crate::services::inbox::inbox_and_in_flight(conn, clock, waiting, user)?
    } else {
        (crate::services::inbox::inbox(conn, clock, waiting, user)?, Vec::new())
    };
    let notifications = crate::services::notifications::unread(conn, clock, user.id.as_str(), NOTIFICATIONS_SHOWN)?;
    Ok(Summary {
        organization,
        positions,
        counts,
        tasks,
        in_flight,
        notifications,
    })
}

/// How many unread notifications the dashboard lists.
const NOTIFICATIONS_SHOWN: i64 = 20;

/// How many tasks and versions in flight the dashboard lists.
const SHOWN: usize = 20;

/// The dashboard.
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    read_at: ReadAt,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let key = kept::key(&req, &user.0, state.today());
    let turn = match kept::get(&state.views.pages, read_at, &key, &session).await? {
        kept::Lookup::Kept(page) => return Ok(page),
        kept::Lookup::Build(turn) => turn,
    };
    let (u, waiting) = (user.0.clone(), state.waiting.clone());
    let s = state
        .with_clock(move |c, clock| summary(c, clock, &waiting, &u))
        .await?;
    let mut ctx = kept::context(&user.0, &session)?;
    ctx.insert("organization", &s.organization);
    ctx.insert("positions", &s.positions);
    ctx.insert("counts", &s.counts);
    ctx.insert("notifications", &s.notifications);
    // The most urgent first; a long list belongs to the API (`/api/v1/inbox`), not to this page.
    let (mut tasks, mut in_flight) = (s.tasks, s.in_flight);
    tasks.sort_by_key(|t| t.due_date);
    in_flight.sort_by_key(|f| std::cmp::Reverse(f.days));
    ctx.insert("more_tasks", &tasks.len().saturating_sub(SHOWN));
    ctx.insert("more_in_flight", &in_flight.len().saturating_sub(SHOWN));
    tasks.truncate(SHOWN);
    in_flight.truncate(SHOWN);
    ctx.insert("tasks", &tasks);
    ctx.insert("in_flight", &in_flight);
    Ok(kept::keep(
        turn,
        &state.views.pages,
        read_at,
        &key,
        "dashboard.html",
        ctx,
        &session,
    )?)
}
