//! The language of each request: the person's choice (kept in the session from
//! sign-in, or from the sign-in page's switch); else, for the API, `Accept-Language`;
//! else the organisation's language, Russian. Pages do not follow the browser's
//! language: the organisation's is the default, and each person chooses theirs.

use actix_session::{Session, SessionExt};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::middleware::Next;

use crate::i18n::{self, Locale};
use crate::web::error::AppError;

const KEY: &str = "locale";

/// Answers the request in its language (see `i18n::current`).
pub async fn locale_scope(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let chosen = req
        .get_session()
        .get::<String>(KEY)
        .ok()
        .flatten()
        .and_then(|c| Locale::parse(&c));
    let api = req.path().starts_with("/api/");
    let locale = chosen
        .or_else(|| {
            api.then(|| req.headers())?
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default();
    i18n::scope(locale, next.call(req)).await
}

/// Keeps the person's language in the session, for the requests that follow.
pub fn remember(session: &Session, locale: &str) -> Result<(), AppError> {
    session
        .insert(KEY, locale)
        .map_err(|e| AppError::Internal(format!("session: {e}")))
}
