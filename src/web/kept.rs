//! Whole pages kept between requests while the change log's head stays where it was
//! (`services::views`): rendered once with a mark where the caller's CSRF token goes,
//! which each request fills in. A page carrying a message for the caller is never kept,
//! and none is served from the cache while a message waits.
//!
//! A kept page is stored as the pieces between the marks and answered as those pieces,
//! shared by every request, in slices: no request copies the page, and the server
//! buffers a slice per connection rather than a whole long document.

use std::sync::Arc;

use actix_session::Session;
use actix_web::body::SizedStream;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use tera::Context;

use super::auth::ReadAt;
use super::error::AppError;
use super::session;
use super::templates::{base_context, render_part};
use crate::domain::account::User;
use crate::services::views::{self, HeadCache};

/// Stands for the CSRF token in a kept page. Templates print the token unescaped (it is
/// hex, escaped once more in `base_context`), so text on the page, which is always
/// escaped, can never contain the mark.
pub const CSRF_MARK: &str = "<csrf>";

/// A page as kept: the pieces of its HTML between the token's places.
#[derive(Debug)]
pub struct Page {
    pieces: Vec<Bytes>,
}

impl Page {
    fn of(html: &str) -> Page {
        Page {
            pieces: html
                .split(CSRF_MARK)
                .map(|p| Bytes::copy_from_slice(p.as_bytes()))
                .collect(),
        }
    }
}

/// The largest slice of a body handed to the server at once: it copies each slice into
/// a connection's write buffer, so whole bodies would make buffers as large as pages.
const SLICE: usize = 16 * 1024;

/// An answer streaming `pieces` joined by `between`, in slices, with its length known.
pub fn sliced(content_type: &str, pieces: &[Bytes], between: &Bytes) -> HttpResponse {
    let joins = pieces.len().saturating_sub(1);
    let length = pieces.iter().map(Bytes::len).sum::<usize>() + joins * between.len();
    let mut slices: Vec<Bytes> = Vec::with_capacity(pieces.len() * 2);
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 && !between.is_empty() {
            slices.push(between.clone());
        }
        let mut at = 0;
        while at < piece.len() {
            let end = (at + SLICE).min(piece.len());
            slices.push(piece.slice(at..end));
            at = end;
        }
    }
    let stream = futures_util::stream::iter(slices.into_iter().map(Ok::<_, std::convert::Infallible>));
    HttpResponse::build(StatusCode::OK)
        .content_type(content_type)
        .body(SizedStream::new(length as u64, stream))
}

/// What a look in the cache found: the page, or the caller's turn to build it.
pub enum Lookup {
    /// The kept page, answered with the caller's token.
    Kept(HttpResponse),
    /// Not kept: build it and pass the turn to `keep`.
    Build(Turn),
}

/// The right to build a page while others asking for it wait (`views::turn`);
/// none is taken for a page carrying a message, which is never kept.
pub struct Turn {
    _turn: Option<views::Turn>,
}

/// The page kept under `key` at the request's head, or the turn to build it, taken
/// after any build of the same page under way has finished (and kept it).
pub async fn get(cache: &HeadCache<Arc<Page>>, at: ReadAt, key: &str, session: &Session) -> Result<Lookup, AppError> {
    if session::has_flash(session) {
        return Ok(Lookup::Build(Turn { _turn: None }));
    }
    if let Some(page) = cache.get(at.0, key) {
        return Ok(Lookup::Kept(answer(&page, session)?));
    }
    let turn = views::turn(key).await;
    match cache.get(at.0, key) {
        Some(page) => Ok(Lookup::Kept(answer(&page, session)?)),
        None => Ok(Lookup::Build(Turn { _turn: Some(turn) })),
    }
}

/// The context of a page to be kept: `base_context` with the mark for the token.
pub fn context(user: &User, session: &Session) -> Result<Context, AppError> {
    let mut ctx = base_context(Some(user), session)?;
    ctx.insert("csrf_token", CSRF_MARK);
    Ok(ctx)
}

/// Renders template `name`, keeps it under `key` (unless it carries a message) and answers it.
pub fn keep(
    _turn: Turn,
    cache: &HeadCache<Arc<Page>>,
    at: ReadAt,
    key: &str,
    name: &str,
    ctx: Context,
    session: &Session,
) -> Result<HttpResponse, AppError> {
    let has_message = ctx.get("flash").is_some_and(|f| !f.is_null());
    let page = Arc::new(Page::of(&render_part(name, ctx)?));
    if !has_message {
        cache.put(at.0, key, page.clone());
    }
    answer(&page, session)
}

fn answer(page: &Page, session: &Session) -> Result<HttpResponse, AppError> {
    let token = Bytes::from(tera::escape_html(&session::csrf_token(session)?));
    Ok(sliced("text/html; charset=utf-8", &page.pieces, &token))
}

/// The key of a page as shown to `user` on `day` in the request's language: its path
/// and query, since the menu and the page's actions depend on the caller, and due
/// dates on the day.
pub fn key(req: &actix_web::HttpRequest, user: &User, day: chrono::NaiveDate) -> String {
    format!(
        "{}?{}#{}@{day}/{}",
        req.path(),
        req.query_string(),
        user.id.as_str(),
        crate::i18n::current().code()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_rt::test]
    async fn a_kept_page_is_answered_whole_with_the_token_in_each_place() {
        let long = "ж".repeat(20_000);
        let page = Page::of(&format!("<p>{CSRF_MARK}</p>{long}<i>{CSRF_MARK}</i>"));
        assert_eq!(page.pieces.len(), 3);
        let answer = sliced("text/html", &page.pieces, &Bytes::from_static(b"T0K"));
        let expected = format!("<p>T0K</p>{long}<i>T0K</i>");
        let size = actix_web::body::MessageBody::size(answer.body());
        assert_eq!(size, actix_web::body::BodySize::Sized(expected.len() as u64));
        let body = actix_web::body::to_bytes(answer.into_body()).await.expect("body");
        assert_eq!(body, expected.as_bytes());
    }
}
