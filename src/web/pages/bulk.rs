//! Bulk work, pages and API: job descriptions for many positions at once, several
//! drafts sent for agreement, many documents printed as one PDF. Each answer lists
//! every item's outcome.

use actix_session::Session;
use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::clock::Clock;
use crate::db::DbConn;
use crate::i18n::strings;
use crate::services::bulk::{
    self, BulkResult, DepartmentAcknowledgement, NewDocuments, PaperSheet, Progress, Quiet, Versions,
};
use crate::services::templates;
use crate::services::ServiceError;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError, PageError};
use crate::web::forms::Form;
use crate::web::pdf::rfc5987;
use crate::web::resources::{DOC_EDIT, DOC_VIEW};
use crate::web::routes::{doc, query_params, Access, ApiDoc, Router};
use crate::web::session::refused;
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};

/// Registers the pages and API of this module.
pub fn routes(r: &mut Router) {
    let (edit, view) = (Access::Roles(DOC_EDIT), Access::Roles(DOC_VIEW));
    r.page(Method::GET, "/bulk/documents", edit, new_documents_page)
        .page(Method::POST, "/bulk/documents", edit, create_documents_page)
        .page(Method::POST, "/bulk/send", edit, send_page)
        .page(Method::POST, "/bulk/paper", edit, paper_page)
        .page(Method::POST, "/bulk/acknowledgements", edit, acknowledge_page)
        .page(Method::GET, "/print", view, print_page)
        .api(
            Method::POST,
            "/api/v1/bulk/documents",
            edit,
            ApiDoc {
                request: Some("NewDocuments"),
                response: Some("BulkResult"),
                ..doc(
                    "Job descriptions for several positions from one template; each item's outcome",
                    "bulk",
                )
            },
            create_documents_api,
        )
        .api(
            Method::POST,
            "/api/v1/bulk/send",
            edit,
            ApiDoc {
                request: Some("Versions"),
                response: Some("BulkResult"),
                ..doc("Send several drafts for agreement; each item's outcome", "bulk")
            },
            send_api,
        )
        .api(
            Method::POST,
            "/api/v1/bulk/paper",
            edit,
            ApiDoc {
                request: Some("PaperSheet"),
                response: Some("BulkResult"),
                ..doc(
                    "Record paper signatures of several people from one signed sheet; each item's outcome",
                    "bulk",
                )
            },
            paper_api,
        )
        .api(
            Method::POST,
            "/api/v1/bulk/acknowledgements",
            edit,
            ApiDoc {
                request: Some("DepartmentAcknowledgement"),
                response: Some("BulkResult"),
                ..doc(
                    "Start a department's acknowledgement (ask every holder not yet asked), and with `remind` remind everyone who has not signed; each version's outcome",
                    "bulk",
                )
            },
            acknowledge_api,
        )
        .api(
            Method::GET,
            "/api/v1/print",
            view,
            ApiDoc {
                params: Some(query_params::<PrintQuery>),
                content: Some("application/pdf"),
                ..doc(
                    "Several job descriptions as one PDF: a department's versions in force, or the versions named",
                    "bulk",
                )
            },
            print_api,
        );
}

/// What to print as one file.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct PrintQuery {
    /// Every version in force of this department's positions.
    pub department: Option<String>,
    /// Or these versions, comma-separated.
    pub versions: Option<String>,
    /// Comma-separated: `document`, `acknowledgements`, `register` (default: all).
    #[serde(default)]
    pub parts: String,
}

/// The positions that have no job description yet, to make theirs at once.
pub async fn new_documents_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let (positions, templates) = state
        .db(|c| Ok((bulk::positions_without_document(c)?, templates::all(c)?)))
        .await?;
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("positions", &positions);
    let t = strings();
    let templates: Vec<(String, String)> = templates
        .into_iter()
        .map(|tpl| {
            let label = match tpl.category {
                Some(c) => format!("{} ({})", tpl.name, t.get(&format!("category.{}", c.as_str()))),
                None => tpl.name,
            };
            (tpl.id, label)
        })
        .collect();
    ctx.insert("templates", &templates);
    Ok(render(StatusCode::OK, "bulk_new.html", ctx)?)
}

/// Runs the work on its page, row by row; a refusal before any item goes back to
/// `from` with its message.
async fn on_page<F>(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    what: &'static str,
    from: &str,
    work: F,
) -> Result<HttpResponse, PageError>
where
    F: FnOnce(&mut DbConn, &Clock, &mut dyn Progress) -> Result<BulkResult, ServiceError> + Send + 'static,
{
    match super::progress::run(state, user, session, what, work).await {
        Ok(page) => Ok(page),
        Err(e) => {
            refused(session, &e.user_message().ok_or(e)?);
            Ok(see_other(&format!("{from}#message")))
        }
    }
}

/// Makes the job descriptions and lists what became of each position.
pub async fn create_documents_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &["position_ids"])?;
    let input: NewDocuments = form.decode()?;
    let login = user.0.login.clone();
    on_page(
        &state,
        &user,
        &session,
        "documents",
        "/bulk/documents",
        move |c, clock, p| bulk::create_documents(c, clock, &login, &input, p),
    )
    .await
}

/// Sends the drafts ticked on the documents page.
pub async fn send_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &["version_ids"])?;
    let input: Versions = form.decode()?;
    let u = user.0.clone();
    on_page(&state, &user, &session, "send", "/documents", move |c, clock, p| {
        bulk::send_drafts(c, clock, &u, &input, p)
    })
    .await
}

/// Starts (or repeats) a department's acknowledgement from the coverage page.
pub async fn acknowledge_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let input = DepartmentAcknowledgement {
        department_id: form.get("department_id").unwrap_or_default().to_string(),
        remind: form.get("remind") == Some("true"),
    };
    let (u, rules) = (user.0.clone(), state.rules());
    on_page(
        &state,
        &user,
        &session,
        "acknowledge",
        "/coverage",
        move |c, clock, p| bulk::acknowledge_department(c, clock, &rules, &u, &input, p),
    )
    .await
}

/// A department's acknowledgement, started or repeated.
pub async fn acknowledge_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<DepartmentAcknowledgement>,
) -> Result<web::Json<BulkResult>, ApiError> {
    let (u, rules, input) = (user.0.clone(), state.rules(), body.into_inner());
    Ok(web::Json(
        state
            .with_clock(move |c, clock| bulk::acknowledge_department(c, clock, &rules, &u, &input, &mut Quiet))
            .await?,
    ))
}

/// Records the paper signatures ticked on the coverage page.
pub async fn paper_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &["acknowledgement_ids"])?;
    let Ok(input) = form.decode::<PaperSheet>() else {
        // No date, or not a date: the one field the sheet needs.
        let e = AppError::from(crate::services::ServiceError::from(
            crate::domain::validation::FieldErrors::single("date", "invalid_date"),
        ));
        refused(&session, &e.user_message().ok_or(e)?);
        return Ok(see_other("/coverage#message"));
    };
    let key = state.settings.secret_key.expose().as_bytes().to_vec();
    let u = user.0.clone();
    on_page(&state, &user, &session, "paper", "/coverage", move |c, clock, p| {
        bulk::record_paper(c, clock, &key, &u, &input, p)
    })
    .await
}

async fn print(state: &AppState, query: PrintQuery) -> Result<HttpResponse, AppError> {
    let parts = crate::pdf::Part::parse_list(&query.parts).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let public = state.settings.public_url.clone();
    let versions: Vec<String> = query
        .versions
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::to_string)
        .collect();
    let department = query.department.filter(|d| !d.trim().is_empty());
    let (inputs, name) = state
        .with_clock(move |c, clock| {
            let name = match &department {
                Some(d) => Some(bulk::department_name(c, d)?),
                None => None,
            };
            Ok((
                bulk::print_inputs(c, clock, &public, &versions, department.as_deref())?,
                name,
            ))
        })
        .await?;
    let count = inputs.len();
    let rendered = web::block(move || crate::pdf::render_all(&inputs, &parts))
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let title = match name {
        Some(d) => format!("ДИ {d} ({count})"),
        None => format!("ДИ ({count})"),
    };
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"job-descriptions.pdf\"; filename*=UTF-8''{}.pdf",
                rfc5987(&title)
            ),
        ))
        .body(rendered.bytes))
}

/// Many documents as one PDF (the documents page's print form).
pub async fn print_page(
    state: web::Data<AppState>,
    _user: CurrentUser,
    session: Session,
    query: web::Query<PrintQuery>,
) -> Result<HttpResponse, PageError> {
    match print(&state, query.into_inner()).await {
        Ok(r) => Ok(r),
        Err(e) => {
            refused(&session, &e.user_message().ok_or(e)?);
            Ok(see_other("/documents#message"))
        }
    }
}

/// Job descriptions for several positions.
pub async fn create_documents_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<NewDocuments>,
) -> Result<web::Json<BulkResult>, ApiError> {
    let input = body.into_inner();
    let login = user.0.login.clone();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| bulk::create_documents(c, clock, &login, &input, &mut Quiet))
            .await?,
    ))
}

/// Several drafts sent for agreement.
pub async fn send_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<Versions>,
) -> Result<web::Json<BulkResult>, ApiError> {
    let input = body.into_inner();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| bulk::send_drafts(c, clock, &user.0, &input, &mut Quiet))
            .await?,
    ))
}

/// Paper signatures of several people.
pub async fn paper_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<PaperSheet>,
) -> Result<web::Json<BulkResult>, ApiError> {
    let input = body.into_inner();
    let key = state.settings.secret_key.expose().as_bytes().to_vec();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| bulk::record_paper(c, clock, &key, &user.0, &input, &mut Quiet))
            .await?,
    ))
}

/// Many documents as one PDF.
pub async fn print_api(
    state: web::Data<AppState>,
    _user: CurrentUser,
    query: web::Query<PrintQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(print(&state, query.into_inner()).await?)
}
