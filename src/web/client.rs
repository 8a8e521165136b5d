//! Who is on the other end of a request: the address (through trusted proxies only)
//! and the user agent, as recorded with sessions, sign-ins and acknowledgements.

use actix_web::http::header;
use actix_web::{web, HttpRequest};

use crate::services::sessions::Client;
use crate::web::state::AppState;

/// The client of `req`; `X-Forwarded-For` counts only when the peer is a trusted proxy.
pub fn of(req: &HttpRequest) -> Client {
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.settings.trusted_proxies.clone())
        .unwrap_or_default();
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    let address = crate::net::client_address(req.peer_addr().map(|a| a.ip()), &forwarded, &trusted);
    let agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Client::new(&address, agent)
}
