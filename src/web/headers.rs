//! Security headers on every response, errors of the guard and of other middleware included.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

const HEADERS: [(&str, &str); 5] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; \
         frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    ),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
];

/// HSTS for deployments behind HTTPS (those that set `cookie_secure`).
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Adds the headers to every response; the guard answers its refusals (401, 403,
/// 404 for a bad id) as responses, so they pass through here too.
pub async fn security_headers(
    hsts: bool,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let shared = req.path().starts_with("/static/");
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    // Pages and answers show a moment's state of private records: the Back button must
    // ask again rather than show a stale page, and no cache may keep them. Static files
    // (validated by their ETag) and answers that set their own rule are left alone.
    if !shared && !headers.contains_key(actix_web::http::header::CACHE_CONTROL) {
        headers.insert(
            actix_web::http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
    for (name, value) in HEADERS {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    if hsts {
        headers.insert(
            HeaderName::from_static("strict-transport-security"),
            HeaderValue::from_static(HSTS),
        );
    }
    Ok(res)
}
