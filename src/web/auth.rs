//! Who is calling: the guard in front of every route, and the signed-in user extractor.

use std::future::{ready, Ready};

use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::routes::{Access, Kind};
use super::{input, session};
use crate::domain::account::User;
use crate::services::auth;
use crate::web::error::{ApiError, AppError, PageError};
use crate::web::state::AppState;

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

/// The change log's head as read when the request was admitted, before anything the
/// handler reads: the key under which read views are kept (`services::views`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadAt(pub i64);

impl FromRequest for ReadAt {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<ReadAt>()
                .copied()
                .ok_or_else(|| ApiError(AppError::Internal("change-log head not read".into()))),
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

/// The caller and the change log's head: known to this instance, or read in one trip
/// to the database.
async fn identify(state: &AppState, kind: Kind, req: &ServiceRequest) -> Result<Option<(User, ReadAt)>, AppError> {
    let credential = match kind {
        Kind::Api => bearer(req.request()).map(auth::Credential::Token),
        Kind::Page => session::secret(&req.get_session()).map(|secret| auth::Credential::Session {
            secret,
            now: state.clock.now(),
            lifetime: state.session_lifetime(),
        }),
    };
    let Some(credential) = credential else { return Ok(None) };
    if let Some(known) = auth::known_caller(&state.watch, &state.views.users, &credential) {
        return Ok(known.map(|(u, head)| (u, ReadAt(head))));
    }
    let (views, watch) = (state.views.clone(), state.watch.clone());
    let found = state
        .db(move |c| auth::caller(c, &views.users, &watch, &credential))
        .await?;
    Ok(found.map(|(u, head)| (u, ReadAt(head))))
}

/// Refuses what no handler may see: forbidden characters in the path, query or an
/// urlencoded or JSON body, and record ids that are not UUIDs (answered as not found,
/// which is what they are). The body is read once and handed on.
async fn check_input(req: &mut ServiceRequest) -> Result<(), AppError> {
    let bad = || AppError::BadRequest(crate::i18n::strings().get("problem.control_chars"));
    for (name, value) in req.match_info().iter() {
        if input::has_forbidden(value) {
            return Err(bad());
        }
        if input::is_id_param(name) && !input::is_uuid(value) {
            return Err(AppError::NotFound);
        }
    }
    if input::urlencoded_has_forbidden(req.query_string().as_bytes()) {
        return Err(bad());
    }
    let content_type = input::content_type(req.headers());
    let json = content_type.starts_with("application/json");
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    if json || form {
        let body = req
            .extract::<web::Bytes>()
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let refused = if json {
            serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| input::json_has_forbidden(&v))
        } else {
            input::urlencoded_has_forbidden(&body)
        };
        req.set_payload(actix_web::dev::Payload::from(body));
        if refused {
            return Err(bad());
        }
    }
    Ok(())
}

/// Checks the input and `access`, and records the user for the handler.
async fn admit(access: Access, kind: Kind, req: &mut ServiceRequest) -> Result<(), AppError> {
    check_input(req).await?;
    if access == Access::Public {
        return Ok(());
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("application state missing".into()))?;
    match identify(&state, kind, req).await? {
        None => Err(AppError::Unauthorized),
        Some((u, _)) if !access.allows(Some(&u)) => {
            tracing::info!(user = %u.login, path = %req.path(), "access refused");
            // Known, though not admitted: the refusal page shows their menu.
            req.extensions_mut().insert(CurrentUser(u));
            Err(AppError::Forbidden)
        }
        Some((u, head)) => {
            let mut ext = req.extensions_mut();
            ext.insert(CurrentUser(u));
            ext.insert(head);
            Ok(())
        }
    }
}

/// Enforces `access` before the handler runs and hands it the user. A refusal is
/// answered here as a response (not an error) so the outer middleware still adds
/// the security headers to it.
pub async fn guard<B: MessageBody>(
    access: Access,
    kind: Kind,
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    match admit(access, kind, &mut req).await {
        Ok(()) => next.call(req).await.map(with_menu),
        Err(e) => {
            let res = refuse(kind, e).error_response();
            Ok(with_menu(req.into_response(res))
                .map_into_boxed_body()
                .map_into_right_body())
        }
    }
}

/// An error page answered to a signed-in caller, rendered again with their menu; any
/// other answer as it is.
fn with_menu<B>(res: ServiceResponse<B>) -> ServiceResponse<EitherBody<B>> {
    let problem = res.response().extensions().get::<crate::web::error::Problem>().cloned();
    let user = res.request().extensions().get::<CurrentUser>().cloned();
    let (Some(problem), Some(user)) = (problem, user) else {
        return res.map_into_left_body();
    };
    let session = res.request().get_session();
    let mut page = crate::web::templates::error_page_for(res.status(), &problem, &user.0, &session);
    // Headers such as Retry-After stay; the body's own are the new page's.
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.headers_mut().insert(name.clone(), value.clone());
        }
    }
    res.into_response(page).map_into_right_body()
}
