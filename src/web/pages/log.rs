//! The change log: integrity check and the latest entries.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use crate::services::journal;
use crate::web::auth::CurrentUser;
use crate::web::error::{AppError, PageError};
use crate::web::queries::LogQuery;
use crate::web::resources::LOG_READERS;
use crate::web::routes::{Access, Router};
use crate::web::state::AppState;
use crate::web::templates::{base_context, render};

/// Registers the change log page.
pub fn routes(r: &mut Router) {
    r.nav_page("/log", Access::Roles(LOG_READERS), "nav.log", show).page(
        Method::GET,
        "/log/{seq}",
        Access::Roles(LOG_READERS),
        entry,
    );
}

/// How many entries the page shows: what was changed is on each entry's own page,
/// the list stays light however large the stored texts are.
const SHOWN: i64 = 50;

/// The log page.
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    query: web::Query<LogQuery>,
) -> Result<HttpResponse, PageError> {
    let before = query.before;
    let (verdict, entries) = state
        .with_clock(move |c, clock| {
            Ok((
                journal::verify_and_checkpoint(c, clock, false)?,
                journal::before(c, before, SHOWN)?,
            ))
        })
        .await?;
    let mut ctx = base_context(Some(&user.0), &session)?;
    match verdict {
        Ok(v) => ctx.insert("verified", &v.through),
        Err(b) => {
            ctx.insert("broken_seq", &b.seq);
            ctx.insert("broken_reason", b.reason);
        }
    }
    // Entries with the time as people read it (the organisation's zone); what they
    // recorded is on each entry's page.
    let entries: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            serde_json::json!({ "seq": e.seq, "at": state.clock.stamp(e.at), "actor": e.actor,
                                "entity": e.entity, "action": e.action })
        })
        .collect();
    // Older entries follow from the last one shown (a sequence number, so a page
    // stays the same while new entries arrive).
    let oldest = entries.last().map(|e| e["seq"].clone());
    if entries.len() as i64 == SHOWN && oldest.as_ref().and_then(|s| s.as_i64()).is_some_and(|s| s > 1) {
        ctx.insert("older", &oldest);
    }
    ctx.insert("paged", &before.is_some());
    ctx.insert("entries", &entries);
    Ok(render(StatusCode::OK, "log.html", ctx)?)
}

/// One entry of the log with what it recorded before and after.
pub async fn entry(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let seq: i64 = path.into_inner().parse().map_err(|_| AppError::NotFound)?;
    let e = state.db(move |c| journal::entry(c, seq)).await?;
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("at", &state.clock.stamp(e.at));
    ctx.insert("e", &e);
    Ok(render(StatusCode::OK, "log_entry.html", ctx)?)
}
