//! Account security pages and API: disabling accounts, the sign-in log, the caller's
//! sessions, signing out everywhere. Routes are registered here, beside the handlers.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use crate::domain::account::{Role, User, UserId};
use crate::i18n::strings;
use crate::services::{sign_ins, users};
use crate::web::api::misc;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError, PageError};
use crate::web::forms::Form;
use crate::web::routes::doc;
use crate::web::routes::{Access, ApiDoc, Router};
use crate::web::session::{done, refused};
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};

const ADMIN: &[Role] = &[Role::Admin];

/// How many attempts the sign-in page shows.
const SHOWN: i64 = 300;

/// Registers the pages and API of this module.
pub fn routes(r: &mut Router) {
    let admin = Access::Roles(ADMIN);
    r.page(Method::POST, "/users/{id}/disable", admin, disable_page)
        .page(Method::POST, "/users/{id}/enable", admin, enable_page)
        .nav_page("/sign-ins", admin, "nav.sign_ins", sign_in_log_page)
        .page(
            Method::POST,
            "/logout/everywhere",
            Access::Authenticated,
            super::login::logout_everywhere,
        )
        .api(
            Method::POST,
            "/api/v1/users/{id}/disable",
            admin,
            ApiDoc {
                response: Some("User"),
                ..doc(
                    "Disable an account: it cannot sign in, its sessions and tokens end",
                    "users",
                )
            },
            disable_api,
        )
        .api(
            Method::POST,
            "/api/v1/users/{id}/enable",
            admin,
            ApiDoc {
                response: Some("User"),
                ..doc("Enable a disabled account", "users")
            },
            enable_api,
        )
        .api(
            Method::GET,
            "/api/v1/sign-ins",
            admin,
            ApiDoc {
                response: Some("SignIn"),
                array: true,
                params: Some(crate::web::routes::query_params::<misc::LimitQuery>),
                ..doc("Recent sign-in attempts, failed or not, newest first", "auth")
            },
            misc::sign_in_log,
        )
        .api(
            Method::GET,
            "/api/v1/me/sessions",
            Access::Authenticated,
            ApiDoc {
                response: Some("SessionInfo"),
                array: true,
                ..doc("The caller's open browser sessions", "auth")
            },
            misc::my_sessions,
        )
        .api(
            Method::DELETE,
            "/api/v1/me/sessions",
            Access::Authenticated,
            ApiDoc {
                status: 204,
                ..doc(
                    "Sign out everywhere: end every session and API token of the caller",
                    "auth",
                )
            },
            misc::end_all_sessions,
        );
}

async fn set_active(state: &AppState, user: &CurrentUser, id: String, active: bool) -> Result<User, AppError> {
    let (actor, id) = (user.0.login.clone(), UserId(id));
    state
        .with_clock(move |c, clock| users::set_active(c, clock, &actor, &id, active))
        .await
}

async fn set_active_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
    active: bool,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let t = strings();
    match set_active(&state, &user, id.clone(), active).await {
        Ok(_) => done(
            &session,
            &t.get(if active {
                "msg.user_enabled"
            } else {
                "msg.user_disabled"
            }),
        ),
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
    }
    Ok(see_other(&format!("/users/{id}")))
}

/// Disables an account from its edit page.
pub async fn disable_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    set_active_page(state, user, session, path, body, false).await
}

/// Enables an account from its edit page.
pub async fn enable_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    set_active_page(state, user, session, path, body, true).await
}

/// `POST /api/v1/users/{id}/disable`.
pub async fn disable_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<User>, ApiError> {
    Ok(web::Json(set_active(&state, &user, path.into_inner(), false).await?))
}

/// `POST /api/v1/users/{id}/enable`.
pub async fn enable_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<User>, ApiError> {
    Ok(web::Json(set_active(&state, &user, path.into_inner(), true).await?))
}

/// Every recent sign-in attempt, in the organisation's time.
pub async fn sign_in_log_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let attempts = state.db(|c| sign_ins::recent(c, SHOWN)).await?;
    let t = strings();
    let rows: Vec<serde_json::Value> = attempts
        .iter()
        .map(|a| {
            serde_json::json!({
                "at": state.clock.stamp(a.at),
                "login": a.login,
                "outcome": t.get(&format!("sign_in.{}", a.outcome)),
                "failed": a.outcome != "ok",
                "address": a.address,
                "user_agent": a.user_agent,
                "channel": t.get(&format!("sign_in.channel_{}", a.channel)),
            })
        })
        .collect();
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("rows", &rows);
    Ok(render(StatusCode::OK, "sign_ins.html", ctx)?)
}
