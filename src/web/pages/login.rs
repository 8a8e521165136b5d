//! Sign-in and sign-out.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, PageError};
use crate::services::{auth, ServiceError};
use crate::web::forms::Form;
use crate::web::i18n::strings;
use crate::web::session;
use crate::web::templates::{base_context, render};
use crate::web::{see_other, AppState};

/// `?next=` after signing in.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Only local paths, so the login form cannot redirect to another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn login_page(
    session: &Session,
    status: StatusCode,
    login: &str,
    next: &str,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context(None, session)?;
    ctx.insert("login", login);
    ctx.insert("next", next);
    ctx.insert("error", &error);
    ctx.insert("nav", &Vec::<()>::new());
    Ok(render(status, "login.html", &ctx)?)
}

/// The login form.
pub async fn form(session: Session, query: web::Query<NextQuery>) -> Result<HttpResponse, PageError> {
    login_page(&session, StatusCode::OK, "", &safe_next(query.next.as_deref()), None)
}

/// Checks the credentials and starts a session.
pub async fn submit(state: web::Data<AppState>, session: Session, body: web::Bytes) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let login = form.get("login").unwrap_or_default().to_string();
    let password = form.get("password").unwrap_or_default().to_string();
    let next = safe_next(form.get("next"));
    let attempt = login.clone();
    match state.db(move |c| auth::authenticate(c, &attempt, &password)).await {
        Ok(user) => {
            tracing::info!(user = %user.login, "signed in");
            session::sign_in(&session, &user.id)?;
            Ok(see_other(&next))
        }
        Err(AppError::Service(ServiceError::Refused(code))) => {
            tracing::info!(login = %login, "sign-in refused");
            let message = strings().get(&format!("refused.{code}"));
            login_page(&session, StatusCode::UNAUTHORIZED, &login, &next, Some(message))
        }
        Err(e) => Err(e.into()),
    }
}

/// Ends the session.
pub async fn logout(session: Session, body: web::Bytes) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    session::sign_out(&session);
    Ok(see_other("/login"))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/departments")), "/departments");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
