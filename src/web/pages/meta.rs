//! What is served to anyone: health for load balancers, the style sheet and the script.

use actix_web::http::{header, Method};
use actix_web::{web, HttpResponse};

use crate::web::routes::{Access, Router};
use crate::web::state::AppState;

/// Registers the health check, the style sheet and the one script.
pub fn routes(r: &mut Router) {
    r.page(Method::GET, "/healthz", Access::Public, health)
        .page(Method::GET, "/static/style.css", Access::Public, style)
        .page(Method::GET, "/static/htmx.min.js", Access::Public, htmx);
}

/// Health for load balancers: the database answers within two seconds, holds this
/// binary's schema, and (SQLite) is still the file that was opened.
async fn health(state: web::Data<AppState>) -> HttpResponse {
    let unavailable = |reason: &str| {
        tracing::error!(reason, "health check failed");
        HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable", "reason": reason }))
    };
    if state.db_file.as_ref().is_some_and(|f| !f.unchanged()) {
        return unavailable("the database file was deleted or replaced since start");
    }
    let pool = state.pool.clone();
    let checked = web::block(move || {
        let mut conn = pool.get_timeout(std::time::Duration::from_secs(2)).ok()?;
        Some(crate::db::schema_current(&mut conn))
    })
    .await;
    match checked {
        Ok(Some(true)) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Ok(Some(false)) => unavailable("the database does not hold this version's schema"),
        _ => unavailable("the database does not answer"),
    }
}

/// htmx (0BSD, vendored in `static/vendor/` with its licence): forms marked for it update
/// the page in place; every page works without it.
async fn htmx() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../static/vendor/htmx-2.0.4.min.js"))
}

async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../static/style.css"))
}
