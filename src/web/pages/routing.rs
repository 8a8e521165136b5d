//! The route forms: a version's own route and a department's default.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use crate::clock::Clock;
use crate::db::DbConn;
use crate::domain::account::Role;
use crate::domain::structure::Department;
use crate::domain::workflow::Route;
use crate::i18n::strings;
use crate::services::crud::Resource;
use crate::services::routes::{self, RouteInput};
use crate::services::{users, versions, ServiceError};
use crate::web::auth::CurrentUser;
use crate::web::error::PageError;
use crate::web::forms::Form;
use crate::web::resources::DOC_EDIT;
use crate::web::routes::{Access, Router};
use crate::web::session::done;
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};

/// Registers the route forms.
pub fn routes(r: &mut Router) {
    let edit = Access::Roles(DOC_EDIT);
    r.page(Method::GET, "/versions/{id}/route", edit, version_route)
        .page(Method::POST, "/versions/{id}/route", edit, save_version_route)
        .page(Method::GET, "/departments/{id}/route", edit, department_route)
        .page(Method::POST, "/departments/{id}/route", edit, save_department_route);
}

/// Stage fields the form can carry (`stage1` …): more stages than anyone routes through.
const STAGE_FIELDS: [&str; 8] = [
    "stage1", "stage2", "stage3", "stage4", "stage5", "stage6", "stage7", "stage8",
];

/// The route as the form sent it: each stage's ticked agreers, empty stages left out.
fn parse_route(form: &Form) -> RouteInput {
    RouteInput {
        stages: STAGE_FIELDS
            .iter()
            .filter_map(|f| form.0.get(*f).and_then(|v| v.as_array()))
            .map(|logins| {
                logins
                    .iter()
                    .filter_map(|l| l.as_str())
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|s| !s.is_empty())
            .collect(),
        approver: form.get("approver").unwrap_or_default().trim().to_string(),
    }
}

async fn route_page(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    title: String,
    action: String,
    input: &RouteInput,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    // Everyone already on the route is offered too, so that saving never drops them unseen.
    let named: Vec<String> = input.stages.iter().flatten().cloned().collect();
    let approver = vec![input.approver.clone()];
    let (agreers, approvers) = state
        .db(move |c| {
            Ok((
                users::people_with(c, Role::Agreer, &named)?,
                users::people_with(c, Role::Approver, &approver)?,
            ))
        })
        .await?;
    // One empty stage more than the route has, to add a stage without scripts.
    let shown = (input.stages.len() + 1).clamp(2, STAGE_FIELDS.len());
    let stages: Vec<Vec<String>> = (0..shown)
        .map(|i| input.stages.get(i).cloned().unwrap_or_default())
        .collect();
    let mut ctx = base_context(Some(&user.0), session)?;
    ctx.insert("title", &title);
    ctx.insert("action", &action);
    ctx.insert("stages", &stages);
    ctx.insert("agreers", &agreers);
    ctx.insert("approvers", &approvers);
    ctx.insert("approver", &input.approver);
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    ctx.insert("error", &error);
    Ok(render(status, "route.html", ctx)?)
}

/// The route form of a version (its own route or, until set, the department's).
pub async fn version_route(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let v = id.clone();
    let input = state
        .db(move |c| {
            let s = versions::state(c, &v)?;
            match routes::effective_route(c, &s)? {
                Some(r) => routes::route_logins(c, &r),
                None => Ok(RouteInput::default()),
            }
        })
        .await?;
    route_page(
        &state,
        &user,
        &session,
        strings().get("route.version_title"),
        format!("/versions/{id}/route"),
        &input,
        None,
    )
    .await
}

/// Where a saved route goes: the form's address and title, and where to return.
struct RouteForm {
    action: String,
    title: String,
    done: String,
}

/// Saves a route from the form; invalid input shows the form again with the reason.
async fn save_route<F>(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    body: &[u8],
    form_at: RouteForm,
    save: F,
) -> Result<HttpResponse, PageError>
where
    F: FnOnce(&mut DbConn, &Clock, &RouteInput) -> Result<Route, ServiceError> + Send + 'static,
{
    let form = Form::parse(session, body, &STAGE_FIELDS)?;
    let input = parse_route(&form);
    let i = input.clone();
    match state.with_clock(move |c, clock| save(c, clock, &i)).await {
        Ok(_) => {
            done(session, &strings().get("msg.saved"));
            Ok(see_other(&form_at.done))
        }
        Err(e) => match e.user_message() {
            Some(msg) => route_page(state, user, session, form_at.title, form_at.action, &input, Some(msg)).await,
            None => Err(e.into()),
        },
    }
}

/// Saves a version's route.
pub async fn save_version_route(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let at = RouteForm {
        action: format!("/versions/{id}/route"),
        title: strings().get("route.version_title"),
        done: format!("/versions/{id}#workflow"),
    };
    let actor = user.0.login.clone();
    save_route(&state, &user, &session, &body, at, move |c, clock, i| {
        routes::set_version_route(c, clock, &actor, &id, i)
    })
    .await
}

/// The default route form of a department.
pub async fn department_route(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let d = id.clone();
    let (name, input) = state
        .db(move |c| {
            let dept = Department::get(c, &d)?;
            let input = match routes::department_route(c, &d)? {
                Some(r) => routes::route_logins(c, &r)?,
                None => RouteInput::default(),
            };
            Ok((dept.name, input))
        })
        .await?;
    let title = format!("{}: {name}", strings().get("route.department_title"));
    route_page(
        &state,
        &user,
        &session,
        title,
        format!("/departments/{id}/route"),
        &input,
        None,
    )
    .await
}

/// Saves a department's default route.
pub async fn save_department_route(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let at = RouteForm {
        action: format!("/departments/{id}/route"),
        title: strings().get("route.department_title"),
        done: "/departments".into(),
    };
    let actor = user.0.login.clone();
    save_route(&state, &user, &session, &body, at, move |c, clock, i| {
        routes::set_department_route(c, clock, &actor, &id, i)
    })
    .await
}
