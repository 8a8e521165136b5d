//! JSON create/read/list/update/delete shared by every organisation resource.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::services::{crud, Paged};
use crate::web::auth::CurrentUser;
use crate::web::error::ApiError;
use crate::web::queries::PageQuery;
use crate::web::resources::WebResource;
use crate::web::routes::{doc, Access, ApiDoc, Router};
use crate::web::state::AppState;
use actix_web::http::Method;

/// One page of records.
pub async fn list<R: WebResource>(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paged<R>>, ApiError> {
    let (page, cursor) = (query.page(), query.cursor());
    Ok(web::Json(
        state.db(move |c| R::list_from(c, page, cursor.as_ref())).await?,
    ))
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
    let (input, rules) = (body.into_inner(), state.rules());
    let created = state
        .with_clock(move |c, clock| crud::create::<R>(c, clock, &rules, &actor, &input))
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

/// The generic API of a resource; `list: false` when its list endpoint is its own.
pub fn routes<R: WebResource>(r: &mut Router, with_list: bool) {
    let base = format!("/api/v1/{}", R::PATH);
    let one = format!("{base}/{{id}}");
    let (readers, editors) = (Access::Roles(R::VIEW), Access::Roles(R::EDIT));
    let tag = R::PATH;
    if with_list {
        r.api(
            Method::GET,
            &base,
            readers,
            ApiDoc {
                response: Some(R::SCHEMA),
                paged: true,
                ..doc(&format!("List {}", R::PATH), tag)
            },
            list::<R>,
        );
    }
    r.api(
        Method::POST,
        &base,
        editors,
        ApiDoc {
            request: Some(R::INPUT_SCHEMA),
            response: Some(R::SCHEMA),
            status: 201,
            ..doc(&format!("Create a {}", R::ENTITY), tag)
        },
        create::<R>,
    )
    .api(
        Method::GET,
        &one,
        readers,
        ApiDoc {
            response: Some(R::SCHEMA),
            ..doc(&format!("Read a {}", R::ENTITY), tag)
        },
        get::<R>,
    )
    .api(
        Method::PUT,
        &one,
        editors,
        ApiDoc {
            request: Some(R::INPUT_SCHEMA),
            response: Some(R::SCHEMA),
            ..doc(&format!("Update a {}", R::ENTITY), tag)
        },
        update::<R>,
    )
    .api(
        Method::DELETE,
        &one,
        editors,
        ApiDoc {
            status: 204,
            ..doc(&format!("Delete a {}", R::ENTITY), tag)
        },
        delete::<R>,
    );
}
