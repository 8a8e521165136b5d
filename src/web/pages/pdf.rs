//! PDF downloads and the public verification page.

use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use actix_session::Session;

use crate::i18n::strings;
use crate::services::render::{hash_in_pdf, verify_hash};
use crate::web::auth::CurrentUser;
use crate::web::error::PageError;
use crate::web::pdf::{make_docx, make_pdf, PartsQuery};
use crate::web::resources::DOC_VIEW;
use crate::web::routes::{Access, Router};
use crate::web::session::check_csrf;
use crate::web::state::see_other;
use crate::web::state::AppState;
use crate::web::templates::base_context;
use crate::web::templates::render as render_page;
use crate::web::upload;

/// Registers the PDF download and the public verification page.
pub fn routes(r: &mut Router) {
    r.page(Method::GET, "/versions/{id}/pdf", Access::Roles(DOC_VIEW), download)
        .page(
            Method::GET,
            "/versions/{id}/docx",
            Access::Roles(DOC_VIEW),
            download_docx,
        )
        .page(Method::GET, "/verify", Access::Public, verify_form)
        .page(Method::POST, "/verify", Access::Public, verify_upload)
        .page(Method::GET, "/verify/{hash}", Access::Public, verify);
}

/// The PDF download of the web UI.
pub async fn download(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
    query: web::Query<PartsQuery>,
) -> Result<HttpResponse, PageError> {
    Ok(make_pdf(&state, path.into_inner(), &query.parts).await?)
}

/// The Word download of the web UI.
pub async fn download_docx(
    state: web::Data<AppState>,
    _user: CurrentUser,
    path: web::Path<String>,
    query: web::Query<crate::web::pdf::DocxQuery>,
) -> Result<HttpResponse, PageError> {
    Ok(make_docx(&state, path.into_inner(), query.part.as_deref()).await?)
}

/// A hash typed or pasted into the form on `/verify`.
#[derive(Debug, serde::Deserialize)]
pub struct HashQuery {
    #[serde(default)]
    pub hash: Option<String>,
}

/// Public: the form to check a document, by its hash or by the PDF itself. A hash sent
/// from the form goes on to its own page, which can be bookmarked and shared.
pub async fn verify_form(session: Session, query: web::Query<HashQuery>) -> Result<HttpResponse, PageError> {
    if let Some(hash) = query.hash.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
        return Ok(see_other(&format!("/verify/{}", hash.to_lowercase())));
    }
    let ctx = base_context(None, &session)?;
    Ok(render_page(StatusCode::OK, "verify.html", ctx)?)
}

/// Public: a PDF dropped on the form, checked by the content hash jobdesc wrote into it.
pub async fn verify_upload(
    state: web::Data<AppState>,
    session: Session,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let Some(body) = upload::multipart_or_checked_form(&req, payload, &session).await? else {
        let mut ctx = base_context(None, &session)?;
        ctx.insert("refusal", &strings().get("verify.no_file"));
        return Ok(render_page(StatusCode::UNPROCESSABLE_ENTITY, "verify.html", ctx)?);
    };
    let upload = upload::read(body, PDF_LIMIT).await?;
    check_csrf(&session, upload.fields.get("csrf_token").map(String::as_str))?;
    let hash = upload.files.first().and_then(|f| hash_in_pdf(&f.bytes));
    let Some(hash) = hash else {
        let mut ctx = base_context(None, &session)?;
        let reason = if upload.files.is_empty() {
            "verify.no_file"
        } else {
            "verify.no_mark"
        };
        ctx.insert("refusal", &strings().get(reason));
        return Ok(render_page(StatusCode::UNPROCESSABLE_ENTITY, "verify.html", ctx)?);
    };
    answer(&state, &session, hash).await
}

/// The largest PDF the form takes.
const PDF_LIMIT: u64 = 20 << 20;

/// Public: which document, version, status and approval a content hash belongs to.
pub async fn verify(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    answer(&state, &session, path.into_inner()).await
}

/// The verdict on `hash`: found (200) or not (404), said plainly.
async fn answer(state: &AppState, session: &Session, hash: String) -> Result<HttpResponse, PageError> {
    let valid = hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit());
    let lookup = hash.clone();
    let found = if valid {
        state.with_clock(move |c, clock| verify_hash(c, clock, &lookup)).await?
    } else {
        None
    };
    let mut ctx = base_context(None, session)?;
    ctx.insert("hash", &hash);
    ctx.insert("checked", &true);
    ctx.insert("found", &found);
    let status = if found.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok(render_page(status, "verify.html", ctx)?)
}
