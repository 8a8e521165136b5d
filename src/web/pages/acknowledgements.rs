//! Acknowledgement pages: the document to sign, signing, paper signatures, the
//! evidence of a signature, and coverage.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::account::User;
use crate::domain::version::Status;
use crate::i18n::strings;
use crate::services::acknowledgements::{self, PaperInput};
use crate::services::{held, inbox, notifications, versions};
use crate::web::auth::{CurrentUser, ReadAt};
use crate::web::error::{ApiError, AppError, PageError};
use crate::web::forms::Form;
use crate::web::kept;
use crate::web::queries::PageQuery;
use crate::web::resources::DOC_EDIT;
use crate::web::routes::{doc, Access, ApiDoc, Router};
use crate::web::session::{self, done, refused};
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};

/// Registers the acknowledgement pages.
pub fn routes(r: &mut Router) {
    let (edit, any) = (Access::Roles(DOC_EDIT), Access::Authenticated);
    r.page(Method::GET, "/acknowledgements/{id}", any, acknowledgement)
        .page(Method::POST, "/acknowledgements/{id}/sign", any, sign)
        .page(Method::POST, "/acknowledgements/{id}/paper", edit, paper)
        .page(Method::GET, "/acknowledgements/{id}/evidence", any, evidence)
        .nav_page("/coverage", edit, "nav.coverage", coverage)
        .page(Method::POST, "/versions/{id}/remind", edit, remind)
        .page(Method::POST, "/notifications/read", any, mark_read)
        .api(
            Method::POST,
            "/api/v1/versions/{id}/remind",
            edit,
            ApiDoc {
                response: Some("Reminded"),
                ..doc(
                    "Remind those who have not acknowledged the version; the overdue go to the head of the department",
                    "acknowledgements",
                )
            },
            remind_api,
        );
}

/// Reminds those who have not acknowledged a version (the API of the coverage page's button).
pub async fn remind_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<web::Json<notifications::Reminded>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| notifications::remind(c, clock, &user.0, &id))
            .await?,
    ))
}

/// Reminds those who have not acknowledged a version, escalating the overdue ones to the
/// head of the department, and says who was reached and who must be reminded in person.
pub async fn remind(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let u = user.0.clone();
    match state
        .with_clock(move |c, clock| notifications::remind(c, clock, &u, &id))
        .await
    {
        Ok(r) => {
            let t = strings();
            let mut said = t.get("notify.reminded").replace("{n}", &r.notified.to_string());
            if r.escalated > 0 {
                said.push(' ');
                said.push_str(&t.get("notify.escalated").replace("{n}", &r.escalated.to_string()));
            }
            if r.no_head {
                said.push(' ');
                said.push_str(&t.get("notify.no_head"));
            }
            if !r.without_account.is_empty() {
                said.push(' ');
                said.push_str(
                    &t.get("notify.in_person")
                        .replace("{names}", &r.without_account.join(", ")),
                );
            }
            if r.no_head || !r.without_account.is_empty() {
                session::flash(&session, session::Kind::Warning, &said);
            } else {
                done(&session, &said);
            }
        }
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
    }
    Ok(see_other("/coverage#message"))
}

/// Marks the caller's notifications read.
pub async fn mark_read(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let u = user.0.clone();
    state
        .with_clock(move |c, clock| notifications::mark_read(c, clock, &u))
        .await?;
    done(&session, &strings().get("notify.read"));
    Ok(see_other("/"))
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
    let (a, paper, signed_before) = state
        .with_clock(move |c, clock| {
            let a = acknowledgements::get(c, &id)?;
            let paper = super::documents::paper(c, clock, &a.version_id)?;
            // A newer revision of what the employee signed before: they are shown what changed.
            let number = versions::get(c, &a.version_id)?.number;
            let signed_before = held::documents_of(c, clock, &a.employee_id)?
                .into_iter()
                .find(|d| d.versions.iter().any(|v| v.id == a.version_id))
                .and_then(|d| d.signed_version_before(number).map(|v| v.number));
            Ok((a, paper, signed_before))
        })
        .await?;
    if !may_see(&user.0, &a.employee_id) {
        return Err(AppError::Forbidden.into());
    }
    let paper = paper?;
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
    ctx.insert("part", &paper.html);
    ctx.insert("signed_before", &signed_before);
    ctx.insert("today", &state.today().to_string());
    Ok(render(StatusCode::OK, "acknowledgement.html", ctx)?)
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
    let directory = state.directory.clone();
    match state
        .with_clock(move |c, clock| {
            crate::services::auth::confirm_password(c, directory.as_deref(), &user.0, &password)?;
            acknowledgements::sign(c, clock, &key, &user.0, &a, &o)
        })
        .await
    {
        Ok(_) => done(&session, &strings().get("ack.signed")),
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
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
    let id = path.into_inner();
    let Ok(date) = NaiveDate::parse_from_str(form.get("date").unwrap_or_default().trim(), "%Y-%m-%d") else {
        refused(&session, &strings().get("ack.paper_date_missing"));
        return Ok(see_other(&format!("/acknowledgements/{id}#message")));
    };
    let input = PaperInput {
        date,
        note: form.get("note").unwrap_or_default().to_string(),
    };
    let (a, key) = (id.clone(), state.settings.secret_key.expose().as_bytes().to_vec());
    match state
        .with_clock(move |c, clock| acknowledgements::record_paper(c, clock, &key, &user.0, &a, &input))
        .await
    {
        Ok(_) => done(&session, &strings().get("ack.paper_recorded")),
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
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
    let t = strings();
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
    Ok(render(StatusCode::OK, "evidence.html", ctx)?)
}

/// Coverage as a table for a spreadsheet: one row per position, with who has not signed.
fn coverage_csv(lines: &[crate::services::coverage::CoverageLine]) -> HttpResponse {
    let t = strings();
    let header = [
        "field.department_name",
        "field.position_title",
        "field.version",
        "coverage.acknowledged",
        "coverage.pending",
        "coverage.overdue",
        "coverage.who",
    ]
    .map(|k| t.get(k));
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| match &l.figures {
            Some(r) => vec![
                r.department.clone(),
                r.position_title.clone(),
                r.version_number.to_string(),
                r.acknowledged.to_string(),
                r.pending.to_string(),
                r.overdue.to_string(),
                r.unsigned
                    .iter()
                    .map(|u| format!("{} ({})", u.employee_name, u.due_date.format("%d.%m.%Y")))
                    .collect::<Vec<_>>()
                    .join(", "),
            ],
            None => {
                let mut row = vec![l.department.clone(), l.position_title.clone()];
                row.extend(std::iter::repeat_n(String::new(), 4));
                row.push(t.get("coverage.not_in_force"));
                row
            }
        })
        .collect();
    crate::web::csv::download(&t.get("coverage.title"), "coverage", &header, &rows)
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

/// Reviews listed on the coverage page (the API gives all).
const REVIEWS_SHOWN: i64 = 50;

/// Acknowledgement coverage by position, a page at a time, with a bar chart of
/// the page's departments and who to remind.
pub async fn coverage(
    state: web::Data<AppState>,
    user: CurrentUser,
    read_at: ReadAt,
    session: Session,
    query: web::Query<PageQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let today = state.today();
    let key = kept::key(&req, &user.0, today);
    let turn = match kept::get(&state.views.pages, read_at, &key, &session).await? {
        kept::Lookup::Kept(page) => return Ok(page),
        kept::Lookup::Build(turn) => turn,
    };
    if req.query_string().split('&').any(|p| p == "format=csv") {
        let all = state
            .db(move |c| {
                crate::services::coverage::page(
                    c,
                    today,
                    crate::services::Page {
                        page: 1,
                        per_page: i64::MAX,
                    },
                    None,
                )
            })
            .await?;
        return Ok(coverage_csv(&all.items));
    }
    let (page, cursor) = (query.page(), query.cursor());
    let (paged, (reviews, due), without_document, departments) = state
        .db(move |c| {
            Ok((
                crate::services::coverage::page(c, today, page, cursor.as_ref())?,
                inbox::reviews_due_first(c, today, REVIEWS_SHOWN)?,
                crate::services::coverage::positions_without_document(c)?,
                crate::services::departments::all(c)?,
            ))
        })
        .await?;
    let rows = paged.items;
    let mut by_dept: Vec<(String, [usize; 3])> = Vec::new();
    for r in rows.iter().filter_map(|l| l.figures.as_ref()) {
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
    let mut ctx = kept::context(&user.0, &session)?;
    ctx.insert("bars", &bars);
    ctx.insert("chart_height", &(bars.len() * 28 + 10));
    ctx.insert("first_key", &rows.first().map(|l| l.position_id.clone()));
    ctx.insert("last_key", &rows.last().map(|l| l.position_id.clone()));
    ctx.insert("rows", &rows);
    ctx.insert("total", &paged.total);
    ctx.insert("page", &paged.page);
    ctx.insert("pages", &((paged.total + paged.per_page - 1) / paged.per_page).max(1));
    ctx.insert("reviews_more", &(due - reviews.len() as i64).max(0));
    ctx.insert("without_document", &without_document);
    // HR starts or repeats a whole department's acknowledgement from here.
    if crate::domain::account::DRAFTERS.iter().any(|r| user.0.has(*r)) {
        let departments: Vec<(String, String)> = departments.into_iter().map(|d| (d.id, d.name)).collect();
        ctx.insert("departments", &departments);
    }
    ctx.insert("reviews", &reviews);
    Ok(kept::keep(
        turn,
        &state.views.pages,
        read_at,
        &key,
        "coverage.html",
        ctx,
        &session,
    )?)
}
