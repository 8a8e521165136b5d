//! The acknowledgement API: the caller's acknowledgements, signing, paper
//! signatures, evidence and coverage.

use actix_web::http::Method;
use actix_web::{web, HttpRequest};
use serde::Deserialize;

use crate::services::acknowledgements::{self, Acknowledgement, Evidence, PaperInput};
use crate::services::coverage::{self, CoverageLine};
use crate::services::Paged;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError};
use crate::web::queries::PageQuery;
use crate::web::resources::DOC_EDIT;
use crate::web::routes::{doc, Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Registers the acknowledgement endpoints.
pub fn routes(r: &mut Router) {
    let (edit, any) = (Access::Roles(DOC_EDIT), Access::Authenticated);
    r.api(
        Method::GET,
        "/api/v1/acknowledgements",
        any,
        ApiDoc {
            response: Some("Acknowledgement"),
            array: true,
            ..doc("The caller's acknowledgements (array)", "acknowledgements")
        },
        my_acknowledgements,
    )
    .api(
        Method::POST,
        "/api/v1/acknowledgements/{id}/sign",
        any,
        ApiDoc {
            request: Some("SignBody"),
            response: Some("Acknowledgement"),
            ..doc(
                "Sign with the password (simple electronic signature)",
                "acknowledgements",
            )
        },
        sign,
    )
    .api(
        Method::POST,
        "/api/v1/acknowledgements/{id}/paper",
        edit,
        ApiDoc {
            request: Some("PaperInput"),
            response: Some("Acknowledgement"),
            ..doc("Record a paper signature", "acknowledgements")
        },
        paper,
    )
    .api(
        Method::GET,
        "/api/v1/acknowledgements/{id}/evidence",
        any,
        ApiDoc {
            response: Some("Evidence"),
            ..doc(
                "Everything recorded about an acknowledgement, verified",
                "acknowledgements",
            )
        },
        evidence,
    )
    .api(
        Method::GET,
        "/api/v1/coverage",
        edit,
        ApiDoc {
            response: Some("CoverageLine"),
            paged: true,
            ..doc(
                "Acknowledgement coverage by position title, a page at a time",
                "acknowledgements",
            )
        },
        coverage,
    );
}

/// The caller's acknowledgements (as an employee).
pub async fn my_acknowledgements(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<web::Json<Vec<Acknowledgement>>, ApiError> {
    let Some(employee) = user.0.employee_id.clone() else {
        return Ok(web::Json(Vec::new()));
    };
    Ok(web::Json(
        state.db(move |c| acknowledgements::of_employee(c, &employee)).await?,
    ))
}

/// The password that signs an acknowledgement.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SignBody {
    pub password: String,
}

/// Signs an acknowledgement electronically.
pub async fn sign(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<SignBody>,
) -> Result<web::Json<Acknowledgement>, ApiError> {
    let (id, password, o) = (
        path.into_inner(),
        body.into_inner().password,
        crate::web::client::of(&req),
    );
    let (key, directory) = (
        state.settings.secret_key.expose().as_bytes().to_vec(),
        state.directory.clone(),
    );
    Ok(web::Json(
        state
            .with_clock(move |c, clock| {
                crate::services::auth::confirm_password(c, directory.as_deref(), &user.0, &password)?;
                acknowledgements::sign(c, clock, &key, &user.0, &id, &o)
            })
            .await?,
    ))
}

/// Records a paper acknowledgement.
pub async fn paper(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<PaperInput>,
) -> Result<web::Json<Acknowledgement>, ApiError> {
    let (id, input) = (path.into_inner(), body.into_inner());
    let key = state.settings.secret_key.expose().as_bytes().to_vec();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| acknowledgements::record_paper(c, clock, &key, &user.0, &id, &input))
            .await?,
    ))
}

/// Everything recorded about one acknowledgement, verified (HR, or the employee).
pub async fn evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Evidence>, ApiError> {
    let id = path.into_inner();
    let key = state.settings.secret_key.expose().as_bytes().to_vec();
    let e = state.db(move |c| acknowledgements::evidence(c, &key, &id)).await?;
    let own = user.0.employee_id.as_deref() == Some(e.acknowledgement.employee_id.as_str());
    if !own && !Access::Roles(DOC_EDIT).allows(Some(&user.0)) {
        return Err(AppError::Forbidden.into());
    }
    Ok(web::Json(e))
}

/// Acknowledgement coverage, a page of job descriptions in position-title order (at a
/// large company's size the whole list is tens of thousands of rows).
pub async fn coverage(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paged<CoverageLine>>, ApiError> {
    let (page, cursor) = (query.page(), query.cursor());
    let today = state.today();
    Ok(web::Json(
        state
            .db(move |c| coverage::page(c, today, page, cursor.as_ref()))
            .await?,
    ))
}
