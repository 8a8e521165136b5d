//! Webhook pages and API, for administrators: endpoints of other systems, the
//! events each hears of, and each endpoint's delivery log.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use crate::domain::account::Role;
use crate::domain::webhook::Event;
use crate::i18n::{fill, strings};
use crate::services::webhooks::{self, Delivery, Webhook, WebhookInput, WebhookPass};
use crate::services::Paged;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, AppError, PageError};
use crate::web::forms::Form;
use crate::web::queries::PageQuery;
use crate::web::routes::{doc, query_params, Access, ApiDoc, Router};
use crate::web::session::{done, refused};
use crate::web::state::{see_other, AppState};
use crate::web::templates::{base_context, render};

const ADMIN: &[Role] = &[Role::Admin];

/// Registers the pages and API of this module.
pub fn routes(r: &mut Router) {
    let admin = Access::Roles(ADMIN);
    r.nav_page("/webhooks", admin, "nav.webhooks", list_page)
        .page(Method::POST, "/webhooks", admin, create_page)
        .page(Method::POST, "/webhooks/run", admin, run_page)
        .page(Method::GET, "/webhooks/{id}", admin, webhook_page)
        .page(Method::POST, "/webhooks/{id}/delete", admin, delete_page)
        .page(Method::POST, "/webhooks/{id}/ping", admin, ping_page)
        .page(Method::POST, "/webhooks/{id}/deliveries/{did}/retry", admin, retry_page)
        .api(
            Method::GET,
            "/api/v1/webhooks",
            admin,
            ApiDoc {
                response: Some("Webhook"),
                array: true,
                ..doc("Endpoints told of events (array)", "webhooks")
            },
            list_api,
        )
        .api(
            Method::POST,
            "/api/v1/webhooks",
            admin,
            ApiDoc {
                request: Some("WebhookInput"),
                response: Some("Webhook"),
                status: 201,
                ..doc("Add an endpoint; the answer holds its signing secret", "webhooks")
            },
            create_api,
        )
        .api(
            Method::POST,
            "/api/v1/webhooks/run",
            admin,
            ApiDoc {
                response: Some("WebhookPass"),
                ..doc(
                    "Announce overdue acknowledgements and post due deliveries now (the server also does it every minute)",
                    "webhooks",
                )
            },
            run_api,
        )
        .api(
            Method::GET,
            "/api/v1/webhooks/{id}",
            admin,
            ApiDoc {
                response: Some("Webhook"),
                ..doc("One endpoint", "webhooks")
            },
            get_api,
        )
        .api(
            Method::DELETE,
            "/api/v1/webhooks/{id}",
            admin,
            ApiDoc {
                status: 204,
                ..doc("Remove an endpoint and its delivery log", "webhooks")
            },
            delete_api,
        )
        .api(
            Method::POST,
            "/api/v1/webhooks/{id}/ping",
            admin,
            ApiDoc {
                status: 204,
                ..doc("Queue a test delivery (event `ping`)", "webhooks")
            },
            ping_api,
        )
        .api(
            Method::GET,
            "/api/v1/webhooks/{id}/deliveries",
            admin,
            ApiDoc {
                response: Some("Delivery"),
                paged: true,
                params: Some(query_params::<PageQuery>),
                ..doc("An endpoint's delivery log, newest first", "webhooks")
            },
            deliveries_api,
        )
        .api(
            Method::POST,
            "/api/v1/webhooks/{id}/deliveries/{did}/retry",
            admin,
            ApiDoc {
                status: 204,
                ..doc("Queue an undeliverable delivery again", "webhooks")
            },
            retry_api,
        );
}

async fn run_now(state: &AppState) -> Result<WebhookPass, AppError> {
    let poster = state.poster.clone();
    state
        .with_clock(move |c, clock| webhooks::run(c, clock, poster.as_ref()))
        .await
}

/// The events as the form offers them: name and words.
fn event_options() -> Vec<(&'static str, String)> {
    let t = strings();
    Event::SUBSCRIBABLE
        .iter()
        .map(|e| {
            (
                e.as_str(),
                t.get(&format!("webhook.event_{}", e.as_str().replace('.', "_"))),
            )
        })
        .collect()
}

/// The endpoints and the form to add one.
pub async fn list_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let list = state.with_clock(webhooks::list).await?;
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("list", &list);
    ctx.insert("events", &event_options());
    Ok(render(StatusCode::OK, "webhooks.html", ctx)?)
}

/// Adds an endpoint and opens its page (where the secret is).
pub async fn create_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &["events"])?;
    let input: WebhookInput = form.decode()?;
    let login = user.0.login.clone();
    match state
        .with_clock(move |c, clock| webhooks::create(c, clock, &login, &input))
        .await
    {
        Ok(w) => {
            done(&session, &strings().get("webhook.created"));
            Ok(see_other(&format!("/webhooks/{}#message", w.id)))
        }
        Err(e) => {
            refused(&session, &e.user_message().ok_or(e)?);
            Ok(see_other("/webhooks#message"))
        }
    }
}

/// Announces and posts now, and says what happened.
pub async fn run_page(
    state: web::Data<AppState>,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let p = run_now(&state).await?;
    let said = [("overdue", p.overdue), ("delivered", p.delivered), ("failed", p.failed)]
        .iter()
        .fold(strings().get("webhook.ran"), |s, (k, v)| fill(&s, k, &v.to_string()));
    done(&session, &said);
    Ok(see_other("/webhooks#message"))
}

/// One endpoint: its secret, its events, its delivery log.
pub async fn webhook_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let page = query.page();
    let (hook, log) = state
        .with_clock(move |c, clock| {
            Ok((
                webhooks::get(c, clock, &id)?,
                webhooks::deliveries(c, clock, &id, page)?,
            ))
        })
        .await?;
    let t = strings();
    let states: Vec<String> = log.items.iter().map(state_in_words).collect();
    let words: Vec<String> = hook
        .events
        .iter()
        .map(|e| t.get(&format!("webhook.event_{}", e.replace('.', "_"))))
        .collect();
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("hook", &hook);
    ctx.insert("event_words", &words);
    ctx.insert("states", &states);
    ctx.insert("total", &log.total);
    ctx.insert("page", &log.page);
    ctx.insert("pages", &((log.total + log.per_page - 1) / log.per_page).max(1));
    ctx.insert("log", &log);
    Ok(render(StatusCode::OK, "webhook.html", ctx)?)
}

/// A delivery's state as people read it.
fn state_in_words(d: &Delivery) -> String {
    let t = strings();
    let answer = match (d.last_status, &d.last_error) {
        (Some(s), _) => format!("HTTP {s}"),
        (None, Some(e)) => e.clone(),
        (None, None) => String::new(),
    };
    match d.state {
        "delivered" => fill(
            &fill(
                &t.get("webhook.state_delivered"),
                "at",
                d.delivered.as_deref().unwrap_or(""),
            ),
            "answer",
            &answer,
        ),
        "undeliverable" => fill(
            &fill(&t.get("webhook.state_undeliverable"), "n", &d.attempts.to_string()),
            "answer",
            &answer,
        ),
        _ => match &d.next_attempt {
            Some(at) => fill(
                &fill(
                    &fill(&t.get("webhook.state_retry"), "n", &d.attempts.to_string()),
                    "at",
                    at,
                ),
                "answer",
                &answer,
            ),
            None => t.get("webhook.state_queued"),
        },
    }
}

/// Removes an endpoint.
pub async fn delete_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let login = user.0.login.clone();
    state
        .with_clock(move |c, clock| webhooks::delete(c, clock, &login, &id))
        .await?;
    done(&session, &strings().get("msg.deleted"));
    Ok(see_other("/webhooks#message"))
}

/// Queues a test delivery and posts it at once.
pub async fn ping_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let target = id.clone();
    state
        .with_clock(move |c, clock| webhooks::ping(c, clock, &target))
        .await?;
    run_now(&state).await?;
    done(&session, &strings().get("webhook.pinged"));
    Ok(see_other(&format!("/webhooks/{id}#message")))
}

/// Queues an undeliverable delivery again.
pub async fn retry_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    Form::parse(&session, &body, &[])?;
    let (id, did) = path.into_inner();
    let hook = id.clone();
    match state
        .with_clock(move |c, clock| webhooks::retry(c, clock, &hook, &did))
        .await
    {
        Ok(()) => done(&session, &strings().get("mail.retried")),
        Err(e) => refused(&session, &e.user_message().ok_or(e)?),
    }
    Ok(see_other(&format!("/webhooks/{id}#message")))
}

/// Every endpoint.
pub async fn list_api(state: web::Data<AppState>) -> Result<web::Json<Vec<Webhook>>, ApiError> {
    Ok(web::Json(state.with_clock(webhooks::list).await?))
}

/// Adds an endpoint.
pub async fn create_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<WebhookInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let login = user.0.login.clone();
    let w = state
        .with_clock(move |c, clock| webhooks::create(c, clock, &login, &input))
        .await?;
    Ok(HttpResponse::Created().json(w))
}

/// Announces and posts now.
pub async fn run_api(state: web::Data<AppState>) -> Result<web::Json<WebhookPass>, ApiError> {
    Ok(web::Json(run_now(&state).await?))
}

/// One endpoint.
pub async fn get_api(state: web::Data<AppState>, path: web::Path<String>) -> Result<web::Json<Webhook>, ApiError> {
    let id = path.into_inner();
    Ok(web::Json(
        state.with_clock(move |c, clock| webhooks::get(c, clock, &id)).await?,
    ))
}

/// Removes an endpoint.
pub async fn delete_api(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let login = user.0.login.clone();
    state
        .with_clock(move |c, clock| webhooks::delete(c, clock, &login, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Queues a test delivery.
pub async fn ping_api(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    state.with_clock(move |c, clock| webhooks::ping(c, clock, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An endpoint's delivery log.
pub async fn deliveries_api(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paged<Delivery>>, ApiError> {
    let id = path.into_inner();
    let page = query.page();
    Ok(web::Json(
        state
            .with_clock(move |c, clock| webhooks::deliveries(c, clock, &id, page))
            .await?,
    ))
}

/// Queues an undeliverable delivery again.
pub async fn retry_api(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, did) = path.into_inner();
    state
        .with_clock(move |c, clock| webhooks::retry(c, clock, &id, &did))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
