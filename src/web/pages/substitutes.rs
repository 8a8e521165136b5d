//! The substitutes page: naming someone to act in one's name for a period.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use crate::i18n::strings;
use crate::services::substitutes::{self, SubstitutionInput};
use crate::web::auth::CurrentUser;
use crate::web::error::PageError;
use crate::web::forms::Form;
use crate::web::resources::STRUCTURE_VIEW;
use crate::web::routes::{Access, Router};
use crate::web::session::{done, refused};
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};

/// Registers the substitutes page, for those who give visas or approve (and HR and
/// administrators): a plain employee has nothing to hand over.
pub fn routes(r: &mut Router) {
    let acting = Access::Roles(STRUCTURE_VIEW);
    r.nav_page("/substitutes", acting, "nav.substitutes", substitutes_page)
        .page(Method::POST, "/substitutes", acting, add_substitute)
        .page(Method::POST, "/substitutes/{id}/delete", acting, remove_substitute);
}

/// The user's substitutions and the form to name a substitute.
pub async fn substitutes_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let u = user.0.clone();
    let list = state.db(move |c| substitutes::of_user(c, &u)).await?;
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("list", &list);
    Ok(render(StatusCode::OK, "substitutes.html", ctx)?)
}

/// Names a substitute.
pub async fn add_substitute(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let input: SubstitutionInput = form.decode()?;
    let u = user.0.clone();
    match state
        .with_clock(move |c, clock| substitutes::add(c, clock, &u, &input))
        .await
    {
        Ok(_) => done(&session, &strings().get("msg.saved")),
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
    }
    Ok(see_other("/substitutes"))
}

/// Removes a substitution.
pub async fn remove_substitute(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let u = user.0.clone();
    state
        .with_clock(move |c, clock| substitutes::remove(c, clock, &u, &id))
        .await?;
    done(&session, &strings().get("msg.deleted"));
    Ok(see_other("/substitutes"))
}
