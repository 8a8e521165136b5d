//! PDF downloads and the public verification page.

use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use crate::services::render::verify_hash;
use crate::web::auth::CurrentUser;
use crate::web::error::PageError;
use crate::web::pdf::{make_pdf, PartsQuery};
use crate::web::resources::DOC_VIEW;
use crate::web::routes::{Access, Router};
use crate::web::state::AppState;
use crate::web::templates::render as render_page;

/// Registers the PDF download and the public verification page.
pub fn routes(r: &mut Router) {
    r.page(Method::GET, "/versions/{id}/pdf", Access::Roles(DOC_VIEW), download)
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

/// Public: which document, version, status and approval a content hash belongs to.
pub async fn verify(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, PageError> {
    let hash = path.into_inner();
    let valid = hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit());
    let lookup = hash.clone();
    let found = if valid {
        state.with_clock(move |c, clock| verify_hash(c, clock, &lookup)).await?
    } else {
        None
    };
    let mut ctx = tera::Context::new();
    ctx.insert("nav", &Vec::<()>::new());
    ctx.insert("hash", &hash);
    ctx.insert("found", &found);
    let status = if found.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok(render_page(status, "verify.html", ctx)?)
}
