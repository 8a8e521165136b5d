//! Sign-in and sign-out.

use actix_session::Session;
use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::i18n::strings;
use crate::services::sessions;
use crate::services::sign_ins::{self, Channel, Refusal};
use crate::web::auth::CurrentUser;
use crate::web::client;
use crate::web::error::PageError;
use crate::web::forms::Form;
use crate::web::routes::{Access, Router};
use crate::web::session;
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};

/// Registers signing in and out.
pub fn routes(r: &mut Router) {
    r.page(Method::GET, "/login", Access::Public, form)
        .page(Method::POST, "/login", Access::Public, submit)
        .page(Method::POST, "/logout", Access::Authenticated, logout);
}

/// `?next=` after signing in; `?lang=` to read the sign-in page in another language.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
    pub lang: Option<String>,
}

/// Only paths on this site: one leading slash, no backslash, nothing a browser
/// strips or bends (control characters, whitespace) that could turn `/\t/x` into `//x`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
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
    Ok(render(status, "login.html", ctx)?)
}

/// The login form.
pub async fn form(session: Session, query: web::Query<NextQuery>) -> Result<HttpResponse, PageError> {
    let next = safe_next(query.next.as_deref());
    // The language is read before the page is answered: keep the choice and ask again.
    if let Some(locale) = query.lang.as_deref().and_then(crate::i18n::Locale::parse) {
        crate::web::locale::remember(&session, locale.code())?;
        let query = serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
        return Ok(see_other(&format!("/login?{query}")));
    }
    login_page(&session, StatusCode::OK, "", &next, None)
}

/// Checks the credentials (unless throttled) and starts a session.
pub async fn submit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let login = form.get("login").unwrap_or_default().to_string();
    let password = form.get("password").unwrap_or_default().to_string();
    let next = safe_next(form.get("next"));
    let (attempt, client) = (login.clone(), client::of(&req));
    let directory = state.directory.clone();
    let outcome = state
        .with_clock(move |c, clock| {
            Ok(
                match sign_ins::attempt(
                    c,
                    clock,
                    directory.as_deref(),
                    &attempt,
                    &password,
                    &client,
                    Channel::Page,
                )? {
                    Ok(user) => Ok((sessions::start(c, clock.now(), &user, &client)?, user.locale)),
                    Err(refusal) => Err(refusal),
                },
            )
        })
        .await?;
    match outcome {
        Ok((secret, locale)) => {
            tracing::info!(login = %login, "signed in");
            session::sign_in(&session, &secret)?;
            crate::web::locale::remember(&session, &locale)?;
            Ok(see_other(&next))
        }
        Err(Refusal::Refused(code)) => {
            tracing::info!(login = %login, "sign-in refused");
            let message = strings().get(&format!("refused.{code}"));
            let status = if code == "directory_unavailable" {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::UNAUTHORIZED
            };
            login_page(&session, status, &login, &next, Some(message))
        }
        Err(Refusal::Throttled(wait)) => {
            tracing::warn!(login = %login, "sign-in throttled");
            let message = crate::web::error::throttled_message(wait.num_seconds());
            let mut page = login_page(&session, StatusCode::TOO_MANY_REQUESTS, &login, &next, Some(message))?;
            page.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(wait.num_seconds().max(1)),
            );
            Ok(page)
        }
    }
}

/// Ends this session (the record too, so a copied cookie stops working).
pub async fn logout(state: web::Data<AppState>, session: Session, body: web::Bytes) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    if let Some(secret) = session::secret(&session) {
        state.db(move |c| sessions::end(c, &secret)).await?;
    }
    session::sign_out(&session);
    Ok(see_other("/login"))
}

/// Ends every session and API token of the signed-in user, this one included.
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let id = user.0.id.clone();
    state.db(move |c| sessions::end_all(c, &id)).await?;
    tracing::info!(user = %user.0.login, "signed out everywhere");
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
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n")), "/");
        assert_eq!(safe_next(Some("/ /evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
