//! JSON create/read/list/update/delete shared by every organisation resource.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::services::{crud, Page, Paged};
use crate::web::auth::CurrentUser;
use crate::web::error::ApiError;
use crate::web::resources::WebResource;
use crate::web::AppState;

/// `?page=N&per_page=M`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page (at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// One page of records.
pub async fn list<R: WebResource>(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paged<R>>, ApiError> {
    let page = Page::new(query.page, query.per_page);
    Ok(web::Json(state.db(move |c| R::list(c, page)).await?))
}

/// One record.
pub async fn get<R: WebResource>(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<R>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(state.db(move |c| R::get(c, &id)).await?))
}

/// Creates a record; answers 201 with its location.
pub async fn create<R: WebResource>(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<R::Input>,
) -> Result<HttpResponse, ApiError> {
    let actor = user.0.login.clone();
    let input = body.into_inner();
    let created = state
        .with_clock(move |c, clock| crud::create::<R>(c, clock, &actor, &input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/{}/{}", R::PATH, created.id())))
        .json(created))
}

/// Replaces a record's fields.
pub async fn update<R: WebResource>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<R::Input>,
) -> Result<web::Json<R>, ApiError> {
    let actor = user.0.login.clone();
    let id = path.into_inner();
    let input = body.into_inner();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| crud::update::<R>(c, clock, &actor, &id, &input))
            .await?,
    ))
}

/// Deletes a record; 409 when something still refers to it.
pub async fn delete<R: WebResource>(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = user.0.login.clone();
    let id = path.into_inner();
    state
        .with_clock(move |c, clock| crud::delete::<R>(c, clock, &actor, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
