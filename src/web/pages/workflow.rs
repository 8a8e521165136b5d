//! The workflow panel on a version and the transitions people make from it.

use actix_session::Session;
use actix_web::http::Method;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::clock::Clock;
use crate::db::DbConn;
use crate::domain::account::{User, UserId};
use crate::domain::workflow::Decision;
use crate::i18n::strings;
use crate::services::facts::{self, Facts};
use crate::services::workflow::{self, ApproveInput, VisaInput};
use crate::services::{agreement, documents, routes, users, ServiceError};
use crate::web::auth::CurrentUser;
use crate::web::error::PageError;
use crate::web::forms::Form;
use crate::web::resources::DOC_EDIT;
use crate::web::routes::{Access, Router};
use crate::web::session::{done, refused, refused_at};
use crate::web::state::{see_other, AppState};

/// Registers the transitions of a version.
pub fn routes(r: &mut Router) {
    let (edit, any) = (Access::Roles(DOC_EDIT), Access::Authenticated);
    r.page(Method::POST, "/versions/{id}/send", edit, send)
        .page(Method::POST, "/versions/{id}/visa", any, visa)
        .page(Method::POST, "/versions/{id}/comments", any, comment)
        .page(Method::POST, "/versions/{id}/remarks/{rid}/answers", edit, answer)
        .page(Method::POST, "/versions/{id}/approve", any, approve)
        .page(Method::POST, "/versions/{id}/reject", any, reject)
        .page(Method::POST, "/versions/{id}/withdraw", edit, withdraw)
        .page(Method::POST, "/versions/{id}/editorial", edit, editorial)
        .page(Method::POST, "/documents/{id}/revisions", edit, new_revision);
}

/// The workflow panel of a version as the editor page shows it.
pub fn panel(conn: &mut DbConn, user: &User, version_id: &str, clock: &Clock) -> Result<Value, ServiceError> {
    let today = clock.today();
    let t = strings();
    let facts = Facts::load(conn, version_id)?;
    let may = facts::actions(conn, user, &facts, today)?;
    let s = &facts.state;
    let route = routes::effective_route(conn, s)?;
    let record = agreement::record(conn, version_id)?;
    let route_logins = route.as_ref().map(|r| routes::route_logins(conn, r)).transpose()?;
    let decision = |d: Decision| t.get(&format!("visa.{}", d.as_str()));
    let visa_view = |v: &agreement::VisaRecord| {
        json!({ "round": v.round, "stage": v.stage, "login": v.login, "acted_by": v.acted_by,
                "decision": decision(v.decision), "comment": v.comment, "at": clock.stamp(v.at) })
    };
    // People on the route by name and position, as on paper; the login stays beside.
    let mut people = std::collections::HashMap::new();
    for id in route
        .iter()
        .flat_map(|r| r.stages.iter().flatten().chain(std::iter::once(&r.approver)))
    {
        people.insert(id.clone(), users::signatory(conn, id)?.shown());
    }
    let route_view = route.as_ref().zip(route_logins.as_ref()).map(|(r, logins)| {
        json!({
            "stages": r.stages.iter().zip(&logins.stages).map(|(ids, names)| ids.iter().zip(names).map(|(u, login)| {
                let v = record.visas.iter().find(|v| v.round == s.round && &v.user_id == u);
                json!({ "login": login, "name": people.get(u), "decision": v.map(|v| decision(v.decision)), "comment": v.map(|v| v.comment.clone()),
                        "at": v.map(|v| clock.stamp(v.at)), "acted_by": v.and_then(|v| v.acted_by.clone()) })
            }).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "approver": logins.approver,
            "approver_name": people.get(&r.approver),
        })
    });
    let history: Vec<Value> = record.visas.iter().map(visa_view).collect();
    let comments: Vec<Value> = record
        .comments
        .iter()
        .map(|c| {
            json!({ "id": c.id, "answer": c.reply_to.is_some(), "reply_to": c.reply_to, "clause_id": c.clause_id,
                         "number": c.number, "login": c.login, "text": c.text, "at": clock.stamp(c.at) })
        })
        .collect();
    let names = routes::logins_of(conn, &may.visa_for)?;
    let visa_for: Vec<Value> = may
        .visa_for
        .iter()
        .zip(names)
        .map(|(p, login)| json!({ "id": p, "login": login, "self": p == &user.id }))
        .collect();
    // Who sent and who approved, by name and position as on paper.
    let mut name_of = |id: &Option<UserId>| -> Result<Option<String>, ServiceError> {
        Ok(match id {
            Some(i) => Some(users::signatory(conn, i)?.shown()),
            None => None,
        })
    };
    let (sent_by, approved_by) = (name_of(&s.sent_by)?, name_of(&s.approved_by)?);
    Ok(json!({
        "status": s.status.as_str(),
        "status_label": t.get(&format!("status.{}", s.status.as_str())),
        "round": s.round,
        "editorial": s.editorial,
        "route": route_view,
        "route_is_default": s.route.is_none(),
        "history": history,
        "comments": comments,
        "sent_by": sent_by,
        "registration_number": s.registration_number,
        "approved_by": approved_by,
        "approved_at": s.approved_at.map(|d| clock.date_of(d).format("%d.%m.%Y").to_string()),
        "effective_date": s.effective_date.map(|d| d.format("%d.%m.%Y").to_string()),
        "order": s.order_number.as_deref().zip(s.order_date).map(|(n, d)| crate::i18n::strings()
            .get("wf.order_cited")
            .replace("{number}", n)
            .replace("{date}", &d.format("%d.%m.%Y").to_string())),
        "content_hash": s.content_hash,
        "job_description_id": s.job_description_id,
        "can_send": may.send,
        "can_route": may.set_route,
        "can_editorial": may.set_editorial,
        "visa_for": visa_for,
        "can_comment": may.comment,
        "can_answer": may.answer,
        "can_approve": may.approve,
        "can_withdraw": may.withdraw,
        "can_new_revision": may.new_revision,
        "today": today.to_string(),
    }))
}

/// Runs a transition from a form and goes back to the version saying what happened
/// (`msg.<done>`) or why nothing did.
async fn transition<F>(
    state: &AppState,
    session: &Session,
    version_id: &str,
    done_key: &str,
    f: F,
) -> Result<HttpResponse, PageError>
where
    F: FnOnce(&mut DbConn, &Clock) -> Result<(), ServiceError> + Send + 'static,
{
    match attempt(state, f).await? {
        Ok(()) => {
            done(session, &strings().get(&format!("msg.{done_key}")));
            Ok(see_other(&format!("/versions/{version_id}#workflow")))
        }
        Err(reason) => refuse(session, version_id, &reason),
    }
}

/// Runs a transition; a refusal comes back as the reason to show.
async fn attempt<F>(state: &AppState, f: F) -> Result<Result<(), String>, PageError>
where
    F: FnOnce(&mut DbConn, &Clock) -> Result<(), ServiceError> + Send + 'static,
{
    match state.with_clock(f).await {
        Ok(()) => Ok(Ok(())),
        Err(e) => Ok(Err(e.user_message().ok_or(e)?)),
    }
}

/// Goes back to the version with the reason nothing was done, opened at the message.
fn refuse(session: &Session, version_id: &str, reason: &str) -> Result<HttpResponse, PageError> {
    refused(session, reason);
    Ok(see_other(&format!("/versions/{version_id}#message")))
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
    transition(&state, &session, &id, "sent", move |c, clock| {
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
    let id = path.into_inner();
    let on_behalf_of = form.get("on_behalf_of").map(UserId::from);
    let Some(decision) = form.get("decision").and_then(Decision::parse) else {
        let typed = form.get("comment").unwrap_or_default();
        refused_at(
            &session,
            &strings().get("wf.choose_decision"),
            &visa_form(&on_behalf_of),
            typed,
        );
        return Ok(see_other(&format!("/versions/{id}#visa")));
    };
    let input = VisaInput {
        decision,
        comment: form.get("comment").unwrap_or_default().to_string(),
        on_behalf_of,
    };
    let v = id.clone();
    let done_key = format!("visa_{}", input.decision.as_str());
    let (at, typed) = (visa_form(&input.on_behalf_of), input.comment.clone());
    match attempt(&state, move |c, clock| {
        workflow::give_visa(c, clock, &user.0, &v, &input).map(|_| ())
    })
    .await?
    {
        Ok(()) => {
            done(&session, &strings().get(&format!("msg.{done_key}")));
            Ok(see_other(&format!("/versions/{id}#workflow")))
        }
        Err(reason) => {
            // Shown at the visa form with the comment given back, not at the top of the page.
            refused_at(&session, &reason, &at, &typed);
            Ok(see_other(&format!("/versions/{id}#visa")))
        }
    }
}

/// The name of the visa form for the person the visa is given for (oneself when `None`).
pub fn visa_form(on_behalf_of: &Option<UserId>) -> String {
    format!("visa:{}", on_behalf_of.as_ref().map(UserId::as_str).unwrap_or_default())
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
    transition(&state, &session, &id, "commented", move |c, clock| {
        workflow::comment_clause(c, clock, &user.0, &v, &clause, &text)
    })
    .await
}

/// HR answers an agreer's remark, shown under it.
pub async fn answer(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let text = form.get("text").unwrap_or_default().to_string();
    let (id, remark) = path.into_inner();
    let v = id.clone();
    transition(&state, &session, &id, "answered", move |c, clock| {
        workflow::answer_remark(c, clock, &user.0, &v, &remark, &text)
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
    let id = path.into_inner();
    let effective_date = match form.get("effective_date").map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => return refuse(&session, &id, &strings().get("wf.bad_effective_date")),
        },
        None => None,
    };
    let order_date = match form.get("order_date").map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => return refuse(&session, &id, &strings().get("wf.bad_order_date")),
        },
        None => None,
    };
    let input = ApproveInput {
        effective_date,
        on_behalf_of: None,
        order_number: form.get("order_number").map(str::to_string),
        order_date,
    };
    let v = id.clone();
    let policy = state.rules();
    transition(&state, &session, &id, "approved", move |c, clock| {
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
    transition(&state, &session, &id, "rejected", move |c, clock| {
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
    transition(&state, &session, &id, "withdrawn", move |c, clock| {
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
    let done_key = if on { "editorial_on" } else { "editorial_off" };
    transition(&state, &session, &id, done_key, move |c, clock| {
        workflow::set_editorial(c, clock, &user.0, &v, on).map(|_| ())
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
        Err(e) => {
            refused(&session, &e.user_message().ok_or(e)?);
            Ok(see_other("/documents#message"))
        }
    }
}
