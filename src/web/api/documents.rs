//! The documents API: job descriptions, a version as it prints, comparison,
//! the revision register, the PDF and the placeholders.

use actix_web::http::Method;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::diff::{diff, Diff};
use crate::domain::preview::{preview_sections, PreviewSection};
use crate::domain::register::RegisterRow;
use crate::services::documents::{self, JobDescription, NewDocument};
use crate::services::register;
use crate::services::{versions, Paged};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError};
use crate::web::pdf::{make_pdf, PartsQuery};
use crate::web::queries::PageQuery;
use crate::web::resources::{DOC_EDIT, DOC_VIEW};
use crate::web::routes::{doc, query_params, Access, ApiDoc, Router};
use crate::web::state::AppState;

/// Registers the document endpoints.
pub fn routes(r: &mut Router) {
    let (view, edit) = (Access::Roles(DOC_VIEW), Access::Roles(DOC_EDIT));
    r.api(
        Method::GET,
        "/api/v1/placeholders",
        Access::Authenticated,
        ApiDoc {
            response: Some("PlaceholderInfo"),
            array: true,
            ..doc("Placeholders clause text may use", "documents")
        },
        placeholders,
    )
    .api(
        Method::GET,
        "/api/v1/documents",
        view,
        ApiDoc {
            response: Some("JobDescription"),
            paged: true,
            ..doc("List job descriptions", "documents")
        },
        documents_list,
    )
    .api(
        Method::POST,
        "/api/v1/documents",
        edit,
        ApiDoc {
            request: Some("NewDocument"),
            response: Some("JobDescription"),
            status: 201,
            ..doc("Start a job description from a template or a copy", "documents")
        },
        documents_create,
    )
    .api(
        Method::GET,
        "/api/v1/documents/{id}",
        view,
        ApiDoc {
            response: Some("JobDescription"),
            ..doc("A job description with its versions", "documents")
        },
        document_get,
    )
    .api(
        Method::GET,
        "/api/v1/versions/{id}/preview",
        view,
        ApiDoc {
            response: Some("PreviewSection"),
            array: true,
            ..doc("A version's text as it will print (array of sections)", "documents")
        },
        version_preview,
    )
    .api(
        Method::GET,
        "/api/v1/diff",
        view,
        ApiDoc {
            response: Some("Diff"),
            params: Some(query_params::<DiffQuery>),
            ..doc(
                "Compare two versions (?a=&b=) clause by clause and word by word",
                "documents",
            )
        },
        version_diff,
    );
    r.api(
        Method::GET,
        "/api/v1/documents/{id}/register",
        view,
        ApiDoc {
            response: Some("RegisterRow"),
            array: true,
            ..doc("The revision register (array of rows)", "workflow")
        },
        register,
    )
    .api(
        Method::GET,
        "/api/v1/versions/{id}/pdf",
        view,
        ApiDoc {
            params: Some(query_params::<PartsQuery>),
            content: Some("application/pdf"),
            ..doc("The sheets as PDF (document, acknowledgement sheet, register)", "pdf")
        },
        pdf,
    )
    .api(
        Method::GET,
        "/api/v1/versions/{id}/docx",
        view,
        ApiDoc {
            content: Some(crate::web::pdf::DOCX),
            ..doc(
                "The job description as a Word document (.docx) with Word numbering, stamp and visas",
                "pdf",
            )
        },
        docx,
    );
}

/// Job descriptions, a page at a time.
pub async fn documents_list(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paged<JobDescription>>, ApiError> {
    let (page, cursor) = (query.page(), query.cursor());
    Ok(web::Json(
        state
            .db(move |c| documents::list_from(c, page, cursor.as_ref()))
            .await?,
    ))
}

/// Starts a job description (version 1, draft) from a template or a copy.
pub async fn documents_create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<NewDocument>,
) -> Result<HttpResponse, ApiError> {
    let actor = user.0.login.clone();
    let input = body.into_inner();
    let d = state
        .with_clock(move |c, clock| documents::create(c, clock, &actor, &input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/documents/{}", d.id)))
        .json(d))
}

/// One job description with its versions.
pub async fn document_get(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<JobDescription>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(state.db(move |c| documents::get(c, &id)).await?))
}

/// A version's text as it will print, placeholders resolved.
pub async fn version_preview(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<PreviewSection>>, ApiError> {
    let id = path.into_inner();
    let (content, values) = state
        .db(move |c| Ok((versions::get(c, &id)?.content, documents::values(c, &id)?)))
        .await?;
    Ok(web::Json(preview_sections(&content, &values)))
}

/// `?a=&b=`: two version ids.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DiffQuery {
    /// The older version's id.
    pub a: String,
    /// The newer version's id.
    pub b: String,
}

/// Compares two versions of the same job description.
pub async fn version_diff(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<DiffQuery>,
) -> Result<web::Json<Diff>, ApiError> {
    let q = query.into_inner();
    let (a, b) = state
        .db(move |c| Ok((versions::get(c, &q.a)?, versions::get(c, &q.b)?)))
        .await?;
    if a.job_description_id != b.job_description_id {
        return Err(AppError::BadRequest("the versions belong to different job descriptions".into()).into());
    }
    Ok(web::Json(diff(&a.content, &b.content)))
}

/// The placeholders clause text may use.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlaceholderInfo {
    pub name: String,
    pub meaning: String,
    /// The same placeholder in other cases (`{position.reports_to:dative}`), where it takes them.
    pub cases: Vec<String>,
}

/// Lists the placeholders.
pub async fn placeholders(_user: CurrentUser) -> web::Json<Vec<PlaceholderInfo>> {
    use crate::domain::{declension::Case, placeholders};
    web::Json(
        placeholders::KNOWN
            .iter()
            .map(|(n, m)| PlaceholderInfo {
                name: format!("{{{n}}}"),
                meaning: m.to_string(),
                cases: if placeholders::DECLINABLE.iter().any(|(d, _)| d == n) {
                    Case::ALL.iter().map(|(_, c, _)| format!("{{{n}:{c}}}")).collect()
                } else {
                    Vec::new()
                },
            })
            .collect(),
    )
}

/// The revision register.
pub async fn register(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<RegisterRow>>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| {
                documents::get(c, &id)?;
                register::register(c, clock, &id)
            })
            .await?,
    ))
}

/// The job description as a Word document.
pub async fn docx(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
    query: web::Query<crate::web::pdf::DocxQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(crate::web::pdf::make_docx(&state, path.into_inner(), query.part.as_deref()).await?)
}

/// The sheets of a version as `application/pdf`.
pub async fn pdf(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
    query: web::Query<PartsQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(make_pdf(&state, path.into_inner(), &query.parts).await?)
}
