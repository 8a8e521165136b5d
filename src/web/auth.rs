//! Who is calling: the guard in front of every route, and the signed-in user extractor.

use std::future::{ready, Ready};

use actix_session::SessionExt;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::routes::{Access, Kind};
use super::session;
use super::AppState;
use crate::domain::account::User;
use crate::error::{ApiError, AppError, PageError};
use crate::services::auth;

/// The user a request was authenticated as (set by the guard).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<CurrentUser>()
                .cloned()
                .ok_or(ApiError(AppError::Unauthorized)),
        )
    }
}

/// The bearer token of an API request.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string())
}

fn refuse(kind: Kind, e: AppError) -> actix_web::Error {
    match kind {
        Kind::Api => ApiError(e).into(),
        Kind::Page => PageError(e).into(),
    }
}

async fn identify(state: &AppState, kind: Kind, req: &ServiceRequest) -> Result<Option<User>, AppError> {
    match kind {
        Kind::Api => match bearer(req.request()) {
            Some(token) => state.db(move |c| auth::user_by_token(c, &token)).await,
            None => Ok(None),
        },
        Kind::Page => match session::user_id(&req.get_session()) {
            Some(id) => state.db(move |c| auth::user(c, &id)).await,
            None => Ok(None),
        },
    }
}

/// Enforces `access` before the handler runs and hands it the user.
pub async fn guard(
    access: Access,
    kind: Kind,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if access != Access::Public {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| refuse(kind, AppError::Internal("application state missing".into())))?;
        let user = identify(&state, kind, &req).await.map_err(|e| refuse(kind, e))?;
        match user {
            None => return Err(refuse(kind, AppError::Unauthorized)),
            Some(u) if !access.allows(Some(&u)) => {
                tracing::info!(user = %u.login, path = %req.path(), "access refused");
                return Err(refuse(kind, AppError::Forbidden));
            }
            Some(u) => {
                req.extensions_mut().insert(CurrentUser(u));
            }
        }
    }
    next.call(req).await
}
