//! Webhooks: endpoints of other systems (1С, HRIS) told of approvals, new revisions,
//! signed and overdue acknowledgements.
//!
//! An event writes one delivery per subscribed endpoint in its own transaction
//! ([`emit`]), so an event that happened is announced and one that was rolled back
//! is not. The outbox worker claims a delivery, posts it signed with the endpoint's
//! secret, and marks it delivered on a 2xx; anything else is tried again with the
//! same back-off as mail, and every try is in the endpoint's delivery log.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::journal::{write_tx, Journal};
use super::{employees, new_id, Page, Paged, ServiceError};
use crate::clock::Clock;
use crate::db::schema::{acknowledgements as ack, jd_versions, job_descriptions as jd, positions};
use crate::db::schema::{webhook_deliveries as del, webhooks as hooks};
use crate::db::DbConn;
use crate::domain::delivery::{retry_delay, MAX_ATTEMPTS};
use crate::domain::validation::FieldErrors;
use crate::domain::version::Status;
use crate::domain::webhook::{self, accepted, Event, Poster, Request};

/// How long a claimed delivery is left to its sender before another may try it.
const CLAIM: i64 = 5;

/// An endpoint as the administrator sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    /// The key the receiver checks `X-Jobdesc-Signature` with.
    pub secret: String,
    pub events: Vec<String>,
    pub active: bool,
    /// When it was added, as people read it.
    pub created: String,
}

/// A new endpoint: where, and which events.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WebhookInput {
    #[serde(default)]
    pub url: String,
    /// Any of `version.approved`, `revision.created`, `acknowledgement.signed`,
    /// `acknowledgement.overdue`.
    #[serde(default)]
    pub events: Vec<String>,
}

/// One delivery in an endpoint's log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    pub id: String,
    pub event: String,
    /// `queued`, `delivered` or `undeliverable`.
    pub state: &'static str,
    pub created: String,
    pub delivered: Option<String>,
    pub attempts: i32,
    pub next_attempt: Option<String>,
    /// The receiver's last HTTP status, if it answered.
    pub last_status: Option<i32>,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// The JSON body posted.
    pub body: String,
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WebhookPass {
    /// Overdue acknowledgements announced for the first time.
    pub overdue: usize,
    /// Deliveries the receivers took.
    pub delivered: usize,
    /// Deliveries not taken this time (tried again later).
    pub failed: usize,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = hooks)]
struct HookRow {
    id: String,
    url: String,
    secret: String,
    events: String,
    active: bool,
    created_at: NaiveDateTime,
}

impl HookRow {
    fn view(self, clock: &Clock) -> Webhook {
        Webhook {
            events: self.events.split(',').map(str::to_string).collect(),
            created: clock.stamp(self.created_at),
            id: self.id,
            url: self.url,
            secret: self.secret,
            active: self.active,
        }
    }
}

/// Every endpoint, oldest first.
pub fn list(conn: &mut DbConn, clock: &Clock) -> Result<Vec<Webhook>, ServiceError> {
    let rows: Vec<HookRow> = hooks::table
        .order((hooks::created_at.asc(), hooks::id.asc()))
        .select(HookRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| r.view(clock)).collect())
}

/// One endpoint.
pub fn get(conn: &mut DbConn, clock: &Clock, id: &str) -> Result<Webhook, ServiceError> {
    let row: HookRow = hooks::table.find(id).select(HookRow::as_select()).first(conn)?;
    Ok(row.view(clock))
}

/// Adds an endpoint with a new secret.
pub fn create(conn: &mut DbConn, clock: &Clock, actor: &str, input: &WebhookInput) -> Result<Webhook, ServiceError> {
    let mut e = FieldErrors::default();
    let url = webhook::clean_url(&input.url).unwrap_or_else(|code| {
        e.add("url", code);
        String::new()
    });
    let events = webhook::clean_events(&input.events).unwrap_or_else(|code| {
        e.add("events", code);
        Vec::new()
    });
    e.into_result()?;
    let events: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    let id = new_id();
    write_tx(conn, clock, actor, |conn, journal| {
        diesel::insert_into(hooks::table)
            .values((
                hooks::id.eq(&id),
                hooks::url.eq(&url),
                hooks::secret.eq(format!("whsec_{}", crate::domain::account::random_secret(24))),
                hooks::events.eq(events.join(",")),
                hooks::created_at.eq(journal.at()),
            ))
            .execute(conn)?;
        // The secret stays out of the change log.
        journal.note(conn, "webhook", &id, "create", &json!({ "url": url, "events": events }))
    })?;
    get(conn, clock, &id)
}

/// Removes an endpoint and its delivery log.
pub fn delete(conn: &mut DbConn, clock: &Clock, actor: &str, id: &str) -> Result<(), ServiceError> {
    let before = get(conn, clock, id)?;
    write_tx(conn, clock, actor, |conn, journal| {
        diesel::delete(del::table.filter(del::webhook_id.eq(id))).execute(conn)?;
        diesel::delete(hooks::table.find(id)).execute(conn)?;
        journal.deleted(
            conn,
            "webhook",
            id,
            &json!({ "url": before.url, "events": before.events }),
        )
    })
}

/// Queues a test delivery (`ping`) to one endpoint.
pub fn ping(conn: &mut DbConn, clock: &Clock, id: &str) -> Result<(), ServiceError> {
    let hook = get(conn, clock, id)?;
    let at = clock.now();
    let event_id = new_id();
    queue(
        conn,
        at,
        &hook.id,
        Event::Ping,
        &event_id,
        &body(&event_id, Event::Ping, at, json!({})),
    )
}

/// Announces `event` to every active endpoint subscribed to it; `key` names what it
/// is about, so the same event about the same thing is queued once per endpoint;
/// `data` is read only when someone listens. Call it inside the transaction that
/// makes the event happen.
pub fn emit(
    conn: &mut DbConn,
    at: NaiveDateTime,
    event: Event,
    key: &str,
    data: impl FnOnce(&mut DbConn) -> Result<Value, ServiceError>,
) -> Result<usize, ServiceError> {
    let targets = subscribed(conn, event)?;
    if targets.is_empty() {
        return Ok(0);
    }
    let event_id = new_id();
    let text = body(&event_id, event, at, data(conn)?);
    let mut queued = 0;
    for hook in targets {
        let dedupe = format!("{hook}:{}:{key}", event.as_str());
        let exists: bool =
            diesel::select(diesel::dsl::exists(del::table.filter(del::dedupe.eq(&dedupe)))).get_result(conn)?;
        if !exists {
            insert(conn, at, &hook, event, &dedupe, &text)?;
            queued += 1;
        }
    }
    Ok(queued)
}

fn queue(
    conn: &mut DbConn,
    at: NaiveDateTime,
    hook: &str,
    event: Event,
    key: &str,
    text: &str,
) -> Result<(), ServiceError> {
    insert(conn, at, hook, event, &format!("{hook}:{}:{key}", event.as_str()), text)
}

fn insert(
    conn: &mut DbConn,
    at: NaiveDateTime,
    hook: &str,
    event: Event,
    dedupe: &str,
    text: &str,
) -> Result<(), ServiceError> {
    diesel::insert_into(del::table)
        .values((
            del::id.eq(new_id()),
            del::webhook_id.eq(hook),
            del::event.eq(event.as_str()),
            del::dedupe.eq(dedupe),
            del::body.eq(text),
            del::created_at.eq(at),
            del::next_attempt_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The JSON body of an event: its id (the same for every endpoint), name, time and data.
fn body(event_id: &str, event: Event, at: NaiveDateTime, data: Value) -> String {
    json!({
        "id": event_id,
        "event": event.as_str(),
        "occurred_at": at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": data,
    })
    .to_string()
}

/// A version with its position, as events tell of it.
#[derive(Queryable)]
struct VersionHead {
    job_description_id: String,
    number: i32,
    status: String,
    position_id: String,
    position_title: String,
    registration_number: Option<String>,
    effective_date: Option<NaiveDate>,
    content_hash: Option<String>,
}

/// What an event about a version says of it.
pub fn version_data(conn: &mut DbConn, version_id: &str) -> Result<Value, ServiceError> {
    let h: VersionHead = jd_versions::table
        .inner_join(jd::table.on(jd::id.eq(jd_versions::job_description_id)))
        .inner_join(positions::table.on(positions::id.eq(jd::position_id)))
        .filter(jd_versions::id.eq(version_id))
        .select((
            jd::id,
            jd_versions::number,
            jd_versions::status,
            positions::id,
            positions::title,
            jd_versions::registration_number,
            jd_versions::effective_date,
            jd_versions::content_hash,
        ))
        .first(conn)?;
    Ok(json!({
        "version_id": version_id,
        "job_description_id": h.job_description_id,
        "number": h.number,
        "status": h.status,
        "position_id": h.position_id,
        "position_title": h.position_title,
        "registration_number": h.registration_number,
        "effective_date": h.effective_date,
        "content_hash": h.content_hash,
    }))
}

/// Announces, within the journal's transaction, an event about a version.
pub fn emit_for_version(
    conn: &mut DbConn,
    journal: &Journal,
    event: Event,
    version_id: &str,
) -> Result<(), ServiceError> {
    emit(conn, journal.at(), event, version_id, |conn| {
        version_data(conn, version_id)
    })?;
    Ok(())
}

/// Endpoints listening for `event`.
fn subscribed(conn: &mut DbConn, event: Event) -> Result<Vec<String>, ServiceError> {
    let hooks: Vec<(String, String)> = hooks::table
        .filter(hooks::active.eq(true))
        .select((hooks::id, hooks::events))
        .load(conn)?;
    Ok(hooks
        .into_iter()
        .filter(|(_, events)| events.split(',').any(|e| e == event.as_str()))
        .map(|(id, _)| id)
        .collect())
}

/// Announces every acknowledgement of a version in force that is past its due date
/// and not yet announced; returns how many endpoint deliveries were queued.
pub fn scan_overdue(conn: &mut DbConn, clock: &Clock) -> Result<usize, ServiceError> {
    let event = Event::AcknowledgementOverdue;
    let targets = subscribed(conn, event)?;
    if targets.is_empty() {
        return Ok(0);
    }
    // What was announced already, read once: a pass costs one query while nothing is new.
    let announced: HashSet<String> = del::table
        .filter(del::event.eq(event.as_str()))
        .select(del::dedupe)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let (now, today) = clock.now_and_today();
    let late: Vec<(String, String, String, NaiveDate)> = ack::table
        .inner_join(jd_versions::table.on(jd_versions::id.eq(ack::version_id)))
        .filter(jd_versions::status.eq(Status::Approved.as_str()))
        .filter(ack::signed_at.is_null())
        .filter(ack::due_date.lt(today))
        .order(ack::due_date.asc())
        .select((ack::id, ack::version_id, ack::employee_id, ack::due_date))
        .load(conn)?;
    let new: Vec<_> = late
        .into_iter()
        .filter(|(id, ..)| {
            targets
                .iter()
                .any(|h| !announced.contains(&format!("{h}:{}:{id}", event.as_str())))
        })
        .collect();
    let ids: Vec<&String> = new.iter().map(|(_, _, e, _)| e).collect();
    let names = employees::full_names(conn, &ids)?;
    let mut queued = 0;
    for (id, version_id, employee_id, due) in &new {
        let data = |conn: &mut DbConn| {
            let mut data = version_data(conn, version_id)?;
            data["acknowledgement_id"] = json!(id);
            data["employee_id"] = json!(employee_id);
            data["employee_name"] = json!(names.get(employee_id));
            data["due_date"] = json!(due);
            Ok(data)
        };
        queued += conn.transaction(|conn| emit(conn, now, event, id, data))?;
    }
    Ok(queued)
}

/// Announces overdue acknowledgements, then posts every delivery that is due.
pub fn run(conn: &mut DbConn, clock: &Clock, poster: &dyn Poster) -> Result<WebhookPass, ServiceError> {
    let overdue = scan_overdue(conn, clock)?;
    let (delivered, failed) = deliver_due(conn, clock, poster)?;
    Ok(WebhookPass {
        overdue,
        delivered,
        failed,
    })
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = del)]
struct DueRow {
    id: String,
    webhook_id: String,
    event: String,
    body: String,
    attempts: i32,
}

/// Posts every due delivery not claimed by another sender: (delivered, failed).
pub fn deliver_due(conn: &mut DbConn, clock: &Clock, poster: &dyn Poster) -> Result<(usize, usize), ServiceError> {
    let (mut delivered, mut failed) = (0, 0);
    let mut seen = HashSet::new();
    loop {
        let now = clock.now();
        let due: Vec<DueRow> = del::table
            .filter(del::delivered_at.is_null())
            .filter(del::attempts.lt(MAX_ATTEMPTS))
            .filter(del::next_attempt_at.le(now))
            .filter(del::claimed_until.is_null().or(del::claimed_until.lt(now)))
            .order(del::created_at.asc())
            .limit(50)
            .select(DueRow::as_select())
            .load(conn)?;
        let fresh: Vec<DueRow> = due.into_iter().filter(|d| seen.insert(d.id.clone())).collect();
        if fresh.is_empty() {
            return Ok((delivered, failed));
        }
        for d in fresh {
            let claimed = diesel::update(
                del::table
                    .filter(del::id.eq(&d.id))
                    .filter(del::delivered_at.is_null())
                    .filter(del::claimed_until.is_null().or(del::claimed_until.lt(now))),
            )
            .set(del::claimed_until.eq(Some(now + Duration::minutes(CLAIM))))
            .execute(conn)?;
            if claimed != 1 {
                continue;
            }
            let (url, secret): (String, String) = hooks::table
                .find(&d.webhook_id)
                .select((hooks::url, hooks::secret))
                .first(conn)?;
            let timestamp = clock.now_utc().timestamp();
            let request = Request {
                url,
                headers: vec![
                    ("X-Jobdesc-Event".into(), d.event.clone()),
                    ("X-Jobdesc-Delivery".into(), d.id.clone()),
                    ("X-Jobdesc-Timestamp".into(), timestamp.to_string()),
                    (
                        "X-Jobdesc-Signature".into(),
                        webhook::signature(&secret, timestamp, &d.body),
                    ),
                ],
                body: d.body,
            };
            let answer = poster.post(&request);
            let at = clock.now();
            let status = answer.as_ref().ok().map(|s| i32::from(*s));
            let row = del::table.filter(del::id.eq(&d.id));
            if accepted(&answer) {
                diesel::update(row)
                    .set((
                        del::delivered_at.eq(Some(at)),
                        del::attempts.eq(d.attempts + 1),
                        del::claimed_until.eq(None::<NaiveDateTime>),
                        del::last_status.eq(status),
                        del::last_error.eq(None::<String>),
                    ))
                    .execute(conn)?;
                delivered += 1;
            } else {
                let error = match &answer {
                    Ok(s) => format!("HTTP {s}"),
                    Err(e) => e.clone(),
                };
                tracing::warn!(delivery = %d.id, error = %error, "a webhook receiver did not take a delivery");
                diesel::update(row)
                    .set((
                        del::attempts.eq(d.attempts + 1),
                        del::next_attempt_at.eq(at + retry_delay(d.attempts + 1)),
                        del::claimed_until.eq(None::<NaiveDateTime>),
                        del::last_status.eq(status),
                        del::last_error.eq(Some(error)),
                    ))
                    .execute(conn)?;
                failed += 1;
            }
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = del)]
struct LogRow {
    id: String,
    event: String,
    body: String,
    created_at: NaiveDateTime,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    delivered_at: Option<NaiveDateTime>,
    last_status: Option<i32>,
    last_error: Option<String>,
}

/// An endpoint's delivery log, newest first.
pub fn deliveries(
    conn: &mut DbConn,
    clock: &Clock,
    webhook_id: &str,
    page: Page,
) -> Result<Paged<Delivery>, ServiceError> {
    get(conn, clock, webhook_id)?;
    let total = del::table
        .filter(del::webhook_id.eq(webhook_id))
        .count()
        .get_result(conn)?;
    let rows: Vec<LogRow> = del::table
        .filter(del::webhook_id.eq(webhook_id))
        .order((del::created_at.desc(), del::id.asc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select(LogRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|r| {
            let state = match r.delivered_at {
                Some(_) => "delivered",
                None if r.attempts >= MAX_ATTEMPTS => "undeliverable",
                None => "queued",
            };
            Delivery {
                id: r.id,
                event: r.event,
                state,
                created: clock.stamp(r.created_at),
                delivered: r.delivered_at.map(|t| clock.stamp(t)),
                attempts: r.attempts,
                next_attempt: (state == "queued" && r.attempts > 0).then(|| clock.stamp(r.next_attempt_at)),
                last_status: r.last_status,
                last_error: r.last_error,
                body: r.body,
            }
        })
        .collect();
    Ok(Paged {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Queues an undeliverable delivery again, for now.
pub fn retry(conn: &mut DbConn, clock: &Clock, webhook_id: &str, id: &str) -> Result<(), ServiceError> {
    let n = diesel::update(
        del::table
            .filter(del::id.eq(id))
            .filter(del::webhook_id.eq(webhook_id))
            .filter(del::delivered_at.is_null())
            .filter(del::attempts.ge(MAX_ATTEMPTS)),
    )
    .set((del::attempts.eq(0), del::next_attempt_at.eq(clock.now())))
    .execute(conn)?;
    if n == 1 {
        return Ok(());
    }
    let exists: bool = diesel::select(diesel::dsl::exists(
        del::table.filter(del::id.eq(id)).filter(del::webhook_id.eq(webhook_id)),
    ))
    .get_result(conn)?;
    if exists {
        Err(ServiceError::Refused("delivery_not_undeliverable"))
    } else {
        Err(ServiceError::NotFound)
    }
}
