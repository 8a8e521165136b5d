//! The route API: a draft's route and a department's default, by logins.

use actix_web::http::Method;
use actix_web::web;

use crate::services::routes::{self, RouteInput};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError};
use crate::web::resources::DOC_EDIT;
use crate::web::routes::{doc, Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Registers the route endpoints.
pub fn routes(r: &mut Router) {
    let edit = Access::Roles(DOC_EDIT);
    r.api(
        Method::PUT,
        "/api/v1/versions/{id}/route",
        edit,
        ApiDoc {
            request: Some("RouteInput"),
            response: Some("RouteInput"),
            ..doc("Set a draft's route (logins)", "workflow")
        },
        put_route,
    )
    .api(
        Method::GET,
        "/api/v1/departments/{id}/route",
        edit,
        ApiDoc {
            response: Some("RouteInput"),
            ..doc("A department's default route", "workflow")
        },
        get_department_route,
    )
    .api(
        Method::PUT,
        "/api/v1/departments/{id}/route",
        edit,
        ApiDoc {
            request: Some("RouteInput"),
            response: Some("RouteInput"),
            ..doc("Set a department's default route", "workflow")
        },
        put_department_route,
    );
}

/// Sets a draft's route (logins).
pub async fn put_route(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<RouteInput>,
) -> Result<web::Json<RouteInput>, ApiError> {
    let (id, input) = (path.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .with_clock(move |c, clock| {
                let r = routes::set_version_route(c, clock, &user.0.login, &id, &input)?;
                routes::route_logins(c, &r)
            })
            .await?,
    ))
}

/// A department's default route (404 until set).
pub async fn get_department_route(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<RouteInput>, ApiError> {
    let id = path.into_inner();
    let r = state
        .db(move |c| {
            routes::department_route(c, &id)?
                .map(|r| routes::route_logins(c, &r))
                .transpose()
        })
        .await?;
    Ok(web::Json(r.ok_or(AppError::NotFound)?))
}

/// Sets a department's default route.
pub async fn put_department_route(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<RouteInput>,
) -> Result<web::Json<RouteInput>, ApiError> {
    let (id, input) = (path.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .with_clock(move |c, clock| {
                let r = routes::set_department_route(c, clock, &user.0.login, &id, &input)?;
                routes::route_logins(c, &r)
            })
            .await?,
    ))
}
