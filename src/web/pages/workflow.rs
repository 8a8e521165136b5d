//! Workflow pages: the panel on a version, the transitions, routes, the register,
//! acknowledgement, coverage and substitutes.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use crate::clock::Clock;
use crate::db::schema::{clause_comments, users as users_t, visas};
use crate::db::DbConn;
use crate::domain::account::User;
use crate::domain::version::Status;
use crate::domain::workflow::Decision;
use crate::i18n::strings;
use crate::services::acknowledgements::{self, PaperInput};
use crate::services::substitutes::{self, SubstitutionInput};
use crate::services::workflow::{self, ApproveInput, RouteInput, VisaInput};
use crate::services::{documents, ServiceError};
use crate::web::auth::CurrentUser;
use crate::web::error::{AppError, PageError};
use crate::web::forms::Form;
use crate::web::pages::documents::preview_sections;
use crate::web::resources::DOC_EDIT;
use crate::web::routes::Access;
use crate::web::session::flash;
use crate::web::templates::{base_context, render};
use crate::web::{see_other, AppState};

fn logins(conn: &mut DbConn, ids: &[&String]) -> Result<HashMap<String, String>, ServiceError> {
    Ok(users_t::table
        .filter(users_t::id.eq_any(ids))
        .select((users_t::id, users_t::login))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// The workflow panel of a version as the editor page shows it.
pub fn panel(conn: &mut DbConn, user: &User, version_id: &str, clock: &Clock) -> Result<Value, ServiceError> {
    let today = clock.today();
    let t = strings();
    let s = workflow::state(conn, version_id)?;
    let route = workflow::effective_route(conn, &s)?;
    let rows: Vec<(i32, i32, String, String, String, String, chrono::NaiveDateTime)> = visas::table
        .filter(visas::version_id.eq(version_id))
        .order((visas::round.asc(), visas::at.asc()))
        .select((
            visas::round,
            visas::stage,
            visas::user_id,
            visas::acted_by,
            visas::decision,
            visas::comment,
            visas::at,
        ))
        .load(conn)?;
    let comments: Vec<(String, String, String, chrono::NaiveDateTime)> = clause_comments::table
        .filter(clause_comments::version_id.eq(version_id))
        .order(clause_comments::at.asc())
        .select((
            clause_comments::clause_id,
            clause_comments::user_id,
            clause_comments::text,
            clause_comments::at,
        ))
        .load(conn)?;
    let mut ids: Vec<&String> = rows.iter().flat_map(|r| [&r.2, &r.3]).collect();
    ids.extend(comments.iter().map(|c| &c.1));
    if let Some(r) = &route {
        ids.extend(r.stages.iter().flatten());
        ids.push(&r.approver);
    }
    let names = logins(conn, &ids)?;
    let name = |id: &String| names.get(id).cloned().unwrap_or_else(|| "?".into());
    let decision = |d: &str| t.get(&format!("visa.{d}"));
    let current: Vec<&(i32, i32, String, String, String, String, chrono::NaiveDateTime)> =
        rows.iter().filter(|r| r.0 == s.round).collect();
    let route_view = route.as_ref().map(|r| {
        json!({
            "stages": r.stages.iter().map(|stage| stage.iter().map(|u| {
                let v = current.iter().find(|v| &v.2 == u);
                json!({ "login": name(u), "decision": v.map(|v| decision(&v.4)), "comment": v.map(|v| v.5.clone()),
                        "at": v.map(|v| clock.stamp(v.6)),
                        "acted_by": v.filter(|v| v.3 != v.2).map(|v| name(&v.3)) })
            }).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "approver": name(&r.approver),
        })
    });
    let history: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({ "round": r.0, "stage": r.1 + 1, "login": name(&r.2), "acted_by": (r.3 != r.2).then(|| name(&r.3)),
                         "decision": decision(&r.4), "comment": r.5, "at": clock.stamp(r.6) })
        })
        .collect();
    let content = documents::version(conn, version_id)?.content;
    let comments: Vec<Value> = comments
        .iter()
        .map(|c| {
            json!({ "number": content.find(&c.0).map(|l| l.number).unwrap_or_default(), "login": name(&c.1),
                         "text": c.2, "at": clock.stamp(c.3) })
        })
        .collect();
    let hr = Access::Roles(DOC_EDIT).allows(Some(user));
    let may = workflow::may_act(conn, user, &s, today)?;
    let visa_for: Vec<Value> = may
        .visa_for
        .iter()
        .map(|p| json!({ "id": p, "login": name(p), "self": p == &user.id }))
        .collect();
    let newest: i32 = crate::db::schema::jd_versions::table
        .filter(crate::db::schema::jd_versions::job_description_id.eq(&s.job_description_id))
        .select(diesel::dsl::max(crate::db::schema::jd_versions::number))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0);
    Ok(json!({
        "status": s.status.as_str(),
        "status_label": t.get(&format!("status.{}", s.status.as_str())),
        "round": s.round,
        "editorial": s.editorial,
        "route": route_view,
        "route_is_default": s.route.is_none(),
        "history": history,
        "comments": comments,
        "sent_by": s.sent_by,
        "registration_number": s.registration_number,
        "approved_by": s.approved_by,
        "approved_at": s.approved_at.map(|d| clock.date_of(d).format("%d.%m.%Y").to_string()),
        "effective_date": s.effective_date.map(|d| d.format("%d.%m.%Y").to_string()),
        "content_hash": s.content_hash,
        "job_description_id": s.job_description_id,
        "can_send": hr && s.status == Status::Draft,
        "can_route": hr && s.status == Status::Draft,
        "can_editorial": hr && s.status == Status::Draft && s.number > 1,
        "visa_for": visa_for,
        "can_comment": may.comment,
        "can_approve": may.approve,
        "can_withdraw": hr && s.status == Status::Approved,
        "can_new_revision": hr && s.status == Status::Approved && s.number == newest,
        "today": today.to_string(),
    }))
}

/// Runs a transition from a form and goes back to the version with a message.
async fn transition<F>(state: &AppState, session: &Session, version_id: &str, f: F) -> Result<HttpResponse, PageError>
where
    F: FnOnce(&mut DbConn, &Clock) -> Result<(), ServiceError> + Send + 'static,
{
    let t = strings();
    match state.with_clock(f).await {
        Ok(()) => flash(session, &t.get("msg.saved")),
        Err(AppError::Service(ServiceError::Refused(code))) => flash(session, &t.get(&format!("refused.{code}"))),
        Err(AppError::Service(ServiceError::Validation(e))) => flash(
            session,
            &e.0.iter().map(|f| t.field_error(f)).collect::<Vec<_>>().join(" "),
        ),
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("/versions/{version_id}#workflow")))
}

/// Sends a draft for agreement.
pub async fn send(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let v = id.clone();
    transition(&state, &session, &id, move |c, clock| {
        workflow::send(c, clock, &user.0, &v).map(|_| ())
    })
    .await
}

/// Gives a visa.
pub async fn visa(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let decision = form
        .get("decision")
        .and_then(Decision::parse)
        .ok_or_else(|| AppError::BadRequest("decision must be agree, agree_with_remarks or reject".into()))?;
    let input = VisaInput {
        decision,
        comment: form.get("comment").unwrap_or_default().to_string(),
        on_behalf_of: form.get("on_behalf_of").map(str::to_string),
    };
    let id = path.into_inner();
    let v = id.clone();
    transition(&state, &session, &id, move |c, clock| {
        workflow::give_visa(c, clock, &user.0, &v, &input).map(|_| ())
    })
    .await
}

/// Comments on a clause during agreement.
pub async fn comment(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let clause = form.get("clause_id").unwrap_or_default().to_string();
    let text = form.get("text").unwrap_or_default().to_string();
    let id = path.into_inner();
    let v = id.clone();
    transition(&state, &session, &id, move |c, clock| {
        workflow::comment_clause(c, clock, &user.0, &v, &clause, &text)
    })
    .await
}

/// Approves a version.
pub async fn approve(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let effective_date = match form.get("effective_date") {
        Some(d) => Some(
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::BadRequest("effective_date: YYYY-MM-DD".into()))?,
        ),
        None => None,
    };
    let input = ApproveInput {
        effective_date,
        on_behalf_of: None,
    };
    let id = path.into_inner();
    let v = id.clone();
    let policy = state.approval_policy();
    transition(&state, &session, &id, move |c, clock| {
        workflow::approve(c, clock, &user.0, &v, &input, &policy).map(|_| ())
    })
    .await
}

/// Sends a version awaiting approval back to draft.
pub async fn reject(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let comment = form.get("comment").unwrap_or_default().to_string();
    let id = path.into_inner();
    let v = id.clone();
    transition(&state, &session, &id, move |c, clock| {
        workflow::reject_approval(c, clock, &user.0, &v, &comment).map(|_| ())
    })
    .await
}

/// Withdraws an approved version.
pub async fn withdraw(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let comment = form.get("comment").unwrap_or_default().to_string();
    let id = path.into_inner();
    let v = id.clone();
    transition(&state, &session, &id, move |c, clock| {
        workflow::withdraw(c, clock, &user.0, &v, &comment).map(|_| ())
    })
    .await
}

/// Marks or unmarks a draft as editorial.
pub async fn editorial(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let on = form.get("editorial").is_some();
    let id = path.into_inner();
    let v = id.clone();
    transition(&state, &session, &id, move |c, clock| {
        workflow::set_editorial(c, clock, &user.0.login, &v, on).map(|_| ())
    })
    .await
}

/// Starts the next revision of a job description.
pub async fn new_revision(
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
        .with_clock(move |c, clock| documents::new_version(c, clock, &actor, &id))
        .await
    {
        Ok(v) => Ok(see_other(&format!("/versions/{}", v.id))),
        Err(AppError::Service(ServiceError::Refused(code))) => {
            flash(&session, &strings().get(&format!("refused.{code}")));
            Ok(see_other("/documents"))
        }
        Err(e) => Err(e.into()),
    }
}

fn route_text(input: &RouteInput) -> String {
    input.stages.iter().map(|s| s.join(", ")).collect::<Vec<_>>().join("\n")
}

fn parse_route(form: &Form) -> RouteInput {
    RouteInput {
        stages: form
            .get("stages")
            .unwrap_or_default()
            .lines()
            .map(|l| {
                l.split([',', ' ', ';'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .filter(|s: &Vec<String>| !s.is_empty())
            .collect(),
        approver: form.get("approver").unwrap_or_default().trim().to_string(),
    }
}

async fn route_page(
    user: &CurrentUser,
    session: &Session,
    title: String,
    action: String,
    input: &RouteInput,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context(Some(&user.0), session)?;
    ctx.insert("title", &title);
    ctx.insert("action", &action);
    ctx.insert("stages", &route_text(input));
    ctx.insert("approver", &input.approver);
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    ctx.insert("error", &error);
    Ok(render(status, "route.html", &ctx)?)
}

fn errors_text(e: &AppError) -> Option<String> {
    match e {
        AppError::Service(ServiceError::Validation(fe)) => Some(
            fe.0.iter()
                .map(|f| {
                    format!(
                        "{}: {}",
                        strings().get(&format!("field.{}", f.field)),
                        strings().field_error(f)
                    )
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
        AppError::Service(ServiceError::Refused(code)) => Some(strings().get(&format!("refused.{code}"))),
        _ => None,
    }
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
            let s = workflow::state(c, &v)?;
            match workflow::effective_route(c, &s)? {
                Some(r) => workflow::route_logins(c, &r),
                None => Ok(RouteInput::default()),
            }
        })
        .await?;
    route_page(
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
    F: FnOnce(&mut DbConn, &Clock, &RouteInput) -> Result<crate::domain::workflow::Route, ServiceError>
        + Send
        + 'static,
{
    let form = Form::parse(session, body, &[])?;
    let input = parse_route(&form);
    let i = input.clone();
    match state.with_clock(move |c, clock| save(c, clock, &i)).await {
        Ok(_) => {
            flash(session, &strings().get("msg.saved"));
            Ok(see_other(&form_at.done))
        }
        Err(e) => match errors_text(&e) {
            Some(msg) => route_page(user, session, form_at.title, form_at.action, &input, Some(msg)).await,
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
        workflow::set_version_route(c, clock, &actor, &id, i)
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
            let dept = <crate::domain::structure::Department as crate::services::crud::Resource>::get(c, &d)?;
            let input = match workflow::department_route(c, &d)? {
                Some(r) => workflow::route_logins(c, &r)?,
                None => RouteInput::default(),
            };
            Ok((dept.name, input))
        })
        .await?;
    let title = format!("{}: {name}", strings().get("route.department_title"));
    route_page(&user, &session, title, format!("/departments/{id}/route"), &input, None).await
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
        workflow::set_department_route(c, clock, &actor, &id, i)
    })
    .await
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
        .with_clock(move |c, clock| Ok((documents::get(c, &id)?, workflow::register(c, clock, &id)?)))
        .await?;
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("doc", &doc);
    ctx.insert("rows", &rows);
    Ok(render(StatusCode::OK, "register.html", &ctx)?)
}

fn may_see(user: &User, employee_id: &str) -> bool {
    user.employee_id.as_deref() == Some(employee_id) || Access::Roles(DOC_EDIT).allows(Some(user))
}

/// The document to acknowledge, with the signing form for its employee.
pub async fn acknowledgement(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let (a, sections) = state
        .db(move |c| {
            let a = acknowledgements::get(c, &id)?;
            let v = documents::version(c, &a.version_id)?;
            let values = documents::values(c, &a.version_id)?;
            Ok((a, preview_sections(&v.content, &values)))
        })
        .await?;
    if !may_see(&user.0, &a.employee_id) {
        return Err(AppError::Forbidden.into());
    }
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert(
        "can_sign",
        &(user.0.employee_id.as_deref() == Some(a.employee_id.as_str())
            && a.signed_at.is_none()
            && a.version_status == Status::Approved),
    );
    ctx.insert(
        "can_record_paper",
        &(Access::Roles(DOC_EDIT).allows(Some(&user.0))
            && a.signed_at.is_none()
            && a.version_status == Status::Approved),
    );
    ctx.insert("short_code", &a.short_code());
    ctx.insert("signed_at", &a.signed_at.map(|t| state.clock.stamp(t)));
    ctx.insert("ack", &a);
    ctx.insert("sections", &sections);
    ctx.insert("today", &state.today().to_string());
    Ok(render(StatusCode::OK, "acknowledgement.html", &ctx)?)
}

/// Signs with the password.
pub async fn sign(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let password = form.get("password").unwrap_or_default().to_string();
    let id = path.into_inner();
    let (a, key, o) = (
        id.clone(),
        state.settings.secret_key.expose().as_bytes().to_vec(),
        crate::web::client::of(&req),
    );
    let t = strings();
    match state
        .with_clock(move |c, clock| acknowledgements::sign(c, clock, &key, &user.0, &a, &password, &o))
        .await
    {
        Ok(_) => flash(&session, &t.get("ack.signed")),
        Err(AppError::Service(ServiceError::Refused(code))) => flash(&session, &t.get(&format!("refused.{code}"))),
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("/acknowledgements/{id}")))
}

/// HR records a paper signature.
pub async fn paper(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let date = NaiveDate::parse_from_str(form.get("date").unwrap_or_default().trim(), "%Y-%m-%d")
        .map_err(|_| AppError::BadRequest("date: YYYY-MM-DD".into()))?;
    let input = PaperInput {
        date,
        note: form.get("note").unwrap_or_default().to_string(),
    };
    let id = path.into_inner();
    let (a, key) = (id.clone(), state.settings.secret_key.expose().as_bytes().to_vec());
    let t = strings();
    match state
        .with_clock(move |c, clock| acknowledgements::record_paper(c, clock, &key, &user.0, &a, &input))
        .await
    {
        Ok(_) => flash(&session, &t.get("ack.signed")),
        Err(AppError::Service(ServiceError::Refused(code))) => flash(&session, &t.get(&format!("refused.{code}"))),
        Err(AppError::Service(ServiceError::Validation(e))) => flash(
            &session,
            &e.0.iter().map(|f| t.field_error(f)).collect::<Vec<_>>().join(" "),
        ),
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("/acknowledgements/{id}")))
}

/// Everything recorded about an acknowledgement, with its seal checked.
pub async fn evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let key = state.settings.secret_key.expose().as_bytes().to_vec();
    let e = state.db(move |c| acknowledgements::evidence(c, &key, &id)).await?;
    if !may_see(&user.0, &e.acknowledgement.employee_id) {
        return Err(AppError::Forbidden.into());
    }
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("e", &e);
    let t = crate::i18n::strings();
    let sealed: Vec<(String, String)> = acknowledgements::sealed_fields(&e.acknowledgement)
        .into_iter()
        .map(|(label, value)| (t.get(&format!("ack.{label}")), value))
        .collect();
    ctx.insert("sealed", &sealed);
    ctx.insert(
        "can_download",
        &(e.acknowledgement.signed_at.is_some() && Access::Roles(DOC_EDIT).allows(Some(&user.0))),
    );
    ctx.insert("short_code", &e.acknowledgement.short_code());
    let signed = e.acknowledgement.signed_at;
    ctx.insert("signed_local", &signed.map(|t| state.clock.stamp_with_offset(t)));
    ctx.insert(
        "signed_utc",
        &signed.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
    );
    Ok(render(StatusCode::OK, "evidence.html", &ctx)?)
}

#[derive(Serialize)]
struct Bar {
    label: String,
    acknowledged: usize,
    pending: usize,
    overdue: usize,
    /// Widths in the 300-unit chart.
    w_ack: f64,
    w_pending: f64,
    w_overdue: f64,
}

/// Acknowledgement coverage by department and position, with a bar chart and who to remind.
pub async fn coverage(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let today = state.today();
    let (rows, reviews) = state
        .db(move |c| {
            Ok((
                acknowledgements::coverage(c, today)?,
                crate::services::inbox::reviews_due(c, today)?,
            ))
        })
        .await?;
    let mut by_dept: Vec<(String, [usize; 3])> = Vec::new();
    for r in &rows {
        match by_dept.iter_mut().find(|(d, _)| d == &r.department) {
            Some((_, n)) => {
                n[0] += r.acknowledged;
                n[1] += r.pending;
                n[2] += r.overdue;
            }
            None => by_dept.push((r.department.clone(), [r.acknowledged, r.pending, r.overdue])),
        }
    }
    let bar = |label: String, n: [usize; 3]| {
        let total = (n[0] + n[1] + n[2]).max(1) as f64;
        Bar {
            label,
            acknowledged: n[0],
            pending: n[1],
            overdue: n[2],
            w_ack: 300.0 * n[0] as f64 / total,
            w_pending: 300.0 * n[1] as f64 / total,
            w_overdue: 300.0 * n[2] as f64 / total,
        }
    };
    let bars: Vec<Bar> = by_dept.into_iter().map(|(d, n)| bar(d, n)).collect();
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("bars", &bars);
    ctx.insert("chart_height", &(bars.len() * 28 + 10));
    ctx.insert("rows", &rows);
    ctx.insert("reviews", &reviews);
    Ok(render(StatusCode::OK, "coverage.html", &ctx)?)
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
    Ok(render(StatusCode::OK, "substitutes.html", &ctx)?)
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
    let t = strings();
    match state
        .with_clock(move |c, clock| substitutes::add(c, clock, &u, &input))
        .await
    {
        Ok(_) => flash(&session, &t.get("msg.saved")),
        Err(e @ AppError::Service(ServiceError::Validation(_))) => {
            flash(&session, &errors_text(&e).unwrap_or_default())
        }
        Err(e) => return Err(e.into()),
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
    flash(&session, &strings().get("msg.deleted"));
    Ok(see_other("/substitutes"))
}
