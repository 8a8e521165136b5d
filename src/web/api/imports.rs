//! The import API: a file (multipart) or pasted text in, the structure found out;
//! then a draft from a reviewed candidate.

use actix_web::http::{header, Method};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;

use crate::import::model::CandidateDocument;
use crate::services::imports::PositionChoice;
use crate::services::imports::{self, Import};
use crate::services::ServiceError;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError};
use crate::web::resources::DOC_EDIT;
use crate::web::routes::doc;
use crate::web::routes::{Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Pasted text to import, the JSON alternative to a multipart file.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TextImport {
    pub text: String,
    /// Shown as the source's name; `.html` reads the text as HTML.
    #[serde(default)]
    pub file_name: Option<String>,
}

/// Which candidate becomes a draft, for which position; `reviewed` replaces the
/// candidate with the client's corrected structure.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DraftRequest {
    /// Index of the candidate in `result.documents` (default 0).
    #[serde(default)]
    pub document: usize,
    pub position_id: String,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub reviewed: Option<CandidateDocument>,
}

async fn body_bytes(mut payload: web::Payload, limit: u64) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(e.to_string()))?;
        if (out.len() + chunk.len()) as u64 > limit {
            return Err(AppError::PayloadTooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Reads one uploaded file (multipart field `file`) or JSON `{ "text" }` and returns the structure found.
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let limit = state.settings.import_max_bytes;
    let content_type = crate::web::input::content_type(req.headers());
    let (name, bytes) = if content_type.starts_with("multipart/form-data") {
        let upload = super::super::upload::read(actix_multipart::Multipart::new(req.headers(), payload), limit).await?;
        let mut files = upload.files.into_iter();
        match (files.next(), files.next()) {
            (Some(f), None) => (f.name, f.bytes),
            (None, _) => return Err(AppError::BadRequest("no file in the upload (field `file`)".into()).into()),
            (Some(_), Some(_)) => return Err(AppError::BadRequest("one file per request".into()).into()),
        }
    } else if content_type.starts_with("application/json") {
        let body = body_bytes(payload, limit).await?;
        let t: TextImport = serde_json::from_slice(&body).map_err(|e| AppError::BadRequest(format!("JSON: {e}")))?;
        (t.file_name.unwrap_or_else(|| "text.txt".into()), t.text.into_bytes())
    } else {
        return Err(AppError::UnsupportedMediaType("multipart/form-data or application/json".into()).into());
    };
    let actor = user.0.login.clone();
    let import = state
        .with_clock(move |c, clock| imports::store(c, clock, &actor, &name, &bytes))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/imports/{}", import.id)))
        .json(import))
}

/// A stored import (only its author sees it).
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Import>, ApiError> {
    let (actor, id) = (user.0.login.clone(), path.into_inner());
    Ok(web::Json(state.db(move |c| imports::get(c, &actor, &id)).await?))
}

/// Makes the draft of one candidate; the import is written to the change log with it.
pub async fn draft(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: web::Json<DraftRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, req) = (user.0.login.clone(), path.into_inner(), body.into_inner());
    let rules = state.rules();
    let jd = state
        .with_clock(move |c, clock| {
            let import = imports::get(c, &actor, &id)?;
            let doc = match req.reviewed {
                Some(doc) => doc,
                None => import
                    .result
                    .documents
                    .get(req.document)
                    .cloned()
                    .ok_or(ServiceError::NotFound)?,
            };
            imports::create_draft(
                c,
                clock,
                &rules,
                &actor,
                &PositionChoice::Existing(req.position_id.clone()),
                &doc,
                &import.source,
            )
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/documents/{}", jd.id)))
        .json(jd))
}

/// The import API (HR).
pub fn routes(r: &mut Router) {
    let edit = Access::Roles(DOC_EDIT);
    r.api(
        Method::POST,
        "/api/v1/imports",
        edit,
        ApiDoc {
            request: Some("TextImport"),
            response: Some("Import"),
            status: 201,
            ..doc(
                "Read a file (multipart field `file`) or pasted text and return the structure found",
                "imports",
            )
        },
        create,
    )
    .api(
        Method::GET,
        "/api/v1/imports/{id}",
        edit,
        ApiDoc {
            response: Some("Import"),
            ..doc("A stored import (its author only)", "imports")
        },
        show,
    )
    .api(
        Method::POST,
        "/api/v1/imports/{id}/draft",
        edit,
        ApiDoc {
            request: Some("DraftRequest"),
            response: Some("JobDescription"),
            status: 201,
            ..doc("Make the draft of one candidate, for a position", "imports")
        },
        draft,
    );
}
