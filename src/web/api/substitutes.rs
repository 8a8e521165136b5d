//! The substitutes API: the caller's substitutions.

use actix_web::http::Method;
use actix_web::{web, HttpResponse};

use crate::services::substitutes::{self, Substitution, SubstitutionInput};
use crate::web::auth::CurrentUser;
use crate::web::error::ApiError;
use crate::web::routes::{doc, Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Registers the substitutes endpoints, for those who give visas or approve (as the page).
pub fn routes(r: &mut Router) {
    let any = Access::Roles(crate::web::resources::STRUCTURE_VIEW);
    r.api(
        Method::GET,
        "/api/v1/substitutes",
        any,
        ApiDoc {
            response: Some("Substitution"),
            array: true,
            ..doc("The caller's substitutions (array)", "workflow")
        },
        my_substitutes,
    )
    .api(
        Method::POST,
        "/api/v1/substitutes",
        any,
        ApiDoc {
            request: Some("SubstitutionInput"),
            response: Some("Substitution"),
            status: 201,
            ..doc("Name a substitute for a period", "workflow")
        },
        add_substitute,
    )
    .api(
        Method::DELETE,
        "/api/v1/substitutes/{id}",
        any,
        ApiDoc {
            status: 204,
            ..doc("Remove one of your substitutions", "workflow")
        },
        remove_substitute,
    );
}

/// The caller's substitutions.
pub async fn my_substitutes(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<web::Json<Vec<Substitution>>, ApiError> {
    Ok(web::Json(state.db(move |c| substitutes::of_user(c, &user.0)).await?))
}

/// Names a substitute for the caller.
pub async fn add_substitute(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<SubstitutionInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let s = state
        .with_clock(move |c, clock| substitutes::add(c, clock, &user.0, &input))
        .await?;
    Ok(HttpResponse::Created().json(s))
}

/// Removes one of the caller's substitutions.
pub async fn remove_substitute(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    state
        .with_clock(move |c, clock| substitutes::remove(c, clock, &user.0, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
