//! The switch of one's interface language: a button in the user menu, and the API.

use actix_session::Session;
use actix_web::http::Method;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::account::User;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, PageError};
use crate::web::forms::Form;
use crate::web::routes::{doc, Access, ApiDoc, Router};
use crate::web::session::refused;
use crate::web::state::{see_other, AppState};

/// Registers the switch.
pub fn routes(r: &mut Router) {
    r.page(Method::POST, "/me/locale", Access::Authenticated, switch).api(
        Method::PUT,
        "/api/v1/me/locale",
        Access::Authenticated,
        ApiDoc {
            request: Some("LocaleChoice"),
            response: Some("User"),
            ..doc(
                "Set the language of the caller's pages (`ru` or `en`); documents keep their own",
                "users",
            )
        },
        put_api,
    );
}

/// The language chosen.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct LocaleChoice {
    /// `ru` or `en`.
    pub locale: String,
}

async fn save(state: &AppState, user: &User, locale: String) -> Result<User, crate::web::error::AppError> {
    let (login, id) = (user.login.clone(), user.id.clone());
    state
        .with_clock(move |c, clock| crate::services::users::set_locale(c, clock, &login, &id, &locale))
        .await
}

/// Switches and goes back to the page the button was on.
pub async fn switch(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    req: actix_web::HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    // Back to the page the menu was opened on: the Referer's path, when it is this site's.
    let back = req
        .headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix(state.settings.public_url.as_str()))
        .map(str::to_string);
    let next = super::login::safe_next(form.get("next").or(back.as_deref()));
    match save(&state, &user.0, form.get("locale").unwrap_or("").to_string()).await {
        Ok(u) => crate::web::locale::remember(&session, &u.locale)?,
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
    }
    Ok(see_other(&next))
}

/// Sets the caller's language.
pub async fn put_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<LocaleChoice>,
) -> Result<web::Json<User>, ApiError> {
    Ok(web::Json(save(&state, &user.0, body.into_inner().locale).await?))
}
