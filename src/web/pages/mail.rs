//! Mail pages and API: the administrator's outbox, one's own address and digest,
//! and the unsubscribe link of every digest (which works without signing in: the
//! signed token is the proof, so it takes no CSRF token).

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use crate::domain::account::{Role, User};
use crate::domain::mail::unsubscribe_user;
use crate::i18n::{fill, strings};
use crate::services::mail::{self, Context, MailPass, Preferences};
use crate::services::ServiceError;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError, PageError};
use crate::web::forms::Form;
use crate::web::queries::PageQuery;
use crate::web::routes::{doc, query_params, Access, ApiDoc, Router};
use crate::web::session::{done, refused};
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};

const ADMIN: &[Role] = &[Role::Admin];

/// Registers the pages and API of this module.
pub fn routes(r: &mut Router) {
    let admin = Access::Roles(ADMIN);
    let anyone = Access::Authenticated;
    r.nav_page("/mail", admin, "nav.mail", outbox_page)
        .page(Method::POST, "/mail/run", admin, run_page)
        .page(Method::POST, "/mail/outbox/{id}/retry", admin, retry_page)
        .page(
            Method::GET,
            "/mail/unsubscribe/{token}",
            Access::Public,
            unsubscribe_page,
        )
        .page(Method::POST, "/mail/unsubscribe/{token}", Access::Public, unsubscribe)
        .nav_page("/me/mail", anyone, "nav.mail_me", my_mail_page)
        .page(Method::POST, "/me/mail", anyone, save_my_mail)
        .api(
            Method::GET,
            "/api/v1/me/mail",
            anyone,
            ApiDoc {
                response: Some("Preferences"),
                ..doc(
                    "The caller's e-mail address and whether they get the daily digest",
                    "mail",
                )
            },
            my_mail_api,
        )
        .api(
            Method::PUT,
            "/api/v1/me/mail",
            anyone,
            ApiDoc {
                request: Some("Preferences"),
                response: Some("Preferences"),
                ..doc("Set the caller's e-mail address and daily digest", "mail")
            },
            put_my_mail_api,
        )
        .api(
            Method::GET,
            "/api/v1/mail/outbox",
            admin,
            ApiDoc {
                response: Some("OutboxMail"),
                paged: true,
                params: Some(query_params::<PageQuery>),
                ..doc("The outbox, newest first", "mail")
            },
            outbox_api,
        )
        .api(
            Method::POST,
            "/api/v1/mail/run",
            admin,
            ApiDoc {
                response: Some("MailPass"),
                ..doc(
                    "Compose the digests that are due and send the outbox now (the server also does it every minute)",
                    "mail",
                )
            },
            run_api,
        )
        .api(
            Method::POST,
            "/api/v1/mail/outbox/{id}/retry",
            admin,
            ApiDoc {
                status: 204,
                ..doc("Queue an undeliverable mail again", "mail")
            },
            retry_api,
        );
}

/// One pass of the mail worker, now; refused when no SMTP server is configured.
async fn run_now(state: &AppState) -> Result<MailPass, AppError> {
    let Some(transport) = state.mailer.clone() else {
        return Err(ServiceError::Refused("mail_not_configured").into());
    };
    let ctx = Context::from(state.settings.as_ref());
    state
        .with_clock(move |c, clock| mail::run(c, clock, &ctx, transport.as_ref()))
        .await
}

/// The outbox with the state of each mail, and how mail is set up.
pub async fn outbox_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let page = query.page();
    let list = state.with_clock(move |c, clock| mail::outbox(c, clock, page)).await?;
    let t = strings();
    let mut ctx = base_context(Some(&user.0), &session)?;
    let setup = match &state.settings.mail {
        Some(m) => fill(
            &fill(&t.get("mail.smtp_on"), "server", &format!("{}:{}", m.host, m.port)),
            "hour",
            &state.settings.digest_hour.to_string(),
        ),
        None => t.get("mail.smtp_off"),
    };
    ctx.insert("setup", &setup);
    ctx.insert("configured", &state.settings.mail.is_some());
    let states: Vec<String> = list
        .items
        .iter()
        .map(|m| match m.state {
            "sent" => fill(&t.get("mail.state_sent"), "at", m.sent.as_deref().unwrap_or("")),
            "undeliverable" => fill(&t.get("mail.state_undeliverable"), "n", &m.attempts.to_string()),
            _ => match &m.next_attempt {
                Some(at) => fill(
                    &fill(&t.get("mail.state_retry"), "n", &m.attempts.to_string()),
                    "at",
                    at,
                ),
                None => t.get("mail.state_queued"),
            },
        })
        .collect();
    ctx.insert("states", &states);
    ctx.insert("total", &list.total);
    ctx.insert("page", &list.page);
    ctx.insert("pages", &((list.total + list.per_page - 1) / list.per_page).max(1));
    ctx.insert("list", &list);
    Ok(render(StatusCode::OK, "mail.html", ctx)?)
}

/// Composes and sends now, and says what happened.
pub async fn run_page(
    state: web::Data<AppState>,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    match run_now(&state).await {
        Ok(p) => {
            let t = strings();
            let said = [("queued", p.queued), ("sent", p.sent), ("failed", p.failed)]
                .iter()
                .fold(t.get("mail.ran"), |s, (k, v)| fill(&s, k, &v.to_string()));
            done(&session, &said);
        }
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
    }
    Ok(see_other("/mail#message"))
}

/// Queues an undeliverable mail again.
pub async fn retry_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    match state.with_clock(move |c, clock| mail::retry(c, clock, &id)).await {
        Ok(()) => done(&session, &strings().get("mail.retried")),
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
    }
    Ok(see_other("/mail#message"))
}

/// One's own address and digest.
pub async fn my_mail_page(user: CurrentUser, session: Session) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("email", &user.0.email);
    ctx.insert("digest", &user.0.mail_digest);
    Ok(render(StatusCode::OK, "mail_me.html", ctx)?)
}

/// Saves one's own address and digest.
pub async fn save_my_mail(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let email = form.get("email").unwrap_or("").to_string();
    let digest = form.get("digest").is_some();
    match save(&state, &user.0, Some(email), digest).await {
        Ok(_) => done(&session, &strings().get("mail.saved")),
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
    }
    Ok(see_other("/me/mail#message"))
}

async fn save(state: &AppState, user: &User, email: Option<String>, digest: bool) -> Result<Preferences, AppError> {
    let (login, id) = (user.login.clone(), user.id.as_str().to_string());
    state
        .with_clock(move |c, clock| mail::set_preferences(c, clock, &login, &id, Some(email.as_deref()), digest))
        .await
}

/// The caller's mail settings.
pub async fn my_mail_api(user: CurrentUser) -> web::Json<Preferences> {
    web::Json(Preferences {
        email: user.0.email.clone(),
        digest: user.0.mail_digest,
    })
}

/// Sets the caller's mail settings.
pub async fn put_my_mail_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<Preferences>,
) -> Result<web::Json<Preferences>, ApiError> {
    let p = body.into_inner();
    Ok(web::Json(
        save(&state, &user.0, Some(p.email.unwrap_or_default()), p.digest).await?,
    ))
}

/// The outbox.
pub async fn outbox_api(
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<crate::services::Paged<mail::OutboxMail>>, ApiError> {
    let page = query.page();
    Ok(web::Json(
        state.with_clock(move |c, clock| mail::outbox(c, clock, page)).await?,
    ))
}

/// Composes and sends now.
pub async fn run_api(state: web::Data<AppState>) -> Result<web::Json<MailPass>, ApiError> {
    Ok(web::Json(run_now(&state).await?))
}

/// Queues an undeliverable mail again.
pub async fn retry_api(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    state.with_clock(move |c, clock| mail::retry(c, clock, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Whose digest a link stops, and where it goes: `None` for a link that is not ours.
async fn reader_of(state: &AppState, token: &str) -> Result<Option<User>, AppError> {
    let Some(id) = unsubscribe_user(state.settings.secret_key.expose().as_bytes(), token) else {
        return Ok(None);
    };
    state.db(move |c| crate::services::users::active_user(c, &id)).await
}

/// Asks before stopping the digest (a link opened by a mail scanner changes nothing).
pub async fn unsubscribe_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = path.into_inner();
    let reader = reader_of(&state, &token).await?;
    let mut ctx = base_context(None, &session)?;
    let status = match &reader {
        Some(u) => {
            ctx.insert(
                "ask",
                &fill(
                    &strings().get("mail.unsubscribe_ask"),
                    "email",
                    u.email.as_deref().unwrap_or(""),
                ),
            );
            ctx.insert("token", &token);
            StatusCode::OK
        }
        None => StatusCode::NOT_FOUND,
    };
    Ok(render(status, "unsubscribe.html", ctx)?)
}

/// Stops the digest: the page's button, or a mail program's one-click POST (RFC 8058).
pub async fn unsubscribe(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = path.into_inner();
    let mut ctx = base_context(None, &session)?;
    let Some(reader) = reader_of(&state, &token).await? else {
        return Ok(render(StatusCode::NOT_FOUND, "unsubscribe.html", ctx)?);
    };
    let (login, id) = (reader.login.clone(), reader.id.as_str().to_string());
    state
        .with_clock(move |c, clock| mail::set_preferences(c, clock, &login, &id, None, false))
        .await?;
    ctx.insert("stopped", &true);
    Ok(render(StatusCode::OK, "unsubscribe.html", ctx)?)
}
