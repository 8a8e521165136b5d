//! Whole pages kept between requests while the change log's head stays where it was
//! (`services::views`): rendered once with a mark where the caller's CSRF token goes,
//! which each request fills in. A page carrying a message for the caller is never kept,
//! and none is served from the cache while a message waits.

use std::sync::Arc;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use tera::Context;

use super::auth::ReadAt;
use super::error::AppError;
use super::session;
use super::templates::{base_context, render_part};
use crate::domain::account::User;
use crate::services::views::HeadCache;

/// Stands for the CSRF token in a kept page. Templates print the token unescaped (it is
/// hex, escaped once more in `base_context`), so text on the page, which is always
/// escaped, can never contain the mark.
pub const CSRF_MARK: &str = "<csrf>";

/// The page kept under `key` at the request's head, answered with the caller's token.
pub fn get(
    cache: &HeadCache<Arc<str>>,
    at: ReadAt,
    key: &str,
    session: &Session,
) -> Result<Option<HttpResponse>, AppError> {
    if session::has_flash(session) {
        return Ok(None);
    }
    cache.get(at.0, key).map(|html| answer(&html, session)).transpose()
}

/// The context of a page to be kept: `base_context` with the mark for the token.
pub fn context(user: &User, session: &Session) -> Result<Context, AppError> {
    let mut ctx = base_context(Some(user), session)?;
    ctx.insert("csrf_token", CSRF_MARK);
    Ok(ctx)
}

/// Renders template `name`, keeps it under `key` (unless it carries a message) and answers it.
pub fn keep(
    cache: &HeadCache<Arc<str>>,
    at: ReadAt,
    key: &str,
    name: &str,
    ctx: Context,
    session: &Session,
) -> Result<HttpResponse, AppError> {
    let has_message = ctx.get("flash").is_some_and(|f| !f.is_null());
    let html = render_part(name, ctx)?;
    if !has_message {
        cache.put(at.0, key, Arc::from(html.as_str()));
    }
    answer(&html, session)
}

fn answer(html: &str, session: &Session) -> Result<HttpResponse, AppError> {
    let token = session::csrf_token(session)?;
    Ok(HttpResponse::build(StatusCode::OK)
        .content_type("text/html; charset=utf-8")
        .body(html.replace(CSRF_MARK, &tera::escape_html(&token))))
}

/// The key of a page as shown to `user` on `day`: its path and query, since the menu
/// and the page's actions depend on the caller, and due dates on the day.
pub fn key(req: &actix_web::HttpRequest, user: &User, day: chrono::NaiveDate) -> String {
    format!("{}?{}#{}@{day}", req.path(), req.query_string(), user.id.as_str())
}
