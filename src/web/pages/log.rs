//! The change log: integrity check and the latest entries.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

use serde::Serialize;
use serde_json::Value;

use crate::clock::Clock;
use crate::i18n::strings;
use crate::services::journal;
use crate::web::auth::{CurrentUser, ReadAt};
use crate::web::error::{AppError, PageError};
use crate::web::kept;
use crate::web::queries::LogQuery;
use crate::web::resources::LOG_READERS;
use crate::web::routes::{Access, Router};
use crate::web::state::AppState;
use crate::web::templates::{base_context, render};

/// Registers the change log page.
pub fn routes(r: &mut Router) {
    r.nav_page("/log", Access::Roles(LOG_READERS), "nav.log", show).page(
        Method::GET,
        "/log/{seq}",
        Access::Roles(LOG_READERS),
        entry,
    );
}

/// How many entries the page shows: what was changed is on each entry's own page,
/// the list stays light however large the stored texts are.
const SHOWN: i64 = 50;

/// The log page. The chain is checked on every view, so a change made behind the
/// application's back shows at once; the page itself is kept by the change log's head
/// and the check's verdict (`web::kept`), which is all it shows.
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    read_at: ReadAt,
    session: Session,
    query: web::Query<LogQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let verdict = state
        .with_clock(|c, clock| journal::verify_and_checkpoint(c, clock, false))
        .await?;
    let seen = match &verdict {
        Ok(v) => format!("intact through {}", v.through),
        Err(b) => format!("broken at {}: {}", b.seq, b.reason),
    };
    let key = format!("{} {seen}", kept::key(&req, &user.0, state.today()));
    let turn = match kept::get(&state.views.pages, read_at, &key, &session).await? {
        kept::Lookup::Kept(page) => return Ok(page),
        kept::Lookup::Build(turn) => turn,
    };
    let before = query.before;
    let entries = state.db(move |c| journal::listed(c, before, SHOWN)).await?;
    let mut ctx = kept::context(&user.0, &session)?;
    match verdict {
        Ok(v) => ctx.insert("verified", &v.through),
        Err(b) => {
            ctx.insert("broken_seq", &b.seq);
            ctx.insert("broken_reason", &strings().get(&format!("log_reason.{}", b.code())));
        }
    }
    // Entries with the time as people read it (the organisation's zone); what they
    // recorded is on each entry's page.
    let entries: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            serde_json::json!({ "seq": e.seq, "at": state.clock.stamp(e.at), "actor": e.actor,
                                "entity": entity_label(&e.entity), "action": action_label(&e.action) })
        })
        .collect();
    // Older entries follow from the last one shown (a sequence number, so a page
    // stays the same while new entries arrive).
    let oldest = entries.last().map(|e| e["seq"].clone());
    if entries.len() as i64 == SHOWN && oldest.as_ref().and_then(|s| s.as_i64()).is_some_and(|s| s > 1) {
        ctx.insert("older", &oldest);
    }
    ctx.insert("paged", &before.is_some());
    ctx.insert("entries", &entries);
    Ok(kept::keep(
        turn,
        &state.views.pages,
        read_at,
        &key,
        "log.html",
        ctx,
        &session,
    )?)
}

/// One entry of the log with what it recorded before and after.
pub async fn entry(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let seq: i64 = path.into_inner().parse().map_err(|_| AppError::NotFound)?;
    let e = state.db(move |c| journal::entry(c, seq)).await?;
    let mut ctx = base_context(Some(&user.0), &session)?;
    ctx.insert("at", &state.clock.stamp(e.at));
    ctx.insert("entity", &entity_label(&e.entity));
    ctx.insert("action", &action_label(&e.action));
    let parse = |j: &Option<String>| j.as_deref().and_then(|j| serde_json::from_str::<Value>(j).ok());
    ctx.insert(
        "fields",
        &fields(
            parse(&e.before_json).as_ref(),
            parse(&e.after_json).as_ref(),
            &state.clock,
        ),
    );
    ctx.insert("e", &e);
    Ok(render(StatusCode::OK, "log_entry.html", ctx)?)
}

/// What kind of record an entry is about, in words.
fn entity_label(code: &str) -> String {
    strings()
        .find(&format!("log_entity.{code}"))
        .unwrap_or(code)
        .to_string()
}

/// What an entry records was done, in words.
fn action_label(code: &str) -> String {
    strings()
        .find(&format!("log_action.{code}"))
        .unwrap_or(code)
        .to_string()
}

/// One recorded field as people read it: its label, and its value before and after.
#[derive(Debug, Serialize, PartialEq)]
struct Field {
    label: String,
    before: Option<String>,
    after: Option<String>,
    changed: bool,
}

/// The fields of an entry's before and after, in the order recorded, each value in words:
/// times in the organisation's zone, dates as 01.12.2026, codes translated.
fn fields(before: Option<&Value>, after: Option<&Value>, clock: &Clock) -> Vec<Field> {
    let as_map = |v: Option<&Value>| match v {
        Some(Value::Object(m)) => Some(m.clone()),
        Some(other) => Some(serde_json::Map::from_iter([("value".to_string(), other.clone())])),
        None => None,
    };
    let (b, a) = (as_map(before), as_map(after));
    let mut keys: Vec<&String> = a.iter().chain(b.iter()).flat_map(|m| m.keys()).collect();
    let mut seen = std::collections::HashSet::new();
    keys.retain(|k| seen.insert(*k));
    keys.into_iter()
        .map(|k| {
            let show = |m: &Option<serde_json::Map<String, Value>>| {
                m.as_ref().and_then(|m| m.get(k)).map(|v| in_words(k, v, clock))
            };
            let (before, after) = (show(&b), show(&a));
            Field {
                label: strings().find(&format!("field.{k}")).unwrap_or(k).to_string(),
                changed: b.is_some() && a.is_some() && before != after,
                before,
                after,
            }
        })
        .collect()
}

/// One recorded value in words.
fn in_words(key: &str, v: &Value, clock: &Clock) -> String {
    let t = strings();
    match v {
        Value::Null => "—".into(),
        Value::Bool(b) => t.get(if *b { "log.yes" } else { "log.no" }),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            if let Ok(at) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
                return clock.stamp(at);
            }
            if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                return d.format("%d.%m.%Y").to_string();
            }
            let vocabulary = match key {
                "status" => "status",
                "decision" => "visa",
                "method" => "ack_method",
                "section" | "kind" => "section",
                _ => "",
            };
            t.find(&format!("{vocabulary}.{s}"))
                .filter(|_| !vocabulary.is_empty())
                .unwrap_or(s)
                .to_string()
        }
        Value::Array(items) => items
            .iter()
            .map(|i| in_words(key, i, clock))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(_) => v.to_string(),
    }
}
