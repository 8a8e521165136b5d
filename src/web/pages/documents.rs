//! Job descriptions: the list, starting one, a document's versions, preview and comparison.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Arc;

use crate::domain::diff::{diff, ChangeKind};
use crate::domain::preview::preview_sections;
use crate::domain::staff::initials;
use crate::domain::validation::FieldErrors;
use crate::domain::version::Status;
use crate::i18n::strings;
use crate::services::documents::{self, NewDocument};
use crate::services::register;
use crate::services::{organization, templates, versions, Page, ServiceError};
use crate::web::auth::{CurrentUser, ReadAt};
use crate::web::error::{AppError, PageError};
use crate::web::forms::Form;
use crate::web::kept;
use crate::web::queries::ListQuery;
use crate::web::resources::{fill, FormField, Opt, DOC_EDIT, DOC_VIEW};
use crate::web::routes::{Access, Router};
use crate::web::session::done;
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render, render_part};

/// Registers the job description pages.
pub fn routes(r: &mut Router) {
    let (view, edit) = (Access::Roles(DOC_VIEW), Access::Roles(DOC_EDIT));
    r.nav_page("/documents", view, "nav.documents", list)
        .page(Method::GET, "/documents/new", edit, new)
        .page(Method::GET, "/documents/registry", view, registry)
        .page(Method::POST, "/documents", edit, create)
        .page(Method::GET, "/documents/{id}", view, show)
        .page(Method::GET, "/documents/{id}/compare", view, compare)
        .page(Method::GET, "/documents/{id}/register", view, register)
        .page(Method::GET, "/versions/{id}/preview", view, preview);
}

/// The list of job descriptions.
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    read_at: ReadAt,
    session: Session,
    query: web::Query<ListQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let key = kept::key(&req, &user.0, state.today());
    let turn = match kept::get(&state.views.pages, read_at, &key, &session).await? {
        kept::Lookup::Kept(page) => return Ok(page),
        kept::Lookup::Build(turn) => turn,
    };
    let (page, cursor) = (query.page(), query.cursor());
    let filter = documents::Filter {
        words: query.words().to_string(),
        status: query.status.as_deref().and_then(Status::parse),
    };
    let filtered = !filter.is_empty();
    let searched = filter.clone();
    let paged = state
        .db(move |c| {
            if filtered {
                documents::search(c, &searched, page)
            } else {
                documents::list_from(c, page, cursor.as_ref())
            }
        })
        .await?;
    let t = strings();
    let mut ctx = kept::context(&user.0, &session)?;
    let rows: Vec<Value> = paged
        .items
        .iter()
        .map(|d| {
            let newest = d.versions.first();
            serde_json::json!({
                "id": d.id,
                "position": d.position_title,
                "department": d.department_name,
                "version": newest.map(|v| v.number),
                "status": newest.map(|v| t.get(&format!("status.{}", v.status.as_str()))),
                "version_id": newest.map(|v| v.id.clone()),
                "draft": newest.is_some_and(|v| v.status == Status::Draft),
            })
        })
        .collect();
    // A filtered list is counted off by page number; the index keys serve the whole one.
    if !filtered {
        ctx.insert("first_key", &paged.items.first().map(|d| d.position_id.clone()));
        ctx.insert("last_key", &paged.items.last().map(|d| d.position_id.clone()));
    }
    ctx.insert("filter_link", &query.filter_link());
    ctx.insert("q", query.words());
    ctx.insert("status_filter", &filter.status.map(|s| s.as_str()));
    let statuses: Vec<(&str, String)> = Status::ALL
        .iter()
        .map(|s| (s.as_str(), t.get(&format!("status.{}", s.as_str()))))
        .collect();
    ctx.insert("statuses", &statuses);
    let departments: Vec<(String, String)> = state
        .db(crate::services::departments::all)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    ctx.insert("departments", &departments);
    ctx.insert("rows", &rows);
    ctx.insert("total", &paged.total);
    ctx.insert("page", &paged.page);
    ctx.insert("pages", &((paged.total + paged.per_page - 1) / paged.per_page).max(1));
    ctx.insert("can_edit", &Access::Roles(DOC_EDIT).allows(Some(&user.0)));
    Ok(kept::keep(
        turn,
        &state.views.pages,
        read_at,
        &key,
        "documents.html",
        ctx,
        &session,
    )?)
}

async fn new_form(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    values: Map<String, Value>,
    errors: Option<FieldErrors>,
) -> Result<HttpResponse, PageError> {
    let (free, tpls, docs) = state
        .db(|c| {
            Ok((
                documents::positions_without_document(c)?,
                templates::all(c)?,
                documents::list(c, Page::new(Some(1), Some(Page::MAX_PER_PAGE)))?.items,
            ))
        })
        .await?;
    let t = strings();
    let opt = |value: &str, label: String| Opt {
        value: value.to_string(),
        label,
    };
    let select = |name: &'static str, required: bool, options: Vec<Opt>| FormField {
        name,
        label: t.get(&format!("field.{name}")),
        kind: "select",
        required,
        options,
        value: String::new(),
        values: Vec::new(),
        error: None,
        hint: None,
    };
    let mut fields = vec![
        select(
            "position_id",
            true,
            free.into_iter()
                .map(|p| opt(&p.id, format!("{} ({})", p.title, p.department_name)))
                .collect(),
        ),
        select(
            "template_id",
            false,
            tpls.into_iter().map(|x| opt(&x.id, x.name)).collect(),
        ),
        select(
            "copy_from",
            false,
            docs.into_iter().map(|d| opt(&d.id, d.position_title)).collect(),
        ),
    ];
    fill(&mut fields, &values, errors.as_ref(), t);
    let mut ctx = base_context(Some(&user.0), session)?;
    ctx.insert("title", &t.get("title.new_document"));
    ctx.insert("fields", &fields);
    ctx.insert("action", "/documents");
    ctx.insert("back", "/documents");
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(status, "form.html", ctx)?)
}

/// The form to start a job description.
pub async fn new(state: web::Data<AppState>, user: CurrentUser, session: Session) -> Result<HttpResponse, PageError> {
    new_form(&state, &user, &session, Map::new(), None).await
}

/// Starts a job description and opens its first version.
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let input: NewDocument = form.decode()?;
    let actor = user.0.login.clone();
    match state
        .with_clock(move |c, clock| documents::create(c, clock, &actor, &input))
        .await
    {
        Ok(d) => {
            done(&session, &strings().get("msg.saved"));
            let v = d
                .versions
                .first()
                .map(|v| format!("/versions/{}", v.id))
                .unwrap_or(format!("/documents/{}", d.id));
            Ok(see_other(&v))
        }
        Err(AppError::Service(ServiceError::Validation(e))) => new_form(&state, &user, &session, form.0, Some(e)).await,
        Err(e) => Err(e.into()),
    }
}

/// One job description with its versions.
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let d = state.db(move |c| documents::get(c, &id)).await?;
    let t = strings();
    let versions: Vec<Value> = d
        .versions
        .iter()
        .map(|v| {
            serde_json::json!({ "id": v.id, "number": v.number,
                "status": t.get(&format!("status.{}", v.status.as_str())),
                "updated_at": state.clock.stamp(v.updated_at) })
        })
        .collect();
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("doc", &d);
    ctx.insert("versions", &versions);
    Ok(render(StatusCode::OK, "document.html", ctx)?)
}

/// `?a=&b=` of the comparison page.
#[derive(Debug, Deserialize)]
pub struct CompareQuery {
    pub a: String,
    pub b: String,
}

#[derive(Serialize)]
struct DiffRow {
    kind: &'static str,
    label: String,
    old_number: Option<String>,
    new_number: Option<String>,
    old_text: Option<String>,
    new_text: Option<String>,
    words: Vec<crate::domain::diff::WordRun>,
}

/// Two versions side by side, clause by clause with word marks.
pub async fn compare(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    query: web::Query<CompareQuery>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let q = query.into_inner();
    let (doc, a, b) = state
        .db(move |c| {
            let doc = documents::get(c, &id)?;
            let a = versions::get(c, &q.a)?;
            let b = versions::get(c, &q.b)?;
            if a.job_description_id != doc.id || b.job_description_id != doc.id {
                return Err(ServiceError::NotFound);
            }
            Ok((doc, a, b))
        })
        .await?;
    let comparison = comparison(&a.content, &b.content);
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("doc", &doc);
    ctx.insert("a", &a.number);
    ctx.insert("b", &b.number);
    ctx.insert("comparison", &comparison);
    ctx.insert("changes_only", &false);
    Ok(render(StatusCode::OK, "compare.html", ctx)?)
}

/// Two texts compared clause by clause, as `diff_table.html` shows them.
#[derive(Serialize)]
pub(super) struct Comparison {
    rows: Vec<DiffRow>,
    sections: Vec<String>,
    identical: bool,
}

/// What changed from text `a` to text `b`.
pub(super) fn comparison(a: &crate::domain::document::Content, b: &crate::domain::document::Content) -> Comparison {
    let t = strings();
    let d = diff(a, b);
    let rows: Vec<DiffRow> = d
        .clauses
        .iter()
        .map(|c| {
            let kind = match c.kind {
                ChangeKind::Unchanged => "unchanged",
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
                ChangeKind::Changed => "changed",
                ChangeKind::Moved => "moved",
                ChangeKind::MovedChanged => "moved_changed",
            };
            DiffRow {
                kind,
                label: t.get(&format!("diff.{kind}")),
                old_number: c.old_number.clone(),
                new_number: c.new_number.clone(),
                old_text: c.old_text.clone(),
                new_text: c.new_text.clone(),
                words: c.words.clone(),
            }
        })
        .collect();
    let sections: Vec<String> = d
        .sections
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                t.get(&format!("section.{}", s.kind.as_str())),
                t.get(&format!("diff.section_{}", s.change))
            )
        })
        .collect();
    Comparison {
        rows,
        sections,
        identical: d.is_empty(),
    }
}

/// The print preview of a version: the paper is rendered once per change-log head.
pub async fn preview(
    state: web::Data<AppState>,
    user: CurrentUser,
    read_at: ReadAt,
    session: Session,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let key = kept::key(&req, &user.0, state.today());
    let turn = match kept::get(&state.views.pages, read_at, &key, &session).await? {
        kept::Lookup::Kept(page) => return Ok(page),
        kept::Lookup::Build(turn) => turn,
    };
    let id = path.into_inner();
    let paper = match state.views.preview.get(read_at.0, &id) {
        Some(p) => p,
        None => {
            let key = id.clone();
            let p = Arc::new(state.with_clock(move |c, clock| paper(c, clock, &key)).await??);
            state.views.preview.put(read_at.0, &id, p.clone());
            p
        }
    };
    let mut ctx = kept::context(&user.0, &session)?;
    ctx.insert("version_id", &id);
    ctx.insert("status", &strings().get(&format!("status.{}", paper.status.as_str())));
    ctx.insert("title_genitive", &paper.title_genitive);
    ctx.insert("part", &paper.html);
    Ok(kept::keep(
        turn,
        &state.views.pages,
        read_at,
        &key,
        "preview.html",
        ctx,
        &session,
    )?)
}

/// A version as printed on the preview page.
#[derive(Debug)]
pub struct Paper {
    pub(super) status: crate::domain::version::Status,
    pub(super) title_genitive: String,
    pub(super) html: String,
}

pub(super) fn paper(
    c: &mut crate::db::DbConn,
    clock: &crate::clock::Clock,
    id: &str,
) -> Result<Result<Paper, AppError>, ServiceError> {
    let (state, v) = versions::state_and_text(c, id)?;
    let values = documents::values(c, id)?;
    let org = organization::get(c)?;
    let title_genitive = values.0.get("position.title_genitive").cloned().unwrap_or_default();
    let mut ctx = tera::Context::new();
    ctx.insert("draft", &(v.status != crate::domain::version::Status::Approved));
    ctx.insert("org_name", &org.as_ref().map(|o| o.full_name.clone()));
    ctx.insert("city", &org.as_ref().map(|o| o.city.clone()));
    ctx.insert("head_position", &org.as_ref().map(|o| o.head_position.clone()));
    ctx.insert("head_initials", &org.as_ref().map(|o| initials(&o.head_name)));
    // The paper is the document: its words are the document's language, whatever the reader's.
    let words = v.content.language.words();
    let title = values.0.get("position.title").cloned().unwrap_or_default();
    ctx.insert("of_position", &words.of(&title, &title_genitive));
    ctx.insert(
        "words",
        &serde_json::json!({ "lang": v.content.language.code(), "draft": words.draft, "approve": words.approve,
                             "doctype": words.doctype, "date_blank": words.date_blank }),
    );
    // An approved text carries its stamp filled in: number, date and who approved it.
    ctx.insert("registration_number", &state.registration_number);
    ctx.insert(
        "approved_on",
        &state
            .approved_at
            .map(|t| words.long_date(&clock.date_of(t).to_string())),
    );
    ctx.insert("sections", &preview_sections(&v.content, &values));
    Ok(render_part("paper.html", ctx).map(|html| Paper {
        status: v.status,
        title_genitive,
        html,
    }))
}

/// The register of job descriptions: every registered version, narrowed by words; as a
/// page, or with `?format=csv` as a table for a spreadsheet.
pub async fn registry(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    query: web::Query<ListQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let t = strings();
    let words = query.words().to_string();
    let lines: Vec<documents::RegistryLine> = state
        .with_clock(documents::registry)
        .await?
        .into_iter()
        .filter(|l| {
            crate::domain::library::matches(
                &format!("{} {} {}", l.registration_number, l.position_title, l.department_name),
                &words,
            )
        })
        .collect();
    let status = |l: &documents::RegistryLine| t.get(&format!("status.{}", l.status.as_str()));
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%d.%m.%Y").to_string()).unwrap_or_default();
    if req.query_string().split('&').any(|p| p == "format=csv") {
        let header = [
            "registration",
            "position",
            "department",
            "version",
            "status",
            "approved",
            "effective",
            "review",
        ]
        .map(|h| t.get(&format!("registry.{h}")));
        let rows: Vec<Vec<String>> = lines
            .iter()
            .map(|l| {
                vec![
                    l.registration_number.clone(),
                    l.position_title.clone(),
                    l.department_name.clone(),
                    l.version.to_string(),
                    status(l),
                    l.approved_on.clone().unwrap_or_default(),
                    date(l.effective_date),
                    date(l.review_date),
                ]
            })
            .collect();
        return Ok(crate::web::csv::download(
            &t.get("registry.title"),
            "registry",
            &header,
            &rows,
        ));
    }
    let rows: Vec<Value> = lines
        .iter()
        .map(|l| {
            serde_json::json!({ "number": l.registration_number, "document": l.job_description_id,
                "version_id": l.version_id, "position": l.position_title, "department": l.department_name,
                "version": l.version, "status": status(l), "in_force": l.status == Status::Approved,
                "approved_on": l.approved_on, "effective": date(l.effective_date), "review": date(l.review_date) })
        })
        .collect();
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("rows", &rows);
    ctx.insert("q", &words);
    ctx.insert(
        "csv_link",
        &format!("/documents/registry?format=csv{}", query.filter_link()),
    );
    Ok(render(StatusCode::OK, "registry.html", ctx)?)
}

/// The revision register of a job description.
pub async fn register(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let (doc, rows) = state
        .with_clock(move |c, clock| Ok((documents::get(c, &id)?, register::register(c, clock, &id)?)))
        .await?;
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("doc", &doc);
    ctx.insert("rows", &rows);
    Ok(render(StatusCode::OK, "register.html", ctx)?)
}
