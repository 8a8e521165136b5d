//! What the session cookie holds: the session secret (its record lives in the database,
//! see `services::sessions`), the CSRF token and a one-time message.

use actix_session::Session;

use crate::domain::account::random_secret;
use crate::web::error::AppError;

const SECRET: &str = "sid";
const CSRF: &str = "csrf";
const FLASH: &str = "flash";

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("session: {e}"))
}

/// The session secret of a signed-in browser, if any.
pub fn secret(session: &Session) -> Option<String> {
    session.get::<String>(SECRET).ok().flatten()
}

/// Starts a fresh cookie for a new session (a new CSRF token too, so nothing from
/// before sign-in carries over).
pub fn sign_in(session: &Session, secret: &str) -> Result<(), AppError> {
    session.clear();
    session.renew();
    session.insert(SECRET, secret).map_err(internal)?;
    session.insert(CSRF, random_secret(32)).map_err(internal)
}

/// Ends the session.
pub fn sign_out(session: &Session) {
    session.purge();
}

/// The session's CSRF token, created on first use.
pub fn csrf_token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session.get::<String>(CSRF).ok().flatten() {
        return Ok(t);
    }
    let t = random_secret(32);
    session.insert(CSRF, &t).map_err(internal)?;
    Ok(t)
}

/// Refuses a form whose token is missing or differs from the session's.
pub fn check_csrf(session: &Session, provided: Option<&str>) -> Result<(), AppError> {
    let expected = session.get::<String>(CSRF).ok().flatten();
    match (expected, provided) {
        (Some(e), Some(p)) if constant_time_eq(e.as_bytes(), p.as_bytes()) => Ok(()),
        _ => Err(AppError::Csrf),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a message tells, which decides how it looks: green, amber or red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The action was done.
    Done,
    /// Done, but something needs the reader's attention.
    Warning,
    /// Refused: nothing was changed.
    Refused,
}

/// A message left for the next page shown.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Flash {
    pub kind: Kind,
    pub text: String,
    /// The form the message is about (shown there rather than at the top), if the page has it.
    #[serde(default)]
    pub at: Option<String>,
    /// What was typed into that form, given back so that nothing is lost.
    #[serde(default)]
    pub typed: Option<String>,
}

/// Leaves a message of `kind` for the next page shown.
pub fn flash(session: &Session, kind: Kind, text: &str) {
    put(
        session,
        Flash {
            kind,
            text: text.to_string(),
            at: None,
            typed: None,
        },
    );
}

fn put(session: &Session, flash: Flash) {
    // A lost message is harmless: whatever it reports has already happened.
    let _ = session.insert(FLASH, flash);
}

/// Reports why a form was refused, to be shown at the form `at` with `typed` filled back in.
pub fn refused_at(session: &Session, text: &str, at: &str, typed: &str) {
    put(
        session,
        Flash {
            kind: Kind::Refused,
            text: text.to_string(),
            at: Some(at.to_string()),
            typed: Some(typed.to_string()),
        },
    );
}

/// The pending message, left in place for the page's frame.
pub fn peek_flash(session: &Session) -> Option<Flash> {
    if !session.contains_key(FLASH) {
        return None;
    }
    session.get::<Flash>(FLASH).ok().flatten()
}

/// Reports an action done.
pub fn done(session: &Session, text: &str) {
    flash(session, Kind::Done, text);
}

/// Reports why an action was refused.
pub fn refused(session: &Session, text: &str) {
    flash(session, Kind::Refused, text);
}

/// True when a message waits to be shown.
pub fn has_flash(session: &Session) -> bool {
    session.contains_key(FLASH)
}

/// Takes the pending message, if any. Only a message taken changes the session: any
/// removal would, and a changed session is encrypted and sent as a new cookie.
pub fn take_flash(session: &Session) -> Option<Flash> {
    if !session.contains_key(FLASH) {
        return None;
    }
    session.remove_as::<Flash>(FLASH).and_then(Result::ok)
}
