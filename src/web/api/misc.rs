//! API endpoints outside the generic resources: tokens, the caller, organisation, log.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::account::User;
use crate::domain::change_log::Entry;
use crate::domain::organization::Organization;
use crate::error::{ApiError, AppError};
use crate::services::{auth, journal, organization};
use crate::web::auth::{bearer, CurrentUser};
use crate::web::AppState;

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
pub async fn issue_token(state: web::Data<AppState>, body: web::Json<TokenRequest>) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner();
    let (token, user) = state
        .with_clock(move |c, clock| {
            let user = auth::authenticate(c, &req.login, &req.password)?;
            Ok((auth::issue_token(c, clock, &user, &req.name)?, user))
        })
        .await?;
    Ok(HttpResponse::Created().json(TokenResponse { token, user }))
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
#[derive(Debug, Deserialize)]
pub struct LogQuery {
    pub entity_id: Option<String>,
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
