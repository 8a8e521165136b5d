//! Evidence packs for HR: per acknowledgement and per version, as zip downloads, on
//! pages and in the API (the same bytes). Routes are registered here, beside the handlers.

use actix_web::http::{header, Method};
use actix_web::{web, HttpResponse};

use crate::services::{acknowledgements, evidence_pack};
use crate::web::error::{ApiError, AppError, PageError};
use crate::web::resources::DOC_EDIT;
use crate::web::routes::doc;
use crate::web::routes::{Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Registers the downloads.
pub fn routes(r: &mut Router) {
    let hr = Access::Roles(DOC_EDIT);
    let zip = |summary: &str| ApiDoc {
        content: Some("application/zip"),
        ..doc(summary, "acknowledgements")
    };
    r.page(
        Method::GET,
        "/acknowledgements/{id}/evidence-pack",
        hr,
        of_acknowledgement_page,
    )
    .page(Method::GET, "/versions/{id}/evidence-pack", hr, of_version_page)
    .api(
        Method::GET,
        "/api/v1/acknowledgements/{id}/evidence-pack",
        hr,
        zip("Evidence pack of one acknowledgement: version PDF, sealed record, change-log stretch"),
        of_acknowledgement_api,
    )
    .api(
        Method::GET,
        "/api/v1/versions/{id}/evidence-pack",
        hr,
        zip("Evidence pack of a version: its PDF, every signed acknowledgement, change-log stretch"),
        of_version_api,
    );
}

enum Target {
    Acknowledgement(String),
    Version(String),
}

async fn pack(state: &AppState, target: Target) -> Result<HttpResponse, AppError> {
    let public = state.settings.public_url.clone();
    let (name, bytes) = state
        .with_clock(move |c, clock| {
            let (version, only, name) = match &target {
                Target::Acknowledgement(id) => {
                    let a = acknowledgements::get(c, id)?;
                    (a.version_id.clone(), Some(id.clone()), format!("evidence-{id}.zip"))
                }
                Target::Version(id) => (id.clone(), None, format!("evidence-version-{id}.zip")),
            };
            Ok((
                name,
                evidence_pack::build(c, clock, &public, &version, only.as_deref())?,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .body(bytes))
}

/// The pack of one acknowledgement (page download).
pub async fn of_acknowledgement_page(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    Ok(pack(&state, Target::Acknowledgement(path.into_inner())).await?)
}

/// The pack of a version (page download).
pub async fn of_version_page(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, PageError> {
    Ok(pack(&state, Target::Version(path.into_inner())).await?)
}

/// The pack of one acknowledgement.
pub async fn of_acknowledgement_api(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(pack(&state, Target::Acknowledgement(path.into_inner())).await?)
}

/// The pack of a version.
pub async fn of_version_api(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    Ok(pack(&state, Target::Version(path.into_inner())).await?)
}
