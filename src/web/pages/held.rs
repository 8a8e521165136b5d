//! «Мои инструкции»: an employee's own job descriptions, each version they may read,
//! its PDF, and what changed since the version they signed.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use super::documents::{comparison, paper};
use crate::domain::account::User;
use crate::services::{held, versions, ServiceError};
use crate::web::auth::CurrentUser;
use crate::web::error::{AppError, PageError};
use crate::web::resources::DOC_VIEW;
use crate::web::routes::{Access, Router};
use crate::web::state::AppState;
use crate::web::templates::{base_context, render};

/// Registers the employee's pages.
pub fn routes(r: &mut Router) {
    let any = Access::Authenticated;
    r.nav_page("/my", any, "nav.my", list)
        .page(Method::GET, "/my/versions/{id}", any, version)
        .page(Method::GET, "/my/versions/{id}/pdf", any, pdf);
}

/// The caller's job descriptions.
pub async fn list(state: web::Data<AppState>, user: CurrentUser, session: Session) -> Result<HttpResponse, PageError> {
    let employee = user.0.employee_id.clone();
    let documents = match employee {
        Some(e) => {
            state
                .with_clock(move |c, clock| held::documents_of(c, clock, &e))
                .await?
        }
        None => Vec::new(),
    };
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("linked", &user.0.employee_id.is_some());
    ctx.insert("documents", &documents);
    Ok(render(StatusCode::OK, "held.html", ctx)?)
}

/// Refuses a version the caller may not read: not one of their job descriptions (or
/// never in force), unless they read all documents anyway.
async fn check_may_read(state: &AppState, user: &User, id: &str) -> Result<(), AppError> {
    if Access::Roles(DOC_VIEW).allows(Some(user)) {
        return Ok(());
    }
    let (employee, version) = (user.employee_id.clone(), id.to_string());
    let ok = state
        .with_clock(move |c, clock| {
            // A version that does not exist is not found, whoever asks.
            versions::get(c, &version)?;
            match employee {
                Some(e) => held::may_read(c, clock, &e, &version),
                None => Ok(false),
            }
        })
        .await?;
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// One version as printed, with what changed since the version the caller signed.
pub async fn version(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    check_may_read(&state, &user.0, &id).await?;
    let employee = user.0.employee_id.clone();
    let lookup = id.clone();
    let (paper, document, changes) = state
        .with_clock(move |c, clock| {
            let page = paper(c, clock, &lookup)?;
            let v = versions::get(c, &lookup)?;
            let documents = match &employee {
                Some(e) => held::documents_of(c, clock, e)?,
                None => Vec::new(),
            };
            let document = documents
                .into_iter()
                .find(|d| d.job_description_id == v.job_description_id);
            // What changed since the newest version the caller signed before this one.
            let signed = document
                .as_ref()
                .and_then(|d| d.signed_version_before(v.number))
                .map(|h| (h.id.clone(), h.number));
            let changes = match signed {
                Some((old, number)) => Some((number, comparison(&versions::get(c, &old)?.content, &v.content))),
                None => None,
            };
            Ok::<_, ServiceError>((page, document, changes))
        })
        .await?;
    let paper = paper?;
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("version_id", &id);
    ctx.insert("title_genitive", &paper.title_genitive);
    ctx.insert("part", &paper.html);
    ctx.insert(
        "this",
        &document.as_ref().and_then(|d| d.versions.iter().find(|v| v.id == id)),
    );
    ctx.insert("document", &document);
    if let Some((number, comparison)) = &changes {
        ctx.insert("signed_number", number);
        ctx.insert("comparison", comparison);
        ctx.insert("changes_only", &true);
    }
    Ok(render(StatusCode::OK, "held_version.html", ctx)?)
}

/// The PDF of one version the caller may read: the document itself.
pub async fn pdf(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    check_may_read(&state, &user.0, &id).await?;
    Ok(crate::web::pdf::make_pdf(&state, id, "document").await?)
}
