//! The organisation's details form.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::{Map, Value};

use crate::domain::organization::Organization;
use crate::domain::validation::FieldErrors;
use crate::i18n::strings;
use crate::services::{organization, ServiceError};
use crate::web::auth::CurrentUser;
use crate::web::error::{AppError, PageError};
use crate::web::forms::Form;
use crate::web::resources::{fill, FormField, STRUCTURE_EDIT};
use crate::web::routes::{Access, Router};
use crate::web::session::done;
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};
use actix_web::http::Method;

/// Registers the organisation's page.
pub fn routes(r: &mut Router) {
    let edit = Access::Roles(STRUCTURE_EDIT);
    r.nav_page("/organization", edit, "nav.organization", show)
        .page(Method::POST, "/organization", edit, save);
}

const FIELDS: [&str; 7] = [
    "full_name",
    "short_name",
    "legal_form",
    "city",
    "head_position",
    "head_name",
    "time_zone",
];

fn page(
    user: &CurrentUser,
    session: &Session,
    values: &Map<String, Value>,
    errors: Option<&FieldErrors>,
) -> Result<HttpResponse, PageError> {
    let t = strings();
    let mut fields: Vec<FormField> = FIELDS.iter().map(|name| FormField::text(name, true)).collect();
    fill(&mut fields, values, errors, t);
    let mut ctx = base_context(Some(&user.0), session)?;
    ctx.insert("title", &t.get("title.organization"));
    ctx.insert("fields", &fields);
    ctx.insert("action", "/organization");
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(status, "form.html", ctx)?)
}

/// Shows the form filled with the stored details (or the configured time zone).
pub async fn show(state: web::Data<AppState>, user: CurrentUser, session: Session) -> Result<HttpResponse, PageError> {
    let org = state.db(organization::get).await?;
    let mut values = match org.map(serde_json::to_value) {
        Some(Ok(Value::Object(m))) => m,
        _ => Map::new(),
    };
    values
        .entry("time_zone")
        .or_insert_with(|| Value::String(state.settings.time_zone.clone()));
    page(&user, &session, &values, None)
}

/// Saves the details.
pub async fn save(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let text = |k: &str| form.get(k).unwrap_or_default().to_string();
    let input = Organization {
        full_name: text("full_name"),
        short_name: text("short_name"),
        legal_form: text("legal_form"),
        city: text("city"),
        head_position: text("head_position"),
        head_name: text("head_name"),
        time_zone: text("time_zone"),
    };
    let actor = user.0.login.clone();
    match state
        .with_clock(move |c, clock| organization::save(c, clock, &actor, &input))
        .await
    {
        Ok(_) => {
            done(&session, &strings().get("msg.saved"));
            Ok(see_other("/organization"))
        }
        Err(AppError::Service(ServiceError::Validation(e))) => page(&user, &session, &form.0, Some(&e)),
        Err(e) => Err(e.into()),
    }
}
