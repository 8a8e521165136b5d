//! The library API: search, where a clause is used, bringing texts up to date.

use actix_web::http::Method;
use actix_web::web;
use serde::Serialize;

use crate::domain::library::LibraryClause;
use crate::services::editing::{self};
use crate::services::library::Usage;
use crate::services::{library, Page, Paged};
use crate::web::api::resources;
use crate::web::auth::CurrentUser;
use crate::web::error::ApiError;
use crate::web::queries::LibraryQuery;
use crate::web::resources::DOC_EDIT;
use crate::web::routes::{doc, query_params, Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Registers the library endpoints.
pub fn routes(r: &mut Router) {
    let edit = Access::Roles(DOC_EDIT);
    r.api(
        Method::GET,
        "/api/v1/library",
        edit,
        ApiDoc {
            response: Some("LibraryClause"),
            paged: true,
            params: Some(query_params::<LibraryQuery>),
            ..doc("Search the clause library (?q=&section=&category=)", "library")
        },
        library_search,
    );
    resources::routes::<LibraryClause>(r, false);
    r.api(
        Method::GET,
        "/api/v1/library/{id}/usages",
        edit,
        ApiDoc {
            response: Some("Usage"),
            array: true,
            ..doc("Templates and versions using a library clause (array)", "library")
        },
        library_usages,
    )
    .api(
        Method::POST,
        "/api/v1/library/{id}/propagate",
        edit,
        ApiDoc {
            response: Some("Propagated"),
            ..doc("Bring templates and drafts up to the library clause's text", "library")
        },
        library_propagate,
    );
}

/// Library search: `?q=` words in any form, `section`, `category`.
pub async fn library_search(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<LibraryQuery>,
) -> Result<web::Json<Paged<LibraryClause>>, ApiError> {
    let q = query.into_inner();
    let page = Page::new(q.page, q.per_page);
    let search = q.to_query();
    Ok(web::Json(state.db(move |c| library::search(c, &search, page)).await?))
}

/// Templates and current versions that use a library clause.
pub async fn library_usages(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<Usage>>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(state.db(move |c| library::usages(c, &id)).await?))
}

/// How many texts a propagation updated.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Propagated {
    pub updated: usize,
}

/// Updates templates and drafts to the library clause's current text.
pub async fn library_propagate(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Propagated>, ApiError> {
    let id = path.into_inner();
    let actor = user.0.login.clone();
    let updated = state
        .with_clock(move |c, clock| editing::propagate(c, clock, &actor, &id))
        .await?;
    Ok(web::Json(Propagated { updated }))
}
