//! API endpoints outside the generic resources: tokens, the caller, organisation, log.

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::account::User;
use crate::domain::change_log::Entry;
use crate::domain::organization::Organization;
use crate::services::sign_ins::{self, Channel, Refusal};
use crate::services::{auth, journal, organization, sessions};
use crate::web::auth::{bearer, CurrentUser};
use crate::web::error::{ApiError, AppError};
use crate::web::resources::{LOG_READERS, STRUCTURE_EDIT, STRUCTURE_VIEW};
use crate::web::routes::{doc, query_params, Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Registers sign-in by token, the caller, the OpenAPI document, the organisation and the log.
pub fn routes(r: &mut Router) {
    r.api(
        Method::POST,
        "/api/v1/auth/token",
        Access::Public,
        ApiDoc {
            request: Some("TokenRequest"),
            response: Some("TokenResponse"),
            status: 201,
            ..doc("Exchange a login and password for a bearer token", "auth")
        },
        issue_token,
    )
    .api(
        Method::DELETE,
        "/api/v1/auth/token",
        Access::Authenticated,
        ApiDoc {
            status: 204,
            ..doc("Revoke the token of this request", "auth")
        },
        revoke_token,
    )
    .api(
        Method::GET,
        "/api/v1/me",
        Access::Authenticated,
        ApiDoc {
            response: Some("User"),
            ..doc("The calling user", "auth")
        },
        me,
    )
    .api(
        Method::GET,
        "/api/v1/openapi.json",
        Access::Authenticated,
        doc("This OpenAPI document", "meta"),
        super::openapi::serve,
    )
    .api(
        Method::GET,
        "/api/v1/organization",
        Access::Roles(STRUCTURE_VIEW),
        ApiDoc {
            response: Some("Organization"),
            ..doc("The organisation's details", "organization")
        },
        get_organization,
    )
    .api(
        Method::PUT,
        "/api/v1/organization",
        Access::Roles(STRUCTURE_EDIT),
        ApiDoc {
            request: Some("Organization"),
            response: Some("Organization"),
            ..doc("Set the organisation's details", "organization")
        },
        put_organization,
    )
    .api(
        Method::GET,
        "/api/v1/log",
        Access::Roles(LOG_READERS),
        ApiDoc {
            response: Some("Entry"),
            array: true,
            params: Some(query_params::<LogQuery>),
            ..doc("Newest change-log entries (array)", "log")
        },
        log,
    )
    .api(
        Method::GET,
        "/api/v1/log/verify",
        Access::Roles(LOG_READERS),
        ApiDoc {
            response: Some("Verification"),
            ..doc("Recompute the change log's hash chain", "log")
        },
        verify_log,
    );
}

/// Credentials exchanged for an API token.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    pub login: String,
    pub password: String,
    /// A label to recognise the token by.
    #[serde(default)]
    pub name: String,
}

/// A newly issued token; shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub token: String,
    pub user: User,
}

/// Issues a bearer token for a login and password.
pub async fn issue_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let client = crate::web::client::of(&req);
    let directory = state.directory.clone();
    let (token, user) = state
        .with_clock(move |c, clock| {
            match sign_ins::attempt(
                c,
                clock,
                directory.as_deref(),
                &body.login,
                &body.password,
                &client,
                Channel::Api,
            )? {
                Ok(user) => Ok(Ok((auth::issue_token(c, clock, &user, &body.name)?, user))),
                Err(refusal) => Ok(Err(refusal)),
            }
        })
        .await?
        .map_err(|refusal| match refusal {
            Refusal::Refused(code) => AppError::Service(crate::services::ServiceError::Refused(code)),
            Refusal::Throttled(wait) => AppError::Throttled(wait.num_seconds().max(1)),
        })?;
    Ok(HttpResponse::Created().json(TokenResponse { token, user }))
}

/// Ends every session and API token of the caller (this token included).
pub async fn end_all_sessions(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, ApiError> {
    let id = user.0.id.clone();
    state.db(move |c| sessions::end_all(c, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's open browser sessions.
pub async fn my_sessions(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<web::Json<Vec<sessions::SessionInfo>>, ApiError> {
    let id = user.0.id.clone();
    Ok(web::Json(state.db(move |c| sessions::of_user(c, &id)).await?))
}

/// Recent sign-in attempts, newest first (`?limit=`, at most 1000).
pub async fn sign_in_log(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<LimitQuery>,
) -> Result<web::Json<Vec<sign_ins::SignIn>>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    Ok(web::Json(state.db(move |c| sign_ins::recent(c, limit)).await?))
}

/// `?limit=` of a list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LimitQuery {
    /// How many entries (1 to 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// Revokes the token the request was made with.
pub async fn revoke_token(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let token = bearer(&req).ok_or(AppError::Unauthorized)?;
    state
        .with_clock(move |c, clock| auth::revoke_token(c, clock, &user.0, &token))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own account.
pub async fn me(user: CurrentUser) -> web::Json<User> {
    web::Json(user.0)
}

/// The organisation's details (404 until set).
pub async fn get_organization(
    state: web::Data<AppState>,
    _user: CurrentUser,
) -> Result<web::Json<Organization>, ApiError> {
    let org = state.db(organization::get).await?;
    Ok(web::Json(org.ok_or(AppError::NotFound)?))
}

/// Sets the organisation's details.
pub async fn put_organization(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<Organization>,
) -> Result<web::Json<Organization>, ApiError> {
    let actor = user.0.login.clone();
    let input = body.into_inner();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| organization::save(c, clock, &actor, &input))
            .await?,
    ))
}

/// `?entity_id=&limit=` of the log listing.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LogQuery {
    /// Only entries about this record.
    pub entity_id: Option<String>,
    /// How many entries (1 to 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// The newest change-log entries.
pub async fn log(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<LogQuery>,
) -> Result<web::Json<Vec<Entry>>, ApiError> {
    let q = query.into_inner();
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    Ok(web::Json(
        state
            .db(move |c| journal::recent(c, q.entity_id.as_deref(), limit))
            .await?,
    ))
}

/// Result of recomputing the hash chain.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub intact: bool,
    pub checked: u64,
    pub broken_seq: Option<i64>,
    pub reason: Option<String>,
}

/// Recomputes the change log's hash chain.
pub async fn verify_log(state: web::Data<AppState>, _user: CurrentUser) -> Result<web::Json<Verification>, ApiError> {
    let v = state.db(journal::verify).await?;
    Ok(web::Json(match v {
        Ok(checked) => Verification {
            intact: true,
            checked,
            broken_seq: None,
            reason: None,
        },
        Err(b) => Verification {
            intact: false,
            checked: 0,
            broken_seq: Some(b.seq),
            reason: Some(b.reason.to_string()),
        },
    }))
}
