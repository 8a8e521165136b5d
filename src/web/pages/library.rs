//! The clause library: search, where a clause is used, and bringing drafts up to date.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::domain::document::SectionKind;
use crate::domain::library::LibraryClause;
use crate::domain::structure::Category;
use crate::i18n::strings;
use crate::services::crud::Resource;
use crate::services::{editing, library, Page};
use crate::web::auth::CurrentUser;
use crate::web::error::PageError;
use crate::web::forms::Form;
use crate::web::queries::LibraryQuery;
use crate::web::resources::DOC_EDIT;
use crate::web::routes::{Access, Router};
use crate::web::session::done;
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};
use actix_web::http::Method;

/// Registers the library pages.
pub fn routes(r: &mut Router) {
    let edit = Access::Roles(DOC_EDIT);
    r.nav_page("/library", edit, "nav.library", list);
    super::resources::routes::<LibraryClause>(r, None);
    r.page(Method::GET, "/library/{id}/usage", edit, usage).page(
        Method::POST,
        "/library/{id}/propagate",
        edit,
        propagate,
    );
}

#[derive(Serialize)]
struct Row {
    id: String,
    section: String,
    categories: String,
    source: String,
    text: String,
    revision: i64,
}

/// Search and list.
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    query: web::Query<LibraryQuery>,
) -> Result<HttpResponse, PageError> {
    let q = query.into_inner();
    let page = Page::new(q.page, q.per_page);
    let search = q.to_query();
    let paged = state.db(move |c| library::search(c, &search, page)).await?;
    let t = strings();
    let rows: Vec<Row> = paged
        .items
        .into_iter()
        .map(|c| Row {
            section: t.get(&format!("section.{}", c.section.as_str())),
            categories: if c.categories.is_empty() {
                t.get("library.any_category")
            } else {
                c.categories
                    .iter()
                    .map(|k| t.get(&format!("category.{}", k.as_str())))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            source: t.get(&format!("source.{}", c.source.as_str())),
            id: c.id,
            text: c.text,
            revision: c.revision,
        })
        .collect();
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("rows", &rows);
    ctx.insert("q", &q.q.unwrap_or_default());
    ctx.insert("section", &q.section.unwrap_or_default());
    ctx.insert("category", &q.category.unwrap_or_default());
    ctx.insert(
        "sections",
        &SectionKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.get(&format!("section.{}", k.as_str()))))
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "categories",
        &Category::ALL
            .iter()
            .map(|k| (k.as_str(), t.get(&format!("category.{}", k.as_str()))))
            .collect::<Vec<_>>(),
    );
    ctx.insert("total", &paged.total);
    ctx.insert("page", &paged.page);
    ctx.insert("pages", &((paged.total + paged.per_page - 1) / paged.per_page).max(1));
    Ok(render(StatusCode::OK, "library.html", ctx)?)
}

/// Where one library clause is used, and which texts are behind it.
pub async fn usage(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let (clause, usages) = state
        .db(move |c| Ok((LibraryClause::get(c, &id)?, library::usages(c, &id)?)))
        .await?;
    let t = strings();
    let rows: Vec<serde_json::Value> = usages
        .iter()
        .map(|u| {
            let href = match u.owner {
                "template" => format!("/templates/{}/text", u.id),
                _ => format!("/versions/{}", u.id),
            };
            serde_json::json!({
                "href": href,
                "title": u.title,
                "kind": t.get(&format!("entity.{}", u.owner)),
                "status": u.status.map(|s| t.get(&format!("status.{}", s.as_str()))),
                "outdated": !u.outdated_clause_ids.is_empty(),
                "editable": u.status.is_none_or(|s| s.is_editable()),
            })
        })
        .collect();
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("clause", &clause);
    ctx.insert("section", &t.get(&format!("section.{}", clause.section.as_str())));
    ctx.insert("usages", &rows);
    ctx.insert(
        "outdated_editable",
        &usages
            .iter()
            .any(|u| !u.outdated_clause_ids.is_empty() && u.status.is_none_or(|s| s.is_editable())),
    );
    Ok(render(StatusCode::OK, "library_usage.html", ctx)?)
}

/// Updates every template and draft that copied an older text of this clause.
pub async fn propagate(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let actor = user.0.login.clone();
    let lib = id.clone();
    let n = state
        .with_clock(move |c, clock| editing::propagate(c, clock, &actor, &lib))
        .await?;
    done(&session, &format!("{} {n}", strings().get("library.propagated")));
    Ok(see_other(&format!("/library/{id}/usage")))
}
