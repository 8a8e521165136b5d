//! List, create, edit and delete pages shared by every organisation resource.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::domain::library::matches;
use crate::domain::validation::FieldErrors;
use crate::i18n::{strings, Strings};
use crate::services::{crud, Page, Paged, ServiceError};
use crate::web::auth::CurrentUser;
use crate::web::error::{AppError, PageError};
use crate::web::forms::Form;
use crate::web::queries::ListQuery;
use crate::web::resources::{fill, Extra, WebResource};
use crate::web::routes::{Access, Router};
use crate::web::session::{done, refused};
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};
use actix_web::http::Method;

#[derive(Serialize)]
struct Row {
    id: String,
    cells: Vec<String>,
    href: Option<String>,
    extra: Option<Extra>,
}

fn base<R: WebResource>() -> String {
    format!("/{}", R::PATH)
}

/// The list page, narrowed by words (any column, any word form) and, where the list has
/// an extra column, to the rows without its thing. A narrowed list is read whole and
/// counted off by page number; the full one is read a page at a time from the index.
pub async fn list<R: WebResource>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let (page, cursor) = (query.page(), query.cursor());
    let filtered = query.is_filtered();
    let (words, without) = (
        query.words().to_string(),
        query.without() && R::extra_column().is_some(),
    );
    let t = strings();
    let (rows, total, page) = state
        .db(move |c| {
            if !filtered {
                let paged = R::list_from(c, page, cursor.as_ref())?;
                let extra = R::extra(c, &paged.items)?;
                return Ok((rows_of(&paged.items, extra, t), paged.total, paged.page));
            }
            let all = R::list(
                c,
                Page {
                    page: 1,
                    per_page: i64::MAX,
                },
            )?
            .items;
            let extra = R::extra(c, &all)?;
            let mut rows = rows_of(&all, extra, t);
            rows.retain(|r| {
                let text = r
                    .cells
                    .iter()
                    .chain(r.extra.iter().map(|e| &e.text))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ");
                matches(&text, &words) && !(without && r.extra.as_ref().is_some_and(|e| e.present))
            });
            let cut = Paged::cut(rows, page);
            Ok::<_, ServiceError>((cut.items, cut.total, cut.page))
        })
        .await?;
    let per_page = query.page().per_page;
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("title", &t.get(&format!("title.{}", R::PATH)));
    ctx.insert("base", &base::<R>());
    let mut columns: Vec<String> = R::columns().iter().map(|c| t.get(c)).collect();
    if let Some(extra) = R::extra_column() {
        columns.push(t.get(extra));
    }
    ctx.insert("columns", &columns);
    ctx.insert("has_extra", &R::extra_column().is_some());
    if !filtered {
        ctx.insert("first_key", &rows.first().map(|r| r.id.clone()));
        ctx.insert("last_key", &rows.last().map(|r| r.id.clone()));
    }
    ctx.insert("q", query.words());
    ctx.insert("without", &query.without());
    ctx.insert("filtered", &filtered);
    ctx.insert("filter_link", &query.filter_link());
    ctx.insert("rows", &rows);
    ctx.insert("can_edit", &Access::Roles(R::EDIT).allows(Some(&user.0)));
    ctx.insert("total", &total);
    ctx.insert("page", &page);
    ctx.insert("pages", &((total + per_page - 1) / per_page).max(1));
    Ok(render(StatusCode::OK, "list.html", ctx)?)
}

/// The rows of a list page, with their extra cells when the list has them.
fn rows_of<R: WebResource>(items: &[R], extra: Vec<Extra>, t: &Strings) -> Vec<Row> {
    let mut extra = extra.into_iter();
    items
        .iter()
        .map(|item| Row {
            id: item.id().to_string(),
            cells: item.cells(t),
            href: item.open_href(),
            extra: extra.next(),
        })
        .collect()
}

async fn form_page<R: WebResource>(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    id: Option<String>,
    values: Map<String, Value>,
    errors: Option<FieldErrors>,
    actions: Vec<(String, &'static str)>,
) -> Result<HttpResponse, PageError> {
    let t = strings();
    let creating = id.is_none();
    let mut fields = state.db(move |c| R::form_fields(c, creating)).await?;
    fill(&mut fields, &values, errors.as_ref(), t);
    let mut ctx = base_context(Some(&user.0), session)?;
    let verb = if creating { "title.new" } else { "title.edit" };
    ctx.insert(
        "title",
        &format!(
            "{}: {}",
            t.get(&format!("title.{}", R::PATH)),
            t.get(verb).to_lowercase()
        ),
    );
    ctx.insert("fields", &fields);
    ctx.insert("back", &base::<R>());
    let actions: Vec<(String, String)> = actions.into_iter().map(|(href, label)| (href, t.get(label))).collect();
    ctx.insert("actions", &actions);
    match &id {
        Some(id) => ctx.insert("action", &format!("{}/{id}", base::<R>())),
        None => ctx.insert("action", &base::<R>()),
    }
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    if let Some(e) = errors
        .as_ref()
        .filter(|e| e.0.iter().any(|f| !fields.iter().any(|x| x.name == f.field)))
    {
        // An error on a field the form does not show still has to be visible.
        ctx.insert(
            "error",
            &e.0.iter().map(|f| t.field_error(f)).collect::<Vec<_>>().join(" "),
        );
    }
    Ok(render(status, "form.html", ctx)?)
}

fn as_map<T: Serialize>(input: &T) -> Map<String, Value> {
    match serde_json::to_value(input) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// The empty creation form.
pub async fn new<R: WebResource>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
) -> Result<HttpResponse, PageError> {
    form_page::<R>(
        &state,
        &user,
        &session,
        None,
        as_map(&R::Input::default()),
        None,
        Vec::new(),
    )
    .await
}

/// The edit form of one record.
pub async fn edit<R: WebResource>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let lookup = id.clone();
    let item = state.db(move |c| R::get(c, &lookup)).await?;
    let actions = item.actions();
    form_page::<R>(
        &state,
        &user,
        &session,
        Some(id),
        as_map(&item.to_input()),
        None,
        actions,
    )
    .await
}

/// Saves a creation or an edit; on invalid input shows the form again with messages.
async fn save<R: WebResource>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    id: Option<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, R::ARRAY_FIELDS)?;
    let input: R::Input = form.decode()?;
    let actor = user.0.login.clone();
    let (target, rules) = (id.clone(), state.rules());
    let result = state
        .with_clock(move |c, clock| match &target {
            Some(id) => crud::update::<R>(c, clock, &actor, id, &input),
            None => crud::create::<R>(c, clock, &rules, &actor, &input),
        })
        .await;
    match result {
        Ok(_) => {
            done(&session, &strings().get("msg.saved"));
            Ok(see_other(&base::<R>()))
        }
        Err(AppError::Service(ServiceError::Validation(errors))) => {
            form_page::<R>(&state, &user, &session, id, form.0, Some(errors), Vec::new()).await
        }
        // A refusal of the state (the last administrator, say): the form again, with why.
        Err(e @ AppError::Service(ServiceError::Refused(_))) => {
            refused(&session, &e.user_message().unwrap_or_default());
            let back = id
                .map(|id| format!("{}/{id}", base::<R>()))
                .unwrap_or_else(|| format!("{}/new", base::<R>()));
            Ok(see_other(&back))
        }
        Err(e) => Err(e.into()),
    }
}

/// Creates a record from the form.
pub async fn create<R: WebResource>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    save::<R>(state, user, session, None, body).await
}

/// Updates a record from the form.
pub async fn update<R: WebResource>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    save::<R>(state, user, session, Some(path.into_inner()), body).await
}

/// Deletes a record; a refusal comes back as the list page's message.
pub async fn delete<R: WebResource>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let actor = user.0.login.clone();
    match state
        .with_clock(move |c, clock| crud::delete::<R>(c, clock, &actor, &id))
        .await
    {
        Ok(()) => done(&session, &strings().get("msg.deleted")),
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
    }
    Ok(see_other(&base::<R>()))
}

/// The generic pages of a resource; `nav: None` when its list page is its own.
pub fn routes<R: WebResource>(r: &mut Router, nav: Option<&'static str>) {
    let base = format!("/{}", R::PATH);
    let (readers, editors) = (Access::Roles(R::VIEW), Access::Roles(R::EDIT));
    if let Some(nav) = nav {
        r.nav_page(&base, readers, nav, list::<R>);
    }
    r.page(Method::GET, &format!("{base}/new"), editors, new::<R>)
        .page(Method::POST, &base, editors, create::<R>)
        .page(Method::GET, &format!("{base}/{{id}}"), editors, edit::<R>)
        .page(Method::POST, &format!("{base}/{{id}}"), editors, update::<R>)
        .page(Method::POST, &format!("{base}/{{id}}/delete"), editors, delete::<R>);
}
